"""Build and run a generated project's Dockerfile with podman and a stand-in base image.

Why this exists: every generated project ships a Dockerfile (FROM python:3.11-slim) and
a compose.yaml, but the machines this project runs on have no Docker engine and reach no
container registry, so the image could not be built there. This script builds it anyway:

1. A stand-in for `python:3.11-slim` is made locally: `debootstrap --variant=minbase
   bookworm` (Debian 12's Python is 3.11), then python3, pip, venv and python-is-python3
   from Debian's archive, `python` and `pip` on PATH, and no EXTERNALLY-MANAGED marker
   (the official image's pip installs system-wide too). The root filesystem is kept as
   a tarball under the cache folder (--cache-dir) so that later runs skip debootstrap,
   and `podman import` tags it `localhost/python:3.11-slim`, which `FROM python:3.11-slim`
   resolves to with `--pull=never` (a tag already there is reused; --rebuild-base makes it
   again). It is not the official image: Debian's Python 3.11.2 and pip 23.0 in /usr/bin
   where the official image has its own build in /usr/local, and about 190 MiB. The
   stand-in is made by bench/standin.py, which compose.py shares.
2. The demo spec is generated into a temporary folder and its Dockerfile is built
   unchanged, then built again after an edit under src/ (the dependency layer must come
   from the cache).
3. The image is checked: user 10001, no compiler, no tests folder; `migrate` against a
   fresh PostgreSQL database, the default CMD serving with 2 workers, /health/live and
   /health/ready, login as the bootstrap admin, a project created and read back, the
   HEALTHCHECK, `podman stop` (SIGTERM) ending in exit code 0, and the image's size.

Run it as root on a machine with podman, runc and debootstrap (`apt-get install podman
runc debootstrap`), PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth), Redis on
127.0.0.1:6379 and host port 8000 (or --port) free: the container shares the host's
network, and the image's PORT setting moves its server to --port:

    .venv/bin/python bench/container.py           # 1.5 minutes; 3+ without the tarball
    .venv/bin/python bench/container.py --keep    # keep the images afterwards

Workarounds this machine needs, all in the commands below and none in the Dockerfile:
podman runs with `--runtime runc` (crun refuses cgroup v1/v2 hybrid mounts) and
`--cgroup-manager=cgroupfs` (no systemd); containers get `--ulimit nofile=1024:1024
--ulimit nproc=1000:1000` (podman's default rlimits are refused without
CAP_SYS_RESOURCE); builds use `--format docker` (OCI images drop HEALTHCHECK) and bind
mount the host's CA bundle (--ca-bundle) over the base image's, because the outgoing
HTTPS of this sandbox is re-signed by a local CA that pip must trust (Debian's pip reads
the system bundle). Podman has no systemd to run healthchecks on a timer here, so the
check runs them by hand.

It prints one line per check and exits 1 if any check failed, 2 if it stopped early (a
failed build, a missing tool, a busy port) and 143 or 130 on SIGTERM or Ctrl-C.
Containers, the database, Redis database --redis-db (flushed only if it was empty at
the start), the temporary folder and, without --keep, the images it made are removed at
the end, also on an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from local_http import http
from report import Report
from standin import (
    MIB,
    PYTHON,
    STAND_IN_LABEL,
    SetupError,
    forget,
    import_image,
    rootfs_tarball,
    run,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "src" / "backsmith" / "demo" / "taskboard.yaml"
BASE_IMAGE = "localhost/python:3.11-slim"
PODMAN = ("podman", "--cgroup-manager=cgroupfs", "--runtime", "runc")
ULIMITS = ("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1000:1000")
PORT = 8000
"""The port the image's CMD serves on unless PORT is set; shared with the host."""
STOP_TIMEOUT = 10
"""Docker's and podman's default grace period between SIGTERM and SIGKILL."""


@dataclass(frozen=True)
class Options:
    spec: Path
    cache_dir: Path
    mirror: str
    suite: str
    rebuild_base: bool
    ca_bundle: Path | None
    port: int
    pg_url: str
    redis_host: str
    redis_port: int
    redis_db: int
    db_prefix: str
    keep: bool


def say(message: str) -> None:
    print(f"[container] {message}", file=sys.stderr, flush=True)


