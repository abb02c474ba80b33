"""The tasks job end to end on the real local wiki, at a fixed clock."""

from __future__ import annotations

import math
from datetime import timedelta

from outreachbot import runner
from outreachbot.jobs import tasks as job
from outreachbot.jobs.base import Context
from outreachbot.localwiki_seed import (
    CONFIG_PAGE,
    NEEDS_CATEGORY,
    STATUS_PAGE,
    TASK_PAGES,
    TASKS_PAGE,
)
from outreachbot.report import JobReport
from outreachbot.rules.blocks import read_block
from outreachbot.steering import load_config
from outreachbot.wiki import Wiki

OUTREACH, OFFICE_HOURS, WIKIDATA = TASK_PAGES


def run_tasks(site, now):
    return runner.run(Wiki(site, simulate=False), [CONFIG_PAGE], ["tasks"], now)


def table_rows(block: str) -> list[str]:
    """The task titles of the table, in the order shown."""
    table = block.split("|}")[0]
    return [line.split("'''")[1] for line in table.splitlines() if line.startswith("| '''")]


def recently_done(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.startswith("* ")]


def set_config(client, old: str, new: str) -> None:
    text = client.text(CONFIG_PAGE)
    assert old in text
    client.edit(CONFIG_PAGE, text.replace(old, new), "Worklist settings")


