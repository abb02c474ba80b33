"""The tasks page rules: reading task templates, the task table, the worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime

from outreachbot.rules.tasks import (
    Links,
    Member,
    Task,
    Topic,
    needing_articles,
    read_tasks,
    render_tasks,
    render_worklist,
    walk_tree,
)

NOW = datetime(2020, 5, 20, tzinfo=UTC)
PAGE = "Group/Tasks"

TEXT = """Intro.
{{Outreachbot task | task = Lead task | due = 2020-06-01}}
== [[Outreach]] work ==
{{outreachbot_task
| task = Write the post
| description = Two lines.
| line two
| owner = Mylee, [[User:Carol|Carol]]
| due = 2020-05-15
| status = doing
}}
=== Done things ===
{{Outreachbot task | task = Book rooms | status = done | done = 2020-05-10 }}
<!-- {{Outreachbot task | task = commented out}} -->
"""


def test_tasks_are_read_with_their_sections():
    tasks, problems = read_tasks(TEXT, PAGE)
    assert [(t.title, t.section) for t in tasks] == [
        ("Lead task", ""), ("Write the post", "Outreach work"), ("Book rooms", "Done things")]
    post = tasks[1]
    assert post.owners == ("Mylee", "Carol")
    assert post.due == date(2020, 5, 15)
    assert post.status == "doing"
    assert tasks[2].done == date(2020, 5, 10)
    # "line two" has no parameter name: reported, the task still listed.
    assert [(p.param, p.value, p.item) for p in problems] == [("1", "line two", "Write the post")]


def test_bad_values_are_reported_and_the_task_kept():
    text = ("== Tasks ==\n{{Outreachbot task | task = T | due = 2020-06-31 | status = finished"
            " | ownr = Bob}}\n{{Outreachbot task | description = no title}}")
    tasks, problems = read_tasks(text, PAGE)
    assert [(t.title, t.due, t.status) for t in tasks] == [("T", None, "open")]
    messages = {p.param: str(p) for p in problems}
    assert messages["due"] == ("[[Group/Tasks]] {{Outreachbot task}} 'T' | due = '2020-06-31': "
                               "'2020-06-31' is not a date: June has 30 days")
    assert "'finished' is not one of the accepted values; write one of open, doing, done" \
        in messages["status"]
    assert "did you mean 'owner'?" in messages["ownr"]
    assert "this task has no 'task'" in messages["task"]
    assert all(p.page == PAGE and p.template == "Outreachbot task" for p in problems)


def test_the_table_orders_by_due_date_then_title_and_marks_overdue():
    tasks = [Task("b", PAGE, due=date(2020, 6, 1)), Task("A", PAGE, due=date(2020, 6, 1)),
             Task("late", PAGE, "Sec", due=date(2020, 5, 1), owners=("Mylee",)),
             Task("someday", PAGE)]
    block = render_tasks(tasks, NOW)
    titles = [line[5:-3] for line in block.splitlines() if line.startswith("| '''")]
    assert titles == ["late", "A", "b", "someday"]
    assert "| data-sort-value=\"2020-05-01\" | 2020-05-01 '''overdue'''" in block
    assert "| data-sort-value=\"2020-06-01\" | 2020-06-01\n" in block
    assert f"| [[{PAGE}#Sec|{PAGE} § Sec]]\n| [[User:Mylee|Mylee]]" in block
    assert render_tasks(list(reversed(tasks)), NOW) == block  # stable whatever the input


def test_done_tasks_stay_under_recently_done_for_30_days():
    tasks = [Task("open one", PAGE), Task("done", PAGE, status="done", done=date(2020, 5, 10))]
    assert "* 2020-05-10: '''done''', [[Group/Tasks]]" in render_tasks(tasks, NOW)
    assert "done" in render_tasks(tasks, datetime(2020, 6, 9, tzinfo=UTC))
    later = render_tasks(tasks, datetime(2020, 6, 10, tzinfo=UTC))
    assert "Recently done" not in later and "'''done'''" not in later
    assert render_tasks([], NOW) == "''No open tasks.''"


def test_a_description_cannot_break_the_table():
    block = render_tasks([Task("t", PAGE, description="ok\n|} oops\n! also")], NOW)
    assert "\n&#124;} oops\n<nowiki/>! also\n" in block


TREE = {
    "Category:A": [Member("Category:A1", 14), Member("x", 0, True), Member("y", 0)],
    "Category:A1": [Member("Category:A", 14), Member("z", 0, True), Member("x", 0, True),
                    Member("Talk:z", 1, True)],
    "Category:B": [Member("z", 0, True)],
}


def fetch(asked):
    def members(category):
        asked.append(category)
        return TREE.get(category, [])
    return members


def test_walk_handles_cycles_and_depth():
    asked: list[str] = []
    assert needing_articles("Category:A", 5, fetch(asked)) == ["x", "z"]
    assert asked == ["Category:A", "Category:A1"]  # each category once despite the cycle
    assert needing_articles("Category:A", 0, fetch([])) == ["x"]
    assert [m.title for m in walk_tree("Category:A", 1, fetch([]))] == ["x", "y", "z", "Talk:z"]


def test_worklist_links_across_wikis_and_says_when_nothing_is_found():
    topics = [Topic("Category:B", ("z", "a b", "c")), Topic("Category:C", ())]
    local = render_worklist(topics, 2, Links())
    assert local == ("'''[[:Category:B|B]]''': 3 articles need citations\n* [[a b]]\n* [[c]]\n"
                     "'''[[:Category:C|C]]''': ''No articles found.''")
    assert "* [[:en:a b|a b]]" in render_worklist(topics, 2, Links(prefix="en"))
    external = render_worklist(topics, 2, Links(url="https://x.org/wiki/{}"))
    assert "* [https://x.org/wiki/a_b a b]" in external
    assert "'''[https://x.org/wiki/Category:B B]'''" in external
    assert render_worklist(topics[:1], 5, Links()).count("\n* ") == 3
    assert "1 article needs citations" in render_worklist([Topic("Category:D", ("q",))], 5,
                                                           Links())
