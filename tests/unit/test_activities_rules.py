"""The activities page blocks: upcoming sessions, past sessions and the yearly archives."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from outreachbot.jobs.activities import page_texts
from outreachbot.model import Session, Settings, Zone
from outreachbot.rules.activities import (
    NO_PAST,
    NO_UPCOMING,
    archive_title,
    group_sessions,
    join_words,
    marker_id,
    render_archive,
    render_past,
    render_upcoming,
    split_past,
    upcoming_sessions,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "activities"

ZONES = (
    Zone("Australia/Sydney", "Sydney"),
    Zone("America/Los_Angeles", "Pacific"),
    Zone("UTC", "GMT"),
)
SETTINGS = Settings(
    activities_page="Wikimedia and Libraries User Group/Worldwide activities",
    time_zones=ZONES,
    past_sessions=3,
    calendar_url="https://example.org/calendar.ics",
)
OFFICE_HOURS = "Wikimedia and Libraries User Group/Office hours"
AGENDA = (
    "demonstrating how to add citations",
    "the importance of Wikipedia and Wikidata to libraries and librarians",
    "an overview of resources for teaching / coaching library colleagues in editing skills",
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def session(session_id: str, start: datetime, **fields: object) -> Session:
    values: dict[str, object] = {
        "title": session_id,
        "time_zone": "UTC",
        "duration": timedelta(hours=1),
    }
    values.update(fields)
    return Session(id=session_id, start=start, **values)  # type: ignore[arg-type]


def office_hour(session_id: str, start: datetime, region: str, **fields: object) -> Session:
    values: dict[str, object] = {
        "event": "#1lib1ref office hours",
        "title": f"#1lib1ref office hours: {region}",
        "platform": "Zoom",
        "join": "https://zoom.us/j/0000000000",
        "hosts": ("Merrilee", "Mylee"),
        "agenda": AGENDA[:2],
        "signup_page": f"{OFFICE_HOURS}/2020-05-26 {region}",
    }
    values.update(fields)
    return session(session_id, start, **values)


# 26 May 2020 (Sydney): three regional office hours, then a training three days later.
APAC = office_hour("oh-2020-05-26-apac", utc(2020, 5, 25, 23, 0), "Asia and Pacific")
EMEA = office_hour(
    "oh-2020-05-26-emea", utc(2020, 5, 26, 9, 0), "Europe, Middle East and Africa",
    hosts=("Merrilee", "Mylee", "Alex"), status="postponed",
)
AMER = office_hour(
    "oh-2020-05-26-amer", utc(2020, 5, 26, 17, 0), "Americas",
    hosts=("Mylee",), status="cancelled", duration=timedelta(minutes=90),
)
TRAINING = session(
    "training-2020-05-29", utc(2020, 5, 29, 16, 0), title="Citation Hunt training",
    platform="Jitsi", duration=timedelta(minutes=45),
)
# Held ones, the oldest first.
HANGOUT = session(
    "hangout-2019-05-30", utc(2019, 5, 29, 23, 0),
    title="What library colleagues are doing in Wikipedia", platform="Google Hangouts",
    hosts=("Merrilee", "Mylee"), signup_page=f"{OFFICE_HOURS}/2019-05-30",
    notes="Slides are on [[c:File:1lib1ref hangout.pdf|Commons]]",
    recording="https://www.youtube.com/watch?v=0000000",
)
JAN_2020 = session(
    "oh-2020-01-20", utc(2020, 1, 20, 22, 0), title="#1lib1ref kick-off",
    event="#1lib1ref office hours", platform="Zoom", hosts=("Mylee",),
    signup_page=f"{OFFICE_HOURS}/2020-01-21", notes="Thanks to all who came!",
)
FEB_2020 = session("oh-2020-02-10", utc(2020, 2, 10, 22, 0), title="Wrap-up", platform="Zoom")
MAR_2020 = session("oh-2020-03-09", utc(2020, 3, 9, 22, 0), title="Spring catch-up")
DEC_2018 = session("oh-2018-12-04", utc(2018, 12, 4, 22, 0), title="Planning 2019")
CANCELLED_2019 = session(
    "oh-2019-09-01", utc(2019, 9, 1, 22, 0), title="Never held", status="cancelled"
)

UPCOMING = (APAC, EMEA, AMER, TRAINING)
HELD = (HANGOUT, JAN_2020, FEB_2020, MAR_2020, DEC_2018, CANCELLED_2019)
ALL = UPCOMING + HELD
COUNTS = {APAC.id: 12, EMEA.id: 4, AMER.id: 7, HANGOUT.id: 9, JAN_2020.id: 15}
NOW = utc(2020, 5, 20, 12, 0)


def expected(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8").rstrip("\n")


def assert_clean(text: str) -> None:
    """What every block must be: no trailing whitespace, no headings, no raw {{{."""
    for line in text.split("\n"):
        assert line == line.rstrip(), repr(line)
        assert not re.match(r"\s*=.*=\s*$", line), line
    assert "{{{" not in text
    assert not text.startswith("\n") and not text.endswith("\n")


# --------------------------------------------------------------------------- fixtures


def test_upcoming_block_matches_the_checked_text() -> None:
    text = render_upcoming(ALL, SETTINGS, COUNTS, NOW)
    assert_clean(text)
    assert text == expected("upcoming.wiki")


def test_past_block_matches_the_checked_text() -> None:
    later = utc(2020, 6, 1)
    shown, archived = split_past(ALL, SETTINGS, later)
    text = render_past(shown, SETTINGS, COUNTS, later, archive_years=archived)
    assert_clean(text)
    assert text == expected("past.wiki")


def test_archive_block_matches_the_checked_text() -> None:
    _, archived = split_past(ALL, SETTINGS, utc(2020, 6, 1))
    existing = (DATA / "archive-2019-before.wiki").read_text(encoding="utf-8")
    text = render_archive(existing, archived[2019], SETTINGS, COUNTS)
    assert_clean(text)
    assert text == expected("archive-2019-after.wiki")


# --------------------------------------------------------------------------- upcoming


def test_grouping_three_regional_sessions_and_one_three_days_later() -> None:
    groups = group_sessions(upcoming_sessions(ALL, NOW))
    assert [(g.name, [s.id for s in g.sessions]) for g in groups] == [
        ("#1lib1ref office hours", [APAC.id, EMEA.id, AMER.id]),
        ("Citation Hunt training", [TRAINING.id]),
    ]
    text = render_upcoming(ALL, SETTINGS, COUNTS, NOW)
    assert "'''#1lib1ref office hours''', Tuesday 26 May 2020: 3 sessions" in text
    assert "'''Citation Hunt training''', Saturday 30 May 2020: 1 session" in text


def test_same_event_three_days_later_is_another_group() -> None:
    later = office_hour("oh-later", APAC.start + timedelta(days=3), "Asia and Pacific")
    groups = group_sessions(upcoming_sessions([APAC, EMEA, later], NOW))
    assert [[s.id for s in g.sessions] for g in groups] == [[APAC.id, EMEA.id], ["oh-later"]]


def test_a_daily_series_is_not_one_group() -> None:
    daily = [
        session(f"daily-{n}", utc(2020, 6, 1, 9) + timedelta(days=n), event="Daily")
        for n in range(3)
    ]
    assert len(group_sessions(upcoming_sessions(daily, NOW))) == 3


def test_another_event_in_between_splits_a_group() -> None:
    other = session("other", utc(2020, 5, 26, 1, 0), title="Other")
    groups = group_sessions(upcoming_sessions([APAC, other, EMEA], NOW))
    assert [[s.id for s in g.sessions] for g in groups] == [[APAC.id], ["other"], [EMEA.id]]


def test_entry_lines() -> None:
    text = render_upcoming([APAC], SETTINGS, COUNTS, NOW)
    assert text.split("\n") == [
        "'''#1lib1ref office hours''', Tuesday 26 May 2020: 1 session",
        f"* '''[[{APAC.signup_page}|#1lib1ref office hours: Asia and Pacific]]'''",
        "** 26 May 2020 09:00 Sydney / 25 May 16:00 Pacific / 25 May 23:00 GMT"
        " ([https://www.timeanddate.com/worldclock/fixedtime.html?iso=20200525T2300"
        "&msg=%231lib1ref%20office%20hours%3A%20Asia%20and%20Pacific&p1=1440"
        " in your time zone])",
        "** 1 hour on Zoom: [https://zoom.us/j/0000000000 join]",
        "** Hosts: [[User:Merrilee|Merrilee]] and [[User:Mylee|Mylee]]",
        "** Agenda:",
        "*** demonstrating how to add citations",
        "*** the importance of Wikipedia and Wikidata to libraries and librarians",
        f"** 12 interested: [[{APAC.signup_page}#Interested attendees|sign up]]",
        "** [https://example.org/calendar.ics add to calendar]",
    ]


def test_cancelled_notice_strikes_the_title_and_drops_sign_up_and_join() -> None:
    text = render_upcoming([AMER], SETTINGS, COUNTS, NOW)
    lines = text.split("\n")
    assert lines[1] == f"* <s>'''[[{AMER.signup_page}|#1lib1ref office hours: Americas]]'''</s>"
    assert lines[2] == "** '''Cancelled:''' this session will not take place."
    assert "** 90 minutes on Zoom" in lines
    assert "interested" not in text and "sign up" not in text.lower()
    assert "zoom.us" not in text and "add to calendar" not in text


def test_postponed_notice_keeps_sign_up() -> None:
    text = render_upcoming([EMEA], SETTINGS, COUNTS, NOW)
    lines = text.split("\n")
    assert lines[1].startswith("* '''[[") and "<s>" not in text
    assert lines[2] == "** '''Postponed:''' a new date will be announced."
    assert f"** 4 interested: [[{EMEA.signup_page}#Interested attendees|sign up]]" in lines
    assert "** Hosts: [[User:Merrilee|Merrilee]], [[User:Mylee|Mylee]] and [[User:Alex|Alex]]" in (
        lines
    )


def test_started_but_not_ended_is_still_upcoming() -> None:
    during = APAC.start + timedelta(minutes=30)
    assert APAC.id in [s.id for s in upcoming_sessions([APAC], during)]
    assert "Asia and Pacific" in render_upcoming([APAC], SETTINGS, COUNTS, during)
    assert render_upcoming([APAC], SETTINGS, COUNTS, APAC.end) == NO_UPCOMING
    assert render_past([APAC], SETTINGS, COUNTS, during) == NO_PAST
    assert "was held" in render_past([APAC], SETTINGS, COUNTS, APAC.end)


def test_nothing_upcoming() -> None:
    assert render_upcoming([], SETTINGS, {}, NOW) == NO_UPCOMING
    assert render_upcoming(HELD, SETTINGS, COUNTS, NOW) == NO_UPCOMING
    assert NO_UPCOMING == "''No sessions are planned at the moment.''"


def test_no_count_and_no_sign_up_page() -> None:
    no_count = render_upcoming([APAC], SETTINGS, {}, NOW)
    assert f"** [[{APAC.signup_page}#Interested attendees|Sign up]]" in no_count.split("\n")
    assert "interested:" not in no_count
    plain = render_upcoming([TRAINING], SETTINGS, {TRAINING.id: 3}, NOW)
    assert "* '''Citation Hunt training'''" in plain.split("\n")
    assert "sign up" not in plain.lower()
    assert "** 45 minutes on Jitsi" in plain.split("\n")


def test_the_waiting_list_is_counted_apart() -> None:
    text = render_upcoming([APAC, TRAINING], SETTINGS, COUNTS, NOW,
                           waiting={APAC.id: 3, TRAINING.id: 2})
    anchor = f"{APAC.signup_page}#Interested attendees"
    assert f"** 12 interested, 3 on the waiting list: [[{anchor}|sign up]]" in text.split("\n")
    assert text.count("waiting list") == 1  # the training has no sign-up page
    # An empty waiting list is not mentioned; without a count there is none to show.
    empty = render_upcoming([APAC], SETTINGS, COUNTS, NOW, waiting={APAC.id: 0})
    assert empty == render_upcoming([APAC], SETTINGS, COUNTS, NOW)
    assert f"** 12 interested: [[{anchor}|sign up]]" in empty.split("\n")
    assert "waiting" not in render_upcoming([APAC], SETTINGS, {}, NOW, waiting={APAC.id: 3})


def test_no_calendar_link_without_a_feed() -> None:
    text = render_upcoming([APAC], replace(SETTINGS, calendar_url=None), COUNTS, NOW)
    assert "add to calendar" not in text


def test_custom_sign_up_heading() -> None:
    custom = replace(APAC, settings=replace(APAC.settings, signup_heading="Participants"))
    text = render_upcoming([custom], SETTINGS, COUNTS, NOW)
    assert f"[[{APAC.signup_page}#Participants|sign up]]" in text


@pytest.mark.parametrize("title", ["Links [[here]] and there", "A | B", "Half ]] open"])
def test_a_title_that_would_break_the_link_is_shown_literally(title: str) -> None:
    odd = replace(APAC, title=title)
    text = render_upcoming([odd], SETTINGS, COUNTS, NOW)
    assert f"* '''[[{APAC.signup_page}|<nowiki>{title}</nowiki>]]'''" in text.split("\n")
    held = render_past([odd], SETTINGS, COUNTS, odd.end)
    assert f"|<nowiki>{title}</nowiki>]]'''" in held


def test_values_the_organizers_wrote_are_kept_as_wikitext() -> None:
    rich = replace(TRAINING, title="''Citation'' Hunt", agenda=("[[Citation Hunt]] {{tl|cn}}",))
    text = render_upcoming([rich], SETTINGS, {}, NOW)
    assert "* '''''Citation'' Hunt'''" in text
    assert "*** [[Citation Hunt]] {{tl|cn}}" in text


def test_a_sign_up_page_in_the_category_namespace_is_linked_not_categorised() -> None:
    odd = replace(APAC, signup_page="Category:Office hours")
    assert "[[:Category:Office hours|" in render_upcoming([odd], SETTINGS, COUNTS, NOW)


def test_join_words() -> None:
    assert join_words([]) == ""
    assert join_words(["A"]) == "A"
    assert join_words(["A", "B"]) == "A and B"
    assert join_words(["A", "B", "C"]) == "A, B and C"


# --------------------------------------------------------------------------- past


def test_past_in_the_seed_voice() -> None:
    text = render_past([HANGOUT], SETTINGS, COUNTS, utc(2020, 1, 1))
    assert text == (
        f"* '''[[{OFFICE_HOURS}/2019-05-30|What library colleagues are doing in Wikipedia]]'''"
        " was held on Thursday 30 May 2019 at 09:00 Sydney on Google Hangouts."
        " Hosts: [[User:Merrilee|Merrilee]] and [[User:Mylee|Mylee]]. 9 signed up."
        " Notes: Slides are on [[c:File:1lib1ref hangout.pdf|Commons]]."
        " [https://www.youtube.com/watch?v=0000000 recording]"
    )


def test_past_leaves_out_empty_parts() -> None:
    assert render_past([MAR_2020], SETTINGS, {}, utc(2020, 6, 1)) == (
        "* '''Spring catch-up''' was held on Tuesday 10 March 2020 at 09:00 Sydney."
    )
    text = render_past([JAN_2020], SETTINGS, {}, utc(2020, 6, 1))
    assert text.endswith("Host: [[User:Mylee|Mylee]]. Notes: Thanks to all who came!")


def test_past_ordering_and_the_cut() -> None:
    shown, archived = split_past(ALL, SETTINGS, NOW)
    assert [s.id for s in shown] == [MAR_2020.id, FEB_2020.id, JAN_2020.id]
    assert {year: [s.id for s in group] for year, group in archived.items()} == {
        2019: [HANGOUT.id],
        2018: [DEC_2018.id],
    }
    assert list(archived) == [2019, 2018]
    text = render_past(shown, SETTINGS, COUNTS, NOW)
    lines = text.split("\n")
    assert [line.split("'''")[1] for line in lines] == [
        "Spring catch-up",
        "Wrap-up",
        "[[Wikimedia and Libraries User Group/Office hours/2020-01-21|#1lib1ref kick-off]]",
    ]
    assert "Never held" not in text


def test_cancelled_and_postponed_sessions_are_not_held() -> None:
    after = utc(2021, 1, 1)
    shown, archived = split_past([AMER, EMEA, CANCELLED_2019], SETTINGS, after)
    assert shown == [] and archived == {}
    assert render_past([AMER, EMEA, CANCELLED_2019], SETTINGS, COUNTS, after) == NO_PAST


def test_all_held_sessions_fit_on_the_page() -> None:
    shown, archived = split_past(HELD, replace(SETTINGS, past_sessions=10), utc(2020, 6, 1))
    assert len(shown) == 5 and archived == {}


def test_no_past_sessions_shown_at_all() -> None:
    none_kept = replace(SETTINGS, past_sessions=0)
    shown, archived = split_past(HELD, none_kept, utc(2020, 6, 1))
    assert shown == [] and sorted(archived) == [2018, 2019, 2020]
    text = render_past(shown, none_kept, COUNTS, utc(2020, 6, 1), archive_years=archived)
    assert text == (
        "Earlier sessions: "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2020|2020]], "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2019|2019]], "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2018|2018]]"
    )


def test_render_past_lists_every_held_session_it_is_given() -> None:
    # While an archive cannot be saved, the page keeps all its past sessions.
    text = render_past(ALL, SETTINGS, COUNTS, NOW)
    titles = [s.title for s in (MAR_2020, FEB_2020, JAN_2020, HANGOUT, DEC_2018)]
    lines = text.split("\n")
    assert len(lines) == len(titles)
    for line, title in zip(lines, titles, strict=True):
        assert f"{title}]]''' was held" in line or f"'''{title}''' was held" in line
    assert "Earlier sessions" not in text


def test_nothing_held_yet() -> None:
    assert render_past(UPCOMING, SETTINGS, COUNTS, NOW) == NO_PAST
    assert NO_PAST == "''No sessions have been held yet.''"


def test_archive_year_is_the_year_of_the_date_shown() -> None:
    # 31 December 23:00 UTC is already New Year's Day in Sydney, the page's first zone.
    eve = session("eve", utc(2018, 12, 31, 23, 0))
    _, archived = split_past([eve], replace(SETTINGS, past_sessions=0), utc(2019, 6, 1))
    assert list(archived) == [2019]


def test_archive_title() -> None:
    assert archive_title("WLUG/Worldwide activities", 2019) == (
        "WLUG/Worldwide activities/Archive/2019"
    )


# --------------------------------------------------------------------------- archive


def test_archive_entries_carry_a_marker() -> None:
    text = render_archive("", [HANGOUT, DEC_2018], SETTINGS, COUNTS)
    lines = text.split("\n")
    assert [marker_id(line) for line in lines] == [HANGOUT.id, DEC_2018.id]
    assert lines[0].startswith(f"<!-- session: {HANGOUT.id} -->* '''[[")


def test_render_archive_keeps_an_unknown_entry_and_rerenders_a_known_one() -> None:
    unknown = "<!-- session: removed-long-ago -->* Something a human wrote about a session."
    stale = f"<!-- session: {HANGOUT.id} -->* '''Old text''' was held on 30 May 2019."
    existing = f"{stale}\n{unknown}\n"
    text = render_archive(existing, [HANGOUT], SETTINGS, COUNTS)
    assert unknown in text.split("\n")
    assert "Old text" not in text
    assert text.split("\n")[0].startswith(f"<!-- session: {HANGOUT.id} -->* '''[[")
    assert "9 signed up" in text


def test_render_archive_keeps_human_lines_and_text_on_top() -> None:
    existing = (
        "Sessions held in 2019.\n"
        f"<!-- session: {HANGOUT.id} -->* whatever\n"
        "** Photos on Commons, added by a participant.\n"
        "\n"
        "<!-- session: gone -->* An entry with no date\n"
    )
    text = render_archive(existing, [HANGOUT, DEC_2018], SETTINGS, COUNTS)
    lines = text.split("\n")
    assert lines[0] == "Sessions held in 2019."
    assert marker_id(lines[1]) == HANGOUT.id
    assert lines[2] == "** Photos on Commons, added by a participant."
    assert lines[3] == "<!-- session: gone -->* An entry with no date"
    assert marker_id(lines[4]) == DEC_2018.id


def test_render_archive_sorts_dated_unknown_entries_newest_first() -> None:
    existing = (
        "<!-- session: gone-1 -->* Held on 1 June 2019 at 10:00.\n"
        "<!-- session: gone-2 -->* Held on 1 January 2019.\n"
    )
    text = render_archive(existing, [HANGOUT, DEC_2018], SETTINGS, COUNTS)
    assert [marker_id(line) for line in text.split("\n")] == [
        "gone-1", HANGOUT.id, "gone-2", DEC_2018.id,
    ]


def test_render_archive_drops_nothing_but_an_identical_copy() -> None:
    once = render_archive("", [HANGOUT], SETTINGS, COUNTS)
    doubled = f"{once}\n{once}\n"
    assert render_archive(doubled, [HANGOUT], SETTINGS, COUNTS) == once
    edited_copy = once.replace("9 signed up", "10 signed up")
    merged = render_archive(f"{once}\n{edited_copy}", [HANGOUT], SETTINGS, COUNTS)
    assert edited_copy in merged.split("\n")


def test_render_archive_keeps_the_entry_of_a_session_now_cancelled() -> None:
    once = render_archive("", [HANGOUT], SETTINGS, COUNTS)
    cancelled = replace(HANGOUT, status="cancelled")
    assert render_archive(once, [cancelled], SETTINGS, COUNTS) == once


def test_render_archive_is_idempotent() -> None:
    existing = (DATA / "archive-2019-before.wiki").read_text(encoding="utf-8")
    sessions = [HANGOUT, DEC_2018, CANCELLED_2019]
    once = render_archive(existing, sessions, SETTINGS, COUNTS)
    assert render_archive(once, sessions, SETTINGS, COUNTS) == once
    assert_clean(once)


# --------------------------------------------------------------------------- languages

FRENCH = page_texts("fr")
TIMEANDDATE = "https://www.timeanddate.com/worldclock/fixedtime.html"


def test_the_english_messages_write_the_page_as_the_built_in_words_do() -> None:
    english = page_texts("en")
    later = utc(2020, 6, 1)
    shown, archived = split_past(ALL, SETTINGS, later)
    existing = (DATA / "archive-2019-before.wiki").read_text(encoding="utf-8")
    for waiting in ({}, {APAC.id: 3}):
        assert render_upcoming(ALL, SETTINGS, COUNTS, NOW, waiting=waiting, texts=english) == (
            render_upcoming(ALL, SETTINGS, COUNTS, NOW, waiting=waiting))
    assert render_upcoming([APAC], SETTINGS, {}, NOW, texts=english) == (
        render_upcoming([APAC], SETTINGS, {}, NOW))
    assert render_past(shown, SETTINGS, COUNTS, later, archive_years=archived,
                       texts=english) == expected("past.wiki")
    assert render_past(HELD, SETTINGS, COUNTS, later, texts=english) == (
        render_past(HELD, SETTINGS, COUNTS, later))
    assert render_archive(existing, archived[2019], SETTINGS, COUNTS, texts=english) == (
        expected("archive-2019-after.wiki"))
    assert render_upcoming([], SETTINGS, {}, NOW, texts=english) == NO_UPCOMING
    assert render_past([], SETTINGS, {}, NOW, texts=english) == NO_PAST


def test_upcoming_sessions_in_french() -> None:
    text = render_upcoming([APAC, AMER], SETTINGS, COUNTS, NOW, waiting={APAC.id: 2},
                           texts=FRENCH)
    assert_clean(text)
    assert text.split("\n") == [
        "'''#1lib1ref office hours''', mardi 26 mai 2020 : 2 sessions",
        f"* '''[[{APAC.signup_page}|#1lib1ref office hours: Asia and Pacific]]'''",
        "** 26 mai 2020 à 09:00 Sydney / 25 mai à 16:00 Pacific / 25 mai à 23:00 GMT"
        f" ([{TIMEANDDATE}?iso=20200525T2300"
        "&msg=%231lib1ref%20office%20hours%3A%20Asia%20and%20Pacific&p1=1440"
        " dans votre fuseau horaire])",
        "** 1 heure sur Zoom : [https://zoom.us/j/0000000000 rejoindre]",
        "** Hôtes : [[User:Merrilee|Merrilee]] et [[User:Mylee|Mylee]]",
        "** Programme :",
        "*** demonstrating how to add citations",
        "*** the importance of Wikipedia and Wikidata to libraries and librarians",
        "** 12 personnes intéressées, 2 sur la liste d’attente :"
        f" [[{APAC.signup_page}#Interested attendees|s’inscrire]]",
        "** [https://example.org/calendar.ics ajouter à l’agenda]",
        f"* <s>'''[[{AMER.signup_page}|#1lib1ref office hours: Americas]]'''</s>",
        "** '''Annulée :''' cette session n’aura pas lieu.",
        "** 27 mai 2020 à 03:00 Sydney / 26 mai à 10:00 Pacific / 26 mai à 17:00 GMT"
        f" ([{TIMEANDDATE}?iso=20200526T1700"
        "&msg=%231lib1ref%20office%20hours%3A%20Americas&p1=1440 dans votre fuseau horaire])",
        "** 90 minutes sur Zoom",
        "** Hôte : [[User:Mylee|Mylee]]",
        "** Programme :",
        "*** demonstrating how to add citations",
        "*** the importance of Wikipedia and Wikidata to libraries and librarians",
    ]


def test_french_singulars_postponed_and_no_count() -> None:
    one = replace(EMEA, hosts=("Alex",))
    text = render_upcoming([one], SETTINGS, {one.id: 1}, NOW, texts=FRENCH).split("\n")
    assert text[0] == "'''#1lib1ref office hours''', mardi 26 mai 2020 : 1 session"
    assert text[2] == "** '''Reportée :''' une nouvelle date sera annoncée."
    assert "** Hôte : [[User:Alex|Alex]]" in text
    assert f"** 1 personne intéressée : [[{EMEA.signup_page}#Interested attendees|s’inscrire]]" \
        in text
    no_count = render_upcoming([APAC], SETTINGS, {}, NOW, texts=FRENCH).split("\n")
    assert f"** [[{APAC.signup_page}#Interested attendees|S’inscrire]]" in no_count
    long = replace(TRAINING, duration=timedelta(days=1, hours=2))
    assert "** 1 jour 2 heures sur Jitsi" in render_upcoming(
        [long], SETTINGS, {}, NOW, texts=FRENCH).split("\n")


def test_past_sessions_in_french() -> None:
    later = utc(2020, 6, 1)
    assert render_past([HANGOUT], SETTINGS, COUNTS, later, texts=FRENCH) == (
        f"* '''[[{OFFICE_HOURS}/2019-05-30|What library colleagues are doing in Wikipedia]]'''"
        " a eu lieu le jeudi 30 mai 2019 à 09:00 Sydney sur Google Hangouts."
        " Hôtes : [[User:Merrilee|Merrilee]] et [[User:Mylee|Mylee]]. 9 personnes inscrites."
        " Notes : Slides are on [[c:File:1lib1ref hangout.pdf|Commons]]."
        " [https://www.youtube.com/watch?v=0000000 enregistrement]"
    )
    assert render_past([MAR_2020], SETTINGS, {MAR_2020.id: 1}, later, texts=FRENCH) == (
        "* '''Spring catch-up''' a eu lieu le mardi 10 mars 2020 à 09:00 Sydney."
        " 1 personne inscrite."
    )
    assert render_past([JAN_2020], SETTINGS, {}, later, texts=FRENCH).endswith(
        "sur Zoom. Hôte : [[User:Mylee|Mylee]]. Notes : Thanks to all who came!")
    none_kept = replace(SETTINGS, past_sessions=0)
    shown, archived = split_past(HELD, none_kept, later)
    assert render_past(shown, none_kept, COUNTS, later, archive_years=archived,
                       texts=FRENCH) == (
        "Sessions précédentes : "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2020|2020]], "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2019|2019]], "
        "[[Wikimedia and Libraries User Group/Worldwide activities/Archive/2018|2018]]"
    )


def test_empty_blocks_in_french() -> None:
    assert render_upcoming([], SETTINGS, {}, NOW, texts=FRENCH) == (
        "''Aucune session n’est prévue pour le moment.''")
    assert render_past(UPCOMING, SETTINGS, COUNTS, NOW, texts=FRENCH) == (
        "''Aucune session n’a encore eu lieu.''")


def test_a_french_archive_sorts_entries_by_the_french_dates_they_name() -> None:
    existing = (
        "Sessions de 2019.\n"
        "<!-- session: gone-1 -->* '''Atelier''' a eu lieu le jeudi 30 mai 2019 à 10:00 Paris.\n"
        "<!-- session: gone-2 -->* Held on 1 August 2019.\n"
        "<!-- session: gone-3 -->* '''Rencontre''' a eu lieu le 5 décembre 2018 à 10:30.\n"
    )
    text = render_archive(existing, [HANGOUT, DEC_2018], SETTINGS, COUNTS, texts=FRENCH)
    lines = text.split("\n")
    assert lines[0] == "Sessions de 2019."
    # The hangout was held at 09:00 Sydney on 30 May 2019, gone-1 at 10:00; the session of
    # December 2018 at 09:00 Sydney on the 5th, gone-3 at 10:30.
    assert [marker_id(line) for line in lines[1:]] == [
        "gone-2", "gone-1", HANGOUT.id, "gone-3", DEC_2018.id,
    ]
    assert lines[3] == (
        f"<!-- session: {HANGOUT.id} -->* '''[[{OFFICE_HOURS}/2019-05-30|What library colleagues"
        " are doing in Wikipedia]]''' a eu lieu le jeudi 30 mai 2019 à 09:00 Sydney sur Google"
        " Hangouts. Hôtes : [[User:Merrilee|Merrilee]] et [[User:Mylee|Mylee]]. 9 personnes"
        " inscrites. Notes : Slides are on [[c:File:1lib1ref hangout.pdf|Commons]]."
        " [https://www.youtube.com/watch?v=0000000 enregistrement]"
    )
    assert render_archive(text, [HANGOUT, DEC_2018], SETTINGS, COUNTS, texts=FRENCH) == text


def test_join_words_in_another_language() -> None:
    assert join_words(["A", "B", "C"], "et") == "A, B et C"


# --------------------------------------------------------------------------- properties

ENTRIES = [
    "<!-- session: gone-a -->* Held on 3 March 2019 at 10:00.",
    "<!-- session: gone-b -->* No date here",
    "** a note a human added",
    f"<!-- session: {HANGOUT.id} -->* stale text",
    f"<!-- session: {DEC_2018.id} -->* stale text, 4 December 2018",
    "Some text before the first entry",
    "",
]


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.permutations(ALL))
def test_output_does_not_depend_on_input_order(shuffled: list[Session]) -> None:
    counts = dict(reversed(list(COUNTS.items())))
    assert render_upcoming(shuffled, SETTINGS, counts, NOW) == render_upcoming(
        ALL, SETTINGS, COUNTS, NOW
    )
    later = utc(2020, 6, 1)
    assert render_past(shuffled, SETTINGS, counts, later) == render_past(
        ALL, SETTINGS, COUNTS, later
    )
    assert split_past(shuffled, SETTINGS, later) == split_past(ALL, SETTINGS, later)
    existing = (DATA / "archive-2019-before.wiki").read_text(encoding="utf-8")
    assert render_archive(existing, shuffled, SETTINGS, counts) == render_archive(
        existing, ALL, SETTINGS, COUNTS
    )


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(ENTRIES), max_size=8),
    st.lists(st.sampled_from(HELD + UPCOMING), max_size=6),
)
def test_render_archive_is_idempotent_and_loses_no_foreign_line(
    lines: list[str], sessions: list[Session]
) -> None:
    existing = "\n".join(lines)
    once = render_archive(existing, sessions, SETTINGS, COUNTS)
    assert render_archive(once, sessions, SETTINGS, COUNTS) == once
    assert render_archive(once, list(reversed(sessions)), SETTINGS, COUNTS) == once
    rendered_ids = {s.id for s in sessions if s.status not in ("cancelled", "postponed")}
    out = once.split("\n")
    for line in lines:
        if line and marker_id(line) not in rendered_ids:
            assert line in out
    for line in out:
        assert line == line.rstrip()


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=60 * 24 * 20),
            st.sampled_from(["A", "B", ""]),
            st.sampled_from(["scheduled", "cancelled", "postponed"]),
        ),
        max_size=10,
    ),
    st.randoms(use_true_random=False),
)
def test_random_sessions_render_the_same_whatever_the_order(
    specs: list[tuple[int, str, str]], rng: random.Random
) -> None:
    base = utc(2020, 5, 20)
    sessions = [
        session(f"s{n}", base + timedelta(minutes=minutes), event=event, status=status)
        for n, (minutes, event, status) in enumerate(specs)
    ]
    shuffled = list(sessions)
    rng.shuffle(shuffled)
    now = base + timedelta(days=10)
    for render in (render_upcoming, render_past):
        first = render(sessions, SETTINGS, {}, now)
        assert first == render(shuffled, SETTINGS, {}, now)
        assert_clean(first)
    groups = group_sessions(upcoming_sessions(sessions, now))
    for group in groups:
        assert len({s.group for s in group.sessions}) == 1
        assert group.sessions[-1].start - group.sessions[0].start < timedelta(hours=24)
