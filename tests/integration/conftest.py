"""Fixtures giving integration tests a real MediaWiki (see ``outreachbot.localwiki``).

- ``localwiki``: a fresh wiki for the whole run, started on first use, stopped at the end.
  If it cannot be installed or started the tests fail with the reason: a wiki that is
  not there must never pass for a test that was skipped.
- ``seeded``: the same wiki holding exactly the seed pages, seeded with ``now`` =
  ``SEED_NOW`` (2020-05-20 00:00 UTC). Seeded once (about 3 s), then each use puts the
  database snapshot back (milliseconds), so every test starts from the same pages.
- ``client_for(user)``: a logged-in plain API client acting as that user (Alice, Bob,
  Merrilee, Admin, ...), for playing the humans.
- ``site``: Pywikibot's ``Site('en', 'localwiki')``, logged in as OutreachBot.
- ``localwiki_fr`` / ``site_fr``: the second wiki (code ``fr``), for cross-wiki delivery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from outreachbot.errors import LocalWikiError
from outreachbot.localwiki import LocalWiki, WikiClient

SEED_NOW = datetime(2020, 5, 20, 0, 0, tzinfo=UTC)


def _started(lang: str) -> LocalWiki:
    wiki = LocalWiki.from_env(lang)
    try:
        wiki.ensure_packages()
        wiki.reset()
        wiki.snapshot("fresh")
    except LocalWikiError as exc:
        wiki.stop()
        pytest.fail(f"the local wiki ({lang}) cannot run: {exc}", pytrace=False)
    return wiki


@pytest.fixture(scope="session")
def localwiki() -> Iterator[LocalWiki]:
    wiki = _started("en")
    yield wiki
    wiki.stop()


@pytest.fixture(scope="session")
def localwiki_fr() -> Iterator[LocalWiki]:
    wiki = _started("fr")
    yield wiki
    wiki.stop()


@pytest.fixture
def seed_now() -> datetime:
    return SEED_NOW


@pytest.fixture
def seeded(localwiki: LocalWiki) -> LocalWiki:
    if localwiki.has_snapshot("seeded"):
        localwiki.restore("seeded")
    else:
        localwiki.restore("fresh")
        localwiki.seed(SEED_NOW)
        localwiki.snapshot("seeded")
    return localwiki


@pytest.fixture
def client_for(localwiki: LocalWiki) -> Callable[[str], WikiClient]:
    return localwiki.client


def _site(code: str) -> Any:
    import pywikibot

    site = pywikibot.Site(code, "localwiki")
    site.login()
    if site.user() != "OutreachBot":
        pytest.fail(f"Pywikibot did not log in to localwiki:{code} as OutreachBot",
                    pytrace=False)
    return site


@pytest.fixture(scope="session")
def site(localwiki: LocalWiki) -> Any:
    return _site("en")


@pytest.fixture(scope="session")
def site_fr(localwiki_fr: LocalWiki) -> Any:
    return _site("fr")
