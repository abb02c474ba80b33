"""The activities job: the *upcoming* and *past* marked blocks of the activities page.

Sessions that have ended beyond the newest ``past_sessions`` move to yearly archive
subpages. The archive is saved first, and the page is trimmed only once every archive
edit went through, so a failure never loses a session's entry. Everything the job reads
(activities pages, sign-up pages, archive pages, the shutoff page) comes in one batch.

The pages are written in the language of the wiki: every word on them is an i18n message
(``outreachbot-activities-*``, ``-date-*``, ``-duration-*``), read once a run into the
`rules.Texts` the rules write with.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pywikibot

from outreachbot.edits import Edit
from outreachbot.errors import BlockError
from outreachbot.i18n import date_words, msg
from outreachbot.jobs.attendees import signed_up
from outreachbot.jobs.base import Context
from outreachbot.model import Session, Settings
from outreachbot.rules import activities as rules
from outreachbot.rules.blocks import (
    ensure_block,
    has_block,
    has_markers,
    read_block,
    replace_block,
)


@dataclass
class PagePlan:
    """One activities page and what goes on it."""

    title: str
    settings: Settings
    sessions: list[Session]
    shown: list[Session]
    archived: dict[int, list[Session]]


def page_texts(site: Any) -> rules.Texts:
    """The words of the activities page on ``site`` (a site or a language code)."""

    def text(key: str) -> str:
        return msg(site, f"activities-{key}")

    def sentence(key: str) -> partial[str]:
        return partial(msg, site, f"activities-{key}")

    return rules.Texts(
        dates=date_words(site), conjunction=text("and"), group=sentence("group"),
        cancelled=text("cancelled"), postponed=text("postponed"), local=text("local"),
        on_platform=sentence("on-platform"), join=sentence("join"),
        join_label=text("join-label"), hosts=sentence("hosts"), agenda=text("agenda"),
        sign_up=text("sign-up"), sign_up_label=text("sign-up-label"),
        interested=sentence("interested"), interested_waiting=sentence("interested-waiting"),
        calendar=text("calendar"), held=sentence("held"),
        held_platform=sentence("held-platform"), past_hosts=sentence("past-hosts"),
        signed_up=sentence("signed-up"), notes=sentence("notes"),
        recording=text("recording"), earlier=sentence("earlier"),
        no_upcoming=msg(site, "upcoming-none"), no_past=msg(site, "past-none"),
    )


def fill_blocks(text: str, contents: Mapping[str, str]) -> str:
    """Write each block the page has; a page with none of them is an error."""
    present = [name for name in contents if has_markers(text, name)]
    if not present:
        raise BlockError(
            "the page has none of the marked blocks "
            + ", ".join(repr(n) for n in contents)
            + "; add '<!-- outreachbot:begin upcoming -->' and "
            "'<!-- outreachbot:end upcoming -->' where the sessions should be listed"
        )
    for name in present:
        text = replace_block(text, name, contents[name])
    return text


def count_interested(ctx: Context, sessions: Sequence[Session],
                     pages: Mapping[str, pywikibot.Page]) -> tuple[dict[str, int], dict[str, int]]:
    """Session id -> how many people have a place on its sign-up page's list, and how
    many are on its waiting list, read as the attendees job reads the list."""
    found = signed_up(ctx, sessions, pages)
    return ({sid: len(s.attendees) for sid, s in found.items()},
            {sid: len(s.waiting) for sid, s in found.items()})


def plan(ctx: Context) -> list[PagePlan]:
    """The activities pages named in the config (sessions may name their own)."""
    by_page: dict[str, list[Session]] = defaultdict(list)
    if ctx.config.settings.activities_page:
        by_page[ctx.config.settings.activities_page] = []
    for session in ctx.config.sessions:
        if session.settings.activities_page:
            by_page[session.settings.activities_page].append(session)
    plans = []
    for title in sorted(by_page):
        settings = dataclasses.replace(ctx.config.settings, activities_page=title)
        shown, archived = rules.split_past(by_page[title], settings, ctx.now)
        plans.append(PagePlan(title, settings, by_page[title], list(shown), dict(archived)))
    return plans


def _archive(ctx: Context, page: PagePlan, counts: Mapping[str, int],
             pages: Mapping[str, pywikibot.Page], texts: rules.Texts) -> bool:
    """Save the yearly archive subpages; True when every one of them is safe."""
    ok = True
    for year in sorted(page.archived):
        sessions = page.archived[year]
        title = rules.archive_title(page.title, year)

        def change(text: str, sessions: list[Session] = sessions) -> str:
            old = read_block(text, "archive") if has_block(text, "archive") else ""
            return ensure_block(text, "archive", rules.render_archive(
                old, sessions, page.settings, counts, texts=texts))

        summary = msg(ctx.wiki.site, "summary-archive", count=len(sessions), year=str(year),
                      page=page.title)
        try:
            result = ctx.save(Edit(title, change, summary, create=True), pages.get(title))
        except BlockError as error:
            ctx.report.skip(title, str(error))
            ok = False
            continue
        ok = ok and result.outcome in ("saved", "unchanged", "simulated")
    return ok


def update_page(ctx: Context, page: PagePlan, counts: Mapping[str, int],
                pages: Mapping[str, pywikibot.Page],
                waiting: Mapping[str, int] | None = None,
                texts: rules.Texts | None = None) -> None:
    texts = texts or page_texts(ctx.wiki.site)
    shown = page.shown
    if page.archived and not _archive(ctx, page, counts, pages, texts):
        ctx.report.notes.append(
            f"The archive of [[{page.title}]] could not be saved; the page keeps all its "
            "past sessions until it can."
        )
        shown = sorted([*shown, *(s for year in page.archived.values() for s in year)],
                       key=lambda s: s.start, reverse=True)
    contents = {
        "upcoming": rules.render_upcoming(page.sessions, page.settings, counts, ctx.now,
                                          waiting=waiting, texts=texts),
        "past": rules.render_past(shown, page.settings, counts, ctx.now,
                                  archive_years=sorted(page.archived, reverse=True)
                                  if shown is page.shown else (), texts=texts),
    }
    n_upcoming = sum(1 for s in page.sessions if s.end > ctx.now)
    summary = msg(ctx.wiki.site, "summary-activities", upcoming=n_upcoming, past=len(shown))
    try:
        ctx.save(Edit(page.title, lambda text: fill_blocks(text, contents), summary),
                 pages.get(page.title))
    except BlockError as error:
        ctx.report.skip(page.title, str(error))


def run(ctx: Context) -> None:
    plans = plan(ctx)
    if not plans:
        ctx.report.notes.append("No activities_page is set in the config: nothing to do.")
        return
    titles = [p.title for p in plans]
    titles += sorted({s.signup_page for s in ctx.config.sessions if s.signup_page})
    titles += [rules.archive_title(p.title, y) for p in plans for y in sorted(p.archived)]
    pages = ctx.wiki.pages(titles)
    ctx.report.checked += len(pages)
    counts, waiting = count_interested(ctx, ctx.config.sessions, pages)
    texts = page_texts(ctx.wiki.site)
    for page in plans:
        update_page(ctx, page, counts, pages, waiting, texts)
