"""Names derived from a resource name: plural, snake, kebab and the like.

The contract fixes them (`Category` -> `categories` -> `/categories`), so they live in
one place that the checks, the renderer and later commands all share.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pluralizer import Pluralizer

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=1)
def _inflector() -> Pluralizer:
    """pluralizer, not inflect: inflect's import instruments itself with typeguard and
    takes seconds, which every `backsmith` command would pay."""
    return Pluralizer()  # type: ignore[no-untyped-call]


def snake(name: str) -> str:
    """`OrderItem` -> `order_item`; snake_case input is returned unchanged."""
    return _WORD_BOUNDARY.sub("_", name).lower()


def kebab(snake_name: str) -> str:
    """`order_items` -> `order-items`."""
    return snake_name.replace("_", "-")


def pascal(snake_name: str) -> str:
    """`order_item` -> `OrderItem`."""
    return "".join(part.capitalize() for part in snake_name.split("_"))


def role_class(role: str) -> str:
    """`data-steward` -> `DataSteward`, as in the role's dependency `DataStewardCaller`."""
    return pascal(role.replace("-", "_"))


def title(snake_name: str) -> str:
    """`book_shop` -> `Book Shop`."""
    return " ".join(part.capitalize() for part in snake_name.split("_"))


def plural(snake_name: str) -> str:
    """The English plural of a snake_case noun, inflecting only the last word."""
    *head, last = snake_name.split("_")
    return "_".join([*head, _inflector().plural(last)])


def singular(snake_name: str) -> str:
    """The singular of a snake_case plural (`tags` -> `tag`)."""
    *head, last = snake_name.split("_")
    return "_".join([*head, _inflector().singular(last)])


_AN_EXCEPTIONS = (
    "uni",
    "use",
    "usa",
    "usu",
    "uti",
    "ura",
    "uri",
    "uro",
    "url",
    "eu",
    "one",
    "once",
)
_AN_SILENT_H = ("hour", "honest", "honor", "honour", "heir")


def with_article(phrase: str) -> str:
    """`author` -> `an author`, `book` -> `a book`, `user` -> `a user` (by sound, roughly)."""
    lowered = phrase.lower()
    vowel = lowered[:1] in ("a", "e", "i", "o", "u") and not lowered.startswith(_AN_EXCEPTIONS)
    article = "an" if vowel or lowered.startswith(_AN_SILENT_H) else "a"
    return f"{article} {phrase}"
