"""The spec as written: Pydantic models that accept exactly the contract's keys.

`extra="forbid"` everywhere, so an unknown or misspelt key is an error with a
suggestion rather than something silently ignored. Cross-references (a `ref` to a
resource that exists, an `owner` rule on an owned resource...) are checked afterwards
in `checks.py`, where the whole spec is in view.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)
from pydantic_core import PydanticUseDefault

from backsmith.spec.field import FieldSpec

Operation = Literal["list", "read", "create", "update", "delete"]
OPERATIONS: tuple[Operation, ...] = ("list", "read", "create", "update", "delete")
DEFAULT_ALGORITHMS = ["EdDSA", "ES256", "RS256"]
MAX_CACHE_SECONDS = 31_536_000
"""A year: longer is a typo, and caches and clients cap max-age around there anyway."""


def _text(value: Any) -> Any:
    """YAML reads `version: 1.0` as a float; the spec means the string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text)]


def _default_if_null(value: Any) -> Any:
    """`key: null` (or `key:` with nothing after it) reads as the key left out.

    For the optional text keys that have a default, so that they read null as those
    whose default is None do (`title`, `plural`, a field's `description`): a user who
    writes null means "none given", not "expected text, got nothing".
    """
    if value is None:
        raise PydanticUseDefault
    return value


NullIsAbsent = Annotated[
    str,
    BeforeValidator(_default_if_null),
    Field(json_schema_extra={"type": ["string", "null"]}),
]
"""Optional text with a default, that reads null as absent (and says so in the JSON Schema)."""


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Auth(SpecModel):
    """Who the users are: the project's own (`local`), an outside issuer's (`jwks`), or none."""

    kind: Literal["local", "jwks", "none"] = Field(
        "local", description="Where users and tokens come from."
    )
    roles: list[str] = Field(
        default_factory=list, description="Extra role names; `admin` always exists when auth is on."
    )
    jwks_url: str | None = Field(
        None, description="jwks: where the issuer publishes its public keys."
    )
    issuer: str | None = Field(None, description="jwks: the required `iss` claim.")
    audience: str | None = Field(None, description="jwks: the required `aud` claim.")
    algorithms: list[str] | None = Field(
        None, description="jwks: accepted algorithms (default EdDSA, ES256, RS256)."
    )


class Cors(SpecModel):
    origins: list[str] = Field(
        default_factory=list, description="Allowed browser origins, e.g. http://localhost:3000."
    )


class RateLimit(SpecModel):
    default: NullIsAbsent = Field(
        "120/minute", description="Per client, on every route: N/second|minute|hour|day."
    )
    auth: NullIsAbsent = Field(
        "10/minute", description="One bucket per client shared by login, register and refresh."
    )


class Resource(SpecModel):
    """One kind of row and its API: fields, who may do what, and how lists are queried."""

    fields: dict[str, FieldSpec] = Field(
        description="Field name -> field (shorthand string or mapping)."
    )
    plural: str | None = Field(
        None, description="snake_case plural; overrides the table name and URL path."
    )
    owned: StrictBool = Field(False, description="Each row belongs to the user who created it.")
    access: dict[Operation, str] = Field(
        default_factory=dict, description="Operation -> public, user, owner or a role name."
    )
    sort: list[str] = Field(
        default_factory=list, description="Fields allowed in ?sort= (-name sorts descending)."
    )
    filter: list[str] = Field(
        default_factory=list,
        description="Fields allowed as ?name= filters (and __gte/__lte on ordered types).",
    )
    search: list[str] = Field(
        default_factory=list,
        description="String fields matched by ?q= (case-insensitive contains).",
    )
    unique_together: list[list[str]] = Field(
        default_factory=list, description="Composite unique constraints."
    )
    soft_delete: StrictBool = Field(
        False, description="DELETE sets deleted_at; deleted rows disappear from every read."
    )
    cache: StrictInt = Field(
        0,
        ge=0,
        le=MAX_CACHE_SECONDS,
        description="Seconds GET responses may be cached (Cache-Control and server-side).",
    )


class Spec(SpecModel):
    """A whole backsmith spec, version 1 (see docs/spec-format.md)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="backsmith spec",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    name: str = Field(description="snake_case name of the generated package and project.")
    title: str | None = Field(None, description="OpenAPI title (default: name in title case).")
    description: NullIsAbsent = Field("", description="OpenAPI description.")
    version: Annotated[Text, BeforeValidator(_default_if_null)] = Field(
        "0.1.0", description="API version."
    )
    id: Literal["uuid", "int"] = Field("uuid", description="Primary-key kind of every resource.")
    auth: Auth = Field(default_factory=lambda: Auth(), description="Authentication.")
    cors: Cors = Field(default_factory=lambda: Cors(), description="Cross-origin settings.")
    rate_limit: RateLimit = Field(
        default_factory=lambda: RateLimit(), description="Request rate limits."
    )
    resources: dict[str, Resource] = Field(
        description="Resource name (PascalCase, singular) -> resource."
    )
