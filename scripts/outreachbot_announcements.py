"""Post the announcements of an outreachbot config that are due, and corrections of
announced sessions that were cancelled or moved.

Usage::

    python pwb.py outreachbot_announcements -config:TITLE [-config:TITLE ...] [-now:ISO] [-simulate]

Each session is announced on every page of its delivery list (``announce_to``) at each
lead time in ``announce_before``, with the text of its ``announcement`` page; both pages
are read at their newest trusted revision. A page never gets the same announcement twice,
even after a crash: the bot finds its earlier posts by their hidden markers and in its own
contributions. The operator caps the pages of one list with $OUTREACHBOT_MAX_TARGETS
(default 1000). -simulate saves nothing and shows the diff of every planned post. The
same job runs as ``outreachbot run announcements --config TITLE``.
"""

import sys

from outreachbot.cli import script_main


def main(*args: str) -> int:
    return script_main("announcements", args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
