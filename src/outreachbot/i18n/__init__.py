"""Translatable texts: edit summaries and built-in messages, through Pywikibot's i18n.

The JSON bundles live in ``outreachbot/i18n/outreachbot/<lang>.json`` in the format
translatewiki.net uses for Pywikibot scripts (``%(name)s`` parameters, ``{{PLURAL:}}``).
A text is taken in the language of the wiki it is written to, with Pywikibot's fallback
chain and English last.
"""

from __future__ import annotations

from typing import Any


def msg(source: Any, key: str, **params: Any) -> str:
    """The message ``outreachbot-KEY`` in the language of ``source`` (a site or a code)."""
    from pywikibot import i18n

    if i18n._messages_package_name != __name__:
        i18n.set_messages_package(__name__)
    text = i18n.twtranslate(source, f"outreachbot-{key}", params or None)
    assert text is not None  # twtranslate raises rather than return None without fallback
    return text
