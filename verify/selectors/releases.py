"""Reads for gold releases: the adjudicated rows a release is made of, in batches and in a
stable order, and the releases themselves (list, detail, comparison of two).

Only adjudicated data: tasks in state ADJUDICATED whose adjudication is done, their gold
spans (`GoldSpan`), and the facts those spans are evidence for.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from annotate.models import Claim, LabelType, Task
from verify.models import Adjudication, Alias, Entity, Fact, FactAdjudication, GoldRelease, GoldSpan
from verify.selectors.facts import _origin

CHUNK = 2000

_SPAN_FIELDS = (
    "id", "task_id", "kind", "start", "end", "text", "label", "entity_id", "fact_id", "stance",
    "normalized_value", "statement", "origin", "adjudicator_id",
)  # fmt: skip
# The reviewers list as JSON text, decoded once per distinct value (a handful of reviewer
# sets across a million spans) instead of once per row.
_REVIEWERS_RAW = Cast("reviewers", output_field=TextField())


@functools.lru_cache(maxsize=4096)
def _reviewers(raw: str | None) -> list[str]:
    return sorted(json.loads(raw)) if raw else []


def _with_reviewers(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        row["reviewers"] = list(_reviewers(row.pop("reviewers_raw")))
        out.append(row)
    return out


@dataclass(frozen=True)
class ReleaseFilters:
    languages: tuple[str, ...] = ()
    since: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "languages": list(self.languages),
            "since": self.since.isoformat() if self.since else None,
        }


def _language(languages: list[str] | None, wanted: tuple[str, ...]) -> str | None:
    """The document's language, or None when the filter leaves it out."""
    languages = [lang for lang in (languages or []) if isinstance(lang, str)]
    if not wanted:
        return languages[0] if languages else "und"
    return next((lang for lang in languages if lang in wanted), None)


def release_task_languages(*, filters: ReleaseFilters) -> dict[int, str]:
    """Every released task id -> its document language, in task order."""
    tasks = Task.objects.filter(
        state=Task.State.ADJUDICATED, adjudication__state=Adjudication.State.DONE
    )
    if filters.since:
        tasks = tasks.filter(article__published_on__gte=filters.since)
    released: dict[int, str] = {}
    rows = tasks.order_by("id").values_list("id", "article__languages")
    for task_id, languages in rows.iterator(chunk_size=CHUNK):
        language = _language(languages, filters.languages)
        if language is not None:
            released[task_id] = language
    return released


class TaskRow(NamedTuple):
    """A released task with its article (text included), outlet and agreement figures."""

    id: int
    project_id: int
    article_id: int
    text: str
    title: str
    url: str
    outlet: str | None  # None when the article has no source
    agreement_f1: float | None
    conflicts: int | None  # None when the task has no agreement figures
    source_id: int | None
    published_on: dt.date | None


class EvidenceTask(NamedTuple):
    """What an evidence row says about its task (the keys of `evidence_row`'s span)."""

    article_id: int
    source_id: int | None
    outlet: str | None
    url: str
    published_on: dt.date | None
    agreement_f1: float | None
    conflicts: int | None
    language: str


class SpanRow(NamedTuple):
    """A gold span as the release reads it; `reviewers` sorted (a shared list: do not change)."""

    id: int
    task_id: int
    kind: str
    start: int
    end: int
    text: str
    label: str
    entity_id: int | None
    fact_id: int | None
    stance: str
    normalized_value: str
    statement: str
    origin: str
    adjudicator_id: int | None
    reviewers: list[str]


def release_task_batch(*, task_ids: list[int]) -> list[TaskRow]:
    """The tasks with their article (text included) and outlet and agreement, in id order."""
    rows = (
        Task.objects.filter(pk__in=task_ids)
        .order_by("id")
        .values_list(
            "id", "project_id", "article_id", "article__text", "article__title",
            "article__url", "article__source__name", "agreement__summary",
            "agreement__conflict_count", "article__source_id", "article__published_on",
        )
    )  # fmt: skip
    return [TaskRow._make(row) for row in rows]


