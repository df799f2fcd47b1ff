"""A repository takes an owner to scope by only where an owner rule hides other users' rows:
an owned resource anyone signed in may read has no `owned_by` paths nobody calls."""

from __future__ import annotations

import ast

import pytest

from tests.render.written_specs import generate_written_spec

SPEC = """\
name: shelf
resources:
  Note:
    owned: true
    access: {list: user, read: user, create: user, update: owner, delete: owner}
    fields: {text: str}
  Journal:
    owned: true
    access: {list: owner, read: owner, create: user, update: owner, delete: owner}
    fields: {text: str}
  Album:
    owned: true
    access: {list: owner, read: user, create: user, update: owner, delete: owner}
    fields: {text: str}
"""


@pytest.fixture(scope="module")
def repositories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ast.Module]:
    root = generate_written_spec(SPEC, tmp_path_factory.mktemp("owner_scope"))
    return {
        path.parent.name: ast.parse(path.read_text())
        for path in (root / "src" / "shelf").glob("*/repository.py")
    }


def _keyword_parameters(module: ast.Module, function: str) -> set[str]:
    found = next(
        node
        for node in module.body
        if isinstance(node, ast.AsyncFunctionDef) and node.name == function
    )
    return {argument.arg for argument in found.args.kwonlyargs}


def _assigned_names(module: ast.Module) -> set[str]:
    return {
        target.id
        for node in module.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


@pytest.mark.parametrize(
    ("module", "one", "scoped_reads", "scoped_lists"),
    [
        ("notes", "note", False, False),
        ("journals", "journal", True, True),
        ("albums", "album", False, True),
    ],
)
def test_owner_scoped_queries_exist_only_under_an_owner_rule(
    repositories: dict[str, ast.Module],
    module: str,
    one: str,
    scoped_reads: bool,
    scoped_lists: bool,
) -> None:
    repository = repositories[module]
    names = _assigned_names(repository)

    assert ("owned_by" in _keyword_parameters(repository, f"get_{one}")) is scoped_reads
    assert ("owned_by" in _keyword_parameters(repository, "visible_ids")) is scoped_reads
    assert ({"_BY_ID_AND_OWNER", "_VISIBLE_IDS_OF_OWNER"} <= names) is scoped_reads
    assert not ({"_BY_ID_AND_OWNER", "_VISIBLE_IDS_OF_OWNER"} & names) or scoped_reads
    assert ("owned_by" in _keyword_parameters(repository, f"list_{module}")) is scoped_lists
