"""Drive one endpoint of an ASGI app in-process: no server, no socket, real PostgreSQL.

    # the generated app: in the project folder, with the environment bench/run.py gives it
    PYTHONPATH=src python bench/inprocess.py generated read /projects/ ids=ids.txt \
        --package taskboard
    # the baseline
    BASELINE_DSN=postgresql://... python bench/inprocess.py baseline list \
        '/projects?limit=20&offset=0'

bench/instructions.py runs this under valgrind's callgrind, one process per app and
endpoint, and gives it everything through arguments and the environment. It imports the
app (`<package>.main:app`, or bench/baseline/app.py), runs its lifespan, logs in as
ADMIN_EMAIL / ADMIN_PASSWORD (generated app only), sends `--warmup` requests (all must be
2xx), then `--requests` measured ones, each from `--concurrency` asyncio tasks on uvloop
as a server's connections would. The requests are those of bench/wrk/: read_one.lua
(`ids=FILE`, the ids cycled), list.lua (the path as given) and create.lua (`prefix=TEXT`,
the same body).

With `--callgrind` it zeroes callgrind's counters after the warm-up and dumps them (as
`<callgrind-out-file>.1`) right after the measured requests, so that the dump counts those
requests and nothing else: not imports, lifespan, login or warm-up. Without it, it
reports the process's CPU time per request: quick for a try, as noisy as any timing.

`--report FILE` writes what the parent checks as JSON: the statuses of the measured
requests, and the first warm-up response (to check its shape).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvloop

Message = dict[str, Any]
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = tuple[tuple[bytes, bytes], ...]

BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
APPS = ("generated", "baseline")
ENDPOINTS = ("read", "list", "create")
HOST = ("127.0.0.1", 8701)
"""Where bench/run.py serves the generated app: wrk's Host header and the scope's server."""
CREATE_FIELDS = {"summary": "Made by the benchmark", "budget": "1250.50", "due_on": "2026-06-30"}
"""create.lua's body, but for the name."""


