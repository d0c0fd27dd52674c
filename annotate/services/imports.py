"""Import files as articles and tasks: streamed, batched, all-or-nothing per file.

The readers in `annotate.importers` turn bytes into `ParsedArticle` records without
touching the database; this module decides what is new, what is a near-duplicate and
what gets stored. Writes go in batches of `CROSSCHECK_IMPORT_BATCH_SIZE` articles, one
transaction per batch of whole files, so memory stays flat as the input grows and a
crash leaves only whole files behind.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, reset_queries, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from annotate.importers.base import Rejection
from annotate.importers.fingerprint import hamming, simhash_bands
from annotate.importers.pool import Parsed, Storable, parse_stream
from annotate.importers.read import FORMATS
from annotate.models import (
    STALE_AFTER,
    Article,
    ImportBatch,
    ImportRejection,
    Project,
    Source,
    Task,
)
from annotate.services.suggestions import suggestions_after_import
from config.faults import fault_point

logger = logging.getLogger(__name__)

MAX_OVERLAP = 20
# Two texts whose SimHashes differ in at most this many bits tell the same story.
NEAR_DUPLICATE_BITS = 3
PATHS_KEPT = 20
# Chunks of CHUNK_FILES files queued or parsing per worker process (about 13 MB in all).
IN_FLIGHT_PER_WORKER = 12
# Bound on the parameters of one lookup query (SQLite allows 32766, PostgreSQL 65535).
LOOKUP_CHUNK = 900
INTERRUPTED = (
    "Interrupted: the import stopped without finishing (its process was killed or the server "
    "restarted). The files counted here were stored whole; import the same files again to "
    "add the rest (those already stored are skipped)."
)


@dataclass
class ImportInput:
    """One file to import: its name as shown to people, its size, and how to read it."""

    name: str
    size: int
    open: Callable[[], BinaryIO]


def import_inputs_from_paths(paths: Sequence[str | Path]) -> Iterator[ImportInput | Rejection]:
    """Files and folders (recursively, sorted, hidden entries skipped) as import inputs.

    A path that does not exist yields a Rejection naming it, so it is reported like any
    other bad input instead of stopping the run.
    """
    for path in _walk(paths):
        if isinstance(path, Rejection):
            yield path
            continue
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            yield Rejection(file=path, reason=f"cannot be read: {exc.strerror or exc}")
            continue
        yield ImportInput(name=path, size=size, open=_opener(path))


def import_count_paths(paths: Sequence[str | Path]) -> int:
    """How many inputs `import_inputs_from_paths` will yield (for a progress bar's total)."""
    return sum(1 for _ in _walk(paths))


def _walk(paths: Sequence[str | Path]) -> Iterator[str | Rejection]:
    for given in paths:
        name = os.fspath(given)
        if os.path.isdir(name):
            yield from _walk_folder(name)
        elif os.path.exists(name):
            yield name
        else:
            yield Rejection(file=name, reason="no such file or folder")


def _walk_folder(folder: str) -> Iterator[str]:
    # os.walk streams one folder at a time; only the names of one folder are held.
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(f for f in files if not f.startswith(".")):
            yield os.path.join(root, file)


def _opener(path: str) -> Callable[[], BinaryIO]:
    def open_file() -> BinaryIO:
        # Unbuffered: `_read_bytes` reads the whole file in one call, which a buffer would
        # split into 4 KB reads (and opening one would ask whether the file is a terminal).
        return open(path, "rb", buffering=0)  # noqa: SIM115 - the caller closes it

    return open_file


def import_run(
    *,
    project: Project,
    inputs: Iterable[ImportInput | Rejection],
    user: AbstractBaseUser | None = None,
    fmt: str = "auto",
    overlap: int | None = None,
    source_name: str = "",
    dry_run: bool = False,
    origin: str = "cli",
    progress: Callable[[int], None] | None = None,
    expected_files: int | None = None,
) -> ImportBatch:
    """Import `inputs` into `project` and return the finished `ImportBatch`.

    `expected_files`, when the caller knows how many inputs come, lets a large import
    start its worker processes at once.

    Same normalised text already in the project: skipped. A SimHash within
    NEAR_DUPLICATE_BITS of an existing article: stored, with `near_duplicate_of` set.
    A bad file is recorded as an `ImportRejection` and nothing of it is stored.
    A dry run parses and counts but stores no article, task or source; its batch record
    and rejections are kept (with `dry_run=True`) so the report can be looked at later.
    (It remembers the hashes it has seen to count repeats, and looks for near-duplicates
    among stored articles and within each batch only.)
    If anything fails mid-run the batch is marked failed with the error and the error
    is raised again; the batches committed before it are whole.
    """
    required_overlap = project.default_overlap if overlap is None else overlap
    _validate(fmt=fmt, overlap=required_overlap)
    import_batches_mark_interrupted()
    batch = ImportBatch.objects.create(
        progress_at=timezone.now(),
        project=project,
        created_by=user if user is not None and user.is_authenticated else None,
        format=fmt,
        origin=origin,
        dry_run=dry_run,
        overlap=required_overlap,
        source_override=source_name.strip(),
    )
    run = _Run(batch=batch, progress=progress)
    try:
        for item, parsed in _parsed(inputs, fmt=fmt, expected=expected_files):
            run.add(item, parsed)
        run.flush()
    except BaseException as exc:
        _fail(batch, exc)
        raise
    batch.state = ImportBatch.State.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "finished_at"])
    # After the articles are committed: inline, or queued when a job queue is configured.
    suggestions_after_import(batch=batch)
    return batch


