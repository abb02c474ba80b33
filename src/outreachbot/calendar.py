"""The iCalendar feed (RFC 5545) of the sessions, for "add to calendar" links.

People subscribe to the feed once, so what their calendar program knows must follow the
config page: each session keeps its UID (``{session.id}@outreachbot``) for good; a
cancelled session stays in the feed as ``STATUS:CANCELLED`` so calendars drop it; and a
session that moves (or is cancelled or put back) gets a higher ``SEQUENCE``, which is how
a calendar program knows the new times replace the old. The sequence numbers live in the
feed itself: the previous file is read back before a new one is written, so nothing else
needs to be kept. A session that vanished from the config page while still in the future
is kept as cancelled, for the same reason.

``DTSTAMP`` changes only with the event, so a feed written again with nothing changed is
the same bytes, and is not rewritten at all.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import mwparserfromhell
from icalendar import Calendar, Event

from outreachbot.model import Config, Session
from outreachbot.rules.when import format_duration

PRODID = "-//outreachbot//Wikimedia outreach sessions//EN"
STATUS = {"scheduled": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
# What a calendar program must be told again about (RFC 5545, 3.8.7.4).
SIGNIFICANT = ("dtstart", "dtend", "status")
COMPARED = (*SIGNIFICANT, "summary", "description", "location", "url")


def uid(session: Session) -> str:
    return f"{session.id}@outreachbot"


def _plain(wikitext: str) -> str:
    return mwparserfromhell.parse(wikitext).strip_code().strip()


def _description(session: Session, signup_url: str | None) -> str:
    lines = [f"Length: {format_duration(session.duration)}"]
    if session.platform or session.join:
        lines.append(f"Where: {' '.join(p for p in (session.platform, session.join) if p)}")
    if session.hosts:
        lines.append(f"Hosts: {', '.join(session.hosts)}")
    if session.agenda:
        lines.append("Agenda:")
        lines.extend(f"- {_plain(topic)}" for topic in session.agenda)
    if signup_url:
        lines.append(f"Sign up: {signup_url}")
    if session.notes:
        lines.append(_plain(session.notes))
    return "\n".join(lines)


def _event(session: Session, page_url: Callable[[str], str] | None) -> Event:
    signup_url = page_url(session.signup_page) if page_url and session.signup_page else None
    event = Event()
    event.add("uid", uid(session))
    event.add("summary", session.title)
    event.add("dtstart", session.start.astimezone(UTC))
    event.add("dtend", session.end.astimezone(UTC))
    event.add("status", STATUS.get(session.status, "CONFIRMED"))
    event.add("description", _description(session, signup_url))
    location = ": ".join(p for p in (session.platform, session.join) if p)
    if location:
        event.add("location", location)
    if signup_url:
        event.add("url", signup_url)
    return event


def _facts(event: Event, names: Iterable[str]) -> tuple[object, ...]:
    return tuple(event.decoded(name) if name in event else None for name in names)


def _previous(text: bytes | None) -> dict[str, Event]:
    if not text:
        return {}
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:  # a damaged file: start the sequences again rather than stop
        return {}
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")
            if isinstance(e, Event) and "UID" in e}


def build_feed(sessions: Iterable[Session], now: datetime, *, previous: bytes | None = None,
               page_url: Callable[[str], str] | None = None,
               name: str = "Sessions") -> bytes:
    """The feed of ``sessions``; ``previous`` is the feed as last written, if any.

    ``page_url(title)`` gives the web address of a sign-up page. Pure.
    """
    before = _previous(previous)
    events: list[Event] = []
    seen: set[str] = set()
    for session in sessions:
        event = _event(session, page_url)
        key = str(event["UID"])
        if key in seen:
            continue
        seen.add(key)
        old = before.get(key)
        sequence = int(old.get("SEQUENCE", 0)) if old is not None else 0
        if old is not None and _facts(old, SIGNIFICANT) != _facts(event, SIGNIFICANT):
            sequence += 1
        event.add("sequence", sequence)
        unchanged = old is not None and _facts(old, (*COMPARED, "sequence")) == _facts(
            event, (*COMPARED, "sequence"))
        event.add("dtstamp", old.decoded("DTSTAMP") if unchanged and old is not None
                  and "DTSTAMP" in old else now.astimezone(UTC))
        events.append(event)
    for key, old in before.items():  # gone from the config page: tell calendars
        if key in seen or "DTSTART" not in old or old.decoded("DTSTART") <= now:
            continue
        if str(old.get("STATUS", "")) != "CANCELLED":
            old["STATUS"] = "CANCELLED"
            old["SEQUENCE"] = int(old.get("SEQUENCE", 0)) + 1
            del old["DTSTAMP"]
            old.add("dtstamp", now.astimezone(UTC))
        events.append(old)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in sorted(events, key=lambda e: (e.decoded("DTSTART"), str(e["UID"]))):
        calendar.add_component(event)
    return calendar.to_ical()


def page_url(site: Any) -> Callable[[str], str]:
    """Web addresses of pages on a Pywikibot site, written as readers see them
    (``.../wiki/Group/Office_hours``, the slashes kept)."""
    def url(title: str) -> str:
        name = quote(title.strip().replace(" ", "_"), safe="/:()!,'*~@;")
        return str(site.base_url(site.articlepath.format(name)))
    return url


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step, so a web server never serves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # a public web folder serves it to everyone
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def publish(path: Path | str, configs: Iterable[Config], now: datetime, *,
            page_url: Callable[[str], str] | None = None) -> bool:
    """Write the feed of every session of ``configs`` to ``path``; False when the file
    already held exactly that feed (it is then left alone)."""
    path = Path(path)
    configs = list(configs)
    try:
        previous: bytes | None = path.read_bytes()
    except FileNotFoundError:
        previous = None
    name = ", ".join(c.page.rsplit("/", 1)[0] for c in configs) or "Sessions"
    data = build_feed([s for c in configs for s in c.sessions], now, previous=previous,
                      page_url=page_url, name=name)
    if data == previous:
        return False
    write_atomic(path, data)
    return True
