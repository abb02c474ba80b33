"""``make bench``: the figures of SPEC section 6, measured on a real MediaWiki.

The bench makes its own throwaway local wiki (a directory under a temporary one and a free
port: never ``.localwiki`` nor a wiki that is already running), fills it with a large
scenario (one bulk import and three edits by trusted people), and runs the bot on it, one
process per run, exactly as an operator does (``python -m outreachbot.cli run --config ...
--now ...``). For each run it counts the API requests at the wiki's request log, the bot's
edits at the wiki, the pages the jobs read (from the run log), and the process's wall time,
CPU time and peak memory (``wait4``'s resource usage of that process alone). MediaWiki's
``api`` debug log tells what each request was for. It also measures the CPU time of
maintaining one 5,000-signature list (`cpu_seconds_for_5000_signatures`).

The scenario (`Scenario`): a config page with 20 sessions (10 to come, each with a sign-up
page, and 10 past), 10 sign-up pages holding 5,000 signatures in all (with what real lists
gather: bullets, replies, withdrawals, second signatures, an unsigned line), a delivery list
of 500 existing talk pages (5 with ``{{nobots}}``, 5 opted out), 300 task pages in the
task-source category and a worklist tree of 2,000 articles under two topic categories with
three subcategories each.

After a dry run (``-simulate``) that fills Pywikibot's caches as on a bot that has run
before, the runs are, in order:

``initial``  every job, on the fresh pages: lists tidied, the activities page, its
             archives, the tasks page and the status page written;
``quiet``    every job, an hour later: nothing is due and nothing changed;
``quiet-3``  the jobs a deployment runs every 15 minutes or hourly (attendees, activities,
             announcements), a quarter of an hour later;
``due``      every job, a week before the first session: its announcement goes to the
             500 pages of the delivery list;
``again``    every job, ten minutes later: everything was delivered, nothing changed.

The targets: at most ``edits + ceil(pages read / 500) + 15`` API requests a run; no edit
in ``again``; no edit and at most 10 requests in the quiet runs; under 200 MB of memory;
the 5,000-signature list under 0.5 s of CPU. A figure that misses its target is marked
MISS, with the requests the formula does not foresee counted by kind (docs/performance.md
says why); the exit status is 0 unless the bench itself broke.

Run ``python -m outreachbot.bench --help``; ``--scale 0.1`` builds a tenth of the scenario
for a quick look, ``--keep DIR`` leaves the wiki's directory (request logs included).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

from outreachbot import localwiki_seed
from outreachbot.errors import LocalWikiError
from outreachbot.localwiki import (
    ADMIN,
    BOT,
    DIR_ENV,
    PORT_ENV,
    LocalWiki,
    free_port_pair,
)
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    ANNOUNCEMENT_TEXT,
    CONFIG_PAGE,
    DELIVERY_LIST,
    GROUP,
    NEEDS_CATEGORY,
    OFFICE_HOURS,
    SHUTOFF_PAGE,
    STATUS_PAGE,
    TASK_CATEGORY,
    TASKS_PAGE,
    SeedPage,
    Step,
    import_pages,
)
from outreachbot.rules import attendees as attendee_rules
from outreachbot.rules.attendees import ListRules, maintain, read_history
from outreachbot.trust import Revision

# --- targets (SPEC section 6) ------------------------------------------------------------

BATCH = 500  # titles a request for a bot account
OVERHEAD = 15  # requests a run may spend beyond its edits and batched reads
QUIET_REQUESTS = 10  # a run in which nothing is due and nothing changed
PEAK_MB = 200
SIGNATURE_CPU = 0.5  # seconds, for a 5,000-signature list

# --- the 5,000-signature list -------------------------------------------------------------

_START = datetime(2020, 5, 1, tzinfo=UTC)


def _signature(n: int) -> str:
    user = f"Attendee {n}"
    moment = _START + timedelta(minutes=7 * n)
    return (f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) "
            f"{moment:%H:%M}, {moment.day} {moment:%B %Y} (UTC)")


def generated_page(signatures: int, first: int = 0) -> str:
    """A sign-up page with ``signatures`` signers (Attendee ``first`` on) and what a real
    list gathers: bullets, replies, withdrawals, second signatures and an unsigned line."""
    lines = ["A session box.", "", "== Interested attendees ==",
             "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)."]
    for n in range(signatures):
        bullet = "*" if n % 97 == 0 else "#"
        line = f"{bullet} {_signature(first + n)}"
        if n % 53 == 0:
            line = f"# <s>{_signature(first + n)}</s> cannot come"
        lines.append(line)
        if n % 31 == 0:
            lines.append(f"#: See you there. {_signature(first + n + 1)}")
        if n % 89 == 0:
            lines.append(f"# again {_signature(first + n // 2)}")
    lines += ["# I would like to come", "", "== Other ==", "Text."]
    return "\n".join(lines) + "\n"


def cpu_seconds_for_5000_signatures() -> float:
    """CPU seconds to maintain a 5,000-signature list with a capacity: reading two new
    revisions of history (one adds an unsigned line, one removes a signature), then the
    rule itself. Generating the page is not measured."""
    text = generated_page(5000)
    base = text.replace("# I would like to come\n", "")
    removed = text.replace(f"# {_signature(10)}\n", "")
    revisions = [Revision(2, "Someone", _START, text), Revision(3, "Vandal", _START, removed)]
    rules = ListRules(capacity=4000, trusted=frozenset({"Organizer"}))
    attendee_rules._read.cache_clear()  # measure from cold, as a fresh run would
    started = time.process_time()
    history = read_history(base, revisions, rules)
    maintain(removed, rules, history)
    return time.process_time() - started


# --- the scenario -------------------------------------------------------------------------

INITIAL = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)  # the first run; bot edits are dated later
FIRST_SESSION = INITIAL + timedelta(days=9)  # its 7-day announcement is due 2 days on
CREATED = INITIAL - timedelta(days=30)  # when the pages were written
ZONES = "Australia/Sydney: Sydney, America/Los_Angeles: Pacific, UTC: GMT"
TOPICS = {"Category:Bench libraries": ("Category:Bench public libraries",
                                       "Category:Bench academic libraries",
                                       "Category:Bench library history"),
          "Category:Bench librarians": ("Category:Bench archivists",
                                        "Category:Bench cataloguers",
                                        "Category:Bench library educators")}


@dataclass(frozen=True)
class Scenario:
    """The sizes of the scenario; `scaled` makes a smaller one for a quick look."""

    upcoming: int = 10  # sessions to come, each with a sign-up page
    past: int = 10
    signatures: int = 5000  # over the sign-up pages
    targets: int = 500
    task_pages: int = 300
    articles: int = 2000

    def scaled(self, factor: float) -> Scenario:
        def size(n: int) -> int:
            return max(1, round(n * factor))

        return Scenario(self.upcoming, self.past, size(self.signatures), size(self.targets),
                        size(self.task_pages), size(self.articles))

    @property
    def categories(self) -> int:
        return sum(1 + len(subs) for subs in TOPICS.values())

    def describe(self) -> str:
        return (f"{self.upcoming + self.past} sessions, {self.upcoming} sign-up pages with "
                f"{self.signatures:,} signatures, {self.targets:,} delivery targets, "
                f"{self.task_pages:,} task pages, {self.articles:,} worklist articles in "
                f"{self.categories} categories")


def signup_title(k: int) -> str:
    return f"{OFFICE_HOURS}/Bench session {k + 1}"


def session_start(k: int) -> datetime:
    """Session k to come starts three days after session k - 1."""
    return FIRST_SESSION + timedelta(days=3 * k)


def config_text(scenario: Scenario) -> str:
    """The config page: the group's settings and its sessions."""
    topics = ", ".join(TOPICS)
    parts = [f"""Settings of [[User:OutreachBot|OutreachBot]] for the bench.

{{{{Outreachbot config
| activities_page = {ACTIVITIES_PAGE}
| tasks_page      = {TASKS_PAGE}
| task_sources    = {TASK_CATEGORY}
| worklist_topics = {topics}
| worklist_needs  = {NEEDS_CATEGORY}
| worklist_depth  = 1
| worklist_size   = 10
| time_zones      = {ZONES}
| organizers      = Merrilee, Mylee
| announce_before = 7 days, 1 day
| announce_to     = {DELIVERY_LIST}
| announcement    = {ANNOUNCEMENT_TEXT}
| remind_before   = 1 hour
| past_sessions   = 5
| status_page     = {STATUS_PAGE}
}}}}

== Sessions ==
"""]
    for k in range(scenario.upcoming):
        start = session_start(k)
        capacity = "| capacity    = 450\n" if k % 2 == 0 else ""
        parts.append(f"""{{{{Outreachbot session
| id          = bench-{k + 1}
| event       = #1lib1ref office hours
| title       = #1lib1ref office hours: session {k + 1}
| start       = {start:%Y-%m-%d %H:%M}
| time_zone   = UTC
| duration    = 60 minutes
| platform    = Zoom
| join        = https://zoom.us/j/{1000000000 + k}
| hosts       = Merrilee, Mylee
| agenda      =
* demonstrating how to add citations
* the Wikipedia Library and how to join it
| signup_page = {signup_title(k)}
{capacity}| status      = scheduled
}}}}
""")
    for k in range(scenario.past):
        start = INITIAL - timedelta(days=60 * (k + 1))
        parts.append(f"""{{{{Outreachbot session
| id          = bench-past-{k + 1}
| event       = #1lib1ref Google hangout
| title       = What library colleagues are doing in Wikipedia, part {k + 1}
| start       = {start:%Y-%m-%d %H:%M}
| time_zone   = Australia/Sydney
| duration    = 60 minutes
| platform    = Google Hangouts
| hosts       = Merrilee, Mylee
| recording   = https://example.org/recordings/bench-past-{k + 1}.webm
| notes       = A hangout on citations, part {k + 1}.
}}}}
""")
    return "".join(parts)


