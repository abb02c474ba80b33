"""What the bot has written on the local wiki, for comparing a run with a clean one.

The times of the bot's own signatures (``~~~~`` under a post) are the wiki's clock at the
moment of the save, so two runs of the same work sign at different minutes; they are
written as ``TIME`` here. Every other byte of every page counts.
"""

from __future__ import annotations

import re
from collections import Counter

BOT = "OutreachBot"
STATUS = f"User:{BOT}/Status"
_BOT_SIGNATURE_TIME = re.compile(
    rf"(\[\[User talk:{BOT}\|talk\]\]\) )\d\d:\d\d, \d{{1,2}} \w+ \d{{4}} \(UTC\)")


def contributions(localwiki, since_rev: int = 0) -> list[dict]:
    """The bot's edits after revision ``since_rev``, newest first (title and revid)."""
    data = localwiki.client("Admin").get(action="query", list="usercontribs", ucuser=BOT,
                                         uclimit="max", ucprop="title|ids")
    return [c for c in data["query"]["usercontribs"] if c["revid"] > since_rev]


def unclocked(text: str | None) -> str | None:
    return None if text is None else _BOT_SIGNATURE_TIME.sub(r"\1TIME", text)


def pages(localwiki, since_rev: int = 0) -> dict[str, str | None]:
    """Every page the bot edited after ``since_rev`` but its status page, with its text."""
    titles = sorted({c["title"] for c in contributions(localwiki, since_rev)} - {STATUS})
    texts = localwiki.client("Admin").texts(titles)
    return {title: unclocked(texts[title]) for title in titles}


def revisions_per_page(localwiki, since_rev: int = 0) -> Counter[str]:
    """How many revisions the bot made on each page (its status page included), not
    counting one that changed nothing but the time of its own signature: a post sent
    again after the wiki did not answer in time is saved once more only when its
    ``~~~~`` now signs at a later minute, and that is neither a lost edit nor a second
    post."""
    admin = localwiki.client("Admin")
    counts: Counter[str] = Counter()
    for title in sorted({c["title"] for c in contributions(localwiki, since_rev)}):
        previous = None
        for rev in reversed(admin.revisions(title)):  # oldest first
            text = unclocked(rev["content"])
            if rev["user"] == BOT and rev["revid"] > since_rev and text != previous:
                counts[title] += 1
            previous = text
    return counts
