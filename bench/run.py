"""Load-test a generated taskboard against the hand-tuned baseline, or profile one endpoint.

    .venv/bin/python bench/run.py                     # compare, 1 worker per app
    .venv/bin/python bench/run.py --workers 2
    .venv/bin/python bench/run.py --workers 2 --server granian   # another ASGI server
    .venv/bin/python bench/run.py --server granian --baseline-server granian
    .venv/bin/python bench/run.py --profile read      # py-spy the generated app under load

One command does everything: a fresh database, a freshly generated project (or
--project-dir), migrations, N seeded projects, both apps as separate server processes,
wrk as a separate process per run, a table and a JSON file in bench/results/, and
clean-up of processes, database and temporary files on exit, error or Ctrl-C.
bench/README.md explains the options and docs/adr/0010-load-generator.md the method.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import IO, Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import profiling

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SPEC = ROOT / "src" / "backsmith" / "demo" / "taskboard.yaml"
WRK_SCRIPTS = BENCH / "wrk"
HOST = "127.0.0.1"
ADMIN_EMAIL = "bench-admin@example.com"
ROW_KEYS = {"id", "name", "summary", "budget", "due_on", "created_at", "updated_at"}
PAGE_KEYS = {"items", "total", "limit", "offset"}
SEED_PREFIX = "seed-"
CREATED_PREFIX = "bench-"
GENERATED = "generated"
BASELINE = "baseline"
APPS = (GENERATED, BASELINE)


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    script: str
    path: str
    target: float
    """The generated/baseline throughput ratio the generator aims for."""


ENDPOINTS = {
    endpoint.key: endpoint
    for endpoint in (
        Endpoint("read", "GET /projects/{id}", "read_one.lua", "/projects/", 0.85),
        Endpoint("list", "GET /projects?limit=20", "list.lua", "/projects?limit=20&offset=0", 0.80),
        Endpoint("create", "POST /projects", "create.lua", "/projects", 0.80),
    )
}


class BenchError(Exception):
    """A run that must not be reported as a result: an error response, a dead server..."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP, raised like KeyboardInterrupt so that clean-up runs."""


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    workers: int
    server: str
    baseline_server: str
    duration: int
    warmup: int
    repeat: int
    connections: int
    threads: int
    rows: int
    endpoints: tuple[str, ...]
    apps: tuple[str, ...]
    label: str
    app_env: tuple[tuple[str, str], ...]
    variants: tuple[tuple[str, Path], ...]
    pool_size: int
    baseline_gc: str
    port: int
    pg_url: str
    redis: bool
    project_dir: Path | None
    results_dir: Path
    keep: bool
    strict: bool
    cooldown: float
    profile: str | None
    profile_app: str
    profile_seconds: int
    profile_rate: int
    profile_top: int
    nonblocking: bool
    native: bool
    gil: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Compare a generated taskboard with the hand-tuned baseline under wrk.",
    )
    add = parser.add_argument
    add("--workers", type=int, default=1, help="server worker processes per app (default 1)")
    add(
        "--server",
        choices=sorted(SERVERS),
        default="serve",
        help="what serves the generated app: its own `serve` command (granian, the default), "
        "uvicorn, gunicorn with uvicorn workers, gunicorn's own asgi worker, or plain granian; "
        "gunicorn and uvicorn-worker must be installed in this virtualenv",
    )
    add(
        "--baseline-server",
        choices=sorted(BASELINE_SERVERS),
        default="granian",
        help="what serves the baseline: granian (the default, as the generated app's own "
        "`serve`) or uvicorn with uvloop and httptools (from the bench extra)",
    )
    add("--duration", type=int, default=15, help="seconds measured per endpoint and app")
    add("--warmup", type=int, default=5, help="seconds of unmeasured load before each measure")
    add(
        "--repeat",
        type=int,
        default=1,
        help="measure each endpoint and app N times, alternating the order; report medians",
    )
    add("--connections", type=int, default=64, help="wrk connections (default 64)")
    add("--threads", type=int, default=1, help="wrk threads (default 1: wrk shares the CPUs)")
    add("--rows", type=int, default=1000, help="projects seeded before the run (default 1000)")
    add(
        "--endpoints",
        default="read,list,create",
        help="comma-separated subset of read,list,create, run in this order",
    )
    add(
        "--apps",
        default=",".join(APPS),
        help="comma-separated subset of generated,baseline (ratios need both)",
    )
    add(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also measure this generated project (e.g. an edited copy), alternating with the "
        "others; repeatable",
    )
    add("--label", default="", help="a note stored with the results, e.g. the variant tried")
    add(
        "--app-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra environment variable for the generated app (repeatable)",
    )
    add("--pool-size", type=int, default=10, help="database pool size of both apps (default 10)")
    add(
        "--baseline-gc",
        choices=["tuned", "default"],
        default="tuned",
        help="the baseline's garbage collector: tuned as the generated app's (frozen after "
        "start-up, young threshold 10,000; the default) or CPython's defaults",
    )
    add("--port", type=int, default=8701, help="generated app port; baseline uses port+1")
    add("--pg-url", default=f"postgresql://postgres@{HOST}:5432", help="server, no database")
    add("--redis", action="store_true", help="give the generated app REDIS_URL (rate limits)")
    add("--project-dir", type=Path, help="an already generated project to use as is")
    add("--results-dir", type=Path, default=BENCH / "results")
    add("--keep", action="store_true", help="keep the database and temporary folder")
    add("--strict", action="store_true", help="exit 2 when a ratio misses its target")
    add("--cooldown", type=float, default=1.0, help="seconds of rest between runs")
    add("--profile", choices=sorted(ENDPOINTS), help="profile this endpoint instead of comparing")
    add("--profile-app", choices=[*APPS, "both"], default=GENERATED)
    add("--profile-seconds", type=int, default=15, help="seconds py-spy samples")
    add("--profile-rate", type=int, default=200, help="py-spy samples per second")
    add("--profile-top", type=int, default=25, help="rows per profile table")
    add("--nonblocking", action="store_true", help="py-spy without pausing the process")
    add("--native", action="store_true", help="py-spy with native (C/Rust) frames")
    add("--gil", action="store_true", help="py-spy samples only threads holding the GIL")
    arguments = parser.parse_args(argv)
    endpoints = tuple(part.strip() for part in arguments.endpoints.split(",") if part.strip())
    unknown = [key for key in endpoints if key not in ENDPOINTS]
    if unknown or not endpoints:
        parser.error(f"--endpoints takes read, list and create; got {arguments.endpoints!r}")
    apps = tuple(part.strip() for part in arguments.apps.split(",") if part.strip())
    if arguments.profile:
        apps = APPS if arguments.profile_app == "both" else (arguments.profile_app,)
    if not apps or any(app not in APPS for app in apps):
        parser.error(f"--apps takes generated and baseline; got {arguments.apps!r}")
    app_env: list[tuple[str, str]] = []
    for item in arguments.app_env:
        key, equals, value = item.partition("=")
        if not key or not equals:
            parser.error(f"--app-env takes KEY=VALUE; got {item!r}")
        app_env.append((key, value))
    variants: list[tuple[str, Path]] = []
    for item in [] if arguments.profile else arguments.variant:
        name, equals, folder = item.partition("=")
        if not equals or not name.isidentifier() or name in APPS or not Path(folder).is_dir():
            parser.error(f"--variant takes NAME=DIR with an existing DIR; got {item!r}")
        variants.append((name, Path(folder).resolve()))
    apps = (*apps, *(name for name, _ in variants))
    if arguments.workers < 1 or arguments.threads < 1 or arguments.connections < arguments.threads:
        parser.error("need --workers >= 1 and --connections >= --threads >= 1")
    if arguments.duration < 1 or arguments.warmup < 0 or arguments.rows < 1 or arguments.repeat < 1:
        parser.error("need --duration >= 1, --warmup >= 0, --rows >= 1 and --repeat >= 1")
    return Options(
        workers=arguments.workers,
        server=arguments.server,
        baseline_server=arguments.baseline_server,
        duration=arguments.duration,
        warmup=arguments.warmup,
        repeat=arguments.repeat,
        connections=arguments.connections,
        threads=arguments.threads,
        rows=arguments.rows,
        endpoints=endpoints,
        apps=apps,
        label=arguments.label,
        app_env=tuple(app_env),
        variants=tuple(variants),
        pool_size=arguments.pool_size,
        baseline_gc=arguments.baseline_gc,
        port=arguments.port,
        pg_url=arguments.pg_url.rstrip("/"),
        redis=arguments.redis,
        project_dir=arguments.project_dir,
        results_dir=arguments.results_dir,
        keep=arguments.keep,
        strict=arguments.strict,
        cooldown=arguments.cooldown,
        profile=arguments.profile,
        profile_app=arguments.profile_app,
        profile_seconds=arguments.profile_seconds,
        profile_rate=arguments.profile_rate,
        profile_top=arguments.profile_top,
        nonblocking=arguments.nonblocking,
        native=arguments.native,
        gil=arguments.gil,
    )


