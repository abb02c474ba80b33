"""Text that people wrote, put into pages the bot writes, made unable to break them.

Organizers write titles, notes and agendas on the config page, and the community writes
task templates; the bot copies these values into the activities page, the open tasks
page, sign-up pages and announcements. A value is wikitext and may keep its links, bold
and templates, but nothing in it may reach beyond the value:

- nothing that MediaWiki's pre-save transform rewrites (``~~~~`` signatures,
  ``{{subst:}}``): the saved text would differ from what the bot wrote, and the bot
  would save it again on every run;
- nothing that ends or opens more than the value: unbalanced ``}}``, ``{{``, ``]]``,
  ``[[`` and ``|`` (the bot's blocks may sit inside a template on the page), an
  unclosed ``<!--`` (it would hide the rest of the page, end marker included), and the
  transclusion tags ``<includeonly>``, ``<noinclude>``, ``<onlyinclude>``; comments
  are left out (they are hidden anyway, and one could pass for one of the bot's
  markers);
- nothing that changes the whole page: behaviour switches (``__NOTOC__``),
  ``{{DISPLAYTITLE:}}`` and the like, and category links (shown as links instead).

Such markup is written with HTML entities, so readers see the same characters and the
wiki does nothing with them. `problems` says, for the config's messages, what in a value
cannot work. Pure: no network.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

# Tags that only matter when a page is transcluded, and hide text when left open.
TRANSCLUSION_TAGS = frozenset({"includeonly", "noinclude", "onlyinclude"})
# Templates and magic words that rewrite the text on save or change the whole page.
_PAGE_WIDE = frozenset({"subst", "safesubst", "msgnw", "displaytitle", "defaultsort",
                        "defaultsortkey", "defaultcategorysort", "#tag"})
_PIPES = {"!": "&#124;", "!!": "&#124;&#124;"}
_TEXT_ESCAPES = {"{{": "&#123;&#123;", "}}": "&#125;&#125;", "[[": "&#91;&#91;",
                 "]]": "&#93;&#93;", "|": "&#124;", "!!": "!&#33;", "<": "&lt;",
                 "-->": "--&gt;"}
_TEXT_SPECIAL = re.compile(r"\{\{|\}\}|\[\[|\]\]|\||!!|<|-->")
_TILDES = re.compile(r"~{3,}")
_SWITCH = re.compile(r"__([A-Za-z]+)__")
_URL_UNSAFE = re.compile(r"[\[\]{}|<>\"\s]|'{2,}|~{3,}")
_TRANSCLUSION_TAG = re.compile(r"<\s*/?\s*(includeonly|noinclude|onlyinclude)\b", re.I)
_CATEGORY = re.compile(r"^\s*category\s*:", re.IGNORECASE)
_PROTECTED = re.compile(r"<(nowiki|pre)\b[^>]*?(?<!/)>.*?</\1\s*>|<!--.*?-->",
                        re.DOTALL | re.IGNORECASE)


def one_line(text: str) -> str:
    """The text on one line, its runs of white space made single spaces."""
    return " ".join(text.split())


def _literal(text: str) -> str:
    """Wikitext shown as the characters it is made of."""
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES[m.group()], text)


def _template_name(template: Template) -> str:
    name = str(template.name).strip().lower()
    return name.partition(":")[0].strip() if ":" in name else name


def _clean(code: Wikicode) -> None:
    """Make every node of ``code`` inert where it could reach beyond the value."""
    for node in list(code.nodes):
        replacement: str | None = None
        if isinstance(node, Text):
            replacement = _literal(node.value)
        elif isinstance(node, Comment):
            replacement = ""  # hidden on the wiki anyway, and it could pass for a marker
        elif isinstance(node, Tag):
            name = str(node.tag).strip().lower()
            if name in TRANSCLUSION_TAGS:
                replacement = _literal(str(node))
            elif name in ("nowiki", "pre") and node.contents is not None:
                # Shown as written, but a comment there still passes for a block marker
                # to anything that reads the page's text; '&lt;' shows the same.
                node.contents = str(node.contents).replace("<!--", "&lt;!--")
            elif node.contents is not None:
                _clean(node.contents)
        elif isinstance(node, Template):
            if _template_name(node) in _PAGE_WIDE:
                replacement = _literal(str(node))
            elif _template_name(node) in _PIPES:  # {{!}}: a pipe that would split a cell
                replacement = _PIPES[_template_name(node)]
            else:
                _clean(node.name)
                for param in node.params:
                    _clean(param.value)
        elif isinstance(node, Wikilink):
            if _CATEGORY.match(str(node.title)):
                node.title = ":" + str(node.title).lstrip()
            if node.text is not None:
                _clean(node.text)
        elif isinstance(node, ExternalLink):
            if node.title is not None:
                _clean(node.title)
        elif isinstance(node, Heading):
            _clean(node.title)
        elif isinstance(node, Argument):
            replacement = _literal(str(node))
        if replacement is not None:
            code.replace(node, replacement)


def _sequences(text: str) -> str:
    """Signatures and behaviour switches, wherever they are, written with entities."""
    text = _TILDES.sub(lambda m: "&#126;" * len(m.group()), text)
    return _SWITCH.sub(r"&#95;_\1__", text)


def neutralize(text: str) -> str:
    """``text`` with every construct that could reach beyond it written as plain
    characters; links, bold, tags and ordinary templates are kept."""
    if not text:
        return text
    code = mwparserfromhell.parse(text, skip_style_tags=True)
    _clean(code)
    return _sequences(str(code))


def inline(text: str) -> str:
    """A value for one line of a list or a table cell: one line, and inert."""
    return neutralize(one_line(text))


def url(address: str) -> str:
    """A web address safe to write in wikitext: the characters that would end the link,
    the template around it or turn into a signature are percent-encoded (the address
    they lead to is the same)."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{ord(c):02X}" for c in m.group()),
                           one_line(address))


