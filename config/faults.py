"""Fault injection for the crash tests (tests/faults/): a no-op unless asked for.

Why: to prove that killing the server inside a write leaves whole work or none, a test must
kill it at a known place inside the transaction, not at a random moment. A few writes call
`fault_point(name)` right after their first database write. It does nothing unless the
environment variable CROSSCHECK_FAULT_PAUSE names that point; then the process writes its
pid into the file named by CROSSCHECK_FAULT_READY and sleeps (CROSSCHECK_FAULT_SECONDS, 60 by
default) so the test can SIGKILL it there. `name#3` pauses the third time the point is
reached, e.g. inside the third batch of an import. Never set these variables in production.
"""

from __future__ import annotations

import os
import time
from collections import Counter

_reached: Counter[str] = Counter()


def fault_point(name: str) -> None:
    wanted = os.environ.get("CROSSCHECK_FAULT_PAUSE")
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] != int(nth or 1):
        return
    ready = os.environ.get("CROSSCHECK_FAULT_READY")
    if ready:
        with open(ready, "w", encoding="utf-8") as handle:
            handle.write(str(os.getpid()))
    time.sleep(float(os.environ.get("CROSSCHECK_FAULT_SECONDS", "60")))
