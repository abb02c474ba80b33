"""The embedded local wiki: a real MediaWiki (Debian's 1.39 package) on 127.0.0.1.

The demo and the integration tests run the bot against real MediaWiki rather than a mock,
because what matters (signatures, revisions, edit conflicts, bot flags, API limits) is
exactly what a mock gets wrong. MediaWiki runs under PHP's built-in web server with an
SQLite database in one directory, so a wiki is created in about a second, needs no root
once the packages are there, and is wiped by deleting its directory.

Layout of a wiki directory::

    LocalSettings.php   install.php's output plus the additions below
    *.sqlite            the databases
    accounts.json       the accounts' random passwords (mode 600, never printed)
    server.pid          the PHP server's process id (it leads its own process group)
    requests.log        the server's request log: one line per request, counted for
                        the request budgets of the spec
    snapshots/NAME/     copies of the databases (`snapshot` / `restore`)

`main` is the ``outreachbot localwiki`` command.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from outreachbot.errors import LocalWikiError

MEDIAWIKI = Path("/usr/share/mediawiki")
INSTALL_PHP = MEDIAWIKI / "maintenance" / "install.php"
CREATE_AND_PROMOTE = MEDIAWIKI / "maintenance" / "createAndPromote.php"
DEBIAN_PACKAGES = ("mediawiki", "php-sqlite3", "php-cli", "php-intl", "php-mbstring", "php-xml")
# The PHP modules MediaWiki cannot run without; a machine with php but without one of
# these would otherwise fail later with an obscure error.
PHP_MODULES = ("pdo_sqlite", "intl", "mbstring", "xml")

DEFAULT_PORT = 8931
PORT_ENV = "OUTREACHBOT_LOCALWIKI_PORT"
DIR_ENV = "OUTREACHBOT_LOCALWIKI_DIR"
HOST = "127.0.0.1"

ADMIN = "Admin"
BOT = "OutreachBot"
ORGANIZERS = ("Merrilee", "Mylee")
USERS = ("Alice", "Bob", "Carol", "Dave", "Erin")
# createAndPromote.php flags per account; Admin is made by install.php itself (sysop,
# bureaucrat, interface-admin).
ACCOUNT_FLAGS: dict[str, tuple[str, ...]] = {
    BOT: ("--bot",),
    **{name: () for name in ORGANIZERS + USERS},
}
ACCOUNTS = (ADMIN, *ACCOUNT_FLAGS)

# Appended to install.php's LocalSettings.php.
LOCAL_SETTINGS_MARK = "# --- outreachbot local wiki ---"
LOCAL_SETTINGS = "\n" + LOCAL_SETTINGS_MARK + """
# The logo MediaWiki ships (its name changed between Debian's 1.39 releases), instead of
# the "set $wgLogos" placeholder.
$wgLogos = ['1x' => "$wgResourceBasePath/resources/assets/" . (
    is_file("$IP/resources/assets/mediawiki.png") ? "mediawiki.png" : "wiki.png")];
