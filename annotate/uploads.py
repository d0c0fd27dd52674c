"""Uploaded files (pages and API) as inputs of the import service."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.core.files.uploadedfile import UploadedFile

from annotate.importers.read import FORMATS
from annotate.services.imports import ImportInput

_FORMAT_LABELS = {
    "auto": "Detect from each file",
    "seed": "Seed text (.txt)",
    "jsonl": "JSON Lines",
    "csv": "CSV",
    "label-studio": "Label Studio tasks (JSON)",
}
# What the importer reads, as offered on the upload page and the API.
IMPORT_FORMATS: list[tuple[str, str]] = [(f, _FORMAT_LABELS.get(f, f)) for f in FORMATS]


def import_inputs_from_uploads(files: Iterable[UploadedFile]) -> list[ImportInput]:
    """Wrap each upload; the service opens it when it gets to it."""
    return [ImportInput(name=f.name or "upload", size=f.size or 0, open=_opener(f)) for f in files]


def _opener(upload: UploadedFile) -> Callable[[], BinaryIO]:
    # Each call returns a fresh handle from the start, which the service may close:
    # closing Django's own upload object would delete a temporary file for good.
    def open_upload() -> BinaryIO:
        temporary_path = getattr(upload, "temporary_file_path", None)
        if temporary_path is not None:
            return open(temporary_path(), "rb")  # noqa: SIM115 (the caller closes it)
        upload.seek(0)
        # In memory only below FILE_UPLOAD_MAX_MEMORY_SIZE, so the copy is small.
        return io.BytesIO(upload.read())

    return open_upload
