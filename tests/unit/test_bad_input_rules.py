"""Bad input, without a wiki: a table of cases per kind of input.

Each case is one mistake (or one attempt at injecting markup) that organizers or the
community could write: in a config value, a task template, a delivery list line or an
attendee line. For each, the reader must give a message naming the place and the value,
not raise, keep the good parts beside it, and whatever the bot writes from it must stay
where it is put: no marker, template, table or comment of the page around it broken, no
signature or substitution made when the page is saved. The same mistakes on the real wiki
are in ``tests/integration/test_bad_input.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import mwparserfromhell
import pytest

from outreachbot.config import parse_config
from outreachbot.model import Problem, Session, Settings, Zone
from outreachbot.rules import announcement
from outreachbot.rules.activities import render_past, render_upcoming
from outreachbot.rules.attendees import ListRules, attendees, list_problems, maintain
from outreachbot.rules.blocks import read_block, replace_block
from outreachbot.rules.delivery import parse_delivery_list
from outreachbot.rules.markup import neutralize, open_comment
from outreachbot.rules.signup_page import render_signup_page
from outreachbot.rules.signups import signers
from outreachbot.rules.status import problem_line
from outreachbot.rules.tasks import read_tasks, render_tasks

PAGE = "Group/Outreachbot config"
NOW = datetime(2020, 5, 20, tzinfo=UTC)
BIG = "x" * 100_000
CONFIG = ("{{Outreachbot config\n| activities_page = Group/Activities\n"
          "| status_page = User:OutreachBot/Status\n}}\n")
GOOD = ("{{Outreachbot session | id = good-before | title = Good before "
        "| start = 2020-06-01 10:00 | time_zone = UTC }}\n")
GOOD_AFTER = ("{{Outreachbot session | id = good-after | title = Good after "
              "| start = 2020-06-03 10:00 | time_zone = UTC }}\n")


def session(**values: str | None) -> str:
    """A session template between two good ones; None leaves a parameter out."""
    written: dict[str, str | None] = {
        "id": "bad", "title": "Bad one", "start": "2020-06-02 10:00", "time_zone": "UTC"}
    written.update(values)
    lines = "".join(f"| {name} = {value}\n" for name, value in written.items()
                    if value is not None)
    return "{{Outreachbot session\n" + lines + "}}\n"


# --- Config values ----------------------------------------------------------------------

@dataclass(frozen=True)
class ConfigCase:
    """A config page with one mistake; the problem it must give; the bad session's fate."""

    id: str
    text: str  # the session (or config) template with the mistake
    param: str
    value: str  # a part of the bad value, as the problem quotes it
    phrase: str  # a part of the message
    item: str | None = "bad"  # the session the problem is attributed to (None: any)
    kept: bool | None = True  # the bad session is still listed; None: not applicable
    severity: str = "error"
    after_kept: bool = True  # the good session after the mistake is still read
    config: str = CONFIG

    def __str__(self) -> str:
        return self.id


