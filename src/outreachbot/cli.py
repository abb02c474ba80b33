"""outreachbot: the on-wiki chores of a Wikimedia user group.

Commands::

    outreachbot run [JOB ...] --config TITLE [--config TITLE ...] [--config-list TITLE]
                    [--log PATH] [GLOBAL OPTIONS]
        Run the jobs (attendees, activities, tasks, announcements; none = all, in that
        order) for each config page (--config-list: a page linking the config pages).
        Each run is added to the run log (default state/runs.jsonl). Pywikibot's global
        options work as in any script:
        -simulate (no writes; the diff of every planned edit is shown), -family:NAME,
        -lang:CODE, -user:NAME, -log, -verbose.
        The account must be the configured one, not blocked, with the 'edit' right
        and the bot flag; --without-bot-flag lets an approved trial run go without it.
    outreachbot check-config --config TITLE [GLOBAL OPTIONS]
    outreachbot check-config --file PATH
        List every problem in a config page (read at its trusted revision) or a file;
        exits 1 when there is one.
    outreachbot install-templates [GLOBAL OPTIONS]
        Create or update {{Outreachbot config}}, {{Outreachbot session}} and
        {{Outreachbot task}} with their documentation and TemplateData on the wiki;
        with -simulate, show the diffs only.
    outreachbot schedule --config TITLE [--config-list TITLE] [--store PATH] [--log PATH]
                         [--every JOB=CRON ...] [--calendar PATH] [--settings FILE]
        Run the jobs for years: periodic jobs on cron schedules (UTC), announcements and
        reminders at their exact time, a persistent job store (default
        state/jobs.sqlite); stops cleanly on SIGTERM or Ctrl-C.
    outreachbot status [--log PATH] [--store PATH]
        The last run of each job for each config page, and the scheduled runs.
    outreachbot calendar --config TITLE [--config TITLE ...] --output PATH
        Write the iCalendar feed of the sessions (e.g. ~/public_html/calendar.ics).
    outreachbot localwiki start|stop|reset|seed|status|install [--dir DIR] [--port PORT]
        The embedded MediaWiki used by the demo and the tests.
    outreachbot demo
        Start and seed the local wiki, run every job once and show what changed.

Exit status: 0 done, 1 a job failed, a config page could not be used or the account
cannot run the bot (nothing is edited then), 2 bad command line, 3 stopped by the
emergency stop page.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 3


def _parse_now(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO date and time") from error
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreachbot",
        description="The on-wiki chores of a Wikimedia user group.",
        epilog="Pywikibot's global options (-simulate, -family:, -lang:, -user:) "
        "may be given anywhere.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run jobs once")
    run.add_argument("jobs", nargs="*", metavar="JOB",
                     help="attendees, activities, tasks, announcements (default: all)")
    run.add_argument("--config", action="append", default=[], metavar="TITLE",
                     help="a config page; repeat for several groups")
    run.add_argument("--config-list", action="append", default=[], metavar="TITLE",
                     help="a page linking config pages ([[...]]), read at its trusted "
                     "revision")
    run.add_argument("--log", default=None, metavar="PATH",
                     help="the run log (default state/runs.jsonl)")
    run.add_argument("--trusted-group", action="append", metavar="GROUP",
                     help="user groups whose edits steer the bot (default: sysop)")
    run.add_argument("--now", type=_parse_now, metavar="ISO",
                     help="pretend it is this UTC time (for tests and demonstrations)")
    run.add_argument("--without-bot-flag", action="store_true",
                     help="run although the account has no bot flag (an approved trial "
                     "run); its edits are not marked as bot edits")

    check = sub.add_parser("check-config", help="list the problems of a config page")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", metavar="TITLE")
    source.add_argument("--file", metavar="PATH")
    check.add_argument("--trusted-group", action="append", metavar="GROUP")

    local = sub.add_parser("localwiki", help="the embedded local wiki", add_help=False)
    local.add_argument("rest", nargs=argparse.REMAINDER)

    sub.add_parser("demo", help="run every job once against the seeded local wiki")

    schedule = sub.add_parser("schedule", help="run the jobs on a schedule until stopped")
    schedule.add_argument("--config", action="append", default=[], metavar="TITLE")
    schedule.add_argument("--config-list", action="append", default=[], metavar="TITLE")
    schedule.add_argument("--store", metavar="PATH",
                          help="the job store, an SQLite file (default state/jobs.sqlite)")
    schedule.add_argument("--log", metavar="PATH", help="the run log (default "
                          "state/runs.jsonl)")
    schedule.add_argument("--every", action="append", default=[], metavar="JOB=CRON",
                          help="when a job runs, as a UTC cron schedule, or 'off'; JOB may "
                          "be 'refresh' (the config refresh)")
    schedule.add_argument("--calendar", metavar="PATH",
                          help="write the calendar feed here at each config refresh")
    schedule.add_argument("--settings", metavar="FILE", help="a TOML settings file")
    schedule.add_argument("--trusted-group", action="append", metavar="GROUP")

    status = sub.add_parser("status", help="the last run of each job, from the run log")
    status.add_argument("--log", default="state/runs.jsonl", metavar="PATH")
    status.add_argument("--store", default="state/jobs.sqlite", metavar="PATH")

    feed = sub.add_parser("calendar", help="write the iCalendar feed of the sessions")
    feed.add_argument("--config", action="append", default=[], metavar="TITLE")
    feed.add_argument("--config-list", action="append", default=[], metavar="TITLE")
    feed.add_argument("--output", required=True, metavar="PATH")
    feed.add_argument("--trusted-group", action="append", metavar="GROUP")
    install = sub.add_parser("install-templates", help="create or update the three "
                             "templates, their docs and TemplateData")
    install.add_argument("--without-bot-flag", action="store_true",
                         help="install although the account has no bot flag")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from outreachbot import redact

    redact.install()  # before anything logs: no credential reaches a console or log
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["localwiki"]:
        from outreachbot import localwiki

        return localwiki.main(args[1:])
    if args[:1] == ["demo"]:
        from outreachbot import demo

        return demo.main(args[1:])
    globals_ = [a for a in args if a.startswith("-") and not a.startswith("--") and a != "-h"]
    local_args = [a for a in args if a not in globals_]
    options = _parser().parse_args(local_args)
    if options.command == "check-config" and options.file:
        return check_file(options.file)
    if options.command == "status":
        return show_status(options.log, options.store)

    import pywikibot

    from outreachbot.errors import AccountError

    # handle_args([]) would read sys.argv instead: only hand it the global options.
    rest = pywikibot.handle_args(globals_) if globals_ else []
    if rest:
        print(f"outreachbot: unknown option(s): {' '.join(rest)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _command(options)
    except AccountError as error:
        for problem in error.problems:
            pywikibot.error(problem)
        return EXIT_FAILED


def _command(options: argparse.Namespace) -> int:
    if options.command == "install-templates":
        return install_templates(options)
    if options.command == "check-config":
        return check_wiki(options.config, tuple(options.trusted_group or ("sysop",)))
    if options.command == "schedule":
        return schedule(options)
    if options.command == "calendar":
        return write_calendar(options)
    return run_jobs(options)


def _ui_lang() -> str:
    """The language of console messages (Pywikibot's ``userinterface_lang``)."""
    import pywikibot

    return str(pywikibot.config.userinterface_lang or "en")


def _site(*, edits: bool = False, bot_flag: bool = True):  # type: ignore[no-untyped-def]
    """The configured site, logged in as the configured account.

    Raises `AccountError` (every reason, each saying how to fix it) when the account
    cannot be used: no account configured, the login fails, or the wiki sees another
    account or none. With ``edits`` the command edits, and the account must also be
    unblocked, have the ``edit`` right and, unless ``bot_flag`` is False, the bot flag;
    a ``-simulate`` run saves nothing, so it only warns. The rights come with the
    login's own ``meta=userinfo`` request: the check asks the wiki nothing more.
    """
    import contextlib

    import pywikibot
    from pywikibot.exceptions import NoUsernameError
    from pywikibot.login import ClientLoginManager

    from outreachbot import redact
    from outreachbot.errors import AccountError
    from outreachbot.i18n import msg
    from outreachbot.wiki import Wiki

    site = pywikibot.Site()
    lang = _ui_lang()
    where = {"site": str(site), "user": site.username() or "?"}
    refused = msg(lang, "account-refused", **where)
    if not site.username():
        raise AccountError([msg(lang, "account-no-username", family=site.family.name,
                                code=site.code, **where), refused])
    with contextlib.suppress(Exception):  # the password file's own errors come below
        redact.remember(ClientLoginManager(site=site).password)
    try:
        site.login()
    except (NoUsernameError, FileNotFoundError, ValueError) as error:
        # a refused login, a password file missing or not understood (Pywikibot's
        # messages about it never quote a password)
        raise AccountError([msg(lang, "account-login-failed", error=str(error).strip(),
                                **where), refused]) from None
    except EOFError:  # Pywikibot asked for the password, and nobody can type it
        raise AccountError([msg(lang, "account-no-password", **where), refused]) from None
    wiki = Wiki(site)
    problems = wiki.account_problems(bot_flag=bot_flag)
    fatal = [p.text(lang) for p in problems if p.level == "identity"
             or (edits and p.level == "rights" and not wiki.simulate)]
    if fatal:
        raise AccountError([*fatal, refused])
    if edits:
        for problem in problems:
            pywikibot.warning(problem.text(lang))
        if any(p.level == "rights" for p in problems):
            pywikibot.warning(msg(lang, "account-simulate"))
    return site


def run_jobs(options: argparse.Namespace) -> int:
    import pywikibot

    from outreachbot import runner
    from outreachbot.wiki import Wiki

    jobs = options.jobs or runner.available_jobs()
    unknown = [j for j in jobs if j not in runner.JOBS]
    if unknown:
        print(f"outreachbot: unknown job(s): {', '.join(unknown)}; "
              f"available: {', '.join(runner.available_jobs())}", file=sys.stderr)
        return EXIT_USAGE
    wiki = Wiki(_site(edits=True, bot_flag=not options.without_bot_flag))
    now = options.now or datetime.now(UTC)
    if wiki.simulate:
        pywikibot.info("Simulation: nothing is saved; each planned edit is shown as a diff.")
    groups = tuple(options.trusted_group or ("sysop",))
    titles = _config_titles(wiki, options.config, options.config_list, groups)
    if titles is None:
        return EXIT_USAGE
    reports = runner.run(wiki, titles, jobs, now, groups)
    if not wiki.simulate:  # the log tells what was done; a dry run did nothing
        from outreachbot import runlog

        runlog.append(options.log or runlog.DEFAULT_LOG, reports)
    if any(r.outcome == "stopped" for r in reports):
        return EXIT_STOPPED
    return EXIT_FAILED if any(r.outcome == "failed" for r in reports) else EXIT_OK


def install_templates(options: argparse.Namespace) -> int:
    from outreachbot import templates
    from outreachbot.errors import ShutoffError
    from outreachbot.wiki import Wiki

    site = _site(edits=True, bot_flag=not options.without_bot_flag)
    try:
        results = templates.install(Wiki(site))
    except ShutoffError as error:
        print(f"outreachbot: emergency stop: {error}", file=sys.stderr)
        return EXIT_STOPPED
    for result in results:
        why = f": {result.reason}" if result.reason else ""
        print(f"{result.outcome:10} {result.title}{why}")
    return EXIT_FAILED if any(r.outcome == "skipped" for r in results) else EXIT_OK


def _config_titles(wiki: object, configs: Sequence[str], lists: Sequence[str],
                   groups: tuple[str, ...]) -> list[str] | None:
    """The --config pages, then those linked from each --config-list page; None (after a
    message) when there is none. A list page that cannot be read is reported, not fatal."""
    titles = list(configs)
    if lists:
        from outreachbot.errors import ConfigError
        from outreachbot.scheduler import read_config_list

        for title in lists:
            try:
                titles += read_config_list(wiki, title, groups)  # type: ignore[arg-type]
            except ConfigError as error:
                print(f"outreachbot: {error}", file=sys.stderr)
    if not titles:
        print("outreachbot: no config page: give --config TITLE or --config-list TITLE",
              file=sys.stderr)
        return None
    return list(dict.fromkeys(titles))


def show_status(log: str, store: str) -> int:
    from pathlib import Path

    from outreachbot import runlog

    print(runlog.format_status(runlog.read(log)))
    store_path = Path(store)
    if store_path.is_file():
        from outreachbot.scheduler import pending

        jobs = pending(store_path)
        print(f"\nScheduled ({store}):" if jobs else f"\nNothing scheduled in {store}.")
        for when, name in jobs:
            print(f"  {when:%Y-%m-%d %H:%M:%S} UTC  {name}" if when else f"  paused  {name}")
    return EXIT_OK


def schedule(options: argparse.Namespace) -> int:
    from pathlib import Path

    from outreachbot import scheduler

    try:
        file = scheduler.read_settings(options.settings) if options.settings else {}
        settings = scheduler.Options(
            configs=tuple(options.config or file.get("config", ())),
            config_lists=tuple(options.config_list or file.get("config_list", ())),
            store=Path(options.store or file.get("store", scheduler.DEFAULT_STORE)),
            log=Path(options.log or file.get("log", scheduler.runlog.DEFAULT_LOG)),
            calendar=Path(options.calendar or file["calendar"])
            if options.calendar or file.get("calendar") else None,
            groups=tuple(options.trusted_group or file.get("trusted_groups", ("sysop",))),
            on_change=tuple(file.get("on_change", scheduler.DEFAULT_ON_CHANGE)),
        )
        every = {**scheduler.DEFAULT_EVERY, **{k: str(v) for k, v in
                                               file.get("every", {}).items()}}
        settings.every = scheduler.parse_every(
            [f"{k}={v}" for k, v in every.items()] + options.every, {})
        if not settings.configs and not settings.config_lists:
            raise scheduler.SchedulerError("give at least one --config or --config-list")
        scheduler.run_scheduler(settings, _site(edits=True))
    except scheduler.SchedulerError as error:
        print(f"outreachbot: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def write_calendar(options: argparse.Namespace) -> int:
    import pywikibot

    from outreachbot import calendar
    from outreachbot.errors import ConfigError
    from outreachbot.steering import load_config
    from outreachbot.wiki import Wiki

    wiki = Wiki(_site())
    groups = tuple(options.trusted_group or ("sysop",))
    titles = _config_titles(wiki, options.config, options.config_list, groups)
    if titles is None:
        return EXIT_USAGE
    configs = []
    for title in titles:
        try:
            configs.append(load_config(wiki, title, groups)[0])
        except ConfigError as error:
            print(f"outreachbot: {error}; the feed is not written", file=sys.stderr)
            return EXIT_FAILED
    now = datetime.now(UTC)
    changed = calendar.publish(options.output, configs, now,
                               page_url=calendar.page_url(wiki.site))
    sessions = sum(len(c.sessions) for c in configs)
    pywikibot.info(f"{options.output}: {sessions} sessions"
                   f"{'' if changed else ', unchanged'}")
    return EXIT_OK


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem)


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def check_file(path: str) -> int:
    from outreachbot.config import parse_config

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        print(f"outreachbot: cannot read {path}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    config = parse_config(text, path)
    _print_problems(config.problems)
    print(f"{_count(config.sessions, 'session')}, {_count(config.problems, 'problem')}")
    return EXIT_FAILED if config.problems else EXIT_OK


def check_wiki(title: str, groups: tuple[str, ...]) -> int:
    from outreachbot.errors import ConfigError
    from outreachbot.steering import load_config
    from outreachbot.wiki import Wiki

    try:
        config, ignored = load_config(Wiki(_site()), title, groups)
    except ConfigError as error:
        print(f"outreachbot: {error}", file=sys.stderr)
        return EXIT_FAILED
    _print_problems(config.problems)
    _print_problems(ignored)
    print(f"[[{title}]] revision {config.revision}: {_count(config.sessions, 'session')}, "
          f"{_count(config.problems, 'problem')}, {_count(ignored, 'ignored revision')}")
    return EXIT_FAILED if config.problems else EXIT_OK


def script_main(job: str, args: Sequence[str]) -> int:
    """Entry point of the Pywikibot scripts in ``scripts/`` (``pwb outreachbot_JOB``).

    They take ``-config:TITLE`` (repeatable), ``-now:ISO`` and ``-without-bot-flag`` in
    Pywikibot's option style and run the same job as ``outreachbot run JOB``.
    """
    argv = ["run"] + ([job] if job else [])
    for arg in args:
        name, _, value = arg.partition(":")
        if name in ("-config", "-now", "-trusted-group") and value:
            argv += [f"-{name}", value]
        elif arg == "-without-bot-flag":
            argv.append("--without-bot-flag")
        else:
            argv.append(arg)
    return main(argv)


if __name__ == "__main__":
    sys.exit(main())
