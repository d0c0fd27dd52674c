"""API for a reviewer's own annotations: read, save a draft, submit, skip.

Annotations travel in Label Studio's result shape (see `annotate.results`). A reviewer
reaches only their own: anyone else's id answers 404, exactly like an id that does not
exist. Every write carries the `version` it was based on; a stale one answers 409 with
the server's version, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.models import Annotation
from annotate.selectors.annotations import annotation_get_for_user, annotation_result
from annotate.services.annotations import (
    AnnotationConflict,
    annotation_save_draft,
    annotation_skip,
    annotation_submit,
)
from config.ids import version_field

RESULT_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A Label Studio result. Spans: type `labels` with `id` and `value.start`, "
        "`value.end` (Unicode code points into the article text), `value.text` (must equal "
        "the text at those offsets) and `value.labels` (one label of the project; a label of "
        "kind claim makes the span a claim). Per-region extras with the span's `id`: type "
        "`textarea` with `from_name` `normalised` (a mention's normalised value) or "
        "`statement` (a claim's one-line statement), `value.text: [line]`; type `choices` "
        'with `from_name` `attribution`, `value.choices: ["outlet"]` (the claim is the '
        "outlet's own). Claim parts: type `relation` from the claim's id to a mention's id, "
        "`labels: [role]`, role one of subject, object, time, place, attributed_to."
    ),
    "properties": {
        "id": {"type": "string", "maxLength": 64},
        "type": {"type": "string", "enum": ["labels", "textarea", "choices", "relation"]},
        "from_name": {"type": "string"},
        "to_name": {"type": "string"},
        "value": {"type": "object", "additionalProperties": True},
        "from_id": {"type": "string"},
        "to_id": {"type": "string"},
        "labels": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type"],
    "additionalProperties": True,
}


@extend_schema_field({"type": "array", "items": RESULT_ITEM_SCHEMA})
class ResultField(serializers.JSONField):
    """Validated by `annotate.results`, which names the failing field (`result[3].value.start`)."""


class AnnotationStateSerializer(serializers.Serializer[Annotation]):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    state = serializers.ChoiceField(choices=Annotation.State.choices)
    version = serializers.IntegerField()
    skip_reason = serializers.CharField()
    time_spent_seconds = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class AnnotationOutputSerializer(AnnotationStateSerializer):
    result = ResultField(help_text="The annotation in Label Studio's result shape.")


class ConflictSerializer(serializers.Serializer[None]):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["stale_version", "final"])
    version = serializers.IntegerField(help_text="The version on the server.")
    state = serializers.ChoiceField(choices=Annotation.State.choices)


def annotation_with_result(
    annotation: Annotation, *, label_names: dict[int, str] | None = None
) -> dict[str, Any]:
    """The annotation's fields and its Label Studio result, for AnnotationOutputSerializer."""
    result = annotation_result(annotation=annotation, label_names=label_names)
    return {**_fields(annotation), "result": result}


def annotation_output(annotation: Annotation) -> dict[str, Any]:
    return AnnotationOutputSerializer(annotation_with_result(annotation)).data


def _fields(annotation: Annotation) -> dict[str, Any]:
    return {
        "id": annotation.pk,
        "task_id": annotation.task_id,
        "state": annotation.state,
        "version": annotation.version,
        "skip_reason": annotation.skip_reason,
        "time_spent_seconds": annotation.time_spent_seconds,
        "updated_at": annotation.updated_at,
        "submitted_at": annotation.submitted_at,
    }


class _AnnotationWriteApi(APIView):
    """Maps `AnnotationConflict` to 409 with what the client needs to offer reload/overwrite."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, AnnotationConflict):
            body = {
                "detail": exc.message,
                "code": exc.code,
                "version": exc.annotation.version,
                "state": exc.annotation.state,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)


_WRITE_RESPONSES = {
    200: AnnotationStateSerializer,
    400: OpenApiResponse(
        description="Invalid payload; keys name the fields, e.g. `result[3].value.start`."
    ),
    404: OpenApiResponse(description="No such annotation of yours."),
    409: ConflictSerializer,
}


class AnnotationDetailApi(APIView):
    @extend_schema(
        summary="One of your annotations, in Label Studio's result shape",
        responses={
            200: AnnotationOutputSerializer,
            404: OpenApiResponse(description="No such annotation of yours."),
        },
    )
    def get(self, request: Request, annotation_id: int) -> Response:
        annotation = annotation_get_for_user(annotation_id=annotation_id, user=request.user)
        return Response(annotation_output(annotation))


class AnnotationDraftApi(_AnnotationWriteApi):
    class DraftInputSerializer(serializers.Serializer[None]):
        version = version_field(help_text="The version this draft is based on.")
        result = ResultField()
        time_spent_seconds = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(
        summary="Save a draft of your annotation",
        description="Answers the new version; the result is not echoed back (saves stay small).",
        request=DraftInputSerializer,
        responses=_WRITE_RESPONSES,
    )
    def put(self, request: Request, annotation_id: int) -> Response:
        annotation = annotation_get_for_user(annotation_id=annotation_id, user=request.user)
        serializer = self.DraftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        annotation_save_draft(
            annotation=annotation,
            version=data["version"],
            result=data["result"],
            time_spent_seconds=data.get("time_spent_seconds"),
        )
        return Response(AnnotationStateSerializer(_fields(annotation)).data)


class AnnotationSubmitApi(_AnnotationWriteApi):
    class SubmitInputSerializer(serializers.Serializer[None]):
        version = version_field()
        result = ResultField(required=False, help_text="Saved first when given.")
        time_spent_seconds = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(
        summary="Submit your annotation: final for you",
        request=SubmitInputSerializer,
        responses=_WRITE_RESPONSES,
    )
    def post(self, request: Request, annotation_id: int) -> Response:
        annotation = annotation_get_for_user(annotation_id=annotation_id, user=request.user)
        serializer = self.SubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        annotation_submit(
            annotation=annotation,
            version=data["version"],
            result=data.get("result"),
            time_spent_seconds=data.get("time_spent_seconds"),
        )
        return Response(AnnotationStateSerializer(_fields(annotation)).data)


class AnnotationSkipApi(_AnnotationWriteApi):
    class SkipInputSerializer(serializers.Serializer[None]):
        version = version_field()
        reason = serializers.CharField(max_length=500, help_text="Why you skip this task.")
        time_spent_seconds = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(
        summary="Skip the task, with a reason",
        request=SkipInputSerializer,
        responses=_WRITE_RESPONSES,
    )
    def post(self, request: Request, annotation_id: int) -> Response:
        annotation = annotation_get_for_user(annotation_id=annotation_id, user=request.user)
        serializer = self.SkipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        annotation_skip(
            annotation=annotation,
            version=data["version"],
            reason=data["reason"],
            time_spent_seconds=data.get("time_spent_seconds"),
        )
        return Response(AnnotationStateSerializer(_fields(annotation)).data)
