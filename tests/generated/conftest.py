"""Fixtures for the tests over generated projects: one generation per spec per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generated.harness import SPECS, Generated, SpecCase, generate_all, mypy_seed


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "generated: runs tools over a generated project (slow; deselect with -m 'not generated')",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.generated)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The session's folder for generated projects, shared by every xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "generated-projects"


@pytest.fixture(scope="session")
def generated(request: pytest.FixtureRequest, workspace: Path) -> dict[str, Generated]:
    """Every project this session's selected tests need, generated once and shared."""
    wanted: list[SpecCase] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("project") if callspec is not None else None
        if isinstance(case, SpecCase):
            wanted.append(case)
    return generate_all(wanted, workspace)


@pytest.fixture(scope="session", params=SPECS, ids=str)
def project(request: pytest.FixtureRequest) -> SpecCase:
    """The spec under test (parametrized); `root` gives its generated project."""
    case: SpecCase = request.param
    return case


@pytest.fixture(scope="session")
def root(project: SpecCase, generated: dict[str, Generated]) -> Path:
    """The generated project's folder; fails the test if generating it failed."""
    return generated[project.key].require()


@pytest.fixture(scope="session")
def mypy_cache_seed(generated: dict[str, Generated], workspace: Path) -> Path | None:
    """A cache of third-party modules for mypy, shared by every project's run (a copy each)."""
    return mypy_seed(list(generated.values()), workspace)
