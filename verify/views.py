"""Pages of the verify app: entities, their aliases, merge suggestions, merges and splits.

Thin: parse input, call one service or selector, render. Reviewers search, create entities and
add aliases; merging, splitting and marking entities distinct are for admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from annotate.permissions import admin_required, user_is_admin
from verify.models import Alias, Entity
from verify.selectors import entities as selectors
from verify.selectors.facts import facts_of_entity
from verify.services import entities as services

ENTITIES_PER_PAGE = 50
ENTITY_FACTS_SHOWN = 50
SEARCH_LIMIT = 50
TYPE_CHOICES = [("", "Any type"), *Entity.Type.choices]
T = TypeVar("T")


class EntitySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=300, label="Name")
    type = forms.ChoiceField(required=False, choices=TYPE_CHOICES)


class EntityCreateForm(forms.Form):
    type = forms.ChoiceField(choices=Entity.Type.choices)
    preferred_name = forms.CharField(max_length=300, label="Preferred name")
    language = forms.RegexField(
        regex=r"^[a-z]{2,3}$", required=False, max_length=3, help_text="ar, ru, en… (optional)"
    )
    wikidata_qid = forms.CharField(
        max_length=20, required=False, label="Wikidata id", help_text="e.g. Q7747 (optional)"
    )


class AliasForm(forms.Form):
    text = forms.CharField(max_length=300, label="Alias")
    language = forms.RegexField(regex=r"^[a-z]{2,3}$", required=False, max_length=3)


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Entity.objects.all())
    merge = forms.ModelChoiceField(queryset=Entity.objects.all())
    rationale = forms.CharField(max_length=2000)


class SplitForm(forms.Form):
    aliases = forms.ModelMultipleChoiceField(queryset=Alias.objects.none())
    preferred_name = forms.CharField(max_length=300, required=False, label="New entity's name")
    rationale = forms.CharField(max_length=2000)

    def __init__(self, *args: Any, entity: Entity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aliases"].queryset = entity.aliases.all()  # type: ignore[attr-defined]


class SuggestionFilterForm(forms.Form):
    type = forms.ChoiceField(required=False, choices=TYPE_CHOICES)
    min_score = forms.FloatField(required=False, min_value=0.0, max_value=1.0, initial=0.85)


def entity_list(request: HttpRequest) -> HttpResponse:
    form = EntitySearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    q, type_ = (data.get("q") or "").strip(), data.get("type") or None
    context: dict[str, object] = {"form": form, "q": q}
    if q:
        context["candidates"] = selectors.entity_candidates(text=q, type=type_, limit=SEARCH_LIMIT)
    else:
        context["page"] = Paginator(selectors.entity_list(type=type_), ENTITIES_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "verify/entity_list.html", context)


def entity_new(request: HttpRequest) -> HttpResponse:
    form = EntityCreateForm(
        request.POST or None, initial={"preferred_name": request.GET.get("name", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entity = services.entity_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Created “{entity.preferred_name}”.")
            return redirect("verify:entity-detail", entity_id=entity.pk)
    return render(request, "verify/entity_form.html", {"form": form})


def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = selectors.entity_get(entity_id=entity_id)
    if entity is None:
        raise Http404("No such entity.")
    return render(
        request,
        "verify/entity_detail.html",
        {
            "entity": entity,
            "alias_groups": selectors.entity_aliases_by_script(entity=entity),
            "history": selectors.entity_history(entity=entity),
            # The facts it takes part in (subject, object or place), newest first.
            "facts": facts_of_entity(entity=entity)[:ENTITY_FACTS_SHOWN],
            "alias_form": AliasForm(),
            "split_form": SplitForm(entity=entity) if user_is_admin(request.user) else None,
        },
    )


@require_POST
def entity_alias_add(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = get_object_or_404(Entity, pk=entity_id)
    form = AliasForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.entity_add_alias,
            entity=entity,
            user=request.user,
            **form.cleaned_data,
        )
    else:
        messages.error(request, "Enter the alias as written (and an ISO language code, if any).")
    return redirect("verify:entity-detail", entity_id=entity.pk)


@require_POST
@admin_required
def entity_split(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = get_object_or_404(Entity, pk=entity_id)
    form = SplitForm(request.POST, entity=entity)
    if not form.is_valid():
        messages.error(request, "Choose the aliases to split off and say why.")
        return redirect("verify:entity-detail", entity_id=entity.pk)
    data = form.cleaned_data
    change = _run(
        request,
        services.entity_split,
        entity=entity,
        aliases=list(data["aliases"]),
        user=request.user,
        rationale=data["rationale"],
        preferred_name=data["preferred_name"],
    )
    if change is not None:
        messages.success(request, f"Split off “{change.other.preferred_name}”.")
    return redirect("verify:entity-detail", entity_id=entity.pk)


@admin_required
def entity_suggestions(request: HttpRequest) -> HttpResponse:
    form = SuggestionFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    min_score = data.get("min_score")
    suggestions = selectors.entity_merge_suggestions(
        type=data.get("type") or None, min_score=0.85 if min_score is None else min_score
    )
    return render(
        request, "verify/entity_suggestions.html", {"form": form, "suggestions": suggestions}
    )


@require_POST
@admin_required
def entity_merge(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the two entities and say why they are the same.")
        return _back(request, fallback="verify:entity-suggestions")
    change = _run(request, services.entity_merge, user=request.user, **form.cleaned_data)
    if change is not None:
        messages.success(
            request,
            f"Merged “{change.other.preferred_name}” into “{change.entity.preferred_name}”.",
        )
    return _back(request, fallback="verify:entity-suggestions")


@require_POST
@admin_required
def entity_distinguish(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST)  # the same two entities and a reason
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            services.entity_distinguish,
            first=data["keep"],
            second=data["merge"],
            user=request.user,
            rationale=data["rationale"],
        )
    else:
        messages.error(request, "Say why these two are different.")
    return _back(request, fallback="verify:entity-suggestions")


def _run(request: HttpRequest, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Call a service; a ValidationError becomes a message for the person, and None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None


def _back(request: HttpRequest, *, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
