"""Parse files in worker processes while the caller stores what came back (no Django here).

`parse_stream` takes the files in order and yields each with its articles as `Storable`
records (or the Rejection that rejects it), in the same order. The first `min_files` files are parsed
inline (a small import never starts a process); after them, chunks of files go to a pool
of processes. At most `in_flight` chunks are parsed or waiting at a time, so memory stays
flat however many files come.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, NamedTuple, TypeVar

import orjson

from annotate.importers.base import ParsedArticle, Rejection
from annotate.importers.fingerprint import content_hash_utf8, simhash
from annotate.importers.read import file_text_utf8, read_file

T = TypeVar("T")

# (field, maximum length) of the article fields a reader fills from the input.
_LIMITS = (("url", 2000), ("external_id", 200))
CHUNK_FILES = 50


class Storable(NamedTuple):
    """An article as the database stores it, with what storing needs computed where it was
    parsed: its content hash, its SimHash, its JSON columns already encoded. Strings and
    numbers cross between processes cheaply; a ParsedArticle (a dataclass holding nested
    dicts) cost half as much again as parsing it to pickle and unpickle.

    The large columns (raw text, text, metadata) are UTF-8 bytes: the worker encodes the
    text once (for the content hash too), the importing process passes the bytes on to the
    database as they are (`annotate.services.imports._insert_rows`), and neither pickling
    nor the database driver converts them again. A raw text that is its whole file (the
    seed format) is that file's bytes: a worker leaves it out (None) and `parse_stream`
    puts back the bytes the importing process read, so it never crosses a pipe."""

    raw_utf8: bytes | None
    text_utf8: bytes
    title: str
    url: str
    published_on: dt.date | None
    outlet: str
    outlet_domain: str
    outlet_kind: str
    languages_json: str
    external_id: str
    file: str
    line: int | None
    metadata_json: bytes  # with the Label Studio annotations and predictions, if any
    content_hash: str
    simhash: int


def storable(article: ParsedArticle, data: bytes | None) -> Storable:
    """`article` to store; `data`, the bytes of its file, for a raw text that is the whole
    file (None: leave such a raw text out, for the caller to put back)."""
    metadata = article.metadata
    if article.label_studio:
        metadata = {**metadata, "label_studio": article.label_studio}
    text_utf8 = article.text.encode("utf-8")
    if not article.raw_is_file:
        raw_utf8: bytes | None = article.raw_text.encode("utf-8")
    else:
        raw_utf8 = None if data is None else file_text_utf8(data)
    return Storable(
        raw_utf8=raw_utf8,
        text_utf8=text_utf8,
        title=article.title,
        url=article.url,
        published_on=article.published_on,
        outlet=article.outlet,
        outlet_domain=article.outlet_domain,
        outlet_kind=article.outlet_kind,
        languages_json=orjson.dumps(list(article.languages)).decode(),
        external_id=article.external_id,
        file=article.file,
        line=article.line,
        metadata_json=json_utf8(metadata),
        content_hash=content_hash_utf8(text_utf8),
        simhash=article.simhash if article.simhash is not None else simhash(article.text),
    )


def json_utf8(value: Any) -> bytes:
    """`value` as JSON text in UTF-8. orjson is six times faster than `json` on an article's
    metadata; what it cannot encode (an integer past 64 bits in a Label Studio export, say)
    goes through `json`, which can."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


def parse_file(name: str, data: bytes, *, fmt: str) -> list[ParsedArticle]:
    """The articles of one file, each one the database can store; raises Rejection."""
    articles = read_file(name, data, fmt=fmt)
    for article in articles:
        check_storable(article, name=name)
    return articles


def check_storable(article: ParsedArticle, *, name: str) -> None:
    """Reject what the database would refuse, so one file cannot break a whole batch."""
    for attr, limit in _LIMITS:
        if len(getattr(article, attr)) > limit:
            raise Rejection(
                file=article.file or name,
                line=article.line,
                field=attr,
                reason=f"{attr} is longer than {limit} characters",
            )
    for attr in ("text", "raw_text", "title", "url", "external_id", "outlet"):
        if "\x00" in getattr(article, attr):
            raise Rejection(
                file=article.file or name,
                line=article.line,
                field=attr,
                reason="contains a NUL character (binary data?)",
            )


Parsed = list[Storable] | Rejection


def _parse(name: str, data: bytes | Rejection, fmt: str, *, worker: bool = False) -> Parsed:
    if isinstance(data, Rejection):
        return data
    try:
        articles = parse_file(name, data, fmt=fmt)
    except Rejection as rejection:
        return rejection
    return [storable(article, None if worker else data) for article in articles]


