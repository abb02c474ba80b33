"""The announcements job end to end on the real local wiki, at a fixed clock.

The seeded delivery list names a plain talk page (Alice's), one with {{nobots}} (Bob's),
one denying the bot (Carol's), a missing one (Dave's), one opted out (Erin's), another
plain one (Mylee's), a redirect (Talk:1Lib1Ref), a protected page (Talk:Main Page) and a
project talk page. The Libraries and Wikidata session of Asia and Pacific starts on
29 May 2020 at 23:00 UTC (30 May, 09:00 in Sydney).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pywikibot import exceptions as pwb_errors

from outreachbot import runner
from outreachbot.edits import Edit
from outreachbot.localwiki_seed import (
    ANNOUNCEMENT_TEXT,
    CONFIG_PAGE,
    DELIVERY_LIST,
    STATUS_PAGE,
)
from outreachbot.wiki import Wiki

WIKIDATA = "wikidata-office-hours-2020-05-30-apac"
START = datetime(2020, 5, 29, 23, 0, tzinfo=UTC)
WEEK_BEFORE = START - timedelta(days=7)
DAY_BEFORE = START - timedelta(days=1)
POSTED = ["User talk:Alice", "User talk:Mylee", "Talk:1Lib1Ref campaign",
          "Local wiki talk:Wikimedia and Libraries User Group"]
NOT_POSTED = ["User talk:Bob", "User talk:Carol", "User talk:Dave", "User talk:Erin",
              "Talk:Main Page", "Talk:1Lib1Ref"]


def run_bot(site, now, wiki=None):
    return runner.run(wiki or Wiki(site, simulate=False), [CONFIG_PAGE], ["announcements"], now)


def marks(text: str | None, session: str = WIKIDATA, kind: str = "announcement") -> list[str]:
    """The lead (or state) of each of the bot's markers of a session in a page's text."""
    return re.findall(rf"<!-- outreachbot:{kind} {re.escape(session)} (\S+)", text or "")


def all_marks(text: str | None) -> list[str]:
    """Every announcement marker in a page's text, as 'session lead'."""
    return re.findall(r"<!-- outreachbot:announcement (\S+ \S+)", text or "")


def texts(client, titles=POSTED + NOT_POSTED) -> dict[str, str | None]:
    return client.texts(list(titles))


def test_posts_at_seven_days_and_at_one_day_before_not_earlier_and_never_twice(
        seeded, site, client_for):
    admin = client_for("Admin")

    run_bot(site, WEEK_BEFORE - timedelta(minutes=1))
    assert all(marks(t) == [] for t in texts(admin).values())

    reports = run_bot(site, WEEK_BEFORE)
    pages = texts(admin)
    assert {t: marks(pages[t]) for t in POSTED} == {t: ["7d"] for t in POSTED}
    assert all(marks(pages[t]) == [] for t in NOT_POSTED)
    assert reports[0].outcome == "ok"

    again = run_bot(site, WEEK_BEFORE + timedelta(hours=3))
    assert again[0].edit_count == 0
    assert texts(admin) == pages

    run_bot(site, DAY_BEFORE)
    pages = texts(admin)
    assert {t: marks(pages[t]) for t in POSTED} == {t: ["7d", "1d"] for t in POSTED}
    alice = pages["User talk:Alice"]
    assert alice.startswith("== Welcome ==\nWelcome, Alice!")  # the old text is kept
    # The organizers' text, filled in; its <noinclude> part is not posted.
    assert "You are invited to '''Libraries and Wikidata: Asia and Pacific''' on 30 May " \
        "2020 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT" in alice
    assert "* adding an identifier to an item (demo)" in alice
    assert "Join at https://zoom.us/j/0000000003. 2 people have signed up" in alice
    assert "This is what [[User:OutreachBot" not in alice
    assert "{{{" not in alice
    summary = admin.revisions("User talk:Alice")[0]["comment"]
    assert summary.startswith("Bot: announcing Libraries and Wikidata: Asia and Pacific")
    assert f"[outreachbot:announcement {WIKIDATA} 1d 20200529T2300Z]" in summary


