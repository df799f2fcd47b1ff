"""Facts the generated tests need about each resource: who passes which rule, what
each field's invalid values are, how its values sort.

Kept out of the templates so that the templates read as the tests they produce.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import Any

from backsmith.render import samples
from backsmith.render.python import filters, keyword_argument, literal, utc_datetime
from backsmith.spec.bounds import INT32_MAX, INT32_MIN, shifted, unit_range
from backsmith.spec.resolved import Field, ProjectInfo, ResourceInfo

ROLE_RULES_EXCLUDED = ("public", "user", "owner")


@dataclass(frozen=True)
class SigningAlgorithm:
    """How the generated tests' token issuer makes keys for one JWS algorithm."""

    name: str
    kind: str
    key_class: str
    generate: str
    jwk_class: str


_RSA = ("rsa.RSAPrivateKey", "rsa.generate_private_key(public_exponent=65537, key_size=2048)")
_CURVES = {"ES256": "SECP256R1", "ES384": "SECP384R1", "ES512": "SECP521R1"}


def signing_algorithm(project: ProjectInfo) -> SigningAlgorithm:
    """The algorithm the test issuer signs with: EdDSA (Better Auth's) when the spec
    accepts it, else the first it lists, so that the tests run the spec's own settings."""
    name = "EdDSA" if "EdDSA" in project.algorithms else project.algorithms[0]
    if name == "EdDSA":
        return SigningAlgorithm(
            name, "OKP", "Ed25519PrivateKey", "Ed25519PrivateKey.generate()", "OKPAlgorithm"
        )
    if name in _CURVES:
        generate = f"ec.generate_private_key(ec.{_CURVES[name]}())"
        return SigningAlgorithm(name, "EC", "ec.EllipticCurvePrivateKey", generate, "ECAlgorithm")
    jwk_class = "RSAPSSAlgorithm" if name.startswith("PS") else "RSAAlgorithm"
    return SigningAlgorithm(name, "RSA", *_RSA, jwk_class)


def rule(resource: ResourceInfo, operation: str) -> str:
    return resource.access[operation]  # type: ignore[index]


def is_role(rule_name: str) -> bool:
    return rule_name not in ROLE_RULES_EXCLUDED


def maker(resource: ResourceInfo) -> str:
    """An expression for the actor who creates rows in tests (and so owns them).

    Admin when a parent every new row needs is hidden from the create rule's actor: the
    factories create parents as admin, and only admin could then point at them.
    """
    name, expression = _creator(resource)
    return "actors.admin" if _hidden_parents(resource, name) else expression


def _creator(resource: ResourceInfo) -> tuple[str, str]:
    """The caller the create rule names, and the expression for it in a test."""
    create = rule(resource, "create")
    if create == "admin":
        return "admin", "actors.admin"
    if is_role(create):
        return role_caller(create), f'actors.with_role("{create}")'
    return "alice", "actors.alice"


PLAIN_CALLERS = ("anonymous", "admin", "alice", "bob")
"""The callers the generated tests have besides one user per role."""


def role_caller(role: str) -> str:
    """The caller holding `role`: the role's name, unless a plain caller has that name
    (a role `alice`); then `role:alice`, which no role name can be."""
    return f"role:{role}" if role in PLAIN_CALLERS else role


def prefixed_roles(project: ProjectInfo) -> bool:
    """Whether some role's caller is `role:<name>` in the generated tests."""
    return any(role in PLAIN_CALLERS for role in project.roles[1:])


def role_of(caller: str) -> str:
    """The role a role caller holds (`role:alice` -> `alice`)."""
    return caller.removeprefix("role:")


def _hidden_parents(resource: ResourceInfo, caller: str) -> list[Field]:
    """The fields naming a parent every new row needs (a required ref, or a many the
    factories fill) that `caller` cannot see when admin made it: an owner rule, or a read
    rule the caller does not pass (`read: admin`)."""
    return [
        field
        for field in resource.fields
        if (field.kind == "many" or (field.kind == "ref" and not field.optional))
        and field.target is not None
        and field.target is not resource
        and _hidden_from(field.points_at, caller)
    ]


