"""Keeping an attendee list honest: the pure rules, on wikitext as people write it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from outreachbot.bench import cpu_seconds_for_5000_signatures, generated_page
from outreachbot.model import Session, Settings, Zone
from outreachbot.rules.attendees import (
    ListRules,
    Names,
    Signed,
    attendees,
    is_closed,
    maintain,
    read_history,
    signed,
)
from outreachbot.rules.signup_page import render_signup_page
from outreachbot.rules.signups import signers
from outreachbot.trust import Revision


def sig(user: str, day: int = 1) -> str:
    return f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) 10:00, {day} June 2020 (UTC)"


def when(day: int) -> datetime:
    return datetime(2020, 6, day, 10, 0, tzinfo=UTC)


BEFORE = "Intro text.\n== Interested attendees ==\nSign with a hash and four tildes. " \
         "(<nowiki># ~~~~</nowiki>).\n"
AFTER = "\n== Other ==\n# [[User:Zed|Zed]] is not in the list\n"


def page(*lines: str) -> str:
    return BEFORE + "".join(f"{line}\n" for line in lines) + AFTER


def test_bullets_become_numbered_and_text_around_stays():
    out = maintain(page(f"* {sig('Alice')}", f"*: thanks {sig('Bob')}"), ListRules()).text
    assert out == page(f"# {sig('Alice')}", f"#: thanks {sig('Bob')}")


def test_a_second_line_by_the_same_signer_is_removed_and_its_reply_moves_up():
    text = page(f"# {sig('Alice')}", f"# {sig('Bob')}", f"# again {sig('Alice', 2)}",
                f"#: see you {sig('Carol')}")
    outcome = maintain(text, ListRules())
    assert outcome.text == page(f"# {sig('Alice')}", f"#: see you {sig('Carol')}",
                                f"# {sig('Bob')}")
    assert outcome.duplicates == ("Alice",)


def test_withdrawals_and_replies_do_not_count_and_stay_put():
    text = page(f"# <s>{sig('Alice')}</s> cannot come", f"#: pity {sig('Bob')}",
                f"# {sig('Carol')}", f"# {sig('Alice', 3)} can come after all")
    outcome = maintain(text, ListRules())
    assert outcome.text == text
    assert outcome.attendees == ("Carol", "Alice")


def test_an_unsigned_line_gets_the_template_from_the_revision_that_added_it():
    base = page(f"# {sig('Alice')}")
    added = page(f"# {sig('Alice')}", "# I would like to join from Nairobi")
    history = read_history(base, [Revision(7, "Dave", when(18), added)], ListRules())
    custom = ListRules(names=Names(unsigned="Non signé"))
    out = maintain(added, custom, history).text
    assert out == page(f"# {sig('Alice')}", "# I would like to join from Nairobi "
                       "{{Non signé|Dave|10:00, 18 June 2020 (UTC)}}")
    assert attendees(out, custom) == ["Alice", "Dave"]
    assert maintain(out, custom, history).text == out
    default = maintain(added, ListRules(), history).text
    assert signers(default, "Interested attendees") == ["Alice", "Dave"]


def test_an_unsigned_line_of_unknown_origin_is_left_alone():
    text = page("* Please sign below", f"# {sig('Alice')}")
    assert maintain(text, ListRules()).text == text


def test_a_signature_removed_by_a_third_user_comes_back_where_it_was():
    base = page(f"# {sig('Alice')}", f"# {sig('Bob')}", f"# {sig('Carol')}")
    removed = page(f"# {sig('Alice')}", f"# {sig('Carol')}")
    rules = ListRules(trusted=frozenset({"Merrilee"}))
    history = read_history(base, [Revision(9, "Erin", when(2), removed)], rules)
    outcome = maintain(removed, rules, history)
    assert outcome.text == base
    assert [(r.signer, r.by, r.revid) for r in outcome.restored] == [("Bob", "Erin", 9)]


def test_a_removal_by_the_signer_or_an_organizer_is_respected():
    base = page(f"# {sig('Alice')}", f"# {sig('Bob')}", f"# {sig('Carol')}")
    no_bob = page(f"# {sig('Alice')}", f"# {sig('Carol')}")
    no_bob_carol = page(f"# {sig('Alice')}")
    rules = ListRules(trusted=frozenset({"Merrilee"}))
    history = read_history(base, [Revision(9, "Bob", when(2), no_bob),
                                  Revision(10, "merrilee", when(3), no_bob_carol)], rules)
    assert maintain(no_bob_carol, rules, history).text == no_bob_carol


def test_a_line_removed_and_put_back_later_is_not_a_removal():
    base = page(f"# {sig('Alice')}", f"# {sig('Bob')}")
    gone = page(f"# {sig('Alice')}")
    history = read_history(base, [Revision(2, "Erin", when(2), gone),
                                  Revision(3, "Bob", when(3), base)], ListRules())
    assert history.removals == ()


def test_capacity_sends_late_signers_to_a_waiting_list_and_moves_them_up_in_order():
    rules = ListRules(capacity=2)
    text = page(f"# {sig('Alice')}", f"# {sig('Bob')}", f"# {sig('Carol')}", f"# {sig('Dave')}")
    full = maintain(text, rules)
    assert full.text == page(f"# {sig('Alice')}", f"# {sig('Bob')}", "",
                             "=== Waiting list ===", f"# {sig('Carol')}", f"# {sig('Dave')}")
    assert full.waitlisted == ("Carol", "Dave")
    # Bob withdraws: Carol moves up, Dave waits; Erin signs at the end of the page.
    later = full.text.replace(f"# {sig('Bob')}", f"# <s>{sig('Bob')}</s>").replace(
        AFTER, f"# {sig('Erin')}\n" + AFTER)
    freed = maintain(later, rules)
    assert freed.promoted == ("Carol",)
    assert attendees(freed.text, rules) == ["Alice", "Carol"]
    assert freed.waiting == ("Dave", "Erin")
    # Without a capacity everyone moves up; the heading stays for whoever wrote it.
    assert maintain(freed.text, ListRules()).text == page(
        f"# {sig('Alice')}", f"# <s>{sig('Bob')}</s>", f"# {sig('Carol')}", f"# {sig('Dave')}",
        f"# {sig('Erin')}", "", "=== Waiting list ===")


def test_after_the_session_the_list_is_closed_and_never_changed_again():
    rules = ListRules(closed_note="''Sign-ups closed.''")
    closed = maintain(page(f"# {sig('Alice')}"), rules).text
    assert closed == page(f"# {sig('Alice')}", "<!-- outreachbot:begin signups-closed -->",
                          "''Sign-ups closed.''", "<!-- outreachbot:end signups-closed -->")
    assert is_closed(closed, "Interested attendees")
    late = closed.replace(AFTER, f"* {sig('Bob')}\n* {sig('Bob')}\n" + AFTER)
    assert maintain(late, ListRules(capacity=0)).text == late


def test_other_language_namespaces_and_contributions_links():
    names = Names(user=("Utilisateur", "Discussion utilisateur", "User"),
                  contribs=("Spécial:Contributions", "Special:Contributions"))
    text = ("== Inscrits ==\n* [[Utilisateur:Jean|Jean]]\n"
            "# [[Spécial:Contributions/Marie|Marie]]\n# [[Discussion utilisateur:Jean|J]]\n")
    outcome = maintain(text, ListRules(heading="Inscrits", names=names))
    assert outcome.text == "== Inscrits ==\n# [[Utilisateur:Jean|Jean]]\n" \
                           "# [[Spécial:Contributions/Marie|Marie]]\n"


def test_the_count_reads_the_list_with_the_wikis_names_and_the_unsigned_template():
    names = Names(user=("Utilisateur", "Discussion utilisateur"),
                  contribs=("Spécial:Contributions",), unsigned="Non signé")
    rules = ListRules(heading="Inscrits", waiting_heading="Liste d’attente", names=names)
    text = ("== Inscrits ==\n# [[Utilisateur:Jean|Jean]]\n"
            "# Je viendrai {{Non signé|Marie|10:00, 1 juin 2020 (UTC)}}\n"
            "# [[Spécial:Contributions/Paul|Paul]]\n# [[User:Zoé|Zoé]]\n"
            "# [[Discussion utilisateur:Jean|encore]]\n")
    assert signed(text, rules) == Signed(("Jean", "Marie", "Paul"))
    # Read with the English defaults the same list counts no one but Zoé.
    assert signed(text, ListRules(heading="Inscrits")) == Signed(("Zoé",))


def test_the_count_keeps_the_waiting_list_apart_as_the_list_is_kept():
    rules = ListRules(capacity=2)
    text = page(f"# {sig('Alice')}", f"# {sig('Bob')}", f"# again {sig('Alice', 2)}",
                f"# {sig('Carol')}", f"# {sig('Dave')}")
    # Not yet kept: the count is what keeping it gives, each signer once.
    assert signed(text, rules) == Signed(("Alice", "Bob"), ("Carol", "Dave"))
    kept = maintain(text, rules)
    assert signed(kept.text, rules) == Signed(kept.attendees, kept.waiting)
    assert attendees(kept.text, rules) == ["Alice", "Bob"]
    # A place frees: the first one waiting counts in the list.
    freed = kept.text.replace(f"# {sig('Bob')}", f"# <s>{sig('Bob')}</s>")
    assert signed(freed, rules) == Signed(("Alice", "Carol"), ("Dave",))


def test_a_closed_list_is_counted_as_it_stands():
    rules = ListRules(capacity=1, closed_note="''closed''")
    closed = maintain(page(f"# {sig('Alice')}", f"# {sig('Bob')}"), rules).text
    assert is_closed(closed, rules.heading)
    assert signed(closed, ListRules(capacity=5)) == Signed(("Alice",), ("Bob",))
    assert signed("no list", rules) == Signed()


def test_a_page_without_the_section_is_reported_not_changed():
    outcome = maintain("no list here\n# [[User:A|A]]\n", ListRules())
    assert not outcome.found and outcome.text == "no list here\n# [[User:A|A]]\n"


def test_the_standard_sign_up_page_layout():
    session = Session("s1", "Libraries and Wikidata", datetime(2020, 5, 30, 16, 0, tzinfo=UTC),
                      "UTC", timedelta(minutes=60), Settings(), platform="Zoom",
                      join="https://zoom.us/j/1", hosts=("Merrilee", "Mylee"))
    text = render_signup_page(session, (Zone("UTC", "GMT"),))
    assert "! Libraries and Wikidata" in text
    assert "* '''When:''' 30 May 2020 16:00 GMT (1 hour)" in text
    assert "* '''Where:''' Zoom (https://zoom.us/j/1)" in text
    assert "[[User:Merrilee|Merrilee]] and [[User:Mylee|Mylee]]" in text
    assert "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)" in text
    assert text.endswith("== Interested attendees ==\nIf you are interested in attending this "
                         "session, please sign with your username below. Sign with a hash "
                         "and four tildes. (<nowiki># ~~~~</nowiki>).\n")
    assert maintain(text, ListRules()).text == text


# --------------------------------------------------------------------------- properties

USERS = st.sampled_from(["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"])
LINE = st.one_of(
    st.builds(lambda u, b: f"{b} {sig(u)}", USERS, st.sampled_from(["#", "*"])),
    st.builds(lambda u: f"# <s>{sig(u)}</s>", USERS),
    st.builds(lambda u: f"#: reply {sig(u)}", USERS),
    st.builds(lambda u: f": indented {sig(u)}", USERS),
    st.sampled_from(["", "# no signature", "* a bullet", "Some text.", "<!-- note -->",
                     "=== Waiting list ===", "=== Notes ===", "#:", "#"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=14), st.one_of(st.none(), st.integers(0, 4)),
       st.booleans())
def test_every_rule_is_idempotent_and_keeps_the_text_around(lines, capacity, close):
    text = page(*lines)
    rules = ListRules(capacity=capacity, closed_note="''closed''" if close else None)
    base = page(*lines[: len(lines) // 2])
    history = read_history(base, [Revision(5, "Frank", when(5), text)], rules)
    once = maintain(text, rules, history).text
    assert maintain(once, rules, history).text == once
    assert once.startswith(BEFORE)
    assert once.endswith(AFTER)
    humans = {line for line in lines if line.strip() and not line.startswith(("#", "*"))}
    assert all(line in once for line in humans)  # text a human wrote is never lost


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=14), st.one_of(st.none(), st.integers(0, 4)))
def test_the_count_is_what_the_kept_list_holds(lines, capacity):
    text = page(*lines)
    rules = ListRules(capacity=capacity)
    outcome = maintain(text, rules)
    assert signed(text, rules) == Signed(outcome.attendees, outcome.waiting)
    assert signed(outcome.text, rules) == Signed(outcome.attendees, outcome.waiting)


def test_the_benchmark_page_is_maintained_and_measured():
    text = generated_page(200)
    outcome = maintain(text, ListRules(capacity=150))
    assert len(outcome.attendees) == 150
    assert maintain(outcome.text, ListRules(capacity=150)).text == outcome.text
    assert cpu_seconds_for_5000_signatures() > 0
