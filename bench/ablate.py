"""What each feature of the generated app costs, in instructions per request.

    .venv/bin/python bench/ablate.py                              # read: about 6 minutes
    .venv/bin/python bench/ablate.py --endpoints read,create --requests 500

The issue's targets compare the generated app, with its features on, against a
baseline that has none of them. This answers the question the gap raises: which
feature costs what. It generates the demo project once, then copies it once per
variant with one feature taken out (and once with all of them out), and counts each
copy's instructions per request in-process under callgrind, as bench/instructions.py
does, beside the baseline's, against the same database and seeded rows.

The variants edit the generated code, so an edit whose text the templates no longer
produce fails the run with the file and the missing text: a stale variant must never
be measured as if it were the full app. The variants are measurements only; none of
them is a configuration anyone should run (bench/README.md).

callgrind runs the app 50-100 times slower than real time, while the access-log
writer still wakes every 50 ms of real time: it then writes a batch every few requests
instead of every few hundred, so the access log's share here is larger than on a real
server.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import instructions
import run
from instructions import Count, Job, Prepared
from run import BASELINE, ENDPOINTS, GENERATED, BenchError, Interrupted, step


@dataclass(frozen=True)
class Edit:
    """Replace `old` (which must occur exactly once) with `new` in one generated file."""

    path: str
    old: str
    new: str


FULL = "none (as generated)"
ABLATIONS: dict[str, tuple[Edit, ...]] = {
    "access-log": (Edit("main.py", "access_log=settings.access_log", "access_log=False"),),
    "rate-limit": (Edit("main.py", "    app.add_middleware(RateLimitMiddleware)\n", ""),),
    "cors": (Edit("main.py", "    if settings.cors_origins:\n", "    if False:\n"),),
    "etag": (
        Edit(
            "core/etag.py",
            "    etag = etag_of(body)\n",
            "    return Response(body, status_code=status_code, headers=headers, media_type=JSON)\n"
            "    etag = etag_of(body)\n",
        ),
    ),
    "auth-dependency": (
        # The same rules (made once, as Depends makes them), called in the route's body
        # instead of solved by FastAPI.
        Edit(
            "projects/router.py",
            "router = APIRouter(",
            "from taskboard.auth.dependencies import SignedIn\n\n"
            'SIGNED_IN, MANAGER = SignedIn(), SignedIn("manager")\nrouter = APIRouter(',
        ),
        Edit(
            "projects/router.py",
            "request: Request, query: ProjectParameters, caller: UserCaller\n"
            ") -> Page[ProjectRead]:\n",
            "request: Request, query: ProjectParameters\n"
            ") -> Page[ProjectRead]:\n    caller = await SIGNED_IN(request)\n",
        ),
        Edit(
            "projects/router.py",
            "request: Request, caller: ManagerCaller) -> Response:\n"
            "    async with transaction(request, invalidates=INVALIDATES, single_statement=True)",
            "request: Request) -> Response:\n    caller = await MANAGER(request)\n"
            "    async with transaction(request, invalidates=INVALIDATES, single_statement=True)",
        ),
        Edit(
            "projects/router.py",
            "async def read_project(project_id: ProjectId, request: Request, caller: UserCaller)"
            " -> Response:\n",
            "async def read_project(project_id: ProjectId, request: Request) -> Response:\n"
            "    caller = await SIGNED_IN(request)\n",
        ),
    ),
}


@dataclass(frozen=True)
class VariantJob(Job):
    """A driver of one variant: named by it, since two generated variants run side by side."""

    variant: str = FULL

    @property
    def name(self) -> str:
        return f"{self.endpoint.key}-{self.variant}".replace(" ", "-")


ALL = "all of them"


@dataclass(frozen=True)
class Options:
    endpoints: tuple[str, ...]
    requests: int
    warmup: int
    pg_url: str
    keep: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/ablate.py",
        description="Instructions per request of the generated taskboard with each feature "
        "taken out, beside the baseline's, under callgrind.",
    )
    add = parser.add_argument
    add("--endpoints", default="read", help="subset of read,list,create (default read)")
    add("--requests", type=int, default=500, help="measured requests per variant (default 500)")
    add("--warmup", type=int, default=300, help="requests before the measure (default 300)")
    add("--pg-url", default=f"postgresql://postgres@{run.HOST}:5432", help="server, no database")
    add("--keep", action="store_true", help="keep the database and the temporary folder")
    arguments = parser.parse_args(argv)
    endpoints = tuple(part.strip() for part in arguments.endpoints.split(",") if part.strip())
    if not endpoints or any(key not in ENDPOINTS for key in endpoints):
        parser.error(f"--endpoints takes read, list and create; got {arguments.endpoints!r}")
    if arguments.requests < 1 or arguments.warmup < 1:
        parser.error("need --requests >= 1 and --warmup >= 1")
    return Options(
        endpoints,
        arguments.requests,
        arguments.warmup,
        arguments.pg_url.rstrip("/"),
        arguments.keep,
    )


def make_variant(project: Path, package: str, folder: Path, edits: Sequence[Edit]) -> Path:
    """A copy of the generated project with `edits` applied; BenchError if one no longer fits."""
    shutil.copytree(project, folder, ignore=shutil.ignore_patterns("__pycache__", "*.db*"))
    for edit in edits:
        path = folder / "src" / package / edit.path
        text = path.read_text()
        found = text.count(edit.old)
        if found != 1:
            raise BenchError(
                f"{path.relative_to(folder)}: expected this text once, found it {found} times "
                f"(the templates changed; update bench/ablate.py):\n{edit.old}"
            )
        path.write_text(text.replace(edit.old, edit.new))
    return folder


def variants(prepared: Prepared) -> dict[str, Path]:
    """Variant name -> project folder: the project as generated, one per ablation, and all."""
    setup = prepared.setup
    folders = {FULL: setup.project}
    for name, edits in ABLATIONS.items():
        folders[name] = make_variant(
            setup.project, setup.package, setup.workdir / f"without-{name}", edits
        )
    every_edit = [edit for edits in ABLATIONS.values() for edit in edits]
    folders[ALL] = make_variant(
        setup.project, setup.package, setup.workdir / "without-all", every_edit
    )
    return folders


def count_variants(
    options: Options, prepared: Prepared, folders: dict[str, Path], cleanup: ExitStack
) -> dict[tuple[str, str], Count]:
    """(endpoint, variant or baseline) -> its count. Two drivers run at a time: a
    valgrind process uses one core, and an instruction count does not depend on load."""
    counts: dict[tuple[str, str], Count] = {}
    for key in options.endpoints:
        endpoint = ENDPOINTS[key]
        names = [BASELINE, *folders]
        for first in range(0, len(names), 2):
            pair = names[first : first + 2]
            step(f"{endpoint.label}: {', '.join(pair)}")
            jobs: list[VariantJob] = []
            for name in pair:
                workdir = prepared.setup.workdir / f"jobs-{key}-{len(counts) + len(jobs)}"
                workdir.mkdir()
                app = BASELINE if name == BASELINE else GENERATED
                jobs.append(
                    VariantJob(
                        app, endpoint, options.requests, options.warmup, workdir, True, variant=name
                    )
                )
            if key == "create":
                run.reset_projects(prepared.setup.dsn)
            servers = []
            for name, job in zip(pair, jobs, strict=True):
                folder = run.ROOT if name == BASELINE else folders[name]
                each = replace(prepared, folders={**prepared.folders, job.app: folder})
                servers.append(instructions.start(each, job))
                cleanup.callback(run.stop_server, servers[-1])
            seconds = instructions.wait_all(servers, max(job.timeout for job in jobs))
            for name, job in zip(pair, jobs, strict=True):
                counts[(key, name)] = instructions.count(job, seconds[job.name])
    return counts


def render(options: Options, counts: dict[tuple[str, str], Count], names: list[str]) -> str:
    header = f"{'endpoint':<22}{'taken out':<22}{'instr/req':>11}{'saved':>10}  {'base/gen':>8}"
    lines = [
        f"callgrind, in-process: requests={options.requests} warmup={options.warmup}",
        header,
        "-" * len(header),
    ]
    for key in options.endpoints:
        baseline = counts[(key, BASELINE)].instructions_per_request
        full = counts[(key, FULL)].instructions_per_request
        for name in names:
            per_request = counts[(key, name)].instructions_per_request
            saved = "" if name == FULL else f"{full - per_request:>10,.0f}"
            lines.append(
                f"{ENDPOINTS[key].label:<22}{name:<22}{per_request:>11,.0f}{saved:>10}"
                f"  {baseline / per_request:>8.3f}"
            )
        lines.append(f"{ENDPOINTS[key].label:<22}{'(baseline)':<22}{baseline:>11,.0f}")
    lines.append("saved = the as-generated count minus the variant's; base/gen as instructions.py.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    problem = instructions.missing_tools(options.pg_url)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    started = time.monotonic()
    base_options = instructions.Options(
        endpoints=options.endpoints,
        requests=options.requests,
        warmup=options.warmup,
        rows=1000,
        pool_size=10,
        pg_url=options.pg_url,
        project_dir=None,
        results_dir=run.BENCH / "results",
        keep=options.keep,
        strict=False,
        cache_sim=False,
    )
    try:
        with run.cleaning_up() as cleanup:
            prepared = instructions.prepare(base_options, cleanup)
            instructions.check(base_options, prepared, cleanup)
            folders = variants(prepared)
            counts = count_variants(options, prepared, folders, cleanup)
    except BenchError as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted; cleaned up", file=sys.stderr)
        return 130
    print()
    print(render(options, counts, list(folders)))
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
