"""Every language file has every message, with the same placeholders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from outreachbot.i18n import msg

BUNDLE = Path(__file__).parents[2] / "src" / "outreachbot" / "i18n" / "outreachbot"
LANGUAGES = sorted(p.stem for p in BUNDLE.glob("*.json"))
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _messages(lang: str) -> dict[str, str]:
    data = json.loads((BUNDLE / f"{lang}.json").read_text(encoding="utf-8"))
    data.pop("@metadata", None)
    return data


def test_there_is_a_second_language():
    assert "en" in LANGUAGES and len(LANGUAGES) >= 2


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_language_file_is_complete_with_the_same_placeholders(lang):
    english, other = _messages("en"), _messages(lang)
    assert sorted(set(english) - set(other)) == [], "missing"
    assert sorted(set(other) - set(english)) == [], "not in en.json"
    for key, text in english.items():
        # As sets: a language may inflect a word by a number ({{PLURAL:%(count)d|...}})
        # where English does not.
        assert set(_PLACEHOLDER.findall(other[key])) == set(_PLACEHOLDER.findall(text)), key


def test_messages_come_in_the_wiki_language():
    assert msg("fr", "upcoming-none") == "Aucune session n’est prévue pour le moment."
    assert msg("en", "upcoming-none") == "No sessions are planned at the moment."
    assert msg("fr", "summary-archive", count=2, year="2019", page="P") == (
        "Robot : archivage de 2 sessions passées de 2019 depuis [[P]]")
    # A language without its own file falls back to English.
    assert msg("ja", "past-none") == "No sessions have been held yet."


def test_the_activities_page_words_take_the_plural_of_their_language():
    assert msg("fr", "activities-interested", count=1, link="L") == "1 personne intéressée : L"
    assert msg("fr", "activities-interested", count=12, link="L") == (
        "12 personnes intéressées : L")
    assert msg("fr", "activities-hosts", count=1, hosts="H") == "Hôte : H"
    assert msg("fr", "activities-hosts", count=2, hosts="H") == "Hôtes : H"
    assert msg("fr", "duration-hour", count=0) == "0 heure"  # French: singular for zero
    assert msg("en", "duration-hour", count=0) == "0 hours"
    assert msg("en", "activities-group", event="E", date="D", count=1) == "'''E''', D: 1 session"
