"""The config page is read into settings and sessions, with a clear problem per bad value."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreachbot import params
from outreachbot.config import (
    INVALID,
    format_problems,
    parse_config,
    parse_duration,
    read_value,
)
from outreachbot.model import Config, Problem, Settings, Zone

DATA = Path(__file__).parent.parent / "data"
PAGE = "Wikimedia and Libraries User Group/Outreachbot config"
CONFIG = "{{Outreachbot config\n| status_page = User:OutreachBot/Status\n}}\n"
GOOD = ("{{Outreachbot session | id = good | title = Good | start = 2020-06-01 10:00 "
        "| time_zone = UTC }}\n")
SESSION = params.SESSION_TEMPLATE


def session(**values: str | None) -> str:
    """A session template; a value of None leaves that parameter out."""
    written: dict[str, str | None] = {
        "id": "s1", "title": "Bad one", "start": "2020-06-02 10:00", "time_zone": "Europe/Paris"}
    written.update(values)
    lines = "".join(f"| {name} = {value}\n" for name, value in written.items()
                    if value is not None)
    return "{{Outreachbot session\n" + lines + "}}\n"


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def ids(config: Config) -> list[str]:
    return [s.id for s in config.sessions]


# --- The example of SPEC section 2 ---------------------------------------------------

@pytest.fixture(scope="module")
def seed() -> Config:
    return parse_config((DATA / "config_seed.wiki").read_text(encoding="utf-8"), PAGE)


def test_seed_settings(seed: Config) -> None:
    """Every setting of the SPEC example is read into its typed value."""
    assert seed.problems == ()
    assert seed.page == PAGE
    assert seed.settings == Settings(
        activities_page="Wikimedia and Libraries User Group/Worldwide activities",
        tasks_page="Wikimedia and Libraries User Group/Open tasks",
        task_sources=("Category:Wikimedia and Libraries User Group tasks",),
        time_zones=(Zone("Australia/Sydney", "Sydney"), Zone("America/Los_Angeles", "Pacific"),
                    Zone("UTC", "GMT")),
        announce_before=(timedelta(days=7), timedelta(days=1)),
        announce_to="Wikimedia and Libraries User Group/Announcement list",
        announcement="Wikimedia and Libraries User Group/Announcement text",
        remind_before=timedelta(hours=1),
        organizers=("Merrilee", "Mylee"),
        past_sessions=10,
        status_page="User:OutreachBot/Status",
        worklist_wiki="en.wikipedia.org",
        worklist_topics=("Category:Libraries", "Category:Librarians"),
        worklist_needs="Category:All articles with unsourced statements",
        worklist_depth=1,
        worklist_size=10,
    )


def test_seed_first_session(seed: Config) -> None:
    """The SPEC session: 09:00 in Sydney on 26 May 2020 is 23:00 UTC the day before."""
    apac = seed.session("1lib1ref-2020-05-26-apac")
    assert apac is not None
    assert apac.start == utc(2020, 5, 25, 23, 0)
    assert apac.end == utc(2020, 5, 26, 0, 0)
    assert apac.time_zone == "Australia/Sydney"
    assert apac.title == "#1lib1ref office hours: Asia and Pacific"
    assert apac.event == "#1lib1ref office hours"
    assert apac.platform == "Zoom"
    assert apac.join == "https://zoom.us/j/0000000000"
    assert apac.hosts == ("Merrilee", "Mylee")
    assert apac.agenda == (
        "demonstrating how to add citations",
        "the importance of Wikipedia and Wikidata to libraries and librarians",
    )
    assert apac.signup_page == (
        "Wikimedia and Libraries User Group/Office hours/2020-05-26 Asia and Pacific")
    assert apac.status == "scheduled"
    assert apac.notes == ""
    assert apac.series is None
    assert apac.settings == dataclasses.replace(seed.settings, capacity=100)


def test_seed_other_sessions(seed: Config) -> None:
    """Page order is kept; links in lists and agendas are read as organizers mean them."""
    assert ids(seed) == ["1lib1ref-2020-05-26-apac", "1lib1ref-2020-05-26-emea",
                         "1lib1ref-2020-05-26-amer"]
    emea, amer = seed.sessions[1], seed.sessions[2]
    assert emea.start == utc(2020, 5, 26, 13, 0)
    assert emea.duration == timedelta(minutes=90)
    assert emea.hosts == ("Merrilee", "Mylee")
    assert emea.agenda[1] == ("[[Wikipedia:The Wikipedia Library|Wikipedia Library]] and how "
                              "people can join it")
    assert emea.settings is seed.settings
    assert amer.start == utc(2020, 5, 26, 23, 0)
    assert amer.status == "cancelled"
    assert amer.notes.startswith("Cancelled: please join")


def test_session_overrides_settings(seed: Config) -> None:
    """A setting given in a session replaces the config's for that session only."""
    amer = seed.sessions[2]
    assert amer.settings == dataclasses.replace(seed.settings,
                                                announce_before=(timedelta(days=3),))
    assert seed.settings.announce_before == (timedelta(days=7), timedelta(days=1))


