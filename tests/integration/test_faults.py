"""Server errors, maxlag, timeouts and dropped connections lose nothing and double
nothing: a run of every job through the fault proxy ends with exactly the pages and the
talk-page posts of a clean run.

The clock is a week before the Libraries and Wikidata office hours: every job has work to
do (sign-up lists to put right, a missing sign-up page to create, the activities and open
tasks pages to write, announcements to post on the delivery list's talk pages, the status
page), so faults land on reads, on full-page saves and on new posts alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

import botedits  # tests/integration is on sys.path
import pytest
import pywikibot
from faultproxy import FaultProxy

from outreachbot import runner
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE
from outreachbot.wiki import Wiki

JOBS = runner.available_jobs()
NOW = datetime(2020, 5, 22, 23, 0, tzinfo=UTC)  # announcements due, lists to put right


def outcome(localwiki, since_rev: int) -> dict[str, object]:
    """The pages the bot touched, with their text and how many bot revisions they got."""
    revisions = botedits.revisions_per_page(localwiki, since_rev)
    return {
        "texts": botedits.pages(localwiki, since_rev),
        "bot revisions": {t: n for t, n in revisions.items() if t != botedits.STATUS},
        "status edits": revisions[botedits.STATUS],
    }


def run_clean(site, now):
    return runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], JOBS, now)


def talk_pages(texts: dict[str, str]) -> list[str]:
    return [title for title in texts if "talk:" in title.lower()]


@pytest.fixture
def fast_retries(monkeypatch):
    """Pywikibot's own retry settings, shortened so a faulty run takes seconds."""
    monkeypatch.setattr(pywikibot.config, "socket_timeout", (1, 2))
    monkeypatch.setattr(pywikibot.config, "retry_wait", 0.1)
    monkeypatch.setattr(pywikibot.config, "retry_max", 0.5)
    monkeypatch.setattr(pywikibot.config, "max_retries", 60)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_run_with_one_response_in_five_faulty_ends_as_a_clean_run(
        seeded, site, monkeypatch, fast_retries, seed):
    start = seeded.client("Admin").lastrevid(ACTIVITIES_PAGE)
    run_clean(site, NOW)
    clean = outcome(seeded, start)
    # The clean run must have work of every kind for the comparison to mean anything.
    assert len(talk_pages(clean["texts"])) >= 4, sorted(clean["texts"])
    assert len(clean["texts"]) >= 8, sorted(clean["texts"])

    seeded.restore("seeded")
    with FaultProxy(seed=seed, rate=0.2) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        reports = runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], JOBS, NOW)
        monkeypatch.delenv("HTTP_PROXY")
    faulty = outcome(seeded, start)

    assert sum(proxy.counts[f] for f in proxy.counts if f != "clean") > 0, proxy.counts
    assert proxy.edit_faults, f"no fault hit an edit request: {proxy.counts}"
    assert [r.outcome for r in reports] == ["ok"] * len(JOBS), [
        (r.job, r.outcome, r.notes) for r in reports]
    assert faulty["texts"] == clean["texts"]
    assert faulty["bot revisions"] == clean["bot revisions"]
    assert faulty["status edits"] == clean["status edits"]
