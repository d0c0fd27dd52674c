"""Shapes of imports and articles as the API returns them. Shapes only: selectors fetch."""

from __future__ import annotations

from rest_framework import serializers

from annotate.models import Article, ImportBatch, ImportRejection, Source, Task


class ImportRejectionSerializer(serializers.ModelSerializer[ImportRejection]):
    class Meta:
        model = ImportRejection
        fields = ["file", "line", "field", "reason"]


class ImportCountsSerializer(serializers.Serializer[ImportBatch]):
    created = serializers.IntegerField(source="created_count")
    skipped = serializers.IntegerField(
        source="skipped_count", help_text="Already imported (same normalised text)."
    )
    rejected = serializers.IntegerField(source="rejected_count")
    near_duplicates = serializers.IntegerField(source="near_duplicate_count")


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null for the CLI."
    )
    counts = ImportCountsSerializer(source="*", read_only=True)
    paths = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The first few file names."
    )

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "project",
            "state",
            "created_by",
            "created_at",
            "finished_at",
            "origin",
            "format",
            "dry_run",
            "overlap",
            "source_override",
            "file_count",
            "paths",
            "counts",
            "error",
        ]
        read_only_fields = fields


class ImportBatchDetailSerializer(ImportBatchSerializer):
    rejections = ImportRejectionSerializer(many=True, read_only=True)

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "rejections"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer[Source]):
    class Meta:
        model = Source
        fields = ["id", "name", "domain", "kind"]


class TaskSummarySerializer(serializers.ModelSerializer[Task]):
    class Meta:
        model = Task
        fields = ["id", "state", "required_overlap"]


class ArticleListItemSerializer(serializers.ModelSerializer[Article]):
    source = SourceSerializer(read_only=True, allow_null=True)
    task = TaskSummarySerializer(read_only=True, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    # Not a URI format: an article whose file gave no URL has an empty one.
    url = serializers.CharField(read_only=True, help_text="Empty when the file gave none.")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "published_on",
            "languages",
            "source",
            "task",
            "near_duplicate_of",
            "import_batch",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListItemSerializer):
    metadata = serializers.DictField(
        read_only=True, help_text="What the importer pulled out of the text."
    )

    class Meta(ArticleListItemSerializer.Meta):
        fields = [
            *ArticleListItemSerializer.Meta.fields,
            "external_id",
            "content_hash",
            "source_file",
            "source_line",
            "created_at",
            "text",
            "raw_text",
            "metadata",
        ]
        read_only_fields = fields