CONFIG_CASES = [
    # Impossible dates.
    ConfigCase("date-june-31", session(start="2020-06-31 10:00"), "start", "2020-06-31",
               "June has 30 days", kept=False),
    ConfigCase("date-feb-30", session(start="2020-02-30 10:00"), "start", "2020-02-30",
               "February 2020 has 29 days", kept=False),
    ConfigCase("date-feb-29-no-leap", session(start="2021-02-29 10:00"), "start",
               "2021-02-29", "February 2021 has 28 days", kept=False),
    ConfigCase("date-until-feb-30", session(repeat="weekly", until="2020-02-30"), "until",
               "2020-02-30", "February 2020 has 29 days"),
    ConfigCase("date-year-0", session(start="0000-01-01 00:00"), "start", "0000-01-01",
               "the year must be from 1970 to 2200", kept=False),
    ConfigCase("date-month-13", session(start="2020-13-01 10:00"), "start", "2020-13-01",
               "there is no month 13", kept=False),
    # Time zones.
    ConfigCase("zone-unknown", session(time_zone="Mars/Olympus"), "time_zone", "Mars/Olympus",
               "is not a time zone", kept=False),
    ConfigCase("zone-abbreviation", session(time_zone="PST"), "time_zone", "PST",
               "use an IANA name such as 'America/Los_Angeles'", kept=False),
    ConfigCase("zones-no-colon", CONFIG.replace("}}", "| time_zones = Australia/Sydney "
                                                "Sydney, UTC: GMT\n}}") + session(),
               "time_zones", "Australia/Sydney Sydney", "put a colon between the zone",
               item=None, config=""),
    # Daylight-saving gaps and overlaps.
    ConfigCase("dst-gap-london", session(start="2021-03-28 01:30", time_zone="Europe/London"),
               "start", "2021-03-28 01:30", "clocks go forward from 01:00 to 02:00",
               kept=False),
    ConfigCase("dst-gap-new-york", session(start="2020-03-08 02:30",
                                           time_zone="America/New_York"),
               "start", "2020-03-08 02:30", "does not exist in America/New_York", kept=False),
    ConfigCase("dst-gap-in-series", session(start="2021-03-21 01:30",
                                            time_zone="Europe/London", repeat="weekly",
                                            until="2021-04-04"),
               "start", "2021-03-28 01:30", "does not exist in Europe/London",
               item="bad-2021-03-28", kept=None),
    ConfigCase("dst-overlap", session(start="2021-10-31 01:30", time_zone="Europe/London"),
               "start", "2021-10-31 01:30", "happens twice in Europe/London",
               severity="warning"),
    # Huge values.
    ConfigCase("capacity-10e30", session(capacity="1" + "0" * 30), "capacity", "1000000",
               "is too large; write a number from 1 to 100000"),
    ConfigCase("duration-1e9-days", session(duration="1000000000 days"), "duration",
               "1000000000 days", "is more than 7 days, the longest this parameter accepts"),
    ConfigCase("announce-before-1e9-days", session(announce_before="1000000000 days, 1 day"),
               "announce_before", "1000000000 days", "is more than 60 days"),
    ConfigCase("remind-before-huge", session(remind_before="9" * 40 + " minutes"),
               "remind_before", "99999", "is more than 7 days"),
    ConfigCase("past-sessions-huge", CONFIG.replace("}}", "| past_sessions = " + "9" * 40
                                                    + "\n}}") + session(),
               "past_sessions", "99999", "is too large; write a number from 0 to 500",
               item=None, config=""),
    ConfigCase("title-100kB", session(title=BIG), "title", "xxxx",
               "only the first 255 are used", severity="warning"),
    ConfigCase("notes-100kB", session(notes=BIG), "notes", "xxxx",
               "only the first 5000 are shown", severity="warning"),
    ConfigCase("signup-page-100kB", session(signup_page=BIG), "signup_page", "xxxx",
               "far longer than this parameter can be"),
    ConfigCase("zone-100kB", session(time_zone=BIG), "time_zone", "xxxx",
               "far longer than this parameter can be", kept=False),
    # Page titles that cannot be pages.
    ConfigCase("title-over-255-bytes", session(signup_page="Group/" + "é" * 150),
               "signup_page", "Group/ééé", "306 bytes long and a page title can have at most 255"),
    ConfigCase("title-bracket", session(signup_page="Sign up [here]"), "signup_page",
               "Sign up [here]", "page titles cannot contain '['"),
    ConfigCase("title-brace", session(signup_page="Sign up {here}"), "signup_page",
               "Sign up {here}", "page titles cannot contain '{' '}'"),
    ConfigCase("title-hash", session(signup_page="Sign up#here"), "signup_page",
               "Sign up#here", "page titles cannot contain '#'"),
    ConfigCase("title-angle", session(signup_page="Sign up <here>"), "signup_page",
               "Sign up <here>", "page titles cannot contain '<' '>'"),
    ConfigCase("title-control-char", session(signup_page="Sign\x07up"), "signup_page",
               "Sign\x07up", "invisible control character"),
    ConfigCase("title-tildes", CONFIG.replace("Group/Activities", "Group/~~~~") + session(),
               "activities_page", "Group/~~~~", "cannot contain '~~~'", item=None, config=""),
    ConfigCase("status-page-angle", CONFIG.replace("User:OutreachBot/Status",
                                                   "User:OutreachBot/<Status>") + session(),
               "status_page", "<Status>", "page titles cannot contain '<' '>'", item=None,
               config=""),
    # Markup in the free-text fields.
    ConfigCase("title-closing-braces", session(title="Q&A }} part two"), "title", "Q&A",
               "the template ends early, at a '}}'", kept=False),
    ConfigCase("title-closing-brackets", session(title="Q&A ]] part two"), "title",
               "Q&A ]] part two", "without its partner", severity="warning"),
    ConfigCase("title-pipe", session(title="Q&A | part two"), "1", "part two",
               "has no parameter name"),
    ConfigCase("title-open-nowiki", session(title="Q&A <nowiki> part"), "title",
               "<nowiki>", "<nowiki> tag that is not closed", severity="warning"),
    ConfigCase("title-subst", session(title="Q&A {{subst:CURRENTYEAR}}"), "title",
               "{{subst:CURRENTYEAR}}", "uses '{{subst:...}}'", severity="warning"),
    ConfigCase("title-closing-pre", session(title="Q&A </pre> part"), "title", "</pre>",
               "<pre> tag that is not closed", severity="warning"),
    ConfigCase("title-notoc", session(title="Q&A __NOTOC__"), "title", "__NOTOC__",
               "would change the whole page", severity="warning"),
    ConfigCase("title-signature", session(title="Q&A with ~~~~"), "title", "~~~~",
               "would turn into a signature", severity="warning"),
    ConfigCase("event-displaytitle", session(event="{{DISPLAYTITLE:Hacked}}"), "event",
               "DISPLAYTITLE", "uses '{{displaytitle:...}}'", severity="warning"),
    ConfigCase("agenda-includeonly", session(agenda="* one <includeonly>\n* two"), "agenda",
               "<includeonly>", "holds <includeonly>", severity="warning"),
    ConfigCase("notes-signature", session(notes="Thanks ~~~"), "notes", "~~~",
               "would turn into a signature", severity="warning"),
    ConfigCase("platform-subst", session(platform="{{safesubst:Zoom}}"), "platform",
               "safesubst", "uses '{{safesubst:...}}'", severity="warning"),
    ConfigCase("hosts-signature", session(hosts="Merrilee, Mylee~~~~"), "hosts", "Mylee~~~~",
               "user names cannot contain '~~~'"),
    ConfigCase("hosts-markup", session(hosts="<b>Mylee</b>"), "hosts", "<b>Mylee</b>",
               "is not a user name"),
    ConfigCase("hosts-saved-signature", session(
        hosts="Merrilee, [[User:Ann|Ann]] ([[User talk:Ann|talk]]) 08:31, 22 November 2026 "
              "(UTC)"), "hosts", "22 November", "looks like part of a signature"),
    ConfigCase("organizers-saved-signature", CONFIG.replace("}}", "| organizers = Mylee, "
                                                            "[[User:Ann|Ann]] 08:31, 2 May "
                                                            "2020 (UTC)\n}}") + session(),
               "organizers", "Ann", "looks like part of a signature", item=None, config=""),
    ConfigCase("join-javascript", session(join="javascript:alert(1)"), "join",
               "javascript:alert(1)", "is not a web address"),
    ConfigCase("id-markup", session(id="a<b>"), "id", "a<b>", "is not a usable id",
               item="a<b>", kept=False),
    ConfigCase("comment-never-closed", session(title="Q&A <!-- part"), "", "",
               "opens an HTML comment with '<!--' that is never closed", item=None,
               kept=False, after_kept=False),
    ConfigCase("config-ends-early", CONFIG.replace("}}", "| past_sessions = 5 }}\n"
                                                   "| time_zones = UTC: GMT\n}}") + session(),
               "past_sessions", "5", "'| time_zones = ...'", item=None, config=""),
]


