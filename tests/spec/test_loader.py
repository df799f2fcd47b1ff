"""The loader: good specs load in every form a user may write them; nothing else escapes
as anything but a `SpecError` with a place.
"""

from __future__ import annotations

import json
import socket
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backsmith import Spec, SpecError, load_spec, parse_spec
from backsmith.spec.loader import MAX_SPEC_BYTES
from backsmith.spec.values import MAX_JSON_DEPTH, RFC3339_DATETIME

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    Path("/work/shared/examples/bookshop.yaml"),
    ROOT / "src" / "backsmith" / "demo" / "taskboard.yaml",
]
MINIMAL = "name: shop\nresources:\n  Book:\n    fields:\n      title: str(200)\n"


def _problems(text: str) -> list[tuple[str, str, int | None, int | None]]:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")
    return [(p.path, p.message, p.line, p.column) for p in caught.value.problems]


@pytest.mark.parametrize("path", [path for path in EXAMPLES if path.exists()], ids=str)
def test_the_example_specs_load(path: Path) -> None:
    spec = load_spec(path)

    assert spec.resources
    assert spec.name in ("bookshop", "taskboard")


def test_shorthand_and_mapping_mean_the_same_field() -> None:
    short = parse_spec(MINIMAL.replace("str(200)", "str(200)?"))
    long = parse_spec(MINIMAL.replace("str(200)", "{type: str, max_length: 200, optional: true}"))

    assert short.resources["Book"].fields == long.resources["Book"].fields


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(json.dumps(yaml.safe_load(MINIMAL)), id="json"),
        pytest.param(json.dumps(yaml.safe_load(MINIMAL), indent="\t"), id="json-with-tabs"),
        pytest.param("\ufeff" + MINIMAL, id="byte-order-mark"),
        pytest.param("# a comment\n" + MINIMAL.replace("\n", "\r\n"), id="windows-newlines"),
        pytest.param(
            MINIMAL.replace("str(200)", "&short str(200)") + "      subtitle: *short\n",
            id="anchors-and-aliases",
        ),
    ],
)
def test_a_spec_loads_in_any_form(text: str) -> None:
    spec = parse_spec(text)

    assert spec.resources["Book"].fields["title"].max_length == 200


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_files_load_in_the_encodings_yaml_allows(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "backsmith.yaml"
    path.write_bytes(MINIMAL.replace("shop", "café_shop").encode(encoding))

    with pytest.raises(SpecError, match="snake_case"):  # é is not snake_case, but was read
        load_spec(path)


def test_a_folder_stands_for_its_backsmith_yaml(tmp_path: Path) -> None:
    (tmp_path / "backsmith.yaml").write_text(MINIMAL, encoding="utf-8")

    assert load_spec(tmp_path).name == "shop"


def test_version_keeps_the_digits_written() -> None:
    assert parse_spec("version: 1.10\n" + MINIMAL).version == "1.10"


@pytest.mark.parametrize("null", ["null", "~", ""])
def test_an_optional_text_key_set_to_null_reads_as_left_out(null: str) -> None:
    keys = ["title", "description", "version"]
    written = "".join(f"{key}: {null}\n" for key in keys)
    limits = f"rate_limit:\n  default: {null}\n  auth: {null}\n"
    field = f"      note: {{type: text, description: {null}}}\n"

    spec = parse_spec(written + limits + MINIMAL + field)

    plain = parse_spec(MINIMAL + "      note: text\n")
    assert [getattr(spec, key) for key in keys] == [getattr(plain, key) for key in keys]
    assert spec.rate_limit == plain.rate_limit
    assert spec.resources["Book"].fields["note"] == plain.resources["Book"].fields["note"]


def test_a_yaml_syntax_error_gives_line_and_column() -> None:
    text = "name: shop\nresources:\n  Book:\n    fields: {title: str\n  Tag:\n"

    [(path, message, line, column)] = _problems(text)

    assert path == ""
    assert message.startswith("YAML syntax error")
    assert (line, column) == (5, 6)


def test_a_bad_indent_is_explained() -> None:
    [(_, message, line, column)] = _problems("name: shop\n  resources: x\n")

    assert "mapping values are not allowed" in message
    assert "indentation" in message
    assert (line, column) == (2, 12)


def test_duplicate_keys_are_reported_each_with_its_line() -> None:
    text = MINIMAL + "      title: text\nname: other\n"

    problems = _problems(text)

    assert [(path, line) for path, _, line, _ in problems] == [
        ("resources.Book.fields.title", 6),
        ("name", 7),
    ]
    assert all("duplicate key" in message for _, message, _, _ in problems)


def test_duplicate_keys_and_yaml_number_quirks_come_with_the_other_problems() -> None:
    text = (
        MINIMAL
        + "      count: {type: int, default: 017}\n"
        + "      price: dec\n"
        + "      title: strr\n"
        + "    colour: red\n"
    )

    problems = _problems(text)

    assert [(path, line, column) for path, _, line, column in problems] == [
        ("resources.Book.fields.count.default", 6, 35),
        ("resources.Book.fields.price", 7, 14),
        ("resources.Book.fields.title", 8, 7),  # the duplicate key
        ("resources.Book.fields.title", 8, 14),  # its value, the one that counts
        ("resources.Book", 9, 5),
    ]
    assert "duplicate key" in problems[2][1]
    assert "unknown type 'strr'" in problems[3][1]


def test_problems_come_in_file_order() -> None:
    # Pydantic reports `id` (declared before `resources`) first; the file has it last.
    text = "name: shop\nresources:\n  Book:\n    fields: {t: strr}\nid: uuidd\n"

    lines = [line for _, _, line, _ in _problems(text)]

    assert lines == [4, 5]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        "name: shop\nresources:\n  Book:\n    access: {read: nobody}\n    sort: [nope]\n"
        "    fields: {t: str}\n"
    )

    paths = {path for path, _, _, _ in _problems(text)}

    assert paths == {"resources.Book.access.read", "resources.Book.sort[0]"}


