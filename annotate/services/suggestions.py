"""Computing, storing and deciding suggestions (pre-annotation) for articles.

Three sources, each given only text it can handle (languages per paragraph come from the
import, `Article.metadata["paragraphs"]`; without them each line's script decides):

- known entities: aliases of active canonical entities, matched across scripts
  (`annotate.suggest.known_entities`), on every paragraph;
- natasha: PER/ORG/LOC on Russian paragraphs only;
- dates: on every paragraph in each of its languages that the date rules know (ru, ar,
  en), relative dates resolved against the article's date.

A natasha span that a known entity already suggests with the same label is dropped: the
entity suggestion says the same and carries the link.

`suggestions_refresh` is idempotent: rows are keyed by (start, end, label, source); a row
no source proposes any more is deleted, new ones are created, changed values updated;
rows any reviewer has decided on are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import close_old_connections, transaction

from annotate.models import Article, ImportBatch, Suggestion, SuggestionDecision
from annotate.suggest import Suggestion as Found
from annotate.suggest.known_entities import SOURCE_ENTITY, KnownEntities
from verify.matching import detect_script
from verify.models import Alias

logger = logging.getLogger(__name__)

DATE_LANGUAGES = ("ru", "ar", "en")
_SCRIPT_LANGUAGE = {"Arab": "ar", "Cyrl": "ru", "Latn": "en"}
REFRESH_GROUP = 200


@dataclass
class RefreshCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept_decided: int = 0  # rows a reviewer acted on, left as they were

    def add(self, other: RefreshCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.kept_decided += other.kept_decided


def known_entities_load() -> KnownEntities:
    """Every alias key of every active entity, read once per run."""
    rows = Alias.objects.filter(entity__merged_into__isnull=True).values_list(
        "entity_id", "entity__type", "key", "text"
    )
    return KnownEntities.from_rows(rows.iterator(chunk_size=5000))


def article_paragraphs(*, article: Article) -> list[tuple[int, int, list[str]]]:
    """(start, end, languages) per paragraph; from the import's metadata, else per line."""
    stored = (article.metadata or {}).get("paragraphs") or []
    if stored:
        return [(p["start"], p["end"], list(p.get("languages") or [])) for p in stored]
    out: list[tuple[int, int, list[str]]] = []
    start = 0
    for line in article.text.split("\n"):
        lang = _SCRIPT_LANGUAGE.get(detect_script(line))
        out.append((start, start + len(line), [lang] if lang else []))
        start += len(line) + 1
    return out


def suggestions_compute(
    *, article: Article, known: KnownEntities, sources: Iterable[str] | None = None
) -> list[Found]:
    """What the suggesters propose for `article`, in text order (nothing is stored)."""
    wanted = set(sources) if sources is not None else set(Suggestion.Source.values)
    text = article.text
    paragraphs = article_paragraphs(article=article)
    found: list[Found] = []
    if SOURCE_ENTITY in wanted:
        for start, end, langs in paragraphs:
            found += known.find(text[start:end], lang=langs[0] if langs else None, offset=start)
    if Suggestion.Source.NATASHA in wanted:
        found += _natasha(text, paragraphs, taken={(s.start, s.end, s.label) for s in found})
    if Suggestion.Source.DATES in wanted:
        found += _dates(text, paragraphs, reference=article.published_on)
    return sorted(found, key=lambda s: (s.start, -s.end, s.label, s.source))


def _natasha(
    text: str, paragraphs: list[tuple[int, int, list[str]]], *, taken: set[tuple[int, int, str]]
) -> list[Found]:
    russian = [(s, e) for s, e, langs in paragraphs if "ru" in langs and e > s]
    if not russian:
        return []
    from annotate.suggest.russian_ner import find_russian_entities  # loads natasha (~1 s)

    return [
        s
        for s in find_russian_entities(text, paragraphs=russian)
        if (s.start, s.end, s.label) not in taken
    ]


