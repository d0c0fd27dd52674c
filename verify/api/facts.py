"""API for canonical facts: list (the board), create, read (with the evidence the caller may
see), edit, and ranked candidate facts for a claim. One class per operation; services and
selectors do the work.

Blind annotation: evidence spans of other reviewers are left out for reviewers until their
task is adjudicated (`hidden_evidence` says how many); admins see all.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.permissions import user_is_admin
from config.ids import id_field
from verify.models import Entity, Fact
from verify.selectors import fact_candidates as candidates
from verify.selectors import facts as selectors
from verify.services import facts as services

CANDIDATES_MAX = 50


class EntityRefSerializer(serializers.ModelSerializer[Entity]):
    class Meta:
        model = Entity
        fields = ["id", "type", "preferred_name"]
        read_only_fields = fields


class FactSerializer(serializers.ModelSerializer[Fact]):
    subject = EntityRefSerializer(read_only=True, allow_null=True)
    object = EntityRefSerializer(read_only=True, allow_null=True)
    place = EntityRefSerializer(read_only=True, allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Fact
        fields = [
            "id",
            "statement",
            "subject",
            "predicate",
            "object",
            "place",
            "time_start",
            "time_end",
            "time_text",
            "verdict",
            "verdict_basis",
            "supporting_origins",
            "refuting_origins",
            "languages",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OriginRefSerializer(serializers.Serializer[selectors.OriginRef]):
    key = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EvidenceSerializer(serializers.Serializer[selectors.EvidenceRow]):
    ref = serializers.CharField(source="item.ref", read_only=True)
    article = serializers.IntegerField(source="item.article.pk", read_only=True)
    outlet = serializers.CharField(source="item.article.source.name", default="", read_only=True)
    published_on = serializers.DateField(source="item.article.published_on", read_only=True)
    languages = serializers.ListField(
        source="item.article.languages", child=serializers.CharField(), read_only=True
    )
    start = serializers.IntegerField(source="item.start", read_only=True)
    end = serializers.IntegerField(source="item.end", read_only=True)
    text = serializers.CharField(source="item.text", read_only=True)
    before = serializers.CharField(read_only=True)
    after = serializers.CharField(read_only=True)
    stance = serializers.CharField(source="item.stance", read_only=True)
    adjudicated = serializers.BooleanField(source="item.adjudicated", read_only=True)
    origin = OriginRefSerializer(source="item.origin", read_only=True)


class VerdictOriginSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    articles = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    outlets = serializers.ListField(child=serializers.CharField(), read_only=True)


class ExplanationSerializer(serializers.Serializer[dict[str, Any]]):
    summary = serializers.CharField(read_only=True)
    supporting = VerdictOriginSerializer(many=True, read_only=True)
    refuting = VerdictOriginSerializer(many=True, read_only=True)


class FactDetailSerializer(FactSerializer):
    explanation = ExplanationSerializer(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    hidden_evidence = serializers.IntegerField(
        read_only=True, help_text="Evidence of other reviewers, hidden until adjudication."
    )

    class Meta(FactSerializer.Meta):
        fields = [*FactSerializer.Meta.fields, "explanation", "evidence", "hidden_evidence"]
        read_only_fields = fields


class FactCandidateSerializer(serializers.Serializer[candidates.FactCandidate]):
    fact = FactSerializer(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="For ranking only; not a probability.")
    similarity = serializers.FloatField(read_only=True)
    shared_entities = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    date = serializers.ChoiceField(choices=["compatible", "conflicting", "unknown"], read_only=True)


class FactInputSerializer(serializers.Serializer[None]):
    statement = serializers.CharField(max_length=500)
    predicate = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Entity.objects.all(),
        pk_field=id_field(),
        required=False,
        allow_null=True,
        default=None,
    )
    object = serializers.PrimaryKeyRelatedField(
        queryset=Entity.objects.all(),
        pk_field=id_field(),
        required=False,
        allow_null=True,
        default=None,
    )
    place = serializers.PrimaryKeyRelatedField(
        queryset=Entity.objects.all(),
        pk_field=id_field(),
        required=False,
        allow_null=True,
        default=None,
    )
    time_start = serializers.DateField(required=False, allow_null=True, default=None)
    time_end = serializers.DateField(required=False, allow_null=True, default=None)
    time_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _detail(fact: Fact, request: Request) -> dict[str, Any]:
    rows, hidden = selectors.fact_evidence_for_user(fact=fact, user=request.user)
    fact.evidence = rows  # type: ignore[attr-defined]
    fact.hidden_evidence = hidden  # type: ignore[attr-defined]
    fact.explanation = fact.verdict_explanation or {  # type: ignore[attr-defined]
        "summary": "No evidence yet.",
        "supporting": [],
        "refuting": [],
    }
    return dict(FactDetailSerializer(fact).data)


class FactCollectionApi(APIView):
    """GET: the facts board. POST: create a fact (any reviewer)."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination  # read by the schema generator

    class FilterSerializer(serializers.Serializer[None]):
        entity = serializers.PrimaryKeyRelatedField(
            queryset=Entity.objects.all(),
            pk_field=id_field(),
            required=False,
            help_text="Subject, object or place.",
        )
        verdict = serializers.ChoiceField(choices=Fact.Verdict.choices, required=False)
        date_from = serializers.DateField(
            required=False, help_text="Facts whose time ends on or after."
        )
        date_to = serializers.DateField(
            required=False, help_text="Facts whose time starts on or before."
        )

    @extend_schema(
        operation_id="facts_list",
        summary="The facts board",
        description="Every fact with its verdict, counts of supporting and refuting origins and "
        "languages, newest first, paginated; filter by entity, verdict and time.",
        parameters=[FilterSerializer],
        responses=FactSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            queryset=selectors.fact_list(**filters.validated_data),
            serializer_class=FactSerializer,
            request=request,
            view=self,
        )

    class FactCreateInputSerializer(FactInputSerializer):
        claim_text = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default="",
            help_text="The claim the fact is made from, in its own language: it is embedded "
            "with the statement so other claims in that language find the fact.",
        )  # fmt: skip

    @extend_schema(
        operation_id="facts_create",
        summary="Create a fact",
        request=FactCreateInputSerializer,
        responses={201: FactDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        body = self.FactCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fact = services.fact_create(user=request.user, **body.validated_data)
        return Response(_detail(fact, request), status=status.HTTP_201_CREATED)


class FactDetailApi(APIView):
    """GET: one fact with its explanation and the evidence the caller may see. PATCH: edit."""

    permission_classes = [IsAuthenticated]

    class FactUpdateInputSerializer(FactInputSerializer):
        statement = serializers.CharField(max_length=500, required=False)

    @extend_schema(operation_id="facts_detail", summary="One fact", responses=FactDetailSerializer)
    def get(self, request: Request, fact_id: int) -> Response:
        return Response(_detail(get_object_or_404(Fact, pk=fact_id), request))

    @extend_schema(
        operation_id="facts_update",
        summary="Edit a fact (its creator or an admin)",
        request=FactUpdateInputSerializer,
        responses=FactDetailSerializer,
    )
    def patch(self, request: Request, fact_id: int) -> Response:
        fact = get_object_or_404(Fact, pk=fact_id)
        if not (user_is_admin(request.user) or fact.created_by_id == request.user.pk):
            self.permission_denied(request, message="Only its creator or an admin edits a fact.")
        body = self.FactUpdateInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fact = services.fact_update(fact=fact, user=request.user, **body.validated_data)
        return Response(_detail(fact, request))


class FactCandidatesApi(APIView):
    """POST: existing facts a claim may be evidence for, ranked across languages."""

    permission_classes = [IsAuthenticated]

    class FactCandidatesInputSerializer(serializers.Serializer[None]):
        text = serializers.CharField(max_length=2000, help_text="The claim's text as written.")
        statement = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )
        entity_ids = serializers.ListField(
            child=id_field(), required=False, default=list,
            max_length=50, help_text="Canonical entities the claim's parts are linked to.",
        )  # fmt: skip
        date_start = serializers.DateField(required=False, allow_null=True, default=None)
        date_end = serializers.DateField(required=False, allow_null=True, default=None)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=CANDIDATES_MAX, default=10
        )

    @extend_schema(
        operation_id="facts_candidates",
        summary="Candidate facts for a claim",
        description="Ranked by multilingual sentence similarity, shared canonical entities and "
        "compatible dates; a ranking, not a yes/no (the scores bunch together).",
        request=FactCandidatesInputSerializer,
        responses=FactCandidateSerializer(many=True),
    )
    def post(self, request: Request) -> Response:
        body = self.FactCandidatesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        context = candidates.ClaimContext(
            text=data["text"],
            statement=data["statement"],
            entity_ids=tuple(data["entity_ids"]),
            date_start=data["date_start"],
            date_end=data["date_end"],
        )
        found = candidates.fact_candidates(claim=context, limit=data["limit"])
        return Response(FactCandidateSerializer(found, many=True).data)
