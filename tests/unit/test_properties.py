"""Two properties of every rule that rewrites page text, on random pages.

1. Idempotent: the rule applied to its own output changes nothing, so a second run (or a
   run repeated after a crash) never edits.
2. It owns only its part: its marked blocks, or the list lines of the "Interested
   attendees" section. Everything else (headings, templates, comments, unicode, text
   that looks like a marker but is not one) is kept byte for byte.

The sessions come from the config reader, fed random config pages; the pages around the
blocks are random wikitext. Pure: no wiki, no network, no pywikibot site (the jobs'
``fill_blocks`` are plain functions of the text). Hypothesis runs derandomized and without
its example database, so every run tries the same examples.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreachbot.config import parse_config
from outreachbot.edits import Saved
from outreachbot.jobs.activities import fill_blocks as fill_activities
from outreachbot.jobs.tasks import fill_blocks as fill_tasks_blocks
from outreachbot.model import Problem, Session
from outreachbot.report import JobReport
from outreachbot.rules import announcement
from outreachbot.rules.activities import (
    archive_line,
    marker_id,
    render_archive,
    render_past,
    render_upcoming,
    session_marker,
    split_past,
)
from outreachbot.rules.attendees import (
    CLOSED_BLOCK,
    History,
    ListRules,
    Names,
    is_closed,
    maintain,
    read_history,
)
from outreachbot.rules.blocks import (
    begin_marker,
    end_marker,
    ensure_block,
    has_block,
    has_markers,
    read_block,
    replace_block,
)
from outreachbot.rules.signup_page import render_signup_page
from outreachbot.rules.signups import read_line
from outreachbot.rules.status import render_job, render_problems, same_beyond_clock
from outreachbot.rules.tasks import Links, Topic, read_tasks, render_tasks, render_worklist
from outreachbot.titles import normalize_user
from outreachbot.trust import IgnoredRevision, Revision

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MANY = settings(PROPERTY, max_examples=250)  # for the cheap ones
CONFIG_PAGE = "Group/Outreachbot config"
ACTIVITIES = "Group/Worldwide activities"

# --------------------------------------------------------------------------- wikitext

# Any character a page may hold on one line: no surrogates, no control characters (so no
# CR and no newline), but the unicode line and paragraph separators that Python's
# splitlines() would break on.
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
free_text = st.text(_CHARS, max_size=30)
WORDS = ["Bibliothèque", "図書館", "مكتبة", "библиотека", "📚", "Zoë", "naïve", "\u00a0",
         "\u2028", "\u200d", "library", "#1lib1ref", "a|b", "x = y", "}}", "{{", "]]", "[["]
word = st.sampled_from(WORDS) | free_text


def heading(level: int, title: str) -> str:
    marks = "=" * level
    return f"{marks} {title} {marks}"


# Text that looks like one of the bot's markers but is none of those the rules look for.
NEAR_MARKERS = [
    "<!-- outreachbot:begin upcoming-old -->", "<!-- outreachbot:end past.2019 -->",
    "<!-- outreachbot:begin Upcoming -->", "<!-- outreachbot:end PAST -->",
    "<!-- outreachbot: begin tasks -->", "<!-- outreachbot:beginworklist -->",
    "<!-- outreachbot:start archive -->", "<!- outreachbot:begin status-config -->",
    "outreachbot:begin tasks", "outreachbot:end upcoming", "outreachbot:begin past (removed)",
    "&lt;!-- outreachbot:end worklist --&gt;", "<!-- outreachbot:begin tasks2 -->",
    "<!-- outreachbot:begin signups-closed-old -->", "<!-- outreachbot:end status-tasks-x -->",
    "<!-- outreachbot:announcement other-session 7d 20200101T0000Z -->",
    "<!-- outreachbot:correction other-session cancelled -->", "<!-- session: old-1 -->",
    "<!-- clock -->", "<!-- /clock -->",
]
SNIPPETS = [
    "{{Infobox library|name=Bibliothèque|city=Paris}}", "{{nobots|deny=OtherBot}}",
    "<!-- a note for the organizers -->", "{| class=\"wikitable\"\n|-\n| cell || cell\n|}",
    "* a bullet", "# a numbered item", ": indented", "#: a reply",
    "# [[User:Zed|Zed]] 10:00, 1 June 2020 (UTC)", "[[Category:Libraries]]", "__NOTOC__",
    "<nowiki>{{not a template}}</nowiki>", "~~~~", "----", "<pre>\n# [[User:Pre]]\n</pre>",
    "''italic'' and '''bold'''", "<ref>A source</ref>", "[https://example.org link]",
]
surrounding_line = st.one_of(
    word,
    st.builds(heading, st.integers(1, 6), word),
    st.sampled_from(SNIPPETS),
    st.sampled_from(NEAR_MARKERS),
    st.just(""),
)
surroundings = st.lists(surrounding_line, max_size=8).map("\n".join)

# Organizers' and the community's wikitext, as values of template parameters.
VALUE_PIECES = [
    "[[Main Page]]", "[[a|b]]", "''it''", "'''bold'''", "{{tl|x}}", "<nowiki>x</nowiki>",
    "<!-- hidden -->", "&amp;", "~~~~", "{{subst:x}}", "__NOTOC__", "<s>struck</s>",
    "<nowiki><!-- outreachbot:end upcoming --></nowiki>",
    "<nowiki><!-- outreachbot:begin tasks --></nowiki>",
    "<pre><!-- outreachbot:end status-tasks --></pre>",
    "<nowiki><!-- outreachbot:end status-config --></nowiki>", "[[Category:X]]",
    "<!-- outreachbot:end past -->", "\n* a bullet", "\n|} table end", "\n! header",
    "\n== A heading ==", "https://example.org/a?b=c", "[[User:Alice|Alice]]",
]
value_text = st.lists(st.sampled_from(VALUE_PIECES) | word, max_size=4).map(" ".join)

# --------------------------------------------------------------------------- sessions

ZONE_LISTS = ["", "UTC", "Australia/Sydney: Sydney, America/Los_Angeles: Pacific, UTC: GMT",
              "Asia/Kolkata: Delhi, Pacific/Chatham", "Europe/London: London, UTC"]
START_ZONES = ["UTC", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata",
               "Pacific/Chatham", "Europe/London"]
HEADINGS = ["", "Interested attendees", "Inscrits", "Attendees (sign below)"]


@st.composite
def config_pages(draw: st.DrawFn) -> str:
    """A config page as organizers write one: mostly right, sometimes not."""
    lines = ["{{Outreachbot config", f"| activities_page = {ACTIVITIES}",
             f"| time_zones = {draw(st.sampled_from(ZONE_LISTS))}",
             f"| past_sessions = {draw(st.integers(0, 4))}",
             "| announce_before = 7 days, 1 day",
             f"| signup_heading = {draw(st.sampled_from(HEADINGS))}"]
    if draw(st.booleans()):
        lines.append("| calendar_url = https://example.org/calendar.ics")
    lines.append("}}")
    events = ["#1lib1ref office hours", "Wikidata training", ""]
    for number in range(draw(st.integers(0, 5))):
        values = {
            "id": draw(st.sampled_from([f"s{number}", f"oh-{number}", f"é {number}",
                                        f"s{number % 2}"])),
            "event": draw(st.sampled_from(events)),
            "title": draw(value_text.filter(lambda t: "\n" not in t)) or "A session",
            "start": (f"{draw(st.integers(2019, 2021))}-{draw(st.integers(1, 12)):02d}-"
                      f"{draw(st.integers(1, 28)):02d} {draw(st.integers(0, 23)):02d}:"
                      f"{draw(st.sampled_from(['00', '30', '45']))}"),
            "time_zone": draw(st.sampled_from(START_ZONES)),
            "duration": draw(st.sampled_from(["45 minutes", "1 hour", "90 minutes", ""])),
            "platform": draw(st.sampled_from(["Zoom", "Jitsi", "", "Google Hangouts"])),
            "join": draw(st.sampled_from(["https://zoom.us/j/0000000000", "", "[[Zoom link]]",
                                          "https://meet.jit.si/a|b"])),
            "hosts": draw(st.sampled_from(["Merrilee, Mylee", "", "[[User:Zoë|Zoë]]",
                                           "Mylee"])),
            "agenda": draw(st.lists(value_text, max_size=3).map(
                lambda items: "".join(f"\n* {item}" for item in items))),
            "signup_page": draw(st.sampled_from(["", f"Group/Office hours/{number}",
                                                 "Group/Office hours/shared"])),
            "status": draw(st.sampled_from(["scheduled", "scheduled", "cancelled",
                                            "postponed"])),
            "notes": draw(value_text),
            "recording": draw(st.sampled_from(["", "https://youtu.be/x", "[[File:Rec.webm]]"])),
        }
        if draw(st.integers(0, 4)) == 0:
            values.update(repeat="weekly", until=values["start"][:5] + "12-31")
        lines.append("{{Outreachbot session")
        lines += [f"| {name} = {value}" for name, value in values.items()]
        lines.append("}}")
    return "\n".join(lines)


sessions_read = config_pages().map(lambda text: parse_config(text, CONFIG_PAGE).sessions)
moments = st.datetimes(datetime(2019, 1, 1), datetime(2022, 1, 1),
                       timezones=st.just(UTC))


def counts_for(sessions: Sequence[Session], seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    return {s.id: rng.randint(0, 120) for s in sessions if rng.random() < 0.7}


# --------------------------------------------------------------------------- blocks


def inner(content: str) -> str:
    """What `replace_block` writes between the markers."""
    body = content.strip("\n")
    return f"\n{body}\n" if body else "\n"


def page_with_blocks(names: Sequence[str], around: Sequence[str], old: Sequence[str]) -> str:
    """``around[0]`` block ``around[1]`` block ... ``around[n]``, each block holding
    ``old``: whatever was there before."""
    text = around[0]
    for name, content, after in zip(names, old, around[1:], strict=False):
        text += begin_marker(name) + content + end_marker(name) + after
    return text


BLOCK_NAMES = ["upcoming", "past", "archive", "tasks", "worklist", "status-config",
               "status-activities", "status-tasks", CLOSED_BLOCK]


def assert_only_blocks_changed(text: str, names: Sequence[str], around: Sequence[str],
                               contents: Sequence[str]) -> None:
    """``text`` is ``around`` byte for byte, with the blocks in between; each holds its
    content and not a single marker (one would end a block early: the page would be
    refused on the next run)."""
    written = [read_block(text, name) for name in names]
    assert text == page_with_blocks(names, around, [inner(block) for block in written])
    for block, content in zip(written, contents, strict=True):
        assert not any(has_markers(block, name) for name in BLOCK_NAMES)
        assert unescaped(block) == unescaped(content.strip("\n"))


def no_markers(*contents: str) -> bool:
    """Rendered content holds no marker of any block, not even in <nowiki>."""
    return not any(has_markers(c, name) for c in contents for name in BLOCK_NAMES)


def unescaped(text: str) -> str:
    return text.replace("&lt;!--", "<!--")


block_filler = st.lists(surrounding_line, max_size=6).map("\n".join).flatmap(
    lambda text: st.sampled_from(["", "\n"]).map(lambda sep: sep + text + sep))


@MANY
@given(around=st.lists(block_filler, min_size=3, max_size=3),
       old=st.lists(surroundings, min_size=2, max_size=2),
       contents=st.lists(value_text, min_size=2, max_size=2),
       names=st.sampled_from([("upcoming", "past"), ("past", "upcoming"), ("tasks", "worklist"),
                              ("status-config", "status-activities")]))
def test_replace_block_is_idempotent_and_keeps_everything_outside(around, old, contents,
                                                                  names):
    text = page_with_blocks(names, around, old)
    once = text
    for name, content in zip(names, contents, strict=True):
        once = replace_block(once, name, content)
    assert_only_blocks_changed(once, names, around, contents)
    twice = once
    for name, content in zip(names, contents, strict=True):
        twice = replace_block(twice, name, content)
    assert twice == once


@PROPERTY
@given(text=surroundings, content=value_text, name=st.sampled_from(["status-config", "archive"]))
def test_ensure_block_appends_once_and_keeps_the_text(text, content, name):
    once = ensure_block(text, name, content)
    assert once.startswith(text)
    assert ensure_block(once, name, content) == once
    assert has_block(once, name)


# --------------------------------------------------------------------------- activities


def fill(text: str, contents: dict[str, str]) -> str:
    """What the activities job does with its blocks (a pure function of the job)."""
    return fill_activities(text, contents)


@PROPERTY
@given(sessions=sessions_read, now=moments, seed=st.integers(0, 1000),
       around=st.lists(block_filler, min_size=3, max_size=3),
       old=st.lists(surroundings, min_size=2, max_size=2),
       names=st.sampled_from([("upcoming", "past"), ("past", "upcoming"), ("upcoming",),
                              ("past",)]))
def test_activities_blocks_are_idempotent_and_keep_everything_outside(sessions, now, seed,
                                                                      around, old, names):
    settings_ = sessions[0].settings if sessions else parse_config("", CONFIG_PAGE).settings
    counts = counts_for(sessions, seed)
    shown, archived = split_past(sessions, settings_, now)
    contents = {
        "upcoming": render_upcoming(sessions, settings_, counts, now),
        "past": render_past(shown, settings_, counts, now, archive_years=archived),
    }
    assert no_markers(*contents.values())
    shuffled = random.Random(seed).sample(list(sessions), len(sessions))
    assert render_upcoming(shuffled, settings_, counts, now) == contents["upcoming"]
    assert render_past(random.Random(seed).sample(shown, len(shown)), settings_, counts, now,
                       archive_years=archived) == contents["past"]

    text = page_with_blocks(names, around, old)
    once = fill(text, contents)
    assert_only_blocks_changed(once, names, around, [contents[name] for name in names])
    assert fill(once, contents) == once


ARCHIVE_LINES = st.one_of(
    word,
    st.sampled_from(["* A human note about 2018.", "** a sub-point",
                     "<!-- session: gone-1 -->* '''Old''' was held on 3 March 2018 at 10:00.",
                     "<!-- session: gone-2 -->* '''Undated''' happened once.",
                     "<!-- session: s1 -->* '''stale copy''' held 1 May 2020 at 09:00.",
                     "* held on 31 June 2019 at 25:99 (a bad date)", "", "   "]),
)


@PROPERTY
@given(sessions=sessions_read, seed=st.integers(0, 1000),
       human=st.lists(ARCHIVE_LINES, max_size=8), before=surroundings, after=surroundings)
def test_the_archive_is_idempotent_and_keeps_the_page_around_it(sessions, seed, human,
                                                                  before, after):
    settings_ = sessions[0].settings if sessions else parse_config("", CONFIG_PAGE).settings
    counts = counts_for(sessions, seed)
    held = [s for s in sessions if s.status == "scheduled"]
    rng = random.Random(seed)
    existing = list(human)
    for session in rng.sample(held, len(held) // 2):
        existing.insert(rng.randint(0, len(existing)), archive_line(session, settings_, counts))
        existing.insert(rng.randint(0, len(existing)), f"{session_marker(session.id)}* copy")
    text = before + "\n" + begin_marker("archive") + "\n" + "\n".join(existing) + "\n" + \
        end_marker("archive") + after

    def change(text: str) -> str:
        old = read_block(text, "archive") if has_block(text, "archive") else ""
        return ensure_block(text, "archive", render_archive(old, held, settings_, counts))

    once = change(text)
    assert change(once) == once
    assert once.startswith(before + "\n" + begin_marker("archive") + "\n")
    assert once.endswith(end_marker("archive") + after)
    block = read_block(once, "archive")
    assert block == render_archive(block, held, settings_, counts) and no_markers(block)
    ours = {s.id for s in held}
    for line in existing:  # an entry behind a held session's marker is the bot's, not others
        if line.strip() and marker_id(line) not in ours:
            assert line.rstrip() in block
    fresh = change(before)
    assert fresh.startswith(before) and change(fresh) == fresh


# --------------------------------------------------------------------------- tasks

TASK_SECTIONS = ["", "Outreach", "[[Wikidata]] work", "Tâches 🗒", "A <b>bold</b> one"]


@st.composite
def task_pages(draw: st.DrawFn) -> str:
    """A page where the community declares tasks with ``{{Outreachbot task}}``."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        section = draw(st.sampled_from(TASK_SECTIONS))
        if section:
            parts.append(heading(draw(st.integers(2, 4)), section))
        values = {
            "task": draw(value_text),
            "description": draw(value_text),
            "owner": draw(st.sampled_from(["", "Mylee", "Mylee, [[User:Carol|Carol]]", "x<y"])),
            "due": draw(st.sampled_from(["", "2020-05-15", "2020-06-31", "soon", "2021-01-01"])),
            "status": draw(st.sampled_from(["", "open", "doing", "done", "finished"])),
            "done": draw(st.sampled_from(["", "2020-05-10", "2020-02-30"])),
        }
        call = "".join(f"\n| {name} = {value}" for name, value in values.items()
                       if draw(st.booleans()))
        parts.append("{{Outreachbot task" + call + "\n}}")
        parts.append(draw(surroundings))
    return "\n".join(parts)


