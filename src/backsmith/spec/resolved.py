"""The spec with every default applied and every name derived, ready to generate from.

`Spec` is what the user wrote; `Project` is what it means: default access rules
filled in, plurals and table names computed, refs linked to their targets, reverse
listings and link tables worked out. The renderer, `check`'s summary and later
commands all read this one interpretation.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel

from backsmith.errors import Problem
from backsmith.spec import names
from backsmith.spec.bounds import digits_and_places
from backsmith.spec.checks import access_warnings, enum_members, model_class, module_name
from backsmith.spec.field import FieldSpec
from backsmith.spec.model import DEFAULT_ALGORITHMS, OPERATIONS, Operation, Resource, Spec

ORDERED_TYPES = frozenset({"int", "float", "decimal", "date", "datetime"})
TAKEN_ATTRIBUTES = frozenset(
    {
        *("metadata", "registry", "type_annotation_map"),
        *(name for name in dir(BaseModel) if not name.startswith("_")),
        *(name for name in dir(type(BaseModel)) if not name.startswith("_")),  # `register`
        *("str", "int", "float", "bool", "list", "dict", "dt", "uuid", "enum"),
        *("mapped_column", "field_validator", "storable_text", "whole_numbers", "enum_values"),
        *("server_set",),
        "l",  # ruff's E741: `l` reads as 1 or I, so an attribute named so fails the gate
    }
)
"""Names a field's Python attribute must not take: what SQLAlchemy's declarative classes
and pydantic's `BaseModel` keep for themselves (`metadata`, `json`, `copy`, `register`...),
what the model and schema class bodies use (builtins, modules, helpers), and `l`, which
ruff refuses as an ambiguous name."""


def python_name(wire: str) -> str:
    """A field's attribute in models and schemas: its wire name, with a trailing underscore
    where that is a keyword or taken (`from_` for `from`, `metadata_` for `metadata`)."""
    return f"{wire}_" if keyword.iskeyword(wire) or wire in TAKEN_ATTRIBUTES else wire


@dataclass(frozen=True)
class LinkTable:
    """The table behind a `many` field: one row per (owner row, target row) pair."""

    table: str
    left_column: str
    right_column: str


@dataclass
class Field:
    """A declared field of a resource, with its wire and column names."""

    name: str
    spec: FieldSpec
    resource: ResourceInfo = field(repr=False)
    target: ResourceInfo | None = field(default=None, repr=False)
    link: LinkTable | None = None

    @property
    def kind(self) -> str:
        return self.spec.type

    @property
    def wire(self) -> str:
        """The name in bodies, responses and filters: `author_id` for a ref `author`."""
        return f"{self.name}_id" if self.kind == "ref" else self.name

    @property
    def column(self) -> str:
        return self.wire

    @property
    def attribute(self) -> str:
        """The Python attribute in the model and the schemas (`python_name`); the column
        and the wire keep the field's own name."""
        return python_name(self.wire)

    @property
    def aliased(self) -> bool:
        """Whether the schemas carry the wire name as an alias of another attribute."""
        return self.attribute != self.wire

    @property
    def optional(self) -> bool:
        return self.spec.optional

    @property
    def has_default(self) -> bool:
        return "default" in self.spec.model_fields_set and self.spec.default is not None

    @property
    def ordered(self) -> bool:
        return self.kind in ORDERED_TYPES

    @property
    def max_length(self) -> int | None:
        if self.kind == "str":
            return self.spec.max_length or 255
        if self.kind == "enum":
            return max(len(value) for value in self.spec.values or [""])
        return self.spec.max_length

    @property
    def max_digits(self) -> int:
        return digits_and_places(self.spec)[0]

    @property
    def decimal_places(self) -> int:
        return digits_and_places(self.spec)[1]

    @property
    def on_delete(self) -> str:
        return self.spec.on_delete or "restrict"

    @property
    def enum_members(self) -> list[tuple[str, str]]:
        return enum_members(self.spec.values or [])

    @property
    def enum_class(self) -> str:
        return f"{self.resource.name}{names.pascal(self.name)}"

    @property
    def points_at(self) -> ResourceInfo:
        """The target of a ref or many field; only those have one."""
        if self.target is None:
            raise LookupError(
                f"{self.resource.name}.{self.name} is a {self.kind}, not a ref or many"
            )
        return self.target

    @property
    def in_bodies(self) -> bool:
        """Whether clients may write it (read_only fields are set by the server)."""
        return not self.spec.read_only

    @property
    def in_responses(self) -> bool:
        return not self.spec.write_only


