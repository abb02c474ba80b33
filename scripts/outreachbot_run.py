"""Run every outreachbot job in order (attendees, activities, tasks, announcements).

Usage::

    python pwb.py outreachbot_run -config:TITLE [-config:TITLE ...] [-simulate]

The same as ``outreachbot run --config TITLE``.
"""

import sys

from outreachbot.cli import script_main


def main(*args: str) -> int:
    return script_main("", args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
