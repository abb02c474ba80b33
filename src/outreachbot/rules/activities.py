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

Every word a reader sees comes in as `Texts`, in the language of the page's wiki: English
by default, the wiki's own messages when the job builds them (a French wiki reads "a eu
lieu le jeudi 30 mai 2019 à 09:00 Sydney", "Hôtes : ...", "12 personnes intéressées :
s’inscrire").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from outreachbot.model import Session, Settings, Zone
from outreachbot.rules.markup import inline, one_line, url
from outreachbot.rules.when import (
    DEFAULT_ZONES,
    MONTHS,
    DateWords,
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

_MARKER_RE = re.compile(r"^\s*<!--\s*session:\s*(?P<id>.*?)\s*-->")
_URL_RE = re.compile(r"^(?:https?:)?//\S+$", re.IGNORECASE)
# Namespaces whose plain links would embed or categorise instead of linking.
_COLON_NAMESPACES = ("category:", "file:", "image:", "media:")


# --------------------------------------------------------------------------- words


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _group_en(*, event: str, date: str, count: int) -> str:
    return f"'''{event}''', {date}: {count} {_plural(count, 'session', 'sessions')}"


def _hosts_en(*, hosts: str, count: int) -> str:
    return f"{_plural(count, 'Host', 'Hosts')}: {hosts}"


def _past_hosts_en(*, hosts: str, count: int) -> str:
    return _hosts_en(hosts=hosts, count=count) + "."


def _on_platform_en(*, duration: str, platform: str) -> str:
    return f"{duration} on {platform}"


def _join_en(*, where: str, link: str) -> str:
    return f"{where}: {link}"


def _interested_en(*, count: int, link: str) -> str:
    return f"{count} interested: {link}"


def _interested_waiting_en(*, count: int, waiting: int, link: str) -> str:
    return f"{count} interested, {waiting} on the waiting list: {link}"


def _held_en(*, title: str, date: str, time: str) -> str:
    return f"{title} was held on {date} at {time}."


def _held_platform_en(*, title: str, date: str, time: str, platform: str) -> str:
    return f"{title} was held on {date} at {time} on {platform}."


def _signed_up_en(*, count: int) -> str:
    return f"{count} signed up."


def _notes_en(*, notes: str) -> str:
    return f"Notes: {notes}"


def _earlier_en(*, links: str) -> str:
    return f"Earlier sessions: {links}"


@dataclass(frozen=True)
class Texts:
    """The words of the activities page and its archives, in the language of its wiki.

    Strings are used as they are; callables are called with keywords (the parameters of
    the ``outreachbot-activities-*`` messages they come from, named in the comments) and
    return wikitext. The default is English; the job builds its wiki's own once a run.
    """

    dates: DateWords = field(default_factory=DateWords)
    conjunction: str = "and"  # before the last of a list: "A, B and C"
    group: Callable[..., str] = _group_en  # event, date, count
    cancelled: str = "'''Cancelled:''' this session will not take place."
    postponed: str = "'''Postponed:''' a new date will be announced."
    local: str = "in your time zone"
    on_platform: Callable[..., str] = _on_platform_en  # duration, platform
    join: Callable[..., str] = _join_en  # where, link
    join_label: str = "join"
    hosts: Callable[..., str] = _hosts_en  # hosts, count
    agenda: str = "Agenda:"
    sign_up: str = "Sign up"  # the link alone, when there is no count
    sign_up_label: str = "sign up"  # the link after the count
    interested: Callable[..., str] = _interested_en  # count, link
    interested_waiting: Callable[..., str] = _interested_waiting_en  # count, waiting, link
    calendar: str = "add to calendar"
    held: Callable[..., str] = _held_en  # title, date, time
    held_platform: Callable[..., str] = _held_platform_en  # title, date, time, platform
    past_hosts: Callable[..., str] = _past_hosts_en  # hosts, count
    signed_up: Callable[..., str] = _signed_up_en  # count
    notes: Callable[..., str] = _notes_en  # notes
    recording: str = "recording"
    earlier: Callable[..., str] = _earlier_en  # links
    no_upcoming: str = "No sessions are planned at the moment."
    no_past: str = "No sessions have been held yet."


ENGLISH = Texts()

NO_UPCOMING = f"''{ENGLISH.no_upcoming}''"
NO_PAST = f"''{ENGLISH.no_past}''"
CANCELLED_NOTICE = ENGLISH.cancelled
POSTPONED_NOTICE = ENGLISH.postponed


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


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C`` (``conjunction`` in the page's language)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _hosts(session: Session, sentence: Callable[..., str], texts: Texts) -> str:
    """The hosts put in ``sentence`` (`Texts.hosts` or `Texts.past_hosts`); "" if none."""
    hosts = [_user(h) for h in session.hosts if h.strip()]
    if not hosts:
        return ""
    return sentence(hosts=join_words(hosts, texts.conjunction), count=len(hosts))


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
                    waiting: Mapping[str, int], texts: Texts) -> list[str]:
    zones = _zones(settings)
    cancelled = session.status == CANCELLED
    lines = [f"* {_title(session)}"]
    if cancelled:
        lines.append(f"** {texts.cancelled}")
    elif session.status == POSTPONED:
        lines.append(f"** {texts.postponed}")

    local = reader_zone_url(session.start, one_line(session.title))
    when = when_in_zones(session.start, zones, words=texts.dates)
    lines.append(f"** {when} ([{local} {texts.local}])")

    where = format_duration(session.duration, words=texts.dates)
    if session.platform.strip():
        where = texts.on_platform(duration=where, platform=_one_line(session.platform))
    if session.join.strip() and not cancelled:
        where = texts.join(where=where, link=_external(session.join, texts.join_label))
    lines.append(f"** {where}")

    hosts = _hosts(session, texts.hosts, texts)
    if hosts:
        lines.append(f"** {hosts}")

    topics = [_one_line(t) for t in session.agenda if t.strip()]
    if topics:
        lines.append(f"** {texts.agenda}")
        lines.extend(f"*** {topic}" for topic in topics)

    if session.signup_page and not cancelled:
        count = counts.get(session.id)
        if count is None:
            lines.append(f"** [[{_signup_anchor(session)}|{texts.sign_up}]]")
        else:
            link = f"[[{_signup_anchor(session)}|{texts.sign_up_label}]]"
            queue = waiting.get(session.id, 0)
            line = (texts.interested_waiting(count=count, waiting=queue, link=link) if queue
                    else texts.interested(count=count, link=link))
            lines.append(f"** {line}")

    if settings.calendar_url and not cancelled:
        lines.append(f"** {_external(settings.calendar_url, texts.calendar)}")
    return lines


def render_upcoming(
    sessions: Iterable[Session],
    settings: Settings,
    counts: Mapping[str, int],
    now: datetime,
    *,
    waiting: Mapping[str, int] | None = None,
    texts: Texts = ENGLISH,
) -> str:
    """The content of the *upcoming* block: every session not yet ended, by event.

    ``counts``: session id -> people with a place on its list; ``waiting``: those on its
    waiting list, shown apart when there are any."""
    groups = group_sessions(upcoming_sessions(sessions, now))
    if not groups:
        return f"''{texts.no_upcoming}''"
    first_zone = _zones(settings)[0]
    parts: list[str] = []
    for group in groups:
        date = long_date(group.sessions[0].start, first_zone, words=texts.dates)
        lines = [texts.group(event=_one_line(group.name), date=date,
                             count=len(group.sessions))]
        for session in group.sessions:
            lines.extend(_upcoming_entry(session, settings, counts, waiting or {}, texts))
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- past


def past_line(session: Session, settings: Settings, counts: Mapping[str, int], *,
              texts: Texts = ENGLISH) -> str:
    """One held session, in the seed's voice (empty parts left out)."""
    zone = _zones(settings)[0]
    title = _title(session)
    date = long_date(session.start, zone, words=texts.dates)
    time = clock_in_zone(session.start, zone)
    if session.platform.strip():
        held = texts.held_platform(title=title, date=date, time=time,
                                   platform=_one_line(session.platform))
    else:
        held = texts.held(title=title, date=date, time=time)
    parts = [f"* {held}"]
    hosts = _hosts(session, texts.past_hosts, texts)
    if hosts:
        parts.append(hosts)
    count = counts.get(session.id)
    if count is not None:
        parts.append(texts.signed_up(count=count))
    notes = _one_line(session.notes)
    if notes:
        parts.append(_sentence(texts.notes(notes=notes)))
    if session.recording.strip():
        parts.append(_external(session.recording, texts.recording))
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
    texts: Texts = ENGLISH,
) -> str:
    """The content of the *past* block: every held session given, newest first.

    The caller passes the sessions the page keeps (the first list of ``split_past``), or
    all of them while an archive cannot be saved. With ``archive_years`` (the years of
    ``split_past``'s archives) a last line links the yearly archive pages.
    """
    lines = [past_line(s, settings, counts, texts=texts) for s in _held(sessions, now)]
    years = sorted(set(archive_years), reverse=True)
    if years and settings.activities_page:
        links = ", ".join(
            f"[[{archive_title(settings.activities_page, year)}|{year}]]" for year in years
        )
        lines.append(texts.earlier(links=links))
    return "\n".join(lines) if lines else f"''{texts.no_past}''"


