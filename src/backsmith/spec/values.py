"""Check each field's `default` and `example` against the field's own type and options.

A default that fails validation would make every create fail, and an example that
fails would put a wrong example in the API docs and break the generated tests, so
both are validated here with the same constraints the generated schemas apply.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    EmailStr,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import SchemaError

from backsmith.spec import regex_samples
from backsmith.spec.bounds import INT32_MAX, INT32_MIN, digits_and_places
from backsmith.spec.checks import KeyPath
from backsmith.spec.field import FieldSpec
from backsmith.spec.model import Spec
from backsmith.spec.patterns import ascii_classes

MAX_JSON_DEPTH = 32
"""The deepest json value the generated API accepts (rendered into its core/types.py)."""

STRICT_TYPES = ("int", "float", "bool")
"""Types whose default and example must be written as YAML or JSON numbers or booleans."""


def value_type(spec: FieldSpec) -> Any:
    """The Python type (with constraints) a value of this field must satisfy."""
    kind = spec.type
    if kind in ("str", "text"):
        # As the generated schema spells it: `\w` and `\d` match ASCII only there.
        pattern = ascii_classes(spec.pattern) if kind == "str" and spec.pattern else None
        default_length = 255 if kind == "str" else None
        return Annotated[
            str,
            Field(
                max_length=spec.max_length or default_length,
                min_length=spec.min_length,
                pattern=pattern,
            ),
        ]
    if kind == "int":
        # The generated column is a 32-bit INTEGER: a bigger default would fail on insert.
        low = INT32_MIN if spec.ge is None else max(spec.ge, INT32_MIN)
        high = INT32_MAX if spec.le is None else min(spec.le, INT32_MAX)
        return Annotated[int, Field(ge=low, le=high, gt=spec.gt, lt=spec.lt)]
    if kind in ("float", "decimal"):
        extra: dict[str, Any] = {"allow_inf_nan": False}
        if kind == "decimal":
            extra["max_digits"], extra["decimal_places"] = digits_and_places(spec)
        base: Any = float if kind == "float" else Decimal
        return Annotated[base, Field(ge=spec.ge, le=spec.le, gt=spec.gt, lt=spec.lt, **extra)]
    simple: dict[str, Any] = {
        "bool": bool,
        "date": Annotated[dt.date, BeforeValidator(_plain_date)],
        "datetime": Annotated[
            AwareDatetime, BeforeValidator(_rfc3339_datetime), AfterValidator(_in_utc_range)
        ],
        "uuid": uuid.UUID,
        "email": EmailStr,
        "url": Annotated[HttpUrl, AfterValidator(_storable_url)],
        "json": dict[str, Any],
    }
    if kind in simple:
        return simple[kind]
    if kind == "enum":
        return Literal[tuple(spec.values or ())]
    return Any


def _sampleable(field: FieldSpec) -> str | None:
    """Why the generated tests could not make values for a `pattern` field, if they cannot."""
    if field.type != "str" or not field.pattern:
        return None
    needed = 2 if field.unique else 1
    found = regex_samples.samples(
        field.pattern, needed, field.min_length or 0, field.max_length or 255
    )
    if field.example is not None and not field.unique:
        return None
    if len(found) >= needed:
        return None
    what = "two distinct values" if field.unique else "a value"
    return (
        f"cannot find {what} matching pattern {field.pattern!r} within the length limits "
        "(the generated tests need them); give an 'example' that fits, or relax the limits"
    )


def _plain_date(value: Any) -> Any:
    """A date written as text must be YYYY-MM-DD: pydantic also takes a midnight datetime
    (`2024-01-01T00:00:00`), which the generated code and tests cannot read as a date."""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError as error:
            if len(value) == 10 and value[4::3] == "--":
                raise ValueError(f"{error}; write a day that exists") from None
            day = None
        if day is None or day.isoformat() != value:
            raise ValueError("a date is written YYYY-MM-DD, e.g. 2024-01-31")
    return value


RFC3339_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
"""What the generated API accepts as a datetime (its core/types.py's RFC3339_DATETIME)."""


def _rfc3339_datetime(value: Any) -> Any:
    """Datetime text as the generated API takes it: pydantic would also take a space for
    the `T` or no seconds, which the generated tests would then send and get 422."""
    if isinstance(value, str) and not RFC3339_DATETIME.fullmatch(value):
        raise ValueError("a datetime is written like 2024-05-01T12:00:00Z: a T, seconds, a zone")
    return value


_INFINITIES = (dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC))
"""The first and last instants, which the generated API refuses (its core/types.py): asyncpg
would store them as PostgreSQL's -infinity and infinity and read them back without a zone."""


def _in_utc_range(value: dt.datetime) -> dt.datetime:
    """A datetime is stored in UTC: `9999-12-31T23:59:59-05:00` would be in year 10000."""
    try:
        instant = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("it falls outside years 1-9999 once converted to UTC") from None
    if instant in _INFINITIES:
        raise ValueError(
            "it is the first or last instant of years 1-9999, which the generated API refuses "
            "(PostgreSQL would keep it as -infinity or infinity)"
        )
    return value


MAX_URL_LENGTH = 2083
"""The generated project's url column length (rendered into its core/types.py and models)."""


def _storable_url(value: HttpUrl) -> HttpUrl:
    """As the generated API checks a URL: its percent-encoded form must fit the column."""
    if len(str(value)) > MAX_URL_LENGTH:
        raise ValueError(f"it is over {MAX_URL_LENGTH} characters once percent-encoded")
    return value


