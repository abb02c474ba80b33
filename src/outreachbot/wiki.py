"""The one place that talks to the wiki: batched reads and safe saves.

An edit is a value first (`Edit`: a title, a function from the current text to the new
text, a summary) and an action second. Saving one here is where the no-op check, the
``-simulate`` diff, the ``{{bots}}`` check, the edit-conflict retry on fresh text and the
emergency stop live, so no job can forget one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import pywikibot
from pywikibot import exceptions as pwb_errors

from outreachbot.edits import Edit, Saved
from outreachbot.errors import ShutoffError
from outreachbot.trust import Revision

SHUTOFF_EVERY = 10  # edits between two looks at the shutoff page (SPEC section 2)
MAX_CONFLICT_RETRIES = 3  # fresh recomputations after an edit conflict before giving up


class Wiki:
    """A site with the bot's rules for reading and writing it."""

    def __init__(self, site: pywikibot.site.APISite, *, simulate: bool | None = None) -> None:
        self.site = site
        self.simulate = bool(pywikibot.config.simulate) if simulate is None else simulate
        self.saved: list[Saved] = []
        self._since_shutoff_check = 0

    # -- reading -------------------------------------------------------------------

    @property
    def shutoff_title(self) -> str:
        return f"User:{self.site.username()}/Shutoff"

    def page(self, title: str) -> pywikibot.Page:
        return pywikibot.Page(self.site, title)

    def pages(self, titles: Iterable[str], *, shutoff: bool = True) -> dict[str, pywikibot.Page]:
        """Load the pages in as few requests as the API allows (500 titles for a bot).

        The result maps each requested title (as given) to its page, missing pages
        included. With ``shutoff`` the shutoff page rides along in the same batch and is
        checked: `ShutoffError` is raised before anything is returned.
        """
        wanted: dict[str, pywikibot.Page] = {}
        for title in titles:
            if title not in wanted:
                wanted[title] = self.page(title)
        batch = list({p.title(): p for p in wanted.values()}.values())
        stop_page = self.page(self.shutoff_title) if shutoff else None
        if stop_page is not None:
            batch.append(stop_page)
        loaded = {p.title(): p for p in self.site.preloadpages(batch, quiet=True)}
        if stop_page is not None:
            self._check_shutoff_page(loaded.get(stop_page.title(), stop_page))
        return {t: loaded.get(p.title(), p) for t, p in wanted.items()}

    def check_shutoff(self) -> None:
        """Raise `ShutoffError` while the shutoff page holds anything but ``run``."""
        self.pages([], shutoff=True)

    def _check_shutoff_page(self, page: pywikibot.Page) -> None:
        self._since_shutoff_check = 0
        if not page.exists():
            return
        text = page.text.strip()
        if text.lower() != "run":
            raise ShutoffError(
                f"[[{page.title()}]] says {text[:80]!r}; the bot edits nothing until it "
                "says 'run' or is deleted"
            )

    def history(self, title: str, limit: int = 50) -> list[Revision]:
        """The newest ``limit`` revisions with their text, oldest first, in one request."""
        page = self.page(title)
        if not page.exists():
            return []
        revs = list(page.revisions(content=True, total=limit))
        revs.sort(key=lambda r: r.revid)
        return [
            Revision(
                revid=r.revid,
                user=r.user or "",
                timestamp=r.timestamp.replace(tzinfo=UTC),
                text=r.text or "",
            )
            for r in revs
        ]

    def members_of(self, users: Iterable[str], groups: Iterable[str]) -> set[str]:
        """Those of ``users`` who are in one of ``groups`` (one request per 500 names)."""
        wanted = set(groups)
        names = sorted({u for u in users if u})
        found: set[str] = set()
        for info in self.site.users(names):
            if wanted & set(info.get("groups", ())):
                found.add(info["name"])
        return found

    # -- writing -------------------------------------------------------------------

    def save(self, edit: Edit, page: pywikibot.Page | None = None) -> Saved:
        """Make the edit if it changes the page; see `Edit`. Raises `ShutoffError`."""
        if self._since_shutoff_check >= SHUTOFF_EVERY:
            self.check_shutoff()
        page = page if page is not None else self.page(edit.title)
        for attempt in range(MAX_CONFLICT_RETRIES + 1):
            if attempt:
                page = self.pages([edit.title], shutoff=False)[edit.title]
            result = self._try_save(edit, page)
            if result is not None:
                if result.outcome != "unchanged":
                    why = f": {result.reason}" if result.reason else ""
                    pywikibot.info(f"{result.outcome.capitalize()} [[{edit.title}]]{why}")
                return result
            pywikibot.info(f"Edit conflict on [[{edit.title}]]; recomputing on the fresh text")
        return self._skip(edit, f"edit conflicts {MAX_CONFLICT_RETRIES + 1} times in a row")

    def _try_save(self, edit: Edit, page: pywikibot.Page) -> Saved | None:
        """One attempt; None means an edit conflict: try again on fresh text."""
        exists = page.exists()
        if not exists and not edit.create:
            return self._skip(edit, "the page does not exist")
        if exists and page.isRedirectPage():
            return self._skip(edit, "the page is a redirect")
        old = page.text if exists else ""
        if exists and not page.botMayEdit():
            return self._skip(edit, "{{bots}} or {{nobots}} on the page forbids the bot")
        new = edit.change(old)
        if new == old or (exists and edit.same is not None and edit.same(old, new)):
            return Saved(edit.title, "unchanged")
        if self.simulate:
            pywikibot.info(f"\n<<lightpurple>>>>> {edit.title} <<<<<<<default>>")
            pywikibot.showDiff(old, new)
            pywikibot.info(f"Summary: {edit.summary}")
            return Saved(edit.title, "simulated")
        page.text = new
        try:
            page.save(
                summary=edit.summary,
                bot=True,
                minor=edit.minor,
                quiet=True,
                apply_cosmetic_changes=False,
                **({"nocreate": True} if exists else {"createonly": True}),
            )
        except pwb_errors.EditConflictError:
            return None
        except pwb_errors.LockedPageError:
            return self._skip(edit, "the page is protected")
        except pwb_errors.NoPageError:
            return self._skip(edit, "the page was deleted meanwhile")
        except pwb_errors.OtherPageSaveError as error:
            return self._skip(edit, f"the wiki refused the edit: {error.reason}")
        self._since_shutoff_check += 1
        result = Saved(edit.title, "saved", revid=page.latest_revision_id)
        self.saved.append(result)
        return result

    def _skip(self, edit: Edit, reason: str) -> Saved:
        return Saved(edit.title, "skipped", reason)
