"""Local stand-ins for the registry images a generated project names, made from Debian.

The machines this project runs on reach Debian's archive and PyPI but no container
registry, so `python:3.11-slim` (the Dockerfile's base), `postgres:16-alpine` and
`redis:7-alpine` (compose.yaml's services) cannot be pulled. Each stand-in is a Debian
root filesystem made with `debootstrap --variant=minbase`, plus Debian's packages and,
for the two services, an entrypoint that does what compose.yaml relies on. The root
filesystems are kept as tarballs in a cache folder, so that later runs skip debootstrap
(minutes); an engine (podman or docker) imports a tarball under the official name.

They are NOT the official images, and what differs stays untested:

- python: Debian's Python 3.11.2 and pip 23.0 in /usr/bin (the official image builds
  its own 3.11.x into /usr/local), glibc and Debian's OpenSSL; about 190 MiB.
- postgres: Debian bookworm's PostgreSQL **15** on glibc (the official `16-alpine` is
  PostgreSQL 16 on musl). Its entrypoint (POSTGRES_ENTRYPOINT below) does only what the
  generated compose.yaml relies on: on the first start with an empty
  /var/lib/postgresql/data it runs initdb with POSTGRES_USER as the superuser and
  POSTGRES_PASSWORD as its password, allows password (scram-sha-256) logins from any
  address, creates POSTGRES_DB, then runs the server as the `postgres` user, listening
  on every address; `pg_isready` is on PATH; SIGINT stops it (fast shutdown), as the
  official image's STOPSIGNAL says. The official entrypoint's other features
  (/docker-entrypoint-initdb.d, POSTGRES_INITDB_ARGS, *_FILE secrets, ...) are not there.
- redis: Debian bookworm's Redis 7.0 on glibc, run as the `redis` user in /data with
  protected mode off, as the official image does when given no configuration file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

STAND_IN_LABEL = "backsmith.stand-in"
"""A label on every stand-in image, so that a report can tell one from a real image."""
CHROOT_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "DEBIAN_FRONTEND": "noninteractive",
    "LANG": "C.UTF-8",
}
MIB = 1024 * 1024


class SetupError(Exception):
    """Something needed before or between the checks failed."""


def run(
    command: Sequence[str],
    *,
    timeout: float = 120,
    check: bool = True,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command; with `log`, its output goes to that file (and is read back)."""
    if log is not None:
        with log.open("w", encoding="utf-8") as out:
            result = subprocess.run(
                list(command),
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
                env=env,
            )
        result = subprocess.CompletedProcess(
            result.args, result.returncode, log.read_text(encoding="utf-8", errors="replace"), ""
        )
    else:
        result = subprocess.run(
            list(command), capture_output=True, text=True, timeout=timeout, check=False, env=env
        )
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise SetupError(f"{' '.join(command)} exited {result.returncode}:\n{tail}")
    return result


# --- the entrypoints -----------------------------------------------------------------

POSTGRES_ENTRYPOINT = r"""#!/bin/sh
# Stand-in for the official postgres image's docker-entrypoint.sh (bench/standin.py):
# only what the generated compose.yaml relies on.
set -eu
if [ "${1:-}" != postgres ]; then
    exec "$@"
fi
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (the stand-in, like the image)}"
    user=${POSTGRES_USER:-postgres}
    database=${POSTGRES_DB:-$user}
    password_file=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
    initdb --username="$user" --pwfile="$password_file" --auth-local=trust \
        --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    rm -f "$password_file"
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    if [ "$database" != postgres ]; then
        psql -v ON_ERROR_STOP=1 -q --username="$user" --dbname=postgres \
            -c "CREATE DATABASE \"$database\""
    fi
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "stand-in entrypoint: initialised $PGDATA (user $user, database $database)"
fi
exec "$@"
"""

REDIS_ENTRYPOINT = r"""#!/bin/sh
# Stand-in for the official redis image's docker-entrypoint.sh (bench/standin.py).
set -eu
if [ "${1#-}" != "${1:-}" ]; then
    set -- redis-server "$@"
fi
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
    chown redis:redis .
    exec setpriv --reuid=redis --regid=redis --init-groups "$@" --protected-mode no
fi
exec "$@"
"""


def postgres_prepare(root: Path) -> None:
    """Drop the cluster Debian's package would make; add the entrypoint."""
    folder = root / "etc" / "postgresql-common" / "createcluster.d"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stand-in.conf").write_text("create_main_cluster = false\n", encoding="utf-8")


