"""The attendees job: keep every sign-up page's list honest, and remind the attendees.

One batched read brings every sign-up page, the status page and the talk pages of the
sessions whose reminder is due. A page's history is read only when it has revisions the
bot has not read yet, and only from the last one it read.

"The last revision read" is the newest revision whose history the bot has analysed: the
one its list was computed from, never the bot's own save of that list. Someone may edit
the page between the bot's read and its save (the save then meets an edit conflict and is
recomputed on the fresh text, or MediaWiki merges the two edits): that revision was not
analysed, so the next run reads the history from the revision the bot read, and a line
added or a signature removed in between is still attributed. A newest revision that is
the bot's own edit made right on top of the last one read tells nothing new: the page's
history is then not read again.

Where it is kept: in a hidden comment inside the marked block ``attendees-seen`` of the
config's status page, a page the bot owns and reads in the same batch anyway. It survives
a lost machine or a fresh Toolforge container; it is written only when a sign-up page got
a new revision, so a quiet run makes no edit. If it is lost or wrong, the bot reads the
newest 50 revisions instead: every rule is idempotent, so reading a revision twice changes
nothing (a signature already put back is present, an unsigned line already tagged has its
signer).

The attendee counts of the activities page and of the announcements read the lists the
same way (`signed_up`): the wiki's own names for user links, the config's unsigned
template, the sign-up heading, the waiting list and the capacity.

The reminder is posted once per session on the sign-up page's talk page, at most 50
``{{ping}}`` names an edit (the wiki's limit for mentions). Every part carries a hidden
marker, and the last one an end marker; before posting, the talk page text and then the
bot's own contributions are searched, so a crash between two runs or an archived talk
page never makes it post twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import pywikibot

from outreachbot.edits import Edit
from outreachbot.i18n import date_words, msg
from outreachbot.jobs.base import Context
from outreachbot.model import Problem, Session, Zone
from outreachbot.rules.attendees import (
    History,
    ListRules,
    Names,
    Outcome,
    Signed,
    is_closed,
    list_problems,
    maintain,
    read_history,
    signed,
)
from outreachbot.rules.blocks import ensure_block, has_block, read_block
from outreachbot.rules.markup import inline, shorten, url
from outreachbot.rules.signup_page import SignupTexts, render_signup_page
from outreachbot.rules.when import format_duration, long_date, when_in_zones
from outreachbot.titles import normalize_user

SEEN_BLOCK = "attendees-seen"
MAX_PINGS = 50  # $wgEchoMaxMentionsCount: an edit with more mentions notifies no one
_SEEN_LINE = re.compile(r"^(\d+) (.+)$", re.MULTILINE)
_PING = re.compile(r"\{\{\s*ping\s*\|([^{}]*)\}\}", re.IGNORECASE)


# --------------------------------------------------------------------------- seen state


def read_seen(text: str) -> dict[str, int]:
    """Sign-up page -> the last revision the job saw, from the status page's block."""
    if not has_block(text, SEEN_BLOCK):
        return {}
    return {m.group(2): int(m.group(1)) for m in _SEEN_LINE.finditer(read_block(text, SEEN_BLOCK))}


def render_seen(seen: Mapping[str, int]) -> str:
    lines = "\n".join(f"{revid} {title}" for title, revid in sorted(seen.items()))
    return f"<!-- The last revision of each sign-up page the attendees job has read:\n{lines}\n-->"


# --------------------------------------------------------------------------- helpers


def _zones(session: Session) -> tuple[Zone, ...]:
    return session.settings.time_zones or (Zone("UTC", "UTC"),)


def _by_page(sessions: Sequence[Session]) -> dict[str, list[Session]]:
    pages: dict[str, list[Session]] = defaultdict(list)
    for session in sorted(sessions, key=lambda s: (s.start, s.id)):
        if session.signup_page:
            pages[session.signup_page].append(session)
    return dict(pages)


def list_rules(ctx: Context, sessions: Sequence[Session], names: Names,
               closed_note: str | None = None) -> ListRules:
    settings = sessions[0].settings
    trusted = {ctx.wiki.site.username(), *settings.organizers,
               *(h for s in sessions for h in s.hosts)}
    return ListRules(
        heading=settings.signup_heading,
        waiting_heading=msg(ctx.wiki.site, "waiting-list-heading"),
        capacity=settings.capacity,
        names=Names(names.user, names.contribs, settings.unsigned_template),
        trusted=frozenset(normalize_user(u) for u in trusted if u),
        closed_note=closed_note,
    )


