"""The embedded local wiki works as the other integration tests assume."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pywikibot

from outreachbot import localwiki_seed as seed
from outreachbot.localwiki import LocalWiki, WikiClient

Clients = Callable[[str], WikiClient]


def test_wiki_runs(localwiki: LocalWiki, client_for: Clients) -> None:
    assert localwiki.is_running()
    general = client_for("Alice").get(action="query", meta="siteinfo")["query"]["general"]
    assert general["generator"].startswith("MediaWiki 1.")
    assert general["server"] == localwiki.url


def test_accounts_and_groups(localwiki: LocalWiki, client_for: Clients) -> None:
    users = client_for("Alice").get(action="query", list="users", usprop="groups",
                                    ususers="OutreachBot|Admin|Merrilee|Alice")["query"]["users"]
    groups = {user["name"]: set(user["groups"]) for user in users}
    assert "bot" in groups["OutreachBot"]
    assert {"sysop", "bureaucrat"} <= groups["Admin"]
    assert not {"bot", "sysop"} & (groups["Merrilee"] | groups["Alice"])


def test_edit_is_by_its_author(localwiki: LocalWiki, client_for: Clients) -> None:
    title = "Local wiki test/Authorship"
    revid = client_for("Alice").edit(title, "Hello from Alice", "first")
    client_for("Bob").append(title, "\nand Bob", "second")
    revisions = client_for("Carol").revisions(title)
    assert [r["user"] for r in revisions] == ["Bob", "Alice"]
    assert revisions[1]["revid"] == revid
    assert client_for("Carol").text(title) == "Hello from Alice\nand Bob"
    # Saving the same text again makes no revision and returns the current one.
    assert client_for("Bob").edit(title, "Hello from Alice\nand Bob") == revisions[0]["revid"]
    assert client_for("Alice").text("Local wiki test/No such page") is None


def test_request_counter(localwiki: LocalWiki, client_for: Clients) -> None:
    alice = client_for("Alice")
    mark = localwiki.log_position()
    for _ in range(3):
        alice.get(action="query", meta="siteinfo")
    assert localwiki.count_api_requests(mark) == 3
    assert localwiki.count_api_requests() >= 3


def test_move_protect_delete(localwiki: LocalWiki, client_for: Clients) -> None:
    dave = client_for("Dave")
    dave.edit("Local wiki test/Old", "text")
    dave.move("Local wiki test/Old", "Local wiki test/New")
    assert dave.text("Local wiki test/Old") == "#REDIRECT [[Local wiki test/New]]"
    dave.protect("Local wiki test/New")
    info = dave.get(action="query", prop="info", inprop="protection",
                    titles="Local wiki test/New")["query"]["pages"][0]
    assert {"type": "edit", "level": "sysop", "expiry": "infinity"} in info["protection"]
    dave.delete("Local wiki test/New")
    assert dave.text("Local wiki test/New") is None


def test_seeded_pages(seeded: LocalWiki, client_for: Clients) -> None:
    reader = client_for("Erin")
    activities = reader.text(seed.ACTIVITIES_PAGE) or ""
    assert "These goals were developed as an outcome of a survey" in activities
    for block in ("upcoming", "past"):
        assert (f"<!-- outreachbot:begin {block} -->\n<!-- outreachbot:end {block} -->"
                in activities)
    assert "== Open tasks ==" in activities

    config = reader.revisions(seed.CONFIG_PAGE)
    assert [r["user"] for r in config] == ["Merrilee", "Admin"]
    assert "{{Outreachbot config" in config[1]["content"]
    assert config[0]["content"].count("{{Outreachbot session") == 8
    assert "| until       = 2020-07-04" in config[0]["content"]  # the drop-in's 6 weeks

    cee = reader.text(seed.CEE_PAGE) or ""
    assert "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)." in cee
    assert "# [[User:Alice|Alice]] ([[User talk:Alice|talk]]) 10:00, 12 June 2020 (UTC)" in cee
    assert [r["user"] for r in reader.revisions(seed.CEE_PAGE)] == [
        "Carol", "Bob", "Alice", "Admin"]

    assert reader.text(seed.SHUTOFF_PAGE) == "run"
    assert reader.text("Template:Outreachbot session") is not None
    assert "@" in reader.parse_html("Template:Ping")
    missing = f"{seed.OFFICE_HOURS}/2020-05-30 Wikidata Americas"
    assert f"| signup_page = {missing}" in config[0]["content"]
    assert reader.text(missing) is None
    assert reader.text(f"{seed.OFFICE_HOURS}/2020-05-30 Wikidata Asia and Pacific")


def test_seeded_signatures_are_edits_by_the_signers(
        seeded: LocalWiki, seed_now: datetime, client_for: Clients) -> None:
    for signup in seed.signups(seed_now):
        history = list(reversed(client_for("Admin").revisions(signup.title)))
        assert [(r["user"], r["timestamp"]) for r in history] == [
            ("Merrilee", f"{signup.created:%Y-%m-%dT%H:%M:%SZ}"),
            *((user, f"{when:%Y-%m-%dT%H:%M:%SZ}") for user, _, when in signup.lines),
        ], signup.title
        assert history[-1]["timestamp"] < f"{seed_now:%Y-%m-%dT%H:%M:%SZ}"


def test_reseeding_changes_nothing_and_seeded_restores(
        seeded: LocalWiki, seed_now: datetime, client_for: Clients) -> None:
    alice = client_for("Alice")
    alice.edit(seed.SHUTOFF_PAGE, "stop")
    before = alice.lastrevid(seed.CONFIG_PAGE)
    seeded.seed(seed_now)
    assert alice.lastrevid(seed.CONFIG_PAGE) == before
    assert alice.text(seed.SHUTOFF_PAGE) == "run"  # re-saved
    alice.edit(seed.ACTIVITIES_PAGE, "vandalism")
    seeded.restore("seeded")
    assert "These goals" in (alice.text(seed.ACTIVITIES_PAGE) or "")
    assert alice.text(seed.SHUTOFF_PAGE) == "run"


def test_pywikibot_logs_in_as_the_bot(seeded: LocalWiki, site: pywikibot.site.APISite) -> None:
    assert site.user() == "OutreachBot"
    assert site.has_group("bot")
    assert site.hostname() == f"127.0.0.1:{seeded.port}"
    page = pywikibot.Page(site, seed.CEE_PAGE)
    assert page.exists()
    assert "Interested attendees" in page.text
    assert page.oldest_revision.user == "Admin"
    target = pywikibot.Page(site, "Local wiki test/Bot edit")
    target.text = "edited by the bot"
    target.save("Testing", bot=True)
    assert [r["user"] for r in client_for_admin(seeded).revisions(target.title())] == [
        "OutreachBot"]


def test_second_wiki_for_cross_wiki_delivery(localwiki_fr: LocalWiki,
                                             site_fr: pywikibot.site.APISite) -> None:
    assert localwiki_fr.port == LocalWiki.from_env().port + 1
    assert site_fr.user() == "OutreachBot"
    assert site_fr.lang == "fr"
    info = localwiki_fr.client("Alice").get(action="query", meta="siteinfo")
    assert info["query"]["general"]["lang"] == "fr"


def client_for_admin(wiki: LocalWiki) -> WikiClient:
    return wiki.client("Admin")
