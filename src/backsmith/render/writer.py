"""Write a rendered file tree to disk atomically, formatted and linted by ruff.

Everything is written to a temporary folder beside the target first and formatted
there; only when every step has succeeded is it moved into place. A failure at any
point leaves the target exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from backsmith.errors import GenerationError, ProjectError
from backsmith.render.engine import FileTree
from backsmith.render.long_lines import wrap_tree


def _ruff(*arguments: str, cwd: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed ruff binary, arguments built here
        [find_ruff_bin(), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(
            f"ruff {arguments[0]} failed on the generated code (a backsmith bug; report it):\n"
            + (result.stdout + result.stderr).strip()
        )


def format_tree(root: Path) -> None:
    """Sort imports, drop unused ones, format, then wrap what text from the spec made too
    long: the generated code is ruff-clean and fits in 100 columns."""
    _ruff(
        "check",
        "--fix",
        "--no-cache",
        "--quiet",
        "--select",
        "I,F401,F541,UP",
        "--exit-zero",
        ".",
        cwd=root,
    )
    _ruff("format", "--no-cache", ".", cwd=root)  # not --quiet: it hides parse errors
    split = wrap_tree(root)
    if split:
        _ruff("format", "--no-cache", *(str(path.relative_to(root)) for path in split), cwd=root)


def prepare_target(target: Path, *, force: bool) -> None:
    """Refuse a non-empty target unless forced; never touch anything here."""
    try:
        _check_target(target, force=force)
    except OSError as error:  # a name too long, a loop of symlinks, an unreadable folder
        raise _unusable(target, error.strerror or error) from None


def _unusable(target: Path, reason: object) -> ProjectError:
    return ProjectError(
        f"cannot use {target} as the output folder ({reason}); choose another folder with -o"
    )


def _check_target(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise ProjectError(
            f"{target} exists and is not a folder; choose another output folder with -o"
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ProjectError(
            f"{target} is not empty; choose another folder with -o, or --force to write into it"
        )
    blocking = next((parent for parent in target.parents if parent.is_file()), None)
    if blocking is not None:
        raise ProjectError(
            f"{blocking} is a file, so {target} cannot be made; choose another folder with -o"
        )


def write_tree(tree: FileTree, target: Path, *, force: bool = False) -> list[str]:
    """Write `tree` under `target` atomically; returns the written paths.

    An operating-system failure (no space left, no permission, a name too long) is a
    `GenerationError` that names the path and the reason; nothing is left behind.
    """
    try:
        target = target.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, before 3.13
        raise _unusable(target, error) from None
    prepare_target(target, force=force)
    with _stops_clean_up():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        except OSError as error:
            raise _os_failure(error, target, "cannot create") from None
        try:
            for relative, content in tree.items():
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
            format_tree(staging)
            with _signals_deferred():
                _move_into_place(staging, target, force=force)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise _os_failure(error, target, "cannot write") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return sorted(tree)


def _os_failure(error: OSError, target: Path, action: str) -> GenerationError:
    where = error.filename or target
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some space, or choose another folder with -o"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "fix the folder's permissions, or choose another folder with -o"
    else:
        fix = "choose another folder with -o"
    return GenerationError(f"{action} {where} ({reason}); nothing was written to {target}; {fix}")


_STOPS = (signal.SIGTERM, signal.SIGHUP)
"""`kill`, `timeout`, a CI job cancelled, a terminal closed: stops that run no cleanup."""


def _stop(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


@contextlib.contextmanager
def _stops_clean_up() -> Iterator[None]:
    """Within the block SIGTERM and SIGHUP raise SystemExit (exit 128 + the signal), so
    the staging folder is removed on the way out instead of left beside the target.
    Only default handlers are taken over: a program embedding `new` keeps its own."""
    with _handling(_STOPS, _stop, only_over=signal.SIG_DFL):
        yield


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT), SIGTERM and SIGHUP until the block ends: moving files in
    is not cut in half. Then the first one received takes effect."""
    received: list[int] = []
    with _handling((signal.SIGINT, *_STOPS), lambda number, frame: received.append(number)):
        yield
    if signal.SIGINT in received:
        raise KeyboardInterrupt
    if received:
        raise SystemExit(128 + received[0])


@contextlib.contextmanager
def _handling(
    numbers: tuple[int, ...],
    handler: Callable[[int, object], None],
    *,
    only_over: object = None,
) -> Iterator[None]:
    """`handler` for the signals `numbers` within the block, then the previous handlers
    again. A signal the caller ignores (`nohup` ignores SIGHUP) stays ignored; with
    `only_over`, only a signal whose handler is that one is taken over. Outside the
    main thread signals cannot be handled, and the block runs as is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        number: signal.signal(number, handler)
        for number in numbers
        if signal.getsignal(number) != signal.SIG_IGN
        and (only_over is None or signal.getsignal(number) == only_over)
    }
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _move_into_place(staging: Path, target: Path, *, force: bool) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    if not any(target.iterdir()):
        # Move the entries in, not the folder: the folder may be a shell's current
        # directory (`-o .`), which replacing would leave the shell in a deleted one.
        for entry in list(staging.iterdir()):
            os.replace(entry, target / entry.name)
        staging.rmdir()
        return
    if not force:  # it filled up while we rendered: another run, or another program
        raise ProjectError(
            f"{target} was empty when generation started but is not now (another backsmith "
            "run?); nothing was written. Choose another folder with -o, or --force to add to it"
        )
    files = [path for path in sorted(staging.rglob("*")) if path.is_file()]
    conflicts = _conflicts(files, staging, target)
    if conflicts:
        shown = ", ".join(conflicts[:MAX_SHOWN_CONFLICTS])
        more = len(conflicts) - MAX_SHOWN_CONFLICTS
        raise ProjectError(
            f"--force adds files to {target} but never replaces one that differs, and "
            f"{len(conflicts)} would change: {shown}{f' and {more} more' if more > 0 else ''}. "
            "Keep your edits by moving those files away (or generating into another folder "
            "with -o and merging), then run again; nothing was written"
        )
    for path in files:
        destination = target / path.relative_to(staging)
        if destination.is_file():
            continue  # the same bytes: leave the file (and its timestamps) alone
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)
    shutil.rmtree(staging, ignore_errors=True)


MAX_SHOWN_CONFLICTS = 10


def _conflicts(files: list[Path], staging: Path, target: Path) -> list[str]:
    """The files `--force` would have to replace or cannot place, relative to `target`."""
    found: list[str] = []
    for path in files:
        relative = path.relative_to(staging)
        destination = target / relative
        blocked = any(
            (target / parent).exists() and not (target / parent).is_dir()
            for parent in relative.parents
            if parent != Path()
        )
        if blocked or destination.is_symlink():
            found.append(relative.as_posix())
        elif destination.exists() and (
            not destination.is_file() or destination.read_bytes() != path.read_bytes()
        ):
            found.append(relative.as_posix())
    return found
