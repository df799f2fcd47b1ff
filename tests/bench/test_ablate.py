"""bench/ablate.py's edits still fit the code the templates generate.

Its variants are made by replacing text in a generated project; when a template changes,
an edit stops fitting and the run fails after minutes of set-up. These tests find that in
a second, on the demo project, and check that a misfit names the file and the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from backsmith.generate import new

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import ablate  # noqa: E402 - bench scripts import their siblings by name
from run import SPEC, BenchError, find_package  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("ablate") / "taskboard"
    new(SPEC, project)
    return project


@pytest.mark.parametrize("name", sorted(ablate.ABLATIONS))
def test_each_ablation_fits_the_generated_project(demo: Path, name: str, tmp_path: Path) -> None:
    package = find_package(demo)
    variant = ablate.make_variant(demo, package, tmp_path / name, ablate.ABLATIONS[name])
    for edit in ablate.ABLATIONS[name]:
        assert edit.new in (variant / "src" / package / edit.path).read_text()


def test_all_ablations_fit_together_and_still_compile(demo: Path, tmp_path: Path) -> None:
    package = find_package(demo)
    edits = [edit for edits in ablate.ABLATIONS.values() for edit in edits]
    variant = ablate.make_variant(demo, package, tmp_path / "all", edits)
    for path in (variant / "src" / package).rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_an_edit_that_no_longer_fits_names_the_file_and_the_text(
    demo: Path, tmp_path: Path
) -> None:
    stale = ablate.Edit("main.py", "text the templates never wrote", "")
    with pytest.raises(BenchError, match="main.py: expected this text once, found it 0 times"):
        ablate.make_variant(demo, find_package(demo), tmp_path / "stale", [stale])
