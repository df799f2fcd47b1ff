"""Deterministic strings that match a regular expression, for sample values of `pattern` fields.

The pattern is parsed with the standard library's own regex parser and walked: each
character class is a digit whose base is the class's size, so sample `n` is `n`
written in that mixed radix, rightmost class first. `\\d{13}` gives 0000000000000,
0000000000001, ...; every candidate is checked with `re` before it is used. A repeat
is written at its least; when that leaves too few strings (`a{1,3}` gives only `a`), a
second walk lets the counter choose how often each repeat runs. Patterns
using constructs this walk cannot honour (lookarounds, backreferences) yield no
samples, and the caller asks the user for an `example`.
"""

from __future__ import annotations

import importlib
import re
import string
from typing import Any

# The standard library's regex parser: public in spirit (sre_parse), private in name
# since 3.11; typeshed does not describe it, hence Any.
parser: Any = importlib.import_module("re._parser")
constants: Any = importlib.import_module("re._constants")

_CATEGORIES = {
    constants.CATEGORY_DIGIT: string.digits,
    constants.CATEGORY_WORD: string.ascii_lowercase + string.digits + "_",
    constants.CATEGORY_SPACE: " ",
    constants.CATEGORY_NOT_DIGIT: string.ascii_lowercase,
    constants.CATEGORY_NOT_WORD: "-",
    constants.CATEGORY_NOT_SPACE: string.ascii_lowercase + string.digits,
}
_PRINTABLE = string.ascii_lowercase + string.digits + string.ascii_uppercase + "-_."
_MAX_REPEAT_USED = 3


class Unsupported(Exception):
    """The pattern uses a construct the sampler does not generate."""


def samples(pattern: str, count: int, min_length: int = 0, max_length: int = 10_000) -> list[str]:
    """Up to `count` distinct strings that `re.search(pattern, ...)` accepts."""
    try:
        tree = parser.parse(pattern)
    except re.error:
        return []
    compiled = re.compile(pattern)
    found: list[str] = []
    # First each repeat at its least (`\d{3,5}` gives three digits), then, if that
    # leaves too few, with the counter choosing how often each repeats (`a{1,3}`).
    for vary in (False, True):
        for index in range(count * 20):
            if len(found) == count:
                return found
            try:
                candidate = _render(list(tree), [index], vary)
            except Unsupported:
                return []
            if (
                candidate not in found
                and compiled.search(candidate)
                and min_length <= len(candidate) <= max_length
            ):
                found.append(candidate)
    return found


def _render(items: list[tuple[Any, Any]], counter: list[int], vary: bool = False) -> str:
    """Render items right to left so the counter's low digits vary the last characters."""
    parts: list[str] = []
    for opcode, argument in reversed(items):
        parts.append(_render_one(opcode, argument, counter, vary))
    return "".join(reversed(parts))


def _pick(options: str, counter: list[int]) -> str:
    if not options:
        raise Unsupported("empty class")
    counter[0], digit = divmod(counter[0], len(options))
    return options[digit]


def _render_one(opcode: Any, argument: Any, counter: list[int], vary: bool) -> str:
    if opcode is constants.LITERAL:
        return chr(argument)
    if opcode is constants.NOT_LITERAL:
        return _pick("".join(c for c in _PRINTABLE if ord(c) != argument), counter)
    if opcode is constants.ANY:
        return _pick(_PRINTABLE, counter)
    if opcode is constants.IN:
        return _pick(_class(argument), counter)
    if opcode is constants.AT:
        return ""
    if opcode is constants.BRANCH:
        branches = argument[1]
        counter[0], choice = divmod(counter[0], len(branches))
        return _render(list(branches[choice]), counter, vary)
    if opcode is constants.SUBPATTERN:
        return _render(list(argument[-1]), counter, vary)
    if opcode in (
        constants.MAX_REPEAT,
        constants.MIN_REPEAT,
        getattr(constants, "POSSESSIVE_REPEAT", None),
    ):
        low, high, body = argument
        times = low if low > 0 else min(1, high)
        times = min(
            max(times, low), high if high != constants.MAXREPEAT else max(low, _MAX_REPEAT_USED)
        )
        if vary:
            most = min(high, low + _MAX_REPEAT_USED)
            counter[0], extra = divmod(counter[0], most - low + 1)
            times = low + extra
        copies = [_render(list(body), counter, vary) for _ in range(times)]
        return "".join(reversed(copies))
    if opcode is getattr(constants, "ATOMIC_GROUP", None):
        return _render(list(argument), counter, vary)
    raise Unsupported(str(opcode))


def _class(items: list[tuple[Any, Any]]) -> str:
    negate = bool(items) and items[0][0] is constants.NEGATE
    chars: list[str] = []
    for opcode, argument in items[1:] if negate else items:
        if opcode is constants.LITERAL:
            chars.append(chr(argument))
        elif opcode is constants.RANGE:
            low, high = argument
            chars.extend(chr(code) for code in range(low, min(high, low + 61) + 1))
        elif opcode is constants.CATEGORY:
            chars.extend(_CATEGORIES.get(argument, ""))
        else:
            raise Unsupported(str(opcode))
    if negate:
        excluded = set(chars)
        return "".join(c for c in _PRINTABLE if c not in excluded)
    return "".join(dict.fromkeys(chars))
