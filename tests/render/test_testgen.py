"""The invalid values render/testgen.py gives the generated tests for string limits."""

from __future__ import annotations

import pytest

from backsmith import parse_spec
from backsmith.render.testgen import (
    DEFAULT_BODY_LIMIT,
    access_matrix,
    callers,
    invalid_values,
    maker_name,
    passer,
    signing_algorithm,
)
from backsmith.spec.resolved import Field, ProjectInfo, ResourceInfo, resolve


def _field(definition: str) -> Field:
    header = "name: shop\nauth: {kind: none}\nresources:\n  Book:\n    fields:\n"
    spec = parse_spec(f"{header}      x: {definition}\n")
    return resolve(spec).resources[0].fields[0]


def test_a_long_run_of_one_character_is_written_as_a_repetition() -> None:
    cases = {case.label: case for case in invalid_values(_field("{type: text, max_length: 300}"))}
    too_long = cases["too_long"]
    assert too_long.source == '"x" * 301'
    assert eval(too_long.source) == too_long.value  # noqa: S307 - our own rendered literal


def test_a_short_value_is_written_as_a_literal() -> None:
    cases = {case.label: case for case in invalid_values(_field("{type: str, max_length: 5}"))}
    assert cases["too_long"].source == '"xxxxxx"'


@pytest.mark.parametrize("limit", [DEFAULT_BODY_LIMIT, 2_000_000])
def test_no_too_long_case_when_the_body_limit_refuses_it_first(limit: int) -> None:
    """Such a value makes a 413 (the body is over MAX_BODY_BYTES), never the 422 the test wants."""
    labels = [case.label for case in invalid_values(_field(f"{{type: text, max_length: {limit}}}"))]
    assert "too_long" not in labels
    assert "nul" in labels


def _resource(access: str) -> ResourceInfo:
    spec = parse_spec(
        "name: shop\nauth: {kind: local, roles: [editor, steward]}\nresources:\n"
        f"  Book:\n    owned: true\n    access: {access}\n    fields: {{title: str}}\n"
    )
    return resolve(spec).resources[0]


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_a_role_that_cannot_read_the_makers_row_is_not_the_passer(operation: str) -> None:
    """With read: owner, a row made by an editor is hidden from a steward (404), so the
    test that a write succeeds goes through admin, who passes every rule and sees it."""
    book = _resource(f"{{read: owner, create: editor, {operation}: steward}}")
    assert passer(book, operation) == "actors.admin"


def test_the_makers_own_role_stays_the_passer() -> None:
    book = _resource("{read: owner, create: editor, delete: editor}")
    assert passer(book, "delete") == 'actors.with_role("editor")'


def _jwks_project(algorithms: str) -> ProjectInfo:
    spec = parse_spec(
        "name: shop\nauth: {kind: jwks, jwks_url: 'https://i.example/jwks', issuer: i, "
        f"audience: a{algorithms}}}\nresources:\n  Book:\n    fields: {{title: str}}\n"
    )
    return resolve(spec)


@pytest.mark.parametrize(
    ("algorithms", "name", "jwk_class"),
    [
        ("", "EdDSA", "OKPAlgorithm"),
        (", algorithms: [RS256, EdDSA]", "EdDSA", "OKPAlgorithm"),
        (", algorithms: [ES512]", "ES512", "ECAlgorithm"),
        (", algorithms: [PS384, RS256]", "PS384", "RSAPSSAlgorithm"),
        (", algorithms: [RS512]", "RS512", "RSAAlgorithm"),
    ],
)
def test_the_test_issuer_signs_with_an_algorithm_the_spec_accepts(
    algorithms: str, name: str, jwk_class: str
) -> None:
    signing = signing_algorithm(_jwks_project(algorithms))
    assert (signing.name, signing.jwk_class) == (name, jwk_class)


def test_an_owner_who_cannot_read_the_row_is_not_the_passer() -> None:
    """read: editor, update: owner: the maker (a steward) owns the row yet gets 404."""
    book = _resource("{read: editor, create: steward, update: owner}")
    assert passer(book, "update") == "actors.admin"


def test_a_role_named_like_a_plain_caller_is_a_caller_of_its_own() -> None:
    spec = parse_spec(
        "name: shop\nauth: {kind: local, roles: [alice, editor]}\nresources:\n"
        "  Book:\n    access: {read: alice, create: alice}\n    fields: {title: str}\n"
    )
    book = resolve(spec).resources[0]
    matrix = {(operation, caller): status for operation, caller, status in access_matrix(book)}
    assert callers(book) == ["anonymous", "admin", "alice", "bob", "role:alice", "editor"]
    assert (matrix["read", "alice"], matrix["read", "role:alice"]) == (403, 200)
    assert maker_name(book) == "role:alice"


def test_a_resource_only_admin_creates_is_made_by_admin() -> None:
    """`create: admin` names the plain admin caller, which the access tests look up by
    name: `role:admin` (a role caller) was no key of theirs, a KeyError."""
    book = _resource("{create: admin}")
    assert maker_name(book) == "admin"
    assert "admin" in callers(book)
