"""The ``localwiki`` Pywikibot family; the real file ships inside the package."""

from outreachbot.data.localwiki_family import Family

__all__ = ["Family"]
