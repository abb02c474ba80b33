"""Security, for real: the bot refuses to run under an account that lacks what it needs,
and no password, token or cookie reaches its console output, its logs or its run log,
whatever the verbosity.

Every run here is ``outreachbot`` as an operator starts it (a subprocess), each with a
Pywikibot directory of its own: a fresh login, so the password really goes over the wire
while the logs are on.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from outreachbot import runner
from outreachbot.localwiki import BOT, CREATE_AND_PROMOTE, LocalWiki
from outreachbot.localwiki_seed import ACTIVITIES_PAGE, CONFIG_PAGE, STATUS_PAGE
from outreachbot.wiki import Wiki

# A MediaWiki token: hex digits, then "+\" (raw, JSON-escaped or URL-encoded).
TOKEN = re.compile(r"[0-9a-f]{32,}(?:\+\\|%2B%5C)", re.IGNORECASE)
SECRET_COOKIE = re.compile(r"session|token", re.IGNORECASE)
BLOCK_REASON = "Testing: the bot posted the same announcement twice"


def bot_dir(wiki: LocalWiki, path: Path, user: str = BOT,
            password_lines: list[str] | None = None) -> Path:
    """A Pywikibot directory logging in as ``user``; ``password_lines`` replace the
    lines of its password file."""
    wiki.write_pywikibot_dir(path, user)
    if password_lines is not None:
        password_file = path / "user-password.py"
        password_file.write_text("".join(f"{line}\n" for line in password_lines))
        password_file.chmod(0o600)
    return path


def outreachbot(pywikibot_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outreachbot.cli", *args], cwd=cwd, capture_output=True,
        text=True, timeout=300, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYWIKIBOT_DIR": str(pywikibot_dir)})


def newest_change(client) -> int:
    """The id of the wiki's newest recent change (any edit, by anyone)."""
    changes = client.get(action="query", list="recentchanges", rcprop="ids", rclimit=1,
                         rctype="edit|new")["query"]["recentchanges"]
    return int(changes[0]["rcid"]) if changes else 0


def contributions(client, user: str) -> int:
    return len(client.get(action="query", list="usercontribs", ucuser=user,
                          uclimit="max")["query"]["usercontribs"])


# --- refusing to run --------------------------------------------------------------------


def test_the_rights_come_with_the_login_and_cost_no_request(seeded, localwiki, site):
    mark = localwiki.log_position()
    assert Wiki(site).account_problems() == []
    assert localwiki.count_api_requests(mark) == 0


def test_an_account_without_the_bot_flag_is_refused(seeded, localwiki, client_for, tmp_path):
    admin = client_for("Admin")
    alice = bot_dir(localwiki, tmp_path / "alice", "Alice")
    before, edits_before = newest_change(admin), contributions(admin, "Alice")
    mark = localwiki.log_position()

    result = outreachbot(alice, "run", "--config", CONFIG_PAGE, cwd=tmp_path)

    requests_made = localwiki.count_api_requests(mark)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "The account Alice is not in the bot group on localwiki:en" in output
    assert "bot approval process" in output and "--without-bot-flag" in output
    assert "outreachbot does not run as Alice on localwiki:en; nothing was edited." in output
    assert "Traceback" not in output
    assert newest_change(admin) == before  # not one edit, by anyone
    assert contributions(admin, "Alice") == edits_before
    assert not (tmp_path / "state").exists()  # refused before any job: no run to log
    assert requests_made <= 7  # a fresh login and nothing else: not even the config


