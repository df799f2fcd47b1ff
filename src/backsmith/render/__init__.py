"""The engine: a resolved spec becomes a file tree, written atomically and ruff-formatted."""

from backsmith.render.engine import render_project
from backsmith.render.writer import write_tree

__all__ = ["render_project", "write_tree"]
