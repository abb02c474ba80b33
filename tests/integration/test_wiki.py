"""The one place that writes: its safety rules on the real wiki."""

from __future__ import annotations

import pytest

from outreachbot.edits import Edit
from outreachbot.errors import ShutoffError
from outreachbot.wiki import SHUTOFF_EVERY, Wiki


def append(line: str):
    return lambda text: f"{text}\n{line}".lstrip("\n")


def test_the_shutoff_page_is_looked_at_within_every_ten_edits(seeded, site, client_for):
    admin = client_for("Admin")
    wiki = Wiki(site, simulate=False)
    wiki.check_shutoff()
    saved = []
    with pytest.raises(ShutoffError, match="the bot edits nothing"):
        for n in range(3 * SHUTOFF_EVERY):
            if n == 3:
                admin.edit("User:OutreachBot/Shutoff", "stop, please", "emergency stop")
            saved.append(wiki.save(Edit(f"User:OutreachBot/Sandbox {n}", append("x"), "test",
                                        create=True)))
    assert len(saved) == SHUTOFF_EVERY
    assert all(s.edited for s in saved)
    assert admin.text(f"User:OutreachBot/Sandbox {SHUTOFF_EVERY}") is None


def test_run_is_a_word_that_lets_the_bot_edit(seeded, site, client_for):
    client_for("Admin").edit("User:OutreachBot/Shutoff", "run", "back on")
    Wiki(site, simulate=False).check_shutoff()


@pytest.mark.parametrize("template", ["{{nobots}}", "{{bots|deny=OutreachBot}}",
                                      "{{bots|deny=all}}"])
def test_bots_templates_forbid_the_edit(seeded, site, client_for, template):
    alice = client_for("Alice")
    alice.edit("Alice's page", f"{template}\nHello", "mine")
    rev = alice.lastrevid("Alice's page")
    result = Wiki(site, simulate=False).save(Edit("Alice's page", append("bot"), "test"))
    assert result.outcome == "skipped" and "{{nobots}}" in result.reason
    assert alice.lastrevid("Alice's page") == rev


def test_bots_allow_for_another_bot_does_not_stop_this_one(seeded, site, client_for):
    client_for("Alice").edit("Alice's page", "{{bots|deny=OtherBot}}\nHello", "mine")
    result = Wiki(site, simulate=False).save(Edit("Alice's page", append("bot"), "test"))
    assert result.edited


def test_a_protected_page_is_skipped_with_its_reason(seeded, site, client_for):
    admin = client_for("Admin")
    admin.edit("Protected page", "Text", "create")
    admin.protect("Protected page")
    result = Wiki(site, simulate=False).save(Edit("Protected page", append("bot"), "test"))
    assert result.outcome == "skipped" and "protected" in result.reason


def test_missing_pages_are_created_only_when_the_edit_says_so(seeded, site, client_for):
    wiki = Wiki(site, simulate=False)
    assert wiki.save(Edit("Not there", append("x"), "test")).reason == "the page does not exist"
    assert client_for("Admin").text("Not there") is None
    assert wiki.save(Edit("Not there", append("x"), "test", create=True)).edited
    assert client_for("Admin").text("Not there") == "x"


def test_an_unchanged_text_is_not_saved(seeded, site, client_for):
    client_for("Alice").edit("Same page", "Same", "create")
    rev = client_for("Alice").lastrevid("Same page")
    assert Wiki(site, simulate=False).save(Edit("Same page", lambda t: t, "x")).outcome \
        == "unchanged"
    assert client_for("Alice").lastrevid("Same page") == rev


def test_the_edit_is_flagged_as_a_bot_edit(seeded, site, client_for):
    Wiki(site, simulate=False).save(Edit("Bot flag page", append("x"), "test", create=True))
    data = client_for("Admin").get(action="query", list="recentchanges", rcprop="title|flags",
                                  rctitle="Bot flag page", rclimit=1)
    assert "bot" in data["query"]["recentchanges"][0]