def test_the_refusal_speaks_the_operators_language(seeded, localwiki, tmp_path):
    alice = bot_dir(localwiki, tmp_path / "alice", "Alice")
    (alice / "user-config.py").write_text((alice / "user-config.py").read_text()
                                          + "userinterface_lang = 'fr'\n")
    result = outreachbot(alice, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
    assert result.returncode == 1
    assert "Le compte Alice n’est pas dans le groupe des robots" in result.stderr


def test_simulate_without_the_bot_flag_warns_and_saves_nothing(seeded, localwiki, client_for,
                                                               tmp_path, seed_now):
    admin = client_for("Admin")
    alice = bot_dir(localwiki, tmp_path / "alice", "Alice")
    before = newest_change(admin)
    result = outreachbot(alice, "run", "activities", "--config", CONFIG_PAGE, "--now",
                         seed_now.isoformat(), "-simulate", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "The account Alice is not in the bot group" in output
    assert "a real run would be refused" in output
    assert f">>> {ACTIVITIES_PAGE} <<<" in output  # the dry run shows its diff
    assert newest_change(admin) == before


def test_without_bot_flag_an_approved_trial_runs_and_its_edits_are_not_flagged(
        seeded, localwiki, client_for, tmp_path, seed_now):
    admin = client_for("Admin")
    alice = bot_dir(localwiki, tmp_path / "alice", "Alice")
    result = outreachbot(alice, "run", "activities", "--config", CONFIG_PAGE, "--now",
                         seed_now.isoformat(), "--without-bot-flag", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Running without the bot flag (--without-bot-flag)" in output
    changes = admin.get(action="query", list="recentchanges", rcuser="Alice",
                        rcprop="title|flags", rclimit=50)["query"]["recentchanges"]
    assert ACTIVITIES_PAGE in {c["title"] for c in changes}
    assert not any(c.get("bot") for c in changes)


def test_a_blocked_bot_is_refused(seeded, localwiki, client_for, tmp_path):
    admin = client_for("Admin")
    bot = bot_dir(localwiki, tmp_path / "bot")
    admin.post(action="block", user=BOT, expiry="infinite", reason=BLOCK_REASON,
               token=admin.token())  # no autoblock: 127.0.0.1 stays free for the others
    try:
        before = newest_change(admin)
        result = outreachbot(bot, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert (f"The account {BOT} is blocked on localwiki:en by Admin (reason: "
                f"{BLOCK_REASON}; expires: infinite)") in output
        assert "ask the blocking administrator to lift the block" in output
        assert f"outreachbot does not run as {BOT} on localwiki:en" in output
        assert newest_change(admin) == before

        # install-templates and the scheduler refuse the same way.
        for args in (["install-templates"],
                     ["schedule", "--config", CONFIG_PAGE, "--store",
                      str(tmp_path / "jobs.sqlite")]):
            other = outreachbot(bot, *args, cwd=tmp_path)
            assert other.returncode == 1
            assert f"The account {BOT} is blocked" in other.stderr
        assert not (tmp_path / "jobs.sqlite").exists()
        assert newest_change(admin) == before
    finally:
        admin.post(action="unblock", user=BOT, reason="test over", token=admin.token())


def create_bot_password(wiki: LocalWiki, app: str, grants: str) -> str:
    password = secrets.token_hex(16)
    script = CREATE_AND_PROMOTE.with_name("createBotPassword.php")
    done = subprocess.run(["php", str(script), "--conf", str(wiki.settings_file), "--appid",
                           app, "--grants", grants, BOT, password],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return password


@pytest.mark.parametrize(("grants", "message"), [
    ("basic,editpage,createeditmovepage",
     "but this login lacks the 'bot' right, so its edits would not be marked as bot edits. "
     "Give its BotPassword (Special:BotPasswords) the grant 'High-volume editing'."),
    ("basic,highvolume",
     f"The account {BOT} may not edit on localwiki:en: it lacks the 'edit' right. Give its "
     "BotPassword (Special:BotPasswords) the grants 'Edit existing pages'"),
])
def test_a_bot_password_without_the_grants_it_needs_is_refused(
        seeded, localwiki, client_for, tmp_path, grants, message):
    app = "grants" + secrets.token_hex(3)
    password = create_bot_password(localwiki, app, grants)
    bot = bot_dir(localwiki, tmp_path / "bot", password_lines=[
        f"('{BOT}', BotPassword('{app}', '{password}'))"])
    admin = client_for("Admin")
    before = newest_change(admin)
    result = outreachbot(bot, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"Logging in to localwiki:en as {BOT}@{app}" in output  # the BotPassword
    assert message in output
    assert newest_change(admin) == before
    assert password not in output


@pytest.mark.parametrize(("lines", "message"), [
    ([f"('{BOT}', 'not the password')"], f"Cannot log in to localwiki:en as {BOT}: "),
    ([], f"The password file has no password for {BOT} on localwiki:en, and there is no "
         "terminal to ask for one."),
])
def test_a_login_that_fails_is_refused_with_a_message(seeded, localwiki, client_for,
                                                      tmp_path, lines, message):
    bot = bot_dir(localwiki, tmp_path / "bot", password_lines=lines)
    before = newest_change(client_for("Admin"))
    result = outreachbot(bot, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output
    assert "BotPassword('SUFFIX', 'PASSWORD')" in output  # how to write the line
    assert "Traceback" not in output
    assert "not the password" not in output
    assert newest_change(client_for("Admin")) == before


def test_no_account_configured_or_no_password_file_is_refused_with_a_message(
        seeded, localwiki, tmp_path):
    bot = bot_dir(localwiki, tmp_path / "bot")
    config = bot / "user-config.py"
    with_user = config.read_text()
    config.write_text("".join(line for line in with_user.splitlines(keepends=True)
                              if not line.startswith("usernames[")))
    result = outreachbot(bot, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
    assert result.returncode == 1
    assert ("No account is configured for localwiki:en: add the line "
            "usernames['localwiki']['en'] = 'BOT ACCOUNT' to user-config.py") in result.stderr

    config.write_text(with_user)
    (bot / "user-password.py").unlink()
    result = outreachbot(bot, "run", "--config", CONFIG_PAGE, cwd=tmp_path)
    assert result.returncode == 1
    assert f"Cannot log in to localwiki:en as {BOT}: Password file" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- no credential in any output ------------------------------------------------------


class Secrets:
    """The credentials of the bot's sessions, gathered after each run."""

    def __init__(self, wiki: LocalWiki) -> None:
        self.wiki = wiki
        self.values = {wiki.accounts()[BOT]}

    def gather(self, pywikibot_dir: Path) -> None:
        """The session and token cookies of the Pywikibot directory's cookie file, and the
        CSRF token the wiki issues for that session."""
        jar = http.cookiejar.LWPCookieJar(str(pywikibot_dir / f"pywikibot-{BOT}.lwp"))
        jar.load(ignore_discard=True, ignore_expires=True)
        cookies = {c.name: c.value for c in jar if c.value}
        secret = [v for n, v in cookies.items() if SECRET_COOKIE.search(n)]
        assert any("session" in n for n in cookies), cookies.keys()
        self.values.update(secret)
        session = requests.Session()
        session.cookies = jar  # type: ignore[assignment]
        reply = session.get(self.wiki.api_url, params={
            "action": "query", "meta": "tokens|userinfo", "format": "json"}, timeout=30)
        query = reply.json()["query"]
        assert query["userinfo"]["name"] == BOT  # the bot's own session
        token = query["tokens"]["csrftoken"]
        assert TOKEN.fullmatch(token)
        self.values.add(token)
        self.values.add(token[:-2])  # the token's hex part alone

    def leaks(self, texts: dict[str, str]) -> list[str]:
        found = []
        for where, text in texts.items():
            found += [f"{where}: a password, cookie or session token" for value in
                      self.values if value in text]
            found += [f"{where}: {m.group()[:6]}... (a token)" for m in TOKEN.finditer(text)]
        return found


def written_files(*folders: Path) -> dict[str, str]:
    """Every file under the folders, by path."""
    return {str(p): p.read_text(errors="replace") for folder in folders if folder.exists()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# The console at each verbosity; the log file at its fullest (-debug writes everything
# -log does, and more); a dry run, which logs in all the same.
@pytest.mark.parametrize("options", [
    [], ["-verbose"], ["-debug", "-verbose", "-log"], ["-simulate", "-debug", "-verbose"],
], ids=lambda options: " ".join(options) or "default")
def test_no_credential_in_the_output_and_logs_of_a_full_run(
        seeded, localwiki, client_for, tmp_path, seed_now, options):
    # A page the bot wants to edit is protected: the API error is logged with the
    # response headers and the request's parameters, the token among them.
    client_for("Admin").protect(ACTIVITIES_PAGE)
    bot = bot_dir(localwiki, tmp_path / "pywikibot")
    run_log = tmp_path / "state" / "runs.jsonl"
    result = outreachbot(bot, "run", *runner.available_jobs(), "--config", CONFIG_PAGE,
                         "--now", seed_now.isoformat(), "--log", str(run_log), *options,
                         cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert f"Logging in to localwiki:en as {BOT}" in output  # a real login, password sent
    secrets_ = Secrets(localwiki)
    secrets_.gather(bot)
    texts = {"stdout": result.stdout, "stderr": result.stderr,
             **written_files(bot / "logs", tmp_path / "state")}

    assert secrets_.leaks(texts) == []

    logs = "".join(text for name, text in texts.items() if "/logs/" in name)
    if "-simulate" not in options:
        assert run_log.is_file()
        assert "Saved [[" in output
    if ("-log" in options or "-debug" in options) and "-simulate" not in options:
        assert f"Skipped [[{ACTIVITIES_PAGE}]]: the page is protected" in logs
    if "-debug" in options:  # what Pywikibot writes there, with the secrets hidden
        assert "action=clientlogin&username=OutreachBot&password=<hidden>" in logs
        assert "&logintoken=<hidden>" in logs
        if "-simulate" not in options:
            assert "Body: 'action=edit&" in logs and "&token=<hidden>" in logs
            assert "API error protectedpage" in logs and "headers=" in logs


def test_no_credential_in_the_output_and_logs_of_the_scheduler(seeded, localwiki, tmp_path):
    bot = bot_dir(localwiki, tmp_path / "pywikibot")
    run_log = tmp_path / "runs.jsonl"
    output_file = tmp_path / "output.txt"
    command = [sys.executable, "-m", "outreachbot.cli", "schedule", "--config", CONFIG_PAGE,
               "--store", str(tmp_path / "jobs.sqlite"), "--log", str(run_log),
               "--every", "attendees=off", "--every", "tasks=off",
               "--every", "announcements=off", "--every", "activities=*/2 * * * * *",
               "--every", "refresh=*/2 * * * * *", "-debug", "-verbose", "-log"]
    with output_file.open("w") as out:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True,
                                   env={**os.environ, "PYWIKIBOT_DIR": str(bot)})
        try:
            deadline = time.monotonic() + 90
            while '"job": "activities"' not in (run_log.read_text() if run_log.exists()
                                                else ""):
                assert process.poll() is None, output_file.read_text()[-3000:]
                assert time.monotonic() < deadline, output_file.read_text()[-3000:]
                time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = output_file.read_text()
    assert "Scheduler started" in output and f"Logging in to localwiki:en as {BOT}" in output
    secrets_ = Secrets(localwiki)
    secrets_.gather(bot)
    texts = {"output": output, **written_files(bot / "logs"), "run log": run_log.read_text()}
    assert secrets_.leaks(texts) == []
    logs = "".join(text for name, text in texts.items() if "/logs/" in name)
    assert "password=<hidden>" in logs
    assert f"Saved [[{ACTIVITIES_PAGE}]]" in logs or f"Saved [[{STATUS_PAGE}]]" in logs
