"""Pages for facts: the board (every fact with its verdict, filtered and paginated) and a
fact's page (its explanation and each source side by side). Thin: parse, select, render.

What a reviewer sees of the evidence follows blind annotation (verify.selectors.facts).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from verify.models import Entity, Fact
from verify.selectors import facts as selectors

FACTS_PER_PAGE = 50


class FactFilterForm(forms.Form):
    entity = forms.ModelChoiceField(
        queryset=Entity.objects.filter(merged_into__isnull=True), required=False,
        widget=forms.NumberInput, label="Entity id",
    )  # fmt: skip
    verdict = forms.ChoiceField(
        choices=[("", "Any verdict"), *Fact.Verdict.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))


def fact_list(request: HttpRequest) -> HttpResponse:
    form = FactFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    facts = selectors.fact_list(
        entity=data.get("entity"),
        verdict=data.get("verdict") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    page = Paginator(facts, FACTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "verify/fact_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "entity": data.get("entity")},
    )


def fact_detail(request: HttpRequest, fact_id: int) -> HttpResponse:
    fact = selectors.fact_get(fact_id=fact_id)
    if fact is None:
        raise Http404("No such fact.")
    rows, hidden = selectors.fact_evidence_for_user(fact=fact, user=request.user)
    return render(
        request,
        "verify/fact_detail.html",
        {"fact": fact, "rows": rows, "hidden": hidden, "explanation": fact.verdict_explanation},
    )
