"""backsmith: FastAPI projects from a YAML spec.

This module is the public API. The CLI is a thin skin over it and the MCP server
calls the same functions, so anything a command does, a Python caller can do:

    import backsmith

    project = backsmith.check("backsmith.yaml")     # validate and resolve; SpecError if not
    folder = backsmith.new("backsmith.yaml", "out")  # generate the project
    files = backsmith.new_project("backsmith.yaml", "out2").files  # ... and which files
    schema = backsmith.spec_schema()                 # the spec's JSON Schema
    backsmith.write_spec_schema("spec.schema.json")  # ... written to a file

Every failure a user can act on is a `BacksmithError` whose message says what to do
and whose `exit_code` the CLI exits with.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from backsmith.demo.runner import DemoError, DemoProject, demo, prepare_demo, serve_demo
    from backsmith.errors import BacksmithError, GenerationError, Problem, ProjectError, SpecError
    from backsmith.generate import NewProject, new, new_project
    from backsmith.spec.loader import load_spec, parse_spec
    from backsmith.spec.model import Spec
    from backsmith.spec.resolved import ProjectInfo
    from backsmith.spec.schema import spec_schema, write_spec_schema

    __version__: str

_HOMES = {
    "backsmith.demo.runner": ("DemoError", "DemoProject", "demo", "prepare_demo", "serve_demo"),
    "backsmith.errors": (
        "BacksmithError",
        "GenerationError",
        "Problem",
        "ProjectError",
        "SpecError",
    ),
    "backsmith.generate": ("NewProject", "new", "new_project"),
    "backsmith.spec.loader": ("load_spec", "parse_spec"),
    "backsmith.spec.model": ("Spec",),
    "backsmith.spec.resolved": ("ProjectInfo",),
    "backsmith.spec.schema": ("spec_schema", "write_spec_schema"),
}
"""Where each public name lives. They are imported on first use (PEP 562), so that
`import backsmith`, which every `backsmith.*` module and the command's start run first,
takes milliseconds: the command can then catch a Ctrl-C from its first moment
(`backsmith.__main__`) instead of Python printing a traceback of half-done imports."""
_HOME = {name: module for module, names in _HOMES.items() for name in names}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name == "__version__":
            value: Any = _installed_version()
        elif name in _HOME:
            value = getattr(importlib.import_module(_HOME[name]), name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, "__version__"})


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backsmith")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


# `backsmith.demo` names both a function (from the runner) and the subpackage it lives
# in. Loading a subpackage binds its name in this namespace, so it is loaded now (it is
# a docstring) and the name is handed back to __getattr__: however the runner is first
# imported later, `backsmith.demo` stays the function.
importlib.import_module("backsmith.demo")
del globals()["demo"]


def check(spec_path: str | Path) -> ProjectInfo:
    """Validate the spec at `spec_path` and resolve it: every default applied, every name
    derived. Raises `SpecError` listing every problem, each with its key path and line.
    """
    from backsmith.generate import plan

    return plan(spec_path)


__all__ = [
    "BacksmithError",
    "DemoError",
    "DemoProject",
    "GenerationError",
    "NewProject",
    "Problem",
    "ProjectError",
    "ProjectInfo",
    "Spec",
    "SpecError",
    "__version__",
    "check",
    "demo",
    "load_spec",
    "new",
    "new_project",
    "parse_spec",
    "prepare_demo",
    "serve_demo",
    "spec_schema",
    "write_spec_schema",
]