def write_entrypoint(root: Path, text: str) -> None:
    path = root / "usr" / "local" / "bin" / "docker-entrypoint.sh"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def postgres_finish(root: Path) -> None:
    write_entrypoint(root, POSTGRES_ENTRYPOINT)


def redis_finish(root: Path) -> None:
    (root / "data").mkdir(exist_ok=True)
    write_entrypoint(root, REDIS_ENTRYPOINT)


def python_finish(root: Path) -> None:
    # The official image's pip installs system-wide too: no EXTERNALLY-MANAGED marker.
    (root / "usr" / "lib" / "python3.11" / "EXTERNALLY-MANAGED").unlink(missing_ok=True)


@dataclass(frozen=True)
class StandIn:
    """One stand-in image: its official name, its packages and its image settings."""

    name: str
    """The official reference it stands in for (`python:3.11-slim`)."""
    packages: tuple[str, ...]
    changes: tuple[str, ...]
    """Dockerfile instructions applied on import (`ENV ...`, `CMD ...`)."""
    probe: str
    """A shell command run in the chroot whose output starts with `expect`."""
    expect: str
    before_install: Callable[[Path], None] | None = None
    after_install: Callable[[Path], None] | None = None

    @property
    def slug(self) -> str:
        return self.name.replace(":", "-").replace("/", "-")

    def tarball(self, cache_dir: Path, suite: str) -> Path:
        return cache_dir / f"{self.slug}-{suite}.tar"


PATH_ENV = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

PYTHON = StandIn(
    name="python:3.11-slim",
    packages=("python3", "python3-pip", "python3-venv", "python-is-python3", "ca-certificates"),
    changes=(PATH_ENV, "ENV LANG=C.UTF-8", 'CMD ["python3"]'),
    probe="python --version && pip --version",
    expect="Python 3.11.",
    after_install=python_finish,
)

POSTGRES = StandIn(
    name="postgres:16-alpine",
    packages=("postgresql-15",),
    changes=(
        "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:"
        "/usr/bin:/sbin:/bin",
        "ENV LANG=C.UTF-8",
        "ENV PGDATA=/var/lib/postgresql/data",
        "VOLUME /var/lib/postgresql/data",
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
        "STOPSIGNAL SIGINT",
        "EXPOSE 5432",
        'CMD ["postgres"]',
    ),
    probe="/usr/lib/postgresql/15/bin/postgres --version",
    expect="postgres (PostgreSQL) 15.",
    before_install=postgres_prepare,
    after_install=postgres_finish,
)

REDIS = StandIn(
    name="redis:7-alpine",
    packages=("redis-server",),
    changes=(
        PATH_ENV,
        "ENV LANG=C.UTF-8",
        "VOLUME /data",
        "WORKDIR /data",
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
        "EXPOSE 6379",
        'CMD ["redis-server"]',
    ),
    probe="redis-server --version",
    expect="Redis server v=7.",
    after_install=redis_finish,
)


# --- root filesystems ----------------------------------------------------------------


def mounts_under(folder: Path) -> list[str]:
    prefix = str(folder.resolve()).rstrip("/") + "/"
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1] for line in mounts if line.split()]
    return sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True)


def remove_rootfs(folder: Path) -> None:
    """Remove a chroot folder, never through a mount left inside it."""
    for point in mounts_under(folder):
        run(["umount", "--lazy", point], check=False)
    if mounts_under(folder):
        raise SetupError(f"{folder} still has mounts inside; not removing it")
    shutil.rmtree(folder, ignore_errors=True)


def minbase_tarball(
    cache_dir: Path, suite: str, mirror: str, logs: Path, say: Callable[[str], None]
) -> Path:
    """`debootstrap --variant=minbase`, packed once and shared by every stand-in."""
    tarball = cache_dir / f"debian-{suite}-minbase.tar"
    if tarball.exists():
        return tarball
    cache_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="rootfs-", dir=cache_dir))
    try:
        say(f"debootstrap {suite} from {mirror} (a few minutes)")
        run(
            ["debootstrap", "--variant=minbase", suite, str(root), mirror],
            timeout=1800,
            log=logs / "debootstrap.log",
        )
        partial = tarball.with_suffix(".partial")
        run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."], timeout=600)
        partial.replace(tarball)
    finally:
        remove_rootfs(root)
    return tarball


