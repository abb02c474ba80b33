"""Read a config page into the frozen objects of `model`, with a message for every bad value.

Organizers are not programmers, and a config page is edited by several of them over months,
so the reader never gives up on a page: a bad value becomes a `Problem` saying in plain
words what is wrong and how to fix it, and the rest of the page is still used.

- ``{{Outreachbot config}}`` gives the `Settings`. Only the first one on the page is read;
  without one the defaults are used. A bad value falls back to its default.
- Each ``{{Outreachbot session}}`` gives one `Session`, or one per occurrence when it
  repeats. A session whose id, title, start or time zone is missing or bad is dropped, as is
  a session whose id is already taken; any other bad value falls back to its default (or,
  for a setting, to the config's value) and the session is kept.
- Template names match as MediaWiki matches them: first letter in either case, ``_`` for a
  space, an optional ``Template:`` prefix. Templates inside one of ours (a session pasted
  into another's notes) and anything in comments or ``<nowiki>`` are not read.
- Values are stripped and HTML comments dropped. Lists are comma- or line-separated, with
  optional ``*`` bullets and ``[[links]]``. A ``time_zones`` entry is ``Zone: label``; the
  label may be left out and is then the zone's last part (``America/Los_Angeles`` shows as
  "Los Angeles"); ``Australia/Sydney Sydney`` (no colon) is reported, not guessed at.
- A start is ``YYYY-MM-DD HH:MM``, wall-clock time in the session's zone, and is stored in
  UTC. A time skipped by a daylight-saving change is an error; a time that happens twice is
  read as the first one, with a warning.
- ``repeat`` (daily, weekly, fortnightly, monthly) with ``until`` (inclusive) makes one
  session per occurrence, id ``ID-YYYY-MM-DD``, each at the same wall-clock time in its zone
  and with its own sign-up subpage. A monthly session on the 31st skips shorter months.

The module is pure: no network, no pywikibot, and the same text always reads the same.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import zoneinfo
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Template, Text
from mwparserfromhell.wikicode import Wikicode

from outreachbot import params
from outreachbot.model import Config, Problem, Session, Settings, Zone
from outreachbot.params import Param
from outreachbot.rules import markup
from outreachbot.titles import is_valid_title, is_valid_user, normalize_title, normalize_user

DEFAULT_DURATION = timedelta(hours=1)
MAX_OCCURRENCES = 500
YEARS = range(1970, 2201)  # a session outside these years is a typo, and keeps dates in range

# Bounds of the numbers organizers set; any other int parameter gets _DEFAULT_INT_RANGE.
_INT_RANGES: dict[str, tuple[int, int]] = {
    "past_sessions": (0, 500),
    "worklist_depth": (0, 5),  # category trees grow fast: depth 5 is already huge
    "worklist_size": (1, 500),
    "capacity": (1, 100_000),
}
_DEFAULT_INT_RANGE = (0, 100_000)
# A session lasts at most a week; an announcement may go out up to two months ahead.
_LONGEST = {"duration": timedelta(days=7), "durations": timedelta(days=60)}

# The longest value of each kind: a line becomes a title or a heading, wikitext a note on
# a page the bot writes (the wiki refuses pages over 2 MB); "" for every other kind.
_LONGEST_TEXT = {"line": 255, "wikitext": 5000, "": 2000}
# Kinds whose values the bot copies into the pages it writes: their markup is checked.
_COPIED_KINDS = frozenset({"line", "wikitext"})

_ESSENTIAL = ("id", "title", "start", "time_zone")
_ID_FORBIDDEN = frozenset("<>[]{}|#")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# Abbreviations people write for the zones they live in; none is an IANA name.
_ZONE_ABBREVIATIONS = {
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "MDT": "America/Denver", "CDT": "America/Chicago", "EDT": "America/New_York",
    "BST": "Europe/London", "CEST": "Europe/Paris", "EEST": "Europe/Athens",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}


class Invalid(ValueError):
    """A value cannot be used; ``message`` says why and how to fix it ('' when the
    reasons were already noted item by item)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


INVALID: Any = object()  # what `read_value` returns for a value that cannot be used

Notes = list[tuple[str, str]]  # (severity, message) about single items of a list value
_Reader = Callable[[str, Param, Notes], Any]


# --- Finding the templates -----------------------------------------------------------

def _clean(code: Wikicode) -> str:
    """Wikitext without its HTML comments, stripped: what the organizer meant."""
    return "".join(str(node) for node in code.nodes if not isinstance(node, Comment)).strip()


def template_name(template: Template) -> str:
    """The name a template call resolves to: ``template:outreachbot_config`` and
    ``Outreachbot config`` are the same template."""
    name = re.sub(r"[\s_]+", " ", _clean(template.name)).strip()
    prefix, colon, rest = name.partition(":")
    if colon and prefix.strip().lower() == "template":
        name = rest.strip()
    return name[:1].upper() + name[1:]


