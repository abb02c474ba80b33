"""How session times are written on the wiki.

The activities page writes a time the way its organizers always have::

    30 May 2019 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT

English month and day names are spelled out here rather than taken from the machine's
locale, so the text is the same on every machine. Local times come from the IANA zone
database (``zoneinfo``), which knows half-hour and 45-minute offsets and daylight-saving
changes.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def _day_month(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]}"


def when_in_zone(start_utc: datetime, zone: Zone, *, with_year: bool = True) -> str:
    """One zone's part: ``30 May 2019 09:00 Sydney`` (``29 May 16:00 Pacific`` without year)."""
    moment = local_time(start_utc, zone)
    date = _day_month(moment)
    if with_year:
        date += f" {moment.year}"
    return f"{date} {_clock(moment)} {zone.label}".rstrip()


def when_in_zones(start_utc: datetime, zones: Sequence[Zone]) -> str:
    """The start in every zone, the first with the year, joined by `` / ``.

    >>> from datetime import datetime, UTC
    >>> when_in_zones(datetime(2019, 5, 29, 23, 0, tzinfo=UTC), [
    ...     Zone("Australia/Sydney", "Sydney"), Zone("America/Los_Angeles", "Pacific"),
    ...     Zone("UTC", "GMT")])
    '30 May 2019 09:00 Sydney / 29 May 16:00 Pacific / 29 May 23:00 GMT'
    """
    zones = tuple(zones) or DEFAULT_ZONES
    return " / ".join(
        when_in_zone(start_utc, zone, with_year=index == 0) for index, zone in enumerate(zones)
    )


def clock_in_zone(start_utc: datetime, zone: Zone) -> str:
    """The wall-clock time and the zone's label: ``09:00 Sydney``."""
    return f"{_clock(local_time(start_utc, zone))} {zone.label}".rstrip()


def long_date(start_utc: datetime, zone: Zone) -> str:
    """The local date written out: ``Tuesday 26 May 2020``."""
    moment = local_time(start_utc, zone)
    return f"{WEEKDAYS[moment.weekday()]} {_day_month(moment)} {moment.year}"


def reader_zone_url(start_utc: datetime, title: str) -> str:
    """A timeanddate.com link that shows the start in the reader's own time zone."""
    moment = _utc(start_utc)
    iso = f"{moment.year:04d}{moment.month:02d}{moment.day:02d}T{_clock(moment).replace(':', '')}"
    # '~' and '_' too: '~~~~' and '__NOTOC__' act anywhere in wikitext, in a link as well.
    message = quote(title, safe="").replace("~", "%7E").replace("_", "%5F")
    return f"{READER_ZONE_URL}?iso={iso}&msg={message}&p1={_TIMEANDDATE_UTC}"


def _unit(count: int, name: str) -> str:
    return f"{count} {name}" if count == 1 else f"{count} {name}s"


def format_duration(td: timedelta) -> str:
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
        return _unit(minutes_total, "minute")
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        _unit(value, name)
        for value, name in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if value
    ]
    return " ".join(parts) or "0 minutes"
