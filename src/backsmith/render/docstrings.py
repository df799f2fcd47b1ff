"""Rewrap one-line docstrings that names from the spec stretched past the line limit.

Templates write most docstrings on one line with resource and field names in them
("HTTP routes for {{ plural }}: ..."). ruff format never wraps text, so a name as
ordinary as `appointments` or `recommendations` pushed such a line past 100 columns.
After formatting, each of those docstrings is wrapped at word boundaries into the
multi-line form the templates use elsewhere; every other line is left as it is.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

LINE_LIMIT = 100
"""The generated project's line length (its pyproject's ruff line-length)."""


def wrap_long_docstrings(source: str, width: int = LINE_LIMIT) -> str:
    """`source` with every over-long line of a string statement wrapped to `width`.

    Only string statements (docstrings, and the attribute docstrings that follow an
    assignment) are touched, found through the syntax tree: a long string that is a
    value keeps its exact text. A long line inside a multi-line docstring is wrapped
    in place, at the docstring's own indentation.
    """
    lines = source.splitlines(keepends=True)
    long = {number for number, line in enumerate(lines, 1) if len(line.rstrip("\r\n")) > width}
    if not long:
        return source
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.end_lineno is not None
        ):
            continue
        indent = " " * node.col_offset
        for number in long.intersection(range(node.lineno, node.end_lineno + 1)):
            line = lines[number - 1]
            text = line.rstrip("\r\n")
            if not text.startswith(indent) or text.count('"""') > (
                (number == node.lineno) + (number == node.end_lineno)
            ):
                continue
            wrapped = textwrap.wrap(
                text[len(indent) :],
                width=width - len(indent),
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines[number - 1] = "\n".join(indent + part for part in wrapped) + line[len(text) :]
    return "".join(lines)


def wrap_tree(root: Path) -> None:
    """Apply `wrap_long_docstrings` to every Python file under `root`."""
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        wrapped = wrap_long_docstrings(source)
        if wrapped != source:
            path.write_text(wrapped, encoding="utf-8")
