"""``outreachbot schedule`` for real: a scheduler process, its SQLite store, the local wiki.

Times are real and short: sessions are written into the config page a few seconds ahead
of the clock, and each test waits for what an operator would see (the run log, the
scheduled jobs of ``outreachbot status``, the pages on the wiki).
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

import pytest

from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE
from outreachbot.rules.blocks import read_block
from outreachbot.scheduler import pending

SESSION_ID = "scheduler-test"
TITLE = "Scheduler test session"


class Scheduler:
    """One ``outreachbot schedule`` process and the files it keeps."""

    def __init__(self, directory: Path, *options: str) -> None:
        self.directory = directory
        self.store = directory / "jobs.sqlite"
        self.log = directory / "runs.jsonl"
        self.options = options
        self.process: subprocess.Popen[str] | None = None
        self.starts = 0

    def command(self) -> list[str]:
        return [sys.executable, "-m", "outreachbot.cli", "schedule", "--config", CONFIG_PAGE,
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

    def make(*options: str) -> Scheduler:
        made.append(Scheduler(tmp_path, *options))
        return made[-1]

    yield make
    for one in made:
        if one.process is not None:
            one.process.kill()
            one.process.wait()


def add_session(client, *, ends_in: float | None = None, start: datetime | None = None,
                extra: str = "") -> datetime:
    """Add a session to the config page (as an organizer); returns its end or start.

    ``ends_in``: a session that started a minute ago and ends that many seconds from now
    (its length written to the second, as '1.2833 minutes')."""
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
| start     = {start:%Y-%m-%d %H:%M}
| time_zone = UTC
| duration  = {length}
| platform  = Zoom{extra}
}}}}
""", "a session for the scheduler")
    return end


def bot_revisions(client, title: str) -> list[int]:
    return [r["revid"] for r in client.revisions(title) if r["user"] == "OutreachBot"]


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
