"""Checks on the names the generator derives: tables, link tables, classes, wire names.

These run on the resolved project, once every other check has passed, so they test
the very names the renderer will write (`resolved.py` derives each of them in one
place) instead of a second copy of those rules that could drift.
"""

from __future__ import annotations

from collections.abc import Iterator

from backsmith.spec.checks import KeyPath
from backsmith.spec.resolved import ProjectInfo, ResourceInfo

MAX_IDENTIFIER = 63
"""PostgreSQL silently truncates longer names, so two long names could become one."""
SCHEMA_SUFFIXES = ("Create", "Update", "Read", "Query")
"""The classes `schemas.py` defines for every resource: `BookCreate`, `BookRead`..."""


def check_clashes(project: ProjectInfo) -> Iterator[tuple[KeyPath, str]]:
    """Every derived name that two things would share, each at the key path to change."""
    yield from _tables(project)
    yield from _classes(project)
    yield from _reverse_routes(project)
    yield from _long_columns(project)
    for resource in project.resources:
        yield from _wire_names(resource)


def _tables(project: ProjectInfo) -> Iterator[tuple[KeyPath, str]]:
    owners = {"alembic_version": "Alembic's own version table"}
    if project.auth == "local":
        owners |= {"users": "the users table", "refresh_tokens": "the refresh tokens table"}
    for resource in project.resources:
        path: KeyPath = ("resources", resource.name)
        if resource.table in owners:
            yield (
                path,
                (
                    f"its table '{resource.table}' is {owners[resource.table]}; "
                    "set 'plural:' to another name"
                ),
            )
        elif len(resource.table) > MAX_IDENTIFIER:
            yield (
                path,
                (
                    f"its table name '{resource.table}' is longer than {MAX_IDENTIFIER} "
                    "characters, which PostgreSQL truncates; set a shorter 'plural:'"
                ),
            )
        owners.setdefault(resource.table, f"the table of resource {resource.name}")
    for resource, item in project.link_tables:
        if item.link is None:
            continue
        table = item.link.table
        path = ("resources", resource.name, "fields", item.name)
        if table in owners:
            yield (
                path,
                (
                    f"its link table '{table}' (table '{resource.table}' + '_' + field name) is "
                    f"also {owners[table]}; rename the field, or set 'plural:' on {resource.name}"
                ),
            )
        elif len(table) > MAX_IDENTIFIER:
            yield (
                path,
                (
                    f"its link table name '{table}' is longer than {MAX_IDENTIFIER} characters, "
                    "which PostgreSQL truncates; shorten the field name"
                ),
            )
        owners.setdefault(table, f"the link table of {resource.name}.{item.name}")


def _classes(project: ProjectInfo) -> Iterator[tuple[KeyPath, str]]:
    owners: dict[str, str] = {}
    for resource in project.resources:
        owners.setdefault(resource.name, f"the model of resource {resource.name}")
        for suffix in SCHEMA_SUFFIXES:
            owners.setdefault(
                resource.name + suffix, f"the {suffix.lower()} schema of {resource.name}"
            )
    for resource in project.resources:
        for item in resource.enums:
            name = item.enum_class
            path: KeyPath = ("resources", resource.name, "fields", item.name)
            if name in owners:
                yield (
                    path,
                    (
                        f"its enum class would be '{name}', which is already {owners[name]}; "
                        "rename the field"
                    ),
                )
            owners.setdefault(name, f"the enum of {resource.name}.{item.name}")


def _wire_names(resource: ResourceInfo) -> Iterator[tuple[KeyPath, str]]:
    taken = {"id": "the id", "created_at": "a timestamp", "updated_at": "a timestamp"}
    if resource.owned:
        taken["owner_id"] = "the owner"
    if resource.soft_delete:
        taken["deleted_at"] = "the soft-delete timestamp"
    for item in resource.fields:
        if item.wire in taken:
            yield (
                ("resources", resource.name, "fields", item.name),
                (
                    f"it is served as '{item.wire}', which is already {taken[item.wire]}; "
                    "rename one of them"
                ),
            )
        taken.setdefault(item.wire, f"the field '{item.name}'")


def _reverse_routes(project: ProjectInfo) -> Iterator[tuple[KeyPath, str]]:
    """Two reverse listings on one path (`Note`'s second ref `editor` to Book gives
    `/books/{id}/notes-by-editor`, as does `NotesByEditor`'s first): the second would
    never be reached."""
    for parent in project.resources:
        owners: dict[str, str] = {}
        for reverse in parent.reverses:
            path: KeyPath = ("resources", reverse.child.name, "fields", reverse.field.name)
            route = f"{parent.path}/{{id}}/{reverse.segment}"
            if reverse.segment in owners:
                yield (
                    path,
                    (
                        f"its reverse listing {route} is also {owners[reverse.segment]}'s; "
                        f"rename the field, or set 'plural:' on {reverse.child.name}"
                    ),
                )
            owners.setdefault(reverse.segment, f"{reverse.child.name}.{reverse.field.name}")


def _long_columns(project: ProjectInfo) -> Iterator[tuple[KeyPath, str]]:
    """Columns PostgreSQL would truncate: a ref `<field>_id`, and a link table's
    `<resource>_id` beside `<target>_id`. The queries name them in full, so every read
    of the row would fail there (while SQLite keeps long names)."""
    for resource in project.resources:
        for item in resource.fields:
            path: KeyPath = ("resources", resource.name, "fields", item.name)
            if item.link is not None:
                columns = [item.link.left_column, item.link.right_column]
                for column in [column for column in columns if len(column) > MAX_IDENTIFIER]:
                    yield (
                        path,
                        (
                            f"its link table's column '{column}' is longer than "
                            f"{MAX_IDENTIFIER} characters, which PostgreSQL truncates; "
                            "shorten the resource's name or the field's"
                        ),
                    )
            elif len(item.column) > MAX_IDENTIFIER:
                yield (
                    path,
                    (
                        f"its column '{item.column}' is longer than {MAX_IDENTIFIER} characters, "
                        "which PostgreSQL truncates; shorten the field name"
                    ),
                )
