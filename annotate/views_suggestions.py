"""Admin page: how often reviewers accept each source's suggestions, per label."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotate.permissions import admin_required
from annotate.selectors.suggestions import suggestion_acceptance_rates


@require_GET
@admin_required
def suggestion_rates(request: HttpRequest) -> HttpResponse:
    return render(
        request, "annotate/suggestion_rates.html", {"rows": suggestion_acceptance_rates()}
    )
