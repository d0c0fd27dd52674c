"""API for canonical entities: search (ranked across scripts), list, read, create, add an alias;
merge, split and merge suggestions for admins. One class per operation; services do the work."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.permissions import IsAdmin
from config.ids import id_field
from verify.models import Alias, Entity, EntityChange
from verify.selectors import entities as selectors
from verify.services import entities as services

SEARCH_LIMIT_MAX = 100


class AliasSerializer(serializers.ModelSerializer[Alias]):
    class Meta:
        model = Alias
        fields = ["id", "text", "language", "script", "key"]
        read_only_fields = fields


class EntitySerializer(serializers.ModelSerializer[Entity]):
    class Meta:
        model = Entity
        fields = ["id", "type", "preferred_name", "wikidata_qid", "merged_into", "created_at"]
        read_only_fields = fields


class EntityListItemSerializer(EntitySerializer):
    alias_count = serializers.IntegerField(read_only=True)

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "alias_count"]
        read_only_fields = fields


class EntityDetailSerializer(EntitySerializer):
    aliases = AliasSerializer(many=True, read_only=True)

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "aliases"]
        read_only_fields = fields


class CandidateSerializer(serializers.Serializer[selectors.EntityCandidate]):
    entity = EntitySerializer(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="0 to 1; 1 is the same key.")
    alias = serializers.CharField(read_only=True, help_text="The alias that matched best.")


class ChangeSerializer(serializers.ModelSerializer[EntityChange]):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EntityChange
        fields = [
            "id",
            "kind",
            "entity",
            "other",
            "user",
            "created_at",
            "rationale",
            "before",
            "after",
        ]
        read_only_fields = fields


class MergeSuggestionSerializer(serializers.Serializer[selectors.MergeSuggestion]):
    first = EntitySerializer(read_only=True)
    second = EntitySerializer(read_only=True)
    score = serializers.FloatField(read_only=True)
    first_alias = serializers.CharField(read_only=True)
    second_alias = serializers.CharField(read_only=True)


class AliasInputSerializer(serializers.Serializer[None]):
    text = serializers.CharField(max_length=300)
    language = serializers.RegexField(r"^[a-z]{2,3}$", required=False, default="", allow_blank=True)


class EntityCollectionApi(APIView):
    """GET: search or list entities. POST: create one (any reviewer)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # read by the schema generator

    class EntityFilterSerializer(serializers.Serializer[None]):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=300,
            help_text="A name in any script or spelling; results are ranked by match.",
        )
        type = serializers.RegexField(
            r"^[A-Z][A-Z0-9_]*$", required=False, allow_blank=True, help_text="PER, ORG, LOC…"
        )
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=SEARCH_LIMIT_MAX, default=20,
            help_text="How many ranked matches (with q).",
        )  # fmt: skip

    class EntityCreateInputSerializer(serializers.Serializer[None]):
        type = serializers.RegexField(r"^[A-Z][A-Z0-9_]*$", help_text="A label name: PER, ORG…")
        preferred_name = serializers.CharField(max_length=300)
        language = serializers.RegexField(
            r"^[a-z]{2,3}$", required=False, default="", allow_blank=True
        )
        wikidata_qid = serializers.CharField(
            max_length=20, required=False, default="", allow_blank=True
        )
        aliases = AliasInputSerializer(many=True, required=False, default=list)

    @extend_schema(
        operation_id="entities_search",
        summary="Search or list entities",
        description=(
            "With `q`, active entities ranked by how well an alias matches the name across "
            "scripts and spellings (`Абу Касра` finds `مرهف أبو قصرة`), each with its score "
            "and the alias that matched. Without `q`, all active entities by name, paginated."
        ),
        parameters=[EntityFilterSerializer],
        responses={
            200: inline_serializer(
                "EntitySearchPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    # Ranked candidates with `q`, plain entities without it.
                    "results": PolymorphicProxySerializer(
                        component_name="EntitySearchResult",
                        serializers=[CandidateSerializer, EntityListItemSerializer],
                        resource_type_field_name=None,
                        many=True,
                    ),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.EntityFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        q, type_ = data.get("q", "").strip(), data.get("type") or None
        if not q:
            return paginated_response(
                queryset=selectors.entity_list(type=type_),
                serializer_class=EntityListItemSerializer,
                request=request,
                view=self,
            )
        found = selectors.entity_candidates(text=q, type=type_, limit=data["limit"])
        results = CandidateSerializer(found, many=True).data
        return Response({"count": len(found), "next": None, "previous": None, "results": results})

    @extend_schema(
        summary="Create an entity",
        description="The preferred name becomes the first alias; `aliases` adds more.",
        request=EntityCreateInputSerializer,
        responses={201: EntityDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        body = self.EntityCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        aliases = [(a["text"], a.get("language", "")) for a in data.pop("aliases")]
        entity = services.entity_create(user=request.user, aliases=aliases, **data)
        return Response(_detail(entity.pk), status=status.HTTP_201_CREATED)


class EntityDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="entities_detail",
        summary="One entity with its aliases",
        responses=EntityDetailSerializer,
    )
    def get(self, request: Request, entity_id: int) -> Response:
        return Response(_detail(entity_id))


class EntityAliasCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Add an alias to an entity",
        description="Idempotent: an alias the entity already has is returned as it is.",
        request=AliasInputSerializer,
        responses={201: AliasSerializer},
    )
    def post(self, request: Request, entity_id: int) -> Response:
        entity = get_object_or_404(Entity, pk=entity_id)
        body = AliasInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alias = services.entity_add_alias(entity=entity, user=request.user, **body.validated_data)
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)


class EntityMergeApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    class MergeInputSerializer(serializers.Serializer[None]):
        keep = serializers.PrimaryKeyRelatedField(
            queryset=Entity.objects.all(), pk_field=id_field()
        )
        merge = serializers.PrimaryKeyRelatedField(
            queryset=Entity.objects.all(), pk_field=id_field()
        )
        rationale = serializers.CharField(max_length=2000)

    @extend_schema(
        summary="Merge one entity into another (admins)",
        description="`merge`'s aliases move to `keep`; `merge` then points to `keep`.",
        request=MergeInputSerializer,
        responses={200: ChangeSerializer},
    )
    def post(self, request: Request) -> Response:
        body = self.MergeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.entity_merge(user=request.user, **body.validated_data)
        return Response(ChangeSerializer(change).data)


class EntitySplitApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    class SplitInputSerializer(serializers.Serializer[None]):
        aliases = serializers.ListField(child=id_field(), allow_empty=False)
        preferred_name = serializers.CharField(
            max_length=300, required=False, default="", allow_blank=True
        )
        rationale = serializers.CharField(max_length=2000)

    @extend_schema(
        summary="Split aliases off into a new entity (admins)",
        request=SplitInputSerializer,
        responses={
            201: ChangeSerializer,
            400: OpenApiResponse(description="Not this entity's aliases."),
        },
    )
    def post(self, request: Request, entity_id: int) -> Response:
        entity = get_object_or_404(Entity, pk=entity_id)
        body = self.SplitInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        aliases = list(Alias.objects.filter(pk__in=data["aliases"]))
        if len(aliases) != len(set(data["aliases"])):
            raise serializers.ValidationError({"aliases": ["Some of these aliases do not exist."]})
        change = services.entity_split(
            entity=entity,
            aliases=aliases,
            user=request.user,
            rationale=data["rationale"],
            preferred_name=data["preferred_name"],
        )
        return Response(ChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class EntitySuggestionListApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    class SuggestionFilterSerializer(serializers.Serializer[None]):
        type = serializers.RegexField(r"^[A-Z][A-Z0-9_]*$", required=False, allow_blank=True)
        min_score = serializers.FloatField(required=False, min_value=0, max_value=1, default=0.85)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)

    @extend_schema(
        summary="Merge suggestions (admins)",
        description="Pairs of entities of one type whose aliases match, best first.",
        parameters=[SuggestionFilterSerializer],
        responses=MergeSuggestionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.SuggestionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        found = selectors.entity_merge_suggestions(
            type=data.get("type") or None, min_score=data["min_score"], limit=data["limit"]
        )
        return Response(MergeSuggestionSerializer(found, many=True).data)


def _detail(entity_id: int) -> dict[str, Any]:
    entity = selectors.entity_get(entity_id=entity_id)
    if entity is None:
        raise Http404
    return dict(EntityDetailSerializer(entity).data)
