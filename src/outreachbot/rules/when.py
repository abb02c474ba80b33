"""How session times are written on the wiki.

The activities page writes a time the way its organizers always have::

    30 May 2019 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT

and a French wiki the way French wikis do::

    30 mai 2019 à 09:00 Sydney / 29 mai à 16:00 Pacific / 29 mai à 23:00 GMT

The words (month and weekday names, the order of a date's parts, the units of a duration)
come in as `DateWords`, built by the job from its wiki's i18n messages. The default is
English, spelled out here rather than taken from the machine's locale, so the text is the
same on every machine. Local times come from the IANA zone database (``zoneinfo``), which
knows half-hour and 45-minute offsets and daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote
from zoneinfo import ZoneInfo

from outreachbot.model import Zone

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The units of a duration, as `DateWords.unit` is asked for them.
UNITS = ("day", "hour", "minute")


def _day_month_en(*, day: int, month: str) -> str:
    return f"{day} {month}"


def _day_month_year_en(*, day: int, month: str, year: int) -> str:
    return f"{day} {month} {year}"


def _long_date_en(*, weekday: str, day: int, month: str, year: int) -> str:
    return f"{weekday} {day} {month} {year}"


def _in_zone_en(*, date: str, time: str, zone: str) -> str:
    return f"{date} {time} {zone}"


def _unit_en(*, count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@dataclass(frozen=True)
class DateWords:
    """The words a time is written with, in the language of the wiki it is written on.

    ``months`` (January first) and ``weekdays`` (Monday first) are names; the others are
    called with keywords (the parameters of the i18n messages they come from):
    ``day_month(day, month)`` is ``30 May``, ``day_month_year(day, month, year)``
    ``30 May 2019``, ``long_date(weekday, day, month, year)`` ``Thursday 30 May 2019``,
    ``in_zone(date, time, zone)`` ``30 May 2019 09:00 Sydney`` and ``unit(count, unit)``
    ``2 hours`` (``unit`` one of `UNITS`). The default is English.
    """

    months: tuple[str, ...] = MONTHS
    weekdays: tuple[str, ...] = WEEKDAYS
    day_month: Callable[..., str] = _day_month_en
    day_month_year: Callable[..., str] = _day_month_year_en
    long_date: Callable[..., str] = _long_date_en
    in_zone: Callable[..., str] = _in_zone_en
    unit: Callable[..., str] = _unit_en


ENGLISH = DateWords()

DEFAULT_ZONES: tuple[Zone, ...] = (Zone("UTC", "UTC"),)

READER_ZONE_URL = "https://www.timeanddate.com/worldclock/fixedtime.html"
# timeanddate.com's place id for UTC: the link names the instant in UTC, and the page
# shows it in the reader's own zone next to it.
_TIMEANDDATE_UTC = "1440"


@lru_cache(maxsize=64)
def _zoneinfo(key: str) -> ZoneInfo:
    return ZoneInfo(key)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; session times are timezone-aware")
    return moment.astimezone(UTC)


def local_time(start_utc: datetime, zone: Zone | str) -> datetime:
    """``start_utc`` as a wall-clock time in ``zone`` (a Zone or an IANA key)."""
    key = zone.key if isinstance(zone, Zone) else zone
    return _utc(start_utc).astimezone(_zoneinfo(key))


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def when_in_zone(start_utc: datetime, zone: Zone, *, with_year: bool = True,
                 words: DateWords = ENGLISH) -> str:
    """One zone's part: ``30 May 2019 09:00 Sydney`` (``29 May 16:00 Pacific`` without year)."""
    moment = local_time(start_utc, zone)
    month = words.months[moment.month - 1]
    if with_year:
        date = words.day_month_year(day=moment.day, month=month, year=moment.year)
    else:
        date = words.day_month(day=moment.day, month=month)
    return words.in_zone(date=date, time=_clock(moment), zone=zone.label).rstrip()


def when_in_zones(start_utc: datetime, zones: Sequence[Zone], *,
                  words: DateWords = ENGLISH) -> str:
    """The start in every zone, the first with the year, joined by `` / ``.

    >>> from datetime import datetime, UTC
    >>> when_in_zones(datetime(2019, 5, 29, 23, 0, tzinfo=UTC), [
    ...     Zone("Australia/Sydney", "Sydney"), Zone("America/Los_Angeles", "Pacific"),
    ...     Zone("UTC", "GMT")])
    '30 May 2019 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT'
    """
    zones = tuple(zones) or DEFAULT_ZONES
    return " / ".join(
        when_in_zone(start_utc, zone, with_year=index == 0, words=words)
        for index, zone in enumerate(zones)
    )


def clock_in_zone(start_utc: datetime, zone: Zone) -> str:
    """The wall-clock time and the zone's label: ``09:00 Sydney``."""
    return f"{_clock(local_time(start_utc, zone))} {zone.label}".rstrip()


def long_date(start_utc: datetime, zone: Zone, *, words: DateWords = ENGLISH) -> str:
    """The local date written out: ``Tuesday 26 May 2020``."""
    moment = local_time(start_utc, zone)
    return words.long_date(weekday=words.weekdays[moment.weekday()], day=moment.day,
                           month=words.months[moment.month - 1], year=moment.year)


def reader_zone_url(start_utc: datetime, title: str) -> str:
    """A timeanddate.com link that shows the start in the reader's own time zone."""
    moment = _utc(start_utc)
    iso = f"{moment.year:04d}{moment.month:02d}{moment.day:02d}T{_clock(moment).replace(':', '')}"
    # '~' and '_' too: '~~~~' and '__NOTOC__' act anywhere in wikitext, in a link as well.
    message = quote(title, safe="").replace("~", "%7E").replace("_", "%5F")
    return f"{READER_ZONE_URL}?iso={iso}&msg={message}&p1={_TIMEANDDATE_UTC}"


def format_duration(td: timedelta, *, words: DateWords = ENGLISH) -> str:
    """A duration in words, rounded to the minute.

    Whole days and hours are named as such (``1 day``, ``2 hours``, ``1 day 2 hours``);
    a duration under two hours that is not a whole hour is given in minutes, the way
    meetings are usually announced (``45 minutes``, ``90 minutes``); longer ones are
    spelled out in hours and minutes (``2 hours 30 minutes``).
    """
    seconds = td.total_seconds()
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {td!r}")
    minutes_total = int((seconds + 30) // 60)
    if minutes_total < 120 and minutes_total % 60:
        return words.unit(count=minutes_total, unit="minute")
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        words.unit(count=value, unit=name)
        for name, value in zip(UNITS, (days, hours, minutes), strict=True)
        if value
    ]
    return " ".join(parts) or words.unit(count=0, unit="minute")
