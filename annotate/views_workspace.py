"""The reviewer's pages: the annotation workspace, next task, and annotation links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from annotate.models import Annotation, LabelType, Task
from annotate.results import ROLES
from annotate.selectors.annotations import annotation_get_for_user, annotation_result
from annotate.selectors.articles import article_safe_url
from annotate.selectors.entity_links import linked_entities_for_page
from annotate.selectors.suggestions import suggestions_for_page
from annotate.selectors.tasks import Line, task_article_lines, task_get, task_label_types
from annotate.services.tasks import task_next_for_reviewer, task_start_for_reviewer


@require_POST
def task_next(request: HttpRequest) -> HttpResponse:
    annotation = task_next_for_reviewer(reviewer=request.user)
    if annotation is None:
        messages.success(request, "Nothing left for you right now. Thank you!")
        return redirect("annotate:home")
    return redirect("annotate:workspace", task_id=annotation.task_id)


@require_GET
def workspace(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get(task_id=task_id)
    try:
        annotation = task_start_for_reviewer(task=task, reviewer=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("annotate:home")
    labels = task_label_types(task=task)
    return render(
        request,
        "annotate/workspace.html",
        {
            "task": task,
            "article": task.article,
            "safe_url": article_safe_url(article=task.article),
            "lines_html": _lines_html(task_article_lines(task=task)),
            "labels": labels,
            "annotation": annotation,
            "data": _page_data(request, task, annotation, labels),
        },
    )


@require_GET
def annotation_open(request: HttpRequest, annotation_id: int) -> HttpResponse:
    """A link to one of your annotations; anyone else's is a 404 like a missing one."""
    annotation = annotation_get_for_user(annotation_id=annotation_id, user=request.user)
    return redirect("annotate:workspace", task_id=annotation.task_id)


def _page_data(
    request: HttpRequest, task: Task, annotation: Annotation, labels: list[LabelType]
) -> dict[str, Any]:
    """What workspace.js needs, read from a json_script element (no inline scripts)."""
    return {
        "task": task.pk,
        "outlet": task.article.source.name if task.article.source else "",
        "annotation": {
            "id": annotation.pk,
            "state": annotation.state,
            "version": annotation.version,
            "time_spent_seconds": annotation.time_spent_seconds,
            "skip_reason": annotation.skip_reason,
        },
        "result": annotation_result(
            annotation=annotation, label_names={lt.pk: lt.name for lt in labels}
        ),
        "labels": [
            {
                "name": lt.name,
                "hotkey": lt.hotkey,
                "color": lt.color,
                "kind": lt.kind,
                "description": lt.description,
            }
            for lt in labels
        ],
        "roles": list(ROLES),
        "urls": {
            "draft": reverse("annotate-api:annotation-draft", args=[annotation.pk]),
            "submit": reverse("annotate-api:annotation-submit", args=[annotation.pk]),
            "skip": reverse("annotate-api:annotation-skip", args=[annotation.pk]),
            "queue": reverse("annotate:home"),
        },
        "csrf": get_token(request),
        # Mention -> entity links and suggestions: workspace_entities.js, workspace_suggestions.js.
        "entities": linked_entities_for_page(annotation=annotation),
        "suggestions": suggestions_for_page(article=task.article, reviewer=annotation.reviewer),
        "entity_urls": {
            "search": reverse("verify-api:entities"),
            "decide": reverse("annotate-api:suggestion-decision", args=[0]).replace(
                "/0/", "/{id}/"
            ),
            "decide_many": reverse("annotate-api:suggestion-decisions"),
        },
    }


def _lines_html(lines: list[Line]) -> SafeString:
    """One block per line, nothing between or inside but the escaped text.

    The page rebuilds the exact text from these blocks, so no whitespace may be added; and
    a template loop over thousands of lines costs more than the rest of the page.
    """
    return format_html_join(
        "",
        '<div class="ln{}" dir="auto" data-start="{}"{}>{}</div>',
        (
            (
                "" if line.text else " blank",
                line.start,
                format_html(' lang="{}"', line.language) if line.language else "",
                line.text,
            )
            for line in lines
        ),
    )