@dataclass(frozen=True)
class Reverse:
    """`GET /authors/{id}/books`: a parent's listing of the children that point at it."""

    child: ResourceInfo
    field: Field
    segment: str

    @property
    def parent(self) -> ResourceInfo:
        return self.field.points_at


@dataclass
class ResourceInfo:
    """One resource with everything derived: names, rules, relations."""

    name: str
    spec: Resource = field(repr=False)
    project: ProjectInfo = field(repr=False)
    fields: list[Field] = field(default_factory=list)
    access: dict[Operation, str] = field(default_factory=dict)
    reverses: list[Reverse] = field(default_factory=list)

    @property
    def snake(self) -> str:
        return names.snake(self.name)

    @property
    def plural(self) -> str:
        return self.spec.plural or names.plural(self.snake)

    @property
    def model(self) -> str:
        """The SQLAlchemy class: the resource's name, or `<Name>Model` where that name is
        one the model's modules import (`Table`, `Row`, `Connection`...)."""
        return model_class(self.name)

    @property
    def path_id(self) -> str:
        """The router's type for the `{id}` in its paths: `BookId`, but `RowIdPath` for
        `Row`, whose `RowId` is the id type the router imports."""
        return "RowIdPath" if self.name == "Row" else f"{self.name}Id"

    @property
    def table(self) -> str:
        return self.plural

    @property
    def module(self) -> str:
        return module_name(self.plural)

    @property
    def path(self) -> str:
        return "/" + names.kebab(self.plural)

    @property
    def label(self) -> str:
        """`order item`: how docs and messages name one row."""
        return self.snake.replace("_", " ")

    @property
    def plural_label(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def owned(self) -> bool:
        return self.spec.owned

    @property
    def soft_delete(self) -> bool:
        return self.spec.soft_delete

    @property
    def cache(self) -> int:
        return self.spec.cache

    def field(self, name: str) -> Field | None:
        return next((item for item in self.fields if item.name == name), None)

    def declared(self, name: str) -> Field:
        """The declared field `name`, which checks have guaranteed exists."""
        found = self.field(name)
        if found is None:
            raise KeyError(f"{self.name} has no field {name!r}")
        return found

    @property
    def columns(self) -> list[Field]:
        return [item for item in self.fields if item.kind != "many"]

    @property
    def refs(self) -> list[Field]:
        return [item for item in self.fields if item.kind == "ref"]

    @property
    def manys(self) -> list[Field]:
        return [item for item in self.fields if item.kind == "many"]

    @property
    def creates_in_one_statement(self) -> bool:
        """Whether a create is one INSERT: no ref or many field to check or link first."""
        return all(item.target is None for item in self.fields)

    @property
    def enums(self) -> list[Field]:
        return [item for item in self.fields if item.kind == "enum"]

    @property
    def targets(self) -> list[ResourceInfo]:
        """Resources this one points at through refs or many fields, each once."""
        seen: dict[str, ResourceInfo] = {}
        for item in self.fields:
            if item.target is not None and item.target.name != self.name:
                seen.setdefault(item.target.name, item.target)
        return list(seen.values())

    @property
    def public_reads(self) -> bool:
        return self.access["read"] == "public" and self.access["list"] == "public"

    def query_names(self, key: str) -> list[str]:
        """The spec's `sort`, `filter` or `search` list."""
        return list(getattr(self.spec, key))


@dataclass
class ProjectInfo:
    """The whole project as the renderer sees it."""

    spec: Spec = field(repr=False)
    resources: list[ResourceInfo] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title or names.title(self.spec.name)

    @property
    def package_version(self) -> str:
        """The spec's version where Python packaging accepts it (PEP 440), else 0.1.0.

        `version` is the API's, shown in the OpenAPI document as written ("2026 beta" is
        fine there); pyproject.toml needs one that pip can install."""
        try:
            return str(Version(self.spec.version))
        except InvalidVersion:
            return "0.1.0"

    @property
    def auth(self) -> str:
        return self.spec.auth.kind

    @property
    def auth_on(self) -> bool:
        return self.spec.auth.kind != "none"

    @property
    def roles(self) -> list[str]:
        """Every role name, `admin` first, when auth is on."""
        if not self.auth_on:
            return []
        return ["admin", *[role for role in self.spec.auth.roles if role != "admin"]]

    @property
    def algorithms(self) -> list[str]:
        return self.spec.auth.algorithms or list(DEFAULT_ALGORITHMS)

    @property
    def id_kind(self) -> str:
        return self.spec.id

    def warnings(self) -> list[Problem]:
        """Rights the spec grants that no caller can use as written (`access_warnings`):
        valid per the contract, so reported, not refused."""
        return [
            Problem(".".join(str(part) for part in path), message)
            for resource in self.resources
            for path, message in access_warnings(
                resource.name, resource.access, set(resource.spec.access)
            )
        ]

    def resource(self, name: str) -> ResourceInfo:
        return next(item for item in self.resources if item.name == name)

    @property
    def link_tables(self) -> list[tuple[ResourceInfo, Field]]:
        return [(resource, item) for resource in self.resources for item in resource.manys]


def default_access(resource: Resource, auth_on: bool) -> dict[Operation, str]:
    """The contract's defaults, overridden by the resource's own `access`."""
    if not auth_on:
        base: dict[Operation, str] = dict.fromkeys(OPERATIONS, "public")
    else:
        changer = "owner" if resource.owned else "admin"
        base = {
            "list": "user",
            "read": "user",
            "create": "user",
            "update": changer,
            "delete": changer,
        }
    base.update(resource.access)
    return base


def resolve(spec: Spec) -> ProjectInfo:
    """Derive everything the generator needs from a checked spec."""
    project = ProjectInfo(spec=spec)
    for name, resource_spec in spec.resources.items():
        info = ResourceInfo(name=name, spec=resource_spec, project=project)
        info.access = default_access(resource_spec, project.auth_on)
        project.resources.append(info)
    by_name = {info.name: info for info in project.resources}
    for info in project.resources:
        for field_name, field_spec in info.spec.fields.items():
            target = by_name.get(field_spec.to) if field_spec.to else None
            info.fields.append(
                Field(name=field_name, spec=field_spec, resource=info, target=target)
            )
        for item in info.manys:
            item.link = _link_table(info, item)
    for child in project.resources:
        seen_parents: dict[str, int] = {}
        for ref in child.refs:
            parent = ref.points_at
            count = seen_parents.get(parent.name, 0)
            seen_parents[parent.name] = count + 1
            segment = names.kebab(child.plural)
            if count:
                segment += "-by-" + names.kebab(ref.name)
            parent.reverses.append(Reverse(child=child, field=ref, segment=segment))
    return project


def _link_table(resource: ResourceInfo, item: Field) -> LinkTable:
    left = f"{resource.snake}_id"
    # The other side after its resource; linked to itself, after the field (Peer.friends,
    # Peer.peers), and when the field is named after the resource too (Peer.peer), apart.
    candidates = (item.points_at.snake, names.singular(item.name), item.name, f"linked_{left[:-3]}")
    right = next(f"{name}_id" for name in candidates if f"{name}_id" != left)
    return LinkTable(table=f"{resource.table}_{item.name}", left_column=left, right_column=right)


def example_value(item: Field) -> Any:
    """The field's example from the spec, if it gave one."""
    return item.spec.example
