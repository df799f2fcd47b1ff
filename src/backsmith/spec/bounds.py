"""What a number field's bounds admit, computed exactly: shared by the checks (is there
room for the rows the tests make?) and the samples (which values to write)."""

from __future__ import annotations

import math
import struct
import sys
from decimal import Decimal

from backsmith.spec.field import FieldSpec

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
"""An int field's column is a 32-bit INTEGER."""
FLOAT_MAX = sys.float_info.max
DEFAULT_DIGITS, DEFAULT_PLACES = 12, 2
"""A decimal's max_digits and decimal_places when the spec leaves them out."""


def digits_and_places(spec: FieldSpec) -> tuple[int, int]:
    """A decimal field's max_digits and decimal_places, defaults filled in."""
    places = spec.decimal_places if spec.decimal_places is not None else DEFAULT_PLACES
    return spec.max_digits or DEFAULT_DIGITS, places


def fits_float(value: int | Decimal) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def unit_range(spec: FieldSpec) -> tuple[int, int, int] | None:
    """For an int or decimal field, `(low, high, places)`: the values its bounds and its
    column admit are `n * 10**-places` for every whole `n` from `low` to `high` (none when
    `low > high`). Exact, whatever the digits: no decimal context rounds on the way."""
    if spec.type == "int":
        places, low, high = 0, INT32_MIN, INT32_MAX
    elif spec.type == "decimal":
        digits, places = digits_and_places(spec)
        high = 10**digits - 1
        low = -high
    else:
        return None
    if spec.ge is not None:
        low = max(low, math.ceil(shifted(spec.ge, places)))
    if spec.gt is not None:
        low = max(low, math.floor(shifted(spec.gt, places)) + 1)
    if spec.le is not None:
        high = min(high, math.floor(shifted(spec.le, places)))
    if spec.lt is not None:
        high = min(high, math.ceil(shifted(spec.lt, places)) - 1)
    return low, high, places


def shifted(value: int | Decimal, places: int) -> Decimal:
    """`value * 10**places`, exactly (moving the exponent rounds nothing)."""
    sign, digits, exponent = Decimal(value).as_tuple()
    return Decimal((sign, digits, int(exponent) + places))


def float_range(spec: FieldSpec) -> tuple[float, float] | None:
    """For a float field, the least and the greatest finite float its bounds admit, as the
    generated schema compares them (each bound as a float); None when a bound is not one."""
    if spec.type != "float":
        return None
    low, high = -FLOAT_MAX, FLOAT_MAX
    bounds = {key: getattr(spec, key) for key in ("ge", "gt", "le", "lt")}
    floats: dict[str, float] = {}
    for key, value in bounds.items():
        if value is not None:
            if not fits_float(value):
                return None
            floats[key] = float(value)
    if "ge" in floats:
        low = max(low, floats["ge"])
    if "gt" in floats:
        low = max(low, math.nextafter(floats["gt"], math.inf))
    if "le" in floats:
        high = min(high, floats["le"])
    if "lt" in floats:
        high = min(high, math.nextafter(floats["lt"], -math.inf))
    return low, high


def float_rank(value: float) -> int:
    """A float's place among all floats: consecutive floats have consecutive ranks, and
    0.0 and -0.0 (one value) share rank 0."""
    (bits,) = struct.unpack("<q", struct.pack("<d", value))
    return int(bits) if bits >= 0 else -(int(bits) & 0x7FFF_FFFF_FFFF_FFFF)


def admitted_count(spec: FieldSpec) -> int | None:
    """How many distinct values a number field's bounds admit; None for other fields."""
    units = unit_range(spec)
    if units is not None:
        low, high, _ = units
        return max(0, high - low + 1)
    floats = float_range(spec)
    if floats is not None:
        low_float, high_float = floats
        return max(0, float_rank(high_float) - float_rank(low_float) + 1)
    return None
