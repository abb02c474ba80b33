"""Bad input on the real wiki: one table of cases, three runs of the bot for all of them.

The seeded wiki gets, all at once, a config page with many bad sessions beside good ones,
a task page with bad tasks, a delivery list with bad lines and a sign-up page with odd
attendee lines; the activities page holds its blocks inside a template, as some groups'
pages do. Then every job runs once (a week before the Libraries and Wikidata session),
again ten minutes later, and the announcements once more a day before that session.

Each case is checked on what the wiki holds afterwards: its message on the status page
(naming the template, the session, task or line, the parameter and the value), the good
parts beside it still published, and nothing of it reaching beyond its place, in the
wikitext and, for a few pages, in the HTML the wiki makes of it.

Some mistakes cannot reach the bot from a wiki page: MediaWiki replaces ``~~~~`` and
``{{subst:...}}`` when the organizer saves (except a subst inside ``<includeonly>``).
Those are covered, with the rest, in ``tests/unit/test_bad_input_rules.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest

from outreachbot import runner
from outreachbot.localwiki import LocalWiki
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    CONFIG_PAGE,
    DELIVERY_LIST,
    OFFICE_HOURS,
    STATUS_PAGE,
    TASK_CATEGORY,
    TASKS_PAGE,
    signature,
)
from outreachbot.rules.blocks import read_block
from outreachbot.rules.markup import open_comment
from outreachbot.wiki import Wiki

SEED_NOW = datetime(2020, 5, 20, tzinfo=UTC)  # as the `seeded` fixture seeds (conftest)
WIKIDATA = "wikidata-office-hours-2020-05-30-apac"
WIKIDATA_START = datetime(2020, 5, 29, 23, 0, tzinfo=UTC)
RUN_AT = WIKIDATA_START - timedelta(days=7)  # its 7-day announcement is due
DAY_BEFORE = WIKIDATA_START - timedelta(days=1)
BAD_TASKS = "Wikimedia and Libraries User Group/Tasks/Bad input"
SIGNUP = f"{OFFICE_HOURS}/Bad input sign-up"
LONG = "é" * 130  # 260 bytes: longer than any page title
FAKE_TAG = f"[outreachbot:announcement {WIKIDATA} 1d 20200529T2300Z]"
ANNOUNCED_TITLE = f"Q&A <nowiki> part __NOTOC__ {FAKE_TAG}"


@dataclass(frozen=True)
class Case:
    """One mistake, where the status page names it, and what the pages must show."""

    id: str
    item: str  # the session id, task or "line N" the problem is attributed to ("": none)
    param: str
    value: str  # a part of the bad value as the status page quotes it
    phrase: str  # a part of the message
    page: str = ACTIVITIES_PAGE  # the page whose text is checked
    shown: tuple[str, ...] = ()  # in that page's text (the good parts, the safe rendering)
    absent: tuple[str, ...] = ()  # not in it

    def __str__(self) -> str:
        return self.id


def session(session_id: str | None, title: str, **values: str) -> str:
    written = {"id": session_id, "title": title, "start": "2020-06-15 10:00",
               "time_zone": "UTC", **values}
    lines = "".join(f"| {k} = {v}\n" for k, v in written.items() if v is not None)
    return "{{Outreachbot session\n" + lines + "}}\n"


# --- The config page ------------------------------------------------------------------

SESSIONS = [
    session("bad-june-31", "Bad date June 31", start="2020-06-31 10:00"),
    session("bad-feb-30", "Bad date February 30", start="2021-02-30 10:00"),
    session("bad-zone", "Unknown zone", time_zone="Mars/Olympus"),
    session("bad-dst", "A time that does not exist", start="2021-03-28 01:30",
            time_zone="Europe/London"),
    session("bad-attendees", "Sign-up with odd lines", start="2020-06-12 10:00",
            signup_page=SIGNUP, capacity="1" + "0" * 30),
    session("bad-duration", "Huge duration", duration="1000000000 days"),
    session("bad-long-title", "x" * 100_000),
    session("bad-long-agenda", "Huge agenda", agenda="* " + "y" * 100_000),
    session("bad-signup-long", "Sign-up title too long",
            signup_page=f"{OFFICE_HOURS}/{LONG}"),
    session("bad-signup-brace", "Sign-up title with braces", signup_page="Sign up {here}"),
    session("bad-signup-hash", "Sign-up title with a hash", signup_page="Sign up#here"),
    session("bad-closing-braces", "Q&A }} part two"),
    session("good-neighbour", "The good neighbour", start="2020-06-16 10:00",
            platform="Jitsi", hosts="Mylee"),
    session("bad-brackets", "Q&A ]] part three"),
    session("bad-pipe", "Q&A | part four"),
    session("bad-nowiki", "Q&A <nowiki> part five"),
    session("bad-pre", "Q&A </pre> part six"),
    session("bad-notoc", "Q&A __NOTOC__ part seven"),
    session("bad-includeonly", "Includeonly in the agenda",
            agenda="* <includeonly>{{subst:CURRENTYEAR}}</includeonly> a topic"),
    session("bad-displaytitle", "Display title", event="{{DISPLAYTITLE:Hijacked}}"),
    session("bad-category", "Held with a category", start="2020-05-10 10:00",
            notes="[[Category:Hijacked]] went well"),
    session("bad-marker", "Marker in the agenda",
            agenda="* {{tl|<!-- outreachbot:end upcoming -->}} a topic"),
    session("bad-hosts", "Host who signed", hosts="Merrilee, ~~~~"),
    session("bad-join", "Script link", join="javascript:alert(1)"),
    session("a<b>", "Bad id"),
    session("good-neighbour", "Duplicate of the neighbour"),
    session("bad-announced", ANNOUNCED_TITLE, start="2020-05-29 12:00",
            platform="Zoom <includeonly>{{subst:CURRENTYEAR}}</includeonly>"),
    session("bad-comment", "Last event", event="Last event <!-- never closed"),
    session("hidden-after-comment", "Hidden after the comment"),
]
CONFIG_TAIL = "".join(SESSIONS)


def line_of(text: str, part: str) -> str:
    """'line N' of the first line of ``text`` holding ``part``."""
    return f"line {text[:text.index(part)].count(chr(10)) + 1}"


CONFIG_CASES = [
    Case("date-june-31", "bad-june-31", "start", "2020-06-31 10:00", "June has 30 days",
         absent=("Bad date June 31",)),
    Case("date-feb-30", "bad-feb-30", "start", "2021-02-30 10:00",
         "February 2021 has 28 days", absent=("Bad date February 30",)),
    Case("zone-unknown", "bad-zone", "time_zone", "Mars/Olympus", "is not a time zone",
         absent=("Unknown zone",)),
    Case("dst-gap", "bad-dst", "start", "2021-03-28 01:30",
         "clocks go forward from 01:00 to 02:00", absent=("A time that does not exist",)),
    Case("capacity-10e30", "bad-attendees", "capacity", "1000000000",
         "is too large; write a number from 1 to 100000",
         shown=("'''[[" + SIGNUP + "|Sign-up with odd lines]]'''", "** 6 interested")),
    Case("duration-1e9-days", "bad-duration", "duration", "1000000000 days",
         "is more than 7 days",
         shown=("* '''Huge duration'''\n", "** 1 hour\n\n'''Includeonly")),
    Case("past-sessions-huge", "", "past_sessions", "99999999",
         "is too large; write a number from 0 to 500", shown=("Held with a category",)),
    Case("title-100kB", "bad-long-title", "title", "xxxx", "only the first 255 are used",
         shown=("'''" + "x" * 250,), absent=("x" * 256,)),
    Case("agenda-100kB", "bad-long-agenda", "agenda", "yyyy", "only the first 5000 are shown",
         shown=("*** " + "y" * 4990,), absent=("y" * 5001,)),
    Case("signup-over-255-bytes", "bad-signup-long", "signup_page", "Office hours/ééé",
         "bytes long and a page title can have at most 255",
         shown=("* '''Sign-up title too long'''\n",)),
    Case("signup-brace", "bad-signup-brace", "signup_page", "Sign up {here}",
         "page titles cannot contain '{' '}'", shown=("* '''Sign-up title with braces'''\n",)),
    Case("signup-hash", "bad-signup-hash", "signup_page", "Sign up#here",
         "page titles cannot contain '#'", shown=("* '''Sign-up title with a hash'''\n",)),
    Case("title-closing-braces", "bad-closing-braces", "title", "Q&A",
         "the template ends early, at a '}}'",
         shown=("'''The good neighbour'''", "** 1 hour on Jitsi\n** Host: [[User:Mylee|Mylee]]"),
         absent=("part two",)),
    Case("title-closing-brackets", "bad-brackets", "title", "Q&A ]] part three",
         "without its partner", shown=("* '''Q&A &#93;&#93; part three'''",)),
    Case("title-pipe", "bad-pipe", "1", "part four", "has no parameter name",
         shown=("* '''Q&A'''\n",)),
    Case("title-open-nowiki", "bad-nowiki", "title", "Q&A <nowiki> part five",
         "<nowiki> tag that is not closed", shown=("* '''Q&A &lt;nowiki> part five'''",)),
    Case("title-closing-pre", "bad-pre", "title", "Q&A </pre> part six",
         "<pre> tag that is not closed", shown=("* '''Q&A &lt;/pre> part six'''",)),
    Case("title-notoc", "bad-notoc", "title", "__NOTOC__", "would change the whole page",
         shown=("* '''Q&A &#95;_NOTOC__ part seven'''",)),
    Case("agenda-includeonly-subst", "bad-includeonly", "agenda", "<includeonly>",
         "holds <includeonly>",
         shown=("*** &lt;includeonly>&#123;&#123;subst:CURRENTYEAR&#125;&#125;&lt;/includeonly> "
                "a topic",)),
    Case("event-displaytitle", "bad-displaytitle", "event", "DISPLAYTITLE",
         "uses '{{displaytitle:...}}'",
         shown=("'''&#123;&#123;DISPLAYTITLE:Hijacked&#125;&#125;'''",)),
    Case("notes-category", "bad-category", "notes", "[[Category:Hijacked]]",
         "links a category", shown=("Notes: [[:Category:Hijacked]] went well.",)),
    # The signature's date is the wiki's clock when the config was saved: "(UTC)" is in
    # every one.
    Case("hosts-signature", "bad-hosts", "hosts", "(UTC)", "looks like part of a "
         "signature", shown=("* '''Host who signed'''\n", "** 1 hour\n** Host: [[User:Merrilee|"
                             "Merrilee]]\n\n'''Huge agenda'''"),
         absent=("(UTC)",)),
    Case("join-javascript", "bad-join", "join", "javascript:alert(1)", "is not a web address",
         absent=("javascript:",)),
    Case("id-markup", "a<b>", "id", "a<b>", "is not a usable id", absent=("Bad id",)),
    Case("id-duplicate", "good-neighbour", "id", "good-neighbour",
         "is already the id of an earlier session", absent=("Duplicate of the neighbour",)),
    Case("announced-title-markup", "bad-announced", "title", "<nowiki>",
         "<nowiki> tag that is not closed", page="User talk:Alice",
         shown=("== Q&A &lt;nowiki> part &#95;_NOTOC__ " + FAKE_TAG,)),
    Case("announced-platform-subst", "bad-announced", "platform", "subst:CURRENTYEAR",
         "uses '{{subst:...}}'", page="User talk:Alice",
         shown=("1 hour on Zoom &lt;includeonly>&#123;&#123;subst:CURRENTYEAR&#125;&#125;"
                "&lt;/includeonly>,",)),
    Case("comment-never-closed", "CONFIG LINE", "", "", "that is never closed",
         absent=("Last event", "Hidden after the comment")),
]


# --- The task page --------------------------------------------------------------------

TASKS = """[[CATEGORY]]
== Bad input ==
{{Outreachbot task | task = Good neighbour task | owner = Mylee | due = 2020-06-20 }}
{{Outreachbot task | task = Due on 31 June | due = 2020-06-31 }}
{{Outreachbot task | task = Due on 30 February | due = 2020-02-30 }}
{{Outreachbot task | task = Status unknown | status = ongoing }}
{{Outreachbot task | task = Owner who signed | owner = ~~~~ }}
{{Outreachbot task | task = Ends }} early | owner = Bob }}
{{Outreachbot task | task = Table breaker !! {{!}} | description = line one
! header __NOTOC__
<includeonly>{{subst:CURRENTYEAR}}</includeonly> }}
{{Outreachbot task | task = Last visible task }}
<!-- old tasks, never closed
{{Outreachbot task | task = Hidden old task }}
""".replace("CATEGORY", TASK_CATEGORY)

TASK_CASES = [
    Case("task-due-june-31", "Due on 31 June", "due", "2020-06-31", "June has 30 days",
         page=TASKS_PAGE, shown=("| '''Due on 31 June'''", "| '''Good neighbour task'''")),
    Case("task-due-feb-30", "Due on 30 February", "due", "2020-02-30",
         "February 2020 has 29 days", page=TASKS_PAGE, shown=("| '''Due on 30 February'''",)),
    Case("task-status-unknown", "Status unknown", "status", "ongoing",
         "write one of open, doing, done", page=TASKS_PAGE,
         shown=("| '''Status unknown'''",)),
    Case("task-owner-signature", "Owner who signed", "owner", "[[User:Admin|Admin]]",
         "looks like part of a signature", page=TASKS_PAGE,
         shown=("| '''Owner who signed'''",), absent=("[[User:Admin|Admin]]",)),
    Case("task-closing-braces", "Ends", "task", "Ends", "'| owner = ...'", page=TASKS_PAGE,
         shown=("| '''Ends'''",)),
    Case("task-description-markup", "Table breaker !! {{!}}", "description", "subst",
         "uses '{{subst:...}}'", page=TASKS_PAGE,
         shown=("| '''Table breaker !&#33; &#124;'''<br />\nline one\n"
                "<nowiki/>! header &#95;_NOTOC__\n&lt;includeonly>&#123;&#123;subst:"
                "CURRENTYEAR&#125;&#125;&lt;/includeonly>\n",)),
    Case("task-comment-never-closed", line_of(TASKS, "<!-- old"), "", "",
         "that is never closed", page=TASKS_PAGE,
         shown=("| '''Last visible task'''",), absent=("Hidden old task",)),
]


# --- The delivery list ----------------------------------------------------------------

BAD_TARGETS = {
    "list-bracket": ("* [[User talk:A[b]]]", "page titles cannot contain '['"),
    "list-brace": ("* [[User talk:A{b}]]", "page titles cannot contain '{' '}'"),
    "list-angle": ("* [[User talk:<b>Bob</b>]]", "page titles cannot contain '<' '>'"),
    "list-over-255-bytes": (f"* [[User talk:{LONG}]]", "260 bytes long"),
    "list-special": ("* [[Special:Contributions/Bob]]", "Special: pages cannot be edited"),
    "list-target-no-page": ("{{target|site=fr.wikipedia.org}}", "this {{target}} has no page"),
    "list-target-bad-site": ("{{target|page=User talk:Bob|site=evil wiki}}",
                             "is not a wiki's host name"),
}
LIST_TAIL = ("* [[Talk:Visible target]] <!-- everything below is old\n"
             "* [[Talk:Hidden target]]\n")


def delivery_list(seeded: str) -> str:
    head, alice, rest = seeded.partition("* [[User talk:Alice]]\n")
    bad = "".join(line + "\n" for line, _ in BAD_TARGETS.values())
    return head + alice + bad + rest.rstrip("\n") + "\n" + LIST_TAIL


def delivery_cases(text: str) -> list[Case]:
    cases = []
    for case_id, (line, phrase) in BAD_TARGETS.items():
        template = "{{target" in line
        param = ("page" if "page=" not in line else "site") if template else ""
        cases.append(Case(case_id, line_of(text, line), param, "", phrase,
                          page="Talk:Visible target"))
    cases.append(Case("list-comment-never-closed", line_of(text, "<!-- everything"), "", "",
                      "that is never closed",
                      page="Talk:Hidden target", absent=("outreachbot:announcement",)))
    return cases


# --- The sign-up page -----------------------------------------------------------------

SIGNUP_HEAD = ("Sign up for the session with odd lines.\n== Interested attendees ==\n"
               "Sign with a hash and four tildes.")
WHEN = datetime(2020, 5, 21, 9, 0, tzinfo=UTC)
ATTENDEE_LINES = [  # (who adds it, the line)
    ("Alice", f"# {signature('Alice', WHEN)}"),
    ("Bob", f"# {signature('Bob', WHEN)} }}}} {{{{ ]] [[ | and more"),
    ("Carol", f"# {signature('Carol', WHEN)} <nowiki> open"),
    ("Dave", "# [[User:<b>Eve</b>|Eve]] would like to come"),
    ("Merrilee", f"# {signature('Merrilee', WHEN)} <!-- [[User:Mallory|Mallory]] -->"),
    ("Erin", f"# {signature('Erin', WHEN)} <!-- I may not come"),
    ("Mylee", f"# {signature('Mylee', WHEN)}"),
]
ATTENDEE_CASES = [
    Case("attendee-comment-never-closed", "line 9", "", "",
         "that is never closed", page=SIGNUP,
         shown=("# [[User:Bob|Bob]]", "}} {{ ]] [[ | and more", "<nowiki> open",
                "[[User:Mallory|Mallory]] -->")),
]


# --- One world, three runs ------------------------------------------------------------

@dataclass
class World:
    texts: dict[str, str | None] = field(default_factory=dict)
    status: str = ""
    reports: list[Any] = field(default_factory=list)
    html: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, dict[str, Any]] = field(default_factory=dict)
    revisions: dict[str, int | None] = field(default_factory=dict)
    after_quiet_run: dict[str, int | None] = field(default_factory=dict)
    list_text: str = ""
    config: str = ""
    alice_later: str = ""


def _seed(localwiki: LocalWiki) -> None:
    if localwiki.has_snapshot("seeded"):
        localwiki.restore("seeded")
    else:
        localwiki.restore("fresh")
        localwiki.seed(SEED_NOW)
        localwiki.snapshot("seeded")


WATCHED = [ACTIVITIES_PAGE, TASKS_PAGE, SIGNUP, "User talk:Alice", "Talk:Visible target",
           "Talk:Hidden target", "User talk:Mylee"]


@pytest.fixture(scope="module")
def world(localwiki: LocalWiki, site: Any) -> World:
    _seed(localwiki)
    admin = localwiki.client("Admin")
    admin.edit("Template:Activity box", '<div class="activity-box">{{{1}}}</div>', "Box")
    activities = admin.text(ACTIVITIES_PAGE) or ""
    for name in ("upcoming", "past"):
        block = f"<!-- outreachbot:begin {name} -->\n<!-- outreachbot:end {name} -->"
        assert block in activities
        activities = activities.replace(block, "{{Activity box|1=\n" + block + "\n}}")
    admin.edit(ACTIVITIES_PAGE, activities + "\n\n== Notes ==\nKept by people.\n", "Boxes")
    config = (admin.text(CONFIG_PAGE) or "").replace(
        "| past_sessions   = 10", "| past_sessions   = " + "9" * 40)
    admin.edit(CONFIG_PAGE, config.rstrip("\n") + "\n" + CONFIG_TAIL, "Many mistakes")
    saved_config = admin.text(CONFIG_PAGE) or ""
    admin.edit(BAD_TASKS, TASKS, "Tasks with mistakes")
    world = World(list_text=delivery_list(admin.text(DELIVERY_LIST) or ""),
                  config=saved_config)
    admin.edit(DELIVERY_LIST, world.list_text, "Odd lines")
    for title in ("Talk:Visible target", "Talk:Hidden target"):
        admin.edit(title, "A page to deliver to.", "Target")
    admin.edit(SIGNUP, SIGNUP_HEAD, "Sign-up page")
    for user, line in ATTENDEE_LINES:
        localwiki.client(user).append(SIGNUP, "\n" + line, "Signing up")

    wiki = Wiki(site, simulate=False)
    world.reports = runner.run(wiki, [CONFIG_PAGE],
                               ["attendees", "activities", "tasks", "announcements"], RUN_AT)
    world.texts = admin.texts(WATCHED)
    world.status = admin.text(STATUS_PAGE) or ""
    world.revisions = {t: admin.lastrevid(t) for t in WATCHED}
    for title in (ACTIVITIES_PAGE, TASKS_PAGE, "User talk:Alice"):
        world.parsed[title] = admin.get(action="parse", page=title,
                                        prop="text|categories|displaytitle")["parse"]
        world.html[title] = world.parsed[title]["text"]

    runner.run(wiki, [CONFIG_PAGE], ["attendees", "activities", "tasks"],
               RUN_AT + timedelta(minutes=10))
    world.after_quiet_run = {t: admin.lastrevid(t) for t in WATCHED}
    runner.run(wiki, [CONFIG_PAGE], ["announcements"], DAY_BEFORE)
    world.alice_later = admin.text("User talk:Alice") or ""
    return world


def _block_or_page(world: World, title: str) -> str:
    text = world.texts[title] or ""
    if title == ACTIVITIES_PAGE:
        return read_block(text, "upcoming") + "\n" + read_block(text, "past")
    if title == TASKS_PAGE:
        return read_block(text, "tasks")
    return text


def _status_line(status: str, case: Case, item: str) -> str | None:
    """The status page line about the case, or None."""
    parts = [case.phrase]
    if item:
        parts.append(f"<nowiki>{item}</nowiki>")
    if case.param:
        parts.append(f"parameter <code><nowiki>{case.param}</nowiki></code>")
    if case.value:
        parts.append(case.value)
    return next((line for line in status.splitlines() if all(p in line for p in parts)),
                None)


# The delivery list's line numbers come from its seed text, known before the wiki runs.
SEEDED_LIST = resources.files("outreachbot").joinpath(
    "data", "seed", "announcement-list.wiki").read_text("utf-8")
CASES = CONFIG_CASES + TASK_CASES + ATTENDEE_CASES + delivery_cases(delivery_list(SEEDED_LIST))


def test_the_table_has_the_cases_it_promises() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_mistake_is_named_on_the_status_page(world: World, case: Case) -> None:
    item = case.item
    if item == "CONFIG LINE":  # the config's unclosed comment: its line on the saved page
        item = line_of(world.config, "<!-- never closed")
    line = _status_line(world.status, case, item)
    assert line is not None, f"{case.id}: not on the status page:\n{world.status}"
    assert len(line) < 2500
    assert line.startswith(("* '''Problem:''' [[", "* '''Warning:''' [["))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_good_parts_are_published_and_the_bad_stays_in_place(world: World,
                                                                  case: Case) -> None:
    text = _block_or_page(world, case.page)
    for part in case.shown:
        assert part in text, f"{case.id}: {part!r} missing from {case.page}"
    for part in case.absent:
        assert part not in text, f"{case.id}: {part!r} in {case.page}"


# --- Whole-run checks -----------------------------------------------------------------

def test_every_job_ran_to_the_end(world: World) -> None:
    assert [(r.job, r.outcome) for r in world.reports] == [
        ("attendees", "ok"), ("activities", "ok"), ("tasks", "ok"), ("announcements", "ok")]


def test_the_activities_page_keeps_its_templates_markers_and_the_good_sessions(
        world: World) -> None:
    text = world.texts[ACTIVITIES_PAGE] or ""
    assert text.count("{{Activity box|1=\n<!-- outreachbot:begin") == 2
    assert re.search(r"<!-- outreachbot:end upcoming -->\n\}\}", text)
    assert re.search(r"<!-- outreachbot:end past -->\n\}\}", text)
    assert text.endswith("== Notes ==\nKept by people.")
    assert open_comment(text) is None
    upcoming = read_block(text, "upcoming")
    for good in ("Libraries and Wikidata: Asia and Pacific", "Libraries and Wikidata: Americas",
                 "Citation Hunt drop-in", "The good neighbour"):
        assert good in upcoming, good
    # Nothing the wiki rewrites on save: the second run saved nothing.
    for title in (ACTIVITIES_PAGE, TASKS_PAGE, SIGNUP):
        assert world.after_quiet_run[title] == world.revisions[title], title


def test_the_activities_page_reads_as_it_should(world: World) -> None:
    html = world.html[ACTIVITIES_PAGE]
    assert html.count('<div class="activity-box">') == 2
    assert 'id="toc"' in html  # no __NOTOC__ got through
    assert "Kept by people." in html
    assert "The good neighbour" in html and "Libraries and Wikidata: Americas" in html
    assert "Q&amp;A &lt;nowiki&gt; part five" in html
    assert "Q&amp;A &#93;&#93; part three" in html
    parsed = world.parsed[ACTIVITIES_PAGE]
    assert "Hijacked" not in str(parsed.get("categories"))
    assert "Hijacked" not in str(parsed.get("displaytitle"))


def test_the_tasks_page_has_one_table_with_every_visible_task(world: World) -> None:
    block = read_block(world.texts[TASKS_PAGE] or "", "tasks")
    assert block.count("{|") == 1 and block.count("\n|}") == 1
    rows = [line for line in block.splitlines() if line.startswith("| '''")]
    assert len(rows) == 5 + 8  # the seeded open tasks and the visible ones of the bad page
    html = world.html[TASKS_PAGE]
    assert html.count('class="wikitable sortable"') == 1
    assert "Last visible task" in html and "#1lib1ref worklist" in html
    assert 'id="toc"' in html or "Recently done" in html


def test_the_sign_up_list_counts_the_real_signatures(world: World) -> None:
    text = world.texts[SIGNUP] or ""
    assert text.startswith(SIGNUP_HEAD)
    assert re.search(r"# \[\[User:<b>Eve</b>\|Eve\]\] would like to come \{\{unsigned\|Dave\|",
                     text)
    assert "<!-- I may not come\n# [[User:Mylee|Mylee]]" in text  # hidden, left as it is
    assert "Waiting list" not in text  # the bad capacity is not used


def test_the_delivery_reaches_the_good_targets_only(world: World) -> None:
    marks = {t: re.findall(r"<!-- outreachbot:announcement (\S+ \S+)", world.texts[t] or "")
             for t in ("User talk:Alice", "User talk:Mylee", "Talk:Visible target",
                       "Talk:Hidden target")}
    assert f"{WIKIDATA} 7d" in marks["User talk:Alice"]
    assert sorted(marks["User talk:Alice"]) == sorted(marks["Talk:Visible target"])
    assert sorted(marks["User talk:Alice"]) == sorted(marks["User talk:Mylee"])
    assert marks["Talk:Hidden target"] == []
    assert "bad-announced 7d" in marks["User talk:Alice"]


def test_a_post_with_markup_in_the_title_keeps_its_marker_and_hides_nothing(
        world: World) -> None:
    alice = world.texts["User talk:Alice"] or ""
    post = alice[alice.index("== Q&A"):]
    post = post[:post.index("-->") + 3]
    assert post.count("<!--") == 1 and post.endswith(
        "<!-- outreachbot:announcement bad-announced 7d 20200529T1200Z -->")
    assert "~~~~" not in post.replace("\n~~~~ <!-- outreachbot:announcement", "")
    html = world.html["User talk:Alice"]
    assert html.count("You get this message because") == alice.count(
        "You get this message because")
    assert "Libraries and Wikidata: Asia and Pacific" in html
    assert "[outreachbot:announcement" in html  # shown as the text it is


def test_a_title_that_looks_like_a_tag_does_not_stop_a_later_announcement(
        world: World) -> None:
    """The title quotes the tag of the Wikidata session's 1-day announcement; it is
    posted all the same when it is due."""
    assert re.search(rf"<!-- outreachbot:announcement {WIKIDATA} 1d ", world.alice_later)