def test_skips_and_redirects_are_reported_on_the_status_page(seeded, site, client_for, capfd):
    run_bot(site, WEEK_BEFORE)
    console = "".join(capfd.readouterr())
    admin = client_for("Admin")
    campaign = admin.text("Talk:1Lib1Ref campaign")
    assert "Delivered here because [[Talk:1Lib1Ref]] redirects to this page." in campaign
    assert admin.text("Talk:1Lib1Ref") == "#REDIRECT [[Talk:1Lib1Ref campaign]]"
    assert admin.text("User talk:Dave") is None  # missing pages are not created
    status = admin.text(STATUS_PAGE)
    expected = {
        "User talk:Bob": "{{bots}} or {{nobots}} on the page forbids the bot",
        "User talk:Carol": "{{bots}} or {{nobots}} on the page forbids the bot",
        "User talk:Dave": "the page does not exist",
        "User talk:Erin": "the page is in Category:Opted-out of message delivery",
        "Talk:Main Page": "the page is protected (level 'sysop')",
    }
    for title, reason in expected.items():
        assert re.search(rf"\* Skipped \[\[:{re.escape(title)}\]\]: <nowiki>"
                         rf"{re.escape(reason)}", status), (title, status)
        assert f"Skipped [[{title}]]: {reason}" in console  # one log line per decision
    assert ("Announcement of 'Libraries and Wikidata: Asia and Pacific' (7 days before) to "
            f"the delivery list {DELIVERY_LIST}: delivered on 4 page(s), "
            "5 skipped.") in status


def test_a_late_run_posts_and_says_so(seeded, site, client_for):
    admin = client_for("Admin")
    run_bot(site, WEEK_BEFORE + timedelta(days=2))
    assert marks(admin.text("User talk:Alice")) == ["7d"]
    assert ("Announcement of 'Libraries and Wikidata: Asia and Pacific' (7 days before) to "
            f"the delivery list {DELIVERY_LIST}: delivered on 4 page(s), "
            "5 skipped; posted late: it was due at 2020-05-22 23:00 UTC.") \
        in admin.text(STATUS_PAGE)


def test_once_a_session_started_a_missed_announcement_is_reported_not_posted(
        seeded, site, client_for):
    europe = "1lib1ref-2020-05-26-europe-africa"
    run_bot(site, datetime(2020, 5, 26, 12, 0, tzinfo=UTC))  # it started at 11:00 UTC
    admin = client_for("Admin")
    assert marks(admin.text("User talk:Alice"), europe) == []
    # The Americas session starts at 17:00 UTC: its 1-day announcement is still posted.
    assert marks(admin.text("User talk:Alice"), "1lib1ref-2020-05-26-americas") == ["1d"]
    status = admin.text(STATUS_PAGE)
    assert ("'#1lib1ref office hours: Europe and Africa' started at 2020-05-26 11:00 UTC "
            "before any of its announcements (7 days, 1 day before) was posted: missed, "
            "not posted.") in status
    assert ("Announcement of '#1lib1ref office hours: Americas' (1 day before) to the "
            f"delivery list {DELIVERY_LIST}: delivered on 4 page(s), 5 skipped; posted late: "
            "it was due at 2020-05-25 17:00 UTC; the announcement of 7 days before was not "
            "posted in time, and this one stands for it.") \
        in status


def test_a_last_announcement_missed_after_an_earlier_one_is_reported(
        seeded, site, client_for):
    run_bot(site, WEEK_BEFORE)  # the 7-day announcement goes out
    run_bot(site, START + timedelta(hours=1))  # no run between the 1-day time and the start
    admin = client_for("Admin")
    assert marks(admin.text("User talk:Alice")) == ["7d"]
    assert ("'Libraries and Wikidata: Asia and Pacific' started at 2020-05-29 23:00 UTC "
            "before its last announcement (1 day before) was posted: missed, not posted.") \
        in admin.text(STATUS_PAGE)


class Killed(BaseException):
    """The process dies: nothing after it runs, not even the status page."""


def test_killed_after_some_posts_then_run_again_every_target_has_one_post(
        seeded, site, client_for):
    class DyingWiki(Wiki):
        def save(self, edit: Edit, page=None):
            if len(self.saved) == 2:
                raise Killed
            return super().save(edit, page)

    with pytest.raises(Killed):
        run_bot(site, WEEK_BEFORE, DyingWiki(site, simulate=False))
    admin = client_for("Admin")
    assert sum(len(all_marks(t)) for t in texts(admin).values()) == 2

    run_bot(site, WEEK_BEFORE + timedelta(minutes=10))  # a fresh process: no local state
    pages = texts(admin)
    # Five sessions are due at that time; each page has each announcement once.
    assert {t: sorted(all_marks(pages[t])) for t in POSTED} == {t: sorted(set(
        all_marks(pages[t]))) for t in POSTED}
    assert {len(all_marks(pages[t])) for t in POSTED} == {5}
    assert {t: marks(pages[t]) for t in POSTED} == {t: ["7d"] for t in POSTED}


