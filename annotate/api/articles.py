"""API for articles: the filtered list and one article with its text and metadata."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.api.serializers import ArticleDetailSerializer, ArticleListItemSerializer
from annotate.models import Task
from annotate.permissions import IsAdmin
from annotate.selectors.articles import ArticleFilters, article_get, article_list
from config.ids import id_field


class ArticleListApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    pagination_class = PageNumberPagination  # read by the schema generator

    class FilterSerializer(serializers.Serializer[None]):
        q = serializers.CharField(
            required=False, allow_blank=True, max_length=200, help_text="Title contains."
        )
        source = id_field(required=False, help_text="Source id.")
        language = serializers.RegexField(
            r"^[a-z]{2,8}$", required=False, allow_blank=True, help_text="e.g. ar, ru, en."
        )
        state = serializers.ChoiceField(
            choices=Task.State.choices, required=False, allow_blank=True, help_text="Task state."
        )
        batch = id_field(required=False, help_text="Import id.")

    @extend_schema(
        summary="List articles",
        parameters=[FilterSerializer],
        responses=ArticleListItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return paginated_response(
            queryset=article_list(
                filters=ArticleFilters(
                    source=data.get("source"),
                    language=data.get("language", ""),
                    state=data.get("state", ""),
                    q=data.get("q", "").strip(),
                    batch=data.get("batch"),
                )
            ),
            serializer_class=ArticleListItemSerializer,
            request=request,
            view=self,
        )


class ArticleDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        summary="One article: text, raw text, metadata and task",
        responses=ArticleDetailSerializer,
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get(article_id=article_id)
        if article is None:
            raise Http404
        return Response(ArticleDetailSerializer(article).data)