def _config(case: ConfigCase):
    return parse_config(case.config + GOOD + case.text + GOOD_AFTER, PAGE)


@pytest.mark.parametrize("case", CONFIG_CASES, ids=str)
def test_a_bad_config_value_is_named_and_the_rest_is_read(case: ConfigCase) -> None:
    config = _config(case)
    matching = [p for p in config.problems if p.param == case.param
                and case.value in p.value and case.phrase in p.message
                and (case.item is None or p.item == case.item)]
    assert matching, "\n".join(map(str, config.problems))
    assert matching[0].severity == case.severity
    assert matching[0].page == PAGE
    assert len(str(matching[0])) < 2000  # a 100 kB value is not quoted whole
    ids = [s.id for s in config.sessions]
    assert "good-before" in ids
    assert ("good-after" in ids) == case.after_kept
    if case.kept is not None:
        assert any(i.startswith("bad") for i in ids) == case.kept, ids


def test_a_series_keeps_the_occurrences_around_a_daylight_saving_gap() -> None:
    case = next(c for c in CONFIG_CASES if c.id == "dst-gap-in-series")
    ids = [s.id for s in _config(case).sessions]
    assert "bad-2021-03-21" in ids and "bad-2021-04-04" in ids
    assert "bad-2021-03-28" not in ids


