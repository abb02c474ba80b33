"""``outreachbot schedule``: run the jobs for years on one machine (SPEC section 4).

The one module that imports APScheduler (3.x). One ``BlockingScheduler``, all in UTC:

- periodic jobs on cron triggers, one per job in ``runner.JOBS`` that has a schedule
  (defaults in `DEFAULT_EVERY`; the operator changes any of them with ``--every
  JOB=CRON`` or a settings file, ``off`` turns one off);
- date jobs at the exact instants something is due (an announcement, a reminder, the end
  of a session), re-synced by the config refresh (every 10 minutes by default): a session
  added gets its date jobs, a session moved gets them moved, a session cancelled or
  removed loses them;
- when a config page gets a new trusted revision, the jobs in ``on_change`` run at once
  (the activities page shows the change, announcements send their corrections).

A job module tells when it is due by providing ``due_times(config, now)``, returning
``[(key, utc_instant), ...]`` (the key names the occasion for good, e.g.
``announce:SESSION:7d``; past instants may be included). Until a module has one,
`FALLBACK_DUE` computes them from the config (`outreachbot.rules.schedule`).

The jobs are kept in a SQLite file (``SQLAlchemyJobStore``), so a restart neither loses a
date job nor runs one twice; ids are stable and every add replaces. A lock file next to
the store lets only one scheduler use it. SIGTERM and SIGINT stop the scheduler after the
edit being made (the wiki refuses the next one). A job that raises is logged and the
scheduler goes on. Job functions are top-level functions with plain arguments, so the
store can pickle them by name.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import logging
import os
import signal
import sys
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import mwparserfromhell
import pywikibot
from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from outreachbot import calendar, runlog, runner
from outreachbot.errors import ConfigError
from outreachbot.model import Config, Settings
from outreachbot.report import JobReport
from outreachbot.rules import schedule as rules
from outreachbot.steering import DEFAULT_TRUSTED_GROUPS, load_config, load_steering_page
from outreachbot.titles import normalize_title
from outreachbot.wiki import Wiki

DEFAULT_STORE = Path("state/jobs.sqlite")
REFRESH = "refresh"  # the name of the config refresh in --every and the settings file
DEFAULT_EVERY: dict[str, str] = {
    "attendees": "*/15 * * * *",
    "activities": "0 * * * *",
    "tasks": "0 3 * * *",
    # Announcements go out by date jobs at their exact time; this hourly run is the safety
    # net for one missed during an outage longer than the grace (the job posts it late,
    # and says so, as long as the session has not started).
    "announcements": "30 * * * *",
    REFRESH: "*/10 * * * *",
}
DEFAULT_ON_CHANGE: tuple[str, ...] = ("activities", "announcements")
# A run that is late is still run within this time, and then only once (coalesce). Every
# job is safe to run late: it reads the wiki and saves only what changed, an announcement
# is never sent twice, and each job checks itself whether what is due is still worth doing
# (no reminder after the session began). One hour covers a restart, a deployment or a long
# delivery ahead in the queue. After a longer outage an announcement or reminder is
# dropped rather than sent hours late, and a periodic job waits for its next time.
MISFIRE_GRACE = timedelta(hours=1)

FALLBACK_DUE: dict[str, Callable[[Config, datetime], list[rules.Due]]] = {
    "announcements": rules.announcement_due_times,
    "attendees": rules.reminder_due_times,  # the reminder ping is the attendees job's
    "activities": rules.session_end_times,
}

log = logging.getLogger("outreachbot.scheduler")


class SchedulerError(Exception):
    """The scheduler cannot start: bad settings, or the store is in use."""


# --- Settings --------------------------------------------------------------------------

@dataclass
class Options:
    """What ``outreachbot schedule`` was told, from the command line and settings file."""

    configs: tuple[str, ...] = ()
    config_lists: tuple[str, ...] = ()
    store: Path = DEFAULT_STORE
    log: Path = runlog.DEFAULT_LOG
    calendar: Path | None = None
    groups: tuple[str, ...] = DEFAULT_TRUSTED_GROUPS
    every: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_EVERY))
    on_change: tuple[str, ...] = DEFAULT_ON_CHANGE


def known_jobs() -> list[str]:
    """Every job name: the spec's order first, then any other registered job."""
    return list(dict.fromkeys([*runner.JOB_ORDER, *runner.JOBS]))