def test_bad_override_keeps_the_config_value() -> None:
    config = parse_config("{{Outreachbot config|past_sessions=4}}"
                          + session(past_sessions="ten"), PAGE)
    assert config.sessions[0].settings.past_sessions == 4
    assert [p.param for p in config.problems] == ["past_sessions"]


# --- One problem per bad value; the good session beside it stays ----------------------

BAD_SESSION_VALUES = [
    # (values of session s1, bad param, bad value, key phrase of the message)
    ({"start": "2020-06-31 10:00"}, "start", "2020-06-31 10:00", "June has 30 days"),
    ({"start": "2021-02-29 10:00"}, "start", "2021-02-29 10:00", "February 2021 has 28 days"),
    ({"start": "31 June"}, "start", "31 June", "form YYYY-MM-DD HH:MM"),
    ({"start": "2020-13-01 10:00"}, "start", "2020-13-01 10:00", "there is no month 13"),
    ({"start": "next tuesday"}, "start", "next tuesday", "is not a date and time"),
    ({"start": "2020-06-02"}, "start", "2020-06-02", "has no time of day"),
    ({"start": "2020-06-02 9am"}, "start", "2020-06-02 9am", "24-hour clock"),
    ({"start": "2020-06-02 24:00"}, "start", "2020-06-02 24:00", "hours go from 00 to 23"),
    ({"start": "1066-10-14 09:00"}, "start", "1066-10-14 09:00", "the year must be"),
    ({"time_zone": "Europe/Paaris"}, "time_zone", "Europe/Paaris",
     "is not a time zone; use an IANA name such as 'Europe/Paris'"),
    ({"time_zone": "PST"}, "time_zone", "PST", "such as 'America/Los_Angeles'"),
    ({"start": "2021-03-28 01:30", "time_zone": "Europe/London"}, "start", "2021-03-28 01:30",
     "does not exist in Europe/London: clocks go forward from 01:00 to 02:00 that day"),
    ({"id": None}, "id", "", "this session has no id"),
    ({"title": None}, "title", "", "this session has no title"),
    ({"title": ""}, "title", "", "this session has no title"),
    ({"start": None}, "start", "", "this session has no start"),
    ({"time_zone": None}, "time_zone", "", "this session has no time_zone"),
    ({"id": "a{{!}}b"}, "id", "a{{!}}b", "is not a usable id"),
    ({"duration": "an hour"}, "duration", "an hour", "is not a length of time"),
    ({"duration": "0 minutes"}, "duration", "0 minutes", "no time at all"),
    ({"duration": "-1 hour"}, "duration", "-1 hour", "is negative"),
    ({"duration": "8 days"}, "duration", "8 days", "more than 7 days"),
    ({"duration": "60"}, "duration", "60", "has no unit"),
    ({"duration": "2 fortnights"}, "duration", "2 fortnights", "not a unit"),
    ({"announce_before": "7 days, tomorrow"}, "announce_before", "7 days, tomorrow",
     "'tomorrow' is not a length of time"),
    ({"remind_before": "soon"}, "remind_before", "soon", "is not a length of time"),
    ({"past_sessions": "ten"}, "past_sessions", "ten", "is not a whole number"),
    ({"past_sessions": "-3"}, "past_sessions", "-3", "is negative"),
    ({"past_sessions": "9" * 30}, "past_sessions", "9" * 30, "is too large"),
    ({"capacity": "0"}, "capacity", "0", "is too small"),
    ({"status": "tomorrow"}, "status", "tomorrow",
     "write one of scheduled, cancelled, postponed"),
    ({"repeat": "every week", "until": "2020-07-01"}, "repeat", "every week",
     "write one of daily, weekly, fortnightly, monthly"),
    ({"repeat": "weekly"}, "repeat", "weekly", "needs '| until = YYYY-MM-DD'"),
    ({"repeat": "weekly", "until": "2020-05-01"}, "until", "2020-05-01",
     "is before the first session"),
    ({"repeat": "weekly", "until": "2020-07-32"}, "until", "2020-07-32", "July has 31 days"),
    ({"repeat": "daily", "until": "2025-01-01"}, "until", "2025-01-01",
     "more than 500 sessions"),
    ({"signup_page": "Office hours[1]"}, "signup_page", "Office hours[1]",
     "page titles cannot contain '[' ']'"),
    ({"signup_page": "Office hours#Sign"}, "signup_page", "Office hours#Sign",
     "page titles cannot contain '#'"),
    ({"signup_page": "Category:"}, "signup_page", "Category:", "nothing after 'Category:'"),
    ({"signup_page": "x" * 300}, "signup_page", "x" * 300, "at most 255"),
    ({"announce_to": "<Announcement list>"}, "announce_to", "<Announcement list>",
     "cannot contain '<' '>'"),
    ({"hosts": "Merrilee, Bob/Alice"}, "hosts", "Merrilee, Bob/Alice",
     "'Bob/Alice' is not a user name: user names cannot contain '/'"),
    ({"organizers": "Merrilee, mylee@example.org"}, "organizers",
     "Merrilee, mylee@example.org", "cannot contain '@'"),
    ({"join": "zoom.us/j/1"}, "join", "zoom.us/j/1", "as in 'https://zoom.us/j/1'"),
    ({"recording": "ftp://example.org/x"}, "recording", "ftp://example.org/x",
     "starting with https://"),
    ({"calendar_url": "calendar.ics"}, "calendar_url", "calendar.ics", "is not a"),
    ({"time_zones": "Australia/Sydney Sydney, UTC"}, "time_zones",
     "Australia/Sydney Sydney, UTC", "put a colon between the zone and its label"),
    ({"time_zones": "Mars/Olympus: Olympus"}, "time_zones", "Mars/Olympus: Olympus",
     "is not a time zone"),
    ({"worklist_wiki": "enwiki"}, "worklist_wiki", "enwiki", "such as 'en.wikipedia.org'"),
    ({"worklist_depth": "50"}, "worklist_depth", "50", "from 0 to 5"),
    ({"tiem_zone": "UTC"}, "tiem_zone", "UTC", "did you mean 'time_zone'?"),
    ({"Signup page": "X"}, "Signup page", "X", "did you mean 'signup_page'?"),
    ({"colour": "blue"}, "colour", "blue", "is not a parameter of {{Outreachbot session}}"),
]


