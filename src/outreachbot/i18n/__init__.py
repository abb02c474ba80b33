"""Translatable texts: edit summaries and built-in messages, through Pywikibot's i18n.

The JSON bundles live in ``outreachbot/i18n/outreachbot/<lang>.json`` in the format
translatewiki.net uses for Pywikibot scripts (``%(name)s`` parameters, ``{{PLURAL:}}``).
A text is taken in the language of the wiki it is written to, with Pywikibot's fallback
chain and English last.
"""

from __future__ import annotations

from functools import cache, partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreachbot.rules.when import DateWords


def msg(source: Any, key: str, **params: Any) -> str:
    """The message ``outreachbot-KEY`` in the language of ``source`` (a site or a code)."""
    from pywikibot import i18n

    if i18n._messages_package_name != __name__:
        i18n.set_messages_package(__name__)
    text = i18n.twtranslate(source, f"outreachbot-{key}", params or None)
    assert text is not None  # twtranslate raises rather than return None without fallback
    return text


def date_words(site: Any) -> DateWords:
    """How times are written on ``site`` (a site or a language code), from its messages:
    month and weekday names, the order of a date's parts, the units of a duration."""
    from pywikibot.site import BaseSite

    return _date_words(site.lang if isinstance(site, BaseSite) else str(site))


@cache
def _date_words(code: str) -> DateWords:
    from outreachbot.rules.when import MONTHS, WEEKDAYS, DateWords

    def unit(*, count: int, unit: str) -> str:
        return msg(code, f"duration-{unit}", count=count)

    return DateWords(
        months=tuple(msg(code, f"date-{name.lower()}") for name in MONTHS),
        weekdays=tuple(msg(code, f"date-{name.lower()}") for name in WEEKDAYS),
        day_month=partial(msg, code, "date-day-month"),
        day_month_year=partial(msg, code, "date-day-month-year"),
        long_date=partial(msg, code, "date-long"),
        in_zone=partial(msg, code, "date-in-zone"),
        unit=unit,
    )
