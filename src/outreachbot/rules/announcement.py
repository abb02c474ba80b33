"""Announcements: when each is due, what it says, and how the bot recognises its own posts.

Every post carries a hidden marker, and its edit summary the same words in brackets::

    <!-- outreachbot:announcement 1lib1ref-2020-05-26-apac 7d 20200525T2300Z -->
    [outreachbot:announcement 1lib1ref-2020-05-26-apac 7d 20200525T2300Z]

(session id, lead time, the start that was announced). The marker in the page text and
the tag in the bot's own contributions are how a later run knows what was delivered, even
with local state lost and the talk page archived: no state is kept anywhere else. The
start in the marker is how a session moved after its announcement is noticed; a
correction carries ``<!-- outreachbot:correction SESSION-ID STATE -->`` with STATE
``cancelled``, ``postponed`` or ``moved-START``, so each change is told once.

Pure: no pywikibot, no clock (``now`` is passed in). Translated sentences are rendered by
the caller and passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import mwparserfromhell
from mwparserfromhell.nodes import Argument

from outreachbot.model import Session, Settings
from outreachbot.rules import markup
from outreachbot.rules.markup import inline, url
from outreachbot.rules.when import (
    ENGLISH,
    DateWords,
    format_duration,
    long_date,
    reader_zone_url,
    when_in_zones,
)

# A post this long after its due time is reported as late on the status page.
LATE_AFTER = timedelta(hours=1)
# For this long after a session started, a session nobody was told about is reported.
MISSED_REPORTED_FOR = timedelta(days=1)

_WORDS = (r"outreachbot:(announcement|correction) (\S+) (\S+)"  # kind, session, what
          r"(?: (\d{8}T\d{4}Z))?")  # start
# A marker is a whole HTML comment; a tag ends an edit summary. Text people wrote (a
# session title in a summary, say) can look like either elsewhere: that is not a mark.
_MARK = re.compile(rf"<!-- {_WORDS} -->|\[{_WORDS}\]\s*$")
_START = "%Y%m%dT%H%MZ"
_NOINCLUDE = re.compile(r"<noinclude>.*?(</noinclude>|$)", re.S | re.I)
_INCLUDEONLY = re.compile(r"</?(includeonly|onlyinclude)>", re.I)


# --- Tokens ---------------------------------------------------------------------------

def lead_token(lead: timedelta) -> str:
    """A lead time in a marker: ``7d``, ``36h``, ``90m``."""
    minutes = int(lead.total_seconds() // 60)
    if minutes and minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def start_token(start: datetime) -> str:
    """A start time in a marker, in UTC: ``20200525T2300Z``."""
    return start.astimezone(UTC).strftime(_START)


def parse_start_token(token: str) -> datetime:
    return datetime.strptime(token, _START).replace(tzinfo=UTC)


def session_token(session_id: str) -> str:
    """A session id in a marker: one word (ids may hold spaces)."""
    return "_".join(session_id.split())


# --- Markers --------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """A post the bot recognises as its own: an announcement or a correction.

    ``what`` is the lead token of an announcement or the state of a correction; ``start``
    the announced start token (announcements only).
    """

    kind: str
    session: str
    what: str
    start: str | None = None

    @property
    def words(self) -> str:
        return " ".join(w for w in (f"outreachbot:{self.kind}", self.session, self.what,
                                    self.start) if w)

    @property
    def marker(self) -> str:
        return f"<!-- {self.words} -->"

    @property
    def tag(self) -> str:
        return f"[{self.words}]"


def announcement_mark(session: Session, lead: timedelta) -> Mark:
    return Mark("announcement", session_token(session.id), lead_token(lead),
                start_token(session.start))


def correction_mark(session: Session, state: str) -> Mark:
    return Mark("correction", session_token(session.id), state)


def marks_in(text: str) -> list[Mark]:
    """Every marker (in page text) or tag (in an edit summary) in ``text``."""
    return [Mark(*(w for w in match.groups() if w is not None))
            for match in _MARK.finditer(text)]


def announced(marks: Iterable[Mark], session: Session, lead: timedelta) -> bool:
    """Whether ``marks`` hold this session's announcement at this lead time (whatever
    start it announced: a moved session gets a correction, not the same lead again)."""
    sid, token = session_token(session.id), lead_token(lead)
    return any(m.kind == "announcement" and m.session == sid and m.what == token for m in marks)


# --- When -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """An announcement whose time has come: ``at`` is when it was due."""

    session: Session
    lead: timedelta
    at: datetime
    late: timedelta | None = None  # how late, when later than LATE_AFTER
    replaces: tuple[timedelta, ...] = ()  # longer leads whose time came too, longest first


def due_announcements(sessions: Sequence[Session], now: datetime) -> list[Due]:
    """At most one announcement per session: the one of the shortest lead time whose
    time has come, for scheduled sessions that have not started.

    A run that comes after two lead times (a 7-day and a 1-day one) posts only the
    nearer: two posts about one session at once would be noise. The longer leads it
    stands for are in ``replaces``, so a page that never got them can be reported.
    """
    due: list[Due] = []
    for session in sessions:
        if session.status != "scheduled" or now >= session.start:
            continue
        came = [lead for lead in session.settings.announce_before
                if now >= session.start - lead]
        if not came:
            continue
        lead = min(came)
        at = session.start - lead
        late = now - at if now - at > LATE_AFTER else None
        replaces = tuple(sorted((c for c in came if c != lead), reverse=True))
        due.append(Due(session, lead, at, late, replaces))
    return sorted(due, key=lambda d: (d.at, d.session.id))


def recently_started(sessions: Sequence[Session], now: datetime) -> list[Session]:
    """Scheduled sessions with lead times that started within `MISSED_REPORTED_FOR`: if
    nothing was delivered for them, the announcement was missed and is reported."""
    return [s for s in sessions if s.status == "scheduled" and s.settings.announce_before
            and s.start <= now < s.start + MISSED_REPORTED_FOR]


def window_opened(sessions: Sequence[Session], now: datetime) -> datetime:
    """The earliest time a post still relevant now may have been made.

    Any session that has not started (or started within `MISSED_REPORTED_FOR`) was
    announced at most its longest lead time before it starts, hence after this.
    """
    longest = max((lead for s in sessions for lead in s.settings.announce_before),
                  default=timedelta(0))
    earliest = min((s.start for s in sessions), default=now)
    return min(earliest, now - MISSED_REPORTED_FOR) - longest


def correction_state(session: Session, announced_starts: Iterable[str],
                     now: datetime) -> str | None:
    """What a page told about ``session`` (at ``announced_starts``) must be corrected
    with, or None: ``cancelled``, ``postponed`` or ``moved-START``.

    Nothing once the session (as announced and as it is now) lies in the past.
    """
    starts = set(announced_starts)
    if not starts:
        return None
    latest = max([session.start, *(parse_start_token(s) for s in starts)])
    if now >= latest:
        return None
    if session.status in ("cancelled", "postponed"):
        return session.status
    if start_token(session.start) not in starts:
        return f"moved-{start_token(session.start)}"
    return None


# --- Text -----------------------------------------------------------------------------

def user_link(name: str) -> str:
    if "[[" in name or "{{" in name:
        return inline(name)
    return f"[[User:{name}|{name}]]"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def announcement_values(session: Session, settings: Settings, count: int | None, *,
                        local_label: str, conjunction: str = "and",
                        words: DateWords = ENGLISH) -> dict[str, str]:
    """The ``{{{parameters}}}`` an announcement text may use, as wikitext, with times in
    ``words`` (the language of the wiki it is posted on)."""
    zones = settings.time_zones
    local_url = reader_zone_url(session.start, markup.one_line(session.title))
    hosts = [h for h in session.hosts if h.strip()]
    return {
        "id": session.id,
        "title": inline(session.title),
        "event": inline(session.event or session.title),
        "when": when_in_zones(session.start, zones, words=words),
        "date": long_date(session.start, zones[0], words=words) if zones else "",
        "local": f"[{local_url} {local_label}]",
        "local_url": local_url,
        "duration": format_duration(session.duration, words=words),
        "platform": inline(session.platform),
        "join": url(session.join),
        "signup": f"[[{session.signup_page}]]" if session.signup_page else "",
        "signup_page": session.signup_page or "",
        "agenda": "\n".join(f"* {inline(topic)}" for topic in session.agenda),
        "hosts": join_words([user_link(h) for h in hosts], conjunction),
        "count": "" if count is None else str(count),
        "status": session.status,
    }


def transcluded_part(text: str) -> str:
    """What a page gives when used as a text: without ``<noinclude>`` parts."""
    return _INCLUDEONLY.sub("", _NOINCLUDE.sub("", text)).strip("\n")


def fill_parameters(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with each ``{{{name}}}`` (or ``{{{name|default}}}``) filled from
    ``values``; the names it uses that are not known, which are left as written (or get
    their default)."""
    code = mwparserfromhell.parse(text)
    unknown: list[str] = []
    for argument in code.filter(forcetype=Argument, recursive=True):
        name = str(argument.name).strip()
        if name in values:
            value = values[name]
        elif argument.default is not None:
            value = str(argument.default)
        else:
            if name not in unknown:
                unknown.append(name)
            continue
        try:
            code.replace(argument, value)
        except ValueError:  # inside an argument already replaced
            continue
    return str(code), unknown


def one_line(text: str) -> str:
    """A heading is one line, without the ``=`` that would change its level."""
    return " ".join(text.split()).strip("=").strip() or "…"


def section(heading: str, body: str, mark: Mark, note: str = "") -> str:
    """The new section of one post; signed, so that archiving bots can date it."""
    parts = [f"== {one_line(inline(heading))} ==", body.strip("\n")]
    if note:
        parts.append(f"''{note}''")
    return "\n".join(parts) + f"\n~~~~ {mark.marker}\n"


def append_section(text: str, new_section: str) -> str:
    """The page with a section added at the end; the text before is kept as it is."""
    return f"{text.rstrip()}\n\n{new_section}" if text.strip() else new_section


def has_mark(text: str, mark: Mark) -> bool:
    return mark.marker in text
