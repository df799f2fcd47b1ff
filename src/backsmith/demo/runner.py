"""`backsmith demo`: generate the taskboard project, migrate, seed and serve it.

The generated project runs in this very Python (`sys.executable`, with
`PYTHONPATH=src`) rather than in a fresh virtualenv, so a demo starts in seconds and
works offline; the price is that this environment must hold the project's
runtime dependencies, which `backsmith[project]` installs.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import importlib.util
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from backsmith.errors import BacksmithError, GenerationError, ProjectError
from backsmith.generate import new

DEFAULT_FOLDER = Path(".backsmith-demo") / "taskboard"
PACKAGE = "taskboard"
ADMIN_EMAIL = "admin@example.com"
MARKER = ".backsmith-demo"
"""Written into the demo folder, so that a later run only ever replaces its own folder."""

RUNTIME_MODULES = (
    "fastapi",
    "granian",
    "sqlalchemy",
    "alembic",
    "aiosqlite",
    "asyncpg",
    "jwt",
    "pwdlib",
    "argon2",
    "limits",
    "redis",
    "pydantic_settings",
    "email_validator",
    "python_multipart",
    "httpx",
    "taskiq",
    "taskiq_redis",
)
"""What the generated project imports at run time (`argon2` is what pwdlib hashes with,
`python_multipart` what FastAPI parses the login form with)."""

SETTINGS_FROM_ENVIRONMENT = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "ENVIRONMENT",
    "DOCS_ENABLED",
    "ALLOWED_HOSTS",
    "TRUSTED_PROXIES",
    "CORS_ORIGINS",
    "AUTH_COOKIES",
)
"""Variables the project's Settings read: a value left in the caller's shell (say a
DATABASE_URL for their own work) would beat the demo's `.env`, so they are dropped."""


class DemoError(BacksmithError):
    """The demo could not start; the message says which step failed and why."""


@dataclass(frozen=True)
class DemoProject:
    """A generated, migrated and seeded demo, ready to serve."""

    folder: Path
    admin_email: str
    admin_password: str

    def docs_url(self, host: str, port: int) -> str:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - display only
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{port}/docs"


def missing_runtime_modules() -> list[str]:
    """The generated project's runtime modules this Python cannot import."""
    return [name for name in RUNTIME_MODULES if importlib.util.find_spec(name) is None]


def prepare_demo(
    folder: str | Path | None = None, *, console: Console | None = None
) -> DemoProject:
    """Generate the taskboard demo into `folder` (replacing an earlier demo), migrate, seed."""
    out = console or Console(stderr=True)
    missing = missing_runtime_modules()
    if missing:
        raise DemoError(
            "the demo runs the generated project in this Python, which cannot import "
            f"{', '.join(missing)}; install them with: pip install 'backsmith[project]'"
        )
    target = Path(folder) if folder is not None else DEFAULT_FOLDER
    try:
        _clear(target)
    except OSError as error:  # a name too long, a symlink loop, no permission
        raise ProjectError(
            f"cannot use {target} as the demo folder ({error.strerror or error}); "
            "choose another with --dir"
        ) from None
    with out.status("Generating the taskboard project (this takes a little while)..."):
        spec = resources.files("backsmith.demo") / "taskboard.yaml"
        with resources.as_file(spec) as spec_path:
            try:
                target = new(spec_path, target)
            except (ProjectError, GenerationError) as error:
                # `new` names its own option; here the folder comes from --dir.
                raise type(error)(str(error).replace(" with -o", " with --dir")) from None
    out.print(f"[green]✓[/] Generated the taskboard project in {escape(str(target))}")
    (target / MARKER).write_text("backsmith demo folder; `backsmith demo` replaces it.\n")
    password = secrets.token_urlsafe(12)
    (target / ".env").write_text(
        "# Written by `backsmith demo` for this demo only.\n"
        "ENVIRONMENT=development\n"
        f"DATABASE_URL=sqlite+aiosqlite:///./{PACKAGE}.db\n"
        f"SECRET_KEY={secrets.token_urlsafe(48)}\n"
        f"ADMIN_EMAIL={ADMIN_EMAIL}\n"
        f"ADMIN_PASSWORD={password}\n",
        encoding="utf-8",
    )
    for step, label in (("migrate", "Created the database"), ("seed", "Added sample data")):
        with out.status(f"python -m {PACKAGE} {step}..."):
            _run_step(target, step)
        out.print(f"[green]✓[/] {label} (python -m {PACKAGE} {step})")
    return DemoProject(folder=target, admin_email=ADMIN_EMAIL, admin_password=password)


