"""Decimals in a generated project: what the document allows is taken, what it refuses is
refused, and what is served is canonical fixed-point text, on SQLite and PostgreSQL.

The checks run inside the generated project, as a test file of its own beside its suite
(so they use its `client` fixture and its database setup), once per database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backsmith.generate import new
from tests.generated.harness import expect_success, fresh_postgres_database, project_env, python

SPEC = """\
name: decimals
auth: {kind: none}
resources:
  Thing:
    filter: [small, big]
    sort: [small, big]
    fields:
      x: decimal(4,4)
      one: {type: decimal, max_digits: 1, decimal_places: 1, optional: true}
      big: {type: decimal, max_digits: 38, decimal_places: 0, optional: true}
      y: {type: decimal, max_digits: 30, decimal_places: 0, optional: true}
      small: {type: decimal, max_digits: 20, decimal_places: 18, optional: true}
      d: {type: decimal, max_digits: 10, decimal_places: 7, optional: true}
      p: {type: decimal, max_digits: 6, decimal_places: 2, gt: 0, le: 500, optional: true}
      nonneg: {type: decimal, max_digits: 6, decimal_places: 2, ge: 0, optional: true}
      nonpos: {type: decimal, max_digits: 6, decimal_places: 2, le: 0, optional: true}
"""

CHECKS = '''\
"""Decimal inputs and outputs against the OpenAPI document (written by backsmith's tests)."""

from __future__ import annotations

import json
import re
from decimal import Context, Decimal, localcontext
from typing import Any

import jsonschema
import pytest
from httpx import AsyncClient

from decimals.core.types import CANONICAL_DECIMAL

FIELDS = {
    "x": (4, 4), "one": (1, 1), "big": (38, 0), "y": (30, 0), "small": (20, 18), "d": (10, 7),
    "p": (6, 2), "nonneg": (6, 2), "nonpos": (6, 2),
}


async def _document(client: AsyncClient) -> dict[str, Any]:
    """The document, its numbers read exactly (`1e+30` is 10**30, not the double nearest it)."""
    text = (await client.get("/openapi.json")).text
    return json.loads(text, parse_float=Decimal)  # type: ignore[no-any-return]


def _allows(document: dict[str, Any], field: str, value: Any) -> bool:
    schema = document["components"]["schemas"]["ThingCreate"]["properties"][field]
    with localcontext(Context(prec=100)):  # `multipleOf` on 38 digits, exactly
        instance = json.loads(json.dumps(value), parse_float=Decimal)
        return jsonschema.Draft202012Validator(schema).is_valid(instance)


async def _post(client: AsyncClient, field: str, value: Any) -> Any:
    body = {"x": "0.5"} if field != "x" else {}
    content = json.dumps({**body, field: value}) if not isinstance(value, bytes) else (
        json.dumps(body)[:-1] + (", " if body else "") + f'"{field}": ' + value.decode() + "}"
    )
    headers = {"Content-Type": "application/json"}
    return await client.post("/things", content=content, headers=headers)


async def _post_as_documented(client: AsyncClient, field: str, value: Any) -> Any:
    """The response to a body with `value` in `field`, taken (201) exactly when the
    document allows the value."""
    document = await _document(client)
    response = await _post(client, field, value)
    assert _allows(document, field, value) == (response.status_code == 201), (value, response.text)
    return response


def _served_right(row: dict[str, Any]) -> None:
    for field, (_, places) in FIELDS.items():
        text = row[field]
        if text is None:
            continue
        assert re.fullmatch(CANONICAL_DECIMAL, text), (field, text)
        assert "E" not in text.upper(), (field, text)
        assert len(text.partition(".")[2]) == places, (field, text)
        assert not text.startswith("-") or Decimal(text) != 0, (field, text)


ZEROS: list[Any] = [0, 0.0, -0.0, "0", "-0", "0.0", "-0.0"]


@pytest.mark.parametrize("field", ["x", "one", "big", "small", "d", "nonneg", "nonpos"])
@pytest.mark.parametrize("zero", [*ZEROS, "-0.00", "0.00"], ids=repr)
async def test_zero_is_taken_in_every_form_the_document_allows(
    client: AsyncClient, field: str, zero: Any
) -> None:
    response = await _post_as_documented(client, field, zero)
    if response.status_code == 201:
        row = response.json()
        _served_right(row)
        assert Decimal(row[field]) == 0


@pytest.mark.parametrize("field", [field for field in FIELDS if field not in ("nonneg", "nonpos")])
async def test_number_bounds_are_what_the_field_takes(client: AsyncClient, field: str) -> None:
    document = await _document(client)
    digits, places = FIELDS[field]
    number = document["components"]["schemas"]["ThingCreate"]["properties"][field]["anyOf"][0]
    limit = 10 ** (digits - places)
    assert "maximum" not in number or Decimal(str(number["maximum"])) < limit, number
    beyond = 10 ** (digits - places)
    step = Decimal(10) ** -places
    largest = format(Context(prec=80).subtract(Decimal(beyond), step), "f")
    # p's `le=500` refuses its largest too.
    tried = ((beyond, False), (-beyond, False), (str(beyond), False), (largest, field != "p"))
    for sent, taken in tried:
        response = await _post(client, field, sent)
        assert (response.status_code == 201) == taken, (sent, response.text)
        assert _allows(document, field, sent) == taken, sent


@pytest.mark.parametrize("field", ["nonneg", "nonpos"])
@pytest.mark.parametrize("sent", ["-0.50", "0.50", "-1", "1", "-0", "0", -0.5, 0.5])
async def test_a_sign_is_taken_where_the_document_allows_it(
    client: AsyncClient, field: str, sent: Any
) -> None:
    """Zero in either sign, other values only on their side of zero."""
    response = await _post_as_documented(client, field, sent)
    value = Decimal(str(sent))
    on_its_side = value == 0 or (value < 0) == (field == "nonpos")
    assert (response.status_code == 201) == on_its_side, (sent, response.text)


@pytest.mark.parametrize(
    "sent",
    ["1e27", "1E+2", "+5", "05", " 5", "5 ", "1_000", ".5", "5.", "0x10", "Infinity", "NaN", ""],
)
async def test_text_the_pattern_refuses_is_refused(client: AsyncClient, sent: str) -> None:
    document = await _document(client)
    assert not _allows(document, "y", sent)
    response = await _post(client, "y", sent)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("field", "raw", "served"),
    [
        ("y", b"1E+2", "100"),
        ("y", b"1e27", "1000000000000000000000000000"),
        ("y", b"1e29", "100000000000000000000000000000"),
        ("y", b'"1000000000000000000000000000"', "1000000000000000000000000000"),
        ("big", b"1e37", "10000000000000000000000000000000000000"),
        ("d", b"1e-7", "0.0000001"),
        ("d", b'"0.0000001"', "0.0000001"),
        ("d", b"-0.0000001", "-0.0000001"),
        ("small", b'"1.09"', "1.090000000000000000"),
        ("small", b"1.09", "1.090000000000000000"),
        ("small", b'"12.3456789012345"', "12.345678901234500000"),
        ("small", b'"0.000000000000000001"', "0.000000000000000001"),
        ("x", b"0", "0.0000"),
        ("x", b"-0", "0.0000"),
        ("x", b"1e-4", "0.0001"),
    ],
)
async def test_served_as_canonical_fixed_point(
    client: AsyncClient, field: str, raw: bytes, served: str
) -> None:
    response = await _post(client, field, raw)
    assert response.status_code == 201, response.text
    row = response.json()
    assert row[field] == served
    _served_right(row)
    again = await client.get(f"/things/{row['id']}")
    assert again.json() == row
    assert again.headers["etag"] == response.headers["etag"]
    assert b"E+" not in again.content and b"E-" not in again.content
    listed = (await client.get("/things")).json()["items"]
    assert [item[field] for item in listed] == [served]