def read_seed(name: str) -> str:
    """A page text of the local wiki's seed (``data/seed/``)."""
    return resources.files("outreachbot").joinpath("data", "seed", name).read_text("utf-8")


def _page(title: str, text: str, user: str = ADMIN) -> SeedPage:
    return SeedPage(title, (Step(user, text, "Bench scenario", CREATED),), bulk=True)


def _target(n: int) -> str:
    return f"User talk:Reader {n}"


def delivery_list(scenario: Scenario) -> str:
    lines = [f"Talk pages told about each session of the {GROUP}."]
    lines += [f"* [[{_target(n)}]]" for n in range(1, scenario.targets + 1)]
    return "\n".join(lines) + "\n"


def _talk_page(n: int) -> str:
    text = f"== Welcome ==\nWelcome, Reader {n}!\n"
    if n % 100 == 7:
        return "{{nobots}}\n" + text
    if n % 100 == 13:
        return text + "[[Category:Opted-out of message delivery]]\n"
    return text


def _task_page(n: int) -> str:
    due = (INITIAL + timedelta(days=(n % 40) - 10)).date()
    status = ("open", "doing", "done")[n % 3]
    done = f"| done = {(INITIAL - timedelta(days=n % 50)).date()}\n" if status == "done" else ""
    text = (f"Tasks of working group {n}.\n\n== Outreach ==\n{{{{Outreachbot task\n"
            f"| task = Task {n} of the bench\n| description = Something to do, number {n}.\n"
            f"| owner = {('Merrilee', 'Mylee', 'Alice')[n % 3]}\n| due = {due}\n"
            f"| status = {status}\n{done}}}}}\n")
    if n % 3 == 0:
        text += (f"\n== Follow-up ==\n{{{{Outreachbot task\n| task = Follow-up of task {n}\n"
                 f"| owner = Mylee\n| due = {due + timedelta(days=7)}\n}}}}\n")
    return text + f"\n[[{TASK_CATEGORY}]]\n"


