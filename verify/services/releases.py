"""Publishing gold releases: versioned, validated, atomic, deterministic files.

`release_publish` records the release, writes every file into a temporary folder beside the
final one, a batch of rows at a time, checks what it wrote (every span's text equals the
article text at its offsets, every evidence row resolves to a released span, every label is
in its project's schema), then writes the dataset card and checksums and renames the folder
into place. Any failure removes the temporary folder: there is never a partial release. A
release that fails validation is recorded as failed with each problem and not published.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from annotate.models import LabelType
from verify.exports import card, checksums, conll, entities, facts, fever, label_studio, mentions
from verify.exports.jsonl import JsonlWriter
from verify.exports.parquet import ParquetTableWriter
from verify.models import GoldRelease, GoldSpan
from verify.selectors import releases as selectors
from verify.selectors.releases import ReleaseFilters

TASK_BATCH = 100
FACT_BATCH = 500
MAX_PROBLEMS = 200


class ReleaseFailed(Exception):
    """The release was not published; `problems` lists what validation found."""

    def __init__(self, message: str, *, release: GoldRelease, problems: list[str] | None = None):
        super().__init__(message)
        self.release = release
        self.problems = problems or []


def releases_dir() -> Path:
    return Path(settings.CROSSCHECK_RELEASES_DIR)


@dataclass
class _Stats:
    filters: dict[str, Any]
    counts: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    fever_labels: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    f1: list[float] = field(default_factory=list)
    conflicts: int = 0

    def as_dict(self, conll_documents: dict[str, int]) -> dict[str, Any]:
        counts = {k: self.counts[k] for k in
                  ("articles", "mentions", "claims", "facts", "evidence", "entities")}  # fmt: skip
        return {
            "filters": self.filters,
            "counts": counts,
            "languages": dict(sorted(self.languages.items())),
            "labels": dict(sorted(self.labels.items())),
            "verdicts": dict(sorted(self.verdicts.items())),
            "fever_labels": dict(sorted(self.fever_labels.items())),
            "outcomes": dict(sorted(self.outcomes.items())),
            "conll_documents": dict(sorted(conll_documents.items())),
            "agreement": {
                "tasks_with_figures": len(self.f1),
                "mean_f1": sum(self.f1) / len(self.f1) if self.f1 else None,
                "min_f1": min(self.f1) if self.f1 else None,
                "conflicts": self.conflicts,
            },
        }


class _Builder:
    """Writes one release into `folder`, pass by pass; `step` says what it is doing."""

    def __init__(self, folder: Path, filters: ReleaseFilters) -> None:
        self.folder = folder
        self.filters = filters
        self.step = "starting"
        self.stats = _Stats(filters=filters.as_dict())
        self.problems: list[str] = []
        self.problem_count = 0
        self.usernames = selectors.release_usernames()
        self.redirects = selectors.release_entity_redirects()
        self.schema = selectors.release_label_schema()
        self.entity_counts: Counter[int] = Counter()
        self.fact_entities: set[int] = set()
        self.released_claims: dict[int, int] = {}  # gold claim span id -> article id
        self._open: list[Any] = []

    def problem(self, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)

    def _writer(self, writer: Any) -> Any:
        self._open.append(writer)
        return writer

    def close_all(self) -> None:
        while self._open:
            self._open.pop().close()

    def close_all_quietly(self) -> None:
        while self._open:
            # The first error is the one reported; a second one while closing is not.
            with contextlib.suppress(Exception):
                self._open.pop().close()

    def _entity(self, entity_id: int | None) -> int | None:
        return None if entity_id is None else self.redirects.get(entity_id, entity_id)

    def _user(self, user_id: int | None) -> str | None:
        return self.usernames.get(user_id) if user_id is not None else None

    # --- pass 1: articles, their mentions and claims ------------------------------------

    def write_articles(self) -> dict[int, str]:
        self.step = "reading the adjudicated tasks"
        languages = selectors.release_task_languages(filters=self.filters)
        self.step = "writing mentions.jsonl, conll/ and label_studio.json"
        out_mentions = self._writer(JsonlWriter(self.folder / "mentions.jsonl"))
        out_table = self._writer(
            ParquetTableWriter(self.folder / "parquet" / "mentions.parquet", "mentions")
        )
        out_conll = self._writer(conll.ConllWriter(self.folder / "conll"))
        out_ls = self._writer(label_studio.LabelStudioWriter(self.folder / "label_studio.json"))
        ids = list(languages)
        for i in range(0, len(ids), TASK_BATCH):
            batch = ids[i : i + TASK_BATCH]
            spans: dict[int, list[dict[str, Any]]] = {}
            for span in selectors.release_spans_of_tasks(task_ids=batch):
                spans.setdefault(span["task_id"], []).append(span)
            for task in selectors.release_task_batch(task_ids=batch):
                self._article(task, languages[task.pk], spans.get(task.pk, []),
                              (out_mentions, out_table, out_conll, out_ls))  # fmt: skip
        self.stats.counts["mentions"] = out_mentions.count
        self.conll_documents = out_conll.documents
        for writer in (out_mentions, out_table, out_conll, out_ls):
            self._open.remove(writer)
            writer.close()
        return languages

    def _article(self, task: Any, language: str, spans: list[dict[str, Any]], out: tuple) -> None:
        out_mentions, out_table, out_conll, out_ls = out
        article = task.article
        self.stats.counts["articles"] += 1
        self.stats.languages[language] += 1
        agreement = getattr(task, "agreement", None)
        if agreement is not None and agreement.summary is not None:
            self.stats.f1.append(agreement.summary)
        labels = self.schema.get(task.project_id, {})
        kept_mentions: list[tuple[dict[str, Any], int | None]] = []
        kept_claims: list[dict[str, Any]] = []
        for span in spans:
            span["article_id"] = article.pk
            if not self._valid_span(span, article.text, labels):
                continue
            if span["kind"] == GoldSpan.Kind.MENTION:
                entity_id = self._entity(span["entity_id"])
                row = mentions.mention_row(
                    span=span, language=language, entity_id=entity_id,
                    adjudicator=self._user(span["adjudicator_id"]),
                )  # fmt: skip
                out_mentions.write(row)
                out_table.write(row)
                self.stats.labels[span["label"]] += 1
                if entity_id is not None:
                    self.entity_counts[entity_id] += 1
                kept_mentions.append((span, entity_id))
            else:
                self.stats.counts["claims"] += 1
                if span["fact_id"] is not None:
                    self.released_claims[span["id"]] = article.pk
                kept_claims.append(span)
        if agreement is not None:
            self.stats.conflicts += agreement.conflict_count
        out_conll.write(
            language=language, text=article.text,
            spans=[(s["start"], s["end"], s["label"]) for s, _ in kept_mentions],
        )  # fmt: skip
        out_ls.write(
            label_studio.label_studio_task(
                article=article, task_id=task.pk, mentions=kept_mentions, claims=kept_claims
            )
        )

    def _valid_span(self, span: dict[str, Any], text: str, labels: dict[str, str]) -> bool:
        start, end = span["start"], span["end"]
        claim = span["kind"] == GoldSpan.Kind.CLAIM
        wanted = LabelType.Kind.CLAIM if claim else LabelType.Kind.ENTITY
        text_ok = end <= len(text) and text[start:end] == span["text"]
        label_ok = labels.get(span["label"]) == wanted
        stance_ok = span["fact_id"] is None or span["stance"] in ("supports", "refutes")
        if text_ok and label_ok and stance_ok:
            return True
        where = f"article {span['article_id']}, gold span {span['id']} [{start}:{end}]"
        if not text_ok:
            actual = text[start:end]
            self.problem(f"{where}: its text {span['text']!r} is not the article's {actual!r}")
        if not label_ok:
            self.problem(
                f"{where}: label {span['label']!r} is not one of its project's {wanted} labels"
            )
        if not stance_ok:
            self.problem(f"{where}: stance {span['stance']!r} is not supports or refutes")
        return False

    # --- pass 2: facts and FEVER ---------------------------------------------------------

    def write_facts(self, languages: dict[int, str]) -> None:
        self.step = "writing facts.jsonl and fever.jsonl"
        out_facts = self._writer(JsonlWriter(self.folder / "facts.jsonl"))
        out_fever = self._writer(JsonlWriter(self.folder / "fever.jsonl"))
        out_table = self._writer(
            ParquetTableWriter(self.folder / "parquet" / "facts.parquet", "facts")
        )
        out_evidence = self._writer(
            ParquetTableWriter(self.folder / "parquet" / "evidence.parquet", "evidence")
        )
        for fact_ids in _batches(selectors.release_fact_ids(), FACT_BATCH):
            batch = selectors.release_fact_batch(fact_ids=fact_ids, task_ids=languages)
            for fact in batch.facts:
                spans = batch.evidence.get(fact["id"])
                if not spans:
                    continue  # no evidence in the released tasks
                row = self._fact_row(fact, spans, batch)
                if row is None:
                    continue
                fever_row = fever.fever_row(row)
                out_facts.write(row)
                out_fever.write(fever_row)
                out_table.write(facts.fact_table_row(row, fever_row["label"]))
                for e in row["evidence"]:
                    out_evidence.write({**e, "fact_id": row["id"]})
                self._count_fact(row, fever_row)
        self.stats.counts["facts"] = out_facts.count

    def _fact_row(self, fact: dict[str, Any], spans: list[dict[str, Any]], batch: Any) -> Any:
        evidence = []
        for span in spans:
            if self.released_claims.get(span["id"]) != span["article_id"]:
                self.problem(
                    f"fact {fact['id']}: evidence gold span {span['id']} does not resolve to "
                    f"a released, valid claim of article {span['article_id']}"
                )
                continue
            key, name = selectors.evidence_origin(
                span=span,
                mention=batch.attributed.get((span["task_id"], span["start"], span["end"])),
            )
            evidence.append(
                facts.evidence_row(span=span, origin_key=key, origin_name=name,
                                   adjudicator=self._user(span["adjudicator_id"]))
            )  # fmt: skip
        if not evidence:
            return None
        raw = batch.outcomes.get(fact["id"])
        outcome = facts.gold_outcome(raw, self._user(raw["admin_id"]) if raw else None)
        return facts.fact_row(fact=fact, evidence=evidence, outcome=outcome)

    def _count_fact(self, row: dict[str, Any], fever_row: dict[str, Any]) -> None:
        self.stats.counts["evidence"] += len(row["evidence"])
        self.stats.verdicts[row["verdict"]] += 1
        self.stats.fever_labels[fever_row["label"]] += 1
        if row["gold_outcome"]:
            self.stats.outcomes[row["gold_outcome"]["outcome"]] += 1
        for key in ("subject_id", "object_id", "place_id"):
            if row[key] is not None:
                self.fact_entities.add(self._entity(row[key]))  # type: ignore[arg-type]
        if fever_row["label"] not in fever.LABELS:
            self.problem(
                f"fact {row['id']}: FEVER label {fever_row['label']!r} is not in the schema"
            )

    # --- pass 3: entities, then the card and checksums ----------------------------------

    def write_entities(self) -> None:
        self.step = "writing entities.jsonl"
        out = self._writer(JsonlWriter(self.folder / "entities.jsonl"))
        table = self._writer(
            ParquetTableWriter(self.folder / "parquet" / "entities.parquet", "entities")
        )
        ids = set(self.entity_counts) | self.fact_entities
        for entity, aliases in selectors.release_entities(entity_ids=ids):
            row = entities.entity_row(
                entity=entity, aliases=aliases, mention_count=self.entity_counts[entity["id"]]
            )
            out.write(row)
            table.write(entities.entity_table_row(row))
        self.stats.counts["entities"] = out.count
        missing = len(ids) - out.count
        if missing:
            self.problem(f"{missing} linked entities do not exist")

    def write_card(self) -> dict[str, str]:
        self.step = "writing README.md and checksums.sha256"
        stats = self.stats.as_dict(self.conll_documents)
        (self.folder / "README.md").write_text(card.dataset_card(stats), encoding="utf-8")
        self.summary = stats
        return checksums.checksums_write(self.folder)


def _batches(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _record(*, name: str, user: AbstractBaseUser | None, filters: ReleaseFilters) -> GoldRelease:
    """The release's record, with the next version; a failed release of the same name is
    replaced (its name is free again once it failed)."""
    GoldRelease.objects.filter(name=name, state=GoldRelease.State.FAILED).delete()
    release = GoldRelease(name=name, created_by=user, filters=filters.as_dict())
    with transaction.atomic():
        top = GoldRelease.objects.aggregate(top=Max("version"))["top"] or 0
        release.version = top + 1
        release.full_clean(exclude=["version"])
        try:
            release.save()
        except IntegrityError as exc:
            raise ValidationError({"name": "A release with this name exists."}) from exc
    return release


def _fail(release: GoldRelease, message: str, problems: list[str]) -> ReleaseFailed:
    release.state = GoldRelease.State.FAILED
    release.error = message
    release.problems = problems
    release.finished_at = timezone.now()
    release.save(update_fields=["state", "error", "problems", "finished_at"])
    return ReleaseFailed(message, release=release, problems=problems)


def release_publish(
    *,
    name: str,
    user: AbstractBaseUser | None = None,
    languages: Iterable[str] = (),
    since: dt.date | None = None,
    out: Path | None = None,
) -> GoldRelease:
    """Build, validate and publish a release into `out / name` (default: the releases dir).

    Raises ValidationError for a bad name or a name in use, ReleaseFailed (with the
    recorded, failed release) when validation finds problems or writing fails.
    """
    filters = ReleaseFilters(languages=tuple(sorted(set(languages))), since=since)
    parent = Path(out) if out is not None else releases_dir()
    if GoldRelease.objects.filter(name=name).exclude(state=GoldRelease.State.FAILED).exists():
        raise ValidationError({"name": "A release with this name exists."})
    release = _record(name=name, user=user, filters=filters)
    final = parent / name
    if final.exists():
        raise _fail(release, f"Release {name} failed: {final} already exists.", [])
    parent.mkdir(parents=True, exist_ok=True)
    temporary = parent / f".tmp-{name}-{uuid.uuid4().hex}"
    temporary.mkdir()
    builder = _Builder(temporary, filters)
    try:
        languages_of = builder.write_articles()
        builder.write_facts(languages_of)
        builder.write_entities()
        builder.close_all()
        if builder.problem_count:
            extra = builder.problem_count - len(builder.problems)
            problems = builder.problems + ([f"... and {extra} more"] if extra > 0 else [])
            raise _fail(
                release,
                f"Release {name} failed validation with {builder.problem_count} problem(s); "
                "nothing was published.",
                problems,
            )
        sums = builder.write_card()
        builder.step = f"moving the release into {final}"
        os.rename(temporary, final)
    except ReleaseFailed:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    except Exception as exc:
        builder.close_all_quietly()
        shutil.rmtree(temporary, ignore_errors=True)
        message = f"Release {name} failed while {builder.step}: {type(exc).__name__}: {exc}"
        raise _fail(release, message, []) from exc
    release.state = GoldRelease.State.PUBLISHED
    release.path = str(final.resolve())
    release.counts = builder.summary
    release.checksums = sums
    release.finished_at = timezone.now()
    release.save(update_fields=["state", "path", "counts", "checksums", "finished_at"])
    return release


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no clock time: same files, same zip


def release_zip(*, release: GoldRelease, folder: Path) -> IO[bytes]:
    """The release folder as a zip in a temporary file (rewound), entries under `<name>/`.

    Written to disk, not memory: a release can be hundreds of megabytes.
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(
                f"{release.name}/{path.relative_to(folder).as_posix()}", _ZIP_TIME
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as src, archive.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    handle.seek(0)
    return handle
