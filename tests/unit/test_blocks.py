"""Marked blocks: only the inside changes; broken markers stop the edit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreachbot.errors import BlockError
from outreachbot.rules.blocks import (
    begin_marker,
    end_marker,
    ensure_block,
    has_block,
    read_block,
    replace_block,
)

PAGE = (
    "Goals written by people.\n\n== Mark your calendars ==\n"
    "<!-- outreachbot:begin upcoming -->\nold list\n<!-- outreachbot:end upcoming -->\n"
    "Text after, kept.\n"
)


def test_replace_writes_between_the_markers_only():
    new = replace_block(PAGE, "upcoming", "* new list")
    assert new == PAGE.replace("old list", "* new list")


def test_replace_is_idempotent():
    once = replace_block(PAGE, "upcoming", "* a\n* b")
    assert replace_block(once, "upcoming", "* a\n* b") == once


def test_read_block_returns_the_content():
    assert read_block(PAGE, "upcoming") == "old list"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("no markers here", "has no marked block 'upcoming'"),
        ("<!-- outreachbot:begin upcoming -->\nx", "no end marker"),
        ("x\n<!-- outreachbot:end upcoming -->", "no begin marker"),
        (PAGE + PAGE, "2 begin and 2 end markers"),
        ("<!-- outreachbot:end upcoming -->\n<!-- outreachbot:begin upcoming -->",
         "comes before its begin marker"),
    ],
)
def test_broken_markers_refuse_the_edit_and_say_why(text, phrase):
    with pytest.raises(BlockError, match=phrase):
        replace_block(text, "upcoming", "anything")
    assert not has_block(text, "upcoming")


def test_other_blocks_are_not_confused():
    text = PAGE + "<!-- outreachbot:begin past -->\nP\n<!-- outreachbot:end past -->\n"
    new = replace_block(text, "past", "Q")
    assert "old list" in new and "\nQ\n" in new


def test_ensure_block_appends_on_the_bots_own_pages():
    assert ensure_block("", "status-x", "hello") == (
        f"{begin_marker('status-x')}\nhello\n{end_marker('status-x')}\n"
    )
    text = ensure_block("Intro", "a", "1")
    assert text.startswith("Intro\n\n") and read_block(text, "a") == "1"
    assert ensure_block(text, "a", "1") == text


# Text around a block: anything that does not itself contain a marker.
outside = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200
).filter(lambda s: "outreachbot:" not in s)


@given(before=outside, inside=outside, after=outside, content=outside)
def test_text_outside_the_block_is_kept_byte_for_byte(before, inside, after, content):
    page = f"{before}{begin_marker('b')}{inside}{end_marker('b')}{after}"
    new = replace_block(page, "b", content)
    head, rest = new.split(begin_marker("b"), 1)
    tail = rest.split(end_marker("b"), 1)[1]
    assert head == before
    assert tail == after
    assert replace_block(new, "b", content) == new