def _worklist(scenario: Scenario) -> list[SeedPage]:
    found = [_page(NEEDS_CATEGORY, "__HIDDENCAT__\nArticles that need a citation.\n")]
    categories: list[str] = []
    for topic, subcategories in TOPICS.items():
        found.append(_page(topic, f"{topic[9:]}.\n"))
        categories.append(topic)
        for sub in subcategories:
            found.append(_page(sub, f"{sub[9:]}.\n\n[[{topic}]]\n"))
            categories.append(sub)
    for n in range(scenario.articles):
        category = categories[n % len(categories)]
        claim, needs = ((" It was the first.", f"\n[[{NEEDS_CATEGORY}]]") if n % 3 == 0
                        else ("", ""))
        found.append(_page(f"Bench article {n + 1}", f"'''Bench article {n + 1}''' is a "
                           f"library.{claim}\n\n[[{category}]]{needs}\n"))
    return found


def bulk_pages(scenario: Scenario) -> list[SeedPage]:
    """Every page that is imported: templates, the pages the bot keeps, sign-up pages,
    talk pages, task pages and the worklist."""
    kept = ("Template:", "User:OutreachBot")
    found = [SeedPage(p.title, p.steps[-1:], bulk=True) for p in localwiki_seed.pages(INITIAL)
             if p.title.startswith(kept) or p.title == SHUTOFF_PAGE]
    found += [_page(ACTIVITIES_PAGE, read_seed("activities.wiki"), "Mylee"),
              _page(TASKS_PAGE, read_seed("open-tasks.wiki"), "Mylee"),
              _page(TASK_CATEGORY, "Pages where the group declares its tasks.\n", "Mylee")]
    per_page = math.ceil(scenario.signatures / scenario.upcoming)
    for k in range(scenario.upcoming):
        count = min(per_page, scenario.signatures - k * per_page)
        found.append(_page(signup_title(k), generated_page(count, first=k * per_page),
                           "Merrilee"))
    found += [_page(_target(n), _talk_page(n)) for n in range(1, scenario.targets + 1)]
    found += [_page(f"{GROUP}/Tasks/Group {n}", _task_page(n), "Merrilee")
              for n in range(1, scenario.task_pages + 1)]
    return found + _worklist(scenario)