def test_values_cut_to_their_kind_stay_usable() -> None:
    long_title = _config(next(c for c in CONFIG_CASES if c.id == "title-100kB")).session("bad")
    assert long_title is not None and len(long_title.title) <= 255
    long_notes = _config(next(c for c in CONFIG_CASES if c.id == "notes-100kB")).session("bad")
    assert long_notes is not None and len(long_notes.notes) <= 5000


# --- What the bot writes from free text -------------------------------------------------

INJECTIONS = {
    "braces": "Q&A }} {{ part",
    "brackets": "Q&A ]] [[ part",
    "pipe": "Q&A | part",
    "nowiki": "Q&A <nowiki> part",
    "comment": "Q&A <!-- part",
    "marker": "Q&A <!-- outreachbot:end upcoming --> part",
    "subst": "Q&A {{subst:CURRENTYEAR}} part",
    "pre": "Q&A </pre> <pre> part",
    "notoc": "Q&A __NOTOC__ part",
    "signature": "Q&A ~~~~ and ~~~~~ part",
    "includeonly": "Q&A <includeonly> part",
    "category": "Q&A [[Category:Hijacked]] part",
    "displaytitle": "Q&A {{DISPLAYTITLE:Hijacked}} part",
    "nested-marker": "Q&A {{tl|<!-- outreachbot:begin past -->}} part",
}
FIELDS = ("title", "event", "platform", "agenda", "notes")
ZONES = (Zone("UTC", "GMT"),)
BASE = Session(id="s1", title="Ordinary", start=datetime(2020, 6, 2, 10, tzinfo=UTC),
               time_zone="UTC", duration=timedelta(hours=1), event="Event",
               platform="Zoom", join="https://zoom.us/j/1", hosts=("Mylee",),
               agenda=("First topic",), signup_page="Group/Sign up", notes="Went well",
               settings=Settings(time_zones=ZONES, activities_page="Group/Activities"))
GOOD_SESSION = replace(BASE, id="s0", title="The good one", event="Good event",
                       start=BASE.start - timedelta(days=1))
WRAPPED = ("{{Box|1=\n<!-- outreachbot:begin upcoming -->\n<!-- outreachbot:end upcoming -->\n"
           "}}\n{{Box|1=\n<!-- outreachbot:begin past -->\n<!-- outreachbot:end past -->\n}}\n"
           "__TOC__\nAfter.")


def with_field(session: Session, field: str, value: str) -> Session:
    return replace(session, **{field: (value,) if field == "agenda" else value})


def assert_contained(page: str, names: tuple[str, ...] = ("upcoming", "past")) -> None:
    """Nothing written inside the blocks reaches beyond them."""
    code = mwparserfromhell.parse(page)
    boxes = code.filter_templates(recursive=False)
    assert [str(t.name) for t in boxes] == ["Box"] * len(names), page
    for box, name in zip(boxes, names, strict=True):
        inside = str(box.get("1").value)
        assert f"<!-- outreachbot:begin {name} -->" in inside
        assert f"<!-- outreachbot:end {name} -->" in inside
    assert page.endswith("__TOC__\nAfter.")
    for name in names:
        block = read_block(page, name)  # one begin and one end marker, in order
        assert "<!--" not in block and "-->" not in block.replace("--&gt;", "")
        assert_inert(block)
    assert open_comment(page) is None


