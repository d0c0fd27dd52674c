"""A real Crosscheck in subprocesses, to kill: its own database, commands, a server.

The crash tests never touch the database from the test process: every setup and every
check runs in a fresh Python process (`Site.django`) against the same database the killed
process used, exactly as an admin would find it after the crash. SQLite is a file under
the test's tmp_path; with DATABASE_URL set (PostgreSQL), a database of its own on that
server, created here and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = Path(PYTHON).with_name("gunicorn")
READY_TIMEOUT = 60.0  # generous: CI machines are shared and slow
_databases = count(1)

_PRELUDE = """
import json, os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
"""


def _base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CROSSCHECK_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        DJANGO_LOG_LEVEL="ERROR",
        CROSSCHECK_SUGGEST_ON_IMPORT="0",
        CROSSCHECK_LOGIN_LOCKOUT="0",
        CROSSCHECK_RELEASES_DIR=str(tmp / "releases"),
        OPENBLAS_NUM_THREADS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Site:
    """One Crosscheck installation: environment, database, and what runs against it."""

    tmp: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def releases(self) -> Path:
        return Path(self.env["CROSSCHECK_RELEASES_DIR"])

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a management command to its end."""
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def django(self, source: str) -> Any:
        """Run `source` in a new Django process; it sets `result`, which comes back as JSON."""
        code = _PRELUDE + textwrap.dedent(source) + "\nprint('RESULT:' + json.dumps(result))\n"
        done = subprocess.run(
            [PYTHON, "-c", code], cwd=REPO, env=self.env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        (line,) = [x for x in done.stdout.splitlines() if x.startswith("RESULT:")]
        return json.loads(line.removeprefix("RESULT:"))

    def start(self, args: list[str], *, pause_at: str = "", **env: str) -> Paused:
        """Start `args` in its own process group; with `pause_at`, it stops at that fault
        point (config/faults.py) and `Paused.wait()` returns once it is there."""
        ready = self.tmp / f"paused-{next(_databases)}"
        extra = {"CROSSCHECK_FAULT_PAUSE": pause_at, "CROSSCHECK_FAULT_READY": str(ready)}
        log = (self.tmp / f"{ready.name}.log").open("wb")
        process = subprocess.Popen(
            args, cwd=REPO, env={**self.env, **(extra if pause_at else {}), **env},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.processes.append(process)
        return Paused(process=process, ready=ready, log=Path(f"{ready}.log"))

    def serve(self, *, pause_at: str = "") -> Server:
        """gunicorn with one worker on a free port, answering; `pause_at` as for `start`."""
        for _ in range(3):
            port = _free_port()
            paused = self.start(
                [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                 "--timeout", "120", "--graceful-timeout", "1"],
                pause_at=pause_at,
            )  # fmt: skip
            server = Server(paused=paused, base=f"http://127.0.0.1:{port}")
            if server.wait_up():
                return server
        raise AssertionError("three ports in a row were taken before gunicorn could bind")

    def kill_all(self) -> None:
        for process in self.processes:
            kill(process)


@dataclass
class Paused:
    process: subprocess.Popen[bytes]
    ready: Path
    log: Path

    def wait(self) -> None:
        """Until the process sits at its fault point; fails if it ends or never gets there."""
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.ready.exists():
            assert self.process.poll() is None, f"it ended first:\n{self.log.read_text()}"
            assert time.monotonic() < deadline, f"never paused:\n{self.log.read_text()}"
            time.sleep(0.05)

    def kill(self) -> None:
        kill(self.process)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything in its group (gunicorn's master and workers)."""
    if process.poll() is None:
        with suppress(ProcessLookupError):  # it died meanwhile
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@dataclass
class Server:
    paused: Paused
    base: str

    def wait_up(self) -> bool:
        """Until the server answers (True); False if it stopped because another process
        took its port meanwhile (the caller tries another one)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/login/", timeout=10) as response:
                    if response.status == 200:
                        return True
            except OSError:  # refused, reset or timed out: not up yet
                pass
            if self.paused.process.poll() is not None:
                log = self.paused.log.read_text()
                assert "Address already in use" in log, f"the server stopped:\n{log}"
                return False
            assert time.monotonic() < deadline, f"no answer:\n{self.paused.log.read_text()}"
            time.sleep(0.1)

    def call(self, method: str, path: str, *, token: str, body: Any = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def call_in_background(self, method: str, path: str, *, token: str, body: Any) -> Call:
        call = Call()

        def run() -> None:
            try:
                call.answer = self.call(method, path, token=token, body=body)
            except Exception as exc:  # the server dies under it: that is the point
                call.error = exc

        call.thread = threading.Thread(target=run, daemon=True)
        call.thread.start()
        return call

    def kill(self) -> None:
        self.paused.kill()


@dataclass
class Call:
    answer: tuple[int, Any] | None = None
    error: Exception | None = None
    thread: threading.Thread | None = None

    def join(self) -> None:
        assert self.thread is not None
        self.thread.join(timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Template:
    """A migrated database to copy: migrating takes seconds, copying it does not."""

    tmp: Path
    env: dict[str, str]
    url: str | None
    name: str


@contextmanager
def template_at(tmp: Path) -> Iterator[Template]:
    env = _base_env(tmp)
    url = os.environ.get("DATABASE_URL")
    name = f"crosscheck_faults_{os.getpid()}_template"
    if url:
        _pg(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg(url, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _with_name(url, name)
    else:
        env.pop("DATABASE_URL", None)
        env["CROSSCHECK_SQLITE_PATH"] = str(tmp / "template.sqlite3")
    try:
        migrated = Site(tmp=tmp, env=env).manage("migrate", "--noinput", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        yield Template(tmp=tmp, env=env, url=url, name=name)
    finally:
        if url:
            _pg(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def site_at(tmp: Path, template: Template) -> Iterator[Site]:
    """An installation under `tmp` with a copy of the migrated template: an SQLite file
    there, or a PostgreSQL database of its own beside DATABASE_URL's, dropped afterwards."""
    env = _base_env(tmp)
    name = f"crosscheck_faults_{os.getpid()}_{next(_databases)}"
    if template.url:
        _pg(template.url, f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')
        env["DATABASE_URL"] = _with_name(template.url, name)
    else:
        env.pop("DATABASE_URL", None)
        env["CROSSCHECK_SQLITE_PATH"] = str(tmp / "crosscheck.sqlite3")
        # The migrating process has closed the file, so the WAL is folded into it.
        shutil.copyfile(template.env["CROSSCHECK_SQLITE_PATH"], env["CROSSCHECK_SQLITE_PATH"])
    site = Site(tmp=tmp, env=env)
    try:
        yield site
    finally:
        site.kill_all()
        if template.url:
            _pg(template.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _pg(url: str, statement: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


# Alice and Bob have reviewed a task and disagree on three things (tests/verify/
# adjudication_helpers.py); carol, the admin, has a token. `result` names the task, the
# token, and the conflict items by kind ("missing", "boundaries", "label").
DISPUTED_TASK = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from annotate.services.projects import project_ensure_default
from tests.verify.adjudication_helpers import disputed_task
from verify.selectors.adjudication import adjudication_detail, adjudication_get

project_ensure_default()
users = {
    name: get_user_model().objects.create_user(username=name, is_staff=name == "carol")
    for name in ("alice", "bob", "carol")
}
task = disputed_task(users["alice"], users["bob"])
detail = adjudication_detail(adjudication=adjudication_get(task_id=task.pk))
result = {
    "task": task.pk,
    "token": Token.objects.create(user=users["carol"]).key,
    "items": {i["kind"]: i["id"] for u in detail["units"] for i in u["items"]},
}
"""


def decisions(items: dict[str, str]) -> list[dict[str, str]]:
    """The admin's decisions on every conflict of DISPUTED_TASK."""
    return [
        {"item": items["missing"], "action": "accept", "reviewer": "alice"},
        {"item": items["boundaries"], "action": "accept", "reviewer": "bob"},
        {"item": items["label"], "action": "accept", "reviewer": "alice", "rationale": "A city."},
    ]
