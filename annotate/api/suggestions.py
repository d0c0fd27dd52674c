"""API for suggestions: a reviewer's pending ones for a task, and accepting or rejecting them.

Accepting here records the decision (for acceptance rates, and so the suggestion stops
showing for this reviewer); the span itself becomes the reviewer's by being saved with
their annotation draft, like any span they draw. Other reviewers still see the suggestion.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.models import Suggestion, SuggestionDecision
from annotate.selectors.annotations import annotation_for_task
from annotate.selectors.suggestions import suggestion_get_for_reviewer, suggestions_for_page
from annotate.selectors.tasks import task_get
from annotate.services.suggestions import (
    suggestion_decide,
    suggestion_undecide,
    suggestions_decide_many,
)
from config.ids import id_field

MAX_IDS = 1000


class PreAnnotationEntitySerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PreAnnotationSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Unicode code points into the article text.")
    end = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()
    value = serializers.CharField(help_text="A DATE's ISO date or range; empty otherwise.")
    source = serializers.ChoiceField(choices=Suggestion.Source.choices)
    score = serializers.FloatField(allow_null=True)
    entity = PreAnnotationEntitySerializer(allow_null=True, help_text="The known entity matched.")


class SuggestionDecisionSerializer(serializers.Serializer[None]):
    decision = serializers.ChoiceField(choices=SuggestionDecision.Decision.choices)


class TaskSuggestionListApi(APIView):
    @extend_schema(
        summary="Suggestions on a task that you have not decided on yet",
        responses={
            200: PreAnnotationSerializer(many=True),
            404: OpenApiResponse(description="No such task, or you have not started it."),
        },
    )
    def get(self, request: Request, task_id: int) -> Response:
        task = task_get(task_id=task_id)
        if annotation_for_task(task=task, user=request.user) is None:
            raise Http404
        return Response(suggestions_for_page(article=task.article, reviewer=request.user))


class SuggestionDecisionApi(APIView):
    @extend_schema(
        summary="Accept or reject one suggestion (for you only)",
        request=SuggestionDecisionSerializer,
        responses={
            200: SuggestionDecisionSerializer,
            404: OpenApiResponse(description="Not yours to see."),
        },
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = suggestion_get_for_reviewer(suggestion_id=suggestion_id, reviewer=request.user)
        body = SuggestionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = suggestion_decide(
            suggestion=suggestion, reviewer=request.user, decision=body.validated_data["decision"]
        )
        return Response({"decision": row.decision})

    @extend_schema(
        summary="Withdraw your decision (the suggestion shows for you again)",
        request=None,
        responses={204: None, 404: OpenApiResponse(description="Not yours to see.")},
    )
    def delete(self, request: Request, suggestion_id: int) -> Response:
        suggestion = suggestion_get_for_reviewer(suggestion_id=suggestion_id, reviewer=request.user)
        suggestion_undecide(suggestion=suggestion, reviewer=request.user)
        return Response(status=204)


class SuggestionDecisionManyApi(APIView):
    class SuggestionDecisionManyInputSerializer(SuggestionDecisionSerializer):
        ids = serializers.ListField(child=id_field(), allow_empty=False, max_length=MAX_IDS)

    @extend_schema(
        summary="Accept or reject several suggestions at once (accept all of a kind)",
        request=SuggestionDecisionManyInputSerializer,
        responses={200: OpenApiResponse(description='{"decided": n}')},
    )
    def post(self, request: Request) -> Response:
        body = self.SuggestionDecisionManyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = set(body.validated_data["ids"])
        found = [
            suggestion_get_for_reviewer(suggestion_id=i, reviewer=request.user) for i in sorted(ids)
        ]
        n = suggestions_decide_many(
            suggestions=found, reviewer=request.user, decision=body.validated_data["decision"]
        )
        return Response({"decided": n})
