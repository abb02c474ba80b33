"""The announcements job: post each session's announcement on every page of its delivery
list at each lead time, and a short correction when an announced session is cancelled or
moved.

What was delivered is never kept locally: a post's hidden marker (in the page text) and
its tag (in the edit summary, found in the bot's own contributions: one query since the
earliest post that can still matter) tell a later run, so a crash, a lost disk or a talk
page archived in between never cause a second post. A post is a full-text edit made
against the text it was computed on; the change adds nothing when the marker is already
there, so the edit-conflict retry, a retry after a timeout (checked first: see
`_save`) and a second run are all harmless.

The delivery list and the announcement text are steering pages, read at their newest
trusted revision. Targets are read in one batch (their categories too), redirects are
followed in a second one, and protection levels come in a third; ``site=`` targets are
delivered on their own wiki the same way.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pywikibot
from pywikibot import exceptions as pwb_errors
from requests.exceptions import RequestException

from outreachbot.edits import Edit, Saved
from outreachbot.i18n import date_words, msg
from outreachbot.jobs.attendees import signed_up
from outreachbot.jobs.base import Context
from outreachbot.model import Problem, Session
from outreachbot.rules import announcement as rules
from outreachbot.rules.delivery import DEFAULT_MAX_TARGETS, Target, parse_delivery_list
from outreachbot.rules.markup import inline, shorten
from outreachbot.rules.when import format_duration, long_date, when_in_zones
from outreachbot.steering import load_steering_page
from outreachbot.wiki import SHUTOFF_EVERY, Wiki

OPT_OUT_CATEGORY = "Opted-out of message delivery"
MAX_TARGETS_ENV = "OUTREACHBOT_MAX_TARGETS"  # the operator's cap on a delivery list
PROGRESS_EVERY = 25  # posts between two progress lines on the console
# The rights that let an account edit a page protected at a level (MediaWiki maps the two
# old level names; any other level is itself the right needed).
_LEVEL_RIGHTS = {"sysop": "editprotected", "autoconfirmed": "editsemiprotected"}
# What a lost answer looks like: the edit may or may not have landed.
_NO_ANSWER = (pwb_errors.ApiTimeoutError, pwb_errors.ServerError, RequestException)


def max_targets() -> int:
    """The operator's cap on the pages of one delivery list (``$OUTREACHBOT_MAX_TARGETS``)."""
    value = os.environ.get(MAX_TARGETS_ENV, "").strip()
    return int(value) if value.isdigit() else DEFAULT_MAX_TARGETS


@dataclass
class Place:
    """A page the bot may post on, after redirects; ``label`` names it on the status page."""

    page: pywikibot.Page
    label: str
    create: bool = False
    redirect_from: str | None = None
    listed: bool = True  # False: not on the list now, only read for its corrections


@dataclass
class SiteState:
    """One wiki taking part in a delivery: its `Wiki` and what the bot posted there."""

    wiki: Wiki
    host: str | None  # None: the bot's own wiki
    marks: dict[str, list[rules.Mark]] = field(default_factory=dict)  # title -> from contribs
    saves: int = 0

    def label(self, title: str) -> str:
        return title if self.host is None else f"{title} ({self.host})"


@dataclass
class Progress:
    total: int
    done: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.monotonic)

    def tick(self, skipped: bool = False) -> None:
        """One page done; a line on the console every `PROGRESS_EVERY` pages."""
        self.done += 1
        self.skipped += skipped
        if self.done % PROGRESS_EVERY == 0 or self.done == self.total:
            minutes = max(time.monotonic() - self.started, 1e-6) / 60
            pywikibot.info(f"announcements: {self.done}/{self.total} pages, {self.skipped} "
                           f"skipped, {self.done / minutes:.0f} pages a minute")


# --- Reading what was delivered ---------------------------------------------------------

def _contribution_marks(wiki: Wiki, since: datetime) -> dict[str, list[rules.Mark]]:
    marks: dict[str, list[rules.Mark]] = defaultdict(list)
    for contribution in wiki.contributions(since):
        found = rules.marks_in(contribution.get("comment", ""))
        if found:
            marks[contribution["title"]].extend(found)
    return dict(marks)


