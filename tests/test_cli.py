"""The `backsmith` command line: what each command prints, writes and exits with."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import backsmith
from backsmith.cli import app
from backsmith.demo import runner
from backsmith.errors import GenerationError
from backsmith.render import writer

TASKBOARD = Path(__file__).resolve().parents[1] / "src" / "backsmith" / "demo" / "taskboard.yaml"
MINIMAL = (
    "name: mini\nauth: {kind: none}\nresources:\n  Note:\n    fields:\n      title: str(100)\n"
)


def _run(*arguments: str) -> Result:
    return CliRunner().invoke(app, list(arguments), env={"COLUMNS": "200"})


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec" / "backsmith.yaml"
    path.parent.mkdir()
    path.write_text(MINIMAL, encoding="utf-8")
    return path


@pytest.fixture
def tiny_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render two files instead of a project: `new`'s own behaviour, in milliseconds."""
    monkeypatch.setattr(
        "backsmith.generate.render_project",
        lambda project, spec_text: {"backsmith.yaml": spec_text, "src/mini/__init__.py": ""},
    )


class TestCheck:
    def test_it_summarises_resources_fields_and_routes(self) -> None:
        result = _run("check", str(TASKBOARD))

        assert result.exit_code == 0, result.output
        out = result.stdout
        assert "Taskboard API" in out
        assert "roles: admin, manager" in out
        for expected in (
            "Task  /tasks",
            "ref -> Project",
            "enum(todo, doing, done)",
            "many -> Label",
            "decimal(12,2)?",
            "on delete set_null",
        ):
            assert expected in out
        rows = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
        assert "POST /projects Project.create manager" in rows
        assert "DELETE /comments/{id} Comment.delete owner" in rows
        assert "GET /labels Label.list public" in rows
        assert "GET /projects/{id}/tasks Task.list user" in rows
        assert "GET /audit-events audit admin" in rows
        assert "GET /health/live, /health/ready health public" in rows
        assert "the spec is valid" in out

    def test_without_auth_no_audit_route_but_health_checks_remain(self, spec: Path) -> None:
        result = _run("check", str(spec))

        assert result.exit_code == 0, result.output
        rows = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines()]
        assert "GET /notes Note.list public" in rows
        assert "GET /health/live, /health/ready health public" in rows
        assert not any("/audit-events" in row or "/auth/" in row for row in rows)

    def test_a_bad_spec_exits_2_with_every_problem_on_stderr(self, spec: Path) -> None:
        spec.write_text(MINIMAL.replace("str(100)", "strr") + "    sortt: [title]\n")

        result = _run("check", str(spec))

        assert result.exit_code == 2
        assert result.stdout == ""
        assert "2 problems" in result.stderr
        assert f"{spec}:6:14: resources.Note.fields.title: unknown type 'strr'" in result.stderr
        assert f"{spec}:7:5: resources.Note: unknown key 'sortt'; did you mean 'sort'?" in (
            result.stderr
        )
        assert "Traceback" not in result.output

    def test_rights_no_caller_can_use_are_warned_about_on_stderr(self, spec: Path) -> None:
        """`list` wider than `read`: valid per the contract, so exit 0, but said."""
        spec.write_text(
            MINIMAL.replace("{kind: none}", "{kind: local}")
            + "    owned: true\n    access: {list: user, read: owner}\n"
        )

        result = _run("check", str(spec))

        assert result.exit_code == 0, result.output
        assert f"warning: {spec}: resources.Note.access.list: list: user is wider" in (
            result.stderr
        )
        assert "the spec is valid, with 1 warning above." in result.stdout

    def test_a_missing_file_exits_2(self, tmp_path: Path) -> None:
        result = _run("check", str(tmp_path / "nope.yaml"))

        assert result.exit_code == 2
        assert "no such file" in result.stderr


