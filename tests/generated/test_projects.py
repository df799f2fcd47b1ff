"""Each generated project passes its own gates: ruff, mypy --strict, its test suite on
SQLite, PostgreSQL and Redis, and migrations that match its models both ways.

The tools run as the project's developers would run them, from the project root with the
project's own configuration; see docs/adr/0011-testing-generated-projects.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generated.harness import (
    LOCAL_AUTH_SPECS,
    REDIS_BASE_URL,
    SPECS,
    SpecCase,
    databases_named_like,
    expect_success,
    flush_redis,
    fresh_postgres_database,
    leftover_schema,
    project_env,
    python,
    redis_keys,
    redis_url,
    seed_mypy_cache,
)

PYTEST = ("-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider")
ORDINARY_NAME = 16
"""Characters of a package name the 100-column check takes as ordinary."""


class TestStaticChecks:
    def test_ruff_check(self, root: Path) -> None:
        expect_success(
            python("-m", "ruff", "check", "--no-cache", ".", cwd=root, env=project_env())
        )

    def test_lines_fit_for_ordinary_names(self, root: Path, project: SpecCase) -> None:
        """The project ignores E501 (long spec names can stretch a docstring); with the
        test specs' ordinary names every line still fits in 100 columns. A package name
        longer than ORDINARY_NAME (oddities' 63 characters) may stretch a line by its excess."""
        width = 100 + max(0, len(project.package) - ORDINARY_NAME)
        check = ("-m", "ruff", "check", "--no-cache", "--extend-select", "E501")
        arguments = (*check, "--line-length", str(width), "--exclude", "migrations", ".")
        expect_success(python(*arguments, cwd=root, env=project_env()))

    def test_ruff_format(self, root: Path) -> None:
        expect_success(
            python(
                "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=root, env=project_env()
            )
        )

    def test_mypy_strict(self, root: Path, mypy_cache_seed: Path | None) -> None:
        """The project's own [tool.mypy] (strict, pydantic plugin, src and tests)."""
        seed_mypy_cache(root, mypy_cache_seed)
        expect_success(python("-m", "mypy", cwd=root, env=project_env()))


class TestOwnSuite:
    def test_pytest_on_sqlite(self, root: Path) -> None:
        """No DATABASE_URL: the suite's default, a SQLite file in a temporary folder."""
        expect_success(python(*PYTEST, cwd=root, env=project_env()))

    def test_pytest_on_postgresql(self, root: Path) -> None:
        with fresh_postgres_database() as url:
            expect_success(python(*PYTEST, cwd=root, env=project_env(DATABASE_URL=url)))

    @pytest.mark.parametrize("project", LOCAL_AUTH_SPECS, indirect=True, ids=str)
    def test_pytest_with_redis(self, project: SpecCase, root: Path) -> None:
        """Rate limits and caches in Redis, on the project's own database number."""
        url = redis_url(project)
        flush_redis(url)
        expect_success(python(*PYTEST, cwd=root, env=project_env(REDIS_URL=url)))


DEMO = next(case for case in SPECS if case.key == "taskboard")
KEEP_APART_REDIS_DB = 14
"""Not the demo's own number: test_pytest_with_redis[taskboard] may run at the same time
and flush it, or leave its keys in it."""


@pytest.mark.parametrize("project", [DEMO], indirect=True, ids=str)
def test_pytest_workers_keep_apart_on_postgresql_and_redis(project: SpecCase, root: Path) -> None:
    """With -n 2 each worker migrates and empties a database of its own, dropped at the
    end, and keeps its own Redis keys: sharing them, workers broke each other's tests."""
    url = f"{REDIS_BASE_URL.rstrip('/')}/{KEEP_APART_REDIS_DB}"
    flush_redis(url)
    with fresh_postgres_database() as database:
        env = project_env(DATABASE_URL=database, REDIS_URL=url)
        expect_success(python(*PYTEST, "-n", "2", cwd=root, env=env))
        name = database.rsplit("/", 1)[1]
        assert databases_named_like(f"{name}_") == []
    prefixes = {key.split(":", 1)[0] for key in redis_keys(url)}
    assert prefixes == {f"{project.package}-tests-gw0", f"{project.package}-tests-gw1"}


class TestMigrations:
    """The hand-written initial migration creates exactly the models' schema, and undoes it."""

    def test_round_trip_on_sqlite(self, root: Path, tmp_path: Path) -> None:
        _round_trip(root, f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}")

    def test_round_trip_on_postgresql(self, root: Path) -> None:
        with fresh_postgres_database() as url:
            _round_trip(root, url)


def _round_trip(root: Path, url: str) -> None:
    env = project_env(DATABASE_URL=url)
    expect_success(python("-m", "alembic", "upgrade", "head", cwd=root, env=env))
    assert leftover_schema(url), "alembic upgrade head created no tables"
    expect_success(python("-m", "alembic", "check", cwd=root, env=env))
    expect_success(python("-m", "alembic", "downgrade", "base", cwd=root, env=env))
    left = leftover_schema(url)
    assert not left, f"alembic downgrade base left {left} behind"
