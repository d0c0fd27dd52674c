"""Admin pages: articles and imports. Thin: parse input, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from annotate.models import ImportBatch, Project, Task
from annotate.permissions import admin_required
from annotate.selectors import articles as article_selectors
from annotate.selectors import imports as import_selectors
from annotate.services.imports import import_run
from annotate.services.projects import project_ensure_default
from annotate.uploads import IMPORT_FORMATS, import_inputs_from_uploads

ARTICLES_PER_PAGE = 50
BATCHES_PER_PAGE = 50
REJECTIONS_PER_PAGE = 500
ARTICLES_PER_BATCH_PAGE = 50


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files. Empty files pass: the importer rejects them by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=MultipleFileInput(), allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if not uploads:
            raise ValidationError("Choose at least one file.", code="required")
        single_clean = super().clean
        return [single_clean(upload, initial) for upload in uploads]


class ImportForm(forms.Form):
    files = MultipleFileField(label="Files")
    format = forms.ChoiceField(choices=IMPORT_FORMATS, initial="auto")
    overlap = forms.IntegerField(
        min_value=1, max_value=20, initial=2, help_text="Reviewers needed per article (1 to 20)."
    )
    source = forms.CharField(
        max_length=200,
        required=False,
        label="Source override",
        help_text="Outlet name for every article; leave empty to read it from each article.",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run (check the files, store nothing)")
    project = forms.ModelChoiceField(queryset=Project.objects.order_by("name"), empty_label=None)


class ArticleFilterForm(forms.Form):
    """Bad filter values are dropped (the list shows everything) rather than failing."""

    q = forms.CharField(required=False, max_length=200, label="Title contains")
    source = forms.IntegerField(required=False, min_value=1)
    language = forms.RegexField(required=False, regex=r"^[a-z]{2,8}$")
    state = forms.ChoiceField(required=False, choices=[("", "Any"), *Task.State.choices])
    batch = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> article_selectors.ArticleFilters:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return article_selectors.ArticleFilters(
            source=data.get("source"),
            language=data.get("language") or "",
            state=data.get("state") or "",
            q=(data.get("q") or "").strip(),
            batch=data.get("batch"),
        )


@admin_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(article_selectors.article_list(filters=filters), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "annotate/article_list.html",
        {
            "page": page,
            "filters": filters,
            "sources": article_selectors.article_source_options(),
            "languages": article_selectors.article_language_options(),
            "states": article_selectors.article_state_options(),
        },
    )


@admin_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_selectors.article_get(article_id=article_id)
    if article is None:
        raise Http404("No such article.")
    return render(
        request,
        "annotate/article_detail.html",
        {
            "article": article,
            "safe_url": article_selectors.article_safe_url(article=article),
            "blocks": article_selectors.article_text_blocks(article=article),
            "metadata_tables": article_selectors.article_metadata_tables(
                metadata=article.metadata if isinstance(article.metadata, dict) else {},
                text=article.text,
            ),
        },
    )


@admin_required
def import_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = import_run(
                    project=data["project"],
                    inputs=import_inputs_from_uploads(data["files"]),
                    user=request.user,
                    fmt=data["format"],
                    overlap=data["overlap"],
                    source_name=data["source"],
                    dry_run=data["dry_run"],
                    origin="upload",
                    expected_files=len(data["files"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.add_message(request, *_import_summary(batch))
                return redirect("annotate:import-detail", batch_id=batch.pk)
    else:
        default = project_ensure_default()
        form = ImportForm(initial={"project": default.pk, "overlap": default.default_overlap})
    return render(request, "annotate/import_new.html", {"form": form})


@admin_required
def import_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(import_selectors.import_batch_list(), BATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "annotate/import_list.html", {"page": page})


@admin_required
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = import_selectors.import_batch_get(batch_id=batch_id)
    if batch is None:
        raise Http404("No such import.")
    rejections = Paginator(
        import_selectors.import_batch_rejections(batch=batch), REJECTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    articles = import_selectors.import_batch_articles(batch=batch)[:ARTICLES_PER_BATCH_PAGE]
    return render(
        request,
        "annotate/import_detail.html",
        {"batch": batch, "rejections": rejections, "articles": articles},
    )


def _import_summary(batch: ImportBatch) -> tuple[int, str]:
    counts = (
        f"{batch.created_count} created, {batch.skipped_count} skipped as already imported, "
        f"{batch.rejected_count} rejected"
    )
    prefix = "Dry run: " if batch.dry_run else ""
    if batch.state == ImportBatch.State.FAILED or batch.rejected_count:
        return messages.WARNING, f"{prefix}{counts}. See the rejections below."
    return messages.SUCCESS, f"{prefix}{counts}."
