"""Page titles and user names are compared and checked the way MediaWiki does."""

from __future__ import annotations

import pytest

from outreachbot.titles import is_valid_title, is_valid_user, normalize_title, normalize_user


@pytest.mark.parametrize(("written", "stored"), [
    ("foo_bar", "Foo bar"),
    ("  Wikimedia and Libraries  User_Group/Worldwide activities ",
     "Wikimedia and Libraries User Group/Worldwide activities"),
    ("category:libraries", "Category:Libraries"),
    (":Category:Librarians", "Category:Librarians"),
    ("user talk : bob_x", "User talk:Bob x"),
    ("image:Logo.png", "File:Logo.png"),
    ("Unknownprefix:foo", "Unknownprefix:foo"),
    ("#1lib1ref office hours", "#1lib1ref office hours"),
    ("ßtraße", "ßtraße"),
    ("éclair", "Éclair"),
])
def test_normalize_title(written: str, stored: str) -> None:
    """Titles are stored with spaces, a capital first letter and the namespace's own case."""
    assert normalize_title(written) == stored


@pytest.mark.parametrize(("title", "phrase"), [
    ("", "empty"),
    ("   ", "empty"),
    ("Foo#Bar", "'#'"),
    ("a<b>", "'<' '>'"),
    ("[[Foo]]", "'[' ']'"),
    ("a|b", "'|'"),
    ("{{Foo}}", "'{' '}'"),
    ("Category:", "nothing after 'Category:'"),
    ("x" * 256, "256 bytes"),
    ("Category:" + "é" * 128, "256 bytes"),
    ("Special:RecentChanges", "cannot be edited"),
    ("Foo%20bar", "URL-encoded"),
    ("../Foo", "'..'"),
    ("Foo/./Bar", "'.'"),
    ("Sign ~~~~", "signature"),
    ("Foo\x07", "control character"),
])
def test_invalid_titles_say_why(title: str, phrase: str) -> None:
    """Each invalid title gets a reason an organizer can act on."""
    reason = is_valid_title(title)
    assert reason is not None and phrase in reason


@pytest.mark.parametrize("title", [
    "Wikimedia and Libraries User Group/Worldwide activities",
    ":Category:Foo",
    "x" * 255,
    "Category:" + "x" * 255,
    "User:OutreachBot/Status",
    "Foo.bar/..baz",
])
def test_valid_titles(title: str) -> None:
    assert is_valid_title(title) is None


@pytest.mark.parametrize(("written", "stored"), [
    ("merrilee", "Merrilee"),
    ("User:Mylee_B", "Mylee B"),
    ("user : mylee", "Mylee"),
    (" Some  Name ", "Some Name"),
])
def test_normalize_user(written: str, stored: str) -> None:
    """Names from links, lists and revisions compare equal once normalized."""
    assert normalize_user(written) == stored


@pytest.mark.parametrize(("name", "phrase"), [
    ("", "empty"),
    ("Bob/Alice", "'/'"),
    ("bob@example.org", "'@'"),
    ("User talk:Bob", "':'"),
    ("Bob#1", "'#'"),
    ("<Bob>", "'<' '>'"),
    ("[[Bob]]", "'[' ']'"),
    ("Bob|x", "'|'"),
    ("{{Bob}}", "'{' '}'"),
    ("a=b", "'='"),
    ("192.0.2.1", "IP address"),
    ("x" * 256, "256 bytes"),
])
def test_invalid_user_names_say_why(name: str, phrase: str) -> None:
    reason = is_valid_user(name)
    assert reason is not None and phrase in reason


@pytest.mark.parametrize("name", ["Merrilee", "Émile Zola", "OutreachBot", "User:Mylee"])
def test_valid_user_names(name: str) -> None:
    assert is_valid_user(name) is None
