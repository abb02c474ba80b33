"""Pywikibot family of the embedded local wikis (see ``outreachbot.localwiki``).

Code ``en`` is the main local wiki on 127.0.0.1 at ``$OUTREACHBOT_LOCALWIKI_PORT`` (default
8931); code ``fr`` is a second one on the next port, for deliveries to another wiki. The
port is read from the environment so that the tests can run their own wikis on free ports
next to a demo wiki.
"""

import os

from pywikibot import family

PORT = int(os.environ.get("OUTREACHBOT_LOCALWIKI_PORT") or 8931)


class Family(family.Family):
    """The local wikis: plain HTTP, MediaWiki at the web root."""

    name = "localwiki"
    langs = {
        "en": f"127.0.0.1:{PORT}",
        "fr": f"127.0.0.1:{PORT + 1}",
    }

    def scriptpath(self, code: str) -> str:
        return ""

    def protocol(self, code: str) -> str:
        return "http"