@pytest.mark.parametrize(("values", "param", "value", "phrase"), BAD_SESSION_VALUES)
def test_bad_session_value(values: dict[str, str | None], param: str, value: str,
                           phrase: str) -> None:
    """The problem names the template, parameter and value; the good session is kept, and
    the bad one too unless the bad value is essential."""
    config = parse_config(CONFIG + GOOD + session(**values), PAGE)
    errors = [p for p in config.problems if p.severity == "error"]
    assert len(errors) == 1, format_problems(config.problems)
    problem = errors[0]
    assert (problem.page, problem.template, problem.param, problem.value) == (
        PAGE, SESSION, param, value)
    assert phrase in problem.message
    assert "good" in ids(config)
    essential = param in ("id", "title", "start", "time_zone")
    assert any(i.startswith("s1") for i in ids(config)) is not essential
    assert problem.item == (values.get("id", "s1") or "Bad one")  # the id, else the title


BAD_CONFIG_VALUES = [
    ("past_sessions = ten", "past_sessions", "ten", "is not a whole number"),
    ("time_zones = Europe/Paaris: Paris", "time_zones", "Europe/Paaris: Paris",
     "such as 'Europe/Paris'"),
    ("status_page = User:OutreachBot/Status|", "1", "", "has no parameter name"),
    ("title = Office hours", "title", "Office hours",
     "belongs in each {{Outreachbot session}}"),
    ("activities page = X", "activities page", "X", "did you mean 'activities_page'?"),
]


