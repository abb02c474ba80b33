"""Update the open tasks page of an outreachbot config: the task table and the worklist.

Usage::

    python pwb.py outreachbot_tasks -config:TITLE [-config:TITLE ...] [-simulate]

The config page names the tasks page (tasks_page), where tasks are declared with
{{Outreachbot task}} (task_sources), and the campaign worklist (worklist_wiki,
worklist_topics, worklist_needs, worklist_depth, worklist_size). -simulate saves nothing
and shows the diff of every planned edit. The same job runs as
``outreachbot run tasks --config TITLE``.
"""

import sys

from outreachbot.cli import script_main


def main(*args: str) -> int:
    return script_main("tasks", args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
