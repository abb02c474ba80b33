"""Server errors, maxlag, timeouts and dropped connections lose nothing and double
nothing: a run through the fault proxy ends with exactly the pages of a clean run."""

from __future__ import annotations

from datetime import timedelta

import pytest
import pywikibot
from faultproxy import FaultProxy  # tests/integration is on sys.path

from outreachbot import runner
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE
from outreachbot.wiki import Wiki

JOBS = ["activities"]


def outcome(localwiki, since_rev: int) -> dict[str, object]:
    """The pages the bot touched, with their text and how many bot revisions they got."""
    admin = localwiki.client("Admin")
    data = admin.get(action="query", list="usercontribs", ucuser="OutreachBot",
                     uclimit="max", ucprop="title|ids")
    mine = [c for c in data["query"]["usercontribs"] if c["revid"] > since_rev]
    titles = sorted({c["title"] for c in mine})
    status = "User:OutreachBot/Status"
    return {
        "texts": {t: admin.text(t) for t in titles if t != status},
        "bot revisions": sorted((c["title"], 1) for c in mine if c["title"] != status),
        "status edits": sum(1 for c in mine if c["title"] == status),
    }


def run_clean(site, now):
    return runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], JOBS, now)


@pytest.fixture
def fast_retries(monkeypatch):
    """Pywikibot's own retry settings, shortened so a faulty run takes seconds."""
    monkeypatch.setattr(pywikibot.config, "socket_timeout", (1, 2))
    monkeypatch.setattr(pywikibot.config, "retry_wait", 0.1)
    monkeypatch.setattr(pywikibot.config, "retry_max", 0.5)
    monkeypatch.setattr(pywikibot.config, "max_retries", 60)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_run_with_one_response_in_five_faulty_ends_as_a_clean_run(
        seeded, site, seed_now, monkeypatch, fast_retries, seed):
    now = seed_now + timedelta(days=60)  # sessions to move, an archive to write
    start = seeded.client("Admin").lastrevid(ACTIVITIES_PAGE)
    run_clean(site, now)
    clean = outcome(seeded, start)
    assert clean["texts"], "the clean run must edit something for the test to mean anything"

    seeded.restore("seeded")
    with FaultProxy(seed=seed, rate=0.2) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        reports = runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], JOBS, now)
        monkeypatch.delenv("HTTP_PROXY")
    faulty = outcome(seeded, start)

    assert sum(proxy.counts[f] for f in proxy.counts if f != "clean") > 0, proxy.counts
    assert [r.outcome for r in reports] == ["ok"]
    assert faulty["texts"] == clean["texts"]
    assert faulty["bot revisions"] == clean["bot revisions"]
    assert faulty["status edits"] == clean["status edits"]
