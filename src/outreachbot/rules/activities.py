"""The two bot-owned blocks of the activities page, and its yearly archives.

Everything here is pure: the sessions, the settings, the attendee counts and the time
``now`` come in, wikitext goes out. The text returned is the *content* of a marked block;
the markers themselves are put around it by the caller.

Upcoming (every session not yet ended, soonest first, grouped by event)::

    '''#1lib1ref office hours''', Tuesday 26 May 2020: 3 sessions
    * '''[[Sign-up page|#1lib1ref office hours: Asia and Pacific]]'''
    ** 26 May 2020 09:00 Sydney / 25 May 16:00 Pacific / 25 May 23:00 GMT ([... in your time zone])
    ** 1 hour on Zoom: [https://zoom.us/j/0000000000 join]
    ** Hosts: [[User:Merrilee|Merrilee]] and [[User:Mylee|Mylee]]
    ** Agenda:
    *** demonstrating how to add citations
    ** 12 interested: [[Sign-up page#Interested attendees|sign up]]
    ** [https://example.org/calendar.ics add to calendar]

Past (newest first), one line each::

    * '''[[Sign-up page|Title]]''' was held on Thursday 30 May 2019 at 09:00 Sydney on Zoom.
      Hosts: ... 12 signed up. Notes: .... [https://... recording]

(on one line). Archive entries are past lines that start with a hidden
``<!-- session: ID -->`` marker, so the bot recognises its own entries on the next run and
leaves everything else alone.

"N interested" counts the people with a place on the list; with a capacity, those on its
waiting list are counted apart ("10 interested, 2 on the waiting list: sign up"). A past
session's "N signed up" counts the list too, without its waiting list.

Times are written in the page's zones (``settings.time_zones``), so every entry on the page
reads the same way; the first zone gives the dates of headings and past entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from outreachbot.model import Session, Settings, Zone
from outreachbot.rules.markup import inline, one_line, url
from outreachbot.rules.when import (
    DEFAULT_ZONES,
    MONTHS,
    clock_in_zone,
    format_duration,
    local_time,
    long_date,
    reader_zone_url,
    when_in_zones,
)

CANCELLED = "cancelled"
POSTPONED = "postponed"
# Sessions with these statuses did not take place: they are never listed as held.
NOT_HELD = frozenset({CANCELLED, POSTPONED})

# Sessions of one event whose starts lie within this of the event's first start are shown
# as one group (one day, several regions). Strictly less, so a daily series is not merged.
GROUP_WINDOW = timedelta(hours=24)

NO_UPCOMING = "''No sessions are planned at the moment.''"
NO_PAST = "''No sessions have been held yet.''"

CANCELLED_NOTICE = "'''Cancelled:''' this session will not take place."
POSTPONED_NOTICE = "'''Postponed:''' a new date will be announced."

_MARKER_RE = re.compile(r"^\s*<!--\s*session:\s*(?P<id>.*?)\s*-->")
_URL_RE = re.compile(r"^(?:https?:)?//\S+$", re.IGNORECASE)
# Namespaces whose plain links would embed or categorise instead of linking.
_COLON_NAMESPACES = ("category:", "file:", "image:", "media:")


# --------------------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    """Organizer wikitext on one line, so it cannot break the list it is put in, and made
    unable to reach beyond its place (see `markup`)."""
    return inline(text)


def _zones(settings: Settings) -> tuple[Zone, ...]:
    return tuple(settings.time_zones) or DEFAULT_ZONES


def _link_target(title: str) -> str:
    title = one_line(title)
    if title.lower().startswith(_COLON_NAMESPACES):
        return ":" + title
    return title


def _display(text: str) -> str:
    """A link's display text; one that would break the link is shown literally."""
    if "[[" in text or "]]" in text or "|" in text:
        shown = one_line(text).replace("<", "&lt;").replace("-->", "--&gt;")
        return f"<nowiki>{shown}</nowiki>"
    return _one_line(text)


def _title(session: Session) -> str:
    """The session's bold title, linked to its sign-up page when it has one."""
    if session.signup_page:
        inner = f"[[{_link_target(session.signup_page)}|{_display(session.title)}]]"
    else:
        inner = _one_line(session.title)
    bold = f"'''{inner}'''"
    if session.status == CANCELLED:
        return f"<s>{bold}</s>"
    return bold


