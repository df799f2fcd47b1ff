"""How render/python.py writes decimal fields: read, written and stored exactly."""

from __future__ import annotations

from backsmith import parse_spec
from backsmith.render.python import base_type, column_type, decimal_fields, read_field
from backsmith.spec.resolved import ResourceInfo, resolve

SPEC = """
name: ledger
auth: {kind: none}
resources:
  Entry:
    fields:
      rate: decimal(4,4)
      amount: {type: decimal, max_digits: 30, decimal_places: 0, optional: true}
      fine: {type: decimal, max_digits: 20, decimal_places: 18, optional: true}
      total: decimal(12,2)
      note: str
"""


def _entry() -> ResourceInfo:
    return resolve(parse_spec(SPEC)).resources[0]


def test_responses_serve_decimals_as_fixed_point_text() -> None:
    field = _entry().field("amount")
    assert field is not None
    assert base_type(field, read=True) == "ServedDecimal"
    assert read_field(field, None) == "amount: ServedDecimal | None"


def test_columns_read_back_with_their_places_on_sqlite() -> None:
    field = _entry().field("fine")
    assert field is not None
    assert column_type(field) == "ScaledNumeric(20, 18)"


def test_body_decimals_are_checked_by_their_places() -> None:
    assert decimal_fields(_entry()) == {4: ["rate"], 0: ["amount"], 18: ["fine"], 2: ["total"]}
