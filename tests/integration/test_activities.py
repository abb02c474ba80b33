"""The activities job end to end on the real local wiki, at a fixed clock."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from outreachbot import runner
from outreachbot.edits import Edit
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE, STATUS_PAGE
from outreachbot.rules.blocks import read_block
from outreachbot.wiki import Wiki

DATA = Path(__file__).parent.parent / "data"
BLOCK = re.compile(r"<!-- outreachbot:begin (\w+) -->.*?<!-- outreachbot:end \1 -->", re.S)


def run_bot(site, now, jobs=("activities",), wiki=None, config=CONFIG_PAGE):
    wiki = wiki or Wiki(site, simulate=False)
    return runner.run(wiki, [config], list(jobs), now)


def outside_blocks(text: str) -> str:
    return BLOCK.sub("<block>", text)


def test_seed_page_in_expected_page_out_and_a_second_run_makes_no_edit(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    before = admin.text(ACTIVITIES_PAGE)

    reports = run_bot(site, seed_now)

    after = admin.text(ACTIVITIES_PAGE)
    expected = (DATA / "activities" / "seeded-page.wiki").read_text(encoding="utf-8")
    assert after.rstrip("\n") == expected.rstrip("\n")
    assert outside_blocks(after) == outside_blocks(before)
    assert [r.outcome for r in reports] == ["ok"]
    revs = {t: admin.lastrevid(t) for t in (ACTIVITIES_PAGE, STATUS_PAGE)}
    summary = admin.revisions(ACTIVITIES_PAGE)[0]["comment"]
    assert summary.startswith("Bot: update the list of sessions (")

    again = run_bot(site, seed_now + timedelta(minutes=5))

    assert again[0].edit_count == 0
    assert {t: admin.lastrevid(t) for t in revs} == revs  # nor the status page


def test_upcoming_sessions_move_to_past_as_time_goes_by(seeded, site, seed_now, client_for):
    later = seed_now + timedelta(days=400)
    run_bot(site, later)
    text = client_for("Admin").text(ACTIVITIES_PAGE)
    assert read_block(text, "upcoming") == "''No sessions are planned at the moment.''"
    past = read_block(text, "past")
    assert "Citation Hunt drop-in]]''' was held on Sunday 5 July 2020 at 03:00 Sydney" in past
    # Ten past sessions stay on the page; the older ones are in the yearly archives.
    assert past.count(" was held on ") == 10
    archive = client_for("Admin").text(f"{ACTIVITIES_PAGE}/Archive/2020")
    assert "#1lib1ref office hours: Asia and Pacific]]''' was held on Tuesday 26 May 2020" \
        in read_block(archive, "archive")


def test_a_human_edit_between_read_and_save_survives(seeded, site, seed_now, client_for):
    human = client_for("Alice")

    class RacingWiki(Wiki):
        """Lets Alice edit the page after the bot read it and before it saves."""

        raced = False

        def _try_save(self, edit: Edit, page):
            if edit.title == ACTIVITIES_PAGE and not self.raced:
                RacingWiki.raced = True
                assert page.text  # the bot has read the page
                current = human.text(ACTIVITIES_PAGE)
                human.edit(ACTIVITIES_PAGE, current.replace(
                    "<!-- outreachbot:begin upcoming -->",
                    "Alice's note, written during the bot's run.\n"
                    "<!-- outreachbot:begin upcoming -->"), "a human edit")
            return super()._try_save(edit, page)

    wiki = RacingWiki(site, simulate=False)
    run_bot(site, seed_now, wiki=wiki)

    assert RacingWiki.raced
    text = client_for("Admin").text(ACTIVITIES_PAGE)
    assert "Alice's note, written during the bot's run." in text
    assert "#1lib1ref office hours: Asia and Pacific" in read_block(text, "upcoming")
    authors = [r["user"] for r in client_for("Admin").revisions(ACTIVITIES_PAGE)[:2]]
    assert authors == ["OutreachBot", "Alice"]


def test_a_conflicting_human_edit_inside_the_block_is_recomputed(
        seeded, site, seed_now, client_for):
    """An edit MediaWiki cannot merge: the bot recomputes on the fresh text."""
    human = client_for("Bob")

    class RacingWiki(Wiki):
        raced = False

        def _try_save(self, edit: Edit, page):
            if edit.title == ACTIVITIES_PAGE and not self.raced:
                RacingWiki.raced = True
                assert page.text  # the bot has read the page
                current = human.text(ACTIVITIES_PAGE)
                # Rewrite every line the bot is about to rewrite, and add a line outside.
                human.edit(ACTIVITIES_PAGE, current.replace(
                    "<!-- outreachbot:begin upcoming -->\n",
                    "<!-- outreachbot:begin upcoming -->\nBob was here\n").replace(
                    "== Past sessions ==", "== Past sessions ==\nBob's line outside."),
                    "a conflicting edit")
            return super()._try_save(edit, page)

    run_bot(site, seed_now, wiki=RacingWiki(site, simulate=False))

    text = client_for("Admin").text(ACTIVITIES_PAGE)
    assert "Bob's line outside." in text
    assert "Bob was here" not in read_block(text, "upcoming")  # the block is the bot's
    assert client_for("Admin").revisions(ACTIVITIES_PAGE)[0]["user"] == "OutreachBot"


def test_an_untrusted_config_revision_is_ignored_and_reported(
        seeded, site, seed_now, client_for):
    bob = client_for("Bob")
    config = bob.text(CONFIG_PAGE)
    bob.edit(CONFIG_PAGE, config.replace(
        "#1lib1ref office hours: Asia and Pacific", "Vandalised title"), "sneaky")

    run_bot(site, seed_now)

    admin = client_for("Admin")
    assert "Vandalised title" not in admin.text(ACTIVITIES_PAGE)
    assert "#1lib1ref office hours: Asia and Pacific" in admin.text(ACTIVITIES_PAGE)
    status = admin.text(STATUS_PAGE)
    assert re.search(r"Ignored revision:.*revision \d+ by Bob", status)


def test_an_organizer_revision_is_used(seeded, site, seed_now, client_for):
    mylee = client_for("Mylee")
    mylee.edit(CONFIG_PAGE, mylee.text(CONFIG_PAGE).replace(
        "#1lib1ref office hours: Asia and Pacific", "Office hours for Asia and the Pacific"),
        "new title")
    run_bot(site, seed_now)
    assert "Office hours for Asia and the Pacific" in client_for("Admin").text(ACTIVITIES_PAGE)


def test_the_shutoff_page_stops_every_edit(seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    admin.edit("User:OutreachBot/Shutoff", "stop: the bot posted twice", "emergency stop")
    revs = {t: admin.lastrevid(t) for t in (ACTIVITIES_PAGE, STATUS_PAGE)}

    reports = run_bot(site, seed_now)

    assert reports[-1].outcome == "stopped"
    assert {t: admin.lastrevid(t) for t in revs} == revs


def test_simulate_makes_no_edit_and_prints_the_diff(seeded, localwiki, seed_now, client_for):
    admin = client_for("Admin")
    revs = {t: admin.lastrevid(t) for t in (ACTIVITIES_PAGE, STATUS_PAGE)}
    result = subprocess.run(
        [sys.executable, "-m", "outreachbot.cli", "run", "activities", "--config", CONFIG_PAGE,
         "--now", seed_now.isoformat(), "-simulate"],
        capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert {t: admin.lastrevid(t) for t in revs} == revs
    assert f">>> {ACTIVITIES_PAGE} <<<" in output
    assert "+ '''#1lib1ref office hours''', Tuesday 26 May 2020" in output or \
        "+* '''[[Wikimedia and Libraries User Group/Office hours/2020-05-26" in output


def test_a_page_with_a_broken_marker_is_not_edited_and_the_status_page_says_why(
        seeded, site, seed_now, client_for):
    merrilee = client_for("Merrilee")
    text = merrilee.text(ACTIVITIES_PAGE).replace("<!-- outreachbot:end past -->\n", "")
    merrilee.edit(ACTIVITIES_PAGE, text, "oops")
    rev = merrilee.lastrevid(ACTIVITIES_PAGE)

    run_bot(site, seed_now)

    assert merrilee.lastrevid(ACTIVITIES_PAGE) == rev
    status = merrilee.text(STATUS_PAGE)
    assert "has a begin marker but no end marker" in status


@pytest.mark.parametrize("zones", [
    "Australia/Sydney: Sydney, Asia/Kolkata: India, America/Los_Angeles: Pacific, UTC: GMT",
])
def test_four_zones_with_a_half_hour_zone(seeded, site, seed_now, client_for, zones):
    admin = client_for("Admin")
    config = admin.text(CONFIG_PAGE)
    config = re.sub(r"\| time_zones *=[^\n]*", f"| time_zones = {zones}", config, count=1)
    admin.edit(CONFIG_PAGE, config, "four zones")
    run_bot(site, seed_now)
    text = admin.text(ACTIVITIES_PAGE)
    # 2020-05-26 09:00 Sydney = 2020-05-25 23:00 UTC = 26 May 04:30 in India.
    assert "26 May 2020 09:00 Sydney / 26 May 04:30 India / 25 May 16:00 Pacific / " \
           "25 May 23:00 GMT" in text


def test_old_sessions_go_to_a_yearly_archive_saved_before_the_page(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    config = admin.text(CONFIG_PAGE).replace("| past_sessions   = 10", "| past_sessions   = 1")
    admin.edit(CONFIG_PAGE, config, "keep one past session")
    later = seed_now + timedelta(days=400)

    run_bot(site, later)

    archive = f"{ACTIVITIES_PAGE}/Archive/2019"
    text = admin.text(archive)
    assert "What library colleagues are doing in Wikipedia" in read_block(text, "archive")
    page = admin.text(ACTIVITIES_PAGE)
    assert "What library colleagues are doing in Wikipedia" not in page
    assert f"[[{archive}|2019]]" in page
    assert admin.lastrevid(archive) < admin.lastrevid(ACTIVITIES_PAGE)
    # Nothing new: nothing saved.
    revs = (admin.lastrevid(archive), admin.lastrevid(ACTIVITIES_PAGE))
    run_bot(site, later)
    assert (admin.lastrevid(archive), admin.lastrevid(ACTIVITIES_PAGE)) == revs