# Tests and the demo edit fast and log in often: lift the rate limits and throttles
# that would otherwise stop a bot after about 80 quick edits.
$wgRateLimits = [];
$wgGroupPermissions['*']['noratelimit'] = true;
$wgPasswordAttemptThrottle = [];
$wgAccountCreationThrottle = [];
# Templates on the seeded pages use #if; install-templates writes TemplateData.
wfLoadExtension( 'ParserFunctions' );
wfLoadExtension( 'TemplateData' );
# No job runs inside web requests: the timing of a request stays predictable.
$wgJobRunRate = 0;
# Sessions in the database (the main cache is off), so logins survive between requests.
$wgSessionCacheType = CACHE_DB;
$wgRawHtml = false;
$wgEnableEmail = false;
$wgUseInstantCommons = false;
$wgLocaltimezone = 'UTC';
$wgShowExceptionDetails = true;
# Seeding and tests date edits in the past (a signature's revision carries the signature's
# date), with this request header: a Unix time that is the wiki's clock for that request.
# A feature of this local test wiki only.
if ( isset( $_SERVER['HTTP_X_OUTREACHBOT_FAKE_TIME'] ) ) {
	Wikimedia\\Timestamp\\ConvertibleTimestamp::setFakeTime(
		(int)$_SERVER['HTTP_X_OUTREACHBOT_FAKE_TIME'] );
}
"""
FAKE_TIME_HEADER = "X-Outreachbot-Fake-Time"

# A request line of PHP's built-in server, e.g.
# "[123] [Sun Nov 22 03:02:35 2026] 127.0.0.1:43838 [200]: POST /api.php".
API_LINE = re.compile(rb"\[\d{3}\]: [A-Z]+ /api\.php")


def repo_dir() -> Path | None:
    """The source checkout this package runs from, if it runs from one."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def families_dir() -> Path:
    """Where Pywikibot finds the ``localwiki`` family.

    The checkout's ``families/`` when there is one (the folder ``pwb`` users know), else the
    copy shipped inside the package, so an installed outreachbot works too.
    """
    root = repo_dir()
    if root and (root / "families" / "localwiki_family.py").is_file():
        return root / "families"
    return Path(__file__).resolve().parent / "data"


def default_dir() -> Path:
    """``$OUTREACHBOT_LOCALWIKI_DIR``, else ``.localwiki`` in the checkout (or here)."""
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    return (repo_dir() or Path.cwd()) / ".localwiki"


def default_port() -> int:
    return int(os.environ.get(PORT_ENV) or DEFAULT_PORT)


