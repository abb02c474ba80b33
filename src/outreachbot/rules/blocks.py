"""Marked blocks: the only parts of a human page the bot ever rewrites.

A block is ``<!-- outreachbot:begin NAME -->`` ... ``<!-- outreachbot:end NAME -->``.
Everything outside the markers is kept byte for byte, and nothing written inside can pass
for a marker. A page whose markers are missing, unclosed, doubled or out of order is not
touched: `BlockError` says why, and the status page passes that on to the humans who can
fix it.
"""

from __future__ import annotations

import re

from outreachbot.errors import BlockError

_MARKER = re.compile(r"<!--\s*outreachbot:(begin|end)\s+([\w.-]+)\s*-->")


def begin_marker(name: str) -> str:
    return f"<!-- outreachbot:begin {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- outreachbot:end {name} -->"


def _span(text: str, name: str) -> tuple[int, int]:
    """Return the (start, end) offsets of the block's content; raise BlockError."""
    begins = [m for m in _MARKER.finditer(text) if m.group(1) == "begin" and m.group(2) == name]
    ends = [m for m in _MARKER.finditer(text) if m.group(1) == "end" and m.group(2) == name]
    if not begins and not ends:
        raise BlockError(
            f"the page has no marked block {name!r}: add the lines "
            f"'{begin_marker(name)}' and '{end_marker(name)}' where the bot should write"
        )
    if len(begins) > 1 or len(ends) > 1:
        raise BlockError(
            f"the marked block {name!r} has {len(begins)} begin and {len(ends)} end markers; "
            "keep exactly one of each"
        )
    if not ends:
        raise BlockError(f"the marked block {name!r} has a begin marker but no end marker")
    if not begins:
        raise BlockError(f"the marked block {name!r} has an end marker but no begin marker")
    if ends[0].start() < begins[0].end():
        raise BlockError(f"the end marker of block {name!r} comes before its begin marker")
    return begins[0].end(), ends[0].start()


def has_markers(text: str, name: str) -> bool:
    """True when the page has a begin or an end marker of the block, well formed or not.

    Text that only looks like one is none: ``outreachbot:begin past`` outside a comment,
    or the markers of a block ``past-old`` someone set aside.
    """
    return any(m.group(2) == name for m in _MARKER.finditer(text))


def has_block(text: str, name: str) -> bool:
    """True when the block is present and well formed."""
    try:
        _span(text, name)
    except BlockError:
        return False
    return True


def read_block(text: str, name: str) -> str:
    """The block's content, without its markers and surrounding newlines."""
    start, end = _span(text, name)
    return text[start:end].strip("\n")


def _inert(content: str) -> str:
    """The content with nothing in it that is a marker. A value copied into a block may
    hold one (in ``<nowiki>``, shown as text); left as it is, it would end this block or
    another early, and the page would not be edited again. ``&lt;`` reads the same."""
    return _MARKER.sub(lambda m: "&lt;" + m.group()[1:], content)


def replace_block(text: str, name: str, content: str) -> str:
    """Put ``content`` between the block's markers, keeping all else byte for byte.

    The content sits on its own lines between the markers. Raises `BlockError` when the
    block cannot be located safely.
    """
    start, end = _span(text, name)
    body = _inert(content).strip("\n")
    inner = f"\n{body}\n" if body else "\n"
    return text[:start] + inner + text[end:]


def ensure_block(text: str, name: str, content: str) -> str:
    """Like `replace_block`, but append the block when the page has none at all.

    Only for pages the bot owns (its status page, archive subpages), never for a page
    people write on.
    """
    if not has_markers(text, name):
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        text = f"{text}{sep}{begin_marker(name)}\n{end_marker(name)}\n"
    return replace_block(text, name, content)