def fill_tasks(text: str, contents: dict[str, str]) -> str:
    """What the tasks job does with its blocks (a pure function of the job)."""
    return fill_tasks_blocks(text, contents)


@PROPERTY
@given(sources=st.lists(task_pages(), max_size=3), now=moments,
       articles=st.lists(st.lists(word, max_size=4), max_size=3),
       links=st.sampled_from([Links(), Links(prefix="en"), Links(url="https://x.org/wiki/{}")]),
       around=st.lists(block_filler, min_size=3, max_size=3),
       old=st.lists(surroundings, min_size=2, max_size=2),
       names=st.sampled_from([("tasks", "worklist"), ("worklist", "tasks"), ("tasks",)]))
def test_tasks_blocks_are_idempotent_and_keep_everything_outside(sources, now, articles, links,
                                                                 around, old, names):
    tasks = []
    for number, source in enumerate(sources):
        tasks += read_tasks(source, f"Group/Tasks {number}")[0]
    topics = [Topic(f"Category:Topic {n}", tuple(a)) for n, a in enumerate(articles)]
    contents = {"tasks": render_tasks(tasks, now),
                "worklist": render_worklist(topics, 3, links)}
    assert render_tasks(list(reversed(tasks)), now) == contents["tasks"]
    assert no_markers(*contents.values())
    text = page_with_blocks(names, around, old)
    once = fill_tasks(text, contents)
    assert_only_blocks_changed(once, names, around, [contents[name] for name in names])
    assert fill_tasks(once, contents) == once