def port_is_free(port: int) -> bool:
    """Whether nothing listens on the port. SO_REUSEADDR, as PHP's server uses it: the
    connections of a wiki just stopped linger in TIME_WAIT and must not count."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A free port whose successor is free too (the ``en`` and ``fr`` wikis)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port < 65535 and port_is_free(port + 1):
            return port
    raise LocalWikiError("no two consecutive free ports found on 127.0.0.1")


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def apt_install(packages: Sequence[str], missing: Sequence[str]) -> None:
    """``apt-get install`` Debian packages (with sudo when not root); ``missing`` names what
    is lacking, for the messages. Raises `LocalWikiError`."""
    apt = shutil.which("apt-get")
    if not apt:
        raise LocalWikiError(
            f"missing {', '.join(missing)} and there is no apt-get: install "
            f"{' '.join(packages)} by hand")
    sudo: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise LocalWikiError(
                f"missing {', '.join(missing)}: run as root, or install sudo, or run "
                f"apt-get install {' '.join(packages)}")
        sudo = ["sudo", "-n"] if not sys.stdin.isatty() else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing {' '.join(packages)} (missing: {', '.join(missing)})",
          file=sys.stderr)
    for cmd in ([apt, "update"],
                [apt, "install", "-y", "--no-install-recommends", *packages]):
        if subprocess.run([*sudo, *cmd], env=env).returncode != 0:
            raise LocalWikiError(f"{' '.join([*sudo, *cmd])} failed")


class LocalWiki:
    """One local MediaWiki: its directory, its port and its PHP server."""

    def __init__(self, datadir: Path, port: int, lang: str = "en") -> None:
        self.datadir = Path(datadir).resolve()
        self.port = port
        self.lang = lang
        self._proc: subprocess.Popen[bytes] | None = None
        self._clients: dict[str, WikiClient] = {}
        self._log_scan = (0, 0)  # bytes of the log scanned, connections still open there

    @classmethod
    def from_env(cls, lang: str = "en") -> LocalWiki:
        """The wiki the environment names; the ``fr`` one sits beside it on port + 1."""
        datadir, port = default_dir(), default_port()
        if lang != "en":
            datadir, port = datadir.with_name(f"{datadir.name}-{lang}"), port + 1
        return cls(datadir, port, lang)

    def __repr__(self) -> str:
        return f"LocalWiki({str(self.datadir)!r}, {self.port}, lang={self.lang!r})"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api.php"

    def page_url(self, title: str) -> str:
        return f"{self.url}/index.php?title={quote(title.replace(' ', '_'))}"

    @property
    def settings_file(self) -> Path:
        return self.datadir / "LocalSettings.php"

    @property
    def log_file(self) -> Path:
        return self.datadir / "requests.log"

    @property
    def pid_file(self) -> Path:
        return self.datadir / "server.pid"

    @property
    def accounts_file(self) -> Path:
        return self.datadir / "accounts.json"

    def exists(self) -> bool:
        return self.settings_file.is_file()

    # --- packages ---------------------------------------------------------------------

    @staticmethod
    def missing_packages() -> list[str]:
        """What is missing for a wiki to run: empty when all is there."""
        php = shutil.which("php")
        missing = [] if INSTALL_PHP.is_file() else ["mediawiki"]
        if not php:
            return [*missing, "php"]
        modules = subprocess.run([php, "-m"], capture_output=True, text=True).stdout.lower()
        return missing + [m for m in PHP_MODULES if m not in modules.split()]

    @classmethod
    def ensure_packages(cls) -> bool:
        """Install Debian's MediaWiki and PHP when missing; True if it installed anything.

        The one place the system packages are installed, so ``make system``, the tests and
        the demo all do it the same way on a fresh Debian machine.
        """
        missing = cls.missing_packages()
        if not missing:
            return False
        apt_install(DEBIAN_PACKAGES, missing)
        still = cls.missing_packages()
        if still:
            raise LocalWikiError(f"still missing after apt-get install: {', '.join(still)}")
        return True

    # --- accounts ---------------------------------------------------------------------

    def accounts(self) -> dict[str, str]:
        """Account name -> password, generated on first use and kept in accounts.json.

        Generated before the wiki exists so that a Pywikibot directory can be written
        first (the tests set ``PYWIKIBOT_DIR`` before anything imports Pywikibot), and kept
        by `reset` so that such a directory stays valid.
        """
        if self.accounts_file.is_file():
            data = json.loads(self.accounts_file.read_text(encoding="utf-8"))
            if set(ACCOUNTS) <= set(data):
                return {name: str(data[name]) for name in ACCOUNTS}
        # A letter first: a password starting with "-" reads as an option to PHP scripts.
        data = {name: "p" + secrets.token_urlsafe(18) for name in ACCOUNTS}
        _write_private(self.accounts_file, json.dumps(data, indent=1) + "\n")
        return data

    # --- lifecycle --------------------------------------------------------------------

    def _php(self) -> str:
        php = shutil.which("php")
        if not php:
            raise LocalWikiError("php is missing: run `make system` (apt-get install php-cli)")
        return php

    def create(self) -> None:
        """Make a fresh wiki in the directory: install.php, our settings, the accounts."""
        if self.exists():
            raise LocalWikiError(f"a wiki already exists in {self.datadir}; use reset")
        if not INSTALL_PHP.is_file():
            raise LocalWikiError("MediaWiki is missing: run `make system`")
        php = self._php()
        self.datadir.mkdir(parents=True, exist_ok=True)
        passwords = self.accounts()
        name = "Local wiki" if self.lang == "en" else f"Local wiki {self.lang}"
        result = subprocess.run(
            [php, str(INSTALL_PHP), "--dbtype", "sqlite", "--dbpath", str(self.datadir),
             "--server", self.url, "--scriptpath", "", "--pass", passwords[ADMIN],
             "--confpath", str(self.datadir), "--lang", self.lang, name, ADMIN],
            capture_output=True, text=True)
        if result.returncode != 0 or not self.exists():
            raise LocalWikiError(f"install.php failed: {(result.stdout + result.stderr)[-2000:]}")
        with self.settings_file.open("a", encoding="utf-8") as handle:
            handle.write(LOCAL_SETTINGS)
        # createAndPromote.php takes a third of a second each, nearly all of it PHP
        # starting up: run them side by side (SQLite waits for its write lock).
        procs = {
            user: subprocess.Popen(
                [php, str(CREATE_AND_PROMOTE), "--conf", str(self.settings_file), *flags,
                 user, passwords[user]],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for user, flags in ACCOUNT_FLAGS.items()
        }
        for user, proc in procs.items():
            output, _ = proc.communicate()
            if proc.returncode != 0:
                raise LocalWikiError(f"creating the account {user} failed: {output[-1000:]}")

    def _server_pid(self) -> int | None:
        """The pid in the pid file if that process is our live PHP server."""
        try:
            pid = int(self.pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            return None
        if state == "Z" or f"{HOST}:{self.port}".encode() not in cmdline:
            return None
        return pid

    def is_running(self) -> bool:
        return self._server_pid() is not None

    def start(self, timeout: float = 30.0) -> None:
        """Serve the wiki in the background and return once its API answers."""
        if self.is_running():
            return
        if not self.exists():
            raise LocalWikiError(f"no wiki in {self.datadir}: create it first")
        php = self._php()
        if not port_is_free(self.port):
            raise LocalWikiError(
                f"port {self.port} on {HOST} is busy (another wiki or program uses it): "
                f"stop it or choose another port (--port or ${PORT_ENV})")
        env = {**os.environ, "MW_CONFIG_FILE": str(self.settings_file),
               "PHP_CLI_SERVER_WORKERS": "4"}
        with self.log_file.open("ab") as log:
            # Connections of an earlier server are over, whatever its log says.
            self._log_scan = (log.tell(), 0)
            # Its own session (and so process group): `stop` ends the workers with it.
            self._proc = subprocess.Popen(
                [php, "-S", f"{HOST}:{self.port}", "-t", str(MEDIAWIKI)],
                env=env, cwd=self.datadir, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        self.pid_file.write_text(f"{self._proc.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-1000:]
                self.pid_file.unlink(missing_ok=True)
                raise LocalWikiError(f"the PHP server exited at once: {tail}")
            with contextlib.suppress(requests.RequestException, ValueError):
                reply = requests.get(self.api_url, timeout=5, params={
                    "action": "query", "meta": "siteinfo", "format": "json"})
                if reply.ok and "query" in reply.json():
                    return
            time.sleep(0.05)
        self.stop()
        raise LocalWikiError(f"the wiki at {self.url} did not answer within {timeout:.0f} s")

    def stop(self) -> bool:
        """Stop the server and its workers; True if one was running."""
        pid = self._server_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while _group_alive(pid):
                if self._proc is not None:
                    self._proc.poll()  # reap our own child, or it lingers as a zombie
                if time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                    break
                time.sleep(0.05)
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._proc = None
        self.pid_file.unlink(missing_ok=True)
        self._clients.clear()
        return pid is not None

    def reset(self) -> None:
        """Stop, wipe, create and start: a fresh wiki. The passwords are kept."""
        self.stop()
        passwords = self.accounts() if self.accounts_file.is_file() else None
        if self.datadir.exists():
            self._check_wipeable()
            shutil.rmtree(self.datadir)
        if passwords:
            _write_private(self.accounts_file, json.dumps(passwords, indent=1) + "\n")
        self.create()
        self.start()

    def _check_wipeable(self) -> None:
        """Refuse to wipe a directory that is not a local wiki's (a mistyped --dir)."""
        if self.settings_file.is_file() and LOCAL_SETTINGS_MARK in self.settings_file.read_text(
                encoding="utf-8", errors="replace"):
            return
        known = {"accounts.json", "requests.log", "server.pid", "snapshots", "locks",
                 ".htaccess", "LocalSettings.php"}
        strange = [p.name for p in self.datadir.iterdir()
                   if p.name not in known and p.suffix != ".sqlite"]
        if strange:
            raise LocalWikiError(f"refusing to wipe {self.datadir}: it is not a local wiki "
                                 f"directory (it holds {', '.join(sorted(strange)[:5])})")

    # --- snapshots --------------------------------------------------------------------

    def _databases(self) -> list[Path]:
        """The databases holding content (not the caches, which hold the sessions)."""
        return [p for p in sorted(self.datadir.glob("*.sqlite"))
                if p.name != "wikicache.sqlite" and not p.name.endswith("_l10n_cache.sqlite")]

    def snapshot(self, name: str) -> None:
        """Copy the content databases aside, e.g. right after seeding."""
        target = self.datadir / "snapshots" / name
        target.mkdir(parents=True, exist_ok=True)
        for db in self._databases():
            _sqlite_copy(db, target / db.name)

    def has_snapshot(self, name: str) -> bool:
        return (self.datadir / "snapshots" / name).is_dir()

    def restore(self, name: str) -> None:
        """Put a snapshot back, even while the server runs (it must be idle).

        SQLite's backup API copies under the database lock, so PHP never reads a half
        written file; sessions live in the untouched cache database, so logged-in clients
        (and Pywikibot) stay logged in.
        """
        source = self.datadir / "snapshots" / name
        if not source.is_dir():
            raise LocalWikiError(f"no snapshot {name!r} in {self.datadir}")
        for db in sorted(source.glob("*.sqlite")):
            _sqlite_copy(db, self.datadir / db.name)

    # --- request counting -------------------------------------------------------------

    def log_position(self) -> int:
        """A mark in the request log; pass it to `count_api_requests` later."""
        self._settle_log()
        try:
            return self.log_file.stat().st_size
        except FileNotFoundError:
            return 0

    def count_api_requests(self, since: int = 0) -> int:
        """API requests the server handled since a `log_position` mark."""
        self._settle_log()
        try:
            with self.log_file.open("rb") as log:
                size = log.seek(0, os.SEEK_END)
                log.seek(since if since <= size else 0)
                return sum(1 for line in log if API_LINE.search(line))
        except FileNotFoundError:
            return 0

    def _settle_log(self, timeout: float = 2.0) -> None:
        """Wait until every accepted connection has been logged as closed.

        The server writes a request's line after the client may already have its answer;
        counting right away could miss the last request. The log is scanned incrementally
        (it grows to megabytes in a long benchmark).
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.log_file.open("rb") as log:
                    offset, open_connections = self._log_scan
                    if log.seek(0, os.SEEK_END) < offset:
                        offset, open_connections = 0, 0  # a new log (reset)
                    log.seek(offset)
                    for line in log:
                        if not line.endswith(b"\n"):
                            break
                        offset += len(line)
                        if line.endswith(b" Accepted\n"):
                            open_connections += 1
                        elif line.endswith(b" Closing\n"):
                            open_connections -= 1
                    self._log_scan = (offset, open_connections)
            except FileNotFoundError:
                return
            if open_connections <= 0 or time.monotonic() > deadline:
                return
            time.sleep(0.01)

    # --- clients ----------------------------------------------------------------------

    def client(self, user: str) -> WikiClient:
        """A logged-in API client acting as ``user`` (one per user, reused)."""
        if user not in self._clients:
            passwords = self.accounts()
            if user not in passwords:
                raise LocalWikiError(f"no account {user!r}; the accounts are {', '.join(ACCOUNTS)}")
            admin = None if user == ADMIN else (lambda: self.client(ADMIN))
            self._clients[user] = WikiClient(self.api_url, user, passwords[user], admin)
        return self._clients[user]

    def write_pywikibot_dir(self, path: Path, user: str = BOT, *,
                            others: Sequence[LocalWiki] = ()) -> Path:
        """Write a Pywikibot directory (user-config.py, user-password.py) for this wiki.

        ``others`` adds the passwords of more local wikis (the ``fr`` one), so one
        Pywikibot directory logs in on all of them.
        """
        path = Path(path).resolve()
        path.mkdir(parents=True, exist_ok=True)
        password_file = path / "user-password.py"
        config = (
            f"# Pywikibot settings for the local wiki at {self.url}\n"
            "family = 'localwiki'\n"
            f"mylang = {self.lang!r}\n"
            + "".join(f"usernames['localwiki'][{w.lang!r}] = {user!r}\n" for w in (self, *others))
            + f"password_file = {str(password_file)!r}\n"
            f"user_families_paths = [{str(families_dir())!r}]\n"
            "# A local wiki: no need to wait between edits, nor between reads (the read delay\n"
            "# is multiplied by the bot processes Pywikibot counts in throttle.ctrl, where a\n"
            "# killed one stays for 10 minutes). maxlag stays on, as in production.\n"
            "put_throttle = 0\n"
            "minthrottle = 0\n"
            "write_maxlag = 5  # maxlag of writes (Pywikibot 11.8 renamed maxlag)\n"
        )
        (path / "user-config.py").write_text(config, encoding="utf-8")
        lines = [repr((user, self.accounts()[user]))]
        lines += [repr((w.lang, "localwiki", user, w.accounts()[user])) for w in (self, *others)]
        _write_private(password_file, "\n".join(lines) + "\n")
        return path

    # --- content ----------------------------------------------------------------------

    def seed(self, now: datetime) -> list[str]:
        """Save the demo and test pages (see `outreachbot.localwiki_seed`); their titles."""
        from outreachbot import localwiki_seed

        return localwiki_seed.seed(self, now)


def _group_alive(pgid: int) -> bool:
    """Whether a process group still has a live (not zombie) member.

    Zombies are ignored: the server's workers are reaped by whoever adopts them, which in
    a container is not always prompt.
    """
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


class WikiClient:
    """A plain API client logged in as one user: how tests play the humans.

    Independent of Pywikibot on purpose: what people do on the wiki (sign, move, protect)
    must not go through the code under test.
    """

    def __init__(self, api_url: str, user: str, password: str,
                 admin: Callable[[], WikiClient] | None = None) -> None:
        self.api_url = api_url
        self.user = user
        self._admin = admin
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "outreachbot-localwiki/0.1 (local test client)"
        self._csrf: str | None = None
        self._login(password)

    def __repr__(self) -> str:
        return f"WikiClient({self.user!r})"

    def _call(self, method: str, params: dict[str, Any],
              when: datetime | None = None) -> dict[str, Any]:
        params = {**params, "format": "json", "formatversion": "2"}
        headers = {FAKE_TIME_HEADER: str(int(when.timestamp()))} if when else {}
        try:
            if method == "GET":
                reply = self.session.get(self.api_url, params=params, timeout=60,
                                         headers=headers)
            else:
                reply = self.session.post(self.api_url, data=params, timeout=60,
                                          headers=headers)
            reply.raise_for_status()
            data: dict[str, Any] = reply.json()
        except (requests.RequestException, ValueError) as exc:
            raise LocalWikiError(f"{self.user}: {params.get('action')} failed: {exc}") from exc
        if "error" in data:
            error = data["error"]
            raise LocalWikiError(f"{self.user}: {params.get('action')} failed: "
                                 f"{error.get('code')}: {error.get('info')}")
        return data

    def get(self, **params: Any) -> dict[str, Any]:
        """A raw API GET (format=json, formatversion=2 added)."""
        return self._call("GET", params)

    def post(self, *, when: datetime | None = None, **params: Any) -> dict[str, Any]:
        """A raw API POST; add ``token=client.token()`` for writes. ``when`` (aware)
        dates what the request does, e.g. the revision an edit makes."""
        return self._call("POST", params, when)

    def token(self, kind: str = "csrf") -> str:
        if kind == "csrf" and self._csrf:
            return self._csrf
        token = str(self.get(action="query", meta="tokens", type=kind)["query"]["tokens"][
            f"{kind}token"])
        if kind == "csrf":
            self._csrf = token
        return token

    def _login(self, password: str) -> None:
        reply = self.post(action="clientlogin", username=self.user, password=password,
                          logintoken=self.token("login"),
                          loginreturnurl=self.api_url.rsplit("/", 1)[0] + "/")
        status = reply.get("clientlogin", {})
        if status.get("status") != "PASS":
            raise LocalWikiError(f"{self.user} cannot log in: {status.get('message', status)}")

    def _as_admin(self) -> WikiClient:
        return self._admin() if self._admin else self

    # --- reading ----------------------------------------------------------------------

    def text(self, title: str) -> str | None:
        """The page's current wikitext, or None if it does not exist."""
        page = self.get(action="query", prop="revisions", titles=title, rvprop="content",
                        rvslots="main")["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            return None
        return str(page["revisions"][0]["slots"]["main"]["content"])

    def texts(self, titles: Sequence[str]) -> dict[str, str | None]:
        """The current wikitext of many pages (None: missing), 50 titles a request."""
        result: dict[str, str | None] = {}
        for i in range(0, len(titles), 50):
            chunk = list(titles[i:i + 50])
            query = self.get(action="query", prop="revisions", titles="|".join(chunk),
                             rvprop="content", rvslots="main")["query"]
            names = {n["to"]: n["from"] for n in query.get("normalized", [])}
            for page in query["pages"]:
                revs = page.get("revisions")
                text = str(revs[0]["slots"]["main"]["content"]) if revs else None
                result[names.get(page["title"], page["title"])] = text
        return result

    def revisions(self, title: str) -> list[dict[str, Any]]:
        """All revisions, newest first: revid, parentid, user, timestamp, comment, size,
        minor, content (as the API gives them, plus ``content``)."""
        revisions: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "action": "query", "prop": "revisions", "titles": title, "rvslots": "main",
            "rvprop": "ids|timestamp|user|comment|size|flags|content", "rvlimit": "max"}
        while True:
            data = self.get(**params)
            page = data["query"]["pages"][0]
            for rev in page.get("revisions", []):
                rev["content"] = rev.pop("slots", {}).get("main", {}).get("content", "")
                revisions.append(rev)
            if "continue" not in data:
                return revisions
            params.update(data["continue"])

    def lastrevid(self, title: str) -> int | None:
        page = self.get(action="query", prop="info", titles=title)["query"]["pages"][0]
        return int(page["lastrevid"]) if "lastrevid" in page else None

    def parse_html(self, title: str) -> str:
        """The page as readers see it (the HTML of its content)."""
        return str(self.get(action="parse", page=title, prop="text")["parse"]["text"])

    # --- writing ----------------------------------------------------------------------

    def edit(self, title: str, text: str, summary: str = "", *,
             when: datetime | None = None, **extra: Any) -> int:
        """Save the page; the new revision id, or the current one if nothing changed.

        ``when`` (timezone-aware) backdates the revision: history is ordered by time, so
        backdate only pages whose revisions are all older than it.
        """
        return self._edit(title, summary, when, text=text, **extra)

    def append(self, title: str, text: str, summary: str = "", *,
               when: datetime | None = None) -> int:
        """Add text at the end of the page, as a person adding a line does."""
        return self._edit(title, summary, when, appendtext=text)

    def _edit(self, title: str, summary: str, when: datetime | None, **params: Any) -> int:
        result = self.post(action="edit", title=title, summary=summary, token=self.token(),
                           when=when, **params)["edit"]
        if result.get("result") != "Success":
            raise LocalWikiError(f"{self.user}: editing {title!r} failed: {result}")
        if "newrevid" in result:
            return int(result["newrevid"])
        revid = self.lastrevid(title)
        if revid is None:
            raise LocalWikiError(f"{self.user}: {title!r} is missing after an edit")
        return revid

    def move(self, old: str, new: str, reason: str = "", *, redirect: bool = True) -> None:
        """Move a page (and its talk page), leaving a redirect unless told not to."""
        params: dict[str, Any] = {"action": "move", "from": old, "to": new, "reason": reason,
                                  "movetalk": "1", "token": self.token()}
        if not redirect:
            params["noredirect"] = "1"
        self.post(**params)

    def protect(self, title: str, level: str = "sysop", reason: str = "") -> None:
        """Protect a page against editing and moving (done as Admin)."""
        admin = self._as_admin()
        admin.post(action="protect", title=title, reason=reason, expiry="infinite",
                   protections=f"edit={level}|move={level}", token=admin.token())

    def delete(self, title: str, reason: str = "") -> None:
        """Delete a page (done as Admin)."""
        admin = self._as_admin()
        admin.post(action="delete", title=title, reason=reason, token=admin.token())


