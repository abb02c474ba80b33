"""The trust rule: a steering page is read at its newest revision by a trusted editor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from outreachbot.trust import (
    IgnoredRevision,
    Revision,
    anchored,
    choose_trusted,
    organizers_in_config,
)

PAGE = "Wikimedia and Libraries User Group/Outreachbot config"
T0 = datetime(2020, 5, 20, 10, 0, tzinfo=UTC)
SYSOPS = {"Admin", "OutreachBot"}


def config(organizers: str) -> str:
    return f"{{{{Outreachbot config\n| organizers = {organizers}\n}}}}\n"


def history(*edits: tuple[str, str]) -> list[Revision]:
    """Revisions 1, 2, ... an hour apart, oldest first, from (user, text) pairs."""
    return [Revision(n, user, T0 + timedelta(hours=n), text)
            for n, (user, text) in enumerate(edits, 1)]


def choose(revisions: list[Revision]) -> tuple[int | None, list[int]]:
    """The chosen revid and the ignored revids on the config page."""
    chosen, ignored = choose_trusted(PAGE, revisions, always_trusted=SYSOPS.__contains__,
                                     organizers_in=organizers_in_config)
    return (chosen.revid if chosen else None), [r.revid for r in ignored]


def test_untrusted_newest_revision_is_ignored_and_reported() -> None:
    revisions = history(("Admin", config("Merrilee")), ("Vandal", config("Vandal")))
    chosen, ignored = choose_trusted(PAGE, revisions, always_trusted=SYSOPS.__contains__,
                                     organizers_in=organizers_in_config)
    assert chosen == revisions[0]
    assert ignored == [IgnoredRevision(PAGE, 2, "Vandal", T0 + timedelta(hours=2))]
    assert str(ignored[0]) == (
        f"[[{PAGE}]] revision 2 by Vandal at 2020-05-20 12:00 UTC was ignored: Vandal is "
        "not a trusted editor (bot, sysop or organizer)")


def test_organizer_named_in_an_earlier_trusted_revision_is_trusted() -> None:
    revisions = history(("Admin", config("Merrilee, Mylee")), ("Merrilee", config("Mylee")),
                        ("Mylee", config("Mylee, Jane")), ("Jane", config("Jane")))
    assert choose(revisions) == (4, [])


def test_untrusted_user_adding_himself_to_organizers_stays_untrusted() -> None:
    revisions = history(("Admin", config("Merrilee")), ("Mallory", config("Merrilee, Mallory")),
                        ("Mallory", config("Mallory")))
    assert choose(revisions) == (1, [2, 3])


def test_organizer_who_removed_herself_is_no_longer_trusted() -> None:
    revisions = history(("Admin", config("Merrilee")), ("Merrilee", config("Mylee")),
                        ("Merrilee", config("Merrilee")))
    assert choose(revisions) == (2, [3])


def test_sysop_revision_after_vandalism_is_chosen() -> None:
    revisions = history(("Admin", config("Merrilee")), ("Vandal", "spam"),
                        ("Admin", config("Merrilee")))
    assert choose(revisions) == (3, [])


def test_no_trusted_revision_at_all() -> None:
    revisions = history(("Vandal", config("Vandal")), ("192.0.2.1", "spam"))
    assert choose(revisions) == (None, [1, 2])
    assert choose([]) == (None, [])


def test_fixed_organizers_for_other_steering_pages() -> None:
    """The delivery list trusts the organizers of the config, whatever the list says."""
    revisions = history(("merrilee", "* [[User talk:A]]"), ("Mallory", config("Mallory")),
                        ("Mylee_B", "* [[User talk:B]]"), ("Mallory", "* [[User talk:C]]"))
    chosen, ignored = choose_trusted("Announcement list", revisions,
                                     always_trusted=lambda user: False,
                                     organizers=["Merrilee", "Mylee B"])
    assert chosen is not None and chosen.revid == 3
    assert [(r.page, r.revid) for r in ignored] == [("Announcement list", 4)]


def test_user_names_are_compared_normalized() -> None:
    seen: list[str] = []

    def trusted(user: str) -> bool:
        seen.append(user)
        return user == "Admin bot"

    revisions = history(("admin_bot", config("merrilee_A")), ("Merrilee A", "x"))
    chosen, ignored = choose_trusted(PAGE, revisions, always_trusted=trusted,
                                     organizers_in=organizers_in_config)
    assert chosen is not None and chosen.revid == 2 and ignored == []
    assert seen[0] == "Admin bot"


def test_organizers_alone_do_not_anchor_the_config_history() -> None:
    """On the config page only a revision by the bot or a trusted group makes older
    revisions irrelevant: an organizer is trusted through an earlier revision."""
    def settled(revisions: list[Revision]) -> bool:
        return anchored(revisions, always_trusted=SYSOPS.__contains__,
                        organizers=["Merrilee"], organizers_in=organizers_in_config)

    organizers_only = history(*[("Merrilee", config("Merrilee"))] * 3)
    assert not settled(organizers_only)
    assert choose(organizers_only) == (None, [1, 2, 3])
    assert not settled(history(("Vandal", "spam"), ("", "hidden")))
    assert settled(history(("Merrilee", config("Merrilee")), ("Admin", config("Mylee")),
                           ("Mylee", config("Mylee"))))
    assert settled(history(("OutreachBot", "x")))
    assert not settled([])


def test_the_full_history_chooses_what_an_anchored_window_chooses() -> None:
    """Older revisions than an anchored window change neither the choice nor the
    ignored revisions."""
    full = history(("Admin", config("Jane")), ("Jane", config("Mallory")),
                   ("Mallory", config("Mallory")), ("Mallory", config("Mallory")),
                   ("Admin", config("Merrilee")), ("Merrilee", config("Mylee")),
                   ("Mylee", config("Mylee")), ("Vandal", config("Vandal")))
    window = full[3:]
    assert anchored(window, always_trusted=SYSOPS.__contains__,
                    organizers_in=organizers_in_config)
    assert not anchored(window[:1], always_trusted=SYSOPS.__contains__,
                        organizers_in=organizers_in_config)
    assert choose(window) == choose(full) == (7, [8])


def test_fixed_organizers_anchor_other_steering_pages() -> None:
    def settled(revisions: list[Revision]) -> bool:
        return anchored(revisions, always_trusted=SYSOPS.__contains__,
                        organizers=["Merrilee", "Mylee B"])

    assert settled(history(("Mylee_B", "* [[User talk:B]]"), ("Vandal", "spam")))
    assert not settled(history(*[("Vandal", "spam")] * 3))
    assert settled(history(("Vandal", "spam"), ("Admin", "* [[User talk:A]]")))


def test_organizers_in_config() -> None:
    text = ("{{Outreachbot config\n| organizers = [[User:Merrilee|M]], mylee_b, Bob/Alice,\n"
            "<!-- Jane, --> Merrilee\n}}")
    assert organizers_in_config(text) == ["Merrilee", "Mylee b"]
    assert organizers_in_config("no template here") == []
    assert organizers_in_config(config("Bob/Alice")) == []


def test_ignored_revision_time_is_shown_in_utc() -> None:
    paris = timezone(timedelta(hours=2))
    naive = IgnoredRevision("P", 7, "Bob", datetime(2020, 5, 20, 10, 0))
    aware = IgnoredRevision("P", 7, "Bob", datetime(2020, 5, 20, 12, 0, tzinfo=paris))
    assert "at 2020-05-20 10:00 UTC" in str(naive)
    assert str(naive) == str(aware)
