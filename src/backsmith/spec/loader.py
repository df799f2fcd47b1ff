"""Read a spec file into a checked `Spec`, or raise a `SpecError` listing every problem.

YAML is composed to nodes first so that each problem can name its line and column,
and so that what PyYAML would silently accept or crash on is caught while the node
still knows where it came from: duplicate keys (PyYAML keeps the last), keys that are
not text (`1:`, `yes:`), tags such as `!!binary`, dates that do not exist, numbers
too long to convert, alias bombs. Whatever the input, the result is a `Spec` or a
`SpecError`; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from backsmith.errors import Problem, SpecError
from backsmith.spec.checks import KeyPath, run_checks
from backsmith.spec.clashes import check_clashes
from backsmith.spec.field import MAX_NUMBER_DIGITS
from backsmith.spec.model import Spec
from backsmith.spec.resolved import resolve
from backsmith.spec.suggest import did_you_mean
from backsmith.spec.values import check_values

DEFAULT_FILE = "backsmith.yaml"
MAX_SPEC_BYTES = 4 * 1024**2
"""A spec of 500 resources is well under 1 MiB; a bigger file is a mistake (or /dev/zero)."""
MAX_NODES = 100_000
"""Far above any real spec; stops an alias bomb from expanding into millions of nodes."""

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(
    _TAG + kind for kind in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_KEY_KINDS = {
    _TAG + "int": "a number",
    _TAG + "float": "a number",
    _TAG + "bool": "a boolean (YAML reads yes, no, on, off, true and false so)",
    _TAG + "null": "empty (null)",
    _TAG + "timestamp": "a date",
}
_TEXT_KEYS = ("version", "title", "description")
"""Top-level keys that hold text, where YAML would read `version: 1.10` as the float 1.1."""

Position = tuple[int, int]


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading exponents, `0o` octals and `-.5` as YAML 1.2 does.

    YAML 1.1 wants a dot and a signed exponent (`1.0e+3`), so PyYAML reads `1e3` and
    `1.5e3` as text, and a JSON spec's `"default": 1e3` would be refused as quoted text;
    it reads `0o17` and a signed `-.5` as text too, where YAML 1.2 reads 15 and -0.5.
    The patterns are YAML 1.2's own (no `_`), so they never read a number YAML 1.2
    would not.
    """


_Loader.add_implicit_resolver(  # YAML 1.2's octal: PyYAML builds it with int(text, 8)
    _TAG + "int", re.compile(r"^0o[0-7]+$"), ["0"]
)
_Loader.add_implicit_resolver(
    _TAG + "float",
    re.compile(r"^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+|\.[0-9]+)$"),
    list("-+.0123456789"),
)