async def test_small_decimals_sort_and_filter_numerically(client: AsyncClient) -> None:
    values = ["-1.5", "0.000000000000000001", "0.1", "1.09", "2", "10.25", "99.5"]
    for value in reversed(values):
        response = await _post(client, "small", value)
        assert response.status_code == 201, response.text
    listed = (await client.get("/things", params={"sort": "small"})).json()["items"]
    assert [Decimal(item["small"]) for item in listed] == [Decimal(value) for value in values]
    bounds = {"small__gte": "0.1", "small__lte": "10.25"}
    within = (await client.get("/things", params=bounds)).json()["items"]
    assert sorted(Decimal(item["small"]) for item in within) == [Decimal(v) for v in values[2:6]]
    exact = (await client.get("/things", params={"small": "1.09"})).json()
    assert [item["small"] for item in exact["items"]] == ["1.090000000000000000"]
'''

PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "tests/test_decimal_contract.py")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("decimals")
    spec = base / "decimals.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    project = base / "project"
    new(spec, project)
    (project / "tests" / "test_decimal_contract.py").write_text(CHECKS, encoding="utf-8")
    return project


def test_decimals_on_sqlite(root: Path) -> None:
    expect_success(python(*PYTEST, cwd=root, env=project_env()))


def test_decimals_on_postgresql(root: Path) -> None:
    with fresh_postgres_database() as url:
        expect_success(python(*PYTEST, cwd=root, env=project_env(DATABASE_URL=url)))