@pytest.mark.parametrize(("line", "param", "value", "phrase"), BAD_CONFIG_VALUES)
def test_bad_config_value(line: str, param: str, value: str, phrase: str) -> None:
    config = parse_config("{{Outreachbot config\n| " + line + "\n}}\n" + GOOD, PAGE)
    assert len(config.problems) == 1, format_problems(config.problems)
    problem = config.problems[0]
    assert (problem.template, problem.param, problem.value, problem.item) == (
        params.CONFIG_TEMPLATE, param, value, "")
    assert phrase in problem.message
    assert ids(config) == ["good"]


def test_bad_config_value_falls_back_to_default() -> None:
    config = parse_config("{{Outreachbot config|past_sessions=ten|worklist_size=20}}", PAGE)
    assert config.settings == Settings(worklist_size=20)


def test_list_keeps_its_good_items() -> None:
    """One bad entry in a list is reported and left out; the others still count."""
    config = parse_config("{{Outreachbot config|organizers = Merrilee, Bob/Alice, "
                          "[[User:Mylee|Mylee]]|time_zones=UTC, Mars/Base}}", PAGE)
    assert config.settings.organizers == ("Merrilee", "Mylee")
    assert config.settings.time_zones == (Zone("UTC", "UTC"),)
    assert [p.param for p in config.problems] == ["organizers", "time_zones"]


def test_zone_without_label_is_labelled_by_its_city() -> None:
    config = parse_config("{{Outreachbot config|time_zones=America/Los_Angeles, "
                          "europe/paris: Paris, Asia/Kolkata}}", PAGE)
    assert config.settings.time_zones == (
        Zone("America/Los_Angeles", "Los Angeles"), Zone("Europe/Paris", "Paris"),
        Zone("Asia/Kolkata", "Kolkata"))


def test_duplicate_id_drops_the_second() -> None:
    text = CONFIG + session(title="First") + GOOD + session(title="Second")
    config = parse_config(text, PAGE)
    assert ids(config) == ["s1", "good"]
    assert config.session("s1").title == "First"  # type: ignore[union-attr]
    (problem,) = config.problems
    assert (problem.param, problem.value, problem.item) == ("id", "s1", "s1")
    assert "already the id of an earlier session" in problem.message


def test_no_config_template() -> None:
    """Without {{Outreachbot config}} the defaults are used and sessions still read."""
    config = parse_config(GOOD, PAGE)
    assert config.settings == Settings()
    assert ids(config) == ["good"]
    (problem,) = config.problems
    assert problem.template == params.CONFIG_TEMPLATE
    assert "has no {{Outreachbot config}}" in problem.message


def test_two_config_templates_use_the_first() -> None:
    text = ("{{Outreachbot config|past_sessions=3}}\n{{outreachbot config|past_sessions=4}}"
            + GOOD)
    config = parse_config(text, PAGE)
    assert config.settings.past_sessions == 3
    (problem,) = config.problems
    assert "only the first is read" in problem.message


def test_template_names_match_as_mediawiki_does() -> None:
    """First letter either case, underscores for spaces, optional Template: prefix."""
    text = ("{{template:outreachbot_config|past_sessions=3}}"
            "{{ Template : Outreachbot session |id=a|title=A|start=2020-06-01 10:00"
            "|time_zone=UTC}}{{outreachbot_session|id=b|title=B|start=2020-06-01 10:00"
            "|time_zone=UTC}}")
    config = parse_config(text, PAGE)
    assert config.problems == ()
    assert config.settings.past_sessions == 3
    assert ids(config) == ["a", "b"]


def test_wrong_case_template_is_reported() -> None:
    config = parse_config(CONFIG + GOOD.replace("Outreachbot session", "Outreachbot Session"),
                          PAGE)
    assert config.sessions == ()
    (problem,) = config.problems
    assert problem.template == "Outreachbot Session"
    assert "write {{Outreachbot session}}" in problem.message


