"""The status page: per job, the last run and everything a human should look at.

Each job writes its own marked block (``status-JOB``) and the config problems have one
of their own (``status-config``), so the jobs never overwrite each other's report. The
clock line is the only thing that changes on a quiet run, and `same_beyond_clock` keeps
such a run from saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from outreachbot.model import Problem
from outreachbot.report import JobReport
from outreachbot.rules.markup import shorten
from outreachbot.trust import IgnoredRevision

_CLOCK = re.compile(r"<!-- clock -->.*?<!-- /clock -->")
_LIVE_IN_NOWIKI = re.compile(r"<(?=\s*/\s*nowiki|!--)", re.IGNORECASE)
# How much of a value and of a message a problem line quotes: a 100 kB value pasted by
# mistake must not make the status page (and the talk page notice) as big.
VALUE_SHOWN, MESSAGE_SHOWN = 200, 1000


def _clock(text: str) -> str:
    return f"<!-- clock -->{text}<!-- /clock -->"


def same_beyond_clock(old: str, new: str) -> bool:
    """True when two status texts differ in nothing but their clock stamps."""
    return _CLOCK.sub("", old) == _CLOCK.sub("", new)


def _nowiki(value: str) -> str:
    """The text shown literally: a closing tag inside it, in any case, cannot end it, and
    a comment inside it cannot pass for one of the bot's block markers."""
    return "<nowiki>" + _LIVE_IN_NOWIKI.sub("&lt;", value) + "</nowiki>"


def problem_line(problem: Problem) -> str:
    """One list item; the bad value is shown literally, never as live wikitext."""
    place = f"[[{problem.page}]]"
    if problem.template:
        place += f" <code><nowiki>{{{{{problem.template}}}}}</nowiki></code>"
    if problem.item:
        place += f" {_nowiki(shorten(problem.item, VALUE_SHOWN))}"
    if problem.param:
        place += f", parameter <code>{_nowiki(shorten(problem.param, VALUE_SHOWN))}</code>"
        place += (f" = <code>{_nowiki(shorten(problem.value, VALUE_SHOWN))}</code>"
                  if problem.value else " (empty)")
    label = "Warning" if problem.severity == "warning" else "Problem"
    return f"* '''{label}:''' {place}: {_nowiki(shorten(problem.message, MESSAGE_SHOWN))}"


def render_problems(problems: Sequence[Problem], ignored: Iterable[IgnoredRevision],
                    none_text: str) -> str:
    lines = [problem_line(p) for p in problems]
    lines += [f"* '''Ignored revision:''' {_nowiki(str(rev))}" for rev in ignored]
    return "\n".join(lines) if lines else f"''{none_text}''"


def render_job(report: JobReport, previous: str = "") -> str:
    """The block of one job.

    What changes on every run (the time, this run's edit count) sits inside the clock
    span. The list of the last edits is carried over from ``previous`` on a run that
    made none, so a quiet run leaves the page as it was.
    """
    when = report.started.strftime("%Y-%m-%d %H:%M UTC")
    edits = report.edit_count
    simulated = sum(1 for e in report.edits if e.outcome == "simulated")
    run = f"{when}, {edits} edit{'s' if edits != 1 else ''}"
    if simulated:
        run += f", {simulated} simulated"
    lines = [
        f"'''{report.job}''': last run {_clock(run)}; outcome '''{report.outcome}'''; "
        f"{report.checked} pages checked."
    ]
    lines += [f"* Skipped [[:{title}]]: {_nowiki(reason)}" for title, reason in report.skips]
    lines += [f"* {_nowiki(note)}" for note in report.notes]
    lines += [problem_line(p) for p in report.problems]
    lines += [f"* '''Ignored revision:''' {_nowiki(str(rev))}" for rev in report.ignored]
    saved = [s for s in report.edits if s.edited]
    if saved:
        lines.append(f"Last edits ({when}):")
        for s in saved:
            diff = f" ([[Special:Diff/{s.revid}|diff]])" if s.revid else ""
            lines.append(f"* [[:{s.title}]]{diff}")
    else:
        lines += _last_edits(previous)
    return "\n".join(lines)


def _last_edits(previous: str) -> list[str]:
    """The 'Last edits' lines of an earlier block, to keep them on a quiet run."""
    lines = previous.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Last edits ("):
            return [line] + [x for x in lines[i + 1 :] if x.startswith("* [[:")]
    return []
