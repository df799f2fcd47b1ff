"""Instructions per request, generated app against the baseline, counted by callgrind.

    .venv/bin/python bench/instructions.py                     # read, list, create: ~4 minutes
    .venv/bin/python bench/instructions.py --endpoints read --requests 500
    .venv/bin/python bench/instructions.py --project-dir /tmp/edited-taskboard

bench/run.py's req/s ratios swing by 20-30% from one run to the next on a shared 2-core
machine. The number of instructions an app executes per request does not: it repeats to
within about 0.5%, whatever else runs. So this drives both apps in-process through ASGI
(bench/inprocess.py: no server, no socket, the real PostgreSQL) under valgrind's
callgrind, counts the instructions of `--requests` requests after a warm-up, and prints
baseline/generated per endpoint: higher is better, read against the same targets as
run.py's req/s ratios.

The setup is run.py's (its functions, imported): a fresh database, the demo taskboard
generated into a temporary folder (or --project-dir), migrations, seeded rows, the
generated app's production settings, the same requests as bench/wrk/, clean-up on exit,
error and Ctrl-C. bench/README.md describes what the count leaves out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import run
from run import APPS, BASELINE, ENDPOINTS, GENERATED, BenchError, Endpoint, Interrupted, step

DRIVER = run.BENCH / "inprocess.py"
CONCURRENCY = 8
"""Requests in flight in the driver, as connections of a server would keep them."""
CHECK_REQUESTS = 20
"""Requests (and warm-up requests) per endpoint and app in the native check."""


@dataclass(frozen=True)
class Options:
    endpoints: tuple[str, ...]
    requests: int
    warmup: int
    rows: int
    pool_size: int
    pg_url: str
    project_dir: Path | None
    results_dir: Path
    keep: bool
    strict: bool
    cache_sim: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/instructions.py",
        description="Instructions per request of the generated taskboard and the baseline, "
        "in-process under callgrind.",
    )
    add = parser.add_argument
    add("--endpoints", default="read,list,create", help="subset of read,list,create, in order")
    add("--requests", type=int, default=1000, help="measured requests per endpoint and app")
    add("--warmup", type=int, default=300, help="requests before the measure (default 300)")
    add("--rows", type=int, default=1000, help="projects seeded before the run (default 1000)")
    add("--pool-size", type=int, default=10, help="database pool size of both apps (default 10)")
    add("--pg-url", default=f"postgresql://postgres@{run.HOST}:5432", help="server, no database")
    add("--project-dir", type=Path, help="an already generated project to use as is")
    add("--results-dir", type=Path, default=run.BENCH / "results")
    add("--keep", action="store_true", help="keep the database, the temporary folder and dumps")
    add("--strict", action="store_true", help="exit 2 when a ratio misses its target")
    add(
        "--cache-sim",
        action="store_true",
        help="also simulate caches and branch prediction (callgrind --cache-sim=yes "
        "--branch-sim=yes): misses per request beside the instructions; about twice as slow",
    )
    arguments = parser.parse_args(argv)
    endpoints = tuple(part.strip() for part in arguments.endpoints.split(",") if part.strip())
    if not endpoints or any(key not in ENDPOINTS for key in endpoints):
        parser.error(f"--endpoints takes read, list and create; got {arguments.endpoints!r}")
    if arguments.requests < 1 or arguments.warmup < 1 or arguments.rows < 20:
        parser.error("need --requests >= 1, --warmup >= 1 and --rows >= 20 (a full page)")
    if arguments.project_dir is not None and not arguments.project_dir.is_dir():
        parser.error(f"--project-dir {arguments.project_dir} is not a folder")
    return Options(
        endpoints=endpoints,
        requests=arguments.requests,
        warmup=arguments.warmup,
        rows=arguments.rows,
        pool_size=arguments.pool_size,
        pg_url=arguments.pg_url.rstrip("/"),
        project_dir=arguments.project_dir,
        results_dir=arguments.results_dir,
        keep=arguments.keep,
        strict=arguments.strict,
        cache_sim=arguments.cache_sim,
    )


# --------------------------------------------------------------------------- set-up


def missing_tools(pg_url: str) -> str | None:
    """Why the run cannot start, found before a database or a project is made: no
    valgrind, or no PostgreSQL."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return "valgrind is not installed (apt-get install valgrind)"

    async def connect() -> None:
        connection = await asyncpg.connect(f"{pg_url}/postgres", timeout=5)
        await connection.close()

    try:
        asyncio.run(connect())
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return f"PostgreSQL is not reachable at {pg_url} ({error}); start it or pass --pg-url"
    return None


