"""Check each field's `default` and `example` against the field's own type and options.

A default that fails validation would make every create fail, and an example that
fails would put a wrong example in the API docs and break the generated tests, so
both are validated here with the same constraints the generated schemas apply.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, EmailStr, Field, HttpUrl, TypeAdapter, ValidationError

from backsmith.spec.checks import KeyPath
from backsmith.spec.field import FieldSpec
from backsmith.spec.model import Spec


def value_type(spec: FieldSpec) -> Any:
    """The Python type (with constraints) a value of this field must satisfy."""
    kind = spec.type
    if kind in ("str", "text"):
        pattern = spec.pattern if kind == "str" else None
        default_length = 255 if kind == "str" else None
        return Annotated[
            str,
            Field(
                max_length=spec.max_length or default_length,
                min_length=spec.min_length,
                pattern=pattern,
            ),
        ]
    if kind in ("int", "float", "decimal"):
        base: Any = {"int": int, "float": float, "decimal": Decimal}[kind]
        extra: dict[str, Any] = {}
        if kind == "decimal":
            extra = {
                "max_digits": spec.max_digits or 12,
                "decimal_places": spec.decimal_places if spec.decimal_places is not None else 2,
            }
        if kind != "int":
            extra["allow_inf_nan"] = False
        return Annotated[base, Field(ge=spec.ge, le=spec.le, gt=spec.gt, lt=spec.lt, **extra)]
    simple: dict[str, Any] = {
        "bool": bool,
        "date": dt.date,
        "datetime": AwareDatetime,
        "uuid": uuid.UUID,
        "email": EmailStr,
        "url": HttpUrl,
        "json": dict[str, Any],
    }
    if kind in simple:
        return simple[kind]
    if kind == "enum":
        return Literal[tuple(spec.values or ())]
    return Any


def check_values(spec: Spec) -> Iterator[tuple[KeyPath, str]]:
    """Problems with defaults and examples, each at its key path."""
    for resource_name, resource in spec.resources.items():
        for field_name, field in resource.fields.items():
            path: KeyPath = ("resources", resource_name, "fields", field_name)
            if "default" in field.model_fields_set and field.type in ("ref", "many"):
                yield (*path, "default"), f"a {field.type} field cannot have a default"
                continue
            adapter: TypeAdapter[Any] = TypeAdapter(value_type(field))
            for key in ("default", "example"):
                value = getattr(field, key)
                if key not in field.model_fields_set or value is None or field.type in ("ref", "many"):
                    continue
                try:
                    adapter.validate_python(value)
                except ValidationError as error:
                    reason = error.errors()[0]["msg"]
                    yield (*path, key), f"{key} {value!r} does not fit the field: {reason[0].lower()}{reason[1:]}"
                except Exception as error:  # noqa: BLE001 - a pattern pydantic cannot compile
                    yield (*path, key), f"cannot check {key} {value!r}: {error}"
