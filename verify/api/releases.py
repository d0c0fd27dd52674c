"""API for gold releases, admins only: list and publish, one release, compare two.

Publishing runs inline (a release of the demo corpus takes seconds; see docs/benchmarks.md
for large ones). A release that fails validation answers 422 with every problem; it is
recorded as failed and nothing is published.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.permissions import IsAdmin
from config.ids import id_field
from verify.models import GoldRelease
from verify.selectors import releases as selectors
from verify.services.releases import ReleaseFailed, release_publish


class ReleaseSerializer(serializers.ModelSerializer[GoldRelease]):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GoldRelease
        fields = [
            "id", "name", "version", "state", "created_by", "created_at", "finished_at",
            "filters", "counts", "checksums", "problems", "error",
        ]  # fmt: skip
        read_only_fields = fields


class ReleaseCollectionApi(APIView):
    """GET: releases, newest first. POST: publish one from the adjudicated data."""

    permission_classes = [IsAdmin]
    pagination_class = PageNumberPagination

    class ReleasePublishInputSerializer(serializers.Serializer[None]):
        name = serializers.CharField(max_length=80)
        languages = serializers.ListField(
            child=serializers.RegexField(r"^[a-z]{2,3}$"), required=False, default=list
        )
        since = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(responses=ReleaseSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.release_list(),
            serializer_class=ReleaseSerializer,
            request=request,
            view=self,
        )

    @extend_schema(
        request=ReleasePublishInputSerializer,
        responses={
            201: ReleaseSerializer,
            422: OpenApiResponse(description="Validation failed; the problems are listed."),
        },
    )
    def post(self, request: Request) -> Response:
        given = self.ReleasePublishInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            release = release_publish(user=request.user, **given.validated_data)
        except ReleaseFailed as exc:
            body = {**ReleaseSerializer(exc.release).data, "detail": str(exc)}
            return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class ReleaseDetailApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses=ReleaseSerializer)
    def get(self, request: Request, release_id: int) -> Response:
        release = get_object_or_404(selectors.release_list(), pk=release_id)
        return Response(ReleaseSerializer(release).data)


class ReleaseCompareApi(APIView):
    """Facts added, removed and with a changed verdict or outcome from `old` to `new`."""

    permission_classes = [IsAdmin]

    class ReleaseCompareQuerySerializer(serializers.Serializer[None]):
        old = id_field()
        new = id_field()

    @extend_schema(parameters=[ReleaseCompareQuerySerializer], responses={200: OpenApiResponse()})
    def get(self, request: Request) -> Response:
        given = self.ReleaseCompareQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        old = get_object_or_404(selectors.release_list(), pk=given.validated_data["old"])
        new = get_object_or_404(selectors.release_list(), pk=given.validated_data["new"])
        return Response(selectors.release_compare(old=old, new=new).as_dict())