ODD_INPUTS = {
    "empty": "",
    "only-a-comment": "# nothing here\n",
    "a-scalar": "just text\n",
    "a-list": "- name: shop\n",
    "two-documents": MINIMAL + "---\n" + MINIMAL,
    "number-keys": "name: shop\n1: 2\n" + MINIMAL[11:],
    "null-key": "name: shop\n~: 1\n" + MINIMAL[11:],
    "list-key": "? [a, b]\n: 1\n" + MINIMAL,
    "fields-null": "name: shop\nresources:\n  Book:\n    fields:\n",
    "resources-list": "name: shop\nresources: [Book]\n",
    "5000-digits": "name: shop\nresources:\n  Book:\n    cache: " + "9" * 5000 + "\n",
    "huge-float": MINIMAL.replace("str(200)", "{type: float, le: 1.0e999}"),
    "huge-exponent": MINIMAL.replace("str(200)", "{type: decimal, le: 1e999999999}"),
    "nan-bound": MINIMAL.replace("str(200)", "{type: float, le: .nan}"),
    "tabs": MINIMAL.replace("    fields", "\tfields"),
    "nul-byte": "name: shop\x00\n",
    "surrogate": 'name: "\\ud800"\n' + MINIMAL[11:],
    "deep-nesting": MINIMAL.replace("str(200)", "[" * 3000 + "]" * 3000),
    "recursive-alias": "name: &a [*a]\n" + MINIMAL[11:],
    "alias-bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n"
            for i in range(7)
        )
        + MINIMAL
    ),
    "binary": "name: !!binary c2hvcA==\n" + MINIMAL[11:],
    "python-tag": "name: !!python/name:os.system\n" + MINIMAL[11:],
    "custom-tag": "name: !shop x\n" + MINIMAL[11:],
    "set": "name: shop\nresources: !!set {Book}\n",
    "impossible-date": "name: 2024-13-45\n" + MINIMAL[11:],
    "long-name": "name: " + "a" * 5000 + "\n" + MINIMAL[11:],
    "unhashable-merge": "name: shop\n<<: [1, 2]\n" + MINIMAL[11:],
    "json-trailing-comma": '{"name": "shop", "resources": {},}',
    "bool-values": MINIMAL.replace("str(200)", "{type: enum, values: [yes, no]}"),
    "regex-bomb": MINIMAL.replace(
        "str(200)", "{type: str, pattern: '(a+)+$', example: '" + "a" * 40 + "!'}"
    ),
    "int-as-field": MINIMAL.replace("str(200)", "42"),
    "list-as-field": MINIMAL.replace("str(200)", "[str]"),
    "huge-shorthand": MINIMAL.replace("str(200)", "decimal(99999999999999999999,1)"),
}


