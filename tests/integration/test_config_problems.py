"""Bad config values on the real wiki: each reported where organizers look, the good
sessions still published, one talk-page notice per new problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from outreachbot import runner
from outreachbot.config import parse_config
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE, STATUS_PAGE
from outreachbot.rules.blocks import read_block
from outreachbot.wiki import Wiki

BAD_CONFIG = (Path(__file__).parent.parent / "data" / "config_bad.wiki").read_text("utf-8")
TALK = f"Talk:{CONFIG_PAGE}"

# (parameter, bad value, a phrase of the message) for each bad value in the file.
EXPECTED = [
    ("colour", "blue", "is not a parameter of {{Outreachbot config}}"),
    ("time_zones", "Europe/Paaris", "use an IANA name such as 'Europe/Paris'"),
    ("organizers", "Bob/Alice", "user names cannot contain '/'"),
    ("past_sessions", "ten", "is not a whole number"),
    ("announce_before", "soonish", "is not a length of time"),
    ("remind_before", "an hour", "is not a length of time"),
    ("worklist_depth", "-1", "is negative"),
    ("start", "2020-06-31 10:00", "June has 30 days"),
    ("start", "2020-13-01 10:00", "there is no month 13"),
    ("start", "next tuesday", "is not a date and time in the form YYYY-MM-DD HH:MM"),
    ("time_zone", "Mars/Olympus", "is not a time zone"),
    ("start", "2021-03-28 01:30", "clocks go forward from 01:00 to 02:00"),
    ("id", "", "this session has no id"),
    ("id", "good-one", "is already the id of an earlier session"),
    ("tiem_zone", "UTC", "did you mean 'time_zone'?"),
    ("duration", "forever", "is not a length of time"),
    ("status", "maybe", "write one of scheduled, cancelled, postponed"),
    ("signup_page", "Sign up [here]", "is not a valid page title"),
    ("repeat", "hourly", "write one of daily, weekly, fortnightly, monthly"),
    ("until", "2020-06-01", "is before the first session"),
    ("join", "zoom.us/j/123", "is not a full web address"),
    ("capacity", "lots", "is not a whole number"),
    ("hosts", "<b>Mylee</b>", "is not a user name"),
    ("start", "", "this session has no start"),
    ("start", "2020-06-21 25:61", "hours go from 00 to 23"),
    ("duration", "0 minutes", "is no time at all"),
]


def test_the_file_holds_each_expected_problem():
    problems = parse_config(BAD_CONFIG, CONFIG_PAGE).problems
    assert len(EXPECTED) >= 20
    for param, value, phrase in EXPECTED:
        assert any(p.param == param and value in p.value and phrase in p.message
                   for p in problems), (param, value, phrase)


def test_bad_values_are_reported_and_the_good_sessions_published(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    admin.edit(CONFIG_PAGE, BAD_CONFIG, "a config with mistakes")

    runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], ["activities"], seed_now)

    status = admin.text(STATUS_PAGE)
    for param, value, phrase in EXPECTED:
        assert f"<code><nowiki>{param}</nowiki></code>" in status
        assert value in status
        assert phrase.replace("{{", "&#123;&#123;") in status or phrase in status, phrase
    upcoming = read_block(admin.text(ACTIVITIES_PAGE), "upcoming")
    assert "A good session" in upcoming and "Another good session" in upcoming
    # Kept with a default where the bad value was not essential:
    assert "Bad duration" in upcoming and "Bad status" in upcoming
    # Left out where it was:
    for title in ("Bad date", "Unknown zone", "A time that does not exist", "No id at all",
                  "Duplicate id", "Missing start"):
        assert title not in upcoming
    # A session on the day the clocks change shows the right local times.
    assert "28 March 2021 20:00 Sydney / 28 March 09:00 GMT" in upcoming


def test_new_problems_get_one_talk_page_notice_never_repeated(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    admin.edit(CONFIG_PAGE, BAD_CONFIG, "a config with mistakes")

    runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], ["activities"], seed_now)
    runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], ["activities"], seed_now)

    talk = admin.text(TALK)
    assert talk.count("== Outreachbot: problems in the config ==") == 1
    assert "June has 30 days" in talk
    revisions = admin.revisions(TALK)
    assert [r["user"] for r in revisions] == ["OutreachBot"]

    # A new mistake later: one more notice, about that one only.
    admin.edit(CONFIG_PAGE, BAD_CONFIG.replace("| platform = Zoom", "| platform = Zoom\n"
                                               "| recording = ftp://old"), "another")
    runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], ["activities"], seed_now)
    talk = admin.text(TALK)
    assert talk.count("== Outreachbot: problems in the config ==") == 2
    assert talk.count("June has 30 days") == 1
    assert "ftp://old" in talk


def test_check_config_lists_the_problems_of_the_wiki_page(seeded, seed_now, client_for):
    client_for("Admin").edit(CONFIG_PAGE, BAD_CONFIG, "a config with mistakes")
    result = subprocess.run(
        [sys.executable, "-m", "outreachbot.cli", "check-config", "--config", CONFIG_PAGE],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "'2020-06-31 10:00' is not a date: June has 30 days" in result.stdout
    assert f"[[{CONFIG_PAGE}]] revision" in result.stdout
    problems = len(parse_config(BAD_CONFIG, CONFIG_PAGE).problems)
    assert f"{problems} problems, 0 ignored revisions" in result.stdout
