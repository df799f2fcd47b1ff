"""A generated project scales out: `serve --workers 2` behind one port, on the real server.

- With REDIS_URL, the rate limit is one window for every worker: of 40 requests spread
  over both workers, exactly the limit (20) pass.
- Without it, each worker counts in its own memory, so the same 40 requests let up to
  twice the limit through. That is why production runs with REDIS_URL.
- SIGTERM to the server's process group lets requests already in flight finish with a
  2xx (and their writes commit) before the workers exit.
- Database connections lost under queries in flight (what a PostgreSQL restart or
  failover does) give 503 problem+json, never 500, and the app recovers by itself.

Which worker answered is read from the kernel, not from the app: while a request's
connection is still open, `/proc/net/tcp` gives the inode of the server side of that
connection, and the worker holding that inode among its file descriptors is the one
that accepted it. The worker pids themselves come from the process tree (granian's
worker processes), checked against the "ready" line each worker's app logs with its pid.

No PostgreSQL restart here (other tests share the server): the lost connections are
this test database's own backends, terminated with pg_terminate_backend. bench/scale.py
restarts the server under load.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.generated.harness import (
    REDIS_BASE_URL,
    SPECS,
    SpecCase,
    expect_success,
    flush_redis,
    free_port,
    fresh_postgres_database,
    generate_all,
    project_env,
    python,
)

CASE: SpecCase = next(case for case in SPECS if case.key == "minimal")
"""tests/assets/specs/minimal.yaml: the smallest project, with local auth (register)."""
REDIS_DB = 15
"""This module's Redis database. The harness gives spec N database N (at most 15 specs) and
bench/run.py uses 0; a 15th spec would take this number, which the fixture refuses."""
LIMIT = 20
REQUESTS = 2 * LIMIT
WORKERS = 2
IN_FLIGHT = 30
HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
SHUTDOWN_SECONDS = 30.0


# -- the server -------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def entries(self) -> list[dict[str, object]]:
        """Every JSON log line with a `message` (server and app log one object per line)."""
        found = []
        for line in self.log_lines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("message"), str):
                found.append(entry)
        return found

    def messages(self) -> list[str]:
        return [str(entry["message"]) for entry in self.entries()]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])

    def workers(self) -> list[int]:
        """The worker processes: the server process's children (granian forks them)."""
        return sorted(children(self.process.pid))

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float) -> None:
        """Poll `check` until it holds; fail with the server's log if it never does."""
        deadline = time.monotonic() + timeout
        while not check():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the server exited ({self.process.returncode}) while waiting for {what}:\n"
                    f"{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout:.0f}s; server log:\n{self.tail()}")
            time.sleep(0.05)


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def notes_root(workspace: Path) -> Path:
    """The minimal spec's project, generated once per session (shared with other tests)."""
    return generate_all([CASE], workspace)[CASE.key].require()


@pytest.fixture(scope="module")
def database(notes_root: Path) -> Iterator[str]:
    """A fresh PostgreSQL database with the project's migrations applied."""
    with fresh_postgres_database() as url:
        expect_success(
            python("-m", CASE.package, "migrate", cwd=notes_root, env=project_env(DATABASE_URL=url))
        )
        yield url


