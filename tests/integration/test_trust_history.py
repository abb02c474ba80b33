"""The trust rule on long histories, on the real local wiki: when the newest revisions of
a steering page are all by organizers (or by someone untrusted), the bot reads further
back to the revision by an administrator that starts the chain of trust; when the newest
revisions hold one, it reads nothing more."""

from __future__ import annotations

import re

import pytest

from outreachbot import runner, steering
from outreachbot.errors import ConfigError
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE, DELIVERY_LIST, STATUS_PAGE
from outreachbot.steering import load_config, load_steering_page
from outreachbot.wiki import Wiki

EDITS = 60  # more than one request of history (steering.HISTORY_DEPTH)
TITLE = "#1lib1ref office hours: Asia and Pacific"


def edit_many(client, title: str, count: int, last: str | None = None) -> list[int]:
    """``count`` edits of the page by ``client``, each a real change; the last one saves
    ``last`` when given. The new revision ids, oldest first."""
    base = client.text(title) or ""
    revids = [client.edit(title, f"{base}<!-- edit {n} -->\n", f"edit {n}")
              for n in range(1, count)]
    revids.append(client.edit(title, last if last is not None else f"{base}<!-- done -->\n",
                              "last edit"))
    return revids


def requests_for(localwiki, call):
    """What ``call()`` returns, and how many API requests it made."""
    mark = localwiki.log_position()
    result = call()
    return result, localwiki.count_api_requests(mark)


def test_the_common_case_costs_one_history_and_one_group_request(seeded, localwiki, site):
    wiki = Wiki(site, simulate=False)
    load_config(wiki, CONFIG_PAGE)  # whatever the session's first use of the site costs
    (config, ignored), made = requests_for(localwiki, lambda: load_config(wiki, CONFIG_PAGE))
    assert config.revision is not None and ignored == []
    assert made == 2


def test_a_long_run_of_organizer_edits_still_uses_the_newest_one(
        seeded, localwiki, site, seed_now, client_for):
    assert EDITS > steering.HISTORY_DEPTH
    merrilee = client_for("Merrilee")
    text = merrilee.text(CONFIG_PAGE)
    assert TITLE in text and "Merrilee" in text
    revids = edit_many(merrilee, CONFIG_PAGE, EDITS,
                       text.replace(TITLE, "Office hours for Asia and the Pacific"))
    wiki = Wiki(site, simulate=False)

    (config, ignored), made = requests_for(localwiki, lambda: load_config(wiki, CONFIG_PAGE))

    assert config.revision == revids[-1]
    assert ignored == []
    # Two batches of history, each followed by the groups of its new editors (Merrilee,
    # then Admin, whose revision starts the chain).
    assert made == 4

    runner.run(wiki, [CONFIG_PAGE], ["activities"], seed_now)
    admin = client_for("Admin")
    assert "Office hours for Asia and the Pacific" in admin.text(ACTIVITIES_PAGE)
    assert "Ignored revision" not in admin.text(STATUS_PAGE)

    # Once an administrator's revision is among the newest, nothing older is read.
    newest = admin.edit(CONFIG_PAGE, admin.text(CONFIG_PAGE) + "<!-- checked -->\n", "ok")
    (config, ignored), made = requests_for(localwiki, lambda: load_config(wiki, CONFIG_PAGE))
    assert (config.revision, ignored, made) == (newest, [], 2)


def test_a_long_run_of_untrusted_edits_is_ignored_and_reported(
        seeded, localwiki, site, seed_now, client_for):
    admin = client_for("Admin")
    trusted = admin.lastrevid(CONFIG_PAGE)
    bob = client_for("Bob")
    text = bob.text(CONFIG_PAGE)
    revids = edit_many(bob, CONFIG_PAGE, EDITS, text.replace(TITLE, "Vandalised title"))
    wiki = Wiki(site, simulate=False)

    (config, ignored), made = requests_for(localwiki, lambda: load_config(wiki, CONFIG_PAGE))

    assert config.revision == trusted
    assert [(r.revid, r.user) for r in ignored] == [(revid, "Bob") for revid in revids]
    assert made == 4

    runner.run(wiki, [CONFIG_PAGE], ["activities"], seed_now)
    activities = admin.text(ACTIVITIES_PAGE)
    assert TITLE in activities and "Vandalised title" not in activities
    status = admin.text(STATUS_PAGE)
    for revid in (revids[0], revids[-1]):
        assert re.search(rf"Ignored revision:.*revision {revid} by Bob", status)


def test_the_search_back_stops_at_the_limit_and_says_so(
        seeded, site, client_for, monkeypatch):
    monkeypatch.setattr(steering, "HISTORY_DEPTH", 5)
    monkeypatch.setattr(steering, "HISTORY_LIMIT", 12)
    edit_many(client_for("Merrilee"), CONFIG_PAGE, 12)

    with pytest.raises(ConfigError) as refused:
        load_config(Wiki(site, simulate=False), CONFIG_PAGE)

    message = str(refused.value)
    assert f"none of the last 12 revisions of [[{CONFIG_PAGE}]] is by a trusted editor" \
        in message
    assert "looks back 12 revisions at most" in message

    # With the limit one revision further back, Admin's first revision starts the chain.
    monkeypatch.setattr(steering, "HISTORY_LIMIT", 14)
    config, ignored = load_config(Wiki(site, simulate=False), CONFIG_PAGE)
    assert config.revision is not None and ignored == []


def test_a_whole_history_without_a_trusted_revision_is_named_as_such(seeded, site, client_for):
    title = "User:Bob/Outreachbot config"
    edit_many(client_for("Bob"), title, 3, "{{Outreachbot config\n| organizers = Bob\n}}\n")
    with pytest.raises(ConfigError, match=re.escape(
            f"none of the 3 revisions of [[{title}]] is by a trusted editor")):
        load_config(Wiki(site, simulate=False), title)


def test_the_delivery_list_survives_a_long_run_of_untrusted_edits(
        seeded, site, client_for):
    merrilee = client_for("Merrilee")
    trusted = merrilee.text(DELIVERY_LIST)
    edit_many(client_for("Alice"), DELIVERY_LIST, EDITS,
              trusted + "{{target|page=User talk:Alice/Spam|create=yes}}\n")
    wiki = Wiki(site, simulate=False)
    config, _ = load_config(wiki, CONFIG_PAGE)

    text, ignored = load_steering_page(wiki, DELIVERY_LIST, config)

    assert text == trusted
    assert len(ignored) == EDITS and {r.user for r in ignored} == {"Alice"}