def _hidden_from(target: ResourceInfo, caller: str) -> bool:
    read = rule(target, "read")
    return read == "owner" or not _passes(read, caller)


def own_rows_creator(resource: ResourceInfo) -> tuple[str, str] | None:
    """(actor, `create_<resource>` keyword overrides) for a caller other than admin who
    can create a row, to show that an owner-only list shows them their own rows only.

    When `maker` is admin because of hidden `many` parents, the create rule's actor can
    still make a row by sending those lists empty. None when a required ref hides its
    parent: then only admin can create rows."""
    name, expression = _creator(resource)
    hidden = _hidden_parents(resource, name)
    if any(field.kind != "many" for field in hidden):
        return None
    return expression, "".join(f", {keyword_argument(field.wire, '[]')}" for field in hidden)


def target_owner(resource: ResourceInfo, field: Field) -> str:
    """`, <actor>` (the factory's `by`) when a test must create the row that `field` points
    at as the maker: a resource that points at itself, rows of which only their owner may
    read. Other targets are created by admin (the factories' default), whom `maker`
    accounts for."""
    if field.target is resource and rule(resource, "read") == "owner":
        owner = maker(resource)
        return "" if owner == "actors.admin" else f", {owner}"
    return ""


def factory_fills(resource: ResourceInfo, field: Field) -> bool:
    """Whether `create_<resource>` fills a `many` field with a row it creates first.

    Not when the target's own factory could lead back here (itself, or `Post.tags` with
    `Tag.posts`): the two factories would call each other for ever. An empty list is
    valid, and tests that need the link send one themselves."""
    return field.kind == "many" and not _leads_to(field.points_at, resource)


