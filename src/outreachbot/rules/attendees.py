"""Keeping the attendee list of a sign-up page honest (SPEC section 1, "Sign-up pages").

`maintain` takes the page text and returns it with the list put right:

- a line whose signer is missing gets ``{{unsigned|USER|DATE}}`` from the revision that
  added it; a ``*`` bullet becomes ``#`` so the list is numbered;
- a second line by the same signer is removed (its replies move under the first);
- a signature line removed by someone who is neither its signer, an organizer nor the bot
  is put back where it was;
- with a capacity, signers past it move to the end of a "Waiting list" subsection, and the
  first of the waiting list move up, in order, when a place frees;
- once the session is over the list is closed with a note and never changed again.

Only the list lines of the section (and of its waiting list) are touched: every other
line, inside the section or out of it, stays byte for byte. Struck lines (``<s>``,
``<del>``) are withdrawals and never move; replies (``#:``) stay under their line and go
with it. Every function is pure: the history and the wiki's namespace names are passed
in, and ``maintain(maintain(x)) == maintain(x)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from outreachbot.rules.markup import shorten
from outreachbot.rules.signups import (
    DEFAULT_CONTRIBS_PREFIXES,
    DEFAULT_USER_PREFIXES,
    ListLine,
    bad_links,
    comment_starts,
    read_line,
    user_link_pattern,
)
from outreachbot.rules.when import MONTHS
from outreachbot.titles import normalize_user
from outreachbot.trust import Revision

CLOSED_BLOCK = "signups-closed"
_HEADING = re.compile(r"^(={1,6})\s*(.*?)\s*\1\s*$")
_CLOSED = re.compile(r"<!--\s*outreachbot:begin\s+" + CLOSED_BLOCK + r"\s*-->")


@dataclass(frozen=True)
class Names:
    """How this wiki writes a user link: its namespace names and aliases for User and User
    talk, the ``Special:Contributions`` page names, and the unsigned template."""

    user: tuple[str, ...] = DEFAULT_USER_PREFIXES
    contribs: tuple[str, ...] = DEFAULT_CONTRIBS_PREFIXES
    unsigned: str = "unsigned"

    @property
    def link(self) -> re.Pattern[str]:
        return _pattern(self.user, self.contribs, self.unsigned)


@lru_cache(maxsize=16)
def _pattern(user: tuple[str, ...], contribs: tuple[str, ...], unsigned: str) -> re.Pattern[str]:
    return user_link_pattern(user, contribs, (unsigned,))


@dataclass(frozen=True)
class ListRules:
    """What `maintain` needs to know about one sign-up page."""

    heading: str = "Interested attendees"
    waiting_heading: str = "Waiting list"
    capacity: int | None = None
    names: Names = Names()
    trusted: frozenset[str] = frozenset()  # organizers and the bot: their removals stand
    closed_note: str | None = None  # when set, the list is closed with this line


@dataclass(frozen=True)
class Added:
    """The revision that added a line: who saved it and when."""

    user: str
    timestamp: datetime


@dataclass(frozen=True)
class Removal:
    """A signature line that a revision removed and no later revision put back."""

    signer: str
    lines: tuple[str, ...]  # the line and its replies, as they were
    after: str | None  # the signer of the line above it; None when it was the first
    waiting: bool  # it was in the waiting list
    by: str
    revid: int
    timestamp: datetime


@dataclass(frozen=True)
class History:
    """What the revisions since the bot last looked tell about the list."""

    added: Mapping[str, Added] = field(default_factory=dict)  # line text -> who added it
    removals: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The new text and what was done to it, for the status page."""

    text: str
    found: bool = True  # the page has the section
    closed: bool = False  # the list was already closed: nothing was changed
    restored: tuple[Removal, ...] = ()
    unsigned: tuple[str, ...] = ()  # users whose line got the unsigned template
    duplicates: tuple[str, ...] = ()
    waitlisted: tuple[str, ...] = ()
    promoted: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()  # signers in the list proper, in order
    waiting: tuple[str, ...] = ()  # signers in the waiting list, in order


