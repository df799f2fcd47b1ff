"""Mutations of the valid specs in tests/assets/specs: every one loads, or is refused
with a `SpecError` whose every problem names its key path; `new` writes a whole project
or nothing at all.

A spec is turned into a tree of pairs (so a key may appear twice), mutated at any depth
(keys dropped, duplicated, renamed, injected; values swapped, retyped, replaced by odd
YAML scalars, tags, anchors, aliases and merge keys), and written back as block YAML,
flow YAML or JSON. CI runs under a hundred examples; set BACKSMITH_FUZZ_EXAMPLES=5000
to run thousands locally.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backsmith import GenerationError, ProjectError, Spec, SpecError, new, parse_spec
from backsmith.spec.resolved import resolve

SPECS = sorted((Path(__file__).resolve().parents[1] / "assets" / "specs").glob("*.yaml"))
EXAMPLES = int(os.environ.get("BACKSMITH_FUZZ_EXAMPLES", "0"))


@dataclass(frozen=True)
class Raw:
    """A scalar written into the YAML exactly as given: `yes`, `.nan`, `!!binary x`, `*a1`."""

    text: str


@dataclass
class Pairs:
    """A mapping as its pairs, so that a key may be written twice."""

    items: list[tuple[Any, Any]]


@dataclass
class Anchored:
    """A value written with the anchor `&a<number>`, which a later `*a<number>` repeats."""

    number: int
    node: Any


Node = Any  # Pairs | Anchored | list[Node] | Raw | str | int | float | bool | None


def _tree(value: Any) -> Node:
    if isinstance(value, dict):
        return Pairs([(key, _tree(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [_tree(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


BASES = [_tree(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in SPECS]


def _pool(node: Node, found: dict[str, list[Node]]) -> dict[str, list[Node]]:
    """Every value the valid specs give each key: the values a mutation borrows."""
    if isinstance(node, Pairs):
        for key, value in node.items:
            found.setdefault(str(key), []).append(value)
            _pool(value, found)
    elif isinstance(node, list):
        for value in node:
            _pool(value, found)
    return found


POOL: dict[str, list[Node]] = {}
for _base in BASES:
    _pool(_base, POOL)

ODD_SCALARS = [
    *(
        Raw(text)
        for text in (
            "yes", "No", "ON", "off", "y", "n", "True", "FALSE", "~", "null", "Null", "",
            ".nan", ".NaN", ".inf", "-.inf", "+.INF", "1e400", "-0", "0.0", "1_000", "0x1F",
            "0o17", "017", "09", "1:20", "0b101", "-0x1F", "0x1_F", "-.5", "1_0e3", "0o1_7",
            "0x_", "0b_", "._", "1e3", "1e-400", "190:20:30.15", "2024-01-01", "2024-02-30",
            "2024-01-01T10:00:00Z",
            "2024-01-01 10:00:00", "123456789012345678901234567890", "-1", "3.5", "0", "1",
            "!!python/object:os.system {}", "!!python/name:os.system", "!!binary aGVsbG8=",
            "!!str 12", "!!int '3'", "!!set {a, b}", "!!omap [a: 1]", "!custom x",
            "!!float 1", "!!null ''", "'*'", '"\\t"', '"\\x07bell"', '"\\u202eevil"',
            "\"\\U0001F600\"", "[]", "{}", "[[]]", "{a: {}}", "'str(200)?'", "'enum(a, b)'",
            "'ref(Author)?'", "'decimal(10, 2)'", "'str( 20 )'", "'many(Tag)?'", "'int??'",
            "'(('", "'str('", "'public'", "'owner'", "'admin'", "'user'", "'1/second'",
            "'0/minute'", "'10/fortnight'", "'http://localhost:3000'",
        )
    ),
    10**30, -(10**19), 2**63, 2**63 - 1, 1.5, -0.0, 1e308, True, False, None, "", " ",
    "x" * 5000, "ünïcødé", "日本語", "a\tb", "a\nb", "a\u0085b", "\u2028", "\x1b[31m",
    "{{ name }}", "{% raw %}", "'; DROP TABLE x; --", "__class__", "self", "None",
    "Book", "books", "book", "id", "owner", "created_at", "str", "text", "ref", "many",
]  # fmt: skip
KEYS = [
    "name", "type", "to", "fields", "values", "default", "example", "optional", "unique",
    "index", "on_delete", "max_length", "min_length", "pattern", "ge", "le", "gt", "lt",
    "max_digits", "decimal_places", "read_only", "write_only", "immutable", "description",
    "plural", "owned", "access", "sort", "filter", "search", "unique_together",
    "soft_delete", "cache", "kind", "roles", "jwks_url", "issuer", "audience", "algorithms",
    "origins", "default", "auth", "list", "read", "create", "update", "delete", "Book",
    "Author", "x", "Type", "NAME", "<<", "ünï", "a b", "-", "",
]  # fmt: skip


def _places(node: Node, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Every position in the tree, as a path of child indexes."""
    found = [path]
    while isinstance(node, Anchored):
        node = node.node
    if isinstance(node, Pairs):
        for index, (_, child) in enumerate(node.items):
            found += _places(child, (*path, index))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _places(child, (*path, index))
    return found