def check_values(spec: Spec) -> Iterator[tuple[KeyPath, str]]:
    """Problems with defaults and examples, each at its key path."""
    for resource_name, resource in spec.resources.items():
        for field_name, field in resource.fields.items():
            path: KeyPath = ("resources", resource_name, "fields", field_name)
            reason = _sampleable(field)
            if reason is not None:
                yield (*path, "pattern"), reason
            if field.type in ("ref", "many"):
                if field.type == "ref" and "default" in field.model_fields_set:
                    yield (*path, "default"), "a ref field cannot have a default; drop it"
                if field.example is not None and not _is_id_example(field, spec.id):
                    yield (*path, "example"), _id_example_problem(field, spec.id)
                continue
            try:
                adapter: TypeAdapter[Any] = TypeAdapter(value_type(field))
            except SchemaError:
                # Only a pattern Pydantic cannot compile gets here; checks.py reports it.
                continue
            if "default" in field.model_fields_set and field.default is None and not field.optional:
                yield (
                    (*path, "default"),
                    "a required field cannot default to null; make it optional or drop the default",
                )
            for key in ("default", "example"):
                value = getattr(field, key)
                if key not in field.model_fields_set or value is None:
                    continue
                if field.type == "json" and (problem := _json_problem(value)) is not None:
                    yield (*path, key), f"{key} {problem}"
                    continue
                try:
                    # Strict for numbers and booleans: the value is rendered as written, so
                    # '5' or yes must not pass as 5 or true.
                    adapter.validate_python(value, strict=field.type in STRICT_TYPES)
                except ValidationError as error:
                    misread = _misread_text(field, value, key)
                    misread = misread or _quoted(field, adapter, value, key)
                    if misread is not None:
                        yield (*path, key), f"{key} {_shown(value)} {misread}"
                        continue
                    reason = error.errors()[0]["msg"].removeprefix("Value error, ")
                    if not reason[:2].isupper():  # keep "UUID input..." as it is
                        reason = reason[0].lower() + reason[1:]
                    yield (
                        (*path, key),
                        f"{key} {_shown(value)} does not fit the field: "
                        f"{reason}; change it or drop it",
                    )


def _is_id_example(field: FieldSpec, id_kind: str) -> bool:
    """Whether a ref's example is an id (a many's, a list of ids) of the project's kind."""
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[int, Field(ge=1)] if id_kind == "int" else uuid.UUID
    )
    examples = field.example if field.type == "many" else [field.example]
    if not isinstance(examples, list):
        return False
    try:
        for value in examples:
            adapter.validate_python(value, strict=id_kind == "int")
            if id_kind == "uuid" and not isinstance(value, str):
                return False
    except ValidationError:
        return False
    return True


def _id_example_problem(field: FieldSpec, id_kind: str) -> str:
    one = "1" if id_kind == "int" else "'0b7e2f1c-3c9a-4a51-9d0e-6a1f5b2c8d47'"
    kind = "a whole number from 1" if id_kind == "int" else "a uuid"
    if field.type == "many":
        return (
            f"example {_shown(field.example)} is not a list of ids; ids are {kind} "
            f"(id: {id_kind}), so write e.g. example: [{one}]"
        )
    return (
        f"example {_shown(field.example)} is not an id; ids are {kind} (id: {id_kind}), "
        f"so write e.g. example: {one}"
    )


def _json_problem(value: Any) -> str | None:
    """Why the generated API would refuse this json value, as it refuses a body's."""
    if _json_depth(value) > MAX_JSON_DEPTH:
        return (
            f"nests deeper than {MAX_JSON_DEPTH} levels, the most the generated API "
            "accepts; flatten it"
        )
    if _has_non_finite(value):
        return "holds .nan or .inf, which JSON cannot; write a finite number"
    return None


def _json_depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_JSON_DEPTH:
        return depth
    if isinstance(value, dict):
        return max((_json_depth(item, depth + 1) for item in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_json_depth(item, depth + 1) for item in value), default=depth + 1)
    return depth


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(item) for item in value)
    return isinstance(value, float) and not math.isfinite(value)


TEXT_TYPES = ("str", "text", "enum", "email", "url", "uuid")
"""Types whose values are text: YAML reading a value as a date, number or boolean is
the author's surprise, not their intent."""


def _misread_text(field: FieldSpec, value: Any, key: str) -> str | None:
    """Why a value YAML read as a date, number or boolean does not fit a text field."""
    if field.type not in TEXT_TYPES:
        return None
    if isinstance(value, bool):
        kind = "a boolean (YAML reads yes, no, on, off, true and false so)"
    elif isinstance(value, dt.date):
        kind = "a date"
    elif isinstance(value, int | float | Decimal):
        kind = "a number"
    else:
        return None
    return (
        f"is read as {kind}, but the field holds text; quote it as you mean it "
        f"({key}: '...'), or change it"
    )


def _quoted(field: FieldSpec, adapter: TypeAdapter[Any], value: Any, key: str) -> str | None:
    """Why text such as '5' or 'true' does not fit an int, float or bool field."""
    if not isinstance(value, str):
        return None
    try:
        meant = adapter.validate_python(value)
    except ValidationError:
        return None
    written = str(meant).lower() if isinstance(meant, bool) else str(meant)
    takes = "true or false" if field.type == "bool" else "a number"
    return (
        f"is quoted text, but a{'n' if field.type == 'int' else ''} {field.type} field takes "
        f"{takes}; write it without quotes ({key}: {written})"
    )


def _shown(value: Any) -> str:
    """A value as the spec's author wrote it: `1.5`, `'draft'`, `2024-01-01`; a long one
    cut short, so that the message stays readable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | Decimal | int | float):
        return str(value)
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:76] + "...'"
