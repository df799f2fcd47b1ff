"""`serve --reload`, the development server, restarts on code changes and only on them.

Granian's reloader watches every file under the project by default, and the SQLite
database of a development setup sits there too: each write changed it (and its WAL
files) and restarted the server. `serve` now passes watchfiles' `PythonFilter`.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.generated.harness import (
    SPECS,
    SpecCase,
    expect_success,
    free_port,
    generate_all,
    project_env,
    python,
)

CASE: SpecCase = next(case for case in SPECS if case.key == "minimal")
HOST = "127.0.0.1"
QUIET_SECONDS = 2.0
"""How long the server must stay up, unrestarted, after a database write."""


def test_reload_follows_code_changes_and_ignores_database_writes(
    workspace: Path, tmp_path: Path
) -> None:
    # A copy: the shared project is checked by other tests while this one edits code.
    project = tmp_path / "project"
    shutil.copytree(generate_all([CASE], workspace)[CASE.key].require(), project)
    env = project_env(
        DATABASE_URL=f"sqlite+aiosqlite:///{project}/dev.db",
        SECRET_KEY=secrets.token_urlsafe(48),
        ENVIRONMENT="development",
    )
    expect_success(python("-m", CASE.package, "migrate", cwd=project, env=env))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", CASE.package, "serve", "--reload", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_starts(log, 1)
        account = json.dumps({"email": "dev@example.com", "password": "long enough pw"})
        assert _post(port, "/auth/register", account) == 201
        time.sleep(QUIET_SECONDS)
        assert _starts(log) == 1, log.read_text()

        with (project / "src" / CASE.package / "api.py").open("a") as code:
            code.write("# an edit\n")
        _wait_for_starts(log, 2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _starts(log: Path) -> int:
    """How many times a worker's app has started: its `ready` lines."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("message") == "ready":
            count += 1
    return count


def _wait_for_starts(log: Path, wanted: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while _starts(log) < wanted:
        if time.monotonic() > deadline:
            raise AssertionError(f"{wanted} start(s) expected; server log:\n{log.read_text()}")
        time.sleep(0.1)


def _post(port: int, path: str, body: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        return connection.getresponse().status
    finally:
        connection.close()
