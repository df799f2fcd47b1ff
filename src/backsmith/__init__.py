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

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from backsmith.demo.runner import DemoError, DemoProject, demo, prepare_demo, serve_demo
from backsmith.errors import BacksmithError, GenerationError, Problem, ProjectError, SpecError
from backsmith.generate import NewProject, new, new_project, plan
from backsmith.spec.loader import load_spec, parse_spec
from backsmith.spec.model import Spec
from backsmith.spec.resolved import ProjectInfo
from backsmith.spec.schema import spec_schema, write_spec_schema

try:
    __version__ = version("backsmith")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"


def check(spec_path: str | Path) -> ProjectInfo:
    """Validate the spec at `spec_path` and resolve it: every default applied, every name
    derived. Raises `SpecError` listing every problem, each with its key path and line.
    """
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
