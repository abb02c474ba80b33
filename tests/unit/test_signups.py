"""Reading who signed an attendee list."""

from outreachbot.rules.signups import list_lines, signers, user_link_pattern

PAGE = """Intro.
== Interested attendees ==
If you are interested, sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>).
# [[User:Alice|Alice]] ([[User talk:Alice|talk]]) 10:00, 12 June 2020 (UTC)
#: Looking forward! [[User:Bob|Bob]] 11:00, 12 June 2020 (UTC)
# <s>[[User:Carol|Carol]] 12:00, 12 June 2020 (UTC)</s> can't make it
# I'll come, says [[User:Dave]] but signed by [[Special:Contributions/Erin_x|Erin x]]
* [[user_talk:bob|b]] 13:00
# [[User:Alice/sandbox|again]]
# no signature at all
== Other ==
# [[User:Zed|Zed]]
"""


def test_signers_in_order_without_replies_withdrawals_or_duplicates():
    assert signers(PAGE, "Interested attendees") == ["Alice", "Erin x", "Bob"]


def test_lines_are_classified():
    lines = list_lines(PAGE, "interested attendees")
    assert [line.marker for line in lines] == ["#", "#:", "#", "#", "*", "#", "#"]
    assert lines[1].is_reply and not lines[1].counts
    assert lines[2].struck and lines[2].signer == "Carol"
    assert lines[-1].signer is None


def test_other_language_namespace_names():
    link = user_link_pattern(("Utilisateur", "Discussion utilisateur"),
                             ("Spécial:Contributions",))
    text = "== Inscrits ==\n# [[Utilisateur:Jean|Jean]] 10 juin\n"
    assert signers(text, "Inscrits", link) == ["Jean"]


def test_missing_section_has_no_signers():
    assert signers("no list", "Interested attendees") == []