def cron(expression: str) -> CronTrigger | None:
    """A cron trigger in UTC from 'MIN HOUR DAY MONTH WEEKDAY' (or six fields, seconds
    first); None for 'off'. Raises `SchedulerError` naming the bad expression."""
    text = expression.strip()
    if text.lower() in ("off", "none", ""):
        return None
    fields = text.split()
    try:
        if len(fields) == 6:
            names = ("second", "minute", "hour", "day", "month", "day_of_week")
            return CronTrigger(timezone=UTC, **dict(zip(names, fields, strict=True)))
        return CronTrigger.from_crontab(text, timezone=UTC)
    except ValueError as error:
        raise SchedulerError(f"{expression!r} is not a cron schedule ({error}); write five "
                             "fields like '*/15 * * * *', or 'off'") from error


def parse_every(items: Iterable[str], every: dict[str, str]) -> dict[str, str]:
    """Apply ``JOB=CRON`` items to ``every``; raises `SchedulerError`."""
    every = dict(every)
    names = [*known_jobs(), REFRESH]
    for item in items:
        name, sep, expression = item.partition("=")
        name = name.strip()
        if not sep or name not in names:
            raise SchedulerError(f"{item!r}: write JOB=CRON, where JOB is one of "
                                 f"{', '.join(names)}")
        cron(expression)
        every[name] = expression.strip()
    if cron(every.get(REFRESH, "off")) is None:
        raise SchedulerError("the config refresh cannot be off: it is what keeps the "
                             "announcements and reminders in step with the config page")
    return every


