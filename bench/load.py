"""Load: N simulated reviewers against the real app under gunicorn, then an audit.

    .venv/bin/python bench/load.py --db postgres --reviewers 10 50 100
    .venv/bin/python bench/load.py --db sqlite --reviewers 10 50

For each N, N reviewer threads (one `requests` session and one API token each) each do,
up to `--tasks` times: take the next task (`POST /api/tasks/next/`), save `--drafts` drafts
(`PUT /api/annotations/<id>/draft/` with the version the last save answered, one more span
each time, `--think` seconds apart), submit (`POST .../submit/`). Every answer is recorded.
Afterwards the database is compared with what the clients were told: every annotation a
client saved must be there with the version, state and spans of its last acknowledged
save (none lost), no (task, reviewer) pair or span may appear twice and no annotation may
exist that no client was told about (none duplicated), and no answer may be a 5xx.

The app runs under gunicorn on 127.0.0.1 on a free port (never 8000), in production
settings (DJANGO_DEBUG=0, no HTTPS redirect since the bench talks plain HTTP on loopback),
against a dedicated database that the bench drops and recreates: PostgreSQL
`crosscheck_load` (never `test`) or the SQLite file /tmp/crosscheck_load.sqlite3. Each
loop is bounded; the server is stopped (by its own pid) when the bench ends, even on error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "crosscheck_load"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
SQLITE_PATH = Path("/tmp/crosscheck_load.sqlite3")
WORD = re.compile(r"\w{4,}")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--reviewers", type=int, nargs="+", default=[10, 50])
    p.add_argument("--tasks", type=int, default=2, help="tasks per reviewer (bounded loop)")
    p.add_argument("--drafts", type=int, default=5, help="draft saves per task")
    p.add_argument("--think", type=float, default=0.2, help="seconds between a reviewer's saves")
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    p.add_argument("--timeout", type=float, default=600, help="stop a run after this many s")
    p.add_argument("--json", type=Path, help="also write the figures here")
    return p.parse_args()


# --- database and server --------------------------------------------------------------------


def prepare_database(db: str) -> dict[str, str]:
    """A fresh, migrated database; returns the environment that points at it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    if db == "postgres":
        for sql in (
            f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)',
            f'CREATE DATABASE "{PG_DB}"',
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
                check=True,
                capture_output=True,
            )
        env["DATABASE_URL"] = PG_URL
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        env["CROSSCHECK_SQLITE_PATH"] = str(SQLITE_PATH)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        CROSSCHECK_SUGGEST_ON_IMPORT="0",
        DJANGO_LOG_LEVEL="ERROR",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert port != 8000
    return int(port)