def test_comments_are_not_values() -> None:
    """Comments are dropped from values, and a commented-out session is not read."""
    text = (CONFIG + "<!-- " + GOOD + " -->" + session(
        duration="90 minutes <!-- roughly -->", platform="<!-- to be decided -->"))
    config = parse_config(text, PAGE)
    assert config.problems == ()
    assert ids(config) == ["s1"]
    assert config.sessions[0].duration == timedelta(minutes=90)
    assert config.sessions[0].platform == ""


def test_template_text_in_a_value_is_just_a_value() -> None:
    """A config or session inside a session's value (or in nowiki) steers nothing."""
    notes = ("<nowiki>}}{{Outreachbot config|status_page=User:Mallory}}</nowiki> "
             "{{Outreachbot session|id=inner|title=Inner|start=2020-06-01 10:00"
             "|time_zone=UTC}} {{Outreachbot config|status_page=User:Mallory}}")
    config = parse_config(CONFIG + session(notes=notes, title="{{PAGENAME}} talk"), PAGE)
    assert config.problems == ()
    assert config.settings.status_page == "User:OutreachBot/Status"
    assert ids(config) == ["s1"]
    assert config.sessions[0].notes == notes
    assert config.sessions[0].title == "{{PAGENAME}} talk"


def test_repeated_parameter_uses_the_last_with_a_warning() -> None:
    config = parse_config(CONFIG + session(platform="Zoom").replace(
        "}}\n", "| platform = Jitsi\n}}\n"), PAGE)
    assert config.sessions[0].platform == "Jitsi"
    (problem,) = config.problems
    assert (problem.param, problem.severity) == ("platform", "warning")


def test_choice_close_to_an_accepted_value_is_read_with_a_warning() -> None:
    """'Canceled' must not leave a cancelled session listed as scheduled."""
    config = parse_config(CONFIG + session(status="Canceled"), PAGE)
    assert config.sessions[0].status == "cancelled"
    (problem,) = config.problems
    assert problem.severity == "warning"


# --- Times and zones -----------------------------------------------------------------

def test_half_hour_zone() -> None:
    config = parse_config(CONFIG + session(start="2020-05-26 09:00", time_zone="Asia/Kolkata"),
                          PAGE)
    assert config.problems == ()
    assert config.sessions[0].start == utc(2020, 5, 26, 3, 30)
    assert config.sessions[0].time_zone == "Asia/Kolkata"


def test_ambiguous_time_is_the_first_with_a_warning() -> None:
    """01:30 happens twice in London when clocks go back; the BST one is used."""
    config = parse_config(CONFIG + session(start="2021-10-31 01:30", time_zone="Europe/London"),
                          PAGE)
    assert config.sessions[0].start == utc(2021, 10, 31, 0, 30)
    (problem,) = config.problems
    assert (problem.param, problem.severity, problem.item) == ("start", "warning", "s1")
    assert "happens twice in Europe/London: clocks go back from 02:00 to 01:00" in (
        problem.message)


def test_gap_on_the_other_side_of_the_world() -> None:
    """Sydney moves its clocks forward in October, at 02:00."""
    config = parse_config(CONFIG + session(start="2020-10-04 02:15",
                                           time_zone="Australia/Sydney"), PAGE)
    assert config.sessions == ()
    assert "clocks go forward from 02:00 to 03:00" in config.problems[0].message


def test_weekly_series_keeps_local_time_across_dst() -> None:
    """London moves to summer time on 28 March 2021: 18:00 local stays, UTC moves."""
    config = parse_config(CONFIG + session(
        start="2021-03-14 18:00", time_zone="Europe/London", repeat="weekly",
        until="2021-04-04", signup_page="Office hours/Evening"), PAGE)
    assert config.problems == ()
    assert ids(config) == ["s1-2021-03-14", "s1-2021-03-21", "s1-2021-03-28", "s1-2021-04-04"]
    assert [s.start.hour for s in config.sessions] == [18, 18, 17, 17]
    assert {s.series for s in config.sessions} == {"s1"}
    assert config.sessions[2].signup_page == "Office hours/Evening/2021-03-28"


