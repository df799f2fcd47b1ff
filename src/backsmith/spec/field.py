"""A resource field as the spec writes it: a shorthand string or a mapping.

`str(200)?` and `{type: str, max_length: 200, optional: true}` mean the same field;
the shorthand is expanded here, before validation, so every later step sees mappings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from backsmith.spec.suggest import did_you_mean

FieldType = Literal[
    "str",
    "text",
    "int",
    "float",
    "decimal",
    "bool",
    "date",
    "datetime",
    "uuid",
    "email",
    "url",
    "enum",
    "json",
    "ref",
    "many",
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
OnDelete = Literal["cascade", "restrict", "set_null"]

MAX_LENGTH = 1_073_741_823
"""The longest text PostgreSQL stores (1 GiB - 1); anything above is a typo, not a need."""
MAX_NUMBER_DIGITS = 1000
"""Bounds are rendered as literals and compared exactly; a 10**1000000 would hang both."""


def _reasonable_size(value: int | Decimal) -> int | Decimal:
    digits = len(str(abs(value))) if isinstance(value, int) else abs(value.adjusted()) + 1
    if digits > MAX_NUMBER_DIGITS:
        raise PydanticCustomError(
            "number_size",
            "this number has more than {limit} digits; use a smaller bound",
            {"limit": MAX_NUMBER_DIGITS},
        )
    return value


def _not_boolean(value: Any) -> Any:
    """Pydantic would read `ge: true` as 1; a bound written as a boolean is a mistake."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_type",
            "expected a number, got the boolean {value}",
            {"value": str(value).lower()},
        )
    return value


Number = Annotated[int | Decimal, BeforeValidator(_not_boolean), AfterValidator(_reasonable_size)]

_BOUNDS = ("ge", "le", "gt", "lt")
TYPE_OPTIONS: dict[str, tuple[str, ...]] = {
    "str": ("max_length", "min_length", "pattern"),
    "text": ("max_length", "min_length"),
    "int": _BOUNDS,
    "float": _BOUNDS,
    "decimal": ("max_digits", "decimal_places", *_BOUNDS),
    "enum": ("values",),
    "ref": ("to", "on_delete"),
    "many": ("to",),
}
"""Options that only some types take; every other option applies to every type."""

_SHORTHAND_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "str": ("max_length",),
    "text": ("max_length",),
    "decimal": ("max_digits", "decimal_places"),
    "ref": ("to",),
    "many": ("to",),
}
_SHORTHAND_EXAMPLES = {
    "str": "str(200)",
    "text": "text(4000)",
    "decimal": "decimal(10,2)",
    "ref": "ref(Author)",
    "many": "many(Tag)",
}
_SHORTHAND = re.compile(
    r"^\s*(?P<type>[A-Za-z_]\w*)\s*(?:\((?P<args>[^()]*)\))?\s*(?P<optional>\?)?\s*$"
)


