"""``python -m outreachbot.screenshots`` (``make screenshots``): the pictures of the guides.

Starts a throwaway local wiki (its own directory and port, so a demo wiki is left alone),
seeds it at the tests' fixed date, installs the templates, stages a week of the group's
life (`stage`: the office hours of 26 May are over, the organizers keep two past sessions
on the page and add a session on a day that does not exist), runs every job, and shoots
the pages with headless Chromium (Debian's ``chromium``, installed when missing) into
``docs/img/*.png``. The integration test of rendered pages uses the same `stage`, so the
pictures show what the tests check.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from outreachbot.localwiki import PORT_ENV, LocalWiki, apt_install, free_port_pair, repo_dir
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    CONFIG_PAGE,
    OFFICE_HOURS,
    STATUS_PAGE,
)

SEED_AT = datetime(2020, 5, 20, 0, 0, tzinfo=UTC)  # as the integration tests seed
RUN_AT = datetime(2020, 5, 27, 0, 0, tzinfo=UTC)  # a week later
PAST_SESSIONS = 2  # few, so the run also writes the yearly archives
BAD_SESSION = """
{{Outreachbot session
| id        = bad-date
| title     = A session on a day that does not exist
| start     = 2020-06-31 09:00
| time_zone = UTC
}}
"""
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")


@dataclass(frozen=True)
class Shot:
    """One picture: the file in docs/img, the page, and how tall the window is."""

    file: str
    title: str
    height: int = 1600
    query: str = ""


SHOTS: tuple[Shot, ...] = (
    Shot("activities.png", ACTIVITIES_PAGE, 1600),
    Shot("status.png", STATUS_PAGE, 1000),
    Shot("config.png", CONFIG_PAGE, 1600),
    Shot("config-problem-notice.png", f"Talk:{CONFIG_PAGE}", 700),
    Shot("signup.png", f"{OFFICE_HOURS}/2020-05-26 Asia and Pacific", 800),
    Shot("archive.png", f"{ACTIVITIES_PAGE}/Archive/2020", 700),
    Shot("template-session.png", "Template:Outreachbot session", 1600),
)


def stage(local: LocalWiki, site: Any) -> list[Any]:
    """On a wiki seeded at `SEED_AT`: an organizer edits the config, the bot installs its
    templates and runs every job at `RUN_AT`. Returns the jobs' reports."""
    from outreachbot import runner, templates
    from outreachbot.wiki import Wiki

    merrilee = local.client("Merrilee")
    config = merrilee.text(CONFIG_PAGE) or ""
    config = re.sub(r"(\| past_sessions\s*=)\s*\d+", rf"\1 {PAST_SESSIONS}", config)
    merrilee.edit(CONFIG_PAGE, config + BAD_SESSION, "Fewer past sessions; one more session")
    templates.install(Wiki(site, simulate=False))
    return runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], runner.available_jobs(), RUN_AT)


def chromium() -> str:
    """The Chromium binary, installed through apt (as MediaWiki is) when missing."""
    found = shutil.which("chromium")
    if not found:
        apt_install(["chromium"], ["chromium"])
        found = shutil.which("chromium")
    if not found:
        raise SystemExit("make screenshots: chromium is still missing after apt-get install")
    return found


def shoot(binary: str, url: str, target: Path, height: int) -> None:
    """One screenshot of ``url`` into ``target`` (PNG), 1200 pixels wide."""
    with tempfile.TemporaryDirectory(prefix="outreachbot-chromium-") as profile:
        command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--screenshot={target}", f"--window-size=1200,{height}", url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if result.returncode != 0 or not target.is_file():
        raise SystemExit(f"chromium could not shoot {url}: {result.stderr[-2000:]}")


def main(argv: Sequence[str] = ()) -> int:
    out = Path(argv[0]) if argv else (repo_dir() or Path.cwd()) / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    binary = chromium()
    LocalWiki.ensure_packages()
    workdir = Path(tempfile.mkdtemp(prefix="outreachbot-screenshots-"))
    local = LocalWiki(workdir / "wiki", free_port_pair())
    try:
        local.create()
        local.start()
        local.seed(SEED_AT)
        # Pywikibot reads its settings when first imported: point it at this wiki first.
        os.environ["PYWIKIBOT_DIR"] = str(local.write_pywikibot_dir(workdir / "pywikibot"))
        os.environ[PORT_ENV] = str(local.port)
        import pywikibot

        site = pywikibot.Site("en", "localwiki")
        site.login()
        reports = stage(local, site)
        for report in reports:
            print(f"{report.job}: {report.outcome}, {report.edit_count} edits")
        # Pages saved before the run still show links as they were then (red links to
        # pages the run created): render them afresh, as the job queue would.
        local.client("Admin").post(action="purge", forcelinkupdate="1",
                                   titles="|".join(sorted({s.title for s in SHOTS})))
        for shot in SHOTS:
            url = local.page_url(shot.title)
            if shot.query:
                url += ("&" if "?" in url else "?") + shot.query
            target = out / shot.file
            shoot(binary, url, target, shot.height)
            print(f"{target} ({target.stat().st_size // 1024} KB): {url}")
    finally:
        local.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