class DriverError(Exception):
    """The app cannot be measured: it did not start, refused the login, or answered non-2xx."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: bytes
    headers: Headers
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


@dataclass
class Outcome:
    """What a batch of requests got back: little enough to keep per request."""

    statuses: Counter[int] = field(default_factory=Counter)
    first: Response | None = None
    first_bad: Response | None = None

    def add(self, response: Response) -> None:
        self.statuses[response.status] += 1
        if self.first is None:
            self.first = response
        if self.first_bad is None and not 200 <= response.status <= 299:
            self.first_bad = response


# --------------------------------------------------------------------------- ASGI


async def call(app: App, request: Request, state: dict[str, Any]) -> Response:
    """One request as an HTTP/1.1 server hands it over: a fresh scope with a copy of the
    lifespan state, the body in one message, and a disconnect only once the response is
    complete (so that an app listening for one does not cut its own response). What this
    costs (about 30k instructions) is counted for both apps alike."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query,
        "root_path": "",
        "headers": list(request.headers),
        "client": ("127.0.0.1", 50000),
        "server": HOST,
        "state": dict(state),
    }
    body_sent = finished = False
    waiter: asyncio.Future[None] | None = None
    status = 0
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal body_sent, waiter
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        if not finished:
            waiter = asyncio.get_running_loop().create_future()
            await waiter
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, finished
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished = True
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

    await app(scope, receive, send)
    return Response(status, b"".join(chunks))


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    """Start-up and shut-down as a server runs them. Yields the lifespan state, which
    servers copy into every request's scope."""
    state: dict[str, Any] = {}
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()
    scope: Scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": state}
    task = asyncio.ensure_future(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    answer = asyncio.create_task(outbox.get())
    await asyncio.wait({task, answer}, return_when=asyncio.FIRST_COMPLETED)
    if not answer.done():
        answer.cancel()
        task.result()  # raises what stopped the start-up
        raise DriverError("the app's lifespan ended before its start-up completed")
    if answer.result()["type"] != "lifespan.startup.complete":
        raise DriverError(f"start-up failed: {answer.result().get('message', answer.result())}")
    try:
        yield state
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


def load_app(which: str, package: str | None) -> App:
    """The baseline from bench/baseline/app.py, or `<package>.main:app` (PYTHONPATH=src)."""
    if which == "baseline":
        sys.path.insert(0, str(BASELINE_DIR))
        module = importlib.import_module("app")
    elif package:
        module = importlib.import_module(f"{package}.main")
    else:
        raise DriverError("the generated app needs --package (the project's package name)")
    app: App = module.app
    return app


# --------------------------------------------------------------------------- requests


async def log_in(app: App, state: dict[str, Any]) -> Headers:
    """The bearer header for the bootstrap admin, from the app's own login (as bench/run.py
    gets it), so that nothing here depends on how the project makes tokens."""
    email, password = os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
    if not email or not password:
        raise DriverError("the generated app needs ADMIN_EMAIL and ADMIN_PASSWORD to log in")
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    headers = _with_body(((b"host", _host()),), b"application/x-www-form-urlencoded", form)
    response = await call(app, Request("POST", "/auth/login", b"", headers, form), state)
    if response.status != 200:
        raise DriverError(f"login failed: {response.status} {response.body[:300]!r}")
    token: str = json.loads(response.body)["access_token"]
    return ((b"authorization", f"Bearer {token}".encode()),)


def _host() -> bytes:
    return f"{HOST[0]}:{HOST[1]}".encode()


def _with_body(headers: Headers, content_type: bytes, body: bytes) -> Headers:
    length = str(len(body)).encode()
    return (*headers, (b"content-type", content_type), (b"content-length", length))


RequestMaker = Callable[[int, int], Request]
"""(request number, worker number) -> the request."""


def request_maker(
    endpoint: str, url: str, arguments: dict[str, str], auth: Headers
) -> RequestMaker:
    """The requests bench/wrk/'s scripts send for `endpoint`, with the same arguments."""
    headers: Headers = ((b"host", _host()), *auth)
    path, _, query = url.partition("?")
    if endpoint == "read":
        if "ids" not in arguments:
            raise DriverError("read needs ids=FILE (one id per line), as read_one.lua")
        ids = Path(arguments["ids"]).read_text().split()
        if not ids:
            raise DriverError(f"no ids in {arguments['ids']}")
        paths = [f"/projects/{one}" for one in ids]
        return lambda number, _worker: Request("GET", paths[number % len(paths)], b"", headers)
    if endpoint == "list":
        request = Request("GET", path, query.encode(), headers)
        return lambda _number, _worker: request
    if "prefix" not in arguments:
        raise DriverError("create needs prefix=TEXT (unique per run), as create.lua")
    prefix = arguments["prefix"]

    def create(number: int, worker: int) -> Request:
        fields = {"name": f"{prefix}-{worker + 1}-{number}", **CREATE_FIELDS}
        body = json.dumps(fields, separators=(",", ":")).encode()
        return Request("POST", path, b"", _with_body(headers, b"application/json", body), body)

    return create


def plan(make: RequestMaker, numbers: range, concurrency: int) -> list[list[Request]]:
    """Each task's requests, made before any is sent: building them (JSON bodies
    included) is the client's work, wrk's in bench/run.py, so it stays out of the count."""
    return [
        [make(number, index) for number in numbers[index::concurrency]]
        for index in range(concurrency)
    ]


async def drive(app: App, state: dict[str, Any], batches: list[list[Request]]) -> Outcome:
    """Send each batch from a task of its own, each request after the previous one's
    response, as wrk's connections do."""
    outcome = Outcome()

    async def worker(batch: list[Request]) -> None:
        for request in batch:
            outcome.add(await call(app, request, state))

    await asyncio.gather(*(worker(batch) for batch in batches))
    return outcome


def callgrind(*command: str) -> None:
    """Have the valgrind running this process zero (`-z`) or dump (`-d NAME`) its counters.
    callgrind_control returns once valgrind has done it."""
    pid = str(os.getpid())
    done = subprocess.run(
        ["callgrind_control", *command, pid], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or f"PID {pid}" not in done.stdout:
        output = (done.stdout + done.stderr).strip()
        raise DriverError(
            f"callgrind_control {' '.join(command)} {pid} failed (run under valgrind "
            f"--tool=callgrind?): {output}"
        )


# --------------------------------------------------------------------------- main


@dataclass(frozen=True)
class Options:
    app: str
    endpoint: str
    url: str
    arguments: dict[str, str]
    package: str | None
    requests: int
    warmup: int
    concurrency: int
    callgrind: bool
    report: Path | None


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/inprocess.py", description="Drive one endpoint of an ASGI app in-process."
    )
    add = parser.add_argument
    add("app", choices=APPS)
    add("endpoint", choices=ENDPOINTS)
    add("url", help="the path (and query) as given to wrk, e.g. '/projects?limit=20&offset=0'")
    add("arguments", nargs="*", metavar="KEY=VALUE", help="the wrk script's: ids=FILE, prefix=X")
    add("--package", help="the generated project's package (imports <package>.main:app)")
    add("--requests", type=int, default=1000, help="measured requests (default 1000)")
    add("--warmup", type=int, default=300, help="requests before the measure (default 300)")
    add("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    add("--callgrind", action="store_true", help="zero and dump callgrind around the measure")
    add("--report", type=Path, help="write the outcome as JSON to this file")
    arguments = parser.parse_args(argv)
    pairs = [item.partition("=") for item in arguments.arguments]
    if any(not key or not equals for key, equals, _ in pairs):
        parser.error(f"arguments are KEY=VALUE; got {arguments.arguments}")
    if arguments.requests < 1 or arguments.warmup < 1 or arguments.concurrency < 1:
        parser.error("need --requests, --warmup and --concurrency >= 1")
    return Options(
        app=arguments.app,
        endpoint=arguments.endpoint,
        url=arguments.url,
        arguments={key: value for key, _, value in pairs},
        package=arguments.package,
        requests=arguments.requests,
        warmup=arguments.warmup,
        concurrency=arguments.concurrency,
        callgrind=arguments.callgrind,
        report=arguments.report,
    )


async def measure(options: Options) -> dict[str, Any]:
    """Warm up, check, then the measured requests, alone between callgrind's zero and dump."""
    app = load_app(options.app, options.package)
    async with lifespan(app) as state:
        auth = await log_in(app, state) if options.app == "generated" else ()
        make = request_maker(options.endpoint, options.url, options.arguments, auth)
        warm = await drive(app, state, plan(make, range(options.warmup), options.concurrency))
        if warm.first_bad is not None:
            bad = warm.first_bad
            raise DriverError(
                f"{options.app} {options.endpoint}: warm-up statuses {dict(warm.statuses)}, "
                f"first non-2xx {bad.status}: {bad.body[:300]!r}"
            )
        measured = range(options.warmup, options.warmup + options.requests)
        batches = plan(make, measured, options.concurrency)
        if options.callgrind:
            callgrind("-z")
        started, cpu = time.perf_counter(), time.process_time()
        outcome = await drive(app, state, batches)
        cpu, seconds = time.process_time() - cpu, time.perf_counter() - started
        if options.callgrind:
            callgrind("-d", "measured")
    first = warm.first or Response(0, b"")
    return {
        "app": options.app,
        "endpoint": options.endpoint,
        "requests": options.requests,
        "warmup": options.warmup,
        "concurrency": options.concurrency,
        "statuses": {str(status): count for status, count in sorted(outcome.statuses.items())},
        "first_warmup_status": first.status,
        "first_warmup_body": first.body.decode(errors="replace"),
        "seconds": round(seconds, 3),
        "cpu_us_per_request": round(cpu * 1e6 / options.requests, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        report = uvloop.run(measure(options))
    except DriverError as error:
        print(f"inprocess: {error}", file=sys.stderr)
        return 1
    if options.report is not None:
        options.report.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"{options.app} {options.endpoint}: {options.requests} requests, statuses "
        f"{report['statuses']}, {report['cpu_us_per_request']:,.0f} us CPU/request",
        file=sys.stderr,
    )
    bad = sum(count for status, count in report["statuses"].items() if not status.startswith("2"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