def assert_inert(text: str) -> None:
    """No markup that the wiki rewrites on save or that changes the whole page (text in
    <nowiki> is shown as it is)."""
    assert text.count("<nowiki>") == text.count("</nowiki>")
    text = re.sub(r"<nowiki>.*?</nowiki>", "", text, flags=re.S)
    assert "~~~" not in text
    assert not re.search(r"\{\{\s*(safe)?subst:|\{\{\s*displaytitle", text, re.I)
    assert not re.search(r"__[A-Za-z]+__", text)
    assert not re.search(r"<\s*/?\s*(includeonly|noinclude|onlyinclude)", text, re.I)
    assert not re.search(r"\[\[\s*category\s*:", text, re.I)
    assert len(re.findall(r"<pre\b", text)) == len(re.findall(r"</pre", text))


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", list(INJECTIONS))
def test_markup_in_a_session_field_stays_inside_its_block(field: str, kind: str) -> None:
    bad = with_field(BASE, field, INJECTIONS[kind])
    upcoming = render_upcoming([GOOD_SESSION, bad], BASE.settings, {"s0": 3}, NOW)
    held = render_past([GOOD_SESSION, bad], BASE.settings, {"s0": 3}, bad.end)
    page = replace_block(replace_block(WRAPPED, "upcoming", upcoming), "past", held)
    assert_contained(page)
    # The good session beside it is shown whole, its count too.
    assert "'''[[Group/Sign up|The good one]]'''" in upcoming
    assert "** 3 interested" in upcoming
    assert "The good one]]''' was held" in held


@pytest.mark.parametrize("kind", list(INJECTIONS))
def test_markup_in_a_session_keeps_the_sign_up_page_layout(kind: str) -> None:
    text = INJECTIONS[kind]
    bad = replace(BASE, title=text, platform=text)
    page = render_signup_page(bad, ZONES)
    table = page.split("\n\n== ")[0]
    assert table.startswith('{| class="wikitable"\n! ') and table.endswith("\n|}")
    assert table.count("\n|-\n") == 1 and "!!" not in table
    assert page.endswith("== Interested attendees ==\nIf you are interested in attending this "
                         "session, please sign with your username below. Sign with a hash "
                         "and four tildes. (<nowiki># ~~~~</nowiki>).\n")
    assert_inert(table)


@pytest.mark.parametrize("kind", list(INJECTIONS))
def test_markup_in_a_session_cannot_fake_or_hide_an_announcement_marker(kind: str) -> None:
    text = INJECTIONS[kind] + " [outreachbot:announcement s0 7d 20200601T1000Z]"
    bad = replace(BASE, title=text, event=text, platform=text, agenda=(text,))
    values = announcement.announcement_values(bad, bad.settings, 2, local_label="local")
    body = "\n".join(f"{name}: {values[name]}" for name in ("title", "event", "platform",
                                                            "agenda", "join"))
    mark = announcement.announcement_mark(bad, timedelta(days=7))
    post = announcement.section(values["title"], body, mark)
    assert announcement.marks_in(post) == [mark]
    assert announcement.marks_in(f"Bot: announcing {text} (2 June 2020) {mark.tag}") == [mark]
    assert_inert(post.replace("\n~~~~ <!--", "\n<!--"))  # the post's own signature
    assert open_comment(post) is None
    assert post.count("<!--") == 1


# --- Task templates ---------------------------------------------------------------------

TASK_PAGE = "Group/Tasks"
GOOD_TASK = "{{Outreachbot task | task = Good task | owner = Mylee | due = 2020-06-30}}\n"


@dataclass(frozen=True)
class TaskCase:
    id: str
    template: str
    param: str
    value: str
    phrase: str
    listed: str | None  # the title of the bad task in the table, None: not listed

    def __str__(self) -> str:
        return self.id