# --------------------------------------------------------------------------- archive


def session_marker(session_id: str) -> str:
    return f"<!-- session: {session_id} -->"


def archive_line(session: Session, settings: Settings, counts: Mapping[str, int], *,
                 texts: Texts = ENGLISH) -> str:
    """A past line behind the hidden marker the bot recognises it by."""
    return session_marker(session.id) + past_line(session, settings, counts, texts=texts)


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


def _time_word(texts: Texts) -> str:
    """What a past line writes between its date and its time (`` at `` in English)."""
    probe = texts.held(title="", date="\0", time="\1")
    between = probe.partition("\0")[2].partition("\1")
    return between[0] if between[1] else " at "


@lru_cache(maxsize=16)
def _date_reader(months: tuple[str, ...],
                 time_words: frozenset[str]) -> tuple[re.Pattern[str], dict[str, int]]:
    """The pattern of a date an entry names (with the wiki's month names or English ones,
    and the time after one of ``time_words``), and each month's number by its name."""
    numbers = {name.lower(): number for names in (MONTHS, months)
               for number, name in enumerate(names, start=1)}

    def either(words: Iterable[str]) -> str:
        return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))

    pattern = re.compile(
        r"\b(?P<day>\d{1,2}) (?P<month>" + either(numbers) + r") (?P<year>\d{4})"
        r"(?:(?:" + either(time_words) + r")(?P<hour>\d{1,2}):(?P<minute>\d{2}))?",
        re.IGNORECASE,
    )
    return pattern, numbers


