"""Valid sample values for each field: schema examples and generated tests' data.

Values are deterministic (the same spec always gives the same project) and each
satisfies the field's constraints, so a generated test never fails because of its
own data. A field's `example` from the spec is always the first sample.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from backsmith.spec import regex_samples
from backsmith.spec.resolved import Field, ResourceInfo

NAMESPACE = uuid.UUID("5f0c3a52-8a3e-4b8c-9a8e-2d6f0b7c1e4d")
SAMPLE_COUNT = 12
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def example_id(kind: str, seed: str = "") -> str | int:
    if kind == "int":
        return 1
    return str(uuid.uuid5(NAMESPACE, "id:" + seed))


def values(field: Field) -> list[Any]:
    """`SAMPLE_COUNT` distinct valid values (as JSON sends them), the spec's example first."""
    generated = _generate(field)
    example = field.spec.example
    if example is not None and field.kind not in ("ref", "many"):
        generated = [
            _jsonable(example),
            *[value for value in generated if value != _jsonable(example)],
        ]
    return generated[:SAMPLE_COUNT]


def example(field: Field) -> Any:
    return values(field)[0] if field.kind not in ("ref", "many") else None


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
    spec = field.spec
    kind = field.kind
    step = Decimal(1) if kind == "int" else Decimal("0.5")
    if kind == "decimal":
        places = field.decimal_places
        step = Decimal(1) if places == 0 else Decimal(1).scaleb(-min(places, 2))
        limit = Decimal(10) ** (field.max_digits - places) - Decimal(1).scaleb(-places)
    else:
        limit = Decimal(2**31 - 1)
    low = -limit
    high = limit
    if spec.ge is not None:
        low = max(low, Decimal(str(spec.ge)))
    if spec.gt is not None:
        low = max(low, Decimal(str(spec.gt)) + step)
    if spec.le is not None:
        high = min(high, Decimal(str(spec.le)))
    if spec.lt is not None:
        high = min(high, Decimal(str(spec.lt)) - step)
    start = min(max(Decimal(1), low), high)
    if kind == "int":
        start, high, low = (
            start.to_integral_value(rounding="ROUND_CEILING"),
            high.to_integral_value(rounding="ROUND_FLOOR"),
            low,
        )
    results: list[Any] = []
    value = start
    for _ in range(SAMPLE_COUNT):
        if value > high:
            value = max(low, start - step * len(results))
        results.append(value)
        value += step
    numbers = sorted(set(results), key=results.index)
    if kind == "int":
        return [int(number) for number in numbers]
    if kind == "float":
        return [float(number) for number in numbers]
    quantum = Decimal(1).scaleb(-field.decimal_places)
    return [str(number.quantize(quantum)) for number in numbers]


def create_body(
    resource: ResourceInfo, index: int = 0, ids: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A valid create body (wire names); refs use `ids` or an example id."""
    body: dict[str, Any] = {}
    for field in resource.fields:
        if not field.in_bodies:
            continue
        if field.kind == "ref":
            body[field.wire] = (ids or {}).get(
                field.wire, example_id(resource.project.id_kind, field.points_at.name)
            )
        elif field.kind == "many":
            body[field.wire] = [example_id(resource.project.id_kind, field.points_at.name)]
        else:
            pool = values(field)
            if pool:
                body[field.wire] = pool[index % len(pool)]
    return body


def read_body(resource: ResourceInfo) -> dict[str, Any]:
    """An example of what the API returns for one row."""
    kind = resource.project.id_kind
    body: dict[str, Any] = {"id": example_id(kind, resource.name)}
    for field in resource.fields:
        if not field.in_responses:
            continue
        if field.kind == "ref":
            body[field.wire] = example_id(kind, field.points_at.name)
        elif field.kind == "many":
            body[field.wire] = [example_id(kind, field.points_at.name)]
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
