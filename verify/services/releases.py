"""Publishing gold releases: versioned, validated, atomic, deterministic files.

`release_publish` records the release, writes every file into a temporary folder beside the
final one, a batch of rows at a time, checks what it wrote (every span's text equals the
article text at its offsets, every evidence row resolves to a released span, every label is
in its project's schema), then writes the dataset card and checksums and renames the folder
into place. Any failure removes the temporary folder: there is never a partial release. A
release that fails validation is recorded as failed with each problem and not published.

The rows are read once, as tuples, and checked inline as they stream; mentions.jsonl,
label_studio.json, conll/, facts.jsonl, fever.jsonl and the facts and evidence Parquet tables
are written by a second, forked process from the rows this one reads, checks and sends it
(`verify.exports.forked`), so a release uses both cores (bench/release_bench.py).

One release builds at a time, holding a lock on the releases folder. A build that was
killed (a crash, a restart, SIGKILL) cannot clean up after itself; the kernel drops its
lock, and the next release, holding the lock, knows it is dead: it removes its temporary
folder and marks its record failed (tests/faults/test_kill_release.py).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import fcntl
import functools
import os
import shutil
import tempfile
import uuid
import zipfile
from array import array
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
from config.faults import fault_point
from verify.exports import (
    card,
    checksums,
    conll,
    entities,
    facts,
    fever,
    label_studio,
    mentions,
    parquet,
)
from verify.exports.forked import ForkedWriter
from verify.exports.jsonl import JsonlWriter
from verify.exports.parquet import ParquetTableWriter
from verify.models import GoldRelease, GoldSpan
from verify.selectors import releases as selectors
from verify.selectors.releases import EvidenceTask, ReleaseFilters, SpanRow, TaskRow

TASK_BATCH = 100
FACT_BATCH = 500
MAX_PROBLEMS = 200
_ENTITY, _CLAIM = LabelType.Kind.ENTITY, LabelType.Kind.CLAIM
_STANCES = ("supports", "refutes")
INTERRUPTED = (
    "Interrupted: the process building this release stopped before it finished (it was "
    "killed or the server restarted); nothing was published."
)


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


class _ClaimArticles:
    """Gold claim span id -> article id, for the released claims that are evidence for a fact:
    two arrays sorted by span id. 200,000 claims take 3 MB here and 25 MB in a dict of Python
    ints, held through the whole second pass."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._articles = array("q")
        self._sorted = True

    def add(self, span_id: int, article_id: int) -> None:
        self._ids.append(span_id)
        self._articles.append(article_id)
        self._sorted = False

    def get(self, span_id: int) -> int | None:
        if not self._sorted:  # spans arrive in task order, not id order
            order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
            self._ids = array("q", [self._ids[i] for i in order])
            self._articles = array("q", [self._articles[i] for i in order])
            self._sorted = True
        i = bisect.bisect_left(self._ids, span_id)
        return self._articles[i] if i < len(self._ids) and self._ids[i] == span_id else None


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
        self.released_claims = _ClaimArticles()
        self.evidence_tasks: dict[int, EvidenceTask] = {}  # released tasks with fact claims
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
                writer = self._open.pop()
                getattr(writer, "abort", writer.close)()

    def _entity(self, entity_id: int | None) -> int | None:
        return None if entity_id is None else self.redirects.get(entity_id, entity_id)

    def _user(self, user_id: int | None) -> str | None:
        return self.usernames.get(user_id) if user_id is not None else None

    # --- pass 1: articles, their mentions and claims ------------------------------------

    def write_articles(self) -> dict[int, str]:
        self.step = "reading the adjudicated tasks"
        languages = selectors.release_task_languages(filters=self.filters)
        self.step = "writing mentions.jsonl, conll/ and label_studio.json"
        out_table = self._writer(
            ParquetTableWriter(self.folder / "parquet" / "mentions.parquet", "mentions")
        )
        # mentions.jsonl, label_studio.json and conll/ (and in pass 2 the facts files) are
        # written by a second process from the rows this one reads and checks: two cores.
        parquet.prepare()
        out_documents = self._writer(ForkedWriter(functools.partial(_second_process, self.folder)))
        self.second = out_documents
        ids = list(languages)
        out = (out_table, out_documents)
        for i in range(0, len(ids), TASK_BATCH):
            batch = ids[i : i + TASK_BATCH]
            spans: dict[int, list[SpanRow]] = {}
            for span in selectors.release_spans_of_tasks(task_ids=batch):
                spans.setdefault(span.task_id, []).append(span)
            for task in selectors.release_task_batch(task_ids=batch):
                self._article(task, languages[task.id], spans.get(task.id, []), out)
        self._open.remove(out_table)
        out_table.close()
        return languages

    def _article(self, task: TaskRow, language: str, spans: list[SpanRow], out: tuple) -> None:
        out_table, out_documents = out
        stats, text, article_id = self.stats, task.text, task.article_id
        stats.counts["articles"] += 1
        stats.languages[language] += 1
        if task.agreement_f1 is not None:
            stats.f1.append(task.agreement_f1)
        labels = self.schema.get(task.project_id, {})
        kept_mentions: list[tuple[tuple, int | None, str | None]] = []  # span, entity, adjudicator
        kept_claims: list[SpanRow] = []
        length = len(text)
        for span in spans:
            start, end = span.start, span.end
            claim = span.kind != GoldSpan.Kind.MENTION
            wanted = _CLAIM if span.kind == GoldSpan.Kind.CLAIM else _ENTITY
            if not (  # the checks of _span_problems, inline: a million spans
                end <= length
                and text[start:end] == span.text
                and labels.get(span.label) == wanted
                and (span.fact_id is None or span.stance in _STANCES)
            ):
                self._span_problems(span, article_id, text, labels)
                continue
            if not claim:
                entity_id = self._entity(span.entity_id)
                adjudicator = self._user(span.adjudicator_id)
                row = mentions.mention_row(
                    span=span, article_id=article_id, language=language, entity_id=entity_id,
                    adjudicator=adjudicator,
                )  # fmt: skip
                out_table.write(row)
                stats.labels[span.label] += 1
                if entity_id is not None:
                    self.entity_counts[entity_id] += 1
                # A plain tuple: a named tuple pickles through a Python call, a tuple does not.
                kept_mentions.append((tuple(span), entity_id, adjudicator))
            else:
                stats.counts["claims"] += 1
                if span.fact_id is not None:
                    self.released_claims.add(span.id, article_id)
                kept_claims.append(span)
        if any(s.fact_id is not None and s.kind == GoldSpan.Kind.CLAIM for s in spans):
            # What pass 2 says about this task's evidence rows: read here, not again per row.
            self.evidence_tasks[task.id] = EvidenceTask(
                article_id=article_id, source_id=task.source_id, outlet=task.outlet,
                url=task.url, published_on=task.published_on, agreement_f1=task.agreement_f1,
                conflicts=task.conflicts, language=language,
            )  # fmt: skip
        if task.conflicts is not None:
            stats.conflicts += task.conflicts
        stats.counts["mentions"] += len(kept_mentions)
        out_documents.write(
            (_ARTICLE, tuple(task), language, kept_mentions, [tuple(c) for c in kept_claims])
        )

    def _span_problems(
        self, span: SpanRow, article_id: int, text: str, labels: dict[str, str]
    ) -> None:
        """Record why `span` is not valid (its text, label or stance)."""
        start, end = span.start, span.end
        wanted = _CLAIM if span.kind == GoldSpan.Kind.CLAIM else _ENTITY
        where = f"article {article_id}, gold span {span.id} [{start}:{end}]"
        if not (end <= len(text) and text[start:end] == span.text):
            actual = text[start:end]
            self.problem(f"{where}: its text {span.text!r} is not the article's {actual!r}")
        if labels.get(span.label) != wanted:
            self.problem(
                f"{where}: label {span.label!r} is not one of its project's {wanted} labels"
            )
        if span.fact_id is not None and span.stance not in _STANCES:
            self.problem(f"{where}: stance {span.stance!r} is not supports or refutes")

    # --- pass 2: facts and FEVER ---------------------------------------------------------

    def write_facts(self, languages: dict[int, str]) -> None:
        """The rows go to the second process, which writes facts.jsonl, fever.jsonl and their
        Parquet tables; then this waits for it to finish every file it writes."""
        self.step = "writing facts.jsonl and fever.jsonl"
        for fact_ids in _batches(selectors.release_fact_ids(), FACT_BATCH):
            batch = selectors.release_fact_batch(fact_ids=fact_ids, tasks=self.evidence_tasks)
            for fact in batch.facts:
                spans = batch.evidence.get(fact["id"])
                if not spans:
                    continue  # no evidence in the released tasks
                row = self._fact_row(fact, spans, batch)
                if row is None:
                    continue
                fever_row = fever.fever_row(row)
                self.second.write((_FACT, row, fever_row))
                self.stats.counts["facts"] += 1
                self._count_fact(row, fever_row)
        self.step = "writing mentions.jsonl, conll/, label_studio.json and the facts files"
        self._open.remove(self.second)
        self.conll_documents = self.second.close()

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


