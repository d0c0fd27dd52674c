"""Candidate facts for a claim: latency with 10,000 facts and 100,000 aliases stored.

    .venv/bin/python bench/fact_candidates_bench.py
    .venv/bin/python bench/fact_candidates_bench.py --facts 2000 --aliases 20000 --queries 30

Builds a fresh temporary SQLite file (`manage.py migrate` in a subprocess), stores
`--aliases` aliases over `--aliases / 5` entities and `--facts` facts, each with subject,
object and place entities, a date, and a stored vector. The vectors: the seed facts and a few
hundred templated statements are embedded by the real model; the rest are those vectors
plus noise, renormalised (embedding 10,000 sentences would take minutes and the ranking code
only sees a matrix). Then it times `verify.selectors.facts.fact_candidates` for Russian and
Arabic claims from the seeds with two linked entities and a date, as the workspace sends
them: the whole call, and the part after the claim is embedded (the pool queries, the matrix
product and the scoring). It reports whether the fact made from the claim's counterpart in
the other language ranked first. Seeded RNG. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = ["Belousov", "Abu Qasra", "al-Sharaa", "Putin", "Lavrov", "Yevkurov", "al-Shaibani", "Peskov",
         "Erdogan", "Netanyahu", "Zakharova", "Shoigu", "Assad", "Guterres", "Pedersen"]  # fmt: skip
VERBS = ["met", "called", "visited", "criticised", "signed an agreement with", "thanked", "warned"]
PLACES = ["Moscow", "Damascus", "Ankara", "Beirut", "Geneva", "Tehran", "Latakia", "Idlib"]


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def load(
    rng: random.Random, *, facts: int, aliases: int, embedded: int
) -> tuple[dict[str, int], float]:
    import numpy as np

    from tests.verify import facts_helpers as h
    from verify import embeddings
    from verify.models import Alias, Entity, Fact

    started = time.perf_counter()
    n_entities = max(1, aliases // 5)
    Entity.objects.bulk_create(
        Entity(type=rng.choice(["PER", "ORG", "LOC"]), preferred_name=f"Entity {i}")
        for i in range(n_entities)
    )
    entity_ids = list(Entity.objects.values_list("id", flat=True))
    batch = []
    for i in range(aliases):
        text = f"Alias {i} {rng.random():.6f}"
        batch.append(
            Alias(entity_id=entity_ids[i % n_entities], text=text, script="Latn", key=text.lower())
        )
        if len(batch) == 5000:
            Alias.objects.bulk_create(batch)
            batch = []
    Alias.objects.bulk_create(batch)

    real = [
        ("Belousov met Abu Qasra in Moscow", h.AR_MEETING),
        ("Abu Qasra received a Russian delegation led by Yevkurov in Damascus", h.AR_DELEGATION),
        ("Abu Qasra visited Moscow in July", h.AR_JULY),
        ("Putin met al-Sharaa in the Kremlin", h.AR_KREMLIN),
        ("Al-Shibani and Abu Qasra met Putin in Moscow", h.RU_PUTIN),
        ("Al-Shibani visited Russia at the end of July", h.RU_JULY),
    ]
    templated = [
        f"{rng.choice(NAMES)} {rng.choice(VERBS)} {rng.choice(NAMES)} in {rng.choice(PLACES)}"
        for _ in range(embedded)
    ]
    vecs = [embeddings.combine(embeddings.embed([s, c])) for s, c in real]
    base = embeddings.embed(templated)
    np_rng = np.random.default_rng(rng.randrange(2**32))
    rows = []
    day0 = dt.date(2024, 1, 1)
    for i in range(facts):
        if i < len(real):
            statement, vector = real[i][0], vecs[i]
        else:
            j = i % len(templated)
            noise = np_rng.normal(0, 0.02, embeddings.DIM).astype(np.float32)
            v = base[j] + noise
            statement, vector = f"{templated[j]} ({i})", v / np.linalg.norm(v)
        start = day0 + dt.timedelta(days=rng.randrange(700))
        rows.append(
            Fact(
                statement=statement,
                subject_id=rng.choice(entity_ids),
                object_id=rng.choice(entity_ids),
                place_id=rng.choice(entity_ids),
                time_start=start,
                time_end=start + dt.timedelta(days=rng.choice([0, 0, 0, 9])),
                vector=embeddings.to_bytes(vector),
                vector_model=embeddings.MODEL_NAME,
            )  # fmt: skip
        )
    Fact.objects.bulk_create(rows, batch_size=2000)
    ids = {
        s: pk
        for s, pk in Fact.objects.filter(statement__in=[s for s, _ in real]).values_list(
            "statement", "id"
        )
    }
    return ids, time.perf_counter() - started


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="fact-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        os.environ["CROSSCHECK_SQLITE_PATH"] = str(db)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True, cwd=ROOT
        )
        import django

        django.setup()
        from tests.verify import facts_helpers as h
        from verify import embeddings
        from verify.models import Alias, Entity, Fact
        from verify.selectors import fact_candidates as selectors

        rng = random.Random(args.seed)
        ids, load_seconds = load(
            rng, facts=args.facts, aliases=args.aliases, embedded=args.embedded
        )
        entity_ids = list(Entity.objects.values_list("id", flat=True))
        queries = [
            (h.RU_MEETING, "Belousov met Abu Qasra in Moscow"),
            (h.AR_MEETING_003, "Belousov met Abu Qasra in Moscow"),
            ("В ходе визита Абу Касра встретился с Белоусовым в Москве", "Belousov met Abu Qasra in Moscow"),
            ("استقبل أبو قصرة وفداً روسياً برئاسة يفكيروف في دمشق", "Abu Qasra received a Russian delegation led by Yevkurov in Damascus"),
        ]  # fmt: skip

        embed_ms: list[float] = []
        real_embed = embeddings.embed

        def timed_embed(texts: list[str]):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = real_embed(texts)
            embed_ms.append((time.perf_counter() - t) * 1000)
            return out

        selectors.embeddings.embed = timed_embed  # type: ignore[assignment]
        t = time.perf_counter()
        selectors.fact_candidates(claim=selectors.ClaimContext(text="warm-up"))
        cold_ms = (time.perf_counter() - t) * 1000
        total, rest, cpu, firsts = [], [], [], 0
        for i in range(args.queries):
            text, expected = queries[i % len(queries)]
            ctx = selectors.ClaimContext(
                text=text, entity_ids=tuple(rng.sample(entity_ids, 2)),
                date_start=dt.date(2025, 10, 28), date_end=dt.date(2025, 10, 28),
            )  # fmt: skip
            embed_ms.clear()
            t, c = time.perf_counter(), time.process_time()
            found = selectors.fact_candidates(claim=ctx, limit=10)
            ms = (time.perf_counter() - t) * 1000
            cpu.append((time.process_time() - c) * 1000)
            total.append(ms)
            rest.append(ms - sum(embed_ms))
            firsts += found[0].fact.pk == ids[expected]
        total.sort()
        rest.sort()
        cpu.sort()
        cmd = " ".join(
            shlex.quote(a) for a in [sys.executable.replace(str(ROOT) + "/", ""), *sys.argv]
        )
        print(f"Command: {cmd}")
        print(f"SQLite {db.stat().st_size / 1e6:.0f} MB (temporary), loaded in {load_seconds:.1f} s; "
              f"first call (loads the vector matrix): {cold_ms:.0f} ms\n")  # fmt: skip
        print("| facts | aliases | queries | what | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|---|---|---|")
        for what, values in (
            ("whole call (embeds the claim)", total),
            ("after embedding: pool + rank", rest),
            ("whole call, CPU time of this process", cpu),
        ):
            print(
                f"| {Fact.objects.count():,} | {Alias.objects.count():,} | {len(values)} | {what} "
                f"| {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | {values[-1]:.1f} |"
            )
        print(f"\nCounterpart fact ranked first: {firsts} of {args.queries} queries.")
        print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--aliases", type=int, default=100_000)
    parser.add_argument(
        "--embedded", type=int, default=300, help="templated statements really embedded"
    )
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=4)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