@dataclass(frozen=True)
class Prepared:
    """run.py's Setup (database, project, seeded ids), and how to start each app."""

    setup: run.Setup
    environments: dict[str, dict[str, str]]
    folders: dict[str, Path]


def prepare(options: Options, cleanup: ExitStack) -> Prepared:
    """Database, project, migrations and seeded rows, as run.py's `prepare` makes them."""
    workdir = run.scratch_folder("backsmith-instructions-", options.keep, cleanup)
    database, dsn = run.scratch_database(options.pg_url, "bench", options.keep, cleanup)
    project, package = run.demo_project(options.project_dir, workdir)
    password = secrets.token_urlsafe(16)
    generated = generated_environment(dsn, password, options.pool_size)
    step("migrating")
    run.migrate_project(package, project, generated)
    ids, ids_file = run.seed(dsn, options.rows, workdir)
    setup = run.Setup(workdir, database, dsn, project, package, ids_file, ids[0], password)
    baseline = {
        **run.clean_environment(),
        "BASELINE_DSN": dsn,
        "BASELINE_POOL_SIZE": str(options.pool_size),
        "PYTHONHASHSEED": "0",
    }
    return Prepared(
        setup,
        environments={GENERATED: generated, BASELINE: baseline},
        folders={GENERATED: project, BASELINE: run.ROOT},
    )


def generated_environment(dsn: str, password: str, pool_size: int) -> dict[str, str]:
    """run.py's environment for the generated app (the access log goes to stdout, thrown
    away here), with PYTHONHASHSEED fixed so that dict probing costs the same every run."""
    return {**run.generated_environment(dsn, password, pool_size), "PYTHONHASHSEED": "0"}


# --------------------------------------------------------------------------- one pair