def link_names(ctx: Context) -> Names:
    """How this wiki writes a user link (its own namespace names and aliases)."""
    user, contribs = ctx.wiki.user_link_names()
    return Names(user, contribs)


def read_signed(ctx: Context, sessions: Iterable[Session], texts: Mapping[str, str],
                names: Names | None = None) -> dict[str, Signed]:
    """Session id -> who counts on its sign-up page, whose text is in ``texts`` (by
    title; a session whose page is not there is left out).

    The one reading of a list for a count or a reminder: with the rules `keep_list`
    keeps the page by (those of the first session naming it), so a count is what the
    job keeps, on any wiki and with any unsigned template.
    """
    names = names or link_names(ctx)
    groups = _by_page(ctx.config.sessions)
    by_page: dict[str, Signed] = {}
    found: dict[str, Signed] = {}
    for session in sessions:
        title = session.signup_page or ""
        if title not in texts:
            continue
        if title not in by_page:
            rules = list_rules(ctx, groups.get(title) or [session], names)
            by_page[title] = signed(texts[title], rules)
        found[session.id] = by_page[title]
    return found


def signed_up(ctx: Context, sessions: Iterable[Session],
              pages: Mapping[str, pywikibot.Page]) -> dict[str, Signed]:
    """`read_signed` on loaded pages: a sign-up page that does not exist has no count."""
    sessions = list(sessions)
    texts = {}
    for session in sessions:
        page = pages.get(session.signup_page or "")
        if session.signup_page and page is not None and page.exists():
            texts[session.signup_page] = page.text
    return read_signed(ctx, sessions, texts)


def _closed_note(ctx: Context, sessions: Sequence[Session]) -> str | None:
    last = max(sessions, key=lambda s: s.end)
    if ctx.now < last.end:
        return None
    site = ctx.wiki.site
    return msg(site, "signups-closed",
               date=long_date(last.end, _zones(last)[0], words=date_words(site)))


def _summary(ctx: Context, outcome: Outcome, closing: bool) -> str:
    site = ctx.wiki.site
    parts = []
    if closing:
        parts.append(msg(site, "attendees-closed"))
    if outcome.restored:
        parts.append(msg(site, "attendees-restored", count=len(outcome.restored),
                         users=", ".join(sorted({r.by for r in outcome.restored}))))
    if outcome.unsigned:
        parts.append(msg(site, "attendees-unsigned", count=len(outcome.unsigned)))
    if outcome.duplicates:
        parts.append(msg(site, "attendees-duplicates", count=len(outcome.duplicates)))
    if outcome.waitlisted:
        parts.append(msg(site, "attendees-waitlisted", count=len(outcome.waitlisted)))
    if outcome.promoted:
        parts.append(msg(site, "attendees-promoted", count=len(outcome.promoted)))
    if not parts:
        parts.append(msg(site, "attendees-tidied"))
    return msg(site, "summary-attendees", changes="; ".join(parts))


# --------------------------------------------------------------------------- the list


def _create(ctx: Context, title: str, sessions: Sequence[Session],
            page: pywikibot.Page) -> int | None:
    """Create a missing sign-up page for a session still to come; its revision id."""
    upcoming = [s for s in sessions if s.end > ctx.now and s.status != "cancelled"]
    if not upcoming:
        return None
    site = ctx.wiki.site
    texts = SignupTexts(when=msg(site, "signup-when"), platform=msg(site, "signup-platform"),
                        hosts=msg(site, "signup-hosts"), intro=msg(site, "signup-intro"),
                        instructions=msg(site, "signup-instructions"),
                        dates=date_words(site))
    text = render_signup_page(upcoming[0], _zones(upcoming[0]), texts)
    summary = msg(site, "summary-signup-created", title=upcoming[0].title)
    result = ctx.save(Edit(title, lambda old: old if old.strip() else text, summary,
                           create=True, minor=False), page)
    return result.revid if result.edited else None


