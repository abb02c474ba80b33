"""What every job gets: the wiki, the trusted config, the clock and its report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pywikibot

from outreachbot.edits import Edit, Saved
from outreachbot.model import Config
from outreachbot.report import JobReport
from outreachbot.wiki import Wiki


@dataclass
class Context:
    wiki: Wiki
    config: Config
    now: datetime  # timezone-aware UTC; passed in so every rule can be tested at a fixed time
    report: JobReport

    def save(self, edit: Edit, page: pywikibot.Page | None = None) -> Saved:
        """Save through the wiki and record the outcome in the report.

        Pass the page when it was loaded in a batch, so the save does not read it again.
        """
        return self.report.record(self.wiki.save(edit, page))
