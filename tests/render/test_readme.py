"""The generated README's Layout section names every module and package of the project's
source folder, each described in one column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backsmith.generate import new

SPECS = Path(__file__).parents[1] / "assets" / "specs"
DEMO = Path(__file__).parents[2] / "src" / "backsmith" / "demo" / "taskboard.yaml"
ENTRY = re.compile(r"^  (\S+)( +)\S")
"""A line of the layout naming one entry of the package: its name and the gap after it."""


def _layout(readme: str) -> list[str]:
    section = readme.split("## Layout", 1)[1]
    return section.split("```", 2)[1].splitlines()


@pytest.mark.parametrize(
    "spec", [DEMO, SPECS / "catalog.yaml", SPECS / "ledger.yaml"], ids=lambda path: path.stem
)
def test_the_layout_names_every_entry_of_the_package(spec: Path, tmp_path: Path) -> None:
    root = new(spec, tmp_path / "project")
    package = next(path for path in (root / "src").iterdir() if path.is_dir())
    entries = {
        path.name + ("/" if path.is_dir() else "")
        for path in package.iterdir()
        if path.name != "__init__.py" and path.name != "__pycache__"
    }

    matches = [ENTRY.match(line) for line in _layout((root / "README.md").read_text())]
    named = {match.group(1): match.end() - 1 for match in matches if match is not None}

    assert entries <= set(named), sorted(entries - set(named))
    assert len(set(named.values())) == 1, named