def _announced_starts(marks: Sequence[rules.Mark], session: Session) -> set[str]:
    sid = rules.session_token(session.id)
    return {m.start for m in marks if m.kind == "announcement" and m.session == sid and m.start}


def _corrected(marks: Sequence[rules.Mark], session: Session, state: str) -> bool:
    sid = rules.session_token(session.id)
    return any(m.kind == "correction" and m.session == sid and m.what == state for m in marks)


def _pending_corrections(sessions: Sequence[Session], marks: Mapping[str, list[rules.Mark]],
                         now: datetime) -> bool:
    for title_marks in marks.values():
        for session in sessions:
            state = rules.correction_state(session, _announced_starts(title_marks, session), now)
            if state and not _corrected(title_marks, session, state):
                return True
    return False


# --- Reading the targets ----------------------------------------------------------------

def _redirect_target(page: pywikibot.Page) -> str | None:
    match = page.site.redirect_regex.match(page.text or "")
    return match.group(1).split("#", 1)[0].strip() if match else None


def _resolve(state: SiteState, targets: Sequence[Target], extra: Sequence[str],
             skips: list[tuple[str, str]]) -> tuple[list[Place], dict[str, pywikibot.Page]]:
    """The places to post on (redirects followed), and every page read, by title."""
    titles = [t.title for t in targets] + list(extra)
    pages = state.wiki.pages(titles, categories=True, templates=True)
    redirects: dict[str, str] = {}
    for target in targets:
        page = pages[target.title]
        if page.exists() and page.isRedirectPage():
            goal = _redirect_target(page)
            if goal is None:
                skips.append((state.label(target.title), "the redirect cannot be read"))
            else:
                redirects[target.title] = goal
    goals = state.wiki.pages(sorted(set(redirects.values())), shutoff=False,
                             categories=True, templates=True) if redirects else {}
    places: list[Place] = []
    seen: set[str] = set()
    for target in targets:
        page = pages[target.title]
        redirect_from = None
        if target.title in redirects:
            page, redirect_from = goals[redirects[target.title]], page.title()
            if page.exists() and page.isRedirectPage():
                skips.append((state.label(target.title),
                              f"it redirects to {page.title()}, which is a redirect too"))
                continue
        if page.title() in seen:
            continue
        seen.add(page.title())
        places.append(Place(page, state.label(page.title()), target.create, redirect_from))
    return places, {**pages, **{p.title(): p for p in goals.values()}}


def _skip_reason(place: Place, levels: Mapping[str, str]) -> str | None:
    """Why the bot must not post on this page, or None."""
    page = place.page
    if not page.exists() and not place.create:
        return ("the page does not exist (write {{target|page=" + page.title()
                + "|create=yes}} on the list to have it created)")
    level = levels.get(page.title())
    if level and not page.site.has_right(_LEVEL_RIGHTS.get(level, level)):
        return f"the page is protected (level '{level}') and the bot may not edit it"
    if any(c.title(with_ns=False) == OPT_OUT_CATEGORY for c in page.categories()):
        return f"the page is in Category:{OPT_OUT_CATEGORY}"
    if page.exists() and not page.botMayEdit():
        return "{{bots}} or {{nobots}} on the page forbids the bot"
    return None


# --- Writing ----------------------------------------------------------------------------

def _save(ctx: Context, state: SiteState, edit: Edit, page: pywikibot.Page) -> Saved:
    """Save, and after a lost answer look before trying again: the edit may have landed."""
    if state.host is not None and state.saves and state.saves % SHUTOFF_EVERY == 0:
        ctx.wiki.check_shutoff()  # the home wiki's emergency stop rules remote edits too
    try:
        result = state.wiki.save(edit, page)
    except _NO_ANSWER as error:
        pywikibot.warning(f"No answer saving [[{edit.title}]] ({error}); looking whether "
                          "the edit landed before trying again")
        fresh = state.wiki.pages([edit.title], shutoff=False)[edit.title]
        if fresh.exists() and edit.change(fresh.text) == fresh.text:
            result = Saved(edit.title, "saved", "landed although the wiki did not answer",
                           fresh.latest_revision_id)
        else:
            try:
                result = state.wiki.save(edit, fresh)
            except _NO_ANSWER as again:
                result = Saved(edit.title, "skipped", f"the wiki did not answer: {again}")
    state.saves += result.edited
    if state.host is not None:  # a remote revision id would link to the wrong wiki
        result = Saved(state.label(result.title), result.outcome, result.reason)
    return ctx.report.record(result)