def build(wiki: LocalWiki, scenario: Scenario) -> None:
    """Fill the (new, running) wiki: one import for the bulk, then the steering pages as
    edits by trusted people (the bot reads authorship from the history)."""
    import_pages(wiki, bulk_pages(scenario))
    wiki.client(ADMIN).edit(CONFIG_PAGE, config_text(scenario), "Bench sessions")
    wiki.client("Merrilee").edit(DELIVERY_LIST, delivery_list(scenario), "Delivery list")
    wiki.client("Mylee").edit(ANNOUNCEMENT_TEXT, read_seed("announcement-text.wiki"),
                              "Announcement text")


# --- measuring one run --------------------------------------------------------------------


@dataclass
class Run:
    """One run of the bot and what it cost.

    ``kind``: ``work`` (something to do: the request bound), ``still`` (what was due is
    done and nothing changed: the request bound and no edit) or ``quiet`` (nothing due and
    nothing changed: no edit and at most 10 requests).
    """

    name: str
    now: datetime
    kind: str
    jobs: tuple[str, ...] = ()  # none: all
    requests: int = 0
    edits: int = 0
    pages_read: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    exit_code: int = 0
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def bound(self) -> int:
        formula = self.edits + math.ceil(self.pages_read / BATCH) + OVERHEAD
        return min(formula, QUIET_REQUESTS) if self.kind == "quiet" else formula

    @property
    def misses(self) -> list[str]:
        found = []
        if self.requests > self.bound:
            found.append("requests")
        if self.kind != "work" and self.edits:
            found.append("edits")
        if self.peak_mb >= PEAK_MB:
            found.append("memory")
        if self.exit_code:
            found.append(f"exit {self.exit_code}")
        return found


class Bench:
    def __init__(self, wiki: LocalWiki, workdir: Path) -> None:
        self.wiki = wiki
        self.workdir = workdir
        self.runlog = workdir / "runs.jsonl"
        self.api_log = wiki.datadir / "api.log"
        self.env = {**os.environ, DIR_ENV: str(wiki.datadir), PORT_ENV: str(wiki.port),
                    "PYWIKIBOT_DIR": str(wiki.write_pywikibot_dir(workdir / "pywikibot"))}
        self.env.pop("PYWIKIBOT_NO_USER_CONFIG", None)

    def bot(self, name: str, *args: str) -> tuple[int, float, float, float]:
        """Run ``python -m outreachbot.cli ARGS`` as the bot; exit code, wall seconds, CPU
        seconds and peak memory (MB) of that process alone. Its output goes to a file."""
        output = self.workdir / f"{name}.out"
        with output.open("wb") as sink:
            started = time.monotonic()
            proc = subprocess.Popen([sys.executable, "-m", "outreachbot.cli", *args],
                                    env=self.env, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                    stdout=sink, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):  # 1: a job reported a failure, still measured
            tail = output.read_text(errors="replace")[-3000:]
            raise LocalWikiError(f"the bot run {name!r} exited with {proc.returncode}:\n{tail}")
        # ru_maxrss is in kilobytes on Linux
        return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

    def bot_edits(self) -> int:
        users = self.wiki.client(ADMIN).get(action="query", list="users", ususers=BOT,
                                            usprop="editcount")["query"]["users"]
        return int(users[0].get("editcount", 0))

    def measure(self, run: Run, worklist_pages: int) -> Run:
        """Run the bot once; ``worklist_pages``: the articles and categories the tasks
        job lists for the worklist (pages read that no job counts as checked)."""
        edits_before = self.bot_edits()
        logged = self._runlog_lines()
        api_mark = self.api_log.stat().st_size if self.api_log.exists() else 0
        mark = self.wiki.log_position()
        run.exit_code, run.wall, run.cpu, run.peak_mb = self.bot(
            run.name, "run", *run.jobs, "--config", CONFIG_PAGE, "--now",
            run.now.isoformat(), "--log", str(self.runlog))
        run.requests = self.wiki.count_api_requests(mark)
        run.calls = api_calls(self.api_log, api_mark)
        run.edits = self.bot_edits() - edits_before
        records = [json.loads(line) for line in self._runlog_lines()[len(logged):]]
        run.pages_read = sum(int(r.get("checked", 0)) for r in records)
        if not run.jobs or "tasks" in run.jobs:
            run.pages_read += worklist_pages
        return run

    def _runlog_lines(self) -> list[str]:
        try:
            return self.runlog.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []


# --- which API calls ----------------------------------------------------------------------

_API_PARAM = re.compile(r" (\w+)=(\S*)")
SHUTOFF_LOOK = "emergency stop page (every 10 edits)"
WORKLIST = "worklist category (one a category)"
HISTORY = "page history (a steering page, or a sign-up page with unseen revisions)"


def _kind(params: dict[str, str]) -> str:
    """What one API request was for, from its parameters."""
    action = params.get("action", "?")
    titles = params.get("titles", "")
    many = titles.endswith("[...]") or "|" in titles
    if action == "edit":
        return "edit"
    if action != "query":
        return action
    if titles == SHUTOFF_PAGE:
        return SHUTOFF_LOOK
    if "rvlimit" in params or "rvstartid" in params:
        return HISTORY
    if params.get("generator") == "categorymembers":
        return WORKLIST if "clcategories" in params else "task category members"
    if params.get("list") == "usercontribs":
        return "the bot's contributions"
    if params.get("list") == "users":
        return "groups of a steering page's editors"
    if params.get("meta", "").startswith("tokens"):
        return "tokens"
    if params.get("meta", "").startswith("siteinfo"):
        return "site info"
    if "prop" not in params:
        return "login check (userinfo)"
    if params.get("prop") == "info":
        return "protection levels (batched)" if many else "page id after a creation"
    if many:
        return "pages read (batched)"
    return f"query prop={params['prop']} (one page)"


def api_calls(log: Path, since: int) -> Counter[str]:
    """The API requests MediaWiki logged since a mark, by kind (see `_kind`). The log is
    MediaWiki's ``api`` debug log, in which it redacts passwords and tokens."""
    kinds: Counter[str] = Counter()
    try:
        with log.open("rb") as handle:
            handle.seek(since)
            lines = handle.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return kinds
    for line in lines:
        if " API " in line:
            found = _API_PARAM.findall(line.split(" API ", 1)[1])
            kinds[_kind({name: unquote(value) for name, value in found})] += 1
    return kinds


# --- the table ----------------------------------------------------------------------------


def table(runs: Sequence[Run], signature_cpu: float) -> str:
    header = (f"{'run':<8} {'requests':>8} {'bound':>6} {'ratio':>6} {'edits':>6} "
              f"{'pages read':>10} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}  result")
    lines = [header, "-" * len(header)]
    for run in runs:
        verdict = "ok" if not run.misses else "MISS (" + ", ".join(run.misses) + ")"
        lines.append(f"{run.name:<8} {run.requests:>8} {run.bound:>6} "
                     f"{run.requests / run.bound:>6.2f} {run.edits:>6} {run.pages_read:>10} "
                     f"{run.wall:>7.1f} {run.cpu:>6.1f} {run.peak_mb:>8.0f}  {verdict}")
    lines.append(f"bound: edits + ceil(pages read / {BATCH}) + {OVERHEAD}; at most "
                 f"{QUIET_REQUESTS} (and no edit) when nothing is due and nothing changed")
    verdict = "ok" if signature_cpu < SIGNATURE_CPU else "MISS"
    lines.append(f"\nMaintaining a 5,000-signature list: {signature_cpu:.3f} s of CPU "
                 f"(target: under {SIGNATURE_CPU} s)  {verdict}")
    return "\n".join(lines)


