"""A service's `_load` takes an optional caller, and checks for none, only when a public
read, update or delete can call it without one."""

from __future__ import annotations

import ast

import pytest

from tests.render.written_specs import generate_written_spec

SPEC = """\
name: desk
auth: {kind: local, roles: [clerk]}
resources:
  Memo:
    access: {list: user, read: user, create: user, update: clerk, delete: admin}
    fields: {text: str}
  Poster:
    access: {list: public, read: public, create: clerk, update: clerk, delete: clerk}
    fields: {text: str}
  Ledger:
    access: {list: clerk, read: clerk, create: clerk, update: clerk, delete: admin}
    fields: {text: str}
  Notice:
    access: {list: clerk, read: clerk, create: clerk, update: public, delete: admin}
    fields: {text: str}
"""


@pytest.fixture(scope="module")
def loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ast.AsyncFunctionDef]:
    root = generate_written_spec(SPEC, tmp_path_factory.mktemp("service_load"))
    found: dict[str, ast.AsyncFunctionDef] = {}
    for name in ("memos", "posters", "ledgers", "notices"):
        module = ast.parse((root / "src" / "desk" / name / "service.py").read_text())
        found[name] = next(
            node
            for node in module.body
            if isinstance(node, ast.AsyncFunctionDef) and node.name == "_load"
        )
    return found


@pytest.mark.parametrize(
    ("module", "caller_type", "check"),
    [
        ("memos", "Principal", None),
        ("posters", "Principal | None", None),
        ("ledgers", "Principal", "not caller.has_role('clerk')"),
        ("notices", "Principal | None", "caller is None or not caller.has_role('clerk')"),
    ],
)
def test_load_checks_only_what_its_callers_can_lack(
    loads: dict[str, ast.AsyncFunctionDef], module: str, caller_type: str, check: str | None
) -> None:
    load = loads[module]
    caller = next(argument for argument in load.args.args if argument.arg == "caller")
    tests = [ast.unparse(node.test) for node in load.body if isinstance(node, ast.If)]

    assert caller.annotation is not None
    assert ast.unparse(caller.annotation) == caller_type
    # The last `if` is the 404 for a missing row; any other is the access check.
    assert tests[:-1] == ([check] if check else [])
