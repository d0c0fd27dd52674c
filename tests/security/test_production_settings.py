"""Production mode (DJANGO_DEBUG=0): `check --deploy` has nothing to say about security,
and the app refuses to start without a real secret key. Run as real processes, since
settings are read once at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 10 + "-production-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "CROSSCHECK_SQLITE_PATH": "/tmp/crosscheck-deploy-check.sqlite3", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--tag",
        "security",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=KEY,
        DJANGO_ALLOWED_HOSTS="crosscheck.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_development_defaults_do_fail_check_deploy() -> None:
    # The same check notices what production mode fixes: it is not vacuous.
    result = _manage("check", "--deploy", "--tag", "security", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="crosscheck.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_behind_a_proxy_lockout_counts_by_the_forwarded_client_address() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.AXES_IPWARE_PROXY_COUNT, "
        "s.AXES_IPWARE_META_PRECEDENCE_ORDER[0], s.SESSION_COOKIE_SECURE)"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=KEY,
        DJANGO_ALLOWED_HOSTS="crosscheck.example.org",
        DJANGO_BEHIND_TLS_PROXY="1",
    )
    assert result.returncode == 0, result.stderr
    # The last line: `shell` may print how many objects it imported first.
    assert result.stdout.strip().splitlines()[-1].split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "1",
        "HTTP_X_FORWARDED_FOR",
        "True",
    ]