# --------------------------------------------------------------------------- parsing


@dataclass(eq=False)  # entries are told apart by identity: two lines may read the same
class _Entry:
    """A top-level list line and the replies under it."""

    line: str
    replies: list[str]
    info: ListLine

    @property
    def signer(self) -> str | None:
        return self.info.signer

    @property
    def counts(self) -> bool:
        return self.info.counts


@dataclass
class _Part:
    """A run of lines holding a list: text before it, the list (entries with the lines
    between them, which keep their places), text after it."""

    head: list[str]
    body: list[_Entry | str]
    tail: list[str]

    @property
    def entries(self) -> list[_Entry]:
        return [item for item in self.body if isinstance(item, _Entry)]


@lru_cache(maxsize=1 << 16)
def _read(line: str, link: re.Pattern[str]) -> ListLine | None:
    """`read_line`, remembered: the history repeats the same lines revision after revision."""
    return read_line(0, line, link)


def _is_reply(marker: str) -> bool:
    return len(marker) > 1 or marker == ":"


def _split(lines: Sequence[str], link: re.Pattern[str]) -> _Part:
    head: list[str] = []
    body: list[_Entry | str] = []
    pending: list[str] = []  # lines after the last entry: the tail, unless an entry follows
    current: _Entry | None = None
    for line, hidden in zip(lines, comment_starts(lines), strict=True):
        info = None if hidden else _read(line, link)
        if info is not None and not _is_reply(info.marker):
            current = _Entry(line, [], info)
            if body:
                body.extend(pending)
            else:
                head.extend(pending)
            pending = []
            body.append(current)
        elif info is not None and current is not None and not pending:
            current.replies.append(line)
        else:
            pending.append(line)
    if body:
        return _Part(head, body, pending)
    return _Part(head + pending, [], [])


def _reread(entry: _Entry, link: re.Pattern[str]) -> _Entry:
    info = _read(entry.line, link)
    assert info is not None
    return _Entry(entry.line, entry.replies, info)


def _render(part: _Part, entries: Sequence[_Entry]) -> list[str]:
    """The part's lines with ``entries`` in the places its entries had; extra entries
    follow the last place (or the last written line of a part that had none)."""
    out: list[str] = []
    queue = list(entries)
    for item in part.body:
        if isinstance(item, _Entry):
            if queue:
                entry = queue.pop(0)
                out += [entry.line, *entry.replies]
        else:
            out.append(item)
    extra = [line for entry in queue for line in (entry.line, *entry.replies)]
    if part.body:
        return part.head + out + extra + part.tail
    keep = len(part.head)
    while keep and not part.head[keep - 1].strip():
        keep -= 1
    return part.head[:keep] + extra + part.head[keep:]


@dataclass
class _Section:
    """The list section of a page, cut into the parts `maintain` rewrites."""

    lines: list[str]
    start: int  # first line of the section body
    main_end: int  # end of the list proper: the first subsection heading or the end
    end: int
    level: int
    waiting: tuple[int, int] | None  # [heading line, end) of the waiting list subsection


def _section(text: str, heading: str, waiting_heading: str) -> _Section | None:
    lines = text.split("\n")
    wanted = heading.strip().lower()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if not (m and m.group(2).strip().lower() == wanted):
            continue
        level = len(m.group(1))
        end = len(lines)
        subs: list[tuple[int, int, str]] = []
        for j in range(i + 1, len(lines)):
            n = _HEADING.match(lines[j])
            if n:
                if len(n.group(1)) <= level:
                    end = j
                    break
                subs.append((j, len(n.group(1)), n.group(2).strip().lower()))
        main_end = subs[0][0] if subs else end
        waiting = None
        for k, (j, _level, name) in enumerate(subs):
            if name == waiting_heading.strip().lower():
                # Like the list proper, the waiting list ends at the next heading of any
                # level: a deeper subsection after it is someone else's text, not its list.
                waiting = (j, subs[k + 1][0] if k + 1 < len(subs) else end)
                break
        return _Section(lines, i + 1, main_end, end, level, waiting)
    return None