def shorten(text: str, limit: int = 120) -> str:
    """One line of at most ``limit`` characters, cut at a word where it can be: for edit
    summaries (the wiki keeps 500 bytes of them) and for quoting a value in a message."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def open_comment(text: str) -> int | None:
    """Where ``text`` opens an HTML comment it never closes, or None.

    MediaWiki hides everything from there to the end of the page, so whatever the bot
    reads from such a page (targets, tasks, signatures) stops there too.
    """
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            return None
        protected = _PROTECTED.search(text, position)
        if protected and protected.start() <= start:
            position = protected.end()
            continue
        end = text.find("-->", start + 4)
        if end < 0:
            return start
        position = end + 3


def line_number(text: str, offset: int) -> int:
    """The 1-based line of ``text`` that ``offset`` is on."""
    return text.count("\n", 0, offset) + 1


def problems(text: str) -> list[str]:
    """What in a value cannot work where the bot puts it, in plain words; each is
    written so that it completes "The value ...". Empty for ordinary wikitext."""
    found: list[str] = []
    bare = _PROTECTED.sub("", text)  # what <nowiki> and <pre> hold is shown as written
    if _TILDES.search(bare):
        found.append("holds '~~~~', which would turn into a signature when the bot saves "
                     "a page; it is shown as plain tildes. Write the name instead")
    code = mwparserfromhell.parse(text, skip_style_tags=True)
    names = {_template_name(t) for t in code.filter_templates(recursive=True)}
    for name in sorted(names & _PAGE_WIDE):
        found.append(f"uses '{{{{{name}:...}}}}', which does not work in a value the bot "
                     "copies into other pages; it is shown as plain text. Write the text "
                     "it should give instead")
    switch = _SWITCH.search(bare)
    if switch:
        found.append(f"holds '{switch.group()}', which would change the whole page it is "
                     "copied to; it is shown as plain text. Remove it")
    if open_comment(text) is not None:
        found.append("opens an HTML comment with '<!--' and never closes it; it is shown "
                     "as plain text. Close it with '-->' or remove it")
    if any(_CATEGORY.match(str(link.title)) for link in code.filter_wikilinks(recursive=True)):
        found.append("links a category, which would put every page it is copied to in that "
                     "category; it is shown as a link. Write [[:Category:...]] to link it")
    tags = {name.lower() for name in _TRANSCLUSION_TAG.findall(text)}
    for name in sorted(tags):
        found.append(f"holds <{name}>, which only matters on a page that is transcluded; "
                     "it is shown as plain text. Remove it")
    for name in ("nowiki", "pre"):
        if re.search(rf"<\s*/?\s*{name}\b", text, re.IGNORECASE) and not any(
                str(t.tag).strip().lower() == name for t in code.filter_tags(recursive=True)):
            found.append(f"has a <{name}> tag that is not closed (or a closing tag that "
                         f"was not opened); it is shown as plain text. Write "
                         f"<{name}>...</{name}> around the text it is meant for")
    for opening, closing in (("{{", "}}"), ("[[", "]]")):
        stray = "".join(str(n) for n in code.nodes if isinstance(n, Text))
        if opening in stray or closing in stray:
            found.append(f"has a '{opening}' or '{closing}' without its partner; it is shown "
                         f"as plain text. To show the characters on purpose, write "
                         f"<nowiki>{opening}</nowiki>")
    return found
