"""Render the templates for a project into an in-memory file tree.

Templates are data: `templates/project/` holds files rendered once per project and
`templates/resource/` files rendered once per resource, each at the same relative
path as the file it produces (`{{name}}` and `{{module}}` in a path are replaced).
A template that renders to nothing but whitespace produces no file, which is how a
file exists only for some specs (the auth router only for `auth.kind: local`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from backsmith.render import python, samples, testgen
from backsmith.spec import names
from backsmith.spec.resolved import ProjectInfo, ResourceInfo

FileTree = dict[str, str]
"""Relative POSIX path -> file content."""


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling them is most of a cold `new`."""
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "backsmith" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("backsmith", "templates"),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    env.globals["py"] = python
    env.globals["samples"] = samples
    env.globals["tg"] = testgen
    env.filters["literal"] = python.literal
    env.filters["docstring"] = python.docstring_text
    env.filters["ondelete"] = python.ondelete
    env.filters["id_python"] = python.id_python
    env.filters["pascal"] = names.pascal
    env.filters["a"] = names.with_article
    env.filters["pascal_role"] = names.role_class
    return env


def _template_paths(kind: str) -> list[str]:
    root = resources.files("backsmith") / "templates" / kind
    found: list[str] = []

    def walk(node: Traversable, prefix: PurePosixPath) -> None:
        for child in sorted(node.iterdir(), key=lambda item: item.name):
            if child.name == "__pycache__":
                continue
            if child.is_dir():
                walk(child, prefix / child.name)
            elif child.name.endswith(".jinja"):
                found.append(str(prefix / child.name))

    walk(root, PurePosixPath())
    return found


def _render_path(template_path: str, values: dict[str, str]) -> str:
    path = template_path.removesuffix(".jinja")
    for key, value in values.items():
        path = path.replace("{{" + key + "}}", value)
    return path


def migration_stamp(project: ProjectInfo) -> tuple[str, str]:
    """A revision id and file date that depend only on the spec, so output is reproducible."""
    digest = hashlib.sha256(project.spec.model_dump_json().encode()).hexdigest()
    return digest[:12], dt.date.today().isoformat()


def render_project(project: ProjectInfo, *, spec_text: str) -> FileTree:
    """Every file of the project, keyed by its path relative to the project root."""
    env = environment()
    revision, day = migration_stamp(project)
    common: dict[str, Any] = {
        "project": project,
        "spec_text": spec_text,
        "revision": revision,
        "migration_date": day,
    }
    tree: FileTree = {}
    names = {"name": project.name, "migration": f"{day}_initial"}
    for template_path in _template_paths("project"):
        content = env.get_template(f"project/{template_path}").render(**common)
        if content.strip():
            tree[_render_path(template_path, names)] = content
    for resource in project.resources:
        tree.update(_render_resource(env, resource, common, names))
    tree["backsmith.yaml"] = spec_text
    return tree


def _render_resource(
    env: jinja2.Environment, resource: ResourceInfo, common: dict[str, Any], names: dict[str, str]
) -> FileTree:
    tree: FileTree = {}
    values = {**names, "module": resource.module}
    for template_path in _template_paths("resource"):
        content = env.get_template(f"resource/{template_path}").render(resource=resource, **common)
        if content.strip():
            tree[_render_path(template_path, values)] = content
    return tree