def _entry_date(line: str, reader: tuple[re.Pattern[str], dict[str, int]]) -> datetime | None:
    """The date (and time) an entry line says its session was held, as written;
    ``reader`` is the `_date_reader` of the page's words."""
    pattern, numbers = reader
    match = pattern.search(line)
    if not match:
        return None
    try:
        return datetime(
            int(match["year"]),
            numbers[match["month"].lower()],
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
    *,
    texts: Texts = ENGLISH,
) -> str:
    """Merge ``sessions`` into an archive block's content, newest first.

    Entries already there are recognised by their ``<!-- session: ID -->`` marker. Those
    of the given sessions are written afresh, and lines a human added under them stay under
    them. Every other entry is kept as it is: sorted in by the date it names (in the words
    of ``texts`` or in English), or, when it names none, kept right after the entry it
    followed. Text before the first entry stays on top. Nothing is dropped except a
    repeated entry identical to the one written for its session.
    """
    zone = _zones(settings)[0]
    held: dict[str, Session] = {}
    for session in sorted(
        (s for s in sessions if s.status not in NOT_HELD), key=_sort_key, reverse=True
    ):
        held.setdefault(session.id, session)
    rendered = {sid: archive_line(s, settings, counts, texts=texts) for sid, s in held.items()}
    reader = _date_reader(tuple(texts.dates.months), frozenset({" at ", _time_word(texts)}))

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
        date = _entry_date(entry.lines[0], reader)
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