def find_templates(code: Wikicode, *names: str) -> list[Template]:
    """Calls of the named templates in page order, except those inside another of them.

    A session pasted into another session's notes is part of that value, not a session.
    """
    wanted = {name[:1].upper() + name[1:] for name in names}
    found: list[Template] = []
    inside: set[int] = set()
    for template in code.filter_templates(recursive=True):
        if id(template) in inside or template_name(template) not in wanted:
            continue
        found.append(template)
        for param in template.params:
            inside.update(id(t) for t in param.value.filter_templates(recursive=True))
    return found


def _near_misses(code: Wikicode, page: str, problems: list[Problem]) -> None:
    """Report ``{{Outreachbot Config}}`` and the like: MediaWiki names are case-sensitive
    after the first letter, so such a template is not ours and would be silently unread."""
    ours = {params.CONFIG_TEMPLATE.lower(): params.CONFIG_TEMPLATE,
            params.SESSION_TEMPLATE.lower(): params.SESSION_TEMPLATE}
    for template in code.filter_templates(recursive=True):
        name = template_name(template)
        right = ours.get(name.lower())
        if right and name != right:
            problems.append(Problem(
                page, name, "", "",
                f"{{{{{name}}}}} is not read: template names are case-sensitive after "
                f"the first letter; write {{{{{right}}}}}"))


def stray_parameters(code: Wikicode, template: Template,
                     names: Collection[str]) -> tuple[str, list[str]] | None:
    """When ``template`` ended early, the parameter whose value held the ``}}`` that ended
    it and the names of the parameters left outside it; None when it ended where it
    should.

    A ``}}`` in a value closes the template there, and the lines after it (``| start =
    ...``) are plain text on the page: without this check they would be silently unread.
    """
    try:
        index = code.index(template)
    except ValueError:
        return None
    after: list[str] = []
    for node in code.nodes[index + 1:]:
        if isinstance(node, Comment):
            continue
        if not isinstance(node, Text):
            break
        after.append(str(node))
    found = [re.sub(r"[\s_]+", "_", name.strip().lower()) for name in
             re.findall(r"\|\s*([^|={}\[\]<>\n]+?)\s*=", "".join(after))]
    stray = list(dict.fromkeys(name for name in found if name in names))
    if not stray:
        return None
    last = _clean(template.params[-1].name) if template.params else ""
    return last, stray


def _report_stray(code: Wikicode, template: Template, names: Collection[str],
                  report: _Report) -> None:
    found = stray_parameters(code, template, names)
    if found is None:
        return
    last, stray = found
    value = next((_clean(p.value) for p in template.params if _clean(p.name) == last), "")
    report.add(last, value, early_end_message(stray))


def early_end_message(stray: Sequence[str]) -> str:
    listed = ", ".join(f"'| {name} = ...'" for name in stray)
    return (f"the template ends early, at a '}}}}' written in this value or just after it, "
            f"so the lines after it ({listed}) are not read; write braces that belong to "
            "the value as <nowiki>}}</nowiki>")


def raw_params(template: Template) -> list[tuple[str, str, bool]]:
    """(name, value, named) of each parameter as written, comments dropped, stripped."""
    return [(_clean(p.name), _clean(p.value), bool(p.showkey)) for p in template.params]


def config_values(text: str) -> dict[str, str]:
    """The non-empty values of the first ``{{Outreachbot config}}`` in ``text``, unchecked:
    for callers that need one setting of a revision cheaply (the trust rule)."""
    found = find_templates(mwparserfromhell.parse(text), params.CONFIG_TEMPLATE)
    if not found:
        return {}
    return {name: value for name, value, _ in raw_params(found[0]) if value}


# --- Reporting -----------------------------------------------------------------------

@dataclasses.dataclass
class _Report:
    """Where problems of one template go, and what they are attributed to."""

    page: str
    template: str
    problems: list[Problem]
    item: str = ""

    def add(self, param: str, value: str, message: str, severity: str = "error") -> None:
        self.problems.append(
            Problem(self.page, self.template, param, value, message, self.item, severity))

    def about(self, item: str) -> _Report:
        return dataclasses.replace(self, item=item)


def format_problems(problems: Sequence[Problem]) -> str:
    """One line per problem, errors and warnings told apart, for a console or a log."""
    return "\n".join(f"{p.severity}: {p}" for p in problems)


# --- Reading values, one reader per parameter kind -------------------------------------

def read_value(param: Param, text: str) -> tuple[Any, Notes]:
    """Read ``text`` as ``param`` says; returns the value (`INVALID` when it cannot be
    used) and the (severity, message) notes about it. Never raises on bad input."""
    notes: Notes = []
    try:
        text = _within_length(param, text, notes)
        value = _READERS[param.kind](text, param, notes)
    except Invalid as bad:
        if bad.message:
            notes.append(("error", bad.message))
        value = INVALID
    if value is not INVALID and param.kind in _COPIED_KINDS:
        quoted = repr(markup.shorten(text, 60))
        notes.extend(("warning", f"{quoted} {problem}") for problem in markup.problems(text))
    return value, notes


