"""The pages the local wiki is seeded with, for the demo and the integration tests.

They are the two Meta pages outreachbot grew from, reconstructed as wikitext, plus a config
page that describes the Wikimedia and Libraries User Group's sessions the way organizers
would, and the sign-up pages people signed. Every revision is a real edit by the account a
person would have used, because the bot reads authorship from the history: a signature is
added by its signer, the config page is first saved by an administrator and then by an
organizer named there (the trust rule trusts sysops, and organizers named in an earlier
trusted revision).

The sessions to come are placed relative to ``now``; the tests seed with a fixed ``now``
(2020-05-20 00:00 UTC), the demo with the current time. The wikitext lives in
``data/seed/``; ``${name}`` placeholders are filled here.

Seeding twice is harmless: a page whose text is already the seeded one is left alone, and
any other page is saved again, step by step.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from outreachbot import templates
from outreachbot.errors import LocalWikiError

if TYPE_CHECKING:
    from outreachbot.localwiki import LocalWiki

GROUP = "Wikimedia and Libraries User Group"
ACTIVITIES_PAGE = f"{GROUP}/Worldwide activities"
CONFIG_PAGE = f"{GROUP}/Outreachbot config"
CEE_PAGE = ("Wikimedia CEE Online Meeting 2020/Programme/Submissions/"
            "Opportunities for 1Lib1Ref in CEE")
OFFICE_HOURS = f"{GROUP}/Office hours"
SHUTOFF_PAGE = "User:OutreachBot/Shutoff"
STATUS_PAGE = "User:OutreachBot/Status"
DELIVERY_LIST = f"{GROUP}/Announcement list"
ANNOUNCEMENT_TEXT = f"{GROUP}/Announcement text"
PROTECTED = ("Talk:Main Page",)  # protected by Admin: the bot may not post there
SEED_SUMMARY = "Seeding the local wiki"


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


SETUP_TIME = _utc(2019, 4, 1, 12, 0)  # when the group set its pages up


@dataclass(frozen=True)
class Step:
    """One revision: who saves which full text."""

    user: str
    text: str
    summary: str
    when: datetime | None = None  # the revision's date (UTC), when the page is new


@dataclass(frozen=True)
class SeedPage:
    """A page and the revisions that build it, oldest first."""

    title: str
    steps: tuple[Step, ...]
    bulk: bool = False  # one of many similar pages: imported when new, not edited

    @property
    def text(self) -> str:
        return self.steps[-1].text


@dataclass(frozen=True)
class Signup:
    """A seeded sign-up page: who created it, and the lines people added, in order."""

    title: str
    session_title: str
    event: str
    when: str
    platform: str
    hosts: tuple[str, ...]
    created: datetime  # when Merrilee created it (UTC)
    lines: tuple[tuple[str, str, datetime], ...]  # (who added it, the line, when)


def _read(name: str) -> str:
    return resources.files("outreachbot").joinpath("data", "seed", name).read_text("utf-8")


def signature(user: str, when: datetime) -> str:
    """A signature as ``~~~~`` leaves it on an English wiki."""
    return (f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) "
            f"{when:%H:%M}, {when.day} {when:%B %Y} (UTC)")


def _user_links(users: tuple[str, ...]) -> str:
    links = [f"[[User:{u}|{u}]]" for u in users]
    return " and ".join(links) if len(links) < 3 else ", ".join(links[:-1]) + " and " + links[-1]


def _dates(now: datetime) -> dict[str, str]:
    """The dates of the sessions to come, relative to ``now``."""
    dropin = (now + timedelta(days=3)).date()
    return {
        "wikidata_date": (now + timedelta(days=10)).date().isoformat(),
        "dropin_date": dropin.isoformat(),
        "dropin_until": (dropin + timedelta(weeks=6)).isoformat(),
        "tour_date": (now + timedelta(days=20)).date().isoformat(),
    }


def signups(now: datetime) -> list[Signup]:
    """The seeded sign-up pages. The Americas page of the Wikidata office hours is left
    out on purpose: the bot creates missing sign-up pages."""
    d = _dates(now)
    hosts = ("Merrilee", "Mylee")

    def sig(user: str, when: datetime, bullet: str = "#") -> tuple[str, str, datetime]:
        return user, f"{bullet} {signature(user, when)}", when

    office_hours = "Tuesday 26 May 2020"
    recent = now.astimezone(UTC).replace(second=0, microsecond=0)
    may2020 = _utc(2020, 5, 12, 9, 0)
    return [
        Signup(f"{OFFICE_HOURS}/2019-05-30 Google hangout",
               "What library colleagues are doing in Wikipedia", "#1lib1ref Google hangout",
               "Thursday 30 May 2019, 09:00 Sydney", "Google Hangouts", hosts,
               _utc(2019, 5, 20, 9, 0),
               (sig("Alice", _utc(2019, 5, 21, 4, 12)),
                sig("Bob", _utc(2019, 5, 27, 19, 48)))),
        Signup(f"{OFFICE_HOURS}/2020-05-26 Asia and Pacific",
               "#1lib1ref office hours: Asia and Pacific", "#1lib1ref office hours",
               f"{office_hours}, 09:00 Sydney", "Zoom", hosts, may2020,
               (sig("Alice", _utc(2020, 5, 16, 3, 12)),
                sig("Bob", _utc(2020, 5, 18, 8, 40)),
                sig("Carol", _utc(2020, 5, 19, 21, 5)))),
        Signup(f"{OFFICE_HOURS}/2020-05-26 Europe and Africa",
               "#1lib1ref office hours: Europe and Africa", "#1lib1ref office hours",
               f"{office_hours}, 11:00 GMT", "Zoom", hosts, may2020 + timedelta(minutes=5),
               (sig("Erin", _utc(2020, 5, 17, 10, 5)),
                ("Dave", "# I would like to join from Nairobi, if the time works for me.",
                 _utc(2020, 5, 18, 6, 47)),
                sig("Alice", _utc(2020, 5, 19, 14, 30)))),
        Signup(f"{OFFICE_HOURS}/2020-05-26 Americas",
               "#1lib1ref office hours: Americas", "#1lib1ref office hours",
               f"{office_hours}, 10:00 Pacific", "Zoom", hosts, may2020 + timedelta(minutes=9),
               (sig("Bob", _utc(2020, 5, 15, 17, 2)),
                sig("Erin", _utc(2020, 5, 18, 9, 21), bullet="*"),
                sig("Carol", _utc(2020, 5, 19, 17, 50)))),
        Signup(f"{OFFICE_HOURS}/{d['wikidata_date']} Wikidata Asia and Pacific",
               "Libraries and Wikidata: Asia and Pacific", "Libraries and Wikidata office hours",
               f"{d['wikidata_date']}, 09:00 Sydney", "Zoom", hosts, recent - timedelta(days=3),
               (sig("Alice", recent - timedelta(days=2, hours=3)),
                sig("Bob", recent - timedelta(days=1, hours=5)))),
        Signup(f"{OFFICE_HOURS}/Citation Hunt drop-in",
               "Citation Hunt drop-in", "Citation Hunt drop-in",
               f"every week from {d['dropin_date']} to {d['dropin_until']}, 17:00 GMT",
               "Jitsi Meet", ("Mylee",), recent - timedelta(days=3, minutes=-10),
               (sig("Carol", recent - timedelta(hours=20)),)),
        Signup(f"{OFFICE_HOURS}/{d['tour_date']} The Wikipedia Library",
               "The Wikipedia Library: a guided tour", "The Wikipedia Library: a guided tour",
               f"{d['tour_date']}, 16:00 GMT", "Zoom", ("Merrilee",),
               recent - timedelta(days=3, minutes=-20),
               (sig("Erin", recent - timedelta(days=1, hours=2)),)),
    ]


def _signup_page(signup: Signup) -> SeedPage:
    base = Template(_read("signup.wiki")).substitute(
        title=signup.session_title, event=signup.event, when=signup.when,
        platform=signup.platform, hosts=_user_links(signup.hosts)).rstrip("\n")
    steps = [Step("Merrilee", base + "\n", "Sign-up page for " + signup.session_title,
                  signup.created)]
    text = base + "\n"
    for user, line, when in signup.lines:
        text += line + "\n"
        steps.append(Step(user, text, "Signing up", when))
    return SeedPage(signup.title, tuple(steps))


def _cee_page() -> SeedPage:
    base = _read("cee-submission.wiki").rstrip("\n") + "\n"
    steps = [Step("Admin", base, "Submission: Opportunities for 1Lib1Ref in CEE",
                  _utc(2020, 6, 1, 10, 0))]
    text = base
    for user, when in (("Alice", _utc(2020, 6, 12, 10, 0)),
                       ("Bob", _utc(2020, 6, 13, 8, 41)),
                       ("Carol", _utc(2020, 6, 15, 17, 3))):
        text += f"# {signature(user, when)}\n"
        steps.append(Step(user, text, "Interested", when))
    return SeedPage(CEE_PAGE, tuple(steps))


def _config_page(now: datetime) -> SeedPage:
    full = Template(_read("config.wiki")).substitute(_dates(now))
    # An administrator sets the bot up; then an organizer it names adds the sessions.
    setup = full[:full.index("== Sessions ==")].rstrip("\n") + "\n"
    return SeedPage(CONFIG_PAGE, (
        Step("Admin", setup, "Setting up OutreachBot for the user group", SETUP_TIME),
        Step("Merrilee", full, "Adding our sessions",
             now.astimezone(UTC).replace(second=0, microsecond=0) - timedelta(days=1)),
    ))


def pages(now: datetime) -> list[SeedPage]:
    """Every seeded page, in the order they are saved (templates first)."""
    def one(title: str, user: str, text: str, summary: str = SEED_SUMMARY,
            when: datetime = SETUP_TIME) -> SeedPage:
        return SeedPage(title, (Step(user, text, summary, when),))

    return [
        # The bot's own templates, as `outreachbot install-templates` writes them.
        *(one(title, "Admin", text) for title, text in templates.page_texts().items()),
        one("Template:Unsigned", "Admin", _read("template-unsigned.wiki")),
        one("Template:Ping", "Admin", _read("template-ping.wiki")),
        one("Template:Bots", "Admin", _read("template-bots.wiki")),
        one("Template:Nobots", "Admin", _read("template-nobots.wiki")),
        one("User:OutreachBot", "OutreachBot", _read("user-outreachbot.wiki"), "Bot user page"),
        one(SHUTOFF_PAGE, "OutreachBot", "run", "Emergency stop: running (replace 'run' to stop)"),
        one(ACTIVITIES_PAGE, "Mylee", _read("activities.wiki"), "Goals and sessions",
            SETUP_TIME + timedelta(days=1)),
        _cee_page(),
        _config_page(now),
        *(_signup_page(s) for s in signups(now)),
        *task_pages(now),
        *_delivery_pages(),
    ]


def _delivery_pages() -> list[SeedPage]:
    """The delivery list, the announcement text, and the talk pages on the list: one
    plain, one with {{nobots}}, one denying the bot, one missing (Dave's), one opted out,
    one redirect, one protected."""
    def one(title: str, user: str, text: str, summary: str) -> SeedPage:
        return SeedPage(title, (Step(user, text, summary, SETUP_TIME + timedelta(days=2)),))

    return [
        one("User talk:Alice", "Admin", "== Welcome ==\nWelcome, Alice! "
            + signature("Admin", SETUP_TIME + timedelta(days=2)) + "\n", "Welcome"),
        one("User talk:Bob", "Bob", "{{nobots}}\nNo bots on my talk page, please.\n",
            "No bots"),
        one("User talk:Carol", "Carol", "{{bots|deny=OutreachBot}}\nHi, I am Carol.\n",
            "Not that bot"),
        one("User talk:Erin", "Erin", "I read the news elsewhere.\n"
            "[[Category:Opted-out of message delivery]]\n", "Opting out"),
        one("User talk:Mylee", "Mylee", "Welcome to my talk page.\n", "Talk page"),
        one("Talk:1Lib1Ref campaign", "Admin", "Talk about the #1lib1ref campaign.\n",
            "Campaign talk"),
        one("Talk:1Lib1Ref", "Admin", "#REDIRECT [[Talk:1Lib1Ref campaign]]\n", "Redirect"),
        one("Talk:Main Page", "Admin", "Talk about the main page.\n", "Main page talk"),
        one("Project talk:Wikimedia and Libraries User Group", "Merrilee",
            "Talk about the user group.\n", "User group talk"),
        one(DELIVERY_LIST, "Merrilee", _read("announcement-list.wiki"), "Delivery list"),
        one(ANNOUNCEMENT_TEXT, "Mylee", _read("announcement-text.wiki"), "Announcement text"),
    ]


def seed(wiki: LocalWiki, now: datetime) -> list[str]:
    """Save the seed pages on a running wiki; the titles, in order."""
    seeded = [*pages(now), *articles()]
    texts = wiki.client("Admin").texts([page.title for page in seeded])
    # Hundreds of articles: one import is many times faster than an edit each.
    texts.update(import_pages(wiki, [page for page in seeded
                                     if page.bulk and texts[page.title] is None]))
    for page in seeded:
        current = texts[page.title]
        if current is not None and current.rstrip() == page.text.rstrip():
            continue
        for step in page.steps:
            # Backdated only when new: a page's history is ordered by time.
            wiki.client(step.user).edit(page.title, step.text, step.summary,
                                        when=step.when if current is None else None)
    for title in PROTECTED:
        wiki.client("Admin").protect(title, reason="Seeding the local wiki")
    return [page.title for page in seeded]


# --- The open tasks page, its task pages, and the articles of the worklist --------------

TASKS_PAGE = f"{GROUP}/Open tasks"
TASK_CATEGORY = f"Category:{GROUP} tasks"
TASK_PAGES = {f"{GROUP}/Tasks/Outreach": "tasks-outreach.wiki",
              f"{GROUP}/Tasks/Office hours": "tasks-office-hours.wiki",
              f"{GROUP}/Tasks/Wikidata": "tasks-wikidata.wiki"}
NEEDS_CATEGORY = "Category:All articles with unsourced statements"
TWO_TOPICS_ARTICLE = "Melvil Dewey"  # a librarian and a part of library history


def _task_dates(now: datetime) -> dict[str, str]:
    """Due and done dates of the seeded tasks, relative to ``now``."""
    def day(days: int) -> str:
        return (now + timedelta(days=days)).date().isoformat()

    return {"overdue": day(-5), "soon": day(6), "later": day(25), "done_recently": day(-3),
            "long_ago": day(-90), "done_long_ago": day(-60)}


def task_pages(now: datetime) -> list[SeedPage]:
    """The open tasks page and the pages organizers declare tasks on (one has a bad date)."""
    created = now.astimezone(UTC).replace(second=0, microsecond=0) - timedelta(days=14)
    category_text = "Pages where the group declares its tasks with {{Outreachbot task}}.\n"
    found = [SeedPage(TASKS_PAGE, (Step("Mylee", _read("open-tasks.wiki"), "Open tasks",
                                        created),)),
             SeedPage(TASK_CATEGORY, (Step("Mylee", category_text, "Task category",
                                           created),))]
    for title, name in TASK_PAGES.items():
        text = Template(_read(name)).substitute(_task_dates(now))
        found.append(SeedPage(title, (Step("Merrilee", text, "Tasks", created),)))
    return found


_CITIES = ("Adelaide", "Amsterdam", "Athens", "Auckland", "Baltimore", "Bangalore", "Barcelona",
           "Belfast", "Bergen", "Bologna", "Boston", "Brisbane", "Bristol", "Brno", "Cairo",
           "Calgary", "Cape Town", "Cardiff", "Chicago", "Cork", "Dakar", "Denver", "Dublin",
           "Dundee", "Durban", "Edinburgh", "Florence", "Gdańsk", "Geneva", "Glasgow", "Graz",
           "Halifax", "Hamburg", "Helsinki", "Hobart", "Kampala", "Kraków", "Lagos", "Leeds",
           "Leipzig", "Lima", "Lisbon", "Liverpool", "Ljubljana", "Lyon", "Madrid", "Manila",
           "Melbourne", "Milan", "Montreal", "Mumbai", "Nairobi", "Nantes", "Oslo", "Ottawa",
           "Perth", "Porto", "Prague", "Quebec", "Riga", "Rotterdam", "Salvador", "Santiago",
           "Seattle", "Seville", "Sofia", "Tallinn", "Tampere", "Toronto", "Turin", "Utrecht",
           "Valencia", "Vienna", "Vilnius", "Warsaw", "Wellington", "Windhoek", "Zagreb",
           "Zurich", "Accra")
_SURNAMES = ("Abbott", "Baker", "Chen", "Diallo", "Evans", "Fischer", "García", "Haddad",
             "Ito", "Jensen", "Kowalski", "Lopez", "Mensah", "Novak", "Okafor", "Patel",
             "Quinn", "Rossi", "Silva", "Tanaka")
_GIVEN = ("Ada", "Ben", "Clara")


def _bulk(title: str, text: str) -> SeedPage:
    return SeedPage(title, (Step("Admin", text, SEED_SUMMARY, SETUP_TIME),), bulk=True)


def _article(title: str, lead: str, categories: tuple[str, ...], needs: bool) -> SeedPage:
    claim = " It was the first of its kind in the region." if needs else ""
    lines = [f"'''{title}''' {lead}.{claim}", ""]
    lines += [f"[[{c}]]" for c in categories + ((NEEDS_CATEGORY,) if needs else ())]
    return _bulk(title, "\n".join(lines) + "\n")


def articles() -> list[SeedPage]:
    """A few hundred articles in a small category tree, every third one in the needs
    category: Libraries > Public libraries, Academic libraries, Library history (which
    holds Libraries again: a cycle); Librarians; Melvil Dewey is in two topics."""
    public, academic = "Category:Public libraries", "Category:Academic libraries"
    history = "Category:Library history"
    found = [
        _bulk("Category:Libraries", f"Libraries.\n\n[[{history}]]\n"),
        *(_bulk(c, f"{c[9:]}.\n\n[[Category:Libraries]]\n") for c in (public, academic, history)),
        _bulk("Category:Librarians", "People who work in libraries.\n"),
        _bulk(NEEDS_CATEGORY, "__HIDDENCAT__\nArticles with statements that need a citation.\n"),
        _article(TWO_TOPICS_ARTICLE, "was an American librarian",
                 ("Category:Librarians", history), needs=True),
    ]
    for n, city in enumerate(_CITIES):
        found.append(_article(f"{city} Public Library", f"is the public library of {city}",
                              (public,), n % 3 == 0))
        found.append(_article(f"University of {city} Library",
                              f"is the library of the University of {city}", (academic,),
                              n % 3 == 1))
    for n, city in enumerate(_CITIES[:20]):
        found.append(_article(f"History of libraries in {city}",
                              f"covers the libraries of {city} through the ages", (history,),
                              n % 3 == 2))
    for n, (given, surname) in enumerate((g, s) for s in _SURNAMES for g in _GIVEN):
        found.append(_article(f"{given} {surname} (librarian)", "is a librarian",
                              ("Category:Librarians",), n % 3 == 0))
    return found


def _dump(seeded: list[SeedPage]) -> str:
    """A MediaWiki XML export of the pages' revisions, for importDump.php."""
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">']
    for page in seeded:
        out.append(f"<page><title>{escape(page.title)}</title>")
        for step in page.steps:
            when = (step.when or SETUP_TIME).astimezone(UTC)
            out.append(f"<revision><timestamp>{when:%Y-%m-%dT%H:%M:%SZ}</timestamp>"
                       f"<contributor><username>{escape(step.user)}</username></contributor>"
                       f"<comment>{escape(step.summary)}</comment><model>wikitext</model>"
                       "<format>text/x-wiki</format>"
                       f'<text xml:space="preserve">{escape(step.text)}</text></revision>')
        out.append("</page>")
    out.append("</mediawiki>\n")
    return "\n".join(out)


_IMPORT_SETTINGS = """<?php
require %s;
// This one import only: SQLite skips its disk syncs (the local wiki is a throwaway one).
$wgDBservers = [ [ 'host' => '', 'dbname' => $wgDBname, 'user' => '', 'password' => '',
  'type' => 'sqlite', 'dbDirectory' => $wgSQLiteDataDir, 'load' => 1, 'flags' => DBO_DEFAULT,
  'variables' => [ 'synchronous' => 'OFF' ] ] ];
"""


def import_pages(wiki: LocalWiki, new: list[SeedPage]) -> dict[str, str]:
    """Create new pages with MediaWiki's importDump.php, which updates links and categories
    as an edit does; title -> text of each page created."""
    if not new:
        return {}
    from outreachbot.localwiki import MEDIAWIKI

    with tempfile.TemporaryDirectory(prefix="outreachbot-seed-") as tmp:
        dump, conf = Path(tmp) / "pages.xml", Path(tmp) / "import-settings.php"
        dump.write_text(_dump(new), encoding="utf-8")
        conf.write_text(_IMPORT_SETTINGS % repr(str(wiki.settings_file)), encoding="utf-8")
        result = subprocess.run(
            ["php", str(MEDIAWIKI / "maintenance" / "importDump.php"), "--conf", str(conf),
             str(dump)], capture_output=True, text=True, cwd=wiki.datadir)
    if result.returncode != 0:
        raise LocalWikiError(f"importDump.php failed: {(result.stdout + result.stderr)[-1500:]}")
    return {page.title: page.text for page in new}
