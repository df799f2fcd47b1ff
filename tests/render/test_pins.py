"""The tool's `project` extra and a generated project's dependencies are the same list.

`backsmith demo` and the tool's tests run generated projects in the tool's own
environment, installed from the `project` extra; if the two lists drift, a generated
project could pass here and fail on a user's machine (it happened once: the login
form's python-multipart was missing from both, and only a third package's
dependency hid it).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from backsmith.generate import new

ROOT = Path(__file__).resolve().parents[2]


def test_generated_dependencies_equal_the_project_extra(tmp_path: Path) -> None:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = new(ROOT / "src/backsmith/demo/taskboard.yaml", tmp_path / "taskboard")
    generated = tomllib.loads((project / "pyproject.toml").read_text())
    assert sorted(generated["project"]["dependencies"]) == sorted(
        tool["project"]["optional-dependencies"]["project"]
    )