def podman(
    *args: str, timeout: float = 120, check: bool = True, log: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run([*PODMAN, *args], timeout=timeout, check=check, log=log)


def quiet_podman_stderr(text: str) -> str:
    """Podman's stderr without its complaints about the missing systemd healthcheck timer."""
    return "\n".join(line for line in text.splitlines() if "systemd" not in line)


# --- 1. the stand-in base image ------------------------------------------------------


def image_exists(reference: str) -> bool:
    return podman("image", "exists", reference, check=False).returncode == 0


def image_id(reference: str) -> str:
    return podman("image", "inspect", "--format", "{{.Id}}", reference).stdout.strip()


def ensure_base_image(options: Options, logs: Path, report: Report) -> tuple[str, bool]:
    """The stand-in's image id, and whether this run created (so may remove) it."""
    if image_exists(BASE_IMAGE) and not options.rebuild_base:
        labels = podman("image", "inspect", "--format", "{{json .Labels}}", BASE_IMAGE).stdout
        kind = "the stand-in" if STAND_IN_LABEL in labels else "NOT made by this script"
        report.add("base image", True, f"{BASE_IMAGE} already present ({kind}), reused")
        return image_id(BASE_IMAGE), False
    started = time.monotonic()
    if options.rebuild_base:
        forget(options.cache_dir, options.suite, (PYTHON,))
    tarball, made = rootfs_tarball(
        PYTHON,
        cache_dir=options.cache_dir,
        suite=options.suite,
        mirror=options.mirror,
        logs=logs,
        say=say,
    )
    source = "debootstrap" if made else "cached tarball"
    import_image(PODMAN, PYTHON, tarball, BASE_IMAGE, options.suite)
    size = tarball.stat().st_size / MIB
    report.add(
        "base image",
        True,
        f"{BASE_IMAGE} from {source} ({size:.0f} MiB tarball) in "
        f"{time.monotonic() - started:.1f} s",
    )
    return image_id(BASE_IMAGE), True


# --- 2. generate and build -----------------------------------------------------------


@dataclass(frozen=True)
class Build:
    seconds: float
    image: str
    steps: list[tuple[str, bool]]
    """Each step's instruction and whether buildah took it from the cache."""
    log: str


def parse_steps(log: str) -> list[tuple[str, bool]]:
    steps: list[tuple[str, bool]] = []
    for line in log.splitlines():
        found = re.match(r"STEP \d+/\d+: (.*)", line)
        if found:
            steps.append((found.group(1), False))
        elif line.startswith("--> Using cache") and steps:
            steps[-1] = (steps[-1][0], True)
    return steps


def build(options: Options, project: Path, tag: str, log: Path, *, cold: bool) -> Build:
    """`podman build` of the project's Dockerfile as it is; `cold` ignores cached layers
    (a kept image's, say) but still stores its own for the next build."""
    iidfile = log.with_suffix(".iid")
    mounts: list[str] = []
    if options.ca_bundle is not None:
        mounts = ["--volume", f"{options.ca_bundle}:/etc/ssl/certs/ca-certificates.crt:ro"]
    started = time.monotonic()
    result = podman(
        "build",
        "--pull=never",
        "--network=host",
        "--format=docker",
        *(["--no-cache"] if cold else []),
        *mounts,
        "--iidfile",
        str(iidfile),
        "--tag",
        tag,
        str(project),
        timeout=1800,
        check=False,
        log=log,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-30:])
        raise SetupError(f"podman build exited {result.returncode} after {seconds:.0f} s:\n{tail}")
    return Build(seconds, iidfile.read_text().strip(), parse_steps(result.stdout), result.stdout)


def find_step(steps: list[tuple[str, bool]], predicate: Callable[[str], bool]) -> bool | None:
    """Whether the first step matching `predicate` was cached (None: no such step)."""
    return next((cached for text, cached in steps if predicate(text)), None)


def is_dependency_step(text: str) -> bool:
    return text.startswith("RUN ") and "pip install ." in text and "--no-deps" not in text


def is_source_copy(text: str) -> bool:
    return text.startswith("COPY src")