def test_an_edit_that_landed_although_the_wiki_timed_out_is_not_posted_again(
        seeded, site, client_for):
    class TimingOutWiki(Wiki):
        timeouts = 0

        def _try_save(self, edit: Edit, page):
            result = super()._try_save(edit, page)
            if edit.title == "User talk:Alice" and not TimingOutWiki.timeouts:
                TimingOutWiki.timeouts += 1
                raise pwb_errors.ApiTimeoutError("Maximum retries attempted without success.")
            return result

    run_bot(site, WEEK_BEFORE, TimingOutWiki(site, simulate=False))
    assert TimingOutWiki.timeouts == 1
    admin = client_for("Admin")
    assert marks(admin.text("User talk:Alice")) == ["7d"]
    tagged = [r for r in admin.revisions("User talk:Alice")
              if f"[outreachbot:announcement {WIKIDATA} 7d" in r["comment"]]
    assert len(tagged) == 1


def test_a_post_moved_to_an_archive_is_not_posted_again(seeded, site, client_for):
    run_bot(site, WEEK_BEFORE)
    alice = client_for("Alice")
    talk = alice.text("User talk:Alice")
    alice.edit("User talk:Alice/Archive 1", talk, "Archiving")
    alice.edit("User talk:Alice", "Archived: [[User talk:Alice/Archive 1]]\n", "Archiving")

    reports = run_bot(site, WEEK_BEFORE + timedelta(hours=6))

    assert marks(alice.text("User talk:Alice")) == []
    assert reports[0].edit_count == 0


def test_a_cancelled_session_gets_one_correction_where_it_was_announced(
        seeded, site, client_for):
    run_bot(site, WEEK_BEFORE)
    merrilee = client_for("Merrilee")
    config = merrilee.text(CONFIG_PAGE)
    block = config[config.index(f"| id          = {WIKIDATA}"):]
    block = block[:block.index("}}")]
    merrilee.edit(CONFIG_PAGE, config.replace(
        block, block.replace("| status      = scheduled", "| status      = cancelled")),
        "Cancelled: the hosts are ill")

    run_bot(site, WEEK_BEFORE + timedelta(days=1))
    admin = client_for("Admin")
    pages = texts(admin)
    assert {t: marks(pages[t], kind="correction") for t in POSTED} == \
        {t: ["cancelled"] for t in POSTED}
    assert all(marks(pages[t], kind="correction") == [] for t in NOT_POSTED)
    assert "'''Libraries and Wikidata: Asia and Pacific''', announced here for Saturday " \
        "30 May 2020, is cancelled." in pages["User talk:Alice"]

    def wikidata_marks():
        return {t: (marks(x), marks(x, kind="correction")) for t, x in texts(admin).items()}

    told = wikidata_marks()
    run_bot(site, WEEK_BEFORE + timedelta(days=2))
    run_bot(site, DAY_BEFORE)  # no second correction, and no 1-day announcement either
    assert wikidata_marks() == told


def test_a_moved_session_gets_one_correction(seeded, site, client_for):
    run_bot(site, WEEK_BEFORE)
    merrilee = client_for("Merrilee")
    config = merrilee.text(CONFIG_PAGE)
    wikidata_start = "| start       = 2020-05-30 09:00\n| time_zone   = Australia/Sydney"
    assert config.count(wikidata_start) == 1
    merrilee.edit(CONFIG_PAGE, config.replace(
        wikidata_start, wikidata_start.replace("05-30 09:00", "06-02 09:00")), "New date")

    run_bot(site, WEEK_BEFORE + timedelta(hours=2))
    admin = client_for("Admin")
    alice = admin.text("User talk:Alice")
    assert marks(alice, kind="correction") == ["moved-20200601T2300Z"]
    assert "has moved: it now takes place on 2 June 2020 09:00 Sydney" in alice

    run_bot(site, WEEK_BEFORE + timedelta(hours=3))
    assert admin.text("User talk:Alice") == alice


def test_untrusted_edits_of_the_list_and_of_the_text_take_no_effect(
        seeded, site, client_for):
    alice = client_for("Alice")
    alice.edit(DELIVERY_LIST, alice.text(DELIVERY_LIST)
               + "{{target|page=User talk:Alice/Spam|create=yes}}\n", "adding a page")
    alice.edit(ANNOUNCEMENT_TEXT, "BUY CHEAP WATCHES {{{title}}}", "better text")

    run_bot(site, WEEK_BEFORE)

    admin = client_for("Admin")
    assert admin.text("User talk:Alice/Spam") is None
    posted = admin.text("User talk:Mylee")
    assert "BUY CHEAP WATCHES" not in posted
    assert "You are invited to '''Libraries and Wikidata: Asia and Pacific'''" in posted
    status = admin.text(STATUS_PAGE)
    assert re.search(rf"Ignored revision:.*\[\[{re.escape(DELIVERY_LIST)}\]\] revision \d+ "
                     r"by Alice", status)
    assert re.search(rf"Ignored revision:.*\[\[{re.escape(ANNOUNCEMENT_TEXT)}\]\] revision "
                     r"\d+ by Alice", status)