def serve_demo(project: DemoProject, *, host: str, port: int) -> int:
    """Serve the demo in the foreground until Ctrl-C; returns the server's exit code."""
    command = [sys.executable, "-m", PACKAGE, "serve", "--host", host, "--port", str(port)]
    process = subprocess.Popen(command, cwd=project.folder, env=_environment())  # noqa: S603
    try:
        return process.wait()
    except KeyboardInterrupt:
        return _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> int:
    """After Ctrl-C: let the server shut down cleanly, and make sure it does stop.

    A terminal sends Ctrl-C to the server too; when only backsmith got it (a signal
    sent to its process alone), the server is asked in turn, then killed if it hangs.
    """
    try:
        try:
            return process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
        return process.wait(timeout=25)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):  # hung, or a second Ctrl-C
        process.kill()
        return process.wait()


def demo(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    folder: str | Path | None = None,
    console: Console | None = None,
) -> int:
    """Generate, migrate, seed and serve the demo project; blocks until Ctrl-C."""
    out = console or Console()
    target = Path(folder) if folder is not None else DEFAULT_FOLDER
    with _running(target):
        _check_port(host, port)
        project = prepare_demo(target, console=out)
        return _serve_with_banner(project, host=host, port=port, out=out)


def _serve_with_banner(project: DemoProject, *, host: str, port: int, out: Console) -> int:
    password = escape(project.admin_password)
    out.print(
        Panel.fit(
            f"[bold]Taskboard API[/] from [cyan]{escape(str(project.folder))}[/]\n\n"
            f"API docs:  {escape(project.docs_url(host, port))}\n"
            f"Sign in:   [bold]{project.admin_email}[/] / [bold]{password}[/]\n"
            "           (the docs' Authorize button takes these as username and password)\n\n"
            "Press Ctrl-C to stop.",
            title="backsmith demo",
        )
    )
    return serve_demo(project, host=host, port=port)


@contextlib.contextmanager
def _running(target: Path) -> Iterator[None]:
    """Hold a lock on the demo folder while the demo runs: a second `backsmith demo` with
    the same folder would otherwise delete the folder (and database) the first serves.

    The lock is an flock on a file in the temporary folder, named for the folder's
    absolute path; the system drops it when the process ends, however it ends.
    """
    digest = hashlib.sha256(os.path.realpath(target).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"backsmith-demo-{digest}.lock"
    try:
        lock = lock_path.open("a")
    except OSError:  # no writable temporary folder: run unguarded rather than not at all
        yield
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DemoError(
                f"another backsmith demo is running from {target}; stop it (Ctrl-C), "
                "or pass another --dir to run a second one"
            ) from None
        yield


def _clear(target: Path) -> None:
    """Remove an earlier demo; refuse to remove anything that is not one."""
    if not target.exists():
        return
    if target.is_dir() and (not any(target.iterdir()) or (target / MARKER).is_file()):
        shutil.rmtree(target)
        return
    raise ProjectError(
        f"{target} exists and is not a backsmith demo folder; choose another with --dir"
    )


def _check_port(host: str, port: int) -> None:
    """Fail before generating anything when the server could not listen.

    The server binds to an IP address, never a name: `localhost` or an empty host would
    pass a socket's bind here, then crash the server after the whole demo was made.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise DemoError(
            f"--host takes an IP address such as 127.0.0.1, ::1 or 0.0.0.0, not {host!r}"
            + ("; for localhost pass 127.0.0.1" if host.lower() == "localhost" else "")
        ) from None
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            fix = (
                "pass another --port, or stop what uses it"
                if error.errno in (errno.EADDRINUSE, errno.EACCES)
                else "pass another --host: one of this machine's addresses, or 0.0.0.0"
            )
            raise DemoError(
                f"cannot listen on {host}:{port} ({error.strerror or error}); {fix}"
            ) from None


def _environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in SETTINGS_FROM_ENVIRONMENT
    }
    paths = [entry for entry in ("src", environment.get("PYTHONPATH", "")) if entry]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return environment


def _run_step(folder: Path, step: str) -> None:
    result = subprocess.run(  # noqa: S603 - this Python, fixed arguments
        [sys.executable, "-m", PACKAGE, step],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise DemoError(
            f"`python -m {PACKAGE} {step}` failed in {folder} (a backsmith bug; please report "
            "it with this output):\n" + "\n".join(output[-20:])
        )