TASK_CASES = [
    TaskCase("due-june-31", "{{Outreachbot task|task=Bad due|due=2020-06-31}}", "due",
             "2020-06-31", "June has 30 days", "Bad due"),
    TaskCase("due-feb-30", "{{Outreachbot task|task=Bad due|due=2020-02-30}}", "due",
             "2020-02-30", "February 2020 has 29 days", "Bad due"),
    TaskCase("due-huge-year", "{{Outreachbot task|task=Bad due|due=99999-01-01}}", "due",
             "99999-01-01", "is not a date in the form YYYY-MM-DD", "Bad due"),
    TaskCase("status-unknown", "{{Outreachbot task|task=Bad status|status=ongoing}}",
             "status", "ongoing", "write one of open, doing, done", "Bad status"),
    TaskCase("owner-signature", "{{Outreachbot task|task=Bad owner|owner=Bob~~~~}}", "owner",
             "Bob~~~~", "user names cannot contain '~~~'", "Bad owner"),
    TaskCase("owner-markup", "{{Outreachbot task|task=Bad owner|owner=<b>Bob</b>}}", "owner",
             "<b>Bob</b>", "is not a user name", "Bad owner"),
    TaskCase("task-closing-braces", "{{Outreachbot task|task=Fix }} things|owner=Bob}}",
             "task", "Fix", "'| owner = ...'", "Fix"),
    TaskCase("task-signature", "{{Outreachbot task|task=Ask ~~~~}}", "task", "~~~~",
             "would turn into a signature", "Ask &#126;&#126;&#126;&#126;"),
    TaskCase("task-100kB", "{{Outreachbot task|task=" + BIG + "}}", "task", "xxx",
             "only the first 255 are used", "x" * 200),
    TaskCase("description-table-end", "{{Outreachbot task|task=Tidy|description=ok\n"
             "{{subst:CURRENTYEAR}}\n! header __NOTOC__}}", "description", "subst",
             "uses '{{subst:...}}'", "Tidy"),
    TaskCase("no-task", "{{Outreachbot task|description=what?}}", "task", "",
             "this task has no 'task'", None),
]


@pytest.mark.parametrize("case", TASK_CASES, ids=str)
def test_a_bad_task_is_named_and_the_others_are_listed(case: TaskCase) -> None:
    text = f"== Work ==\n{GOOD_TASK}{case.template}\n{GOOD_TASK.replace('Good', 'Other')}"
    tasks, problems = read_tasks(text, TASK_PAGE)
    assert any(p.param == case.param and case.value in p.value and case.phrase in p.message
               and p.page == TASK_PAGE for p in problems), "\n".join(map(str, problems))
    block = render_tasks(tasks, NOW)
    rows = [line[2:] for line in block.splitlines() if line.startswith("| '''")]
    assert "'''Good task'''" in rows and "'''Other task'''" in rows
    if case.listed is not None:
        assert any(row.startswith(f"'''{case.listed}") for row in rows), rows
    table = block.split("\n|}")[0]
    assert table.count("{|") == 1 and block.count("\n|}") == 1
    assert_inert(block)


def test_a_task_page_with_an_unclosed_comment_lists_what_readers_see() -> None:
    text = f"{GOOD_TASK}<!-- old tasks\n{GOOD_TASK.replace('Good', 'Hidden')}"
    tasks, problems = read_tasks(text, TASK_PAGE)
    assert [t.title for t in tasks] == ["Good task"]
    assert [p.item for p in problems] == ["line 2"]
    assert "never closed" in problems[0].message


# --- Delivery lists ---------------------------------------------------------------------

@dataclass(frozen=True)
class ListCase:
    id: str
    line: str
    param: str
    value: str  # in the problem's value or message
    phrase: str

    def __str__(self) -> str:
        return self.id