def _leads_to(start: ResourceInfo, goal: ResourceInfo) -> bool:
    """Whether creating `start` may create `goal` first (through required refs and manys)."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current is goal:
            return True
        if current.name in seen:
            continue
        seen.add(current.name)
        pending += [
            field.points_at
            for field in current.fields
            if field.target is not None and (field.kind == "many" or not field.optional)
        ]
    return False


def passer(resource: ResourceInfo, operation: str) -> str:
    """An actor who passes the operation's rule, on a row made by `maker`, and who can
    see that row (admin, when the rule's role or the maker does not pass the read rule)."""
    rule_name = rule(resource, operation)
    if is_role(rule_name):
        caller, expression = role_caller(rule_name), f'actors.with_role("{rule_name}")'
    elif rule_name == "owner" or operation in ("update", "delete"):
        caller, expression = maker_name(resource), maker(resource)
    else:
        return "actors.alice"
    if operation in ("update", "delete") and not _sees_rows_of_maker(resource, caller):
        return "actors.admin"
    return expression


def linker(resource: ResourceInfo, field: Field) -> str:
    """The actor for a PATCH that sends new ids of `field`: the update rule's passer,
    unless the rows the test makes for it (as admin, the factories' default) are hidden
    from that passer (`tasks: many(Task)` with Task's `read: owner`); then admin."""
    actor = passer(resource, "update")
    if actor == "actors.admin" or target_owner(resource, field):
        return actor
    return "actors.admin" if _hidden_from(field.points_at, _caller_name(actor)) else actor


def _caller_name(expression: str) -> str:
    """The caller an actor expression names (`actors.with_role("x")` -> `x`)."""
    if expression.startswith("actors.with_role"):
        return role_caller(expression.split('"')[1])
    return expression.removeprefix("actors.")


def _sees_rows_of_maker(resource: ResourceInfo, caller: str) -> bool:
    """Whether `caller` (a role, or the maker itself) can read a row made by `maker`: the
    read rule may need a role the caller lacks, and an owner rule hides the row from all
    but its maker."""
    read = rule(resource, "read")
    return _passes(read, caller) and (read != "owner" or caller == maker_name(resource))


def clashable(resource: ResourceInfo, columns: tuple[str, ...]) -> bool:
    """Whether a test can send every column of a unique constraint (owner aside)."""
    writable = {
        field.column for field in resource.fields if field.in_bodies and field.kind != "many"
    }
    return all(column in writable or column == "owner_id" for column in columns)


def clash_members(resource: ResourceInfo, columns: tuple[str, ...]) -> list[Field]:
    """The fields of a unique constraint that a body carries (every column but `owner_id`).

    A test of the constraint sends each of them a value of its own choosing, read from
    the body it sent (a `write_only` member is never served back) and never null (an
    optional ref the factories leave out would be null, and NULLs never collide)."""
    return [field for field in resource.fields if field.column in columns and field.in_bodies]


def clasher(resource: ResourceInfo, columns: tuple[str, ...]) -> str:
    """Who creates the two clashing rows: the maker, or admin when a ref in the
    constraint points at a parent (made by admin) that the maker cannot see."""
    name = maker_name(resource)
    hidden = [
        field
        for field in clash_members(resource, columns)
        if field.kind == "ref"
        and field.target is not resource
        and _hidden_from(field.points_at, name)
    ]
    return "actors.admin" if hidden else maker(resource)


def sorts_unserved(resource: ResourceInfo) -> bool:
    """Whether a `sort` key is a `write_only` field: its order is checked against the
    values sent, since responses never carry them."""
    implicit = ("id", "created_at", "updated_at", "owner")
    return any(
        not resource.declared(name).in_responses
        for name in resource.query_names("sort")
        if name not in implicit
    )


def one_value(field: Field | None) -> bool:
    """Whether every valid value of the field is the same one (`int` with `ge == le`,
    an enum of one value): then two rows can never differ in it."""
    if field is None or field.kind in ("ref", "many"):
        return False
    return len({repr(value) for value in samples.values(field)}) == 1


def values_beside(field: Field) -> tuple[Any, Any]:
    """(below, above): values a filter on a one-valued field takes and no row holds;
    None where the filter's type has no such value (an enum, the 32-bit edge)."""
    value = samples.values(field)[0]
    if field.kind == "int":
        below, above = value - 1, value + 1
        return (below if below >= INT32_MIN else None, above if above <= INT32_MAX else None)
    if field.kind == "float":
        return _float_beside(value, -1), _float_beside(value, 1)
    if field.kind == "decimal":
        return str(_exact_sum(Decimal(value), -1)), str(_exact_sum(Decimal(value), 1))
    if field.kind in ("str", "text", "email", "url"):
        return None, ("x" if value != "x" else "y")
    return None, None


def _float_beside(value: float, direction: int) -> float | None:
    """`value` one further in `direction`, or the next float where 1 is below a float's
    resolution there (`1e20 + 1` is `1e20`); None past the largest float."""
    beside = value + direction
    if beside == value:
        beside = math.nextafter(value, direction * math.inf)
    return beside if math.isfinite(beside) else None


def other_creator(resource: ResourceInfo) -> str | None:
    """Someone besides `maker` who may create rows, so two rows have different owners."""
    if maker(resource) == "actors.admin":
        return None
    return "actors.admin"


def stranger(resource: ResourceInfo) -> str:
    """A signed-in user who did not make the row and holds none of its roles."""
    return "actors.bob" if maker(resource) == "actors.alice" else "actors.alice"


def stranger_status(resource: ResourceInfo, operation: str) -> int | None:
    """What a stranger gets on someone else's row: 403 if they may see it, else 404."""
    rule_name = rule(resource, operation)
    read = rule(resource, "read")
    if rule_name == "owner":
        return 403 if read in ("public", "user") else 404
    if is_role(rule_name):
        return 403
    return None


DEFAULT_BODY_LIMIT = 1_048_576
"""The generated app's `MAX_BODY_BYTES` default: a longer body is 413 before validation."""
BODY_ROOM = 65_536
"""Bytes left for the rest of a test's body beside one long string."""


@dataclass(frozen=True)
class Invalid:
    label: str
    value: Any

    @property
    def source(self) -> str:
        """The value as Python source; a long run of one character as `"x" * n`, which
        keeps a test file small and its lines short whatever the field's length limit."""
        value = self.value
        if isinstance(value, str) and len(value) > 20 and value == value[0] * len(value):
            return f"{literal(value[0])} * {len(value)}"
        return literal(value)


_ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
"""Digits that `\\d` matches in Python and Rust regular expressions, and not in JSON Schema."""


def invalid_values(field: Field) -> list[Invalid]:
    """Values that must be refused with 422 on this field."""
    spec = field.spec
    kind = field.kind
    found: list[Invalid] = []
    if kind in ("str", "text"):
        if field.max_length is not None and field.max_length + BODY_ROOM < DEFAULT_BODY_LIMIT:
            # A longer limit cannot be reached: the body limit refuses the body first (413).
            found.append(Invalid("too_long", "x" * (field.max_length + 1)))
        if spec.min_length:
            found.append(Invalid("too_short", "x" * (spec.min_length - 1)))
        if kind == "str" and spec.pattern:
            for candidate in ("!", "not matching", "", " ", "\n", "~~~~"):
                if re.search(spec.pattern, candidate) is None and (field.max_length or 255) >= len(
                    candidate
                ) >= (spec.min_length or 0):
                    found.append(Invalid("pattern", candidate))
                    break
        if kind == "str" and spec.pattern and "\\d" in spec.pattern:
            sample = str(samples.example(field))
            unicode_digits = sample.translate(_ARABIC_INDIC_DIGITS)
            if unicode_digits != sample:
                found.append(Invalid("unicode_digits", unicode_digits))
        found.append(Invalid("nul", "a\u0000b"))
        found.append(Invalid("not_a_string", 12))
    elif kind in ("int", "float", "decimal"):
        for bound in ("ge", "gt", "le", "lt"):
            number = _violation(kind, bound, getattr(spec, bound))
            if number is not None:
                found.append(Invalid(f"{bound}_violated", number))
        if kind == "int":
            found.append(Invalid("beyond_32_bits", 2**40))
            found.append(Invalid("fraction", 1.5))
            found.append(Invalid("numeric_text", str(samples.example(field))))
            found.append(Invalid("boolean", True))
        if kind == "decimal" and field.decimal_places < 6:
            found.append(Invalid("too_many_places", "0." + "1" * (field.decimal_places + 1)))
        found.append(Invalid("not_a_number", "many"))
    elif kind == "bool":
        found.append(Invalid("not_a_bool", "maybe"))
    elif kind == "date":
        found.append(Invalid("not_a_date", "2024-02-30"))
        found.append(Invalid("a_datetime", "2024-01-01T00:00:00Z"))
    elif kind == "datetime":
        found.append(Invalid("naive", "2024-01-01T12:00:00"))
        found.append(Invalid("not_a_datetime", "yesterday"))
        found.append(Invalid("space_for_t", "2024-01-01 12:00:00Z"))
        found.append(Invalid("no_seconds", "2024-01-01T12:00Z"))
        found.append(Invalid("first_instant", "0001-01-01T00:00:00Z"))
        found.append(Invalid("last_instant", "9999-12-31T23:59:59.999999Z"))
    elif kind == "uuid":
        found.append(Invalid("not_a_uuid", "not-a-uuid"))
    elif kind == "email":
        found.append(Invalid("not_an_email", "not-an-email"))
    elif kind == "url":
        found.append(Invalid("not_a_url", "not a url"))
        found.append(Invalid("not_http", "ftp://example.com/file"))
    elif kind == "enum":
        found.append(Invalid("not_a_value", "not-one-of-them"))
    elif kind == "json":
        found.append(Invalid("not_an_object", [1, 2]))
    elif kind == "ref":
        found.append(Invalid("malformed_id", "not-an-id"))
    elif kind == "many":
        found.append(Invalid("not_a_list", "not-a-list"))
    return found


_VIOLATION_OFFSETS = {"ge": -1, "gt": 0, "le": 1, "lt": 0}


def _violation(kind: str, bound: str, value: int | Decimal | None) -> Any:
    """A value just past `bound` (the bound itself for gt and lt), as the generated schema
    compares it: a float for a float field, so one that differs from the bound as a float
    (`1e20 - 0.5` is `1e20`); None when no finite float is past it."""
    if value is None:
        return None
    offset = _VIOLATION_OFFSETS[bound]
    if kind == "int":
        return int(value) + offset
    if kind == "decimal":
        return str(_exact_sum(Decimal(value), offset))
    limit = float(value)
    if offset == 0:
        return limit
    number = limit + offset * 0.5
    if number == limit:
        number = math.nextafter(limit, offset * math.inf)
    return number if math.isfinite(number) else None


def _exact_sum(value: Decimal, offset: int) -> Decimal:
    """`value + offset` with every digit kept (the default context keeps 28)."""
    _, digits, exponent = value.as_tuple()
    precision = len(digits) + abs(int(exponent)) + 2
    with localcontext(Context(prec=precision)):
        return value + offset


def decimal_extremes(field: Field) -> tuple[str, str]:
    """A decimal field's smallest and largest admitted values, as exact text: the
    document's bounds are JSON numbers, exact only to a double's 17 digits."""
    extremes = unit_range(field.spec)
    if extremes is None:
        raise ValueError(f"{field.name} is not a decimal field")
    low, high, places = extremes
    return format(shifted(low, -places), "f"), format(shifted(high, -places), "f")


def missing_id(resource: ResourceInfo) -> Any:
    """An id that names no row."""
    if resource.project.id_kind == "int":
        return 9_000_000_000
    return "00000000-0000-4000-8000-000000000000"


def sort_kind(resource: ResourceInfo, name: str) -> str:
    """How sorted values compare in tests: `number`, `datetime`, `text` (by collation)..."""
    if name in ("created_at", "updated_at"):
        return "datetime"
    if name in ("id", "owner"):
        return "opaque"
    field = resource.declared(name)
    return {
        "int": "number",
        "float": "number",
        "decimal": "decimal",
        "date": "plain",
        "datetime": "datetime",
        "bool": "plain",
        "enum": "plain",
        "uuid": "plain",
    }.get(field.kind, "text")


def writable_scalar(resource: ResourceInfo) -> Field | None:
    """A field a PATCH can change: writable, mutable, not a ref or many, with two samples."""
    for field in resource.fields:
        if (
            field.in_bodies
            and not field.spec.immutable
            and field.kind not in ("ref", "many")
            and field.in_responses
        ):
            if len({repr(value) for value in samples.values(field)}) > 1:
                return field
    return None


def required_fields(resource: ResourceInfo) -> list[Field]:
    return [
        field
        for field in resource.fields
        if field.in_bodies and not field.optional and not field.has_default and field.kind != "many"
    ]


def json_default(field: Field) -> Any:
    value = field.spec.default
    if field.kind == "decimal":
        quantum = "0." + "0" * field.decimal_places if field.decimal_places else "0"
        return (
            str(Decimal(str(value)).quantize(Decimal(quantum)))
            if field.decimal_places
            else str(int(Decimal(str(value))))
        )
    if field.kind == "float":
        return float(value)
    if field.kind == "datetime":
        return utc_datetime(value).isoformat().replace("+00:00", "Z")
    if field.kind == "uuid":  # served in canonical form: lower case, hyphens, no braces
        return str(uuid.UUID(str(value)))
    if field.kind == "date":
        return str(value)
    return value


def text_query_parameters(resource: ResourceInfo) -> list[str]:
    """The list's query parameters that take free text: each must refuse a NUL, which
    PostgreSQL cannot compare (a 500 there, a silent miss on SQLite)."""
    found = [entry.parameter for entry in filters(resource) if entry.takes_text]
    return [*found, "q"] if resource.spec.search else found


FOLDING_STORED = "ÄÖÜ éèà"
FOLDING_QUERY = "äöü ÉÈÀ"
"""A searched value and its query with the case of every (non-ASCII) letter swapped."""


def folding_search(resource: ResourceInfo) -> Field | None:
    """The first searched field that takes `FOLDING_STORED` as it is: free text (no
    pattern) whose bounds admit it, sent in bodies."""
    for name in resource.spec.search:
        field = resource.field(name)
        if (
            field is not None
            and field.kind in ("str", "text")
            and field.in_bodies
            and field.spec.pattern is None
            and (field.max_length is None or field.max_length >= len(FOLDING_STORED))
            and (field.spec.min_length or 0) <= len(FOLDING_STORED)
        ):
            return field
    return None


def filter_fixtures(resource: ResourceInfo) -> list[dict[str, Any]]:
    """One entry per filter name: the wire name, whether it takes ranges, how rows differ."""
    entries: list[dict[str, Any]] = []
    for name in resource.query_names("filter"):
        if name == "owner":
            entries.append(
                {"name": name, "wire": "owner_id", "kind": "owner", "ranged": False, "field": None}
            )
            continue
        if name in ("id", "created_at", "updated_at"):
            entries.append(
                {
                    "name": name,
                    "wire": name,
                    "kind": "implicit",
                    "ranged": name != "id",
                    "field": None,
                }
            )
            continue
        field = resource.declared(name)
        entries.append(
            {
                "name": name,
                "wire": field.wire,
                "kind": field.kind,
                "ranged": field.ordered,
                "field": field,
            }
        )
    return entries


SUCCESS = {"list": 200, "read": 200, "create": 201, "update": 200, "delete": 204}


def maker_name(resource: ResourceInfo) -> str:
    return _caller_name(maker(resource))


def callers(resource: ResourceInfo) -> list[str]:
    return [*PLAIN_CALLERS, *map(role_caller, resource.project.roles[1:])]


def _roles_of(caller: str) -> set[str]:
    if caller in ("anonymous", "alice", "bob"):
        return set()
    return {role_of(caller)}


def _passes(rule_name: str, caller: str) -> bool:
    if rule_name == "public":
        return True
    if caller == "anonymous":
        return False
    if rule_name in ("user", "owner"):
        return True
    roles = _roles_of(caller)
    return "admin" in roles or rule_name in roles


def expected_status(resource: ResourceInfo, operation: str, caller: str) -> int:
    """What `caller` gets for `operation` on a row made by the resource's maker,
    derived from the access table alone (the contract's 401/403/404 rules)."""
    rule_name = rule(resource, operation)
    if not _passes(rule_name, caller):
        return 401 if caller == "anonymous" else 403
    is_admin = caller == "admin"
    is_owner = caller == maker_name(resource)
    if operation == "create" and not is_admin and _hidden_parents(resource, caller):
        return 422  # the body names parents, made by admin, that this caller cannot see
    if operation in ("read", "update", "delete"):
        read = rule(resource, "read")
        visible = _passes(read, caller) and (read != "owner" or is_owner or is_admin)
        if not visible:
            return 404
        if operation != "read" and rule_name == "owner" and not (is_owner or is_admin):
            return 403
    return SUCCESS[operation]


def access_matrix(resource: ResourceInfo) -> list[tuple[str, str, int]]:
    return [
        (operation, caller, expected_status(resource, operation, caller))
        for operation in ("list", "read", "create", "update", "delete")
        for caller in callers(resource)
    ]
