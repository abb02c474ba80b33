"""The two bot-owned blocks of the open tasks page: the organizers' tasks and the worklist.

Everything here is pure: page texts, the clock ``now`` and what the wiki answered come in,
wikitext goes out. The texts returned are the *contents* of the marked blocks ``tasks`` and
``worklist``; the caller puts the markers around them.

Tasks are the ``{{Outreachbot task}}`` templates on the pages of ``task_sources``. Task
templates are community data, not steering: a bad value is reported (a `Problem` naming the
page, the template, the parameter and the value) and the task is still listed with what is
usable. The block is a sortable table of the open tasks, due date first, then title::

    {| class="wikitable sortable"
    ! Task !! Where !! Owner !! Due !! Status
    |-
    | '''Write the blog post'''<br />
    A short description.
    | [[Group/Tasks#Outreach|Group/Tasks § Outreach]]
    | [[User:Mylee|Mylee]]
    | data-sort-value="2020-05-15" | 2020-05-15 '''overdue'''
    | open
    |}

then a "Recently done" list of the tasks done within `RECENT` of ``now``, newest first.

The worklist lists, per topic category, the articles of its tree that are in the
``worklist_needs`` category: "N articles need citations" and up to ``worklist_size`` of them,
alphabetically, linked across wikis when the worklist wiki is another one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import mwparserfromhell
from mwparserfromhell.nodes import Heading

from outreachbot import params
from outreachbot.config import (
    INVALID,
    early_end_message,
    find_templates,
    raw_params,
    read_value,
    stray_parameters,
    visible_text,
)
from outreachbot.model import Problem
from outreachbot.rules.markup import inline, neutralize, one_line

RECENT = timedelta(days=30)  # how long a done task stays under "Recently done"
CATEGORY_NAMESPACE = 14
ARTICLE_NAMESPACE = 0

_PARAMS = {param.name: param for param in params.TASK_PARAMS}
_NO_DUE = date.max  # tasks without a due date sort last
_ANCHOR_FORBIDDEN = re.compile(r"[\[\]{}|<>]")
_COLON_NAMESPACES = ("category:", "file:", "image:", "media:")


@dataclass(frozen=True)
class Task:
    """One ``{{Outreachbot task}}``, read; ``number`` is its place on its page."""

    title: str
    page: str
    section: str = ""  # the heading it sits under; '' in the lead
    number: int = 1
    description: str = ""
    owners: tuple[str, ...] = ()
    due: date | None = None
    status: str = "open"  # open | doing | done
    done: date | None = None

    def overdue(self, today: date) -> bool:
        return self.status != "done" and self.due is not None and self.due < today


# --- Reading the tasks ----------------------------------------------------------------

def _heading_text(heading: Heading) -> str:
    """A heading as its anchor reads: markup dropped, spaces collapsed."""
    return " ".join(heading.title.strip_code().split())


def _problem(page: str, item: str, param: str, value: str, message: str,
             severity: str = "error") -> Problem:
    return Problem(page, params.TASK_TEMPLATE, param, value, message, item, severity)


def _unknown(name: str) -> str:
    known = f"'{name}' is not a parameter of {{{{{params.TASK_TEMPLATE}}}}}"
    simple = re.sub(r"[\s-]+", "_", name.strip().lower())
    close = [simple] if simple in _PARAMS else difflib.get_close_matches(simple, _PARAMS, 1, 0.7)
    if close:
        return f"{known}; did you mean '{close[0]}'?"
    return f"{known}; use task, description, owner, due, status or done"


def _written(raw: list[tuple[str, str, bool]], page: str, item: str,
             problems: list[Problem]) -> dict[str, str]:
    """The named, known, non-empty values; every other one is reported."""
    values: dict[str, str] = {}
    for name, value, named in raw:
        if not named:
            problems.append(_problem(page, item, name, value, f"{value!r} has no parameter "
                                     "name; write it as '| name = value'"))
        elif name not in _PARAMS:
            problems.append(_problem(page, item, name, value, _unknown(name)))
        elif value:
            values[name] = value
    return values


def _read_task(raw: list[tuple[str, str, bool]], page: str, section: str, number: int,
               problems: list[Problem]) -> Task | None:
    """A task from its raw parameters; None when it says nothing about what is to be done."""
    named = {name: value for name, value, is_named in raw if is_named and value}
    item = named.get("task") or f"task #{number} on the page"
    values = _written(raw, page, item, problems)
    read: dict[str, Any] = {}
    for name, text in values.items():
        value, notes = read_value(_PARAMS[name], text)
        for severity, message in notes:
            problems.append(_problem(page, item, name, text, message, severity))
        if value is not INVALID:
            read[name] = value
    if "task" not in values:
        problems.append(_problem(page, item, "task", "", "this task has no 'task'; add a line "
                                 "such as '| task = Write the blog post' (it is not listed "
                                 "until then)"))
        return None
    status = str(read.get("status") or ("done" if "done" in read else "open"))
    done = read.get("done")
    if status == "done" and done is None and "done" not in values:
        problems.append(_problem(page, item, "done", "", "this task is done but has no done "
                                 "date; add '| done = YYYY-MM-DD' so it leaves 'Recently "
                                 "done' after 30 days", "warning"))
    if status != "done" and "done" in values:
        problems.append(_problem(page, item, "status", values.get("status", ""),
                                 f"this task has a done date but its status is {status!r}; "
                                 "write '| status = done' or remove the done date",
                                 "warning"))
    return Task(
        title=str(read["task"]), page=page, section=section, number=number,
        description=str(read.get("description", "")),
        owners=tuple(read.get("owner", ())),
        due=read.get("due"),
        status=status,
        done=done if isinstance(done, date) else None,
    )


def read_tasks(text: str, page: str) -> tuple[list[Task], list[Problem]]:
    """Every ``{{Outreachbot task}}`` of a page in page order, and the problems found.

    Each task remembers the section it sits in, so the table can link to it. Never raises
    on bad input.
    """
    tasks: list[Task] = []
    problems: list[Problem] = []
    code = mwparserfromhell.parse(visible_text(text, page, problems, params.TASK_TEMPLATE))
    number = 0
    for section in code.get_sections(flat=True, include_lead=True):
        first = section.nodes[0] if section.nodes else None
        heading = _heading_text(first) if isinstance(first, Heading) else ""
        for template in find_templates(section, params.TASK_TEMPLATE):
            number += 1
            raw = raw_params(template)
            task = _read_task(raw, page, heading, number, problems)
            stray = stray_parameters(section, template, _PARAMS.keys())
            if stray is not None:
                last, names = stray
                value = next((v for n, v, _ in raw if n == last), "")
                problems.append(_problem(page, task.title if task else f"task #{number} on "
                                         "the page", last, value, early_end_message(names)))
            if task is not None:
                tasks.append(task)
    return tasks, problems


# --- The tasks block ------------------------------------------------------------------

def _need(count: int) -> str:
    return f"{count} article needs citations" if count == 1 else \
        f"{count} articles need citations"


@dataclass(frozen=True)
class Texts:
    """The words the blocks are written with, in the language of the tasks page."""

    task: str = "Task"
    where: str = "Where"
    owner: str = "Owner"
    due: str = "Due"
    status: str = "Status"
    overdue: str = "overdue"
    statuses: dict[str, str] = field(default_factory=lambda: {
        "open": "open", "doing": "doing", "done": "done"})
    no_tasks: str = "No open tasks."
    recently_done: str = "Recently done"
    need: Callable[[int], str] = field(default=lambda n: _need(n))
    no_articles: str = "No articles found."
    no_topics: str = "No worklist topics are set in the config."


def _one_line(text: str) -> str:
    """Community wikitext on one line, unable to reach beyond its place (see `markup`)."""
    return inline(text)


def _link_target(title: str) -> str:
    title = one_line(title)
    return ":" + title if title.lower().startswith(_COLON_NAMESPACES) else title


def _anchor(section: str) -> str:
    return neutralize(_ANCHOR_FORBIDDEN.sub("", section).strip())


def where(task: Task) -> str:
    """A link to the page and section that declare the task."""
    anchor = _anchor(task.section)
    if not anchor:
        return f"[[{_link_target(task.page)}]]"
    return f"[[{_link_target(task.page)}#{anchor}|{task.page} § {anchor}]]"


def _owners(task: Task) -> str:
    return ", ".join(f"[[User:{name}|{name}]]" for name in task.owners)


def _cell_lines(text: str) -> str:
    """Organizer wikitext made safe inside a table cell: a line starting with a table
    character would end the cell or the table."""
    lines = neutralize(text.strip()).splitlines()
    return "\n".join("<nowiki/>" + line if line.startswith(("|", "!", "{|")) else line
                     for line in lines)


def _due_cell(task: Task, today: date, texts: Texts) -> str:
    if task.due is None:
        return f'data-sort-value="{_NO_DUE.isoformat()}" | '
    shown = task.due.isoformat()
    if task.overdue(today):
        shown += f" '''{texts.overdue}'''"
    return f'data-sort-value="{task.due.isoformat()}" | {shown}'


def _order(task: Task) -> tuple[date, str, str, int]:
    return (task.due or _NO_DUE, task.title.casefold(), task.page, task.number)


def _row(task: Task, today: date, texts: Texts) -> list[str]:
    title = f"'''{_one_line(task.title)}'''"
    if task.description:
        title += f"<br />\n{_cell_lines(task.description)}"
    return [
        "|-",
        f"| {title}",
        f"| {where(task)}",
        f"| {_owners(task)}",
        f"| {_due_cell(task, today, texts)}",
        f"| {texts.statuses.get(task.status, task.status)}",
    ]


def recently_done(tasks: Iterable[Task], now: datetime) -> list[Task]:
    """Tasks done within `RECENT` of ``now``, newest first; a done task without a date
    stays until it gets one."""
    today = now.date()
    done = [t for t in tasks if t.status == "done" and (t.done is None or today - t.done <= RECENT)]
    return sorted(done, key=lambda t: (-(t.done or date.max).toordinal(), *_order(t)[1:]))


def open_tasks(tasks: Iterable[Task]) -> list[Task]:
    """The tasks not done, by due date (none last), then title."""
    return sorted((t for t in tasks if t.status != "done"), key=_order)


def render_tasks(tasks: Sequence[Task], now: datetime, texts: Texts | None = None) -> str:
    """The content of the *tasks* block."""
    texts = texts or Texts()
    today = now.date()
    shown = open_tasks(tasks)
    if shown:
        lines = ['{| class="wikitable sortable"',
                 f"! {texts.task} !! {texts.where} !! {texts.owner} !! {texts.due} "
                 f"!! {texts.status}"]
        for task in shown:
            lines += _row(task, today, texts)
        lines.append("|}")
    else:
        lines = [f"''{texts.no_tasks}''"]
    done = recently_done(tasks, now)
    if done:
        lines += ["", f"'''{texts.recently_done}'''"]
        for task in done:
            when = f"{task.done.isoformat()}: " if task.done else ""
            owners = f" ({_owners(task)})" if task.owners else ""
            lines.append(f"* {when}'''{_one_line(task.title)}''', {where(task)}{owners}")
    return "\n".join(lines)


# --- The worklist ---------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    """A category member as the wiki lists it; ``needs``: it is also in the category the
    worklist asks about."""

    title: str
    namespace: int
    needs: bool = False


def walk_tree(root: str, depth: int,
              members: Callable[[str], Sequence[Member]]) -> list[Member]:
    """The members of ``root`` and of its subcategories down to ``depth`` (0: ``root``'s
    own members only), each once, in the order found; subcategories are not listed.

    Each category is asked for once, so a cycle in the category tree ends the walk.
    """
    seen_categories = {root}
    level = [root]
    found: dict[str, Member] = {}
    for current_depth in range(depth + 1):
        below: list[str] = []
        for category in level:
            for member in members(category):
                if member.namespace == CATEGORY_NAMESPACE:
                    if current_depth < depth and member.title not in seen_categories:
                        seen_categories.add(member.title)
                        below.append(member.title)
                elif member.title not in found:
                    found[member.title] = member
        level = below
    return list(found.values())


def needing_articles(root: str, depth: int,
                     members: Callable[[str], Sequence[Member]]) -> list[str]:
    """The articles of ``root``'s tree that are in the worklist's category, alphabetically."""
    return sorted(m.title for m in walk_tree(root, depth, members)
                  if m.namespace == ARTICLE_NAMESPACE and m.needs)


@dataclass(frozen=True)
class Links:
    """How titles of the worklist wiki are linked from the tasks page: plainly (the same
    wiki), through an interwiki ``prefix``, or else as an external link on ``url``, an
    article address with ``{}`` for the title."""

    prefix: str | None = None
    url: str | None = None

    def link(self, title: str, label: str | None = None) -> str:
        label = label or title
        if self.prefix:
            return f"[[:{self.prefix}:{title}|{label}]]"
        if self.url:
            address = self.url.replace("{}", quote(title.replace(" ", "_"), safe=":/()',!"))
            return f"[{address} {label}]"
        target = _link_target(title)
        return f"[[{target}]]" if target == title else f"[[{target}|{label}]]"


@dataclass(frozen=True)
class Topic:
    """A worklist topic category and the articles of its tree that need work."""

    category: str
    articles: tuple[str, ...]


def _topic_label(category: str) -> str:
    prefix, colon, rest = category.partition(":")
    return rest if colon and prefix.lower() == "category" else category


def render_worklist(topics: Sequence[Topic], size: int, links: Links,
                    texts: Texts | None = None) -> str:
    """The content of the *worklist* block: per topic, how many articles need work and the
    first ``size`` of them alphabetically."""
    texts = texts or Texts()
    if not topics:
        return f"''{texts.no_topics}''"
    lines: list[str] = []
    for topic in topics:
        heading = f"'''{links.link(topic.category, _topic_label(topic.category))}'''"
        articles = sorted(set(topic.articles))
        if not articles:
            lines.append(f"{heading}: ''{texts.no_articles}''")
            continue
        lines.append(f"{heading}: {texts.need(len(articles))}")
        lines += [f"* {links.link(title)}" for title in articles[:size]]
    return "\n".join(lines)
