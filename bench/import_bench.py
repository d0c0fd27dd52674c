"""Time `manage.py import_articles` on N synthetic seed-sized articles.

    .venv/bin/python bench/import_bench.py                      # N = 1,000 10,000 100,000, SQLite
    .venv/bin/python bench/import_bench.py --sizes 1000,10000 --pg

Each article recombines paragraphs of the five seeds (seeded RNG, so runs are
comparable), is about as long as a seed, and starts with a ` date YYYY-MM-DD` header
most of the time. One file per article, in a temporary folder. `--corpus varied` (the
default) also swaps a quarter of the words for other seed words, so each article has its
own wording; `--corpus recombined` keeps the paragraphs as they are (see CORPORA).

Production settings (DJANGO_DEBUG=0) and suggestions off, so the import itself is timed;
`--suggestions` leaves them on.

Each N runs against a fresh database: a new SQLite file, or with --pg a PostgreSQL
database `crosscheck_bench` dropped and created again (psql -h 127.0.0.1 -U postgres).
`manage.py migrate` runs in one subprocess, then the import runs in-process in a
second one with `call_command`, so wall time covers exactly the command and peak RSS
(`resource.getrusage`) covers Django, the parser and the import. "CPU s" is the command's
process and the worker processes it starts to parse (CROSSCHECK_IMPORT_WORKERS; "of which
workers", read from /proc); "worker peak MB" is the largest worker's. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _proctree import descendants  # bench/, the script's own folder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PG_DATABASE = "crosscheck_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
# Share of words swapped for other seed words. "recombined" reuses the 68 seed paragraphs
# as they are: every article shares most of its 3-word shingles with thousands of others,
# which skews SimHash bits and makes the near-duplicate band lookup return a large part
# of the corpus as candidates (a worst case). "varied" gives each article its own wording.
CORPORA = {"varied": 0.25, "recombined": 0.0}


def seed_paragraphs() -> list[str]:
    """Every non-empty line of the seeds, without their ` date` headers."""
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith(" date "):
                paragraphs.append(line.strip())
    return paragraphs


def synthetic_article(
    rng: random.Random,
    paragraphs: list[str],
    sizes: list[int],
    *,
    swap: float,
    vocabulary: list[str],
) -> str:
    """A seed-sized article: random seed paragraphs, a date header (80% of the time).

    With `swap` > 0 that share of the words is replaced by other words of the seeds, so
    the article's wording is its own (as with real articles) while its scripts, languages
    and length stay those of the seeds.
    """
    target = rng.randint(min(sizes), max(sizes))
    body: list[str] = []
    size = 0
    while size < target:
        paragraph = rng.choice(paragraphs)
        if swap:
            words = paragraph.split(" ")
            paragraph = " ".join(
                rng.choice(vocabulary) if rng.random() < swap else w for w in words
            )
        body.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
    if rng.random() < 0.8:
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
        body.insert(0, f" date {day.isoformat()} https://news.example.org/{rng.getrandbits(48):x}")
    return "\n\n".join(body) + "\n"


def write_articles(folder: Path, count: int, *, corpus: str, seed: int = 2) -> int:
    """Write `count` articles as files under `folder` (1,000 per subfolder); total bytes."""
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    vocabulary = [word for paragraph in paragraphs for word in paragraph.split(" ") if word]
    sizes = [p.stat().st_size for p in SEEDS.glob("*.txt")]
    swap = CORPORA[corpus]
    total = 0
    for index in range(count):
        sub = folder / f"{index // 1000:04d}"
        if index % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        article = synthetic_article(rng, paragraphs, sizes, swap=swap, vocabulary=vocabulary)
        data = article.encode("utf-8")
        (sub / f"{index:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def child(folder: str) -> None:
    """In a fresh process: import `folder` with the command, print figures as JSON."""
    import io
    import resource

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from annotate.models import ImportBatch

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = io.StringIO()
    workers = _WorkerWatch()
    workers.start()
    cpu_started = time.process_time()
    started = time.perf_counter()
    try:
        call_command("import_articles", folder, stdout=out)
    finally:
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        workers.stop()
    batch = ImportBatch.objects.get()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds + workers.cpu_seconds(),
        "worker_cpu_seconds": workers.cpu_seconds(),
        "worker_peak_mb": workers.peak_mb(),
        "rss_before_mb": rss_before / 1024,
        "peak_mb": peak_kb / 1024,
        "created": batch.created_count,
        "skipped": batch.skipped_count,
        "near": batch.near_duplicate_count,
        "rejected": batch.rejected_count,
        "summary": out.getvalue().strip(),
    }
    print(json.dumps(figures))


class _WorkerWatch:
    """CPU time and peak memory of the processes the import starts (its parsing workers,
    under a fork server): read from /proc every 20 ms while the import runs, so a worker
    that has exited still counts with its last reading (at most 20 ms short). Its own CPU
    time (a thread of this process) counts in the import's; it is well under 1%."""

    def __init__(self) -> None:
        import threading

        self.cpu: dict[int, float] = {}
        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def peak_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(0.02):
                self._sample()
                return

    def _sample(self) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in descendants(os.getpid()):
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{pid}/status") as handle:
                    status = handle.read()
            except OSError:
                continue  # it has just exited: its last reading stands
            # utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb[pid] = int(line.split()[1])