def _dates(
    text: str, paragraphs: list[tuple[int, int, list[str]]], *, reference: dt.date | None
) -> list[Found]:
    from annotate.suggest.dates import find_dates  # loads dateparser

    out: list[Found] = []
    for start, end, langs in paragraphs:
        chunk = text[start:end]
        seen: list[tuple[int, int]] = []
        for lang in [lang for lang in langs if lang in DATE_LANGUAGES]:
            for s in find_dates(chunk, lang=lang, reference=reference):
                if any(s.start < e and b < s.end for b, e in seen):
                    continue  # a mixed paragraph: the first language's reading wins
                seen.append((s.start, s.end))
                out.append(
                    Found(
                        start=s.start + start,
                        end=s.end + start,
                        label=s.label,
                        text=s.text,
                        source=s.source,
                        value=s.value,
                        score=s.score,
                    )
                )
    return out


def _row_values(found: Found) -> dict[str, object]:
    entity_id = int(found.value) if found.source == SOURCE_ENTITY and found.value else None
    return {
        "text": found.text,
        "value": "" if found.source == SOURCE_ENTITY else (found.value or ""),
        "score": found.score,
        "entity_id": entity_id,
    }


def suggestions_refresh(
    *, article: Article, known: KnownEntities, dry_run: bool = False
) -> RefreshCounts:
    """Make the article's stored suggestions what the suggesters propose now (see module doc)."""
    return _refresh_group([article], known=known, dry_run=dry_run)


