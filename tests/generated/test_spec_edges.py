"""Small specs at the edges of the contract, each generated and run through its own
suite (and mypy, where the edge changes the generated code's types).

Each spec holds what one earlier defect needed to show itself; the bigger test specs
in tests/assets/specs leave these combinations out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backsmith.generate import new
from tests.generated.harness import (
    expect_success,
    fresh_postgres_database,
    project_env,
    python,
)

SPECS = {
    # The test issuer signed EdDSA whatever `algorithms` said, so every token test
    # failed when the spec left EdDSA out; RSA-PSS is the kind furthest from it. The
    # searched field's first sample is its non-ASCII example, which the search test
    # sends upper-cased: SQLite's own lower() folds ASCII only, so the project gives it
    # one that folds every letter.
    "edge_tokens": """\
name: edge_tokens
auth:
  kind: jwks
  jwks_url: https://id.example.org/jwks
  issuer: https://id.example.org
  audience: api
  algorithms: [PS256]
resources:
  Entry:
    fields:
      s: {type: str, example: "ünï"}
    search: [s]
""",
    # A role that may update or delete but not read another's rows (read: owner) gets
    # 404 for them; the generated tests sent that role to delete the maker's row. Paper's
    # owner may update it but not read it (read: reviewer), so gets 404 too. Roles named
    # like the tests' plain users (alice, bob, anonymous) got their email addresses and
    # their places in the access matrix.
    "edge_roles": """\
name: edge_roles
auth: {kind: local, roles: [editor, steward, reviewer, alice, bob, anonymous]}
resources:
  Person:
    owned: true
    access: {list: user, read: owner, create: editor, update: steward, delete: steward}
    fields:
      name: str
  Paper:
    owned: true
    access: {list: alice, read: reviewer, create: anonymous, update: owner, delete: bob}
    fields:
      title: str
      person: {type: ref, to: Person, optional: true}
""",
    # Fields named like the test factories' parameters (client, actors, by): the search
    # and unique_together tests pass them as keyword arguments, which met the parameters
    # ("create_visit() got multiple values for argument 'client'"). And a resource whose
    # bodies hold nothing.
    "edge_factory_names": """\
name: edge_factory_names
resources:
  Visit:
    owned: true
    fields:
      client: str
      actors: str?
      by: str?
    search: [client]
    unique_together: [[client, by]]
  Stamp:
    # Nothing a body may set: the seed's sample bodies were `{}`, which mypy --strict
    # cannot type ('Need type annotation for "body"').
    fields:
      count: {type: int, read_only: true, default: 0}
""",
    # Names PostgreSQL holds shortened: the owner's and the refs' foreign keys of a table
    # this long are over 63 characters, so the migration gives them SQLAlchemy's short
    # form. A deleted user's token then got 409 instead of 401 on a create (the owner key
    # was looked for by its full name), a clash on the unique pair was 'The change
    # conflicts with existing data.' instead of naming its columns, and a ref or link
    # whose row was deleted meanwhile is told apart by the short name. Only PostgreSQL
    # shortens, so this one also runs there.
    "edge_long_names": """\
name: edge_long_names
resources:
  Note:
    plural: notes_kept_in_a_table_whose_name_is_long_enough_to_be_cut
    owned: true
    fields:
      text: str
      main_tag_of_the_note: {type: ref, to: Tag, optional: true}
      tags: many(Tag)
    unique_together: [[owner, text]]
  Tag:
    plural: tags_kept_in_a_table_with_a_long_name_too
    fields:
      name: str
""",
}
ON_POSTGRESQL = ["edge_long_names"]

PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-x")


@pytest.fixture(scope="module", params=sorted(SPECS))
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    name: str = request.param
    base = tmp_path_factory.mktemp(name)
    spec = base / "backsmith.yaml"
    spec.write_text(SPECS[name], encoding="utf-8")
    new(spec, base / "project")
    return base / "project"


def test_own_suite_passes(root: Path) -> None:
    expect_success(python(*PYTEST, cwd=root, env=project_env()))


@pytest.mark.parametrize("name", ON_POSTGRESQL)
def test_own_suite_passes_on_postgresql(name: str, tmp_path: Path) -> None:
    spec = tmp_path / "backsmith.yaml"
    spec.write_text(SPECS[name], encoding="utf-8")
    new(spec, tmp_path / "project")
    with fresh_postgres_database() as url:
        env = project_env(DATABASE_URL=url)
        expect_success(python(*PYTEST, cwd=tmp_path / "project", env=env))


def test_mypy_strict(root: Path) -> None:
    expect_success(python("-m", "mypy", cwd=root, env=project_env()))


@pytest.mark.parametrize("root", ["edge_tokens"], indirect=True)
def test_search_alone_matches_a_non_ascii_first_sample(root: Path) -> None:
    """Run alone, the search test's first row takes the first sample: the example `ünï`."""
    selected = (*PYTEST, "-k", "test_searches_case_insensitively", "tests/entries")
    expect_success(python(*selected, cwd=root, env=project_env()))