def release_spans_of_tasks(*, task_ids: list[int]) -> list[SpanRow]:
    """The gold spans of the tasks, in task then reading order, as tuples (a million rows:
    no model instances, no dicts)."""
    spans = GoldSpan.objects.filter(task_id__in=task_ids).order_by("task_id", "start", "-end", "id")
    make, reviewers = SpanRow._make, _reviewers
    return [
        make((*row[:-1], reviewers(row[-1])))
        for row in spans.values_list(*_SPAN_FIELDS, _REVIEWERS_RAW)
    ]


def release_label_schema() -> dict[int, dict[str, str]]:
    """project id -> label name -> kind (entity or claim)."""
    schema: dict[int, dict[str, str]] = {}
    for project_id, name, kind in LabelType.objects.values_list("project_id", "name", "kind"):
        schema.setdefault(project_id, {})[name] = kind
    return schema


def release_usernames() -> dict[int, str]:
    return dict(get_user_model().objects.values_list("id", "username"))


def release_entity_redirects() -> dict[int, int]:
    """Merged entity id -> the active entity it ended up in."""
    merged = dict(Entity.objects.filter(merged_into__isnull=False).values_list("id", "merged_into"))
    active: dict[int, int] = {}
    for entity_id in merged:
        target, seen = entity_id, set()
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        active[entity_id] = target
    return active


def release_fact_ids() -> Iterator[int]:
    """Facts with at least one adjudicated claim span, in id order."""
    ids = (
        GoldSpan.objects.filter(
            kind=GoldSpan.Kind.CLAIM, fact__isnull=False, task__state=Task.State.ADJUDICATED
        )
        .order_by("fact_id")
        .values_list("fact_id", flat=True)
        .distinct()
    )
    return ids.iterator(chunk_size=CHUNK)


@dataclass
class FactBatch:
    facts: list[dict[str, Any]]
    evidence: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    attributed: dict[tuple[int, int, int], Any] = field(default_factory=dict)
    outcomes: dict[int, dict[str, Any]] = field(default_factory=dict)


def release_fact_batch(*, fact_ids: list[int], tasks: dict[int, EvidenceTask]) -> FactBatch:
    """Facts, their adjudicated evidence in the released tasks `tasks` (each span joined
    with its task's article, outlet and agreement from `tasks`, read once in the first
    pass), the reviewers' attributions of those spans and each fact's latest outcome.

    `fact_ids` are ascending: the queries ask for the id range and keep the ids in the list
    (a range costs nothing to bind; 500 ids in an IN list cost Django more than the rows)."""
    wanted = set(fact_ids)
    first, last = fact_ids[0], fact_ids[-1]
    facts = [
        fact
        for fact in Fact.objects.filter(pk__gte=first, pk__lte=last)
        .order_by("id")
        .values("id", "statement", "subject_id", "predicate", "object_id", "place_id",
                "time_start", "time_end", "time_text")
        if fact["id"] in wanted
    ]  # fmt: skip
    batch = FactBatch(facts=facts)
    spans = (
        GoldSpan.objects.filter(fact_id__gte=first, fact_id__lte=last, kind=GoldSpan.Kind.CLAIM)
        .order_by("fact_id", "task_id", "start", "-end", "id")
        .values(*_SPAN_FIELDS, reviewers_raw=_REVIEWERS_RAW)
    )
    for span in _with_reviewers(spans):
        task = tasks.get(span["task_id"])
        if task is not None and span["fact_id"] in wanted:
            span.update(task._asdict())
            batch.evidence.setdefault(span["fact_id"], []).append(span)
    evidence_tasks = {s["task_id"] for rows in batch.evidence.values() for s in rows}
    claims = (
        Claim.objects.filter(
            annotation__task_id__in=evidence_tasks, attributed_to_mention__isnull=False
        )
        .select_related("attributed_to_mention__entity__merged_into", "annotation")
        .order_by("id")
    )
    for claim in claims:
        key = (claim.annotation.task_id, claim.start, claim.end)
        batch.attributed.setdefault(key, claim.attributed_to_mention)
    outcomes = FactAdjudication.objects.filter(fact_id__gte=first, fact_id__lte=last).order_by(
        "fact_id", "-created_at", "-id"
    )
    for row in outcomes.values():
        if row["fact_id"] in wanted:
            batch.outcomes.setdefault(row["fact_id"], row)
    return batch


