"""Import article files and folders as annotation tasks.

Why a command: the seeds, large folders and scripted ingestion all come in from a shell,
and a shell wants a progress bar, a summary and an exit code that says whether anything
was rejected. The work itself is `annotate.services.imports.import_run`, the same service
the upload page and the API call.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotate.models import ImportBatch, Project
from annotate.services.imports import (
    FORMATS,
    MAX_OVERLAP,
    import_count_paths,
    import_inputs_from_paths,
    import_run,
)
from annotate.services.projects import project_ensure_default


class Command(BaseCommand):
    help = (
        "Import article files and folders (recursively) as annotation tasks. "
        "Re-importing the same text is a no-op; exits non-zero if anything was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument(
            "--format", dest="fmt", default="auto", help=f"one of: {', '.join(FORMATS)}"
        )
        parser.add_argument(
            "--overlap",
            type=int,
            default=None,
            help="reviewers each task needs (1 to 20; default: the project's, 2)",
        )
        parser.add_argument(
            "--source", default="", help="outlet name for every article, instead of the parsed one"
        )
        parser.add_argument("--dry-run", action="store_true", help="parse and count, store nothing")
        parser.add_argument("--project", default="", help="project slug (default: the default one)")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt: str = options["fmt"]
        overlap: int | None = options["overlap"]
        if fmt not in FORMATS:
            raise CommandError(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
        if overlap is not None and not 1 <= overlap <= MAX_OVERLAP:
            raise CommandError(f"--overlap must be between 1 and {MAX_OVERLAP}, not {overlap}.")
        project = self._project(options["project"])
        paths: list[str] = options["paths"]
        total = import_count_paths(paths)
        with _Bar(
            total=total,
            unit="file",
            file=sys.stderr,
            disable=options["verbosity"] == 0,
        ) as bar:
            try:
                batch = import_run(
                    project=project,
                    inputs=import_inputs_from_paths(paths),
                    fmt=fmt,
                    overlap=overlap,
                    source_name=options["source"],
                    dry_run=options["dry_run"],
                    origin="cli",
                    progress=bar.update,
                    expected_files=total,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(summary(batch))
        for rejection in batch.rejections.all():
            where = (
                rejection.file if rejection.line is None else f"{rejection.file}:{rejection.line}"
            )
            self.stdout.write(f"REJECTED {where}: {rejection.reason}")
        if batch.rejected_count:
            raise CommandError(f"{batch.rejected_count} {_files(batch.rejected_count)} rejected.")

    def _project(self, slug: str) -> Project:
        if not slug:
            return project_ensure_default()
        try:
            return Project.objects.get(slug=slug)
        except Project.DoesNotExist:
            known = ", ".join(Project.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No project '{slug}'. Known projects: {known}.") from None


class _Bar(tqdm):  # type: ignore[type-arg]
    # No monitor thread: a process with one thread starts the parser's workers by forking
    # (annotate.importers.pool), at once and sharing what this one has loaded.
    monitor_interval = 0


def summary(batch: ImportBatch) -> str:
    """One line: what an import did (or, for a dry run, would do)."""
    files = f"{batch.file_count} {_files(batch.file_count)}"
    if batch.dry_run:
        return (
            f"Dry run of {files}, nothing stored: {batch.created_count} new, "
            f"{batch.skipped_count} already imported, {batch.rejected_count} rejected, "
            f"{batch.near_duplicate_count} near-duplicates (batch #{batch.pk})"
        )
    return (
        f"Imported {files}: {batch.created_count} created, "
        f"{batch.skipped_count} skipped as already imported, {batch.rejected_count} rejected, "
        f"{batch.near_duplicate_count} near-duplicates (batch #{batch.pk})"
    )


def _files(count: int) -> str:
    return "file" if count == 1 else "files"
