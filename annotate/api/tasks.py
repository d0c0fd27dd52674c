"""API for a reviewer's tasks: the queue, the next task, one task, starting a task."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotate.api.annotations import (
    AnnotationOutputSerializer,
    AnnotationStateSerializer,
    annotation_with_result,
)
from annotate.models import Annotation, LabelType, Task
from annotate.selectors.annotations import annotation_for_task
from annotate.selectors.tasks import task_get, task_label_types, task_queue_for_reviewer
from annotate.services.tasks import task_next_for_reviewer, task_start_for_reviewer


class TaskSourceSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    domain = serializers.CharField()


class TaskArticleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    languages = serializers.ListField(child=serializers.CharField())
    source = TaskSourceSerializer(allow_null=True)
    text = serializers.CharField(help_text="Offsets are Unicode code points into this text.")


class LabelTypeSerializer(serializers.Serializer[LabelType]):
    name = serializers.CharField()
    hotkey = serializers.CharField()
    color = serializers.CharField()
    kind = serializers.ChoiceField(choices=LabelType.Kind.choices)
    description = serializers.CharField()


class TaskOutputSerializer(serializers.Serializer[Task]):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Task.State.choices)
    required_overlap = serializers.IntegerField()
    article = TaskArticleSerializer()
    labels = LabelTypeSerializer(many=True)
    annotation = AnnotationOutputSerializer(
        allow_null=True, help_text="Yours; null if not started."
    )


def task_output(task: Task, annotation: Annotation | None) -> dict[str, Any]:
    labels = task_label_types(task=task)
    names = {lt.pk: lt.name for lt in labels}
    return TaskOutputSerializer(
        {
            "id": task.pk,
            "state": task.state,
            "required_overlap": task.required_overlap,
            "article": task.article,
            "labels": labels,
            "annotation": annotation_with_result(annotation, label_names=names)
            if annotation
            else None,
        }
    ).data


class ProgressSerializer(serializers.Serializer[Any]):
    submitted = serializers.IntegerField()
    skipped = serializers.IntegerField()
    drafts = serializers.IntegerField()
    available = serializers.IntegerField(help_text="Tasks you could take now.")
    total = serializers.IntegerField(help_text="submitted + skipped + drafts + available")
    remaining = serializers.IntegerField(help_text="drafts + available")


class TaskQueueItemSerializer(serializers.Serializer[Annotation]):
    task = serializers.IntegerField(source="task_id")
    title = serializers.CharField(source="task.article.title")
    annotation = AnnotationStateSerializer(source="*")


class QueueApi(APIView):
    class TaskQueueSerializer(serializers.Serializer[Any]):
        progress = ProgressSerializer()
        drafts = TaskQueueItemSerializer(many=True)
        recent = TaskQueueItemSerializer(many=True, help_text="Your latest submitted or skipped.")

    @extend_schema(
        summary="Your queue: progress, drafts to finish, latest finished work",
        operation_id="tasks_queue",
        responses=TaskQueueSerializer,
    )
    def get(self, request: Request) -> Response:
        queue = task_queue_for_reviewer(reviewer=request.user)
        return Response(self.TaskQueueSerializer(queue).data)


class TaskNextApi(APIView):
    @extend_schema(
        summary="Take the next task that needs you",
        description=(
            "Your own draft first, then tasks closest to their required number of reviewers. "
            "Takes a lock for you that expires after the project's idle timeout."
        ),
        request=None,
        responses={
            200: TaskOutputSerializer,
            204: OpenApiResponse(description="Nothing left for you."),
        },
    )
    def post(self, request: Request) -> Response:
        annotation = task_next_for_reviewer(reviewer=request.user)
        if annotation is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        task = task_get(task_id=annotation.task_id)
        return Response(task_output(task, annotation))


class TaskDetailApi(APIView):
    @extend_schema(
        summary="One task: the article, its labels and your annotation",
        responses={200: TaskOutputSerializer, 404: OpenApiResponse(description="No such task.")},
    )
    def get(self, request: Request, task_id: int) -> Response:
        task = task_get(task_id=task_id)
        return Response(task_output(task, annotation_for_task(task=task, user=request.user)))


class TaskStartApi(APIView):
    @extend_schema(
        summary="Start (or resume) a task: takes your lock and your draft",
        request=None,
        responses={
            200: TaskOutputSerializer,
            400: OpenApiResponse(description="The task has all the reviewers it needs."),
            404: OpenApiResponse(description="No such task."),
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        task = task_get(task_id=task_id)
        annotation = task_start_for_reviewer(task=task, reviewer=request.user)
        return Response(task_output(task, annotation))
