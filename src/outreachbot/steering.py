"""Reading the pages that steer the bot at their newest trusted revision (SPEC section 2).

The config page, the delivery list and the announcement text decide where and what the bot
writes, so a revision by someone who is not trusted is never used: it is reported instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from outreachbot.config import parse_config
from outreachbot.errors import ConfigError
from outreachbot.model import Config
from outreachbot.trust import IgnoredRevision, Revision, choose_trusted, organizers_in_config
from outreachbot.wiki import Wiki

DEFAULT_TRUSTED_GROUPS: tuple[str, ...] = ("sysop",)
HISTORY_DEPTH = 50  # revisions looked at; one request with their text


def _trusted(wiki: Wiki, title: str, history: Sequence[Revision], groups: Iterable[str],
             organizers: Iterable[str] = (), organizers_in=None,
             ) -> tuple[Revision | None, list[IgnoredRevision]]:
    bot = wiki.site.username()
    privileged = wiki.members_of({r.user for r in history}, groups) | {bot}
    return choose_trusted(
        title,
        history,
        always_trusted=lambda user: user in privileged,
        organizers=organizers,
        organizers_in=organizers_in,
    )


def load_config(wiki: Wiki, title: str, groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS,
                ) -> tuple[Config, list[IgnoredRevision]]:
    """The config at its newest trusted revision, and the newer revisions ignored.

    Raises `ConfigError` when the page is missing or no revision of it is trusted.
    """
    history = wiki.history(title, HISTORY_DEPTH)
    if not history:
        raise ConfigError(f"the config page [[{title}]] does not exist")
    chosen, ignored = _trusted(wiki, title, history, groups,
                               organizers_in=organizers_in_config)
    if chosen is None:
        raise ConfigError(
            f"none of the last {len(history)} revisions of [[{title}]] is by a trusted "
            "editor (the bot, an administrator or an organizer named in the config)"
        )
    config = parse_config(chosen.text, title)
    return dataclasses.replace(config, revision=chosen.revid), ignored


def load_steering_page(wiki: Wiki, title: str, config: Config,
                       groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS,
                       ) -> tuple[str | None, list[IgnoredRevision]]:
    """Text of a delivery list or announcement text at its newest trusted revision."""
    history = wiki.history(title, HISTORY_DEPTH)
    if not history:
        return None, []
    chosen, ignored = _trusted(wiki, title, history, groups,
                               organizers=config.settings.organizers)
    return (chosen.text if chosen else None), ignored
