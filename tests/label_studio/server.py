"""Start a real Label Studio server from `.ls-venv` for the interop tests and the benchmark.

The first start on an empty data dir runs Label Studio's migrations (45 s to 130 s on
this machine); later starts on a migrated dir take about 5 s. So the first run builds a
migrated template dir (admin user and legacy token included) once per machine, and every
session starts its own server on a fresh copy of it: sessions stay independent and only
the very first one pays for the migrations.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LS_BIN = ROOT / ".ls-venv" / "bin" / "label-studio"
LS_VERSION = "1.23.2"
TEMPLATE = Path(tempfile.gettempdir()) / f"crosscheck-label-studio-template-{LS_VERSION}"
EMAIL = "crosscheck-tests@example.org"
STARTUP_TIMEOUT = 300.0

# No error reporting, version check or analytics: the server never talks to the internet.
QUIET_ENV = {
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LATEST_VERSION_CHECK": "false",
    "COLLECT_ANALYTICS": "false",
}


@dataclass
class Server:
    url: str
    token: str
    email: str
    password: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    def stop(self) -> None:
        _stop(self.process)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _own_env() -> dict[str, str]:
    """Our environment minus what would make Label Studio load our settings or database."""
    ours = ("DJANGO_", "CROSSCHECK_", "PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def _launch(data_dir: Path, *, token: str, password: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    log = (data_dir / "server.log").open("ab")
    process = subprocess.Popen(
        [
            str(LS_BIN),
            "start",
            "--no-browser",
            "--data-dir",
            str(data_dir),
            "--internal-host",
            "127.0.0.1",
            "--port",
            str(port),
            "--username",
            EMAIL,
            "--password",
            password,
            "--user-token",
            token,
            "--enable-legacy-api-token",
        ],
        env={**_own_env(), **QUIET_ENV, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir)},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=data_dir,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (data_dir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Label Studio exited during startup:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return url, process
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    _stop(process)
    raise RuntimeError(f"Label Studio did not answer /health within {STARTUP_TIMEOUT:.0f} s")


def _ensure_template() -> dict[str, str]:
    """The migrated template dir and its credentials; built on first use."""
    creds_file = TEMPLATE / "crosscheck.json"
    if creds_file.exists():
        return dict(json.loads(creds_file.read_text()))
    building = Path(tempfile.mkdtemp(prefix="crosscheck-label-studio-build-"))
    creds = {"token": secrets.token_hex(20), "password": secrets.token_urlsafe(18)}
    _, process = _launch(building, token=creds["token"], password=creds["password"])
    _stop(process)
    (building / "server.log").unlink(missing_ok=True)
    (building / "crosscheck.json").write_text(json.dumps(creds))
    try:
        building.rename(TEMPLATE)  # atomic: a concurrent session may have won the race
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return dict(json.loads(creds_file.read_text()))


def start() -> Server:
    """A fresh Label Studio server on 127.0.0.1, from a copy of the migrated template."""
    if not LS_BIN.exists():
        raise FileNotFoundError(LS_BIN)
    creds = _ensure_template()
    data_dir = Path(tempfile.mkdtemp(prefix="crosscheck-label-studio-"))
    shutil.copytree(TEMPLATE, data_dir, dirs_exist_ok=True)
    try:
        url, process = _launch(data_dir, token=creds["token"], password=creds["password"])
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    return Server(
        url=url,
        token=creds["token"],
        email=EMAIL,
        password=creds["password"],
        process=process,
        data_dir=data_dir,
    )
