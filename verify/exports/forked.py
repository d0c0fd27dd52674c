"""A writer that runs in a second process, so a release uses both cores.

The release process reads the rows and writes some files itself; it hands the rows for the
others (`verify.services.releases._second_process`) to a forked process through a pipe, a
batch at a time. The pipe is bounded: when the second process falls behind, the
first waits, so memory stays flat. The second process never touches the database (it
only gets rows), so it sees exactly what the first read, inside a transaction or not.
Each file is written by one process in the order its rows were sent: deterministic.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

BATCH = 50  # items a message: 200 held 15-20 MB more in flight across the two processes


def _received(conn: Connection) -> Iterator[Any]:
    while (batch := conn.recv()) is not None:
        yield from batch


def _child(conn: Connection, other: Connection, target: Callable[[Iterator[Any]], Any]) -> None:
    other.close()  # the parent's end: without it a dead parent would never give EOF
    try:
        result = target(_received(conn))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send((False, f"{type(exc).__name__}: {exc}"))
    else:
        conn.send((True, result))
    conn.close()


class SecondProcessFailed(Exception):
    """The second process failed; the message is its error."""


class ForkedWriter:
    """Calls `target(items)` in a forked process with every item given to `write`;
    `close` returns what `target` returned, or raises SecondProcessFailed with its error."""

    def __init__(self, target: Callable[[Iterator[Any]], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_child, args=(child, self._conn, target), daemon=True
        )
        # Frozen objects are left alone by the garbage collector of both processes (this one
        # until `close`): a full collection writes to every object it visits, which would
        # copy every page of the heap the two share, in each of them.
        gc.freeze()
        try:
            self._process.start()
        except BaseException:
            gc.unfreeze()
            raise
        child.close()
        self._batch: list[Any] = []
        self._done = False

    def write(self, item: Any) -> None:
        self._batch.append(item)
        if len(self._batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        try:
            self._conn.send(self._batch)
        except (BrokenPipeError, ConnectionResetError):
            self._result()  # raises the second process's own error
            raise
        self._batch = []

    def _result(self) -> Any:
        try:
            ok, result = self._conn.recv()
        except EOFError:
            raise SecondProcessFailed(
                f"the second process stopped (exit code {self._process.exitcode})"
            ) from None
        if not ok:
            raise SecondProcessFailed(result)
        return result

    def close(self) -> Any:
        """Send what is left, wait for the second process and return its result."""
        if self._done:
            return None
        self._done = True
        try:
            if self._batch:
                self._send()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._conn.send(None)  # it may have stopped already: its result says why
            return self._result()
        finally:
            self._conn.close()
            self._process.join()
            gc.unfreeze()

    def abort(self) -> None:
        """Stop the second process without waiting for it to finish (a failed release)."""
        if self._done:
            return
        self._done = True
        self._process.kill()
        self._process.join()
        self._conn.close()
        gc.unfreeze()