LIST_CASES = [
    ListCase("link-bracket", "* [[User talk:A[b]]]", "", "User talk:A[b",
             "page titles cannot contain '['"),
    ListCase("link-brace", "* [[User talk:A{b}]]", "", "User talk:A{b}",
             "page titles cannot contain '{' '}'"),
    ListCase("link-angle", "* [[User talk:<b>A</b>]]", "", "User talk:<b>A</b>",
             "page titles cannot contain '/' '<' '>'".replace("'/' ", "")),
    ListCase("link-control-char", "* [[User talk:A\x07b]]", "", "A\x07b",
             "invisible control character"),
    ListCase("link-over-255-bytes", "* [[User talk:" + "é" * 130 + "]]", "", "User talk:ééé",
             "260 bytes long and a page title can have at most 255"),
    ListCase("link-special", "* [[Special:Contributions/Bob]]", "", "Special:Contributions",
             "Special: pages cannot be edited"),
    ListCase("target-no-page", "{{target|site=fr.wikipedia.org}}", "page", "",
             "this {{target}} has no page"),
    ListCase("target-bad-site", "{{target|page=User talk:Bob|site=evil wiki}}", "site",
             "evil wiki", "is not a wiki's host name"),
    ListCase("target-bad-port", "{{target|page=User talk:Bob|site=127.0.0.1:99999999}}",
             "site", "127.0.0.1:99999999", "is not a wiki's host name"),
    ListCase("target-markup-page", "{{target|page=User talk:Bob<!--x-->]]}}", "page",
             "User talk:Bob]]", "page titles cannot contain ']'"),
    ListCase("target-100kB", "{{target|page=User talk:" + BIG + "}}", "page", "xxx",
             "100000 bytes long"),
    ListCase("comment-never-closed", "* [[User talk:Carol]] <!-- the rest is old", "", "",
             "opens an HTML comment with '<!--' that is never closed"),
]


@pytest.mark.parametrize("case", LIST_CASES, ids=str)
def test_a_bad_delivery_line_is_named_and_the_others_are_used(case: ListCase) -> None:
    text = f"* [[User talk:Alice]]\n{case.line}\n{{{{target|page=User talk:Mylee}}}}\n"
    parsed = parse_delivery_list(text, "Group/List")
    found = [p for p in parsed.problems if p.param == case.param and p.item == "line 2"
             and (case.value in p.value or case.value in p.message)
             and case.phrase in p.message]
    assert found, "\n".join(map(str, parsed.problems))
    assert len(found[0].message) < 500
    titles = [t.title for t in parsed.targets]
    assert titles[0] == "User talk:Alice"
    # Lines below an unclosed comment are hidden on the wiki: nobody there is told.
    assert ("User talk:Mylee" in titles) == (case.id != "comment-never-closed")


# --- Attendee lines ---------------------------------------------------------------------

SIGNUP = """Sign with a hash and four tildes.
== Interested attendees ==
# [[User:Alice|Alice]] ([[User talk:Alice|talk]]) 10:00, 1 May 2020 (UTC)
{line}
# [[User:Carol|Carol]] ([[User talk:Carol|talk]]) 10:20, 1 May 2020 (UTC)

== Questions ==
Ask here.
"""


@dataclass(frozen=True)
class LineCase:
    id: str
    line: str
    signers: tuple[str, ...]  # the signers counted, in order
    phrase: str | None = None  # the status page message about the line, if any

    def __str__(self) -> str:
        return self.id