# --------------------------------------------------------------------------- status page

T0 = datetime(2020, 5, 20, 12, 0, tzinfo=UTC)
reasons = value_text | st.sampled_from([
    "the page has no marked block 'upcoming': add the lines "
    "'<!-- outreachbot:begin upcoming -->' and '<!-- outreachbot:end upcoming -->'",
    "<!-- outreachbot:end status-activities -->", "</nowiki><!-- outreachbot:end status-config -->",
    "<!-- /clock -->", "Last edits (today):",
])
problems = st.builds(
    Problem, page=st.sampled_from([CONFIG_PAGE, "Group/Tasks"]),
    template=st.sampled_from(["", "Outreachbot session", "Outreachbot task"]),
    param=st.sampled_from(["", "start", "due", "task"]), value=reasons, message=reasons,
    item=st.sampled_from(["", "s1", "<!-- outreachbot:begin status-tasks -->"]),
    severity=st.sampled_from(["error", "warning"]))
saved = st.builds(Saved, title=st.sampled_from(["Group/Worldwide activities", "Group/Tasks"]),
                  outcome=st.sampled_from(["saved", "unchanged", "simulated", "skipped"]),
                  reason=reasons, revid=st.none() | st.integers(1, 10**6))


@st.composite
def reports(draw: st.DrawFn, started: datetime) -> JobReport:
    report = JobReport(draw(st.sampled_from(["attendees", "activities", "tasks",
                                             "announcements"])), CONFIG_PAGE, started,
                       outcome=draw(st.sampled_from(["ok", "failed", "stopped"])),
                       checked=draw(st.integers(0, 50)))
    for result in draw(st.lists(saved, max_size=4)):
        report.record(result)
    report.notes += draw(st.lists(reasons, max_size=3))
    report.problems += draw(st.lists(problems, max_size=3))
    if draw(st.booleans()):
        report.ignored.append(IgnoredRevision(CONFIG_PAGE, 7, "Vandal", started))
    return report


