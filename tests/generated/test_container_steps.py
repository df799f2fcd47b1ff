"""The generated Dockerfile's steps, followed without Docker.

The test machines have no Docker engine and cannot reach Docker Hub, so the image is
never built here. What can break without Docker, the two-layer install and running
the installed app from its folder, is checked by following the Dockerfile's own
instructions in order: COPY copies from the project into an empty folder standing for
the image's WORKDIR, and each step of a RUN runs there with a fresh virtualenv's `pip`
and `python` first on PATH (the base image's Python is 3.11, like this suite's).
`useradd` is left out: it would change the test machine. Then the installed app, with
no PYTHONPATH, migrates a database from that folder, as compose's `migrate` service
does, and a server started elsewhere answers /health/ready, as the image's CMD does.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.generated.harness import SPECS, SpecCase, expect_success, free_port, generate_all, run

CASE: SpecCase = next(case for case in SPECS if case.key == "taskboard")
HOST = "127.0.0.1"
INSTALL_TIMEOUT = 600.0
LEFT_OUT = ("useradd",)
"""RUN steps that would change the machine running the test."""


@dataclass(frozen=True)
class Instruction:
    keyword: str
    argument: str


def instructions(dockerfile: Path) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    found: list[Instruction] = []
    pending = ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, argument = (pending + stripped).partition(" ")
        found.append(Instruction(keyword.upper(), argument.strip()))
        pending = ""
    return found


def test_the_dependency_layer_holds_only_what_installing_dependencies_needs(
    workspace: Path,
) -> None:
    project = generate_all([CASE], workspace)[CASE.key].require()
    steps = instructions(project / "Dockerfile")
    first_install = next(
        index
        for index, step in enumerate(steps)
        if step.keyword == "RUN" and "pip install" in step.argument
    )
    copied = [
        shlex.split(step.argument)[:-1] for step in steps[:first_install] if step.keyword == "COPY"
    ]
    assert copied == [["pyproject.toml", "README.md"]]
    assert steps[0].keyword == "FROM" and steps[0].argument.startswith("python:3.11-slim")
    users = [step.argument for step in steps if step.keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(step.keyword == "HEALTHCHECK" for step in steps)
    assert steps[-1].keyword == "CMD" and f"-m {CASE.package} serve" in steps[-1].argument


def test_following_the_dockerfile_installs_an_app_that_migrates_and_serves(
    workspace: Path, tmp_path: Path
) -> None:
    project = generate_all([CASE], workspace)[CASE.key].require()
    venv = tmp_path / "venv"
    expect_success(run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=_env(venv)))
    app = tmp_path / "app"
    app.mkdir()
    for step in instructions(project / "Dockerfile"):
        if step.keyword == "COPY":
            *sources, destination = shlex.split(step.argument)
            _copy(project, sources, destination, app)
        elif step.keyword == "RUN":
            for command in step.argument.split("&&"):
                if not command.strip().startswith(LEFT_OUT):
                    outcome = run(
                        ["sh", "-c", command], cwd=app, env=_env(venv), timeout=INSTALL_TIMEOUT
                    )
                    expect_success(outcome)

    database = tmp_path / "app.db"
    settings = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENVIRONMENT": "production",
    }
    python = str(venv / "bin" / "python")
    expect_success(run([python, "-m", CASE.package, "migrate"], cwd=app, env=_env(venv, settings)))
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"alembic_version", "users", "projects"} <= tables

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - the virtualenv's interpreter and our module
            [python, "-m", CASE.package, "serve", "--host", HOST, "--port", str(port)],
            cwd=tmp_path,
            env=_env(venv, settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status = _ready_status(port, server)
        assert status == 200, log.read_text(encoding="utf-8", errors="replace")[-3000:]
    finally:
        # `docker stop` signals the container's first process only. A SIGTERM to the whole
        # group also reaches the worker, which may then exit before granian has begun
        # stopping it; granian calls that an unexpected exit and ends with status 1.
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):  # any worker left behind
                os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]


def _env(venv: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The virtualenv first on PATH, as the image's Python is; no PYTHONPATH."""
    env = {name: os.environ[name] for name in ("HOME", "LANG", "TMPDIR") if name in os.environ}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(settings or {})
    return env


def _copy(project: Path, sources: list[str], destination: str, workdir: Path) -> None:
    """Docker's COPY: a folder's contents go into the destination; files go into it when
    it ends with `/` (or several are copied), else become it."""
    target = workdir / destination
    into = destination.endswith("/") or len(sources) > 1
    for source in sources:
        origin = project / source
        if origin.is_dir():
            shutil.copytree(origin, target, dirs_exist_ok=True)
        else:
            (target if into else target.parent).mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / origin.name if into else target)


def _ready_status(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> int | None:
    """/health/ready's status once the server answers; None if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/health/ready")
            return connection.getresponse().status
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    return None
