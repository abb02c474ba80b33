"""Update the activities page of an outreachbot config: the upcoming and past sessions.

Usage::

    python pwb.py outreachbot_activities -config:TITLE [-config:TITLE ...] [-simulate]

The config page holds {{Outreachbot config}} and {{Outreachbot session}} templates; it is
read at its newest trusted revision. -simulate saves nothing and shows the diff of every
planned edit. The same job runs as ``outreachbot run activities --config TITLE``.
"""

import sys

from outreachbot.cli import script_main


def main(*args: str) -> int:
    return script_main("activities", args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
