"""Scale-out under load: the generated taskboard with `serve --workers N` and REDIS_URL.

    .venv/bin/python bench/scale.py                   # all three phases (about 2 minutes)
    .venv/bin/python bench/scale.py --phases load     # one phase

Phases, each against the same server on PostgreSQL, authenticated as the bootstrap admin,
with a mix of GET one / GET list / POST create from wrk (bench/wrk/mix.lua):

- load:    --connections (256) for --load-seconds (30). Goal: no socket error, no
           non-2xx, no 5xx.
- restart: PostgreSQL is restarted --restart-after (5) seconds into a --restart-seconds
           (25) run. Goal: 503s while it is down, no other 5xx, all 2xx again soon after,
           and the same server and worker pids (the app recovered by itself).
- drain:   SIGTERM to the server's process group --drain-after (5) seconds into the load.
           Goal: no request the server had already received is cut. A tracer client
           (keep-alive connections, timestamps on every request) tells requests cut in
           flight from connections refused or reset after the server stopped accepting.

Restarting PostgreSQL breaks everyone else's connections: do not run this next to the
test suite on the same cluster (bench/README.md shows how to give it a cluster of its
own, and describes the output). `--server` serves the app with gunicorn or granian
instead of its own `serve` command, as in bench/run.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import run
from run import HOST, BenchError, Interrupted, Server, step

PHASES = ("load", "restart", "drain")
DEFAULT_RESTART = "pg_ctlcluster --skip-systemctl-redirect {version} main restart"
BAD_CLASSES = ("503", "5xx", "other")
"""Timeline classes that are not 2xx (see bench/wrk/mix.lua)."""


@dataclass(frozen=True)
class Options:
    phases: tuple[str, ...]
    workers: int
    server: str
    connections: int
    threads: int
    rows: int
    pool_size: int
    load_seconds: int
    restart_seconds: int
    restart_after: float
    drain_seconds: int
    drain_after: float
    tracers: int
    read_share: int
    list_share: int
    port: int
    pg_url: str
    redis_url: str
    restart_command: str
    project_dir: Path | None
    results_dir: Path
    keep: bool
    strict: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--phases", default=",".join(PHASES), help="comma-separated subset of load,restart,drain")
    add("--workers", type=int, default=2, help="server worker processes (default 2)")
    add(
        "--server",
        choices=run.SERVERS,
        default="serve",
        help="serve (the project's own command, granian; the default) or another server, "
        "as in run.py",
    )
    add("--connections", type=int, default=256, help="wrk connections (default 256)")
    add("--threads", type=int, default=1, help="wrk threads (default 1)")
    add("--rows", type=int, default=1000, help="projects seeded (default 1000)")
    add("--pool-size", type=int, default=10, help="DATABASE_POOL_SIZE per worker (default 10)")
    add("--load-seconds", type=int, default=30)
    add("--restart-seconds", type=int, default=25)
    add("--restart-after", type=float, default=5.0, help="seconds of load before the restart")
    add("--drain-seconds", type=int, default=15)
    add("--drain-after", type=float, default=5.0, help="seconds of load before SIGTERM")
    add("--tracers", type=int, default=16, help="tracer connections during the drain")
    add("--mix", default="50,30", help="percent of GET one, GET list (POST takes the rest)")
    add("--port", type=int, default=8711)
    add("--pg-url", default=f"postgresql://postgres@{HOST}:5432", help="server, no database")
    add(
        "--redis-url",
        default=f"redis://{HOST}:6379/14",
        help="REDIS_URL for the app; its database is flushed first (default db 14)",
    )
    add(
        "--restart-command",
        default="",
        help=f"how to restart PostgreSQL (default: {DEFAULT_RESTART})",
    )
    add("--project-dir", type=Path, help="an already generated taskboard to use as is")
    add("--results-dir", type=Path, default=run.BENCH / "results")
    add("--keep", action="store_true", help="keep the database and temporary folder")
    add("--strict", action="store_true", help="exit 2 when a goal is missed")
    arguments = parser.parse_args(argv)
    phases = tuple(part.strip() for part in arguments.phases.split(",") if part.strip())
    if not phases or any(phase not in PHASES for phase in phases):
        parser.error(f"--phases takes a subset of {','.join(PHASES)}")
    read_share, list_share = (int(part) for part in arguments.mix.split(","))
    if read_share < 0 or list_share < 0 or read_share + list_share > 100:
        parser.error("--mix is two percentages adding up to at most 100")
    return Options(
        phases=phases,
        workers=arguments.workers,
        server=arguments.server,
        connections=arguments.connections,
        threads=arguments.threads,
        rows=arguments.rows,
        pool_size=arguments.pool_size,
        load_seconds=arguments.load_seconds,
        restart_seconds=arguments.restart_seconds,
        restart_after=arguments.restart_after,
        drain_seconds=arguments.drain_seconds,
        drain_after=arguments.drain_after,
        tracers=arguments.tracers,
        read_share=read_share,
        list_share=list_share,
        port=arguments.port,
        pg_url=arguments.pg_url.rstrip("/"),
        redis_url=arguments.redis_url,
        restart_command=arguments.restart_command or default_restart_command(),
        project_dir=arguments.project_dir,
        results_dir=arguments.results_dir,
        keep=arguments.keep,
        strict=arguments.strict,
    )


def default_restart_command() -> str:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    version = versions[0].name if versions else "15"
    return DEFAULT_RESTART.format(version=version)


# --------------------------------------------------------------------------- set-up


@dataclass
class Setup:
    workdir: Path
    dsn: str
    project: Path
    ids_file: Path
    password: str
    env: dict[str, str]
    server: Server


def prepare(options: Options, cleanup: ExitStack) -> Setup:
    workdir = run.scratch_folder("backsmith-scale-", options.keep, cleanup)
    _, dsn = run.scratch_database(options.pg_url, "scale", options.keep, cleanup)
    project, package = run.demo_project(options.project_dir, workdir)

    flush_redis(options.redis_url)
    password = secrets.token_urlsafe(16)
    env = {
        **run.generated_environment(dsn, password, options.pool_size),
        "REDIS_URL": options.redis_url,
        "RATE_LIMIT_DEFAULT": "100000/second",
        "RATE_LIMIT_AUTH": "100000/second",
    }
    step("migrating")
    run.migrate_project(package, project, env)
    ids, ids_file = run.seed(dsn, options.rows, workdir)

    # All workers start together on an empty users table, as in production: each one
    # tries to create the admin, and the losers must carry on.
    command = run.app_command(options.server, package, options.port, options.workers)
    step(f"starting {shlex.join(command[1:])} with REDIS_URL")
    server = run.start_server(
        "generated",
        command,
        cwd=project,
        env=env,
        port=options.port,
        log=workdir / "server.log",
    )
    cleanup.callback(run.stop_server, server)
    run.wait_ready(server, "/health/ready")
    server.token = run.log_in(server, password)
    run.check_responses({"generated": server}, ids[0], options.rows)
    return Setup(workdir, dsn, project, ids_file, password, env, server)


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise BenchError(f"cannot reach Redis at {url}: {error}") from None
    finally:
        client.close()


def worker_pids(server: Server) -> list[int]:
    """The server's descendants but multiprocessing's resource tracker: its workers."""
    found = []
    for pid in run.process_tree(server.process.pid)[1:]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            found.append(pid)
    return sorted(found)


# --------------------------------------------------------------------------- wrk


@dataclass
class Load:
    """What one wrk run saw."""

    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    connect_errors: int
    read_errors: int
    write_errors: int
    timeouts: int
    timeline: list[tuple[int, str, int]] = field(repr=False)

    @property
    def non2xx(self) -> int:
        return sum(count for status, count in self.statuses.items() if not 200 <= status <= 299)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def socket_errors(self) -> int:
        return self.connect_errors + self.read_errors + self.write_errors + self.timeouts

    def summary(self) -> dict[str, Any]:
        document = asdict(self)
        del document["timeline"]
        document["statuses"] = {str(key): value for key, value in sorted(self.statuses.items())}
        document.update(
            non2xx=self.non2xx, server_errors=self.server_errors, socket_errors=self.socket_errors
        )
        return document


def start_wrk(options: Options, setup: Setup, seconds: int, label: str) -> subprocess.Popen[str]:
    command = [
        shutil.which("wrk") or "wrk",
        *["-t", str(options.threads), "-c", str(options.connections), "-d", f"{seconds}s"],
        *["--timeout", "30s", "-s", str(run.WRK_SCRIPTS / "mix.lua"), setup.server.base, "--"],
        f"ids={setup.ids_file}",
        f"prefix=scale-{label}-{secrets.token_hex(4)}",
        f"read={options.read_share}",
        f"list={options.list_share}",
        f"token={setup.server.token}",
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish_wrk(process: subprocess.Popen[str], seconds: int) -> Load:
    try:
        stdout, stderr = process.communicate(timeout=seconds + 90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise BenchError("wrk did not finish") from None
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}): {stderr.strip()}")
    summary = run.parse_wrk(stdout, ["wrk"])
    extra: dict[str, Any] | None = None
    for line in stdout.splitlines():
        if line.startswith("BENCH_STATUS_JSON "):
            extra = json.loads(line.removeprefix("BENCH_STATUS_JSON "))
    if extra is None:
        raise BenchError(f"wrk printed no status counts:\n{stdout}")
    duration = summary["duration_us"] / 1e6
    requests = int(summary["requests"])
    return Load(
        seconds=round(duration, 2),
        requests=requests,
        rps=round(requests / duration, 1) if duration else 0.0,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        max_ms=summary["max_us"] / 1000,
        statuses={int(status): count for status, count in extra["statuses"].items()},
        connect_errors=int(summary["connect_errors"]),
        read_errors=int(summary["read_errors"]),
        write_errors=int(summary["write_errors"]),
        timeouts=int(summary["timeouts"]),
        timeline=sorted((int(tick), cls, int(count)) for tick, cls, count in extra["timeline"]),
    )


def per_second(load: Load, start: float, before: int, after: int) -> list[dict[str, Any]]:
    """Responses per second by class, from `before` seconds before `start` to `after` after."""
    rows: dict[int, Counter[str]] = {}
    for tick, cls, count in load.timeline:
        second = int(tick // 10 - int(start))
        if -before <= second <= after:
            rows.setdefault(second, Counter())[cls] += count
    return [{"second": second, **dict(rows[second])} for second in sorted(rows)]


# --------------------------------------------------------------------------- phases


def phase_load(options: Options, setup: Setup) -> dict[str, Any]:
    step(f"load: {options.connections} connections for {options.load_seconds}s")
    setup.server.token = run.log_in(setup.server, setup.password)
    load = finish_wrk(start_wrk(options, setup, options.load_seconds, "load"), options.load_seconds)
    setup.server.check_alive()
    goals = {
        "no socket errors": load.socket_errors == 0,
        "no non-2xx": load.non2xx == 0,
        "no 5xx": load.server_errors == 0,
    }
    return {"load": load.summary(), "goals": goals}


def phase_restart(options: Options, setup: Setup) -> dict[str, Any]:
    step(
        f"restart: PostgreSQL restarted {options.restart_after:.0f}s into "
        f"{options.restart_seconds}s of load ({options.restart_command})"
    )
    server = setup.server
    server.token = run.log_in(server, setup.password)
    pids_before = (server.process.pid, worker_pids(server))
    started = time.time()
    wrk = start_wrk(options, setup, options.restart_seconds, "restart")
    time.sleep(max(0.0, started + options.restart_after - time.time()))
    restart_at = time.time()
    restart = subprocess.run(
        shlex.split(options.restart_command), capture_output=True, text=True, check=False
    )
    restart_seconds = time.time() - restart_at
    if restart.returncode != 0:
        wrk.kill()
        raise BenchError(f"restart failed ({restart.returncode}): {restart.stderr.strip()}")
    load = finish_wrk(wrk, options.restart_seconds)
    server.check_alive()
    pids_after = (server.process.pid, worker_pids(server))
    ready, _ = run.http("GET", server.base + "/health/ready")

    bad = [(tick, cls, count) for tick, cls, count in load.timeline if cls in BAD_CLASSES]
    bad_before = sum(count for tick, _, count in bad if tick / 10 < restart_at - 0.1)
    last_tick = max((tick for tick, _, _ in load.timeline), default=0)
    first_bad = min((tick for tick, _, _ in bad), default=None)
    last_bad = max((tick for tick, _, _ in bad), default=None)
    recovered_after = round((last_bad + 1) / 10 - restart_at, 1) if last_bad is not None else 0.0
    others = load.server_errors - load.statuses.get(503, 0)
    result = {
        "restart_command_seconds": round(restart_seconds, 2),
        "load": load.summary(),
        "count_503": load.statuses.get(503, 0),
        "other_5xx": others,
        "first_non2xx_after_restart_s": (
            round(first_bad / 10 - restart_at, 1) if first_bad is not None else None
        ),
        "all_2xx_again_after_s": recovered_after,
        "seconds_of_2xx_at_the_end": round((last_tick - (last_bad or 0)) / 10, 1),
        "server_pid": {"before": pids_before[0], "after": pids_after[0]},
        "worker_pids": {"before": pids_before[1], "after": pids_after[1]},
        "ready_after": ready,
        "per_second": per_second(load, restart_at, 2, int(recovered_after) + 2),
    }
    result["goals"] = {
        "no non-2xx before the restart": bad_before == 0,
        "no 5xx but 503": others == 0,
        "no socket errors": load.socket_errors == 0,
        "all 2xx again before the run ended": last_bad is not None and last_tick - last_bad >= 20,
        "same server and worker pids": pids_before == pids_after,
        "ready afterwards": ready == 200,
    }
    return result


@dataclass
class Attempt:
    """One request by the tracer: wall-clock times and what came of it."""

    opened: float
    """When its connection was established (or, if refused, attempted)."""
    sent: float
    finished: float
    outcome: str
    """"response", "refused" (at connect), or "dropped" (no response: reset, EOF, timeout)."""
    status: int = 0
    error: str = ""


class Tracer:
    """Keep-alive clients that timestamp every request, in a thread of their own.

    wrk counts socket errors but cannot say when they happened or whether the request
    had been sent; this can. Each client sends GET /projects/{id}, reads the response,
    waits 0-20 ms (as a real client does between requests) and goes on, reconnecting
    when the server closes the connection.
    """

    def __init__(self, server: Server, ids: list[str], clients: int) -> None:
        self.server = server
        self.ids = ids
        self.clients = clients
        self.attempts: list[Attempt] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    async def _main(self) -> None:
        await asyncio.gather(*(self._client() for _ in range(self.clients)))

    def _request(self) -> bytes:
        return (
            f"GET /projects/{random.choice(self.ids)} HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Authorization: Bearer {self.server.token}\r\n\r\n"
        ).encode()

    async def _client(self) -> None:
        while not self._stop.is_set():
            opened = time.time()
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(HOST, self.server.port), 10
                )
            except ConnectionRefusedError:
                self.attempts.append(Attempt(opened, opened, time.time(), "refused"))
                await asyncio.sleep(0.05)
                continue
            except (OSError, TimeoutError) as error:
                now = time.time()
                self.attempts.append(
                    Attempt(opened, opened, now, "dropped", error=type(error).__name__)
                )
                await asyncio.sleep(0.05)
                continue
            opened = time.time()
            try:
                await self._converse(reader, writer, opened)
            finally:
                writer.close()

    async def _converse(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, opened: float
    ) -> None:
        while not self._stop.is_set():
            sent = time.time()
            try:
                writer.write(self._request())
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 40)
                lines = head.decode("latin-1").split("\r\n")
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines[1:] if line)
                }
                await reader.readexactly(int(headers.get("content-length", "0")))
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
                self.attempts.append(
                    Attempt(opened, sent, time.time(), "dropped", error=type(error).__name__)
                )
                return
            status = int(lines[0].split(" ", 2)[1])
            self.attempts.append(Attempt(opened, sent, time.time(), "response", status))
            if headers.get("connection", "").lower() == "close":
                return
            await asyncio.sleep(random.uniform(0, 0.02))


def classify(attempts: list[Attempt], sigterm: float) -> dict[str, int]:
    """What became of the tracer's requests that were not answered before SIGTERM."""
    counts: Counter[str] = Counter()
    for attempt in attempts:
        if attempt.finished < sigterm:
            counts["answered before SIGTERM"] += 1
        elif attempt.outcome == "response":
            ok = 200 <= attempt.status <= 299
            counts["answered after SIGTERM: 2xx" if ok else "answered after SIGTERM: non-2xx"] += 1
        elif attempt.outcome == "refused":
            counts["refused (connect)"] += 1
        elif attempt.sent < sigterm:
            counts["CUT: sent before SIGTERM, no response"] += 1
        elif attempt.opened < sigterm:
            counts["dropped: sent after SIGTERM on an older keep-alive connection"] += 1
        else:
            counts["dropped: connection opened after SIGTERM, never served"] += 1
    return dict(counts)