def _own_edit_on(ctx: Context, page: pywikibot.Page, seen: int | None) -> bool:
    """Whether the page's newest revision is the bot's own edit saved right on top of
    revision ``seen``: it holds nothing the bot did not know when it saved it. (The
    batched read brought the newest revision's parent and author: no request.)"""
    if seen is None:
        return False
    newest = page.latest_revision
    return (newest.parentid == seen
            and normalize_user(newest.user or "") == normalize_user(ctx.wiki.site.username()))


def keep_list(ctx: Context, title: str, sessions: Sequence[Session], page: pywikibot.Page,
              seen: int | None, names: Names) -> tuple[int | None, str]:
    """Put the page's list right; the last revision read afterwards (see the module's
    docstring) and the page's text."""
    if not page.exists():
        return _create(ctx, title, sessions, page), ""
    if page.isRedirectPage():
        ctx.report.skip(title, "the sign-up page is a redirect; name its target in the config")
        return seen, ""
    text = page.text
    rules = list_rules(ctx, sessions, names, _closed_note(ctx, sessions))
    if is_closed(text, rules.heading):
        return seen, text
    read = page.latest_revision_id
    history = History()
    if seen != read and _own_edit_on(ctx, page, seen):
        read = seen
    elif seen != read:
        base, revisions = ctx.wiki.history_since(page, seen)
        history = read_history(base.text if base else "", revisions, rules)
    outcome = maintain(text, rules, history)
    if not outcome.found:
        ctx.report.skip(title, f"the page has no section {rules.heading!r} holding the "
                        "attendee list; add it (or set signup_heading in the config)")
        return seen, text
    # Said about the list as it is saved: a line the history attributes is signed.
    for number, _line, message in list_problems(outcome.text, rules):
        ctx.report.problems.append(Problem(title, "", "", "", message, f"line {number}"))
    if outcome.text == text:
        return read, text
    for removal in outcome.restored:
        ctx.report.notes.append(
            f"Put back {removal.signer}'s signature on [[{title}]]: {removal.by} removed it "
            f"in revision {removal.revid} ({removal.timestamp:%Y-%m-%d %H:%M} UTC), and "
            f"{removal.by} is neither {removal.signer} nor an organizer.")
    result = ctx.save(Edit(title, lambda old: maintain(old, rules, history).text,
                           _summary(ctx, outcome, rules.closed_note is not None)), page)
    # Not the bot's new revision: one saved by someone else between the read and the save
    # (an edit conflict recomputed, or an edit MediaWiki merged) is read on the next run.
    if result.edited:
        return read, outcome.text
    if result.outcome == "unchanged":
        return read, text
    return seen, text


# --------------------------------------------------------------------------- reminder


def reminder_due(session: Session, now: datetime) -> bool:
    """Whether the session's attendees should be reminded at ``now``."""
    lead = session.settings.remind_before
    return (lead is not None and bool(session.signup_page) and session.status == "scheduled"
            and session.start - lead <= now < session.start)


def reminder_marker(session_id: str, part: int = 1) -> str:
    suffix = f" part {part}" if part > 1 else ""
    return f"<!-- outreachbot:reminder {session_id}{suffix} -->"


def end_marker(session_id: str) -> str:
    return f"<!-- outreachbot:reminder-end {session_id} -->"


def pinged(talk_text: str, session_id: str) -> tuple[int, set[str]]:
    """How many parts of the reminder are on the talk page, and whom they pinged."""
    mark = re.compile(r"<!-- outreachbot:reminder " + re.escape(session_id)
                      + r"(?: part \d+)? -->")
    parts, names = 0, set()
    for line in talk_text.split("\n"):
        if mark.search(line):
            parts += 1
            for ping in _PING.finditer(line):
                names |= {normalize_user(n) for n in ping.group(1).split("|") if n.strip()}
    return parts, names


def _in_contributions(ctx: Context, session: Session, talk: pywikibot.Page) -> bool:
    """Whether the bot's own edits show a reminder for the session (the talk page may
    have been archived or reverted since)."""
    title = talk.title()
    since = session.start - (session.settings.remind_before or timedelta(0)) - timedelta(days=1)
    for edit in ctx.wiki.contributions(since):
        if f"({session.id})" in str(edit.get("comment", "")) and (
                edit.get("title") == title or str(edit.get("title")).startswith(title + "/")):
            return True
    return False


