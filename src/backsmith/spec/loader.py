"""Read a spec file into a checked `Spec`, or raise a `SpecError` listing every problem.

YAML is composed to nodes first so that each problem can name its line and column,
and duplicate keys (which PyYAML would silently collapse) are reported as problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from backsmith.errors import Problem, SpecError
from backsmith.spec.checks import KeyPath, run_checks
from backsmith.spec.model import Spec
from backsmith.spec.suggest import did_you_mean
from backsmith.spec.values import check_values


class _Positions:
    """Line and column (1-based) of every key and value in a YAML document."""

    def __init__(self) -> None:
        self.keys: dict[KeyPath, tuple[int, int]] = {}
        self.values: dict[KeyPath, tuple[int, int]] = {}
        self.duplicates: list[tuple[KeyPath, tuple[int, int]]] = []

    def walk(self, node: yaml.Node, path: KeyPath = ()) -> None:
        self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                child = (*path, key)
                mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in seen:
                    self.duplicates.append((child, mark))
                seen.add(key)
                self.keys[child] = mark
                self.walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))

    def of(self, path: KeyPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """The nearest known position for `path`, walking up to its parents."""
        lookups = (self.keys, self.values) if key else (self.values, self.keys)
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            for table in lookups:
                if prefix in table:
                    return table[prefix]
        return None, None


def load_spec(path: str | Path) -> Spec:
    """The spec at `path`, validated and checked; `SpecError` lists every problem found."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(source), [Problem("", "no such file; pass the path of a backsmith.yaml")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(str(source), [Problem("", f"cannot read the file: {error}")]) from None
    return parse_spec(text, str(source))


def parse_spec(text: str, source: str = "backsmith.yaml") -> Spec:
    """The spec in `text` (YAML or JSON), validated and checked."""
    positions = _Positions()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(source, [_yaml_problem(error)]) from None
    if node is not None:
        positions.walk(node)
    if positions.duplicates:
        problems = [
            Problem(_dotted(path), "duplicate key; the later value would silently replace the earlier", *mark)
            for path, mark in positions.duplicates
        ]
        raise SpecError(source, problems)
    if not isinstance(data, dict):
        raise SpecError(source, [Problem("", "a spec is a mapping with at least 'name' and 'resources'", 1, 1)])
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        problems = [_pydantic_problem(detail, positions) for detail in error.errors()]
        raise SpecError(source, _unique(problems)) from None
    found = [*run_checks(spec), *check_values(spec)]
    if found:
        problems = [Problem(_dotted(path), message, *positions.of(path)) for path, message in found]
        raise SpecError(source, _unique(problems))
    return spec


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {reason}" + (f" ({context})" if context else "")
    if mark is None:
        return Problem("", message)
    return Problem("", message, mark.line + 1, mark.column + 1)


def _pydantic_problem(detail: ErrorDetails, positions: _Positions) -> Problem:
    loc: KeyPath = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        parent, key = loc[:-1], str(loc[-1])
        allowed = _allowed_keys(parent)
        return Problem(_dotted(parent), f"unknown key '{key}'{did_you_mean(key, allowed)}", *positions.of(loc, key=True))
    if kind == "missing":
        return Problem(_dotted(loc[:-1]), f"required key '{loc[-1]}' is missing", *positions.of(loc[:-1]))
    if kind in ("literal_error", "enum"):
        expected = _expected_choices(detail)
        given = str(detail.get("input"))
        return Problem(_dotted(loc), f"'{given}' is not allowed{did_you_mean(given, expected)}", *positions.of(loc))
    return Problem(_dotted(loc), _plain_message(detail), *positions.of(loc))


def _plain_message(detail: ErrorDetails) -> str:
    message = detail["msg"]
    given = detail.get("input")
    if detail["type"] in _CUSTOM:
        return message
    if detail["type"] == "string_type" and isinstance(given, bool):
        return "expected a string, got a boolean (YAML reads yes, no, on and off as booleans); quote the value"
    if detail["type"].endswith("_type") and not isinstance(given, dict | list):
        return f"{message[0].lower()}{message[1:]}, got {given!r}"
    return message[0].lower() + message[1:]


_CUSTOM = frozenset(
    {"unknown_type", "field_form", "shorthand", "option_type", "missing_to", "missing_values"}
)


def _expected_choices(detail: ErrorDetails) -> list[str]:
    expected = str((detail.get("ctx") or {}).get("expected", ""))
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip(" '\"")]


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the model at `path` accepts: the model is found by walking field types."""
    model: type[BaseModel] = Spec
    steps = list(path)
    while steps:
        step = steps.pop(0)
        info = model.model_fields.get(str(step))
        if info is None:
            return []
        annotation = info.annotation
        origin_args = getattr(annotation, "__args__", ())
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        inner = origin_args[-1] if origin_args else None
        if isinstance(inner, type) and issubclass(inner, BaseModel) and steps:
            steps.pop(0)
            model = inner
            continue
        return []
    return list(model.model_fields)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    kept: list[Problem] = []
    for problem in problems:
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
