"""`new`: a spec file becomes a project folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backsmith.errors import Problem, ProjectError
from backsmith.render.engine import render_project
from backsmith.render.writer import prepare_target, write_tree
from backsmith.spec.loader import load_spec, parse_spec, read_spec_text
from backsmith.spec.resolved import ProjectInfo, resolve


@dataclass(frozen=True)
class NewProject:
    folder: Path
    files: list[str]
    """The generated files, relative to `folder`: with `force` the folder may hold others."""
    warnings: list[Problem] = field(default_factory=list)
    """What the spec grants that no caller can use as written (`ProjectInfo.warnings`)."""


def new(spec_path: str | Path, output: str | Path | None = None, *, force: bool = False) -> Path:
    """Generate the project described by the spec at `spec_path`; returns its folder.

    The target defaults to `./<name>`. Nothing is written unless every file renders
    and formats; a non-empty target is refused unless `force`.
    """
    return new_project(spec_path, output, force=force).folder


def new_project(
    spec_path: str | Path, output: str | Path | None = None, *, force: bool = False
) -> NewProject:
    """`new`, telling which files it generated as well as where."""
    # Read once: a second read could see another file (or block, on a FIFO).
    spec_text, source = read_spec_text(spec_path)
    spec = parse_spec(spec_text, source)
    target = Path(output) if output is not None else Path.cwd() / spec.name
    prepare_target(target, force=force)
    project = resolve(spec)
    tree = render_project(project, spec_text=spec_text)
    files = write_tree(tree, target, force=force)
    return NewProject(target.resolve(), files, project.warnings())


def plan(spec_path: str | Path) -> ProjectInfo:
    """The resolved project a spec describes, without writing anything."""
    return resolve(load_spec(spec_path))


__all__ = ["NewProject", "ProjectError", "new", "new_project", "plan"]