# --------------------------------------------------------------------------- database


def _run_sql(dsn: str, *statements: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def create_database(pg_url: str, name: str) -> None:
    _run_sql(f"{pg_url}/postgres", f'CREATE DATABASE "{name}"')


def drop_database(pg_url: str, name: str) -> None:
    _run_sql(f"{pg_url}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_projects(dsn: str, rows: int) -> list[str]:
    """Insert `rows` projects with every column filled; returns their ids."""
    now = dt.datetime.now(dt.UTC)
    records = [
        (
            uuid.uuid4(),
            f"{SEED_PREFIX}{number:06d}",
            f"Seeded project number {number}, with a summary of a realistic length.",
            Decimal(number * 37 % 100_000) / 4,
            dt.date(2025, 1, 1) + dt.timedelta(days=number % 700),
            now - dt.timedelta(minutes=rows - number),
            now - dt.timedelta(minutes=rows - number),
        )
        for number in range(rows)
    ]

    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.copy_records_to_table(
                "projects",
                records=records,
                columns=["id", "name", "summary", "budget", "due_on", "created_at", "updated_at"],
            )
            await connection.execute("ANALYZE projects")
        finally:
            await connection.close()

    asyncio.run(run())
    return [str(record[0]) for record in records]


def reset_projects(dsn: str) -> None:
    """Back to the seeded rows, so that each app's create run starts from the same table."""
    _run_sql(
        dsn,
        f"DELETE FROM projects WHERE name NOT LIKE '{SEED_PREFIX}%'",  # noqa: S608 - constant
        "VACUUM ANALYZE projects",
    )


# --------------------------------------------------------------------------- processes


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    token: str | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(
                f"the {self.name} server exited with {self.process.returncode}:\n{tail(self.log)}"
            )


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start_server(
    name: str, command: list[str], *, cwd: Path, env: dict[str, str], port: int, log: Path
) -> Server:
    """Start a server in its own process group (so a stop reaches its workers too)."""
    handle: IO[bytes] = log.open("wb")
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        handle.close()
    return Server(name=name, port=port, process=process, log=log)


def stop_server(server: Server) -> None:
    """SIGTERM the server's process group (its id is the server's pid), then SIGKILL."""
    if server.process.poll() is not None:
        return
    group = server.process.pid
    try:
        os.killpg(group, signal.SIGTERM)
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        server.process.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            status, _ = http("GET", server.base + path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"the {server.name} server did not answer {path} in {timeout:.0f}s")


def process_tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc (a server's worker processes are children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process tree."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


THREAD_FIELDS = ("user_s", "system_s", "voluntary_switches", "involuntary_switches")


def thread_usage(root: int) -> dict[str, list[float]]:
    """CPU time and context switches of a process tree's threads, summed by kind of thread.

    A process's first thread is `main` (the event loop, in a server's worker), a Python
    thread started later `python-thread` (a log writer, a thread pool), others their
    name (granian's Rust threads, `tokio-runtime-w`...); each value is THREAD_FIELDS,
    in order. `cpu_seconds` tells how much CPU a request costs; this tells on which
    thread, and how often the threads handed the CPU to one another (voluntary
    switches: a thread waited, for the GIL, a lock or the socket)."""
    ticks = os.sysconf("SC_CLK_TCK")
    usage: dict[str, list[float]] = {}
    for pid in process_tree(root):
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stat = (task / "stat").read_text()
                status = (task / "status").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if task.name == str(pid):
                name = "main"
            elif name.startswith("python"):
                name = "python-thread"
            fields = stat.rsplit(")", 1)[1].split()
            switches = dict(
                line.split(":\t") for line in status.splitlines() if "ctxt_switches" in line
            )
            totals = usage.setdefault(name, [0.0, 0.0, 0.0, 0.0])
            totals[0] += int(fields[11]) / ticks
            totals[1] += int(fields[12]) / ticks
            totals[2] += int(switches.get("voluntary_ctxt_switches", 0))
            totals[3] += int(switches.get("nonvoluntary_ctxt_switches", 0))
    return usage


def usage_per_request(
    before: dict[str, list[float]], after: dict[str, list[float]], requests: int
) -> dict[str, dict[str, float]]:
    """What each kind of thread spent per request between two `thread_usage` snapshots:
    user and system CPU in microseconds, context switches as counts. A thread that
    exited in between is left out (its time is gone from /proc)."""
    per_request: dict[str, dict[str, float]] = {}
    for name, totals in after.items():
        start = before.get(name, [0.0, 0.0, 0.0, 0.0])
        delta = [now - then for now, then in zip(totals, start, strict=True)]
        if requests and any(delta):
            per_request[name] = {
                "user_us": round(delta[0] * 1e6 / requests, 1),
                "system_us": round(delta[1] * 1e6 / requests, 1),
                "voluntary_switches": round(delta[2] / requests, 3),
                "involuntary_switches": round(delta[3] / requests, 3),
            }
    return per_request


def busy_share(seconds: float = 1.0) -> float:
    """The share of all CPUs that was busy over `seconds` (0..1), from /proc/stat."""

    def sample() -> tuple[int, int]:
        values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    elapsed = max(total_after - total_before, 1)
    return 1 - (idle_after - idle_before) / elapsed


# --------------------------------------------------------------------------- HTTP


def http(
    method: str,
    url: str,
    *,
    json_body: object | None = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
) -> tuple[int, Any]:
    headers: dict[str, str] = {"Accept": "application/json"}
    data: bytes | None = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local URL
            status: int = response.status
            body = response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, body.decode(errors="replace")


def log_in(server: Server, password: str) -> str:
    try:
        status, body = http(
            "POST",
            server.base + "/auth/login",
            form={"username": ADMIN_EMAIL, "password": password},
        )
    except OSError as error:
        server.check_alive()
        raise BenchError(f"the {server.name} app refused the login: {error}") from None
    if status != 200 or not isinstance(body, dict) or "access_token" not in body:
        raise BenchError(f"login to the {server.name} app failed: {status} {body}")
    token: str = body["access_token"]
    return token


def check_responses(servers: dict[str, Server], sample_id: str, rows: int) -> None:
    """Before any load: every endpoint answers 2xx with the agreed shape, in both apps."""
    bodies: dict[str, Any] = {}
    for server in servers.values():
        status, one = http("GET", f"{server.base}/projects/{sample_id}", token=server.token)
        _expect(server, "GET one", status, 200, one, ROW_KEYS)
        status, page = http("GET", f"{server.base}/projects?limit=20&offset=0", token=server.token)
        _expect(server, "GET list", status, 200, page, PAGE_KEYS)
        if page["total"] != rows or len(page["items"]) != 20 or set(page["items"][0]) != ROW_KEYS:
            raise BenchError(f"{server.name}: unexpected page {str(page)[:300]}")
        bodies[server.name] = one
    for server in servers.values():
        body = {"name": f"{CREATED_PREFIX}check-{server.name}", "budget": "1.50"}
        status, created = http(
            "POST", f"{server.base}/projects", json_body=body, token=server.token
        )
        _expect(server, "POST", status, 201, created, ROW_KEYS)
    reference = bodies.get(BASELINE)
    for name, body in bodies.items():
        if reference is not None and name != BASELINE and body != reference:
            print(
                f"warning: {name} and the baseline render the same row differently:\n"
                f"  {name}: {body}\n  baseline: {reference}"
            )


def _expect(server: Server, what: str, status: int, wanted: int, body: Any, keys: set[str]) -> None:
    if status != wanted or not isinstance(body, dict) or set(body) != keys:
        raise BenchError(
            f"{server.name} {what}: expected {wanted} with keys {sorted(keys)}, "
            f"got {status}: {str(body)[:300]}"
        )


# --------------------------------------------------------------------------- wrk


@dataclass
class Measurement:
    endpoint: str
    app: str
    phase: str
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    app_cpu_seconds: float
    app_cpu_us_per_request: float
    load_average: float
    wrk_command: list[str] = field(default_factory=list)
    threads: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per kind of thread: CPU (user, system) and context switches per request."""


def wrk_command(
    options: Options, server: Server, endpoint: Endpoint, seconds: int, arguments: dict[str, str]
) -> list[str]:
    command = [
        shutil.which("wrk") or "wrk",
        "-t",
        str(options.threads),
        "-c",
        str(options.connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPTS / endpoint.script),
        server.base + endpoint.path,
        "--",
    ]
    if server.token is not None:
        arguments = {**arguments, "token": server.token}
    return command + [f"{key}={value}" for key, value in arguments.items()]


def parse_wrk(output: str, command: list[str]) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            summary: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return summary
    shown = " ".join(part if "token=" not in part else "token=..." for part in command)
    raise BenchError(f"wrk printed no summary for: {shown}\n{output}")


def measurement(
    summary: dict[str, Any],
    *,
    endpoint: Endpoint,
    server: Server,
    phase: str,
    cpu: float,
    command: list[str],
) -> Measurement:
    seconds = summary["duration_us"] / 1e6
    requests = int(summary["requests"])
    socket_errors = sum(
        int(summary[key]) for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return Measurement(
        endpoint=endpoint.key,
        app=server.name,
        phase=phase,
        seconds=round(seconds, 3),
        requests=requests,
        rps=round(requests / seconds, 1) if seconds else 0.0,
        p50_ms=summary["p50_us"] / 1000,
        p90_ms=summary["p90_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        mean_ms=round(summary["mean_us"] / 1000, 3),
        max_ms=summary["max_us"] / 1000,
        non2xx=int(summary["non2xx"]),
        socket_errors=socket_errors,
        app_cpu_seconds=round(cpu, 2),
        app_cpu_us_per_request=round(cpu * 1e6 / requests, 1) if requests else 0.0,
        load_average=os.getloadavg()[0],
        wrk_command=[part if "token=" not in part else "token=..." for part in command],
    )


def run_wrk(
    options: Options,
    server: Server,
    endpoint: Endpoint,
    seconds: int,
    phase: str,
    arguments: dict[str, str],
) -> Measurement:
    command = wrk_command(options, server, endpoint, seconds, arguments)
    cpu_before = cpu_seconds(server.process.pid)
    threads_before = thread_usage(server.process.pid)
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        start_new_session=True,
        check=False,
    )
    cpu = cpu_seconds(server.process.pid) - cpu_before
    threads_after = thread_usage(server.process.pid)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    summary = parse_wrk(completed.stdout, command)
    result = measurement(
        summary, endpoint=endpoint, server=server, phase=phase, cpu=cpu, command=command
    )
    result.threads = usage_per_request(threads_before, threads_after, result.requests)
    fail_on_errors(result, server, summary)
    return result


def thread_line(result: Measurement) -> str:
    """`result.threads` in one line: user+system us and voluntary/involuntary switches per
    request, busiest kind of thread first."""
    rows = sorted(
        result.threads.items(), key=lambda item: -(item[1]["user_us"] + item[1]["system_us"])
    )
    return "; ".join(
        f"{name} {usage['user_us']:,.0f}+{usage['system_us']:,.0f} us "
        f"{usage['voluntary_switches']:.2f}/{usage['involuntary_switches']:.2f} sw"
        for name, usage in rows
    )


def fail_on_errors(result: Measurement, server: Server, summary: dict[str, Any]) -> None:
    server.check_alive()
    if result.non2xx or result.socket_errors or result.requests == 0:
        raise BenchError(
            f"{server.name} {result.endpoint} ({result.phase}): {result.requests} requests, "
            f"{result.non2xx} non-2xx (first status {summary['first_bad_status']}), "
            f"{result.socket_errors} socket errors/timeouts. Server log tail:\n{tail(server.log)}"
        )


# --------------------------------------------------------------------------- the bench


@dataclass
class Setup:
    workdir: Path
    database: str
    dsn: str
    project: Path
    package: str
    ids_file: Path
    sample_id: str
    password: str
    servers: dict[str, Server] = field(default_factory=dict)


def prepare(options: Options, cleanup: ExitStack) -> Setup:
    workdir = scratch_folder("backsmith-bench-", options.keep, cleanup)
    database, dsn = scratch_database(options.pg_url, "bench", options.keep, cleanup)
    project, package = demo_project(options.project_dir, workdir)

    password = secrets.token_urlsafe(16)
    generated_env = generated_environment(dsn, password, options.pool_size)
    if options.redis:
        generated_env["REDIS_URL"] = f"redis://{HOST}:6379/0"
    generated_env.update(dict(options.app_env))

    step("migrating")
    migrate_project(package, project, generated_env)

    ids, ids_file = seed(dsn, options.rows, workdir)

    setup = Setup(
        workdir=workdir,
        database=database,
        dsn=dsn,
        project=project,
        package=package,
        ids_file=ids_file,
        sample_id=ids[0],
        password=password,
    )
    step(f"starting {', '.join(options.apps)}, {options.workers} worker(s) each")
    projects = [(GENERATED, project)] if GENERATED in options.apps else []
    for offset, (name, folder) in enumerate([*projects, *options.variants]):
        port = options.port if name == GENERATED else options.port + 2 + offset
        if options.workers > 1 and offset == 0:
            first_boot(folder, generated_env, port, workdir)
        server = start_server(
            name,
            app_command(options.server, find_package(folder), port, options.workers),
            cwd=folder,
            env=generated_env,
            port=port,
            log=workdir / f"{name}.log",
        )
        cleanup.callback(stop_server, server)
        setup.servers[name] = server
        # One at a time: each app creates the admin at start-up, and two doing so at
        # once on an empty users table race (one insert fails on the unique email).
        wait_ready(server, "/health/live")
    if BASELINE in options.apps:
        baseline = start_server(
            BASELINE,
            baseline_command(options.baseline_server, options.port + 1, options.workers),
            cwd=ROOT,
            env={
                **clean_environment(),
                "BASELINE_DSN": dsn,
                "BASELINE_POOL_SIZE": str(options.pool_size),
                "BASELINE_GC": options.baseline_gc,
            },
            port=options.port + 1,
            log=workdir / "baseline.log",
        )
        cleanup.callback(stop_server, baseline)
        setup.servers[BASELINE] = baseline
        wait_ready(baseline, "/projects?limit=1")
    for name, server in setup.servers.items():
        if name != BASELINE:
            server.token = log_in(server, password)
    check_responses(setup.servers, setup.sample_id, options.rows)
    reset_projects(dsn)
    return setup


SERVERS = ("serve", "uvicorn", "gunicorn", "gunicorn-asgi", "granian")


def app_command(server: str, package: str, port: int, workers: int) -> list[str]:
    """The command that serves a generated app with `workers` processes on `port`.

    `serve` is the project's own command (granian). The others run the same ASGI app
    (`<package>.main:app`) with the settings `serve` uses where they have one: a 20 s
    graceful shutdown, no access log of their own (the app writes one); `uvicorn` with
    uvloop and httptools, as the project served itself before it moved to granian.
    """
    bind = ["--port", str(port), "--workers", str(workers)]
    if server == "serve":
        return [sys.executable, "-m", package, "serve", "--host", HOST, *bind]
    target = f"{package}.main:app"
    if server == "uvicorn":
        return [
            *[sys.executable, "-m", "uvicorn", target, "--host", HOST, *bind],
            *["--loop", "uvloop", "--http", "httptools", "--no-access-log"],
            *["--timeout-graceful-shutdown", "20", "--log-level", "warning"],
        ]
    if server in ("gunicorn", "gunicorn-asgi"):
        worker = "uvicorn_worker.UvicornWorker" if server == "gunicorn" else "asgi"
        return [
            *[sys.executable, "-m", "gunicorn", target, "--worker-class", worker],
            *["--workers", str(workers), "--bind", f"{HOST}:{port}"],
            *["--graceful-timeout", "20", "--keep-alive", "5", "--log-level", "warning"],
        ]
    if server == "granian":
        return [
            *[sys.executable, "-m", "granian", "--interface", "asgi", "--host", HOST, *bind],
            *["--loop", "uvloop", "--http", "1", "--no-ws", "--log-level", "warning"],
            *["--workers-kill-timeout", "20", target],
        ]
    raise BenchError(f"unknown server {server!r}; expected one of {', '.join(SERVERS)}")


BASELINE_SERVERS = ("uvicorn", "granian")


def baseline_command(server: str, port: int, workers: int) -> list[str]:
    """The command that serves bench/baseline/app.py with `workers` processes on `port`."""
    app_dir = str(BENCH / "baseline")
    bind = ["--host", HOST, "--port", str(port), "--workers", str(workers)]
    if server == "uvicorn":
        return [
            *[sys.executable, "-m", "uvicorn", "app:app", "--app-dir", app_dir, *bind],
            *["--loop", "uvloop", "--http", "httptools", "--no-proxy-headers"],
            *["--no-access-log", "--log-level", "warning"],
        ]
    if server == "granian":
        return [
            *[sys.executable, "-m", "granian", "--interface", "asgi", *bind],
            *["--loop", "uvloop", "--http", "1", "--no-ws", "--log-level", "warning"],
            *["--working-dir", app_dir, "app:app"],
        ]
    raise BenchError(f"unknown server {server!r}; expected one of {', '.join(BASELINE_SERVERS)}")


def first_boot(project: Path, env: dict[str, str], port: int, workdir: Path) -> None:
    """Start the app once with one worker, so that it creates the admin, and stop it.

    Every worker creates the admin in its lifespan when it is missing; on an empty users
    table, workers starting together race and the loser's insert fails on the unique
    email, which stops the server. The benchmark measures the steady state (a restart).
    """
    step("first boot with one worker (creates the admin)")
    server = start_server(
        "first boot",
        [sys.executable, "-m", find_package(project), "serve", "--host", HOST, "--port", str(port)],
        cwd=project,
        env=env,
        port=port,
        log=workdir / "first-boot.log",
    )
    try:
        wait_ready(server, "/health/live")
    finally:
        stop_server(server)


def migrate_project(package: str, project: Path, env: dict[str, str]) -> None:
    """Run the generated project's migrations; `BenchError` with its output if they fail."""
    migrate = subprocess.run(
        [sys.executable, "-m", package, "migrate"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrate.returncode != 0:
        raise BenchError(f"migration failed:\n{migrate.stdout}\n{migrate.stderr}")


def scratch_folder(prefix: str, keep: bool, cleanup: ExitStack) -> Path:
    """A temporary folder for the run, removed at the end unless `keep`."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    if keep:
        print(f"keeping {workdir}")
    else:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
    return workdir


def scratch_database(pg_url: str, prefix: str, keep: bool, cleanup: ExitStack) -> tuple[str, str]:
    """A fresh database, dropped at the end unless `keep`: its name and its DSN."""
    database = f"{prefix}_{dt.datetime.now():%Y%m%d_%H%M%S}_{os.getpid()}"
    step(f"database {database}")
    create_database(pg_url, database)
    if not keep:
        cleanup.callback(drop_database, pg_url, database)
    return database, f"{pg_url}/{database}"


def demo_project(project_dir: Path | None, workdir: Path) -> tuple[Path, str]:
    """The project to measure, generated from the demo spec into `workdir` unless one is
    given, and its package name."""
    if project_dir is not None:
        project = project_dir.resolve()
    else:
        project = workdir / "taskboard"
        step(f"generating {SPEC.relative_to(ROOT)} into {project}")
        started = time.perf_counter()
        from backsmith.generate import new  # type: ignore[import-untyped, unused-ignore]

        new(SPEC, project)
        print(f"  generated in {time.perf_counter() - started:.1f}s")
    return project, find_package(project)


def seed(dsn: str, rows: int, workdir: Path) -> tuple[list[str], Path]:
    """Seed `rows` projects; their ids, and the file wrk's read script takes them from."""
    step(f"seeding {rows} projects")
    ids = seed_projects(dsn, rows)
    ids_file = workdir / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    return ids, ids_file


def generated_environment(dsn: str, password: str, pool_size: int) -> dict[str, str]:
    """The generated app as users run it: production settings, JWT auth with the bootstrap
    admin, the access log on, and a rate limit counted on every request that never refuses."""
    return {
        **clean_environment(),
        "PYTHONPATH": "src",
        "DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "DATABASE_POOL_SIZE": str(pool_size),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENVIRONMENT": "production",
        "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": password,
        "RATE_LIMIT_DEFAULT": "1000000/minute",
        "ACCESS_LOG": "true",
    }


def clean_environment() -> dict[str, str]:
    """The parent's environment without settings either app would read."""
    dropped = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PYTHONPATH", "ACCESS_LOG"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def find_package(project: Path) -> str:
    candidates = sorted(path.parent.name for path in (project / "src").glob("*/__main__.py"))
    if len(candidates) != 1:
        raise BenchError(f"expected one package with __main__.py under {project}/src")
    return candidates[0]


def step(message: str) -> None:
    print(f"== {message}", flush=True)


def script_arguments(setup: Setup, endpoint: Endpoint, app: str, phase: str) -> dict[str, str]:
    if endpoint.key == "read":
        return {"ids": str(setup.ids_file)}
    if endpoint.key == "create":
        return {"prefix": f"{CREATED_PREFIX}{app}-{phase}-{secrets.token_hex(4)}"}
    return {}


def compare(options: Options, setup: Setup) -> int:
    results: list[Measurement] = []
    warmups: list[Measurement] = []
    before = busy_share()
    if before > 0.15:
        print(
            f"warning: {before:.0%} of the CPUs were busy before the run started; "
            "other load on this machine will skew the numbers"
        )
    for key in options.endpoints:
        endpoint = ENDPOINTS[key]
        for round_number in range(options.repeat):
            order = options.apps if round_number % 2 == 0 else options.apps[::-1]
            for app in order:
                server = setup.servers[app]
                if server.name != BASELINE:
                    server.token = log_in(server, setup.password)
                if options.warmup and round_number == 0:
                    step(f"{endpoint.label} on {app}: warm-up {options.warmup}s")
                    arguments = script_arguments(setup, endpoint, app, "warmup")
                    warmups.append(
                        run_wrk(options, server, endpoint, options.warmup, "warmup", arguments)
                    )
                    if endpoint.key == "create":
                        reset_projects(setup.dsn)
                which = f" ({round_number + 1}/{options.repeat})" if options.repeat > 1 else ""
                step(f"{endpoint.label} on {app}: measuring {options.duration}s{which}")
                arguments = script_arguments(setup, endpoint, app, f"measure{round_number}")
                result = run_wrk(options, server, endpoint, options.duration, "measure", arguments)
                results.append(result)
                print(
                    f"   {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                    f"p99 {result.p99_ms:.1f} ms, {result.app_cpu_us_per_request:,.0f} us CPU/req"
                )
                print(f"   per request, user+system CPU, switches: {thread_line(result)}")
                if endpoint.key == "create":
                    reset_projects(setup.dsn)
                time.sleep(options.cooldown)

    summary = medians(results) if options.repeat > 1 else results
    ratios = ratio_table(summary, options.endpoints)
    print()
    print(render_table(options, summary, ratios))
    if options.repeat > 1:
        print("\n".join(spread_lines(options, results)))
    print("per request by thread (user+system us, voluntary/involuntary context switches):")
    for result in summary:
        print(f"  {ENDPOINTS[result.endpoint].label:<24}{result.app:<12}{thread_line(result)}")
    path = write_results(
        options,
        {
            "kind": "compare",
            "label": options.label,
            "baseline_gc": options.baseline_gc,
            "busy_share_before": round(before, 3),
            "results": [asdict(result) for result in results],
            "medians": [asdict(result) for result in summary] if options.repeat > 1 else [],
            "warmups": [asdict(result) for result in warmups],
            "ratios": ratios.get(GENERATED, {}),
            "ratios_by_app": ratios,
        },
    )
    print(f"\nresults: {path}")
    missed = [key for key, ratio in ratios.get(GENERATED, {}).items() if not ratio["met"]]
    if missed and options.strict:
        print(f"below target: {', '.join(missed)}")
        return 2
    return 0


def medians(results: list[Measurement]) -> list[Measurement]:
    """One Measurement per endpoint and app, each number the median over the repeats."""
    groups: dict[tuple[str, str], list[Measurement]] = {}
    for result in results:
        groups.setdefault((result.endpoint, result.app), []).append(result)
    summary: list[Measurement] = []
    for (endpoint, app), group in groups.items():

        def median(name: str, group: list[Measurement] = group) -> float:
            return float(statistics.median(getattr(result, name) for result in group))

        summary.append(
            Measurement(
                endpoint=endpoint,
                app=app,
                phase=f"median of {len(group)}",
                seconds=median("seconds"),
                requests=int(median("requests")),
                rps=median("rps"),
                p50_ms=median("p50_ms"),
                p90_ms=median("p90_ms"),
                p99_ms=median("p99_ms"),
                mean_ms=median("mean_ms"),
                max_ms=median("max_ms"),
                non2xx=sum(result.non2xx for result in group),
                socket_errors=sum(result.socket_errors for result in group),
                app_cpu_seconds=median("app_cpu_seconds"),
                app_cpu_us_per_request=median("app_cpu_us_per_request"),
                load_average=median("load_average"),
                threads=_median_threads(group),
            )
        )
    return summary


def _median_threads(group: list[Measurement]) -> dict[str, dict[str, float]]:
    """Each kind of thread's figures, the median over the runs that saw it."""
    names = {name for result in group for name in result.threads}
    return {
        name: {
            key: float(statistics.median(r.threads[name][key] for r in group if name in r.threads))
            for key in ("user_us", "system_us", "voluntary_switches", "involuntary_switches")
        }
        for name in sorted(names)
    }


def ratio_table(
    results: list[Measurement], endpoints: Sequence[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """For every app but the baseline: endpoint -> its req/s over the baseline's, and more."""
    by_key = {(result.endpoint, result.app): result for result in results}
    ratios: dict[str, dict[str, dict[str, Any]]] = {}
    for (key, app), result in by_key.items():
        baseline = by_key.get((key, BASELINE))
        if app == BASELINE or baseline is None or key not in endpoints:
            continue
        ratio = result.rps / baseline.rps if baseline.rps else 0.0
        cpu = result.app_cpu_us_per_request
        ratios.setdefault(app, {})[key] = {
            "ratio": round(ratio, 3),
            "target": ENDPOINTS[key].target,
            "met": ratio >= ENDPOINTS[key].target,
            "cpu_ratio": round(baseline.app_cpu_us_per_request / cpu, 3) if cpu else 0.0,
        }
    return ratios


def render_table(
    options: Options, results: list[Measurement], ratios: dict[str, dict[str, dict[str, Any]]]
) -> str:
    width = max(11, *(len(app) + 2 for app in options.apps))
    header = (
        f"{'endpoint':<24}{'app':<{width}}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU us/req':>11}{'err/non2xx':>12}  {'x/base':>7}  target"
    )
    lines = [
        f"server={options.server} baseline-server={options.baseline_server} "
        f"baseline-gc={options.baseline_gc} workers={options.workers} "
        f"connections={options.connections} "
        f"duration={options.duration}s warmup={options.warmup}s rows={options.rows} "
        f"wrk threads={options.threads} cpus={os.cpu_count()}"
        + (f" (medians of {options.repeat} runs)" if options.repeat > 1 else ""),
        header,
        "-" * len(header),
    ]
    for key in options.endpoints:
        for app in options.apps:
            result = next((r for r in results if r.endpoint == key and r.app == app), None)
            if result is None:
                continue
            ratio = ratios.get(app, {}).get(key)
            verdict = ""
            if ratio is not None:
                verdict = f"  {ratio['ratio']:>7.2f}"
                if app == GENERATED:
                    met = "met" if ratio["met"] else "MISSED"
                    verdict += f"  >= {ratio['target']:.2f} {met}"
            lines.append(
                f"{ENDPOINTS[key].label:<24}{app:<{width}}{result.rps:>9,.0f}"
                f"{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.app_cpu_us_per_request:>11,.0f}"
                f"{f'{result.socket_errors}/{result.non2xx}':>12}{verdict}"
            )
    lines.append(
        "x/base = this app's req/s / baseline req/s (target: generated only). "
        "CPU us/req = server CPU time per request."
    )
    return "\n".join(lines)


def spread_lines(options: Options, results: list[Measurement]) -> list[str]:
    """The lowest and highest req/s of the repeats behind each median: how far to trust it."""
    lines = ["req/s of each run (lowest to highest):"]
    for key in options.endpoints:
        for app in options.apps:
            runs = sorted(r.rps for r in results if r.endpoint == key and r.app == app)
            if runs:
                figures = ", ".join(f"{rps:,.0f}" for rps in runs)
                lines.append(f"  {ENDPOINTS[key].label:<24}{app:<12}{figures}")
    return lines


def write_results(options: Options, payload: dict[str, Any]) -> Path:
    kind = f"profile-{options.profile}" if options.profile else "compare"
    return save_results(
        options.results_dir,
        f"{kind}-w{options.workers}",
        options,
        payload,
        load_average=os.getloadavg(),
    )


def save_results(
    results_dir: Path, name: str, options: Any, body: dict[str, Any], **machine: Any
) -> Path:
    """`results_dir/<time>-<name>.json` (the folder is gitignored): when, on what machine
    (plus `machine`), with which options (a dataclass), and `body`. Shared by the
    benchmark scripts."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{name}.json"
    document = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            **machine,
        },
        "options": {key: str(value) for key, value in asdict(options).items()},
        **body,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


# --------------------------------------------------------------------------- profiling


def py_spy() -> Path:
    binary = Path(sys.executable).parent / "py-spy"
    if binary.exists():
        return binary
    found = shutil.which("py-spy")
    if found:
        return Path(found)
    step("py-spy is missing: installing it into this virtualenv")
    subprocess.run([sys.executable, "-m", "pip", "install", "py-spy"], check=True)
    return binary


def profile(options: Options, setup: Setup) -> int:
    assert options.profile is not None  # noqa: S101 - main() only calls this with --profile
    endpoint = ENDPOINTS[options.profile]
    apps = options.apps
    spy = py_spy()
    report: dict[str, Any] = {
        "kind": "profile",
        "label": options.label,
        "endpoint": endpoint.key,
        "apps": {},
    }
    for app in apps:
        server = setup.servers[app]
        if server.name != BASELINE:
            server.token = log_in(server, setup.password)
        seconds = options.warmup + options.profile_seconds + 3
        command = wrk_command(
            options, server, endpoint, seconds, script_arguments(setup, endpoint, app, "profile")
        )
        step(f"profiling {app} on {endpoint.label}: {options.profile_seconds}s under load")
        raw = setup.workdir / f"py-spy-{app}-{endpoint.key}.txt"
        load = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            time.sleep(options.warmup + 1)
            record = [
                *[str(spy), "record", "--pid", str(server.process.pid)],
                *["--rate", str(options.profile_rate), "--duration", str(options.profile_seconds)],
                *["--format", "raw", "--function", "--output", str(raw)],
                "--subprocesses",  # granian serves from worker processes, even just one
            ]
            if options.nonblocking:
                record.append("--nonblocking")
            if options.native:
                record.append("--native")
            if options.gil:
                record.append("--gil")
            spied = subprocess.run(record, capture_output=True, text=True, check=False)
            if spied.returncode != 0 or not raw.exists():
                raise BenchError(
                    f"py-spy failed ({spied.returncode}): {spied.stderr.strip()}\n"
                    "It needs ptrace: run as root or with CAP_SYS_PTRACE, or try --nonblocking."
                )
            stdout, stderr = load.communicate(timeout=seconds + 60)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait()
        summary = parse_wrk(stdout, command)
        result = measurement(
            summary, endpoint=endpoint, server=server, phase="profile", cpu=0.0, command=command
        )
        fail_on_errors(result, server, summary)
        parsed = profiling.load(raw)
        print(
            f"\n#### {app}, {endpoint.label}: {result.rps:,.0f} req/s under the profiler "
            f"(py-spy {options.profile_rate} Hz{', nonblocking' if options.nonblocking else ''})"
        )
        print(profiling.render(parsed, top=options.profile_top))
        options.results_dir.mkdir(parents=True, exist_ok=True)
        kept = options.results_dir / f"{dt.datetime.now():%Y%m%d-%H%M%S}-{raw.name}"
        shutil.copyfile(raw, kept)
        report["apps"][app] = {
            "rps_under_profiler": result.rps,
            "raw": str(kept),
            "samples": parsed.samples,
            "other_thread_samples": parsed.other_threads,
            "own": parsed.own.most_common(options.profile_top),
            "cumulative": profiling.cumulative_rows(parsed, options.profile_top),
            "own_by_package": parsed.own_by_package.most_common(20),
        }
        if endpoint.key == "create":
            reset_projects(setup.dsn)
    path = write_results(options, report)
    print(f"\nresults: {path}")
    return 0


# --------------------------------------------------------------------------- main


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextmanager
def cleaning_up() -> Iterator[ExitStack]:
    """An ExitStack whose callbacks run on success, error, Ctrl-C, SIGTERM and SIGHUP."""
    previous = {
        signum: signal.signal(signum, _raise_interrupted)
        for signum in (signal.SIGTERM, signal.SIGHUP)
    }
    stack = ExitStack()
    try:
        yield stack
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop clean-up
        try:
            step("cleaning up")
            stack.close()
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        with cleaning_up() as cleanup:
            setup = prepare(options, cleanup)
            code = profile(options, setup) if options.profile else compare(options, setup)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    print(f"done in {time.monotonic() - started:.0f}s")
    return code


if __name__ == "__main__":
    sys.exit(main())