def forget(cache_dir: Path, suite: str, stand_ins: Sequence[StandIn]) -> None:
    """Drop the cached tarballs (the shared debootstrap too), so they are made afresh."""
    (cache_dir / f"debian-{suite}-minbase.tar").unlink(missing_ok=True)
    for stand_in in stand_ins:
        stand_in.tarball(cache_dir, suite).unlink(missing_ok=True)


def rootfs_tarball(
    stand_in: StandIn,
    *,
    cache_dir: Path,
    suite: str,
    mirror: str,
    logs: Path,
    say: Callable[[str], None],
) -> tuple[Path, bool]:
    """The stand-in's root filesystem as a tarball (made unless cached), and whether it
    was made now. Written atomically, so that an interrupted run leaves no half tarball."""
    tarball = stand_in.tarball(cache_dir, suite)
    if tarball.exists():
        return tarball, False
    base = minbase_tarball(cache_dir, suite, mirror, logs, say)
    root = Path(tempfile.mkdtemp(prefix="rootfs-", dir=cache_dir))
    try:
        run(["tar", "--numeric-owner", "-C", str(root), "-xf", str(base)], timeout=600)
        shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
        # No service starts inside the chroot while its package installs.
        policy = root / "usr" / "sbin" / "policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n", encoding="utf-8")
        policy.chmod(0o755)
        if stand_in.before_install is not None:
            stand_in.before_install(root)
        install = (
            "apt-get update -q && apt-get install -y -q --no-install-recommends "
            + " ".join(stand_in.packages)
            + " && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*"
        )
        say(f"{stand_in.name}: installing {' '.join(stand_in.packages)} in a chroot")
        run(
            ["chroot", str(root), "/bin/sh", "-c", install],
            timeout=1800,
            log=logs / f"apt-{stand_in.slug}.log",
            env=CHROOT_ENV,
        )
        policy.unlink()
        if stand_in.after_install is not None:
            stand_in.after_install(root)
        probe = run(["chroot", str(root), "/bin/sh", "-c", stand_in.probe], env=CHROOT_ENV)
        if not probe.stdout.startswith(stand_in.expect):
            raise SetupError(
                f"{stand_in.name} stand-in: {stand_in.probe!r} printed {probe.stdout.strip()!r}, "
                f"not {stand_in.expect!r}..."
            )
        (root / "etc" / "resolv.conf").write_text("", encoding="utf-8")
        partial = tarball.with_suffix(".partial")
        run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."], timeout=600)
        partial.replace(tarball)
    finally:
        remove_rootfs(root)
    return tarball, True


IMPORTABLE = ("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "USER", "VOLUME", "WORKDIR")
"""Instructions both `docker import --change` and `podman import --change` take."""


def import_image(
    engine: Sequence[str],
    stand_in: StandIn,
    tarball: Path,
    reference: str,
    suite: str,
    *,
    files: dict[str, Path] | None = None,
    build_options: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> None:
    """`<engine> import` the tarball as `reference`, with the stand-in's settings.

    Settings `import` refuses (docker's refuses STOPSIGNAL) and `files` (image path:
    host file, such as a CA bundle) go on in a one-layer build on top of the import.
    """
    label = f"LABEL {STAND_IN_LABEL}=debian-{suite}-{stand_in.slug}"
    changes = [*stand_in.changes, label]
    later = [c for c in changes if c.split()[0].upper() not in IMPORTABLE]
    if not later and not files:
        arguments: list[str] = []
        for change in changes:
            arguments += ["--change", change]
        run([*engine, "import", *arguments, str(tarball), reference], timeout=600, env=env)
        return
    arguments = []
    for change in changes:
        if change not in later:
            arguments += ["--change", change]
    rootfs = f"{reference.rsplit(':', 1)[0]}:rootfs-{suite}"
    run([*engine, "import", *arguments, str(tarball), rootfs], timeout=600, env=env)
    with tempfile.TemporaryDirectory(prefix="stand-in-") as context:
        lines = [f"FROM {rootfs}", *later]
        for index, (target, source) in enumerate(sorted((files or {}).items())):
            shutil.copyfile(source, Path(context) / f"file-{index}")
            lines.append(f"COPY file-{index} {target}")
        (Path(context) / "Dockerfile").write_text("\n".join(lines) + "\n", encoding="utf-8")
        run(
            [*engine, "build", *build_options, "--tag", reference, context],
            timeout=600,
            env=env,
        )
    run([*engine, "rmi", rootfs], check=False, env=env)