class _Scan:
    """Walks the composed YAML: records where every key and value is, and what is wrong.

    Keys are recorded by their text, so a pydantic error's location finds its line.
    """

    def __init__(self) -> None:
        self.keys: dict[KeyPath, Position] = {}
        self.values: dict[KeyPath, Position] = {}
        self.raw_scalars: dict[KeyPath, str] = {}
        self.collections: set[KeyPath] = set()
        self.problems: list[Problem] = []
        self.later: list[Problem] = []
        self._count = 0
        self._stack: set[int] = set()

    def problem(self, path: KeyPath, message: str, node: yaml.Node) -> None:
        """A problem that stops the reading: the document cannot be built safely."""
        self.problems.append(Problem(_dotted(path), message, *_mark(node)))

    def notice(self, path: KeyPath, message: str, node: yaml.Node) -> None:
        """A problem the document can still be built and checked despite, so that the
        spec's other problems are reported with it, all in one run."""
        self.later.append(Problem(_dotted(path), message, *_mark(node)))

    def walk(self, node: yaml.Node, path: KeyPath = ()) -> None:
        self._count += 1
        if self._count > MAX_NODES:
            if self._count == MAX_NODES + 1:
                self.problem(
                    path,
                    f"the spec has over {MAX_NODES} values once its aliases "
                    "are expanded; write it out plainly",
                    node,
                )
            return
        if id(node) in self._stack:
            self.problem(
                path, "this alias refers to a value that contains it; a spec must not loop", node
            )
            return
        self.values.setdefault(path, _mark(node))
        if node.tag not in _PLAIN_TAGS:
            self.problem(
                path,
                f"the YAML tag '{_short_tag(node.tag)}' is not allowed in a spec; "
                "write plain text, numbers, lists and mappings",
                node,
            )
            return
        self._stack.add(id(node))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.collections.add(path)
        try:
            if isinstance(node, yaml.MappingNode):
                self._walk_mapping(node, path)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    self.walk(item, (*path, index))
            elif isinstance(node, yaml.ScalarNode):
                self._check_scalar(node, path)
        finally:
            self._stack.discard(id(node))

    def _walk_mapping(self, node: yaml.MappingNode, path: KeyPath) -> None:
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self._walk_merged(value_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(path, "a key must be plain text, not a list or mapping", key_node)
                continue
            key = key_node.value
            child = (*path, key)
            if key_node.tag != _TAG + "str":
                kind = _KEY_KINDS.get(key_node.tag, f"tagged {_short_tag(key_node.tag)}")
                self.problem(
                    child,
                    f"key '{key}' is read as {kind}, but keys are names; "
                    f"quote it ('{key}') or rename it",
                    key_node,
                )
                continue
            if _has_surrogate(key):
                self.problem(
                    path,
                    "a key contains an unpaired surrogate escape such as \\ud800; remove it",
                    key_node,
                )
                continue
            if "\0" in key:
                self.problem(path, f"a key contains {_NUL_REASON}; remove it", key_node)
                continue
            if key in seen:
                self.notice(
                    child,
                    "duplicate key; the later value would silently replace the "
                    "earlier, so keep only one",
                    key_node,
                )
                self._forget(child)  # the later value is the one checked: point at it
            seen.add(key)
            self.keys.setdefault(child, _mark(key_node))
            self.walk(value_node, child)

    def _forget(self, path: KeyPath) -> None:
        """Drop the positions recorded at and under `path`."""
        for table in (self.keys, self.values, self.raw_scalars):
            for known in [known for known in table if known[: len(path)] == path]:
                del table[known]
        self.collections = {known for known in self.collections if known[: len(path)] != path}

    def _walk_merged(self, node: yaml.Node, path: KeyPath) -> None:
        """`<<: *defaults`: the merged keys belong to the mapping that merges them."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                for key_node, value_node in source.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "str":
                        self.keys.setdefault((*path, key_node.value), _mark(key_node))
                        self.walk(value_node, (*path, key_node.value))

    def _check_scalar(self, node: yaml.ScalarNode, path: KeyPath) -> None:
        text = node.value
        if _has_surrogate(text):
            self.problem(
                path,
                "the value contains an unpaired surrogate escape such as \\ud800; remove it",
                node,
            )
        elif "\0" in text:
            self.problem(path, f"the value contains {_NUL_REASON}; remove it", node)
        elif node.tag in (_TAG + "int", _TAG + "float"):
            self.raw_scalars[path] = text
            quirk = _yaml11_number(text)
            if quirk and path not in {(key,) for key in _TEXT_KEYS}:
                self.notice(path, quirk, node)
            elif sum(char.isdigit() for char in text) > MAX_NUMBER_DIGITS:
                self.problem(
                    path,
                    f"this number has more than {MAX_NUMBER_DIGITS} digits; use a smaller one",
                    node,
                )
            elif node.tag == _TAG + "int" and not _readable_int(node):
                if path in {(key,) for key in _TEXT_KEYS}:
                    node.tag = _TAG + "str"  # text as written, as YAML 1.2 reads it
                    return
                self.problem(
                    path,
                    f"'{text}' reads as a number but has no digits after its prefix; "
                    "write the digits (0x1F), or quote it to make it text",
                    node,
                )
            elif path not in {(key,) for key in _TEXT_KEYS} and _underflows(text):
                self.notice(
                    path,
                    f"'{text}' is too close to zero for a number and would be read as 0; "
                    "write 0, or a number nearer 1",
                    node,
                )
        elif node.tag == _TAG + "timestamp":
            try:
                yaml.SafeLoader("").construct_yaml_timestamp(node)
            except ValueError as error:
                self.problem(
                    path,
                    f"'{text}' reads as a date, but {error}; fix it, or quote "
                    "it to keep it as text",
                    node,
                )

    def of(self, path: KeyPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """The nearest known position for `path`, walking up to its parents.

        A value's own position is the most precise, except for a block mapping or list:
        that starts on the line after its key, and the key is where a reader looks.
        """
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            if prefix in self.keys and (key or prefix in self.collections):
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
        return None, None


def load_spec(path: str | Path) -> Spec:
    """The spec at `path`, validated and checked; `SpecError` lists every problem found.

    A folder stands for the `backsmith.yaml` inside it.
    """
    text, source = read_spec_text(path)
    return parse_spec(text, source)


def read_spec_text(path: str | Path) -> tuple[str, str]:
    """The text of the spec at `path` and the name to report it by, read once.

    A folder stands for the `backsmith.yaml` inside it. At most `MAX_SPEC_BYTES` are
    read, so a huge file or a device such as /dev/zero is refused, not read forever.
    """
    source = Path(path)
    if source.is_dir():
        if not (source / DEFAULT_FILE).is_file():
            raise SpecError(
                str(source),
                [Problem("", f"this is a folder without a {DEFAULT_FILE}; pass the spec file")],
            )
        source = source / DEFAULT_FILE
    try:
        with source.open("rb") as stream:
            raw = stream.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        message = f"no such file; pass the path of a spec such as {DEFAULT_FILE}"
        if source.is_symlink():
            message = f"a symlink to {os.readlink(source)}, which does not exist; fix the link"
        raise SpecError(str(source), [Problem("", message)]) from None
    except NotADirectoryError:
        blocking = next((parent for parent in source.parents if parent.is_file()), None)
        message = (
            f"{blocking} is a file, not a folder; pass the path of the spec itself"
            if blocking is not None
            else "part of this path is not a folder; pass the path of the spec itself"
        )
        raise SpecError(str(source), [Problem("", message)]) from None
    except OSError as error:
        fix = (
            "check its permissions"
            if error.errno in (errno.EACCES, errno.EPERM)
            else "pass a spec file (plain text, YAML or JSON)"
        )
        message = f"cannot read the file ({error.strerror or error}); {fix}"
        raise SpecError(str(source), [Problem("", message)]) from None
    if len(raw) > MAX_SPEC_BYTES:
        message = (
            f"the file is over {MAX_SPEC_BYTES // 1024**2} MiB, far more than any spec; "
            "pass the spec file itself"
        )
        raise SpecError(str(source), [Problem("", message)])
    return _decode(raw, str(source)), str(source)


def parse_spec(text: str, source: str = DEFAULT_FILE) -> Spec:
    """The spec in `text` (YAML or JSON), validated and checked."""
    scan = _Scan()
    data = _read_yaml(_untab_json(text), source, scan)
    if data is None:
        raise SpecError(
            source,
            [Problem("", "the spec is empty; it needs at least 'name' and 'resources'", 1, 1)],
        )
    early = scan.later  # reported with whatever else is wrong
    if not isinstance(data, dict):
        raise SpecError(
            source,
            [
                *early,
                Problem(
                    "",
                    f"a spec is a mapping with at least 'name' and "
                    f"'resources', not {_describe(data)}",
                    1,
                    1,
                ),
            ],
        )
    for key in _TEXT_KEYS:
        if isinstance(data.get(key), int | float) and (key,) in scan.raw_scalars:
            data[key] = scan.raw_scalars[(key,)]
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        problems = [_pydantic_problem(detail, data, scan) for detail in error.errors()]
        raise SpecError(source, _ordered([*early, *problems])) from None
    except RecursionError:
        raise SpecError(source, [Problem("", "the spec nests too deeply")]) from None
    found = [*run_checks(spec), *check_values(spec)]
    if not found:
        found = list(check_clashes(resolve(spec)))
    if found or early:
        problems = [Problem(_dotted(path), message, *scan.of(path)) for path, message in found]
        raise SpecError(source, _ordered([*early, *problems]))
    return spec


def _decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/32 when a BOM says so, as YAML allows."""
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read); "
            "save it as UTF-8"
        )
        raise SpecError(source, [Problem("", message, line, column)]) from None


