"""Candidate facts for a claim, ranked across languages: multilingual sentence similarity
over the stored fact vectors, shared canonical entities and compatible dates.

No scan of all pairs: the pool is the nearest stored vectors (one product over a cached
matrix) plus the facts sharing an entity (indexed lookups); only the pool is scored and only
the winners are loaded. Measured in docs/benchmarks.md ("Fact candidates").
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q

from verify import embeddings
from verify.models import Fact


@dataclass(frozen=True)
class ClaimContext:
    """What is known about a claim when candidates are asked for (it may be an unsaved draft)."""

    text: str
    statement: str = ""
    entity_ids: tuple[int, ...] = ()
    date_start: dt.date | None = None
    date_end: dt.date | None = None


@dataclass
class FactCandidate:
    fact: Fact
    score: float
    similarity: float
    shared_entities: list[int]
    date: str  # "compatible", "conflicting" or "unknown"


POOL_FROM_VECTORS = 50
ENTITY_POOL_MAX = 200
ENTITY_WEIGHT = 0.04
DATE_WEIGHT = 0.02


class _VectorIndex:
    """Every stored fact vector as one float32 matrix, reloaded when facts change.

    The stamp (count and last update) is one indexed aggregate per call, so several app
    processes stay current without messaging each other.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp: tuple[Any, ...] | None = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, embeddings.DIM), dtype=np.float32)

    def current(self) -> tuple[np.ndarray, np.ndarray]:
        # Two index-only lookups (updated_at is indexed, id is the key); a fact's vector only
        # changes in a save that moves updated_at. A deleted fact may linger in the matrix
        # until the next change: harmless, candidates are read back from the table.
        last = Fact.objects.order_by("-updated_at").values_list("updated_at", flat=True)[:1]
        top = Fact.objects.order_by("-id").values_list("id", flat=True)[:1]
        stamp = (list(last), list(top))
        with self.lock:
            if stamp != self.stamp:
                rows = list(
                    Fact.objects.filter(vector__isnull=False)
                    .order_by("id")
                    .values_list("id", "vector")
                )
                self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
                self.matrix = (
                    np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32)
                    .reshape(len(rows), embeddings.DIM)
                    .copy()
                )
                self.stamp = stamp
            return self.ids, self.matrix


_index = _VectorIndex()


def _similarities(query: np.ndarray, k: int, extra: set[int]) -> dict[int, float]:
    """Cosine similarity of the query to the k nearest stored fact vectors, and to `extra`.

    einsum rather than `matrix @ query`: the BLAS matrix-vector product starts threads,
    and on a busy 2-core machine they spin against other jobs (10,000 x 384: 15-25 ms with
    threads, 1.5-2 ms for einsum on one core).
    """
    ids, matrix = _index.current()
    if not len(ids):
        return {}
    scores = np.einsum("ij,j->i", matrix, query)
    k = min(k, len(ids))
    rows = set(np.argpartition(-scores, k - 1)[:k].tolist())
    if extra:
        wanted = np.fromiter(extra, dtype=np.int64)
        at = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
        rows.update(at[ids[at] == wanted].tolist())  # ids are sorted
    return {int(ids[i]): float(scores[i]) for i in rows}


def _entity_pool(entity_ids: Sequence[int]) -> set[int]:
    if not entity_ids:
        return set()
    ids = list(entity_ids)
    q = Q(subject_id__in=ids) | Q(object_id__in=ids) | Q(place_id__in=ids)
    return set(
        Fact.objects.filter(q).order_by("-id").values_list("id", flat=True)[:ENTITY_POOL_MAX]
    )


def _date_relation(ctx: ClaimContext, start: dt.date | None, end: dt.date | None) -> str:
    if ctx.date_start is None or start is None:
        return "unknown"
    c_end = ctx.date_end or ctx.date_start
    return "compatible" if ctx.date_start <= (end or start) and start <= c_end else "conflicting"


def fact_candidates(*, claim: ClaimContext, limit: int = 10) -> list[FactCandidate]:
    """Existing facts a claim may be evidence for, best first, across languages.

    Pool: the top facts by sentence similarity (one product over the stored fact vectors)
    plus facts sharing a canonical entity with the claim (indexed queries). Each is scored
    by similarity, plus ENTITY_WEIGHT per shared entity, plus or minus DATE_WEIGHT for a
    compatible or conflicting time. The similarity scores bunch (e5), so the result is a
    ranking, never a yes/no. The pool is scored from plain values; only the winners are
    loaded as facts.
    """
    text = " ".join(t for t in (claim.statement, claim.text) if t).strip()
    if not text:
        return []
    query = embeddings.embed([text])[0]
    by_entity = _entity_pool(claim.entity_ids)
    sims = _similarities(query, POOL_FROM_VECTORS, by_entity)
    rows = Fact.objects.filter(pk__in=set(sims) | by_entity).values_list(
        "id", "subject_id", "object_id", "place_id", "time_start", "time_end"
    )
    wanted = set(claim.entity_ids)
    scored = []
    for pk, subject, object_, place, start, end in rows:
        shared = sorted(wanted & ({subject, object_, place} - {None}))
        date = _date_relation(claim, start, end)
        sim = sims.get(pk, 0.0)
        bonus = {"compatible": DATE_WEIGHT, "conflicting": -DATE_WEIGHT}.get(date, 0.0)
        scored.append((sim + ENTITY_WEIGHT * len(shared) + bonus, pk, sim, shared, date))
    scored.sort(key=lambda row: (-row[0], row[1]))
    scored = scored[:limit]
    facts = Fact.objects.select_related("subject", "object", "place").defer("vector")
    loaded = facts.in_bulk([row[1] for row in scored])
    return [
        FactCandidate(
            fact=loaded[pk], score=score, similarity=sim, shared_entities=shared, date=date
        )
        for score, pk, sim, shared, date in scored
        if pk in loaded
    ]


def parse_time_value(value: str) -> tuple[dt.date | None, dt.date | None]:
    """'2025-10-28', '2025-10-15/2025-10-20' (a range), '2025-10' (a month) -> (start, end)."""
    value = value.strip()
    try:
        if "/" in value:
            a, b = value.split("/", 1)
            return dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip())
        if len(value) == 7:
            first = dt.date.fromisoformat(value + "-01")
            nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, nxt - dt.timedelta(days=1)
        if len(value) == 4:
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
        day = dt.date.fromisoformat(value)
        return day, day
    except ValueError:
        return None, None