class FieldSpec(BaseModel):
    """One field of a resource, after any shorthand has been expanded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: FieldType = Field(description="The field's type.")
    optional: StrictBool = Field(False, description="Nullable, and may be left out of bodies.")
    default: Any = Field(None, description="Value used when a create body leaves the field out.")
    unique: StrictBool = Field(False, description="No two rows share a value (409 on a clash).")
    index: StrictBool = Field(False, description="Add a database index.")
    description: str | None = Field(None, description="Shown in the OpenAPI document.")
    example: Any = Field(None, description="Example value for the OpenAPI document and tests.")
    read_only: StrictBool = Field(
        False, description="Set by the server (from `default`), ignored in bodies."
    )
    write_only: StrictBool = Field(False, description="Accepted in bodies, never returned.")
    immutable: StrictBool = Field(
        False, description="Settable on create only; PATCH may not change it."
    )
    max_length: StrictInt | None = Field(
        None, ge=1, le=MAX_LENGTH, description="str, text: most characters."
    )
    min_length: StrictInt | None = Field(
        None, ge=0, le=MAX_LENGTH, description="str, text: fewest characters."
    )
    pattern: str | None = Field(None, description="str: a regular expression the value must match.")
    ge: Number | None = Field(None, description="int, float, decimal: at least this.")
    le: Number | None = Field(None, description="int, float, decimal: at most this.")
    gt: Number | None = Field(None, description="int, float, decimal: more than this.")
    lt: Number | None = Field(None, description="int, float, decimal: less than this.")
    max_digits: StrictInt | None = Field(
        None, ge=1, le=1000, description="decimal: total digits (default 12)."
    )
    decimal_places: StrictInt | None = Field(
        None, ge=0, le=1000, description="decimal: digits after the point (default 2)."
    )
    values: list[str] | None = Field(None, description="enum: the allowed values.")
    to: str | None = Field(None, description="ref, many: the target resource's name.")
    on_delete: OnDelete | None = Field(
        None, description="ref: what deleting the target does (default restrict)."
    )

    @model_validator(mode="before")
    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return parse_shorthand(data)
        if isinstance(data, dict):
            kind = data.get("type")
            if isinstance(kind, str) and kind not in FIELD_TYPES:
                raise _shorthand_as_type(kind) or _unknown_type(kind)
            return data
        raise PydanticCustomError(
            "field_form",
            "a field is a shorthand string such as 'str(200)?' or a mapping with a 'type' key",
        )

    @model_validator(mode="after")
    def _options_fit_type(self) -> FieldSpec:
        for option in self.model_fields_set:
            owners = [kind for kind, options in TYPE_OPTIONS.items() if option in options]
            if owners and self.type not in owners:
                raise PydanticCustomError(
                    "option_type",
                    "'{option}' does not apply to type '{type}'; it applies to {owners}",
                    {"option": option, "type": self.type, "owners": ", ".join(owners)},
                )
        if self.type in ("ref", "many") and self.to is None:
            raise PydanticCustomError(
                "missing_to",
                "a {type} field needs 'to', the resource it points at: {type}(Author)",
                {"type": self.type},
            )
        if self.type == "enum" and not self.values:
            raise PydanticCustomError(
                "missing_values", "an enum field needs 'values': enum(draft,published)"
            )
        return self


def _unknown_type(kind: str) -> PydanticCustomError:
    return PydanticCustomError(
        "unknown_type",
        "unknown type '{kind}'{hint}",
        {"kind": kind, "hint": did_you_mean(kind, FIELD_TYPES)},
    )


def _shorthand_as_type(kind: str) -> PydanticCustomError | None:
    """`type: ref(Author)?` in a mapping: the shorthand's parts belong in keys of their own."""
    try:
        expanded = parse_shorthand(kind)
    except PydanticCustomError:
        return None
    if expanded == {"type": kind}:
        return None
    keys = ", ".join(f"{key}: {_flow_value(value)}" for key, value in expanded.items())
    return PydanticCustomError(
        "unknown_type",
        "type '{kind}' is a shorthand; in a mapping, write its parts as keys: {keys}",
        {"kind": kind, "keys": "{" + keys + "}", "option": "type"},
    )


def _flow_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


def parse_shorthand(text: str) -> dict[str, Any]:
    """`decimal(10,2)?` -> `{type: decimal, max_digits: 10, decimal_places: 2, optional: true}`."""
    match = _SHORTHAND.match(text)
    if match is None:
        raise PydanticCustomError(
            "shorthand",
            "cannot read field shorthand '{text}'; write a type, optional arguments in "
            "parentheses and a trailing '?' for optional, e.g. 'str(200)?'",
            {"text": text},
        )
    kind = match["type"]
    if kind not in FIELD_TYPES:
        raise _unknown_type(kind)
    field: dict[str, Any] = {"type": kind}
    if match["optional"]:
        field["optional"] = True
    if match["args"] is not None:
        field.update(_shorthand_arguments(kind, match["args"]))
    return field


def _shorthand_arguments(kind: str, raw: str) -> dict[str, Any]:
    arguments = [part.strip() for part in raw.split(",")]
    if arguments == [""]:
        arguments = []
    if kind == "enum":
        if not arguments or any(not value for value in arguments):
            raise PydanticCustomError("shorthand", "enum(...) needs comma-separated values")
        return {"values": arguments}
    names = _SHORTHAND_ARGUMENTS.get(kind, ())
    if not names:
        raise PydanticCustomError(
            "shorthand",
            "type '{kind}' takes no arguments in shorthand; use a mapping for its options",
            {"kind": kind},
        )
    if len(arguments) > len(names) or not arguments:
        raise PydanticCustomError(
            "shorthand",
            "{kind}(...) takes {names}, e.g. {example}",
            {
                "kind": kind,
                "names": " and ".join(f"'{name}'" for name in names),
                "example": _SHORTHAND_EXAMPLES[kind],
            },
        )
    parsed: dict[str, Any] = {}
    for name, value in zip(names, arguments, strict=False):
        if name == "to":
            parsed[name] = value
        elif value.isascii() and value.isdigit():  # not '²' or '١٠', which isdigit() takes
            parsed[name] = int(value)
        else:
            raise PydanticCustomError(
                "shorthand",
                "{kind}(...): '{name}' must be a whole number written in digits 0-9, got '{value}'",
                {"kind": kind, "name": name, "value": value},
            )
    return parsed