def is_closed(text: str, heading: str) -> bool:
    """True when the list has been closed after its session: the bot leaves it alone."""
    section = _section(text, heading, "")
    if section is None:
        return False
    return any(_CLOSED.search(line) for line in section.lines[section.start:section.end])


# --------------------------------------------------------------------------- the rule


def _unsigned_date(moment: datetime) -> str:
    return (f"{moment.hour:02d}:{moment.minute:02d}, {moment.day} {MONTHS[moment.month - 1]} "
            f"{moment.year} (UTC)")


def _bullet(line: str) -> str:
    return "#" + line[1:] if line.startswith("*") else line


def _normalise(entry: _Entry, rules: ListRules, history: History,
               unsigned: list[str]) -> _Entry:
    """Tag an unsigned line with its author, and number a signed bullet."""
    link = rules.names.link
    if entry.signer is None and entry.line[1:].strip():
        added = history.added.get(entry.line.strip())
        if added is not None and added.user:
            user = normalize_user(added.user)
            entry = _reread(_Entry(
                f"{entry.line.rstrip()} {{{{{rules.names.unsigned}|{user}|"
                f"{_unsigned_date(added.timestamp)}}}}}", entry.replies, entry.info), link)
            unsigned.append(user)
    if entry.signer is not None and entry.line.startswith("*"):
        entry = _reread(_Entry(_bullet(entry.line), [_bullet(r) for r in entry.replies],
                               entry.info), link)
    return entry


def _dedupe(main: list[_Entry], waiting: list[_Entry],
            duplicates: list[str]) -> tuple[list[_Entry], list[_Entry]]:
    """Drop every counting line of a signer after their first; replies move up to it."""
    first: dict[str, _Entry] = {}
    kept: tuple[list[_Entry], list[_Entry]] = ([], [])
    for index, entries in enumerate((main, waiting)):
        for entry in entries:
            if entry.counts and entry.signer is not None:
                if entry.signer in first:
                    first[entry.signer].replies.extend(entry.replies)
                    duplicates.append(entry.signer)
                    continue
                first[entry.signer] = entry
            kept[index].append(entry)
    return kept


def _restore(main: list[_Entry], waiting: list[_Entry], rules: ListRules,
             history: History) -> list[Removal]:
    """Put back the lines removed by someone with no say over them."""
    present = {e.signer for e in (*main, *waiting) if e.signer is not None}
    trusted = {normalize_user(u) for u in rules.trusted}
    restored = []
    for removal in history.removals:
        by = normalize_user(removal.by)
        if removal.signer in present or by == removal.signer or by in trusted:
            continue
        info = read_line(0, removal.lines[0], rules.names.link)
        if info is None:
            continue
        target = waiting if removal.waiting else main
        position = 0
        if removal.after is not None:
            position = next((i + 1 for i, e in enumerate(target) if e.signer == removal.after),
                            len(target))
        target.insert(position, _Entry(removal.lines[0], list(removal.lines[1:]), info))
        present.add(removal.signer)
        restored.append(removal)
    return restored


def _apply_capacity(main: list[_Entry], waiting: list[_Entry], capacity: int | None,
                    waitlisted: list[str], promoted: list[str]) -> None:
    """Late signers past the capacity go to the end of the waiting list; the first of the
    waiting list move up while there are places."""
    counting = [e for e in main if e.counts]
    if capacity is not None and len(counting) > capacity:
        late = counting[capacity:]
        moving = {id(entry) for entry in late}
        main[:] = [entry for entry in main if id(entry) not in moving]
        waitlisted.extend(entry.signer or "" for entry in late)
        waiting.extend(late)
        return
    free = None if capacity is None else capacity - len(counting)
    rising = [e for e in waiting if e.counts][:free]
    moving = {id(entry) for entry in rising}
    waiting[:] = [entry for entry in waiting if id(entry) not in moving]
    main.extend(rising)
    promoted.extend(entry.signer or "" for entry in rising)


