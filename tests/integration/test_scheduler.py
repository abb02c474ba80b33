"""``outreachbot schedule`` for real: a scheduler process, its SQLite store, the local wiki.

Times are real and short: sessions are written into the config page a few seconds ahead
of the clock, and each test waits for what an operator would see (the run log, the
scheduled jobs of ``outreachbot status``, the pages on the wiki). Where the instant itself
matters (a night the clocks change), the process runs with its clock set a few seconds
before it, APScheduler's and the bot's alike.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

# tests/integration is on sys.path: the targets and helpers of the job tests.
from test_announcements import POSTED, marks
from test_attendees import add_cee_session

from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CEE_PAGE, CONFIG_PAGE
from outreachbot.rules.announcement import lead_token, start_token
from outreachbot.rules.blocks import read_block
from outreachbot.rules.schedule import lead_key
from outreachbot.scheduler import pending

SESSION_ID = "scheduler-test"
TITLE = "Scheduler test session"
CEE_ID = "cee-2020-1lib1ref"

# ``outreachbot schedule`` with its clock moved by a number of seconds: every
# ``datetime.now`` the scheduler, APScheduler's scheduler and executor, the runner and the
# run log read; all else is the real ``datetime``.
AHEAD = """\
import sys
from datetime import datetime, timedelta

import apscheduler.executors.base
import apscheduler.schedulers.base

from outreachbot import cli, runlog, runner, scheduler

SHIFT = timedelta(seconds={seconds!r})


class _Shifted(type):
    def __getattr__(cls, name):
        return getattr(datetime, name)

    def __instancecheck__(cls, instance):
        return isinstance(instance, datetime)


class Clock(metaclass=_Shifted):
    @staticmethod
    def now(tz=None):
        return datetime.now(tz) + SHIFT


for module in (apscheduler.schedulers.base, apscheduler.executors.base, scheduler, runner,
               runlog):
    module.datetime = Clock
sys.exit(cli.main())
"""


class Scheduler:
    """One ``outreachbot schedule`` process and the files it keeps.

    ``clock``: the instant it is for the process when it is made (default: now); the
    process's clock then runs on from there, and keeps the same offset after a restart."""

    def __init__(self, directory: Path, *options: str, clock: datetime | None = None) -> None:
        self.directory = directory
        self.store = directory / "jobs.sqlite"
        self.log = directory / "runs.jsonl"
        self.options = options
        self.shift = None if clock is None else clock - datetime.now(UTC)
        self.process: subprocess.Popen[str] | None = None
        self.starts = 0

    def command(self) -> list[str]:
        program = ["-m", "outreachbot.cli"]
        if self.shift is not None:
            program = ["-c", AHEAD.format(seconds=self.shift.total_seconds())]
        return [sys.executable, *program, "schedule", "--config", CONFIG_PAGE,
                "--store", str(self.store), "--log", str(self.log),
                "--every", "attendees=off", "--every", "activities=off",
                "--every", "tasks=off", "--every", "announcements=off",
                "--every", "refresh=*/2 * * * * *", *self.options]

    def start(self) -> None:
        self.starts += 1
        out = open(self.directory / f"output-{self.starts}.txt", "w")  # noqa: SIM115
        self.process = subprocess.Popen(self.command(), cwd=self.directory, stdout=out,
                                        stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: "Scheduler started" in self.output(), 60, self.output)

    def output(self) -> str:
        return "".join(p.read_text() for p in sorted(self.directory.glob("output-*.txt")))

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.process = None
        return code

    def runs(self, job: str) -> list[dict]:
        if not self.log.exists():
            return []
        records = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [r for r in records if r["job"] == job]

    def scheduled(self, words: str) -> list[datetime | None]:
        return [when for when, name in pending(self.store) if words in name]


