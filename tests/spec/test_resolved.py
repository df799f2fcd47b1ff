"""What the generator derives from a spec, beyond what the spec says itself."""

from __future__ import annotations

import unicodedata

import pytest

from backsmith import parse_spec
from backsmith.spec.checks import enum_members
from backsmith.spec.resolved import resolve

SPEC = """
name: shop
resources:
  Author:
    fields:
      name: str(80)
  Book:
    fields:
      title: str(200)
      author: ref(Author)?
  Shelf:
    fields:
      label: str(40)
      books: many(Book)
  Section:
    fields:
      title: str(40)
      parent: ref(Section)?
"""


@pytest.mark.parametrize(
    ("resource", "one_statement"),
    [("Author", True), ("Book", False), ("Shelf", False), ("Section", False)],
)
def test_only_a_create_with_nothing_to_check_or_link_is_one_statement(
    resource: str, one_statement: bool
) -> None:
    """A ref is checked and a many field linked in statements of their own, so those
    creates need a transaction; the rest run as one INSERT (ADR 2)."""
    project = resolve(parse_spec(SPEC))

    assert project.resource(resource).creates_in_one_statement is one_statement


@pytest.mark.parametrize(
    ("version", "package_version"),
    [("1.2.3", "1.2.3"), ("2.0rc1", "2.0rc1"), ("1.0-beta", "1.0b0"), ("2026 beta", "0.1.0")],
)
def test_the_package_version_is_one_pip_accepts(version: str, package_version: str) -> None:
    """The spec's version names the API (OpenAPI shows it as written); pyproject.toml
    takes it only where PEP 440 does, so that the project always installs."""
    project = resolve(
        parse_spec(SPEC.replace("name: shop\n", f"name: shop\nversion: '{version}'\n"))
    )
    assert project.spec.version == version
    assert project.package_version == package_version


@pytest.mark.parametrize(
    ("field", "other_side"),
    [("friends", "friend_id"), ("peers", "peers_id"), ("peer", "linked_peer_id")],
)
def test_a_resource_linked_to_itself_gets_two_link_columns(field: str, other_side: str) -> None:
    spec = (
        "name: net\nauth: {kind: none}\nresources:\n  Peer:\n"
        f"    fields: {{name: str, {field}: many(Peer)}}\n"
    )
    peer = resolve(parse_spec(spec)).resources[0]
    link = peer.manys[0].link
    assert link is not None
    assert (link.left_column, link.right_column) == ("peer_id", other_side)


def test_enum_values_that_differ_only_in_case_or_punctuation_get_distinct_members() -> None:
    spec = (
        "name: shop\nauth: {kind: none}\nresources:\n  Shirt:\n"
        "    fields: {size: 'enum(S, s, in-progress, in_progress, in progress)'}\n"
    )
    size = resolve(parse_spec(spec)).resources[0].fields[0]
    assert size.enum_members == [
        ("S", "S"),
        ("S_2", "s"),
        ("IN_PROGRESS", "in-progress"),
        ("IN_PROGRESS_2", "in_progress"),
        ("IN_PROGRESS_3", "in progress"),
    ]


def test_enum_values_i_and_o_get_members_ruff_accepts() -> None:
    spec = (
        "name: shop\nauth: {kind: none}\nresources:\n  Letter:\n"
        "    fields: {kind: 'enum(i, O, l)'}\n"
    )
    kind = resolve(parse_spec(spec)).resources[0].fields[0]

    assert kind.enum_members == [("I_", "i"), ("O_", "O"), ("L", "l")]


@pytest.mark.parametrize(
    ("values", "members"),
    [
        (["m²", "m³", "km"], ["M2", "M3", "KM"]),
        (["Ｆ", "F", "ﬁx"], ["F", "F_2", "FIX"]),
        (["½ price", "٣ days", "°C"], ["V_1_2_PRICE", "V_٣_DAYS", "C"]),
    ],
)
def test_enum_members_are_identifiers_python_reads_as_written(
    values: list[str], members: list[str]
) -> None:
    """`²` is a word character but cannot stand in a name (the generated models failed to
    parse), and Python reads `Ｆ` as `F`, so both would be one member: members are taken in
    NFKC form and keep only what a name may hold."""
    found = [member for member, _ in enum_members(values)]
    assert found == members
    assert all(member.isidentifier() for member in found)
    assert len({unicodedata.normalize("NFKC", member) for member in found}) == len(values)


@pytest.mark.parametrize(
    ("values", "members"),
    [
        (["+", "-", "*", "/", "%"], ["PLUS", "MINUS", "ASTERISK", "SLASH", "PERCENT"]),
        (
            ["<", "<=", ">=", "!=", "=="],
            ["LESS", "LESS_EQUALS", "GREATER_EQUALS", "EXCLAMATION_EQUALS", "EQUALS_EQUALS"],
        ),
        (["€", "→", "🎉", " "], ["EURO_SIGN", "RIGHTWARDS_ARROW", "PARTY_POPPER", "SPACE"]),
        (["", "_", "c++", "c", "a-b"], ["EMPTY", "UNDERSCORE", "C", "C_2", "A_B"]),
        (["=" * 20, "-" * 20], ["SYMBOLS", "SYMBOLS_2"]),
    ],
)
def test_enum_values_made_only_of_symbols_are_named_from_them(
    values: list[str], members: list[str]
) -> None:
    """With nothing a name may hold, every such value was `EMPTY`, `EMPTY_2`...; a value
    with letters keeps the name its letters make. A name that would run long is `SYMBOLS`."""
    found = [member for member, _ in enum_members(values)]
    assert found == members
    assert all(member.isidentifier() for member in found)


@pytest.mark.parametrize(
    ("field", "attribute"),
    [
        ("metadata", "metadata_"),
        ("registry", "registry_"),
        ("from", "from_"),
        ("class", "class_"),
        ("json", "json_"),
        ("register", "register_"),
        ("list", "list_"),
        ("l", "l_"),
        ("label", "label"),
        ("model_year", "model_year"),
    ],
)
def test_a_field_named_like_a_keyword_or_a_kept_attribute_gets_another_attribute(
    field: str, attribute: str
) -> None:
    """Keywords, and names SQLAlchemy's declarative classes, pydantic's BaseModel or the
    class bodies keep, cannot be attributes; the wire and the column keep the name
    (ADR 21)."""
    spec = f"name: shop\nauth: {{kind: none}}\nresources:\n  Form:\n    fields: {{{field}: str}}\n"
    declared = resolve(parse_spec(spec)).resources[0].fields[0]

    assert (declared.wire, declared.column, declared.attribute) == (field, field, attribute)
    assert declared.aliased is (attribute != field)
