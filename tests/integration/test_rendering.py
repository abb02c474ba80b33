"""Every page the bot writes or is steered by, as readers see it: rendered by the wiki's
own parser (``action=parse``), after ``install-templates`` and a run of every job.

To check a new kind of page, add one line to `PAGES` (and seed what makes the page exist).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from outreachbot import params, screenshots, templates
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE, OFFICE_HOURS, STATUS_PAGE

# One line per page. Template pages and their docs quote wikitext on purpose (a
# description mentions "{{{title}}}"), so raw braces are no fault there.
PAGES = [
    pytest.param(ACTIVITIES_PAGE, id="activities"),
    pytest.param(f"{ACTIVITIES_PAGE}/Archive/2019", id="activities-archive-2019"),
    pytest.param(f"{ACTIVITIES_PAGE}/Archive/2020", id="activities-archive-2020"),
    pytest.param(STATUS_PAGE, id="status"),
    pytest.param(CONFIG_PAGE, id="config"),
    pytest.param(f"Talk:{CONFIG_PAGE}", id="config-problem-notice"),
    pytest.param(f"{OFFICE_HOURS}/2020-05-26 Asia and Pacific", id="signup-held"),
    pytest.param(f"{OFFICE_HOURS}/Citation Hunt drop-in", id="signup-recurring"),
    *(pytest.param(f"Template:{s.name}{doc}", id=f"template-{s.name.split()[-1]}{doc}")
      for s in templates.SPECS for doc in ("", "/doc")),
]


@pytest.fixture
def rendered(seeded, site):
    """The seeded wiki a week later (`screenshots.stage`: install-templates, an organizer's
    edit with a bad value, every job run). Built once, then restored for each test."""
    if seeded.has_snapshot("rendered"):
        seeded.restore("rendered")
        return seeded
    reports = screenshots.stage(seeded, site)
    assert [r.outcome for r in reports] == ["ok"] * len(reports), [r.notes for r in reports]
    seeded.snapshot("rendered")
    return seeded


class _Text(HTMLParser):
    """The text a reader sees (entities decoded), and the red links to templates."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.red_templates: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and "new" in (found.get("class") or "").split():
            title = found.get("title") or ""
            if title.startswith("Template:"):
                self.red_templates.append(title)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def rendering_faults(html: str, *, literal: bool = False) -> list[str]:
    """What is wrong with a page's HTML as readers would see it."""
    reader = _Text()
    reader.feed(html)
    text = "".join(reader.parts)
    faults = []
    if "Template loop detected" in text:
        faults.append("a template loop")
    errors = re.findall(r'<[^>]*class="[^"]*\berror\b[^"]*"[^>]*>(.*?)</', html, re.S)
    faults += [f"an error span: {e.strip()[:200]!r}" for e in errors]
    if not literal and "{{{" in text:
        at = text.index("{{{")
        faults.append(f"raw parameter braces: {text[max(0, at - 60):at + 60]!r}")
    if "outreachbot:" in text:
        at = text.index("outreachbot:")
        faults.append(f"a visible marker: {text[max(0, at - 60):at + 60]!r}")
    if "<!--" in text:
        at = text.index("<!--")
        faults.append(f"a visible comment: {text[max(0, at - 60):at + 60]!r}")
    faults += [f"a red link to {title}" for title in reader.red_templates]
    return faults


def test_the_checker_finds_what_it_is_meant_to_find():
    broken = ('<p><span class="error">Template loop detected: [[Template:X]]</span> {{{title}}}'
              ' &lt;!-- outreachbot:begin upcoming --&gt; <a href="/index.php?title=Template:'
              'Y&amp;action=edit&amp;redlink=1" class="new" title="Template:Y">Y</a></p>')
    faults = rendering_faults(broken)
    assert len(faults) == 6, faults
    assert rendering_faults("<p>Fine <b>text</b> {{ two braces }}</p>") == []