def _within_length(param: Param, text: str, notes: Notes) -> str:
    """The value, cut to the longest length its kind allows (with a warning) or `Invalid`
    when no value of its kind can be that long. Such a value is most often text that
    belongs elsewhere: a '}}' or a '|' missing above it."""
    size = len(text)
    longest = _LONGEST_TEXT.get(param.kind, _LONGEST_TEXT[""])
    if size <= longest:
        return text
    if param.kind == "line":
        notes.append(("warning", f"the value is {size} characters long; only the first "
                                 f"{longest} are used. Write a shorter one"))
        return markup.shorten(text, longest)
    if param.kind == "wikitext":
        notes.append(("warning", f"the value is {size} characters long; only the first "
                                 f"{longest} are shown. Put long texts on a page of their "
                                 "own and link it"))
        cut = text[:longest]
        return cut.rsplit("\n", 1)[0] if "\n" in cut[longest // 2:] else cut
    raise Invalid(f"the value is {size} characters long, far longer than this parameter "
                  "can be; check that it holds only what belongs here (a '}}' or a '|' may "
                  "be missing above it)")


def _read(param: Param, text: str, report: _Report) -> Any:
    value, notes = read_value(param, text)
    for severity, message in notes:
        report.add(param.name, text, message, severity)
    return value


def split_list(text: str) -> list[str]:
    """Items of a comma- or line-separated list; ``*``/``#`` bullets dropped and commas
    inside ``[[links]]`` kept."""
    items = re.split(r"[,\n](?![^\[\]]*\]\])", text)
    return [item.strip().lstrip("*#:").strip() for item in items if item.strip(" *#:\t")]


def _unlink(text: str) -> str:
    """``[[:Category:X|label]]`` → ``Category:X``; other text unchanged."""
    match = re.fullmatch(r"\[\[([^\[\]|]*)(?:\|[^\[\]]*)?\]\]", text.strip())
    if not match:
        return text.strip()
    return match.group(1).partition("#")[0].strip()


def _read_line(text: str, param: Param, notes: Notes) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _read_wikitext(text: str, param: Param, notes: Notes) -> str:
    return text.strip()


def _title(text: str) -> str:
    title = _unlink(text)
    reason = is_valid_title(title)
    if reason:
        raise Invalid(f"{text!r} is not a valid page title: {reason}. "
                      "Write the title as it appears at the top of the page")
    return normalize_title(title)


def _read_title(text: str, param: Param, notes: Notes) -> str:
    return _title(text)


def _read_list(text: str, notes: Notes, read_item: Callable[[str], Any]) -> tuple[Any, ...]:
    """Good items of a list, in order, without repeats; each bad one is noted. A list whose
    items are all bad is `Invalid`, so the parameter falls back to its default."""
    good: list[Any] = []
    bad = 0
    for item in split_list(text):
        try:
            value = read_item(item)
        except Invalid as problem:
            notes.append(("error", problem.message))
            bad += 1
            continue
        if value not in good:
            good.append(value)
    if bad and not good:
        raise Invalid("")
    return tuple(good)


def _read_titles(text: str, param: Param, notes: Notes) -> tuple[str, ...]:
    return _read_list(text, notes, _title)


# The time and the date that end a signature: what four tildes typed in a list become.
_SIGNATURE_PART = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{4} \([A-Z]{2,5}\)$")


def _user(text: str) -> str:
    if _SIGNATURE_PART.search(text):
        raise Invalid(f"{markup.shorten(text, 80)!r} looks like part of a signature: four "
                      "tildes typed in a list become a signature when the page is saved. "
                      "Write the user names only, separated by commas")
    match = re.fullmatch(r"\[\[\s*:?\s*user(?:[ _]talk)?\s*:([^\[\]|#]*)(?:\|[^\[\]]*)?\]\]",
                         text.strip(), re.IGNORECASE)
    name = match.group(1) if match else text
    reason = is_valid_user(name)
    if reason:
        raise Invalid(f"{text!r} is not a user name: {reason}. "
                      "Write the account name as it appears after 'User:'")
    return normalize_user(name)


def _read_users(text: str, param: Param, notes: Notes) -> tuple[str, ...]:
    return _read_list(text, notes, _user)


def read_users(text: str) -> tuple[str, ...]:
    """The valid user names of a users list, normalized; bad entries are left out."""
    try:
        return _read_list(text, [], _user)
    except Invalid:
        return ()


# Time zones.

@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone name tzdata knows, by its lowercase form."""
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def _zone(text: str) -> str:
    """The canonical IANA name of a zone: case and spaces for underscores are forgiven."""
    key = _zones().get(re.sub(r"\s+", "_", text.strip()).lower())
    if key:
        return key
    if " " in text.strip() and _zones().get(text.split()[0].lower()):
        zone, label = text.split(None, 1)
        raise Invalid(f"{text!r} is not a time zone: put a colon between the zone and its "
                      f"label, as in '{zone}: {label}'")
    raise Invalid(f"{text!r} is not a time zone; use an IANA name such as "
                  f"{_zone_suggestion(text)!r}")


def _zone_suggestion(text: str) -> str:
    guess = _ZONE_ABBREVIATIONS.get(text.strip().upper())
    if guess:
        return guess
    wanted = re.sub(r"\s+", "_", text.strip()).lower()
    close = difflib.get_close_matches(wanted, list(_zones()), n=1, cutoff=0.6)
    return _zones()[close[0]] if close else "Europe/Paris"


def _read_zone(text: str, param: Param, notes: Notes) -> str:
    return _zone(text)


def _zone_entry(text: str) -> Zone:
    """``Zone: label`` or a bare zone, labelled by its last part."""
    key_text, colon, label = text.partition(":")
    key = _zone(key_text)
    label = re.sub(r"\s+", " ", label).strip() if colon else ""
    return Zone(key, label or key.rsplit("/", 1)[-1].replace("_", " "))


def _read_zones(text: str, param: Param, notes: Notes) -> tuple[Zone, ...]:
    zones = _read_list(text, notes, _zone_entry)
    keys = [zone.key for zone in zones]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        notes.append(("warning", f"{key} is listed twice; only the first is shown, "
                                 "so remove the other"))
    return tuple(zone for n, zone in enumerate(zones) if zone.key not in keys[:n])


# Lengths of time.

_UNIT_SECONDS = {
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 86400),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
}
_DURATION_TOKEN = re.compile(r"\s*(?:and\b|(\d+(?:\.\d+)?)\s*([a-z]*))\s*", re.ASCII)
_LONGEST_EVER = timedelta(days=3650)  # what `parse_duration` accepts at all
_EXAMPLES = "such as '60 minutes', '1 hour', '1h30' or '7 days'"


def parse_duration(text: str, longest: timedelta = _LONGEST_EVER) -> timedelta:
    """Read '90 min', '1h30', '1 hour and 30 minutes', '1:30', '2 weeks'; raises `Invalid`
    with the reason. Whole seconds; zero and negative lengths, and lengths over
    ``longest``, are invalid."""
    written = text.strip().lower()
    if written.startswith("-"):
        raise Invalid(f"{text!r} is negative; write a length of time {_EXAMPLES}")
    seconds = _duration_seconds(text, written)
    if seconds > longest.total_seconds():
        raise Invalid(f"{text!r} is more than {_describe(longest)}, the longest this "
                      "parameter accepts; write a shorter length of time")
    if round(seconds) <= 0:
        raise Invalid(f"{text!r} is no time at all; write a length of time {_EXAMPLES}")
    return timedelta(seconds=round(seconds))


def _duration_seconds(text: str, written: str) -> float:
    clock = re.fullmatch(r"(\d{1,3}):([0-5]\d)", written)
    if clock:
        return int(clock.group(1)) * 3600 + int(clock.group(2)) * 60
    seconds, position, previous = 0.0, 0, ""
    while position < len(written):
        match = _DURATION_TOKEN.match(written, position)
        if not match or match.end() == position:
            raise Invalid(f"{text!r} is not a length of time; write a number and a unit, "
                          f"{_EXAMPLES}")
        position = match.end()
        if match.group(1) is None:
            continue
        number, unit = float(match.group(1)), match.group(2)
        if not unit and previous in ("h", "hr", "hrs", "hour", "hours"):
            unit = "min"  # the 30 of '1h30'
        if unit not in _UNIT_SECONDS:
            raise Invalid(_unit_message(text, match.group(1), unit))
        seconds, previous = seconds + number * _UNIT_SECONDS[unit], unit
    if not previous:
        raise Invalid(f"{text!r} is not a length of time; write a number and a unit, "
                      f"{_EXAMPLES}")
    return seconds


def _unit_message(text: str, number: str, unit: str) -> str:
    if not unit:
        return f"{text!r} has no unit; write, for example, '{number} minutes'"
    return (f"{text!r} is not a length of time: '{unit}' is not a unit the bot knows; "
            "use minutes, hours, days or weeks")


def _describe(length: timedelta) -> str:
    return f"{length.days} days" if length.days else f"{length.seconds // 60} minutes"


def _duration_within(text: str, longest: timedelta) -> timedelta:
    return parse_duration(text, longest)


def _read_duration(text: str, param: Param, notes: Notes) -> timedelta:
    return _duration_within(text, _LONGEST["duration"])


def _read_durations(text: str, param: Param, notes: Notes) -> tuple[timedelta, ...]:
    return _read_list(text, notes, lambda item: _duration_within(item, _LONGEST["durations"]))


# Numbers, links, choices, sites.

def _read_int(text: str, param: Param, notes: Notes) -> int:
    low, high = _INT_RANGES.get(param.name, _DEFAULT_INT_RANGE)
    span = f"write a number from {low} to {high}"
    match = re.fullmatch(r"([+-]?)\s*([0-9]+)", text.strip())
    if not match:
        raise Invalid(f"{text!r} is not a whole number; write it in digits, such as "
                      f"{param.example or str(high // 10)!r}")
    if match.group(1) == "-" and int(match.group(2)[:12]) > 0:
        raise Invalid(f"{text!r} is negative; {span}")
    digits = match.group(2).lstrip("0") or "0"
    if len(digits) > 12 or int(digits) > high:
        raise Invalid(f"{text!r} is too large; {span}")
    if int(digits) < low:
        raise Invalid(f"{text!r} is too small; {span}")
    return int(digits)


def _read_url(text: str, param: Param, notes: Notes) -> str:
    bracketed = re.fullmatch(r"\[(\S+)(?:\s[^\]]*)?\]", text.strip())
    url = bracketed.group(1) if bracketed else text.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", url):
        return url
    if not parts.scheme and re.match(r"[\w-]+(\.[\w-]+)+(/|$)", url):
        raise Invalid(f"{text!r} is not a full web address; write it starting with "
                      f"https://, as in 'https://{url}'")
    raise Invalid(f"{text!r} is not a web address; write a link starting with https:// "
                  "(or http://)")


def _read_choice(text: str, param: Param, notes: Notes) -> str:
    written = text.strip().lower()
    if written in param.choices:
        return written
    close = difflib.get_close_matches(written, param.choices, n=1, cutoff=0.8)
    if close:
        notes.append(("warning", f"{text!r} is read as {close[0]!r}; write {close[0]!r} "
                                 "to make sure"))
        return close[0]
    raise Invalid(f"{text!r} is not one of the accepted values; write one of "
                  f"{', '.join(param.choices)}")


def _read_site(text: str, param: Param, notes: Notes) -> str:
    site = re.sub(r"^[a-z]+://", "", text.strip().lower()).rstrip("/")
    label = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    if re.fullmatch(rf"{label}(?:\.{label})+(?::[0-9]{{1,5}})?", site, re.ASCII):
        return site
    raise Invalid(f"{text!r} is not a wiki's address; write its domain name, such as "
                  f"{param.example or 'en.wikipedia.org'!r}")


# Dates and times.

def _month_hint(text: str) -> str:
    """'31 June' is doubly wrong; say both, so the second fix is not a second round trip."""
    for number, name in enumerate(_MONTHS, 1):
        if re.search(rf"\b{name[:3]}", text, re.IGNORECASE):
            day = re.search(r"\b([0-9]{1,2})\b", text)
            days = _days_in(2000, number)  # a leap year: 29 February is fine somewhere
            if day and int(day.group(1)) > days:
                return f" (and {name} has only {days} days)"
    return ""


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _date(text: str, year: str, month: str, day: str) -> date:
    y, m, d = int(year), int(month), int(day)
    if y not in YEARS:
        raise Invalid(f"{text!r} is not a date the bot can use: the year must be from "
                      f"{YEARS.start} to {YEARS.stop - 1}")
    if not 1 <= m <= 12:
        raise Invalid(f"{text!r} is not a date: there is no month {m}; write the date as "
                      "YYYY-MM-DD, month before day")
    days = _days_in(y, m)
    if not 1 <= d <= days:
        in_month = _MONTHS[m - 1] + (f" {y}" if m == 2 else "")
        raise Invalid(f"{text!r} is not a date: {in_month} has {days} days")
    return date(y, m, d)


def parse_date(text: str) -> date:
    """Read 'YYYY-MM-DD'; raises `Invalid` saying what is wrong."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text.strip())
    if not match:
        raise Invalid(f"{text!r} is not a date in the form YYYY-MM-DD; write it like "
                      f"'2020-06-30'{_month_hint(text)}")
    return _date(text, *match.groups())


def parse_local_datetime(text: str) -> datetime:
    """Read 'YYYY-MM-DD HH:MM' (24-hour clock) into a naive wall-clock datetime."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:\s+|T)(.*))?",
                         text.strip(), re.DOTALL)
    if not match:
        raise Invalid(f"{text!r} is not a date and time in the form YYYY-MM-DD HH:MM; "
                      f"write it like '2020-05-26 09:00'{_month_hint(text)}")
    day = _date(text, *match.groups()[:3])
    if match.group(4) is None:
        raise Invalid(f"{text!r} has no time of day; write it as YYYY-MM-DD HH:MM, such as "
                      f"'{day.isoformat()} 09:00'")
    return datetime.combine(day, _time(text, match.group(4)))


def _time(text: str, clock: str) -> time:
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", clock.strip())
    if not match:
        raise Invalid(f"{text!r} does not have a time in the form HH:MM; write the time on "
                      "the 24-hour clock, such as '09:00' or '21:30'")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise Invalid(f"{text!r} is not a time: hours go from 00 to 23 and minutes from "
                      "00 to 59 (midnight is 00:00 of the next day)")
    return time(hour, minute)


def _read_date(text: str, param: Param, notes: Notes) -> date:
    return parse_date(text)


def _read_datetime(text: str, param: Param, notes: Notes) -> datetime:
    return parse_local_datetime(text)


_READERS: dict[str, _Reader] = {
    "title": _read_title, "titles": _read_titles, "zones": _read_zones,
    "durations": _read_durations, "duration": _read_duration, "users": _read_users,
    "int": _read_int, "datetime": _read_datetime, "date": _read_date, "zone": _read_zone,
    "url": _read_url, "choice": _read_choice, "wikitext": _read_wikitext,
    "line": _read_line, "site": _read_site,
}


# --- Wall-clock times in a zone ------------------------------------------------------

def to_utc(wall: datetime, key: str) -> tuple[datetime | None, str]:
    """The UTC instant of a wall-clock time in zone ``key``, and a message when the
    clocks change around it: (None, why) when the time is skipped, (first occurrence,
    warning) when it happens twice, (instant, '') otherwise."""
    zone = zoneinfo.ZoneInfo(key)
    early, late = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    before, after = early.utcoffset(), late.utcoffset()
    assert before is not None and after is not None
    shown = f"{wall:%Y-%m-%d %H:%M}"
    if before == after:
        return early.astimezone(UTC), ""
    change = _change_between(wall, zone, before, after)
    if before < after:
        return None, (f"{shown!r} does not exist in {key}: clocks go forward "
                      f"{change}; pick another time")
    instant = early.astimezone(UTC)
    return instant, (f"{shown!r} happens twice in {key}: clocks go back {change}; the "
                     f"first one ({instant:%H:%M} UTC) is used. Pick another time to be sure")


def _change_between(wall: datetime, zone: zoneinfo.ZoneInfo, before: timedelta,
                    after: timedelta) -> str:
    """'from 01:00 to 02:00 that day': the clock change nearest ``wall``, found by
    bisecting the UTC instants the wall time could be."""
    low = int((wall - max(before, after)).replace(tzinfo=UTC).timestamp())
    high = int((wall - min(before, after)).replace(tzinfo=UTC).timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    instant = datetime.fromtimestamp(high, UTC).replace(tzinfo=None)
    old, new = instant + before, instant + after
    if old.date() == new.date() == wall.date():
        return f"from {old:%H:%M} to {new:%H:%M} that day"
    return f"from {old:%Y-%m-%d %H:%M} to {new:%Y-%m-%d %H:%M}"


# --- Sessions ------------------------------------------------------------------------

def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    """(year, month) from the month of ``first`` to that of ``last``."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = year + month // 12, month % 12 + 1


def _repeat_dates(first: date, repeat: str, until: date) -> Iterator[date]:
    """Occurrence dates from ``first`` to ``until`` inclusive; a monthly series keeps its
    day of the month and skips months that lack it, as calendar programs do."""
    if repeat == "monthly":
        for year, month in _months(first, until):
            if first.day <= _days_in(year, month) and date(year, month, first.day) <= until:
                yield date(year, month, first.day)
        return
    step = timedelta(days={"daily": 1, "weekly": 7, "fortnightly": 14}[repeat])
    day = first
    while day <= until:
        yield day
        day += step


def _dates(fields: dict[str, Any], values: dict[str, str], report: _Report) -> list[date]:
    """The local dates a session happens on, reporting what stops a series."""
    first: date = fields["start"].date()
    repeat, until = fields.get("repeat"), fields.get("until")
    if repeat is None:
        if "until" in values:
            report.add("until", values["until"], "'until' is used only with 'repeat'; add "
                       "'| repeat = weekly' (or daily, fortnightly, monthly) or remove it",
                       "warning")
        return [first]
    if until is None:
        if "until" not in values:  # else the bad date is reported already
            report.add("repeat", values["repeat"], f"a {repeat} session needs '| until = "
                       "YYYY-MM-DD', the date of its last occurrence; until then only the "
                       "first is listed")
        return [first]
    if until < first:
        report.add("until", values["until"], f"'{until}' is before the first session on "
                   f"{first}; write a later date. Until then only the first is listed")
        return [first]
    short = [_MONTHS[m - 1] for y, m in _months(first, until)
             if repeat == "monthly" and _days_in(y, m) < first.day]
    if short:
        report.add("repeat", values["repeat"], f"{', '.join(dict.fromkeys(short))} "
                   f"{'has' if len(set(short)) == 1 else 'have'} no day {first.day}, so this "
                   "series skips them; to meet every month, start on day 28 or before",
                   "warning")
    dates = list(islice(_repeat_dates(first, repeat, until), MAX_OCCURRENCES + 1))
    if len(dates) > MAX_OCCURRENCES:
        dates = dates[:MAX_OCCURRENCES]
        report.add("until", values["until"], f"a {repeat} series up to {until} makes more "
                   f"than {MAX_OCCURRENCES} sessions; only the first {MAX_OCCURRENCES} (to "
                   f"{dates[-1]}) are listed. Write an earlier date")
    return dates


def _agenda(text: str) -> tuple[str, ...]:
    """Topics of ``* topic`` lines; a line without a bullet continues the topic above."""
    topics: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bulleted = any(line[0] in "*#" for line in lines)
    for line in lines:
        if line[0] in "*#":
            topics.append(line.lstrip("*#:").strip())
        elif bulleted and topics:
            topics[-1] = f"{topics[-1]} {line}".strip()
        else:
            topics.append(line)
    return tuple(topic for topic in topics if topic)


def _values(raw: list[tuple[str, str, bool]], accepted: Sequence[Param],
            report: _Report) -> dict[str, str]:
    """The non-empty values of known parameters; unknown, unnamed and repeated parameters
    are reported (MediaWiki uses the last of a repeated one, and so do we)."""
    names = {param.name for param in accepted}
    values: dict[str, str] = {}
    seen: set[str] = set()
    for name, value, named in raw:
        if not named:
            report.add(name, value, f"{value!r} has no parameter name; write it as "
                       "'| name = value'")
        elif name not in names:
            report.add(name, value, _unknown_message(name, names, report.template))
        else:
            if name in seen:
                report.add(name, value, f"'{name}' is given more than once; the last one "
                           "is used, so remove the others", "warning")
            seen.add(name)
            if value:
                values[name] = value
            else:
                values.pop(name, None)
    return values


def _unknown_message(name: str, names: set[str], template: str) -> str:
    known = f"'{name}' is not a parameter of {{{{{template}}}}}"
    if template == params.CONFIG_TEMPLATE and name in params.SESSION_PARAM_NAMES:
        return f"{known}; it belongs in each {{{{{params.SESSION_TEMPLATE}}}}}, so move it there"
    simple = re.sub(r"[\s-]+", "_", name.strip().lower())
    close = [simple] if simple in names else difflib.get_close_matches(simple, names, 1, 0.7)
    if close:
        return f"{known}; did you mean '{close[0]}'?"
    return f"{known}; check its spelling in the template's documentation"


_ACCEPTED = {param.name: param for param in params.SESSION_PARAMS + params.SETTINGS_PARAMS}


def _read_values(values: dict[str, str], report: _Report) -> dict[str, Any]:
    """Each value read in page order, so problems are listed as the page reads; the bad
    ones are left out."""
    read: dict[str, Any] = {}
    for name, text in values.items():
        value = _read(_ACCEPTED[name], text, report)
        if value is not INVALID:
            read[name] = value
    return read


def _with_settings(read: dict[str, Any], base: Settings) -> Settings:
    """``base`` with the settings given in ``read``; a bad one kept the value of ``base``."""
    changes = {name: value for name, value in read.items() if name in params.CONFIG_PARAM_NAMES}
    return dataclasses.replace(base, **changes) if changes else base


def _read_config(code: Wikicode, templates: list[Template], page: str,
                 problems: list[Problem]) -> Settings:
    report = _Report(page, params.CONFIG_TEMPLATE, problems)
    if not templates:
        report.add("", "", f"this page has no {{{{{params.CONFIG_TEMPLATE}}}}}; add one "
                   "(until then the bot uses its defaults)")
        return Settings()
    if len(templates) > 1:
        report.add("", "", f"there are {len(templates)} {{{{{params.CONFIG_TEMPLATE}}}}} "
                   "templates on this page and only the first is read; merge them into one")
    values = _values(raw_params(templates[0]), params.SETTINGS_PARAMS, report)
    _report_stray(code, templates[0], params.CONFIG_PARAM_NAMES, report)
    return _with_settings(_read_values(values, report), Settings())


def _session_item(raw: list[tuple[str, str, bool]], number: int) -> str:
    """What problems of a session are attributed to: its id, else its title, else its place."""
    written = {name: value for name, value, named in raw if named and value}
    return written.get("id") or written.get("title") or f"session #{number} on the page"


def _session_fields(values: dict[str, str], report: _Report) -> dict[str, Any] | None:
    """The read session parameters, or None when an essential one is missing or bad."""
    fields = _read_values(values, report)
    usable = True
    for name in _ESSENTIAL:
        if name not in values:
            example = next(p.example for p in params.SESSION_PARAMS if p.name == name)
            report.add(name, "", f"this session has no {name}; add a line such as "
                       f"'| {name} = {example}' (the session is left out until then)")
        usable = usable and name in fields
    if "id" in fields and _ID_FORBIDDEN.intersection(fields["id"]):
        report.add("id", fields["id"], f"{fields['id']!r} is not a usable id: it cannot "
                   "contain any of < > [ ] { } | #; use letters, digits and dashes")
        usable = False
    return fields if usable else None


def _read_session(code: Wikicode, template: Template, number: int, settings: Settings,
                  page: str, problems: list[Problem], taken: set[str]) -> list[Session]:
    """The sessions of one ``{{Outreachbot session}}``: none, one, or one per occurrence."""
    raw = raw_params(template)
    report = _Report(page, params.SESSION_TEMPLATE, problems, _session_item(raw, number))
    values = _values(raw, list(_ACCEPTED.values()), report)
    _report_stray(code, template, _ACCEPTED.keys(), report)
    fields = _session_fields(values, report)
    if fields is None:
        return []
    if fields["id"] in taken:
        report.add("id", fields["id"], _taken_message(fields["id"]))
        return []
    taken.add(fields["id"])
    return _occurrences(fields, values, _with_settings(fields, settings), report, taken)


def _taken_message(session_id: str) -> str:
    return (f"{session_id!r} is already the id of an earlier session on this page; give "
            "each session its own id (this one is left out until then)")


def _occurrences(fields: dict[str, Any], values: dict[str, str], settings: Settings,
                 report: _Report, taken: set[str]) -> list[Session]:
    """One Session per date, each at the same wall-clock time in its zone."""
    series = fields["id"] if "repeat" in fields else None
    base = _session(fields, settings)
    sessions: list[Session] = []
    for day in _dates(fields, values, report):
        session_id = f"{series}-{day.isoformat()}" if series else fields["id"]
        here = report.about(session_id)
        wall = datetime.combine(day, fields["start"].time())
        start, message = to_utc(wall, fields["time_zone"])
        if message:
            written = f"{wall:%Y-%m-%d %H:%M}" if series else values["start"]
            here.add("start", written, message,
                     "error" if start is None else "warning")
        if start is None:
            continue
        if series and session_id in taken:
            here.add("id", session_id, _taken_message(session_id))
            continue
        taken.add(session_id)
        sessions.append(dataclasses.replace(
            base, id=session_id, start=start, series=series,
            signup_page=_signup_page(base.signup_page, day, here) if series else
            base.signup_page))
    return sessions


def _signup_page(page: str | None, day: date, report: _Report) -> str | None:
    """Each occurrence of a series gets its own sign-up subpage, named by its date."""
    if page is None:
        return None
    title = f"{page}/{day.isoformat()}"
    reason = is_valid_title(title)
    if reason:
        report.add("signup_page", page, f"the sign-up page of this occurrence, {title!r}, "
                   f"is not a valid page title: {reason}; write a shorter title")
        return None
    return title


def _session(fields: dict[str, Any], settings: Settings) -> Session:
    """A Session from read fields; start and id are set per occurrence by the caller."""
    return Session(
        id=fields["id"], title=fields["title"], start=datetime.min.replace(tzinfo=UTC),
        time_zone=fields["time_zone"], duration=fields.get("duration", DEFAULT_DURATION),
        settings=settings, event=fields.get("event", ""),
        platform=fields.get("platform", ""), join=fields.get("join", ""),
        hosts=fields.get("hosts", ()), agenda=_agenda(fields.get("agenda", "")),
        signup_page=fields.get("signup_page"), status=fields.get("status", "scheduled"),
        notes=fields.get("notes", ""), recording=fields.get("recording", ""))


# --- The page ------------------------------------------------------------------------

def visible_text(text: str, page: str, problems: list[Problem], template: str = "") -> str:
    """The part of a page the wiki shows: all of it, unless an HTML comment is opened and
    never closed, which hides everything after it (reported; the bot reads what readers
    see)."""
    start = markup.open_comment(text)
    if start is None:
        return text
    line = markup.line_number(text, start)
    shown = markup.shorten(text[start:], 60)
    problems.append(Problem(
        page, template, "", "",
        f"line {line} opens an HTML comment with '<!--' that is never closed ({shown!r}), "
        "so the wiki hides everything after it and the bot does not read it either; close "
        "the comment with '-->' or remove it", f"line {line}"))
    return text[:start]


def parse_config(text: str, page: str, *, revision: int | None = None) -> Config:
    """Read a config page's wikitext (at ``revision``) into a `Config`.

    Never raises on bad input: every problem is in ``Config.problems`` and the usable rest
    of the page is in the settings and sessions.
    """
    problems: list[Problem] = []
    text = visible_text(text, page, problems)
    code = mwparserfromhell.parse(text)
    _near_misses(code, page, problems)
    found = find_templates(code, params.CONFIG_TEMPLATE, params.SESSION_TEMPLATE)
    configs = [t for t in found if template_name(t) == params.CONFIG_TEMPLATE]
    settings = _read_config(code, configs, page, problems)
    sessions: list[Session] = []
    taken: set[str] = set()
    calls = [t for t in found if template_name(t) == params.SESSION_TEMPLATE]
    for number, template in enumerate(calls, 1):
        sessions.extend(_read_session(code, template, number, settings, page, problems,
                                      taken))
    return Config(page=page, revision=revision, settings=settings, sessions=tuple(sessions),
                  problems=tuple(problems))
