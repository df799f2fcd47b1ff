"""Valid sample values for each field: schema examples and generated tests' data.

Values are deterministic (the same spec always gives the same project) and each
satisfies the field's constraints, so a generated test never fails because of its
own data. A field's `example` from the spec is always the first sample.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Any

from backsmith.spec import regex_samples
from backsmith.spec.bounds import float_range, shifted, unit_range
from backsmith.spec.field import MAX_NUMBER_DIGITS, FieldSpec
from backsmith.spec.resolved import Field, ResourceInfo

NAMESPACE = uuid.UUID("5f0c3a52-8a3e-4b8c-9a8e-2d6f0b7c1e4d")
SAMPLE_COUNT = 12
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
SQLITE_DIGITS = 15
"""Significant digits of a decimal that SQLite (which stores it as a double) keeps."""
FLOAT_PRECISION = 2 * MAX_NUMBER_DIGITS + 100
"""Digits for stepping between float samples in Decimal: enough that a bound of any size
the spec allows plus a step is exact (Python's default 28 digits are not)."""


def example_id(kind: str, seed: str = "") -> str | int:
    if kind == "int":
        return 1
    return str(uuid.uuid5(NAMESPACE, "id:" + seed))


def values(field: Field) -> list[Any]:
    """`SAMPLE_COUNT` distinct valid values (as JSON sends them), the spec's example first."""
    generated = _generate(field)
    example = field.spec.example
    if example is not None and field.kind not in ("ref", "many"):
        first = _jsonable(example)
        generated = [first, *[value for value in generated if not _same(field, value, first)]]
    return generated[:SAMPLE_COUNT]


def _same(field: Field, value: Any, other: Any) -> bool:
    """Whether two samples are one value once stored: `"1.50"` and `1.5` for a decimal."""
    if field.kind == "decimal":
        try:
            return Decimal(str(value)) == Decimal(str(other))
        except InvalidOperation:
            return False
    return bool(value == other)


def example(field: Field) -> Any:
    """The value the schemas show: the spec's example, else the first sample; a ref or
    many field shows only an id the spec gives (no row's id is known in advance)."""
    if field.kind in ("ref", "many"):
        return field.spec.example
    return values(field)[0]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _generate(field: Field) -> list[Any]:
    kind = field.kind
    label = field.name.replace("_", " ")
    if kind == "str":
        if field.spec.pattern:
            return _pattern_values(
                field.spec.pattern, field.spec.min_length or 0, field.max_length or 255
            )
        return _strings(label.capitalize(), field.spec.min_length or 0, field.max_length or 255)
    if kind == "text":
        return _strings(
            f"Some {label}", field.spec.min_length or 0, field.spec.max_length or 10_000
        )
    if kind in ("int", "float", "decimal"):
        return _numbers(field)
    if kind == "bool":
        return [index % 2 == 0 for index in range(SAMPLE_COUNT)]
    if kind == "date":
        return [
            (dt.date(2024, 1, 1) + dt.timedelta(days=index * 3)).isoformat()
            for index in range(SAMPLE_COUNT)
        ]
    if kind == "datetime":
        start = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
        return [
            (start + dt.timedelta(hours=index * 5)).isoformat().replace("+00:00", "Z")
            for index in range(SAMPLE_COUNT)
        ]
    if kind == "uuid":
        return [
            str(uuid.uuid5(NAMESPACE, f"{field.name}:{index}")) for index in range(SAMPLE_COUNT)
        ]
    if kind == "email":
        return [
            f"{field.name.replace('_', '.')}{index}@example.com" for index in range(SAMPLE_COUNT)
        ]
    if kind == "url":
        return [
            f"https://example.com/{field.resource.module}/{index}" for index in range(SAMPLE_COUNT)
        ]
    if kind == "enum":
        options = list(field.spec.values or [])
        return [options[index % len(options)] for index in range(SAMPLE_COUNT)]
    if kind == "json":
        return [{"key": f"value {index}", "count": index} for index in range(SAMPLE_COUNT)]
    return []


def _strings(base: str, min_length: int, max_length: int) -> list[str]:
    results: list[str] = []
    for index in range(SAMPLE_COUNT):
        suffix = _base36(index)
        text = f"{base} {suffix}"
        if len(text) > max_length:
            text = suffix
        if len(text) < min_length:
            text = text + "x" * (min_length - len(text))
        results.append(text[:max_length] if len(text) > max_length else text)
    return results


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
        if number == 0:
            return digits


def _pattern_values(pattern: str, min_length: int, max_length: int) -> list[str]:
    return regex_samples.samples(pattern, SAMPLE_COUNT, min_length, max_length)


def _numbers(field: Field) -> list[Any]:
    """Distinct numbers within every bound: from 1 (or the lower bound) upwards by a
    round step, then downwards; finer steps, and for floats points between the bounds,
    when the round step leaves too few."""
    if field.kind == "float":
        return _floats(field.spec)
    units = unit_range(field.spec)
    if units is None:
        return []
    low, high, places = units
    spec = field.spec
    # In units of 10**-places: step 1 for an int, 0.01 (or 1 or 0.1) for a decimal.
    step = 10 ** (places - min(places, 2))
    start = 10**places
    preferred_high = high
    if spec.ge is not None:
        start = max(start, math.ceil(shifted(spec.ge, places)))
    if spec.gt is not None:
        start = max(start, math.floor(shifted(spec.gt, places)) + step)
    if spec.lt is not None:
        preferred_high = min(high, math.ceil(shifted(spec.lt, places)) - step)
    start = max(low, min(start, preferred_high))
    # SQLite keeps a decimal to 15 significant digits only (README): past max_digits 15,
    # samples stay on a grid that keeps them within 15 while the bounds leave room.
    grid = 10 ** max(0, field.max_digits - SQLITE_DIGITS) if field.kind == "decimal" else 1
    found: list[int] = []
    aligned = _aligned(start, grid, low, high)
    if aligned is not None:
        found = _walk(aligned, max(step, grid), low, high, found)
        found = _walk(aligned, grid, low, high, found)
    found = _walk(start, step, low, high, found)
    found = _walk(start, 1, low, high, found)
    if field.kind == "int":
        return found
    return [_decimal_text(number, places) for number in found]


def _aligned(start: int, grid: int, low: int, high: int) -> int | None:
    """The multiple of `grid` next to `start` (above it, else below) within `low`..`high`."""
    above = -(-start // grid) * grid
    if above <= high:
        return above
    below = start // grid * grid
    return below if below >= low else None


def _walk(start: int, step: int, low: int, high: int, found: list[int]) -> list[int]:
    """`found` and then numbers from `start` upwards by `step`, then from below `start`
    downwards, each within `low`..`high`, until there are `SAMPLE_COUNT`."""
    found = list(found)
    value = start
    while value <= high and len(found) < SAMPLE_COUNT:
        if value not in found:
            found.append(value)
        value += step
    value = start - step
    while value >= low and len(found) < SAMPLE_COUNT:
        if value not in found:
            found.append(value)
        value -= step
    return found


def _decimal_text(units: int, places: int) -> str:
    """`units * 10**-places` written out in full (`1.00`), built exactly: no decimal
    context rounds it, whatever max_digits and decimal_places are."""
    sign, digits, _ = Decimal(units).as_tuple()
    return format(Decimal((sign, digits, -places)), "f")


def _floats(spec: FieldSpec) -> list[float]:
    """Floats within the bounds as the generated schema compares them (as floats)."""
    limits = float_range(spec)
    if limits is None or limits[0] > limits[1]:
        return []
    low, high = limits
    found: list[float] = []

    def keep(value: float) -> None:
        if low <= value <= high and value not in found and len(found) < SAMPLE_COUNT:
            found.append(value)

    with localcontext(Context(prec=FLOAT_PRECISION)):
        step = Decimal("0.5")
        start = Decimal(1)
        preferred_high = Decimal(high)
        if spec.ge is not None:
            start = max(start, Decimal(spec.ge))
        if spec.gt is not None:
            start = max(start, Decimal(spec.gt) + step)
        if spec.le is not None:
            preferred_high = min(preferred_high, Decimal(spec.le))
        if spec.lt is not None:
            preferred_high = min(preferred_high, Decimal(spec.lt) - step)
        start = min(start, preferred_high)
        if low <= float(start) <= high:
            # Far from zero 0.5 is below a float's resolution: step by a power of ten.
            while step < 4 * Decimal(math.ulp(float(start))):
                step *= 10
            for direction in (1, -1):
                stepped = start if direction == 1 else start - step
                for _ in range(SAMPLE_COUNT):
                    if not low <= float(stepped) <= high:
                        break
                    keep(float(stepped))
                    stepped += direction * step
    # The step does not fit between the bounds: points between them, halving.
    floor = max((float(bound) for bound in (spec.ge, spec.gt) if bound is not None), default=low)
    ceiling = min((float(bound) for bound in (spec.le, spec.lt) if bound is not None), default=high)
    for depth in range(1, 7):
        for numerator in range(1, 2**depth, 2):
            share = numerator / 2**depth
            keep(floor * (1 - share) + ceiling * share)
    value = low
    while value <= high and len(found) < SAMPLE_COUNT:
        keep(value)
        value = math.nextafter(value, math.inf)
    return found


def create_body(
    resource: ResourceInfo, index: int = 0, ids: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A valid create body (wire names); refs use `ids` or an example id."""
    body: dict[str, Any] = {}
    for field in resource.fields:
        if not field.in_bodies:
            continue
        if field.kind in ("ref", "many"):
            body[field.wire] = (ids or {}).get(field.wire, _link_example(field))
        else:
            pool = values(field)
            if pool:
                body[field.wire] = pool[index % len(pool)]
    return body


def _link_example(field: Field) -> Any:
    """A ref's id or a many's list of ids: the spec's example, else a made-up id."""
    if field.spec.example is not None:
        return field.spec.example
    made_up = example_id(field.resource.project.id_kind, field.points_at.name)
    return made_up if field.kind == "ref" else [made_up]


def read_body(resource: ResourceInfo) -> dict[str, Any]:
    """An example of what the API returns for one row."""
    kind = resource.project.id_kind
    body: dict[str, Any] = {"id": example_id(kind, resource.name)}
    for field in resource.fields:
        if not field.in_responses:
            continue
        if field.kind in ("ref", "many"):
            body[field.wire] = _link_example(field)
        else:
            pool = values(field)
            body[field.wire] = pool[0] if pool else None
    if resource.owned:
        body["owner_id"] = (
            example_id(kind, "owner") if resource.project.auth == "local" else "user_2f9c1b"
        )
    body["created_at"] = "2024-01-01T12:00:00Z"
    body["updated_at"] = "2024-01-02T08:30:00Z"
    return body


def update_body(resource: ResourceInfo) -> dict[str, Any]:
    """An example PATCH body: one writable, mutable field changed."""
    for field in resource.fields:
        if field.in_bodies and not field.spec.immutable and field.kind not in ("ref", "many"):
            pool = values(field)
            if pool:
                return {field.wire: pool[1 % len(pool)]}
    return {}