@pytest.mark.parametrize("title", PAGES)
def test_page_renders_cleanly(rendered, client_for, title):
    literal = title.startswith("Template:")
    html = client_for("Alice").parse_html(title)
    assert len(html) > 200, f"{title} is (nearly) empty: {html!r}"
    assert rendering_faults(html, literal=literal) == [], title


def test_config_page_shows_each_session_as_a_box(rendered, client_for):
    html = client_for("Alice").parse_html(CONFIG_PAGE)
    assert html.count('class="wikitable outreachbot-session"') == 9  # 8 seeded, 1 added
    assert html.count('class="wikitable outreachbot-config"') == 1
    reader = _Text()
    reader.feed(html)
    text = " ".join(" ".join(reader.parts).split())
    # A title starting with "#" stays a title, not a numbered list.
    assert re.search(r"#1lib1ref office hours: Asia and Pacific \(id: 1lib1ref-2020-05-26-apac ?\)",
                     text)
    assert "Start 2020-05-26 09:00 (Australia/Sydney)" in text
    assert "Status cancelled" in text
    assert "Repeat weekly" in text


def test_templatedata_api_gives_every_parameter(rendered, client_for):
    data = client_for("Alice").get(action="templatedata", titles="|".join(
        spec.title for spec in templates.SPECS))
    found = {page["title"]: page for page in data["pages"].values()}
    for spec in templates.SPECS:
        page = found[spec.title]
        assert set(page["params"]) == {p.name for p in spec.all_params()}, spec.title
        assert page["paramOrder"] == [p.name for p in spec.all_params()]
    session = found[f"Template:{params.SESSION_TEMPLATE}"]["params"]
    assert session["id"]["required"] is True
    assert session["start"]["label"] == {"en": "Start"} or session["start"]["label"] == "Start"
    assert session["signup_page"]["type"] == "wiki-page-name"


def test_install_templates_updates_what_changed_and_keeps_notes_on_the_doc(
        seeded, client_for):
    admin = client_for("Admin")
    session = f"Template:{params.SESSION_TEMPLATE}"
    task = f"Template:{params.TASK_TEMPLATE}"
    admin.edit(session, "An old version of the template", "old")
    note = "\nA note on how our group uses it.\n"
    admin.append(f"{session}/doc", note, "note")
    admin.delete(task)
    admin.delete(f"{task}/doc")
    untouched = admin.lastrevid(f"Template:{params.CONFIG_TEMPLATE}")

    simulated = _cli("install-templates", "-simulate")
    assert simulated.returncode == 0, simulated.stdout + simulated.stderr
    assert admin.text(task) is None  # nothing saved
    assert f">>> {session} <<<" in simulated.stdout + simulated.stderr

    done = _cli("install-templates")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert re.search(rf"saved\s+{re.escape(session)}\n", out), out
    assert re.search(rf"saved\s+{re.escape(task)}/doc\n", out), out
    assert re.search(rf"unchanged\s+{re.escape(session)}/doc\n", out), out
    assert admin.text(session) == templates.template_text(templates.spec(params.SESSION_TEMPLATE))
    assert note.strip() in admin.text(f"{session}/doc")
    assert admin.lastrevid(f"Template:{params.CONFIG_TEMPLATE}") == untouched
    assert admin.revisions(task)[0]["user"] == "OutreachBot"
    assert "TemplateData" in admin.revisions(task)[0]["comment"]
    again = _cli("install-templates")
    assert "saved" not in again.stdout, again.stdout


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "outreachbot.cli", *args],
                          capture_output=True, text=True, timeout=120)


def test_templatedata_in_the_page_is_the_generated_json(rendered, client_for):
    text = client_for("Alice").text(f"Template:{params.TASK_TEMPLATE}")
    inside = text.split("<templatedata>")[1].split("</templatedata>")[0]
    assert json.loads(inside) == templates.templatedata(templates.spec(params.TASK_TEMPLATE))