def write_status(text: str, config_problems: Sequence[Problem],
                 job_reports: Sequence[JobReport]) -> str:
    """What the runner does with the status page (`runner.write_status`)."""
    if not text.strip():
        text = "Intro written by the bot.\n"
    text = ensure_block(text, "status-config", render_problems(config_problems, (), "None."))
    for report in job_reports:
        name = f"status-{report.job}"
        previous = read_block(text, name) if has_block(text, name) else ""
        text = ensure_block(text, name, render_job(report, previous))
    return text


@MANY
@given(before=surroundings, config_problems=st.lists(problems, max_size=4),
       job_reports=st.lists(reports(T0), max_size=4), later=st.lists(reports(T0 + timedelta(1)),
                                                                     max_size=2))
def test_the_status_page_is_idempotent_and_keeps_what_people_wrote(before, config_problems,
                                                                   job_reports, later):
    assert no_markers(render_problems(config_problems, (), "None."),
                      *(render_job(report) for report in job_reports))
    once = write_status(before, config_problems, job_reports)
    if before.strip():
        assert once.startswith(before)
    assert write_status(once, config_problems, job_reports) == once
    for report in job_reports:
        assert has_block(once, f"status-{report.job}")
    # An hour later the same jobs find nothing to do: only the clocks differ, no edit.
    quiet = [JobReport(r.job, r.config_page, T0 + timedelta(hours=1), outcome=r.outcome,
                       checked=r.checked, skips=r.skips, notes=r.notes, problems=r.problems,
                       ignored=r.ignored) for r in job_reports]
    assert same_beyond_clock(once, write_status(once, config_problems, quiet))
    # A later run writes its own blocks and leaves the others and the text around alone.
    then = write_status(once, config_problems, later)
    assert write_status(then, config_problems, later) == then
    if before.strip():
        assert then.startswith(before)
    kept = {r.job for r in job_reports} - {r.job for r in later}
    for job in kept:
        assert read_block(then, f"status-{job}") == read_block(once, f"status-{job}")


