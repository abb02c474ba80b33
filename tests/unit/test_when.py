"""How session times are written: zones, dates, durations and the reader's-zone link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from outreachbot.i18n import date_words
from outreachbot.model import Zone
from outreachbot.rules.when import (
    MONTHS,
    WEEKDAYS,
    clock_in_zone,
    format_duration,
    long_date,
    reader_zone_url,
    when_in_zones,
)

SYDNEY = Zone("Australia/Sydney", "Sydney")
PACIFIC = Zone("America/Los_Angeles", "Pacific")
GMT = Zone("UTC", "GMT")
INDIA = Zone("Asia/Kolkata", "India")
NEPAL = Zone("Asia/Kathmandu", "Kathmandu")
LONDON = Zone("Europe/London", "London")

SEED_ZONES = (SYDNEY, PACIFIC, GMT)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_seed_sentence() -> None:
    assert (
        when_in_zones(utc(2019, 5, 29, 23, 0), SEED_ZONES)
        == "30 May 2019 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT"
    )


def test_four_zones_with_a_half_hour_offset() -> None:
    zones = (SYDNEY, INDIA, PACIFIC, GMT)
    assert (
        when_in_zones(utc(2020, 5, 25, 23, 0), zones)
        == "26 May 2020 09:00 Sydney / 26 May 04:30 India / 25 May 16:00 Pacific"
        " / 25 May 23:00 GMT"
    )


def test_half_hour_offset_crosses_midnight() -> None:
    assert when_in_zones(utc(2020, 5, 25, 18, 30), (INDIA, GMT)) == (
        "26 May 2020 00:00 India / 25 May 18:30 GMT"
    )


def test_forty_five_minute_offset() -> None:
    assert when_in_zones(utc(2020, 5, 25, 23, 0), (NEPAL,)) == "26 May 2020 04:45 Kathmandu"


def test_the_first_zone_gets_the_year_even_when_others_are_in_another_year() -> None:
    assert when_in_zones(utc(2019, 12, 31, 20, 0), (SYDNEY, GMT)) == (
        "1 January 2020 07:00 Sydney / 31 December 20:00 GMT"
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 2020-03-08: Los Angeles springs forward at 02:00 PST to 03:00 PDT.
        (utc(2020, 3, 8, 9, 59), "8 March 2020 01:59 Pacific"),
        (utc(2020, 3, 8, 10, 0), "8 March 2020 03:00 Pacific"),
        (utc(2020, 3, 8, 17, 0), "8 March 2020 10:00 Pacific"),
        (utc(2020, 3, 7, 17, 0), "7 March 2020 09:00 Pacific"),
    ],
)
def test_daylight_saving_change_in_los_angeles(moment: datetime, expected: str) -> None:
    assert when_in_zones(moment, (PACIFIC,)) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 2021-03-28: London springs forward at 01:00 GMT to 02:00 BST.
        (utc(2021, 3, 28, 0, 30), "28 March 2021 00:30 London / 28 March 00:30 GMT"),
        (utc(2021, 3, 28, 1, 0), "28 March 2021 02:00 London / 28 March 01:00 GMT"),
        (utc(2021, 3, 28, 9, 0), "28 March 2021 10:00 London / 28 March 09:00 GMT"),
        # 2021-10-31: back at 02:00 BST to 01:00 GMT; 01:30 happens twice.
        (utc(2021, 10, 31, 0, 30), "31 October 2021 01:30 London / 31 October 00:30 GMT"),
        (utc(2021, 10, 31, 1, 30), "31 October 2021 01:30 London / 31 October 01:30 GMT"),
    ],
)
def test_daylight_saving_change_in_london(moment: datetime, expected: str) -> None:
    assert when_in_zones(moment, (LONDON, GMT)) == expected


def test_any_aware_datetime_is_accepted() -> None:
    in_sydney_offset = datetime(2019, 5, 30, 9, 0, tzinfo=timezone(timedelta(hours=10)))
    assert when_in_zones(in_sydney_offset, SEED_ZONES) == when_in_zones(
        utc(2019, 5, 29, 23, 0), SEED_ZONES
    )


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        when_in_zones(datetime(2019, 5, 29, 23, 0), SEED_ZONES)


def test_no_zones_means_utc() -> None:
    assert when_in_zones(utc(2019, 5, 29, 23, 0), ()) == "29 May 2019 23:00 UTC"


def test_long_date() -> None:
    assert long_date(utc(2020, 5, 25, 23, 0), SYDNEY) == "Tuesday 26 May 2020"
    assert long_date(utc(2020, 5, 25, 23, 0), PACIFIC) == "Monday 25 May 2020"
    assert long_date(utc(2019, 5, 29, 23, 0), SYDNEY) == "Thursday 30 May 2019"


def test_clock_in_zone() -> None:
    assert clock_in_zone(utc(2019, 5, 29, 23, 0), SYDNEY) == "09:00 Sydney"
    assert clock_in_zone(utc(2019, 5, 29, 23, 0), NEPAL) == "04:45 Kathmandu"


def test_reader_zone_url() -> None:
    assert reader_zone_url(utc(2020, 5, 25, 23, 0), "#1lib1ref office hours: Asia & Pacific") == (
        "https://www.timeanddate.com/worldclock/fixedtime.html?iso=20200525T2300"
        "&msg=%231lib1ref%20office%20hours%3A%20Asia%20%26%20Pacific&p1=1440"
    )


def test_reader_zone_url_is_in_utc_and_safe_in_a_wikitext_link() -> None:
    sydney = datetime(2020, 5, 26, 9, 0, tzinfo=timezone(timedelta(hours=10)))
    url = reader_zone_url(sydney, "A [[b]] | c ]")
    assert "iso=20200525T2300" in url
    assert not any(c in url for c in " []|{}<>")


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "90 minutes"),
        (120, "2 hours"),
        (150, "2 hours 30 minutes"),
        (181, "3 hours 1 minute"),
        (24 * 60, "1 day"),
        (24 * 60 + 90, "1 day 1 hour 30 minutes"),
        (3 * 24 * 60, "3 days"),
    ],
)
def test_format_duration(minutes: int, expected: str) -> None:
    assert format_duration(timedelta(minutes=minutes)) == expected


def test_format_duration_rounds_to_the_minute() -> None:
    assert format_duration(timedelta(minutes=59, seconds=40)) == "1 hour"
    assert format_duration(timedelta(minutes=60, seconds=10)) == "1 hour"


def test_format_duration_refuses_negative() -> None:
    with pytest.raises(ValueError):
        format_duration(timedelta(minutes=-5))


# --------------------------------------------------------------------------- languages

FRENCH = date_words("fr")
ENGLISH_MESSAGES = date_words("en")


def test_the_seed_sentence_in_french() -> None:
    assert when_in_zones(utc(2019, 5, 29, 23, 0), SEED_ZONES, words=FRENCH) == (
        "30 mai 2019 à 09:00 Sydney / 29 mai à 16:00 Pacific / 29 mai à 23:00 GMT"
    )
    # A zone without a label leaves no space at the end.
    assert when_in_zones(utc(2020, 2, 1, 8, 5), (Zone("UTC", ""),), words=FRENCH) == (
        "1 février 2020 à 08:05"
    )


def test_long_date_in_french() -> None:
    assert long_date(utc(2020, 5, 25, 23, 0), SYDNEY, words=FRENCH) == "mardi 26 mai 2020"
    assert long_date(utc(2019, 8, 18, 12, 0), GMT, words=FRENCH) == "dimanche 18 août 2019"
    assert long_date(utc(2019, 12, 31, 20, 0), SYDNEY, words=FRENCH) == "mercredi 1 janvier 2020"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0 minute"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 heure"),
        (90, "90 minutes"),
        (150, "2 heures 30 minutes"),
        (24 * 60 + 90, "1 jour 1 heure 30 minutes"),
        (3 * 24 * 60, "3 jours"),
    ],
)
def test_format_duration_in_french(minutes: int, expected: str) -> None:
    assert format_duration(timedelta(minutes=minutes), words=FRENCH) == expected


def test_the_english_messages_write_times_as_the_built_in_words_do() -> None:
    assert ENGLISH_MESSAGES.months == MONTHS and ENGLISH_MESSAGES.weekdays == WEEKDAYS
    zones = (*SEED_ZONES, Zone("UTC", ""))
    for days in range(0, 366, 11):
        start = utc(2019, 1, 6, 23, 0) + timedelta(days=days)
        assert when_in_zones(start, zones, words=ENGLISH_MESSAGES) == when_in_zones(start, zones)
        assert long_date(start, SYDNEY, words=ENGLISH_MESSAGES) == long_date(start, SYDNEY)
    for minutes in (0, 1, 45, 60, 90, 120, 150, 181, 1440, 1530, 4320, 2 * 1440 + 61):
        duration = timedelta(minutes=minutes)
        assert format_duration(duration, words=ENGLISH_MESSAGES) == format_duration(duration)
