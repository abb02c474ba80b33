"""``outreachbot demo``: every job once against the seeded local wiki.

Starts the embedded wiki (installing it when needed), seeds it with the group's pages
placed around the current time, runs every job as the bot, prints what changed with the
URLs to open, and leaves the wiki running for a browser.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime

from outreachbot.errors import LocalWikiError
from outreachbot.localwiki import PORT_ENV, LocalWiki, default_dir, default_port
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    CEE_PAGE,
    CONFIG_PAGE,
    DELIVERY_LIST,
    STATUS_PAGE,
    TASKS_PAGE,
)


def _start() -> LocalWiki:
    wiki = LocalWiki(default_dir(), default_port())
    wiki.ensure_packages()
    if not wiki.exists():
        print(f"Creating the local wiki in {wiki.datadir}")
        wiki.create()
    if not wiki.is_running():
        wiki.start()
    return wiki


def main(argv: Sequence[str] = ()) -> int:
    try:
        local = _start()
    except LocalWikiError as error:
        print(f"outreachbot demo: the local wiki cannot run: {error}")
        return 1
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    print(f"Seeding {local.url} as of {now:%Y-%m-%d %H:%M} UTC")
    local.seed(now)
    # Pywikibot reads its settings when first imported: point it at the local wiki first.
    os.environ["PYWIKIBOT_DIR"] = str(local.write_pywikibot_dir(local.datadir / "pywikibot"))
    os.environ[PORT_ENV] = str(local.port)

    import pywikibot

    from outreachbot import runner
    from outreachbot.wiki import Wiki

    site = pywikibot.Site("en", "localwiki")
    site.login()
    wiki = Wiki(site, simulate=False)
    before = local.log_position()
    reports = runner.run(wiki, [CONFIG_PAGE], runner.available_jobs(), now)
    requests = local.count_api_requests(before)

    print("\nWhat the bot did:")
    for report in reports:
        print(f"  {report.job}: {report.outcome}, {report.checked} pages checked, "
              f"{report.edit_count} edits, {len(report.skips)} skipped")
        for saved in report.edits:
            print(f"    edited   {saved.title}\n             "
                  f"{local.url}/index.php?diff={saved.revid}")
        for title, reason in report.skips:
            print(f"    skipped  {title}: {reason}")
    status_edits = [s for s in wiki.saved if s.title == STATUS_PAGE]
    print(f"  status page: {'updated' if status_edits else 'unchanged'}")
    print(f"  {requests} API requests (counted in {local.log_file})")
    print("\nOpen in a browser:")
    for title in (ACTIVITIES_PAGE, TASKS_PAGE, STATUS_PAGE, CONFIG_PAGE, CEE_PAGE,
                  DELIVERY_LIST):
        print(f"  {local.page_url(title)}")
    print(f"\nThe wiki keeps running at {local.url} (accounts and passwords: "
          f"{local.accounts_file}); stop it with: outreachbot localwiki stop")
    return 0 if all(r.outcome == "ok" for r in reports) else 1