def wait_for(condition: Callable[[], object], seconds: float,
             why: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {why()}")
        time.sleep(0.2)


@pytest.fixture
def scheduler(seeded, tmp_path: Path) -> Iterator[Callable[..., Scheduler]]:
    made: list[Scheduler] = []

    def make(*options: str, clock: datetime | None = None) -> Scheduler:
        made.append(Scheduler(tmp_path, *options, clock=clock))
        return made[-1]

    yield make
    for one in made:
        if one.process is not None:
            one.process.kill()
            one.process.wait()


def add_session(client, *, ends_in: float | None = None, start: datetime | None = None,
                extra: str = "", zone: str = "UTC") -> datetime:
    """Add a session to the config page (as an organizer); returns its end or start.

    ``ends_in``: a session that started a minute ago and ends that many seconds from now
    (its length written to the second, as '1.2833 minutes'). ``start`` is written as the
    wall-clock time in ``zone``."""
    now = datetime.now(UTC)
    if ends_in is not None:
        end = datetime.fromtimestamp(math.ceil(now.timestamp() + ends_in), UTC)
        start = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
        length = f"{(end - start).total_seconds() / 60:.4f} minutes"
    else:
        assert start is not None
        end, length = start, "60 minutes"
    text = client.text(CONFIG_PAGE)
    client.edit(CONFIG_PAGE, text + f"""
{{{{Outreachbot session
| id        = {SESSION_ID}
| title     = {TITLE}
| start     = {start.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}
| time_zone = {zone}
| duration  = {length}
| platform  = Zoom{extra}
}}}}
""", "a session for the scheduler")
    return end


def bot_revisions(client, title: str) -> list[int]:
    return [r["revid"] for r in client.revisions(title) if r["user"] == "OutreachBot"]


def whole_second_in(seconds: float) -> datetime:
    return datetime.fromtimestamp(math.ceil(time.time() + seconds), UTC)


def in_minutes(length: timedelta) -> str:
    """A length to the second, as the config reads it ('58.8333 minutes')."""
    return f"{length.total_seconds() / 60:.4f} minutes"


def every_few_seconds_but(due: datetime, step: int = 3) -> str:
    """A cron schedule (seconds first) every ``step`` seconds that never starts a run at
    ``due``: the periodic run and the date job do not start at the same instant."""
    seconds = ",".join(str(s) for s in range(0, 60, step) if s != due.second)
    return f"{seconds} * * * * *"


def date_runs(bot: Scheduler, job: str) -> list[dict]:
    return [r for r in bot.runs(job) if r["trigger"].startswith("due ")]


def only(items: list, why: Callable[[], str] = lambda: "") -> Any:
    assert len(items) == 1, f"{items}\n{why()}"
    return items[0]


def periodic_runs_after(bot: Scheduler, job: str, run: dict) -> list[dict]:
    finished = datetime.fromisoformat(run["finished"])
    return [r for r in bot.runs(job) if r["trigger"] == "periodic"
            and datetime.fromisoformat(r["time"]) >= finished]


def test_a_date_job_fires_at_its_time_and_runs_once(scheduler, client_for, localwiki):
    admin = client_for("Merrilee")
    end = add_session(admin, ends_in=12)
    before = bot_revisions(admin, ACTIVITIES_PAGE)
    # A real login, so the password goes over the wire while the logs are on.
    for cookies in Path(os.environ["PYWIKIBOT_DIR"]).glob("pywikibot-*.lwp"):
        cookies.unlink()
    started = time.time()
    bot = scheduler("-log", "-verbose")
    bot.start()
    wait_for(lambda: bot.scheduled(f"activities for end:{SESSION_ID}"), 10, bot.output)
    assert bot.scheduled(f"activities for end:{SESSION_ID}") == [end]
    assert not bot.runs("activities")  # not before its time

    wait_for(lambda: bot.runs("activities"), 30, bot.output)
    time.sleep(3)  # time enough for a second run, which must not come

    runs = bot.runs("activities")
    assert len(runs) == 1, runs
    assert runs[0]["outcome"] == "ok"
    assert runs[0]["trigger"].startswith(f"due end:{SESSION_ID} at {end.isoformat()}")
    assert datetime.fromisoformat(runs[0]["time"]) >= end - timedelta(seconds=1)
    text = admin.text(ACTIVITIES_PAGE)
    assert TITLE in read_block(text, "past")  # it ended: it moved to the past sessions
    assert len(bot_revisions(admin, ACTIVITIES_PAGE)) == len(before) + 1
    assert not bot.scheduled(f"end:{SESSION_ID}")  # done, gone from the store
    assert bot.stop() == 0
    assert "Scheduler stopped" in bot.output()

    # No credential in the console output nor in Pywikibot's log files.
    password = localwiki.accounts()["OutreachBot"]
    logs = [p for p in (Path(os.environ["PYWIKIBOT_DIR"]) / "logs").glob("*")
            if p.stat().st_mtime >= started - 1]
    assert logs, "-log wrote no log file"
    assert "Logging in to localwiki:en as OutreachBot" in bot.output()
    assert any(f"Saved [[{ACTIVITIES_PAGE}]]" in p.read_text(errors="replace") for p in logs)
    for text in [bot.output(), *(p.read_text(errors="replace") for p in logs)]:
        assert password not in text


def test_stopped_across_a_due_time_the_restarted_scheduler_catches_up_once(
        scheduler, client_for):
    admin = client_for("Merrilee")
    end = add_session(admin, ends_in=9)
    bot = scheduler()
    bot.start()
    wait_for(lambda: bot.scheduled(f"end:{SESSION_ID}"), 10, bot.output)
    assert bot.stop() == 0
    assert datetime.now(UTC) < end

    time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds()) + 1)
    assert not bot.runs("activities")
    assert bot.scheduled(f"end:{SESSION_ID}") == [end]  # still in the store, now late

    bot.start()
    wait_for(lambda: bot.runs("activities"), 20, bot.output)
    time.sleep(3)
    runs = bot.runs("activities")
    assert len(runs) == 1, runs
    assert runs[0]["trigger"].startswith(f"due end:{SESSION_ID}")
    assert TITLE in read_block(admin.text(ACTIVITIES_PAGE), "past")
    assert not bot.scheduled(f"end:{SESSION_ID}")
    assert bot.stop() == 0


