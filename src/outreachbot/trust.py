"""Which revision of a steering page the bot obeys (SPEC section 2, "Trust").

A page that decides where or what the bot writes (the config page, the delivery list, the
announcement text) could otherwise be used by anyone to make the bot spam hundreds of talk
pages. So such a page is read at its newest revision by a trusted editor:

- the bot account and members of the operator's trusted groups (``always_trusted``);
- the organizers named in the config. On the config page itself, that is the organizers
  named in the latest trusted revision *before* the one being judged, so an untrusted
  user who adds himself to ``organizers`` gains nothing: his revision is not trusted, and
  so the list it contains is never read.

Every newer revision is ignored and reported, so organizers see why their edit had no
effect. Pure: the caller fetches the history and the group memberships.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from outreachbot.config import config_values, read_users
from outreachbot.titles import normalize_user


@dataclass(frozen=True)
class Revision:
    """One revision of a page, as the history gives it."""

    revid: int
    user: str
    timestamp: datetime
    text: str


@dataclass(frozen=True)
class IgnoredRevision:
    """A revision newer than the trusted one, made by someone the bot does not obey."""

    page: str
    revid: int
    user: str
    timestamp: datetime

    def __str__(self) -> str:
        return (f"[[{self.page}]] revision {self.revid} by {self.user} at "
                f"{_utc(self.timestamp):%Y-%m-%d %H:%M} UTC was ignored: {self.user} is not "
                "a trusted editor (bot, sysop or organizer)")


def _utc(moment: datetime) -> datetime:
    """API timestamps are UTC; a naive one is taken to be UTC too."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _names(users: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_user(user) for user in users)


def choose_trusted(
    page: str,
    revisions: Sequence[Revision],
    *,
    always_trusted: Callable[[str], bool],
    organizers: Iterable[str] = (),
    organizers_in: Callable[[str], Iterable[str]] | None = None,
) -> tuple[Revision | None, list[IgnoredRevision]]:
    """The newest trusted revision of ``page`` (None if there is none) and the revisions
    after it, which are ignored.

    ``revisions`` is the history, oldest first. ``always_trusted(user)`` says whether a
    (normalized) user name is the bot or in a trusted group. ``organizers`` are trusted as
    well; with ``organizers_in`` (for the config page) each trusted revision replaces them
    with the organizers its own text names, so the list is only ever read from a trusted
    revision. A history cut short works when ``organizers`` seeds the list.
    """
    trusted_names = _names(organizers)
    chosen: int | None = None
    for index, revision in enumerate(revisions):
        user = normalize_user(revision.user)
        if not user or not (always_trusted(user) or user in trusted_names):
            continue
        chosen = index
        if organizers_in is not None:
            trusted_names = _names(organizers_in(revision.text))
    newer = revisions if chosen is None else revisions[chosen + 1:]
    ignored = [IgnoredRevision(page, r.revid, normalize_user(r.user) or "(hidden user)",
                               r.timestamp) for r in newer]
    return (None if chosen is None else revisions[chosen]), ignored


def anchored(
    revisions: Sequence[Revision],
    *,
    always_trusted: Callable[[str], bool],
    organizers: Iterable[str] = (),
    organizers_in: Callable[[str], Iterable[str]] | None = None,
) -> bool:
    """Whether older revisions than ``revisions`` cannot change what `choose_trusted`
    makes of them (same arguments): one of them is trusted whatever came before it.

    That is a revision by an always-trusted user; without ``organizers_in`` (organizers
    fixed by the caller) a revision by one of ``organizers`` as well. On the config page an
    organizer is trusted only through an earlier trusted revision, so a history of
    organizers' revisions alone says nothing until it reaches back to an always-trusted
    one.
    """
    fixed = _names(organizers) if organizers_in is None else frozenset()
    for revision in revisions:
        user = normalize_user(revision.user)
        if user and (always_trusted(user) or user in fixed):
            return True
    return False


def organizers_in_config(text: str) -> list[str]:
    """The valid user names in the ``organizers`` of the config template in ``text``."""
    return list(read_users(config_values(text).get("organizers", "")))