@pytest.mark.parametrize("text", ODD_INPUTS.values(), ids=ODD_INPUTS.keys())
def test_odd_input_is_a_spec_error_never_a_traceback(text: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")

    assert caught.value.problems
    assert caught.value.exit_code == 2
    str(caught.value).encode("utf-8")  # printable: no lone surrogates in messages


def test_a_file_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "backsmith.yaml"
    path.write_bytes(b"name: shop\ntitle: caf\xe9\n")

    with pytest.raises(SpecError) as caught:
        load_spec(path)

    [problem] = caught.value.problems
    assert "not UTF-8" in problem.message
    assert (problem.line, problem.column) == (2, 11)


@pytest.mark.parametrize("name", ["missing.yaml", "folder-without-spec"])
def test_a_path_that_is_no_spec_says_so(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder-without-spec").mkdir()

    with pytest.raises(SpecError, match="pass"):
        load_spec(tmp_path / name)


@pytest.mark.parametrize("written", ["0", "-5", "+5", "0x1F"])
def test_numbers_both_yaml_versions_read_alike_are_accepted(written: str) -> None:
    spec = parse_spec(MINIMAL + f"      count: {{type: int, default: {written}}}\n")

    assert spec.resources["Book"].fields["count"].default == int(written, 0)


@pytest.mark.parametrize(
    ("written", "reading", "fix"),
    [
        ("1_000", "1000", "1000"),
        ("-1_000", "-1000", "-1000"),
        ("1_000.5", "1000.5", "1000.5"),
        ("0x1_F", "31", "0x1F"),
        ("0b101", "5", "5"),
        ("-0x1F", "-31", "-31"),
        ("-0x1_F", "-31", "-31"),
    ],
)
def test_numbers_yaml_1_2_reads_as_text_are_refused(written: str, reading: str, fix: str) -> None:
    # YAML 1.2 has no `_` in numbers, no binary and no signed hex: these are text there,
    # while PyYAML (YAML 1.1) reads numbers. The loader refuses rather than picks.
    field = f"      count: {{type: float, default: {written}}}\n"

    [(path, message, line, column)] = _problems(MINIMAL + field)

    assert (path, line, column) == ("resources.Book.fields.count.default", 6, 37)
    assert message == (
        f"'{written}' reads as the number {reading} (YAML 1.1) or as text (YAML 1.2); "
        f"write {fix}, or quote it to make it text"
    )
    assert parse_spec(f"version: {written}\n" + MINIMAL).version == written


@pytest.mark.parametrize(("written", "value"), [("-.5", -0.5), ("+.25", 0.25)])
def test_a_signed_fraction_without_a_leading_digit_is_a_number(written: str, value: float) -> None:
    # PyYAML (YAML 1.1) reads `.5` as 0.5 but `-.5` as text; YAML 1.2 reads both as numbers.
    spec = parse_spec(MINIMAL + f"      ratio: {{type: float, default: {written}}}\n")

    assert spec.resources["Book"].fields["ratio"].default == value


@pytest.mark.parametrize("written", ["0o1_7", "1_0e3", "-0o17"])
def test_what_neither_yaml_version_reads_as_a_number_stays_text(written: str) -> None:
    spec = parse_spec(MINIMAL + f"      code: {{type: str, default: {written}}}\n")

    assert spec.resources["Book"].fields["code"].default == written


@pytest.mark.parametrize(
    ("written", "value"), [("1e3", 1000.0), ("1.5e3", 1500.0), ("-.5E-2", -0.005)]
)
def test_an_exponent_without_a_dot_or_sign_is_a_number(written: str, value: float) -> None:
    # YAML 1.1 (PyYAML) reads these as text; YAML 1.2 and JSON read them as numbers.
    field = f"      ratio: {{type: float, default: {written}, ge: -1e4, le: 1e4}}\n"
    as_json = json.dumps(yaml.safe_load(MINIMAL)).replace(
        '"title": "str(200)"', f'"ratio": {{"type": "float", "default": {written}}}'
    )

    assert parse_spec(MINIMAL + field).resources["Book"].fields["ratio"].default == value
    assert parse_spec(as_json).resources["Book"].fields["ratio"].default == value


def test_a_yaml_1_2_octal_is_a_number() -> None:
    # PyYAML (YAML 1.1) reads 0o17 as text: an int field refused it, a str field took it.
    spec = parse_spec(MINIMAL + "      mode: {type: int, default: 0o17}\n")
    [(path, message, _, _)] = _problems(MINIMAL + "      code: {type: str, default: 0o17}\n")

    assert spec.resources["Book"].fields["mode"].default == 15
    assert path == "resources.Book.fields.code.default"
    assert message.startswith("default 15 is read as a number, but the field holds text")


@pytest.mark.parametrize("written", ["1e-400", "1.0e-400", "-2.5E-999"])
def test_a_number_that_would_read_as_zero_is_refused(written: str) -> None:
    field = f"      ratio: {{type: float, le: {written}}}\n"

    [(path, message, line, _)] = _problems(MINIMAL + field)

    assert (path, line) == ("resources.Book.fields.ratio.le", 6)
    assert message.startswith(f"'{written}' is too close to zero for a number and would be read")


@pytest.mark.parametrize("written", ["0x_", "0b_", "-0x_"])
def test_a_number_prefix_without_digits_is_named_where_it_is(written: str) -> None:
    # PyYAML resolves these as ints, then cannot build them ("invalid literal for int()").
    field = f"      n: {{type: int, default: {written}}}\n"

    [(path, message, line, _)] = _problems(MINIMAL + field)

    assert (path, line) == ("resources.Book.fields.n.default", 6)
    assert message == (
        f"'{written}' reads as a number but has no digits after its prefix; "
        "write the digits (0x1F), or quote it to make it text"
    )
    assert parse_spec(f"version: {written}\n" + MINIMAL).version == written


def test_a_text_key_keeps_a_leading_zero_as_written() -> None:
    assert parse_spec("version: 010\n" + MINIMAL).version == "010"


@pytest.mark.parametrize("comment", ["// the shop", "/* the shop */"])
def test_a_comment_in_a_json_spec_is_named_where_it_is(comment: str) -> None:
    text = '{\n  "name": "shop",\n  ' + comment + '\n  "resources": {}\n}\n'

    [(path, message, line, column)] = _problems(text)

    assert message.startswith("JSON has no comments")
    assert (path, line, column) == ("", 3, 3)


def test_a_second_document_is_named_as_such() -> None:
    [(path, message, line, column)] = _problems(MINIMAL + "---\n" + MINIMAL)

    assert message.startswith("a second YAML document starts here ('---')")
    assert (path, line, column) == ("", 6, 1)


def test_a_dangling_symlink_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "backsmith.yaml").symlink_to(tmp_path / "gone.yaml")

    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "backsmith.yaml")

    [problem] = caught.value.problems
    assert (
        problem.message
        == f"a symlink to {tmp_path / 'gone.yaml'}, which does not exist; fix the link"
    )