def _reachable(node: Node, path: tuple[int, ...]) -> bool:
    for index in path:
        while isinstance(node, Anchored):
            node = node.node
        items = node.items if isinstance(node, Pairs) else node
        if not isinstance(items, list) or index >= len(items):
            return False
        node = node.items[index][1] if isinstance(node, Pairs) else node[index]
    return True


def _get(node: Node, path: tuple[int, ...]) -> Node:
    for index in path:
        while isinstance(node, Anchored):
            node = node.node
        node = node.items[index][1] if isinstance(node, Pairs) else node[index]
    while isinstance(node, Anchored):
        node = node.node
    return node


def _set(node: Node, path: tuple[int, ...], value: Node) -> Node:
    if not path:
        return value
    parent = _get(node, path[:-1])
    while isinstance(parent, Anchored):
        parent = parent.node
    if isinstance(parent, Pairs):
        key, _ = parent.items[path[-1]]
        parent.items[path[-1]] = (key, value)
    else:
        parent[path[-1]] = value
    return node


def _copy(node: Node) -> Node:
    if isinstance(node, Anchored):
        return Anchored(node.number, _copy(node.node))
    if isinstance(node, Pairs):
        return Pairs([(key, _copy(child)) for key, child in node.items])
    if isinstance(node, list):
        return [_copy(child) for child in node]
    return node


def _odd_text(draw: st.DrawFn, text: str) -> str:
    """A small edit of a text: the kind of slip a person makes in a shorthand or name."""
    edit = draw(st.sampled_from(["insert", "delete", "upper", "space", "double", "strip"]))
    at = draw(st.integers(0, len(text)))
    if edit == "insert":
        char = draw(st.sampled_from(list("?()[],:- _.!*&#'\"\\éÅ\t0")) | st.characters())
        return text[:at] + char + text[at:]
    if edit == "delete" and text:
        return text[: max(at - 1, 0)] + text[at:]
    if edit == "upper":
        return text.upper()
    if edit == "space":
        return text.replace(",", ", ").replace("(", "( ") if at % 2 else f" {text} "
    if edit == "double":
        return text + text
    return text.strip("?()")


@st.composite
def _values(draw: st.DrawFn) -> Node:
    return draw(
        st.sampled_from(ODD_SCALARS)
        | st.text(max_size=30)
        | st.integers()
        | st.floats()
        | st.lists(st.sampled_from(ODD_SCALARS), max_size=3)
        | st.builds(
            Pairs,
            st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(ODD_SCALARS)), max_size=3),
        )
    )


@st.composite
def _mutate(draw: st.DrawFn, tree: Node, anchors: list[int]) -> Node:
    places = _places(tree)
    path = draw(st.sampled_from(places))
    node = _get(tree, path)
    kind = draw(
        st.sampled_from(
            [
                "drop", "duplicate", "rename", "inject", "retype", "swap", "text", "flip",
                "alias", "merge", "borrow", "borrow",
            ]
        )
    )  # fmt: skip
    if kind in ("drop", "duplicate", "rename", "inject") and isinstance(node, Pairs | list):
        items = node.items if isinstance(node, Pairs) else node
        if kind == "inject" or not items:
            entry = (draw(st.sampled_from(KEYS) | st.text(max_size=12)), draw(_values()))
            at = draw(st.integers(0, len(items)))
            items.insert(at, entry if isinstance(node, Pairs) else entry[1])
            return tree
        index = draw(st.integers(0, len(items) - 1))
        if kind == "drop":
            del items[index]
        elif kind == "duplicate":
            items.insert(draw(st.integers(0, len(items))), _copy(items[index]))
        elif isinstance(node, Pairs):
            key, value = node.items[index]
            new_key = draw(
                st.sampled_from(KEYS)
                | st.sampled_from([odd for odd in ODD_SCALARS if isinstance(odd, Raw)])
                | st.just(_odd_text(draw, str(key)))
            )
            node.items[index] = (new_key, value)
        return tree
    if kind == "swap":
        other = draw(st.sampled_from(places))
        if path[: len(other)] == other or other[: len(path)] == path:
            return tree
        first, second = _copy(node), _copy(_get(tree, other))
        tree = _set(tree, path, second)
        return _set(tree, other, first) if _reachable(tree, other) else tree
    if kind == "borrow" and path:
        parent = _get(tree, path[:-1])
        if isinstance(parent, Pairs):
            key = str(parent.items[path[-1]][0])
            if key in POOL:
                return _set(tree, path, _copy(draw(st.sampled_from(POOL[key]))))
    if kind == "text" and isinstance(node, str):
        return _set(tree, path, _odd_text(draw, node))
    if kind == "flip":
        if isinstance(node, Pairs):  # a list of one-key mappings, or of the bare values
            whole = draw(st.booleans())
            return _set(tree, path, [Pairs([pair]) if whole else pair[1] for pair in node.items])
        if isinstance(node, list):  # a mapping keyed by each item
            keyed = [(_flow(item), item) for item in node]
            return _set(tree, path, Pairs(keyed))
        return _set(tree, path, [node])
    if kind in ("alias", "merge") and path:
        source = draw(st.sampled_from(places))
        number = len(anchors) + 1
        anchors.append(number)
        tree = _set(tree, source, Anchored(number, _get(tree, source)))
        node = _get(tree, path) if _reachable(tree, path) else None
        if kind == "merge" and isinstance(node, Pairs):
            at = draw(st.integers(0, len(node.items)))
            node.items.insert(at, (Raw("<<"), Raw(f"*a{number}")))
            return tree
        return _set(tree, path, Raw(f"*a{number}")) if _reachable(tree, path[:-1]) else tree
    return _set(tree, path, draw(_values()))


