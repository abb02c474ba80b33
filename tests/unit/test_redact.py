"""No credential in a log line: what `outreachbot.redact` hides, and what it leaves."""

from __future__ import annotations

import logging

import pytest

from outreachbot import redact

TOKEN = "eab2468720984bc65a45b4a7f51820176b02a191+\\"


@pytest.mark.parametrize("line", [
    # Pywikibot's -debug line of a login and of an edit (URL-encoded bodies)
    "Body: 'action=clientlogin&username=Bot&password=pWn3X0df_sFXRkO6xAQZ0mcMc"
    "&loginreturnurl=https%3A%2F%2Fexample.com&logintoken=153ff55e9c78af3a6fbbfee41329"
    "1dfa6b02a190%2B%5C'",
    "Body: 'action=login&lgname=Bot%40app&lgpassword=d4a4e39ed282ca1e348df4b52e09b7e3"
    "&lgtoken=153ff55e9c78af3a6fbbfee413291dfa6b02a190%2B%5C'",
    "Body: 'action=edit&title=X&text=Hello&token=eab2468720984bc65a45b4a7f51820176b02a191"
    "%2B%5C'",
    # the parameters of a failed request, and an API answer
    "{'action': ['edit'], 'token': ['eab2468720984bc65a45b4a7f51820176b02a191+\\\\']}",
    '{"query": {"tokens": {"csrftoken": "eab2468720984bc65a45b4a7f51820176b02a191+\\\\"}}}',
    # a token on its own, and cookies in headers and in a cookie file
    f"the token is {TOKEN} here",
    "{'Set-Cookie': 'my_wiki_session=k3j4h5g6f7d8s9a0; path=/; HttpOnly'}",
    "Cookie: my_wiki_session=k3j4h5g6f7d8s9a0; my_wikiToken=0a9s8d7f6g5h4j3k",
    'Set-Cookie3: my_wiki_session="k3j4h5g6f7d8s9a0"; path="/"; domain="127.0.0.1"',
    "centralauth_Session=k3j4h5g6f7d8s9a0&other=1",
])
def test_credentials_are_hidden(line):
    hidden = redact.text(line)
    for secret in ("pWn3X0df_sFXRkO6xAQZ0mcMc", "d4a4e39ed282ca1e348df4b52e09b7e3",
                   "153ff55e9c78af3a6fbbfee413291dfa6b02a190",
                   "eab2468720984bc65a45b4a7f51820176b02a191", "k3j4h5g6f7d8s9a0",
                   "0a9s8d7f6g5h4j3k"):
        assert secret not in hidden
    assert redact.HIDDEN in hidden


@pytest.mark.parametrize("line", [
    "Body: 'action=query&meta=tokens&type=csrf%7Clogin&formatversion=2&format=json'",
    "Body: 'action=paraminfo&modules=query%2Btokens&format=json'",
    "Saved [[User:OutreachBot/Status]]",
    "Loading cookies for user OutreachBot failed.",
    "revision 1234, hash 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 (no token)",
    "<!-- outreachbot:problem 0123456789ab -->",
])
def test_ordinary_lines_are_left_alone(line):
    assert redact.text(line) == line


def test_a_remembered_secret_is_hidden_in_any_form():
    redact.remember("s3cr&t pass/word")
    for form in ("s3cr&t pass/word", "s3cr%26t%20pass%2Fword", "s3cr%26t+pass%2Fword"):
        assert redact.text(f"x {form} y") == f"x {redact.HIDDEN} y"
    redact.remember("ab")  # too short to hide without hiding ordinary words
    assert redact.text("tab") == "tab"


def test_log_records_are_hidden_before_any_handler_sees_them():
    redact.install()
    redact.install()  # once is enough; twice changes nothing
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("outreachbot.test_redact")
    logger.addHandler(Keep())
    logger.propagate = False
    try:
        logger.warning("edit with token=%s done", TOKEN)
        try:
            raise RuntimeError(f"failed: {{'token': '{TOKEN}'}}")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.handlers.clear()
    formatter = logging.Formatter()
    texts = [formatter.format(record) for record in records]
    assert texts[0] == f"edit with token={redact.HIDDEN} done"
    assert "RuntimeError: failed:" in texts[1] and "eab24687" not in texts[1]
