"""The spec's JSON Schema (draft 2020-12), for editors and other tools.

It starts from the Pydantic models, so a key added there shows up here, and then
says what Pydantic cannot see: a field may also be a shorthand string (`str(200)?`,
the models expand it before validation), names follow the checks' patterns, and
`ref`/`many` need `to`. Editors using yaml-language-server get completion and
hover text from it with one comment at the top of a spec:

    # yaml-language-server: $schema=./backsmith.schema.json

The schema catches what a schema can; `backsmith check` remains the full judge
(references between resources, access rules, defaults that fit their fields...).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from backsmith.errors import ProjectError
from backsmith.spec.checks import PASCAL, RATE, ROLE, RULE_KEYWORDS, SNAKE
from backsmith.spec.field import FIELD_TYPES
from backsmith.spec.model import Spec

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SHORTHAND_FORMS = {
    "str": r"str(?:\s*\(\s*\d+\s*\))?",
    "text": r"text(?:\s*\(\s*\d+\s*\))?",
    "decimal": r"decimal(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?",
    "enum": r"enum\s*\(\s*[^(),\s][^(),]*(?:,\s*[^(),\s][^(),]*)*\)",
    "ref": rf"ref\s*\(\s*{_NAME}\s*\)",
    "many": rf"many\s*\(\s*{_NAME}\s*\)",
}
SHORTHAND_PATTERN = (
    r"^\s*(?:" + "|".join(_SHORTHAND_FORMS.get(kind, kind) for kind in FIELD_TYPES) + r")\s*\??\s*$"
)
"""A field shorthand: `str`, `str(200)?`, `decimal(10,2)`, `enum(a,b)`, `ref(Author)`..."""


def spec_schema() -> dict[str, Any]:
    """The JSON Schema of a backsmith spec; a fresh copy the caller may change."""
    return copy.deepcopy(_build())


def spec_schema_text() -> str:
    """The schema as the CLI prints it and `write_spec_schema` writes it."""
    return json.dumps(_build(), indent=2) + "\n"


def write_spec_schema(path: str | Path) -> Path:
    """Write the schema to `path` (atomically) and return it.

    An existing file is replaced only if it is a backsmith schema already (an older
    one, say): `schema -o backsmith.yaml`, a slip of the fingers, must not destroy
    the spec. Anything else there is a `ProjectError` and stays as it was.
    """
    target = Path(path)
    text = spec_schema_text()
    try:
        if target.is_dir():
            raise ProjectError(f"{target} is a folder; pass a file path with -o")
        if target.exists() and not _is_schema(target):
            raise ProjectError(
                f"{target} exists and is not a backsmith schema, so it is left as it is; "
                "choose another path with -o, or remove the file first"
            )
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent or ".")
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)  # as a plain open() would make it, not mkstemp's 0600
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise ProjectError(
            f"cannot write {target} ({error.strerror or error}); choose another path with -o"
        ) from None
    return target


def _is_schema(path: Path) -> bool:
    """Whether `path` holds a schema `write_spec_schema` wrote (of any version)."""
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(MAX_SCHEMA_BYTES))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.get("$schema") == DIALECT
        and data.get("title") == spec_schema()["title"]
    )


MAX_SCHEMA_BYTES = 4 * 1024**2


@lru_cache(maxsize=1)
def _build() -> dict[str, Any]:
    schema = Spec.model_json_schema()
    definitions = schema["$defs"]
    schema = {
        "$schema": DIALECT,
        **{key: value for key, value in schema.items() if key != "$schema"},
    }
    schema["description"] = (
        "A backsmith spec: what a FastAPI backend holds and who may do what. "
        "`backsmith new` turns it into a project."
    )
    properties = schema["properties"]
    properties["name"]["pattern"] = SNAKE.pattern
    properties["name"]["examples"] = ["bookshop"]
    properties["version"] = {
        "description": properties["version"]["description"],
        "type": ["string", "number", "null"],
        "default": "0.1.0",
    }
    resources = properties["resources"]
    resources["propertyNames"] = {"pattern": PASCAL.pattern}
    resources["minProperties"] = 1

    rate = definitions["RateLimit"]["properties"]
    for key in ("default", "auth"):
        rate[key]["pattern"] = RATE.pattern
    definitions["Auth"]["properties"]["roles"]["items"]["pattern"] = ROLE.pattern

    resource = definitions["Resource"]["properties"]
    resource["fields"]["additionalProperties"] = {"$ref": "#/$defs/Field"}
    resource["fields"]["propertyNames"] = {"pattern": SNAKE.pattern}
    resource["fields"]["minProperties"] = 1
    resource["plural"]["anyOf"][0]["pattern"] = SNAKE.pattern
    resource["access"]["additionalProperties"] = {
        "anyOf": [
            {"enum": [*RULE_KEYWORDS, "admin"]},
            {"type": "string", "pattern": ROLE.pattern, "description": "a role from auth.roles"},
        ]
    }

    field = definitions["FieldSpec"]
    field["required"] = ["type"]
    field["allOf"] = [
        {"if": _type_is("ref", "many"), "then": {"required": ["to"]}},
        {"if": _type_is("enum"), "then": {"required": ["values"]}},
    ]
    definitions["Field"] = {
        "title": "Field",
        "description": (
            "A shorthand string (type, optional arguments in parentheses, '?' for optional: "
            "'str(200)?', 'decimal(10,2)', 'enum(draft,published)', 'ref(Author)', "
            "'many(Tag)') or a mapping with a 'type' key."
        ),
        "anyOf": [
            {
                "type": "string",
                "pattern": SHORTHAND_PATTERN,
                "examples": ["str", "str(200)?", "text?", "decimal(10,2)", "ref(Author)"],
            },
            {"$ref": "#/$defs/FieldSpec"},
        ],
    }
    return schema


def _type_is(*kinds: str) -> dict[str, Any]:
    return {"properties": {"type": {"enum": list(kinds)}}, "required": ["type"]}
