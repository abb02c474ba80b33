"""Several groups in one deployment: one failing config page never stops the others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from outreachbot import runner
from outreachbot.localwiki_seed import CONFIG_PAGE
from outreachbot.rules.blocks import read_block
from outreachbot.wiki import Wiki

SECOND_CONFIG = "Second group/Outreachbot config"
SECOND_ACTIVITIES = "Second group/Activities"
SECOND_STATUS = "User:OutreachBot/Status/Second group"
LIST_PAGE = "User:OutreachBot/Config pages"


def make_second_group(client_for) -> None:
    admin = client_for("Admin")
    admin.edit(SECOND_ACTIVITIES, "Our sessions.\n== Upcoming ==\n"
               "<!-- outreachbot:begin upcoming -->\n<!-- outreachbot:end upcoming -->\n"
               "== Past ==\n<!-- outreachbot:begin past -->\n<!-- outreachbot:end past -->\n",
               "activities page of the second group")
    admin.edit(SECOND_CONFIG, f"""{{{{Outreachbot config
| activities_page = {SECOND_ACTIVITIES}
| status_page     = {SECOND_STATUS}
| organizers      = Carol
}}}}
{{{{Outreachbot session
| id        = second-2020-06-01
| title     = Second group's first meetup
| start     = 2020-06-01 18:00
| time_zone = Europe/Paris
| duration  = 90 minutes
| platform  = Jitsi Meet
}}}}
""", "config of the second group")


@pytest.mark.parametrize("broken", [
    "Nobody's config page",  # missing: a ConfigError
    "Bad{title}",  # not a page title at all: the wiki refuses it
    "User:Bob/My config",  # no trusted revision
])
def test_a_broken_config_page_does_not_stop_the_next_one(
        seeded, site, seed_now, client_for, broken):
    make_second_group(client_for)
    client_for("Bob").edit("User:Bob/My config", "{{Outreachbot config\n"
                           "| activities_page = User:Bob/Sandbox\n}}", "my own group")

    reports = runner.run(Wiki(site, simulate=False), [broken, SECOND_CONFIG], ["activities"],
                         seed_now)

    assert [(r.config_page, r.outcome) for r in reports] == [
        (broken, "failed"), (SECOND_CONFIG, "ok")]
    assert reports[0].notes, reports  # says why
    upcoming = read_block(client_for("Admin").text(SECOND_ACTIVITIES), "upcoming")
    assert "Second group's first meetup" in upcoming
    assert "Monday 1 June 2020" in upcoming
    assert client_for("Admin").text("User:Bob/Sandbox") is None  # Bob's page steers nothing


def test_a_list_page_serves_every_group_and_the_run_log_shows_each(
        seeded, seed_now, client_for, tmp_path: Path):
    make_second_group(client_for)
    admin = client_for("Admin")
    admin.edit(LIST_PAGE, f"The groups this bot serves:\n* [[{CONFIG_PAGE}]]\n"
               f"* [[Missing group/Outreachbot config]]\n* [[{SECOND_CONFIG}|second]]\n",
               "config pages")
    # Bob is not trusted: his link must not make the bot serve his page.
    client_for("Bob").append(LIST_PAGE, "\n* [[User:Bob/My config]]\n", "me too")
    log = tmp_path / "runs.jsonl"

    result = subprocess.run(
        [sys.executable, "-m", "outreachbot.cli", "run", "activities", "--config-list",
         LIST_PAGE, "--now", seed_now.isoformat(), "--log", str(log)],
        capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr

    assert result.returncode == 1, output  # one config page failed
    assert "Missing group/Outreachbot config" in output
    assert "by Bob" in output and "ignored" in output
    assert "Second group's first meetup" in admin.text(SECOND_ACTIVITIES)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["config"], r["job"], r["outcome"]) for r in records] == [
        (CONFIG_PAGE, "activities", "ok"),
        ("Missing group/Outreachbot config", "config", "failed"),
        (SECOND_CONFIG, "activities", "ok"),
    ]
    assert records[0]["edits"] >= 1 and records[2]["edits"] == 1

    status = subprocess.run(
        [sys.executable, "-m", "outreachbot.cli", "status", "--log", str(log),
         "--store", str(tmp_path / "none.sqlite")],
        capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    assert f"[[{SECOND_CONFIG}]]\n  activities" in status.stdout
    assert "failed" in status.stdout and "does not exist" in status.stdout


def test_the_calendar_command_writes_one_feed_for_every_group(
        seeded, client_for, tmp_path: Path):
    from icalendar import Calendar

    make_second_group(client_for)
    feed = tmp_path / "public_html" / "calendar.ics"

    def write() -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "outreachbot.cli", "calendar", "--config", CONFIG_PAGE,
             "--config", SECOND_CONFIG, "--output", str(feed)],
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return {str(e["UID"]): e for e in Calendar.from_ical(feed.read_bytes()).walk("VEVENT")}

    events = write()
    second = events["second-2020-06-01@outreachbot"]
    assert str(second["SUMMARY"]) == "Second group's first meetup"
    assert "1lib1ref-2020-05-26-apac@outreachbot" in events
    cancelled = [uid for uid, e in events.items() if str(e["STATUS"]) == "CANCELLED"]
    assert cancelled and all(uid.startswith("wikipedia-library-tour-") for uid in cancelled)
    apac = events["1lib1ref-2020-05-26-apac@outreachbot"]
    assert str(apac["URL"]).endswith("Office_hours/2020-05-26_Asia_and_Pacific")
    assert int(second["SEQUENCE"]) == 0

    carol = client_for("Carol")  # an organizer of the second group
    carol.edit(SECOND_CONFIG, carol.text(SECOND_CONFIG).replace(
        "2020-06-01 18:00", "2020-06-02 18:00"), "one day later")
    moved = write()["second-2020-06-01@outreachbot"]
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART").isoformat() == "2020-06-02T16:00:00+00:00"