def _last_written(lines: Sequence[str], start: int, stop: int) -> int:
    """The index after the last non-blank line in [start, stop) (start if none)."""
    end = stop
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def maintain(text: str, rules: ListRules, history: History | None = None) -> Outcome:
    """The page with its attendee list put right; see the module docstring."""
    history = history or History()
    section = _section(text, rules.heading, rules.waiting_heading)
    if section is None:
        return Outcome(text, found=False)
    lines = section.lines
    if is_closed(text, rules.heading):
        return Outcome(text, closed=True)
    link = rules.names.link
    main_part = _split(lines[section.start:section.main_end], link)
    wait_part = (_split(lines[section.waiting[0] + 1:section.waiting[1]], link)
                 if section.waiting else None)
    main = main_part.entries
    waiting = wait_part.entries if wait_part else []

    restored = _restore(main, waiting, rules, history)
    unsigned: list[str] = []
    main = [_normalise(e, rules, history, unsigned) for e in main]
    waiting = [_normalise(e, rules, history, unsigned) for e in waiting]
    duplicates: list[str] = []
    main, waiting = _dedupe(main, waiting, duplicates)
    waitlisted: list[str] = []
    promoted: list[str] = []
    _apply_capacity(main, waiting, rules.capacity, waitlisted, promoted)

    main_lines = _render(main_part, main)
    if rules.closed_note is not None:
        at = _last_written(main_lines, 0, len(main_lines))
        main_lines[at:at] = [f"<!-- outreachbot:begin {CLOSED_BLOCK} -->", rules.closed_note,
                             f"<!-- outreachbot:end {CLOSED_BLOCK} -->"]
    out = lines[:section.start] + main_lines
    if section.waiting and wait_part is not None:
        between = lines[section.main_end:section.waiting[0]]
        wait_lines = _render(wait_part, waiting)
        # An emptied waiting list keeps its heading: someone may have written it.
        out += between + [lines[section.waiting[0]]] + wait_lines
        out += lines[section.waiting[1]:]
    else:
        if waiting:
            at = _last_written(out, section.start, len(out))
            marks = "=" * min(section.level + 1, 6)
            out[at:at] = ["", f"{marks} {rules.waiting_heading} {marks}",
                          *(line for e in waiting for line in (e.line, *e.replies))]
        out += lines[section.main_end:]
    return Outcome(
        "\n".join(out), restored=tuple(restored), unsigned=tuple(unsigned),
        duplicates=tuple(duplicates), waitlisted=tuple(waitlisted), promoted=tuple(promoted),
        attendees=tuple(e.signer for e in main if e.counts and e.signer),
        waiting=tuple(e.signer for e in waiting if e.counts and e.signer))


@dataclass(frozen=True)
class Signed:
    """Who counts on a list: the signers in the list proper, and those on its waiting
    list, each in order."""

    attendees: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()


def _counting(entries: Iterable[_Entry]) -> tuple[str, ...]:
    return tuple(e.signer for e in entries if e.counts and e.signer)


def signed(text: str, rules: ListRules) -> Signed:
    """Who counts on the list, read as `maintain` reads it and as it leaves it: each
    signer once (at their first line), and with a capacity, the signers past it on the
    waiting list and the first of the waiting list up in the places still free. An
    unsigned line counts once `maintain` has tagged it. A closed list is read as it
    stands."""
    section = _section(text, rules.heading, rules.waiting_heading)
    if section is None:
        return Signed()
    lines, link = section.lines, rules.names.link
    main = _split(lines[section.start:section.main_end], link).entries
    waiting = (_split(lines[section.waiting[0] + 1:section.waiting[1]], link).entries
               if section.waiting else [])
    main, waiting = _dedupe(main, waiting, [])
    if not is_closed(text, rules.heading):
        _apply_capacity(main, waiting, rules.capacity, [], [])
    return Signed(_counting(main), _counting(waiting))


