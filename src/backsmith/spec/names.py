"""Names derived from a resource name: plural, snake, kebab and the like.

The contract fixes them (`Category` -> `categories` -> `/categories`), so they live in
one place that the checks, the renderer and later commands all share.
"""

from __future__ import annotations

import re
from functools import lru_cache

import inflect

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=1)
def _inflector() -> inflect.engine:
    return inflect.engine()


def snake(name: str) -> str:
    """`OrderItem` -> `order_item`; snake_case input is returned unchanged."""
    return _WORD_BOUNDARY.sub("_", name).lower()


def kebab(snake_name: str) -> str:
    """`order_items` -> `order-items`."""
    return snake_name.replace("_", "-")


def pascal(snake_name: str) -> str:
    """`order_item` -> `OrderItem`."""
    return "".join(part.capitalize() for part in snake_name.split("_"))


def title(snake_name: str) -> str:
    """`book_shop` -> `Book Shop`."""
    return " ".join(part.capitalize() for part in snake_name.split("_"))


def plural(snake_name: str) -> str:
    """The English plural of a snake_case noun, inflecting only the last word."""
    *head, last = snake_name.split("_")
    inflected = _inflector().plural_noun(last)  # type: ignore[arg-type]
    return "_".join([*head, str(inflected) if inflected else last + "s"])


def singular(snake_name: str) -> str:
    """The singular of a snake_case plural (`tags` -> `tag`), or the name itself."""
    *head, last = snake_name.split("_")
    inflected = _inflector().singular_noun(last)  # type: ignore[arg-type]
    return "_".join([*head, inflected if isinstance(inflected, str) else last])


def with_article(phrase: str) -> str:
    """`author` -> `an author`, `book` -> `a book`."""
    return str(_inflector().a(phrase))  # type: ignore[arg-type]
