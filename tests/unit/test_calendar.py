"""The iCalendar feed: parses back, stable UIDs, cancellations, SEQUENCE on a move."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from outreachbot.calendar import build_feed, publish
from outreachbot.config import parse_config

NOW = datetime(2020, 5, 20, tzinfo=UTC)
CONFIG = """{{Outreachbot config}}
{{Outreachbot session
| id = apac | title = Office hours: Asia and Pacific | start = 2020-05-26 09:00
| time_zone = Australia/Sydney | duration = 60 minutes | platform = Zoom
| join = https://zoom.us/j/0000000000 | hosts = Merrilee, Mylee
| signup_page = Office hours/2020-05-26 Asia and Pacific
| agenda =
* demonstrating how to add citations
* the [[Wikidata]] and libraries
}}
{{Outreachbot session
| id = tour | title = The Wikipedia Library: a guided tour | start = 2020-06-02 16:00
| time_zone = UTC | duration = 45 minutes | status = cancelled
}}
"""


def url(title: str) -> str:
    return "https://meta.wikimedia.org/wiki/" + title.replace(" ", "_")


def feed(text: str = CONFIG, previous: bytes | None = None, now: datetime = NOW) -> bytes:
    return build_feed(parse_config(text, "Config").sessions, now, previous=previous,
                      page_url=url)


def events(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_the_feed_parses_back_and_shows_the_cancellation():
    parsed = events(feed())
    assert set(parsed) == {"apac@outreachbot", "tour@outreachbot"}
    apac, tour = parsed["apac@outreachbot"], parsed["tour@outreachbot"]
    assert str(tour["STATUS"]) == "CANCELLED"
    assert str(apac["STATUS"]) == "CONFIRMED"
    assert apac.decoded("DTSTART") == datetime(2020, 5, 25, 23, 0, tzinfo=UTC)
    assert apac.decoded("DTEND") == datetime(2020, 5, 26, 0, 0, tzinfo=UTC)
    assert str(apac["SUMMARY"]) == "Office hours: Asia and Pacific"
    assert str(apac["URL"]) == url("Office hours/2020-05-26 Asia and Pacific")
    assert str(apac["LOCATION"]) == "Zoom: https://zoom.us/j/0000000000"
    description = str(apac["DESCRIPTION"])
    assert "Hosts: Merrilee, Mylee" in description
    assert "- the Wikidata and libraries" in description  # wikitext made plain
    assert b"DTSTART:20200525T230000Z" in feed()  # UTC, not a floating time


def test_a_move_raises_the_sequence_and_keeps_the_uid():
    first = feed()
    moved = feed(CONFIG.replace("2020-05-26 09:00", "2020-05-27 10:00"), previous=first,
                 now=NOW + timedelta(hours=1))
    before, after = events(first), events(moved)
    assert int(before["apac@outreachbot"]["SEQUENCE"]) == 0
    assert int(after["apac@outreachbot"]["SEQUENCE"]) == 1
    assert int(after["tour@outreachbot"]["SEQUENCE"]) == 0  # not moved
    moved_again = feed(CONFIG.replace("2020-05-26 09:00", "2020-05-28 10:00"),
                       previous=moved, now=NOW + timedelta(hours=2))
    assert int(events(moved_again)["apac@outreachbot"]["SEQUENCE"]) == 2


def test_cancelling_raises_the_sequence():
    first = feed()
    cancelled = feed(CONFIG.replace("| signup_page", "| status = cancelled\n| signup_page"),
                     previous=first)
    apac = events(cancelled)["apac@outreachbot"]
    assert str(apac["STATUS"]) == "CANCELLED"
    assert int(apac["SEQUENCE"]) == 1


def test_nothing_changed_gives_the_same_bytes():
    first = feed()
    assert feed(previous=first, now=NOW + timedelta(days=1)) == first


def test_a_future_session_removed_from_the_config_stays_as_cancelled():
    first = feed()
    text = CONFIG.split("{{Outreachbot session", 2)
    without_tour = text[0] + "{{Outreachbot session" + text[1]
    without_apac = CONFIG.replace(text[1], "").replace("{{Outreachbot session{{", "{{")
    gone = events(feed(without_apac, previous=first))
    assert str(gone["apac@outreachbot"]["STATUS"]) == "CANCELLED"
    assert int(gone["apac@outreachbot"]["SEQUENCE"]) == 1
    assert set(events(feed(without_tour, previous=first))) == {"apac@outreachbot",
                                                                "tour@outreachbot"}


def test_publish_writes_atomically_a_readable_file_and_only_on_change(tmp_path: Path):
    path = tmp_path / "public_html" / "calendar.ics"
    config = parse_config(CONFIG, "Group/Config")
    assert publish(path, [config], NOW, page_url=url)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    mtime = path.stat().st_mtime_ns
    assert not publish(path, [config], NOW + timedelta(days=1), page_url=url)
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == ["calendar.ics"]  # no temp file left
    assert str(Calendar.from_ical(path.read_bytes())["X-WR-CALNAME"]) == "Group"