_ARTICLE, _FACT = "article", "fact"


def _second_process(folder: Path, items: Iterator[tuple]) -> dict[str, int]:
    """The files the second process writes, from the rows the first sends, in order:
    (_ARTICLE, task, language, kept mentions with their entity and adjudicator, kept claims)
    as plain tuples of `TaskRow` and `SpanRow` -> mentions.jsonl, conll/, label_studio.json;
    (_FACT, fact row, FEVER row) -> facts.jsonl, fever.jsonl, facts and evidence Parquet.
    Returns the CoNLL documents per language."""
    out_mentions = JsonlWriter(folder / "mentions.jsonl")
    out_conll = conll.ConllWriter(folder / "conll")
    out_ls = label_studio.LabelStudioWriter(folder / "label_studio.json")
    out_facts = JsonlWriter(folder / "facts.jsonl")
    out_fever = JsonlWriter(folder / "fever.jsonl")
    out_fact_table = ParquetTableWriter(folder / "parquet" / "facts.parquet", "facts")
    out_evidence = ParquetTableWriter(folder / "parquet" / "evidence.parquet", "evidence")
    writers = (out_mentions, out_conll, out_ls, out_facts, out_fever, out_fact_table, out_evidence)
    try:
        for item in items:
            if item[0] == _FACT:
                _, row, fever_row = item
                out_facts.write(row)
                out_fever.write(fever_row)
                out_fact_table.write(facts.fact_table_row(row, fever_row["label"]))
                for e in row["evidence"]:
                    out_evidence.write({**e, "fact_id": row["id"]})
                continue
            _, task_tuple, language, mention_tuples, claim_tuples = item
            task = TaskRow._make(task_tuple)
            kept_mentions = []
            for span_tuple, entity_id, adjudicator in mention_tuples:
                span = SpanRow._make(span_tuple)
                out_mentions.write(
                    mentions.mention_row(
                        span=span, article_id=task.article_id, language=language,
                        entity_id=entity_id, adjudicator=adjudicator,
                    )
                )  # fmt: skip
                kept_mentions.append((span, entity_id))
            kept_claims = [SpanRow._make(c) for c in claim_tuples]
            out_conll.write(
                language=language, text=task.text,
                spans=[(s.start, s.end, s.label) for s, _ in kept_mentions],
            )  # fmt: skip
            out_ls.write(
                label_studio.label_studio_task(
                    task=task, mentions=kept_mentions, claims=kept_claims
                )
            )
    finally:
        for writer in writers:
            writer.close()
    return out_conll.documents


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


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """Hold the releases folder's lock (flock on the folder itself, so no file shows in it);
    ValidationError if another build holds it. A killed holder's lock goes with it."""
    folder = releases_dir()
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ValidationError(
                "Another release is being built; try again when it has finished."
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock


def _recover_interrupted(parent: Path) -> None:
    """Clean up after killed builds; only called holding the lock, so none is running."""
    for leftover in parent.glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for release in GoldRelease.objects.filter(state=GoldRelease.State.BUILDING):
        # Killed between renaming its folder into place and recording that: the record
        # says "not published", so the folder goes too.
        orphan = parent / release.name
        if (orphan / "checksums.sha256").is_file():
            shutil.rmtree(orphan, ignore_errors=True)
        _fail(release, INTERRUPTED, [])


def release_publish(
    *,
    name: str,
    user: AbstractBaseUser | None = None,
    languages: Iterable[str] = (),
    since: dt.date | None = None,
    out: Path | None = None,
) -> GoldRelease:
    """Build, validate and publish a release into `out / name` (default: the releases dir).

    Raises ValidationError for a bad name, a name in use or another release being built,
    ReleaseFailed (with the recorded, failed release) when validation finds problems or
    writing fails.
    """
    filters = ReleaseFilters(languages=tuple(sorted(set(languages))), since=since)
    parent = Path(out) if out is not None else releases_dir()
    with _build_lock():
        _recover_interrupted(parent)
        return _publish(name=name, user=user, filters=filters, parent=parent)


def _publish(
    *, name: str, user: AbstractBaseUser | None, filters: ReleaseFilters, parent: Path
) -> GoldRelease:
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
        fault_point("release-write")  # the crash tests kill the release here (config/faults.py)
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
