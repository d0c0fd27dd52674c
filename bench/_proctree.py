"""The processes below a process, read from /proc: what the benchmarks sample for CPU and
memory when the command they time starts processes of its own (workers, a forked writer)."""

from __future__ import annotations

import os


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, children before their own children; [] once it has ended."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as handle:
                children = [int(c) for c in handle.read().split()]
        except OSError:
            continue  # the thread or the process has just ended
        for child in children:
            found += [child, *descendants(child)]
    return found