def import_batches_mark_interrupted() -> int:
    """Mark failed the runs killed mid-way, which could not do it themselves: "running"
    with no batch committed for STALE_AFTER. Returns how many."""
    now = timezone.now()
    cutoff = now - STALE_AFTER
    stale = ImportBatch.objects.filter(state=ImportBatch.State.RUNNING).filter(
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    )
    return stale.update(state=ImportBatch.State.FAILED, finished_at=now, error=INTERRUPTED)


def _validate(*, fmt: str, overlap: int) -> None:
    if fmt not in FORMATS:
        raise ValidationError(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    if not 1 <= overlap <= MAX_OVERLAP:
        raise ValidationError(f"Overlap must be between 1 and {MAX_OVERLAP}, not {overlap}.")


def _fail(batch: ImportBatch, exc: BaseException) -> None:
    batch.state = ImportBatch.State.FAILED
    batch.finished_at = timezone.now()
    batch.error = f"{type(exc).__name__}: {exc}"[:10_000]
    try:
        # Only these fields: the counters in the row are the committed ones.
        batch.save(update_fields=["state", "finished_at", "error"])
    except Exception:  # the database itself may be what failed
        logger.exception("could not mark import batch %s as failed", batch.pk)


@dataclass
class _File:
    name: str
    articles: list[Storable]


@dataclass
class _Counts:
    created: int = 0
    skipped: int = 0
    near: int = 0


@dataclass
class _New:
    """An article that is not in the project yet, before it is stored."""

    parsed: Storable
    hash: str
    simhash: int
    bands: tuple[int, int, int, int]
    near_id: int | None = None  # an article already stored
    near_index: int | None = None  # an earlier article of the same batch


@dataclass
class _Run:
    """The state of one import run: the current batch of files and the counters."""

    batch: ImportBatch
    progress: Callable[[int], None] | None
    files: list[_File] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    pending_articles: int = 0
    # A dry run stores nothing, so hashes seen in earlier batches are remembered here.
    dry_run_hashes: set[str] = field(default_factory=set)

    def add(self, item: ImportInput | Rejection, parsed: Parsed) -> None:
        self.batch.file_count += 1
        name = item.file if isinstance(item, Rejection) else item.name
        if len(self.batch.paths) < PATHS_KEPT:
            self.batch.paths.append(name)
        if isinstance(parsed, Rejection):
            self.rejections.append(parsed)
        else:
            self.files.append(_File(name=name, articles=parsed))
            self.pending_articles += len(parsed)
        if self.progress is not None:
            self.progress(1)
        if self.pending_articles >= settings.CROSSCHECK_IMPORT_BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        files, rejections = self.files, self.rejections
        self.files, self.rejections, self.pending_articles = [], [], 0
        try:
            with transaction.atomic():
                self._commit(files, rejections)
        except IntegrityError:
            # Another import stored some of these texts after our lookup. Redo the batch
            # one file at a time: the good files land, the raced texts count as skipped.
            logger.info("import batch %s: conflict, retrying file by file", self.batch.pk)
            for index, file in enumerate(files):
                self._commit_alone(file, rejections if index == 0 else [])
        if settings.DEBUG:
            # DEBUG logs every query with its parameters, whole article texts included;
            # a long import must not keep thousands of them.
            reset_queries()

    def _commit_alone(self, file: _File, rejections: list[Rejection], attempts: int = 3) -> None:
        for attempt in range(attempts):
            try:
                with transaction.atomic():
                    self._commit([file], rejections)
                return
            except IntegrityError:
                if attempt == attempts - 1:
                    raise

    def _commit(self, files: list[_File], rejections: list[Rejection]) -> None:
        counts = self._store([a for f in files for a in f.articles])
        fault_point("import-batch")  # the crash tests kill the import here (config/faults.py)
        ImportRejection.objects.bulk_create(
            ImportRejection(
                batch=self.batch,
                file=r.file[:1000],
                line=r.line,
                field=r.field[:100],
                reason=r.reason,
            )
            for r in rejections
        )
        batch = self.batch
        batch.created_count += counts.created
        batch.skipped_count += counts.skipped
        batch.near_duplicate_count += counts.near
        batch.rejected_count += len(rejections)
        batch.progress_at = timezone.now()
        try:
            # Counters move in the same transaction as the rows they count.
            batch.save(update_fields=[*_COUNTER_FIELDS, "paths", "progress_at"])
        except BaseException:
            batch.created_count -= counts.created
            batch.skipped_count -= counts.skipped
            batch.near_duplicate_count -= counts.near
            batch.rejected_count -= len(rejections)
            raise

    def _store(self, parsed: list[Storable]) -> _Counts:
        project = self.batch.project
        # Content hashes and SimHashes come with the articles, computed where they were parsed.
        known = _existing_hashes(project, {a.content_hash for a in parsed}) | self.dry_run_hashes
        new: list[_New] = []
        for article in parsed:
            digest = article.content_hash
            if digest in known:
                continue
            known.add(digest)
            value = article.simhash
            new.append(_New(article, digest, value, simhash_bands(value)))
        counts = _Counts(skipped=len(parsed) - len(new))
        _mark_near_duplicates(project, new)
        counts.near = sum(1 for n in new if n.near_id is not None or n.near_index is not None)
        counts.created = len(new)
        if self.batch.dry_run:
            self.dry_run_hashes.update(n.hash for n in new)
        elif new:
            self._insert(new)
        return counts

    def _insert(self, new: list[_New]) -> None:
        batch = self.batch
        sources = _sources_for(new, override=batch.source_override)
        rows = [_article_row(n, batch=batch, source=sources.get(_outlet(n, batch))) for n in new]
        encoded = ("languages", "metadata")  # JSON text from the parser, stored as it is
        options: dict[str, Any] = {"encoded_json": encoded, "utf8": _UTF8_COLUMNS}
        if connections[router.db_for_write(Article)].features.can_return_rows_from_bulk_insert:
            inserted = _insert_rows(Article, rows, ("id", "content_hash"), **options)
        else:  # SQLite before 3.35 has no RETURNING: look the new rows up by their hashes
            _insert_rows(Article, rows, **options)
            hashes = [n.hash for n in new]
            inserted = [
                (pk, digest)
                for start in range(0, len(hashes), LOOKUP_CHUNK)
                for pk, project_id, digest in _select_in(
                    ["id", "project_id", "content_hash"],
                    {"content_hash": hashes[start : start + LOOKUP_CHUNK]},
                )
                if project_id == batch.project_id
            ]
        ids = {digest: pk for pk, digest in inserted}
        pks = [ids[n.hash] for n in new]
        near = [
            (pks[n.near_index], pk)
            for n, pk in zip(new, pks, strict=True)
            if n.near_index is not None
        ]
        if near:
            _update_near_duplicates(near)
        _insert_rows(
            Task,
            [
                {
                    "project_id": batch.project_id,
                    "article_id": pk,
                    "required_overlap": batch.overlap,
                }
                for pk in pks
            ],
        )


_COUNTER_FIELDS = [
    "file_count",
    "created_count",
    "skipped_count",
    "rejected_count",
    "near_duplicate_count",
]


def _parsed(
    inputs: Iterable[ImportInput | Rejection], *, fmt: str, expected: int | None
) -> Iterator[tuple[ImportInput | Rejection, Parsed]]:
    """Each input with its articles or its Rejection, in order. Files are read here and
    parsed in worker processes when there are many (CROSSCHECK_IMPORT_WORKERS)."""
    files = ((item, *_bytes(item)) for item in inputs)
    workers = settings.CROSSCHECK_IMPORT_WORKERS
    yield from parse_stream(
        files,
        fmt=fmt,
        workers=workers,
        min_files=settings.CROSSCHECK_IMPORT_PARALLEL_FROM,
        # Enough chunks in flight to keep the workers busy while a batch is stored: storing
        # 1,000 articles takes as long as the workers take to parse about 600, and with
        # fewer queued (4 chunks a worker) they waited at every batch (docs/benchmarks.md).
        in_flight=IN_FLIGHT_PER_WORKER * workers,
        expected=expected,
    )


def _bytes(item: ImportInput | Rejection) -> tuple[str, bytes | Rejection]:
    if isinstance(item, Rejection):
        return item.file, item
    try:
        return item.name, _read_bytes(item)
    except Rejection as rejection:
        return item.name, rejection


def _read_bytes(item: ImportInput) -> bytes:
    limit = settings.CROSSCHECK_IMPORT_MAX_BYTES
    if item.size > limit:
        raise Rejection(file=item.name, reason=_too_big(item.size, limit))
    try:
        with item.open() as handle:
            # One byte past the size tells a file that grew (or lied about its size); then
            # read on, to one byte past the limit. (read(n) allocates n bytes up front.)
            data = _read_up_to(handle, item.size + 1)
            if len(data) > item.size:
                data += _read_up_to(handle, limit + 1 - len(data))
    except OSError as exc:
        raise Rejection(file=item.name, reason=f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise Rejection(file=item.name, reason=_too_big(len(data), limit))
    return data


def _read_up_to(handle: BinaryIO, size: int) -> bytes:
    """`size` bytes, or fewer at the end of the file: an unbuffered read may return less
    than it was asked for before the end (a pipe, some network file systems)."""
    data = handle.read(size)
    while len(data) < size:
        more = handle.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _too_big(size: int, limit: int) -> str:
    return f"file is {size:,} bytes, over the import limit of {limit:,} bytes"


def _existing_hashes(project: Project, hashes: set[str]) -> set[str]:
    # No project term in the SQL: without statistics SQLite would pick the project index
    # and read every article of the project. The unique index leads with content_hash.
    found: set[str] = set()
    ordered = sorted(hashes)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        rows = _select_in(
            ["project_id", "content_hash"], {"content_hash": ordered[start : start + LOOKUP_CHUNK]}
        )
        found.update(digest for project_id, digest in rows if project_id == project.pk)
    return found


def _select_in(columns: list[str], any_in: dict[str, Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Article `columns` of the rows where any of the `any_in` columns has one of its values.

    Raw SQL for the lookups of every batch: the ORM prepares each of thousands of values
    through its field, which cost more than the query. Values are strings and integers.

    Every list is padded with NULLs (which match nothing) to the next power of two: the
    database driver keeps each distinct statement compiled (sqlite3 up to 128 of them,
    hundreds of KB each at these sizes), and lists of a new length every batch made that
    cache, and the import's memory, grow with every batch.
    """
    lists = {column: list(values) for column, values in any_in.items() if values}
    if not lists:
        return []
    size = 1 << (max(len(values) for values in lists.values()) - 1).bit_length()
    connection = connections[router.db_for_read(Article)]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * size)
    conditions = [f"{quote(column)} IN ({placeholders})" for column in lists]
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(Article._meta.db_table)} "
        f"WHERE {' OR '.join(conditions)}"
    )
    params = [v for values in lists.values() for v in values + [None] * (size - len(values))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _mark_near_duplicates(project: Project, new: list[_New]) -> None:
    """Set near_id (stored article) or near_index (earlier in `new`) where one exists.

    Two SimHashes within 3 bits of each other agree on at least one of four 16-bit
    bands, so the indexed band columns give every candidate without a scan.
    """
    stored = _band_candidates(project, new)
    seen: list[dict[int, list[int]]] = [{}, {}, {}, {}]
    for index, item in enumerate(new):
        ids = {pk for i, b in enumerate(item.bands) for pk in stored[i].get(b, ())}
        matches = [pk for pk in ids if hamming(item.simhash, stored[4][pk]) <= NEAR_DUPLICATE_BITS]
        if matches:
            item.near_id = min(matches)
        else:
            earlier = {j for i, b in enumerate(item.bands) for j in seen[i].get(b, ())}
            close = [
                j for j in earlier if hamming(item.simhash, new[j].simhash) <= NEAR_DUPLICATE_BITS
            ]
            item.near_index = min(close) if close else None
        for i, b in enumerate(item.bands):
            seen[i].setdefault(b, []).append(index)


def _band_candidates(project: Project, new: list[_New]) -> list[dict[int, Any]]:
    """Per band: band value -> ids of stored articles; index 4: id -> simhash."""
    maps: list[dict[int, Any]] = [{}, {}, {}, {}, {}]
    for start in range(0, len(new), LOOKUP_CHUNK):
        chunk = new[start : start + LOOKUP_CHUNK]
        # As above, no project term: the four band indexes answer this (one OR of seeks).
        rows = _select_in(
            ["id", "project_id", "simhash"],
            {f"simhash_band{i}": sorted({n.bands[i] for n in chunk}) for i in range(4)},
        )
        for pk, project_id, value in rows:
            if project_id != project.pk:
                continue
            maps[4][pk] = value
            for i, band in enumerate(simhash_bands(value)):
                maps[i].setdefault(band, set()).add(pk)
    return maps


def _outlet(item: _New, batch: ImportBatch) -> str:
    return (batch.source_override or item.parsed.outlet).strip()[:200]


def _sources_for(new: list[_New], *, override: str) -> dict[str, Source]:
    """The Source of every outlet named in `new`, created where missing (two queries)."""
    wanted: dict[str, Source] = {}
    for item in new:
        name = (override or item.parsed.outlet).strip()[:200]
        if name and (name not in wanted or not wanted[name].domain):
            parsed = item.parsed
            wanted[name] = Source(
                name=name,
                domain="" if override else parsed.outlet_domain[:253],
                kind=(not override and parsed.outlet_kind) or Source.Kind.UNKNOWN,
            )
    if not wanted:
        return {}
    found = {s.name: s for s in Source.objects.filter(name__in=wanted)}
    missing = [source for name, source in wanted.items() if name not in found]
    if missing:
        # ignore_conflicts: a concurrent import may create the same outlet meanwhile.
        Source.objects.bulk_create(missing, ignore_conflicts=True)
        found.update((s.name, s) for s in Source.objects.filter(name__in=[s.name for s in missing]))
    return found


def _article_row(item: _New, *, batch: ImportBatch, source: Source | None) -> dict[str, Any]:
    """The Article columns of a new article (by attribute name), for `_insert_rows`."""
    parsed = item.parsed
    return {
        "project_id": batch.project_id,
        "source_id": source.pk if source is not None else None,
        "external_id": parsed.external_id,
        "url": parsed.url,
        "title": parsed.title[:1000],
        "published_on": parsed.published_on,
        "languages": parsed.languages_json,
        "raw_text": parsed.raw_utf8,
        "text": parsed.text_utf8,
        "content_hash": item.hash,
        "simhash": item.simhash,
        "simhash_band0": item.bands[0],
        "simhash_band1": item.bands[1],
        "simhash_band2": item.bands[2],
        "simhash_band3": item.bands[3],
        "near_duplicate_of_id": item.near_id,
        "import_batch_id": batch.pk,
        "source_file": (parsed.file or "")[:1000],
        "source_line": parsed.line,
        "metadata": parsed.metadata_json,
    }


# Article columns whose values come as UTF-8 bytes from the parser (`Storable`).
_UTF8_COLUMNS = ("raw_text", "text", "metadata")


# Field types whose Python values (str, int, None) go to the database unchanged.
_AS_IS_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
# Rows per INSERT at most, whatever the parameter limit allows (bounds one statement's size).
_ROWS_PER_INSERT = 500


def _insert_rows(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    returning: Sequence[str] = (),
    *,
    encoded_json: Sequence[str] = (),
    utf8: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (values by attribute name; defaults for the rest) in few statements.

    What `bulk_create` does for an import, without building a model instance per row and
    preparing every value through its field: only values that need converting (JSON,
    dates) go through `get_db_prep_save`; strings and integers are passed as they are, and
    so are the JSON fields named in `encoded_json`, whose values are JSON text already.
    The text fields named in `utf8` come as UTF-8 bytes: SQLite stores them without
    decoding (a BLOB cast to TEXT is read in the database's encoding, UTF-8), other
    databases get them decoded.
    Returns the `returning` columns of each row inserted, in no particular order.
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    template = model()  # defaults; auto_now_add fields get the time once for all rows
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        # A default the database computes (db_default) is left to it, unless given.
        and (f.attname in rows[0] or not isinstance(f.pre_save(template, True), DatabaseDefault))
    ]
    defaults = [
        f.get_db_prep_save(f.pre_save(template, add=True), connection=connection) for f in fields
    ]
    unknown = set().union(*rows) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    decode = set() if connection.vendor == "sqlite" else set(utf8)
    # (index, name, the field where its value needs converting, else None: as it is)
    given = [
        (i, f.attname, None if _as_is(f, encoded_json, utf8) else f)
        for i, f in enumerate(fields)
        if f.attname in rows[0]
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    suffix = f" RETURNING {', '.join(quote(c) for c in returning)}" if returning else ""
    per_statement = max(1, min(_ROWS_PER_INSERT, _max_params(connection) // len(fields)))
    vendor = connection.vendor
    one = "(" + ", ".join(_placeholder(f.attname, vendor, encoded_json, utf8) for f in fields) + ")"
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start, end in _statement_bounds(len(rows), per_statement):
            chunk = rows[start:end]
            params: list[Any] = []
            for row in chunk:
                values = list(defaults)
                for i, name, field in given:
                    value = row[name]
                    if field is not None:  # a value the field converts
                        value = field.get_db_prep_save(value, connection=connection)
                    elif name in decode:
                        value = value.decode("utf-8")
                    values[i] = value
                params.extend(values)
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
            cursor.execute(sql + ", ".join([one] * len(chunk)) + suffix, params)
            if returning:
                found.extend(tuple(r) for r in cursor.fetchall())
    return found


def _as_is(field: models.Field[Any, Any], encoded_json: Sequence[str], utf8: Sequence[str]) -> bool:
    return (
        field.get_internal_type() in _AS_IS_TYPES
        or field.attname in encoded_json
        or field.attname in utf8
    )


def _placeholder(name: str, vendor: str, encoded_json: Sequence[str], utf8: Sequence[str]) -> str:
    if vendor == "sqlite":
        return "CAST(%s AS TEXT)" if name in utf8 else "%s"
    # JSON text goes into a jsonb column through a cast on PostgreSQL.
    return "%s::jsonb" if vendor == "postgresql" and name in encoded_json else "%s"


def _statement_bounds(count: int, per_statement: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each statement's rows: full statements, then the rest in powers of two,
    so a run compiles a few statement shapes however its batches fall (see `_select_in`)."""
    start = 0
    while count - start >= per_statement:
        yield start, start + per_statement
        start += per_statement
    while start < count:
        size = 1 << ((count - start).bit_length() - 1)
        yield start, start + size
        start += size


def _max_params(connection: BaseDatabaseWrapper) -> int:
    """Parameters one statement may carry on this connection."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 32766


def _update_near_duplicates(pairs: list[tuple[int, int]]) -> None:
    """Link articles to an earlier article of the same batch: (earlier id, id) pairs."""
    Article.objects.bulk_update(
        [Article(pk=pk, near_duplicate_of_id=earlier) for earlier, pk in pairs],
        ["near_duplicate_of"],
    )
