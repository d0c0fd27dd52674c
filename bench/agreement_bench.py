"""Time the pure agreement layer and the conflict detector on synthetic tasks.

    .venv/bin/python bench/agreement_bench.py                  # 10,000 tasks x 3 reviewers x 20 spans
    .venv/bin/python bench/agreement_bench.py --tasks 1000 --reviewers 5
    .venv/bin/python bench/agreement_bench.py --db               # the same tasks, from SQLite

No database: tasks are built in memory as `TaskAnnotations` (seeded RNG, so runs compare),
then timed one task at a time, as a service would run them: the units (`task_units`), every
figure (`task_agreement` and `as_dict()`, so each kappa, alpha and F1 is computed, JSON-safe)
and the conflict items (`task_conflicts`); then the report pooled over all tasks. Loading the
annotations from the database is not in these figures: this is the pure layer alone.

Each task has a gold layer of 16 mentions and 4 claims; each reviewer copies it with noise
(a span missed and one added elsewhere instead, boundaries moved, another label, another
entity, fact or stance), so every reviewer has exactly `--spans` spans and reviewers agree
on most of them, as trained reviewers do. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verify.agreement import (  # noqa: E402
    CLAIM,
    Agreement,
    SpanItem,
    TaskAnnotations,
    agreement_report,
    combine,
    task_agreement,
    task_units,
)
from verify.conflicts import task_conflicts  # noqa: E402

LABELS = ("PER", "ORG", "LOC", "DATE", "EVENT", "ROLE")
STANCES = ("supports", "refutes")
NAMES = ("alice", "bob", "dave", "erin", "frank", "grace", "heidi")
# How often a reviewer departs from the gold layer, per span.
MISS, MOVE, RELABEL, RELINK = 0.06, 0.08, 0.05, 0.05


def gold_layer(rng: random.Random, spans: int) -> list[SpanItem]:
    """Non-overlapping mentions in text order, and claims (one in five) over them."""
    gold, position = [], 0
    for index in range(spans):
        position += rng.randint(5, 60)
        if index % 5 == 4:
            start = max(0, position - rng.randint(20, 120))
            claim = SpanItem(
                "gold", start, position + rng.randint(1, 40), "CLAIM",
                fact=f"fact-{rng.randrange(500)}", stance=rng.choice(STANCES), kind=CLAIM,
            )  # fmt: skip
            gold.append(claim)
            continue
        length = rng.randint(3, 30)
        entity = f"Q{rng.randrange(5000)}" if rng.random() < 0.7 else None
        gold.append(SpanItem("gold", position, position + length, rng.choice(LABELS), entity))
        position += length
    return gold


def reviewer_copy(rng: random.Random, reviewer: str, gold: list[SpanItem]) -> list[SpanItem]:
    end_of_text = max(span.end for span in gold) + 50
    copied = []
    for span in gold:
        start, end, label = span.start, span.end, span.label
        entity, fact, stance = span.entity, span.fact, span.stance
        if rng.random() < MISS:  # missed, and something else marked instead
            start = rng.randrange(end_of_text)
            end = start + rng.randint(3, 30)
        elif rng.random() < MOVE:
            start = max(0, start + rng.choice((-3, -2, -1, 1, 2)))
            end = max(start + 1, end + rng.choice((-2, -1, 1, 2, 3)))
        if span.kind != CLAIM and rng.random() < RELABEL:
            label = rng.choice(LABELS)
        if rng.random() < RELINK:
            if span.kind == CLAIM:
                fact = f"fact-{rng.randrange(500)}"
            else:
                entity = rng.choice((None, f"Q{rng.randrange(5000)}"))
        if span.kind == CLAIM and rng.random() < RELINK:
            stance = rng.choice(STANCES)
        copied.append(SpanItem(reviewer, start, end, label, entity, fact, stance, span.kind))
    return copied


def synthetic_tasks(
    count: int, reviewers: int, spans: int, *, seed: int = 5
) -> list[TaskAnnotations]:
    rng = random.Random(seed)
    names = NAMES[:reviewers]
    tasks = []
    for task_id in range(count):
        gold = gold_layer(rng, spans)
        items = [item for name in names for item in reviewer_copy(rng, name, gold)]
        tasks.append(TaskAnnotations(task_id, names, items))
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=3, choices=range(2, len(NAMES) + 1))
    parser.add_argument("--spans", type=int, default=20, help="per reviewer per task")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--db",
        nargs="?",
        const=DB_DEFAULT,
        metavar="PATH",
        help=f"store the tasks in a SQLite file (built once, default {DB_DEFAULT}) and time "
        "the database path: loading, figures, conflicts and the cache (see db_main)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="with --db: worker processes for the computation (default: one per CPU)",
    )
    args = parser.parse_args()

    tasks = synthetic_tasks(args.tasks, args.reviewers, args.spans, seed=args.seed)
    if args.db:
        db_main(args, tasks)
        return
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages = ("units", "figures", "conflicts")
    wall = dict.fromkeys(stages, 0.0)
    cpu = dict.fromkeys(stages, 0.0)
    per_task: list[Agreement] = []
    items = 0
    # One task at a time, as a service would: match, compute, detect, keep only the figures.
    for task in tasks:
        clock, cpu_clock = time.perf_counter(), _cpu()
        units = task_units(task)
        clock, cpu_clock = _lap("units", clock, cpu_clock, wall, cpu)
        agreement = task_agreement(task, units=units)
        agreement.as_dict()  # every figure, as the dashboard would store or send it
        clock, cpu_clock = _lap("figures", clock, cpu_clock, wall, cpu)
        items += len(task_conflicts(task, units=units))
        _lap("conflicts", clock, cpu_clock, wall, cpu)
        per_task.append(agreement)
    clock, cpu_clock = time.perf_counter(), _cpu()
    overall = combine(per_task).as_dict()
    _lap("pooled", clock, cpu_clock, wall, cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # The one-call path a caller would use gives the same pooled figures.
    assert agreement_report(tasks[:50]).overall.as_dict() == combine(per_task[:50]).as_dict()

    seconds, cpu_seconds = sum(wall.values()), sum(cpu.values())
    print(f"    {shlex.join(['.venv/bin/python', 'bench/agreement_bench.py', *sys.argv[1:]])}\n")
    print(
        "| tasks | reviewers | spans per reviewer | seconds | CPU s | tasks/s | peak MB | MB before |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.tasks:,} | {args.reviewers} | {args.spans} | {seconds:.2f} | {cpu_seconds:.2f} "
        f"| {args.tasks / seconds:,.0f} | {peak:.0f} | {rss_before:.0f} |"
    )
    print("\n| stage | seconds | CPU s |\n|---|---:|---:|")
    for stage, label in STAGES.items():
        print(f"| {label} | {wall[stage]:.2f} | {cpu[stage]:.2f} |")
    values = overall["values"]
    print(
        f"\nconflict items: {items:,} ({items / args.tasks:.1f} per task); "
        f"overall label alpha {values['label']['alpha']:.3f}; "  # type: ignore[index]
        f"labelled overlap F1 {overall['summary']:.3f}; load average {os.getloadavg()[0]:.1f}"
    )


STAGES = {
    "units": "units: spans matched across reviewers (`task_units`)",
    "figures": "figures per task (`task_agreement`, `as_dict`)",
    "conflicts": "conflict items (`task_conflicts`)",
    "pooled": "pooled over all tasks (`combine`, `as_dict`)",
}


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes (`--db` uses some)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _lap(
    stage: str, clock: float, cpu_clock: float, wall: dict[str, float], cpu: dict[str, float]
) -> tuple[float, float]:
    now, cpu_now = time.perf_counter(), _cpu()
    wall[stage] = wall.get(stage, 0.0) + now - clock
    cpu[stage] = cpu.get(stage, 0.0) + cpu_now - cpu_clock
    return now, cpu_now


# --- the database path (issue 5: `--db`) ---------------------------------------------------

DB_DEFAULT = "/tmp/crosscheck_agreement_bench.sqlite3"
BENCH_PROJECT = "agreement-bench"


def db_setup(path: str) -> None:
    """Django on its own SQLite file, migrated."""
    os.environ["CROSSCHECK_SQLITE_PATH"] = path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def db_fill(tasks: list[TaskAnnotations]) -> list[int]:
    """Store the synthetic tasks as submitted annotations (once: a second run reuses them);
    the task ids. Not timed: this is the import and the reviewers' work."""
    import hashlib

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotate.models import Annotation, Article, Claim, LabelType, Mention, Project, Task
    from verify.models import Entity, Fact

    project = Project.objects.filter(slug=BENCH_PROJECT).first()
    if project is not None and project.tasks.count() == len(tasks):
        return list(project.tasks.order_by("id").values_list("id", flat=True))
    if project is not None:
        raise SystemExit(f"{BENCH_PROJECT} holds another task count: delete the file first")
    started = time.perf_counter()
    with transaction.atomic():
        project = Project.objects.create(name="Agreement benchmark", slug=BENCH_PROJECT)
        labels = {
            name: LabelType.objects.create(
                project=project, name=name, kind="claim" if name == "CLAIM" else "entity"
            )
            for name in (*LABELS, "CLAIM")
        }
        names = sorted({r for task in tasks for r in task.reviewers})
        users = {n: get_user_model().objects.get_or_create(username=f"bench-{n}")[0] for n in names}
        entity_keys = sorted({s.entity for t in tasks for s in t.spans if s.entity})
        entities = Entity.objects.bulk_create(
            Entity(type="PER", preferred_name=key) for key in entity_keys
        )
        entity_pk = {key: e.pk for key, e in zip(entity_keys, entities, strict=True)}
        fact_keys = sorted({s.fact for t in tasks for s in t.spans if s.fact})
        facts = Fact.objects.bulk_create(Fact(statement=key) for key in fact_keys)
        fact_pk = {key: f.pk for key, f in zip(fact_keys, facts, strict=True)}
    for offset in range(0, len(tasks), 1000):
        chunk = tasks[offset : offset + 1000]
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    project=project,
                    raw_text=_bench_text(t),
                    text=_bench_text(t),
                    content_hash=hashlib.sha256(f"bench:{offset + i}".encode()).hexdigest(),
                )  # fmt: skip
                for i, t in enumerate(chunk)
            )
            rows = Task.objects.bulk_create(
                Task(
                    project=project, article=a, required_overlap=len(t.reviewers), state="complete"
                )
                for a, t in zip(articles, chunk, strict=True)
            )
            annotations = Annotation.objects.bulk_create(
                Annotation(task=row, reviewer=users[r], state="submitted")
                for row, t in zip(rows, chunk, strict=True)
                for r in t.reviewers
            )
            by_key = {(a.task_id, a.reviewer.username[6:]): a for a in annotations}
            mentions, claims = [], []
            for row, t in zip(rows, chunk, strict=True):
                for n, s in enumerate(t.spans):
                    fields = {
                        "annotation": by_key[row.pk, s.reviewer], "region_id": f"r{n}",
                        "label": labels[s.label], "start": s.start, "end": s.end,
                        "text": "x" * (s.end - s.start),
                    }  # fmt: skip
                    if s.kind == CLAIM:
                        claims.append(Claim(fact_id=fact_pk[s.fact], stance=s.stance, **fields))
                    else:
                        mentions.append(Mention(entity_id=entity_pk.get(s.entity or ""), **fields))
            Mention.objects.bulk_create(mentions, batch_size=2000)
            Claim.objects.bulk_create(claims, batch_size=2000)
    print(f"(built {len(tasks):,} tasks in {time.perf_counter() - started:.0f} s, not timed)\n")
    return list(project.tasks.order_by("id").values_list("id", flat=True))


