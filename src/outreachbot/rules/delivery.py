"""Reading a delivery list: the pages an announcement goes to.

Organizers keep the list the way MassMessage lists are kept on Wikimedia wikis, and both
forms may be mixed on one page::

    * [[User talk:Alice]]
    # [[Project talk:Libraries]] (added by Merrilee)
    {{target|page=User talk:Bob|site=fr.wikipedia.org}}
    {{target|page=User talk:Carol|create=yes}}

A list line (``*`` or ``#``) gives its first link; a ``{{target}}`` gives its ``page`` on
the wiki its ``site`` names (this wiki when there is none). ``create=yes`` lets the bot
start a page that does not exist yet. HTML comments are ignored, a page listed twice gets
one post, and a list longer than the operator's cap is not used at all: a cut-off list
would pick who is told by accident. Pure: no network.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Template, Wikilink

from outreachbot.model import Problem
from outreachbot.rules.markup import line_number, open_comment, shorten
from outreachbot.titles import is_valid_title, normalize_title

DEFAULT_MAX_TARGETS = 1000
TARGET_TEMPLATE = "target"
_YES = frozenset({"yes", "y", "true", "1", "on"})
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")
# Links that are not targets: categorizing the list page, showing a file.
_NOT_TARGETS = re.compile(r"^\s*(category|file|image)\s*:", re.I)
_LINK = re.compile(r"\[\[([^|\]]*)(\|[^\]]*)?\]\]")


@dataclass(frozen=True)
class Target:
    """A page on the delivery list; ``site`` is a host name, None for this wiki."""

    title: str
    site: str | None = None
    create: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.site or "", self.title)


@dataclass(frozen=True)
class DeliveryList:
    """The usable targets in list order, the problems found, and the repeats dropped."""

    page: str
    targets: tuple[Target, ...]
    problems: tuple[Problem, ...] = ()
    duplicates: int = 0
    too_long: bool = False


def normalize_site(value: str) -> tuple[str | None, str | None]:
    """A ``site=`` value as a bare host (``fr.wikipedia.org``, ``127.0.0.1:8932``), and why
    it cannot be one (None when it can). An empty value means this wiki."""
    host = value.strip().lower()
    host = re.sub(r"^(https?:)?//", "", host).split("/", 1)[0]
    if not host:
        return None, None
    if not _HOST.match(host):
        return None, "it is not a wiki's host name such as 'meta.wikimedia.org'"
    return host, None


def _without_comments(text: str) -> str:
    """The text with its comments blanked, keeping line numbers for the messages; the
    caller has cut the text at a comment that is never closed."""
    code = mwparserfromhell.parse(text)
    for comment in code.filter(forcetype=Comment, recursive=True):
        code.replace(comment, "\n" * str(comment).count("\n"))
    return str(code)


def _is_target_template(template: Template) -> bool:
    name = str(template.name).strip()
    return name[:1].lower() + name[1:] == TARGET_TEMPLATE


def _param(template: Template, name: str) -> str:
    return str(template.get(name).value).strip() if template.has(name) else ""


class _Reader:
    def __init__(self, page: str, home: str | None) -> None:
        self.page = page
        self.home = home
        self.targets: list[Target] = []
        self.problems: list[Problem] = []
        self.seen: set[tuple[str, str]] = set()
        self.duplicates = 0

    def problem(self, number: int, template: str, param: str, value: str, message: str) -> None:
        self.problems.append(Problem(self.page, template, param, value, message,
                                     item=f"line {number}"))

    def add(self, number: int, title: str, site: str | None, create: bool,
            template: str = "") -> None:
        title = title.split("#", 1)[0]
        reason = is_valid_title(title)
        if reason:
            self.problem(number, template, "page" if template else "", title,
                         f"{shorten(title, 80)!r} is not a valid page title: {reason}; this "
                         "line is left out")
            return
        if site is not None and site == self.home:
            site = None
        target = Target(normalize_title(title), site, create, number)
        if target.key in self.seen:
            self.duplicates += 1
            if create:  # a repeat may allow what the first line did not
                self.targets = [dataclasses.replace(t, create=True) if t.key == target.key
                                else t for t in self.targets]
            return
        self.seen.add(target.key)
        self.targets.append(target)

    def template(self, number: int, template: Template) -> None:
        page = _param(template, "page")
        if not page:
            self.problem(number, TARGET_TEMPLATE, "page", "",
                         "this {{target}} has no page; write {{target|page=User talk:Name}}")
            return
        site, reason = normalize_site(_param(template, "site"))
        if reason:
            self.problem(number, TARGET_TEMPLATE, "site", _param(template, "site"),
                         f"{reason}; this line is left out")
            return
        create = _param(template, "create").lower() in _YES
        self.add(number, page, site, create, TARGET_TEMPLATE)

    def line(self, number: int, line: str) -> None:
        code = mwparserfromhell.parse(line)
        templates = [t for t in code.filter_templates(recursive=False) if _is_target_template(t)]
        for template in templates:
            self.template(number, template)
        if templates or not line.lstrip().startswith(("*", "#")):
            return
        links = [str(link.title) for link in code.filter(forcetype=Wikilink, recursive=False)]
        # A link the parser refuses (a bad title) is still what the organizer meant.
        links = links or [m.group(1) for m in _LINK.finditer(line)]
        for title in (t.strip() for t in links):
            if not title.startswith(":") and _NOT_TARGETS.match(title):
                continue
            self.add(number, title, None, False)
            return


def parse_delivery_list(text: str, page: str, *, max_targets: int = DEFAULT_MAX_TARGETS,
                        home: str | None = None) -> DeliveryList:
    """The targets of the delivery list ``page`` (its wikitext ``text``).

    ``home`` is this wiki's host: a ``site=`` naming it means this wiki. Never raises:
    bad lines become problems naming the line and the value, and the rest is used. A
    list with more than ``max_targets`` pages yields no targets and a problem saying so.
    """
    reader = _Reader(page, home)
    unclosed = open_comment(text)
    if unclosed is not None:
        text = text[:unclosed]
    for number, line in enumerate(_without_comments(text).splitlines(), 1):
        if line.strip():
            reader.line(number, line)
    if unclosed is not None:
        reader.problem(line_number(text, unclosed), "", "", "", "this line opens an HTML "
                       "comment with '<!--' that is never closed, so the wiki hides every "
                       "line after it and nothing is delivered to the pages named there; "
                       "close the comment with '-->'")
    targets = tuple(reader.targets)
    too_long = len(targets) > max_targets
    if too_long:
        reader.problems.append(Problem(
            page, "", "", "",
            f"the delivery list names {len(targets)} pages, more than the {max_targets} the "
            "bot's operator allows; nothing is delivered until the list is shortened or the "
            "operator raises the limit"))
        targets = ()
    return DeliveryList(page, targets, tuple(reader.problems), reader.duplicates, too_long)
