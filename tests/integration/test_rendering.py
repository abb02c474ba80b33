"""Every page the bot writes or is steered by, as readers see it: rendered by the wiki's
own parser (``action=parse``), after ``install-templates``, a run of every job, and the
days after it (announcements, corrections and a reminder: see `rendered`).

To check a new kind of page, add one line to `PAGES` (and stage what makes the page exist).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

# tests/integration is on sys.path: the clocks, helpers and targets of the job tests.
from test_announcements import POSTED, WIKIDATA, marks
from test_announcements import run_bot as run_announcements
from test_attendees import CEE_START, add_cee_session
from test_attendees import run_bot as run_attendees

from outreachbot import params, screenshots, templates
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    ANNOUNCEMENT_TEXT,
    CEE_PAGE,
    CONFIG_PAGE,
    OFFICE_HOURS,
    STATUS_PAGE,
    TASK_PAGES,
    TASKS_PAGE,
)
from outreachbot.rules.blocks import read_block

AMERICAS = "wikidata-office-hours-2020-05-30-americas"
DROP_IN = "citation-hunt-drop-in-2020-05-30"
# A day before the drop-in of 30 May (17:00 UTC): its 1-day announcement is due, and the
# Libraries and Wikidata sessions of 29 and 30 May have not started, so changing them
# calls for corrections.
CORRECTIONS_AT = datetime(2020, 5, 29, 17, 0, tzinfo=UTC)
REMINDER_AT = CEE_START - timedelta(minutes=45)  # in the CEE remind_before (1 hour)


def _slug(title: str) -> str:
    return re.sub(r"\W+", "-", title.lower())


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
    pytest.param(f"{OFFICE_HOURS}/2020-05-30 Wikidata Americas", id="signup-created"),
    pytest.param(CEE_PAGE, id="signup-waiting-list"),
    pytest.param(f"Talk:{CEE_PAGE}", id="signup-talk-reminder"),
    pytest.param(TASKS_PAGE, id="open-tasks"),
    *(pytest.param(title, id="task-source-" + _slug(title.rsplit("/", 1)[-1]))
      for title in TASK_PAGES),
    *(pytest.param(title, id="delivery-" + _slug(title)) for title in POSTED),
    *(pytest.param(f"Template:{s.name}{doc}", id=f"template-{s.name.split()[-1]}{doc}")
      for s in templates.SPECS for doc in ("", "/doc")),
]


@pytest.fixture
def rendered(seeded, site):
    """The seeded wiki a week later (`screenshots.stage`: install-templates, an organizer's
    edit with a bad value, every job run, which posts the 7-day announcements with the
    organizers' text), then its next days: the organizers drop their announcement text,
    cancel one announced session, move another and add the CEE session with a capacity
    of 2; the announcements job runs at `CORRECTIONS_AT` (corrections, and a 1-day
    announcement in the built-in text), the attendees job at `REMINDER_AT` (a waiting list
    and the reminder). Built once, then restored for each test."""
    if seeded.has_snapshot("rendered"):
        seeded.restore("rendered")
        return seeded
    reports = screenshots.stage(seeded, site)
    merrilee = seeded.client("Merrilee")
    config = merrilee.text(CONFIG_PAGE).replace(f"| announcement    = {ANNOUNCEMENT_TEXT}\n", "")
    config = _in_session(config, WIKIDATA, "= scheduled", "= cancelled")
    config = _in_session(config, AMERICAS, "= 2020-05-30 10:00", "= 2020-06-02 10:00")
    merrilee.edit(CONFIG_PAGE, config, "Own text dropped; one session cancelled, one moved")
    add_cee_session(seeded.client, capacity=2)
    reports += run_announcements(site, CORRECTIONS_AT)
    reports += run_attendees(site, REMINDER_AT)
    assert [r.outcome for r in reports] == ["ok"] * len(reports), [r.notes for r in reports]

    pages = seeded.client("Admin").texts([*POSTED, TASKS_PAGE, CEE_PAGE, f"Talk:{CEE_PAGE}"])
    for title in POSTED:  # each kind of post is on every delivery target
        text = pages[title]
        assert "Hello! You are invited to" in text and "takes place on" in text, title
        assert marks(text, DROP_IN) == ["7d", "1d"], title
        assert marks(text, WIKIDATA, "correction") == ["cancelled"], title
        assert marks(text, AMERICAS, "correction") == ["moved-20200602T1700Z"], title
    assert read_block(pages[TASKS_PAGE], "tasks") and read_block(pages[TASKS_PAGE], "worklist")
    assert "=== Waiting list ===" in pages[CEE_PAGE]
    assert "{{ping|Alice|Bob}}" in pages[f"Talk:{CEE_PAGE}"]
    seeded.snapshot("rendered")
    return seeded


def _in_session(config: str, session_id: str, old: str, new: str) -> str:
    """The config text with ``old`` replaced in one session's template only."""
    start = config.index(f"| id          = {session_id}\n")
    end = config.index("}}", start)
    assert config.count(old, start, end) == 1, (session_id, old)
    return config[:start] + config[start:end].replace(old, new) + config[end:]


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
    assert html.count('class="wikitable outreachbot-session"') == 10  # 8 seeded, 2 added
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
