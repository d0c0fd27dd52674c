"""The audit history page (admins): every change to annotations, adjudications, entities and
facts, newest first, filtered. Thin: parse the filters, call the selectors, render."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotate.permissions import admin_required
from annotate.selectors import audit as selectors

EVENTS_PER_PAGE = 50


class AuditFilterForm(forms.Form):
    """Bad filter values are dropped (the list shows more) rather than failing."""

    action = forms.ChoiceField(required=False, choices=[("", "Any"), *selectors.AUDIT_ACTIONS])
    object_type = forms.ChoiceField(
        required=False, choices=[("", "Any"), *selectors.AUDIT_OBJECT_TYPES]
    )
    object_id = forms.RegexField(required=False, regex=r"^[0-9]{1,18}$")
    actor = forms.CharField(required=False, max_length=150)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def filters(self) -> selectors.AuditFilters:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return selectors.AuditFilters(
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            actor=(data.get("actor") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )


@require_GET
@admin_required
def audit_list(request: HttpRequest) -> HttpResponse:
    filters = AuditFilterForm(request.GET).filters()
    page = Paginator(selectors.audit_event_list(filters=filters), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "annotate/audit_list.html",
        {
            "page": page,
            "rows": selectors.audit_rows(page.object_list),
            "filters": filters,
            "actions": selectors.AUDIT_ACTIONS,
            "object_types": selectors.AUDIT_OBJECT_TYPES,
            "actors": selectors.audit_actor_options(),
        },
    )