def fresh_database(db: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    # As deployed: with DEBUG on, Django also formats and logs every query.
    env["DJANGO_DEBUG"] = os.environ.get("DJANGO_DEBUG", "0")
    if env["DJANGO_DEBUG"] == "0" and "DJANGO_SECRET_KEY" not in env:
        env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)  # production mode requires one
    if db == "sqlite":
        path = workdir / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["CROSSCHECK_SQLITE_PATH"] = str(path)
    else:
        for sql in (
            f"DROP DATABASE IF EXISTS {PG_DATABASE}",
            f"CREATE DATABASE {PG_DATABASE}",
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
                env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
                check=True,
            )
        env["DATABASE_URL"] = PG_URL
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
    return env


def measure(
    db: str, count: int, folder: Path, workdir: Path, *, suggestions: bool
) -> dict[str, object]:
    env = fresh_database(db, workdir)
    # The import itself: parse, normalise, store. Suggestions (NER, dates) run after it,
    # inline by default and far slower; --suggestions leaves them on.
    env["CROSSCHECK_SUGGEST_ON_IMPORT"] = "1" if suggestions else "0"
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        env=env,
        capture_output=True,  # stderr: the progress bar, or a traceback
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"import of N={count:,} on {db} failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(db=db, n=count)
    return figures


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| N | DB | corpus | seconds | CPU s | of which workers | articles/s | peak MB "
        "| worker peak MB | RSS before import MB | created | near-dup |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        lines.append(
            f"| {r['n']:,} | {'SQLite' if r['db'] == 'sqlite' else 'PostgreSQL'} | {r['corpus']} "
            f"| {seconds:.2f} | {float(r['cpu_seconds']):.2f} "  # type: ignore[arg-type]
            f"| {float(r['worker_cpu_seconds']):.2f} | {int(r['n']) / seconds:,.0f} "  # type: ignore[call-overload, arg-type]
            f"| {float(r['peak_mb']):.0f} | {float(r['worker_peak_mb']):.0f} "  # type: ignore[arg-type]
            f"| {float(r['rss_before_mb']):.0f} "  # type: ignore[arg-type]
            f"| {r['created']:,} | {r['near']:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--pg", action="store_true", help=f"also PostgreSQL ({PG_DATABASE})")
    parser.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="varied")
    parser.add_argument(
        "--suggestions", action="store_true", help="leave suggestions on import on (slow)"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    databases = ["sqlite", "postgresql"] if args.pg else ["sqlite"]
    workdir = Path(tempfile.mkdtemp(prefix="crosscheck-bench-"))
    rows = []
    try:
        for count in sizes:
            folder = workdir / f"articles-{count}"
            megabytes = write_articles(folder, count, corpus=args.corpus) / 1e6
            # The input is on disk before the clock starts, as a user's files would be: its
            # writeback does not land inside the timed import.
            os.sync()
            print(f"N={count:,}: wrote {megabytes:.1f} MB of articles", file=sys.stderr)
            for db in databases:
                row = measure(db, count, folder, workdir, suggestions=args.suggestions)
                row["corpus"] = args.corpus + (" + suggestions" if args.suggestions else "")
                rows.append(row)
                print(f"  {db}: {row['seconds']:.2f} s — {row['summary']}", file=sys.stderr)
            if not args.keep:
                shutil.rmtree(folder)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(rows))
    print()
    print(f"`{shlex.join(['python', 'bench/import_bench.py', *sys.argv[1:]])}`")


if __name__ == "__main__":
    main()
