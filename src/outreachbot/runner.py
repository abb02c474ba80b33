"""One run: for each config page, read it at its trusted revision, run the jobs in order,
then write the status page. One failing config page or job never stops the others; the
emergency stop stops everything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import pywikibot

from outreachbot import redact
from outreachbot.edits import Edit
from outreachbot.errors import ConfigError, ShutoffError
from outreachbot.i18n import msg
from outreachbot.jobs import activities, announcements, attendees, tasks
from outreachbot.jobs.base import Context
from outreachbot.model import Config, Problem
from outreachbot.report import JobReport
from outreachbot.rules.blocks import ensure_block, has_block, read_block
from outreachbot.rules.status import (
    problem_line,
    render_job,
    render_problems,
    same_beyond_clock,
)
from outreachbot.steering import DEFAULT_TRUSTED_GROUPS, load_config
from outreachbot.trust import IgnoredRevision
from outreachbot.wiki import Wiki

JOB_ORDER: tuple[str, ...] = ("attendees", "activities", "tasks", "announcements")
JOBS: dict[str, Callable[[Context], None]] = {
    "attendees": attendees.run,
    "activities": activities.run,
    "tasks": tasks.run,
    "announcements": announcements.run,
}

_NOTIFIED = re.compile(r"<!-- notified: ([0-9a-f ]*) -->")
MAX_REMEMBERED = 500  # problem notices remembered on the status page


def available_jobs() -> list[str]:
    return [name for name in JOB_ORDER if name in JOBS]


def run(wiki: Wiki, config_titles: Sequence[str], jobs: Sequence[str], now: datetime,
        groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS) -> list[JobReport]:
    """Run the jobs for every config page; returns every job's report."""
    reports: list[JobReport] = []
    for title in config_titles:
        try:
            reports += run_config(wiki, title, jobs, now, tuple(groups))
        except ShutoffError as error:
            pywikibot.warning(f"Emergency stop: {error}")
            stopped = JobReport("shutoff", title, now, outcome="stopped")
            stopped.notes.append(str(error))
            reports.append(stopped)
            break
        except Exception as error:  # a server failure or a bug on one config page:
            # log it with its traceback and serve the other groups all the same
            pywikibot.exception(f"Config [[{title}]] failed")
            failed = JobReport("config", title, now, outcome="failed")
            failed.notes.append(redact.text(f"{type(error).__name__}: {error}"))
            reports.append(failed)
    return reports


def run_config(wiki: Wiki, title: str, jobs: Sequence[str], now: datetime,
               groups: tuple[str, ...]) -> list[JobReport]:
    try:
        config, ignored = load_config(wiki, title, groups)
    except ConfigError as error:
        pywikibot.error(f"Config [[{title}]] not used: {error}")
        failed = JobReport("config", title, now, outcome="failed")
        failed.notes.append(str(error))
        return [failed]
    for problem in config.problems:
        pywikibot.warning(str(problem))
    for revision in ignored:
        pywikibot.warning(str(revision))
    reports = []
    for name in jobs:
        report = JobReport(name, title, now)
        reports.append(report)
        try:
            JOBS[name](Context(wiki, config, now, report))
        except ShutoffError:
            report.outcome = "stopped"
            raise
        except Exception as error:  # a bug: keep its traceback, go on with the next job
            pywikibot.exception(f"Job {name} failed on [[{title}]]")
            report.outcome = "failed"
            report.notes.append(redact.text(f"internal error: {type(error).__name__}: {error}"))
        report.finished = datetime.now(now.tzinfo)
        pywikibot.info(f"{name}: {report.outcome}, {report.checked} pages checked, "
                       f"{report.edit_count} edits, {len(report.skips)} skipped")
    write_status(wiki, config, ignored, reports, now)
    return reports


def _hash(problem: Problem) -> str:
    return hashlib.sha1(problem.key.encode()).hexdigest()[:12]


def write_status(wiki: Wiki, config: Config, ignored: Sequence[IgnoredRevision],
                 reports: Sequence[JobReport], now: datetime) -> None:
    """Update the status page and post a notice of new config problems, once each."""
    title = config.settings.status_page
    if not title:
        return
    talk = wiki.page(config.page).toggleTalkPage().title()
    pages = wiki.pages([title, talk])
    status_text = pages[title].text if pages[title].exists() else ""
    talk_text = pages[talk].text if pages[talk].exists() else ""
    notified = set(_NOTIFIED.findall(status_text)[0].split()) if _NOTIFIED.search(
        status_text) else set()
    new = [p for p in config.problems if p.severity == "error" and _hash(p) not in notified
           and f"outreachbot:problem {_hash(p)}" not in talk_text]
    if new:
        _notify(wiki, config, new, talk, pages[talk])
    remembered = sorted(notified | {_hash(p) for p in new})[-MAX_REMEMBERED:]

    def change(text: str) -> str:
        if not text.strip():
            text = msg(wiki.site, "status-intro") + "\n"
        problems = render_problems(config.problems, ignored,
                                   msg(wiki.site, "status-problems-none"))
        if remembered:
            problems += f"\n<!-- notified: {' '.join(remembered)} -->"
        text = ensure_block(text, "status-config", problems)
        for report in reports:
            name = f"status-{report.job}"
            previous = read_block(text, name) if has_block(text, name) else ""
            text = ensure_block(text, name, render_job(report, previous))
        return text

    edits = sum(r.edit_count for r in reports)
    summary = msg(wiki.site, "summary-status", jobs=", ".join(r.job for r in reports),
                  edits=edits, problems=len(config.problems) + len(ignored))
    wiki.save(Edit(title, change, summary, create=True, same=same_beyond_clock), pages[title])


def _notify(wiki: Wiki, config: Config, problems: Sequence[Problem], talk: str,
            page: pywikibot.Page) -> None:
    heading = msg(wiki.site, "problem-notice-heading")
    body = msg(wiki.site, "problem-notice-body", count=len(problems), page=config.page,
               status=config.settings.status_page or "")
    lines = "\n".join(problem_line(p) for p in problems)
    markers = "".join(f"<!-- outreachbot:problem {_hash(p)} -->" for p in problems)
    section = f"== {heading} ==\n{body}\n{lines}\n~~~~{markers}\n"

    def change(text: str) -> str:
        return f"{text.rstrip()}\n\n{section}" if text.strip() else section

    summary = msg(wiki.site, "summary-problem-notice", count=len(problems))
    wiki.save(Edit(talk, change, summary, create=True, minor=False), page)
