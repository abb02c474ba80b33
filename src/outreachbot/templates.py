"""The three on-wiki templates organizers fill in, generated from `params`.

``outreachbot install-templates`` writes ``Template:Outreachbot config``, ``Template:Outreachbot
session`` and ``Template:Outreachbot task`` on the wiki the bot runs on, each with a
``/doc`` subpage. Everything about a parameter (its name, label, description, type,
whether it is required or suggested, an example) comes from `params`, the list the config
reader validates against: the TemplateData VisualEditor's form is built from, the
documentation table and the rows of the rendered box can never disagree with what the
bot accepts.

- A template page is the bot's own code: install replaces it whole (the wiki's history
  keeps every older version). Its TemplateData sits on the template page itself, so the
  API sees it as soon as the page is saved, without waiting for the job queue.
- A ``/doc`` page is for people: the generated part sits in a marked block
  (``<!-- outreachbot:begin template-doc -->``) and anything written around it stays.
- Every parameter is used with an empty default (``{{{title|}}}``), so a page that shows a
  template with missing values never displays raw ``{{{...}}}``.

The box needs ParserFunctions (``{{#if:}}``, ``{{#switch:}}``), loaded on Wikimedia wikis
and on the local wiki.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from outreachbot import params
from outreachbot.edits import Edit, Saved
from outreachbot.model import Settings
from outreachbot.params import Param
from outreachbot.rules.blocks import ensure_block

DOC_BLOCK = "template-doc"
DEFAULT_BOT = "OutreachBot"

# params.Param.kind -> TemplateData type. Lists are "string" (several values in one field);
# a start time is "line": TemplateData's "date" is strict ISO 8601 without the space.
TEMPLATEDATA_TYPES: dict[str, str] = {
    "title": "wiki-page-name",
    "titles": "string",
    "zones": "string",
    "durations": "string",
    "duration": "line",
    "users": "string",
    "int": "number",
    "datetime": "line",
    "date": "date",
    "zone": "line",
    "url": "url",
    "choice": "line",
    "wikitext": "content",
    "line": "line",
    "site": "line",
}

_BOX_STYLE = "margin:0.5em 0; min-width:30em; max-width:60em;"
_HEAD_STYLE = "background:#eaf3ff; text-align:left;"
_LABEL_STYLE = "text-align:left; width:12em; vertical-align:top;"


@dataclass(frozen=True)
class Spec:
    """One template: its own parameters and, for a session, the settings it may override."""

    name: str
    purpose: str
    params: tuple[Param, ...]
    overrides: tuple[Param, ...] = ()

    @property
    def title(self) -> str:
        return f"Template:{self.name}"

    @property
    def doc_title(self) -> str:
        return f"{self.title}/doc"

    def all_params(self) -> tuple[Param, ...]:
        return self.params + self.overrides


SPECS: tuple[Spec, ...] = (
    Spec(params.CONFIG_TEMPLATE,
         "The settings of the bot for one group: which pages it keeps, the time zones "
         "sessions are shown in, who may steer it. One per config page.",
         params.SETTINGS_PARAMS),
    Spec(params.SESSION_TEMPLATE,
         "One session (office hours, a meetup, a training) on the config page. Any setting "
         "of the config template may be given here too, for this session only.",
         params.SESSION_PARAMS, params.SETTINGS_PARAMS),
    Spec(params.TASK_TEMPLATE,
         "A to-do of the group, declared on any page the config's task_sources name; the "
         "bot lists it on the open tasks page.",
         params.TASK_PARAMS),
)


def spec(name: str) -> Spec:
    """The spec of a template by its name (without ``Template:``); raises KeyError."""
    for candidate in SPECS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


# --- TemplateData ----------------------------------------------------------------------

def _defaults() -> dict[str, str]:
    """The values the bot uses for settings left blank, as an organizer would write them."""
    found: dict[str, str] = {}
    for field in dataclasses.fields(Settings):
        value = field.default
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            continue
        found[field.name] = str(value)
    found["time_zones"] = "UTC"
    return found


def _param_data(param: Param, override: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": param.label,
        "description": param.description,
        "type": TEMPLATEDATA_TYPES[param.kind],
    }
    if override:
        data["description"] += " Overrides the config's value for this session only."
    else:
        if param.required:
            data["required"] = True
        if param.suggested:
            data["suggested"] = True
    if param.example:
        data["example"] = param.example
    if param.choices:
        data["suggestedvalues"] = list(param.choices)
    default = _defaults().get(param.name)
    if default and param.name in params.CONFIG_PARAM_NAMES:
        data["default"] = default if not override else "the config's value"
    return data


def templatedata(template: Spec) -> dict[str, Any]:
    """The TemplateData object of a template, straight from `params`."""
    data: dict[str, Any] = {
        "description": template.purpose,
        "format": "block",
        "params": {p.name: _param_data(p, False) for p in template.params},
        "paramOrder": [p.name for p in template.all_params()],
    }
    if template.overrides:
        data["params"].update({p.name: _param_data(p, True) for p in template.overrides})
        data["sets"] = [
            {"label": "Session", "params": [p.name for p in template.params]},
            {"label": "Settings for this session only",
             "params": [p.name for p in template.overrides]},
        ]
    return data


def templatedata_json(template: Spec) -> str:
    # Plain ASCII JSON: no "<" or "&" needs escaping inside the tag.
    return json.dumps(templatedata(template), indent="\t", ensure_ascii=True)


# --- The rendered box ------------------------------------------------------------------

def _value(param: Param) -> str:
    """How a given value is shown in the box."""
    value = f"{{{{{{{param.name}|}}}}}}"
    if param.kind == "title":
        # A page name becomes a link, unless it was written as a link already.
        # (One "[" compared, as "[[" would open a link for the preprocessor.)
        return f"{{{{#ifeq:{{{{padleft:|1|{value}}}}}|[|{value}|[[:{value}]]}}}}"
    if param.kind == "wikitext":
        return f"\n{value}\n"  # lists (an agenda) need to start on a line of their own
    if param.kind == "choice":
        return f"{{{{lc:{value}}}}}"
    return value


def _row(param: Param, label: str | None = None) -> str:
    """A table row shown only when the parameter has a value."""
    return (f"{{{{#if:{{{{{{{param.name}|}}}}}}|\n<tr><th style=\"{_LABEL_STYLE}\">"
            f"{label or param.label}</th><td>{_value(param)}</td></tr>}}}}")


def _status_row() -> str:
    status = "{{lc:{{{status|}}}}}"
    shown = (f"{{{{#switch:{status}|cancelled=<b style=\"color:#d33\">cancelled</b>"
             f"|postponed=<b style=\"color:#ac6600\">postponed</b>|#default={status}}}}}")
    return (f"{{{{#if:{{{{{{status|}}}}}}|\n<tr><th style=\"{_LABEL_STYLE}\">Status</th>"
            f"<td>{shown}</td></tr>}}}}")


def _session_box(template: Spec) -> str:
    rows = []
    for param in template.params:
        if param.name in ("id", "title", "time_zone"):
            continue  # in the heading and next to the start
        if param.name == "start":
            rows.append("{{#if:{{{start|}}}|\n<tr><th style=\"" + _LABEL_STYLE + "\">Start</th>"
                        "<td>{{{start|}}}{{#if:{{{time_zone|}}}|&nbsp;({{{time_zone|}}})}}</td></tr>}}")
        elif param.name == "status":
            rows.append(_status_row())
        else:
            rows.append(_row(param))
    rows += [_row(p, f"{p.label} (this session)") for p in template.overrides]
    # <nowiki/> first: MediaWiki starts a line before a parser function's output that
    # begins with "#", so "#1lib1ref office hours" would become a numbered list.
    heading = ("{{#if:{{{title|}}}|<nowiki/>{{{title|}}}|<i>Session without a title</i>}}"
               "{{#if:{{{id|}}}|&nbsp;<small style=\"font-weight:normal\">(id: "
               "<code>{{{id|}}}</code>)</small>}}")
    return _table("outreachbot-session", heading, rows)


def _table(css: str, heading: str, rows: Iterable[str]) -> str:
    return (f"<table class=\"wikitable {css}\" style=\"{_BOX_STYLE}\">\n"
            f"<tr><th colspan=\"2\" style=\"{_HEAD_STYLE}\">{heading}</th></tr>"
            + "".join(rows) + "\n</table>")


def _config_box(template: Spec, bot: str) -> str:
    heading = (f"Settings of [[User:{bot}|{bot}]]"
               "{{#if:{{{status_page|}}}|&nbsp;<small style=\"font-weight:normal\">(what the bot "
               "understood: {{#ifeq:{{padleft:|1|{{{status_page|}}}}}|[|{{{status_page|}}}|"
               "[[:{{{status_page|}}}]]}})</small>}}")
    return _table("outreachbot-config", heading, (_row(p) for p in template.params))


def _task_box(template: Spec) -> str:
    heading = "Task: {{#if:{{{task|}}}|<nowiki/>{{{task|}}}|<i>no task given</i>}}"
    rows = [_status_row() if p.name == "status" else _row(p)
            for p in template.params if p.name != "task"]
    return _table("outreachbot-task", heading, rows)


def box(template: Spec, bot: str = DEFAULT_BOT) -> str:
    """The wikitext a use of the template expands to."""
    if template.name == params.CONFIG_TEMPLATE:
        return _config_box(template, bot)
    if template.name == params.SESSION_TEMPLATE:
        return _session_box(template)
    return _task_box(template)


# --- Pages -----------------------------------------------------------------------------

def template_text(template: Spec, bot: str = DEFAULT_BOT) -> str:
    """The template page: the box, then (not transcluded) its doc and its TemplateData."""
    return (f"<includeonly>{box(template, bot)}</includeonly><noinclude>\n"
            f"{{{{{template.doc_title}}}}}\n"
            f"<templatedata>\n{templatedata_json(template)}\n</templatedata>\n"
            "</noinclude>")


def _nowiki(text: str) -> str:
    return "<nowiki>" + text.replace("<", "&lt;") + "</nowiki>" if text else ""


# Values for the usage example of a doc page where `params` gives none.
_DOC_EXAMPLES = {
    "task": "Write the announcement of the June office hours",
    "description": "Draft it on the talk page first, so others can comment.",
    "owner": "Mylee",
}


def _example_call(template: Spec, wanted: Iterable[Param]) -> str:
    lines = [f"{{{{{template.name}"]
    width = max(len(p.name) for p in template.all_params())
    for param in wanted:
        value = param.example or _DOC_EXAMPLES.get(param.name, "")
        separator = "\n" if param.kind == "wikitext" else " "
        lines.append(f"| {param.name.ljust(width)} ={separator}{value}".rstrip())
    return "\n".join(lines) + "\n}}"


def _example_params(template: Spec) -> list[Param]:
    """Required, suggested and illustrated parameters: what a first use would fill in.
    A one-off session comes first; repeating ones are explained in the table."""
    return [p for p in template.params
            if (p.required or p.suggested or p.example or p.name in _DOC_EXAMPLES)
            and p.name not in ("repeat", "until")]


def _param_table(rows: Iterable[Param], override: bool = False) -> str:
    lines = ['{| class="wikitable"',
             "! Parameter !! Label !! Type !! Need !! Description !! Example"]
    for param in rows:
        need = "" if override else ("required" if param.required else
                                    "suggested" if param.suggested else "")
        kind = TEMPLATEDATA_TYPES[param.kind]
        if param.choices:
            kind += ": " + ", ".join(param.choices)
        example = f"<code>{_nowiki(param.example)}</code>" if param.example else ""
        lines += ["|-", f"| <code>{param.name}</code> || {param.label} || {kind} || {need} || "
                  f"{_nowiki(param.description)} || {example}"]
    return "\n".join(lines + ["|}"])


def doc_block(template: Spec, bot: str = DEFAULT_BOT) -> str:
    """The generated part of the ``/doc`` page."""
    example = _example_call(template, _example_params(template))
    parts = [
        f"This template is read by [[User:{bot}|{bot}]]. {template.purpose}",
        "It is installed by <code>outreachbot install-templates</code>, which generates the "
        "box, this table and the TemplateData (the form of VisualEditor) from the list of "
        "parameters the bot accepts. A parameter the bot does not know is reported on its "
        "status page. Notes written on this page outside the generated part are kept.",
        "== Usage ==",
        f"<pre>\n{example.replace('<', '&lt;')}\n</pre>",
        "shows as:",
        example,
        "== Parameters ==",
        _param_table(template.params),
    ]
    if template.overrides:
        parts += [
            "=== Settings for one session ===",
            f"Every parameter of {{{{[[Template:{params.CONFIG_TEMPLATE}|"
            f"{params.CONFIG_TEMPLATE}]]}}}} may also be given in a session, for that "
            "session only (for example a different <code>announce_to</code>).",
            _param_table(template.overrides, override=True),
        ]
    return "\n\n".join(parts)


def doc_text(template: Spec, old: str = "", bot: str = DEFAULT_BOT) -> str:
    """The ``/doc`` page: ``old`` with its generated block written afresh."""
    if old:
        return ensure_block(old, DOC_BLOCK, doc_block(template, bot))
    return (ensure_block("", DOC_BLOCK, doc_block(template, bot))
            + f"<noinclude>\n''Documentation of [[{template.title}]].''</noinclude>")


def page_texts(bot: str = DEFAULT_BOT) -> dict[str, str]:
    """Title -> text of every page a fresh install writes, each doc before its template
    (so the template's first rendering already shows its documentation)."""
    pages: dict[str, str] = {}
    for template in SPECS:
        pages[template.doc_title] = doc_text(template, bot=bot)
        pages[template.title] = template_text(template, bot)
    return pages


def _doc_change(template: Spec, bot: str, old: str) -> str:
    return doc_text(template, old, bot)


def _replace(text: str, old: str) -> str:
    return text  # the template page is the bot's code: written whole


def edits(bot: str, summary: str) -> list[Edit]:
    """The edits of an install: each doc block, then each template page."""
    planned: list[Edit] = []
    for template in SPECS:
        planned.append(Edit(template.doc_title, functools.partial(_doc_change, template, bot),
                            summary, create=True, minor=False))
        text = template_text(template, bot)
        planned.append(Edit(template.title, functools.partial(_replace, text),
                            summary, create=True, minor=False))
    return planned


def install(wiki: Any) -> list[Saved]:
    """Create or update the three templates and their docs on ``wiki`` (a `wiki.Wiki`);
    what became of each edit. With ``-simulate`` each planned edit is shown as a diff."""
    from outreachbot.i18n import msg

    bot = wiki.site.username() or DEFAULT_BOT
    summary = msg(wiki.site, "summary-templates")
    planned = edits(bot, summary)
    pages = wiki.pages([edit.title for edit in planned])
    results = [wiki.save(edit, pages[edit.title]) for edit in planned]
    if not wiki.simulate:
        # A template page shows its doc through transclusion: refresh it for readers.
        for template in SPECS:
            pages[template.title].purge()
    return results