@dataclass
class Texts:
    """Everything a post on one wiki is written with, in that wiki's language."""

    site: pywikibot.site.APISite
    list_link: str

    def values(self, session: Session, count: int | None,
               language: pywikibot.site.APISite | None = None) -> dict[str, str]:
        """The parameters of a post, in this wiki's language or in ``language``'s."""
        site = language or self.site
        return rules.announcement_values(
            session, session.settings, count,
            local_label=msg(site, "announcement-local"),
            conjunction=msg(site, "announcement-and"), words=date_words(site))

    def builtin(self, session: Session, values: Mapping[str, str], count: int | None) -> str:
        site = self.site
        lines = [msg(site, "announcement-intro", title=values["title"], when=values["when"],
                     local=values["local"])]
        if session.platform:
            lines.append(msg(site, "announcement-details-platform",
                             duration=values["duration"], platform=values["platform"]))
        else:
            lines.append(msg(site, "announcement-details", duration=values["duration"]))
        if session.join:
            lines.append(msg(site, "announcement-join", join=values["join"]))
        if values["hosts"]:
            lines.append(msg(site, "announcement-hosts", hosts=values["hosts"],
                             n=len(session.hosts)))
        body = " ".join(lines)
        if session.agenda:
            body += "\n\n" + msg(site, "announcement-agenda") + "\n" + values["agenda"]
        if values["signup"]:
            body += "\n\n" + (msg(site, "announcement-signup", signup=values["signup"],
                                  count=count) if count is not None else
                              msg(site, "announcement-signup-nocount", signup=values["signup"]))
        return body

    def footer(self) -> str:
        return msg(self.site, "announcement-footer", list=self.list_link)


@dataclass
class Group:
    """The sessions delivered through one delivery list."""

    list_title: str
    sessions: list[Session]
    due: list[rules.Due]


