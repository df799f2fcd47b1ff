"""The spec's JSON Schema: valid draft 2020-12, accepts the example specs, refuses
unknown keys, and agrees with the loader about field shorthand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from backsmith import spec_schema
from backsmith.spec.field import FieldSpec
from backsmith.spec.schema import DIALECT, SHORTHAND_PATTERN

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    Path("/work/shared/examples/bookshop.yaml"),
    ROOT / "src" / "backsmith" / "demo" / "taskboard.yaml",
]
MINIMAL: dict[str, Any] = {"name": "shop", "resources": {"Book": {"fields": {"title": "str"}}}}


def _errors(document: Any) -> list[str]:
    """Every message, including those inside `anyOf` branches (a field is one)."""
    validator = jsonschema.Draft202012Validator(spec_schema())
    pending = list(validator.iter_errors(document))
    messages = []
    while pending:
        error = pending.pop()
        messages.append(error.message)
        pending.extend(error.context or [])
    return messages


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = spec_schema()

    assert schema["$schema"] == DIALECT
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", [path for path in EXAMPLES if path.exists()], ids=str)
def test_the_example_specs_validate(path: Path) -> None:
    assert _errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("where", "document"),
    [
        ("top level", {**MINIMAL, "resorces": {}}),
        (
            "resource",
            {"name": "shop", "resources": {"Book": {"feilds": {}, "fields": {"t": "str"}}}},
        ),
        (
            "field",
            {"name": "shop", "resources": {"Book": {"fields": {"t": {"type": "str", "size": 3}}}}},
        ),
        ("auth", {**MINIMAL, "auth": {"kind": "local", "secret": "x"}}),
    ],
)
def test_an_unknown_key_fails(where: str, document: dict[str, Any]) -> None:
    assert _errors(MINIMAL) == []
    assert any("Additional properties are not allowed" in error for error in _errors(document))


@pytest.mark.parametrize(
    "document",
    [
        {"resources": MINIMAL["resources"]},
        {"name": "shop", "resources": {}},
        {"name": "Shop", "resources": MINIMAL["resources"]},
        {"name": "shop", "resources": {"book": {"fields": {"t": "str"}}}},
        {"name": "shop", "resources": {"Book": {"fields": {"t": "strr"}}}},
        {"name": "shop", "resources": {"Book": {"fields": {"t": {"type": "ref"}}}}},
        {
            "name": "shop",
            "resources": {"Book": {"access": {"lst": "user"}, "fields": {"t": "str"}}},
        },
        {**MINIMAL, "rate_limit": {"default": "lots"}},
    ],
    ids=[
        "no-name",
        "no-resources",
        "name-not-snake",
        "resource-not-pascal",
        "bad-shorthand",
        "ref-without-to",
        "unknown-operation",
        "bad-rate",
    ],
)
def test_what_a_schema_can_see_is_refused(document: dict[str, Any]) -> None:
    assert _errors(document)


def test_yaml_numbers_for_version_are_accepted() -> None:
    assert _errors({**MINIMAL, "version": 1.0}) == []


def test_null_optional_text_keys_are_accepted_as_the_loader_accepts_them() -> None:
    text_keys = {"title": None, "description": None, "version": None}
    limits = {"rate_limit": {"default": None, "auth": None}}

    assert _errors({**MINIMAL, **text_keys, **limits}) == []


SHORTHAND = [
    "str",
    "str(200)",
    "str(200)?",
    "text?",
    "int?",
    "decimal(10,2)",
    "decimal(10, 2)?",
    "decimal(8)",
    "enum(draft,published)",
    "enum(in progress, done)?",
    "ref(Author)",
    "many(Tag)",
    "date",
    "datetime?",
    "json",
    " uuid ",
]
NOT_SHORTHAND = [
    "strr",
    "str(",
    "str()",
    "str(abc)",
    "str(1,2)",
    "int(3)",
    "decimal(1,2,3)",
    "enum()",
    "enum(a,)",
    "ref()",
    "many",
    "str??",
    "",
]


@pytest.mark.parametrize("text", SHORTHAND)
def test_the_shorthand_pattern_accepts_what_the_loader_reads(text: str) -> None:
    FieldSpec.model_validate(text)
    assert re.search(SHORTHAND_PATTERN, text)


@pytest.mark.parametrize("text", NOT_SHORTHAND)
def test_the_shorthand_pattern_refuses_what_the_loader_refuses(text: str) -> None:
    with pytest.raises(ValidationError):
        FieldSpec.model_validate(text)
    assert not re.search(SHORTHAND_PATTERN, text)


def test_a_field_may_be_shorthand_or_a_mapping() -> None:
    fields = {"a": "str(20)?", "b": {"type": "decimal", "max_digits": 8}, "c": "enum(x,y)"}
    document = {"name": "shop", "resources": {"Book": {"fields": fields}}}

    assert _errors(document) == []


def test_callers_get_their_own_copy() -> None:
    spec_schema()["properties"].clear()

    assert spec_schema()["properties"]