class TestSchema:
    def test_it_prints_the_schema(self) -> None:
        result = _run("schema")

        assert result.exit_code == 0
        assert json.loads(result.stdout) == backsmith.spec_schema()

    def test_it_writes_the_schema_and_says_how_to_use_it(self, tmp_path: Path) -> None:
        target = tmp_path / "backsmith.schema.json"

        result = _run("schema", "-o", str(target))

        assert result.exit_code == 0
        assert json.loads(target.read_text()) == backsmith.spec_schema()
        assert f"# yaml-language-server: $schema={target}" in result.stdout

    def test_a_file_that_is_no_schema_is_never_overwritten(self, spec: Path) -> None:
        result = _run("schema", "-o", str(spec))

        assert result.exit_code == 3
        assert "exists and is not a backsmith schema" in result.stderr
        assert spec.read_text(encoding="utf-8") == MINIMAL

    def test_an_earlier_schema_is_replaced(self, tmp_path: Path) -> None:
        target = tmp_path / "backsmith.schema.json"
        older = {**backsmith.spec_schema(), "properties": {}}
        target.write_text(json.dumps(older), encoding="utf-8")

        result = _run("schema", "-o", str(target))

        assert result.exit_code == 0, result.output
        assert json.loads(target.read_text()) == backsmith.spec_schema()
        assert [path.name for path in tmp_path.iterdir()] == ["backsmith.schema.json"]

    def test_a_failed_write_leaves_the_earlier_schema_whole(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "backsmith.schema.json"
        target.write_text(json.dumps(backsmith.spec_schema()), encoding="utf-8")
        before = target.read_text()

        def full(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("backsmith.spec.schema.os.replace", full)

        result = _run("schema", "-o", str(target))

        assert result.exit_code == 3
        assert "No space left on device" in result.stderr
        assert target.read_text() == before
        assert [path.name for path in tmp_path.iterdir()] == ["backsmith.schema.json"]

    def test_an_unwritable_path_is_a_project_error(self, tmp_path: Path) -> None:
        result = _run("schema", "-o", str(tmp_path / "missing" / "schema.json"))

        assert result.exit_code == 3
        assert "cannot write" in result.stderr

    @pytest.mark.parametrize(
        ("failure", "message"),
        [
            (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "cannot write the output"),
            (BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)), ""),
        ],
        ids=["disk-full", "reader-gone"],
    )
    def test_output_that_cannot_be_written_is_no_internal_error(
        self, monkeypatch: pytest.MonkeyPatch, failure: OSError, message: str
    ) -> None:
        def fail(*args: Any, **kwargs: Any) -> None:
            raise failure

        monkeypatch.setattr("backsmith.cli.typer.echo", fail)

        result = _run("schema")

        assert result.exit_code == 1
        assert "internal error" not in result.stderr
        assert message in result.stderr
        if not message:
            assert result.stderr == ""

    def test_any_other_os_error_is_still_reported_as_a_bug(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def fail(*args: Any, **kwargs: Any) -> None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")

        monkeypatch.setattr("backsmith.cli.typer.echo", fail)

        result = _run("schema")

        assert result.exit_code == 70
        assert "internal error" in result.stderr


class TestNew:
    def test_it_generates_into_an_empty_folder(self, spec: Path, tmp_path: Path) -> None:
        target = tmp_path / "out"
        target.mkdir()

        result = _run("new", str(spec), "-o", str(target))

        assert result.exit_code == 0, result.output
        assert (target / "pyproject.toml").is_file()
        assert (target / "src" / "mini" / "main.py").is_file()
        assert (target / "backsmith.yaml").read_text() == MINIMAL
        assert "Wrote" in result.stdout
        assert f"cd {target} && pip install -e '.[dev]'" in result.stdout
        assert "python -m mini migrate && python -m mini serve --reload" in result.stdout

    @pytest.mark.usefixtures("tiny_render")
    def test_it_warns_of_rights_no_caller_can_use(self, spec: Path, tmp_path: Path) -> None:
        spec.write_text(
            MINIMAL.replace("{kind: none}", "{kind: local}") + "    access: {read: admin}\n"
        )

        result = _run("new", str(spec), "-o", str(tmp_path / "out"))

        assert result.exit_code == 0, result.output
        assert "Wrote" in result.stdout
        expected = "resources.Note.access.list: list: user (the default) is wider than read: admin"
        assert f"warning: {spec}: {expected}" in result.stderr
        warnings = backsmith.new_project(spec, tmp_path / "again").warnings
        assert [warning.path for warning in warnings] == ["resources.Note.access.list"]

    @pytest.mark.usefixtures("tiny_render")
    def test_the_default_folder_is_the_spec_name(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)

        result = _run("new", str(spec))

        assert result.exit_code == 0, result.output
        assert (tmp_path / "mini" / "src" / "mini" / "__init__.py").is_file()
        assert "cd ./mini" in result.stdout

    def test_a_folder_that_is_not_empty_is_refused_without_force(
        self, spec: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "out"
        target.mkdir()
        (target / "mine.txt").write_text("keep me")

        result = _run("new", str(spec), "-o", str(target))

        assert result.exit_code == 3
        assert "--force" in result.stderr
        assert [path.name for path in target.iterdir()] == ["mine.txt"]

    def test_a_file_in_the_way_is_a_project_error(self, spec: Path, tmp_path: Path) -> None:
        (tmp_path / "afile").write_text("keep me")

        result = _run("new", str(spec), "-o", str(tmp_path / "afile" / "out"))

        assert result.exit_code == 3
        assert "is a file" in result.stderr
        assert "internal error" not in result.stderr
        assert (tmp_path / "afile").read_text() == "keep me"

    @pytest.mark.usefixtures("tiny_render")
    def test_force_writes_into_a_folder_that_is_not_empty(self, spec: Path, tmp_path: Path) -> None:
        target = tmp_path / "out"
        target.mkdir()
        (target / "mine.txt").write_text("keep me")

        result = _run("new", str(spec), "-o", str(target), "--force")

        assert result.exit_code == 0, result.output
        assert (target / "mine.txt").read_text() == "keep me"
        assert (target / "backsmith.yaml").is_file()

    @pytest.mark.usefixtures("tiny_render")
    def test_force_reports_the_generated_files_not_the_users(
        self, spec: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "out"
        (target / ".venv" / "lib").mkdir(parents=True)
        for number in range(3):
            (target / ".venv" / "lib" / f"module{number}.py").write_text("")

        result = _run("new", str(spec), "-o", str(target), "--force")

        assert result.exit_code == 0, result.output
        assert "Wrote 2 files to" in result.stdout
        assert "module0.py" not in result.stdout

    @pytest.mark.usefixtures("tiny_render")
    @pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
    def test_a_spec_in_any_encoding_yaml_allows_is_recorded_as_utf8(
        self, spec: Path, tmp_path: Path, encoding: str
    ) -> None:
        spec.write_bytes(MINIMAL.encode(encoding))

        result = _run("new", str(spec), "-o", str(tmp_path / "out"))

        assert result.exit_code == 0, result.output
        recorded = (tmp_path / "out" / "backsmith.yaml").read_text(encoding="utf-8")
        assert recorded.lstrip("\ufeff") == MINIMAL

    @pytest.mark.usefixtures("tiny_render")
    def test_a_folder_holding_the_spec_generates(self, spec: Path, tmp_path: Path) -> None:
        result = _run("new", str(spec.parent), "-o", str(tmp_path / "out"))

        assert result.exit_code == 0, result.output
        assert (tmp_path / "out" / "backsmith.yaml").read_text(encoding="utf-8") == MINIMAL

    @pytest.mark.usefixtures("tiny_render")
    def test_the_spec_is_read_once(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A FIFO (or a file replaced meanwhile) gives its text once: a second read would
        # block, or record a spec other than the one generated from.
        opened: list[Path] = []
        real_open = Path.open

        def counting_open(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == spec:
                opened.append(self)
            return real_open(self, *args, **kwargs)

        real_read_text, real_read_bytes = Path.read_text, Path.read_bytes

        def read_text(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == spec:
                raise AssertionError(f"{self} read again")
            return real_read_text(self, *args, **kwargs)

        def read_bytes(self: Path) -> bytes:
            if self == spec:
                raise AssertionError(f"{self} read again")
            return real_read_bytes(self)

        monkeypatch.setattr(Path, "open", counting_open)
        monkeypatch.setattr(Path, "read_text", read_text)
        monkeypatch.setattr(Path, "read_bytes", read_bytes)

        result = _run("new", str(spec), "-o", str(tmp_path / "out"))

        assert result.exit_code == 0, result.output
        assert opened == [spec]

    @pytest.mark.usefixtures("tiny_render")
    @pytest.mark.parametrize("in_the_way", ["edited-file", "folder", "file-as-folder"])
    def test_force_never_replaces_what_differs(
        self, spec: Path, tmp_path: Path, in_the_way: str
    ) -> None:
        target = tmp_path / "out"
        assert _run("new", str(spec), "-o", str(target)).exit_code == 0
        if in_the_way == "edited-file":
            (target / "src" / "mini" / "__init__.py").write_text("# my edit\n")
        elif in_the_way == "folder":
            (target / "src" / "mini" / "__init__.py").unlink()
            (target / "src" / "mini" / "__init__.py").mkdir()
        else:
            shutil.rmtree(target / "src" / "mini")
            (target / "src" / "mini").write_text("mine")
        (target / "backsmith.yaml").unlink()
        before = _snapshot(target)

        result = _run("new", str(spec), "-o", str(target), "--force")

        assert result.exit_code == 3, result.output
        assert "src/mini" in result.stderr
        assert "nothing was written" in result.stderr
        assert _snapshot(target) == before
        assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []

    @pytest.mark.usefixtures("tiny_render")
    def test_force_adds_missing_files_and_keeps_identical_ones(
        self, spec: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "out"
        assert _run("new", str(spec), "-o", str(target)).exit_code == 0
        (target / "backsmith.yaml").unlink()
        kept = target / "src" / "mini" / "__init__.py"
        os.utime(kept, (1, 1))

        result = _run("new", str(spec), "-o", str(target), "--force")

        assert result.exit_code == 0, result.output
        assert (target / "backsmith.yaml").read_text(encoding="utf-8") == MINIMAL
        assert kept.stat().st_mtime == 1

    @pytest.mark.usefixtures("tiny_render")
    def test_the_current_folder_is_filled_not_replaced(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        here = tmp_path / "here"
        here.mkdir()
        inode = here.stat().st_ino
        monkeypatch.chdir(here)

        result = _run("new", str(spec), "-o", ".")

        assert result.exit_code == 0, result.output
        assert "Wrote 2 files to ." in result.stdout
        assert here.stat().st_ino == inode  # a shell inside it still sees the files
        assert (Path.cwd() / "backsmith.yaml").is_file()
        assert sorted(path.name for path in tmp_path.iterdir()) == ["here", "spec"]

    @pytest.mark.usefixtures("tiny_render")
    def test_a_folder_filled_meanwhile_is_refused_without_force(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "out"

        def another_run_wins(root: Path) -> None:
            target.mkdir()
            (target / "theirs.txt").write_text("theirs")

        monkeypatch.setattr(writer, "format_tree", another_run_wins)

        result = _run("new", str(spec), "-o", str(target))

        assert result.exit_code == 3, result.output
        assert "another backsmith run" in result.stderr
        assert [path.name for path in target.iterdir()] == ["theirs.txt"]

    @pytest.mark.usefixtures("tiny_render")
    @pytest.mark.parametrize(
        ("failure", "code", "message"),
        [
            (GenerationError("ruff format failed"), 4, "ruff format failed"),
            (RuntimeError("boom"), 70, "internal error, please report"),
        ],
        ids=["generation-error", "bug"],
    )
    def test_a_failed_generation_leaves_nothing_behind(
        self,
        spec: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        failure: Exception,
        code: int,
        message: str,
    ) -> None:
        def fail(root: Path) -> None:
            raise failure

        monkeypatch.setattr(writer, "format_tree", fail)
        work = tmp_path / "work"
        work.mkdir()

        result = _run("new", str(spec), "-o", str(work / "out"))

        assert result.exit_code == code
        assert message in result.stderr
        assert "Traceback" not in result.output
        assert list(work.iterdir()) == []

    @pytest.mark.parametrize(
        "patched",
        ["write_text", "mkdtemp"],
        ids=["disk-full-mid-write", "read-only-parent"],
    )
    def test_an_os_failure_is_explained_and_leaves_nothing(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patched: str
    ) -> None:
        work = tmp_path / "work"
        work.mkdir()
        if patched == "write_text":
            real_write = Path.write_text
            written: list[Path] = []

            def full(self: Path, *args: Any, **kwargs: Any) -> int:
                written.append(self)
                if len(written) > 3:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
                return real_write(self, *args, **kwargs)

            monkeypatch.setattr(Path, "write_text", full)
        else:

            def read_only(**kwargs: Any) -> str:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(work))

            monkeypatch.setattr(writer.tempfile, "mkdtemp", read_only)

        result = _run("new", str(spec), "-o", str(work / "out"))

        assert result.exit_code == 4, result.output
        assert "internal error" not in result.stderr
        reason = "No space left on device" if patched == "write_text" else "Permission denied"
        assert reason in result.stderr
        fix = "free some space" if patched == "write_text" else "fix the folder's permissions"
        assert f"nothing was written to {work / 'out'}; {fix}" in " ".join(result.stderr.split())
        assert list(work.iterdir()) == []

    def test_a_name_too_long_or_a_symlink_loop_is_a_project_error(
        self, spec: Path, tmp_path: Path
    ) -> None:
        (tmp_path / "loop").symlink_to(tmp_path / "loop")

        for target in (tmp_path / ("x" * 300), tmp_path / "loop" / "out", tmp_path / "loop"):
            result = _run("new", str(spec), "-o", str(target))

            assert result.exit_code == 3, result.output
            assert "cannot use" in result.stderr
            assert "choose another folder with -o" in result.stderr

    @pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
    def test_a_kill_while_writing_leaves_no_staging_folder(
        self, spec: Path, tmp_path: Path, stop: str
    ) -> None:
        # In a child process: without the handling, the signal would kill the test run.
        work = tmp_path / "work"
        work.mkdir()
        script = textwrap.dedent(
            f"""
            import signal
            signal.signal(signal.{stop}, signal.SIG_DFL)  # as if not run under nohup
            import backsmith
            from backsmith.render import writer
            def killed(root):
                signal.raise_signal(signal.{stop})
            writer.format_tree = killed
            backsmith.new({str(spec)!r}, {str(work / "out")!r})
            """
        )
        source = Path(backsmith.__file__).parents[1]
        environment = {**os.environ, "PYTHONPATH": str(source)}

        finished = subprocess.run(  # noqa: S603 - this Python, a script written here
            [sys.executable, "-c", script], env=environment, capture_output=True, check=False
        )

        assert finished.returncode == 128 + getattr(signal, stop), finished.stderr
        assert list(work.iterdir()) == []

    @pytest.mark.usefixtures("tiny_render")
    def test_ctrl_c_while_moving_files_in_waits_for_the_move(
        self, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "out"
        target.mkdir()
        (target / "mine.txt").write_text("keep me")
        real_replace = os.replace
        moved: list[str] = []

        def interrupted_replace(source: Any, destination: Any) -> None:
            if not moved:
                signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first file
            moved.append(str(destination))
            real_replace(source, destination)

        monkeypatch.setattr(writer.os, "replace", interrupted_replace)
        # Ctrl-C handled as in a terminal: a command a script starts in the background
        # (`.ci/run &`) inherits it ignored, which the writer rightly leaves ignored.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)

        try:
            with pytest.raises(KeyboardInterrupt):
                backsmith.new(spec, target, force=True)
        finally:
            signal.signal(signal.SIGINT, previous)

        assert (target / "backsmith.yaml").is_file()
        assert (target / "src" / "mini" / "__init__.py").is_file()
        assert len(moved) == 2


class TestDemo:
    def test_missing_runtime_dependencies_say_what_to_install(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(runner, "RUNTIME_MODULES", ("fastapi", "no_such_module_for_backsmith"))

        result = _run("demo", "--port", str(_free_port()), "--dir", str(tmp_path / "demo"))

        assert result.exit_code == 1
        assert "no_such_module_for_backsmith" in result.stderr
        assert "pip install 'backsmith[project]'" in result.stderr
        assert not (tmp_path / "demo").exists()


INTERRUPT_ON_FIRST_LIBRARY = """
import importlib, runpy, sys, tomllib

class Interrupt:
    \"\"\"Ctrl-C as the command starts its first import beyond the standard library.\"\"\"

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in sys.stdlib_module_names and top != "backsmith":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
entry, pyproject, *arguments = sys.argv[1:]
sys.argv = ["backsmith", *arguments]
if entry == "python -m backsmith":
    runpy.run_module("backsmith", run_name="__main__", alter_sys=True)
else:  # the installed `backsmith` script: import the entry point's module, call it
    with open(pyproject, "rb") as stream:
        target = tomllib.load(stream)["project"]["scripts"]["backsmith"]
    module, _, function = target.partition(":")
    getattr(importlib.import_module(module), function)()
"""


@pytest.mark.parametrize("entry", ["python -m backsmith", "backsmith"])
def test_ctrl_c_while_the_command_loads_exits_quietly(entry: str, tmp_path: Path) -> None:
    # Python imports the command's libraries (typer, rich, pydantic...) for about 0.3 s
    # before any command runs; a Ctrl-C then printed a traceback of half-done imports.
    # Here it comes at the first of those imports, the earliest moment it can.
    source = Path(backsmith.__file__).parents[1]
    pyproject = source.parent / "pyproject.toml"
    command = ["demo", "--dir", str(tmp_path / "demo"), "--port", str(_free_port())]

    finished = subprocess.run(  # noqa: S603 - this Python, a script written here
        [sys.executable, "-c", INTERRUPT_ON_FIRST_LIBRARY, entry, str(pyproject), *command],
        env={**os.environ, "PYTHONPATH": str(source)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert (finished.returncode, finished.stderr, finished.stdout) == (130, "", "")
    assert not (tmp_path / "demo").exists()


def _snapshot(root: Path) -> dict[str, str | None]:
    return {
        path.relative_to(root).as_posix(): path.read_text() if path.is_file() else None
        for path in root.rglob("*")
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_version() -> None:
    result = _run("--version")

    assert result.exit_code == 0
    assert result.stdout.startswith("backsmith ")


def test_no_arguments_shows_the_commands() -> None:
    result = _run()

    for command in ("check", "schema", "new", "demo"):
        assert command in result.output
