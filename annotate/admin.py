"""Django admin for the annotate app. Article text is read-only: offsets point into it."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotate.models import (
    Article,
    AuditEvent,
    ImportBatch,
    ImportRejection,
    LabelType,
    Project,
    Source,
    Task,
)


class LabelTypeInline(admin.TabularInline):
    model = LabelType
    extra = 0
    fields = ["position", "name", "description", "hotkey", "color", "kind"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_overlap", "auto_accept_agreement", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LabelTypeInline]


@admin.register(LabelType)
class LabelTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "kind", "hotkey", "color", "position"]
    list_filter = ["project", "kind"]
    list_select_related = ["project"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]


class ImportRejectionInline(admin.TabularInline):
    model = ImportRejection
    extra = 0
    can_delete = False
    fields = ["file", "line", "field", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """A batch is a record of what happened; it is read, not edited."""

    list_display = [
        "id",
        "created_at",
        "created_by",
        "origin",
        "format",
        "state",
        "dry_run",
        "created_count",
        "skipped_count",
        "rejected_count",
        "near_duplicate_count",
    ]
    list_filter = ["state", "origin", "format", "dry_run", "project"]
    list_select_related = ["created_by", "project"]
    inlines = [ImportRejectionInline]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ImportBatch | None = None
    ) -> list[str]:
        return [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImportRejection)
class ImportRejectionAdmin(admin.ModelAdmin):
    list_display = ["batch", "file", "line", "field", "reason"]
    list_select_related = ["batch"]
    search_fields = ["file", "reason"]
    readonly_fields = ["batch", "file", "line", "field", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class TaskInline(admin.StackedInline):
    model = Task
    extra = 0
    can_delete = False
    fields = ["project", "required_overlap", "state"]
    readonly_fields = ["project"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "source", "published_on", "languages", "import_batch"]
    list_filter = ["project", "source"]
    list_select_related = ["source", "import_batch"]
    search_fields = ["title", "url", "content_hash"]
    raw_id_fields = ["near_duplicate_of", "import_batch"]
    # Every offset in the system points into `text`; the importer is the only writer.
    readonly_fields = [
        "raw_text",
        "text",
        "content_hash",
        "simhash",
        "simhash_band0",
        "simhash_band1",
        "simhash_band2",
        "simhash_band3",
        "source_file",
        "source_line",
        "created_at",
    ]
    inlines = [TaskInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        # The change list never shows the text; an article can be megabytes.
        return super().get_queryset(request).defer("raw_text", "text", "metadata")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "project", "state", "required_overlap", "created_at"]
    list_filter = ["project", "state"]
    list_select_related = ["article", "project"]
    raw_id_fields = ["article"]
    search_fields = ["article__title"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return (
            super()
            .get_queryset(request)
            .defer("article__raw_text", "article__text", "article__metadata")
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the history is written by the services and never edited (the page at
    /audit/ shows the same events with their diffs)."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "object_label"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_id", "other_id", "object_label", "actor__username"]
    date_hierarchy = "at"
    readonly_fields = [
        "at", "actor", "action", "object_type", "object_id", "object_label", "other_type",
        "other_id", "project", "before", "after",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
