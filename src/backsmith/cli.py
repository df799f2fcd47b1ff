"""The `backsmith` command: a thin Typer + Rich skin over the public API.

Each command parses its arguments, calls one function of `backsmith`, and renders
what comes back. `_Commands.invoke` is the one place where errors become exit codes:
a `BacksmithError` prints its message (never a traceback) and exits with its
`exit_code`; anything else is a bug in backsmith, reported in one line with exit 70.
"""

from __future__ import annotations

import errno
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

import backsmith
from backsmith.spec.model import Operation
from backsmith.spec.resolved import Field, ProjectInfo, ResourceInfo
from backsmith.spec.schema import spec_schema_text

INTERNAL_ERROR = 70
"""EX_SOFTWARE from sysexits.h: the failure is backsmith's, not the user's."""


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int) -> NoReturn:
    _err().print(Text("error: ", style="bold red") + Text(message))
    raise typer.Exit(code)


class _Commands(TyperGroup):
    """Runs every command inside the one error-to-exit-code mapping."""

    def invoke(self, ctx: Any) -> Any:  # Any: the Context class is typer's private click copy
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except backsmith.SpecError as error:
            count = len(error.problems)
            heading = f"{count} problems in {error.source}:\n" if count > 1 else ""
            _fail(heading + str(error), error.exit_code)
        except backsmith.BacksmithError as error:
            _fail(str(error), error.exit_code)
        except BrokenPipeError:
            # The reader went away (`backsmith schema | head -1`): stop quietly, as
            # other tools do, and keep Python from complaining as it flushes at exit.
            _silence_stdout()
            raise typer.Exit(1) from None
        except OSError as error:
            if error.errno not in _ENVIRONMENT_ERRNOS:
                _report_internal(error)
            _silence_stdout()
            _fail(
                f"cannot write {error.filename or 'the output'} ({error.strerror}); "
                "free some space, or send the output elsewhere",
                1,
            )
        except Exception as error:  # noqa: BLE001 - the one place that catches everything
            _report_internal(error)


_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EFBIG})
"""Write failures that are the machine's state (a full disk, a read-only one), not a bug."""


def _report_internal(error: BaseException) -> NoReturn:
    _fail(
        "internal error, please report it with the command you ran: "
        f"{type(error).__name__}: {error}",
        INTERNAL_ERROR,
    )


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's): nothing to flush
        pass


app = typer.Typer(
    cls=_Commands,
    name="backsmith",
    help="Generate FastAPI projects from a YAML spec.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"backsmith {backsmith.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Generate FastAPI projects from a YAML spec."""


SpecArgument = Annotated[
    Path, typer.Argument(help="The spec file (or a folder holding backsmith.yaml).")
]


@app.command()
def check(spec: SpecArgument) -> None:
    """Validate a spec and show what it describes: resources, fields, routes and access."""
    project = backsmith.check(spec)
    out = _out()
    _print_summary(out, project)
    warnings = project.warnings()
    _print_warnings(str(spec), warnings)
    count = len(warnings)
    noted = f", with {count} warning{'s' if count > 1 else ''} above" if count else ""
    out.print(Text(f"{spec}: the spec is valid{noted}.", style="green"))


def _print_warnings(source: str, warnings: list[backsmith.Problem]) -> None:
    """Each on stderr, placed as an error would be: valid specs, so the exit code stays 0."""
    for warning in warnings:
        _err().print(Text("warning: ", style="bold yellow") + Text(warning.render(source)))


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the schema to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the spec's JSON Schema, for editors (yaml-language-server) and other tools."""
    if output is None:
        typer.echo(spec_schema_text(), nl=False)
        return
    backsmith.write_spec_schema(output)
    out = _out()
    out.print(f"Wrote {output}. To use it in an editor, start the spec with:")
    out.print(f"  # yaml-language-server: $schema={output}", markup=False)


@app.command()
def new(
    spec: SpecArgument,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="The project folder (default: ./<name> from the spec)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a folder that is not empty; a file that would change is "
            "never replaced (the command stops and names it).",
        ),
    ] = False,
) -> None:
    """Generate a FastAPI project from a spec."""
    generated = backsmith.new_project(spec, output, force=force)
    _print_warnings(str(spec), generated.warnings)
    folder = generated.folder
    out = _out()
    # The generated files only: with --force the folder may hold the user's own (a .venv).
    files = [Path(name) for name in generated.files]
    shown = _shown_path(folder)
    out.print(Text(f"Wrote {len(files)} files to {shown}", style="bold green"))
    by_folder: dict[str, list[str]] = defaultdict(list)
    for path in files:
        by_folder[path.parent.as_posix()].append(path.name)
    for parent, names in by_folder.items():
        label = "./" if parent == "." else f"{parent}/"
        out.print(Text(f"  {label:<36}", style="cyan") + Text(" ".join(names)))
    # The project records the spec it was made from: read that, not the user's file again.
    package = backsmith.load_spec(folder).name
    out.print("\nNext:")
    out.print(f"  cd {shown} && pip install -e '.[dev]'", markup=False)
    out.print(f"  python -m {package} migrate && python -m {package} serve --reload", markup=False)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="The port to serve on.", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="The demo's working folder, replaced on each run "
            "(default: ./.backsmith-demo/taskboard).",
        ),
    ] = None,
) -> None:
    """Generate the taskboard demo, seed it and serve it with its API docs (Ctrl-C stops)."""
    code = backsmith.demo(host=host, port=port, folder=folder, console=_out())
    if code:
        raise typer.Exit(code)


