"""The status page: what it says, and that a quiet run does not change it."""

from datetime import UTC, datetime, timedelta

from outreachbot.edits import Saved
from outreachbot.model import Problem
from outreachbot.report import JobReport
from outreachbot.rules.status import problem_line, render_job, same_beyond_clock

T0 = datetime(2020, 5, 20, 0, 0, tzinfo=UTC)


def test_a_quiet_run_differs_only_in_the_clock():
    busy = JobReport("activities", "Config", T0, checked=3)
    busy.record(Saved("Activities", "saved", revid=42))
    first = render_job(busy)
    quiet = JobReport("activities", "Config", T0 + timedelta(hours=1), checked=3)
    second = render_job(quiet, previous=first)
    assert "[[:Activities]] ([[Special:Diff/42|diff]])" in second
    assert same_beyond_clock(first, second)
    assert not same_beyond_clock(first, render_job(JobReport("activities", "C", T0, checked=4)))


def test_skips_and_outcome_are_listed():
    report = JobReport("activities", "Config", T0, outcome="failed")
    report.record(Saved("Page", "skipped", "the page is protected"))
    text = render_job(report)
    assert "outcome '''failed'''" in text
    assert "* Skipped [[:Page]]: <nowiki>the page is protected</nowiki>" in text


def test_problem_line_names_the_place_and_shows_the_value_as_text():
    problem = Problem("Config", "Outreachbot session", "start", "2020-06-31 }}{{evil",
                      "'2020-06-31' is not a date: June has 30 days", item="s1")
    line = problem_line(problem)
    assert "[[Config]]" in line and "<code><nowiki>start</nowiki></code>" in line
    assert "<nowiki>2020-06-31 }}{{evil</nowiki>" in line
    assert "June has 30 days" in line
