"""Lines that names and text from the spec stretch past 100 columns are wrapped; the code's
meaning and every other line stay as they were."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from backsmith.render.long_lines import split_long_strings, wrap_long_docstrings
from tests.render.written_specs import generate_written_spec

LONG = "word " * 30


def test_a_long_one_line_docstring_is_wrapped_at_its_indentation() -> None:
    source = f'def f() -> None:\n    """{LONG.strip()}."""\n'
    wrapped = wrap_long_docstrings(source)
    lines = wrapped.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert len(lines) > 2 and all(line.startswith("    ") for line in lines[1:])
    namespace: dict[str, object] = {}
    exec(compile(wrapped, "<wrapped>", "exec"), namespace)  # noqa: S102 - the test's own source
    assert " ".join(str(namespace["f"].__doc__).split()) == f"{LONG.strip()}."  # type: ignore[attr-defined]


def test_a_long_line_inside_a_multi_line_docstring_is_wrapped() -> None:
    source = f'"""{LONG.strip()}.\n\nSecond paragraph.\n"""\n'
    lines = wrap_long_docstrings(source).splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[-3:] == ["", "Second paragraph.", '"""']


def test_a_long_string_that_is_a_value_keeps_its_text() -> None:
    source = f'TEXT = """{LONG}"""\nCALL = print(\n    """{LONG}"""\n)\n'
    assert wrap_long_docstrings(source) == source


TEXT = 'A **bold** "quote", a \\ backslash and\nnew lines\n\n- a list item ' * 4


def test_a_long_string_value_becomes_a_concatenation_of_the_same_value() -> None:
    source = f"VALUE = dict(text={json.dumps(TEXT)}, items=[{json.dumps(TEXT)}])\n"
    split = split_long_strings(source)
    assert split != source
    namespace: dict[str, object] = {}
    exec(compile(split, "<split>", "exec"), namespace)  # noqa: S102 - the test's own source
    assert namespace["VALUE"] == {"text": TEXT, "items": [TEXT]}


def test_a_string_on_a_line_with_a_comment_or_with_a_prefix_is_left_alone() -> None:
    source = f"A = {json.dumps(TEXT)}  # noqa: E501\nB = r{json.dumps(TEXT)}\n"
    assert split_long_strings(source) == source


SPEC = """\
name: advisory_hub
description: "Recommendations for our customers' configurations, served to the app and the site."
auth: {kind: local, roles: [administrators]}
resources:
  Recommendation:
    owned: true
    access: {read: owner, update: administrators}
    fields:
      channel_code:
        type: str
        unique: true
        description: The code of the channel, as the provider spells it in its own dashboards.
        example: Local council approves the new cycling lanes along the river after a consultation
      configuration: {type: ref, to: Configuration, optional: true, on_delete: set_null}
      configurations: many(Configuration)
    filter: [configuration, configurations]
  Configuration:
    fields:
      reference_code: str
      parent_config: {type: ref, to: Configuration, optional: true, on_delete: cascade}
"""


def test_ordinary_resource_names_keep_every_line_within_100_columns(tmp_path: Path) -> None:
    """`recommendations` and `configurations` (15 and 14 letters) stretched the routers',
    schemas' and services' docstrings to 104 and 108 columns, and a description or example of
    a sentence the lines that hold it to 120 and more."""
    root = generate_written_spec(SPEC, tmp_path)
    ruff = [sys.executable, "-m", "ruff"]
    width = ["--select", "E501", "--line-length", "100", "--exclude", "migrations", "."]
    lines = subprocess.run(
        [*ruff, "check", "--no-cache", *width], cwd=root, capture_output=True, text=True
    )  # noqa: S603
    assert lines.returncode == 0, lines.stdout
    formatted = subprocess.run(
        [*ruff, "format", "--check", "--no-cache", "."], cwd=root, capture_output=True
    )  # noqa: S603
    assert formatted.returncode == 0, formatted.stdout
