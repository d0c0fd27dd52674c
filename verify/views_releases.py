"""Admin pages for gold releases: the list with a "New release" form, one release with its
counts and checksums, the zip download, and the comparison of two releases.

Thin: parse, call one service or selector, render. Admins only (`admin_required`): a
reviewer who follows a link is sent home with a message and never gets a file.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from annotate.permissions import admin_required
from verify.models import RELEASE_NAME_VALIDATOR
from verify.selectors import releases as selectors
from verify.services.releases import ReleaseFailed, release_publish, release_zip


class ReleaseForm(forms.Form):
    name = forms.CharField(max_length=80, validators=[RELEASE_NAME_VALIDATOR],
                           help_text="Letters, digits, dots, dashes: v1, 2026-11.")  # fmt: skip
    languages = forms.CharField(
        required=False, help_text="Comma-separated, e.g. ru,ar. Empty: all."
    )
    since = forms.DateField(required=False, help_text="Articles published on or after (YYYY-MM-DD).",
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean_languages(self) -> list[str]:
        parts = [p.strip() for p in self.cleaned_data["languages"].split(",") if p.strip()]
        if any(
            not (p.isascii() and p.isalpha() and p.islower() and 2 <= len(p) <= 3) for p in parts
        ):
            raise ValidationError("Give ISO language codes such as ru, ar, en.")
        return parts


class CompareForm(forms.Form):
    old = forms.IntegerField()
    new = forms.IntegerField()


@require_http_methods(["GET", "POST"])
@admin_required
def release_list(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            release = release_publish(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", exc.messages[0])
        except ReleaseFailed as exc:
            messages.error(request, str(exc))
            return redirect("verify:release-detail", exc.release.pk)
        else:
            messages.success(request, f"Release {release.name} published.")
            return redirect("verify:release-detail", release.pk)
    releases = selectors.release_list()
    return render(request, "verify/release_list.html", {"form": form, "releases": releases})


@require_GET
@admin_required
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    release = get_object_or_404(selectors.release_list(), pk=release_id)
    folder = selectors.release_folder(release=release)
    others = selectors.release_list().filter(state="published").exclude(pk=release.pk)
    return render(request, "verify/release_detail.html",
                  {"release": release, "available": folder is not None, "others": others})  # fmt: skip


@require_GET
@admin_required
def release_download(request: HttpRequest, release_id: int) -> FileResponse:
    release = get_object_or_404(selectors.release_list(), pk=release_id)
    folder = selectors.release_folder(release=release)
    if folder is None:
        raise Http404("This release has no files.")
    return FileResponse(release_zip(release=release, folder=folder), as_attachment=True,
                        filename=f"crosscheck-gold-{release.name}.zip")  # fmt: skip


@require_GET
@admin_required
def release_compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Choose two releases to compare.")
        return redirect("verify:release-list")
    old = get_object_or_404(selectors.release_list(), pk=form.cleaned_data["old"])
    new = get_object_or_404(selectors.release_list(), pk=form.cleaned_data["new"])
    try:
        comparison = selectors.release_compare(old=old, new=new)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("verify:release-list")
    return render(request, "verify/release_compare.html", {"c": comparison})