@dataclass(frozen=True)
class Job:
    """One driver process: an app on an endpoint, natively or under callgrind."""

    app: str
    endpoint: Endpoint
    requests: int
    warmup: int
    workdir: Path
    callgrind: bool
    cache_sim: bool = False

    @property
    def name(self) -> str:
        return f"{self.endpoint.key}-{self.app}" + ("" if self.callgrind else "-check")

    @property
    def timeout(self) -> float:
        """Seconds before giving up: callgrind runs Python 50-100 times slower, and about
        twice that when it also simulates the caches."""
        if self.cache_sim:
            return 900 + (self.requests + self.warmup) * 1.5
        per_request = 0.5 if self.callgrind else 0.05
        return 300 + (self.requests + self.warmup) * per_request

    @property
    def report(self) -> Path:
        return self.workdir / f"{self.name}.json"

    @property
    def log(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def dump(self) -> Path:
        """callgrind's file for the driver's `-d`; the file named by `--callgrind-out-file`
        itself gets the rest of the process (shut-down), written at exit."""
        return self.workdir / f"callgrind-{self.name}.out.1"


def command(prepared: Prepared, job: Job) -> list[str]:
    """The driver's command line; under valgrind when the job counts instructions."""
    arguments = run.script_arguments(prepared.setup, job.endpoint, job.app, job.name)
    driver = [
        *[sys.executable, str(DRIVER), job.app, job.endpoint.key, job.endpoint.path],
        *[f"{key}={value}" for key, value in arguments.items()],
        *["--requests", str(job.requests), "--warmup", str(job.warmup)],
        *["--concurrency", str(CONCURRENCY), "--report", str(job.report)],
    ]
    if job.app == GENERATED:
        driver += ["--package", prepared.setup.package]
    if not job.callgrind:
        return driver
    out_file = job.dump.with_suffix("")
    return [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        *(["--cache-sim=yes", "--branch-sim=yes"] if job.cache_sim else []),
        *driver,
        "--callgrind",
    ]


def start(prepared: Prepared, job: Job) -> run.Server:
    """Start a driver in its own process group. stdout (the generated app's access log)
    goes to /dev/null, stderr (valgrind's and the driver's messages) to the job's log.
    run.Server only lends its stop and tail: there is no port."""
    with job.log.open("wb") as log:
        process = subprocess.Popen(
            command(prepared, job),
            cwd=prepared.folders[job.app],
            env=prepared.environments[job.app],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    return run.Server(name=job.name, port=0, process=process, log=job.log)


@dataclass(frozen=True)
class Count:
    endpoint: str
    app: str
    requests: int
    instructions: int
    instructions_per_request: float
    seconds: float
    statuses: dict[str, int]
    misses_per_request: dict[str, float]
    """With --cache-sim: MISSES' kinds of miss per request (empty without)."""


MISSES = {
    "I1 misses": ("I1mr",),
    "D1 misses": ("D1mr", "D1mw"),
    "LL misses": ("ILmr", "DLmr", "DLmw"),
    "mispredicted branches": ("Bcm", "Bim"),
}
"""What --cache-sim reports, each the sum of callgrind events: first-level instruction
and data cache misses, last-level misses (each a trip to memory), and conditional and
indirect branches mispredicted."""


def run_jobs(prepared: Prepared, jobs: list[Job], cleanup: ExitStack) -> list[Count]:
    """Run the jobs side by side (a valgrind process uses one core; an instruction count
    does not change when the other core is busy), then check and count each."""
    servers = [start(prepared, job) for job in jobs]
    for server in servers:
        cleanup.callback(run.stop_server, server)
    seconds = wait_all(servers, max(job.timeout for job in jobs))
    return [count(job, seconds[job.name]) for job in jobs]


def wait_all(servers: list[run.Server], timeout: float) -> dict[str, float]:
    """Seconds each process took. Raises at the first that fails, without waiting for
    the others (the clean-up stops them)."""
    started = time.monotonic()
    seconds: dict[str, float] = {}
    while len(seconds) < len(servers):
        for server in servers:
            if server.name in seconds or server.process.poll() is None:
                continue
            seconds[server.name] = time.monotonic() - started
            if server.process.returncode != 0:
                raise BenchError(
                    f"{server.name} exited with {server.process.returncode}:\n"
                    f"{run.tail(server.log)}"
                )
        if time.monotonic() - started > timeout:
            running = [server.name for server in servers if server.name not in seconds]
            raise BenchError(f"still running after {timeout:.0f}s: {', '.join(running)}")
        time.sleep(0.2)
    return seconds


def count(job: Job, seconds: float) -> Count:
    """The job's outcome, after checking it as run.py checks its apps: every response
    2xx, and the agreed shape (the keys of a row, or of a page of 20 rows)."""
    report: dict[str, Any] = json.loads(job.report.read_text())
    statuses: dict[str, int] = report["statuses"]
    if sum(statuses.values()) != job.requests or any(not s.startswith("2") for s in statuses):
        raise BenchError(f"{job.name}: statuses {statuses} for {job.requests} requests")
    check_shape(job, report["first_warmup_body"])
    events = events_in(job.dump) if job.callgrind else {}
    instructions = events.get("Ir", 0)
    misses = {
        kind: round(sum(events[name] for name in names) / job.requests, 1)
        for kind, names in MISSES.items()
        if all(name in events for name in names)
    }
    return Count(
        endpoint=job.endpoint.key,
        app=job.app,
        requests=job.requests,
        instructions=instructions,
        instructions_per_request=round(instructions / job.requests, 1),
        seconds=round(seconds, 1),
        statuses=statuses,
        misses_per_request=misses,
    )


def check_shape(job: Job, text: str) -> None:
    try:
        body = json.loads(text)
    except ValueError:
        body = text
    keys = run.PAGE_KEYS if job.endpoint.key == "list" else run.ROW_KEYS
    if not isinstance(body, dict) or set(body) != keys:
        raise BenchError(f"{job.name}: expected keys {sorted(keys)}, got {text[:300]}")
    if keys is run.PAGE_KEYS and (
        len(body["items"]) != 20 or set(body["items"][0]) != run.ROW_KEYS
    ):
        raise BenchError(f"{job.name}: unexpected page {text[:300]}")


def events_in(dump: Path) -> dict[str, int]:
    """The `summary:` line of a callgrind dump, named by its `events:` line: instructions
    (`Ir`) executed by all of the process's threads between the driver's zero and dump,
    and with --cache-sim the misses (`D1mr`, `Bcm`...) over the same span."""
    names: list[str] = []
    try:
        with dump.open() as lines:
            for line in lines:
                if line.startswith("events:"):
                    names = line.split()[1:]
                elif line.startswith("summary:"):
                    return dict(zip(names, map(int, line.split()[1:]), strict=True))
    except OSError as error:
        raise BenchError(f"no callgrind dump at {dump}: {error}") from None
    raise BenchError(f"no summary line in {dump}")


# --------------------------------------------------------------------------- the run


def check(options: Options, prepared: Prepared, cleanup: ExitStack) -> None:
    """Every endpoint of both apps, natively: a broken setup fails in seconds rather than
    after minutes under valgrind, and the generated app's first start (which hashes the
    admin's password) happens here."""
    workdir = prepared.setup.workdir
    for key in options.endpoints:
        endpoint = ENDPOINTS[key]
        step(f"checking {endpoint.label} on both apps, in-process without valgrind")
        run_jobs(
            prepared,
            [Job(app, endpoint, CHECK_REQUESTS, CHECK_REQUESTS, workdir, False) for app in APPS],
            cleanup,
        )
    run.reset_projects(prepared.setup.dsn)


def measure(options: Options, prepared: Prepared, cleanup: ExitStack) -> list[Count]:
    """Each endpoint's pair under callgrind; creates start from the seeded rows."""
    workdir = prepared.setup.workdir
    counts: list[Count] = []
    for key in options.endpoints:
        endpoint = ENDPOINTS[key]
        jobs = [
            Job(app, endpoint, options.requests, options.warmup, workdir, True, options.cache_sim)
            for app in APPS
        ]
        step(f"{endpoint.label}: both apps under callgrind, {options.requests} requests each")
        if key == "create":
            run.reset_projects(prepared.setup.dsn)
        pair = run_jobs(prepared, jobs, cleanup)
        if key == "create":
            run.reset_projects(prepared.setup.dsn)
        for result in pair:
            print(
                f"   {result.app}: {result.instructions_per_request:,.0f} instructions/request "
                f"({result.seconds:.0f}s under valgrind)"
            )
        counts += pair
    return counts


def ratio_table(counts: list[Count]) -> dict[str, dict[str, Any]]:
    """endpoint -> baseline instructions per request over the generated app's, and target."""
    by_key = {(c.endpoint, c.app): c.instructions_per_request for c in counts}
    ratios: dict[str, dict[str, Any]] = {}
    for key, endpoint in ENDPOINTS.items():
        generated, baseline = by_key.get((key, GENERATED)), by_key.get((key, BASELINE))
        if generated and baseline:
            ratio = round(baseline / generated, 4)  # counts repeat to ~0.2%: more is noise
            ratios[key] = {
                "ratio": ratio,
                "target": endpoint.target,
                "met": ratio >= endpoint.target,
            }
    return ratios


def render_table(options: Options, counts: list[Count], ratios: dict[str, dict[str, Any]]) -> str:
    header = f"{'endpoint':<24}{'app':<11}{'instr/req':>12}  {'base/gen':>8}  target"
    lines = [
        f"callgrind, in-process: requests={options.requests} warmup={options.warmup} "
        f"concurrency={CONCURRENCY} rows={options.rows} pool={options.pool_size}",
        header,
        "-" * len(header),
    ]
    for result in counts:
        verdict = ""
        ratio = ratios.get(result.endpoint)
        if result.app == GENERATED and ratio is not None:
            met = "met" if ratio["met"] else "MISSED"
            shown = math.floor(ratio["ratio"] * 1000) / 1000  # 0.7999 is not shown as 0.800
            verdict = f"  {shown:>8.3f}  >= {ratio['target']:.2f} {met}"
        lines.append(
            f"{ENDPOINTS[result.endpoint].label:<24}{result.app:<11}"
            f"{result.instructions_per_request:>12,.0f}{verdict}"
        )
    lines.append(
        "base/gen = baseline instructions per request / generated's (higher is better; "
        "targets as run.py's req/s ratios)."
    )
    if any(result.misses_per_request for result in counts):
        lines += ["", "simulated misses per request (callgrind --cache-sim, --branch-sim):"]
        for result in counts:
            misses = ", ".join(f"{kind} {n:,.0f}" for kind, n in result.misses_per_request.items())
            lines.append(f"  {ENDPOINTS[result.endpoint].label:<24}{result.app:<11}{misses}")
    return "\n".join(lines)


def write_results(options: Options, payload: dict[str, Any]) -> Path:
    """bench/results/<time>-instructions.json, beside run.py's files (the folder is
    gitignored)."""
    valgrind = subprocess.run(["valgrind", "--version"], capture_output=True, text=True)
    body = {"kind": "instructions", "concurrency": CONCURRENCY, **payload}
    return run.save_results(
        options.results_dir, "instructions", options, body, valgrind=valgrind.stdout.strip()
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    problem = missing_tools(options.pg_url)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        with run.cleaning_up() as cleanup:
            prepared = prepare(options, cleanup)
            check(options, prepared, cleanup)
            counts = measure(options, prepared, cleanup)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    ratios = ratio_table(counts)
    print()
    print(render_table(options, counts, ratios))
    path = write_results(options, {"results": [asdict(c) for c in counts], "ratios": ratios})
    print(f"\nresults: {path}")
    print(f"done in {time.monotonic() - started:.0f}s")
    missed = [key for key, ratio in ratios.items() if not ratio["met"]]
    if missed and options.strict:
        print(f"below target: {', '.join(missed)}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