def build_checks(
    options: Options, project: Path, package: str, tag: str, logs: Path, report: Report
) -> tuple[Build, Build, str]:
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    say("building the image (cold: dependencies from PyPI)")
    try:
        cold = build(options, project, tag, logs / "build-cold.log", cold=True)
    except SetupError as error:
        report.add("build (cold)", False, str(error).splitlines()[0])
        raise
    syntax = (
        "its '# syntax=' line was read as a comment"
        if dockerfile.startswith("# syntax=")
        else "no '# syntax=' line"
    )
    report.add("build (cold)", True, f"{cold.seconds:.1f} s, {len(cold.steps)} steps; {syntax}")
    marker = f"# edited by bench/container.py {secrets.token_hex(4)}"
    with (project / "src" / package / "__init__.py").open("a", encoding="utf-8") as source:
        source.write(f"\n{marker}\n")
    say(f"building again after editing src/{package}/__init__.py")
    try:
        warm = build(options, project, tag, logs / "build-warm.log", cold=False)
    except SetupError as error:
        report.add("build after a src/ edit", False, str(error).splitlines()[0])
        raise
    dependencies = find_step(warm.steps, is_dependency_step)
    sources = find_step(warm.steps, is_source_copy)
    ratio = warm.seconds / cold.seconds
    report.add(
        "build after a src/ edit",
        dependencies is True and sources is False and ratio < 0.5,
        f"{warm.seconds:.1f} s ({ratio:.0%} of cold); dependency step "
        f"{'Using cache' if dependencies else 'REBUILT' if dependencies is False else 'NOT FOUND'}"
        f", COPY src {'rebuilt' if sources is False else 'cached (edit not seen?)'}",
    )
    return cold, warm, marker


# --- 3. the image's contents ---------------------------------------------------------


CONTENTS = r"""
echo "uid=$(id -u)"
echo "user=$(id -un)"
echo "python=$(python --version 2>&1)"
echo "compilers=$(for tool in gcc cc c++ g++ clang make; do command -v $tool; done | tr '\n' ' ')"
echo "tests=$(ls -d /app/tests 2>/dev/null)"
echo "devtools=$(python - <<'EOF'
import importlib.util
print(" ".join(m for m in ("pytest", "mypy", "ruff", "hatchling") if importlib.util.find_spec(m)))
EOF
)"
echo "marker=$(python - "$PACKAGE" "$MARKER" <<'EOF'
import importlib.util, pathlib, sys
origin = importlib.util.find_spec(sys.argv[1]).origin
print(int(sys.argv[2] in pathlib.Path(origin).read_text()))
EOF
)"
echo "app_writable=$(test -w /app && echo yes || echo no)"
"""


def contents_checks(image: str, package: str, marker: str, report: Report) -> None:
    result = podman(
        "run",
        "--rm",
        "--no-healthcheck",
        *ULIMITS,
        "--env",
        f"PACKAGE={package}",
        "--env",
        f"MARKER={marker}",
        image,
        "sh",
        "-c",
        CONTENTS,
    )
    facts: dict[str, str] = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition("=")
        facts[key] = value.strip()
    report.add(
        "runs as non-root",
        facts.get("uid") == "10001",
        f"id -u = {facts.get('uid')} ({facts.get('user')}), /app writable: "
        f"{facts.get('app_writable')}, {facts.get('python')}",
    )
    clean = not facts.get("compilers") and not facts.get("tests") and not facts.get("devtools")
    report.add(
        "no build tools or tests",
        clean,
        f"compilers: {facts.get('compilers') or 'none'}; tests folder: "
        f"{facts.get('tests') or 'none'}; pytest/mypy/ruff/hatchling: "
        f"{facts.get('devtools') or 'none'}",
    )
    report.add(
        "edit reached the image",
        facts.get("marker") == "1",
        f"installed {package}/__init__.py has the edit: {facts.get('marker') == '1'}",
    )


# --- 4. running it -------------------------------------------------------------------


def redis_command(options: Options, *words: str) -> str:
    """One command to Redis (RESP over a socket), after SELECT --redis-db."""

    def encode(parts: Sequence[str]) -> bytes:
        chunks = [f"*{len(parts)}\r\n".encode()]
        for part in parts:
            data = part.encode()
            chunks.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
        return b"".join(chunks)

    with socket.create_connection((options.redis_host, options.redis_port), timeout=5) as sock:
        sock.sendall(encode(["SELECT", str(options.redis_db)]) + encode(list(words)))
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    lines = reply.decode().split("\r\n")
    if not lines[0].startswith("+OK") or len(lines) < 2 or lines[1].startswith("-"):
        raise SetupError(f"Redis answered {reply!r} to {words}")
    return lines[1].lstrip("+:")


