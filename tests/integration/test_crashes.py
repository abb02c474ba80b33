"""A kill at any point loses nothing and duplicates nothing: the bot is killed with
SIGKILL at seeded random moments of a full run, run again, and the wiki must end exactly
as after one clean run.

The clock is a week before the Libraries and Wikidata office hours, when every job has
work to do, so kills land among sign-up list repairs, page saves and new posts on the
delivery list's talk pages alike (a post made twice would show here).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import botedits  # tests/integration is on sys.path
import pytest

from outreachbot import runner
from outreachbot.localwiki_seed import CONFIG_PAGE

TRIALS = 30
NOW = datetime(2020, 5, 22, 23, 0, tzinfo=UTC)  # announcements due, lists to put right


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


@pytest.mark.slow
def test_killed_at_random_points_then_run_again_ends_as_a_clean_run(seeded):
    before = len(botedits.contributions(seeded))
    started = time.monotonic()
    assert bot(NOW) == 0, last_output()
    clean_seconds = time.monotonic() - started
    clean = botedits.pages(seeded)
    clean_edits = len(botedits.contributions(seeded)) - before
    assert sum("talk:" in title.lower() for title in clean) >= 4, sorted(clean)

    rng = random.Random(20200526)
    mid_way = 0  # killed after some of its edits and before the last
    for trial in range(TRIALS):
        seeded.restore("seeded")
        killed = bot(NOW, kill_after=rng.uniform(0.2, clean_seconds)) is None
        made = len(botedits.contributions(seeded)) - before
        if killed and 0 < made < clean_edits:
            mid_way += 1
        assert bot(NOW) == 0, f"trial {trial}: the run after the kill failed:\n{last_output()}"
        assert botedits.pages(seeded) == clean, f"trial {trial}: the wiki differs from a clean run"
    assert mid_way >= TRIALS // 3, f"only {mid_way} of {TRIALS} runs were killed mid-way"