# --------------------------------------------------------------------------- announcements

DAY = timedelta(days=1)


def post(text: str, session: Session, lead: timedelta, new_section: str) -> str:
    """What the announcements job does with a target page (`jobs.announcements`)."""
    if announcement.announced(announcement.marks_in(text), session, lead):
        return text
    return announcement.append_section(text, new_section)


@PROPERTY
@given(sessions=sessions_read, talk=surroundings, body=value_text, heading_=value_text,
       lookalike=st.sampled_from([
           "<!-- outreachbot:announcement {sid}x {lead} {start} -->",
           "<!-- outreachbot:announcement {sid} {lead}x {start} -->",
           "<!-- outreachbot:announcement {sid} 2d {start} -->",
           "<!-- outreachbot:correction {sid} cancelled -->",
           "<!-- outreachbot:announcements {sid} {lead} {start} -->",
           "<!-- Outreachbot:announcement {sid} {lead} {start} -->",
           "outreachbot:announcement x{sid} {lead} {start}",
           "<!-- outreachbot:announcement {sid}  {lead} {start} -->",
       ]), lead=st.sampled_from([7 * DAY, DAY, timedelta(hours=36), timedelta(minutes=90)]))
def test_an_announcement_is_posted_once_and_keeps_the_talk_page(sessions, talk, body, heading_,
                                                                lookalike, lead):
    for session in sessions:
        mark = announcement.announcement_mark(session, lead)
        page = talk + "\n" + lookalike.format(sid=mark.session, lead=mark.what, start=mark.start)
        assert not announcement.announced(announcement.marks_in(page), session, lead)
        new = announcement.section(heading_, body, mark)
        once = post(page, session, lead, new)
        assert once == page.rstrip() + "\n\n" + new
        assert announcement.announced(announcement.marks_in(once), session, lead)
        assert post(once, session, lead, new) == once
        # Archived: the talk page is empty again, and the bot's contributions remember.
        tags = announcement.marks_in(f"Bot: announcing {mark.tag}")
        assert announcement.announced(tags, session, lead)
        for state in ("cancelled", "postponed", f"moved-{mark.start}"):
            fix = announcement.correction_mark(session, state)
            corrected = announcement.append_section(once, announcement.section("c", "", fix))
            assert fix in announcement.marks_in(corrected)
            assert announcement.announced(announcement.marks_in(corrected), session, lead)