def read_settings(path: Path | str) -> dict[str, Any]:
    """A TOML settings file: ``config``, ``config_list``, ``store``, ``log``, ``calendar``,
    ``trusted_groups``, ``on_change`` and an ``[every]`` table of cron schedules."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise SchedulerError(f"cannot read {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise SchedulerError(f"{path} is not valid TOML: {error}") from error
    known = {"config", "config_list", "store", "log", "calendar", "trusted_groups",
             "on_change", "every"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SchedulerError(f"{path}: unknown setting(s) {', '.join(unknown)}; the "
                             f"settings are {', '.join(sorted(known))}")
    return data


# --- Which pages, and when ----------------------------------------------------------------

def read_config_list(wiki: Wiki, title: str,
                     groups: Iterable[str] = DEFAULT_TRUSTED_GROUPS) -> list[str]:
    """The config pages linked (``[[...]]``) from a list page, read at its newest revision
    by the bot or a trusted group: who may add a group decides where the bot writes.
    Raises `ConfigError` when the page is missing or has no trusted revision."""
    text, ignored = load_steering_page(wiki, title, Config(title, None, Settings()), groups)
    for revision in ignored:
        pywikibot.warning(str(revision))
    if text is None:
        raise ConfigError(f"the config list [[{title}]] does not exist or has no revision "
                          "by a trusted editor")
    titles = []
    for link in mwparserfromhell.parse(text).filter_wikilinks():
        name = normalize_title(str(link.title).split("#", 1)[0])
        if name and not name.startswith(("Category:", "File:")):
            titles.append(name)
    return list(dict.fromkeys(titles))


def due_times(job: str, config: Config, now: datetime) -> list[rules.Due]:
    """When ``job`` is due for ``config``: the job module's ``due_times(config, now)``
    if it has one, else the fallback computed from the config, else nothing."""
    function = runner.JOBS.get(job)
    module = inspect.getmodule(function) if function is not None else None
    hook = getattr(module, "due_times", None)
    if callable(hook):
        return [(str(key), when.astimezone(UTC)) for key, when in hook(config, now)]
    fallback = FALLBACK_DUE.get(job)
    return fallback(config, now) if fallback else []


def date_job_id(config_title: str, job: str, key: str) -> str:
    """Stable and short (the store's ids are at most 191 characters)."""
    digest = hashlib.sha1(f"{config_title}\n{key}".encode()).hexdigest()[:20]
    return f"due:{job}:{digest}"


# --- The running scheduler ---------------------------------------------------------------

@dataclass
class _Runtime:
    options: Options
    site: Any
    scheduler: BlockingScheduler
    stopping: threading.Event = field(default_factory=threading.Event)
    served: tuple[str, ...] | None = None
    caught_up: bool = False  # the first refresh re-adds date jobs lost by a stop or crash
    revisions: dict[str, int | None] = field(default_factory=dict)
    submitted: set[tuple[str, datetime]] = field(default_factory=set)
    done: set[tuple[str, str]] = field(default_factory=set)


_RUNTIME: _Runtime | None = None


def _runtime() -> _Runtime:
    if _RUNTIME is None:
        raise RuntimeError("the scheduler's jobs run only inside `outreachbot schedule`")
    return _RUNTIME


def _wiki(rt: _Runtime) -> Wiki:
    wiki = Wiki(rt.site)
    wiki.stop_requested = rt.stopping.is_set
    return wiki


def _run(titles: Sequence[str], job: str, trigger: str) -> None:
    """Run one job for the config pages through the runner, and log each report."""
    rt = _runtime()
    if rt.stopping.is_set():
        return
    if job not in runner.JOBS:
        pywikibot.info(f"The {job} job is not in this version of outreachbot; {trigger} "
                       "has nothing to run")
        return
    wiki = _wiki(rt)
    now = datetime.now(UTC)
    try:
        reports = runner.run(wiki, list(titles), [job], now, rt.options.groups)
    except Exception as error:  # a bug or a dead server: log it, the scheduler lives on
        pywikibot.exception(f"The {job} job failed ({trigger})")
        failed = JobReport(job, ", ".join(titles), now, outcome="failed")
        failed.notes.append(f"{type(error).__name__}: {error}")
        reports = [failed]
    if not wiki.simulate:
        runlog.append(rt.options.log, reports, trigger)


def run_periodic(job: str, config_titles: list[str]) -> None:
    """A periodic job: ``job`` for every config page served."""
    _run(config_titles, job, "periodic")


def run_due(config_title: str, job: str, key: str, due: str) -> None:
    """A date job: ``job`` for one config page, because ``key`` is due at ``due``."""
    rt = _runtime()
    done = (date_job_id(config_title, job, key), due)
    if done in rt.done:  # re-added by a refresh racing with its own run
        return
    rt.done.add(done)
    _run([config_title], job, f"due {key} at {due}")


def refresh() -> None:
    """Re-read the config pages; keep the periodic and date jobs and the calendar in step."""
    rt = _runtime()
    if rt.stopping.is_set():
        return
    try:
        _refresh(rt, datetime.now(UTC))
    except Exception:  # never let a refresh failure stop the scheduler
        pywikibot.exception("The config refresh failed; the jobs stay as they were")


def _refresh(rt: _Runtime, now: datetime) -> None:
    wiki = _wiki(rt)
    titles = _served(rt, wiki)
    if titles != rt.served:
        rt.served = titles
        _ensure_periodic(rt, titles)
    configs: dict[str, Config] = {}
    for title in titles:
        try:
            configs[title] = load_config(wiki, title, rt.options.groups)[0]
        except ConfigError as error:
            pywikibot.error(f"Config [[{title}]] not used: {error}")
        except Exception:
            pywikibot.exception(f"Config [[{title}]] could not be read; its jobs stay")
    if rt.stopping.is_set():
        return
    _sync_date_jobs(rt, configs, titles, now)
    _on_change(rt, configs, now)
    # The feed is written only from every config page: one missing would cancel its
    # sessions in people's calendars.
    if rt.options.calendar and len(configs) == len(titles) and calendar.publish(
            rt.options.calendar, configs.values(), now,
            page_url=calendar.page_url(wiki.site)):
        pywikibot.info(f"Calendar feed written to {rt.options.calendar}")


def _served(rt: _Runtime, wiki: Wiki) -> tuple[str, ...]:
    titles = list(rt.options.configs)
    for list_title in rt.options.config_lists:
        try:
            titles += read_config_list(wiki, list_title, rt.options.groups)
        except Exception as error:
            pywikibot.error(f"Config list [[{list_title}]] not read ({error}); keeping the "
                            "config pages it listed before")
            titles += [t for t in rt.served or () if t not in titles]
    return tuple(dict.fromkeys(titles))


def _ensure_periodic(rt: _Runtime, titles: tuple[str, ...]) -> None:
    """One cron job per job with a schedule. An unchanged one is left alone, so a run
    missed while the scheduler was stopped is still caught up."""
    scheduler = rt.scheduler
    wanted = {}
    for job in runner.JOBS:
        trigger = cron(rt.options.every.get(job, "off"))
        if trigger is not None and titles:
            wanted[f"every:{job}"] = (job, trigger)
    for stored in scheduler.get_jobs():
        if stored.id.startswith("every:") and stored.id not in wanted:
            scheduler.remove_job(stored.id)
    for job_id, (job, trigger) in wanted.items():
        stored = scheduler.get_job(job_id)
        args = (job, list(titles))
        if stored is not None and str(stored.trigger) == str(trigger) and \
                tuple(stored.args) == args:
            continue
        scheduler.add_job("outreachbot.scheduler:run_periodic", trigger, args=list(args),
                          id=job_id, name=f"{job} every {rt.options.every[job]}",
                          replace_existing=True)


def _sync_date_jobs(rt: _Runtime, configs: dict[str, Config], titles: Sequence[str],
                    now: datetime) -> None:
    keep: dict[str, datetime] = {}
    add: dict[str, tuple[str, str, str, datetime]] = {}
    for title, config in configs.items():
        for job in known_jobs():
            kept, added = rules.keep_and_add(due_times(job, config, now), now, MISFIRE_GRACE)
            keep.update({date_job_id(title, job, k): when for k, when in kept.items()})
            add.update({date_job_id(title, job, k): (title, job, k, when)
                        for k, when in added.items()})
    scheduler = rt.scheduler
    for stored in scheduler.get_jobs():
        if not stored.id.startswith("due:"):
            continue
        title = stored.args[0]
        if title in configs:
            if keep.get(stored.id) != stored.trigger.run_date:
                scheduler.remove_job(stored.id)  # cancelled, removed or moved
                log.info("Removed date job %s", stored.name)
        elif title not in titles:
            scheduler.remove_job(stored.id)  # no longer served
    if not rt.caught_up:
        rt.caught_up = True
        add.update(_lost(rt, configs, keep, now))
    for job_id, (title, job, key, when) in add.items():
        stored = scheduler.get_job(job_id)
        if stored is not None and stored.trigger.run_date == when:
            continue
        if (job_id, when) in rt.submitted or (datetime.now(UTC) >= when and when > now):
            continue
        scheduler.add_job("outreachbot.scheduler:run_due", DateTrigger(when, timezone=UTC),
                          args=[title, job, key, when.isoformat()], id=job_id,
                          name=f"{job} for {key} on [[{title}]]", replace_existing=True)


def _lost(rt: _Runtime, configs: dict[str, Config], keep: dict[str, datetime],
          now: datetime) -> dict[str, tuple[str, str, str, datetime]]:
    """Date jobs due within the grace that are neither in the store nor in the run log:
    taken from the store and then cut short (a stop, a crash, a kill). Run them again,
    once; every job is safe to run twice, and is written to do nothing the second time."""
    stored = {job.id for job in rt.scheduler.get_jobs()}
    ran = {r.get("trigger", "") for r in runlog.read(rt.options.log)
           if r.get("outcome") != "stopped"}
    lost = {}
    for title, config in configs.items():
        for job in known_jobs():
            for key, when in due_times(job, config, now):
                job_id = date_job_id(title, job, key)
                if (keep.get(job_id) == when and when <= now and job_id not in stored
                        and f"due {key} at {when.isoformat()}" not in ran
                        and job in runner.JOBS):
                    lost[job_id] = (title, job, key, when)
    return lost


def _on_change(rt: _Runtime, configs: dict[str, Config], now: datetime) -> None:
    for title, config in configs.items():
        before = rt.revisions.get(title)
        rt.revisions[title] = config.revision
        jobs = [j for j in rt.options.on_change if j in runner.JOBS]
        if before is None or before == config.revision or not jobs:
            continue
        pywikibot.info(f"[[{title}]] changed (revision {config.revision}): running "
                       f"{', '.join(jobs)}")
        for job in jobs:
            rt.scheduler.add_job(
                "outreachbot.scheduler:run_due", DateTrigger(now, timezone=UTC),
                args=[title, job, f"config:{config.revision}", now.isoformat()],
                id=f"change:{date_job_id(title, job, 'config')[4:]}",
                name=f"{job} after a change of [[{title}]]", replace_existing=True)


# --- Starting and stopping ---------------------------------------------------------------

def _lock(store: Path) -> IO[str]:
    """Hold the lock file next to the store for as long as the process lives."""
    path = store.with_name(store.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise SchedulerError(
            f"another scheduler is already running on {store} (process {holder}; lock "
            f"file {path}). Stop it first, or give this one its own --store") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _logging() -> None:
    """APScheduler logs through `logging`: show its lines (one per run) on stderr."""
    logger = logging.getLogger("apscheduler")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s",
                                               "%Y-%m-%d %H:%M:%S"))
        logger.addHandler(handler)
        logging.getLogger("outreachbot").addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("outreachbot").setLevel(logging.INFO)


