"""Announcement rules: when each is due, markers and tags, corrections, the text."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from outreachbot.model import Session, Settings, Zone
from outreachbot.rules import announcement as rules

DAY = timedelta(days=1)
START = datetime(2020, 5, 25, 23, 0, tzinfo=UTC)  # 26 May 09:00 in Sydney
SETTINGS = Settings(
    time_zones=(Zone("Australia/Sydney", "Sydney"), Zone("UTC", "GMT")),
    announce_before=(7 * DAY, DAY), announce_to="Group/Announcement list")
SESSION = Session(
    id="1lib1ref-2020-05-26-apac", title="#1lib1ref office hours: Asia and Pacific",
    start=START, time_zone="Australia/Sydney", duration=timedelta(minutes=60),
    settings=SETTINGS, platform="Zoom", join="https://zoom.us/j/0000000000",
    hosts=("Merrilee", "Mylee"), agenda=("adding citations", "Citation Hunt"),
    signup_page="Group/Office hours/2020-05-26 Asia and Pacific")


def due_at(now: datetime, session: Session = SESSION) -> list[tuple[timedelta, bool]]:
    return [(d.lead, d.late is not None) for d in rules.due_announcements([session], now)]


def test_nothing_is_due_before_the_first_lead_time():
    assert due_at(START - 7 * DAY - timedelta(minutes=1)) == []


def test_the_seven_day_announcement_is_due_at_seven_days_and_on_time():
    assert due_at(START - 7 * DAY) == [(7 * DAY, False)]
    assert due_at(START - 7 * DAY + timedelta(minutes=59)) == [(7 * DAY, False)]


def test_a_late_run_still_posts_and_is_late():
    assert due_at(START - 6 * DAY) == [(7 * DAY, True)]


def test_the_one_day_announcement_replaces_the_seven_day_one_when_both_came():
    assert due_at(START - DAY) == [(DAY, False)]
    assert due_at(START - timedelta(hours=2)) == [(DAY, True)]
    assert [d.replaces for d in rules.due_announcements([SESSION], START - DAY)] == [(7 * DAY,)]
    assert [d.replaces for d in rules.due_announcements([SESSION], START - 7 * DAY)] == [()]


def test_nothing_is_due_once_the_session_started_or_when_it_is_not_scheduled():
    assert due_at(START) == []
    assert due_at(START - DAY, dataclasses.replace(SESSION, status="cancelled")) == []
    assert due_at(START - DAY, dataclasses.replace(
        SESSION, settings=dataclasses.replace(SETTINGS, announce_before=()))) == []


def test_recently_started_sessions_are_watched_for_a_missed_announcement():
    assert rules.recently_started([SESSION], START - timedelta(minutes=1)) == []
    assert rules.recently_started([SESSION], START + timedelta(hours=2)) == [SESSION]
    assert rules.recently_started([SESSION], START + DAY) == []


def test_window_opened_covers_every_post_that_still_matters():
    now = START - 3 * DAY
    assert rules.window_opened([SESSION], now) <= START - 7 * DAY
    later = dataclasses.replace(SESSION, id="later", start=START + 30 * DAY)
    # the later session cannot have been announced before now - 7 days
    assert rules.window_opened([later], now) == now - DAY - 7 * DAY


def test_tokens():
    assert [rules.lead_token(t) for t in (7 * DAY, DAY, timedelta(hours=36),
                                          timedelta(minutes=90))] == ["7d", "1d", "36h", "90m"]
    assert rules.start_token(START) == "20200525T2300Z"
    assert rules.parse_start_token("20200525T2300Z") == START
    assert rules.session_token("a b  c") == "a_b_c"


def test_a_marker_and_a_summary_tag_are_read_back():
    mark = rules.announcement_mark(SESSION, 7 * DAY)
    assert mark.marker == ("<!-- outreachbot:announcement 1lib1ref-2020-05-26-apac 7d "
                           "20200525T2300Z -->")
    summary = f"Bot: announcing the session {mark.tag}"
    assert rules.marks_in(summary) == [mark]
    assert rules.marks_in(f"text\n~~~~ {mark.marker}\n") == [mark]
    correction = rules.correction_mark(SESSION, "cancelled")
    assert correction.marker == "<!-- outreachbot:correction 1lib1ref-2020-05-26-apac cancelled -->"
    assert rules.marks_in(correction.tag) == [correction]


def test_announced_matches_session_and_lead_whatever_start():
    moved = dataclasses.replace(SESSION, start=START + DAY)
    marks = [rules.announcement_mark(moved, 7 * DAY)]
    assert rules.announced(marks, SESSION, 7 * DAY)
    assert not rules.announced(marks, SESSION, DAY)
    other = dataclasses.replace(SESSION, id="1lib1ref-2020-05-26-apac-2")
    assert not rules.announced(marks, other, 7 * DAY)


def test_correction_states():
    told = {rules.start_token(START)}
    now = START - 3 * DAY
    assert rules.correction_state(SESSION, told, now) is None
    assert rules.correction_state(SESSION, set(), now) is None  # never announced there
    cancelled = dataclasses.replace(SESSION, status="cancelled")
    assert rules.correction_state(cancelled, told, now) == "cancelled"
    assert rules.correction_state(cancelled, told, START) is None  # it would be over
    moved = dataclasses.replace(SESSION, start=START + 2 * DAY)
    assert rules.correction_state(moved, told, now) == "moved-20200527T2300Z"
    # once the new time was announced there, no correction is needed
    assert rules.correction_state(moved, told | {"20200527T2300Z"}, now) is None


def test_parameters_are_filled_and_unknown_ones_reported():
    values = rules.announcement_values(SESSION, SETTINGS, 3, local_label="in your zone")
    assert values["when"] == "26 May 2020 09:00 Sydney / 25 May 23:00 GMT"
    assert values["local"].startswith("[https://www.timeanddate.com/worldclock/fixedtime.html?"
                                      "iso=20200525T2300") and values["local"].endswith(
        " in your zone]")
    assert values["hosts"] == "[[User:Merrilee|Merrilee]] and [[User:Mylee|Mylee]]"
    assert values["agenda"] == "* adding citations\n* Citation Hunt"
    assert values["count"] == "3"
    assert values["duration"] == "1 hour"
    assert values["signup"] == "[[Group/Office hours/2020-05-26 Asia and Pacific]]"
    text, unknown = rules.fill_parameters(
        "'''{{{title}}}''' on {{{when}}}, {{{room|online}}} {{{colour}}} ({{{count}}})", values)
    assert text == ("'''#1lib1ref office hours: Asia and Pacific''' on 26 May 2020 09:00 "
                    "Sydney / 25 May 23:00 GMT, online {{{colour}}} (3)")
    assert unknown == ["colour"]


def test_noinclude_parts_are_not_posted():
    page = "<noinclude>About this page.\n</noinclude>Hello {{{title}}}<includeonly>!</includeonly>"
    assert rules.transcluded_part(page) == "Hello {{{title}}}!"


def test_a_section_is_appended_signed_and_marked_and_the_old_text_kept():
    mark = rules.announcement_mark(SESSION, DAY)
    assert rules.one_line("== Office hours ==") == "Office hours"
    post = rules.section("Office hours\n line two", "Body.", mark, "Delivered here.")
    assert post == ("== Office hours line two ==\nBody.\n''Delivered here.''\n~~~~ "
                    + mark.marker + "\n")
    old = "== Welcome ==\nHi.\n"
    new = rules.append_section(old, post)
    assert new.startswith(old) and new.endswith(post)
    assert rules.append_section("", post) == post
    assert rules.has_mark(new, mark)