def test_a_second_scheduler_on_the_same_store_refuses_to_start(scheduler):
    first = scheduler()
    first.start()
    assert first.process is not None
    second = subprocess.run(first.command(), cwd=first.directory, capture_output=True,
                            text=True, timeout=60)
    assert second.returncode == 1
    assert "another scheduler is already running on" in second.stderr
    assert f"process {first.process.pid}" in second.stderr
    assert first.process.poll() is None  # the first one runs on
    assert first.stop() == 0


def test_a_session_moved_in_the_config_moves_its_announcement(scheduler, client_for,
                                                              tmp_path: Path):
    organizer = client_for("Mylee")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    add_session(organizer, start=start, extra="\n| announce_before = 1 day, 1 hour")
    settings = tmp_path / "settings.toml"
    # Only the date jobs here: no immediate runs after a config change.
    settings.write_text("on_change = []\n")
    bot = scheduler("--settings", str(settings))
    bot.start()
    day = f"announcements for announce:{SESSION_ID}:1d"
    hour = f"announcements for announce:{SESSION_ID}:1h"
    wait_for(lambda: bot.scheduled(hour), 10, bot.output)
    assert bot.scheduled(day) == [start - timedelta(days=1)]
    assert bot.scheduled(hour) == [start - timedelta(hours=1)]

    later = start + timedelta(hours=3)
    organizer.edit(CONFIG_PAGE, organizer.text(CONFIG_PAGE).replace(
        f"{start:%Y-%m-%d %H:%M}", f"{later:%Y-%m-%d %H:%M}"), "moved three hours later")
    wait_for(lambda: bot.scheduled(hour) == [later - timedelta(hours=1)], 30, bot.output)
    assert bot.scheduled(day) == [later - timedelta(days=1)]  # one each, moved

    organizer.edit(CONFIG_PAGE, organizer.text(CONFIG_PAGE).replace(
        "| platform  = Zoom\n| announce_before", "| platform  = Zoom\n| status = cancelled\n"
        "| announce_before"), "cancelled")
    wait_for(lambda: not bot.scheduled(f"announce:{SESSION_ID}"), 30, bot.output)
    assert "changed (revision" not in bot.output()  # on_change = [] was read
    assert bot.stop() == 0


def test_killed_during_a_date_job_the_restarted_scheduler_finishes_it_once(
        scheduler, client_for):
    """SIGKILL (no clean stop) while the date job runs: whether it got to log its run or
    not, after a restart there is exactly one finished run, and the page is right."""
    admin = client_for("Merrilee")
    add_session(admin, ends_in=7)
    bot = scheduler()
    bot.start()
    wait_for(lambda: f'Running job "activities for end:{SESSION_ID}' in bot.output(), 30,
             bot.output)
    assert bot.process is not None
    bot.process.kill()
    bot.process.wait()
    bot.process = None

    bot.start()
    wait_for(lambda: [r for r in bot.runs("activities") if r["outcome"] == "ok"], 20,
             bot.output)
    time.sleep(3)
    assert [r["outcome"] for r in bot.runs("activities")] == ["ok"]
    assert TITLE in read_block(admin.text(ACTIVITIES_PAGE), "past")
    assert bot.stop() == 0


