"""The activities job end to end on the real local wiki, at a fixed clock."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
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


FR_GROUP = "Groupe des bibliothèques"
FR_CONFIG = f"{FR_GROUP}/Configuration des activités"
FR_ACTIVITIES = f"{FR_GROUP}/Nos activités"
FR_SIGNUP = f"{FR_GROUP}/Atelier de juin"
FR_CONFIG_TEXT = f"""{{{{Outreachbot config
| activities_page = {FR_ACTIVITIES}
| time_zones      = Europe/Paris: Paris, UTC: UTC
| organizers      = Merrilee
| past_sessions   = 1
| calendar_url    = https://example.org/ateliers.ics
| status_page     = Utilisateur:OutreachBot/Statut des activités
| signup_heading  = Inscrits
}}}}
{{{{Outreachbot session
| id          = atelier-2020-06-20
| event       = Ateliers 1lib1ref
| title       = Atelier : ajouter des sources
| start       = 2020-06-20 14:00
| time_zone   = Europe/Paris
| duration    = 90 minutes
| platform    = Jitsi
| join        = https://meet.jit.si/atelier-1lib1ref
| hosts       = Merrilee, Mylee
| agenda      =
* trouver une source
* citer un ouvrage
| signup_page = {FR_SIGNUP}
}}}}
{{{{Outreachbot session
| id          = atelier-2020-06-27
| event       = Ateliers 1lib1ref
| title       = Atelier : Wikidata
| start       = 2020-06-27 14:00
| time_zone   = Europe/Paris
| duration    = 1 hour
| platform    = Jitsi
| status      = cancelled
}}}}
{{{{Outreachbot session
| id          = atelier-2020-05-02
| title       = Atelier de mai
| start       = 2020-05-02 14:00
| time_zone   = Europe/Paris
| duration    = 2 hours
| platform    = Jitsi
| hosts       = Mylee
| notes       = Merci à toutes et à tous
| recording   = https://example.org/atelier-mai.webm
}}}}
{{{{Outreachbot session
| id          = atelier-2019-11-16
| title       = Atelier de novembre
| start       = 2019-11-16 10:00
| time_zone   = Europe/Paris
| duration    = 1 hour
}}}}
"""


def test_a_french_wiki_gets_its_activities_page_in_french(site_fr, localwiki_fr):
    """Every word the bot writes on the page and its archive is in the wiki's language."""
    fr = localwiki_fr.client
    fr("Admin").edit(FR_CONFIG, FR_CONFIG_TEXT, "Configuration")
    fr("Admin").edit(FR_ACTIVITIES, "Nos activités.\n== À venir ==\n"
                     "<!-- outreachbot:begin upcoming -->\n<!-- outreachbot:end upcoming -->\n"
                     "== Passées ==\n"
                     "<!-- outreachbot:begin past -->\n<!-- outreachbot:end past -->\n",
                     "Activités")
    fr("Merrilee").edit(FR_SIGNUP, "Atelier en ligne.\n== Inscrits ==\n"
                        "# [[Utilisateur:Alice|Alice]] 10:00, 1 juin 2020 (UTC)\n",
                        "Page d'inscription")
    now = datetime(2020, 6, 15, tzinfo=UTC)

    reports = runner.run(Wiki(site_fr, simulate=False), [FR_CONFIG], ["activities"], now)

    assert [r.outcome for r in reports] == ["ok"]
    admin = fr("Admin")
    text = admin.text(FR_ACTIVITIES)
    zone_link = ("https://www.timeanddate.com/worldclock/fixedtime.html?iso={}"
                 "&msg=Atelier%20%3A%20{}&p1=1440 dans votre fuseau horaire")
    assert read_block(text, "upcoming").split("\n") == [
        "'''Ateliers 1lib1ref''', samedi 20 juin 2020 : 1 session",
        f"* '''[[{FR_SIGNUP}|Atelier : ajouter des sources]]'''",
        "** 20 juin 2020 à 14:00 Paris / 20 juin à 12:00 UTC"
        f" ([{zone_link.format('20200620T1200', 'ajouter%20des%20sources')}])",
        "** 90 minutes sur Jitsi : [https://meet.jit.si/atelier-1lib1ref rejoindre]",
        "** Hôtes : [[User:Merrilee|Merrilee]] et [[User:Mylee|Mylee]]",
        "** Programme :",
        "*** trouver une source",
        "*** citer un ouvrage",
        f"** 1 personne intéressée : [[{FR_SIGNUP}#Inscrits|s’inscrire]]",
        "** [https://example.org/ateliers.ics ajouter à l’agenda]",
        "",
        "'''Ateliers 1lib1ref''', samedi 27 juin 2020 : 1 session",
        "* <s>'''Atelier : Wikidata'''</s>",
        "** '''Annulée :''' cette session n’aura pas lieu.",
        "** 27 juin 2020 à 14:00 Paris / 27 juin à 12:00 UTC"
        f" ([{zone_link.format('20200627T1200', 'Wikidata')}])",
        "** 1 heure sur Jitsi",
    ]
    archive_title = f"{FR_ACTIVITIES}/Archive/2019"
    assert read_block(text, "past").split("\n") == [
        "* '''Atelier de mai''' a eu lieu le samedi 2 mai 2020 à 14:00 Paris sur Jitsi."
        " Hôte : [[User:Mylee|Mylee]]. Notes : Merci à toutes et à tous."
        " [https://example.org/atelier-mai.webm enregistrement]",
        f"Sessions précédentes : [[{archive_title}|2019]]",
    ]
    archive = admin.text(archive_title)
    assert read_block(archive, "archive") == (
        "<!-- session: atelier-2019-11-16 -->* '''Atelier de novembre''' a eu lieu le"
        " samedi 16 novembre 2019 à 10:00 Paris.")
    summaries = [admin.revisions(t)[0]["comment"] for t in (FR_ACTIVITIES, archive_title)]
    assert summaries == [
        "Robot : mise à jour de la liste des sessions (2 à venir, 1 passée)",
        f"Robot : archivage de 1 session passée de 2019 depuis [[{FR_ACTIVITIES}]]",
    ]

    revs = (admin.lastrevid(FR_ACTIVITIES), admin.lastrevid(archive_title))
    again = runner.run(Wiki(site_fr, simulate=False), [FR_CONFIG], ["activities"],
                       now + timedelta(minutes=5))
    assert again[0].edit_count == 0
    assert (admin.lastrevid(FR_ACTIVITIES), admin.lastrevid(archive_title)) == revs
