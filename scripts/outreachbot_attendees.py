"""Update the attendee lists of the sign-up pages of an outreachbot config.

Usage::

    python pwb.py outreachbot_attendees -config:TITLE [-config:TITLE ...] [-simulate]

The config page holds {{Outreachbot config}} and {{Outreachbot session}} templates; it is
read at its newest trusted revision. -simulate saves nothing and shows the diff of every
planned edit. It numbers the lists, attributes unsigned lines, removes second
signatures, puts back signatures removed by others, keeps the waiting list, creates
missing sign-up pages, reminds the attendees before the session and closes the list
after it. The same job runs as ``outreachbot run attendees --config TITLE``.
"""

import sys

from outreachbot.cli import script_main


def main(*args: str) -> int:
    return script_main("attendees", args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
