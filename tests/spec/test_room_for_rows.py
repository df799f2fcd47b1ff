"""A field's options must leave room for the rows the generated tests create: some
value at all, and for a unique field `TEST_ROWS` distinct values."""

from __future__ import annotations

import pytest

from backsmith import SpecError, parse_spec
from backsmith.spec.checks import TEST_ROWS


def _spec_text(field: str) -> str:
    return f"name: m\nauth: {{kind: none}}\nresources:\n  Thing:\n    fields:\n      x: {field}\n"


FIELD = "resources.Thing.fields.x"


@pytest.mark.parametrize(
    ("field", "path", "fragment"),
    [
        (
            "{type: int, ge: 1, le: 2, unique: true}",
            f"{FIELD}.unique",
            "a unique int field whose bounds admit only 2 values allows at most 2 rows, "
            "and the generated tests create 3; widen the bounds, drop unique",
        ),
        (
            "{type: int, gt: 2147483645, unique: true}",
            f"{FIELD}.unique",
            "a unique int field whose bounds admit only 2 values",
        ),
        (
            "{type: decimal, max_digits: 3, decimal_places: 2, gt: 9.97, unique: true}",
            f"{FIELD}.unique",
            "a unique decimal field whose bounds admit only 2 values",
        ),
        (
            "{type: float, ge: 1, le: 1, unique: true}",
            f"{FIELD}.unique",
            "a unique float field whose bounds admit one value allows at most 1 row",
        ),
        (
            "{type: float, ge: 1, le: 1.0000000000000002, unique: true}",
            f"{FIELD}.unique",
            "a unique float field whose bounds admit only 2 values",
        ),
        (
            "{type: str, pattern: '^[ab]$', unique: true}",
            f"{FIELD}.unique",
            "a unique str field needs 3 distinct values for the generated tests, and "
            "backsmith finds only 2 matching pattern '^[ab]$' within the length limits "
            "('a', 'b'); widen the pattern or the limits, drop unique",
        ),
        (
            "{type: str, pattern: '^a+$', max_length: 2, unique: true}",
            f"{FIELD}.unique",
            "backsmith finds only 2 matching pattern '^a+$'",
        ),
        (
            "{type: int, gt: 1, lt: 2}",
            FIELD,
            "no int value satisfies these bounds within the 32-bit range of the column; widen them",
        ),
        (
            "{type: decimal, max_digits: 3, decimal_places: 2, ge: 10}",
            FIELD,
            "no decimal value satisfies these bounds with max_digits 3 and decimal_places 2",
        ),
        (
            "{type: decimal, max_digits: 4, decimal_places: 2, gt: 0, lt: 0.01}",
            FIELD,
            "no decimal value satisfies these bounds",
        ),
        (
            "{type: float, gt: 0, lt: 5.0e-324}",
            FIELD,
            "no float value satisfies these bounds",
        ),
    ],
)
def test_too_little_room_is_refused(field: str, path: str, fragment: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(_spec_text(field), "spec.yaml")
    found = [p for p in caught.value.problems if p.path == path and fragment in p.message]
    assert found, str(caught.value)
    assert found[0].line == 6


@pytest.mark.parametrize(
    "field",
    [
        "{type: int, ge: 1, le: 3, unique: true}",
        "{type: int, ge: 1, le: 2}",
        "{type: int, ge: 5, le: 5}",
        "{type: decimal, max_digits: 3, decimal_places: 2, gt: 9.96, unique: true}",
        "{type: decimal, max_digits: 29, decimal_places: 29, unique: true}",
        "{type: float, ge: 1, le: 1.0000000000000004, unique: true}",
        "{type: float, gt: 0, lt: 1.0e-300, unique: true}",
        "{type: str, pattern: '^a{1,3}$', unique: true}",
        "{type: str, pattern: '^[ab]$'}",
        "{type: str, pattern: '^[ab]$', example: a, unique: false}",
        "{type: str, max_length: 1, unique: true}",
    ],
)
def test_enough_room_is_accepted(field: str) -> None:
    parse_spec(_spec_text(field), "spec.yaml")


def test_the_rows_needed_are_the_page_tests() -> None:
    assert TEST_ROWS == 3
