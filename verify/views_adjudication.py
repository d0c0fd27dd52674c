"""Admin pages: the adjudication queue and page, disputed facts, the agreement dashboard.

Thin: parse, call one service or selector, render. Every page here is for admins; a reviewer
who follows a link is sent home with a message (`admin_required`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from annotate.permissions import admin_required
from annotate.selectors.tasks import task_article_lines
from verify import charts
from verify.models import Fact, FactAdjudication
from verify.selectors import adjudication as selectors
from verify.services.adjudication import fact_adjudicate

QUEUE_PER_PAGE = 50


@require_GET
@admin_required
def adjudication_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.adjudication_queue(), QUEUE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "verify/adjudication_queue.html",
        {"page": page, "recent": selectors.adjudication_recent()},
    )


@require_GET
@admin_required
def adjudication_page(request: HttpRequest, task_id: int) -> HttpResponse:
    adjudication = selectors.adjudication_get(task_id=task_id)
    task = adjudication.task
    data = selectors.adjudication_detail(adjudication=adjudication)
    data["labels"] = selectors.task_label_names(task=task)
    data["urls"] = {
        "save": reverse("verify-api:adjudication-save", args=[task.pk]),
        "queue": reverse("verify:adjudication-queue"),
    }
    data["csrf"] = get_token(request)
    lines = format_html_join(
        "",
        '<div class="ln{}" dir="auto" data-start="{}"{}>{}</div>',
        (
            ("" if ln.text else " blank", ln.start,
             format_html(' lang="{}"', ln.language) if ln.language else "", ln.text)
            for ln in task_article_lines(task=task)
        ),
    )  # fmt: skip
    return render(
        request,
        "verify/adjudication.html",
        {"adjudication": adjudication, "task": task, "article": task.article, "lines_html": lines,
         "data": data},
    )  # fmt: skip


class FactAdjudicationForm(forms.Form):
    outcome = forms.ChoiceField(choices=FactAdjudication.Outcome.choices, widget=forms.RadioSelect)
    upheld_stance = forms.ChoiceField(
        required=False,
        label="The side that stands (one side wrong)",
        choices=[("", "—"), ("supports", "Supporting evidence"), ("refutes", "Refuting evidence")],
    )
    valid_from = forms.DateField(
        required=False, label="Held from", widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        required=False, label="Held until", widget=forms.DateInput(attrs={"type": "date"})
    )
    split_statement = forms.CharField(
        required=False, max_length=500, label="Split: the statement for the other time",
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )  # fmt: skip
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}), max_length=4000
    )


@require_GET
@admin_required
def fact_adjudication_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "verify/adjudication_facts.html",
        {"rows": selectors.facts_disputed(), "form": FactAdjudicationForm()},
    )


@admin_required
def fact_adjudication_detail(request: HttpRequest, fact_id: int) -> HttpResponse:
    fact = get_object_or_404(Fact, pk=fact_id)
    form = FactAdjudicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fact_adjudicate(fact=fact, admin=request.user, **form.cleaned_data)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("verify:fact-adjudication", fact_id=fact.pk)
    return render(
        request,
        "verify/adjudication_fact.html",
        {"fact": fact, "form": form, "history": selectors.fact_adjudication_history(fact=fact)},
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
@admin_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard_get()
    return render(
        request,
        "verify/dashboard.html",
        {
            "d": data,
            "states_chart": charts.bar_chart(
                [(s["label"], s["count"]) for s in data.states],
                title="Tasks by state",
                integer=True,
            ),
            "label_chart": charts.bar_chart(
                [(row["label"], row["f1_overlap"]) for row in data.by_label],
                title="Labelled span F1 (overlap) by label",
            ),
            "pair_chart": charts.bar_chart(
                [(row["pair"], row["f1_overlap"]) for row in data.by_pair],
                title="Labelled span F1 (overlap) by reviewer pair",
            ),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = ["task", "title", "state", "reviewers", "agreement_f1_overlap", "conflicts"]


def _csv_rows() -> Iterator[list[Any]]:
    yield CSV_COLUMNS
    for row in selectors.tasks_by_agreement().iterator(chunk_size=2000):
        summary = row["summary"]
        yield [
            row["task_id"], row["task__article__title"], row["task__state"],
            " ".join(row["reviewers"]), "" if summary is None else f"{summary:.4f}",
            row["conflict_count"],
        ]  # fmt: skip


@require_GET
@admin_required
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every compared task, lowest agreement first; streamed, so memory stays flat."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="agreement.csv"'
    return response
