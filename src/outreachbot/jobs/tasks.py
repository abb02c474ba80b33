"""The tasks job: the *tasks* and *worklist* marked blocks of the open tasks page.

Task pages are the members of the ``task_sources`` categories (and of their direct
subcategories) and the pages listed there; they are read in one batch together with the
tasks page and the shutoff page. Each ``{{Outreachbot task}}`` found is validated; bad
values go to the status page and the task is listed with what is usable.

The worklist is read from ``worklist_wiki`` (this wiki when blank): each category of a topic
tree is asked for once, and the same request says which of its members are also in
``worklist_needs``. A tree of 2,000 articles costs a handful of requests, never one per
article.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache

import pywikibot
from pywikibot import exceptions as pwb_errors

from outreachbot.edits import Edit
from outreachbot.errors import BlockError
from outreachbot.i18n import msg
from outreachbot.jobs.base import Context
from outreachbot.rules import tasks as rules
from outreachbot.rules.blocks import has_markers, replace_block
from outreachbot.wiki import Wiki

TASK_SOURCE_DEPTH = 1  # task categories: their pages and those of their subcategories
BLOCKS = ("tasks", "worklist")


def fill_blocks(text: str, contents: Mapping[str, str]) -> str:
    """Write each block the page has; a page with neither of them is an error."""
    present = [name for name in contents if has_markers(text, name)]
    if not present:
        raise BlockError(
            "the page has neither the marked block 'tasks' nor 'worklist'; add the lines "
            "'<!-- outreachbot:begin tasks -->' and '<!-- outreachbot:end tasks -->' where "
            "the task table should be (and the same with 'worklist' for the worklist)")
    for name in present:
        text = replace_block(text, name, contents[name])
    return text


def _members(wiki: Wiki, namespaces: Sequence[int] = (),
             also_in: str | None = None) -> Callable[[str], list[rules.Member]]:
    """Category members as the rules want them, each category asked for once."""
    @cache
    def members(category: str) -> list[rules.Member]:
        return [rules.Member(title, ns, flagged)
                for title, ns, flagged in wiki.category_members(category, namespaces, also_in)]
    return members


def source_pages(ctx: Context) -> list[str]:
    """The titles of the pages that may declare tasks, in a stable order."""
    members = _members(ctx.wiki)
    titles: list[str] = []
    for source in ctx.config.settings.task_sources:
        if source.startswith("Category:"):
            found = [m.title for m in rules.walk_tree(source, TASK_SOURCE_DEPTH, members)]
        else:
            found = [source]
        titles += [t for t in found if t not in titles]
    return titles


def read_all_tasks(ctx: Context, titles: Sequence[str],
                   pages: Mapping[str, pywikibot.Page]) -> list[rules.Task]:
    """Every task of the source pages; problems go to the report."""
    found: list[rules.Task] = []
    for title in titles:
        page = pages[title]
        if not page.exists():
            ctx.report.skip(title, "a task source that does not exist")
            continue
        tasks, problems = rules.read_tasks(page.text, page.title())
        found += tasks
        ctx.report.problems += problems
    return found


def worklist_site(wiki: Wiki, name: str | None) -> pywikibot.site.BaseSite:
    """The wiki the worklist is read from: this one when ``name`` is blank or names it."""
    if not name or name == wiki.site.hostname():
        return wiki.site
    return pywikibot.Site(url=f"https://{name}")


def worklist_links(here: pywikibot.site.APISite, there: pywikibot.site.APISite) -> rules.Links:
    """Plain links on the same wiki, else an interwiki prefix, else external links."""
    if here == there:
        return rules.Links()
    try:
        return rules.Links(prefix=here.interwiki_prefix(there)[0])
    except KeyError:
        return rules.Links(url=there.base_url(there.articlepath))


def worklist(ctx: Context) -> str:
    """The content of the *worklist* block."""
    settings = ctx.config.settings
    texts = _texts(ctx.wiki.site)
    if not settings.worklist_topics or not settings.worklist_needs:
        return rules.render_worklist((), settings.worklist_size, rules.Links(), texts)
    site = worklist_site(ctx.wiki, settings.worklist_wiki)
    source = ctx.wiki if site == ctx.wiki.site else Wiki(site, simulate=True)
    members = _members(source, (rules.ARTICLE_NAMESPACE, rules.CATEGORY_NAMESPACE),
                       settings.worklist_needs)
    topics = [rules.Topic(topic, tuple(rules.needing_articles(
        topic, settings.worklist_depth, members))) for topic in settings.worklist_topics]
    return rules.render_worklist(topics, settings.worklist_size,
                                 worklist_links(ctx.wiki.site, site), texts)


def _texts(site: pywikibot.site.BaseSite) -> rules.Texts:
    def text(key: str) -> str:
        return msg(site, key)

    return rules.Texts(
        task=text("tasks-column-task"), where=text("tasks-column-where"),
        owner=text("tasks-column-owner"), due=text("tasks-column-due"),
        status=text("tasks-column-status"), overdue=text("tasks-overdue"),
        statuses={s: text(f"tasks-status-{s}") for s in ("open", "doing", "done")},
        no_tasks=text("tasks-none"), recently_done=text("tasks-recently-done"),
        need=lambda count: msg(site, "worklist-count", count=count),
        no_articles=text("worklist-none"), no_topics=text("worklist-no-topics"))


def run(ctx: Context) -> None:
    title = ctx.config.settings.tasks_page
    if not title:
        ctx.report.notes.append("No tasks_page is set in the config: nothing to do.")
        return
    sources = source_pages(ctx)
    pages = ctx.wiki.pages([title, *sources])
    ctx.report.checked += len(pages)
    tasks = read_all_tasks(ctx, sources, pages)
    contents = {"tasks": rules.render_tasks(tasks, ctx.now, _texts(ctx.wiki.site))}
    try:
        contents["worklist"] = worklist(ctx)
    except (pwb_errors.Error, OSError, RuntimeError) as error:  # OSError: requests' errors
        # The tasks block is still worth saving; the worklist keeps its last content.
        ctx.report.notes.append(f"The worklist could not be read from "
                                f"{ctx.config.settings.worklist_wiki}: {error}")
    summary = msg(ctx.wiki.site, "summary-tasks",
                  open=len(rules.open_tasks(tasks)),
                  done=len(rules.recently_done(tasks, ctx.now)))
    try:
        ctx.save(Edit(title, lambda text: fill_blocks(text, contents), summary), pages[title])
    except BlockError as error:
        ctx.report.skip(title, str(error))