def test_an_organizer_may_change_the_list_and_create_pages(seeded, site, client_for):
    merrilee = client_for("Merrilee")
    merrilee.edit(DELIVERY_LIST, merrilee.text(DELIVERY_LIST)
                  + "{{target|page=User talk:Dave|create=yes}}\n", "Dave asked to be told")
    run_bot(site, WEEK_BEFORE)
    assert marks(client_for("Admin").text("User talk:Dave")) == ["7d"]


def test_without_a_text_page_the_built_in_text_is_posted(seeded, site, client_for):
    admin = client_for("Admin")
    admin.edit(CONFIG_PAGE, admin.text(CONFIG_PAGE).replace(
        f"| announcement    = {ANNOUNCEMENT_TEXT}\n", ""), "built-in text")
    run_bot(site, WEEK_BEFORE)
    alice = admin.text("User talk:Alice")
    assert "== Libraries and Wikidata: Asia and Pacific, Saturday 30 May 2020 ==" in alice
    assert "'''Libraries and Wikidata: Asia and Pacific''' takes place on 30 May 2020 09:00 " \
        "Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT ([https://www.timeanddate.com" in alice
    assert "It lasts 1 hour, on Zoom. Join: https://zoom.us/j/0000000003. Hosts: " in alice
    assert "(2 people are interested so far)" in alice
    assert f"this page is on [[{DELIVERY_LIST}]]" in alice


def test_a_site_target_is_delivered_on_the_other_wiki(
        seeded, site, site_fr, localwiki_fr, client_for):
    fr = localwiki_fr.client("Admin")
    fr.edit("User talk:Alice", "Bonjour Alice.\n", "Bienvenue")
    host = localwiki_fr.url.removeprefix("http://")
    merrilee = client_for("Merrilee")
    merrilee.edit(DELIVERY_LIST, merrilee.text(DELIVERY_LIST)
                  + f"{{{{target|page=User talk:Alice|site={host}}}}}\n"
                  + f"{{{{target|page=User talk:Nobody|site={host}}}}}\n", "French wiki")

    run_bot(site, WEEK_BEFORE)
    text = fr.text("User talk:Alice")
    assert marks(text) == ["7d"]
    assert text.startswith("Bonjour Alice.")
    # The heading in the French wiki's words; the organizers' English text with its times
    # in English, the language it is written in.
    assert "== Libraries and Wikidata: Asia and Pacific, samedi 30 mai 2020 ==" in text
    assert ("You are invited to '''Libraries and Wikidata: Asia and Pacific''' on 30 May "
            "2020 09:00 Sydney") in text
    assert "[http://127.0.0.1" in text  # the list is linked across wikis
    status = client_for("Admin").text(STATUS_PAGE)
    assert f"on {host}: delivered on 1 page(s)" in status
    assert f"Skipped [[:Discussion utilisateur:Nobody ({host})]]" in status \
        or f"Skipped [[:User talk:Nobody ({host})]]" in status

    run_bot(site, WEEK_BEFORE + timedelta(hours=1))
    assert fr.text("User talk:Alice") == text


def test_requests_of_runs_that_post_nothing(seeded, localwiki, site, client_for):
    """Measured at the wiki's request log; each run includes reading the config (3
    requests) and the status page (1)."""
    quiet = datetime(2020, 5, 10, tzinfo=UTC)  # nothing is due yet
    run_bot(site, quiet)
    position = localwiki.log_position()
    reports = run_bot(site, quiet + timedelta(hours=1))
    nothing_due = localwiki.count_api_requests(position)
    assert reports[0].edit_count == 0

    run_bot(site, WEEK_BEFORE)
    run_bot(site, WEEK_BEFORE + timedelta(minutes=30))
    position = localwiki.log_position()
    reports = run_bot(site, WEEK_BEFORE + timedelta(hours=1))
    all_delivered = localwiki.count_api_requests(position)
    assert reports[0].edit_count == 0
    print(f"nothing due: {nothing_due} requests; due and delivered: {all_delivered}")
    assert nothing_due <= 6  # the job itself: one look at its own contributions
    assert all_delivered <= 12  # + the list (3), the targets, redirects, protections
