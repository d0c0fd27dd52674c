"""The Makefile and the browser-test rule, run for real in a scratch folder.

The Makefile is exercised with a stand-in `.venv` whose `python` and `pytest` only log their
arguments and exit with a chosen code, so these tests check what make decides (install or
not, which exit code wins) without installing anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")

STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "$(dirname "$0")/../../calls.log"
exit "${STAND_IN_EXIT:-0}"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for requirements in ROOT.glob("requirements*.txt"):
        shutil.copy(requirements, tmp_path / requirements.name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "pytest", "ruff"):
        (bin_dir / tool).write_text(STAND_IN)
        (bin_dir / tool).chmod(0o755)
    return tmp_path


def make(project: Path, *args: str, exit_code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STAND_IN_EXIT": str(exit_code), "MAKEFLAGS": ""}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(project: Path) -> list[str]:
    log = project / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_install_runs_pip_once_and_again_only_when_requirements_change(project: Path) -> None:
    first = make(project, "install")
    second = make(project, "install")
    with (project / "requirements.txt").open("a") as requirements:
        requirements.write("six==1.16.0\n")
    third = make(project, "install")

    assert (first.returncode, second.returncode, third.returncode) == (0, 0, 0)
    runtime_installs = [call for call in calls(project) if call.endswith("-r requirements.txt")]
    assert len(runtime_installs) == 2
    assert len(list((project / ".venv").glob(".installed-run-*"))) == 1


def test_installing_dev_requirements_also_satisfies_run(project: Path) -> None:
    make(project, "install-dev")
    make(project, "install")

    pip_calls = [call for call in calls(project) if "pip install" in call]
    assert any(call.endswith("-r requirements-dev.txt") for call in pip_calls)
    assert not any(call.endswith("-r requirements.txt") for call in pip_calls)


def test_run_migrates_creates_accounts_imports_seeds_then_serves_in_that_order(
    project: Path,
) -> None:
    result = make(project, "run")

    assert result.returncode == 0
    manage = [call for call in calls(project) if "manage.py" in call]
    assert manage == [
        "python manage.py migrate --noinput",
        "python manage.py setup_demo --url http://127.0.0.1:8000",
        "python manage.py import_articles seeds/",
        "python manage.py runserver --noreload 127.0.0.1:8000",
    ]


def test_run_stops_before_serving_when_an_import_is_rejected(project: Path) -> None:
    make(project, "install")

    result = make(project, "run", exit_code=1)

    assert result.returncode != 0
    assert not any("runserver" in call for call in calls(project))


@pytest.mark.parametrize(
    ("pytest_exit", "make_succeeds"),
    [(0, True), (1, False), (2, False), (5, False)],
    ids=["passed", "failed", "interrupted", "no-tests-collected"],
)
def test_make_test_fails_when_pytest_fails_or_ran_no_test(
    project: Path, pytest_exit: int, make_succeeds: bool
) -> None:
    make(project, "install-dev")

    result = make(project, "test", exit_code=pytest_exit)

    # make reports any failed recipe as its own exit code 2; what matters is non-zero.
    assert (result.returncode == 0) is make_succeeds
    assert ("ran no test at all" in result.stdout) is (pytest_exit == 5)


def run_browser_smoke(*, ci: bool) -> subprocess.CompletedProcess[str]:
    # In-memory SQLite whatever the outer run uses: a second pytest must never recreate the
    # PostgreSQL test database the outer run is using.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CI", "DATABASE_URL", "CROSSCHECK_TEST_SQLITE_PATH", "PYTEST_ADDOPTS"}
    }
    env["CROSSCHECK_CHROMIUM"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "-k",
            "anonymous_visitor_to_home",
            "tests/browser/test_smoke.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_browser_tests_skip_with_the_install_hint_when_chromium_is_missing() -> None:
    result = run_browser_smoke(ci=False)

    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "apt-get install -y chromium" in result.stdout


def test_browser_tests_fail_under_ci_when_chromium_is_missing() -> None:
    result = run_browser_smoke(ci=True)

    # The rule fails the test in its setup, which pytest reports as an error.
    assert result.returncode == 1, result.stdout
    assert "1 error" in result.stdout
    assert "browser tests are required under CI" in result.stdout