def make_scheduler(store: Path) -> BlockingScheduler:
    return BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{store.resolve()}")},
        # One job at a time: the bot edits as one careful user would, and a job never
        # races another over the same page.
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())},
        timezone=UTC,
    )


def run_scheduler(options: Options, site: Any) -> None:
    """Run until SIGTERM or SIGINT. Raises `SchedulerError` when it cannot start."""
    global _RUNTIME
    if not options.configs and not options.config_lists:
        raise SchedulerError("give at least one --config or --config-list")
    options.store.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(options.store)
    _logging()
    scheduler = make_scheduler(options.store)
    rt = _RUNTIME = _Runtime(options, site, scheduler)

    def submitted(event: JobSubmissionEvent) -> None:
        if event.job_id.startswith("due:"):  # periodic runs need no memory of theirs
            rt.submitted.update((event.job_id, when) for when in event.scheduled_run_times)

    scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)
    refresh_trigger = cron(options.every[REFRESH])
    scheduler.add_job("outreachbot.scheduler:refresh", refresh_trigger, id=REFRESH,
                      name="config refresh", replace_existing=True)
    scheduler.add_job("outreachbot.scheduler:refresh", DateTrigger(datetime.now(UTC)),
                      id="refresh-at-start", name="config refresh at start",
                      replace_existing=True)

    stopper: list[threading.Thread] = []

    def stop(signum: int, frame: object) -> None:
        """Refuse the next edit, submit no new run, then shut down once the job at work
        has finished. The shutdown waits in a thread of its own: this handler may have
        interrupted the scheduler's loop while it holds the lock the job at work needs."""
        if rt.stopping.is_set():
            return
        rt.stopping.set()
        pywikibot.info(f"{signal.Signals(signum).name}: stopping after the current edit")
        if scheduler.state == STATE_RUNNING:
            scheduler.pause()
            stopper.append(threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                                            name="outreachbot-stop"))
            stopper[0].start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pywikibot.info(f"Scheduler started (process {os.getpid()}, store {options.store}, "
                   f"run log {options.log}); serving "
                   f"{', '.join(f'[[{t}]]' for t in (*options.configs, *options.config_lists))}")
    try:
        scheduler.start()
        for thread in stopper:
            thread.join()
    finally:
        _RUNTIME = None
        lock.close()
    pywikibot.info("Scheduler stopped")


def pending(store: Path) -> list[tuple[datetime | None, str]]:
    """The jobs waiting in a store, soonest first: (next run, name). Read-only."""
    if not store.is_file():
        return []
    jobstore = SQLAlchemyJobStore(url=f"sqlite:///{store.resolve()}")
    jobstore.start(BlockingScheduler(timezone=UTC), "default")
    try:
        jobs = jobstore.get_all_jobs()
    finally:
        jobstore.shutdown()
    return [(job.next_run_time, job.name) for job in jobs]