def _scalar(value: Node) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    return json.dumps(value)


def _block(node: Node, indent: int) -> list[str]:
    """`node` as block YAML lines, each already indented."""
    pad = " " * indent
    if isinstance(node, Anchored):
        if isinstance(node.node, Pairs | list) and _sized(node.node):
            return [f"{pad}&a{node.number}", *_block(node.node, indent)]
        return [f"{pad}&a{node.number} {_flow(node.node)}"]
    if isinstance(node, Pairs):
        lines = []
        for key, value in node.items:
            lines += _entry(pad + _scalar(key) + ":", value, indent)
        return lines or [pad + "{}"]
    if isinstance(node, list):
        lines = []
        for value in node:
            lines += _entry(pad + "-", value, indent)
        return lines or [pad + "[]"]
    return [pad + _scalar(node)]


def _sized(node: Node) -> bool:
    return bool(node.items if isinstance(node, Pairs) else node)


def _entry(head: str, value: Node, indent: int) -> list[str]:
    anchor = ""
    while isinstance(value, Anchored):
        anchor += f" &a{value.number}"
        value = value.node
    if isinstance(value, Pairs | list) and _sized(value):
        return [head + anchor, *_block(value, indent + 2)]
    return [f"{head}{anchor} {_flow(value)}"]


def _flow(node: Node) -> str:
    if isinstance(node, Anchored):
        return f"&a{node.number} {_flow(node.node)}"
    if isinstance(node, Pairs):
        return "{" + ", ".join(f"{_flow(key)}: {_flow(value)}" for key, value in node.items) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_flow(value) for value in node) + "]"
    return _scalar(node)


def _plain(node: Node) -> Any:
    if isinstance(node, Anchored):
        return _plain(node.node)
    if isinstance(node, Pairs):
        return {str(_plain(key)): _plain(value) for key, value in node.items}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, Raw):
        return node.text
    return node


@st.composite
def mutated_specs(draw: st.DrawFn, fewest: int = 1, most: int = 4) -> str:
    tree = _copy(draw(st.sampled_from(BASES)))
    anchors: list[int] = []
    for _ in range(draw(st.integers(fewest, most))):
        tree = draw(_mutate(tree, anchors))
    form = draw(st.sampled_from(["block", "flow", "json"]))
    if form == "json":
        return json.dumps(_plain(tree), indent=draw(st.sampled_from([None, 2, "\t"])))
    if form == "flow":
        return _flow(tree) + "\n"
    return "\n".join(_block(tree, 0)) + "\n"


def _check_refusal(error: SpecError) -> None:
    """Every problem names its key path; one of the whole document (its syntax, a tag,
    its top-level shape) names at least its line instead."""
    assert error.problems
    for problem in error.problems:
        assert problem.message.strip(), problem
        assert "Traceback" not in problem.message, problem
        assert problem.path or problem.line is not None, problem


@settings(
    max_examples=EXAMPLES or 80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(mutated_specs())
def test_a_mutated_spec_loads_or_is_refused_with_its_place(text: str) -> None:
    try:
        spec = parse_spec(text, "spec.yaml")
    except SpecError as error:
        _check_refusal(error)
    else:
        assert isinstance(spec, Spec)
        resolve(spec)


@settings(
    max_examples=max(EXAMPLES // 50, 6),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    database=None,
)
@given(text=mutated_specs(fewest=0, most=2))
def test_new_writes_a_whole_project_or_nothing(text: str, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("new")
    spec = folder / "backsmith.yaml"
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    target = folder / "out"
    try:
        written = new(spec, target)
    except SpecError as error:
        _check_refusal(error)
        assert not target.exists()
    except (GenerationError, ProjectError) as error:
        raise AssertionError(f"a spec that loads failed to generate: {error}") from error
    else:
        assert (written / "pyproject.toml").is_file()
        assert (written / "backsmith.yaml").is_file()
    left = sorted(path.name for path in folder.iterdir())
    assert left in (["backsmith.yaml"], ["backsmith.yaml", "out"])
