"""A project `name` may not be a module the generated project's dependencies install.

The set in spec/checks.py is written out; this test recomputes it from the generated
pyproject.toml and the distributions installed here (the ones the generated-project
tests run with), so a new dependency cannot slip in without its module names.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from backsmith import SpecError, parse_spec
from backsmith.generate import new
from backsmith.spec.checks import DEPENDENCY_MODULES, SNAKE


def _requirements(pyproject: Path) -> list[Requirement]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(text) for text in [*project["dependencies"], *sum(extras, [])]]


def _closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution the requirements pull in, extras followed."""
    found: set[str] = set()
    pending = [(requirement, tuple(requirement.extras)) for requirement in requirements]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        requirement, extras = pending.pop()
        key = (canonicalize_name(requirement.name), extras)
        if key in seen:
            continue
        seen.add(key)
        found.add(key[0])
        for text in importlib.metadata.distribution(requirement.name).requires or []:
            needed = Requirement(text)
            markers = [{"extra": extra} for extra in ("", *extras)]
            if needed.marker is None or any(needed.marker.evaluate(m) for m in markers):
                pending.append((needed, tuple(needed.extras)))
    return found


def _top_level_modules(distribution: str) -> set[str]:
    files = importlib.metadata.distribution(distribution).files or []
    modules: set[str] = set()
    for file in files:
        top = file.parts[0]
        if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__"):
            continue
        modules.add(top.removesuffix(".py").split(".")[0])
    return modules


def test_every_dependency_module_is_refused_as_a_name(tmp_path: Path) -> None:
    spec = tmp_path / "backsmith.yaml"
    spec.write_text("name: shop\nresources:\n  Book:\n    fields: {title: str}\n")
    new(spec, tmp_path / "project")
    distributions = _closure(_requirements(tmp_path / "project" / "pyproject.toml"))
    modules = set().union(*(_top_level_modules(name) for name in distributions))
    names = {module for module in modules if SNAKE.match(module)}
    assert names - DEPENDENCY_MODULES == set()


@pytest.mark.parametrize("name", ["taskiq", "mypy", "cryptography", "python_multipart", "greenlet"])
def test_a_dependency_module_is_refused(name: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(f"name: {name}\nresources:\n  Book:\n    fields: {{title: str}}\n")
    assert f"'{name}' would shadow the Python module of that name" in str(caught.value)
