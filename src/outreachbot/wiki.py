"""The one place that talks to the wiki: batched reads and safe saves.

An edit is a value first (`Edit`: a title, a function from the current text to the new
text, a summary) and an action second. Saving one here is where the no-op check, the
``-simulate`` diff, the ``{{bots}}`` check, the edit-conflict retry on fresh text and the
emergency stop live, so no job can forget one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pywikibot
from pywikibot import exceptions as pwb_errors

from outreachbot.edits import Edit, Saved
from outreachbot.errors import ShutoffError
from outreachbot.i18n import msg
from outreachbot.trust import Revision

SHUTOFF_EVERY = 10  # edits between two looks at the shutoff page (SPEC section 2)
MAX_CONFLICT_RETRIES = 3  # fresh recomputations after an edit conflict before giving up


@dataclass(frozen=True)
class AccountProblem:
    """Why the logged-in account may not run the bot: the message
    ``outreachbot-account-KEY`` with its parameters, and how serious it is:

    - ``identity``: not the configured account, or none: nothing runs, not even a
      ``-simulate`` run or a read-only command;
    - ``rights``: a right the bot needs to edit is missing (blocked, no ``edit``, no bot
      flag): a run that edits is refused; a ``-simulate`` run goes on with a warning;
    - ``notice``: worth a warning only.
    """

    key: str
    params: dict[str, str] = field(default_factory=dict)
    level: str = "rights"

    def text(self, lang: object) -> str:
        return msg(lang, f"account-{self.key}", **self.params)


def account_problems(userinfo: Mapping[str, Any], expected: str | None, site: str, *,
                     bot_flag: bool = True) -> list[AccountProblem]:
    """What is wrong with the account, from the API's ``meta=userinfo`` answer
    (``uiprop=rights|groups|blockinfo``); ``expected`` is the configured account name.

    The bot flag is the ``bot`` right, not membership of the ``bot`` group: a BotPassword
    without the "High-volume editing" grant is in the group but has not the right,
    and MediaWiki then saves the edits unflagged.
    """
    where = {"user": expected or "?", "site": site}
    name = str(userinfo.get("name") or "")
    if "anon" in userinfo or not userinfo.get("id") or not name:
        return [AccountProblem("not-logged-in", where, "identity")]
    if expected and name != expected:
        return [AccountProblem("wrong-user", {**where, "actual": name}, "identity")]
    rights = set(userinfo.get("rights", ()))
    groups = set(userinfo.get("groups", ()))
    problems = []
    # The API gives the block's fields (blockid, blockedby, ...) in userinfo itself;
    # some clients nest them under "blockinfo".
    block = userinfo.get("blockinfo") or (userinfo if "blockid" in userinfo else None)
    if block:
        details = {**where, "by": str(block.get("blockedby") or "?"),
                   "reason": str(block.get("blockreason") or "-"),
                   "expiry": str(block.get("blockexpiry") or "?")}
        if block.get("blockpartial"):
            problems.append(AccountProblem("partial-block", details, "notice"))
        else:
            problems.append(AccountProblem("blocked", details))
    if "edit" not in rights:
        problems.append(AccountProblem("no-edit", where))
    if "bot" not in rights:
        key = "no-bot-grant" if "bot" in groups else "no-bot-flag"
        if bot_flag:
            problems.append(AccountProblem(key, where))
        else:
            problems.append(AccountProblem("without-bot-flag", where, "notice"))
    return problems


class Wiki:
    """A site with the bot's rules for reading and writing it."""

    def __init__(self, site: pywikibot.site.APISite, *, simulate: bool | None = None) -> None:
        self.site = site
        self.simulate = bool(pywikibot.config.simulate) if simulate is None else simulate
        self.saved: list[Saved] = []
        self._since_shutoff_check = 0
        # Set by the scheduler: True once SIGTERM/SIGINT asked it to stop; the edit being
        # made is finished, the next one is refused.
        self.stop_requested: Callable[[], bool] = lambda: False
        self._link_names: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    # -- the account -----------------------------------------------------------------

    def account_problems(self, *, bot_flag: bool = True) -> list[AccountProblem]:
        """What keeps the logged-in account from running the bot (see `account_problems`).

        Asks nothing of the wiki: Pywikibot's login already read ``meta=userinfo`` with
        ``uiprop=blockinfo|groups|rights`` and keeps the answer.
        """
        info = self.site.userinfo
        if "rights" not in info or "groups" not in info:  # read without them: read again
            del self.site.userinfo
            info = self.site.userinfo
        return account_problems(info, self.site.username(), str(self.site),
                                bot_flag=bot_flag)

    # -- reading -------------------------------------------------------------------

    @property
    def shutoff_title(self) -> str:
        return f"User:{self.site.username()}/Shutoff"

    def page(self, title: str) -> pywikibot.Page:
        return pywikibot.Page(self.site, title)

    def pages(self, titles: Iterable[str], *, shutoff: bool = True, categories: bool = False,
              templates: bool = True) -> dict[str, pywikibot.Page]:
        """Load the pages in as few requests as the API allows (500 titles for a bot).

        The result maps each requested title (as given) to its page, missing pages
        included. With ``shutoff`` the shutoff page rides along in the same batch and is
        checked: `ShutoffError` is raised before anything is returned. With
        ``categories`` each page's categories come in the same batch; with ``templates``
        (the default) the templates it uses, so that the ``{{bots}}`` check before a save
        asks nothing more.
        """
        wanted: dict[str, pywikibot.Page] = {}
        for title in titles:
            if title not in wanted:
                wanted[title] = self.page(title)
        batch = list({p.title(): p for p in wanted.values()}.values())
        stop_page = self.page(self.shutoff_title) if shutoff else None
        if stop_page is not None:
            batch.append(stop_page)
        loaded = {p.title(): p for p in self.site.preloadpages(
            batch, quiet=True, categories=categories, templates=templates)}
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

    def history(self, title: str, limit: int = 50,
                older_than: int | None = None) -> list[Revision]:
        """The newest ``limit`` revisions with their text, oldest first, in one request.

        With ``older_than`` (a revision of the page) the ``limit`` revisions before that
        one instead: fewer than ``limit`` means the history reaches back to the page's
        creation.
        """
        page = self.page(title)
        try:  # no separate look at whether it exists: that would be a second request
            if older_than is None:
                revs = list(page.revisions(content=True, total=limit))
            else:
                # The history from a start id includes the start revision: one more is
                # asked for, and that one left out. Page.revisions() takes no start id;
                # loadrevisions() fills the page's revision cache.
                self.site.loadrevisions(page, content=True, startid=older_than,
                                        total=limit + 1)
                older = [r for r in page._revisions.values() if r.revid < older_than]
                revs = sorted(older, key=lambda r: r.revid, reverse=True)[:limit]
        except pwb_errors.NoPageError:
            return []
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

    def history_since(self, page: pywikibot.Page, revid: int | None,
                      limit: int = 50) -> tuple[Revision | None, list[Revision]]:
        """The base revision and the revisions after it, oldest first, with their text.

        With ``revid`` the base is that revision and the history is read from it on (one
        request per 500 revisions for a bot); without one, the newest ``limit`` revisions
        are read, and the base is None when they reach back to the page's creation (else
        the oldest of them). A base that no longer exists (deleted) reads as None.
        """
        if not page.exists():
            return None, []
        kwargs: dict[str, object] = ({"startid": revid, "rvdir": True} if revid
                                     else {"total": limit})
        self.site.loadrevisions(page, content=True, **kwargs)
        # loadrevisions fills the page's revision cache; Page.revisions() would ask again.
        cached = sorted(page._revisions.values(), key=lambda r: r.revid)
        revs = [r for r in cached if revid is None or r.revid >= revid]
        history = [Revision(revid=r.revid, user=r.user or "",
                            timestamp=r.timestamp.replace(tzinfo=UTC), text=r.text or "")
                   for r in revs]
        if revid is not None:
            if history and history[0].revid == revid:
                return history[0], history[1:]
            return None, history
        if history and revs[0].parentid:
            return history[0], history[1:]
        return None, history

    def user_link_names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """How this wiki may write a user link: every name and alias of the User and
        User talk namespaces, and every ``Special:Contributions`` spelling (the Special
        namespace's names times the page's aliases). Read once per run."""
        if self._link_names is None:
            namespaces = self.site.namespaces
            users = tuple(dict.fromkeys([*namespaces[2], *namespaces[3]]))
            aliases = ["Contributions"]
            for entry in self.site.siteinfo.get("specialpagealiases", []):
                if entry.get("realname") == "Contributions":
                    aliases += entry.get("aliases", [])
            contribs = tuple(dict.fromkeys(
                f"{special}:{alias}" for special in namespaces[-1] for alias in aliases))
            self._link_names = (users, contribs)
        return self._link_names

    def members_of(self, users: Iterable[str], groups: Iterable[str]) -> set[str]:
        """Those of ``users`` who are in one of ``groups`` (one request per 500 names)."""
        wanted = set(groups)
        names = sorted({u for u in users if u})
        found: set[str] = set()
        for info in self.site.users(names):
            if wanted & set(info.get("groups", ())):
                found.add(info["name"])
        return found

    def category_members(self, category: str, namespaces: Iterable[int] = (),
                         also_in: str | None = None) -> list[tuple[str, int, bool]]:
        """(title, namespace, whether also in the category ``also_in``) of each member.

        One request lists as many members as the account may ask for (500, or 5,000 for
        a bot) and says for each whether it is in ``also_in`` too: membership is never
        tested one page at a time.
        """
        from pywikibot.data import api

        parameters: dict[str, Any] = {"generator": "categorymembers", "gcmtitle": category}
        if namespaces:
            parameters["gcmnamespace"] = "|".join(str(n) for n in namespaces)
        if also_in:
            parameters.update(prop="categories", clcategories=also_in, cllimit="max")
        found: dict[str, tuple[str, int, bool]] = {}
        for item in api.QueryGenerator(site=self.site, parameters=parameters):
            title = item["title"]
            flagged = bool(item.get("categories")) or found.get(title, ("", 0, False))[2]
            found[title] = (title, int(item["ns"]), flagged)
        return list(found.values())

    def edit_protection(self, pages: Iterable[pywikibot.Page]) -> dict[str, str]:
        """Title -> the edit protection level of each protected page among ``pages``
        (existing or not), one request per 500 titles."""
        titles = sorted({p.title() for p in pages})
        levels: dict[str, str] = {}
        for start in range(0, len(titles), self.site.maxlimit):
            request = self.site.simple_request(action="query", prop="info", inprop="protection",
                                               titles=titles[start:start + self.site.maxlimit])
            for info in request.submit().get("query", {}).get("pages", {}).values():
                for rule in info.get("protection", ()):
                    if rule.get("type") in ("edit", "create"):
                        levels[info["title"]] = rule.get("level", "")
        return levels

    def contributions(self, since: datetime) -> list[dict[str, Any]]:
        """The bot's own edits since ``since``, newest first, with title and summary: one
        query (continued past 5000 edits)."""
        return list(self.site.usercontribs(user=self.site.username(), end=since,
                                           prop="ids|title|timestamp|comment"))

    # -- writing -------------------------------------------------------------------

    def save(self, edit: Edit, page: pywikibot.Page | None = None) -> Saved:
        """Make the edit if it changes the page; see `Edit`. Raises `ShutoffError`."""
        if self.stop_requested():
            raise ShutoffError("the operator is stopping the bot; no further edit is made")
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
        how: dict[str, Any] = {"nocreate": True}
        if exists:
            page.text = new
            # The revision the change was computed on, by id: MediaWiki finds a base given
            # only by its timestamp by the second, and an edit saved in the same second
            # as that base would pass for it, and be overwritten without a conflict.
            how["baserevid"] = page.latest_revision_id
        else:
            # A new page's text goes as ``appendtext`` (``createonly`` makes a page created
            # meanwhile an edit conflict): the same edit, without the requests Pywikibot
            # makes for the text and base revision of a page that does not exist, nor its
            # {{bots}} check (there is no text to hold one).
            how = {"createonly": True, "appendtext": new, "force": True}
        try:
            page.save(
                summary=edit.summary,
                bot=True,
                minor=edit.minor,
                quiet=True,
                apply_cosmetic_changes=False,
                **how,
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
