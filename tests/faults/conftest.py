"""The crash tests' fixtures: a migrated Crosscheck of their own (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import Site, Template, site_at, template_at


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    with template_at(tmp_path_factory.mktemp("faults-template")) as template:
        yield template


@pytest.fixture
def site(tmp_path: Path, migrated: Template) -> Iterator[Site]:
    with site_at(tmp_path, migrated) as installed:
        yield installed
