"""Shared machinery for the tests over generated projects.

Each spec under `tests/assets/specs/` (and the demo spec) is generated once per test
session; every check on the result then runs as a subprocess in the project's own root,
with `sys.executable -m <tool>`, `PYTHONPATH=src` and an environment built from scratch,
so that one project's package never meets another's in an interpreter and nothing from
the developer's environment (a DATABASE_URL, a PYTEST_ADDOPTS) leaks into a run.

Isolation under pytest-xdist: generation is shared by the workers through lock files in
the session's common temporary folder; every database is a fresh one (a temporary SQLite
file, or a PostgreSQL database created for the one run and dropped after it); every
project owns one Redis database number.
"""

from __future__ import annotations

import ast
import asyncio
import fcntl
import os
import secrets
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from backsmith.generate import new, plan

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "tests" / "assets" / "specs"
DEMO_SPEC = REPO / "src" / "backsmith" / "demo" / "taskboard.yaml"

POSTGRES_ADMIN_URL = os.environ.get(
    "BACKSMITH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
"""A database to connect to for CREATE / DROP DATABASE; each run gets a fresh database."""
REDIS_BASE_URL = os.environ.get("BACKSMITH_TEST_REDIS", "redis://127.0.0.1:6379")
"""The Redis server; each project uses its own database number on it."""

COMMAND_TIMEOUT = 900.0
"""Seconds one subprocess may take before it is killed and its test fails."""
TAIL_LINES = 80
TAIL_CHARS = 8000

# Variables a subprocess inherits; everything else (settings such as DATABASE_URL or
# SECRET_KEY, PYTEST_ADDOPTS, the xdist worker's PYTEST_XDIST_* ...) is left behind.
_INHERITED = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


@dataclass(frozen=True)
class SpecCase:
    """One spec the suite generates a project from."""

    key: str
    path: Path
    package: str
    auth: str
    redis_db: int

    def __str__(self) -> str:
        return self.key


def _load_cases() -> list[SpecCase]:
    paths = [*sorted(SPEC_DIR.glob("*.yaml")), DEMO_SPEC]
    cases: list[SpecCase] = []
    for number, path in enumerate(paths, start=1):
        info = plan(path)
        cases.append(SpecCase(path.stem, path, info.name, info.auth, redis_db=number))
    if len({case.package for case in cases}) != len(cases):
        raise RuntimeError("two test specs share a package name; give each its own `name`")
    if len(cases) > 13:
        raise RuntimeError(
            "more test specs than Redis database numbers 1-13 (14 and 15 belong to single tests)"
        )
    return cases


SPECS: list[SpecCase] = _load_cases()
LOCAL_AUTH_SPECS: list[SpecCase] = [case for case in SPECS if case.auth == "local"]


# -- generating -------------------------------------------------------------------------


@contextmanager
def _file_lock(path: Path, *, blocking: bool) -> Iterator[bool]:
    """An exclusive `flock` on `path`; yields whether it was taken (always, if blocking)."""
    with path.open("a") as handle:
        flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Generated:
    """A generated project, or why generating it failed."""

    case: SpecCase
    root: Path
    error: str | None
    seconds: float

    def require(self) -> Path:
        """The project root; fails the calling test when generation failed."""
        if self.error is not None:
            raise AssertionError(
                f"generating {self.case.path.relative_to(REPO)} failed:\n{self.error}"
            )
        return self.root


def _generate_once(case: SpecCase, workspace: Path) -> None:
    """Generate `case` into `workspace` and record the outcome, unless already done."""
    outcome = workspace / f"{case.key}.outcome"
    if outcome.exists():
        return
    started = time.perf_counter()
    try:
        new(case.path, workspace / case.key)
    except Exception as error:  # noqa: BLE001 - recorded and shown by every test of the spec
        text = f"{type(error).__name__}: {error}"
    else:
        text = ""
    outcome.write_text(f"{time.perf_counter() - started:.1f}\n{text}", encoding="utf-8")


def generate_all(cases: Iterable[SpecCase], workspace: Path) -> dict[str, Generated]:
    """Generate every case once, however many xdist workers call this at the same time.

    A worker first takes every spec nobody has started (a non-blocking lock), so two
    workers generate different projects side by side; then it waits for the rest.
    """
    workspace.mkdir(parents=True, exist_ok=True)
    wanted = list(dict.fromkeys(cases))
    for blocking in (False, True):
        for case in wanted:
            with _file_lock(workspace / f"{case.key}.lock", blocking=blocking) as taken:
                if taken:
                    _generate_once(case, workspace)
    results: dict[str, Generated] = {}
    for case in wanted:
        seconds, _, error = (workspace / f"{case.key}.outcome").read_text("utf-8").partition("\n")
        results[case.key] = Generated(case, workspace / case.key, error or None, float(seconds))
    return results


# -- running commands -------------------------------------------------------------------


def project_env(**settings: str) -> dict[str, str]:
    """A clean environment for a subprocess in a project root: `PYTHONPATH=src` plus `settings`."""
    env = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    env.update(PYTHONPATH="src", PYTHONUNBUFFERED="1", NO_COLOR="1")
    env.update(settings)
    return env


@dataclass(frozen=True)
class Outcome:
    command: Sequence[str]
    cwd: Path
    returncode: int
    output: str = field(repr=False)
    seconds: float

    def describe(self) -> str:
        shown = shlex.join(
            ["python", *self.command[1:]] if self.command[0] == sys.executable else self.command
        )
        return f"`{shown}` in {self.cwd} exited {self.returncode} after {self.seconds:.1f}s"

    def tail(self, lines: int = TAIL_LINES, chars: int = TAIL_CHARS) -> str:
        text = "\n".join(self.output.rstrip().splitlines()[-lines:])
        return text[-chars:]


def run(
    arguments: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = COMMAND_TIMEOUT
) -> Outcome:
    """Run a command, stdout and stderr merged; a failure is in the outcome, never raised."""
    command = list(arguments)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        returncode = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        output, _ = process.communicate()
        output += f"\n[killed after {timeout:.0f}s]"
        returncode = -9
    return Outcome(command, cwd, returncode, output, time.perf_counter() - started)


def python(
    *arguments: str, cwd: Path, env: Mapping[str, str], timeout: float = COMMAND_TIMEOUT
) -> Outcome:
    return run([sys.executable, *arguments], cwd=cwd, env=env, timeout=timeout)


def expect_success(
    outcome: Outcome, *, lines: int = TAIL_LINES, chars: int = TAIL_CHARS
) -> Outcome:
    """Fail the test with the command and the tail of its output unless it exited 0."""
    __tracebackhide__ = True
    if outcome.returncode != 0:
        raise AssertionError(f"{outcome.describe()}; last lines:\n{outcome.tail(lines, chars)}")
    return outcome


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


# -- mypy's cache of third-party modules ------------------------------------------------


def third_party_imports(roots: Iterable[Path], own: set[str]) -> list[str]:
    """Every module the projects under `roots` import that is neither stdlib nor their own."""
    found: set[str] = set()
    for root in roots:
        for path in sorted([*root.glob("src/**/*.py"), *root.glob("tests/**/*.py")]):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if (
                        top not in own
                        and top not in sys.stdlib_module_names
                        and top != "__future__"
                    ):
                        found.add(name)
    return sorted(found)


def mypy_seed(projects: Sequence[Generated], workspace: Path) -> Path | None:
    """A mypy cache holding only third-party modules, built once per session.

    mypy spends most of a cold run on fastapi, sqlalchemy, pydantic and the like, which
    are the same for every project. A probe importing what the generated code imports is
    checked once with a generated project's own mypy configuration; each project's run
    then starts from a copy of that cache, and its own modules are checked from source.
    """
    usable = [project for project in projects if project.error is None]
    if not usable:
        return None
    seed = workspace / "mypy-seed"
    with _file_lock(workspace / "mypy-seed.lock", blocking=True):
        if not (seed / "complete").exists():
            probe = workspace / "mypy-probe"
            shutil.rmtree(probe, ignore_errors=True)
            probe.mkdir(parents=True)
            shutil.copy(usable[0].root / "pyproject.toml", probe / "pyproject.toml")
            own = {"tests", "migrations", *(project.case.package for project in usable)}
            modules = third_party_imports([project.root for project in usable], own)
            (probe / "mypy_probe.py").write_text(
                "".join(f"import {module}  # noqa: F401\n" for module in modules), encoding="utf-8"
            )
            shutil.rmtree(seed, ignore_errors=True)
            python(
                "-m",
                "mypy",
                "--cache-dir",
                str(seed),
                "mypy_probe.py",
                cwd=probe,
                env=project_env(),
            )
            (seed / "complete").write_text("\n".join(modules), encoding="utf-8")
    return seed


def seed_mypy_cache(root: Path, seed: Path | None) -> None:
    """Start the project's own `.mypy_cache` from the shared third-party cache."""
    if seed is not None and (seed / "complete").exists():
        shutil.copytree(seed, root / ".mypy_cache", dirs_exist_ok=True)


# -- databases --------------------------------------------------------------------------


def _with_database(url: str, database: str, scheme: str | None = None) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme or parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


async def _postgres(statements: Sequence[str], url: str = POSTGRES_ADMIN_URL) -> list[list[str]]:
    import asyncpg  # type: ignore[import-untyped, unused-ignore]

    connection = await asyncpg.connect(url, timeout=10)
    try:
        results: list[list[str]] = []
        for statement in statements:
            rows = await connection.fetch(statement)
            results.append([str(row[0]) for row in rows])
        return results
    finally:
        await connection.close()


def postgres_available() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        asyncio.run(_postgres(["SELECT 1"]))
    except Exception as error:  # noqa: BLE001 - reported to the caller as text
        return f"{type(error).__name__}: {error}"
    return None


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new empty database for one run, as an asyncpg SQLAlchemy URL; dropped afterwards."""
    name = f"bs_{secrets.token_hex(6)}"
    try:
        asyncio.run(_postgres([f'CREATE DATABASE "{name}"']))
    except Exception as error:
        raise AssertionError(
            f"cannot create a PostgreSQL database at {POSTGRES_ADMIN_URL} "
            f"(set BACKSMITH_TEST_POSTGRES to another server): {type(error).__name__}: {error}"
        ) from error
    try:
        yield _with_database(POSTGRES_ADMIN_URL, name, scheme="postgresql+asyncpg")
    finally:
        asyncio.run(_postgres([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']))


def databases_named_like(prefix: str) -> list[str]:
    """The server's databases whose names begin with `prefix`."""
    names = asyncio.run(_postgres(["SELECT datname FROM pg_database"]))[0]
    return [name for name in names if name.startswith(prefix)]


def redis_keys(url: str) -> list[str]:
    """Every key in one Redis database."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    return [key.decode() for key in client.scan_iter()]


def leftover_schema(url: str) -> list[str]:
    """Tables (and PostgreSQL enum types) in the database at `url`, but Alembic's own table."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        with sqlite3.connect(path) as connection:
            rows = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        names = [str(row[0]) for row in rows]
    else:
        plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        tables, enums = asyncio.run(
            _postgres(
                [
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                    "SELECT 'type ' || typname FROM pg_type t JOIN pg_namespace n "
                    "ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'",
                ],
                plain,
            )
        )
        names = [*tables, *enums]
    return sorted(name for name in names if name != "alembic_version")


def redis_url(case: SpecCase) -> str:
    return f"{REDIS_BASE_URL.rstrip('/')}/{case.redis_db}"


def flush_redis(url: str) -> None:
    """Empty one Redis database (the project's own number), failing clearly if Redis is down."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise AssertionError(f"cannot reach Redis at {url}: {error}") from error
    finally:
        client.close()