def main(argv: list[str]) -> int:
    """``outreachbot localwiki install|start|stop|reset|seed|status``."""
    parser = argparse.ArgumentParser(
        prog="outreachbot localwiki",
        description="The embedded local MediaWiki used by the demo and the tests.")
    parser.add_argument("action", choices=("install", "start", "stop", "reset", "seed", "status"),
                        help="install: the Debian packages; start: create the wiki if absent "
                             "and serve it; seed: save the demo pages (now = current time)")
    parser.add_argument("--dir", type=Path, default=None,
                        help=f"wiki directory (default: ${DIR_ENV} or <repo>/.localwiki)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port on {HOST} (default: ${PORT_ENV} or {DEFAULT_PORT})")
    parser.add_argument("--lang", default="en",
                        help="content language; a non-English wiki sits beside the English "
                             "one (<dir>-LANG, port + 1) unless --dir/--port say otherwise")
    args = parser.parse_args(argv)
    wiki = LocalWiki.from_env(args.lang)
    wiki = LocalWiki(args.dir or wiki.datadir, args.port or wiki.port, args.lang)
    try:
        return _run(wiki, args.action)
    except LocalWikiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _run(wiki: LocalWiki, action: str) -> int:
    if action == "install":
        installed = wiki.ensure_packages()
        print("Installed MediaWiki and PHP." if installed else "MediaWiki and PHP are installed.")
        return 0
    if action == "stop":
        stopped = wiki.stop()
        print(f"Stopped the wiki at {wiki.url}." if stopped else f"No wiki running at {wiki.url}.")
        return 0
    if action == "status":
        state = "running" if wiki.is_running() else "stopped" if wiki.exists() else "not created"
        print(f"Wiki at {wiki.url}: {state}\n  directory: {wiki.datadir}")
        if wiki.exists():
            print(f"  accounts: {', '.join(ACCOUNTS)} (passwords in {wiki.accounts_file})")
        return 0 if state == "running" else 3
    wiki.ensure_packages()
    started = time.monotonic()
    if action == "reset":
        wiki.reset()
        print(f"Created a fresh wiki in {wiki.datadir}.")
    elif not wiki.exists():
        wiki.create()
        print(f"Created a wiki in {wiki.datadir}.")
    if wiki.is_running():
        if action == "start":
            print("The wiki is already running.")
    else:
        wiki.start()
        print(f"Started the wiki (request log: {wiki.log_file}).")
    if action == "seed":
        from outreachbot import localwiki_seed as seed

        titles = wiki.seed(datetime.now(UTC))
        print(f"Seeded {len(titles)} pages, among them:")
        for title in (seed.ACTIVITIES_PAGE, seed.CONFIG_PAGE, seed.CEE_PAGE):
            print(f"  {wiki.page_url(title)}")
    print(f"Wiki: {wiki.url}  (API: {wiki.api_url}; {time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
