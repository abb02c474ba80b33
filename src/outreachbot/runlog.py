"""The local run log: one JSON line per job run, for ``outreachbot status``.

The status page on the wiki tells organizers what happened; this file tells the operator,
without a browser and even when the wiki could not be reached. One line per run keeps it
appendable from several processes (a cron run and a manual one) and readable with ``jq``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from outreachbot import redact
from outreachbot.report import JobReport

DEFAULT_LOG = Path("state/runs.jsonl")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def record(report: JobReport, trigger: str = "run") -> dict[str, Any]:
    """The log line of one report; ``trigger`` says what started the run."""
    return {
        "time": _iso(report.started),
        "finished": _iso(report.finished or datetime.now(UTC)),
        "config": report.config_page,
        "job": report.job,
        "outcome": report.outcome,
        "checked": report.checked,
        "edits": report.edit_count,
        "skips": len(report.skips),
        "problems": len(report.problems) + len(report.ignored),
        "trigger": trigger,
        "notes": [redact.text(note) for note in report.notes[:5]],
    }


def append(path: Path | str, reports: Iterable[JobReport], trigger: str = "run") -> None:
    """Add one line per report. Each report is one ``write`` under an exclusive lock, so
    two processes appending at once never interleave their lines."""
    lines = "".join(json.dumps(record(r, trigger), ensure_ascii=False) + "\n" for r in reports)
    if not lines:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path | str) -> list[dict[str, Any]]:
    """Every record, oldest first; a damaged line (a crash mid-write) is passed over."""
    records = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(entry, dict) and {"config", "job", "time"} <= entry.keys():
                    records.append(entry)
    except FileNotFoundError:
        return []
    return records


def last_runs(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest record per (config, job), sorted by config then job."""
    last: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in records:
        last[(entry["config"], entry["job"])] = entry
    return [last[key] for key in sorted(last)]


def format_status(records: Sequence[dict[str, Any]]) -> str:
    """The table ``outreachbot status`` prints: the last run per job and config."""
    rows = last_runs(records)
    if not rows:
        return "No run recorded yet."
    lines = []
    for config in dict.fromkeys(r["config"] for r in rows):
        lines.append(f"[[{config}]]")
        for r in (r for r in rows if r["config"] == config):
            lines.append(
                f"  {r['job']:<14} {r['time']}  {r['outcome']:<8} {r['checked']} checked, "
                f"{r['edits']} edits, {r['skips']} skipped, {r['problems']} problems"
                f"  ({r.get('trigger', 'run')})")
            lines.extend(f"    {note}" for note in r.get("notes") or ())
    return "\n".join(lines)
