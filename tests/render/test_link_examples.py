"""A ref or many field's `example` is an id of the project's kind, and the schemas show it."""

from __future__ import annotations

from backsmith import parse_spec
from backsmith.render import samples
from backsmith.spec.resolved import resolve

SPEC = """\
name: shop
auth: {kind: none}
resources:
  Tag:
    fields: {label: str}
  Book:
    fields:
      tag: {type: ref, to: Tag, example: 0b7e2f1c-3c9a-4a51-9d0e-6a1f5b2c8d47}
      tags: {type: many, to: Tag, example: [5d1c8e0a-2b7f-4c3e-9a61-8f0d2e4b7c19]}
      other: {type: ref, to: Tag, optional: true}
"""


def test_the_examples_of_refs_and_manys_are_shown() -> None:
    book = next(item for item in resolve(parse_spec(SPEC)).resources if item.name == "Book")
    tag, tags, other = book.fields

    assert samples.example(tag) == "0b7e2f1c-3c9a-4a51-9d0e-6a1f5b2c8d47"
    assert samples.example(tags) == ["5d1c8e0a-2b7f-4c3e-9a61-8f0d2e4b7c19"]
    assert samples.example(other) is None
    for body in (samples.create_body(book), samples.read_body(book)):
        assert body["tag_id"] == "0b7e2f1c-3c9a-4a51-9d0e-6a1f5b2c8d47"
        assert body["tags"] == ["5d1c8e0a-2b7f-4c3e-9a61-8f0d2e4b7c19"]
        assert body["other_id"] == samples.example_id("uuid", "Tag")
