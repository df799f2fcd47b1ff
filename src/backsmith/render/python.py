"""Python source fragments for one field: its schema type, column and migration column.

Templates stay readable by asking for `schema_type(field)` rather than spelling out
fifteen types times four places in Jinja; this module is the one place that knows
how each spec type becomes Pydantic, SQLAlchemy and Alembic code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backsmith.spec import names
from backsmith.spec.bounds import INT32_MAX, INT32_MIN
from backsmith.spec.patterns import ascii_classes
from backsmith.spec.resolved import Field, ProjectInfo, ResourceInfo, python_name
from backsmith.spec.values import MAX_JSON_DEPTH as MAX_JSON_DEPTH  # for templates: py.*
from backsmith.spec.values import MAX_URL_LENGTH

POSTGRES_MAX_NAME = 63

_SCHEMA_TYPES = {
    "str": "TextValue",
    "text": "TextValue",
    "int": "StrictInt",
    "float": "Float",
    "decimal": "DecimalValue",
    "bool": "StrictBool",
    "date": "IsoDate",
    "datetime": "UtcDatetime",
    "uuid": "UUID",
    "email": "EmailStr",
    "url": "Url",
    "json": "JsonObject",
}
_READ_TYPES = {
    **_SCHEMA_TYPES,
    "decimal": "ServedDecimal",
    "str": "str",
    "text": "str",
    "email": "str",
    "url": "str",
    "int": "int",
    "float": "float",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "uuid": "ServedUuid",
    "json": "dict[str, Any]",
}
"""Response fields take what the database gave, so they carry none of the input types'
checks: a Python validator there (IsoDate's) ran once per row of every page."""
_MAPPED_TYPES = {
    "str": "str",
    "text": "str",
    "int": "int",
    "float": "float",
    "decimal": "Decimal",
    "bool": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "uuid": "uuid.UUID",
    "email": "str",
    "url": "str",
    "json": "dict[str, Any]",
}


def literal(value: Any) -> str:
    """A Python literal for a spec value (strings, numbers, bools, lists, dicts)."""
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float | int):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(literal(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{literal(str(key))}: {literal(item)}" for key, item in value.items())
            + "}"
        )
    return repr(str(value))


_PASSWORD_LIKE = re.compile(r"(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)", re.I)
"""The names ruff's S105 takes for a password when a string is assigned to them (its
flake8-bandit PASSWORD_CANDIDATE_REGEX)."""


def enum_member(member: str, value: str) -> str:
    """An enum class's line for one member: `C_PASS = "C (pass)"`, with a `noqa` where
    the member's name looks to ruff like a password (`PASS`, `TOP_SECRET`, `TOKEN`)."""
    line = f"{member} = {literal(value)}"
    if _PASSWORD_LIKE.search(member):
        line += "  # noqa: S105 - an enum value, not a secret"
    return line


def base_type(field: Field, *, read: bool = False) -> str:
    """The field's value type in a schema, without `| None`."""
    kind = field.kind
    if kind == "enum":
        return field.enum_class
    if kind in ("ref", "many"):
        id_type = "RowId" if read else "RefId"
        return id_type if kind == "ref" else f"list[{id_type}]"
    return (_READ_TYPES if read else _SCHEMA_TYPES)[kind]


def parent_id_parameter(resource: ResourceInfo, ref: Field) -> str:
    """The path parameter of a nested listing (`/categories/{category_id}/products`):
    named after the parent, unless one of the child's own keys has that name."""
    name = f"{ref.points_at.snake}_id"
    taken = {"id", "owner_id", *(field.wire for field in resource.fields if field is not ref)}
    return ref.column if name in taken else name


def text_fields(resource: ResourceInfo) -> list[str]:
    """The body keys that hold text: the ones a body schema checks with `storable_text`."""
    return [
        field.attribute
        for field in resource.fields
        if field.in_bodies and field.kind in ("str", "text")
    ]


def whole_number_fields(resource: ResourceInfo) -> list[str]:
    """The body keys that hold integers (ids too, when ids are integers): the ones a
    body schema reads 5.0 in as 5 (core/types.py `whole_numbers`)."""
    integer_ids = resource.project.id_kind == "int"
    return [
        field.attribute
        for field in resource.fields
        if field.in_bodies
        and (field.kind == "int" or (integer_ids and field.kind in ("ref", "many")))
    ]


def decimal_fields(resource: ResourceInfo) -> dict[int, list[str]]:
    """The body keys that hold decimals, by their places: the ones a body schema reads
    through `exact_decimal(places)` (core/types.py), canonical text and zero in any form."""
    found: dict[int, list[str]] = {}
    for field in resource.fields:
        if field.in_bodies and field.kind == "decimal":
            found.setdefault(field.decimal_places, []).append(field.attribute)
    return found


def schema_type(field: Field, *, read: bool = False) -> str:
    annotation = base_type(field, read=read)
    if field.optional and field.kind != "many":
        annotation += " | None"
    return annotation


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else f'Decimal("{value}")'
    return repr(value)


def constraint_arguments(field: Field) -> list[str]:
    """Keyword arguments for `Field(...)` that validate the value."""
    spec = field.spec
    arguments: list[str] = []
    if field.kind in ("str", "text"):
        max_length = field.max_length
        if max_length is not None:
            arguments.append(f"max_length={max_length}")
        if spec.min_length is not None:
            arguments.append(f"min_length={spec.min_length}")
        if spec.pattern is not None:
            arguments.append(f"pattern={literal(ascii_classes(spec.pattern))}")
    if field.kind == "decimal":
        arguments.append(f"max_digits={field.max_digits}")
        arguments.append(f"decimal_places={field.decimal_places}")
    if field.kind == "int":
        arguments.extend(_int_bounds(spec.ge, spec.gt, spec.le, spec.lt))
    if field.kind in ("float", "decimal"):
        for bound in ("ge", "le", "gt", "lt"):
            value = getattr(spec, bound)
            if value is not None:
                if field.kind == "float":
                    arguments.append(f"{bound}={float(value)!r}")
                elif field.kind == "int":
                    arguments.append(f"{bound}={int(value)}")
                else:
                    arguments.append(f"{bound}={_number(Decimal(str(value)))}")
    if field.kind == "many":
        arguments.append("max_length=1000")
    return arguments


def _int_bounds(ge: Any, gt: Any, le: Any, lt: Any) -> list[str]:
    """The spec's bounds, always inside the 32-bit range of the INTEGER column.

    Written out in full rather than layered on an `Int32` alias: Pydantic keeps the
    alias's bound when both name the same key, which would drop the spec's.
    """
    lower = (
        [f"gt={int(gt)}"]
        if gt is not None and ge is None
        else [f"ge={max(int(ge) if ge is not None else INT32_MIN, INT32_MIN)}"]
    )
    upper = (
        [f"lt={int(lt)}"]
        if lt is not None and le is None
        else [f"le={min(int(le) if le is not None else INT32_MAX, INT32_MAX)}"]
    )
    return [*lower, *upper]


def documentation_arguments(field: Field, example: Any) -> list[str]:
    arguments: list[str] = []
    if field.spec.description:
        arguments.append(f"description={literal(field.spec.description)}")
    if example is not None:
        arguments.append(f"examples=[{literal(example)}]")
    return arguments


def default_literal(field: Field) -> str:
    """The Python default for a create body: the spec default, `None` or a factory."""
    if field.kind == "many":
        return "default_factory=list"
    if field.has_default:
        value = field.spec.default
        if field.kind == "enum":
            member = {v: m for m, v in field.enum_members}[str(value)]
            return f"default={field.enum_class}.{member}"
        if field.kind == "json":
            return f"default_factory=lambda: {literal(value)}"
        if field.kind == "decimal":
            return f'default=Decimal("{value}")'
        if field.kind == "float":
            return f"default={float(value)!r}"
        if field.kind in ("date", "datetime", "uuid"):
            return f"default={_typed_default(field.kind, value)}"
        if field.kind == "url":  # the type the field holds; mypy refuses a str there
            return f"default=HttpUrl({literal(value)})"
        return f"default={literal(value)}"
    if field.optional:
        return "default=None"
    return ""


def docstring_text(text: str) -> str:
    """Free text from the spec, safe inside a triple-quoted docstring: backslashes
    doubled, no quote that would close the docstring early, and no line ending in
    spaces (the generated project's ruff refuses trailing whitespace, W291)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(line.rstrip() for line in lines)
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return text[:-1] + '\\"' if text.endswith('"') else text


def _typed_default(kind: str, value: Any) -> str:
    """A date, datetime or UUID default as the object the field holds, not its text."""
    if kind == "uuid":
        return f"UUID({literal(str(value))})"
    if kind == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return f"date({day.year}, {day.month}, {day.day})"
    return f"dt.datetime.fromisoformat({literal(utc_datetime(value).isoformat())})"


def utc_datetime(value: Any) -> dt.datetime:
    """A spec's datetime default (YAML may have parsed it already) in UTC, as served."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment.astimezone(dt.UTC)


def create_field(field: Field, example: Any) -> str:
    """`name: Type = Field(...)` for a create schema."""
    arguments = [
        default_literal(field),
        *constraint_arguments(field),
        *documentation_arguments(field, example),
        alias_argument(field.wire),
    ]
    arguments = [argument for argument in arguments if argument]
    return f"{field.attribute}: {schema_type(field)} = Field({', '.join(arguments)})"


def update_field(field: Field, example: Any) -> str:
    """`name: Annotated[Type, Field(...)] | MISSING = Field(default=MISSING, ...)` for PATCH.

    The constraints sit on the value type, inside the union with MISSING, so that the
    OpenAPI document shows them (Pydantic drops a union's field-level constraints).
    """
    constraints = constraint_arguments(field)
    annotation = base_type(field)
    if constraints:
        annotation = f"Annotated[{annotation}, Field({', '.join(constraints)})]"
    if field.optional and field.kind != "many":
        annotation += " | None"
    arguments = ["default=MISSING", *documentation_arguments(field, example)]
    arguments += [argument for argument in [alias_argument(field.wire)] if argument]
    return f"{field.attribute}: {annotation} | MISSING = Field({', '.join(arguments)})"


def read_field(field: Field, example: Any) -> str:
    arguments = [
        argument
        for argument in [
            *documentation_arguments(field, example),
            _format_hint(field),
            alias_argument(field.wire),
        ]
        if argument
    ]
    annotation = schema_type(field, read=True)
    if arguments:
        return f"{field.attribute}: {annotation} = Field({', '.join(arguments)})"
    return f"{field.attribute}: {annotation}"


def alias_argument(wire: str) -> str:
    """`alias="from"` where the attribute had to take another name (`from_`), else ""."""
    return f"alias={literal(wire)}" if python_name(wire) != wire else ""


def keyword_argument(name: str, value: str) -> str:
    """`name=value` in a call, or `**dict[str, Any]({"from": value})` where the name is a
    keyword (typed `Any`, as a `**overrides: Any` is, for mypy)."""
    if keyword.iskeyword(name):
        return f"**dict[str, Any]({{{literal(name)}: {value}}})"
    return f"{name}={value}"


def _format_hint(field: Field) -> str:
    formats = {"email": "email", "url": "uri"}
    if field.kind in formats:
        return f'json_schema_extra={{"format": "{formats[field.kind]}"}}'
    return ""


def mapped_annotation(field: Field) -> str:
    if field.kind == "enum":
        annotation = field.enum_class
    elif field.kind == "ref":
        annotation = "RowId"
    else:
        annotation = _MAPPED_TYPES[field.kind]
    return f"Mapped[{annotation} | None]" if field.optional else f"Mapped[{annotation}]"


def column_type(field: Field) -> str:
    """The SQLAlchemy type expression for the field's column."""
    kind = field.kind
    if kind == "str":
        return f"String({field.max_length})"
    if kind == "text":
        return "Text"
    if kind == "int":
        return "Integer"
    if kind == "float":
        return "Double"
    if kind == "decimal":
        return f"ScaledNumeric({field.max_digits}, {field.decimal_places})"
    if kind == "bool":
        return "Boolean"
    if kind == "date":
        return "Date"
    if kind == "datetime":
        return "UtcDateTime"
    if kind == "uuid":
        return "Uuid"
    if kind == "email":
        return "String(320)"
    if kind == "url":
        return f"String({MAX_URL_LENGTH})"
    if kind == "json":
        return "JSON"
    if kind == "enum":
        return (
            f"Enum({field.enum_class}, native_enum=False, length={field.max_length}, "
            "values_callable=enum_values)"
        )
    raise ValueError(kind)


def mapped_column(field: Field, *, indexed: bool = False) -> str:
    """`mapped_column(...)` for a non-ref field; `indexed` when lists filter or sort by it."""
    arguments = [column_type(field)]
    if field.aliased:
        arguments.insert(0, literal(field.column))
    if field.spec.unique:
        arguments.append("unique=True")
    elif field.spec.index or (indexed and field.kind not in ("text", "json")):
        arguments.append("index=True")
    if field.has_default and field.kind in ("str", "int", "bool", "enum", "decimal", "float"):
        arguments.append(f"server_default={literal(_server_default(field))}")
    return f"mapped_column({', '.join(arguments)})"


def _server_default(field: Field) -> str:
    value = field.spec.default
    if field.kind == "bool":
        return "1" if value else "0"
    return str(value)


def migration_type(field: Field, project: ProjectInfo) -> str:
    kind = field.kind
    if kind == "ref":
        return id_migration_type(project)
    if kind == "enum":
        values = ", ".join(literal(value) for _, value in field.enum_members)
        name = literal(field.enum_class.lower())
        return f"sa.Enum({values}, name={name}, native_enum=False, length={field.max_length})"
    simple = {
        "str": f"sa.String(length={field.max_length})",
        "text": "sa.Text()",
        "int": "sa.Integer()",
        "float": "sa.Double()",
        "decimal": f"sa.Numeric(precision={field.max_digits}, scale={field.decimal_places})",
        "bool": "sa.Boolean()",
        "date": "sa.Date()",
        "datetime": "sa.DateTime(timezone=True)",
        "uuid": "sa.Uuid()",
        "email": "sa.String(length=320)",
        "url": f"sa.String(length={MAX_URL_LENGTH})",
        "json": "sa.JSON()",
    }
    return simple[kind]


def id_migration_type(project: ProjectInfo) -> str:
    if project.id_kind == "int":
        return 'sa.BigInteger().with_variant(sa.Integer(), "sqlite")'
    return "sa.Uuid()"


def owner_migration_type(project: ProjectInfo) -> str:
    return "sa.String(length=255)" if project.auth == "jwks" else id_migration_type(project)


def migration_column(field: Field, project: ProjectInfo) -> str:
    arguments = [literal(field.column), migration_type(field, project)]
    if field.has_default and field.kind in ("str", "int", "bool", "enum", "decimal", "float"):
        arguments.append(f"server_default={literal(_server_default(field))}")
    arguments.append(f"nullable={field.optional}")
    return f"sa.Column({', '.join(arguments)})"


def sort_keys(resource: ResourceInfo) -> list[str]:
    """The wire names allowed in `?sort=`, ascending then descending."""
    wires = [wire_name(resource, name) for name in resource.query_names("sort")]
    return [*wires, *[f"-{wire}" for wire in wires]]


def wire_name(resource: ResourceInfo, name: str) -> str:
    if name == "owner":
        return "owner_id"
    field = resource.field(name)
    return field.wire if field is not None else name


def column_name(resource: ResourceInfo, name: str) -> str:
    return wire_name(resource, name)


def attribute_name(resource: ResourceInfo, name: str) -> str:
    """The model's attribute for field `name`, implicit fields (`owner`) included."""
    field = resource.field(name)
    return field.attribute if field is not None else column_name(resource, name)


def selected(resource: ResourceInfo, field: Field) -> str:
    """The model attribute a query selects for `field`, labelled with the column's name
    where the attribute's differs, so that rows carry the same keys on every database."""
    expression = f"{resource.model}.{field.attribute}"
    if field.aliased:
        expression += f".label({literal(field.column)})"
    return expression


def ondelete(action: str) -> str:
    return {"cascade": "CASCADE", "restrict": "RESTRICT", "set_null": "SET NULL"}[action]


def id_python(project: ProjectInfo) -> str:
    """The Python type of primary keys in models."""
    return "uuid.UUID" if project.id_kind == "uuid" else "int"


@dataclass(frozen=True)
class Filter:
    """One `?name=` query parameter of a list and the condition it becomes."""

    parameter: str
    annotation: str
    description: str
    column: str
    operator: str  # "eq", "gte", "lte" or "has" (a many field contains the id)

    @property
    def attribute(self) -> str:
        """The query model's attribute for the parameter (`from_` for `?from=`)."""
        return python_name(self.parameter)

    @property
    def alias(self) -> str:
        return alias_argument(self.parameter)

    @property
    def bind_type(self) -> str:
        """`, type_=Numeric()` for a decimal filter. Bound with the column's type, the
        value is cast to NUMERIC(p, s), and PostgreSQL raises on one past that precision
        (`?price__gte=1e20` was a 500) instead of comparing it."""
        return ", type_=Numeric()" if self.annotation == "DecimalText" else ""

    @property
    def takes_text(self) -> bool:
        """Whether the value is free text (`Text`, bounded or not), which must refuse a NUL."""
        return self.annotation == "Text" or self.annotation.startswith("Annotated[Text,")


_FILTER_TYPES = {
    "str": "Text",
    "text": "Text",
    "email": "Text",
    "url": "Text",
    "int": "Int32",
    "float": "FiniteFloat",
    "decimal": "DecimalText",
    "bool": "bool",
    "date": "IsoDate",
    "datetime": "UtcDatetime",
    "uuid": "UUID",
}


def filters(resource: ResourceInfo) -> list[Filter]:
    """The list's filter parameters, in the order the spec names them."""
    found: list[Filter] = []
    for name in resource.query_names("filter"):
        found.extend(_filters_for(resource, name))
    return found


def _filters_for(resource: ResourceInfo, name: str) -> list[Filter]:
    # An outside issuer's subject is text, stored as VARCHAR(255).
    owner_type = _bounded_text(255) if resource.project.auth == "jwks" else "RowId"
    implicit = {
        "id": ("id", "RowId", "id", False),
        "created_at": ("created_at", "UtcDatetime", "datetime", True),
        "updated_at": ("updated_at", "UtcDatetime", "datetime", True),
        "owner": ("owner_id", owner_type, "owner", False),
    }
    if name in implicit:
        wire, annotation, kind, ordered = implicit[name]
        return _with_ranges(
            wire, annotation, ordered, f"Only {resource.plural_label} whose {wire} is"
        )
    field = resource.declared(name)
    label = f"Only {resource.plural_label} whose {field.wire} is"
    if field.kind == "many":
        return [
            Filter(
                field.wire,
                "RowId",
                f"Only {resource.plural_label} whose {field.wire} include this id.",
                field.wire,
                "has",
            )
        ]
    if field.kind == "ref":
        return [Filter(field.wire, "RowId", f"{label} this id.", field.column, "eq")]
    if field.kind == "enum":
        return [Filter(field.wire, field.enum_class, f"{label} this value.", field.column, "eq")]
    annotation = _FILTER_TYPES[field.kind]
    if annotation == "Text" and field.max_length:
        annotation = _bounded_text(field.max_length)
    return _with_ranges(field.wire, annotation, field.ordered, label)


def _bounded_text(max_length: int) -> str:
    return f"Annotated[Text, Field(max_length={max_length})]"


def _with_ranges(wire: str, annotation: str, ordered: bool, label: str) -> list[Filter]:
    found = [Filter(wire, annotation, f"{label} this value.", wire, "eq")]
    if ordered:
        found.append(Filter(f"{wire}__gte", annotation, f"{label} at least this.", wire, "gte"))
        found.append(Filter(f"{wire}__lte", annotation, f"{label} at most this.", wire, "lte"))
    return found


def unique_constraints(resource: ResourceInfo) -> list[tuple[str, tuple[str, ...]]]:
    """(name, columns) of each unique constraint, named as the naming convention does."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for field in resource.columns:
        if field.spec.unique:
            found.append((f"uq_{resource.table}_{field.column}", (field.column,)))
    for group in resource.spec.unique_together:
        columns = tuple(column_name(resource, name) for name in group)
        found.append((f"uq_{resource.table}_{'_'.join(columns)}", columns))
    return found


def foreign_keys(resource: ResourceInfo) -> list[tuple[str, str, str]]:
    """(name as PostgreSQL holds it, wire name, target label) of each foreign key a write
    of the resource's own bodies can break: each ref's column, each many's link to its
    target. The names are the naming convention's, shortened as SQLAlchemy shortens a
    name over PostgreSQL's 63 characters when the migration creates it."""
    found: list[tuple[str, str, str]] = []
    for field in resource.fields:
        if not field.in_bodies or field.target is None:
            continue
        if field.link is not None:
            name = f"fk_{field.link.table}_{field.link.right_column}_{field.target.table}"
        else:
            name = f"fk_{resource.table}_{field.column}_{field.target.table}"
        found.append((postgres_name(name), field.wire, field.target.label))
    return found


def postgres_name(name: str) -> str:
    """A constraint name as SQLAlchemy writes it for PostgreSQL: one over 63 characters
    becomes its first 55 and the last four hex digits of its MD5."""
    if len(name) <= POSTGRES_MAX_NAME:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f"{name[: POSTGRES_MAX_NAME - 8]}_{digest[-4:]}"


def default_order(resource: ResourceInfo) -> str:
    """The order of a list with no `sort`: insertion order, with the id breaking ties."""
    if resource.project.id_kind == "int":
        return f"{resource.model}.id"
    return f"{resource.model}.created_at, {resource.model}.id"


def restricting_label(resource: ResourceInfo) -> str:
    """` by books and reviews` (` by a, b and c`): who blocks a hard delete with on_delete
    restrict; ` by other rows` when no ref does (a constraint added by hand, say)."""
    children = sorted(
        {
            child.plural_label
            for child in resource.project.resources
            for field in child.refs
            if field.target is resource and field.on_delete == "restrict"
        }
    )
    if len(children) > 1:
        children = [", ".join(children[:-1]), children[-1]]
    return f" by {' and '.join(children) if children else 'other rows'}"


def caller_alias(rule: str) -> str:
    """The dependency alias a route uses for an access rule."""
    if rule == "public":
        return "PublicCaller"
    if rule in ("user", "owner"):
        return "UserCaller"
    return names.role_class(rule) + "Caller"


def caller_aliases(resource: ResourceInfo) -> list[str]:
    return sorted({caller_alias(rule) for rule in resource.access.values()})


def route_statuses(resource: ResourceInfo, operation: str, extra: Iterable[int | None]) -> str:
    """`responses(...)` for a route: the problem statuses it can actually return.

    With auth on, every route may answer 401: a public one too, to a token that is
    invalid or expired (the caller is told, not served as anonymous). With local auth,
    every write may answer 403: a cookie-authenticated one without its CSRF header."""
    rule = resource.access[operation]  # type: ignore[index]
    statuses: set[int] = {422, 429, 503}
    if resource.project.auth_on:
        statuses.add(401)
    if resource.project.auth_on and (
        rule not in ("public", "user", "owner")
        or (rule == "owner" and operation in ("update", "delete"))
        or (resource.project.auth == "local" and operation in ("create", "update", "delete"))
    ):
        statuses.add(403)
    statuses.update(status for status in extra if status is not None)
    if operation in ("create", "update"):
        statuses.add(400)  # a body that is not JSON at all (bad UTF-8, binary)
    return "responses(" + ", ".join(str(status) for status in sorted(statuses)) + ")"


def invalidated_namespaces(resource: ResourceInfo) -> tuple[str, ...]:
    """Cached resources whose responses a write to `resource` can change: itself, the
    resources whose rows a delete removes through `on_delete: cascade` (followed as far
    as it goes), and every resource pointing at any of those (their refs are nulled or
    their rows deleted, their many lists shrink)."""
    deleted = [resource]
    for current in deleted:  # grows while it is walked: the cascade's closure
        for other in resource.project.resources:
            if other not in deleted and any(
                field.kind == "ref" and field.target is current and field.on_delete == "cascade"
                for field in other.fields
            ):
                deleted.append(other)
    affected = [
        other
        for other in resource.project.resources
        if other.cache
        and (other in deleted or any(field.target in deleted for field in other.fields))
    ]
    return tuple(item.module for item in affected)


def cache_caller(resource: ResourceInfo, operation: str, parent: ResourceInfo | None = None) -> str:
    """Cached bodies are shared only for public routes; otherwise keyed by the caller and roles.

    A public listing under a `parent` (`GET /vaults/{id}/coins`) is 404 to those who
    cannot read the parent: unless that read is public too, each caller gets their own
    entry, or the page the owner was served would be served to everyone else."""
    if not resource.project.auth_on:
        return ""
    shared = resource.access[operation] == "public" and (  # type: ignore[index]
        parent is None or parent.access["read"] == "public"
    )
    return "" if shared else ", caller=caller"


def creation_order(project: ProjectInfo) -> list[ResourceInfo]:
    """Resources ordered so that the targets of refs and many fields come first.

    Required refs always come first; optional refs and many fields where a cycle
    allows (a cycle can only close through them).
    """
    ordered: list[ResourceInfo] = []
    remaining = list(project.resources)
    while remaining:
        done = {item.name for item in ordered}
        for strict in (True, False):
            ready = [resource for resource in remaining if _targets(resource, strict) <= done]
            if ready:
                break
        resource = ready[0] if ready else remaining[0]
        ordered.append(resource)
        remaining.remove(resource)
    return ordered


def _targets(resource: ResourceInfo, every: bool) -> set[str]:
    return {
        field.target.name
        for field in resource.fields
        if field.target is not None
        and field.target is not resource
        and (every or (field.kind == "ref" and not field.optional))
    }


def seed_rows_used(resource: ResourceInfo, order: list[ResourceInfo]) -> bool:
    """Whether a later resource's sample rows point at this one's."""
    later = order[order.index(resource) + 1 :]
    return any(field.target is resource for item in later for field in item.fields)


def seed_body(resource: ResourceInfo, index: int) -> str:
    """A dict literal for sample row `index`, pointing refs at earlier sample rows."""
    from backsmith.render import samples

    order = creation_order(resource.project)
    before = {item.name for item in order[: order.index(resource)]}
    parts: list[str] = []
    body = samples.create_body(resource, index)
    for field in resource.fields:
        if not field.in_bodies:
            continue
        if field.kind == "ref":
            target = field.points_at
            if target.name in before:
                parts.append(f'"{field.wire}": sample_{target.plural}[{index}].id')
        elif field.kind == "many":
            target = field.points_at
            if target.name in before:
                parts.append(f'"{field.wire}": [sample_{target.plural}[{index}].id]')
        elif field.wire in body:
            parts.append(f'"{field.wire}": {literal(body[field.wire])}')
    return "{" + ", ".join(parts) + "}"


@dataclass
class TablePlan:
    """Tables in an order where each foreign key's target exists; refs that close a
    cycle (only optional ones can) are added once every table exists."""

    order: list[ResourceInfo]
    deferred: list[Field]


def table_plan(project: ProjectInfo) -> TablePlan:
    order: list[ResourceInfo] = []
    deferred: list[Field] = []
    remaining = list(project.resources)
    while remaining:
        done = {item.name for item in order}
        ready = [
            resource
            for resource in remaining
            if all(
                f.target is None or f.target is resource or f.target.name in done or f in deferred
                for f in resource.refs
            )
        ]
        if not ready:
            resource = remaining[0]
            deferred.extend(
                f
                for f in resource.refs
                if f.target is not None and f.target.name not in done and f.target is not resource
            )
            continue
        order.append(ready[0])
        remaining.remove(ready[0])
    return TablePlan(order=order, deferred=deferred)


def indexed_columns(resource: ResourceInfo) -> list[str]:
    """Columns with a plain (non-unique) index, as the model declares them."""
    columns: list[str] = []
    indexed_names = set(resource.spec.filter) | set(resource.spec.sort)
    for field in resource.columns:
        if field.kind == "ref" and not field.spec.unique:
            columns.append(field.column)
        elif (
            field.kind != "ref"
            and not field.spec.unique
            and (
                field.spec.index
                or (field.name in indexed_names and field.kind not in ("text", "json"))
            )
        ):
            columns.append(field.column)
    if resource.owned:
        columns.append("owner_id")
    columns.append("created_at")
    return sorted(columns)
