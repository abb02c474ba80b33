"""What one job did in one run: the material of the status page and the run log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pywikibot

from outreachbot.edits import Saved
from outreachbot.model import Problem
from outreachbot.trust import IgnoredRevision


@dataclass
class JobReport:
    """Filled in by a job as it goes; never raises, only records."""

    job: str
    config_page: str
    started: datetime
    finished: datetime | None = None
    outcome: str = "ok"  # ok | failed | stopped
    checked: int = 0  # pages read and looked at
    edits: list[Saved] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)  # (title, reason)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[IgnoredRevision] = field(default_factory=list)

    def record(self, result: Saved) -> Saved:
        """Note what became of an edit and hand it back."""
        if result.outcome in ("saved", "simulated"):
            self.edits.append(result)
        elif result.outcome == "skipped":  # `Wiki.save` has logged it already
            self.skips.append((result.title, result.reason))
        return result

    def skip(self, title: str, reason: str) -> None:
        """A page passed over, and why: for the status page, and a line in the log."""
        pywikibot.info(f"Skipped [[{title}]]: {reason}")
        self.skips.append((title, reason))

    @property
    def edit_count(self) -> int:
        return sum(1 for e in self.edits if e.edited)
