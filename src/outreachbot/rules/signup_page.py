"""The standard layout of a sign-up page the bot creates because it is missing.

A short box about the session (title, when, platform, hosts), the instructions people
know from other sign-up pages, and the empty "Interested attendees" section. The texts
come in translated (`SignupTexts`), so this stays pure and language-neutral; once the page
exists it belongs to the community and the bot only keeps its list honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreachbot.model import Session, Zone
from outreachbot.rules.activities import join_words
from outreachbot.rules.markup import inline, url
from outreachbot.rules.when import ENGLISH, DateWords, format_duration, when_in_zones

INSTRUCTIONS = "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)"


@dataclass(frozen=True)
class SignupTexts:
    """The translated labels and sentences of the layout."""

    when: str = "When"
    platform: str = "Where"
    hosts: str = "Hosts"
    intro: str = ("If you are interested in attending this session, please sign with your "
                  "username below.")
    instructions: str = INSTRUCTIONS + "."
    dates: DateWords = ENGLISH


def _user(name: str) -> str:
    return f"[[User:{name}|{name}]]"


def render_signup_page(session: Session, zones: tuple[Zone, ...],
                       texts: SignupTexts = SignupTexts()) -> str:
    """The wikitext of the new sign-up page of ``session``."""
    when = when_in_zones(session.start, zones, words=texts.dates)
    when += f" ({format_duration(session.duration, words=texts.dates)})"
    rows = [f"* '''{texts.when}:''' {when}"]
    if session.platform:
        place = inline(session.platform)
        if session.join:
            place += f" ({url(session.join)})"
        rows.append(f"* '''{texts.platform}:''' {place}")
    if session.hosts:
        rows.append(f"* '''{texts.hosts}:''' {join_words([_user(h) for h in session.hosts])}")
    box = "\n".join([
        '{| class="wikitable"',
        f"! {inline(session.title)}",
        "|-",
        "|\n" + "\n".join(rows),
        "|}",
    ])
    heading = inline(session.settings.signup_heading) or "Interested attendees"
    return (f"{box}\n\n== {heading} ==\n{texts.intro} {texts.instructions}\n")