class Delivery:
    """One delivery list: its targets on each wiki and the posts due on them."""

    def __init__(self, ctx: Context, group: Group, home: SiteState) -> None:
        self.ctx = ctx
        self.group = group
        self.home = home
        self.sites: dict[str | None, SiteState | None] = {None: home}
        self.skips: list[tuple[str, str]] = []
        self.texts: dict[str, str | None] = {}
        # (host, title) -> the markers in the page's text as read in the batch, plus those
        # of the posts made since: Pywikibot drops a page's text after a save, and reading
        # it again would cost a request per page.
        self.text_marks: dict[tuple[str | None, str], list[rules.Mark]] = {}

    # -- steering pages --

    def _steering(self, title: str) -> str | None:
        if title not in self.texts:
            text, ignored = load_steering_page(self.ctx.wiki, title, self.ctx.config)
            self.ctx.report.ignored.extend(ignored)
            self.texts[title] = text
        return self.texts[title]

    def _problem(self, page: str, message: str, param: str = "", value: str = "") -> None:
        self.ctx.report.problems.append(Problem(page, "", param, value, message))

    def targets(self) -> list[Target]:
        title = self.group.list_title
        text = self._steering(title)
        if text is None:
            self._problem(title, "the delivery list does not exist or none of its revisions "
                          "is by a trusted editor (the bot, an administrator or an organizer "
                          "named in the config); nothing is delivered from it")
            return []
        parsed = parse_delivery_list(text, title, max_targets=max_targets(),
                                     home=self.home.wiki.site.hostname())
        self.ctx.report.problems.extend(parsed.problems)
        if parsed.duplicates:
            self.ctx.report.notes.append(
                f"{title} names {parsed.duplicates} page(s) more than once; each gets "
                "one post")
        return list(parsed.targets)

    def announcement_text(self, session: Session) -> str | None:
        title = session.settings.announcement
        if not title:
            return None
        text = self._steering(title)
        if text is None:
            self._problem(title, "the announcement text does not exist or none of its "
                          "revisions is by a trusted editor; the built-in text is used")
        return rules.transcluded_part(text) if text else None

    # -- sites --

    def _site(self, host: str) -> SiteState | None:
        if host not in self.sites:
            try:
                site = pywikibot.Site(url=f"https://{host}/")
                site.login()
            except Exception as error:  # unknown to Pywikibot, or cannot log in
                self.sites[host] = None
                self._problem(self.group.list_title, f"the bot cannot deliver on {host!r}: "
                              f"{error}; its pages are left out", "site", host)
                return None
            remote = type(self.ctx.wiki)(site, simulate=self.ctx.wiki.simulate)
            state = SiteState(remote, host)
            state.marks = _contribution_marks(remote, self.since)
            self.sites[host] = state
        return self.sites[host]

    @property
    def since(self) -> datetime:
        return rules.window_opened(self.group.sessions, self.ctx.now)

    # -- the run --

    def run(self) -> None:
        targets = self.targets() if self.group.due else []
        by_site: dict[str | None, list[Target]] = defaultdict(list)
        for target in targets:
            by_site[target.site].append(target)
        for remote in sorted(h for h in by_site if h):
            self._site(remote)
        signup_pages = sorted({s.signup_page for s in self.group.sessions if s.signup_page})
        ours = {rules.session_token(s.id) for s in self.group.sessions}
        for host, state in list(self.sites.items()):
            if state is None:
                continue
            listed = {x.title for x in by_site[host]}
            # Pages told about these sessions before: their corrections may be due.
            told = [t for t, found in state.marks.items()
                    if t not in listed and any(m.session in ours for m in found)]
            self._deliver(state, by_site[host], told, signup_pages if host is None else [])
        for title, reason in self.skips:
            self.ctx.report.skip(title, reason)

    def _deliver(self, state: SiteState, targets: list[Target], told: list[str],
                 signup_pages: list[str]) -> None:
        """Announce and correct on one wiki. ``told``: pages off the list that were told
        about these sessions; ``signup_pages`` are read for the attendee counts."""
        skips: list[tuple[str, str]] = []
        places, pages = _resolve(state, targets, told + signup_pages, skips)
        self.ctx.report.checked += len(pages)
        counts = self._counts(pages) if state.host is None else {}
        known = {p.page.title() for p in places}
        # Pages that got an announcement but are no longer on the list still get corrections.
        for title in told:
            page = pages.get(title)
            if page is not None and page.title() not in known and page.exists():
                places.append(Place(page, state.label(page.title()), listed=False))
                known.add(page.title())
        levels = state.wiki.edit_protection([p.page for p in places]) if places else {}
        reasons = {p.page.title(): _skip_reason(p, levels) for p in places}
        texts = Texts(state.wiki.site, self._list_link(state))
        progress = Progress(total=len(places) * max(1, len(self.group.due)))
        for due in self.group.due:
            self._announce(state, due, places, reasons, counts, texts, progress)
        self._correct(state, places, reasons, texts)
        for place in places:
            reason = reasons[place.page.title()]
            if reason and place.listed:
                self.skips.append((place.label, reason))
        self.skips.extend(skips)

    def _marks(self, state: SiteState, place: Place) -> list[rules.Mark]:
        """What the bot's contributions and the page's text say was posted there."""
        key = (state.host, place.page.title())
        if key not in self.text_marks:
            self.text_marks[key] = rules.marks_in(
                place.page.text if place.page.exists() else "")
        return state.marks.get(key[1], []) + self.text_marks[key]

    def _posted(self, state: SiteState, place: Place, mark: rules.Mark) -> None:
        self.text_marks.setdefault((state.host, place.page.title()), []).append(mark)

    def _list_link(self, state: SiteState) -> str:
        if state.host is None:
            return f"[[{self.group.list_title}]]"
        return f"[{self.home.wiki.page(self.group.list_title).full_url()} " \
               f"{self.group.list_title}]"

    def _counts(self, pages: Mapping[str, pywikibot.Page]) -> dict[str, int]:
        """Session id -> how many people have a place on its list (the waiting list
        apart), as the activities page counts them."""
        found = signed_up(self.ctx, self.group.sessions, pages)
        return {sid: len(signed.attendees) for sid, signed in found.items()}

    def _compose(self, session: Session, lead: timedelta, count: int | None,
                 texts: Texts) -> tuple[str, str, str]:
        """Heading, body and summary of an announcement; the text page is read only now,
        when a post is to be made."""
        mark = rules.announcement_mark(session, lead)
        values = texts.values(session, count)
        # The organizers' text and heading are filled in the language they are written
        # in, their own wiki's; the built-in text in the language of the wiki posted on.
        own = texts.values(session, count, language=self.ctx.wiki.site)
        custom = self.announcement_text(session)
        if custom is not None:
            body, unknown = rules.fill_parameters(custom, own)
            if unknown:
                self.ctx.report.problems.append(Problem(
                    session.settings.announcement or "", "", "", ", ".join(unknown),
                    "the announcement text uses parameters the bot does not know: "
                    + ", ".join("{{{" + n + "}}}" for n in unknown) + "; it knows "
                    + ", ".join(sorted(values)), severity="warning"))
        else:
            body = texts.builtin(session, values, count)
        heading_text = session.settings.announce_heading
        heading = (rules.fill_parameters(heading_text, own)[0] if heading_text else
                   msg(texts.site, "announcement-heading", title=values["title"],
                       date=values["date"]))
        summary = msg(texts.site, "summary-announcement", title=shorten(session.title),
                      date=values["date"]) + " " + mark.tag
        return heading, f"{body}\n\n{texts.footer()}", summary

    def _announce(self, state: SiteState, due: rules.Due, places: list[Place],
                  reasons: Mapping[str, str | None], counts: Mapping[str, int], texts: Texts,
                  progress: Progress) -> None:
        session, lead = due.session, due.lead
        mark = rules.announcement_mark(session, lead)
        composed: tuple[str, str, str] | None = None
        posted = already = skipped = 0
        for place in places:
            title = place.page.title()
            if not place.listed:
                continue
            if rules.announced(self._marks(state, place), session, lead):
                already += 1
                progress.tick()
                continue
            if reasons[title]:
                skipped += 1
                progress.tick(skipped=True)
                continue
            if composed is None:
                composed = self._compose(session, lead, counts.get(session.id), texts)
            heading, body, summary = composed
            note = (msg(texts.site, "announcement-redirect", **{"from": place.redirect_from})
                    if place.redirect_from else "")
            post = rules.section(heading, body, mark, note)

            def change(text: str, post: str = post) -> str:
                if rules.announced(rules.marks_in(text), session, lead):
                    return text
                return rules.append_section(text, post)

            result = _save(self.ctx, state, Edit(title, change, summary, create=place.create,
                                                 minor=False), place.page)
            if result.outcome in ("saved", "simulated"):
                posted += 1
                self._posted(state, place, mark)
            elif result.outcome == "unchanged":
                already += 1
            else:
                skipped += 1
            progress.tick(skipped=result.outcome == "skipped")
        where = "" if state.host is None else f" on {state.host}"
        late = (f"; posted late: it was due at {due.at:%Y-%m-%d %H:%M} UTC"
                if due.late and posted else "")
        listed = [self._marks(state, place) for place in places if place.listed]
        never = [lead for lead in due.replaces
                 if not any(rules.announced(found, session, lead) for found in listed)]
        if never and posted + already:
            leads = ", ".join(format_duration(lead) for lead in never)
            late += (f"; the announcement of {leads} before was not posted in time, and "
                     "this one stands for it")
        # The same words whether the posts were made now or by an earlier run (this run's
        # posts are its edits): a run that finds everything delivered changes nothing.
        self.ctx.report.notes.append(
            f"Announcement of '{shorten(session.title)}' ({format_duration(lead)} before) to the "
            f"delivery list {self.group.list_title}{where}: delivered on "
            f"{posted + already} page(s), {skipped} skipped{late}.")

    def _correct(self, state: SiteState, places: list[Place],
                 reasons: Mapping[str, str | None], texts: Texts) -> None:
        now = self.ctx.now
        for session in self.group.sessions:
            posted = 0
            states: set[str] = set()
            for place in places:
                title = place.page.title()
                marks = self._marks(state, place)
                status = rules.correction_state(session, _announced_starts(marks, session), now)
                if status is None or _corrected(marks, session, status) or reasons[title]:
                    continue
                states.add(status)
                mark = rules.correction_mark(session, status)
                post = rules.section(msg(texts.site, "correction-heading",
                                         title=inline(session.title)),
                                     self._correction_text(texts.site, session, status), mark)

                def change(text: str, post: str = post, status: str = status,
                           session: Session = session) -> str:
                    if _corrected(rules.marks_in(text), session, status):
                        return text
                    return rules.append_section(text, post)

                summary = msg(texts.site, "summary-correction", title=shorten(session.title),
                              state=status.split("-")[0]) + " " + mark.tag
                result = _save(self.ctx, state, Edit(title, change, summary, minor=False),
                               place.page)
                if result.outcome in ("saved", "simulated"):
                    posted += 1
                    self._posted(state, place, mark)
            if states:
                self.ctx.report.notes.append(
                    f"Correction of '{shorten(session.title)}' ({', '.join(sorted(states))}): "
                    "posted "
                    f"on {posted} page(s)" + ("" if state.host is None else f" on {state.host}")
                    + ".")

    @staticmethod
    def _correction_text(site: pywikibot.site.APISite, session: Session, status: str) -> str:
        zones = session.settings.time_zones
        words = date_words(site)
        when = when_in_zones(session.start, zones, words=words)
        if status.startswith("moved-"):
            values = rules.announcement_values(session, session.settings, None,
                                               local_label=msg(site, "announcement-local"),
                                               words=words)
            return msg(site, "correction-moved", title=values["title"], when=when,
                       local=values["local"])
        return msg(site, f"correction-{status}", title=inline(session.title),
                   when=f"{long_date(session.start, zones[0], words=words)}" if zones else when)