def evidence_origin(*, span: dict[str, Any], mention: Any) -> tuple[str, str]:
    """(key, name) of the origin, by the same rule as the fact pages' verdicts."""
    article = SimpleNamespace(
        pk=span["article_id"],
        source_id=span["source_id"],
        source=SimpleNamespace(name=span["outlet"]) if span["source_id"] else None,
    )
    ref = _origin(article=article, mention=mention)  # type: ignore[arg-type]
    return ref.key, ref.name


def release_entities(
    *, entity_ids: Iterable[int]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Entities with their aliases, in id order, a batch at a time."""
    ids = sorted(entity_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        aliases: dict[int, list[dict[str, Any]]] = {}
        for alias in Alias.objects.filter(entity_id__in=chunk).values(
            "entity_id", "text", "language", "script"
        ):
            aliases.setdefault(alias["entity_id"], []).append(alias)
        entities = Entity.objects.filter(pk__in=chunk).order_by("id")
        for entity in entities.values("id", "type", "preferred_name", "wikidata_qid"):
            yield entity, aliases.get(entity["id"], [])


# --- the releases themselves --------------------------------------------------------------


def release_list() -> QuerySet[GoldRelease]:
    return GoldRelease.objects.select_related("created_by").order_by("-version")


def release_get(*, release_id: int) -> GoldRelease:
    return GoldRelease.objects.select_related("created_by").get(pk=release_id)


def release_folder(*, release: GoldRelease) -> Path | None:
    """The folder of a published release, or None when it is not there."""
    if release.state != GoldRelease.State.PUBLISHED or not release.path:
        return None
    folder = Path(release.path)
    return folder if folder.is_dir() else None


@dataclass
class ReleaseComparison:
    old: GoldRelease
    new: GoldRelease
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]  # {"id", "statement", "old": verdict, "new": verdict}

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.name,
            "new": self.new.name,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


def _fact_verdicts(folder: Path) -> dict[int, tuple[str, str, str | None]]:
    """fact id -> (statement, verdict, gold outcome), read line by line from facts.jsonl."""
    facts: dict[int, tuple[str, str, str | None]] = {}
    with (folder / "facts.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            outcome = (row.get("gold_outcome") or {}).get("outcome")
            facts[row["id"]] = (row["statement"], row["verdict"], outcome)
    return facts


def release_compare(*, old: GoldRelease, new: GoldRelease) -> ReleaseComparison:
    """Facts added, removed, and facts whose verdict or gold outcome changed, by fact id."""
    old_folder, new_folder = release_folder(release=old), release_folder(release=new)
    if old_folder is None or new_folder is None:
        raise ValidationError("Only published releases whose files exist can be compared.")
    before, after = _fact_verdicts(old_folder), _fact_verdicts(new_folder)

    def brief(fact_id: int, row: tuple[str, str, str | None]) -> dict[str, Any]:
        return {"id": fact_id, "statement": row[0], "verdict": row[1], "outcome": row[2]}

    changed = [
        {"id": i, "statement": after[i][0], "old": before[i][1], "new": after[i][1],
         "old_outcome": before[i][2], "new_outcome": after[i][2]}
        for i in sorted(before.keys() & after.keys())
        if before[i][1:] != after[i][1:]
    ]  # fmt: skip
    return ReleaseComparison(
        old=old,
        new=new,
        added=[brief(i, after[i]) for i in sorted(after.keys() - before.keys())],
        removed=[brief(i, before[i]) for i in sorted(before.keys() - after.keys())],
        changed=changed,
    )
