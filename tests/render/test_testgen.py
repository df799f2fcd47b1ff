"""The invalid values render/testgen.py gives the generated tests for string limits."""

from __future__ import annotations

import pytest

from backsmith import parse_spec
from backsmith.render.testgen import DEFAULT_BODY_LIMIT, invalid_values
from backsmith.spec.resolved import Field, resolve


def _field(definition: str) -> Field:
    header = "name: shop\nauth: {kind: none}\nresources:\n  Book:\n    fields:\n"
    spec = parse_spec(f"{header}      x: {definition}\n")
    return resolve(spec).resources[0].fields[0]


def test_a_long_run_of_one_character_is_written_as_a_repetition() -> None:
    cases = {case.label: case for case in invalid_values(_field("{type: text, max_length: 300}"))}
    too_long = cases["too_long"]
    assert too_long.source == '"x" * 301'
    assert eval(too_long.source) == too_long.value  # noqa: S307 - our own rendered literal


def test_a_short_value_is_written_as_a_literal() -> None:
    cases = {case.label: case for case in invalid_values(_field("{type: str, max_length: 5}"))}
    assert cases["too_long"].source == '"xxxxxx"'


@pytest.mark.parametrize("limit", [DEFAULT_BODY_LIMIT, 2_000_000])
def test_no_too_long_case_when_the_body_limit_refuses_it_first(limit: int) -> None:
    """Such a value makes a 413 (the body is over MAX_BODY_BYTES), never the 422 the test wants."""
    labels = [case.label for case in invalid_values(_field(f"{{type: text, max_length: {limit}}}"))]
    assert "too_long" not in labels
    assert "nul" in labels
