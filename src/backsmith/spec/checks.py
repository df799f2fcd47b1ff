"""Checks that need the whole spec in view: names, references, access rules, options.

Each check adds problems rather than stopping at the first, so one run of
`backsmith check` shows everything wrong with a spec at once.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, TypeAdapter
from pydantic_core import SchemaError

from backsmith.spec import names, regex_samples
from backsmith.spec.bounds import (
    INT32_MAX,
    INT32_MIN,
    admitted_count,
    digits_and_places,
    fits_float,
)
from backsmith.spec.field import FieldSpec
from backsmith.spec.model import Operation, Resource, Spec
from backsmith.spec.suggest import did_you_mean

KeyPath = tuple[str | int, ...]

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
RATE = re.compile(r"^\s*[1-9]\d{0,8}\s*/\s*(second|minute|hour|day)\s*$")
"""N requests per period, N at most 999,999,999: Redis, which counts them in the projects
that use it, refuses numbers past 64 bits, and no deployment wants more."""
ORIGIN = re.compile(r"^https?://[^/\s?#]+$")
ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")

MAX_NAME = 63
TOO_LONG = (
    f"this name is longer than {MAX_NAME} characters, the most PostgreSQL keeps "
    "(and more than a file name may hold); shorten it"
)
DEFAULT_STR_LENGTH = 255
"""A `str` field's max_length when the spec gives none (the contract's default)."""
IMPLICIT_FIELDS = ("id", "created_at", "updated_at")
TEST_ROWS = 3
"""Rows the generated tests hold at once (`test_returns_a_page` pages through three): a
unique field must admit at least this many distinct values."""
RULE_KEYWORDS = ("public", "user", "owner")
STRING_TYPES = ("str", "text", "email", "url")
ORDERED_TYPES = ("int", "float", "decimal", "date", "datetime")

# Package names that would shadow a module the generated project imports (as the
# project's name), or that a resource's folders do not take (`module_name`).
RESERVED_PACKAGES = frozenset(
    {
        "fastapi",
        "starlette",
        "pydantic",
        "pydantic_settings",
        "pydantic_core",
        "sqlalchemy",
        "alembic",
        "asyncpg",
        "aiosqlite",
        "jwt",
        "pwdlib",
        "argon2",
        "limits",
        "redis",
        "httpx",
        "uvicorn",
        "granian",
        "uvloop",
        "httptools",
        "anyio",
        "email_validator",
        "tests",
        "migrations",
        "test",
        "conftest",
        "backsmith",
        "typing_extensions",
        "yaml",
        "pytest",
    }
)
# Every top-level module installed with the generated project's dependencies, dev tools
# included (tests/spec/test_dependency_modules.py recomputes the set from the generated
# pyproject.toml): with PYTHONPATH=src, or once installed, a project package of one of
# these names hides it, so `name: taskiq` broke the project's imports and `name: mypy`
# made `python -m mypy` run the project's own CLI.
DEPENDENCY_MODULES = frozenset(
    {
        *("aiohappyeyeballs", "aiohttp", "aiosignal", "aiosqlite", "alembic"),
        *("annotated_doc", "annotated_types", "anyio", "argon2", "ast_serialize"),
        *("async_timeout", "asyncpg", "attr", "attrs", "beartype", "certifi", "cffi"),
        *("click", "coredis", "cryptography", "deprecated", "dns", "dotenv"),
        *("email_validator", "fastapi", "frozenlist", "granian", "greenlet", "h11"),
        *("httpcore", "httpx", "idna", "iniconfig", "jwt", "librt", "limits", "mako"),
        *("markupsafe", "multidict", "multipart", "mypy", "mypy_extensions", "mypyc"),
        *("opentelemetry", "packaging", "pathspec", "pluggy", "propcache", "pwdlib"),
        *("py", "pycparser", "pycron", "pydantic", "pydantic_core", "pydantic_settings"),
        *("pygments", "pympler", "pytest", "pytest_asyncio", "python_multipart", "redis"),
        *("ruff", "sqlalchemy", "starlette", "taskiq", "taskiq_dependencies"),
        *("taskiq_redis", "typing_extensions", "typing_inspection", "uvloop"),
        *("watchfiles", "wrapt", "yarl"),
        # Installed beside them by pip and the build backend.
        *("pip", "setuptools", "pkg_resources", "wheel", "hatchling"),
    }
)
# Field names the generated resources already have: the implicit fields and what the
# owner and soft delete add.
RESERVED_FIELDS = frozenset({"id", "created_at", "updated_at", "deleted_at", "owner", "owner_id"})
# Pydantic refuses a field (even under another attribute) in these namespaces.
PYDANTIC_NAMESPACES = ("model_validate", "model_dump")
QUERY_PARAMETERS = frozenset({"limit", "offset", "sort", "q"})
# Module names inside the generated package, or beside a resource's test folder in
# tests/, that a resource's folders do not take (`module_name`).
RESERVED_MODULES = frozenset(
    {
        *("api", "audit", "auth", "core", "config", "db", "errors", "main", "health", "seed"),
        *("tests", "security", "support"),
    }
)
# Tables every generated project has, whatever its auth.
RESERVED_TABLES = frozenset({"audit_events", "alembic_version"})
# URL paths the generated app serves itself; a resource there would be shadowed.
RESERVED_PATHS = frozenset({"docs", "redoc", "openapi", "health", "auth"})
# Class names the generated code defines beside resource classes, where a resource's own
# classes would take their place: `PagingQuery` (the base of every `<Name>Query`) and the
# audit log's model.
RESERVED_CLASSES = frozenset({"Paging", "AuditEvent"})
# Names imported or defined by the modules that define or import a resource's model
# class. A resource with one of these names is still accepted: its SQLAlchemy class is
# called `<Name>Model` instead (the model class never appears in the API).
MODEL_MODULE_NAMES = frozenset(
    {
        "Base",
        "Settings",
        "AppError",
        "Principal",
        "Any",
        "BaseModel",
        "BigInteger",
        "Boolean",
        "Collection",
        "Column",
        "ColumnElement",
        "Conflict",
        "Connection",
        "Date",
        "Decimal",
        "Double",
        "Enum",
        "Executable",
        "ForeignKey",
        "IntegrityViolation",
        "Integer",
        "InvalidInput",
        "JSON",
        "Mapped",
        "Mapping",
        "Numeric",
        "Page",
        "Row",
        "RowId",
        "ScaledNumeric",
        "Sequence",
        "String",
        "Table",
        "Text",
        "TypeAdapter",
        "Unauthorized",
        "UniqueConstraint",
        "UtcDateTime",
        "Uuid",
    }
)


def module_name(plural: str) -> str:
    """A resource's package (and test folder): its plural, or `<plural>_api` where the
    project has or imports a module of that name (`errors`, `limits`, `tests`)."""
    return f"{plural}_api" if plural in RESERVED_MODULES or plural in RESERVED_PACKAGES else plural


def model_class(resource_name: str) -> str:
    """A resource's SQLAlchemy class: its own name unless the model's modules import
    that name; then `<Name>Model` (or `<Name>Record` for `Base`, whose `BaseModel` is
    pydantic's), or where ruff refuses it as ambiguous (`I`, `O`: rule E742)."""
    if resource_name not in MODEL_MODULE_NAMES and resource_name not in ("I", "O"):
        return resource_name
    renamed = f"{resource_name}Model"
    return renamed if renamed not in MODEL_MODULE_NAMES else f"{resource_name}Record"


# Other names for the likeliest of them, offered when one is refused.
_CLASS_SUGGESTIONS = {"Paging": "Pagination"}
_JWKS_EXAMPLES = {
    "jwks_url": "jwks_url: https://issuer.example.com/.well-known/jwks.json",
    "issuer": "issuer: https://issuer.example.com/",
    "audience": "audience: my-api",
}


def _role_suggestion(role: str) -> str:
    """`Data Steward` -> `data-steward`: the nearest name a role may have."""
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", role.strip().lower()).strip("-_")
    cleaned = cleaned.lstrip("0123456789-_")
    return cleaned or "editor"


LOCAL_AUTH_CLASSES = frozenset({"User", "RefreshToken"})
LOCAL_AUTH_TABLES = frozenset({"users", "refresh_tokens"})


@dataclass
class Checker:
    spec: Spec
    problems: list[tuple[KeyPath, str]] = field(default_factory=list)

    def add(self, path: KeyPath, message: str) -> None:
        self.problems.append((path, message))

    def run(self) -> list[tuple[KeyPath, str]]:
        self._check_project()
        self._check_auth()
        self._check_limits_and_cors()
        tables: dict[str, str] = {}
        for resource_name, resource in self.spec.resources.items():
            self._check_resource(resource_name, resource, tables)
        self._check_required_ref_cycles()
        return self.problems

    # -- project --------------------------------------------------------------

    def _check_project(self) -> None:
        name = self.spec.name
        if len(name) > MAX_NAME:
            self.add(("name",), TOO_LONG)
        elif not SNAKE.match(name):
            suggestion = _suggest_snake(name)
            self.add(("name",), f"'{name}' is not a snake_case identifier; try '{suggestion}'")
        elif keyword.iskeyword(name):
            self.add(
                ("name",),
                f"'{name}' is a Python keyword, which no package can be named (`import "
                f"{name}` is a syntax error); pick another, e.g. '{name}_api'",
            )
        elif (
            name in sys.stdlib_module_names
            or name in RESERVED_PACKAGES
            or name in DEPENDENCY_MODULES
        ):
            self.add(
                ("name",),
                f"'{name}' would shadow the Python module of that name; "
                f"pick another, e.g. '{name}_api'",
            )
        if not self.spec.resources:
            self.add(
                ("resources",),
                "a spec needs at least one resource; add one, e.g. Book: {fields: {title: str}}",
            )

    def _check_auth(self) -> None:
        auth = self.spec.auth
        given = auth.model_fields_set
        jwks_keys = {"jwks_url", "issuer", "audience", "algorithms"}
        if auth.kind != "jwks":
            for key in sorted(given & jwks_keys):
                self.add(
                    ("auth", key),
                    f"'{key}' applies only to auth.kind jwks; remove it, or set kind: jwks",
                )
        if auth.kind == "none" and "roles" in given:
            self.add(("auth", "roles"), "roles need auth; with auth.kind none every rule is public")
        seen_roles: set[str] = set()
        aliases = {"Public": "the public rule", "User": "the user and owner rules"}
        aliases["Admin"] = "the admin role"
        for index, role in enumerate(auth.roles):
            if role in seen_roles:
                self.add(("auth", "roles", index), f"role '{role}' is listed twice; drop one")
                continue
            seen_roles.add(role)
            if not ROLE.match(role):
                self.add(
                    ("auth", "roles", index),
                    f"role '{role}' must be lower case letters, digits, '_' or '-', "
                    f"e.g. '{_role_suggestion(role)}'",
                )
            elif role in RULE_KEYWORDS:
                self.add(
                    ("auth", "roles", index),
                    f"'{role}' is an access rule, not a role name; drop it from roles "
                    "(access rules may name it as they are)",
                )
            elif role != "admin" and names.role_class(role) in aliases:
                alias = names.role_class(role)
                self.add(
                    ("auth", "roles", index),
                    f"role '{role}' would get the dependency {alias}Caller, already "
                    f"used by {aliases[alias]}; rename the role",
                )
            else:
                aliases.setdefault(names.role_class(role), f"role '{role}'")
        if auth.kind == "jwks":
            for key in ("jwks_url", "issuer", "audience"):
                if getattr(auth, key) is None:
                    self.add(
                        ("auth",), f"auth.kind jwks needs '{key}'; add it: {_JWKS_EXAMPLES[key]}"
                    )
                elif key != "jwks_url" and not getattr(auth, key).strip():
                    self.add(
                        ("auth", key),
                        f"'{key}' is empty; tokens would have to carry an empty claim, so "
                        "none from a real issuer would pass; give the issuer's value",
                    )
            if auth.jwks_url is not None and not re.match(r"^https?://\S+$", auth.jwks_url):
                self.add(
                    ("auth", "jwks_url"),
                    f"'{auth.jwks_url}' is not an http(s) URL; write the issuer's key set "
                    f"address, e.g. {_JWKS_EXAMPLES['jwks_url'].split(': ', 1)[1]}",
                )
            if auth.algorithms == []:
                self.add(
                    ("auth", "algorithms"),
                    "an empty list would accept no token; list at least one algorithm, "
                    "or leave the key out for EdDSA, ES256 and RS256",
                )
            for index, algorithm in enumerate(auth.algorithms or []):
                if algorithm.upper().startswith("HS"):
                    self.add(
                        ("auth", "algorithms", index),
                        f"'{algorithm}' is symmetric: an issuer's public keys cannot verify it, "
                        "and accepting it invites key-confusion attacks; use EdDSA, ES256 or RS256",
                    )
                elif algorithm not in ASYMMETRIC_ALGORITHMS:
                    hint = did_you_mean(algorithm, ASYMMETRIC_ALGORITHMS)
                    self.add(
                        ("auth", "algorithms", index), f"unknown algorithm '{algorithm}'{hint}"
                    )

    def _check_limits_and_cors(self) -> None:
        for key in ("default", "auth"):
            value = getattr(self.spec.rate_limit, key)
            if not RATE.match(value):
                self.add(
                    ("rate_limit", key),
                    f"'{value}' is not a rate; write N/second, N/minute, N/hour or N/day "
                    "with N from 1 to 999999999, e.g. 120/minute",
                )
        for index, origin in enumerate(self.spec.cors.origins):
            if origin != "*" and not ORIGIN.match(origin):
                self.add(
                    ("cors", "origins", index),
                    f"'{origin}' is not an origin; write scheme and host, "
                    "e.g. https://app.example.com",
                )
            elif origin != "*":
                problem = _origin_problem(origin)
                if problem is not None:
                    self.add(("cors", "origins", index), problem)

    # -- resources ------------------------------------------------------------

    @cached_property
    def plurals(self) -> dict[str, str]:
        """Every resource's plural, naming its resource."""
        return {
            resource.plural or names.plural(names.snake(name)): name
            for name, resource in self.spec.resources.items()
        }

    def _check_resource(self, name: str, resource: Resource, tables: dict[str, str]) -> None:
        path: KeyPath = ("resources", name)
        auth_on = self.spec.auth.kind != "none"
        if len(name) > MAX_NAME:
            self.add(path, TOO_LONG)
            return
        if not PASCAL.match(name):
            suggestion = names.pascal(_suggest_snake(name))
            self.add(
                path,
                f"resource name '{name}' must be PascalCase and singular, e.g. '{suggestion}'",
            )
            return
        local = self.spec.auth.kind == "local"
        table = resource.plural or names.plural(names.snake(name))
        package, model = module_name(table), model_class(name)
        if name in RESERVED_CLASSES or (local and name in LOCAL_AUTH_CLASSES):
            hint = (
                " (auth.kind local owns users; call yours 'Member' or 'Profile')"
                if name == "User"
                else ""
            )
            if not hint and name in _CLASS_SUGGESTIONS:
                hint = f" (for example '{_CLASS_SUGGESTIONS[name]}')"
            self.add(path, f"resource name '{name}' is used by the generated code; rename it{hint}")
        elif local and table in LOCAL_AUTH_TABLES:
            self.add(
                path, f"its plural '{table}' is used by auth.kind local; set 'plural:' to another"
            )
        elif resource.plural is not None and not SNAKE.match(resource.plural):
            suggestion = _suggest_snake(resource.plural)
            self.add(
                (*path, "plural"),
                f"plural '{resource.plural}' must be snake_case, e.g. '{suggestion}'",
            )
        elif table in RESERVED_TABLES or table in RESERVED_PATHS or keyword.iskeyword(table):
            self.add(
                path,
                f"its plural '{table}' is a name the generated project uses; "
                "set 'plural:' to another",
            )
        elif table in tables:
            self.add(
                path,
                f"its plural '{table}' is also {tables[table]}'s; set 'plural:' on one of them",
            )
        elif package != table and package in self.plurals:
            self.add(
                path,
                f"its package is called '{package}' (the project has or imports a "
                f"module '{table}'), which is also {self.plurals[package]}'s "
                "plural; set 'plural:' on one of them",
            )
        elif model != name and model in self.spec.resources:
            self.add(
                path,
                f"its model class is called '{model}' (the generated code imports "
                f"'{name}'), which is also a resource; rename one of them",
            )
        tables[table] = name
        if resource.owned and not auth_on:
            self.add((*path, "owned"), "owned rows need auth; set auth.kind to local or jwks")
        if not resource.fields:
            self.add(
                (*path, "fields"), "a resource needs at least one field; add one, e.g. title: str"
            )
        for field_name, spec in resource.fields.items():
            self._check_field(name, field_name, spec)
        self._check_access(name, resource)
        self._check_query_lists(name, resource)

    def _check_field(self, resource_name: str, field_name: str, spec: FieldSpec) -> None:
        path: KeyPath = ("resources", resource_name, "fields", field_name)
        if len(field_name) > MAX_NAME:
            self.add(path, TOO_LONG)
        elif not SNAKE.match(field_name):
            suggestion = _suggest_snake(field_name)
            if suggestion in RESERVED_FIELDS:
                suggestion += "_value"
            why = (
                " (a name Python keeps, such as 'from' or 'class', is written as it is)"
                if field_name.endswith("_")
                else ""
            )
            self.add(
                path,
                f"field name '{field_name}' must be a snake_case identifier without leading, "
                f"trailing or double underscores{why}, e.g. '{suggestion}'",
            )
        elif field_name in RESERVED_FIELDS or field_name.startswith(PYDANTIC_NAMESPACES):
            implicit = (
                " (every resource already has it)"
                if field_name in ("id", "created_at", "updated_at")
                else ""
            )
            self.add(path, f"field name '{field_name}' is reserved{implicit}; rename it")
        if spec.type == "ref" and field_name.endswith("_id"):
            self.add(
                path, f"name the ref '{field_name[:-3]}'; it is stored and served as '{field_name}'"
            )
        if (
            spec.type in ("ref", "many")
            and spec.to is not None
            and spec.to not in self.spec.resources
        ):
            self.add(
                (*path, "to"),
                f"no resource named '{spec.to}'{did_you_mean(spec.to, self.spec.resources)}",
            )
        if spec.type == "ref" and spec.to == resource_name and not spec.optional:
            self.add(
                path,
                "a reference to its own resource must be optional, or no first row could exist; "
                "add '?'",
            )
        if spec.on_delete == "set_null" and not spec.optional:
            self.add(
                (*path, "on_delete"),
                "on_delete set_null needs an optional field; add optional: true",
            )
        if spec.type == "many":
            for option in ("unique", "index", "default", "immutable"):
                if option in spec.model_fields_set:
                    self.add((*path, option), f"'{option}' does not apply to a many field; drop it")
        if spec.type == "json" and spec.unique:
            self.add((*path, "unique"), "a json field cannot be unique; drop unique")
        if spec.type == "json" and spec.index:
            # PostgreSQL's json type has no b-tree operator class: the migration would fail.
            self.add((*path, "index"), "a json field cannot be indexed; drop index")
        if spec.type == "bool" and spec.unique:
            self.add(
                (*path, "unique"),
                "a unique bool field allows at most two rows (one true, one false); drop unique, "
                "or list the field with another in unique_together",
            )
        if spec.type == "enum" and spec.unique:
            count = len(spec.values or [])
            self.add(
                (*path, "unique"),
                f"a unique enum field allows at most {count} rows, one per value; drop unique, "
                "or list the field with another in unique_together",
            )
        if spec.read_only and spec.write_only:
            self.add(path, "a field cannot be both read_only and write_only; drop one")
        if spec.write_only and spec.unique:
            self.add(
                (*path, "unique"),
                "a write_only field is never returned, yet a unique one answers 409 when another "
                "row holds the value sent, which lets callers find out its values; drop unique "
                "or drop write_only",
            )
        if spec.read_only and spec.immutable:
            self.add(
                path,
                "read_only fields are never written by clients, so immutable adds nothing; "
                "drop one",
            )
        if spec.read_only and spec.default is None and not spec.optional:
            self.add(
                path,
                "a read_only field is set by the server: give it a default or make it optional",
            )
        self._check_field_options(path, spec)

    def _check_field_options(self, path: KeyPath, spec: FieldSpec) -> None:
        reported = len(self.problems)
        max_length = spec.max_length
        if max_length is None and spec.type == "str":
            max_length = DEFAULT_STR_LENGTH
        if spec.min_length is not None and max_length is not None and spec.min_length > max_length:
            implied = " (the default for str)" if spec.max_length is None else ""
            self.add(
                (*path, "min_length"),
                f"min_length {spec.min_length} is above max_length {max_length}{implied}"
                + ("; set max_length, or use text" if implied else ""),
            )
        if spec.type == "str" and spec.max_length is not None and spec.max_length > 10_485_760:
            self.add(
                (*path, "max_length"),
                "max_length is above PostgreSQL's VARCHAR limit (10485760); use text",
            )
        for inclusive, exclusive in (("ge", "gt"), ("le", "lt")):
            if getattr(spec, inclusive) is not None and getattr(spec, exclusive) is not None:
                self.add(
                    (*path, exclusive),
                    f"{inclusive} and {exclusive} both bound the same side; keep one",
                )
        for low, high in (("ge", "le"), ("gt", "lt"), ("ge", "lt"), ("gt", "le")):
            low_value, high_value = getattr(spec, low), getattr(spec, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                self.add(
                    (*path, low),
                    f"{low} {low_value} is above {high} {high_value}, so no value fits; "
                    f"lower {low} or raise {high}",
                )
        if spec.type == "int":
            for bound in ("ge", "le", "gt", "lt"):
                value = getattr(spec, bound)
                if value is not None and (
                    value != int(value) or not INT32_MIN <= value <= INT32_MAX
                ):
                    self.add(
                        (*path, bound),
                        f"{bound} must be a whole number within 32-bit integer range",
                    )
        if spec.type == "decimal":
            digits, places = digits_and_places(spec)
            if places > digits:
                self.add(
                    (*path, "decimal_places"),
                    f"decimal_places {places} is above max_digits {digits}; raise "
                    "max_digits or lower decimal_places",
                )
        if spec.type == "float":
            for bound in ("ge", "le", "gt", "lt"):
                value = getattr(spec, bound)
                if value is not None and not fits_float(value):
                    self.add((*path, bound), f"{bound} {value} is beyond what a float can hold")
        if spec.pattern is not None:
            problem = pattern_problem(spec.pattern)
            if problem is not None:
                self.add((*path, "pattern"), problem)
        if spec.values is not None:
            self._check_enum_values(path, spec.values)
        if len(self.problems) == reported:
            self._check_room(path, spec)

    def _check_room(self, path: KeyPath, spec: FieldSpec) -> None:
        """Whether the field's options admit a value at all, and, for a unique field,
        the `TEST_ROWS` distinct values the generated tests send at once."""
        count = admitted_count(spec)
        if count == 0:
            self.add(
                path,
                f"no {spec.type} value satisfies these bounds{_column_limits(spec)}; widen them",
            )
        elif count is not None and spec.unique and count < TEST_ROWS:
            self.add(
                (*path, "unique"),
                f"a unique {spec.type} field whose bounds admit {_values(count)} allows at most "
                f"{count} {'row' if count == 1 else 'rows'}, and the generated tests create "
                f"{TEST_ROWS}; widen the bounds, drop unique, or list the field with another "
                "in unique_together",
            )
        if spec.type == "str" and spec.pattern and spec.unique:
            found = regex_samples.samples(
                spec.pattern, TEST_ROWS, spec.min_length or 0, spec.max_length or DEFAULT_STR_LENGTH
            )
            if isinstance(spec.example, str) and spec.example not in found:
                found.append(spec.example)
            # Fewer than two: spec/values.py already asks for an example or looser limits.
            if 2 <= len(found) < TEST_ROWS:
                shown = ", ".join(repr(value) for value in found)
                self.add(
                    (*path, "unique"),
                    f"a unique str field needs {TEST_ROWS} distinct values for the generated "
                    f"tests, and backsmith finds only {len(found)} matching pattern "
                    f"{spec.pattern!r} within the length limits ({shown}); widen the pattern "
                    "or the limits, drop unique, or list the field with another in "
                    "unique_together",
                )

    def _check_enum_values(self, path: KeyPath, values: list[str]) -> None:
        seen: set[str] = set()
        for index, value in enumerate(values):
            if not value.strip():
                self.add((*path, "values", index), "enum values must not be empty")
            elif value in seen:
                self.add((*path, "values", index), f"'{value}' is listed twice; drop one")
            seen.add(value)

    def _check_access(self, resource_name: str, resource: Resource) -> None:
        path: KeyPath = ("resources", resource_name, "access")
        auth_on = self.spec.auth.kind != "none"
        roles = {"admin", *self.spec.auth.roles}
        for operation, rule in resource.access.items():
            where = (*path, operation)
            if not auth_on and rule != "public":
                self.add(where, f"with auth.kind none every rule must be public, not '{rule}'")
            elif rule == "owner" and not resource.owned:
                self.add(where, "the owner rule needs 'owned: true' on the resource")
            elif rule == "owner" and operation == "create":
                self.add(
                    where, "a row has no owner before it exists; use user or a role for create"
                )
            elif rule == "public" and operation == "create" and resource.owned:
                self.add(
                    where,
                    "an anonymous caller cannot own the row it creates; "
                    "use user or a role for create on an owned resource",
                )
            elif rule not in (*RULE_KEYWORDS, *roles):
                choices = [*RULE_KEYWORDS, *sorted(roles)]
                hint = did_you_mean(rule, choices)
                self.add(where, f"unknown rule '{rule}'{hint} (roles come from auth.roles)")

    def _check_query_lists(self, resource_name: str, resource: Resource) -> None:
        path: KeyPath = ("resources", resource_name)
        known = dict(_implicit_types(resource))
        known.update({field_name: spec.type for field_name, spec in resource.fields.items()})
        for key in ("sort", "filter", "search"):
            listed: set[str] = set()
            for index, field_name in enumerate(getattr(resource, key)):
                where = (*path, key, index)
                kind = known.get(field_name)
                if field_name in listed:
                    self.add(where, f"'{field_name}' is listed twice in {key}; drop one")
                    continue
                listed.add(field_name)
                if kind is None and key == "sort" and field_name.lstrip("-+") in known:
                    self.add(
                        where,
                        f"list the field as '{field_name.lstrip('-+')}'; clients choose the "
                        "direction with ?sort=-name",
                    )
                elif kind is None:
                    self.add(
                        where, f"no field named '{field_name}'{did_you_mean(field_name, known)}"
                    )
                elif key == "search" and kind not in STRING_TYPES:
                    self.add(
                        where,
                        f"'{field_name}' is {kind}; search takes string fields "
                        "(str, text, email, url); drop it from search",
                    )
                elif field_name in resource.fields and resource.fields[field_name].write_only:
                    self.add(
                        where,
                        f"'{field_name}' is write_only, and "
                        f"?{_QUERY_FORMS[key].format(name=field_name)} would let "
                        f"callers find out its values; drop it from {key} or drop write_only",
                    )
                elif key == "sort" and kind in ("json", "many"):
                    self.add(
                        where, f"'{field_name}' is {kind} and cannot be sorted; drop it from sort"
                    )
                elif key == "filter" and kind == "json":
                    self.add(
                        where, f"'{field_name}' is json and cannot be filtered; drop it from filter"
                    )
                elif key == "filter" and kind != "ref" and field_name in QUERY_PARAMETERS:
                    self.add(
                        where,
                        f"'?{field_name}=' is taken by the list's own parameters; rename the field",
                    )
        groups: dict[frozenset[str], int] = {}
        for index, group in enumerate(resource.unique_together):
            where = (*path, "unique_together", index)
            if len(group) < 2:
                self.add(
                    where,
                    "a unique_together group needs at least two fields; use unique: true for one",
                )
            elif (first := groups.setdefault(frozenset(group), index)) != index:
                self.add(
                    where,
                    f"the same fields as unique_together[{first}] (order does not matter): "
                    "one constraint already; drop this group",
                )
            for position, field_name in enumerate(group):
                kind = known.get(field_name)
                if field_name in group[:position]:
                    self.add(
                        (*where, position),
                        f"'{field_name}' is listed twice in this group; drop one",
                    )
                elif kind is None:
                    self.add(
                        (*where, position),
                        f"no field named '{field_name}'{did_you_mean(field_name, known)}",
                    )
                elif kind in ("json", "many"):
                    self.add(
                        (*where, position),
                        f"'{field_name}' is {kind} and cannot be part of a unique constraint; "
                        "drop it from this group",
                    )
                elif field_name in resource.fields and resource.fields[field_name].write_only:
                    self.add(
                        (*where, position),
                        f"'{field_name}' is write_only, and a unique constraint on it answers "
                        "409 when another row holds the values sent, which lets callers find "
                        "out its values; drop it from this group or drop write_only",
                    )

    def _check_required_ref_cycles(self) -> None:
        required: dict[str, list[str]] = {
            name: [
                spec.to
                for spec in resource.fields.values()
                if spec.type == "ref"
                and not spec.optional
                and spec.to in self.spec.resources
                and spec.to != name
            ]
            for name, resource in self.spec.resources.items()
        }
        for cycle in _cycles(required):
            chain = " -> ".join([*cycle, cycle[0]])
            self.add(
                ("resources", cycle[0]),
                f"required refs form a cycle ({chain}); make one of them optional",
            )


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_problem(origin: str) -> str | None:
    """Why a browser never sends `origin` as its `Origin` header, which CORS compares
    exactly: the spec's origin would then allow nothing."""
    parts = urlsplit(origin)
    host = parts.netloc.rpartition("@")[2]
    if "@" in parts.netloc:
        return f"'{origin}' has a user name, which an Origin header never carries; drop it"
    if "*" in host:
        return (
            f"'{origin}': an origin is matched exactly, so a wildcard would match nothing; "
            "list each origin"
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return f"'{origin}' has a port outside 1-65535"
    name = parts.hostname or ""
    try:
        ascii_name = name.encode("idna").decode("ascii") if not name.isascii() else name.lower()
    except UnicodeError:
        return f"'{origin}' has a host name that cannot be written in ASCII (IDNA)"
    written = f"{parts.scheme}://{ascii_name}" if ":" not in ascii_name else None
    if written is None:  # an IPv6 literal: keep it as given, only the port matters
        written = f"{parts.scheme}://{host.rsplit(']', 1)[0]}]"
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        written += f":{port}"
    if written != origin:
        return f"browsers send this origin as '{written}', and CORS compares exactly; write that"
    return None


_QUERY_FORMS = {"sort": "sort={name}", "filter": "{name}=", "search": "q="}
"""How each query list reaches the wire, for messages about a write_only field in it."""

ASYMMETRIC_ALGORITHMS = (
    "EdDSA",
    "ES256",
    "ES384",
    "ES512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
)


def _implicit_types(resource: Resource) -> Iterator[tuple[str, str]]:
    yield "id", "id"
    yield "created_at", "datetime"
    yield "updated_at", "datetime"
    if resource.owned:
        yield "owner", "owner"


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each elementary cycle once, found by depth-first search from every node."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def visit(node: str, trail: list[str]) -> None:
        for target in graph.get(node, []):
            if target == trail[0]:
                key = frozenset(trail)
                if key not in seen:
                    seen.add(key)
                    found.append(list(trail))
            elif target not in trail and target > trail[0]:
                visit(target, [*trail, target])

    for start in sorted(graph):
        visit(start, [start])
    return found


def _suggest_snake(name: str) -> str:
    cleaned = re.sub(r"[^0-9a-zA-Z]+", "_", names.snake(name)).strip("_").lower()
    if not cleaned or cleaned[0].isdigit():
        cleaned = "x_" + cleaned
    return re.sub(r"_+", "_", cleaned)


def enum_members(values: list[str]) -> list[tuple[str, str]]:
    """(Python member name, value) for each enum value, the names made unique: values
    that differ only in case or punctuation (`S` and `s`, `a-b` and `a_b`) are distinct
    values and get `S` and `S_2`."""
    taken: set[str] = set()
    members: list[tuple[str, str]] = []
    for value in values:
        base = member = enum_member_name(value)
        suffix = 2
        while member in taken:
            member = f"{base}_{suffix}"
            suffix += 1
        taken.add(member)
        members.append((member, value))
    return members


def enum_member_name(value: str) -> str:
    """The Python member name for an enum value: `in-progress` -> `IN_PROGRESS`.

    The name is taken in the NFKC form Python reads identifiers in (`m²` -> `M2`, where
    `²` cannot stand in a name, and `Ｆ` -> `F`, which Python would read as `F` anyway),
    and keeps only characters a name may hold."""
    normal = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).upper())
    kept = "".join(char if f"_{char}".isidentifier() else "_" for char in normal)
    member = re.sub(r"_+", "_", kept).strip("_") or _symbols_name(normal)
    if not member.isidentifier():  # a digit (or a mark) first
        member = "V_" + member
    if keyword.iskeyword(member.lower()) and member.lower() == member:
        member += "_"
    if member in ("I", "O"):  # ruff's E741: names that read as 1 and 0
        member += "_"
    return member


_SYMBOL_NAMES = {
    "+": "PLUS",
    "-": "MINUS",
    "*": "ASTERISK",
    "/": "SLASH",
    "\\": "BACKSLASH",
    "%": "PERCENT",
    "<": "LESS",
    ">": "GREATER",
    "=": "EQUALS",
    "!": "EXCLAMATION",
    "?": "QUESTION",
    "^": "CARET",
    "&": "AMPERSAND",
    "|": "PIPE",
    "~": "TILDE",
    "@": "AT",
    "#": "HASH",
    "$": "DOLLAR",
    ".": "DOT",
    ",": "COMMA",
    ":": "COLON",
    ";": "SEMICOLON",
    "'": "APOSTROPHE",
    '"': "QUOTE",
    "`": "BACKTICK",
    "(": "LEFT_PAREN",
    ")": "RIGHT_PAREN",
    "[": "LEFT_BRACKET",
    "]": "RIGHT_BRACKET",
    "{": "LEFT_BRACE",
    "}": "RIGHT_BRACE",
    "_": "UNDERSCORE",
    " ": "SPACE",
}
"""Short names for the ASCII symbols an enum of operators or marks is made of; other
characters take their Unicode name (`€` -> `EURO_SIGN`)."""
_LONGEST_SYMBOLS_NAME = 40


def _symbols_name(value: str) -> str:
    """A member name for a value with no character a name may hold: `>=` ->
    `GREATER_EQUALS`, `%` -> `PERCENT`, the empty string -> `EMPTY`. A value whose
    spelled-out name would run past 40 characters is `SYMBOLS`."""
    if not value:
        return "EMPTY"
    words = [_SYMBOL_NAMES.get(char, "") or _unicode_name(char) for char in value]
    name = re.sub(r"[^0-9A-Z]+", "_", "_".join(words).upper()).strip("_")
    return name if len(name) <= _LONGEST_SYMBOLS_NAME else "SYMBOLS"


def _unicode_name(char: str) -> str:
    """`€` -> `EURO SIGN`; a character without a name (a private-use one) -> `UE000`."""
    try:
        return unicodedata.name(char)
    except ValueError:
        return f"U{ord(char):04X}"


def _column_limits(spec: FieldSpec) -> str:
    if spec.type == "int":
        return " within the 32-bit range of the column"
    if spec.type == "decimal":
        digits, places = digits_and_places(spec)
        return f" with max_digits {digits} and decimal_places {places}"
    return " (each compared as a 64-bit float)"


def _values(count: int) -> str:
    return "one value" if count == 1 else f"only {count} values"


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used, or None.

    The generated schemas hand it to Pydantic, whose default engine is Rust's `regex`
    (no look-around, no backreferences), while sample values come from Python's `re`:
    it must compile in both, or the generated project fails at import time.
    """
    try:
        re.compile(pattern)
    except re.error as error:
        return f"not a valid regular expression: {error}; fix it, or quote it in YAML"
    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except SchemaError as error:
        reason = str(error).strip().splitlines()[-1].removeprefix("error: ")
        return (
            f"Pydantic's regex engine cannot compile it ({reason}); rewrite it without "
            "look-around or backreferences"
        )
    return None


def run_checks(spec: Spec) -> list[tuple[KeyPath, str]]:
    """Every cross-reference problem in `spec`, each with the key path it belongs to."""
    return Checker(spec).run()


def _within(rule: str, other: str) -> bool:
    """Whether every caller `rule` lets through, `other` lets through too (admin passes
    every rule; a row's owner and a role holder are both signed-in users)."""
    if rule in (other, "admin") or other == "public":
        return True
    return other == "user" and rule != "public"


def _callers(rule: str) -> str:
    named = {"public": "anonymous callers", "user": "any signed-in user", "owner": "a row's owner"}
    return named.get(rule) or names.with_article(f"{rule} caller")


def access_warnings(
    resource_name: str, access: dict[Operation, str], written: set[str]
) -> list[tuple[KeyPath, str]]:
    """Rights the contract accepts but no caller can use as granted: a `list` rule wider
    than `read` (rows listed that cannot then be read), and an `update` or `delete` rule
    wider than `read` (the row is loaded under the read rule, so the callers in between
    always get 404). `access` is the resource's rules with the defaults filled in;
    `written` the operations the spec names, so that a default is called one."""
    found: list[tuple[KeyPath, str]] = []
    read = access["read"]
    row = names.with_article(resource_name)

    def shown(operation: Operation) -> str:
        default = "" if operation in written else " (the default)"
        return f"{operation}: {access[operation]}{default}"

    def meant(operation: Operation) -> str:
        narrower = f"{operation}: {read}"
        if operation == "list" and read == "owner":
            narrower += " (each caller lists their own rows)"
        return f"you probably meant {narrower}, or read: {access[operation]}"

    if not _within(access["list"], read):
        found.append(
            (
                ("resources", resource_name, "access", "list"),
                f"{shown('list')} is wider than {shown('read')}: {_callers(access['list'])} "
                f"may list {resource_name} rows that read then refuses them; {meant('list')}",
            )
        )
    changes: tuple[Operation, ...] = ("update", "delete")
    for operation in changes:
        if not _within(access[operation], read):
            found.append(
                (
                    ("resources", resource_name, "access", operation),
                    f"{shown(operation)} is wider than {shown('read')}: the row is looked up "
                    f"under the read rule, so {_callers(access[operation])} who may not read "
                    f"{row} always gets 404 from {operation}; {meant(operation)}",
                )
            )
    return found


def coerce_number(value: Any) -> Decimal | None:
    """A spec number as a Decimal, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
