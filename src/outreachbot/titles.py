"""Page titles and user names as MediaWiki writes them, without asking the wiki.

Organizers type titles and names by hand (``category:libraries``, ``Merrilee_A``,
``[[User:Mylee]]``); the bot must compare them the way the wiki does, and say why a title
cannot be a page before it tries to edit one. These helpers follow MediaWiki's rules for
the namespaces every wiki has; a namespace the list below does not know is treated as
part of the title, which is what the wiki does with an unknown prefix too.
"""

from __future__ import annotations

import ipaddress
import re

# The namespaces of a default MediaWiki, plus the Wikimedia ones organizers name often.
# Case as the wiki displays it; the key is the lowercase form organizers may type.
_NAMESPACES: dict[str, str] = {
    name.lower(): name
    for name in (
        "Media", "Special", "Talk", "User", "User talk", "Project", "Project talk",
        "File", "File talk", "MediaWiki", "MediaWiki talk", "Template", "Template talk",
        "Help", "Help talk", "Category", "Category talk", "Portal", "Portal talk",
        "Draft", "Draft talk", "Module", "Module talk", "Wikipedia", "Wikipedia talk",
        "Meta", "Meta talk", "TimedText", "TimedText talk", "Event", "Event talk",
    )
}
# Old names MediaWiki still resolves to the current one.
_NAMESPACES.update({"image": "File", "image talk": "File talk"})

# Pages the bot can never edit, so they are not valid targets.
_UNEDITABLE = ("Special", "Media")

MAX_TITLE_BYTES = 255
MAX_USER_BYTES = 255

_SPACES = re.compile(r"[\s_\u00a0\u2000-\u200b\u3000]+")
_TITLE_FORBIDDEN = set("#<>[]|{}")
_USER_FORBIDDEN = _TITLE_FORBIDDEN | set("/@:=")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_RELATIVE = re.compile(r"(^|/)\.\.?(/|$)")


def _ucfirst(text: str) -> str:
    """Upper-case the first letter as MediaWiki does (a letter that would become two,
    like 'ß', stays as it is)."""
    if not text:
        return text
    first = text[0].upper()
    return (first if len(first) == 1 else text[0]) + text[1:]


def _spaces(text: str) -> str:
    """Underscores and runs of white space are one space in a title, and never at an end."""
    return _SPACES.sub(" ", text).strip()


def split_namespace(title: str) -> tuple[str, str]:
    """Split a normalized title into its known namespace ('' for the main one) and the rest."""
    prefix, colon, rest = title.partition(":")
    if colon and _spaces(prefix).lower() in _NAMESPACES:
        return _NAMESPACES[_spaces(prefix).lower()], _spaces(rest)
    return "", title


def normalize_title(title: str) -> str:
    """The title as the wiki stores it: spaces for underscores, one leading colon dropped
    (``[[:Category:X]]`` links to the category), a known namespace in its usual case and
    the first letter after it upper-cased. Other text is kept, so an invalid title stays
    recognisable in the message that reports it."""
    text = _spaces(title)
    if text.startswith(":"):
        text = _spaces(text[1:])
    namespace, rest = split_namespace(text)
    if namespace:
        return f"{namespace}:{_ucfirst(rest)}"
    return _ucfirst(text)


def is_valid_title(title: str) -> str | None:
    """Why ``title`` cannot be a page the bot edits, or None when it can.

    The reason is a phrase that completes "'TITLE' is not a valid page title: ...".
    """
    text = normalize_title(title)
    if not text:
        return "it is empty"
    bad = sorted({char for char in text if char in _TITLE_FORBIDDEN})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        return f"page titles cannot contain {shown}"
    if any(ord(char) < 32 or ord(char) == 127 or char == "\ufffd" for char in text):
        return "it contains an invisible control character"
    if "~~~" in text:
        return "page titles cannot contain '~~~' (it turns into a signature)"
    if _PERCENT_ESCAPE.search(text):
        return "it looks URL-encoded (like '%20'); write the title as readers see it"
    namespace, rest = split_namespace(text)
    return _namespace_reason(namespace, rest)


def _namespace_reason(namespace: str, rest: str) -> str | None:
    """The checks that depend on where the namespace ends."""
    if namespace and not rest:
        return f"there is nothing after '{namespace}:'"
    if namespace in _UNEDITABLE:
        return f"{namespace}: pages cannot be edited"
    if rest.startswith(":"):
        return "it has two colons in a row after the namespace"
    if _RELATIVE.search(rest):
        return "page titles cannot be '.' or '..' or have them between slashes"
    size = len(rest.encode("utf-8"))
    if size > MAX_TITLE_BYTES:
        return f"it is {size} bytes long and a page title can have at most {MAX_TITLE_BYTES}"
    return None


def normalize_user(name: str) -> str:
    """A user name as the wiki stores it, so names from links, lists and revisions compare
    equal: a ``User:`` prefix dropped, spaces for underscores, first letter upper-cased."""
    text = _spaces(name)
    if text.startswith(":"):
        text = _spaces(text[1:])
    prefix, colon, rest = text.partition(":")
    if colon and _spaces(prefix).lower() == "user":
        text = _spaces(rest)
    return _ucfirst(text)


def is_valid_user(name: str, *, allow_ip: bool = False) -> str | None:
    """Why ``name`` cannot be a registered user's name, or None when it can; with
    ``allow_ip``, an IP address (an editor without an account) is a name too.

    The reason completes "'NAME' is not a user name: ...".
    """
    text = normalize_user(name)
    if not text:
        return "it is empty"
    bad = sorted({char for char in text if char in _USER_FORBIDDEN})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        return f"user names cannot contain {shown}"
    if any(ord(char) < 32 or ord(char) == 127 or char == "\ufffd" for char in text):
        return "it contains an invisible control character"
    if "~~~" in text:
        return "user names cannot contain '~~~' (it turns into a signature)"
    if _is_ip(text):
        return None if allow_ip else "it is an IP address, not an account"
    size = len(text.encode("utf-8"))
    if size > MAX_USER_BYTES:
        return f"it is {size} bytes long and a user name can have at most {MAX_USER_BYTES}"
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
