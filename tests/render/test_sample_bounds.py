"""Sample values and the generated tests' out-of-bounds values at the edges of what a
spec allows: every sample within every bound, every `*_violated` value past its bound
as the generated schema compares it, and enough distinct values for a unique field."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

import backsmith
from backsmith import parse_spec
from backsmith.render import samples, testgen
from backsmith.spec import regex_samples
from backsmith.spec.checks import TEST_ROWS
from backsmith.spec.resolved import Field, resolve
from backsmith.spec.values import value_type


def _spec_text(field: str) -> str:
    return f"name: m\nauth: {{kind: none}}\nresources:\n  Thing:\n    fields:\n      x: {field}\n"


def _field(field: str) -> Field:
    return resolve(parse_spec(_spec_text(field), "spec.yaml")).resources[0].fields[0]


NUMBER_FIELDS = [
    "{type: decimal, max_digits: 29, decimal_places: 29}",
    "{type: decimal, max_digits: 40, decimal_places: 10}",
    "{type: decimal, max_digits: 1000, decimal_places: 1000}",
    "{type: decimal, max_digits: 40, decimal_places: 0, ge: 1234567890123456789012345678901234567}",
    "{type: decimal, max_digits: 5, decimal_places: 2, ge: -999.99, le: 999.99}",
    "{type: decimal, max_digits: 5, decimal_places: 2, gt: -999.99, lt: 999.99}",
    "{type: decimal, max_digits: 5, decimal_places: 2, gt: 999.97, lt: 999.99}",
    "{type: decimal, max_digits: 5, decimal_places: 2, lt: -999.97}",
    "{type: decimal, max_digits: 6, decimal_places: 4, gt: 0, lt: 0.0004}",
    "{type: decimal, max_digits: 6, decimal_places: 2, ge: 5.001}",
    "{type: int, lt: -2147483647}",
    "{type: int, gt: 2147483646}",
    "{type: int, ge: -2147483648, le: 2147483647}",
    "{type: int, gt: -2147483648, lt: 2147483647}",
    "{type: int, ge: 1, le: 3}",
    "{type: float, gt: 0, lt: 1.0e-300}",
    "{type: float, gt: 0, lt: 1}",
    "{type: float, ge: 1.0e20}",
    "{type: float, le: -1.0e20}",
    "{type: float, ge: -1.0e308, le: 1.0e308}",
    "{type: float, ge: -1.7976931348623157e308, le: 1.7976931348623157e308}",
    "{type: float, ge: 1.7976931348623157e308}",
    "{type: float, ge: 1, le: 1.0000000000000004}",
    "{type: float, gt: 0, lt: 5.0e-323}",
]


def _within(field: Field, value: Any) -> bool:
    """Direct arithmetic: the value against each bound as the generated schema holds it."""
    spec = field.spec
    if field.kind == "float":
        number: Any = float(value)
        bound: Any = {
            key: float(getattr(spec, key))
            for key in ("ge", "gt", "le", "lt")
            if getattr(spec, key) is not None
        }
        finite = math.isfinite(number)
    else:
        number = Decimal(str(value)) if field.kind == "decimal" else value
        bound = {
            key: Decimal(getattr(spec, key))
            for key in ("ge", "gt", "le", "lt")
            if getattr(spec, key) is not None
        }
        finite = True
    return finite and all(
        (key != "ge" or number >= limit)
        and (key != "gt" or number > limit)
        and (key != "le" or number <= limit)
        and (key != "lt" or number < limit)
        for key, limit in bound.items()
    )


@pytest.mark.parametrize("text", NUMBER_FIELDS)
def test_every_sample_is_within_every_bound(text: str) -> None:
    field = _field(text)
    values = samples.values(field)
    adapter: TypeAdapter[Any] = TypeAdapter(value_type(field.spec))
    assert values
    assert len({str(value) for value in values}) == len(values)
    for value in values:
        assert _within(field, value), value
        adapter.validate_python(Decimal(value) if field.kind == "decimal" else value)
        if field.kind == "int":
            assert -(2**31) <= value < 2**31


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{type: int, lt: -2147483647}", [-2147483648]),
        ("{type: float, gt: 0, lt: 1}", [0.5, 0.25, 0.75]),
        ("{type: float, gt: 0, lt: 1.0e-300}", [5e-301, 2.5e-301, 7.5e-301]),
        ("{type: float, ge: 1.0e20}", [1e20, 1.000000000000005e20, 1.00000000000001e20]),
        ("{type: decimal, max_digits: 4, decimal_places: 4}", ["0.9999", "0.9899", "0.9799"]),
        ("{type: decimal, max_digits: 12, decimal_places: 2}", ["1.00", "1.01", "1.02"]),
        ("{type: int}", [1, 2, 3]),
        ("{type: float}", [1.0, 1.5, 2.0]),
    ],
)
def test_samples_start_where_expected(text: str, expected: list[Any]) -> None:
    assert samples.values(_field(text))[: len(expected)] == expected


def test_decimals_past_15_digits_stay_within_15_significant_digits() -> None:
    """SQLite keeps 15 significant digits of a decimal; samples are written to fit."""
    for value in samples.values(_field("{type: decimal, max_digits: 29, decimal_places: 29}")):
        assert len(Decimal(value).normalize().as_tuple().digits) <= 15, value


def _past(kind: str, label: str, value: Any, bound: Any) -> bool:
    number = float(value) if kind == "float" else Decimal(str(value))
    limit = float(bound) if kind == "float" else Decimal(bound)
    return {
        "ge_violated": number < limit,
        "gt_violated": number <= limit,
        "le_violated": number > limit,
        "lt_violated": number >= limit,
    }[label]


@pytest.mark.parametrize("text", NUMBER_FIELDS)
def test_violated_values_are_past_their_bound_as_the_schema_compares(text: str) -> None:
    field = _field(text)
    for case in testgen.invalid_values(field):
        if case.label.endswith("_violated"):
            bound = getattr(field.spec, case.label.removesuffix("_violated"))
            assert _past(field.kind, case.label, case.value, bound), case
            if field.kind == "float":
                assert math.isfinite(case.value)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("{type: float, ge: 1.0e20}", {"ge_violated"}),
        ("{type: float, ge: -1.0e308, le: 1.0e308}", {"ge_violated", "le_violated"}),
        ("{type: float, ge: -1.7976931348623157e308, le: 1.7976931348623157e308}", set()),
        (
            "{type: float, gt: -1.7976931348623157e308, lt: 1.7976931348623157e308}",
            {"gt_violated", "lt_violated"},
        ),
    ],
)
def test_a_bound_no_finite_float_passes_gets_no_violation_test(text: str, labels: set[str]) -> None:
    found = {case.label for case in testgen.invalid_values(_field(text))}
    assert {label for label in found if label.endswith("_violated")} == labels


def test_the_ge_violation_of_a_large_float_bound_differs_from_it() -> None:
    [case] = [
        c
        for c in testgen.invalid_values(_field("{type: float, ge: 1.0e20}"))
        if c.label == "ge_violated"
    ]
    assert case.value < 1e20


@pytest.mark.parametrize(
    ("text", "below", "above"),
    [
        (
            "{type: float, ge: 1.0e20, le: 1.0e20}",
            math.nextafter(1e20, 0),
            math.nextafter(1e20, math.inf),
        ),
        (
            "{type: float, ge: 1.7976931348623157e308, le: 1.7976931348623157e308}",
            math.nextafter(1.7976931348623157e308, 0),
            None,
        ),
        ("{type: float, ge: 2.5, le: 2.5}", 1.5, 3.5),
    ],
)
def test_values_beside_a_one_valued_float_differ_from_it(
    text: str, below: float | None, above: float | None
) -> None:
    assert testgen.values_beside(_field(text)) == (below, above)


UNIQUE_FIELDS = [
    "{type: int, ge: 1, le: 3, unique: true}",
    "{type: int, gt: 2147483644, unique: true}",
    "{type: decimal, max_digits: 6, decimal_places: 4, gt: 0, lt: 0.0004, unique: true}",
    "{type: decimal, max_digits: 29, decimal_places: 29, unique: true}",
    "{type: decimal, max_digits: 4, decimal_places: 2, ge: 1.5, example: 1.5, unique: true}",
    "{type: float, gt: 0, lt: 1.0e-300, unique: true}",
    "{type: float, ge: 1, le: 1.0000000000000004, unique: true}",
    "{type: str, pattern: '^a{1,3}$', unique: true}",
    "{type: str, pattern: '^[abc]$', unique: true}",
    "{type: str, max_length: 1, unique: true}",
    "{type: str, min_length: 3, max_length: 3, unique: true}",
    "{type: text, max_length: 2, unique: true}",
]


@pytest.mark.parametrize("text", UNIQUE_FIELDS)
def test_a_unique_field_gets_distinct_samples_for_every_row(text: str) -> None:
    field = _field(text)
    values = samples.values(field)
    if field.kind == "decimal":
        stored: list[Any] = [Decimal(str(value)) for value in values]
    elif field.kind == "float":
        stored = [float(value) for value in values]
    else:
        stored = values
    assert len(set(stored)) == len(stored) >= TEST_ROWS
    adapter: TypeAdapter[Any] = TypeAdapter(value_type(field.spec))
    for value in values:
        adapter.validate_python(Decimal(str(value)) if field.kind == "decimal" else value)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^a{1,3}$", ["a", "aa", "aaa"]),
        ("^[ab]{1,2}$", ["a", "b", "aa", "ab", "ba", "bb"]),
        # Patterns the first walk serves as before: every repeat at its least.
        (r"^\d{3,5}$", ["000", "001", "002", "003", "004", "005"]),
        ("^[ab]$", ["a", "b"]),
    ],
)
def test_regex_samples_vary_repeats_when_the_least_leaves_too_few(
    pattern: str, expected: list[str]
) -> None:
    assert regex_samples.samples(pattern, len(expected) + 2)[: len(expected)] == expected
    assert len(regex_samples.samples(pattern, 12)) == len(set(regex_samples.samples(pattern, 12)))


@pytest.mark.parametrize(
    "text",
    [
        "{type: decimal, max_digits: 29, decimal_places: 29}",
        "{type: int, lt: -2147483647}",
        "{type: float, ge: -1.0e308, le: 1.0e308}",
    ],
)
def test_new_succeeds_at_the_edges(text: str, tmp_path: Path) -> None:
    spec = tmp_path / "backsmith.yaml"
    spec.write_text(_spec_text(text), encoding="utf-8")
    folder = backsmith.new(spec, tmp_path / "out")
    assert (folder / "tests" / "things" / "test_router.py").is_file()
