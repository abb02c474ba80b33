"""The attendees job end to end on the real local wiki.

Signatures are made by the local accounts themselves through the API, so the histories
and the signatures the bot reads are real.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from outreachbot import runner
from outreachbot.jobs import attendees as job
from outreachbot.localwiki_seed import (
    ACTIVITIES_PAGE,
    CEE_PAGE,
    CONFIG_PAGE,
    OFFICE_HOURS,
    STATUS_PAGE,
    signature,
)
from outreachbot.wiki import Wiki

EUROPE = f"{OFFICE_HOURS}/2020-05-26 Europe and Africa"
AMERICAS = f"{OFFICE_HOURS}/2020-05-26 Americas"
HANGOUT = f"{OFFICE_HOURS}/2019-05-30 Google hangout"
CEE_START = datetime(2020, 6, 20, 12, 0, tzinfo=UTC)
CEE_SESSION = """
{{Outreachbot session
| id            = cee-2020-1lib1ref
| title         = Opportunities for 1Lib1Ref in CEE
| start         = 2020-06-20 12:00
| time_zone     = UTC
| duration      = 60 minutes
| platform      = Zoom
| join          = https://zoom.us/j/0000000009
| hosts         = Mylee
| signup_page   = %s
| capacity      = %d
| remind_before = 1 hour
}}
"""


def run_bot(site, now, jobs=("attendees",), wiki=None):
    return runner.run(wiki or Wiki(site, simulate=False), [CONFIG_PAGE], list(jobs), now)


def add_cee_session(client_for, capacity: int = 3) -> None:
    merrilee = client_for("Merrilee")
    merrilee.append(CONFIG_PAGE, CEE_SESSION % (CEE_PAGE, capacity), "CEE session")


def sign(client, title: str, line: str) -> dict:
    """Append a line as that user; the revision it made (timestamp and all)."""
    client.append(title, "\n" + line, "Signing up")  # the wiki trims the last newline
    return client.revisions(title)[0]


def now_sig(user: str) -> str:
    return signature(user, datetime.now(UTC))


def without(text: str, line: str) -> str:
    """The text with that line taken out, as a person deleting it would."""
    lines = text.split("\n")
    assert line in lines
    return "\n".join(x for x in lines if x != line)


def attendee_section(text: str) -> str:
    return text[text.index("== Interested attendees =="):]


def test_the_seeded_sign_up_pages_are_put_right_and_a_second_run_makes_no_edit(
        seeded, site, seed_now, client_for, localwiki):
    admin = client_for("Admin")
    dave_rev = next(r for r in admin.revisions(EUROPE) if r["user"] == "Dave")
    before_cee = admin.text(CEE_PAGE)

    reports = run_bot(site, seed_now, jobs=("attendees", "activities"))

    assert [r.outcome for r in reports] == ["ok", "ok"]
    europe = admin.text(EUROPE)
    stamp = datetime.fromisoformat(dave_rev["timestamp"].replace("Z", "+00:00"))
    assert ("# I would like to join from Nairobi, if the time works for me. "
            f"{{{{unsigned|Dave|{stamp:%H:%M}, {stamp.day} {stamp:%B %Y} (UTC)}}}}") in europe
    assert "* [[User:Erin" not in admin.text(AMERICAS)
    assert "# [[User:Erin|Erin]]" in admin.text(AMERICAS)
    # The session is over: the list is closed with a note.
    hangout = admin.text(HANGOUT)
    assert "''Sign-ups closed when the session ended on Thursday 30 May 2019.''" in hangout
    # A missing sign-up page is created from the standard layout.
    created = next(t for t in (admin.texts([s for s in _signup_titles(admin)]).items())
                   if t[0].endswith("Wikidata Americas"))[1]
    assert created is not None and "! Libraries and Wikidata: Americas" in created
    assert "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)" in created
    assert created.rstrip().endswith("== Interested attendees ==\nIf you are interested in "
                                     "attending this session, please sign with your username "
                                     "below. Sign with a hash and four tildes. "
                                     "(<nowiki># ~~~~</nowiki>).")
    # The count on the activities page follows: Dave now counts.
    activities = admin.text(ACTIVITIES_PAGE)
    assert re.search(r"Europe and Africa.*?\n(?:\*\*.*\n)*?\*\* 3 interested", activities)
    assert admin.text(CEE_PAGE) == before_cee  # no session names it yet
    assert admin.revisions(EUROPE)[0]["comment"].startswith("Bot: attendee list: ")

    watched = [EUROPE, AMERICAS, HANGOUT, STATUS_PAGE, ACTIVITIES_PAGE]
    revs = {t: admin.lastrevid(t) for t in watched}
    mark = localwiki.log_position()

    again = run_bot(site, seed_now + timedelta(minutes=10))
    requests = localwiki.count_api_requests(mark)

    assert again[0].edit_count == 0
    assert {t: admin.lastrevid(t) for t in watched} == revs
    assert requests <= 10, f"a quiet run made {requests} API requests"


def _signup_titles(admin) -> list[str]:
    found = admin.get(action="query", list="allpages", apprefix="Wikimedia and Libraries "
                      "User Group/Office hours/", aplimit="max")
    return [p["title"] for p in found["query"]["allpages"]]


def test_the_cee_list_kept_honest_with_a_capacity_and_a_waiting_list(
        seeded, site, client_for):
    add_cee_session(client_for, capacity=3)
    admin = client_for("Admin")
    dave = sign(client_for("Dave"), CEE_PAGE, "# I am interested in the CEE panel")
    sign(client_for("Bob"), CEE_PAGE, f"# {now_sig('Bob')}")  # a second signature
    sign(client_for("Erin"), CEE_PAGE, f"* {now_sig('Erin')}")  # a bullet
    sign(client_for("Alice"), CEE_PAGE, f"#: Erin, see you there! {now_sig('Alice')}")
    now = CEE_START - timedelta(days=3)

    run_bot(site, now)

    stamp = datetime.fromisoformat(dave["timestamp"].replace("Z", "+00:00"))
    unsigned = (f"# I am interested in the CEE panel {{{{unsigned|Dave|{stamp:%H:%M}, "
                f"{stamp.day} {stamp:%B %Y} (UTC)}}}}")
    text = admin.text(CEE_PAGE)
    head = before_list(text)
    assert head == before_list(client_for("Admin").revisions(CEE_PAGE)[-1]["content"])
    lines = attendee_section(text).split("\n")
    list_lines = [line for line in lines if line.startswith(("#", "=="))]
    assert [_who(line) for line in list_lines] == [
        "== Interested attendees ==", "Alice", "Bob", "Carol",
        "=== Waiting list ===", "Dave", "Erin", "reply:Alice"]
    assert unsigned in text
    assert text.count("[[User:Bob|Bob]]") == 1

    # Erin removes Carol's signature: a third user, so it comes back where it was.
    erin = client_for("Erin")
    carol_line = next(line for line in lines if "[[User:Carol|Carol]]" in line)
    erin.edit(CEE_PAGE, without(admin.text(CEE_PAGE), carol_line), "cleanup")
    # Bob removes his own: respected, and Dave moves up from the waiting list.
    bob = client_for("Bob")
    bob_line = next(line for line in lines if "[[User:Bob|Bob]]" in line)
    bob.edit(CEE_PAGE, without(admin.text(CEE_PAGE), bob_line), "I can't come")

    run_bot(site, now + timedelta(hours=1))

    text = admin.text(CEE_PAGE)
    list_lines = [line for line in attendee_section(text).split("\n")
                  if line.startswith(("#", "=="))]
    assert [_who(line) for line in list_lines] == [
        "== Interested attendees ==", "Alice", "Carol", "Dave",
        "=== Waiting list ===", "Erin", "reply:Alice"]
    assert carol_line in text and bob_line not in text
    status = admin.text(STATUS_PAGE)
    assert "Put back Carol's signature on [[" + CEE_PAGE + "]]: Erin removed it" in status

    # Alice withdraws by striking her line: Erin moves up, with the reply under her line.
    alice = client_for("Alice")
    alice_line = next(line for line in list_lines if "[[User:Alice|Alice]]" in line)
    alice.edit(CEE_PAGE, admin.text(CEE_PAGE).replace(alice_line, f"# <s>{alice_line[2:]}</s>"),
               "withdrawing")

    run_bot(site, now + timedelta(hours=2))

    text = admin.text(CEE_PAGE)
    list_lines = [line for line in attendee_section(text).split("\n")
                  if line.startswith(("#", "=="))]
    assert [_who(line) for line in list_lines] == [
        "== Interested attendees ==", "struck:Alice", "Carol", "Dave", "Erin", "reply:Alice",
        "=== Waiting list ==="]

    # The activities page counts the three who still come (and no one twice).
    run_bot(site, now + timedelta(hours=2), jobs=("activities",))
    activities = admin.text(ACTIVITIES_PAGE)
    assert re.search(r"Opportunities for 1Lib1Ref in CEE.*?\n(?:\*\*.*\n)*?\*\* 3 interested",
                     activities)


def before_list(text: str) -> str:
    return text[:text.index("== Interested attendees ==")]


def _who(line: str) -> str:
    if line.startswith("=="):
        return line
    names = re.findall(r"\[\[User:([^|\]]+)", line) or re.findall(r"\{\{unsigned\|(\w+)", line)
    who = names[-1] if names else "?"
    if line.startswith("#:"):
        return f"reply:{who}"
    return f"struck:{who}" if "<s>" in line else who


def test_the_reminder_is_posted_once_across_runs_a_crash_and_an_archived_talk_page(
        seeded, site, client_for):
    add_cee_session(client_for, capacity=10)
    talk = "Talk:" + CEE_PAGE
    admin = client_for("Admin")
    due = CEE_START - timedelta(minutes=45)

    run_bot(site, CEE_START - timedelta(hours=3))  # not yet due
    assert admin.text(talk) is None

    class CrashAfterPosting(Wiki):
        """Dies right after the reminder is saved, before the run can finish."""

        def save(self, edit, page=None):
            result = super().save(edit, page)
            if edit.title == talk and result.edited:
                raise RuntimeError("killed between the post and the end of the run")
            return result

    run_bot(site, due, wiki=CrashAfterPosting(site, simulate=False))
    run_bot(site, due + timedelta(minutes=5))
    run_bot(site, due + timedelta(minutes=10))

    text = admin.text(talk)
    assert text.count("<!-- outreachbot:reminder cee-2020-1lib1ref -->") == 1
    assert "{{ping|Alice|Bob|Carol}}" in text
    assert "== Reminder: Opportunities for 1Lib1Ref in CEE ==" in text
    assert [r["user"] for r in admin.revisions(talk)] == ["OutreachBot"]

    # The talk page is archived (the post is gone from it): the bot's contributions tell.
    admin.edit(talk, "Archived.", "archiving")
    run_bot(site, due + timedelta(minutes=20))
    assert admin.text(talk) == "Archived."


def test_a_run_after_the_start_sends_no_reminder(seeded, site, client_for):
    add_cee_session(client_for, capacity=10)
    run_bot(site, CEE_START + timedelta(minutes=5))
    assert client_for("Admin").text("Talk:" + CEE_PAGE) is None


def test_a_reminder_pings_at_most_50_names_an_edit(seeded, site, client_for):
    add_cee_session(client_for, capacity=500)
    guests = "".join(f"\n# [[User:Guest {n}|Guest {n}]] 10:00, 16 June 2020 (UTC)"
                     for n in range(117))
    client_for("Admin").append(CEE_PAGE, guests, "a big room")
    talk = "Talk:" + CEE_PAGE

    run_bot(site, CEE_START - timedelta(minutes=30))
    run_bot(site, CEE_START - timedelta(minutes=20))

    revisions = client_for("Admin").revisions(talk)
    assert len(revisions) == 3  # 120 attendees: 50 + 50 + 20
    text = revisions[0]["content"]
    pings = [m.split("|") for m in re.findall(r"\{\{ping\|([^}]*)\}\}", text)]
    assert [len(p) for p in pings] == [50, 50, 20]
    assert sum(pings, [])[:4] == ["Alice", "Bob", "Carol", "Guest 0"]
    assert text.count("<!-- outreachbot:reminder-end cee-2020-1lib1ref -->") == 1
    assert all("(cee-2020-1lib1ref)" in r["comment"] for r in revisions)


@pytest.mark.parametrize("user", ["Merrilee", "Mylee"])
def test_an_organizer_or_host_may_remove_a_signature(seeded, site, client_for, user):
    add_cee_session(client_for, capacity=10)
    admin = client_for("Admin")
    run_bot(site, CEE_START - timedelta(days=2))
    text = admin.text(CEE_PAGE)
    carol_line = next(line for line in text.split("\n") if "[[User:Carol|Carol]]" in line)
    client_for(user).edit(CEE_PAGE, without(text, carol_line), "spam")

    run_bot(site, CEE_START - timedelta(days=1))

    assert "[[User:Carol|Carol]]" not in admin.text(CEE_PAGE)


def test_simulate_reads_but_writes_nothing(seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    revs = {t: admin.lastrevid(t) for t in (EUROPE, AMERICAS, STATUS_PAGE)}
    reports = run_bot(site, seed_now, wiki=Wiki(site, simulate=True))
    assert reports[0].outcome == "ok"
    assert any(e.outcome == "simulated" and e.title == EUROPE for e in reports[0].edits)
    assert {t: admin.lastrevid(t) for t in revs} == revs


def test_the_seen_revisions_survive_on_the_status_page(seeded, site, seed_now, client_for):
    run_bot(site, seed_now)
    admin = client_for("Admin")
    seen = job.read_seen(admin.text(STATUS_PAGE))
    # The revision the bot read and kept the list from; its own save sits right on it.
    for title in (EUROPE, HANGOUT):
        mine, read = admin.revisions(title)[:2]
        assert mine["user"] == "OutreachBot" and mine["parentid"] == read["revid"]
        assert seen[title] == read["revid"]
    assert seen[AMERICAS] == admin.revisions(AMERICAS)[1]["revid"]


# --------------------------------------------------------------------------- counts


FR_GROUP = "Groupe des bibliothèques"
FR_CONFIG = f"{FR_GROUP}/Configuration du bot"
FR_ACTIVITIES = f"{FR_GROUP}/Activités"
FR_SIGNUP = f"{FR_GROUP}/Atelier 1lib1ref"
FR_CONFIG_TEXT = f"""{{{{Outreachbot config
| activities_page   = {FR_ACTIVITIES}
| organizers        = Merrilee
| status_page       = Utilisateur:OutreachBot/Statut
| signup_heading    = Inscrits
| unsigned_template = Non signé
}}}}
{{{{Outreachbot session
| id          = fr-atelier-2020
| title       = Atelier 1lib1ref
| start       = 2020-06-20 12:00
| time_zone   = UTC
| duration    = 60 minutes
| platform    = Zoom
| signup_page = {FR_SIGNUP}
| capacity    = 3
}}}}
"""


def test_the_count_reads_the_list_with_the_wikis_own_names_and_unsigned_template(
        site_fr, localwiki_fr):
    """On the French wiki user links are written "Utilisateur:", "Discussion utilisateur:"
    and "Spécial:Contributions/", and the config names its own unsigned template: the
    activities page counts what the attendees job keeps, the waiting list apart."""
    fr = localwiki_fr.client
    fr("Admin").edit(FR_CONFIG, FR_CONFIG_TEXT, "Configuration")
    fr("Admin").edit(FR_ACTIVITIES, "Nos activités.\n<!-- outreachbot:begin upcoming -->\n"
                     "<!-- outreachbot:end upcoming -->\n", "Activités")
    fr("Merrilee").edit(FR_SIGNUP, "Atelier en ligne.\n== Inscrits ==\n"
                        "Signez avec <nowiki># ~~~~</nowiki>.\n", "Page d'inscription")
    sign(fr("Alice"), FR_SIGNUP, "# [[Utilisateur:Alice|Alice]] 10:00, 1 juin 2020 (UTC)")
    sign(fr("Bob"), FR_SIGNUP, "# [[Spécial:Contributions/Bob|Bob]] 11:00, 1 juin 2020 (UTC)")
    carol = sign(fr("Carol"), FR_SIGNUP, "# Je viendrai aussi.")
    sign(fr("Dave"), FR_SIGNUP, "# [[Discussion utilisateur:Dave|Dave]] 2 juin 2020")
    sign(fr("Erin"), FR_SIGNUP, "# Inscrite {{Non signé|Erin|09:00, 3 juin 2020 (UTC)}}")
    now = datetime(2020, 6, 15, tzinfo=UTC)

    reports = runner.run(Wiki(site_fr, simulate=False), [FR_CONFIG],
                         ["attendees", "activities"], now)

    assert [r.outcome for r in reports] == ["ok", "ok"]
    text = fr("Admin").text(FR_SIGNUP)
    stamp = datetime.fromisoformat(carol["timestamp"].replace("Z", "+00:00"))
    assert (f"# Je viendrai aussi. {{{{Non signé|Carol|{stamp:%H:%M}, {stamp.day} "
            f"{stamp:%B %Y} (UTC)}}}}") in text
    waiting = text[text.index("=== Liste d’attente ===\n"):]
    assert "Dave" in waiting and "Erin" in waiting and "Carol" not in waiting
    activities = fr("Admin").text(FR_ACTIVITIES)
    assert (f"** 3 personnes intéressées, 2 sur la liste d’attente : "
            f"[[{FR_SIGNUP}#Inscrits|s’inscrire]]" in activities.split("\n"))

    # Alice withdraws: Dave has a place, Erin still waits; the count follows.
    fr("Alice").edit(FR_SIGNUP, fr("Admin").text(FR_SIGNUP).replace(
        "# [[Utilisateur:Alice|Alice]] 10:00, 1 juin 2020 (UTC)",
        "# <s>[[Utilisateur:Alice|Alice]] 10:00, 1 juin 2020 (UTC)</s>"), "désistement")
    runner.run(Wiki(site_fr, simulate=False), [FR_CONFIG], ["activities"],
               now + timedelta(hours=1))
    activities = fr("Admin").text(FR_ACTIVITIES)
    assert (f"** 3 personnes intéressées, 1 sur la liste d’attente : "
            f"[[{FR_SIGNUP}#Inscrits|s’inscrire]]" in activities.split("\n"))


# --------------------------------------------------------------------------- races


class RacingWiki(Wiki):
    """Lets people edit a page after the bot read it and before its first try to save."""

    def __init__(self, site, title: str, race) -> None:
        super().__init__(site, simulate=False)
        self.title, self.race, self.attempts = title, race, 0

    def _try_save(self, edit, page):
        if edit.title == self.title:
            self.attempts += 1
            if self.attempts == 1:
                assert page.text  # the bot has read the page and computed its edit
                self.race()
        return super()._try_save(edit, page)


@pytest.mark.parametrize("conflicting", [False, True], ids=["merged", "conflict"])
def test_edits_made_while_the_bot_saves_are_read_on_the_next_run(
        seeded, site, client_for, conflicting):
    """Dave adds a line without signing it and Erin removes Carol's signature while the
    bot saves the list: MediaWiki merges the bot's edit with theirs, or (when Alice also
    rewrites the line the bot rewrites) the bot meets an edit conflict and recomputes on
    the fresh text. Either way the bot has not read their revisions yet: the next run
    does."""
    add_cee_session(client_for, capacity=10)
    admin = client_for("Admin")
    alice = client_for("Alice")
    now = CEE_START - timedelta(days=3)
    # Something for the bot to put right: a bullet to number.
    alice.edit(CEE_PAGE, admin.text(CEE_PAGE).replace("# [[User:Alice|", "* [[User:Alice|"),
               "a bullet")
    carol_line = next(line for line in admin.text(CEE_PAGE).split("\n")
                      if "[[User:Carol|Carol]]" in line)
    dave: dict = {}

    def race() -> None:
        if conflicting:
            alice.edit(CEE_PAGE, admin.text(CEE_PAGE).replace(
                "10:00, 12 June 2020 (UTC)", "10:00, 12 June 2020 (UTC) See you there!"),
                "a word")
        dave.update(sign(client_for("Dave"), CEE_PAGE, "# Count me in, please."))
        client_for("Erin").edit(CEE_PAGE, without(admin.text(CEE_PAGE), carol_line),
                                "tidying")

    wiki = RacingWiki(site, CEE_PAGE, race)
    run_bot(site, now, wiki=wiki)

    assert wiki.attempts == (2 if conflicting else 1)
    revisions = admin.revisions(CEE_PAGE)
    assert [r["user"] for r in revisions[:3]] == ["OutreachBot", "Erin", "Dave"]
    text = admin.text(CEE_PAGE)
    assert "# [[User:Alice|Alice]]" in text and ("See you there!" in text) == conflicting
    assert text.rstrip("\n").endswith("\n# Count me in, please.")
    assert carol_line not in text  # the bot saved on a text it had not analysed

    run_bot(site, now + timedelta(minutes=15))

    text = admin.text(CEE_PAGE)
    stamp = datetime.fromisoformat(dave["timestamp"].replace("Z", "+00:00"))
    assert (f"# Count me in, please. {{{{unsigned|Dave|{stamp:%H:%M}, {stamp.day} "
            f"{stamp:%B %Y} (UTC)}}}}") in text
    assert carol_line in text  # back where it was, after Bob's
    assert text.index(carol_line) > text.index("[[User:Bob|Bob]]")
    assert "Put back Carol's signature on [[" + CEE_PAGE + "]]: Erin removed it" \
        in admin.text(STATUS_PAGE)
    assert job.read_seen(admin.text(STATUS_PAGE))[CEE_PAGE] == revisions[0]["revid"]

    rev, seen = admin.lastrevid(CEE_PAGE), job.read_seen(admin.text(STATUS_PAGE))
    run_bot(site, now + timedelta(minutes=30))
    assert admin.lastrevid(CEE_PAGE) == rev
    assert job.read_seen(admin.text(STATUS_PAGE)) == seen