def _bench_text(task: TaskAnnotations) -> str:
    return "x" * (max((s.end for s in task.spans), default=0) + 60)


def db_main(args: argparse.Namespace, tasks: list[TaskAnnotations]) -> None:
    """Time the database path of `verify.services.agreement` on the synthetic tasks:

    - load: every task's submitted annotations -> `TaskAnnotations` (`task_annotations_iter`,
      four queries per 500 tasks), alone;
    - compute and cache: `agreement_compute_many`, what runs over a project: load, units,
      figures, conflict items, and the `TaskAgreement` rows written (bulk, per 500 tasks),
      in one worker process per CPU (`--processes 1`: in this process);
    - dashboard: the cached figures read back and pooled (`agreements_iter`, `combine`).

    CPU seconds include the worker processes'; peak memory is this process's and, after
    "workers", the largest worker's.
    """
    db_setup(args.db)
    task_ids = db_fill(tasks)
    del tasks
    gc.collect()
    from verify.agreement import combine as pool
    from verify.selectors.adjudication import agreements_iter
    from verify.services.agreement import agreement_compute_many, task_annotations_iter

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock, cpu_clock = time.perf_counter(), _cpu()
    loaded = sum(len(t.spans) for t in task_annotations_iter(task_ids=task_ids))
    clock, cpu_clock = _lap("load", clock, cpu_clock, wall, cpu)
    done = agreement_compute_many(task_ids=task_ids, processes=args.processes)
    clock, cpu_clock = _lap("compute", clock, cpu_clock, wall, cpu)
    overall = pool(agreement for _, agreement in agreements_iter()).as_dict()
    _lap("dashboard", clock, cpu_clock, wall, cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done == len(task_ids)

    print(f"    {shlex.join(['.venv/bin/python', 'bench/agreement_bench.py', *sys.argv[1:]])}\n")
    print("| stage | seconds | CPU s |\n|---|---:|---:|")
    labels = {
        "load": f"load only: {loaded:,} spans of {len(task_ids):,} tasks (`task_annotations_iter`)",
        "compute": "load, figures, conflicts, cache (`agreement_compute_many`)",
        "dashboard": "dashboard: cached figures pooled (`agreements_iter`, `combine`)",
    }
    for stage, label in labels.items():
        print(f"| {label} | {wall[stage]:.2f} | {cpu[stage]:.2f} |")
    print(
        f"\npeak {peak:.0f} MB (before: {rss_before:.0f} MB; workers {workers_peak:.0f} MB); "
        "labelled overlap F1 "
        f"{overall['summary']:.3f}; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
