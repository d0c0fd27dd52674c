"""Django admin for entities: browse and fix by hand. Merges and splits go through the
entity pages (or the API) so that the history and the candidate index stay right."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from verify.models import Alias, Entity, EntityChange, EntityDistinction, Fact, Origin


class AliasInline(admin.TabularInline):
    model = Alias
    fields = ["text", "language", "script", "key", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Entity | None = None) -> bool:
        return False  # aliases are added through the service, which also indexes them


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["id", "preferred_name", "type", "wikidata_qid", "merged_into", "created_at"]
    list_filter = ["type"]
    search_fields = ["preferred_name", "aliases__text", "wikidata_qid"]
    readonly_fields = ["merged_into", "created_by", "created_at", "updated_at"]
    inlines = [AliasInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return super().get_queryset(request).select_related("merged_into")


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "language", "script", "key"]
    list_filter = ["script", "language"]
    search_fields = ["text", "key"]
    readonly_fields = ["entity", "text", "language", "script", "key", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EntityChange)
class EntityChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "entity", "other", "user"]
    list_filter = ["kind"]
    readonly_fields = [
        "kind",
        "entity",
        "other",
        "user",
        "created_at",
        "rationale",
        "before",
        "after",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EntityChange | None = None) -> bool:
        return False  # history is never rewritten


@admin.register(EntityDistinction)
class EntityDistinctionAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "user", "created_at"]
    readonly_fields = ["first", "second", "user", "created_at"]


# Facts and origins: browse only. Facts are created and edited through the API and the
# workspace (the service recomputes the stored vector), verdicts by fact_verdict_refresh.
@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ["id", "statement", "verdict", "supporting_origins", "refuting_origins"]
    list_filter = ["verdict", "verdict_basis"]
    search_fields = ["statement", "predicate", "time_text"]
    exclude = ["vector"]
    readonly_fields = [
        "statement", "subject", "predicate", "object", "place", "time_start", "time_end",
        "time_text", "vector_model", "verdict", "verdict_basis", "supporting_origins",
        "refuting_origins", "languages", "verdict_explanation", "verdict_updated_at",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Origin)
class OriginAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "key", "entity", "source", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]
    readonly_fields = ["key", "kind", "name", "entity", "source", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
