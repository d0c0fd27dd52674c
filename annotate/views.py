"""Pages of the annotate app. Thin: parse input, call a service or selector, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotate.selectors.tasks import task_queue_for_reviewer


def home(request: HttpRequest) -> HttpResponse:
    """The reviewer's queue: progress, the next task, drafts to finish, recent work."""
    return render(
        request, "annotate/queue.html", {"queue": task_queue_for_reviewer(reviewer=request.user)}
    )