def test_an_announcement_date_job_posts_once_at_its_time(scheduler, client_for):
    """The announcement goes out on every delivery target when its date job fires; the
    hourly safety net (here every few seconds) and the refreshes that follow add nothing."""
    due = whole_second_in(12)
    start = due.replace(second=0) + timedelta(hours=1)
    lead = start - due
    add_session(client_for("Mylee"), start=start,
                extra=f"\n| announce_before = {in_minutes(lead)}")
    admin = client_for("Admin")
    posts_before = {title: len(bot_revisions(admin, title)) for title in POSTED}
    bot = scheduler("--every", f"announcements={every_few_seconds_but(due)}")
    bot.start()
    key = f"announce:{SESSION_ID}:{lead_key(lead)}"
    wait_for(lambda: bot.scheduled(f"announcements for {key} on"), 10, bot.output)
    assert bot.scheduled(f"announcements for {key} on") == [due]
    assert not date_runs(bot, "announcements")
    assert all(marks(admin.text(title), SESSION_ID) == [] for title in POSTED)

    wait_for(lambda: date_runs(bot, "announcements"), 30, bot.output)
    run = only(date_runs(bot, "announcements"), bot.output)
    assert run["trigger"] == f"due {key} at {due.isoformat()}"
    assert run["outcome"] == "ok"
    assert due <= datetime.fromisoformat(run["time"]) < due + timedelta(seconds=10)
    early = [r for r in bot.runs("announcements")
             if r["trigger"] == "periodic" and datetime.fromisoformat(r["time"]) < due]
    assert early and all(r["edits"] == 0 for r in early)  # the safety net ran, too early
    pages = admin.texts(POSTED)
    marker = (f"<!-- outreachbot:announcement {SESSION_ID} {lead_token(lead)} "
              f"{start_token(start)} -->")
    assert {t: pages[t].count(marker) for t in POSTED} == dict.fromkeys(POSTED, 1)
    assert {t: marks(pages[t], SESSION_ID) for t in POSTED} == \
        dict.fromkeys(POSTED, [lead_token(lead)])
    assert run["edits"] >= len(POSTED)
    assert not bot.scheduled(key)  # done, gone from the store

    # The scheduler runs on: the safety net runs twice more, the config is re-read.
    wait_for(lambda: len(periodic_runs_after(bot, "announcements", run)) >= 2, 20,
             bot.output)
    assert all(r["edits"] == 0 for r in periodic_runs_after(bot, "announcements", run))
    assert len(date_runs(bot, "announcements")) == 1
    assert admin.texts(POSTED) == pages
    assert {title: len(bot_revisions(admin, title)) for title in POSTED} == \
        {title: count + 1 for title, count in posts_before.items()}
    assert bot.stop() == 0


def test_a_reminder_date_job_pings_once_at_its_time(scheduler, client_for):
    """``remind_before``: the attendees job's date job pings the people signed up on the
    session's talk page at that time, once; the periodic attendees runs after it do not."""
    add_cee_session(client_for, capacity=10)
    merrilee = client_for("Merrilee")
    config = merrilee.text(CONFIG_PAGE)
    due = whole_second_in(14)
    start = due.replace(second=0) + timedelta(hours=1)
    lead = start - due
    assert config.count("2020-06-20 12:00") == 1
    merrilee.edit(CONFIG_PAGE, config.replace(
        "2020-06-20 12:00", f"{start:%Y-%m-%d %H:%M}").replace(
        "| remind_before = 1 hour", f"| remind_before = {in_minutes(lead)}"),
        "The CEE session is today")
    talk = "Talk:" + CEE_PAGE
    admin = client_for("Admin")
    bot = scheduler("--every", f"attendees={every_few_seconds_but(due, step=4)}")
    bot.start()
    wait_for(lambda: bot.scheduled(f"attendees for remind:{CEE_ID} on"), 10, bot.output)
    assert bot.scheduled(f"attendees for remind:{CEE_ID} on") == [due]
    assert admin.text(talk) is None

    wait_for(lambda: date_runs(bot, "attendees"), 30, bot.output)
    run = only(date_runs(bot, "attendees"), bot.output)
    assert run["trigger"] == f"due remind:{CEE_ID} at {due.isoformat()}"
    assert run["outcome"] == "ok"
    assert due <= datetime.fromisoformat(run["time"]) < due + timedelta(seconds=10)
    text = admin.text(talk)
    assert text is not None
    assert text.count(f"<!-- outreachbot:reminder {CEE_ID} -->") == 1
    assert "{{ping|Alice|Bob|Carol}}" in text
    posted = only(admin.revisions(talk))
    assert posted["user"] == "OutreachBot"
    assert datetime.fromisoformat(posted["timestamp"]) >= due - timedelta(seconds=1)
    early = [r for r in bot.runs("attendees")
             if r["trigger"] == "periodic" and datetime.fromisoformat(r["time"]) < due]
    assert early  # the periodic runs before it did not remind: not due yet
    assert not bot.scheduled(f"remind:{CEE_ID}")

    wait_for(lambda: len(periodic_runs_after(bot, "attendees", run)) >= 2, 30, bot.output)
    assert all(r["outcome"] == "ok" for r in periodic_runs_after(bot, "attendees", run))
    assert len(date_runs(bot, "attendees")) == 1
    assert admin.text(talk) == text
    assert len(bot_revisions(admin, talk)) == 1
    assert bot.stop() == 0