def suggestions_refresh_many(
    *,
    articles: Iterable[Article],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RefreshCounts:
    """`suggestions_refresh` for each article, with the known entities read once.

    Articles are handled in groups of REFRESH_GROUP with a fixed number of queries per
    group, so an import's query count does not grow with its size.
    """
    known = known_entities_load()
    total = RefreshCounts()
    group: list[Article] = []
    for article in articles:
        group.append(article)
        if len(group) == REFRESH_GROUP:
            total.add(_refresh_group(group, known=known, dry_run=dry_run, progress=progress))
            group = []
    if group:
        total.add(_refresh_group(group, known=known, dry_run=dry_run, progress=progress))
    return total


SpanKey = tuple[int, int, int, str, str]  # article id, start, end, label, source


@transaction.atomic
def _refresh_group(
    articles: list[Article],
    *,
    known: KnownEntities,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> RefreshCounts:
    wanted: dict[SpanKey, dict[str, object]] = {}
    for article in articles:
        for f in suggestions_compute(article=article, known=known):
            wanted[(article.pk, f.start, f.end, f.label, f.source)] = _row_values(f)
        if progress is not None:
            progress(1)
    ids = [a.pk for a in articles]
    decided = set(
        SuggestionDecision.objects.filter(suggestion__article_id__in=ids).values_list(
            "suggestion_id", flat=True
        )
    )
    counts = RefreshCounts()
    existing = {
        (r.article_id, r.start, r.end, r.label, r.source): r
        for r in Suggestion.objects.filter(article_id__in=ids)
    }
    gone, changed = [], []
    for key, row in existing.items():
        if row.pk in decided:
            counts.kept_decided += 1
        elif key not in wanted:
            gone.append(row.pk)
        elif any(getattr(row, k) != v for k, v in wanted[key].items()):
            for k, v in wanted[key].items():
                setattr(row, k, v)
            changed.append(row)
    new = [
        Suggestion(article_id=a, start=s, end=e, label=label, source=source, **values)  # type: ignore[arg-type]
        for (a, s, e, label, source), values in wanted.items()
        if (a, s, e, label, source) not in existing
    ]
    counts.deleted, counts.updated, counts.created = len(gone), len(changed), len(new)
    if dry_run:
        return counts
    if gone:
        Suggestion.objects.filter(pk__in=gone).delete()
    if changed:
        Suggestion.objects.bulk_update(changed, ["text", "value", "score", "entity_id"])
    if new:
        Suggestion.objects.bulk_create(new)
    return counts


def suggestions_refresh_batch(*, batch_id: int) -> RefreshCounts:
    """Suggestions for the articles an import batch created (what a queued job runs)."""
    articles = Article.objects.filter(import_batch_id=batch_id).order_by("id")
    return suggestions_refresh_many(articles=articles.iterator(chunk_size=200))


def suggestions_after_import(*, batch: ImportBatch) -> str:
    """Called once an import has committed: 'queued', 'inline', 'off' or 'failed'.

    With `CROSSCHECK_JOB_QUEUE` set (a Redis URL) the work goes to the RQ queue
    `JOB_QUEUE_NAME`, which `manage.py suggest_worker` works off; otherwise it runs here,
    inline. `CROSSCHECK_SUGGEST_ON_IMPORT = False` turns it off (bulk loads then run
    `manage.py suggest --since`). A failure (an unreachable Redis, a broken suggester) is
    logged and never fails the import: the articles are stored, and `manage.py suggest` can
    be run again.
    """
    if batch.dry_run or not batch.created_count:
        return "off"
    if not getattr(settings, "CROSSCHECK_SUGGEST_ON_IMPORT", True):
        return "off"
    queue_url = getattr(settings, "CROSSCHECK_JOB_QUEUE", "")
    if queue_url:
        try:
            job_queue(queue_url).enqueue(
                suggestions_job,
                batch_id=batch.pk,
                job_id=f"suggest-import-{batch.pk}",
                description=f"suggestions for import #{batch.pk}",
            )
        except Exception:
            logger.exception(
                "suggestions for import #%s could not be queued at %s; run manage.py suggest",
                batch.pk,
                _redacted(queue_url),
            )
            return "failed"
        return "queued"
    try:
        suggestions_refresh_batch(batch_id=batch.pk)
    except Exception:
        logger.exception("suggestions for import #%s failed; run manage.py suggest", batch.pk)
        return "failed"
    return "inline"


JOB_QUEUE_NAME = "crosscheck-suggestions"


def suggestions_job(*, batch_id: int) -> dict[str, int]:
    """What `manage.py suggest_worker` runs for a queued import: the batch's suggestions,
    on a fresh database connection (a worker lives for days; connections do not)."""
    close_old_connections()
    try:
        counts = suggestions_refresh_batch(batch_id=batch_id)
    finally:
        close_old_connections()
    return {"created": counts.created, "updated": counts.updated, "deleted": counts.deleted}


def job_queue(queue_url: str) -> Any:
    """The RQ queue suggestions go to (`rq.Queue` on the Redis at `queue_url`)."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(queue_url, socket_connect_timeout=5, socket_timeout=30)
    return Queue(JOB_QUEUE_NAME, connection=connection)


def _redacted(url: str) -> str:
    """The URL without a password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


def suggestion_decide(
    *, suggestion: Suggestion, reviewer: AbstractBaseUser, decision: str
) -> SuggestionDecision:
    """Record a reviewer's accept or reject (a later decision replaces an earlier one)."""
    if decision not in SuggestionDecision.Decision.values:
        raise ValidationError({"decision": "Say accepted or rejected."})
    row, _ = SuggestionDecision.objects.update_or_create(
        suggestion=suggestion, reviewer=reviewer, defaults={"decision": decision}
    )
    return row


def suggestion_undecide(*, suggestion: Suggestion, reviewer: AbstractBaseUser) -> bool:
    """Forget a reviewer's decision (they undid an accept); True if there was one."""
    deleted, _ = SuggestionDecision.objects.filter(
        suggestion=suggestion, reviewer_id=reviewer.pk
    ).delete()
    return bool(deleted)


@transaction.atomic
def suggestions_decide_many(
    *, suggestions: Iterable[Suggestion], reviewer: AbstractBaseUser, decision: str
) -> int:
    """`suggestion_decide` for several at once (accept all of a kind)."""
    n = 0
    for suggestion in suggestions:
        suggestion_decide(suggestion=suggestion, reviewer=reviewer, decision=decision)
        n += 1
    return n