def attendees(text: str, rules: ListRules) -> list[str]:
    """The signers in the list proper (not the waiting list), in order: see `signed`."""
    return list(signed(text, rules).attendees)


def list_problems(text: str, rules: ListRules) -> list[tuple[int, str, str]]:
    """What in the list keeps a line from counting although it looks like a signature:
    (1-based line number, the line, why), for the status page. A user link naming no
    possible user on a line nobody signed, and a comment opened with '<!--' and never
    closed (the wiki hides every line after it)."""
    section = _section(text, rules.heading, rules.waiting_heading)
    if section is None:
        return []
    lines = section.lines[section.start:section.end]
    hidden = comment_starts([*lines, ""])
    found: list[tuple[int, str, str]] = []
    for offset, line in enumerate(lines):
        number = section.start + offset + 1
        info = None if hidden[offset] else _read(line, rules.names.link)
        if info is not None and not info.is_reply and info.signer is None:
            for link, reason in bad_links(line, rules.names.link):
                found.append((number, line, f"{shorten(link, 80)!r} names no user ({reason}), "
                              "so this line does not count as a signature; sign with four "
                              "tildes, or link the account as [[User:Name]]"))
    if hidden[-1]:
        opened = max(i for i in range(len(lines)) if not hidden[i])
        found.append((section.start + opened + 1, lines[opened],
                      "this line opens an HTML comment with '<!--' that is never closed, "
                      "so the wiki hides every line below it and the signatures there do "
                      "not count; close the comment with '-->'"))
    return found


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class _Snapshot:
    lines: frozenset[str]
    signed: dict[str, tuple[tuple[str, ...], str | None, bool]]  # counting signers
    present: frozenset[str]  # every signer with a line, struck or not


def _snapshot(text: str, rules: ListRules) -> _Snapshot:
    section = _section(text, rules.heading, rules.waiting_heading)
    if section is None:
        return _Snapshot(frozenset(), {}, frozenset())
    link = rules.names.link
    parts = [(_split(section.lines[section.start:section.main_end], link), False)]
    if section.waiting:
        parts.append((_split(section.lines[section.waiting[0] + 1:section.waiting[1]], link),
                      True))
    lines: set[str] = set()
    signed: dict[str, tuple[tuple[str, ...], str | None, bool]] = {}
    present: set[str] = set()
    for part, is_waiting in parts:
        above: str | None = None
        for entry in part.entries:
            lines.add(entry.line.strip())
            if entry.signer:
                present.add(entry.signer)
                if entry.counts and entry.signer not in signed:
                    signed[entry.signer] = ((entry.line, *entry.replies), above, is_waiting)
                above = entry.signer
    return _Snapshot(frozenset(lines), signed, frozenset(present))


def read_history(base: str, revisions: Iterable[Revision], rules: ListRules) -> History:
    """Who added each line, and which signature lines were removed, by whom.

    ``base`` is the text the bot already knows (the last revision it saw, '' for a page
    read from its creation); ``revisions`` are the newer ones, oldest first. A line removed
    and later put back is not a removal.
    """
    before = _snapshot(base, rules)
    added: dict[str, Added] = {}
    removals: dict[str, Removal] = {}
    for revision in revisions:
        now = _snapshot(revision.text, rules)
        for line in now.lines - before.lines:
            added.setdefault(line, Added(revision.user, revision.timestamp))
        for signer, (entry, after, waiting) in before.signed.items():
            if signer not in now.present:
                removals[signer] = Removal(signer, entry, after, waiting, revision.user,
                                           revision.revid, revision.timestamp)
        for signer in now.present:
            removals.pop(signer, None)
        before = now
    return History(added, tuple(removals.values()))
