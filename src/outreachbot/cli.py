"""outreachbot: the on-wiki chores of a Wikimedia user group.

Commands::

    outreachbot run [JOB ...] --config TITLE [--config TITLE ...] [GLOBAL OPTIONS]
        Run the jobs (attendees, activities, tasks, announcements; none = all, in that
        order) for each config page. Pywikibot's global options work as in any script:
        -simulate (no writes; the diff of every planned edit is shown), -family:NAME,
        -lang:CODE, -user:NAME, -log, -verbose.
    outreachbot check-config --config TITLE [GLOBAL OPTIONS]
    outreachbot check-config --file PATH
        List every problem in a config page (read at its trusted revision) or a file;
        exits 1 when there is one.
    outreachbot localwiki start|stop|reset|seed|status|install [--dir DIR] [--port PORT]
        The embedded MediaWiki used by the demo and the tests.
    outreachbot demo
        Start and seed the local wiki, run every job once and show what changed.

Exit status: 0 done, 1 a job failed or a config page could not be used, 2 bad command
line, 3 stopped by the emergency stop page.
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
    run.add_argument("--config", action="append", required=True, metavar="TITLE",
                     help="a config page; repeat for several groups")
    run.add_argument("--trusted-group", action="append", metavar="GROUP",
                     help="user groups whose edits steer the bot (default: sysop)")
    run.add_argument("--now", type=_parse_now, metavar="ISO",
                     help="pretend it is this UTC time (for tests and demonstrations)")

    check = sub.add_parser("check-config", help="list the problems of a config page")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", metavar="TITLE")
    source.add_argument("--file", metavar="PATH")
    check.add_argument("--trusted-group", action="append", metavar="GROUP")

    local = sub.add_parser("localwiki", help="the embedded local wiki", add_help=False)
    local.add_argument("rest", nargs=argparse.REMAINDER)

    sub.add_parser("demo", help="run every job once against the seeded local wiki")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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

    import pywikibot

    # handle_args([]) would read sys.argv instead: only hand it the global options.
    rest = pywikibot.handle_args(globals_) if globals_ else []
    if rest:
        print(f"outreachbot: unknown option(s): {' '.join(rest)}", file=sys.stderr)
        return EXIT_USAGE
    if options.command == "check-config":
        return check_wiki(options.config, tuple(options.trusted_group or ("sysop",)))
    return run_jobs(options)


def _site():  # type: ignore[no-untyped-def]
    import pywikibot

    site = pywikibot.Site()
    site.login()
    if not site.logged_in():
        raise SystemExit(f"outreachbot: cannot log in to {site}; check user-config.py")
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
    wiki = Wiki(_site())
    now = options.now or datetime.now(UTC)
    if wiki.simulate:
        pywikibot.info("Simulation: nothing is saved; each planned edit is shown as a diff.")
    reports = runner.run(wiki, options.config, jobs, now,
                         tuple(options.trusted_group or ("sysop",)))
    if any(r.outcome == "stopped" for r in reports):
        return EXIT_STOPPED
    return EXIT_FAILED if any(r.outcome == "failed" for r in reports) else EXIT_OK


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem)


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
    print(f"{len(config.sessions)} sessions, {len(config.problems)} problems")
    return EXIT_FAILED if any(p.severity == "error" for p in config.problems) else EXIT_OK


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
    print(f"[[{title}]] revision {config.revision}: {len(config.sessions)} sessions, "
          f"{len(config.problems)} problems, {len(ignored)} ignored revisions")
    return EXIT_FAILED if any(p.severity == "error" for p in config.problems) else EXIT_OK


def script_main(job: str, args: Sequence[str]) -> int:
    """Entry point of the Pywikibot scripts in ``scripts/`` (``pwb outreachbot_JOB``).

    They take ``-config:TITLE`` (repeatable) and ``-now:ISO`` in Pywikibot's option style
    and run the same job as ``outreachbot run JOB``.
    """
    argv = ["run"] + ([job] if job else [])
    for arg in args:
        name, _, value = arg.partition(":")
        if name in ("-config", "-now", "-trusted-group") and value:
            argv += [f"-{name}", value]
        else:
            argv.append(arg)
    return main(argv)


if __name__ == "__main__":
    sys.exit(main())
