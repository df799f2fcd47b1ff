"""Write a rendered file tree to disk atomically, formatted and linted by ruff.

Everything is written to a temporary folder beside the target first and formatted
there; only when every step has succeeded is it moved into place. A failure at any
point leaves the target exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from backsmith.errors import GenerationError, ProjectError
from backsmith.render.engine import FileTree


def _ruff(*arguments: str, cwd: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed ruff binary, arguments built here
        [find_ruff_bin(), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(
            f"ruff {arguments[0]} failed on the generated code (a backsmith bug; report it):\n"
            + (result.stdout + result.stderr).strip()
        )


def format_tree(root: Path) -> None:
    """Sort imports, drop unused ones, then format: the generated code is ruff-clean."""
    _ruff(
        "check",
        "--fix",
        "--no-cache",
        "--quiet",
        "--select",
        "I,F401,F541,UP",
        "--exit-zero",
        ".",
        cwd=root,
    )
    _ruff("format", "--no-cache", ".", cwd=root)  # not --quiet: it hides parse errors


def prepare_target(target: Path, *, force: bool) -> None:
    """Refuse a non-empty target unless forced; never touch anything here."""
    if target.exists() and not target.is_dir():
        raise ProjectError(
            f"{target} exists and is not a folder; choose another output folder with -o"
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ProjectError(
            f"{target} is not empty; choose another folder with -o, or --force to write into it"
        )
    blocking = next((parent for parent in target.parents if parent.is_file()), None)
    if blocking is not None:
        raise ProjectError(
            f"{blocking} is a file, so {target} cannot be made; choose another folder with -o"
        )


def write_tree(tree: FileTree, target: Path, *, force: bool = False) -> list[str]:
    """Write `tree` under `target` atomically; returns the written paths."""
    target = target.resolve()
    prepare_target(target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for relative, content in tree.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        format_tree(staging)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(tree)


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        os.replace(staging, target)
        return
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(staging)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
    shutil.rmtree(staging, ignore_errors=True)
