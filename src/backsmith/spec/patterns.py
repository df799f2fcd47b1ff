"""Patterns as the generated code and its OpenAPI document read them.

The spec's checks test examples and defaults against the same pattern the generated
schema carries, so a value `check` accepts is one the generated API accepts too.
"""

from __future__ import annotations

_ASCII_CLASSES = {"d": "0-9", "w": "A-Za-z0-9_"}


def ascii_classes(pattern: str) -> str:
    r"""The pattern with `\d` and `\w` spelled as the ASCII sets JSON Schema means by them.

    Pydantic's Rust regex engine reads `\d` as any Unicode digit (`١٢٣`), ECMA-262, which
    the OpenAPI document follows, as 0-9 only; spelt out, server and document agree."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            ascii_set = _ASCII_CLASSES.get(escaped.lower())
            if ascii_set is None or (in_class and escaped.isupper()):
                out.append(char + escaped)
            elif in_class:
                out.append(ascii_set)
            else:
                out.append(f"[{'^' if escaped.isupper() else ''}{ascii_set}]")
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)
