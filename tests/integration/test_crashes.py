"""A kill at any point loses nothing and duplicates nothing: the bot is killed with
SIGKILL at seeded random moments of a full run, run again, and the wiki must end exactly
as after one clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from outreachbot import runner
from outreachbot.localwiki_seed import CONFIG_PAGE

STATUS = "User:OutreachBot/Status"
TRIALS = 30


def bot(now, *, kill_after: float | None = None) -> int | None:
    """Run every job as an operator would; kill it after ``kill_after`` seconds."""
    command = [sys.executable, "-m", "outreachbot.cli", "run", *runner.available_jobs(),
               "--config", CONFIG_PAGE, "--now", now.isoformat()]
    log = open(os.environ["PYWIKIBOT_DIR"] + "/crash-run.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        process.wait(timeout=kill_after if kill_after is not None else 300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None
    return process.returncode


def last_output() -> str:
    """The end of what the last run printed."""
    with open(os.environ["PYWIKIBOT_DIR"] + "/crash-run.log") as log:
        return log.read()[-3000:]


def bot_pages(localwiki) -> dict[str, str]:
    """Every page the bot has ever edited, but its status page, with its text."""
    admin = localwiki.client("Admin")
    data = admin.get(action="query", list="usercontribs", ucuser="OutreachBot",
                     uclimit="max", ucprop="title")
    titles = sorted({c["title"] for c in data["query"]["usercontribs"]} - {STATUS})
    return {title: admin.text(title) for title in titles}


@pytest.mark.slow
def test_killed_at_random_points_then_run_again_ends_as_a_clean_run(seeded, seed_now):
    now = seed_now + timedelta(days=60)
    started = time.monotonic()
    assert bot(now) == 0
    clean_seconds = time.monotonic() - started
    clean = bot_pages(seeded)
    assert clean

    rng = random.Random(20200526)
    killed = 0
    for trial in range(TRIALS):
        seeded.restore("seeded")
        if bot(now, kill_after=rng.uniform(0.2, clean_seconds)) is None:
            killed += 1
        assert bot(now) == 0, f"trial {trial}: the run after the kill failed:\n{last_output()}"
        assert bot_pages(seeded) == clean, f"trial {trial}: the wiki differs from a clean run"
    assert killed >= TRIALS // 2, f"only {killed} of {TRIALS} runs were killed mid-way"
