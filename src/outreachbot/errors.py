"""The exceptions outreachbot raises on purpose.

::

    OutreachbotError
     +-- BlockError          a marked block is missing, unclosed or doubled; the page is
     |                       not edited and the status page says why
     +-- ConfigError         the config page cannot be used at all (missing, no trusted
     |                       revision, no {{Outreachbot config}}); per-value problems are
     |                       not exceptions but `Problem` records
     +-- ShutoffError        the emergency stop page is set: no edit is made
     +-- AccountError        the logged-in account is not the bot's or lacks a right it
     |                       needs (bot flag, edit, not blocked): the run is refused
     +-- LocalWikiError      the embedded local wiki cannot be installed or started

A job catches ``BlockError`` per page and goes on; the runner catches ``ConfigError`` per
config page and ``ShutoffError`` for the whole run; the command line refuses to start on
``AccountError``. Anything else is a bug and is logged
with its traceback.
"""


class OutreachbotError(Exception):
    """Base class of the errors raised on purpose."""


class BlockError(OutreachbotError):
    """A marked block cannot be located safely in a page."""


class ConfigError(OutreachbotError):
    """The config page as a whole cannot be used."""


class ShutoffError(OutreachbotError):
    """The emergency stop page says the bot must not edit."""


class AccountError(OutreachbotError):
    """The account cannot run the bot; ``problems`` are the messages saying why and how
    to fix it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class LocalWikiError(OutreachbotError):
    """The embedded MediaWiki cannot be installed, started or reached."""