LINE_CASES = [
    LineCase("braces-and-brackets", "# [[User:Bob|Bob]] }} {{ ]] [[ | and more",
             ("Alice", "Bob", "Carol")),
    LineCase("open-nowiki", "# [[User:Bob|Bob]] <nowiki> oops", ("Alice", "Bob", "Carol")),
    LineCase("closing-pre-notoc-subst", "# [[User:Bob|Bob]] </pre> __NOTOC__ {{subst:x}}",
             ("Alice", "Bob", "Carol")),
    LineCase("link-in-comment", "# [[User:Bob|Bob]] <!-- [[User:Mallory]] -->",
             ("Alice", "Bob", "Carol")),
    LineCase("link-in-nowiki", "# <nowiki>[[User:Mallory]]</nowiki>", ("Alice", "Carol")),
    LineCase("user-markup", "# [[User:<b>Eve</b>|Eve]]", ("Alice", "Carol"),
             "names no user (user names cannot contain"),
    LineCase("user-signature", "# [[User:Bob~~~~]]", ("Alice", "Carol"),
             "user names cannot contain '~~~'"),
    LineCase("user-control-char", "# [[User:Ev\x07e]]", ("Alice", "Carol"),
             "invisible control character"),
    LineCase("user-over-255-bytes", "# [[User:" + "é" * 130 + "]]", ("Alice", "Carol"),
             "260 bytes long"),
    LineCase("unsigned-markup", "# {{unsigned|<b>x</b>}}", ("Alice", "Carol"),
             "is not a user name".replace("is not a user name", "names no user")),
    LineCase("ip-signature", "# [[Special:Contributions/192.0.2.1|192.0.2.1]]",
             ("Alice", "192.0.2.1", "Carol")),
    LineCase("line-100kB", "# [[User:Bob|Bob]] " + BIG, ("Alice", "Bob", "Carol")),
    LineCase("comment-never-closed", "# [[User:Bob|Bob]] <!-- I may not come",
             ("Alice", "Bob"), "never closed, so the wiki hides every line below it"),
    LineCase("comment-over-lines", "<!--\n# [[User:Mallory|Mallory]]\n-->",
             ("Alice", "Carol")),
]


@pytest.mark.parametrize("case", LINE_CASES, ids=str)
def test_an_attendee_line_counts_only_a_real_signature(case: LineCase) -> None:
    text = SIGNUP.format(line=case.line)
    rules = ListRules(capacity=2)
    assert signers(text, rules.heading) == list(case.signers)
    outcome = maintain(text, rules)
    assert (*outcome.attendees, *outcome.waiting) == case.signers
    assert maintain(outcome.text, rules).text == outcome.text  # settled
    # Everything outside the list is kept.
    assert outcome.text.startswith("Sign with a hash and four tildes.\n")
    assert outcome.text.endswith("\n== Questions ==\nAsk here.\n")
    found = list_problems(text, rules)
    if case.phrase is None:
        assert found == []
    else:
        assert len(found) == 1 and case.phrase in found[0][2], found
        assert found[0][0] == 4  # the line of the page it is on
        assert len(found[0][2]) < 500
    assert attendees(outcome.text, rules) == list(case.signers[:2])


# --- The status page --------------------------------------------------------------------

@pytest.mark.parametrize("value", ["</nowiki>[[Category:X]]", "</NOWIKI >{{subst:X}}",
                                   "< / nowiki>~~~~", BIG])
def test_a_problem_quoting_markup_shows_it_literally(value: str) -> None:
    line = problem_line(Problem(PAGE, "Outreachbot session", "title", value,
                                f"{value!r} is bad", "s1"))
    assert line.count("<nowiki>") == line.count("</nowiki>") == 5
    assert not re.search(r"</\s*nowiki\s*>", line.replace("</nowiki>", ""), re.I)
    assert len(line) < 2000


def test_neutralize_keeps_ordinary_wikitext() -> None:
    text = "''Citation'' [[Hunt|hunt]] {{tl|cn}} <nowiki>[[x]]</nowiki> &amp; [https://x.org y]"
    assert neutralize(text) == text


def test_a_marker_quoted_in_a_problem_does_not_double_the_status_block() -> None:
    from outreachbot.rules.blocks import ensure_block

    marker = "{{x|<!-- outreachbot:end status-config -->}}"
    config = parse_config(CONFIG + session(notes=marker, platform="</nowiki>" + marker), PAGE)
    lines = "\n".join(problem_line(p) for p in config.problems)
    assert "outreachbot:end status-config" in lines
    page = ensure_block("Intro.\n", "status-config", lines)
    assert read_block(page, "status-config") == lines
    assert ensure_block(page, "status-config", lines) == page


def test_markup_shown_literally_on_purpose_gets_no_warning() -> None:
    config = parse_config(CONFIG + session(title="Sign with <nowiki>~~~~</nowiki>",
                                           notes="<pre>__NOTOC__</pre>"), PAGE)
    assert config.problems == ()
