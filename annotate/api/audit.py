"""API for the audit history (admins): events newest first, filtered, paginated."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.pagination import paginated_response
from annotate.models import AuditEvent
from annotate.permissions import IsAdmin
from annotate.selectors.audit import (
    AUDIT_ACTIONS,
    AUDIT_OBJECT_TYPES,
    AuditFilters,
    audit_event_list,
)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who made the change; null for the system (automatic acceptance, verdicts).",
    )
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    before = serializers.JSONField(
        read_only=True, allow_null=True, help_text="What the change touched, before it."
    )
    after = serializers.JSONField(
        read_only=True, allow_null=True, help_text="What the change touched, after it."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "actor", "action", "object_type", "object_id", "object_label",
            "other_type", "other_id", "project", "before", "after",
        ]  # fmt: skip
        read_only_fields = fields


class AuditEventListApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    pagination_class = PageNumberPagination  # read by the schema generator

    class AuditFilterSerializer(serializers.Serializer[None]):
        action = serializers.ChoiceField(choices=AUDIT_ACTIONS, required=False, allow_blank=True)
        object_type = serializers.ChoiceField(
            choices=AUDIT_OBJECT_TYPES, required=False, allow_blank=True
        )
        object_id = serializers.RegexField(
            r"^[0-9]{1,18}$",
            required=False,
            allow_blank=True,
            help_text="With object_type: the object's events, including merges and splits "
            "it took part in as the other entity.",
        )
        actor = serializers.CharField(
            required=False, allow_blank=True, max_length=150, help_text="A username."
        )
        since = serializers.DateField(required=False, help_text="From this day (UTC).")
        until = serializers.DateField(required=False, help_text="To this day, included (UTC).")

    @extend_schema(
        operation_id="audit_list",
        summary="The audit history",
        description=(
            "Every change to annotations, adjudications, entities and facts, newest first: "
            "who, when, and the values the change touched before and after it."
        ),
        parameters=[AuditFilterSerializer],
        responses=AuditEventSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        given = self.AuditFilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        filters = AuditFilters(
            action=data.get("action", ""),
            object_type=data.get("object_type", ""),
            object_id=data.get("object_id", ""),
            actor=data.get("actor", "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )
        return paginated_response(
            queryset=audit_event_list(filters=filters),
            serializer_class=AuditEventSerializer,
            request=request,
            view=self,
        )