def _external(target: str, label: str) -> str:
    """An external link to ``target``; a value that is already wikitext is kept as is."""
    target = one_line(target)
    if _URL_RE.match(target):
        return f"[{url(target)} {label}]"
    if target.startswith("["):
        return _one_line(target)
    return f"[[{_link_target(target)}|{label}]]"


def _user(name: str) -> str:
    name = _one_line(name)
    if "[[" in name or "{{" in name:
        return name  # already a link or a signature template: the organizers' wikitext
    return f"[[User:{name}|{name}]]"


def join_words(items: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _hosts(session: Session) -> str:
    hosts = [_user(h) for h in session.hosts if h.strip()]
    if not hosts:
        return ""
    label = "Host" if len(hosts) == 1 else "Hosts"
    return f"{label}: {join_words(hosts)}"


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (unless it already ends a sentence)."""
    if text.rstrip("'\"").endswith((".", "!", "?")):
        return text
    return text + "."


def _sort_key(session: Session) -> tuple[datetime, str, str, str]:
    return (session.start, session.group, session.id, session.title)


def _signup_anchor(session: Session) -> str:
    heading = _one_line(session.settings.signup_heading) or "Interested attendees"
    return f"{_link_target(session.signup_page or '')}#{heading}"


# --------------------------------------------------------------------------- upcoming


@dataclass(frozen=True)
class EventGroup:
    """Consecutive upcoming sessions of one event, shown under one heading."""

    name: str
    sessions: tuple[Session, ...]


def upcoming_sessions(sessions: Iterable[Session], now: datetime) -> list[Session]:
    """Every session whose end is after ``now`` (started or not), soonest first."""
    return sorted((s for s in sessions if s.end > now), key=_sort_key)


def group_sessions(sessions: Sequence[Session]) -> list[EventGroup]:
    """Group sessions (already in order): consecutive ones of the same event whose starts
    lie within 24 hours of the group's first start form one group."""
    groups: list[list[Session]] = []
    for session in sessions:
        current = groups[-1] if groups else None
        if (
            current is not None
            and current[0].group == session.group
            and session.start - current[0].start < GROUP_WINDOW
        ):
            current.append(session)
        else:
            groups.append([session])
    return [EventGroup(g[0].group, tuple(g)) for g in groups]


def _upcoming_entry(session: Session, settings: Settings, counts: Mapping[str, int],
                    waiting: Mapping[str, int]) -> list[str]:
    zones = _zones(settings)
    cancelled = session.status == CANCELLED
    lines = [f"* {_title(session)}"]
    if cancelled:
        lines.append(f"** {CANCELLED_NOTICE}")
    elif session.status == POSTPONED:
        lines.append(f"** {POSTPONED_NOTICE}")

    local = reader_zone_url(session.start, one_line(session.title))
    lines.append(f"** {when_in_zones(session.start, zones)} ([{local} in your time zone])")

    where = format_duration(session.duration)
    if session.platform.strip():
        where += f" on {_one_line(session.platform)}"
    if session.join.strip() and not cancelled:
        where += f": {_external(session.join, 'join')}"
    lines.append(f"** {where}")

    hosts = _hosts(session)
    if hosts:
        lines.append(f"** {hosts}")

    topics = [_one_line(t) for t in session.agenda if t.strip()]
    if topics:
        lines.append("** Agenda:")
        lines.extend(f"*** {topic}" for topic in topics)

    if session.signup_page and not cancelled:
        count = counts.get(session.id)
        if count is None:
            lines.append(f"** [[{_signup_anchor(session)}|Sign up]]")
        else:
            queue = waiting.get(session.id, 0)
            waits = f", {queue} on the waiting list" if queue else ""
            lines.append(f"** {count} interested{waits}: [[{_signup_anchor(session)}|sign up]]")

    if settings.calendar_url and not cancelled:
        lines.append(f"** {_external(settings.calendar_url, 'add to calendar')}")
    return lines


def render_upcoming(
    sessions: Iterable[Session],
    settings: Settings,
    counts: Mapping[str, int],
    now: datetime,
    *,
    waiting: Mapping[str, int] | None = None,
) -> str:
    """The content of the *upcoming* block: every session not yet ended, by event.

    ``counts``: session id -> people with a place on its list; ``waiting``: those on its
    waiting list, shown apart when there are any."""
    groups = group_sessions(upcoming_sessions(sessions, now))
    if not groups:
        return NO_UPCOMING
    first_zone = _zones(settings)[0]
    parts: list[str] = []
    for group in groups:
        size = len(group.sessions)
        noun = "session" if size == 1 else "sessions"
        date = long_date(group.sessions[0].start, first_zone)
        lines = [f"'''{_one_line(group.name)}''', {date}: {size} {noun}"]
        for session in group.sessions:
            lines.extend(_upcoming_entry(session, settings, counts, waiting or {}))
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- past


def past_line(session: Session, settings: Settings, counts: Mapping[str, int]) -> str:
    """One held session, in the seed's voice (empty parts left out)."""
    zone = _zones(settings)[0]
    held = (
        f"was held on {long_date(session.start, zone)} at {clock_in_zone(session.start, zone)}"
    )
    if session.platform.strip():
        held += f" on {_one_line(session.platform)}"
    parts = [f"* {_title(session)} {held}."]
    hosts = _hosts(session)
    if hosts:
        parts.append(hosts + ".")
    count = counts.get(session.id)
    if count is not None:
        parts.append(f"{count} signed up.")
    notes = _one_line(session.notes)
    if notes:
        parts.append(_sentence(f"Notes: {notes}"))
    if session.recording.strip():
        parts.append(_external(session.recording, "recording"))
    return " ".join(parts).rstrip()


def _held(sessions: Iterable[Session], now: datetime) -> list[Session]:
    """Sessions that have ended and took place, newest first."""
    ended = (s for s in sessions if s.end <= now and s.status not in NOT_HELD)
    return sorted(ended, key=_sort_key, reverse=True)


def archive_year(session: Session, settings: Settings) -> int:
    """The year a session is archived under: that of its date as the page shows it."""
    return local_time(session.start, _zones(settings)[0]).year


def split_past(
    sessions: Iterable[Session], settings: Settings, now: datetime
) -> tuple[list[Session], dict[int, list[Session]]]:
    """The newest ``settings.past_sessions`` held sessions for the page (newest first), and
    the older ones by year (newest year first, each newest first) for the archive pages.

    Cancelled and postponed sessions were not held and are in neither.
    """
    held = _held(sessions, now)
    keep = max(settings.past_sessions, 0)
    archived: dict[int, list[Session]] = {}
    for session in held[keep:]:
        archived.setdefault(archive_year(session, settings), []).append(session)
    return held[:keep], {year: archived[year] for year in sorted(archived, reverse=True)}


def archive_title(activities_page: str, year: int) -> str:
    """The yearly archive subpage of the activities page."""
    return f"{activities_page}/Archive/{year}"


def render_past(
    sessions: Iterable[Session],
    settings: Settings,
    counts: Mapping[str, int],
    now: datetime,
    *,
    archive_years: Iterable[int] = (),
) -> str:
    """The content of the *past* block: every held session given, newest first.

    The caller passes the sessions the page keeps (the first list of ``split_past``), or
    all of them while an archive cannot be saved. With ``archive_years`` (the years of
    ``split_past``'s archives) a last line links the yearly archive pages.
    """
    lines = [past_line(s, settings, counts) for s in _held(sessions, now)]
    years = sorted(set(archive_years), reverse=True)
    if years and settings.activities_page:
        links = ", ".join(
            f"[[{archive_title(settings.activities_page, year)}|{year}]]" for year in years
        )
        lines.append(f"Earlier sessions: {links}")
    return "\n".join(lines) if lines else NO_PAST


# --------------------------------------------------------------------------- archive


def session_marker(session_id: str) -> str:
    return f"<!-- session: {session_id} -->"


def archive_line(session: Session, settings: Settings, counts: Mapping[str, int]) -> str:
    """A past line behind the hidden marker the bot recognises it by."""
    return session_marker(session.id) + past_line(session, settings, counts)


def marker_id(line: str) -> str | None:
    """The session id of an archive entry line, or None for any other line."""
    match = _MARKER_RE.match(line)
    return match.group("id") if match else None


@dataclass
class _Entry:
    session_id: str | None  # None for text before the first entry
    lines: list[str]


def _parse_archive(block: str) -> list[_Entry]:
    """The block's entries; the first (id None) holds the lines before the first marker.

    Lines that do not start an entry stay with the entry above them, so a note a human
    added under an entry moves with it. Blank lines are dropped (they would break the list).
    """
    entries = [_Entry(None, [])]
    for raw in block.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        found = marker_id(line)
        if found is not None:
            entries.append(_Entry(found, [line]))
        else:
            entries[-1].lines.append(line)
    return entries


_MONTH_NUMBERS = {name.lower(): index for index, name in enumerate(MONTHS, start=1)}
_DATE_RE = re.compile(
    r"\b(?P<day>\d{1,2}) (?P<month>" + "|".join(MONTHS) + r") (?P<year>\d{4})"
    r"(?: at (?P<hour>\d{1,2}):(?P<minute>\d{2}))?",
    re.IGNORECASE,
)


def _entry_date(line: str) -> datetime | None:
    """The date (and time) an entry line says its session was held, as written."""
    match = _DATE_RE.search(line)
    if not match:
        return None
    try:
        return datetime(
            int(match["year"]),
            _MONTH_NUMBERS[match["month"].lower()],
            int(match["day"]),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
        )
    except ValueError:
        return None


def render_archive(
    existing_block: str,
    sessions: Iterable[Session],
    settings: Settings,
    counts: Mapping[str, int],
) -> str:
    """Merge ``sessions`` into an archive block's content, newest first.

    Entries already there are recognised by their ``<!-- session: ID -->`` marker. Those
    of the given sessions are written afresh, and lines a human added under them stay under
    them. Every other entry is kept as it is: sorted in by the date it names, or, when it
    names none, kept right after the entry it followed. Text before the first entry stays
    on top. Nothing is dropped except a repeated entry identical to the one written for its
    session.
    """
    zone = _zones(settings)[0]
    held: dict[str, Session] = {}
    for session in sorted(
        (s for s in sessions if s.status not in NOT_HELD), key=_sort_key, reverse=True
    ):
        held.setdefault(session.id, session)
    rendered = {sid: archive_line(s, settings, counts) for sid, s in held.items()}

    # Every entry placed by a date, with the lines that go with it.
    items: list[_Item] = [
        _Item((local_time(s.start, zone).replace(tzinfo=None), 0, sid), [rendered[sid]])
        for sid, s in held.items()
    ]
    known = {item.key[2]: item for item in items}
    entries = _parse_archive(existing_block)
    top = list(entries[0].lines)
    follow = top  # where an entry without a date goes: after the entry before it
    # Of several entries with one session's marker, the bot's is the one that reads as it
    # is written now, else the first: never a matter of where they stand, for sorting
    # moves them, and the next run must pick the same one.
    mine: dict[str, _Entry] = {}
    for entry in entries[1:]:
        sid = entry.session_id or ""
        if sid in known and (sid not in mine or (entry.lines[0] == rendered[sid]
                                                 and mine[sid].lines[0] != rendered[sid])):
            mine[sid] = entry
    for entry in entries[1:]:
        sid = entry.session_id or ""
        if sid in known:
            if entry is mine[sid]:
                follow = known[sid].lines
                follow.extend(entry.lines[1:])
                continue
            if entry.lines == [rendered[sid]]:
                continue  # a copy of the entry written for this session: nothing is lost
        date = _entry_date(entry.lines[0])
        if date is None:
            follow.extend(entry.lines)
            continue
        item = _Item((date, 1, "\n".join(entry.lines)), list(entry.lines))
        items.append(item)
        follow = item.lines

    items.sort(key=lambda item: item.key, reverse=True)
    out = top + [line for item in items for line in item.lines]
    return "\n".join(out)


@dataclass
class _Item:
    key: tuple[datetime, int, str]
    lines: list[str]
