"""Rights a valid spec grants that no caller can use as written are warned about, not refused."""

from __future__ import annotations

import pytest

from backsmith.spec.loader import parse_spec
from backsmith.spec.resolved import resolve


def _warnings(access: str, *, owned: bool = True) -> dict[str, str]:
    spec = (
        "name: shop\nauth: {kind: local, roles: [clerk, auditor]}\nresources:\n  Order:\n"
        f"    owned: {str(owned).lower()}\n    access: {access}\n    fields: {{title: str}}\n"
    )
    return {problem.path: problem.message for problem in resolve(parse_spec(spec)).warnings()}


@pytest.mark.parametrize(
    ("access", "warned"),
    [
        ("{list: user, read: owner}", ["list"]),
        ("{list: auditor, read: owner}", ["list"]),
        ("{list: public, read: user}", ["list"]),
        ("{list: owner, read: clerk}", ["list", "update", "delete"]),
        ("{list: clerk, read: admin, update: clerk, delete: clerk}", ["list", "update", "delete"]),
        ("{list: owner, read: owner, update: user}", ["update"]),
        ("{list: owner, read: owner, delete: clerk}", ["delete"]),
    ],
)
def test_a_list_or_a_change_wider_than_read_is_warned_about(access: str, warned: list[str]) -> None:
    found = _warnings(access)
    assert sorted(found) == sorted(f"resources.Order.access.{op}" for op in warned)


@pytest.mark.parametrize(
    "access",
    [
        "{}",
        "{list: owner, read: owner}",
        "{list: owner, read: user, update: owner, delete: admin}",
        "{list: clerk, read: user, update: clerk, delete: owner}",
        "{list: admin, read: admin, update: admin, delete: admin}",
        "{list: public, read: public, update: user, delete: clerk}",
    ],
)
def test_rights_within_read_are_not_warned_about(access: str) -> None:
    assert _warnings(access) == {}


def test_the_warning_names_the_rules_the_defaults_and_what_was_meant() -> None:
    found = _warnings("{read: owner, update: clerk}")
    assert found["resources.Order.access.list"] == (
        "list: user (the default) is wider than read: owner: any signed-in user may list "
        "Order rows that read then refuses them; you probably meant list: owner (each caller "
        "lists their own rows), or read: user"
    )
    assert found["resources.Order.access.update"] == (
        "update: clerk is wider than read: owner: the row is looked up under the read rule, "
        "so a clerk caller who may not read an Order always gets 404 from update; you "
        "probably meant update: owner, or read: clerk"
    )
