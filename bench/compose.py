"""Run a generated project's compose.yaml for real: Docker's engine, stand-in images.

Why this exists: every generated project ships a compose.yaml (services migrate, app,
worker, db and redis) that users start with `docker compose up --build`. The machines
this project runs on have no Docker engine running and reach no container registry.
This script starts a Docker engine of its own (Debian's `docker.io`, 20.10), makes
stand-ins for the registry images with bench/standin.py (`python:3.11-slim`,
`postgres:16-alpine`, `redis:7-alpine`, all from Debian bookworm: see its docstring for
what differs from the real images and so stays untested), and runs the generated
compose.yaml unchanged with Compose (`docker compose` v2 if the plugin is there, else
Debian's `docker-compose` 1.29). It checks, printing a line per check:

- the stand-ins and the build (`compose build`: the project's image, built once per
  service that names `build`, the second and third from the cache);
- on a fresh volume, db's healthcheck does not pass before PostgreSQL accepts TCP (the
  image's first start runs a temporary server on the Unix socket only);
- `migrate` exits 0, and before `app` starts (`depends_on: service_completed_successfully`);
- `app` answers /health/ready with 200 through the published port, and Docker calls it
  healthy (the image's HEALTHCHECK);
- a user registers, the bootstrap admin (ADMIN_EMAIL / ADMIN_PASSWORD) logs in, creates
  a project and reads it back;
- the `worker` service runs, and a job queued through Redis runs on it: deleting a
  project queues its audit event on the Redis stream, and the event appears in
  /audit-events;
- rate-limit windows live in Redis: a `<prefix>:limits:*` key appears there;
- `compose stop` ends worker and app with exit code 0, app within its stop_grace_period;
  a project deleted between the two queues a job that no worker can run yet;
- `compose down` + `compose up`: the named volumes remain, the project created earlier
  reads back, `migrate` runs again and exits 0, and the job queued before the `down`
  runs (its audit event appears);
- the images' sizes.

Only what this machine forces differs from a user's `docker compose up --build`, all in
the environment and in an override file written beside the project (never in
compose.yaml):

- `APP_PORT=<--port>` (8811): the host port app is published on (compose.yaml says
  `${APP_PORT:-8000}:8000`);
- the engine runs with `--iptables=false` (it must not change this machine's firewall),
  so its containers have no route out; the override gives the three services that
  build `build.network: host`, so that pip reaches PyPI during the build;
- `DOCKER_BUILDKIT=0`: BuildKit would fetch the `# syntax=docker/dockerfile:1` frontend
  from Docker Hub; the classic builder reads that line as a comment. With Debian's
  docker-compose 1.29, `COMPOSE_DOCKER_CLI_BUILD=0` too (it builds through the API);
- the python stand-in carries this machine's CA bundle (--ca-bundle), as the sandbox
  re-signs outgoing HTTPS.

Run it as root on a machine with `apt-get install docker.io docker-compose debootstrap`:

    .venv/bin/python bench/compose.py              # 2-3 minutes; 7+ making the stand-ins
    .venv/bin/python bench/compose.py --keep       # keep the project's images

It exits 1 if a check failed, 2 if it stopped early (a missing tool, a failed build, a
busy port) and 130 or 143 on Ctrl-C or SIGTERM. The stack (containers, volumes,
network), the project's images and the temporary folder are removed at the end, also on
an error, Ctrl-C or SIGTERM, and the engine it started is stopped. The stand-in images
stay in the engine's folder (--engine-dir) and their root filesystems in --cache-dir,
so the next run skips making them.
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
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from local_http import http
from report import Report
from standin import (
    MIB,
    POSTGRES,
    PYTHON,
    REDIS,
    STAND_IN_LABEL,
    SetupError,
    StandIn,
    forget,
    import_image,
    mounts_under,
    rootfs_tarball,
    run,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "src" / "backsmith" / "demo" / "taskboard.yaml"
BUILT = ("migrate", "app", "worker")
"""The services that build the project's image."""


