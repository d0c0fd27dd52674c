"""API for imports: upload files, list batches, read one batch with its rejections."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.api.serializers import ImportBatchDetailSerializer, ImportBatchSerializer
from annotate.models import Project
from annotate.permissions import IsAdmin
from annotate.selectors.imports import import_batch_get_with_rejections, import_batch_list
from annotate.services.imports import import_run
from annotate.services.projects import project_ensure_default
from annotate.uploads import IMPORT_FORMATS, import_inputs_from_uploads


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file in a multipart body (the schema says binary, not a URL)."""


class ImportListApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    pagination_class = PageNumberPagination  # read by the schema generator

    @extend_schema(
        summary="List import batches",
        description="Newest first, with counts; rejections are on each batch's own page.",
        responses=ImportBatchSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=import_batch_list(),
            serializer_class=ImportBatchSerializer,
            request=request,
            view=self,
        )


class ImportCreateApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    parser_classes = [MultiPartParser, FormParser]

    class ImportCreateInputSerializer(serializers.Serializer[None]):
        files = serializers.ListField(
            # Empty files pass here: the importer rejects them by name, like any bad file.
            child=UploadField(allow_empty_file=True, use_url=False),
            allow_empty=False,
            help_text="One or several files (repeat the field).",
        )
        format = serializers.ChoiceField(choices=IMPORT_FORMATS, default="auto")
        overlap = serializers.IntegerField(
            min_value=1,
            max_value=20,
            required=False,
            help_text="Reviewers per article; the project's default when omitted.",
        )
        source = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            default="",
            help_text="Outlet name for every article (overrides what the importer finds).",
        )
        dry_run = serializers.BooleanField(default=False)
        project = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Project.objects.all(),
            required=False,
            help_text="Project slug; the default project when omitted.",
        )

    @extend_schema(
        summary="Import files",
        description=(
            "Runs the import now and answers with the finished batch. Each file is imported "
            "whole or not at all; a bad file is listed in `rejections` with the reason."
        ),
        request={"multipart/form-data": ImportCreateInputSerializer},
        responses={201: ImportBatchDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = self.ImportCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = import_run(
            project=data.get("project") or project_ensure_default(),
            inputs=import_inputs_from_uploads(data["files"]),
            user=request.user,
            fmt=data["format"],
            overlap=data.get("overlap"),
            source_name=data["source"],
            dry_run=data["dry_run"],
            origin="api",
            expected_files=len(data["files"]),
        )
        batch = import_batch_get_with_rejections(batch_id=batch.pk) or batch
        return Response(ImportBatchDetailSerializer(batch).data, status=status.HTTP_201_CREATED)


class ImportCollectionApi(ImportListApi, ImportCreateApi):
    """`/api/imports/`: GET is ImportListApi, POST is ImportCreateApi (one URL, two operations)."""


class ImportDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        summary="One import batch with its rejections", responses=ImportBatchDetailSerializer
    )
    def get(self, request: Request, batch_id: int) -> Response:
        batch = import_batch_get_with_rejections(batch_id=batch_id)
        if batch is None:
            raise Http404
        return Response(ImportBatchDetailSerializer(batch).data)