class Server:
    """gunicorn on loopback, started and stopped by this bench only (by its pid)."""

    def __init__(self, env: dict[str, str], *, workers: int, threads: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(f"/tmp/crosscheck_load_gunicorn_{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                # Longer than a reviewer's pause, so an idle keep-alive connection is not
                # closed by the server just as the client reuses it (connection reset).
                "--keep-alive",
                "30",
                # Load the app once, before forking, so no worker pays for imports mid-run.
                "--preload",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz in 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --- data -------------------------------------------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    for key in (
        "DATABASE_URL",
        "CROSSCHECK_SQLITE_PATH",
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_SECURE_COOKIES",
    ):
        if key in env:
            os.environ[key] = env[key]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def make_work(*, run: str, reviewers: int, tasks_per_reviewer: int) -> list[tuple[str, str]]:
    """Reviewers `load-<run>-<i>` with tokens, and enough open tasks (overlap 2) for all."""
    import hashlib

    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from annotate.models import Article, Source, Task
    from annotate.services.projects import project_ensure_default

    project = project_ensure_default()
    source, _ = Source.objects.get_or_create(name="Load News")
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    # Twice the slots the reviewers can fill (overlap 2): "nothing left" is never true.
    n_tasks = reviewers * tasks_per_reviewer + 2
    for i in range(n_tasks):
        text = f"{seeds[i % len(seeds)].strip()}\nLoad copy {run}-{i}."
        article = Article.objects.create(
            project=project,
            source=source,
            url=f"https://load.example.org/{run}/{i}",
            title=f"Load {run} #{i}",
            languages=["ru"],
            raw_text=text,
            text=text,
            content_hash=hashlib.sha256(f"{run}:{i}:{text}".encode()).hexdigest(),
        )
        Task.objects.create(project=project, article=article, required_overlap=2)
    users = []
    User = get_user_model()  # noqa: N806
    for i in range(reviewers):
        user = User.objects.create_user(username=f"load-{run}-{i}", password=secrets.token_hex(8))
        users.append((user.username, Token.objects.create(user=user).key))
    return users


# --- the simulated reviewers ------------------------------------------------------------------


@dataclass
class Saved:
    """What one client was told about one annotation, last acknowledged state."""

    annotation_id: int
    task_id: int
    username: str
    version: int = 0
    region_ids: list[str] = field(default_factory=list)
    submitted: bool = False


@dataclass
class Record:
    saves: list[float] = field(default_factory=list)  # draft save latencies, seconds
    nexts: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    saved: list[Saved] = field(default_factory=list)


def spans_for(text: str, count: int, *, salt: int) -> list[dict[str, Any]]:
    words = list(WORD.finditer(text))
    result = []
    for k in range(count):
        m = words[(salt * 7 + k * 3) % len(words)]
        result.append(
            {
                "id": f"r{k}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": m.start(), "end": m.end(), "text": m.group(), "labels": ["PER"]},
            }
        )
    # Two picks may land on the same word: keep one region per position.
    seen: set[tuple[int, int]] = set()
    unique = []
    for r in result:
        key = (r["value"]["start"], r["value"]["end"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def reviewer(
    base: str, username: str, token: str, salt: int, args: argparse.Namespace, stop_at: float
) -> Record:
    import requests

    rec = Record()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"

    def call(method: str, path: str, bucket: list[float] | None, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            r = session.request(method, base + path, timeout=60, **kw)
        except requests.RequestException as exc:
            rec.errors.append(f"{method} {path}: {exc}")
            return None
        if bucket is not None:
            bucket.append(time.perf_counter() - t0)
        rec.statuses[r.status_code] = rec.statuses.get(r.status_code, 0) + 1
        if r.status_code >= 400:
            rec.errors.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
        return r

    for _ in range(args.tasks):
        if time.monotonic() > stop_at:
            break
        r = call("POST", "/api/tasks/next/", rec.nexts)
        if r is None or r.status_code != 200:
            break
        body = r.json()
        ann = body["annotation"]
        saved = Saved(
            annotation_id=ann["id"], task_id=body["id"], username=username, version=ann["version"]
        )
        rec.saved.append(saved)
        text = body["article"]["text"]
        for d in range(args.drafts):
            if time.monotonic() > stop_at:
                break
            time.sleep(args.think)
            result = spans_for(text, d + 1, salt=salt)
            r = call(
                "PUT",
                f"/api/annotations/{saved.annotation_id}/draft/",
                rec.saves,
                json={"version": saved.version, "result": result},
            )
            if r is not None and r.status_code == 200:
                saved.version = r.json()["version"]
                saved.region_ids = sorted(x["id"] for x in result)
        time.sleep(args.think)
        r = call(
            "POST",
            f"/api/annotations/{saved.annotation_id}/submit/",
            rec.submits,
            json={"version": saved.version},
        )
        if r is not None and r.status_code == 200:
            saved.version = r.json()["version"]
            saved.submitted = True
    session.close()
    return rec


# --- the audit --------------------------------------------------------------------------------


def audit(*, run: str, saved: list[Saved]) -> dict[str, Any]:
    from django.db.models import Count

    from annotate.models import Annotation, Mention

    told = {s.annotation_id: s for s in saved}
    rows = {
        a.pk: a
        for a in Annotation.objects.filter(
            reviewer__username__startswith=f"load-{run}-"
        ).select_related("reviewer")
    }
    mentions: dict[int, list[str]] = {}
    for ann_id, region_id in Mention.objects.filter(annotation_id__in=rows).values_list(
        "annotation_id", "region_id"
    ):
        mentions.setdefault(ann_id, []).append(region_id)
    lost = []
    for ann_id, s in told.items():
        row = rows.get(ann_id)
        problems = []
        if row is None:
            problems.append("missing")
        else:
            if row.reviewer.username != s.username or row.task_id != s.task_id:
                problems.append("wrong owner or task")
            if row.version != s.version:
                problems.append(f"version {row.version} != told {s.version}")
            if s.submitted and row.state != Annotation.State.SUBMITTED:
                problems.append(f"state {row.state}")
            if sorted(mentions.get(ann_id, [])) != s.region_ids:
                problems.append(f"spans {sorted(mentions.get(ann_id, []))} != told {s.region_ids}")
        if problems:
            lost.append({"annotation": ann_id, "problems": problems})
    unknown = sorted(set(rows) - set(told))
    pairs = (
        Annotation.objects.filter(reviewer__username__startswith=f"load-{run}-")
        .values("task_id", "reviewer_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    dup_spans = sum(len(v) - len(set(v)) for v in mentions.values())
    return {
        "annotations_told": len(told),
        "annotations_in_db": len(rows),
        "submitted_told": sum(s.submitted for s in saved),
        "lost": lost,
        "unknown_in_db": unknown,
        "duplicate_pairs": pairs,
        "duplicate_spans": dup_spans,
    }


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k] * 1000


def run_one(base: str, n: int, args: argparse.Namespace, run: str) -> dict[str, Any]:
    users = make_work(run=run, reviewers=n, tasks_per_reviewer=args.tasks)
    stop_at = time.monotonic() + args.timeout
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [
            pool.submit(reviewer, base, u, tok, i, args, stop_at)
            for i, (u, tok) in enumerate(users)
        ]
        records = [f.result() for f in futures]
    elapsed = time.perf_counter() - t0
    saves = [x for r in records for x in r.saves]
    statuses: dict[int, int] = {}
    for r in records:
        for code, c in r.statuses.items():
            statuses[code] = statuses.get(code, 0) + c
    requests_total = sum(statuses.values())
    result = {
        "db": args.db,
        "reviewers": n,
        "elapsed_s": round(elapsed, 2),
        "requests": requests_total,
        "requests_per_s": round(requests_total / elapsed, 1),
        "saves": len(saves),
        "saves_per_s": round(len(saves) / elapsed, 1),
        "save_ms": {p: round(pct(saves, p), 1) for p in (50, 95, 99)},
        "save_ms_max": round(max(saves) * 1000, 1) if saves else None,
        "next_ms_p95": round(pct([x for r in records for x in r.nexts], 95), 1),
        "submit_ms_p95": round(pct([x for r in records for x in r.submits], 95), 1),
        "statuses": dict(sorted(statuses.items())),
        # 204 from tasks/next while the run's tasks still had free slots.
        "nothing_left_answers": statuses.get(204, 0),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "server_errors": sum(c for code, c in statuses.items() if code >= 500),
        "client_errors": sum(len(r.errors) for r in records),
        "error_samples": [e for r in records for e in r.errors][:5],
        "audit": audit(run=run, saved=[s for r in records for s in r.saved]),
    }
    return result


def main() -> int:
    args = parse_args()
    env = prepare_database(args.db)
    django_setup(env)
    server = Server(env, workers=args.workers, threads=args.threads)
    results = []
    ok = True
    try:
        server.wait_ready()
        # Warm-up, not reported: every worker imports what a save needs (some modules are
        # imported on first use) and fills its connection before the clock starts.
        warm = argparse.Namespace(**{**vars(args), "tasks": 1, "drafts": 2, "think": 0.0})
        run_one(server.url, args.workers * args.threads, warm, run=f"warm{int(time.time())}")
        for n in args.reviewers:
            res = run_one(server.url, n, args, run=f"{n}x{int(time.time())}")
            results.append(res)
            a = res["audit"]
            clean = (
                not a["lost"]
                and not a["unknown_in_db"]
                and not a["duplicate_pairs"]
                and not a["duplicate_spans"]
                and res["server_errors"] == 0
            )
            ok = ok and clean
            print(
                f"{args.db} {n:>3} reviewers: {res['requests']} requests in {res['elapsed_s']} s "
                f"({res['requests_per_s']}/s), {res['saves']} saves ({res['saves_per_s']}/s), "
                f"save p50/p95/p99 {res['save_ms'][50]}/{res['save_ms'][95]}/{res['save_ms'][99]} ms; "
                f"statuses {res['statuses']}; load avg {res['load_average_1m_after']}; told {a['annotations_told']} annotations "
                f"({a['submitted_told']} submitted), in db {a['annotations_in_db']}, "
                f"lost {len(a['lost'])}, unknown {len(a['unknown_in_db'])}, duplicate pairs "
                f"{a['duplicate_pairs']}, duplicate spans {a['duplicate_spans']}: "
                f"{'OK' if clean else 'FAIL'}",
                flush=True,
            )
            if res["error_samples"]:
                print("  errors:", res["error_samples"], flush=True)
            if a["lost"]:
                print("  lost:", a["lost"][:5], flush=True)
    finally:
        server.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
