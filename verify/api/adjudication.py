"""API for adjudication, admins only: the queue, one task's conflicts and gold layer, saving
decisions (409 on a stale version), and gold outcomes for disputed facts."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.permissions import IsAdmin
from config.ids import version_field
from verify.models import Adjudication, Fact, FactAdjudication
from verify.selectors import adjudication as selectors
from verify.services.adjudication import (
    AdjudicationConflict,
    DecisionInput,
    adjudication_save,
    fact_adjudicate,
)


class AdjudicationQueueItemSerializer(serializers.ModelSerializer[Adjudication]):
    title = serializers.CharField(source="task.article.title", read_only=True)
    summary = serializers.FloatField(
        source="task.agreement.summary", read_only=True, allow_null=True
    )

    class Meta:
        model = Adjudication
        fields = ["task", "title", "state", "conflict_count", "summary", "version", "updated_at"]
        read_only_fields = fields


class AdjudicationQueueApi(APIView):
    """Tasks waiting for an admin, most conflicted first."""

    permission_classes = [IsAdmin]
    pagination_class = PageNumberPagination

    @extend_schema(responses=AdjudicationQueueItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.adjudication_queue(),
            serializer_class=AdjudicationQueueItemSerializer,
            request=request,
            view=self,
        )


class AdjudicationDetailApi(APIView):
    """Reviewers, units with their conflict items, decisions in force, history, gold layer."""

    permission_classes = [IsAdmin]

    @extend_schema(responses={200: OpenApiResponse(description="The adjudication as JSON.")})
    def get(self, request: Request, task_id: int) -> Response:
        adjudication = selectors.adjudication_get(task_id=task_id)
        return Response(selectors.adjudication_detail(adjudication=adjudication))


class DecisionSerializer(serializers.Serializer[None]):
    item = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")
    action = serializers.ChoiceField(choices=["accept", "merge", "edit", "reject", "add"])
    reviewer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    value = serializers.DictField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AdjudicationSaveApi(APIView):
    """Append decisions, rebuild the gold layer; `complete` finishes the task. 409 when
    another admin saved since `version`: nothing is written."""

    permission_classes = [IsAdmin]

    class AdjudicationSaveInputSerializer(serializers.Serializer[None]):
        version = version_field()
        decisions = DecisionSerializer(many=True, required=False, default=list)
        complete = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=AdjudicationSaveInputSerializer,
        responses={
            200: OpenApiResponse(description="The adjudication after the save."),
            409: OpenApiResponse(description="Another admin saved first."),
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        adjudication = selectors.adjudication_get(task_id=task_id)
        given = self.AdjudicationSaveInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data: dict[str, Any] = given.validated_data
        try:
            adjudication = adjudication_save(
                adjudication=adjudication,
                admin=request.user,
                version=data["version"],
                decisions=[DecisionInput(**d) for d in data["decisions"]],
                complete=data["complete"],
            )
        except AdjudicationConflict as e:
            return Response(
                {"detail": e.message, "code": "stale_version", "version": e.adjudication.version},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(selectors.adjudication_detail(adjudication=adjudication))


class FactAdjudicationSerializer(serializers.ModelSerializer[FactAdjudication]):
    admin = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FactAdjudication
        fields = [
            "id", "fact", "outcome", "upheld_stance", "valid_from", "valid_until",
            "split_fact", "computed_verdict", "rationale", "admin", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class FactAdjudicationApi(APIView):
    """GET: the fact's gold outcomes, newest (in force) first, beside its computed verdict.
    POST: record a new outcome."""

    permission_classes = [IsAdmin]

    class FactAdjudicationInputSerializer(serializers.Serializer[None]):
        outcome = serializers.ChoiceField(choices=FactAdjudication.Outcome.choices)
        rationale = serializers.CharField(max_length=4000)
        upheld_stance = serializers.CharField(required=False, allow_blank=True, default="")
        valid_from = serializers.DateField(required=False, allow_null=True, default=None)
        valid_until = serializers.DateField(required=False, allow_null=True, default=None)
        split_statement = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )

    def _body(self, fact: Fact) -> dict[str, Any]:
        history = selectors.fact_adjudication_history(fact=fact)
        return {
            "fact": fact.pk,
            "statement": fact.statement,
            "computed_verdict": fact.verdict,
            "adjudications": FactAdjudicationSerializer(history, many=True).data,
        }

    @extend_schema(responses={200: OpenApiResponse(description="Outcomes and verdict.")})
    def get(self, request: Request, fact_id: int) -> Response:
        return Response(self._body(get_object_or_404(Fact, pk=fact_id)))

    @extend_schema(
        request=FactAdjudicationInputSerializer,
        responses={201: OpenApiResponse(description="Recorded.")},
    )
    def post(self, request: Request, fact_id: int) -> Response:
        fact = get_object_or_404(Fact, pk=fact_id)
        given = self.FactAdjudicationInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fact_adjudicate(fact=fact, admin=request.user, **given.validated_data)
        return Response(self._body(fact), status=status.HTTP_201_CREATED)