def why(run: Run, worklist_pages: int) -> list[str]:
    """The requests of a run beyond its bound, by the kinds the bound does not foresee:
    each is a request the SPEC's formula counts as nothing (see docs/performance.md)."""
    over = run.requests - run.bound
    if over <= 0:
        return []
    found = []
    looks = run.calls[SHUTOFF_LOOK]
    if looks:
        found.append(f"{looks} look(s) at the emergency stop page, one every 10 edits")
    categories = run.calls[WORKLIST]
    if categories:
        found.append(f"{categories} worklist requests, one a category, for "
                     f"{worklist_pages:,} pages that would fill "
                     f"{math.ceil(worklist_pages / BATCH)}")
    histories = run.calls[HISTORY]
    if histories:
        found.append(f"{histories} page histories, one request each")
    return [f"{run.name}: {over} over the bound; it spent " + "; ".join(found)]


def calls_report(runs: Sequence[Run]) -> str:
    lines = ["API requests by kind (from MediaWiki's api log):"]
    for run in runs:
        lines.append(f"  {run.name}:")
        for kind, count in sorted(run.calls.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"    {count:>5}  {kind}")
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------


FREQUENT = ("attendees", "activities", "announcements")  # the deployment's frequent runs


def plan() -> list[Run]:
    due = FIRST_SESSION - timedelta(days=7) + timedelta(minutes=5)
    return [Run("initial", INITIAL, "work"),
            Run("quiet", INITIAL + timedelta(hours=1), "quiet"),
            Run("quiet-3", INITIAL + timedelta(hours=1, minutes=15), "quiet", FREQUENT),
            Run("due", due, "work"),
            Run("again", due + timedelta(minutes=10), "still")]


def _api_logging(wiki: LocalWiki) -> None:
    """Have MediaWiki log each API request with its parameters (for `api_calls`)."""
    with wiki.settings_file.open("a", encoding="utf-8") as handle:
        handle.write("\n# The bench: one line per API request, with its parameters.\n"
                     f"$wgDebugLogGroups['api'] = {str(wiki.datadir / 'api.log')!r};\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m outreachbot.bench",
        description="Measure the bot's API requests, time and memory on a large scenario "
                    "in a throwaway local wiki (SPEC section 6).")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the scenario (default 1: 5,000 signatures, 500 "
                             "targets, 300 task pages, 2,000 articles)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the wiki directory, the bot's output and the logs here")
    args = parser.parse_args(argv)
    scenario = Scenario().scaled(args.scale) if args.scale != 1.0 else Scenario()

    signature_cpu = cpu_seconds_for_5000_signatures()
    LocalWiki.ensure_packages()
    tmp = Path(tempfile.mkdtemp(prefix="outreachbot-bench-"))
    wiki = LocalWiki(tmp / "wiki", free_port_pair())
    try:
        started = time.monotonic()
        wiki.create()
        _api_logging(wiki)
        wiki.start()
        print(f"Bench wiki at {wiki.url} ({wiki.datadir}); {os.cpu_count()} CPUs")
        print(f"Scenario: {scenario.describe()}")
        build(wiki, scenario)
        bench = Bench(wiki, tmp)
        # A bot that has run before has Pywikibot's caches of the wiki's API parameter
        # info filled: a dry run (nothing saved) fills them here.
        bench.bot("warm-up", "run", "-simulate", "--config", CONFIG_PAGE, "--now",
                  INITIAL.isoformat(), "--log", str(tmp / "warm-up.jsonl"))
        print(f"Set up in {time.monotonic() - started:.0f} s\n")
        runs = []
        worklist_pages = scenario.articles + scenario.categories
        for run in plan():
            runs.append(bench.measure(run, worklist_pages))
            print(f"  {run.name}: {run.requests} requests, {run.edits} edits, "
                  f"{run.wall:.1f} s", flush=True)
        print()
        print(table(runs, signature_cpu))
        misses = [line for run in runs for line in why(run, worklist_pages)]
        if misses:
            print("\nWhy (see docs/performance.md):\n  " + "\n  ".join(misses))
        print()
        print(calls_report(runs))
    except LocalWikiError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        wiki.stop()
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
            print(f"\nKept the wiki directory and logs in {args.keep}")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