def remind(ctx: Context, session: Session, signup_text: str, talk: pywikibot.Page,
           names: Names) -> None:
    """Ping the session's attendees on the sign-up talk page, once."""
    site = ctx.wiki.site
    talk_text = talk.text if talk.exists() else ""
    if end_marker(session.id) in talk_text:
        return
    parts, done = pinged(talk_text, session.id)
    if not parts and _in_contributions(ctx, session, talk):
        ctx.report.notes.append(f"The reminder for {session.id} was posted before (the bot's "
                                f"contributions show it); not posting it again.")
        return
    bot = normalize_user(site.username())
    title = session.signup_page or ""
    attending = read_signed(ctx, [session], {title: signup_text}, names)[session.id].attendees
    todo = [n for n in attending if n not in done and n != bot]
    if not todo:
        return
    batches = [todo[i:i + MAX_PINGS] for i in range(0, len(todo), MAX_PINGS)]
    words = date_words(site)
    when = when_in_zones(session.start, _zones(session), words=words)
    body = msg(site, "reminder-body", title=inline(session.title), when=when,
               lead=format_duration(session.start - ctx.now, words=words),
               page=session.signup_page or "",
               join=url(session.join) if session.join else inline(session.platform) or "-")
    for index, batch in enumerate(batches):
        part = parts + index + 1
        marker = reminder_marker(session.id, part)
        tail = f" {end_marker(session.id)}" if index == len(batches) - 1 else ""
        ping = "{{ping|" + "|".join(batch) + "}}"
        if part == 1:
            heading = msg(site, "reminder-heading", title=inline(session.title))
            addition = f"== {heading} ==\n{ping} {body} ~~~~ {marker}{tail}\n"
        else:
            addition = f":{ping} ~~~~ {marker}{tail}\n"

        def change(old: str, addition: str = addition, marker: str = marker,
                   part: int = part) -> str:
            if marker in old:
                return old
            if not old.strip():
                return addition
            return f"{old.rstrip()}{chr(10) * (2 if part == 1 else 1)}{addition}"

        summary = msg(site, "summary-reminder", title=shorten(session.title), id=session.id,
                      count=len(batch))
        result = ctx.save(Edit(talk.title(), change, summary, create=True, minor=False),
                          talk if index == 0 else None)
        if not result.edited and result.outcome != "simulated":
            return


# --------------------------------------------------------------------------- run


def run(ctx: Context) -> None:
    by_page = _by_page(ctx.config.sessions)
    if not by_page:
        ctx.report.notes.append("No session names a signup_page: nothing to do.")
        return
    due = [s for s in ctx.config.sessions if reminder_due(s, ctx.now)]
    talks = {s.id: ctx.wiki.page(s.signup_page or "").toggleTalkPage().title() for s in due}
    status = ctx.config.settings.status_page
    pages = ctx.wiki.pages([*by_page, *talks.values(), *([status] if status else [])])
    ctx.report.checked += len(by_page) + len(talks)
    seen = read_seen(pages[status].text) if status and pages[status].exists() else {}
    names = link_names(ctx)
    now_seen: dict[str, int] = {}
    texts: dict[str, str] = {}
    for title, sessions in by_page.items():
        revid, texts[title] = keep_list(ctx, title, sessions, pages[title], seen.get(title),
                                        names)
        if revid is not None:
            now_seen[title] = revid
    for session in due:
        remind(ctx, session, texts.get(session.signup_page or "", ""), pages[talks[session.id]],
               names)
    if status and any(seen.get(t) != r for t, r in now_seen.items()) and not ctx.wiki.simulate:
        _save_seen(ctx, status, now_seen, pages[status])


def _save_seen(ctx: Context, status: str, now_seen: Mapping[str, int],
               page: pywikibot.Page) -> None:
    intro = msg(ctx.wiki.site, "status-intro")

    def change(old: str) -> str:
        merged = {**read_seen(old), **now_seen}
        return ensure_block(old if old.strip() else intro + "\n", SEEN_BLOCK,
                            render_seen(merged))

    ctx.save(Edit(status, change, msg(ctx.wiki.site, "summary-attendees-seen"), create=True),
             page)