# --- The job ----------------------------------------------------------------------------

def _groups(sessions: Sequence[Session], due: Sequence[rules.Due]) -> list[Group]:
    by_list: dict[str, Group] = {}
    for session in sessions:
        title = session.settings.announce_to or ""
        by_list.setdefault(title, Group(title, [], [])).sessions.append(session)
    for item in due:
        by_list[item.session.settings.announce_to or ""].due.append(item)
    return [by_list[t] for t in sorted(by_list)]


def _report_missed(ctx: Context, sessions: Sequence[Session],
                   marks: Mapping[str, list[rules.Mark]]) -> None:
    everything = [m for found in marks.values() for m in found]
    for session in rules.recently_started(sessions, ctx.now):
        started = (f"'{shorten(session.title)}' started at "
                   f"{session.start:%Y-%m-%d %H:%M} UTC before")
        last = min(session.settings.announce_before)
        if not _announced_starts(everything, session):
            leads = ", ".join(format_duration(lead) for lead in session.settings.announce_before)
            ctx.report.notes.append(
                f"{started} any of its announcements ({leads} before) was posted: missed, "
                "not posted.")
        elif not rules.announced(everything, session, last):
            ctx.report.notes.append(
                f"{started} its last announcement ({format_duration(last)} before) was "
                "posted: missed, not posted.")


def run(ctx: Context) -> None:
    sessions = [s for s in ctx.config.sessions
                if s.settings.announce_to and s.settings.announce_before]
    if not sessions:
        ctx.report.notes.append("No session has both announce_to and announce_before: "
                                "nothing to announce.")
        return
    watched = [s for s in sessions if s.start + rules.MISSED_REPORTED_FOR > ctx.now]
    if not watched:
        return
    due = rules.due_announcements(watched, ctx.now)
    home = SiteState(ctx.wiki, None)
    home.marks = _contribution_marks(ctx.wiki, rules.window_opened(watched, ctx.now))
    _report_missed(ctx, watched, home.marks)
    # A cancelled or postponed session that may have been announced: its correction may be
    # due on another wiki, whose contributions are only read with its delivery list.
    changed = [s for s in watched if s.status != "scheduled" and s.start > ctx.now
               and ctx.now >= s.start - max(s.settings.announce_before)]
    if not due and not changed and not _pending_corrections(watched, home.marks, ctx.now):
        return
    for group in _groups(watched, due):
        if group.due or any(s in changed for s in group.sessions) or _pending_corrections(
                group.sessions, home.marks, ctx.now):
            Delivery(ctx, group, home).run()