# --------------------------------------------------------------------------- sign-up pages

USERS = ["Alice", "Bob", "Carol", "Zoë Ann", "李", "192.0.2.7", "Merrilee"]
user = st.sampled_from(USERS)
SIGNATURES: list[Callable[[str], str]] = [
    lambda u: f"[[User:{u}|{u}]] ([[User talk:{u}|talk]]) 10:00, 1 June 2020 (UTC)",
    lambda u: f"[[User talk:{u}|{u}]] 11:00, 2 June 2020 (UTC)",
    lambda u: f"[[Special:Contributions/{u}|{u}]] 12:00, 3 June 2020 (UTC)",
    lambda u: f"[[user:{u.replace(' ', '_')}]]",
    lambda u: f"[[Utilisateur:{u}|{u}]]",
    lambda u: f"{{{{unsigned|{u}|10:00, 4 June 2020 (UTC)}}}}",
]
signature = st.builds(lambda form, u: form(u), st.sampled_from(SIGNATURES), user)
# (line, owned): owned lines are the list lines the rule may rewrite or move.
attendee_line = st.one_of(
    st.builds(lambda b, t, s: (f"{b}{t} {s}", True), st.sampled_from(["#", "* ", "# ", "*"]),
              word, signature),
    st.builds(lambda s, t: (f"# <s>{s}</s> {t}", True), signature, word),
    st.builds(lambda m, t, s: (f"{m} {t} {s}", True), st.sampled_from(["#:", "*:", "::", "##"]),
              word, signature),
    st.builds(lambda m, t: (f"{m} {t}", True),
              st.sampled_from(["#", "*", "#:"]), st.sampled_from([
                  "I would like to join from Nairobi", "Count me in", "<s>I withdraw</s>",
                  "", "図書館員です"])),
    st.builds(lambda t: (t, False), st.sampled_from([
        "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)", "",
        "{{Note|Bring a laptop}}", "<!-- please keep the list numbered -->",
        "Some text between signatures.", ":: an indented remark with no link"])),
    st.builds(lambda t: (t, False), word.filter(lambda t: not t.startswith(("#", "*", ":", "=")))),
)


@st.composite
def signup_pages(draw: st.DrawFn) -> tuple[list[str], str, list[tuple[str, bool]], list[str],
                                           int]:
    """(lines before the section, its heading line, its body, lines after it, its level)."""
    level = draw(st.integers(1, 4))
    title = draw(st.sampled_from(["Interested attendees", "interested attendees"]))
    pre = draw(st.lists(surrounding_line.filter(
        lambda line: "nterested" not in line and not line.startswith(("{|", "<pre>"))),
        max_size=5))
    pre = [line for text in pre for line in text.split("\n")]
    pre += draw(st.sampled_from([[], ["== Interested attendees (2019) ==", "# [[User:Old|Old]]"],
                                 ["=Interested attendees=="], ["== Interested  attendees =="]]))
    body: list[tuple[str, bool]] = []
    sub = min(level + 1, 6)
    for _ in range(draw(st.integers(0, 4))):
        body += draw(st.lists(attendee_line, max_size=6))
        kind = draw(st.integers(0, 5))
        if kind == 0:
            body.append((heading(sub, "Waiting list"), False))
        elif kind == 1:
            body.append((heading(sub, "Notes"), False))
        elif kind == 2:
            body.append((heading(min(sub + 1, 6), "Remarks"), False))
    after = draw(st.lists(surrounding_line.map(lambda line: line.replace("\n", " ")), max_size=4))
    post = [heading(draw(st.integers(1, level)), draw(st.sampled_from(["Other", "Notes"])))]
    post += after + draw(st.sampled_from([[], ["# [[User:Zed|Zed]] is not in the list"]]))
    if draw(st.integers(0, 3)) == 0:
        post = []
    return pre, heading(level, title), body, post, level


