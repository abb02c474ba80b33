"""Keep credentials out of every log line, console message and run log record.

Pywikibot's ``-debug`` writes the body of every API request to its log file: the login
request with the password and the login token, every edit with the CSRF token. On an
API error it logs the response headers, which may set cookies. `install` makes every
log record of the process (Pywikibot's, APScheduler's, Python warnings) pass through
`text` when it is created, before any handler (console, ``-log`` file) sees it, so no
handler added later can miss it.

What is hidden:

- the value of any parameter, JSON or dict key whose name ends in ``token``,
  ``password``, ``secret`` or ``session`` (``lgpassword=...``, ``'csrftoken': '...'``,
  ``my_wiki_session=...``);
- anything shaped like a MediaWiki token (32 or more hex digits then ``+\\``), raw or
  URL-encoded, wherever it stands;
- the value of ``Cookie``/``Set-Cookie`` headers;
- literal secrets the process knows of: the password read from the password file
  (`remember`) and the current values of the session and token cookies in Pywikibot's
  cookie jar.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus

HIDDEN = "<hidden>"
MIN_SECRET = 6  # shorter literals would hide ordinary words

_KEY = r"\w*(?:token|password|passwd|secret|session)"
_PARAM = re.compile(rf"(?i)\b({_KEY})=(['\"]?)(?!{re.escape(HIDDEN)})[^&\s'\"<>;,]+")
_QUOTED = re.compile(rf"""(?i)(['"]{_KEY}['"]\s*[:=]\s*)(['"])(?:(?!\2).)+\2""")
_TOKEN = re.compile(r"(?i)[0-9a-f]{32,}(?:\+\\|%2B%5C|%2B|\+)")
_COOKIE = re.compile(r"""(?i)\b((?:set-)?cookie\d?['"]?\s*[:=]\s*)(['"]?)[^'"\n]+""")
_SECRET_COOKIE = re.compile(r"(?i)session|token")

_lock = threading.Lock()
_secrets: set[str] = set()
_installed: list[Callable[..., logging.LogRecord]] = []


def remember(secret: str | None) -> None:
    """Hide this literal (and its URL-encoded forms) from now on."""
    if not secret or len(secret) < MIN_SECRET:
        return
    with _lock:
        _secrets.update({secret, quote(secret, safe=""), quote_plus(secret)})


def _cookie_values() -> Iterable[str]:
    """The values of the session and token cookies Pywikibot holds right now."""
    http = sys.modules.get("pywikibot.comms.http")
    jar = getattr(http, "cookie_jar", None)
    if jar is None:
        return ()
    try:
        return [c.value for c in list(jar)
                if c.value and len(c.value) >= MIN_SECRET and _SECRET_COOKIE.search(c.name)]
    except RuntimeError:  # the jar changed while read (another thread): next time
        return ()


def text(value: str) -> str:
    """``value`` with every credential replaced by ``<hidden>``."""
    with _lock:
        literals = sorted(_secrets, key=len, reverse=True)
    for secret in [*literals, *_cookie_values()]:
        if secret in value:
            value = value.replace(secret, HIDDEN)
    value = _TOKEN.sub(HIDDEN, value)
    value = _QUOTED.sub(rf"\1\2{HIDDEN}\2", value)
    value = _PARAM.sub(rf"\1=\2{HIDDEN}", value)
    return _COOKIE.sub(rf"\1\2{HIDDEN}", value)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    shown = str(value)
    hidden = text(shown)
    return value if hidden == shown else hidden


def record(entry: logging.LogRecord) -> logging.LogRecord:
    """Hide the credentials in a log record's message, arguments and traceback.

    A message with arguments is formatted first (a secret may be split between the two,
    as in ``"token=%s"``) and kept as ``"%s"`` with the one hidden text as its argument,
    the shape Python's captured warnings have and Pywikibot's log formatter expects.
    """
    if entry.args:
        try:
            entry.msg, entry.args = "%s", (text(entry.getMessage()),)
        except (TypeError, ValueError, KeyError):  # a broken call: hide what is there
            entry.msg = _clean(entry.msg)
            entry.args = tuple(_clean(a) for a in entry.args) if isinstance(
                entry.args, tuple) else entry.args
    else:
        entry.msg = _clean(entry.msg)
    if entry.exc_info and entry.exc_info[0] is not None and not entry.exc_text:
        entry.exc_text = text(logging.Formatter().formatException(entry.exc_info))
    return entry


def install() -> None:
    """Pass every log record of this process through `record` (once; idempotent)."""
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return record(previous(*args, **kwargs))

    _installed.append(previous)
    logging.setLogRecordFactory(factory)
