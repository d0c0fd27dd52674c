"""Time a gold release of a large synthetic corpus, and its peak memory.

    .venv/bin/python bench/release_bench.py                          # 100,000 facts, 1,000,000 mentions
    .venv/bin/python bench/release_bench.py --facts 10000 --mentions 100000

Builds a fresh SQLite file (`manage.py migrate` in a subprocess) and bulk-inserts an
adjudicated corpus straight into the tables (no services: building 1,000,000 spans through
the annotation services would take hours): articles of synthetic Russian-looking words,
each with a task in state ADJUDICATED, a done adjudication, agreement figures, `--mentions`
gold mention spans whose text is the article text at their offsets, and two gold claim
spans per fact from two outlets (so each fact has two evidence rows), a tenth of them
refuting. Then `manage.py release_gold` runs in a second subprocess: the wall time, CPU time
and peak RSS of that process (and of the second process it forks; Django and pyarrow imports
included) are the figures, with the peak PSS summed over the two: the memory the release
takes from the machine, pages the fork shares counted once (the sum of two RSS counts them
twice). Prints a markdown table and checks the release (row counts, checksums).
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _proctree import descendants  # bench/, the script's own folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("министр", "обороны", "встреча", "Москве", "заявил", "соглашение", "визит", "армии",
         "Сирии", "России", "генерал", "переговоры", "делегация", "президент", "сообщил")  # fmt: skip
LABELS = ("PER", "ORG", "LOC", "DATE", "EVENT", "ROLE")
BATCH = 5000
LAUNCH = """import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{used.ru_maxrss} {used.ru_utime + used.ru_stime}")
"""


def article_text(rng: random.Random, words: int) -> tuple[str, list[tuple[int, int]]]:
    """A text of `words` words with commas and full stops; the offsets of each word."""
    parts, offsets, position = [], [], 0
    for i in range(words):
        word = rng.choice(WORDS)
        offsets.append((position, position + len(word)))
        tail = "." if i % 12 == 11 else ("," if i % 5 == 4 else "")
        parts.append(word + tail + " ")
        position += len(word) + len(tail) + 1
    return "".join(parts).rstrip(), offsets


def build(facts: int, mentions: int, seed: int = 7) -> dict[str, int]:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotate.models import Source, Task
    from annotate.services.projects import project_ensure_default
    from verify.models import Adjudication, Entity, Fact, GoldSpan, TaskAgreement

    rng = random.Random(seed)
    project = project_ensure_default()
    users = get_user_model()
    users.objects.create_user("alice")
    users.objects.create_user("bob")
    carol = users.objects.create_user("carol", is_staff=True)
    sources = [Source.objects.create(name=f"Outlet {i}") for i in range(20)]
    entities = Entity.objects.bulk_create(
        [Entity(type=rng.choice(LABELS), preferred_name=f"Entity {i}") for i in range(5000)]
    )
    fact_rows = Fact.objects.bulk_create(
        [Fact(statement=f"Synthetic fact {i}") for i in range(facts)], batch_size=BATCH
    )
    per_article = 50
    n_articles = max(mentions // per_article, 1)
    claims_per_article = -(-2 * facts // n_articles)  # two evidence rows per fact
    words = per_article + claims_per_article * 4 + 10
    evidence = [(f.pk, side) for f in fact_rows for side in (0, 1)]
    made = {"articles": 0, "mentions": 0, "claims": 0}
    for first in range(0, n_articles, 1000):
        with transaction.atomic():
            made_now = _articles(rng, project, sources, first, min(1000, n_articles - first),
                                 words, dt.date(2025, 10, 1))  # fmt: skip
            tasks = Task.objects.bulk_create(
                [Task(project=project, article=a, state="adjudicated") for a in made_now]
            )
            adjs = Adjudication.objects.bulk_create(
                [Adjudication(task=t, state="done", admin=carol, version=1, round=1) for t in tasks]
            )
            TaskAgreement.objects.bulk_create(
                [TaskAgreement(task=t, reviewers=["alice", "bob"], summary=0.9, conflict_count=1)
                 for t in tasks]
            )  # fmt: skip
            spans = []
            for article, task, adj in zip(made_now, tasks, adjs, strict=True):
                offsets = article.offsets  # type: ignore[attr-defined]
                for k in range(per_article):
                    if made["mentions"] >= mentions:
                        break
                    start, end = offsets[k]
                    spans.append(GoldSpan(
                        task=task, adjudication=adj, kind="mention", start=start, end=end,
                        text=article.text[start:end], label=rng.choice(LABELS),
                        entity=rng.choice(entities) if rng.random() < 0.5 else None,
                        origin="agreed", reviewers=["alice", "bob"],
                    ))  # fmt: skip
                    made["mentions"] += 1
                for k in range(claims_per_article):
                    if not evidence:
                        break
                    fact_id, side = evidence.pop()
                    start = offsets[per_article + 4 * k][0]
                    end = offsets[per_article + 4 * k + 3][1]
                    stance = "refutes" if side and fact_id % 10 == 0 else "supports"
                    spans.append(GoldSpan(
                        task=task, adjudication=adj, kind="claim", start=start, end=end,
                        text=article.text[start:end], label="CLAIM", fact_id=fact_id,
                        stance=stance, origin="adjudicated", reviewers=["alice"], adjudicator=carol,
                    ))  # fmt: skip
                    made["claims"] += 1
            GoldSpan.objects.bulk_create(spans, batch_size=BATCH)
            made["articles"] += len(made_now)
    return made


def _articles(rng, project, sources, first, count, words, published):  # type: ignore[no-untyped-def]
    from annotate.models import Article

    rows = []
    for i in range(first, first + count):
        text, offsets = article_text(rng, words)
        article = Article(
            project=project, source=sources[i % len(sources)], url=f"https://example.org/{i}",
            title=f"Article {i}", published_on=published, languages=["ru"], raw_text=text,
            text=text, content_hash=f"{i:064x}",
        )  # fmt: skip
        article.offsets = offsets  # type: ignore[attr-defined]
        rows.append(article)
    created = Article.objects.bulk_create(rows)
    for made, row in zip(created, rows, strict=True):
        made.offsets = row.offsets  # type: ignore[attr-defined]
    return created


def _tree_pss_kb(pid: int) -> int:
    """PSS (kB) summed over the processes below `pid` (the launcher's: the release's)."""
    total = 0
    for child in descendants(pid):
        try:
            with open(f"/proc/{child}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except OSError:
            continue  # it has just ended
    return total


def _run_sampling(command: list[str], env: dict[str, str]) -> int:
    """Run `command` to its end, sampling its processes every 20 ms; the peak tree PSS (kB)."""
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_pss_kb(process.pid))
        time.sleep(0.02)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--keep", help="Keep the database and release in this folder.")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="release-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CROSSCHECK_SQLITE_PATH": str(folder / "bench.sqlite3"),
           "CROSSCHECK_RELEASES_DIR": str(folder / "releases")}  # fmt: skip
    (folder / "bench.sqlite3").unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], check=True, cwd=ROOT, env=env
    )

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    started = time.perf_counter()
    made = build(args.facts, args.mentions)
    build_s = time.perf_counter() - started

    # Through a small launcher: a process forked straight from this one (which holds the
    # whole build in memory) reports this process's RSS as its own peak. The launcher's
    # children's usage is the release's: both its processes, CPU included.
    usage = folder / "release.usage"
    command = [sys.executable, "-c", LAUNCH, str(usage),
               sys.executable, "manage.py", "release_gold", "--name", "bench"]  # fmt: skip
    started = time.perf_counter()
    tree_pss_mb = _run_sampling(command, env) / 1024
    release_s = time.perf_counter() - started
    peak_kb, cpu_s = usage.read_text().split()
    peak_mb = int(peak_kb) / 1024

    release = folder / "releases" / "bench"
    lines = {name: sum(1 for _ in (release / name).open(encoding="utf-8"))
             for name in ("mentions.jsonl", "facts.jsonl", "fever.jsonl")}  # fmt: skip
    check = subprocess.run(["sha256sum", "--quiet", "-c", "checksums.sha256"], cwd=release)
    size_mb = sum(p.stat().st_size for p in release.rglob("*") if p.is_file()) / 2**20
    print(f"\n`{shlex.join([Path(sys.executable).name, *sys.argv])}`\n")
    print(
        "| articles | mentions | claims | facts | build (s) | release wall (s) | release CPU (s) "
        "| peak RSS (MB) | peak tree PSS (MB) | size (MB) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {made['articles']:,} | {lines['mentions.jsonl']:,} | {made['claims']:,} | "
          f"{lines['facts.jsonl']:,} | {build_s:.0f} | {release_s:.1f} | {float(cpu_s):.1f} | "
          f"{peak_mb:.0f} | {tree_pss_mb:.0f} | {size_mb:.0f} |")  # fmt: skip
    print(f"checksums {'ok' if check.returncode == 0 else 'FAILED'}; files in {release}")


if __name__ == "__main__":
    main()
