"""Wrap the lines that text from the spec stretched past the line limit.

Templates hold names and free text from the spec: docstrings such as "HTTP routes for
{{ plural }}: ...", and string values such as a field's `description` and `example` or
the API's title. ruff format never wraps text, so a resource as ordinary as
`Appointment`, or a description of a sentence or two, pushed such lines past 100
columns. After formatting, two passes fix only the lines still too long:

- a docstring's long line is rewrapped at word boundaries, at its own indentation;
- a long plain string value becomes an implicit concatenation of parts split after
  spaces and `\\n`s, in parentheses, which ruff format then lays out one part a line.
  The value is the same string.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from pathlib import Path

LINE_LIMIT = 100
"""The generated project's line length (its pyproject's ruff line-length)."""

_BREAK = re.compile(r"(?<!\\)(?:\\\\)*(?: |\\n)")
"""Where a string's source may be cut: after a space or a `\\n` escape that no odd run of
backslashes turns into something else."""


def _too_long(lines: list[str], width: int) -> set[int]:
    """The numbers of the lines over `width` that hold a string (a `"`) to wrap."""
    return {
        number
        for number, line in enumerate(lines, 1)
        if len(line.rstrip("\r\n")) > width and '"' in line
    }


def _lines_over(source: str, width: int) -> tuple[list[str], set[int]]:
    """`source`'s lines, and the numbers of those to wrap. A quick look for any line over
    `width` comes first: most files have none."""
    if max(map(len, source.split("\n"))) <= width:
        return [], set()
    lines = source.splitlines(keepends=True)
    return lines, _too_long(lines, width)


def _string_statements(tree: ast.AST) -> list[ast.Expr]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and node.end_lineno is not None
    ]


def wrap_long_docstrings(source: str, width: int = LINE_LIMIT) -> str:
    """`source` with every over-long line of a string statement wrapped to `width`.

    Only string statements (docstrings, and the attribute docstrings that follow an
    assignment) are touched, found through the syntax tree. A long line inside a
    multi-line docstring is wrapped in place, at the docstring's own indentation.
    """
    lines, long = _lines_over(source, width)
    if not long:
        return source
    for node in _string_statements(ast.parse(source)):
        indent = " " * node.col_offset
        for number in long.intersection(range(node.lineno, (node.end_lineno or 0) + 1)):
            line = lines[number - 1]
            text = line.rstrip("\r\n")
            quotes = (number == node.lineno) + (number == node.end_lineno)
            if not text.startswith(indent) or text.count('"""') > quotes:
                continue
            wrapped = textwrap.wrap(
                text[len(indent) :],
                width=width - len(indent),
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines[number - 1] = "\n".join(indent + part for part in wrapped) + line[len(text) :]
    return "".join(lines)


def _parts(body: str, size: int) -> list[str]:
    """`body` (a string literal's source between its quotes) cut into pieces of at most
    `size` characters where it can be, each ending after a space or a `\\n`."""
    parts: list[str] = []
    start = last = 0
    ends = [match.end() for match in _BREAK.finditer(body)]
    for end in [*ends, len(body)]:
        if end - start > size and last > start:
            parts.append(body[start:last])
            start = last
        last = end
        if body[last - 2 : last] == "\\n" and last - start >= size // 2:
            parts.append(body[start:last])
            start = last
    parts.append(body[start:])
    return [part for part in parts if part]


def split_long_strings(source: str, width: int = LINE_LIMIT) -> str:
    """`source` with each plain one-line string on an over-long line (not a statement,
    not on a line with a comment) written as a parenthesized implicit concatenation.

    Run `ruff format` on the result: it puts each part on its own line.
    """
    lines, long = _lines_over(source, width)
    if not long:
        return source
    statements = {node.lineno for node in _string_statements(ast.parse(source))}
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    commented = {token.start[0] for token in tokens if token.type == tokenize.COMMENT}
    edits: list[tuple[int, int, int, str]] = []
    for token in tokens:
        number, column = token.start
        text = token.string
        if (
            token.type != tokenize.STRING
            or number not in long
            or number in commented
            or number in statements
            or token.end[0] != number
            or not text.startswith('"')
            or text.startswith('"""')
        ):
            continue
        indent = len(lines[number - 1]) - len(lines[number - 1].lstrip(" "))
        parts = _parts(text[1:-1], max(20, width - indent - 12))
        if len(parts) > 1:
            joined = " ".join(f'"{part}"' for part in parts)
            edits.append((number, column, token.end[1], f"({joined})"))
    for number, start, end, replacement in reversed(edits):
        line = lines[number - 1]
        lines[number - 1] = line[:start] + replacement + line[end:]
    return "".join(lines)


def wrap_tree(root: Path) -> list[Path]:
    """Apply both passes to every Python file under `root`; returns the files whose
    strings were split, which need `ruff format` again."""
    split: list[Path] = []
    for path in root.rglob("*.py"):
        with path.open(encoding="utf-8") as handle:
            source = handle.read()
        strings = split_long_strings(source)
        wrapped = wrap_long_docstrings(strings)
        if wrapped != source:
            path.write_text(wrapped, encoding="utf-8")
        if strings != source:
            split.append(path)
    return split
