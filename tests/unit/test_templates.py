"""The templates' TemplateData lists exactly what the config reader accepts."""

from __future__ import annotations

import json
import re

import mwparserfromhell
import pytest

from outreachbot import params, templates
from outreachbot.config import parse_config
from outreachbot.rules.blocks import read_block


def _templatedata(spec: templates.Spec) -> dict:
    text = templates.template_text(spec)
    inside = re.search(r"<templatedata>(.*)</templatedata>", text, re.S)
    assert inside, spec.title
    return json.loads(inside.group(1))


def _names(accepted) -> set[str]:
    return {p.name for p in accepted}


@pytest.mark.parametrize(("name", "accepted"), [
    (params.CONFIG_TEMPLATE, params.SETTINGS_PARAMS),
    (params.SESSION_TEMPLATE, params.SESSION_PARAMS + params.SETTINGS_PARAMS),
    (params.TASK_TEMPLATE, params.TASK_PARAMS),
])
def test_templatedata_parses_and_lists_exactly_the_accepted_parameters(name, accepted):
    data = _templatedata(templates.spec(name))
    assert set(data["params"]) == _names(accepted)
    assert sorted(data["paramOrder"]) == sorted(_names(accepted))
    for param in accepted:
        entry = data["params"][param.name]
        assert entry["label"] and entry["description"], param.name
        assert entry["type"] in {"line", "string", "wiki-page-name", "wiki-user-name", "date",
                                 "url", "number", "content"}, param.name


def test_the_config_reader_takes_every_templatedata_parameter_and_its_example():
    """A config written from the TemplateData (every parameter, its example as the value)
    reads without a single problem; one more parameter is reported as unknown."""
    config = _templatedata(templates.spec(params.CONFIG_TEMPLATE))["params"]
    session = _templatedata(templates.spec(params.SESSION_TEMPLATE))["params"]

    def call(name: str, entries: dict, extra: str = "") -> str:
        lines = [f"| {key} = {entry.get('example', '')}" for key, entry in entries.items()
                 if entry.get("example")]
        return "{{" + name + "\n" + "\n".join(lines) + extra + "\n}}"

    text = call(params.CONFIG_TEMPLATE, config) + "\n" + call(params.SESSION_TEMPLATE, session)
    read = parse_config(text, "Config")
    assert read.problems == ()
    assert len(read.sessions) > 1  # the example repeats weekly

    extra = call(params.CONFIG_TEMPLATE, config, "\n| colour = blue")
    problems = parse_config(extra, "Config").problems
    assert [(p.param, p.value) for p in problems] == [("colour", "blue")]


def test_required_and_suggested_flags_follow_params():
    data = _templatedata(templates.spec(params.SESSION_TEMPLATE))["params"]
    assert {k for k, v in data.items() if v.get("required")} == {
        p.name for p in params.SESSION_PARAMS if p.required}
    # Settings given in a session only override the config: never required or suggested.
    assert not any(data[p.name].get("suggested") for p in params.SETTINGS_PARAMS)
    config = _templatedata(templates.spec(params.CONFIG_TEMPLATE))["params"]
    assert {k for k, v in config.items() if v.get("suggested")} == {
        p.name for p in params.SETTINGS_PARAMS if p.suggested}
    assert config["past_sessions"]["default"] == "10"
    assert data["status"]["suggestedvalues"] == ["scheduled", "cancelled", "postponed"]


def test_the_box_shows_every_parameter_and_uses_none_without_a_default():
    for spec in templates.SPECS:
        box = templates.box(spec)
        used = set(re.findall(r"\{\{\{([^{}|]+)\|\}\}\}", box))
        assert used == {p.name for p in spec.all_params()}, spec.title
        assert not re.search(r"\{\{\{[^{}|]+\}\}\}", box), "a parameter without default"
        code = mwparserfromhell.parse(box)
        assert str(code) == box


def test_doc_keeps_what_people_wrote_around_the_generated_part():
    spec = templates.spec(params.TASK_TEMPLATE)
    first = templates.doc_text(spec)
    edited = first + "\nOur group uses it on every meeting page.\n"
    edited = edited.replace(read_block(first, templates.DOC_BLOCK), "outdated")
    again = templates.doc_text(spec, edited)
    assert "Our group uses it on every meeting page." in again
    assert read_block(again, templates.DOC_BLOCK) == read_block(first, templates.DOC_BLOCK)
    assert templates.doc_text(spec, again) == again


def test_a_fresh_install_writes_each_doc_before_its_template():
    titles = list(templates.page_texts())
    for spec in templates.SPECS:
        assert titles.index(spec.doc_title) < titles.index(spec.title)
    assert len(titles) == 6
