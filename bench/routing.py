"""Routing cost: how long the generated app takes to find each route, against plain APIRoutes.

    .venv/bin/python bench/routing.py                       # the demo taskboard
    .venv/bin/python bench/routing.py --project-dir /tmp/shop --rounds 50000

Starlette tries an app's routes in order until one matches, so a route's cost grows with
the routes ahead of it. For each route of the generated app this times that search (the
loop FastAPI's router runs, on a path made from the route's own) with the routes as
generated (`PrefilteredRoute`, core/routing.py) and, in the same run, with the same
routes turned back into plain `APIRoute`s, and prints microseconds per search and their
ratio. No server and no database: the app is built but never started.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from run import clean_environment, demo_project

MEASURE = r"""
import re, sys, timeit
from fastapi.routing import APIRoute
from starlette.routing import Match
from PACKAGE.core.routing import PrefilteredRoute
from PACKAGE.main import create_app

rounds = int(sys.argv[1])
routes = [route for route in create_app().routes if isinstance(route, PrefilteredRoute)]


def search(scope):
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    raise SystemExit(f"no route for {scope['method']} {scope['path']}")


def timed(scope):
    return min(timeit.repeat(lambda: search(scope), number=rounds, repeat=5)) / rounds * 1e6


cases = []
for route in routes:
    method = sorted(route.methods)[0]
    path = re.sub(r"\{[^}]+\}", "0190a3a0-0000-7000-8000-000000000000", route.path)
    cases.append((method, route.path, {"type": "http", "method": method, "path": path}))


def as_class(kind):
    for route in routes:
        route.__class__ = kind


prefiltered, plain = [], []
for _, _, scope in cases:  # interleaved, so that a busy moment hits both alike
    as_class(PrefilteredRoute)
    prefiltered.append(timed(scope))
    as_class(APIRoute)
    plain.append(timed(scope))
print(f"{'route':<44} {'prefiltered us':>15} {'plain us':>9} {'gain':>6}")
for (method, path, _), fast, slow in zip(cases, prefiltered, plain):
    print(f"{method + ' ' + path:<44} {fast:>15.2f} {slow:>9.2f} {slow / fast:>6.2f}")
print(f"{'mean over ' + str(len(cases)) + ' routes':<44} {sum(prefiltered) / len(cases):>15.2f}"
      f" {sum(plain) / len(cases):>9.2f} {sum(plain) / sum(prefiltered):>6.2f}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-dir", type=Path, help="an already generated project")
    parser.add_argument("--rounds", type=int, default=20_000, help="searches per route and try")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backsmith-routing-") as workdir:
        project, package = demo_project(options.project_dir, Path(workdir))
        environment = {
            **clean_environment(),
            "PYTHONPATH": "src",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/unused.db",
        }
        command = [sys.executable, "-c", MEASURE.replace("PACKAGE", package), str(options.rounds)]
        return subprocess.run(command, cwd=project, env=environment, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