def main() -> None:
    """Run the command line; `backsmith.__main__.main`, the entry point, calls this."""
    app()


# -- the summary `check` prints ------------------------------------------------


def _print_summary(out: Console, project: ProjectInfo) -> None:
    auth = (
        project.auth if not project.roles else f"{project.auth}, roles: {', '.join(project.roles)}"
    )
    out.print(Text(f"{project.title}", style="bold") + Text(f"  ({project.name})"))
    out.print(
        f"auth {auth}; ids {project.id_kind}; {len(project.resources)} resources", markup=False
    )
    for resource in project.resources:
        out.print()
        out.print(_fields_table(resource))
    out.print()
    out.print(_routes_table(project))


def _fields_table(resource: ResourceInfo) -> Table:
    extras = [
        label
        for label, on in (
            ("owned", resource.owned),
            ("soft delete", resource.soft_delete),
            (f"cached {resource.cache}s", bool(resource.cache)),
        )
        if on
    ]
    for key in ("sort", "filter", "search"):
        listed = resource.query_names(key)
        if listed:
            extras.append(f"{key}: {', '.join(listed)}")
    implicit = "id, created_at, updated_at" + (", owner_id" if resource.owned else "")
    table = Table(
        title=f"{resource.name}  {resource.path}",
        title_justify="left",
        caption=f"also {implicit}" + ("; " + "; ".join(extras) if extras else ""),
        caption_justify="left",
    )
    table.add_column("field")
    table.add_column("type")
    table.add_column("options")
    for item in resource.fields:
        table.add_row(item.wire, _type_label(item), _options_label(item))
    return table


def _type_label(item: Field) -> str:
    spec = item.spec
    if item.kind == "str":
        label = f"str({item.max_length})"
    elif item.kind == "text" and spec.max_length:
        label = f"text({spec.max_length})"
    elif item.kind == "decimal":
        label = f"decimal({item.max_digits},{item.decimal_places})"
    elif item.kind == "enum":
        label = f"enum({', '.join(spec.values or [])})"
    elif item.kind in ("ref", "many") and item.target is not None:
        label = f"{item.kind} -> {item.target.name}"
    else:
        label = item.kind
    return label + ("?" if item.optional else "")


def _options_label(item: Field) -> str:
    spec = item.spec
    options = [
        name
        for name in ("unique", "index", "read_only", "write_only", "immutable")
        if getattr(spec, name)
    ]
    if item.has_default:
        options.append(f"default {spec.default}")
    if item.kind == "ref":
        options.append(f"on delete {item.on_delete}")
    if spec.min_length is not None:
        options.append(f"min length {spec.min_length}")
    if spec.pattern is not None:
        options.append(f"pattern {spec.pattern}")
    for bound, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        value = getattr(spec, bound)
        if value is not None:
            options.append(f"{sign} {value}")
    return ", ".join(options)


def _routes_table(project: ProjectInfo) -> Table:
    table = Table(title="Routes", title_justify="left")
    table.add_column("method")
    table.add_column("path")
    table.add_column("operation")
    table.add_column("access")
    for resource in project.resources:
        rows: list[tuple[str, str, Operation]] = [
            ("GET", resource.path, "list"),
            ("POST", resource.path, "create"),
            ("GET", f"{resource.path}/{{id}}", "read"),
            ("PATCH", f"{resource.path}/{{id}}", "update"),
            ("DELETE", f"{resource.path}/{{id}}", "delete"),
        ]
        for method, path, operation in rows:
            rule = resource.access[operation]
            table.add_row(method, path, f"{resource.name}.{operation}", _rule(rule))
        for reverse in resource.reverses:
            path = f"{resource.path}/{{id}}/{reverse.segment}"
            rule = reverse.child.access["list"]
            table.add_row("GET", path, f"{reverse.child.name}.list", _rule(rule))
    if project.auth == "local":
        table.add_row("POST", "/auth/register, login, refresh, logout", "auth", _rule("public"))
        table.add_row("GET, PATCH", "/auth/me", "auth", _rule("user"))
        table.add_row("GET, PATCH, DELETE", "/users, /users/{id}", "users", _rule("admin"))
    if project.auth_on:
        table.add_row("GET", "/audit-events", "audit", _rule("admin"))
    table.add_row("GET", "/health/live, /health/ready", "health", _rule("public"))
    return table


def _rule(rule: str) -> Text:
    style = {"public": "green", "user": "cyan", "owner": "magenta"}.get(rule, "yellow")
    return Text(rule, style=style)


def _shown_path(folder: Path) -> str:
    """`./shop` when the folder is under the current one, else the absolute path."""
    try:
        relative = folder.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):  # OSError: the current folder was deleted meanwhile
        return str(folder)
    return "." if relative == "." else f"./{relative}"


if __name__ == "__main__":
    main()
