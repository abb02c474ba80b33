"""The validated, frozen objects the config page is read into.

Everything downstream (rules, jobs, the calendar) works on these objects, never on raw
template parameters. `params.py` lists the parameters each template accepts; `config.py`
turns a config page's wikitext into these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

VALUE_SHOWN = 200  # how much of a bad value a problem quotes


@dataclass(frozen=True)
class Problem:
    """A bad value in something a human wrote on the wiki.

    ``message`` says in plain words what is wrong and how to fix it; ``str(problem)``
    names the place (page, template, session id, parameter) and quotes the value.
    """

    page: str
    template: str
    param: str
    value: str
    message: str
    item: str = ""  # the session id (or task name) the template belongs to, if known
    severity: str = "error"  # "error": the value was not used; "warning": used, but check it

    def place(self) -> str:
        where = f"[[{self.page}]]"
        if self.template:
            where += f" {{{{{self.template}}}}}"
        if self.item:
            where += f" {self.item!r}"
        if self.param:
            where += f" | {self.param}"
        return where

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= VALUE_SHOWN else self.value[:VALUE_SHOWN] + "…"
        value = f" = {shown!r}" if self.param else ""
        return f"{self.place()}{value}: {self.message}"

    @property
    def key(self) -> str:
        """A stable identity, used to notify a problem once and only once."""
        return f"{self.page}|{self.template}|{self.item}|{self.param}|{self.value}"


@dataclass(frozen=True)
class Zone:
    """An IANA time zone and the label readers know it by ("Sydney", "GMT")."""

    key: str
    label: str


@dataclass(frozen=True)
class Settings:
    """The settings of ``{{Outreachbot config}}``; a session may override any of them."""

    activities_page: str | None = None
    tasks_page: str | None = None
    task_sources: tuple[str, ...] = ()
    time_zones: tuple[Zone, ...] = (Zone("UTC", "UTC"),)
    announce_before: tuple[timedelta, ...] = ()
    announce_to: str | None = None
    announcement: str | None = None
    announce_heading: str | None = None
    remind_before: timedelta | None = None
    organizers: tuple[str, ...] = ()
    past_sessions: int = 10
    status_page: str | None = None
    worklist_wiki: str | None = None
    worklist_topics: tuple[str, ...] = ()
    worklist_needs: str | None = None
    worklist_depth: int = 1
    worklist_size: int = 10
    signup_heading: str = "Interested attendees"
    unsigned_template: str = "unsigned"
    calendar_url: str | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class Session:
    """One session (one occurrence of a repeating one), with its effective settings."""

    id: str
    title: str
    start: datetime  # timezone-aware, in UTC
    time_zone: str  # the IANA zone the organizers wrote the start in
    duration: timedelta
    settings: Settings = field(default_factory=Settings)
    event: str = ""
    platform: str = ""
    join: str = ""
    hosts: tuple[str, ...] = ()
    agenda: tuple[str, ...] = ()  # one wikitext topic each
    signup_page: str | None = None
    status: str = "scheduled"  # scheduled | cancelled | postponed
    notes: str = ""
    recording: str = ""
    series: str | None = None  # the id of the repeating session this is an occurrence of

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def group(self) -> str:
        """What sessions are grouped under on the activities page."""
        return self.event or self.title


@dataclass(frozen=True)
class Config:
    """A config page read at its trusted revision."""

    page: str
    revision: int | None
    settings: Settings
    sessions: tuple[Session, ...] = ()
    problems: tuple[Problem, ...] = ()

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)