def test_occurrence_in_a_dst_gap_is_dropped_alone() -> None:
    config = parse_config(CONFIG + session(
        start="2021-03-21 01:30", time_zone="Europe/London", repeat="weekly",
        until="2021-04-04"), PAGE)
    assert ids(config) == ["s1-2021-03-21", "s1-2021-04-04"]
    (problem,) = config.problems
    assert (problem.item, problem.param, problem.value) == (
        "s1-2021-03-28", "start", "2021-03-28 01:30")


@pytest.mark.parametrize(("repeat", "until", "dates"), [
    ("daily", "2020-06-04", ["2020-06-02", "2020-06-03", "2020-06-04"]),
    ("fortnightly", "2020-06-30", ["2020-06-02", "2020-06-16", "2020-06-30"]),
    ("monthly", "2020-09-01", ["2020-06-02", "2020-07-02", "2020-08-02"]),
])
def test_repeat_kinds(repeat: str, until: str, dates: list[str]) -> None:
    config = parse_config(CONFIG + session(repeat=repeat, until=until), PAGE)
    assert config.problems == ()
    assert ids(config) == [f"s1-{d}" for d in dates]


def test_monthly_on_the_31st_skips_short_months() -> None:
    config = parse_config(CONFIG + session(start="2020-01-31 10:00", repeat="monthly",
                                           until="2020-05-31"), PAGE)
    assert ids(config) == ["s1-2020-01-31", "s1-2020-03-31", "s1-2020-05-31"]
    (problem,) = config.problems
    assert problem.severity == "warning"
    assert "February, April have no day 31" in problem.message


def test_occurrence_id_taken_by_a_later_session() -> None:
    text = CONFIG + session(repeat="daily", until="2020-06-03") + session(id="s1-2020-06-03")
    config = parse_config(text, PAGE)
    assert ids(config) == ["s1-2020-06-02", "s1-2020-06-03"]
    assert config.sessions[1].series == "s1"
    assert [p.value for p in config.problems] == ["s1-2020-06-03"]


# --- Values --------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "length"), [
    ("60 minutes", timedelta(minutes=60)),
    ("1 hour", timedelta(hours=1)),
    ("90 min", timedelta(minutes=90)),
    ("1h30", timedelta(minutes=90)),
    ("1 hour and 30 minutes", timedelta(minutes=90)),
    ("1:30", timedelta(minutes=90)),
    ("1.5 hours", timedelta(minutes=90)),
    ("2 hours", timedelta(hours=2)),
    ("2 Hours", timedelta(hours=2)),
    ("7 days", timedelta(days=7)),
    ("1 day", timedelta(days=1)),
    ("1 week", timedelta(weeks=1)),
])
def test_durations(written: str, length: timedelta) -> None:
    assert parse_duration(written) == length


def test_agenda_lines() -> None:
    """Each '* topic' is a topic; a line without a bullet continues the one above."""
    agenda = "\n* How to add a citation (demo)\n** with VisualEditor\n  and the source editor\n"
    config = parse_config(CONFIG + session(agenda=agenda), PAGE)
    assert config.sessions[0].agenda == (
        "How to add a citation (demo)", "with VisualEditor and the source editor")


def test_defaults_of_a_minimal_session() -> None:
    (only,) = parse_config(CONFIG + session(), PAGE).sessions
    assert only.duration == timedelta(hours=1)
    assert (only.status, only.hosts, only.agenda, only.signup_page) == ("scheduled", (), (),
                                                                        None)


def test_settings_fields_are_the_settings_params() -> None:
    """params.py and model.Settings list the same settings, so none is silently unread."""
    assert [f.name for f in dataclasses.fields(Settings)] == [
        p.name for p in params.SETTINGS_PARAMS]


@pytest.mark.parametrize("param", [p for p in params.SESSION_PARAMS + params.SETTINGS_PARAMS
                                   + params.TASK_PARAMS if p.example],
                         ids=lambda p: p.name)
def test_documented_examples_are_valid(param: params.Param) -> None:
    """The example shown to organizers in TemplateData reads without a problem."""
    value, notes = read_value(param, param.example)
    assert value is not INVALID and notes == []


def test_format_problems_one_per_line() -> None:
    problems = [Problem(PAGE, SESSION, "start", "31 June", "bad", "s1"),
                Problem(PAGE, SESSION, "status", "Canceled", "read", "s1", "warning")]
    assert format_problems(problems).splitlines() == [
        f"error: [[{PAGE}]] {{{{{SESSION}}}}} 's1' | start = '31 June': bad",
        f"warning: [[{PAGE}]] {{{{{SESSION}}}}} 's1' | status = 'Canceled': read",
    ]
    assert format_problems([]) == ""


