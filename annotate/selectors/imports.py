"""Reading import batches and their rejections."""

from __future__ import annotations

from django.db.models import QuerySet

from annotate.models import Article, ImportBatch, ImportRejection


def import_batch_list() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by", "project").order_by(
        "-created_at", "-id"
    )


def import_batch_get(*, batch_id: int) -> ImportBatch | None:
    return import_batch_list().filter(pk=batch_id).first()


def import_batch_get_with_rejections(*, batch_id: int) -> ImportBatch | None:
    """The batch with its rejections fetched in one more query (the API returns them all)."""
    return import_batch_list().prefetch_related("rejections").filter(pk=batch_id).first()


def import_batch_rejections(*, batch: ImportBatch) -> QuerySet[ImportRejection]:
    return ImportRejection.objects.filter(batch=batch).order_by("id")


def import_batch_articles(*, batch: ImportBatch) -> QuerySet[Article]:
    return (
        Article.objects.filter(import_batch=batch)
        .only("id", "title", "near_duplicate_of_id", "import_batch_id")
        .order_by("id")
    )