def _parse_chunk(chunk: list[tuple[str, bytes | Rejection]], fmt: str) -> list[Parsed]:
    return [_parse(name, data, fmt, worker=True) for name, data in chunk]


def parse_stream(
    files: Iterable[tuple[T, str, bytes | Rejection]],
    *,
    fmt: str,
    workers: int,
    min_files: int,
    in_flight: int,
    chunk_files: int = CHUNK_FILES,
    expected: int | None = None,
) -> Iterator[tuple[T, Parsed]]:
    """(key, articles or Rejection) for each (key, name, bytes or Rejection), in order.

    `key` travels with each file and stays in this process (it need not pickle). The
    first `min_files` files are parsed inline, as they come; the rest, if any and if
    there are `workers`, in worker processes. When the caller `expected` more files than
    that and the workers fork (`_context`), they start at once and take every file. If
    `files` fails, the files before the failure are still yielded, then the error is raised.
    """
    stream = iter(files)
    if workers > 0 and expected is not None and expected > min_files and _forking():
        # Forked workers are ready at once: every file goes to them.
        yield from _parse_in_pool(stream, fmt, _pool(workers), in_flight, chunk_files)
        return
    for count, (key, name, data) in enumerate(stream, start=1):
        yield key, _parse(name, data, fmt)
        if workers > 0 and count >= min_files:
            break
    else:
        return
    yield from _parse_in_pool(stream, fmt, _pool(workers), in_flight, chunk_files)


def _parse_in_pool(
    stream: Iterator[tuple[T, str, bytes | Rejection]],
    fmt: str,
    pool: ProcessPoolExecutor,
    in_flight: int,
    chunk_files: int,
) -> Iterator[tuple[T, Parsed]]:
    pending: deque[tuple[list[tuple[T, bytes | Rejection]], Future[list[Parsed]]]] = deque()

    def submit(chunk: list[tuple[T, str, bytes | Rejection]]) -> None:
        kept = [(key, data) for key, _, data in chunk]
        pending.append((kept, pool.submit(_parse_chunk, [(n, d) for _, n, d in chunk], fmt)))

    try:
        chunk: list[tuple[T, str, bytes | Rejection]] = []
        failure: Exception | None = None
        try:
            for item in stream:
                chunk.append(item)
                if len(chunk) == chunk_files:
                    submit(chunk)
                    chunk = []
                    while len(pending) >= in_flight:
                        yield from _done(*pending.popleft())
        except Exception as exc:  # the input failed: what came before it still counts
            failure = exc
        if chunk:
            submit(chunk)
        while pending:
            yield from _done(*pending.popleft())
        if failure is not None:
            raise failure
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _done(
    kept: list[tuple[T, bytes | Rejection]], future: Future[list[Parsed]]
) -> Iterator[tuple[T, Parsed]]:
    for (key, data), parsed in zip(kept, future.result(), strict=True):
        if not isinstance(parsed, Rejection) and isinstance(data, bytes):
            parsed = [_with_raw(article, data) for article in parsed]
        yield key, parsed


def _with_raw(article: Storable, data: bytes) -> Storable:
    """A worker's article with the raw text it left out: its file's bytes, kept here."""
    if article.raw_utf8 is not None:
        return article
    return Storable(file_text_utf8(data), *article[1:])  # raw_utf8 is the first field


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )


PARENT_CHECK_SECONDS = 1.0


def _watch_parent(pid: int) -> None:
    """In each worker: exit once the importing process is gone. A killed import (SIGKILL,
    an OOM kill, a web server worker killed on timeout) cannot stop its workers, and they
    would wait for work forever."""
    threading.Thread(target=_exit_when_gone, args=(pid,), daemon=True, name="watch").start()


def _exit_when_gone(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)  # readable once the process has ended (Linux 5.3+)
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])
        os._exit(1)
    while _alive(pid):  # pragma: no cover - kernels without pidfd
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)  # pragma: no cover


def _alive(pid: int) -> bool:  # pragma: no cover - kernels without pidfd
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except (ProcessLookupError, PermissionError, FileNotFoundError):
        return False


def _forking() -> bool:
    return threading.active_count() == 1


def _context() -> multiprocessing.context.BaseContext:
    """Fork when this process runs one thread (the import command): the workers start at
    once, sharing the parser this process has loaded. Otherwise (a web server's threads) a
    fork server: workers start from a clean process that has loaded only the parser, not
    from a copy of one whose other threads may hold locks."""
    if _forking():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context
