"""Test-run setup shared by every test: its own local wiki settings, set before Pywikibot
loads.

Pywikibot reads ``PYWIKIBOT_DIR`` when it is first imported, and the ``localwiki`` family
reads its port then too; so both are set here, at import time, before any test module is
collected. Every run gets a free port and a temporary directory, so a wiki left running by
the demo or by an earlier run never answers for this one. This costs nothing: no wiki
starts here. The wikis start only when an integration fixture asks for one
(``tests/integration/conftest.py``), so unit tests never need PHP.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from outreachbot.localwiki import DIR_ENV, PORT_ENV, LocalWiki, free_port_pair

RUN_PREFIX = "outreachbot-tests-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale_runs() -> None:
    """Stop the wikis of earlier runs that were killed before they could clean up."""
    for run in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        try:
            pid, port = map(int, (run / "owner").read_text().split())
        except (OSError, ValueError):
            continue
        if _pid_alive(pid):
            continue
        with contextlib.suppress(Exception):
            LocalWiki(run / "wiki", port).stop()
            LocalWiki(run / "wiki-fr", port + 1).stop()
        shutil.rmtree(run, ignore_errors=True)


_clean_stale_runs()
RUN_DIR = Path(tempfile.mkdtemp(prefix=RUN_PREFIX))
PORT = free_port_pair()
(RUN_DIR / "owner").write_text(f"{os.getpid()} {PORT}\n")
os.environ[PORT_ENV] = str(PORT)
os.environ[DIR_ENV] = str(RUN_DIR / "wiki")
os.environ["PYWIKIBOT_DIR"] = str(LocalWiki.from_env().write_pywikibot_dir(
    RUN_DIR / "pywikibot", others=[LocalWiki.from_env("fr")]))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop whatever wiki the run started (even after an interrupted fixture) and wipe."""
    for lang in ("en", "fr"):
        LocalWiki.from_env(lang).stop()
    shutil.rmtree(RUN_DIR, ignore_errors=True)
