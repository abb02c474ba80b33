"""When something about a session is due: announcements, reminders, the end of a session.

The scheduler turns these instants into date jobs, so an announcement goes out at its
exact time rather than at the next periodic run. Pure: the config and ``now`` are passed
in. Every instant is timezone-aware UTC.

A lead time is an exact length of time before the session's start, which is already a
UTC instant (the config reader settled daylight-saving gaps and repeated hours there). So
"7 days before" is 168 hours before: across a clock change it lands an hour off the
session's local time of day, but it is one instant, it exists, it happens once, and it is
the instant the announcements job itself takes as due (``rules.announcement``): a date job
that fired earlier than the job's own reckoning would find nothing to post.

Each due time comes with a key that names it for good (``announce:ID:7d``), so the
scheduler keeps one date job per key and moves it when the session moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from outreachbot.model import Config, Session

Due = tuple[str, datetime]  # (key, UTC instant)


def lead_key(lead: timedelta) -> str:
    """'7d', '1h', '1h30m', '45s': a short, stable name for a lead time."""
    seconds = int(lead.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def due_before(session: Session, lead: timedelta) -> datetime:
    """The instant ``lead`` before the session starts (see the module docstring)."""
    return session.start.astimezone(UTC) - lead


def _active(sessions: Iterable[Session]) -> list[Session]:
    return [s for s in sessions if s.status == "scheduled"]


def announcement_due_times(config: Config, now: datetime) -> list[Due]:
    """Every announcement of every scheduled session, past ones included (the scheduler
    keeps those it can still catch up). Two leads that land on the same instant are kept
    as two keys: each is one announcement the job may send."""
    return [(f"announce:{s.id}:{lead_key(lead)}", due_before(s, lead))
            for s in _active(config.sessions) for lead in s.settings.announce_before]


def reminder_due_times(config: Config, now: datetime) -> list[Due]:
    """The reminder (``remind_before``) of every scheduled session with a sign-up page
    (the attendees to remind are there)."""
    return [(f"remind:{s.id}", due_before(s, s.settings.remind_before))
            for s in _active(config.sessions) if s.settings.remind_before and s.signup_page]


def session_end_times(config: Config, now: datetime) -> list[Due]:
    """The end of every session that is not cancelled: the activities page then moves it
    from upcoming to past at once, instead of at the next hourly run."""
    return [(f"end:{s.id}", s.end) for s in config.sessions if s.status != "cancelled"]


def keep_and_add(due: Iterable[Due], now: datetime, grace: timedelta
                 ) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Split due times into (keep, add).

    ``keep``: every due time not older than ``grace``; a date job already stored for one
    of them stays, so a run missed while the scheduler was stopped is caught up once.
    ``add``: the due times still in the future, the only ones a new date job is made for;
    a due time already past is never scheduled again, so nothing runs twice.
    """
    keep = {key: when for key, when in due if when >= now - grace}
    add = {key: when for key, when in keep.items() if when > now}
    return keep, add