@pytest.fixture
def serve(notes_root: Path, database: str, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `python -m <package> serve --workers 2`; every server is killed afterwards."""
    started: list[Server] = []

    def start(**settings: str) -> Server:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        env = project_env(
            DATABASE_URL=database,
            SECRET_KEY=secrets.token_urlsafe(48),
            ENVIRONMENT="production",
            **settings,
        )
        command = [sys.executable, "-m", CASE.package, "serve", "--host", HOST]
        command += ["--port", str(port), "--workers", str(WORKERS)]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=notes_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(process, port, log)
        started.append(server)
        # Ready when every worker has run its lifespan; no HTTP probe, which the rate
        # limit would count.
        server.wait_for(
            f"{WORKERS} workers started",
            lambda: server.messages().count("ready") == WORKERS,
            STARTUP_SECONDS,
        )
        ready = [entry for entry in server.entries() if entry["message"] == "ready"]
        logged = sorted(int(str(entry["pid"])) for entry in ready)
        assert server.workers() == logged, f"worker processes {server.workers()}, logged {logged}"
        # `serve --workers` tells each worker how many share the database (pool sizing).
        assert [entry["workers"] for entry in ready] == [WORKERS] * WORKERS
        return server

    try:
        yield start
    finally:
        for server in started:
            if server.process.poll() is None:
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


# -- which worker holds a connection ------------------------------------------------------


def tcp_sockets() -> list[tuple[int, int, int, int, int]]:
    """(local port, remote port, state, receive queue, inode) of every IPv4 TCP socket."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        queues = fields[4].split(":")
        found.append(
            (
                int(fields[1].rsplit(":", 1)[1], 16),
                int(fields[2].rsplit(":", 1)[1], 16),
                int(fields[3], 16),
                int(queues[1], 16),
                int(fields[9]),
            )
        )
    return found


def socket_owners(pids: list[int]) -> dict[int, int]:
    """Socket inode -> the pid among `pids` that has it open."""
    owners = {}
    for pid in pids:
        for descriptor in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(descriptor)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[int(target[8:-1])] = pid
    return owners


def server_sides(server: Server, client_ports: list[int]) -> dict[int, tuple[int, int]]:
    """Client port -> (worker pid or 0 if not accepted yet, bytes not yet read by it)."""
    wanted = set(client_ports)
    owners = socket_owners(server.workers())
    found = {}
    for local, remote, _state, receive_queue, inode in tcp_sockets():
        if local == server.port and remote in wanted:
            found[remote] = (owners.get(inode, 0), receive_queue)
    return found


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    worker: int


def get_on_new_connection(server: Server, path: str) -> Answer:
    """One GET on its own connection; the worker is looked up before the connection closes."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert connection.sock is not None
        client_port = connection.sock.getsockname()[1]
        worker = server_sides(server, [client_port]).get(client_port, (0, 0))[0]
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, body, worker)
    finally:
        connection.close()


def burst(server: Server) -> list[Answer]:
    answers = [get_on_new_connection(server, "/health/live") for _ in range(REQUESTS)]
    workers = server.workers()
    served = Counter(answer.worker for answer in answers)
    assert set(served) == set(workers), (
        f"expected both workers {workers} to answer; answered by {dict(served)} "
        "(0: the connection's owner was not found)"
    )
    return answers


# -- the tests -----------------------------------------------------------------------------


def test_redis_makes_one_rate_limit_window_for_all_workers(
    serve: Callable[..., Server],
) -> None:
    assert len(SPECS) < REDIS_DB, "a test spec now uses this module's Redis database number"
    url = f"{REDIS_BASE_URL.rstrip('/')}/{REDIS_DB}"
    flush_redis(url)
    server = serve(REDIS_URL=url, RATE_LIMIT_DEFAULT=f"{LIMIT}/minute")

    answers = burst(server)

    # Sequential requests against one shared moving window: the first 20 pass, the rest
    # are refused, whichever worker answered.
    assert [answer.status for answer in answers] == [200] * LIMIT + [429] * LIMIT, [
        (answer.status, answer.worker) for answer in answers
    ]
    for answer in answers[LIMIT:]:
        assert answer.headers["content-type"] == "application/problem+json"
        problem = json.loads(answer.body)
        assert problem["status"] == 429
        assert problem["title"] == "Too Many Requests"
        assert 1 <= int(answer.headers["retry-after"]) <= 60
        assert answer.headers["ratelimit-limit"] == str(LIMIT)


def test_without_redis_each_worker_counts_alone(serve: Callable[..., Server]) -> None:
    """The contrast: in-memory windows are per process, so N workers let up to N x the limit.

    This is why production needs REDIS_URL (and why `serve --workers` without it says
    nothing about the limit a client really gets).
    """
    server = serve(RATE_LIMIT_DEFAULT=f"{LIMIT}/minute")

    answers = burst(server)

    passed = [answer for answer in answers if answer.status == 200]
    refused = [answer for answer in answers if answer.status == 429]
    assert len(passed) + len(refused) == REQUESTS
    per_worker = Counter(answer.worker for answer in answers)
    passed_per_worker = Counter(answer.worker for answer in passed)
    # Each worker lets through exactly its own first 20, whatever the others did.
    assert passed_per_worker == {
        worker: min(LIMIT, count) for worker, count in per_worker.items()
    }, (dict(per_worker), dict(passed_per_worker))
    assert len(passed) > LIMIT


def test_sigterm_lets_in_flight_requests_finish(
    serve: Callable[..., Server], database: str
) -> None:
    """30 note creations are in flight (headers read, body still to come) when the whole
    process group gets SIGTERM: all of them must answer 201 and be committed."""
    server = serve(RATE_LIMIT_DEFAULT="100000/minute", RATE_LIMIT_AUTH="100000/minute")
    token = sign_up(server)
    run_id = secrets.token_hex(4)
    headings = [f"drain-{run_id}-{number}" for number in range(IN_FLIGHT)]
    bodies = [json.dumps({"heading": heading}) for heading in headings]
    clients = [socket.create_connection((HOST, server.port), timeout=30) for _ in bodies]
    try:
        for client, body in zip(clients, bodies, strict=True):
            client.sendall(
                f"POST /notes HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            )
        ports = [client.getsockname()[1] for client in clients]

        def every_request_read() -> bool:
            sides = server_sides(server, ports)
            return len(sides) == len(ports) and all(
                worker and not unread for worker, unread in sides.values()
            )

        # In flight: every connection accepted by a worker, which has read its headers
        # (nothing left in the socket's receive queue) and now waits for the body.
        server.wait_for("request headers read by the workers", every_request_read, 20)
        holders = Counter(worker for worker, _ in server_sides(server, ports).values())
        assert len(holders) == WORKERS, f"in-flight requests per worker: {dict(holders)}"

        os.killpg(server.process.pid, signal.SIGTERM)
        server.wait_for(
            "graceful shutdown in both workers",
            lambda: (
                sum(message.startswith("Stopping worker-") for message in server.messages())
                == WORKERS
            ),
            20,
        )
        for client, body in zip(clients, bodies, strict=True):
            client.sendall(body.encode())
        statuses = [read_status(client) for client in clients]
    finally:
        for client in clients:
            client.close()

    assert statuses == [201] * IN_FLIGHT, Counter(statuses)
    assert server.process.wait(timeout=SHUTDOWN_SECONDS) == 0, server.tail()
    assert count_notes(database, headings) == IN_FLIGHT


def sign_up(server: Server) -> str:
    """Register a user and sign in: an access token for the notes routes."""
    email = f"writer-{secrets.token_hex(4)}@example.com"
    account = json.dumps({"email": email, "password": "long enough pw"})
    assert post_on_new_connection(server, "/auth/register", account).status == 201
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        form = urllib.parse.urlencode({"username": email, "password": "long enough pw"})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/auth/login", form, headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200, body
    token: str = json.loads(body)["access_token"]
    return token


def read_status(client: socket.socket) -> int:
    """The status of the one response on `client`; 0 if the server closed without one."""
    received = b""
    while b"\r\n" not in received:
        try:
            chunk = client.recv(4096)
        except OSError:
            return 0
        if not chunk:
            return 0
        received += chunk
    return int(received.split(b" ", 2)[1])


def count_notes(url: str, headings: list[str]) -> int:
    import asyncpg  # type: ignore[import-untyped, unused-ignore]

    async def count() -> int:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            found: int = await connection.fetchval(
                "SELECT count(*) FROM notes WHERE heading = ANY($1::text[])", headings
            )
            return found
        finally:
            await connection.close()

    return asyncio.run(count())


LOST = 6
"""Requests whose database connection is terminated while their query waits."""


def test_a_lost_database_connection_answers_503_then_recovers(
    serve: Callable[..., Server], database: str
) -> None:
    """What a PostgreSQL restart does to queries in flight, on this test's database only.

    A lock taken here holds the app's queries in flight; terminating their backends (as
    a restart or a failover does) must give 503 problem+json with Retry-After, never a
    500, and the next request must succeed on a new connection: no app restart.
    """
    server = serve(RATE_LIMIT_DEFAULT="100000/minute", RATE_LIMIT_AUTH="100000/minute")
    email = f"taken-{secrets.token_hex(4)}@example.com"
    body = json.dumps({"email": email, "password": "long enough pw"})
    assert post_on_new_connection(server, "/auth/register", body).status == 201

    answers = asyncio.run(_terminate_waiting_queries(server, database, body))

    assert [answer.status for answer in answers] == [503] * LOST, [
        (answer.status, answer.body[:200]) for answer in answers
    ]
    for answer in answers:
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"].isdigit()
    again = [post_on_new_connection(server, "/auth/register", body).status for _ in range(4)]
    assert again == [409] * 4, again


def post_on_new_connection(server: Server, path: str, body: str) -> Answer:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, response.read(), 0)
    finally:
        connection.close()


async def _terminate_waiting_queries(server: Server, url: str, body: str) -> list[Answer]:
    """Hold `LOST` registrations at a lock on users, terminate their backends, release."""
    import asyncpg  # type: ignore[import-untyped, unused-ignore]

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    database = dsn.rsplit("/", 1)[1]
    holder = await asyncpg.connect(dsn)
    # A second connection watches: inside the holder's transaction, pg_stat_activity
    # would be one snapshot taken at its first read.
    monitor = await asyncpg.connect(dsn)
    try:
        locked = holder.transaction()
        await locked.start()
        await holder.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        requests = [
            asyncio.create_task(
                asyncio.to_thread(post_on_new_connection, server, "/auth/register", body)
            )
            for _ in range(LOST)
        ]
        waiting: list[int] = []
        deadline = time.monotonic() + 20
        while len(waiting) < LOST:
            assert time.monotonic() < deadline, f"{len(waiting)} of {LOST} queries reached the lock"
            await asyncio.sleep(0.05)
            waiting = [
                row["pid"]
                for row in await monitor.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE datname = $1 "
                    "AND wait_event_type = 'Lock' AND pid <> $2",
                    database,
                    holder.get_server_pid(),
                )
            ]
        await monitor.fetch(
            "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", waiting
        )
        await locked.rollback()
        return list(await asyncio.gather(*requests))
    finally:
        await holder.close()
        await monitor.close()
