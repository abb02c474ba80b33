"""An edit as a value: what to change and why, before anything talks to the wiki.

`wiki.Wiki.save` is the one place that turns an `Edit` into an action and returns what
became of it as a `Saved`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """A planned edit.

    ``change`` maps the page's current text ('' for a missing page) to the new text; it is
    called again on the fresh text after an edit conflict, so a human edit made in between
    is kept. It may raise `BlockError`. ``same`` tells two texts apart that differ only in
    what is not worth an edit (the clock on the status page).
    """

    title: str
    change: Callable[[str], str]
    summary: str
    create: bool = False
    minor: bool = True
    same: Callable[[str, str], bool] | None = None


@dataclass(frozen=True)
class Saved:
    """What became of an edit: ``saved``, ``unchanged``, ``simulated`` or ``skipped``."""

    title: str
    outcome: str
    reason: str = ""
    revid: int | None = None

    @property
    def edited(self) -> bool:
        return self.outcome == "saved"