def phase_drain(options: Options, setup: Setup) -> dict[str, Any]:
    step(f"drain: SIGTERM {options.drain_after:.0f}s into {options.drain_seconds}s of load")
    server = setup.server
    server.token = run.log_in(server, setup.password)
    ids = setup.ids_file.read_text().split()
    tracer = Tracer(server, ids, options.tracers)
    started = time.time()
    wrk = start_wrk(options, setup, options.drain_seconds, "drain")
    tracer.start()
    time.sleep(max(0.0, started + options.drain_after - time.time()))
    sigterm = time.time()
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        code = server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        code = None
    exited = time.time()
    load = finish_wrk(wrk, options.drain_seconds)
    tracer.stop()
    answered_late = [tick for tick, cls, _ in load.timeline if tick / 10 >= sigterm]
    traced = classify(tracer.attempts, sigterm)
    cut = traced.get("CUT: sent before SIGTERM, no response", 0)
    result = {
        "load": load.summary(),
        "exit_code": code,
        "drain_seconds": round(exited - sigterm, 2),
        "last_response_after_sigterm_s": (
            round((max(answered_late) + 1) / 10 - sigterm, 1) if answered_late else 0.0
        ),
        # wrk 4.1 on Linux counts a refused non-blocking connect as a write error, and a
        # reset or EOF with a request outstanding as a read error.
        "wrk_refused": load.connect_errors + load.write_errors,
        "wrk_dropped": load.read_errors + load.timeouts,
        "tracer": traced,
        "tracer_dropped_errors": dict(
            Counter(a.error for a in tracer.attempts if a.outcome == "dropped")
        ),
    }
    result["goals"] = {
        "exited with 0": code == 0,
        "no in-flight request cut (tracer)": cut == 0,
        "no non-2xx responses": load.non2xx == 0,
    }
    return result