def clocks_change(zone: str, forward: bool) -> datetime:
    """The next instant (UTC) the clocks of ``zone`` go forward, or back."""
    tz = ZoneInfo(zone)
    at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for _ in range(2 * 366 * 24):
        at += timedelta(hours=1)
        before = (at - timedelta(seconds=1)).astimezone(tz).utcoffset()
        after = at.astimezone(tz).utcoffset()
        assert before is not None and after is not None
        if before != after and (after > before) == forward:
            return at
    raise AssertionError(f"the clocks of {zone} do not change")


@pytest.mark.parametrize(("zone", "forward", "start_after", "due_after", "local"), [
    # 01:00 GMT becomes 02:00 BST: a session at 02:30 BST is announced an hour before, at
    # 00:30 GMT, half an hour before the change (01:30 on the clock never comes that night).
    pytest.param("Europe/London", True, timedelta(minutes=30), timedelta(minutes=-30),
                 ("02:30 BST", "00:30 GMT"), id="london-forward"),
    # 02:00 PDT becomes 01:00 PST: a session at 02:30 PST is announced an hour before, at
    # the second 01:30 of the night (PST), half an hour after the change, not the first.
    pytest.param("America/Los_Angeles", False, timedelta(minutes=90), timedelta(minutes=30),
                 ("02:30 PST", "01:30 PST"), id="los-angeles-back"),
])
def test_an_announcement_next_to_a_clock_change_fires_once_at_its_utc_instant(
        scheduler, client_for, zone, forward, start_after, due_after, local):
    """The scheduler runs at that night (its clock, and APScheduler's, set to just before
    the announcement is due): the date job is stored at the right UTC instant and fires
    there, once."""
    change = clocks_change(zone, forward)
    start, due = change + start_after, change + due_after
    tz = ZoneInfo(zone)
    assert (f"{start.astimezone(tz):%H:%M %Z}", f"{due.astimezone(tz):%H:%M %Z}") == local
    add_session(client_for("Mylee"), start=start, zone=zone,
                extra="\n| announce_before = 1 hour")
    bot = scheduler(clock=due - timedelta(seconds=12))
    bot.start()
    name = f"announcements for announce:{SESSION_ID}:1h on"
    wait_for(lambda: bot.scheduled(name), 10, bot.output)
    stored = only(bot.scheduled(name), bot.output)
    assert stored == due
    assert stored is not None and stored.utcoffset() == timedelta(0)
    assert not bot.runs("announcements")

    wait_for(lambda: bot.runs("announcements"), 30, bot.output)
    time.sleep(3)  # time enough for a second run, which must not come
    run = only(bot.runs("announcements"), bot.output)
    assert run["trigger"] == f"due announce:{SESSION_ID}:1h at {due.isoformat()}"
    assert run["outcome"] == "ok"
    assert due <= datetime.fromisoformat(run["time"]) < due + timedelta(seconds=10)
    pages = client_for("Admin").texts(POSTED)
    marker = f"<!-- outreachbot:announcement {SESSION_ID} 1h {start_token(start)} -->"
    assert {t: pages[t].count(marker) for t in POSTED} == dict.fromkeys(POSTED, 1)
    assert not bot.scheduled(name)
    assert bot.stop() == 0
