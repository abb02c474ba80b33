"""outreachbot: the on-wiki chores of a Wikimedia user group, done by a Pywikibot bot."""

__version__ = "0.1.0"
