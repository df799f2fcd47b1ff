"""The generated seed.py creates sample rows the way a person would write it: rows a later
resource refers to are kept in a list, the others are created in a plain loop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backsmith.generate import new

SPECS = Path(__file__).parents[1] / "assets" / "specs"
DEMO = Path(__file__).parents[2] / "src" / "backsmith" / "demo" / "taskboard.yaml"


@pytest.mark.parametrize("spec", [DEMO, SPECS / "bookshop.yaml"], ids=lambda path: path.stem)
def test_no_list_is_built_only_to_be_thrown_away(spec: Path, tmp_path: Path) -> None:
    root = new(spec, tmp_path / "project")
    seed = next((root / "src").glob("*/seed.py"))
    tree = ast.parse(seed.read_text())

    discarded = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.ListComp)
    ]
    created = [node for node in ast.walk(tree) if isinstance(node, ast.Await)]

    assert created, "seed.py creates no rows: the test no longer reads the right module"
    assert not discarded, f"list comprehensions used as statements at lines {discarded}"