def test_a_file_that_cannot_be_read_is_not_blamed_on_permissions() -> None:
    with tempfile.TemporaryDirectory() as short:  # a socket's path has at most 107 bytes
        path = Path(short) / "spec.sock"
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(path))

            with pytest.raises(SpecError) as caught:
                load_spec(path)

    [problem] = caught.value.problems
    assert problem.message.startswith("cannot read the file (")
    assert problem.message.endswith("; pass a spec file (plain text, YAML or JSON)")


def test_a_path_under_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(MINIMAL, encoding="utf-8")

    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "spec.yaml" / "backsmith.yaml")

    [problem] = caught.value.problems
    assert problem.message.startswith(f"{tmp_path / 'spec.yaml'} is a file, not a folder")


def test_a_file_far_bigger_than_any_spec_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "backsmith.yaml"
    path.write_text(MINIMAL + "#" * MAX_SPEC_BYTES, encoding="utf-8")

    with pytest.raises(SpecError, match="over 4 MiB"):
        load_spec(path)


def test_an_endless_device_is_refused_not_read_forever() -> None:
    with pytest.raises(SpecError, match="over 4 MiB"):
        load_spec("/dev/zero")


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), children, max_size=4),
    ),
    max_leaves=20,
)
_names = st.sampled_from(["name", "resources", "fields", "Book", "title", "type", "to", "access"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.dictionaries(_names, _documents, max_size=5),
    resources=st.dictionaries(
        st.sampled_from(["Book", "Tag", "book", "1"]),
        st.dictionaries(_names, _documents, max_size=3),
        max_size=2,
    ),
)
def test_random_documents_give_a_spec_or_a_spec_error(
    document: dict[str, object], resources: dict[str, object]
) -> None:
    text = yaml.safe_dump({**document, "resources": resources}, allow_unicode=True)
    try:
        result = parse_spec(text)
    except SpecError as error:
        assert error.problems
    else:
        assert isinstance(result, Spec)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_random_text_gives_a_spec_or_a_spec_error(text: str) -> None:
    try:
        parse_spec(text)
    except SpecError as error:
        assert error.problems


def _nested(depth: int) -> str:
    """A YAML flow mapping `depth` levels deep, as the generated API counts them."""
    return "{a: " * (depth - 1) + "{}" + "}" * (depth - 1)


def test_a_json_default_the_generated_api_would_refuse_is_refused() -> None:
    # The generated app refuses json deeper than its MAX_JSON_DEPTH; a default or example
    # deeper than that made every generated create test fail with 422.
    template = ROOT / "src/backsmith/templates/project/src/{{name}}/core/types.py.jinja"
    # The generated app's limit is rendered from this one, so the two cannot drift.
    assert "MAX_JSON_DEPTH = {{ py.MAX_JSON_DEPTH }}\n" in template.read_text(encoding="utf-8")
    field = "      data: {{type: json, default: {value}}}\n"

    parse_spec(MINIMAL + field.format(value=_nested(MAX_JSON_DEPTH)))
    [(path, message, _, _)] = _problems(MINIMAL + field.format(value=_nested(MAX_JSON_DEPTH + 1)))
    [(_, not_finite, _, _)] = _problems(MINIMAL + field.format(value="{x: [1, .nan]}"))

    assert path == "resources.Book.fields.data.default"
    assert message.startswith(f"default nests deeper than {MAX_JSON_DEPTH} levels")
    assert not_finite.startswith("default holds .nan or .inf")


def test_a_url_example_too_long_once_percent_encoded_is_refused() -> None:
    # 1,020 characters as written, 3,020 as the generated API stores it (`<` is `%3C`):
    # check accepted it and the generated project's factories got 422.
    template = ROOT / "src/backsmith/templates/project/src/{{name}}/core/types.py.jinja"
    assert "MAX_URL_LENGTH = {{ py.MAX_URL_LENGTH }}\n" in template.read_text(encoding="utf-8")
    url = "https://example.com/" + "<" * 1000

    [(path, message, _, _)] = _problems(MINIMAL + f"      link: {{type: url, example: '{url}'}}\n")

    assert path == "resources.Book.fields.link.example"
    assert message.startswith("example 'https://example.com/<<<")
    assert message.endswith(
        "...' does not fit the field: it is over 2083 characters once percent-encoded; "
        "change it or drop it"
    )


def test_datetimes_are_checked_with_the_generated_apis_pattern() -> None:
    template = ROOT / "src/backsmith/templates/project/src/{{name}}/core/types.py.jinja"

    assert f'r"{RFC3339_DATETIME.pattern}"' in template.read_text(encoding="utf-8")
