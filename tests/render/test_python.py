"""What render/python.py derives for the generated code, checked on small specs."""

from __future__ import annotations

import pytest
from sqlalchemy import CheckConstraint, Column, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import conv

from backsmith import parse_spec
from backsmith.render.python import (
    default_literal,
    docstring_text,
    enum_member,
    foreign_keys,
    invalidated_namespaces,
    postgres_name,
)
from backsmith.spec.resolved import resolve

CASCADE_CHAIN = """
name: atlas
auth: {kind: none}
resources:
  Region: {fields: {name: str}}
  Country:
    fields: {name: str, region: {type: ref, to: Region, on_delete: cascade}}
  City:
    cache: 300
    fields: {name: str, country: {type: ref, to: Country, on_delete: cascade}, tags: many(Tag)}
  Tag: {fields: {label: str}}
  Resident:
    cache: 300
    fields: {name: str, city: {type: ref, to: City, optional: true, on_delete: set_null}}
  Visit:
    cache: 60
    fields: {note: str, country: {type: ref, to: Country, on_delete: restrict}}
"""


@pytest.mark.parametrize(
    ("resource", "namespaces"),
    [
        # Deleting a region deletes its countries and so their cities, which nulls
        # residents' city; visits point at those countries (restrict refuses the delete
        # while any exists, so dropping their cache is only cautious).
        ("Region", ("cities", "residents", "visits")),
        ("Country", ("cities", "residents", "visits")),
        ("City", ("cities", "residents")),
        ("Tag", ("cities",)),
        ("Resident", ("residents",)),
        ("Visit", ("visits",)),
    ],
)
def test_a_write_drops_the_caches_its_cascades_reach(
    resource: str, namespaces: tuple[str, ...]
) -> None:
    project = resolve(parse_spec(CASCADE_CHAIN))
    found = invalidated_namespaces(
        next(item for item in project.resources if item.name == resource)
    )
    assert found == namespaces


def test_foreign_keys_name_each_field_a_body_can_point_with() -> None:
    """A write whose row was deleted meanwhile breaks one of these keys; the repository
    reads the key's name to answer 422 on the field."""
    project = resolve(parse_spec(CASCADE_CHAIN))
    city = next(item for item in project.resources if item.name == "City")
    assert foreign_keys(city) == [
        ("fk_cities_country_id_countries", "country_id", "country"),
        ("fk_cities_tags_tag_id_tags", "tags", "tag"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "fk_cities_country_id_countries",
        "fk_" + "t" * 30 + "_" + "c" * 30,  # 64 characters
        "fk_" + "t" * 40 + "_" + "r" * 20 + "_id_" + "p" * 40,
    ],
)
def test_a_long_constraint_name_is_shortened_as_the_migration_shortens_it(name: str) -> None:
    table = Table("t", MetaData(), Column("x", Integer), CheckConstraint("x > 0", name=conv(name)))
    ddl = str(CreateTable(table).compile(dialect=postgresql.dialect()))
    assert f"CONSTRAINT {postgres_name(name)} CHECK" in ddl
    assert len(postgres_name(name)) <= 63


@pytest.mark.parametrize(
    "title",
    ["Shop \\ \n line two", "Shop  \r\nline two", "Shop\t\rline two", 'Shop """ \n "'],
)
def test_docstring_text_is_valid_and_has_no_trailing_whitespace(title: str) -> None:
    source = f'"""{docstring_text(title)}"""\n'

    assert all(line == line.rstrip() for line in source.splitlines())
    assert "\r" not in source
    compile(source, "<docstring>", "exec")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        # A str default on an HttpUrl field fails the generated project's mypy --strict.
        (
            "{type: url, default: 'https://example.com/a'}",
            "default=HttpUrl('https://example.com/a')",
        ),
        ("{type: uuid, default: 00000000-0000-0000-0000-000000000001}", "default=UUID("),
        ("{type: str, default: x}", "default='x'"),
    ],
)
def test_a_default_is_written_as_the_type_the_field_holds(field: str, expected: str) -> None:
    spec = f"name: shop\nauth: {{kind: none}}\nresources:\n  Page: {{fields: {{link: {field}}}}}\n"
    [declared] = resolve(parse_spec(spec)).resources[0].fields

    assert default_literal(declared).replace('"', "'").startswith(expected)


@pytest.mark.parametrize("member", ["C_PASS", "TOP_SECRET", "TOKEN", "PASSWORD_RESET"])
def test_an_enum_member_named_like_a_password_is_exempt_from_s105(member: str) -> None:
    """ruff's S105 takes `C_PASS = "C (pass)"` for a hardcoded password: a project with an
    enum value 'C (pass)' failed its own ruff."""
    assert enum_member(member, "x").endswith("# noqa: S105 - an enum value, not a secret")


@pytest.mark.parametrize("member", ["PASSING", "BYPASS", "TOKENS", "DRAFT"])
def test_an_enum_member_ruff_leaves_alone_has_no_noqa(member: str) -> None:
    assert enum_member(member, "x") == f'{member} = "x"'