def say(message: str) -> None:
    print(f"[compose] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Options:
    spec: Path
    port: int
    cache_dir: Path
    engine_dir: Path
    docker_host: str | None
    mirror: str
    suite: str
    rebuild_base: bool
    ca_bundle: Path | None
    keep: bool


# --- the engine ----------------------------------------------------------------------


class Engine:
    """A Docker engine: one this script starts (in --engine-dir), or --docker-host's."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.process: subprocess.Popen[bytes] | None = None
        folder = options.engine_dir
        self.host = options.docker_host or f"unix://{folder / 'docker.sock'}"
        self.env = {**os.environ, "DOCKER_HOST": self.host, "DOCKER_BUILDKIT": "0"}
        self.env["COMPOSE_DOCKER_CLI_BUILD"] = "0"

    @property
    def own(self) -> bool:
        return self.options.docker_host is None

    def docker(
        self, *args: str, timeout: float = 120, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return run(["docker", *args], timeout=timeout, check=check, env=self.env)

    def start(self) -> None:
        if not self.own:
            self.docker("info", "--format", "{{.ServerVersion}}")
            return
        folder = self.options.engine_dir
        (folder / "data").mkdir(parents=True, exist_ok=True)
        pidfile = folder / "dockerd.pid"
        if pidfile.exists() and Path(f"/proc/{pidfile.read_text().strip()}").exists():
            raise SetupError(f"a dockerd already runs from {folder} (pid in {pidfile})")
        say(f"starting dockerd in {folder}")
        log = (folder / "dockerd.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                "dockerd",
                f"--data-root={folder / 'data'}",
                f"--exec-root={folder / 'exec'}",
                f"--host={self.host}",
                f"--pidfile={pidfile}",
                # This machine's firewall and routing are not the engine's to change.
                "--iptables=false",
                "--ip-forward=false",
                "--ip-masq=false",
                "--bridge=none",
                "--default-address-pool=base=172.31.240.0/20,size=24",
                "--containerd-namespace=backsmith-compose",
                "--containerd-plugins-namespace=backsmith-compose-plugins",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this script, which stops it in order
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(f"dockerd exited {self.process.returncode}: see {folder}")
            if self.docker("info", "--format", "{{.ServerVersion}}", check=False).returncode == 0:
                return
            time.sleep(0.5)
        raise SetupError(f"dockerd did not answer within 60 s: see {folder}/dockerd.log")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # dockerd leaves its network namespace's bind mount behind.
        for point in mounts_under(self.options.engine_dir / "exec"):
            run(["umount", "--lazy", point], check=False)

    def image_exists(self, reference: str) -> bool:
        return self.docker("image", "inspect", reference, check=False).returncode == 0

    def size(self, reference: str) -> int:
        return int(self.docker("image", "inspect", "--format", "{{.Size}}", reference).stdout)


def leftovers(engine: Engine) -> None:
    """Say what the run left in its own engine: anything but the stand-ins (after the
    stack's `down`, which runs first). Dangling layers are pruned."""
    if not engine.own:
        return
    engine.docker("image", "prune", "--force", check=False)
    stand_ins = {
        engine.docker("image", "inspect", "--format", "{{.Id}}", s.name, check=False).stdout.strip()
        for s in (PYTHON, POSTGRES, REDIS)
    }
    images = set(engine.docker("images", "--quiet", "--no-trunc").stdout.split())
    found = {
        "containers": engine.docker("ps", "--all", "--quiet").stdout.split(),
        "volumes": engine.docker("volume", "ls", "--quiet").stdout.split(),
        "networks": [
            n
            for n in engine.docker("network", "ls", "--format", "{{.Name}}").stdout.split()
            if n not in ("bridge", "host", "none")
        ],
        "images": sorted(images - stand_ins),
    }
    left = {kind: names for kind, names in found.items() if names}
    say(f"left in the engine: {left}" if left else "left in the engine: the stand-ins only")


def ensure_stand_ins(options: Options, engine: Engine, logs: Path, report: Report) -> None:
    """Each stand-in under its official name: reused if there, else made and imported."""
    figures: list[str] = []
    started = time.monotonic()
    if options.rebuild_base:
        forget(options.cache_dir, options.suite, (PYTHON, POSTGRES, REDIS))
    for stand_in in (PYTHON, POSTGRES, REDIS):
        figures.append(ensure_stand_in(options, engine, stand_in, logs))
    report.add(
        "stand-in images",
        True,
        f"{'; '.join(figures)} ({time.monotonic() - started:.1f} s)",
    )


def ensure_stand_in(options: Options, engine: Engine, stand_in: StandIn, logs: Path) -> str:
    reference = stand_in.name
    if engine.image_exists(reference) and not options.rebuild_base:
        labels = engine.docker("image", "inspect", "--format", "{{json .Config.Labels}}", reference)
        if STAND_IN_LABEL not in labels.stdout:
            say(f"{reference} is there but NOT a stand-in made by this script: using it")
        return f"{reference} {engine.size(reference) / MIB:.0f} MiB, reused"
    tarball, made = rootfs_tarball(
        stand_in,
        cache_dir=options.cache_dir,
        suite=options.suite,
        mirror=options.mirror,
        logs=logs,
        say=say,
    )
    files = {}
    if stand_in is PYTHON and options.ca_bundle is not None:
        files["/etc/ssl/certs/ca-certificates.crt"] = options.ca_bundle
    import_image(
        ("docker",), stand_in, tarball, reference, options.suite, files=files, env=engine.env
    )
    source = "debootstrap" if made else "cached tarball"
    return f"{reference} {engine.size(reference) / MIB:.0f} MiB, from {source}"


# --- compose -------------------------------------------------------------------------


class Compose:
    """`docker compose` (v2) or `docker-compose` (1.29) on one project."""

    def __init__(self, engine: Engine, project: Path, override: Path, name: str) -> None:
        self.engine = engine
        self.project = project
        v2 = engine.docker("compose", "version", check=False).returncode == 0
        self.command = ["docker", "compose"] if v2 else ["docker-compose"]
        self.files = ["-f", str(project / "compose.yaml"), "-f", str(override)]
        self.name = name
        self.env = dict(engine.env)

    def version(self) -> str:
        return run([*self.command, "version", "--short"], env=self.env).stdout.strip()

    def __call__(
        self, *args: str, timeout: float = 300, check: bool = True, log: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run(
            [*self.command, "--project-name", self.name, *self.files, *args],
            timeout=timeout,
            check=check,
            log=log,
            env=self.env,
        )

    def container(self, service: str) -> str:
        """The id of the service's container, running or not ('' when it has none)."""
        ids = self("ps", "--all", "-q", service, check=False).stdout.split()
        return ids[-1] if ids else ""

    def state(self, service: str) -> dict[str, Any]:
        container = self.container(service)
        if not container:
            return {}
        inspected = self.engine.docker("inspect", "--format", "{{json .State}}", container)
        state: dict[str, Any] = json.loads(inspected.stdout)
        return state

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = yaml.safe_load(self("config").stdout)
        return config

    def logs(self, *services: str) -> str:
        return self("logs", "--no-color", *services, check=False).stdout


def override_file(project: Path, folder: Path) -> Path:
    """This machine's build network, for every service that builds (see the docstring)."""
    services = {
        service: {"build": {"context": str(project), "network": "host"}} for service in BUILT
    }
    path = folder / "compose.override.bench.yaml"
    path.write_text(yaml.safe_dump({"services": services}, sort_keys=False), encoding="utf-8")
    return path


def parse_time(text: str) -> float:
    """Docker's RFC 3339 time with nanoseconds, as seconds since the epoch."""
    found = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", text)
    if not found:
        return 0.0
    whole = time.mktime(time.strptime(found.group(1), "%Y-%m-%dT%H:%M:%S")) - time.timezone
    return whole + float(f"0.{found.group(2) or 0}")


def duration(text: str) -> float:
    """A compose duration (`25s`, `1m30s`, or seconds as a number) in seconds."""
    if isinstance(text, int | float):
        return float(text)
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", str(text))
    return sum(float(value) * units[unit] for value, unit in parts)


# --- HTTP and Redis ------------------------------------------------------------------


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, str]:
        return http(self.port, method, path, body=body, headers=headers, timeout=timeout)

    def json(self, method: str, path: str, token: str = "", payload: object = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = None if payload is None else json.dumps(payload).encode()
        status, text = self(method, path, body=body, headers=headers)
        return status, (json.loads(text) if text.strip().startswith(("{", "[")) else {})

    def login(self, email: str, password: str) -> tuple[int, str]:
        form = urllib.parse.urlencode({"username": email, "password": password}).encode()
        status, text = self(
            "POST",
            "/auth/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        token = json.loads(text).get("access_token", "") if status == 200 else ""
        return status, token

    def wait_ready(self, deadline: float) -> tuple[int, float]:
        """/health/ready's status once it is 200 (or the last one seen), and how long."""
        started = time.monotonic()
        status = 0
        while time.monotonic() < started + deadline:
            try:
                status, _ = self("GET", "/health/ready", timeout=3)
                if status == 200:
                    break
            except OSError:
                status = 0
            time.sleep(0.5)
        return status, time.monotonic() - started


def redis_cli(compose: Compose, *words: str) -> str:
    """A redis-cli command in the redis service's own container."""
    container = compose.container("redis")
    return compose.engine.docker("exec", container, "redis-cli", *words).stdout.strip()


# --- the checks ----------------------------------------------------------------------


@dataclass
class Admin:
    email: str
    password: str


def db_start_check(compose: Compose, report: Report) -> None:
    """On a fresh volume, db's healthcheck must not pass before PostgreSQL serves TCP.

    The image's entrypoint first runs a temporary server on the Unix socket only (to
    create the role and database), then stops it and starts the real one. A check that
    asks the socket passes during that window, and `service_healthy` lets migrate
    connect over the network to a server that is not listening yet, or is stopping.
    """
    test = compose.config()["services"]["db"]["healthcheck"]["test"]
    command = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else list(test[1:])
    compose("up", "--detach", "db")
    container = compose.container("db")
    early = window = probes = 0
    tcp = 1
    started = time.monotonic()
    while time.monotonic() < started + 90:
        check = compose.engine.docker("exec", container, *command, check=False).returncode
        unix = compose.engine.docker("exec", container, "pg_isready", "-q", check=False)
        tcp = compose.engine.docker(
            "exec", container, "pg_isready", "-q", "-h", "127.0.0.1", check=False
        ).returncode
        probes += 1
        early += check == 0 and tcp != 0
        window += unix.returncode == 0 and tcp != 0
        if tcp == 0:
            break
    report.add(
        "db healthcheck waits for TCP",
        early == 0 and tcp == 0,
        f"healthcheck {' '.join(test[1:])!r}: passed {early} of {probes} probes while "
        f"PostgreSQL did not yet accept TCP (the socket-only init server seen in {window}); "
        f"TCP after {time.monotonic() - started:.1f} s",
    )


def up_checks(compose: Compose, client: Client, report: Report, *, label: str) -> bool:
    """`up -d`, then migrate's exit and order, app's readiness and health."""
    started = time.monotonic()
    compose("up", "--detach", timeout=600)
    up_seconds = time.monotonic() - started
    status, seconds = client.wait_ready(180)
    migrate = compose.state("migrate")
    app = compose.state("app")
    finished = parse_time(migrate.get("FinishedAt", ""))
    app_started = parse_time(app.get("StartedAt", ""))
    report.add(
        f"migrate before app{label}",
        migrate.get("Status") == "exited"
        and migrate.get("ExitCode") == 0
        and 0 < finished <= app_started,
        f"migrate {migrate.get('Status')}, exit {migrate.get('ExitCode')}; app started "
        f"{app_started - finished:.2f} s after migrate ended",
    )
    health = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        health = compose.state("app").get("Health", {}).get("Status", "")
        if health != "starting":
            break
        time.sleep(1)
    report.add(
        f"app ready and healthy{label}",
        status == 200 and health == "healthy",
        f"`up -d` returned in {up_seconds:.1f} s; /health/ready {status} on port "
        f"{client.port} {seconds:.1f} s later; Docker health: {health}",
    )
    return status == 200


def api_checks(
    compose: Compose, client: Client, admin: Admin, report: Report
) -> tuple[str, dict[str, Any]]:
    """Register, log in, create and read a project; the token and the project."""
    email = f"user-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(12)
    registered, _ = client.json(
        "POST", "/auth/register", payload={"email": email, "password": password}
    )
    user_login, _ = client.login(email, password)
    admin_login, token = client.login(admin.email, admin.password)
    project = {"name": f"Compose check {secrets.token_hex(3)}", "budget": "12.50"}
    created_status, created = client.json("POST", "/projects", token, project)
    read_status, read = (
        client.json("GET", f"/projects/{created['id']}", token) if "id" in created else (0, {})
    )
    same = read.get("name") == project["name"] and read.get("budget") == project["budget"]
    report.add(
        "register, log in, create and read a project",
        registered == 201 and user_login == 200 and admin_login == 200 and same,
        f"register {registered}, user login {user_login}, admin login {admin_login}, "
        f"POST /projects {created_status}, GET /projects/{{id}} {read_status}, same name and "
        f"budget: {same}",
    )
    return token, read


def job_check(compose: Compose, client: Client, token: str, report: Report) -> None:
    """A project deleted by the admin queues its audit event; the worker records it."""
    worker = compose.state("worker")
    stream = jobs_stream(compose)
    before = int(redis_cli(compose, "XLEN", stream) or 0) if stream else 0
    _, doomed = client.json("POST", "/projects", token, {"name": f"Doomed {secrets.token_hex(3)}"})
    deleted, _ = client.json("DELETE", f"/projects/{doomed.get('id')}", token)
    seconds = audit_event(client, token, str(doomed.get("id")), 30)
    stream = stream or jobs_stream(compose)
    after = int(redis_cli(compose, "XLEN", stream) or 0) if stream else 0
    pending = redis_cli(compose, "XPENDING", stream, "taskiq").splitlines() if stream else []
    report.add(
        "worker runs a job queued in Redis",
        worker.get("Status") == "running"
        and deleted == 204
        and seconds is not None
        and after == before + 1,
        f"worker {worker.get('Status')}; DELETE /projects/{{id}} {deleted}; stream "
        f"{stream or '-'} {before} -> {after} entries (pending: {pending[0] if pending else '-'})"
        f"; audit event {f'seen after {seconds:.1f} s' if seconds is not None else 'NOT seen'}",
    )


def rate_limit_check(compose: Compose, report: Report) -> None:
    keys = [k for k in redis_cli(compose, "--scan", "--pattern", "*:limits:*").split() if k]
    report.add(
        "rate-limit windows in Redis",
        bool(keys),
        f"{len(keys)} key(s), e.g. {keys[0] if keys else '-'}",
    )


def jobs_stream(compose: Compose) -> str:
    keys = redis_cli(compose, "--scan", "--pattern", "*:jobs").split()
    return keys[0] if keys else ""


def audit_event(client: Client, token: str, row_id: str, deadline: float) -> float | None:
    """How long until the audit event of deleting `row_id` could be read (None: never)."""
    started = time.monotonic()
    while True:
        _, page = client.json("GET", "/audit-events?resource=projects&limit=50", token)
        if any(event.get("row_id") == row_id for event in page.get("items", [])):
            return time.monotonic() - started
        if time.monotonic() > started + deadline:
            return None
        time.sleep(0.5)


def stop_checks(compose: Compose, client: Client, token: str, report: Report) -> str:
    """`compose stop` the worker, queue a job it cannot run yet, then stop app; the id of
    the row whose audit event waits in Redis."""
    grace = duration(compose.config()["services"]["app"].get("stop_grace_period", "10s"))
    started = time.monotonic()
    compose("stop", "worker", timeout=120)
    worker_seconds = time.monotonic() - started
    worker = compose.state("worker")

    stream = jobs_stream(compose)
    before = int(redis_cli(compose, "XLEN", stream) or 0)
    _, doomed = client.json("POST", "/projects", token, {"name": f"Queued {secrets.token_hex(3)}"})
    deleted, _ = client.json("DELETE", f"/projects/{doomed.get('id')}", token)
    time.sleep(1)  # the job is sent after the response
    after = int(redis_cli(compose, "XLEN", stream) or 0)

    started = time.monotonic()
    compose("stop", "app", timeout=grace + 60)
    seconds = time.monotonic() - started
    app = compose.state("app")
    graceful = "shutdown completed" in compose.logs("app")
    report.add(
        "compose stop app and worker (SIGTERM)",
        app.get("ExitCode") == 0 and worker.get("ExitCode") == 0 and seconds < grace,
        f"worker exit {worker.get('ExitCode')} after {worker_seconds:.1f} s; app exit "
        f"{app.get('ExitCode')} after {seconds:.1f} s (its stop_grace_period {grace:.0f} s); "
        f"granian logged its shutdown: {graceful}",
    )
    report.add(
        "a job queued while the worker is stopped",
        deleted == 204 and after == before + 1,
        f"DELETE /projects/{{id}} {deleted}; {stream} {before} -> {after} entries",
    )
    return str(doomed.get("id"))


def persistence_check(
    compose: Compose,
    client: Client,
    admin: Admin,
    project: dict[str, Any],
    queued: str,
    report: Report,
) -> None:
    started = time.monotonic()
    compose("down", timeout=300)
    down_seconds = time.monotonic() - started
    volumes = compose.engine.docker("volume", "ls", "--format", "{{.Name}}").stdout.split()
    named = sorted(v for v in volumes if v.startswith(compose.name))
    if not up_checks(compose, client, report, label=" (after down + up)"):
        report.add("data survives down + up", False, "app never became ready again")
        return
    _, token = client.login(admin.email, admin.password)
    status, read = client.json("GET", f"/projects/{project.get('id')}", token)
    report.add(
        "data survives down + up",
        any(v.endswith("db-data") for v in named)
        and status == 200
        and read.get("name") == project.get("name"),
        f"`down` in {down_seconds:.1f} s kept {', '.join(named) or 'NO volume'}; the project "
        f"reads back: {status}, same name: {read.get('name') == project.get('name')}",
    )
    seconds = audit_event(client, token, queued, 30)
    report.add(
        "the queued job runs after down + up",
        seconds is not None,
        f"its audit event {'appeared' if seconds is not None else 'did NOT appear'}"
        f"{f' after {seconds:.1f} s' if seconds is not None else ' within 30 s'} "
        "(the stream lives in redis's /data)",
    )


def size_check(engine: Engine, compose: Compose, report: Report) -> None:
    """The project's image (compose tags one per building service: `<project>_app` or
    `<project>-app`) and the stand-ins."""
    listed = engine.docker(
        "images", "--format", "{{.ID}} {{.Repository}}", "--filter", f"reference={compose.name}*"
    ).stdout.split("\n")
    ids = sorted({line.split()[0] for line in listed if line.strip()})
    sizes = sorted({engine.size(i) for i in ids})
    stand_ins = ", ".join(
        f"{s.name} {engine.size(s.name) / MIB:.0f} MiB" for s in (PYTHON, POSTGRES, REDIS)
    )
    report.add(
        "image sizes",
        bool(ids),
        f"project image {', '.join(f'{size / MIB:.0f}' for size in sizes)} MiB "
        f"({len(ids)} distinct image(s) tagged for {', '.join(BUILT)}); stand-ins: {stand_ins}",
    )


# --- main ----------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Run a generated project's compose.yaml with Docker and stand-in images."
    )
    parser.add_argument("--spec", type=Path, default=SPEC, help="spec to generate (demo)")
    parser.add_argument("--port", type=int, default=8811, help="host port app is published on")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "backsmith-container",
        help="where the stand-ins' root filesystems are kept (shared with container.py)",
    )
    parser.add_argument(
        "--engine-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "backsmith-compose",
        help="the Docker engine's folder (its images, so the stand-ins, stay there)",
    )
    parser.add_argument(
        "--docker-host", help="use this running engine (DOCKER_HOST) instead of starting one"
    )
    parser.add_argument("--mirror", default="http://deb.debian.org/debian")
    parser.add_argument("--suite", default="bookworm", help="Debian release of the stand-ins")
    parser.add_argument(
        "--rebuild-base",
        action="store_true",
        help="make the stand-ins again (debootstrap), even with cached tarballs or images",
    )
    parser.add_argument(
        "--ca-bundle",
        default="/etc/ssl/certs/ca-certificates.crt",
        help="host CA bundle put in the python stand-in ('' for none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the project's images")
    arguments = parser.parse_args(argv)
    bundle = Path(arguments.ca_bundle) if arguments.ca_bundle else None
    return Options(
        spec=arguments.spec.resolve(),
        port=arguments.port,
        cache_dir=arguments.cache_dir,
        engine_dir=arguments.engine_dir,
        docker_host=arguments.docker_host,
        mirror=arguments.mirror,
        suite=arguments.suite,
        rebuild_base=arguments.rebuild_base,
        ca_bundle=bundle if bundle is not None and bundle.exists() else None,
        keep=arguments.keep,
    )


def preflight(options: Options) -> None:
    tools = ["docker", "debootstrap", "tar"]
    if options.docker_host is None:
        tools.append("dockerd")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if not shutil.which("docker-compose"):
        plugin = (
            run(["docker", "compose", "version"], check=False) if shutil.which("docker") else None
        )
        if plugin is None or plugin.returncode != 0:
            missing.append("docker compose or docker-compose")
    if missing:
        raise SetupError(
            f"missing: {', '.join(missing)} (apt-get install docker.io docker-compose debootstrap)"
        )
    if os.geteuid() != 0:
        raise SetupError("run as root: dockerd, debootstrap and chroot need it")
    with socket.socket() as sock:
        sock.settimeout(1)
        if sock.connect_ex(("127.0.0.1", options.port)) == 0:
            raise SetupError(f"port {options.port} is in use on this host (--port)")


def backsmith_command() -> list[str]:
    script = Path(sys.executable).with_name("backsmith")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backsmith"]


class Interrupted(BaseException):
    """SIGTERM, raised where the main thread is, so that cleanup runs."""


def interrupted(_signum: int, _frame: FrameType | None) -> None:
    raise Interrupted


def package_of(project: Path) -> str:
    return next(p.name for p in (project / "src").iterdir() if p.is_dir())


def checks(
    options: Options, engine: Engine, workdir: Path, cleanup: ExitStack, report: Report
) -> None:
    logs = workdir / "logs"
    logs.mkdir()
    ensure_stand_ins(options, engine, logs, report)

    project = workdir / "project"
    run([*backsmith_command(), "new", str(options.spec), "-o", str(project)], timeout=300)
    name = f"bscompose{os.getpid()}"
    compose = Compose(engine, project, override_file(project, workdir), name)
    admin = Admin("admin@example.com", secrets.token_urlsafe(18))
    compose.env.update(
        {
            "APP_PORT": str(options.port),
            "SECRET_KEY": secrets.token_urlsafe(36),
            "ADMIN_EMAIL": admin.email,
            "ADMIN_PASSWORD": admin.password,
        }
    )
    down = ["down", "--volumes", "--remove-orphans", "--timeout", "5"]
    if not options.keep:
        down += ["--rmi", "local"]
    cleanup.callback(compose, *down, check=False)
    say(f"{' '.join(compose.command)} {compose.version()}; project {name} in {project}")

    say("building (dependencies from PyPI)")
    started = time.monotonic()
    built = compose("build", timeout=1800, check=False, log=logs / "build.log")
    seconds = time.monotonic() - started
    steps = len(re.findall(r"^Step \d+/\d+", built.stdout, flags=re.MULTILINE))
    cached = built.stdout.count("Using cache")
    report.add(
        "compose build",
        built.returncode == 0,
        f"exit {built.returncode} in {seconds:.1f} s; {steps} steps over {len(BUILT)} services, "
        f"{cached} from the cache",
    )
    if built.returncode != 0:
        raise SetupError("compose build failed:\n" + "\n".join(built.stdout.splitlines()[-30:]))

    client = Client(options.port)
    try:
        db_start_check(compose, report)
        if not up_checks(compose, client, report, label=""):
            return
        token, read = api_checks(compose, client, admin, report)
        job_check(compose, client, token, report)
        rate_limit_check(compose, report)
        queued = stop_checks(compose, client, token, report)
        persistence_check(compose, client, admin, read, queued, report)
        size_check(engine, compose, report)
    finally:
        if report.failed:
            say("logs tail:\n" + "\n".join(compose.logs().splitlines()[-40:]))


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    signal.signal(signal.SIGTERM, interrupted)
    report = Report(say=say)
    started = time.monotonic()
    code = 0
    with ExitStack() as cleanup:
        try:
            preflight(options)
            engine = Engine(options)
            cleanup.callback(engine.stop)
            engine.start()
            cleanup.callback(leftovers, engine)
            workdir = Path(tempfile.mkdtemp(prefix="backsmith-compose-"))
            cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
            checks(options, engine, workdir, cleanup, report)
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
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        say("cleaning up")
    return report.finish(code, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
