"""Reading the pages that steer the bot at their newest trusted revision (SPEC section 2).

The config page, the delivery list and the announcement text decide where and what the bot
writes, so a revision by someone who is not trusted is never used: it is reported instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from outreachbot.config import parse_config
from outreachbot.errors import ConfigError
from outreachbot.model import Config
from outreachbot.trust import (
    IgnoredRevision,
    Revision,
    anchored,
    choose_trusted,
    organizers_in_config,
)
from outreachbot.wiki import Wiki

DEFAULT_TRUSTED_GROUPS: tuple[str, ...] = ("sysop",)
HISTORY_DEPTH = 50  # revisions read per request, with their text
HISTORY_LIMIT = 500  # revisions read at most while none of them settles who is trusted


@dataclasses.dataclass(frozen=True)
class _Choice:
    history: list[Revision]  # the revisions read, oldest first
    complete: bool  # whether they reach back to the page's creation
    chosen: Revision | None
    ignored: list[IgnoredRevision]


def _trusted(wiki: Wiki, title: str, groups: Iterable[str], organizers: Iterable[str] = (),
             organizers_in: Callable[[str], Iterable[str]] | None = None) -> _Choice:
    """The history of ``title`` and its newest trusted revision.

    One request reads the newest `HISTORY_DEPTH` revisions and one more the groups of
    their editors. Only when none of them is trusted whatever came before (`anchored`:
    on the config page, a revision by the bot or a trusted group, since an organizer is
    trusted only through an earlier trusted revision) and the history goes back further,
    the next `HISTORY_DEPTH` older revisions are read (and the groups of editors not seen
    yet), up to `HISTORY_LIMIT` revisions in all.
    """
    groups = tuple(groups)
    organizers = tuple(organizers)
    privileged = {wiki.site.username()}
    asked: set[str] = set()

    def always_trusted(user: str) -> bool:
        return user in privileged

    history: list[Revision] = []
    while True:
        wanted = min(HISTORY_DEPTH, HISTORY_LIMIT - len(history))
        batch = wiki.history(title, wanted,
                             older_than=history[0].revid if history else None)
        history = batch + history
        complete = len(batch) < wanted
        users = {r.user for r in batch if r.user} - asked
        if users:
            privileged |= wiki.members_of(users, groups)
            asked |= users
        if complete or len(history) >= HISTORY_LIMIT or anchored(
                batch, always_trusted=always_trusted, organizers=organizers,
                organizers_in=organizers_in):
            break
    chosen, ignored = choose_trusted(title, history, always_trusted=always_trusted,
                                     organizers=organizers, organizers_in=organizers_in)
    return _Choice(history, complete, chosen, ignored)


def load_config(wiki: Wiki, title: str, groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS,
                ) -> tuple[Config, list[IgnoredRevision]]:
    """The config at its newest trusted revision, and the newer revisions ignored.

    Raises `ConfigError` when the page is missing or no revision of it is trusted.
    """
    found = _trusted(wiki, title, groups, organizers_in=organizers_in_config)
    if not found.history:
        raise ConfigError(f"the config page [[{title}]] does not exist")
    if found.chosen is None:
        count = len(found.history)
        which = (f"none of the {count} revisions" if found.complete else
                 f"none of the last {count} revisions")
        message = (f"{which} of [[{title}]] is by a trusted editor (the bot, an "
                   "administrator or an organizer named in an earlier trusted revision)")
        if not found.complete:
            message += (f"; the bot looks back {HISTORY_LIMIT} revisions at most, so an "
                        "administrator must save the page again")
        raise ConfigError(message)
    config = parse_config(found.chosen.text, title)
    return dataclasses.replace(config, revision=found.chosen.revid), found.ignored


def load_steering_page(wiki: Wiki, title: str, config: Config,
                       groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS,
                       ) -> tuple[str | None, list[IgnoredRevision]]:
    """Text of a delivery list or announcement text at its newest trusted revision."""
    found = _trusted(wiki, title, groups, organizers=config.settings.organizers)
    return (found.chosen.text if found.chosen else None), found.ignored