def test_revision_is_kept() -> None:
    assert parse_config(CONFIG, PAGE, revision=42).revision == 42


# --- Whatever is on the page, the reader does not fail ----------------------------------

_SOUP = st.sampled_from([
    "{{", "}}", "|", "=", "\n", "Outreachbot config", "outreachbot_session", "Template:",
    "Outreachbot session", "id", "title", "start", "time_zone", "repeat", "until", "duration",
    "time_zones", "organizers", "hosts", "agenda", "signup_page", "2020-05-26 09:00",
    "2021-03-28 01:30", "9999-12-31 23:59", "0001-01-01 00:00", "Europe/London",
    "Pacific/Kiritimati", "America/Los_Angeles", "daily", "monthly", "weekly", "2200-12-31",
    "1970-01-01", "99999999999 weeks", "1h30", "[[", "]]", "<!--", "-->", "<nowiki>", "*",
    ":", ",", "{{!}}", "<ref>", "</ref>", "é", "#", "-5", "x",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_SOUP | st.text(max_size=5), max_size=60).map("".join)))
def test_parse_config_never_raises(text: str) -> None:
    config = parse_config(text, PAGE)
    assert all(isinstance(p, Problem) and p.message for p in config.problems)
    assert len(ids(config)) == len(set(ids(config)))
    assert all(s.start.tzinfo is UTC for s in config.sessions)


_STARTS = st.sampled_from([
    "2021-03-28 01:30", "2021-10-31 01:30", "2020-10-04 02:15", "2011-12-30 10:00",
    "1970-01-01 00:00", "2200-12-31 23:59", "2020-02-29 12:00", "2020-01-31 09:00",
]) | st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{2}", fullmatch=True)
_ZONES = st.sampled_from([
    "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Apia",
    "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns", "Asia/Kolkata", "UTC", "Mars/Base",
])
_UNTILS = st.sampled_from(["", "1970-01-02", "2021-04-30", "2200-12-31", "2021-02-30"])


@settings(max_examples=300, deadline=None)
@given(_STARTS, _ZONES, st.sampled_from(["", "daily", "weekly", "fortnightly", "monthly"]),
       _UNTILS, st.sampled_from(["", "1h30", "7 days", "8 days", "99999999 weeks"]))
def test_any_session_reads_to_valid_sessions(start: str, zone: str, repeat: str, until: str,
                                             duration: str) -> None:
    """Whatever the dates and zones, every session read is a real instant and unique."""
    text = CONFIG + session(start=start, time_zone=zone, repeat=repeat, until=until,
                            duration=duration, signup_page="Sign-up")
    config = parse_config(text, PAGE)
    assert len(config.sessions) <= 500
    assert len(ids(config)) == len(set(ids(config)))
    hour, minute = (int(part) for part in start.split()[1].split(":"))
    for read in config.sessions:
        local = read.start.astimezone(ZoneInfo(read.time_zone))
        assert (local.hour, local.minute) == (hour, minute)


def test_parse_config_is_deterministic() -> None:
    """Reading is pure: the same text gives the same config."""
    text = (DATA / "config_seed.wiki").read_text(encoding="utf-8")
    assert parse_config(text, PAGE) == parse_config(text, PAGE)


def test_check_config_offline_exits_1_for_any_problem_and_0_for_a_clean_page(
        tmp_path, capsys) -> None:
    from outreachbot.cli import main

    clean = tmp_path / "clean.wiki"
    clean.write_text(CONFIG + session(), "utf-8")
    assert main(["check-config", "--file", str(clean)]) == 0
    assert "1 session, 0 problems" in capsys.readouterr().out

    warned = tmp_path / "warned.wiki"  # an ambiguous time: used, with a warning
    warned.write_text(CONFIG + session(start="2021-10-31 01:30", time_zone="Europe/London"),
                      "utf-8")
    assert main(["check-config", "--file", str(warned)]) == 1
    out = capsys.readouterr().out
    assert "happens twice in Europe/London" in out and "1 session, 1 problem" in out
