"""Label Studio interoperability, through `label_studio_sdk` (imported by `client` only).

What crosses the border, in both directions:
- the label set, as a Label Studio labelling config (`label_config_xml`);
- articles, pushed as Label Studio tasks whose `data` carries the article's id, so a
  second push sends only what is new (`label_studio_push`);
- annotations made in Label Studio, pulled back as annotations of the reviewers with the
  same e-mail (`label_studio_pull`), or read from a Label Studio JSON export
  (`label_studio_file_import`); and any selection of tasks written as Label Studio JSON
  (`label_studio_export`, `label_studio_export_json`).

Offsets are code points on both sides (see `offsets`). Every incoming span is checked
against the article text (the SDK does not check offsets) and every write goes through
the annotation services. Pulls and file imports are all-or-nothing: every problem is
listed in one `LabelStudioError` and nothing is written.

Modules: `errors`, `offsets` and `config` are pure; `incoming` converts, checks and saves
annotations; `client` talks to the server; `sync` pushes and pulls; `files` reads and
writes Label Studio JSON.
"""

from __future__ import annotations

from annotate.label_studio.config import (
    ConfigNames,
    label_config_check,
    label_config_read,
    label_config_xml,
)
from annotate.label_studio.errors import LabelStudioError
from annotate.label_studio.files import (
    FileImportReport,
    label_studio_export,
    label_studio_export_json,
    label_studio_file_import,
)
from annotate.label_studio.offsets import (
    OffsetMap,
    code_points_to_utf16,
    span_offsets_read,
    utf16_to_code_points,
)
from annotate.label_studio.sync import (
    PullReport,
    PushReport,
    label_studio_pull,
    label_studio_push,
    predictions_none,
    task_data,
)

__all__ = [
    "ConfigNames",
    "FileImportReport",
    "LabelStudioError",
    "OffsetMap",
    "PullReport",
    "PushReport",
    "code_points_to_utf16",
    "label_config_check",
    "label_config_read",
    "label_config_xml",
    "label_studio_export",
    "label_studio_export_json",
    "label_studio_file_import",
    "label_studio_pull",
    "label_studio_push",
    "predictions_none",
    "span_offsets_read",
    "task_data",
    "utf16_to_code_points",
]
