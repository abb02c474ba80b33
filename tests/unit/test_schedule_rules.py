"""Due times of announcements, reminders and session ends (rules/schedule.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from outreachbot.config import parse_config
from outreachbot.model import Session, Settings
from outreachbot.rules.announcement import due_announcements
from outreachbot.rules.schedule import (
    announcement_due_times,
    keep_and_add,
    lead_key,
    reminder_due_times,
    session_end_times,
)

WEEK, DAY, HOUR = timedelta(days=7), timedelta(days=1), timedelta(hours=1)
NOW = datetime(2020, 3, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)

LOS_ANGELES = """{{Outreachbot config
| announce_before = 1 day, 1 hour
}}
{{Outreachbot session
| id = after-gap | title = Just after the clocks went forward | start = 2020-03-08 03:30
| time_zone = America/Los_Angeles
}}
{{Outreachbot session
| id = first-130 | title = The first 01:30 | start = 2020-11-01 01:30
| time_zone = America/Los_Angeles
}}
{{Outreachbot session
| id = after-fold | title = After the clocks went back | start = 2020-11-01 02:30
| time_zone = America/Los_Angeles
}}
"""


def test_announcements_due_next_to_daylight_saving_changes_are_each_one_utc_instant():
    config = parse_config(LOS_ANGELES, "Config")
    due = announcement_due_times(config, NOW)
    assert len(due) == len(dict(due)) == 6  # each announcement once
    assert dict(due) == {
        # 03:30 PDT on 8 March = 10:30 UTC; an hour before is 01:30 PST, before the gap.
        "announce:after-gap:1h": datetime(2020, 3, 8, 9, 30, tzinfo=UTC),
        "announce:after-gap:1d": datetime(2020, 3, 7, 10, 30, tzinfo=UTC),
        # 01:30 happens twice on 1 November: the session is at the first (PDT, 08:30 UTC).
        "announce:first-130:1h": datetime(2020, 11, 1, 7, 30, tzinfo=UTC),
        "announce:first-130:1d": datetime(2020, 10, 31, 8, 30, tzinfo=UTC),
        # 02:30 PST = 10:30 UTC; an hour before is the second 01:30 (PST), 09:30 UTC,
        # not the first one an hour earlier.
        "announce:after-fold:1h": datetime(2020, 11, 1, 9, 30, tzinfo=UTC),
        "announce:after-fold:1d": datetime(2020, 10, 31, 10, 30, tzinfo=UTC),
    }


def test_each_due_time_is_when_the_announcements_job_finds_it_due():
    """A date job firing before the job's own reckoning would post nothing."""
    config = parse_config(LOS_ANGELES, "Config")
    for key, at in announcement_due_times(config, NOW):
        session_id, lead = key.split(":")[1:]
        session = config.session(session_id)
        assert session is not None
        before = due_announcements([session], at - SECOND)
        found = due_announcements([session], at)
        assert lead_key(found[0].lead) == lead and found[0].at == at
        assert not before or before[0].lead != found[0].lead


CONFIG = """{{Outreachbot config
| announce_before = 7 days, 1 day
| remind_before   = 1 hour
}}
{{Outreachbot session
| id = sydney | title = Sydney hour | start = 2020-10-10 09:00 | time_zone = Australia/Sydney
| duration = 60 minutes | signup_page = Sign-up/Sydney
}}
{{Outreachbot session
| id = gone | title = Cancelled | start = 2020-10-10 11:00 | time_zone = UTC
| status = cancelled
}}
{{Outreachbot session
| id = own | title = Own leads | start = 2020-10-20 11:00 | time_zone = UTC
| announce_before = 2 days | remind_before = 30 minutes | signup_page = Sign-up/Own
}}
{{Outreachbot session
| id = nolist | title = No sign-up page | start = 2020-10-21 11:00 | time_zone = UTC
}}
"""


def test_due_times_of_a_config_page_with_a_sydney_change_in_between():
    config = parse_config(CONFIG, "Config")
    assert not config.problems
    announce = dict(announcement_due_times(config, NOW))
    # Sydney moves to summer time on 4 October 2020: 9:00 AEDT on the 10th is 22:00 UTC on
    # the 9th; 7 days before is 168 hours before, 8:00 AEST on the 3rd.
    assert announce == {
        "announce:sydney:7d": datetime(2020, 10, 2, 22, 0, tzinfo=UTC),
        "announce:sydney:1d": datetime(2020, 10, 8, 22, 0, tzinfo=UTC),
        "announce:own:2d": datetime(2020, 10, 18, 11, 0, tzinfo=UTC),
        "announce:nolist:7d": datetime(2020, 10, 14, 11, 0, tzinfo=UTC),
        "announce:nolist:1d": datetime(2020, 10, 20, 11, 0, tzinfo=UTC),
    }
    assert dict(reminder_due_times(config, NOW)) == {
        "remind:sydney": datetime(2020, 10, 9, 21, 0, tzinfo=UTC),
        "remind:own": datetime(2020, 10, 20, 10, 30, tzinfo=UTC),
    }
    assert set(dict(session_end_times(config, NOW))) == {"end:sydney", "end:own",
                                                         "end:nolist"}


def test_a_moved_session_moves_its_due_times_and_keeps_its_keys():
    config = parse_config(CONFIG, "Config")
    moved = parse_config(CONFIG.replace("2020-10-20 11:00", "2020-10-21 15:00"), "Config")
    before, after = dict(announcement_due_times(config, NOW)), dict(
        announcement_due_times(moved, NOW))
    assert before.keys() == after.keys()
    assert after["announce:own:2d"] - before["announce:own:2d"] == timedelta(hours=28)


def test_keep_catches_up_within_the_grace_and_add_is_only_the_future():
    now = datetime(2020, 10, 9, 0, 0, tzinfo=UTC)
    due = [("late", now - timedelta(minutes=30)), ("too-late", now - timedelta(hours=2)),
           ("soon", now + timedelta(seconds=1))]
    keep, add = keep_and_add(due, now, HOUR)
    assert set(keep) == {"late", "soon"}
    assert set(add) == {"soon"}


def test_lead_keys():
    assert [lead_key(d) for d in (WEEK, DAY, HOUR, timedelta(minutes=90),
                                  timedelta(seconds=45))] == ["7d", "1d", "1h", "1h30m", "45s"]


def test_a_session_without_leads_has_no_announcement():
    session = Session(id="s", title="S", start=NOW, time_zone="UTC", duration=HOUR,
                      signup_page="Sign-up/S", settings=Settings())
    config = parse_config("{{Outreachbot config}}", "Config")
    config = dataclasses.replace(config, sessions=(session,))
    assert announcement_due_times(config, NOW) == []
    assert reminder_due_times(config, NOW) == []
