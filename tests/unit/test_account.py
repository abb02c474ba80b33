"""What the bot makes of the account it is logged in as (``meta=userinfo``)."""

from __future__ import annotations

from typing import Any

import pytest

from outreachbot.wiki import account_problems

BOT_RIGHTS = ["read", "edit", "createpage", "bot", "apihighlimits"]


def info(**extra: Any) -> dict[str, Any]:
    return {"id": 5, "name": "OutreachBot", "groups": ["bot", "*", "user"],
            "rights": BOT_RIGHTS, **extra}


def keys(userinfo: dict[str, Any], **options: Any) -> list[tuple[str, str]]:
    return [(p.key, p.level) for p in account_problems(userinfo, "OutreachBot",
                                                        "localwiki:en", **options)]


def test_a_bot_account_with_its_rights_has_no_problem():
    assert keys(info()) == []


def test_a_global_bot_right_counts_without_the_local_group():
    assert keys(info(groups=["*", "user"])) == []


@pytest.mark.parametrize("userinfo", [{"id": 0, "name": "127.0.0.1", "anon": True},
                                      {"id": 0, "name": "127.0.0.1"}, {}])
def test_not_logged_in_is_an_identity_problem(userinfo):
    assert keys(userinfo) == [("not-logged-in", "identity")]


def test_another_account_than_the_configured_one():
    problems = account_problems(info(name="Alice"), "OutreachBot", "localwiki:en")
    assert [(p.key, p.level) for p in problems] == [("wrong-user", "identity")]
    text = problems[0].text("en")
    assert "as Alice, but the account configured is OutreachBot" in text
    assert "pywikibot-OutreachBot.lwp" in text


def test_no_bot_group_and_no_bot_right():
    problems = account_problems(info(groups=["*", "user"], rights=["read", "edit"]),
                                "Alice", "localwiki:en")
    assert [(p.key, p.level) for p in problems] == [("wrong-user", "identity")]
    problems = account_problems(info(name="Alice", groups=["*", "user"],
                                     rights=["read", "edit"]), "Alice", "localwiki:en")
    assert [(p.key, p.level) for p in problems] == [("no-bot-flag", "rights")]
    assert "The account Alice is not in the bot group on localwiki:en" in problems[0].text("en")


def test_in_the_bot_group_without_the_bot_right_is_a_bot_password_grant():
    assert keys(info(rights=["read", "edit"])) == [("no-bot-grant", "rights")]


def test_without_bot_flag_allowed_the_missing_flag_is_a_notice():
    assert keys(info(rights=["read", "edit"]), bot_flag=False) == [
        ("without-bot-flag", "notice")]
    assert keys(info(), bot_flag=False) == []  # the flag is there anyway: nothing to say


def test_no_edit_right():
    assert keys(info(rights=["read", "bot"])) == [("no-edit", "rights")]


def test_a_block_names_who_why_and_until_when():
    block = {"blockid": 3, "blockedby": "Admin", "blockreason": "Posting twice",
             "blockexpiry": "infinite", "blockpartial": False}
    problems = account_problems(info(blockinfo=block), "OutreachBot", "localwiki:en")
    assert [(p.key, p.level) for p in problems] == [("blocked", "rights")]
    assert ("The account OutreachBot is blocked on localwiki:en by Admin (reason: Posting "
            "twice; expires: infinite)") in problems[0].text("en")
    assert "bloqué sur localwiki:en par Admin" in problems[0].text("fr")
    # as the API gives it: the block's fields in userinfo itself
    problems = account_problems(info(**block), "OutreachBot", "localwiki:en")
    assert [(p.key, p.level) for p in problems] == [("blocked", "rights")]


def test_a_partial_block_is_a_notice():
    block = {"blockid": 4, "blockedby": "Admin", "blockreason": "not that page",
             "blockpartial": True}
    assert keys(info(blockinfo=block)) == [("partial-block", "notice")]


def test_several_problems_are_all_named():
    block = {"blockedby": "Admin", "blockreason": "x", "blockexpiry": "infinite"}
    assert keys(info(groups=["*"], rights=["read"], blockinfo=block)) == [
        ("blocked", "rights"), ("no-edit", "rights"), ("no-bot-flag", "rights")]