def owned_ok(before: list[tuple[str, bool]], after: list[str], waiting: str) -> None:
    """The section's lines that are not list lines stay, in order; what is added is the
    waiting list heading and the closing block."""
    kept = iter(after)
    for line, owned in before:
        if not owned and read_line(0, line) is None:
            assert any(line == other for other in kept), line
    added = {"", waiting, begin_marker(CLOSED_BLOCK), end_marker(CLOSED_BLOCK), "''closed''"}
    theirs = {line for line, _ in before}
    for line in after:
        if read_line(0, line) is None and line not in theirs:
            assert line in added, line


def lost_lines(body: Sequence[tuple[str, bool]], after: Sequence[str], rules: ListRules,
               history: History, restored: Sequence[str]) -> list[str]:
    """The list lines that are gone from the section, except second lines by one signer
    (an unsigned line is its author's; a signature put back may come first): a line may
    only be numbered ('*' to '#') or get an unsigned template added."""
    out = set(after)
    seen: set[str | None] = set(restored)
    lost = []
    for line, _ in body:
        info = read_line(0, line, rules.names.link)
        if info is not None and not info.is_reply and (info.counts or (
                info.signer is None and line.strip() in history.added)):
            signer = info.signer or normalize_user(history.added[line.strip()].user)
            if signer in seen:
                continue
            seen.add(signer)
        numbered = "#" + line[1:] if line.startswith("*") else line
        if line in out or numbered in out or any(
                other.startswith(f"{numbered.rstrip()} {{{{unsigned|") for other in out):
            continue
        lost.append(line)
    return lost


def other_subsections(lines: Sequence[str], waiting: str) -> list[list[str]]:
    """The runs of lines under a subheading of the section other than the (first) waiting
    list: a heading and the lines up to the next heading. Not the rule's to change."""
    runs: list[list[str]] = []
    seen_waiting = False
    current: list[str] | None = None
    for line in lines:
        if line.startswith("="):
            if current is not None:
                runs.append(current)
            current = [line]
            if line == waiting and not seen_waiting:
                seen_waiting, current = True, None
        elif current is not None:
            current.append(line)
    if current is not None:
        runs.append(current)
    return runs


def revisions_of(lines: Sequence[str], text_of: Callable[[Sequence[str]], str],
                 seed: int) -> tuple[str, list[Revision]]:
    """A history that ends in ``lines``: a base with some of them, then edits by several
    people (some adding, some removing others' signatures)."""
    rng = random.Random(seed)
    base = [line for line in lines if rng.random() < 0.5]
    revisions = []
    for revid in range(1, rng.randint(1, 4)):
        middle = [line for line in lines if rng.random() < 0.7] + rng.sample(
            [f"# {form('Erin')}" for form in SIGNATURES], 1)
        revisions.append(Revision(revid, rng.choice(USERS + ["Vandal"]),
                                  datetime(2020, 6, revid, 10, tzinfo=UTC), text_of(middle)))
    revisions.append(Revision(99, rng.choice(USERS), datetime(2020, 6, 20, 10, tzinfo=UTC),
                              text_of(lines)))
    return text_of(base), revisions


NAMES = Names(user=("User", "User talk", "Utilisateur"))


@MANY
@given(page=signup_pages(), capacity=st.none() | st.integers(0, 4), close=st.booleans(),
       seed=st.integers(0, 1000), trusted=st.sets(user, max_size=2))
def test_the_attendee_list_is_idempotent_and_only_its_lines_change(page, capacity, close,
                                                                    seed, trusted):
    pre, head, body, post, level = page
    rules = ListRules(heading="Interested attendees", capacity=capacity, names=NAMES,
                      trusted=frozenset(trusted), closed_note="''closed''" if close else None)

    def text_of(body_lines: Sequence[str]) -> str:
        return "\n".join([*pre, head, *body_lines, *post])

    lines = [line for line, _ in body]
    text = text_of(lines)
    base, revisions = revisions_of(lines, text_of, seed)
    history = read_history(base, revisions, rules)
    outcome = maintain(text, rules, history)
    once = outcome.text
    assert maintain(once, rules, history).text == once
    assert maintain(once, rules).text == once
    out = once.split("\n")
    assert out[: len(pre) + 1] == [*pre, head]
    if post:
        assert out[-len(post):] == post
    section = out[len(pre) + 1: len(out) - len(post)]
    waiting = heading(min(level + 1, 6), "Waiting list")
    owned_ok(body, section, waiting)
    assert lost_lines(body, section, rules, history,
                      [removal.signer for removal in outcome.restored]) == []
    for run in other_subsections(lines, waiting):
        assert any(section[i:i + len(run)] == run for i in range(len(section))), run
    if close:
        assert is_closed(once, "Interested attendees")
        late = f"# {SIGNATURES[0]('Late')}"
        later = once.replace(head, f"{head}\n{late}\n{late}\n* {SIGNATURES[0]('Alice')}", 1)
        assert maintain(later, ListRules(capacity=0, names=NAMES)).text == later


@PROPERTY
@given(sessions=sessions_read, capacity=st.none() | st.integers(0, 3),
       signed=st.lists(signature, max_size=6))
