"""How much CPU keeping a large attendee list costs (SPEC section 6: under 0.5 s for 5,000
signatures). Run ``python -m outreachbot.bench_attendees``; it is a measurement, not a
test, so a slow machine never fails the suite.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from outreachbot.rules import attendees
from outreachbot.rules.attendees import ListRules, maintain, read_history
from outreachbot.trust import Revision

_START = datetime(2020, 5, 1, tzinfo=UTC)


def _signature(n: int) -> str:
    user = f"Attendee {n}"
    moment = _START + timedelta(minutes=7 * n)
    return (f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) "
            f"{moment:%H:%M}, {moment.day} {moment:%B %Y} (UTC)")


def generated_page(signatures: int) -> str:
    """A sign-up page with ``signatures`` signers and what a real list gathers: bullets,
    replies, withdrawals, second signatures and an unsigned line."""
    lines = ["A session box.", "", "== Interested attendees ==",
             "Sign with a hash and four tildes. (<nowiki># ~~~~</nowiki>)."]
    for n in range(signatures):
        bullet = "*" if n % 97 == 0 else "#"
        line = f"{bullet} {_signature(n)}"
        if n % 53 == 0:
            line = f"# <s>{_signature(n)}</s> cannot come"
        lines.append(line)
        if n % 31 == 0:
            lines.append(f"#: See you there. {_signature(n + 1)}")
        if n % 89 == 0:
            lines.append(f"# again {_signature(n // 2)}")
    lines += ["# I would like to come", "", "== Other ==", "Text."]
    return "\n".join(lines) + "\n"


def cpu_seconds_for_5000_signatures() -> float:
    """CPU seconds to maintain a 5,000-signature list with a capacity: reading two new
    revisions of history (one adds an unsigned line, one removes a signature), then the
    rule itself. Generating the page is not measured."""
    text = generated_page(5000)
    base = text.replace("# I would like to come\n", "")
    removed = text.replace(f"# {_signature(10)}\n", "")
    revisions = [Revision(2, "Someone", _START, text), Revision(3, "Vandal", _START, removed)]
    rules = ListRules(capacity=4000, trusted=frozenset({"Organizer"}))
    attendees._read.cache_clear()  # measure from cold, as a fresh run would
    started = time.process_time()
    history = read_history(base, revisions, rules)
    maintain(removed, rules, history)
    return time.process_time() - started


if __name__ == "__main__":
    print(f"{cpu_seconds_for_5000_signatures():.3f} s of CPU for 5,000 signatures")