def test_the_table_lists_the_tasks_of_every_source_page_by_due_date(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    before = admin.text(TASKS_PAGE)

    reports = run_tasks(site, seed_now)

    text = admin.text(TASKS_PAGE)
    tasks = read_block(text, "tasks")
    assert tasks.startswith('{| class="wikitable sortable"\n! Task !! Where !! Owner !! Due')
    # Due date first (none last), then title; the done task is not in the table.
    assert table_rows(tasks) == [
        "Write the #1lib1ref blog post",  # due 2020-05-15, overdue
        "Translate the campaign page into French",  # 2020-05-26
        "Send the newsletter",  # 2020-06-14
        "Collect questions for the Asia and Pacific session",  # its due date is bad
        "Update the library identifiers guide",  # no due date
    ]
    assert ('| data-sort-value="2020-05-15" | 2020-05-15 \'\'\'overdue\'\'\'' in tasks)
    assert '| data-sort-value="2020-05-26" | 2020-05-26\n' in tasks
    assert f"| [[{OUTREACH}#Newsletter|{OUTREACH} § Newsletter]]" in tasks
    assert "| [[User:Mylee|Mylee]], [[User:Carol|Carol]]" in tasks
    assert "A short post for the Wikimedia blog" in tasks
    assert recently_done(tasks) == [
        f"* 2020-05-17: '''Book the Zoom rooms for the office hours''', "
        f"[[{OFFICE_HOURS}#Before the sessions|{OFFICE_HOURS} § Before the sessions]] "
        "([[User:Merrilee|Merrilee]])"]
    # Everything outside the blocks is kept.
    assert text.split("<!-- outreachbot:begin tasks -->")[0] == \
        before.split("<!-- outreachbot:begin tasks -->")[0]
    assert reports[0].outcome == "ok"
    assert admin.revisions(TASKS_PAGE)[0]["comment"] == \
        "Bot: update the open tasks (5 open, 1 recently done) and the worklist"


def test_a_bad_task_template_is_reported_and_the_others_are_still_listed(
        seeded, site, seed_now, client_for):
    alice = client_for("Alice")
    page = alice.text(WIKIDATA)
    alice.edit(WIKIDATA, page.replace("| status = open", "| status = ongoing\n| owners = Bob"),
               "Task status")

    reports = run_tasks(site, seed_now)

    status = read_block(client_for("Admin").text(STATUS_PAGE), "status-tasks")
    assert (f"[[{OFFICE_HOURS}]] <code><nowiki>{{{{Outreachbot task}}}}</nowiki></code> "
            "<nowiki>Collect questions for the Asia and Pacific session</nowiki>, parameter "
            "<code><nowiki>due</nowiki></code> = <code><nowiki>31 June</nowiki></code>: "
            "<nowiki>'31 June' is not a date in the form YYYY-MM-DD") in status
    assert ("parameter <code><nowiki>status</nowiki></code> = <code><nowiki>ongoing</nowiki>"
            "</code>: <nowiki>'ongoing' is not one of the accepted values; write one of open, "
            "doing, done</nowiki>") in status
    assert "parameter <code><nowiki>owners</nowiki></code> = <code><nowiki>Bob</nowiki>" \
        "</code>: <nowiki>'owners' is not a parameter of {{Outreachbot task}}; did you mean " \
        "'owner'?</nowiki>" in status
    assert len(reports[0].problems) == 3
    tasks = read_block(client_for("Admin").text(TASKS_PAGE), "tasks")
    assert "Update the library identifiers guide" in table_rows(tasks)
    assert len(table_rows(tasks)) == 5


def test_a_task_marked_done_moves_to_recently_done_and_drops_off_after_30_days(
        seeded, site, seed_now, client_for):
    mylee = client_for("Mylee")
    page = mylee.text(OUTREACH)
    mylee.edit(OUTREACH, page.replace("| status      = doing",
                                      "| status      = done\n| done        = 2020-05-19"),
               "Blog post published")

    run_tasks(site, seed_now)
    tasks = read_block(client_for("Admin").text(TASKS_PAGE), "tasks")
    assert "Write the #1lib1ref blog post" not in table_rows(tasks)
    assert recently_done(tasks)[0].startswith(
        "* 2020-05-19: '''Write the #1lib1ref blog post''', ")
    assert len(recently_done(tasks)) == 2

    run_tasks(site, seed_now + timedelta(days=29))  # 2020-06-18: 30 days since
    assert "* 2020-05-19: '''Write the #1lib1ref blog post'''" in read_block(
        client_for("Admin").text(TASKS_PAGE), "tasks")

    run_tasks(site, seed_now + timedelta(days=30))  # 31 days since
    tasks = read_block(client_for("Admin").text(TASKS_PAGE), "tasks")
    assert "Write the #1lib1ref blog post" not in tasks
    assert "Recently done" not in tasks


def test_a_rerun_with_nothing_changed_makes_no_edit(seeded, site, seed_now, client_for):
    run_tasks(site, seed_now)
    admin = client_for("Admin")
    revs = {t: admin.lastrevid(t) for t in (TASKS_PAGE, STATUS_PAGE)}

    again = run_tasks(site, seed_now + timedelta(hours=1))

    assert again[0].edit_count == 0
    assert {t: admin.lastrevid(t) for t in revs} == revs


def build_tree(client) -> None:
    """Topic A > A1 > A2 > A (a cycle); topic B; 'Both' is in A1 and B."""
    needs = f"[[{NEEDS_CATEGORY}]]"
    pages = {
        "Category:Topic A": "[[Category:Topic A2]]",
        "Category:Topic A1": "[[Category:Topic A]]",
        "Category:Topic A2": "[[Category:Topic A1]]",
        "Category:Topic B": "",
        "Alpha one": f"[[Category:Topic A]] {needs}",
        "Alpha two": "[[Category:Topic A]]",
        "Alpha three": f"[[Category:Topic A1]] {needs}",
        "Alpha four": f"[[Category:Topic A2]] {needs}",
        "Both": f"[[Category:Topic A1]] [[Category:Topic B]] {needs}",
        "Beta one": "[[Category:Topic B]]",
        "Talk:Alpha one": f"[[Category:Topic A]] {needs}",  # not an article
    }
    for title, text in pages.items():
        client.edit(title, f"Text.\n{text}\n", "Tree")


def test_worklist_counts_a_tree_with_a_cycle_and_an_article_in_two_topics(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    build_tree(admin)
    set_config(admin, "| worklist_topics = Category:Libraries, Category:Librarians\n",
               "| worklist_topics = Category:Topic A, Category:Topic B, Category:Topic C\n")
    set_config(admin, "| worklist_depth  = 1\n", "| worklist_depth  = 5\n")

    run_tasks(site, seed_now)

    worklist = read_block(admin.text(TASKS_PAGE), "worklist")
    assert worklist == "\n".join([
        "'''[[:Category:Topic A|Topic A]]''': 4 articles need citations",
        "* [[Alpha four]]", "* [[Alpha one]]", "* [[Alpha three]]", "* [[Both]]",
        "'''[[:Category:Topic B|Topic B]]''': 1 article needs citations",
        "* [[Both]]",
        "'''[[:Category:Topic C|Topic C]]''': ''No articles found.''",
    ])

    set_config(admin, "| worklist_depth  = 5\n", "| worklist_depth  = 1\n")
    run_tasks(site, seed_now)
    worklist = read_block(admin.text(TASKS_PAGE), "worklist")
    # Depth 1: Topic A and Topic A1, not A2 (Alpha four).
    assert worklist.startswith("'''[[:Category:Topic A|Topic A]]''': 3 articles need citations")


def test_the_seeded_worklist_is_read_in_a_few_batched_requests(
        seeded, site, seed_now, client_for):
    admin = client_for("Admin")
    sizes = admin.get(action="query", prop="categoryinfo", titles="|".join(
        f"Category:{c}" for c in ("Libraries", "Public libraries", "Academic libraries",
                                  "Library history", "Librarians")))
    articles = sum(p["categoryinfo"]["pages"] for p in sizes["query"]["pages"])
    assert articles > 200
    run_tasks(site, seed_now)  # warm Pywikibot's caches (site info, parameter info)
    wiki = Wiki(site, simulate=False)
    config, _ = load_config(wiki, CONFIG_PAGE)
    start = seeded.log_position()
    worklist = job.worklist(Context(wiki, config, seed_now, JobReport("tasks", CONFIG_PAGE,
                                                                      seed_now)))
    requests = seeded.count_api_requests(start)

    # Each of the five categories of the two trees is asked for once (Libraries holds
    # Public, Academic and Library history), whatever the number of articles.
    assert requests <= math.ceil(articles / 500) + 10
    assert requests <= 5
    lines = worklist.splitlines()
    # Public 27 + Academic 27 + Library history 7 (Melvil Dewey among them, who is
    # counted under Librarians too: 20 + 1).
    assert lines[0] == "'''[[:Category:Libraries|Libraries]]''': 61 articles need citations"
    assert lines[11] == "'''[[:Category:Librarians|Librarians]]''': 21 articles need citations"
    assert len(lines) == 2 + 2 * 10  # worklist_size = 10 titles a topic
    assert lines[1:11] == sorted(lines[1:11])


def test_listed_pages_and_subcategories_are_task_sources_too(
        seeded, site, seed_now, client_for):
    alice = client_for("Alice")
    sub = "Category:Wikimedia and Libraries User Group outreach tasks"
    alice.edit(sub, "Outreach to-dos.\n[[Category:Wikimedia and Libraries User Group tasks]]",
               "A subcategory")
    alice.edit("Wikimedia and Libraries User Group/Tasks/Conferences",
               "== IFLA ==\n{{Outreachbot task | task = Book the IFLA stand | owner = Alice "
               f"| due = 2020-06-02 | status = doing}}}}\n[[{sub}]]", "In the subcategory")
    alice.edit("Wikimedia and Libraries User Group/Board",
               "{{Outreachbot task | task = Elect the new board | status = open}}",
               "A page in no task category")
    set_config(client_for("Merrilee"),
               "| task_sources    = Category:Wikimedia and Libraries User Group tasks",
               "| task_sources    = Category:Wikimedia and Libraries User Group tasks, "
               "Wikimedia and Libraries User Group/Board, Wikimedia and Libraries User "
               "Group/No such page")

    reports = run_tasks(site, seed_now)

    tasks = read_block(client_for("Admin").text(TASKS_PAGE), "tasks")
    rows = table_rows(tasks)
    assert "Book the IFLA stand" in rows and "Elect the new board" in rows
    assert len(rows) == 7
    assert ("| [[Wikimedia and Libraries User Group/Tasks/Conferences#IFLA|Wikimedia and "
            "Libraries User Group/Tasks/Conferences § IFLA]]") in tasks
    assert reports[0].skips == [("Wikimedia and Libraries User Group/No such page",
                                 "a task source that does not exist")]