def _untab_json(text: str) -> str:
    """JSON indented with tabs is valid JSON but not valid YAML: read it with spaces.

    In valid JSON a tab can only be whitespace between tokens (inside strings it must
    be escaped), so replacing each with one space changes nothing, not even columns.
    """
    if "\t" not in text or not text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return text
    try:
        json.loads(text)
    except ValueError:
        return text
    return text.replace("\t", " ")


def _read_yaml(text: str, source: str, scan: _Scan) -> Any:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        scan.walk(node)
        if scan.problems:
            raise SpecError(source, _ordered(scan.problems))
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise SpecError(source, [_yaml_problem(error, text)]) from None
    except RecursionError:
        message = "the document nests too deeply; a spec needs only a few levels"
        raise SpecError(source, [Problem("", message)]) from None
    except ValueError as error:  # a value PyYAML's constructors reject; the scan finds most
        raise SpecError(source, [Problem("", f"cannot read a value: {error}")]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_problem(error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        message = f"the file contains a character YAML does not allow ({error.reason}); remove it"
        return Problem("", message, line, column)
    comment = _json_comment(text)
    if comment is not None:
        message = (
            "JSON has no comments, and this // or /* comment breaks the spec; remove it, "
            "or write the spec in YAML, where comments start with #"
        )
        return Problem("", message, *comment)
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {reason}" + (f" ({context})" if context else "")
    if "found another document" in reason:
        message = (
            "a second YAML document starts here ('---'), but a spec is one document; "
            "remove this line and what follows, or merge them into the first"
        )
    if "'\\t'" in reason:
        message += "; YAML indents with spaces, never tabs: replace the tabs with spaces"
    elif "mapping values are not allowed" in reason:
        message += "; check the indentation above, or quote a value that contains ': '"
    elif "got '?'" in reason:
        message += "; inside { } quote a shorthand that ends in '?', e.g. rank: \"int?\""
    if mark is None:
        return Problem("", message)
    return Problem("", message, mark.line + 1, mark.column + 1)


def _json_comment(text: str) -> Position | None:
    """Where the first line of a JSON-looking spec that starts a // or /* comment is."""
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(("//", "/*")):
            return number, len(line) - len(stripped) + 1
    return None


def _pydantic_problem(detail: ErrorDetails, data: Any, scan: _Scan) -> Problem:
    kind = detail["type"]
    raw_loc = tuple(detail["loc"])
    if kind == "missing":
        parent = _real_path(raw_loc[:-1], data)
        key = raw_loc[-1]
        return Problem(
            _dotted(parent), f"required key '{key}' is missing; add it", *scan.of(parent)
        )
    is_key = bool(raw_loc) and raw_loc[-1] == "[key]"
    loc = _real_path(raw_loc[:-1] if is_key else raw_loc, data)
    given = detail.get("input")
    if kind == "extra_forbidden":
        parent, key = loc[:-1], str(loc[-1])
        hint = did_you_mean(key, _allowed_keys(parent))
        return Problem(_dotted(parent), f"unknown key '{key}'{hint}", *scan.of(loc, key=True))
    if kind in ("literal_error", "enum"):
        choices = _expected_choices(detail)
        hint = did_you_mean(str(given), choices)
        if is_key:
            message = f"key '{given}' is not allowed here{hint}"
            return Problem(_dotted(loc[:-1]), message, *scan.of(loc, key=True))
        return Problem(_dotted(loc), f"'{given}' is not allowed{hint}", *scan.of(loc))
    if kind in _CUSTOM:
        option = (detail.get("ctx") or {}).get("option")
        if isinstance(option, str):
            loc = (*loc, option)
        return Problem(_dotted(loc), detail["msg"], *scan.of(loc, key=is_key))
    union = len(loc) < len(raw_loc) - is_key
    message = _plain_message(detail, union=union)
    return Problem(_dotted(loc), message, *scan.of(loc, key=is_key))


_CUSTOM = frozenset(
    {
        "unknown_type",
        "field_form",
        "shorthand",
        "option_type",
        "missing_to",
        "missing_values",
        "number_size",
        "number_type",
    }
)
_EXPECTED = {
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "list_type": "a list ([a, b] or '- item' lines)",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
}


def _plain_message(detail: ErrorDetails, *, union: bool) -> str:
    """A pydantic error in the spec's words; `union` when it is one of a union's tries."""
    kind = detail["type"]
    given = detail.get("input")
    if kind in _EXPECTED:
        expected = "a number" if union and _EXPECTED[kind] == "a whole number" else _EXPECTED[kind]
        message = f"expected {expected}, got {_describe(given)}"
        if kind == "string_type" and isinstance(given, bool):
            message += " (YAML reads yes, no, on and off as booleans); quote the value"
        elif kind == "string_type" and isinstance(given, int | float | Decimal | dt.date):
            message += "; quote it to make it text"
        elif kind == "model_type" and detail["loc"] == ("auth",) and isinstance(given, str):
            message += f"; write auth: {{kind: {given}}}"
        elif given is None:
            message += "; write a value after the colon, or remove the key for its default"
        return message
    message = detail["msg"].replace("Input should be", "must be").replace("Input", "the value")
    message = message[0].lower() + message[1:]
    if not isinstance(given, dict | list):
        message += f", got {_describe(given)}"
    return message


def _describe(value: Any) -> str:
    """How a YAML value reads, in the words the spec's author would use."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _real_path(loc: Iterable[Any], data: Any) -> KeyPath:
    """`loc` without pydantic's union tags (`ge.int`, `ge.decimal`): only the spec's keys."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def _expected_choices(detail: ErrorDetails) -> list[str]:
    expected = str((detail.get("ctx") or {}).get("expected", ""))
    parts = expected.replace(" or ", ",").split(",")
    return [part.strip(" '\"") for part in parts if part.strip(" '\"")]


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the model at `path` accepts: the model is found by walking field types."""
    model: type[BaseModel] = Spec
    steps = list(path)
    while steps:
        step = steps.pop(0)
        info = model.model_fields.get(str(step))
        if info is None:
            return []
        annotation = info.annotation
        origin_args = getattr(annotation, "__args__", ())
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        inner = origin_args[-1] if origin_args else None
        if isinstance(inner, type) and issubclass(inner, BaseModel) and steps:
            steps.pop(0)
            model = inner
            continue
        return []
    return list(model.model_fields)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


_NUL_REASON = (
    "a NUL character (\\0), which neither the generated Python source nor PostgreSQL text can hold"
)


def _yaml11_number(text: str) -> str | None:
    """Why a number YAML 1.1 reads differently from YAML 1.2 and JSON must be rewritten.

    PyYAML reads `017` as the octal 15 and `1:20` as the base-60 number 80; YAML 1.2
    reads them as 17 and the text '1:20'. It reads `1_000`, `0b101` and `-0x1F` as
    1000, 5 and -31, where YAML 1.2 has no `_` in numbers, no binary and no signed hex,
    so reads all three as text. Rather than pick one silently, say both.
    """
    unsigned = text.lstrip("+-")
    digits = unsigned.replace("_", "")
    if ":" in text:
        return (
            f"'{text}' reads as a base-60 number (YAML 1.1: 1:20 is 80); quote it to make "
            "it text, or write the number in decimal"
        )
    if len(digits) > 1 and digits.startswith("0") and digits.isdigit():
        sign = "-" if text.startswith("-") else ""
        value = int(digits, 8) if set(digits) <= set("01234567") else None
        reading = f"the octal number {sign}{value}" if value is not None else "an octal number"
        return (
            f"'{text}' reads as {reading} (YAML 1.1) or as {sign}{int(digits)} (YAML 1.2); "
            "write it without the leading zero, or quote it to make it text"
        )
    if "_" in text or unsigned.startswith("0b") or (unsigned != text and digits[:2] == "0x"):
        number = _yaml11_value(text)
        if number is None:  # `0x_`: no digits at all, which `_check_scalar` names
            return None
        plain = text.replace("_", "")
        written = plain if "_" in text and _yaml11_number(plain) is None else number
        return (
            f"'{text}' reads as the number {number} (YAML 1.1) or as text (YAML 1.2); "
            f"write {written}, or quote it to make it text"
        )
    return None


def _yaml11_value(text: str) -> str | None:
    """The number PyYAML makes of `text` (an int or float it resolved), as Python shows it."""
    plain = text.replace("_", "")
    if sum(char.isdigit() for char in plain) > MAX_NUMBER_DIGITS:
        return None
    try:
        return str(int(plain, 0))
    except ValueError:
        pass
    try:
        return str(float(plain))
    except ValueError:
        return None


def _readable_int(node: yaml.ScalarNode) -> bool:
    """Whether PyYAML can build the int it resolved: `0x_` and `0b_` match its pattern,
    but leave int() nothing to read."""
    try:
        yaml.SafeLoader("").construct_yaml_int(node)
    except ValueError:
        return False
    return True


def _underflows(text: str) -> bool:
    """Whether a YAML float such as `1e-400` reads as 0.0 though it is not zero."""
    mantissa = re.split("[eE]", text)[0]
    if not any(char in "123456789" for char in mantissa):
        return False
    try:
        return float(text.replace("_", "")) == 0
    except ValueError:  # .inf, .nan and other spellings float() does not take
        return False


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in file order (problems without a line first)."""
    seen: set[tuple[str, str]] = set()
    kept: list[Problem] = []
    for problem in problems:
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return sorted(kept, key=lambda problem: (problem.line or 0, problem.column or 0))