def test_a_new_sign_up_page_needs_no_fixing_and_closes_once(sessions, capacity, signed):
    for session in sessions:
        heading_ = session.settings.signup_heading.strip() or "Interested attendees"
        rules = ListRules(heading=heading_, capacity=capacity, names=NAMES)
        created = render_signup_page(session, session.settings.time_zones)
        assert maintain(created, rules).text == created
        # People sign; the list is kept, then closed after the session.
        text = created + "".join(f"# {s}\n" for s in signed)
        kept = maintain(text, rules).text
        assert kept.startswith(created)
        assert maintain(kept, rules).text == kept
        closing = ListRules(heading=heading_, capacity=capacity, names=NAMES,
                            closed_note="''Sign-ups closed.''")
        closed = maintain(kept, closing).text
        assert closed.startswith(created) and is_closed(closed, heading_)
        assert maintain(closed, closing).text == closed
        assert maintain(closed, rules).text == closed


# --------------------------------------------------------------------------- examples
# Cases the properties found, kept as plain examples.


def test_a_new_waiting_list_does_not_swallow_a_deeper_subsection_after_the_list():
    sig = SIGNATURES[0]
    remarks = ["===== Remarks =====", f"* see you there {sig('Zed')}"]
    text = "\n".join(["=== Interested attendees ===", f"# {sig('Alice')}", f"# {sig('Bob')}",
                      *remarks, "== Other =="])
    rules = ListRules(capacity=1)
    once = maintain(text, rules).text
    assert once == "\n".join(["=== Interested attendees ===", f"# {sig('Alice')}", "",
                              "==== Waiting list ====", f"# {sig('Bob')}", *remarks,
                              "== Other =="])
    assert maintain(once, rules).text == once
    assert maintain(once, ListRules(capacity=5)).text.endswith("\n".join([*remarks,
                                                                          "== Other =="]))


def test_the_archive_keeps_a_stale_copy_of_an_entry_wherever_sorting_puts_it():
    config = parse_config(
        "{{Outreachbot config | time_zones = UTC}}\n{{Outreachbot session | id = s1 | title = T"
        " | start = 2021-07-15 04:00 | time_zone = UTC | repeat = weekly"
        " | until = 2021-08-12}}", CONFIG_PAGE)
    settings_ = config.settings
    line = {s.id: archive_line(s, settings_, {}) for s in config.sessions}
    block = "\n".join([line["s1-2021-08-12"], "<!-- session: s1-2021-07-15 -->* copy", "y",
                       line["s1-2021-07-15"]])
    once = render_archive(block, config.sessions, settings_, {})
    assert "<!-- session: s1-2021-07-15 -->* copy\ny" in once
    assert render_archive(once, config.sessions, settings_, {}) == once


def test_a_marker_in_nowiki_in_a_task_or_a_note_cannot_break_the_page():
    tasks, _ = read_tasks("{{Outreachbot task | task = Tidy <nowiki><!-- outreachbot:begin "
                          "tasks --></nowiki> up}}", "Group/Tasks")
    config = parse_config(
        "{{Outreachbot session | id = s1 | title = T | start = 2020-05-01 10:00 | time_zone"
        " = UTC | notes = <pre><!-- outreachbot:end past --></pre>}}", CONFIG_PAGE)
    now = datetime(2020, 6, 1, tzinfo=UTC)
    contents = {"tasks": render_tasks(tasks, now),
                "past": render_past(config.sessions, config.settings, {}, now)}
    assert "<nowiki>&lt;!-- outreachbot:begin tasks --></nowiki>" in contents["tasks"]
    assert "<pre>&lt;!-- outreachbot:end past --></pre>" in contents["past"]
    for name, content in contents.items():
        page = f"Intro\n{begin_marker(name)}\n{end_marker(name)}\nOutro"
        once = replace_block(page, name, content)
        assert replace_block(once, name, content) == once


def test_a_block_set_aside_under_another_name_does_not_stop_the_page():
    page = ("<!-- outreachbot:begin upcoming-old -->\nkept\n<!-- outreachbot:end upcoming-old"
            " -->\n<!-- outreachbot:begin past -->\n<!-- outreachbot:end past -->\n"
            "(outreachbot:begin upcoming was removed on purpose)")
    once = fill(page, {"upcoming": "* new", "past": "* held"})
    assert once == page.replace("past -->\n<!--", "past -->\n* held\n<!--")


def test_content_holding_a_marker_cannot_end_a_block_early():
    page = f"a\n{begin_marker('x')}\n{end_marker('x')}\nb"
    once = replace_block(page, "x", f"<nowiki>{end_marker('x')}</nowiki>")
    assert read_block(once, "x") == "<nowiki>&lt;!-- outreachbot:end x --></nowiki>"
    assert replace_block(once, "x", f"<nowiki>{end_marker('x')}</nowiki>") == once