# --------------------------------------------------------------------------- report


def render(options: Options, results: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"server={options.server} workers={options.workers} connections={options.connections} "
        f"mix={options.read_share}/{options.list_share}/"
        f"{100 - options.read_share - options.list_share} (GET one/GET list/POST) "
        f"pool={options.pool_size}/worker cpus={os.cpu_count()} REDIS_URL={options.redis_url}",
        "",
        f"{'phase':<9}{'requests':>10}{'req/s':>8}{'p99 ms':>8}{'non-2xx':>9}{'503':>7}"
        f"{'other 5xx':>10}{'connect err':>12}{'read/write/timeout':>20}",
    ]
    lines.append("-" * len(lines[-1]))
    for phase, result in results.items():
        load = result["load"]
        dropped = f"{load['read_errors']}/{load['write_errors']}/{load['timeouts']}"
        lines.append(
            f"{phase:<9}{load['requests']:>10,}{load['rps']:>8,.0f}{load['p99_ms']:>8.0f}"
            f"{load['non2xx']:>9}{load['statuses'].get('503', 0):>7}"
            f"{load['server_errors'] - load['statuses'].get('503', 0):>10}"
            f"{load['connect_errors']:>12}"
            f"{dropped:>20}"
        )
    if "restart" in results:
        restart = results["restart"]
        lines += [
            "",
            f"restart: command took {restart['restart_command_seconds']}s; first non-2xx "
            f"{restart['first_non2xx_after_restart_s']}s after it began; all 2xx again after "
            f"{restart['all_2xx_again_after_s']}s; {restart['count_503']} x 503, "
            f"{restart['other_5xx']} other 5xx",
            f"         server pid {restart['server_pid']['before']} -> "
            f"{restart['server_pid']['after']}, workers {restart['worker_pids']['before']} -> "
            f"{restart['worker_pids']['after']}; /health/ready afterwards: "
            f"{restart['ready_after']}",
            "         per second from the restart: "
            + ", ".join(
                f"{row['second']:+d}s "
                + "/".join(f"{key}:{value}" for key, value in row.items() if key != "second")
                for row in restart["per_second"]
            ),
        ]
    if "drain" in results:
        drain = results["drain"]
        lines += [
            "",
            f"drain:   exit code {drain['exit_code']} {drain['drain_seconds']}s after SIGTERM; "
            f"last response {drain['last_response_after_sigterm_s']}s after SIGTERM; wrk: "
            f"{drain['wrk_refused']} refused (write errors), {drain['wrk_dropped']} dropped "
            "(read errors, timeouts)",
            "         tracer: "
            + "; ".join(f"{key}: {value}" for key, value in sorted(drain["tracer"].items())),
        ]
    lines.append("")
    for phase, result in results.items():
        for goal, met in result["goals"].items():
            lines.append(f"{'met   ' if met else 'MISSED'} {phase}: {goal}")
    return "\n".join(lines)


def write_results(options: Options, results: dict[str, Any]) -> Path:
    return run.save_results(
        options.results_dir,
        f"scale-w{options.workers}",
        options,
        {"kind": "scale", "phases": results},
        load_average=os.getloadavg(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    started = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    try:
        with run.cleaning_up() as cleanup:
            setup = prepare(options, cleanup)
            for phase in PHASES:
                if phase in options.phases:
                    results[phase] = {
                        "load": phase_load,
                        "restart": phase_restart,
                        "drain": phase_drain,
                    }[phase](options, setup)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    print()
    print(render(options, results))
    path = write_results(options, results)
    print(f"\nresults: {path}\ndone in {time.monotonic() - started:.0f}s")
    missed = [
        goal for result in results.values() for goal, met in result["goals"].items() if not met
    ]
    return 2 if missed and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
