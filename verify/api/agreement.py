"""API for agreement figures, admins only: the dashboard as JSON, tasks lowest first, and
one task's cached figures and conflict items."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.permissions import IsAdmin
from verify.models import TaskAgreement
from verify.selectors import adjudication as selectors
from verify.services.agreement import agreement_load


class AgreementDashboardApi(APIView):
    """Progress (tasks by state, per reviewer) and agreement by label and reviewer pair."""

    permission_classes = [IsAdmin]

    @extend_schema(responses={200: OpenApiResponse(description="The dashboard's figures.")})
    def get(self, request: Request) -> Response:
        return Response(selectors.dashboard_get().as_dict())


class TaskAgreementRowSerializer(serializers.Serializer[dict[str, Any]]):
    task = serializers.IntegerField(source="task_id")
    title = serializers.CharField(source="task__article__title")
    state = serializers.CharField(source="task__state")
    reviewers = serializers.ListField(child=serializers.CharField())
    summary = serializers.FloatField(allow_null=True)
    conflict_count = serializers.IntegerField()


class AgreementTaskListApi(APIView):
    """Compared tasks, lowest agreement first."""

    permission_classes = [IsAdmin]
    pagination_class = PageNumberPagination

    @extend_schema(responses=TaskAgreementRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=selectors.tasks_by_agreement(),
            serializer_class=TaskAgreementRowSerializer,
            request=request,
            view=self,
        )


class AgreementTaskDetailApi(APIView):
    """Every figure of one task (`verify.agreement.Agreement.as_dict()`) and its conflicts."""

    permission_classes = [IsAdmin]

    @extend_schema(responses={200: OpenApiResponse(description="Figures and conflicts.")})
    def get(self, request: Request, task_id: int) -> Response:
        row = get_object_or_404(TaskAgreement, task_id=task_id)
        return Response(
            {
                "task": task_id,
                "computed_at": row.computed_at,
                "figures": agreement_load(row.figures, task_id=task_id).as_dict(),
                "conflicts": [
                    {"id": item_id, "kind": kind, "start": start, "end": end}
                    for item_id, kind, start, end in row.conflicts
                ],
            }
        )
