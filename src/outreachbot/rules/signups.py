"""Reading the "Interested attendees" list of a sign-up page.

The signer of a line is the last user link in it (User:, User talk:,
Special:Contributions/, under any of the names the wiki gives those namespaces), or the
user named by an ``{{unsigned|USER|DATE}}`` template added after the line. Replies
(``#:``, or a line starting with ``:``) do not count, and a line whose every user link is
struck (``<s>``, ``<del>``, ``<strike>``) is a withdrawal. Pure functions: the namespace
names are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from outreachbot.titles import is_valid_user, normalize_user

DEFAULT_USER_PREFIXES: tuple[str, ...] = ("User", "User talk")
DEFAULT_CONTRIBS_PREFIXES: tuple[str, ...] = ("Special:Contributions",)
DEFAULT_UNSIGNED_TEMPLATES: tuple[str, ...] = ("unsigned",)

_HEADING = re.compile(r"^(={1,6})\s*(.*?)\s*\1\s*$")
_STRUCK = re.compile(r"<(s|del|strike)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_INERT = re.compile(r"<(nowiki|pre)\b[^>]*?(?<!/)>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN = re.compile(r"<!--.*?(?:-->|$)|<(nowiki|pre)\b[^>]*?(?<!/)>.*?</\1\s*>",
                     re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ListLine:
    """A line of the attendee list (``#``, ``*``, ``#:`` ...), with its signer if any."""

    number: int  # 0-based line number in the page text
    text: str
    marker: str  # the leading list characters: "#", "*", "#:" ...
    signer: str | None
    struck: bool

    @property
    def is_reply(self) -> bool:
        return len(self.marker) > 1 or self.marker == ":"

    @property
    def counts(self) -> bool:
        return not self.is_reply and self.signer is not None and not self.struck


def user_link_pattern(user_prefixes: Sequence[str] = DEFAULT_USER_PREFIXES,
                      contribs_prefixes: Sequence[str] = DEFAULT_CONTRIBS_PREFIXES,
                      unsigned_templates: Sequence[str] = DEFAULT_UNSIGNED_TEMPLATES,
                      ) -> re.Pattern[str]:
    """A pattern matching a user link or an unsigned template; group ``name`` (a link)
    or ``unsigned`` (the template) is the user name: see `link_user`."""
    def alt(names: Sequence[str]) -> str:
        return "|".join(
            "[ _]+".join(re.escape(word) for word in re.split(r"[ _]+", n)) for n in names
        )

    return re.compile(
        r"\[\[\s*:?\s*(?:(?:" + alt(user_prefixes) + r")\s*:|(?:"
        + alt(contribs_prefixes) + r")\s*/)"
        r"\s*(?P<name>[^|\]/#]+?)\s*(?:[/#][^|\]]*)?(?:\|[^\]]*)?\]\]"
        r"|\{\{\s*(?:" + alt(unsigned_templates) + r")\s*\|\s*(?:1\s*=\s*)?"
        r"(?P<unsigned>[^|}]+?)\s*[|}]",
        re.IGNORECASE,
    )


def link_user(match: re.Match[str]) -> str:
    """The user name a match of `user_link_pattern` names, normalized."""
    return normalize_user(match.group("name") or match.group("unsigned") or "")


_DEFAULT_LINK = user_link_pattern()


def section_span(text: str, heading: str) -> tuple[int, int] | None:
    """Line numbers [start, end) of the body of the section titled ``heading``.

    The body runs to the next heading of the same or a higher level; subsections (such
    as "Waiting list") belong to it. None when there is no such section.
    """
    lines = text.split("\n")
    wanted = heading.strip().lower()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and m.group(2).strip().lower() == wanted:
            level = len(m.group(1))
            for j in range(i + 1, len(lines)):
                n = _HEADING.match(lines[j])
                if n and len(n.group(1)) <= level:
                    return i + 1, j
            return i + 1, len(lines)
    return None


def visible(line: str) -> str:
    """The line as the wiki shows it, for finding its signer: without comments (an
    unclosed one hides the rest of the line) and without the inert text of
    ``<nowiki>``/``<pre>``; a user link there is no signature."""
    return _HIDDEN.sub("", line) if "<" in line else line


def _signer(match: re.Match[str]) -> str | None:
    """The user a link names, or None when no account (nor IP address) can have that name:
    ``[[User:<b>Eve</b>]]`` is no link on the wiki, so it signs nothing."""
    name = link_user(match)
    return None if is_valid_user(name, allow_ip=True) else name


def bad_links(line: str, link: re.Pattern[str] = _DEFAULT_LINK) -> list[tuple[str, str]]:
    """The user links of a line that name no possible user: (the link, why)."""
    found = []
    for match in link.finditer(visible(line)):
        reason = is_valid_user(link_user(match), allow_ip=True)
        if reason:
            found.append((match.group(), reason))
    return found


def _ends_inside_comment(line: str, inside: bool) -> bool:
    """Whether an HTML comment is still open at the end of ``line``."""
    if "<!--" not in line and "-->" not in line:
        return inside
    line = _INERT.sub("", line)
    position = 0
    while True:
        if inside:
            end = line.find("-->", position)
            if end < 0:
                return True
            position, inside = end + 3, False
        start = line.find("<!--", position)
        if start < 0:
            return False
        position, inside = start + 4, True


def comment_starts(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it starts inside an HTML comment opened above it: such a
    line is hidden on the wiki, so it is no list item (and signs nothing)."""
    inside = False
    starts = []
    for line in lines:
        starts.append(inside)
        inside = _ends_inside_comment(line, inside)
    return starts


def read_line(number: int, line: str, link: re.Pattern[str] = _DEFAULT_LINK) -> ListLine | None:
    """The list line, or None when the line is not a list item."""
    m = re.match(r"^([#*:]+)", line)
    if not m:
        return None
    marker = m.group(1)
    shown = visible(line)
    links = [name for name in map(_signer, link.finditer(shown)) if name]
    live = ([name for name in map(_signer, link.finditer(_STRUCK.sub("", shown))) if name]
            if "<" in shown else links)
    signer = links[-1] if links else None
    return ListLine(number, line, marker, signer, struck=bool(links) and not live)


def list_lines(text: str, heading: str, link: re.Pattern[str] = _DEFAULT_LINK) -> list[ListLine]:
    """Every list line of the section, in page order."""
    span = section_span(text, heading)
    if span is None:
        return []
    lines = text.split("\n")
    hidden = comment_starts(lines[span[0]:span[1]])
    found = (read_line(i, lines[i], link) for i in range(*span) if not hidden[i - span[0]])
    return [line for line in found if line is not None]


def signers(text: str, heading: str, link: re.Pattern[str] = _DEFAULT_LINK) -> list[str]:
    """The distinct signers who count, in the order they signed."""
    seen: dict[str, None] = {}
    for line in list_lines(text, heading, link):
        if line.counts and line.signer is not None:
            seen.setdefault(line.signer, None)
    return list(seen)
