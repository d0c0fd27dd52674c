"""Parsing in worker processes: the same articles, in the same order, as parsing inline."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from annotate.importers import pool
from annotate.importers.base import Rejection
from annotate.importers.pool import parse_stream, storable
from annotate.importers.read import read_file
from annotate.models import Article, ImportBatch, ImportRejection, Project
from annotate.services.imports import import_inputs_from_paths, import_run

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Everything the parser fills in, as stored.
FIELDS = (
    "source_file",
    "source_line",
    "title",
    "url",
    "published_on",
    "languages",
    "raw_text",
    "text",
    "content_hash",
    "simhash",
    "metadata",
    "external_id",
    "source__name",
)


def a_folder_of_every_kind(folder: Path) -> Path:
    """Seeds, a near-duplicate, an exact repeat, bad files and records, JSONL, CSV."""
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    seed = (SEEDS / "001_720035ddf12cb8ee.txt").read_text("utf-8")
    (folder / "near.txt").write_text(seed.replace("Глава", "Главой", 1), "utf-8")
    shutil.copy(SEEDS / "003_b2ce593ff39a41d2.txt", folder / "repeat.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    records = [
        {"text": "Hello world, talks on Syria went on in Moscow today.", "id": 7},
        {"text": "Ещё одна статья о переговорах в Москве. " * 5, "source": "TASS"},
    ]
    (folder / "records.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8"
    )
    (folder / "long-url.jsonl").write_text(
        json.dumps({"text": "Some text here.", "url": "https://a.example/" + "x" * 2100}) + "\n",
        "utf-8",
    )
    (folder / "table.csv").write_text('text,title\n"Some text, with a comma",A title\n', "utf-8")
    # A byte order mark: the raw text (which a worker leaves to the importing process to
    # put back from the bytes it read) is the file less the mark, as decoding reads it.
    (folder / "zz-bom.txt").write_bytes(b"\xef\xbb\xbf" + "Москва, 28 октября.\n".encode() * 3)
    return folder


def import_with(project: Project, folder: Path, settings: Settings, workers: int) -> ImportBatch:
    settings.CROSSCHECK_IMPORT_WORKERS = workers
    settings.CROSSCHECK_IMPORT_PARALLEL_FROM = 3  # the rest of the 13 files go to workers
    settings.CROSSCHECK_IMPORT_BATCH_SIZE = 4
    return import_run(project=project, inputs=import_inputs_from_paths([folder]))


def stored(project: Project) -> list[tuple[object, ...]]:
    return list(Article.objects.filter(project=project).order_by("id").values_list(*FIELDS))


@pytest.mark.django_db
def test_a_parallel_import_stores_what_an_inline_import_stores_in_the_same_order(
    tmp_path: Path, settings: Settings
) -> None:
    folder = a_folder_of_every_kind(tmp_path)
    inline_project = Project.objects.create(name="Inline", slug="inline")
    parallel_project = Project.objects.create(name="Parallel", slug="parallel")

    inline = import_with(inline_project, folder, settings, workers=0)
    parallel = import_with(parallel_project, folder, settings, workers=2)

    assert stored(parallel_project) == stored(inline_project)
    counts = ("file_count", "created_count", "skipped_count", "rejected_count")
    assert [getattr(parallel, c) for c in counts] == [getattr(inline, c) for c in counts]
    assert (parallel.file_count, parallel.skipped_count, parallel.rejected_count) == (13, 1, 3)
    assert parallel.near_duplicate_count == inline.near_duplicate_count == 1
    near = Article.objects.get(project=parallel_project, source_file=str(folder / "near.txt"))
    assert near.near_duplicate_of is not None
    assert near.near_duplicate_of.source_file == str(folder / "001_720035ddf12cb8ee.txt")
    reasons = lambda batch: list(  # noqa: E731
        ImportRejection.objects.filter(batch=batch).order_by("id").values_list("file", "reason")
    )
    assert reasons(parallel) == reasons(inline)
    assert [Path(f).name for f, _ in reasons(parallel)] == [
        "empty.txt",
        "latin1.txt",
        "long-url.jsonl",
    ]
    # Articles are stored in file order (the folder walk's: sorted), whoever parsed them.
    files = [Path(f).name for f, *_ in stored(parallel_project)]
    assert files == sorted(files)
    assert len(files) == 13 - 1 - 3 + 1  # two articles in records.jsonl
    bom = Article.objects.get(project=parallel_project, source_file=str(folder / "zz-bom.txt"))
    assert bom.raw_text == "Москва, 28 октября.\n" * 3


def seed_files() -> list[tuple[str, str, bytes | Rejection]]:
    return [(path.name, path.name, path.read_bytes()) for path in sorted(SEEDS.glob("*.txt"))]


@pytest.mark.parametrize("expected", [None, 16], ids=["workers-after-inline", "workers-at-once"])
@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "fork-server"])
def test_the_stream_yields_worker_results_in_input_order_as_read_file_parses_them(
    expected: int | None, threaded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = seed_files() * 3 + [("bad", "bad.txt", Rejection(file="bad.txt", reason="unreadable"))]
    # One thread (the import command) forks its workers; with other threads alive (a web
    # server, or this test process after some other tests) they come from the fork server.
    monkeypatch.setattr(pool.threading, "active_count", lambda: 2 if threaded else 1)
    assert pool._context().get_start_method() == ("forkserver" if threaded else "fork")

    results = list(
        parse_stream(
            files,
            fmt="auto",
            workers=2,
            min_files=2,
            in_flight=2,
            chunk_files=2,
            expected=expected,
        )
    )

    assert [key for key, _ in results] == [key for key, _, _ in files]
    for (_, name, data), (_, parsed) in zip(files[:-1], results[:-1], strict=True):
        assert parsed == [storable(a, data) for a in read_file(name, data)]  # type: ignore[arg-type]
    assert results[-1][1] == Rejection(file="bad.txt", reason="unreadable")


def test_the_stream_yields_what_came_before_a_failing_input_then_raises() -> None:
    def files() -> Iterator[tuple[str, str, bytes | Rejection]]:
        yield from seed_files()
        raise RuntimeError("the disk went away")

    seen: list[str] = []
    stream = parse_stream(files(), fmt="auto", workers=2, min_files=1, in_flight=8, chunk_files=3)
    with pytest.raises(RuntimeError, match="the disk went away"):
        seen.extend(key for key, _ in stream)

    assert seen == [key for key, _, _ in seed_files()]


def test_a_rejection_survives_the_trip_from_a_worker_process() -> None:
    files = [("x", "x.txt", b"\x00binary"), ("y", "y.txt", b"")] * 2

    stream = parse_stream(files, fmt="auto", workers=1, min_files=1, in_flight=1, chunk_files=1)
    results = [parsed for _, parsed in stream]

    assert all(isinstance(r, Rejection) for r in results)
    assert [r.reason.split(" (")[0] for r in results] == [  # type: ignore[union-attr]
        "binary file",
        "empty file",
    ] * 2
    assert results[0] == Rejection(
        file="x.txt", reason="binary file (it contains NUL bytes); expected UTF-8 text"
    )


KILLED_PARENT = """
import multiprocessing, sys, threading, time
from annotate.importers.pool import parse_stream
if __name__ == "__main__":
    if sys.argv[1] == "fork-server":  # another thread alive: workers come from the fork server
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    seed = open(sys.argv[2], "rb").read()
    files = ((n, f"{n}.txt", seed + str(n).encode()) for n in range(100_000))
    for i, _ in enumerate(parse_stream(files, fmt="auto", workers=2, min_files=1, in_flight=4)):
        if i == 60:
            print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
            time.sleep(120)
"""


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # ended, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("threaded", [False, True], ids=["forked", "fork-server"])
def test_workers_exit_when_the_importing_process_is_killed(threaded: bool) -> None:
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    mode = "fork-server" if threaded else "forked"
    root = Path(__file__).resolve().parents[2]
    importing = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT, mode, seed], cwd=root, stdout=subprocess.PIPE
    )
    children: list[int] = []
    try:
        assert importing.stdout is not None
        children = [int(pid) for pid in importing.stdout.readline().split()]
        assert children, "the import started no worker"
        os.kill(importing.pid, signal.SIGKILL)
        importing.wait()
        deadline = time.monotonic() + 20
        while not all(_ended(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in children if not _ended(pid)] == []
    finally:
        importing.kill()
        importing.wait()
        for pid in children:  # when the test failed: no worker outlives it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