def psql(options: Options, database: str, sql: str) -> str:
    url = f"{options.pg_url.rstrip('/')}/{database}"
    return run(["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql]).stdout.strip()


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_live(container: str, port: int, deadline: float) -> tuple[int, float]:
    started = time.monotonic()
    while time.monotonic() < started + deadline:
        try:
            status, _ = http(port, "GET", "/health/live", timeout=2)
            if status == 200:
                return status, time.monotonic() - started
        except OSError:
            pass
        state = podman("inspect", "--format", "{{.State.Status}}", container).stdout.strip()
        if state != "running":
            return 0, time.monotonic() - started
        time.sleep(0.25)
    return 0, deadline


def logs_of(container: str) -> str:
    result = podman("logs", container, check=False)
    return result.stdout + quiet_podman_stderr(result.stderr)


def ready_workers(container: str, deadline: float) -> list[dict[str, Any]]:
    """The workers' "ready" log lines (each worker writes one when its lifespan began)."""
    stop = time.monotonic() + deadline
    lines: list[dict[str, Any]] = []
    while time.monotonic() < stop:
        lines = []
        for line in logs_of(container).splitlines():
            if line.startswith("{") and '"message":"ready"' in line.replace(" ", ""):
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        if len(lines) >= 2:
            break
        time.sleep(0.5)
    return lines


def run_checks(
    options: Options,
    image: str,
    package: str,
    workdir: Path,
    cleanup: ExitStack,
    report: Report,
) -> None:
    if port_in_use(options.port):
        raise SetupError(f"port {options.port} is in use on this host; the container needs it")
    redis_was_empty = redis_command(options, "DBSIZE") == "0"
    if not redis_was_empty:
        say(f"Redis database {options.redis_db} is not empty: it will not be flushed")
    else:
        cleanup.callback(redis_command, options, "FLUSHDB")
    database = f"{options.db_prefix}_{int(time.time())}_{os.getpid()}"
    psql(options, "postgres", f'CREATE DATABASE "{database}"')
    cleanup.callback(
        psql, options, "postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'
    )
    password = secrets.token_urlsafe(18)
    email = "admin@example.com"
    database_url = options.pg_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    env_file = workdir / "app.env"
    env_file.write_text(
        "\n".join(
            [
                f"DATABASE_URL={database_url.rstrip('/')}/{database}",
                f"REDIS_URL=redis://{options.redis_host}:{options.redis_port}/{options.redis_db}",
                f"SECRET_KEY={secrets.token_urlsafe(36)}",
                f"ADMIN_EMAIL={email}",
                f"ADMIN_PASSWORD={password}",
                f"PORT={options.port}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    env_file.chmod(0o600)
    common = ("--network=host", *ULIMITS, "--env-file", str(env_file))

    say("migrating")
    started = time.monotonic()
    migrate = podman(
        "run",
        "--rm",
        "--no-healthcheck",
        *common,
        image,
        *("python", "-m", package, "migrate"),
        timeout=300,
        check=False,
    )
    seconds = time.monotonic() - started
    revision = ""
    tables = ""
    if migrate.returncode == 0:
        revision = psql(options, database, "SELECT version_num FROM alembic_version")
        tables = psql(
            options,
            database,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
    ok = report.add(
        "migrate",
        migrate.returncode == 0 and bool(revision),
        f"exit {migrate.returncode} in {seconds:.1f} s; revision {revision or '-'}, "
        f"{tables or 0} tables",
    )
    if not ok:
        say(quiet_podman_stderr(migrate.stdout + migrate.stderr)[-3000:])
        return

    name = f"backsmith-container-{os.getpid()}"
    say(f"starting {name} with the image's CMD")
    started_container = podman("run", "--detach", "--name", name, *common, image, check=False)
    cleanup.callback(podman, "rm", "--force", "--time", "0", name, check=False)
    if started_container.returncode != 0:
        raise SetupError(f"podman run failed: {started_container.stderr[-2000:]}")
    try:
        serve_checks(name, image, options.port, email, password, report)
        stop_check(name, report)
    except Exception:
        say("container log tail:\n" + "\n".join(logs_of(name).splitlines()[-30:]))
        raise
    if report.failed:
        say("container log tail:\n" + "\n".join(logs_of(name).splitlines()[-30:]))


def serve_checks(
    name: str, image: str, port: int, email: str, password: str, report: Report
) -> None:
    live, seconds = wait_for_live(name, port, 120)
    workers = ready_workers(name, 30)
    declared = {line.get("workers") for line in workers}
    ready_status, ready_body = http(port, "GET", "/health/ready") if live else (0, "")
    report.add(
        "serve (image CMD)",
        live == 200 and ready_status == 200 and len(workers) == 2 and declared == {2},
        f"/health/live 200 after {seconds:.1f} s; /health/ready {ready_status} "
        f"{ready_body.strip()}; {len(workers)} workers ready (pids "
        f"{', '.join(str(line.get('pid')) for line in workers)})",
    )
    if live != 200:
        return

    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    login_status, login_body = http(
        port,
        "POST",
        "/auth/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    token = json.loads(login_body).get("access_token", "") if login_status == 200 else ""
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    project = {"name": f"Container check {secrets.token_hex(3)}", "budget": "12.50"}
    create_status, create_body = http(
        port, "POST", "/projects", body=json.dumps(project).encode(), headers=auth
    )
    created = json.loads(create_body) if create_status == 201 else {}
    read_status, read_body = (
        http(port, "GET", f"/projects/{created['id']}", headers=auth)
        if "id" in created
        else (0, "{}")
    )
    read = json.loads(read_body) if read_status == 200 else {}
    report.add(
        "login, create and read a project",
        login_status == 200
        and create_status == 201
        and read_status == 200
        and read.get("name") == project["name"]
        and read.get("budget") == project["budget"],
        f"login {login_status}, POST /projects {create_status}, "
        f"GET /projects/{{id}} {read_status} (same name and budget: "
        f"{read.get('name') == project['name'] and read.get('budget') == project['budget']})",
    )

    health = podman("healthcheck", "run", name, check=False, timeout=30)
    state = podman("inspect", "--format", "{{.State.Health.Status}}", name).stdout.strip()
    healthcheck = podman("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image)
    test: list[str] = (json.loads(healthcheck.stdout) or {}).get("Test") or []
    if test and test[0] == "CMD-SHELL":
        command = ["sh", "-c", " ".join(test[1:])]
    else:
        command = list(test[1:])
    by_exec = podman("exec", name, *command, check=False, timeout=30)
    report.add(
        "HEALTHCHECK",
        health.returncode == 0 and state == "healthy" and by_exec.returncode == 0,
        f"podman healthcheck run: exit {health.returncode}, status {state}; "
        f"its command by podman exec: exit {by_exec.returncode}",
    )


def stop_check(name: str, report: Report) -> None:
    started = time.monotonic()
    podman("stop", "--time", str(STOP_TIMEOUT), name, timeout=STOP_TIMEOUT + 60)
    seconds = time.monotonic() - started
    code = podman("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    graceful = "shutdown completed" in logs_of(name)
    report.add(
        "podman stop (SIGTERM)",
        code == "0" and seconds < STOP_TIMEOUT,
        f"exit code {code} after {seconds:.1f} s (timeout {STOP_TIMEOUT} s); "
        f"granian logged its shutdown: {graceful}",
    )


def size_check(image: str, base: str, report: Report) -> None:
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())
    base_size = int(podman("image", "inspect", "--format", "{{.Size}}", base).stdout.strip())
    history = json.loads(podman("history", "--format", "json", image).stdout)
    dependencies = max(
        (layer for layer in history if "pip install ." in layer.get("CreatedBy", "")),
        key=lambda layer: int(layer.get("size", 0)),
        default={"size": 0},
    )
    report.add(
        "image size",
        True,
        f"{size / MIB:.0f} MiB ({(size - base_size) / MIB:.0f} MiB over the "
        f"{base_size / MIB:.0f} MiB stand-in base; dependency layer "
        f"{int(dependencies['size']) / MIB:.0f} MiB)",
    )


# --- cleanup of images ---------------------------------------------------------------


def image_parents() -> dict[str, str]:
    """Every image's id (all, layers too) and its parent's id ('' for none)."""
    listed = podman("images", "--all", "--quiet", "--no-trunc", check=False).stdout.split()
    ids = sorted({i.removeprefix("sha256:") for i in listed})
    if not ids:
        return {}
    inspected = podman(
        "image", "inspect", "--format", "{{.Id}} {{.Parent}}", *ids, check=False
    ).stdout
    parents: dict[str, str] = {}
    for line in inspected.splitlines():
        image, _, parent = line.strip().partition(" ")
        parents[image] = parent.strip()
    return parents


def descends(image: str, ancestor: str, parents: dict[str, str]) -> bool:
    seen: set[str] = set()
    while image and image not in seen:
        if image == ancestor:
            return True
        seen.add(image)
        image = parents.get(image, "")
    return False


def remove_images(before: set[str], base: str, remove_base: bool) -> None:
    """Remove the images this run made: those new since `before` that descend from `base`.

    Removing an untagged leaf also removes its untagged parents (the build's layers), so
    leaves go first and the loop repeats until nothing more can go.
    """
    for _ in range(10):
        parents = image_parents()
        ours = [i for i in parents if i not in before and i != base and descends(i, base, parents)]
        if not ours:
            break
        leaves = [i for i in ours if i not in set(parents.values())]
        for image in leaves or ours:
            podman("rmi", image, check=False)
    if remove_base:
        podman("rmi", base, check=False)


# --- main ----------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Build and run a generated project's Dockerfile with podman and a "
        "stand-in python:3.11-slim."
    )
    parser.add_argument("--spec", type=Path, default=SPEC, help="spec to generate (demo)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "backsmith-container",
        help="where the stand-in's rootfs tarball is kept between runs",
    )
    parser.add_argument("--mirror", default="http://deb.debian.org/debian")
    parser.add_argument("--suite", default="bookworm", help="Debian release (12 has 3.11)")
    parser.add_argument(
        "--rebuild-base",
        action="store_true",
        help="debootstrap again and re-import, even with a cached tarball or image",
    )
    parser.add_argument(
        "--ca-bundle",
        default="/etc/ssl/certs/ca-certificates.crt",
        help="host CA bundle mounted over the image's during builds ('' for none)",
    )
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument(
        "--db-prefix", default="backsmith_container", help="the test database's name prefix"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=PORT,
        help="host port the server listens on (the container shares the host's network; "
        "set through the image's PORT)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the images made")
    arguments = parser.parse_args(argv)
    bundle = Path(arguments.ca_bundle) if arguments.ca_bundle else None
    return Options(
        spec=arguments.spec.resolve(),
        cache_dir=arguments.cache_dir,
        mirror=arguments.mirror,
        suite=arguments.suite,
        rebuild_base=arguments.rebuild_base,
        ca_bundle=bundle if bundle is not None and bundle.exists() else None,
        port=arguments.port,
        pg_url=arguments.pg_url,
        redis_host=arguments.redis_host,
        redis_port=arguments.redis_port,
        redis_db=arguments.redis_db,
        db_prefix=arguments.db_prefix,
        keep=arguments.keep,
    )


def preflight() -> None:
    missing = [
        tool for tool in ("podman", "runc", "debootstrap", "psql", "tar") if not shutil.which(tool)
    ]
    if missing:
        raise SetupError(f"missing: {', '.join(missing)} (apt-get install podman runc debootstrap)")
    if os.geteuid() != 0:
        raise SetupError("run as root: debootstrap, chroot and podman's storage need it")


def backsmith_command() -> list[str]:
    script = Path(sys.executable).with_name("backsmith")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backsmith"]


class Interrupted(BaseException):
    """SIGTERM, raised where the main thread is, so that cleanup runs."""


def interrupted(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    signal.signal(signal.SIGTERM, interrupted)
    report = Report(say=say)
    started = time.monotonic()
    code = 0
    with ExitStack() as cleanup:
        try:
            preflight()
            workdir = Path(tempfile.mkdtemp(prefix="backsmith-container-"))
            cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
            logs = workdir / "logs"
            logs.mkdir()
            before = {
                i.removeprefix("sha256:")
                for i in podman("images", "--all", "--quiet", "--no-trunc").stdout.split()
            }
            base, created_base = ensure_base_image(options, logs, report)
            if not options.keep:
                cleanup.callback(remove_images, before, base, created_base)

            project = workdir / "project"
            run([*backsmith_command(), "new", str(options.spec), "-o", str(project)], timeout=300)
            package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
            # A tag of its own unless kept: a kept image from an earlier run keeps its tag.
            tag = f"localhost/{package}:" + (
                "container-check" if options.keep else f"check-{os.getpid()}"
            )
            cold, warm, marker = build_checks(options, project, package, tag, logs, report)
            contents_checks(tag, package, marker, report)
            run_checks(options, tag, package, workdir, cleanup, report)
            size_check(tag, base, report)
            if options.keep:
                say(f"kept {tag} and {BASE_IMAGE}")
        except SetupError as error:
            say(f"error: {error}")
            code = 2
        except subprocess.TimeoutExpired as error:
            say(f"error: timed out: {error}")
            code = 2
        except OSError as error:
            say(f"error: {error!r}")
            code = 2
        except (KeyboardInterrupt, Interrupted) as error:
            say(f"interrupted ({type(error).__name__})")
            code = 130 if isinstance(error, KeyboardInterrupt) else 143
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the cleanup finish
        say("cleaning up")
    return report.finish(code, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
