"""Bad specs: each is refused with the key path, a message that says what to do, and a line.

One table drives three tests: `parse_spec` reports the problem where it is; for some
specs `backsmith check` exits 2 with no traceback; and `backsmith new` on a bad spec
writes nothing at all.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backsmith import SpecError, parse_spec
from backsmith.cli import app


@dataclass(frozen=True)
class Bad:
    id: str
    text: str
    path: str
    fragment: str
    line: int | None


def _with_book(fields: str, extra: str = "", top: str = "") -> str:
    """A spec with one resource `Book`; its fields start on line 5 (plus `top` lines)."""
    return (
        "name: shop\n"
        + top
        + "resources:\n  Book:\n"
        + extra
        + "    fields:\n"
        + textwrap.indent(textwrap.dedent(fields).lstrip("\n"), "      ")
    )


BAD = [
    Bad(
        "misspelt-top-key",
        "name: shop\nresorces:\n  Book:\n    fields: {t: str}\n",
        "",
        "unknown key 'resorces'; did you mean 'resources'?",
        2,
    ),
    Bad(
        "missing-name",
        "resources:\n  Book:\n    fields: {t: str}\n",
        "",
        "required key 'name' is missing",
        1,
    ),
    Bad(
        "misspelt-type",
        _with_book("title: strr(200)\n"),
        "resources.Book.fields.title",
        "unknown type 'strr'; did you mean 'str'?",
        5,
    ),
    Bad(
        "broken-shorthand",
        _with_book("title: str(20\n"),
        "resources.Book.fields.title",
        "cannot read field shorthand 'str(20'",
        5,
    ),
    *(
        Bad(
            f"shorthand-with-{name}-digits",
            _with_book(f"title: {text}\n"),
            "resources.Book.fields.title",
            f"'{argument}' must be a whole number written in digits 0-9, got '{digits}'",
            5,
        )
        for name, text, argument, digits in (
            ("superscript", "str(\u00b2)", "max_length", "\u00b2"),
            ("arabic", "decimal(\u0661\u0660,2)", "max_digits", "\u0661\u0660"),
        )
    ),
    Bad(
        "ref-to-misspelt-resource",
        _with_book("author: ref(Autor)\n") + "  Author:\n    fields: {name: str}\n",
        "resources.Book.fields.author.to",
        "no resource named 'Autor'; did you mean 'Author'?",
        5,
    ),
    Bad(
        "owner-rule-without-owned",
        _with_book("title: str\n", "    access: {update: owner}\n"),
        "resources.Book.access.update",
        "needs 'owned: true'",
        4,
    ),
    Bad(
        "unique-bool",
        _with_book("in_stock: {type: bool, unique: true}\n"),
        "resources.Book.fields.in_stock.unique",
        "at most two rows",
        5,
    ),
    Bad(
        "two-lower-bounds",
        _with_book("stock: {type: int, ge: 0, gt: 5}\n"),
        "resources.Book.fields.stock.gt",
        "ge and gt both bound the same side; keep one",
        5,
    ),
    Bad(
        "indexed-json",
        _with_book("extra: {type: json, index: true}\n"),
        "resources.Book.fields.extra.index",
        "cannot be indexed; drop index",
        5,
    ),
    Bad(
        "public-create-on-owned",
        _with_book("title: str\n", "    owned: true\n    access: {create: public}\n"),
        "resources.Book.access.create",
        "anonymous caller cannot own the row",
        5,
    ),
    Bad(
        "link-table-is-a-resource-table",
        _with_book("tags: many(Tag)\n")
        + "  Tag:\n    fields: {label: str}\n"
        + "  BooksTag:\n    plural: books_tags\n    fields: {note: str}\n",
        "resources.Book.fields.tags",
        "link table 'books_tags'",
        5,
    ),
    Bad(
        "two-link-tables-share-a-name",
        _with_book("tags_x: many(Tag)\n")
        + "  Tag:\n    plural: books_tags\n    fields:\n      x: many(Book)\n",
        "resources.Tag.fields.x",
        "link table 'books_tags_x'",
        9,
    ),
    Bad(
        "misspelt-role",
        _with_book("title: str\n", "    access: {delete: adimn}\n"),
        "resources.Book.access.delete",
        "unknown rule 'adimn'; did you mean 'admin'?",
        4,
    ),
    Bad(
        "misspelt-sort-field",
        _with_book("title: str\n", "    sort: [titel]\n"),
        "resources.Book.sort[0]",
        "no field named 'titel'; did you mean 'title'?",
        4,
    ),
    Bad(
        "audit-table-taken",
        "name: shop\nresources:\n  Entry:\n    plural: audit_events\n    fields: {t: str}\n",
        "resources.Entry",
        "its plural 'audit_events' is a name the generated project uses; set 'plural:'",
        3,
    ),
    Bad(
        "audit-class-taken",
        "name: shop\nresources:\n  AuditEvent:\n    fields: {t: str}\n",
        "resources.AuditEvent",
        "resource name 'AuditEvent' is used by the generated code; rename it",
        3,
    ),
    Bad(
        "unique-enum",
        _with_book("kind: {type: enum, values: [paper, ebook], unique: true}\n"),
        "resources.Book.fields.kind.unique",
        "a unique enum field allows at most 2 rows, one per value; drop unique",
        5,
    ),
    Bad(
        "empty-algorithm-list",
        "name: shop\nauth:\n  kind: jwks\n  jwks_url: https://id.example.com/jwks\n"
        "  issuer: https://id.example.com/\n  audience: shop\n  algorithms: []\n"
        "resources:\n  Book:\n    fields: {t: str}\n",
        "auth.algorithms",
        "an empty list would accept no token; list at least one algorithm",
        7,
    ),
    Bad(
        "field-in-pydantics-namespace",
        _with_book("model_dump_format: str\n"),
        "resources.Book.fields.model_dump_format",
        "field name 'model_dump_format' is reserved; rename it",
        5,
    ),
    Bad(
        "search-on-int",
        _with_book("pages: int\n", "    search: [pages]\n"),
        "resources.Book.search[0]",
        "search takes string fields (str, text, email, url); drop it from search",
        4,
    ),
    Bad(
        "duplicate-field",
        _with_book("title: str\ntitle: text\n"),
        "resources.Book.fields.title",
        "duplicate key",
        6,
    ),
    Bad(
        "number-as-resource-name",
        "name: shop\nresources:\n  1:\n    fields: {t: str}\n",
        "resources.1",
        "read as a number",
        3,
    ),
    Bad(
        "fields-null",
        "name: shop\nresources:\n  Book:\n    fields: null\n",
        "resources.Book.fields",
        "expected a mapping",
        4,
    ),
    Bad(
        "resources-list",
        "name: shop\nresources: []\n",
        "resources",
        "expected a mapping (key: value lines), got a list",
        2,
    ),
    Bad(
        "default-not-in-enum",
        _with_book("status: {type: enum, values: [a, b], default: c}\n"),
        "resources.Book.fields.status.default",
        "default 'c' does not fit the field",
        5,
    ),
    Bad(
        "min-above-max",
        _with_book("code: {type: str, min_length: 9, max_length: 3}\n"),
        "resources.Book.fields.code.min_length",
        "min_length 9 is above max_length 3",
        5,
    ),
    Bad(
        "places-above-digits",
        _with_book("price: decimal(4,6)\n"),
        "resources.Book.fields.price.decimal_places",
        "decimal_places 6 is above max_digits 4; raise max_digits or lower decimal_places",
        5,
    ),
    Bad(
        "look-around-pattern",
        _with_book("code: {type: str, pattern: '^(?!x)'}\n"),
        "resources.Book.fields.code.pattern",
        "look-around",
        5,
    ),
    Bad(
        "bad-rate",
        "name: shop\nrate_limit: {default: 100/fortnight}\n"
        "resources:\n  Book:\n    fields: {t: str}\n",
        "rate_limit.default",
        "not a rate",
        2,
    ),
    Bad(
        "huge-rate",
        "name: shop\nrate_limit: {auth: 99999999999999999999999/second}\n"
        "resources:\n  Book:\n    fields: {t: str}\n",
        "rate_limit.auth",
        "from 1 to 999999999",
        2,
    ),
    Bad(
        "rule-without-auth",
        _with_book("title: str\n", "    access: {read: user}\n", top="auth: {kind: none}\n"),
        "resources.Book.access.read",
        "every rule must be public",
        5,
    ),
    Bad(
        "name-not-snake",
        "name: Book-Shop\nresources:\n  Book:\n    fields: {t: str}\n",
        "name",
        "not a snake_case identifier; try 'book_shop'",
        1,
    ),
    Bad(
        "unique-together-group-repeated-in-another-order",
        _with_book(
            "title: str\npages: int\n", "    unique_together: [[title, pages], [pages, title]]\n"
        ),
        "resources.Book.unique_together[1]",
        "the same fields as unique_together[0]",
        4,
    ),
    Bad(
        "name-a-keyword",
        "name: class\nresources:\n  Book:\n    fields: {t: str}\n",
        "name",
        "'class' is a Python keyword, which no package can be named",
        1,
    ),
    Bad(
        "field-with-trailing-underscore-suggests-a-free-name",
        _with_book("id_: str\n"),
        "resources.Book.fields.id_",
        "is written as it is), e.g. 'id_value'",
        5,
    ),
    Bad(
        "keyword-field-with-trailing-underscore",
        _with_book("type_: str\n"),
        "resources.Book.fields.type_",
        "without leading, trailing or double underscores (a name Python keeps, such as "
        "'from' or 'class', is written as it is), e.g. 'type'",
        5,
    ),
    Bad(
        "resource-not-pascal",
        "name: shop\nresources:\n  book_item:\n    fields: {t: str}\n",
        "resources.book_item",
        "must be PascalCase and singular, e.g. 'BookItem'",
        3,
    ),
    Bad(
        "option-of-another-type",
        _with_book("pages: {type: int, max_length: 3}\n"),
        "resources.Book.fields.pages.max_length",
        "does not apply to type 'int'",
        5,
    ),
    Bad(
        "set-null-on-required-ref",
        _with_book("author: {type: ref, to: Author, on_delete: set_null}\n")
        + "  Author:\n    fields: {name: str}\n",
        "resources.Book.fields.author.on_delete",
        "needs an optional field",
        5,
    ),
    Bad("tab-indent", "name: shop\nresources:\n\tBook:\n", "", "never tabs", 3),
    Bad(
        "optional-shorthand-in-flow-mapping",
        "name: shop\nresources:\n  Book:\n    fields: {title: str, pages: int?}\n",
        "",
        "inside { } quote a shorthand that ends in '?', e.g. rank: \"int?\"",
        4,
    ),
    Bad(
        "enormous-length",
        _with_book("title: str(99999999999999999999)\n"),
        "resources.Book.fields.title",
        "must be less than or equal to 1073741823",
        5,
    ),
    Bad(
        "yes-as-key", _with_book("yes: str\n"), "resources.Book.fields.yes", "read as a boolean", 5
    ),
    Bad(
        "impossible-date",
        _with_book("due: {type: date, default: 2024-02-30}\n"),
        "resources.Book.fields.due.default",
        "reads as a date, but day is out of range",
        5,
    ),
    Bad(
        "field-served-as-a-ref",
        _with_book("author: ref(Author)\nauthor_id: str\n") + "  Author:\n    fields: {n: str}\n",
        "resources.Book.fields.author_id",
        "served as 'author_id'",
        6,
    ),
    Bad(
        "enum-class-clash",
        _with_book("read: enum(yes,no)\n"),
        "resources.Book.fields.read",
        "'BookRead', which is already the read schema",
        5,
    ),
    Bad(
        "required-ref-cycle",
        _with_book("author: ref(Author)\n") + "  Author:\n    fields: {book: ref(Book)}\n",
        "resources.Author",
        "required refs form a cycle (Author -> Book -> Author)",
        6,
    ),
    Bad(
        "misspelt-operation",
        _with_book("title: str\n", "    access: {lst: public}\n"),
        "resources.Book.access",
        "key 'lst' is not allowed here; did you mean 'list'?",
        4,
    ),
    Bad(
        "json-input",
        '{"name": "shop",\n "resources": {"Book": {"fields": {"t": "strr"}}}}\n',
        "resources.Book.fields.t",
        "did you mean 'str'?",
        2,
    ),
    Bad(
        "cache-a-century",
        _with_book("title: str\n", "    cache: 3153600000\n"),
        "resources.Book.cache",
        "must be less than or equal to 31536000",
        4,
    ),
    Bad(
        "docs-path",
        "name: shop\nresources:\n  Doc:\n    fields: {t: str}\n",
        "resources.Doc",
        "its plural 'docs' is a name the generated project uses",
        3,
    ),
    Bad(
        "health-path",
        "name: shop\nresources:\n  Check:\n    plural: health\n    fields: {t: str}\n",
        "resources.Check",
        "its plural 'health' is a name the generated project uses",
        3,
    ),
    Bad(
        "renamed-package-taken",
        "name: shop\nresources:\n  Error:\n    fields: {t: str}\n"
        "  Fault:\n    plural: errors_api\n    fields: {t: str}\n",
        "resources.Error",
        "its package is called 'errors_api' (the project has or imports a module 'errors'), "
        "which is also Fault's plural",
        3,
    ),
    Bad(
        "enum-value-twice",
        _with_book("size: enum(S, M, S)\n"),
        "resources.Book.fields.size.values[2]",
        "'S' is listed twice; drop one",
        5,
    ),
    Bad(
        "resource-named-like-an-import",
        "name: shop\nresources:\n  Paging:\n    fields: {title: str}\n",
        "resources.Paging",
        "resource name 'Paging' is used by the generated code; rename it "
        "(for example 'Pagination')",
        3,
    ),
    Bad(
        "model-class-taken",
        "name: shop\nresources:\n  Table:\n    fields: {seats: int}\n"
        "  TableModel:\n    fields: {seats: int}\n",
        "resources.Table",
        "its model class is called 'TableModel' (the generated code imports 'Table'), "
        "which is also a resource; rename one of them",
        3,
    ),
    Bad(
        "field-named-like-soft-delete",
        _with_book("deleted_at: datetime?\n"),
        "resources.Book.fields.deleted_at",
        "field name 'deleted_at' is reserved",
        5,
    ),
    Bad(
        # `\w` means ASCII in the generated schema (and in JSON Schema), not Unicode.
        "example-outside-ascii-word-class",
        _with_book("street: {type: str, pattern: '^[\\w ]+$', example: \"Rue de l'Église\"}\n"),
        "resources.Book.fields.street.example",
        "should match pattern '^[A-Za-z0-9_ ]+$'",
        5,
    ),
    # Pydantic's lax mode read these as the type the key wants, so the wrong type went
    # unnoticed, or (a default or example, rendered as written) into the generated code.
    Bad(
        "owned-as-text",
        _with_book("title: str\n", "    owned: 'yes'\n"),
        "resources.Book.owned",
        "expected true or false, got the text 'yes'",
        4,
    ),
    Bad(
        "soft-delete-as-number",
        _with_book("title: str\n", "    soft_delete: 1\n"),
        "resources.Book.soft_delete",
        "expected true or false, got the number 1",
        4,
    ),
    Bad(
        "cache-as-boolean",
        _with_book("title: str\n", "    cache: true\n"),
        "resources.Book.cache",
        "expected a whole number, got the boolean true",
        4,
    ),
    Bad(
        "unique-as-text",
        _with_book("title: {type: str, unique: 'true'}\n"),
        "resources.Book.fields.title.unique",
        "expected true or false, got the text 'true'",
        5,
    ),
    Bad(
        "max-length-as-text",
        _with_book("title: {type: str, max_length: '20'}\n"),
        "resources.Book.fields.title.max_length",
        "expected a whole number, got the text '20'",
        5,
    ),
    Bad(
        "bound-as-boolean",
        _with_book("pages: {type: int, ge: true}\n"),
        "resources.Book.fields.pages.ge",
        "expected a number, got the boolean true",
        5,
    ),
    Bad(
        "int-default-as-text",
        _with_book("pages: {type: int, default: '5'}\n"),
        "resources.Book.fields.pages.default",
        "default '5' is quoted text, but an int field takes a number; "
        "write it without quotes (default: 5)",
        5,
    ),
    Bad(
        "bool-default-as-text",
        _with_book("sold: {type: bool, default: 'yes'}\n"),
        "resources.Book.fields.sold.default",
        "default 'yes' is quoted text, but a bool field takes true or false; "
        "write it without quotes (default: true)",
        5,
    ),
    Bad(
        "int-example-as-boolean",
        _with_book("pages: {type: int, example: true}\n"),
        "resources.Book.fields.pages.example",
        "example true does not fit the field: input should be a valid integer",
        5,
    ),
    Bad(
        "float-default-as-text",
        _with_book("weight: {type: float, default: '1.5'}\n"),
        "resources.Book.fields.weight.default",
        "default '1.5' is quoted text, but a float field takes a number; "
        "write it without quotes (default: 1.5)",
        5,
    ),
    Bad(
        "required-field-defaults-to-null",
        _with_book("title: {type: str, default: null}\n"),
        "resources.Book.fields.title.default",
        "a required field cannot default to null; make it optional",
        5,
    ),
    # A write_only field is never returned; a filter, sort or search on it would tell
    # callers its values all the same (`?pin=1234` answers whether a row has that pin).
    Bad(
        "filter-on-write-only",
        _with_book("pin: {type: str, write_only: true}\n", "    filter: [pin]\n"),
        "resources.Book.filter[0]",
        "'pin' is write_only, and ?pin= would let callers find out its values",
        4,
    ),
    Bad(
        "sort-on-write-only",
        _with_book("pin: {type: str, write_only: true}\n", "    sort: [pin]\n"),
        "resources.Book.sort[0]",
        "?sort=pin would let callers find out its values",
        4,
    ),
    Bad(
        "search-on-write-only",
        _with_book("pin: {type: str, write_only: true}\n", "    search: [pin]\n"),
        "resources.Book.search[0]",
        "?q= would let callers find out its values",
        4,
    ),
    # A 409 on a unique write_only field answers the same question: does a row hold 1234?
    Bad(
        "unique-write-only",
        _with_book("pin: {type: str, write_only: true, unique: true}\n"),
        "resources.Book.fields.pin.unique",
        "a write_only field is never returned, yet a unique one answers 409",
        5,
    ),
    Bad(
        "write-only-in-unique-together",
        _with_book(
            "title: str\npin: {type: str, write_only: true}\n",
            "    unique_together: [[title, pin]]\n",
        ),
        "resources.Book.unique_together[0][1]",
        "'pin' is write_only, and a unique constraint on it answers 409",
        4,
    ),
    Bad(
        # Note's second ref to Book is /books/{id}/notes-by-editor, NotesByEditor's first
        # too: FastAPI served the first route only, and the generated test of the other failed.
        "two-reverse-listings-on-one-path",
        "name: shop\nresources:\n  Book:\n    fields: {t: str}\n  Note:\n"
        "    fields: {a: ref(Book), editor: ref(Book)}\n  NotesByEditor:\n"
        "    plural: notes_by_editor\n    fields: {book: ref(Book)}\n",
        "resources.NotesByEditor.fields.book",
        "its reverse listing /books/{id}/notes-by-editor is also Note.editor's",
        9,
    ),
    Bad(
        # Written into the generated package's docstring, it made the project unimportable
        # ("source code string cannot contain null bytes").
        "nul-in-title",
        _with_book("title: str\n", top='title: "Shop\\0"\n'),
        "title",
        "the value contains a NUL character",
        2,
    ),
    Bad(
        # Both were XYCaller in auth/dependencies.py, which mypy refused.
        "roles-with-one-dependency-name",
        _with_book("title: str\n", top="auth: {kind: local, roles: [x-y, x_y]}\n"),
        "auth.roles[1]",
        "role 'x_y' would get the dependency XYCaller, already used by role 'x-y'",
        2,
    ),
    Bad(
        "role-named-like-the-user-rule",
        _with_book("title: str\n", top="auth: {kind: local, roles: [user_]}\n"),
        "auth.roles[0]",
        "already used by the user and owner rules",
        2,
    ),
    Bad(
        # 61 characters, within the limit, but its column author..._id is 64: PostgreSQL
        # truncated it and every read of the row failed with a 500.
        "ref-column-too-long",
        _with_book(f"{'a' * 61}: {{type: ref, to: Book, optional: true}}\n"),
        f"resources.Book.fields.{'a' * 61}",
        "its column '" + "a" * 61 + "_id' is longer than 63 characters",
        5,
    ),
    Bad(
        "link-column-too-long",
        "name: shop\nresources:\n  Book:\n    fields: {title: str}\n"
        f"  {'B' * 61}:\n    plural: bees\n    fields: {{books: many(Book)}}\n",
        f"resources.{'B' * 61}.fields.books",
        f"its link table's column '{'b' * 61}_id' is longer than 63 characters",
        7,
    ),
    Bad(
        # max_length defaults to 255 for str: no value could have 300 characters.
        "min-length-above-the-default-max",
        _with_book("title: {type: str, min_length: 300}\n"),
        "resources.Book.fields.title.min_length",
        "min_length 300 is above max_length 255 (the default for str)",
        5,
    ),
    Bad(
        "empty-issuer",
        _with_book(
            "title: str\n",
            top="auth: {kind: jwks, jwks_url: 'https://i.example/k', issuer: '', audience: a}\n",
        ),
        "auth.issuer",
        "'issuer' is empty",
        2,
    ),
    Bad(
        "nul-in-default",
        _with_book('title: {type: str, default: "a\\0b"}\n'),
        "resources.Book.fields.title.default",
        "the value contains a NUL character",
        5,
    ),
]
# Origins that CORS (an exact comparison with the browser's Origin header) never matches.
BAD += [
    Bad(
        f"origin-{label}",
        _with_book("title: str\n", top=f"cors: {{origins: ['{origin}']}}\n"),
        "cors.origins[0]",
        fragment,
        2,
    )
    for label, origin, fragment in [
        ("upper-case", "https://App.example.com", "as 'https://app.example.com'"),
        ("default-port", "https://app.example.com:443", "as 'https://app.example.com'"),
        ("unicode-host", "https://bücher.example", "as 'https://xn--bcher-kva.example'"),
        ("wildcard-host", "https://*.example.com", "a wildcard would match nothing"),
        ("port-too-big", "http://localhost:99999", "has a port outside 1-65535"),
        ("user-name", "https://me@app.example.com", "has a user name"),
    ]
]
BAD += [
    Bad(
        "octal-default",
        _with_book("count: {type: int, default: 017}\n"),
        "resources.Book.fields.count.default",
        "'017' reads as the octal number 15 (YAML 1.1) or as 17 (YAML 1.2)",
        5,
    ),
    Bad(
        "underscored-default",
        _with_book("count: {type: int, default: 1_000}\n"),
        "resources.Book.fields.count.default",
        "'1_000' reads as the number 1000 (YAML 1.1) or as text (YAML 1.2); write 1000",
        5,
    ),
    Bad(
        "sexagesimal-default",
        _with_book("count: {type: int, default: 1:20}\n"),
        "resources.Book.fields.count.default",
        "'1:20' reads as a base-60 number",
        5,
    ),
    Bad(
        "date-default-of-str",
        _with_book("label: {type: str, default: 2024-01-01}\n"),
        "resources.Book.fields.label.default",
        "default 2024-01-01 is read as a date, but the field holds text; quote it",
        5,
    ),
    Bad(
        "number-example-of-str",
        _with_book("code: {type: str, example: 1.10}\n"),
        "resources.Book.fields.code.example",
        "is read as a number, but the field holds text; quote it as you mean it (example:",
        5,
    ),
    Bad(
        "boolean-default-of-enum",
        _with_book("answer: {type: enum, values: ['yes', 'no'], default: yes}\n"),
        "resources.Book.fields.answer.default",
        "default true is read as a boolean (YAML reads yes, no",
        5,
    ),
    # Each refusal says what to write instead, not only what is wrong.
    *(
        Bad(
            f"{kind}-example-as-text",
            _with_book(f"x: {{type: {kind}, example: '{written}'}}\n"),
            "resources.Book.fields.x.example",
            f"example '{written}' is quoted text, but {article} {kind} field takes {takes}; "
            f"write it without quotes (example: {meant})",
            5,
        )
        for kind, article, written, takes, meant in (
            ("float", "a", "1.5", "a number", "1.5"),
            ("bool", "a", "true", "true or false", "true"),
        )
    ),
    *(
        Bad(
            f"shorthand-as-mapping-type-{index}",
            _with_book(f"x: {{type: '{written}'}}\n"),
            "resources.Book.fields.x.type",
            f"type '{written}' is a shorthand; in a mapping, write its parts as keys: {keys}",
            5,
        )
        for index, (written, keys) in enumerate(
            (
                ("str(200)", "{type: str, max_length: 200}"),
                ("ref(Book)?", "{type: ref, optional: true, to: Book}"),
                ("enum(a, b)", "{type: enum, values: [a, b]}"),
            )
        )
    ),
    Bad(
        "ref-example-not-an-id",
        _with_book("parent: {type: ref, to: Book, optional: true, example: first}\n"),
        "resources.Book.fields.parent.example",
        "example 'first' is not an id; ids are a uuid (id: uuid), so write e.g. example: '",
        5,
    ),
    Bad(
        "many-example-not-ids",
        _with_book("peers: {type: many, to: Book, example: 3}\n", top="id: int\n"),
        "resources.Book.fields.peers.example",
        "example 3 is not a list of ids; ids are a whole number from 1 (id: int), "
        "so write e.g. example: [1]",
        6,
    ),
    *(
        Bad(
            f"empty-{key}",
            _with_book("t: str\n", top=f"{key}:\n"),
            key,
            "expected a mapping (key: value lines), got nothing (an empty value); "
            "write a value after the colon, or remove the key for its default",
            2,
        )
        for key in ("cors", "rate_limit")
    ),
    Bad(
        "datetime-default-beyond-utc",
        _with_book("at: {type: datetime, default: '9999-12-31T23:59:59-05:00'}\n"),
        "resources.Book.fields.at.default",
        "does not fit the field: it falls outside years 1-9999 once converted to UTC",
        5,
    ),
    Bad(
        "datetime-default-last-instant",
        _with_book("at: {type: datetime, default: '9999-12-31T23:59:59.999999Z'}\n"),
        "resources.Book.fields.at.default",
        "does not fit the field: it is the first or last instant of years 1-9999",
        5,
    ),
    Bad(
        "datetime-example-first-instant",
        _with_book("at: {type: datetime, example: '0001-01-01T01:00:00+01:00'}\n"),
        "resources.Book.fields.at.example",
        "does not fit the field: it is the first or last instant of years 1-9999",
        5,
    ),
    *(
        Bad(
            f"date-default-{name}",
            _with_book(f"day: {{type: date, default: '{written}'}}\n"),
            "resources.Book.fields.day.default",
            fragment,
            5,
        )
        for name, written, fragment in (
            ("midnight", "2024-01-01T00:00:00", "a date is written YYYY-MM-DD, e.g. 2024-01-31"),
            ("compact", "20240101", "a date is written YYYY-MM-DD, e.g. 2024-01-31"),
            ("missing-day", "2024-02-30", "day is out of range for month; write a day that exists"),
        )
    ),
    Bad(
        "datetime-example-with-a-space",
        _with_book("at: {type: datetime, example: '2024-01-01 10:00:00Z'}\n"),
        "resources.Book.fields.at.example",
        "a datetime is written like 2024-05-01T12:00:00Z: a T, seconds, a zone",
        5,
    ),
    Bad(
        "no-resources",
        "name: shop\nresources: {}\n",
        "resources",
        "add one, e.g. Book: {fields: {title: str}}",
        2,
    ),
    Bad(
        "no-fields",
        "name: shop\nresources:\n  Book:\n    fields: {}\n",
        "resources.Book.fields",
        "add one, e.g. title: str",
        4,
    ),
    Bad(
        "jwks-key-without-jwks",
        _with_book("t: str\n", top="auth: {kind: local, issuer: x}\n"),
        "auth.issuer",
        "applies only to auth.kind jwks; remove it, or set kind: jwks",
        2,
    ),
    Bad(
        "role-not-lower-case",
        _with_book("t: str\n", top="auth: {roles: [Data Steward]}\n"),
        "auth.roles[0]",
        "e.g. 'data-steward'",
        2,
    ),
    Bad(
        "rule-as-role",
        _with_book("t: str\n", top="auth: {roles: [owner]}\n"),
        "auth.roles[0]",
        "is an access rule, not a role name; drop it from roles",
        2,
    ),
    Bad(
        "jwks-without-audience",
        _with_book(
            "t: str\n", top="auth: {kind: jwks, jwks_url: 'https://i.example/k', issuer: i}\n"
        ),
        "auth",
        "auth.kind jwks needs 'audience'; add it: audience: my-api",
        2,
    ),
    Bad(
        "jwks-url-not-http",
        _with_book(
            "t: str\n", top="auth: {kind: jwks, jwks_url: 'ftp://k', issuer: i, audience: a}\n"
        ),
        "auth.jwks_url",
        "e.g. https://issuer.example.com/.well-known/jwks.json",
        2,
    ),
    Bad(
        "many-with-unique",
        _with_book("tags: {type: many, to: Book, unique: true}\n"),
        "resources.Book.fields.tags.unique",
        "'unique' does not apply to a many field; drop it",
        5,
    ),
    Bad(
        "unique-json",
        _with_book("meta: {type: json, unique: true}\n"),
        "resources.Book.fields.meta.unique",
        "a json field cannot be unique; drop unique",
        5,
    ),
    Bad(
        "read-only-and-write-only",
        _with_book("pin: {type: str, read_only: true, write_only: true, default: x}\n"),
        "resources.Book.fields.pin",
        "both read_only and write_only; drop one",
        5,
    ),
    Bad(
        "bounds-crossed",
        _with_book("n: {type: int, ge: 5, le: 1}\n"),
        "resources.Book.fields.n.ge",
        "ge 5 is above le 1, so no value fits; lower ge or raise le",
        5,
    ),
    Bad(
        "sort-on-json",
        _with_book("meta: json\n", "    sort: [meta]\n"),
        "resources.Book.sort[0]",
        "'meta' is json and cannot be sorted; drop it from sort",
        4,
    ),
    Bad(
        "filter-on-json",
        _with_book("meta: json\n", "    filter: [meta]\n"),
        "resources.Book.filter[0]",
        "'meta' is json and cannot be filtered; drop it from filter",
        4,
    ),
    Bad(
        "unique-together-repeats",
        _with_book("a: str\nb: str\n", "    unique_together: [[a, a, b]]\n"),
        "resources.Book.unique_together[0][1]",
        "'a' is listed twice in this group; drop one",
        4,
    ),
    Bad(
        "unique-together-json",
        _with_book("a: str\nmeta: json\n", "    unique_together: [[a, meta]]\n"),
        "resources.Book.unique_together[0][1]",
        "cannot be part of a unique constraint; drop it from this group",
        4,
    ),
]
CLI_CASES = [
    "date-default-midnight",  # `new` failed with "internal error: ValueError"
    "datetime-default-beyond-utc",  # `new` failed with "internal error: OverflowError"
    "misspelt-type",
    "unique-bool",
    "tab-indent",
    "resources-list",
    "json-input",
    "int-default-as-text",
    "nul-in-title",
    "octal-default",
    "date-default-of-str",
]


def _by_id(ids: list[str]) -> list[Bad]:
    return [bad for bad in BAD if bad.id in ids]


def test_the_cases_are_distinct() -> None:
    assert len({bad.id for bad in BAD}) == len(BAD) >= 20
    assert len({bad.text for bad in BAD}) == len(BAD)


@pytest.mark.parametrize("bad", BAD, ids=lambda bad: bad.id)
def test_a_bad_spec_is_reported_where_it_is(bad: Bad) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(bad.text, "spec.yaml")
    found = [
        problem
        for problem in caught.value.problems
        if problem.path == bad.path and bad.fragment in problem.message
    ]
    assert found, f"no problem at {bad.path!r} containing {bad.fragment!r} in:\n{caught.value}"
    assert found[0].line == bad.line, str(caught.value)


def test_a_role_listed_twice_is_one_problem() -> None:
    """The second 'editor' used to be reported twice: listed twice, and as taking the
    dependency alias EditorCaller from the first."""
    text = (
        "name: shop\nauth: {kind: local, roles: [editor, editor]}\n" + _with_book("t: str\n")[11:]
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")
    assert [problem.message for problem in caught.value.problems] == [
        "role 'editor' is listed twice; drop one"
    ]


@pytest.mark.parametrize("bad", _by_id(CLI_CASES), ids=lambda bad: bad.id)
def test_check_exits_2_without_a_traceback(bad: Bad, tmp_path: Path) -> None:
    spec = tmp_path / "backsmith.yaml"
    spec.write_text(bad.text, encoding="utf-8")

    result = CliRunner().invoke(app, ["check", str(spec)])

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert bad.fragment in result.stderr
    assert f"{spec}:{bad.line}:" in result.stderr


@pytest.mark.parametrize("bad", _by_id(CLI_CASES), ids=lambda bad: bad.id)
def test_new_writes_nothing_for_a_bad_spec(
    bad: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec" / "backsmith.yaml"
    spec.parent.mkdir()
    spec.write_text(bad.text, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    result = CliRunner().invoke(app, ["new", str(spec)])
    explicit = CliRunner().invoke(app, ["new", str(spec), "-o", str(work / "out")])

    assert (result.exit_code, explicit.exit_code) == (2, 2)
    assert "Traceback" not in result.output + explicit.output
    assert list(work.iterdir()) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["spec", "work"]
