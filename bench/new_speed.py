"""How long `backsmith.generate.new` takes on a large spec: 30 resources, many fields.

    .venv/bin/python bench/new_speed.py [--runs 3] [--keep]

Writes the spec to a temporary folder (every field type, refs and many-to-many links
between resources, owned and soft-deleted resources, sort/filter/search lists), then
generates it `--runs` times into fresh folders, each in a fresh Python process as
`backsmith new` runs, and prints per run the time inside `new()` and the whole
process's wall time (imports included), then the best and the median of each. With
`--in-process` the runs share one process, so later runs reuse compiled templates.
The goal is under 3 seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from backsmith.generate import new, plan  # type: ignore[import-untyped, unused-ignore]

GOAL_SECONDS = 3.0
CHILD = """
import json, sys, time
started = time.perf_counter()
from backsmith.generate import new
imported = time.perf_counter()
new(sys.argv[1], sys.argv[2])
print(json.dumps({"import": imported - started, "new": time.perf_counter() - imported}))
"""
NOUNS = (
    "Author Book Publisher Store Customer Order Invoice Payment Shipment Warehouse "
    "Supplier Product Category Review Coupon Campaign Employee Department Team Meeting "
    "Ticket Asset Vendor Contract Region Country Event Venue Sponsor Badge"
).split()


def resource(index: int, name: str) -> dict[str, Any]:
    """A resource with 14-18 fields of every type; links to earlier resources."""
    fields: dict[str, Any] = {
        "title": {"type": "str", "max_length": 120, "min_length": 1, "unique": index % 3 == 0},
        "code": {"type": "str", "max_length": 16, "pattern": "^[A-Z0-9-]+$", "optional": True},
        "notes": "text?",
        "body": {"type": "text", "max_length": 4000, "optional": True},
        "quantity": {"type": "int", "ge": 0, "le": 100000, "default": 0},
        "weight": {"type": "float", "ge": 0, "optional": True},
        "price": "decimal(12,2)?",
        "active": {"type": "bool", "default": True},
        "starts_on": "date?",
        "happened_at": "datetime?",
        "external_ref": "uuid?",
        "contact": "email?",
        "homepage": "url?",
        "status": {"type": "enum", "values": ["draft", "active", "archived"], "default": "draft"},
        "attributes": "json?",
    }
    if index >= 1:
        fields["parent"] = {"type": "ref", "to": NOUNS[index - 1], "on_delete": "cascade"}
    if index >= 3:
        fields["origin"] = {"type": "ref", "to": NOUNS[index - 3], "optional": True}
        fields["origin"]["on_delete"] = "set_null"
    if index >= 2 and index % 2 == 0:
        fields["links"] = f"many({NOUNS[index - 2]})"
    body: dict[str, Any] = {
        "fields": fields,
        "sort": ["title", "quantity", "starts_on", "created_at"],
        "filter": ["status", "active", "starts_on", *(["parent"] if index >= 1 else [])],
        "search": ["title", "notes"],
    }
    if index % 4 == 1:
        body["owned"] = True
    if index % 5 == 2:
        body["soft_delete"] = True
    if index % 6 == 3:
        body["cache"] = 30
    if index % 7 == 4:
        body["unique_together"] = [["code", "starts_on"]]
    if index % 3 == 2:
        body["access"] = {"list": "public", "read": "public", "create": "manager"}
    return body


def write_spec(folder: Path) -> Path:
    spec = {
        "name": "bigshop",
        "title": "Big Shop API",
        "description": "Thirty resources, to time the generator.",
        "version": "1.0.0",
        "auth": {"kind": "local", "roles": ["manager"]},
        "cors": {"origins": ["http://localhost:5173"]},
        "resources": {name: resource(index, name) for index, name in enumerate(NOUNS)},
    }
    path = folder / "bigshop.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def run_in_child(spec: Path, target: Path) -> tuple[float, float]:
    """`new()` in a fresh interpreter: (seconds inside new(), wall seconds of the process)."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(spec), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"new() failed:\n{child.stderr}")
    timing: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return timing["new"], wall


def run_in_process(spec: Path, target: Path) -> tuple[float, float]:
    started = time.perf_counter()
    new(spec, target)
    elapsed = time.perf_counter() - started
    return elapsed, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/new_speed.py", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="all runs in this process")
    parser.add_argument("--keep", action="store_true", help="keep the spec and the projects")
    arguments = parser.parse_args(argv)
    runner = run_in_process if arguments.in_process else run_in_child
    folder = Path(tempfile.mkdtemp(prefix="backsmith-new-speed-"))
    try:
        spec = write_spec(folder)
        plan(spec)  # a spec error fails here, before any timing
        fields = sum(len(resource(i, n)["fields"]) for i, n in enumerate(NOUNS))
        print(f"spec: {len(NOUNS)} resources, {fields} fields ({spec})")
        inside: list[float] = []
        walls: list[float] = []
        for run in range(1, arguments.runs + 1):
            target = folder / f"run{run}"
            seconds, wall = runner(spec, target)
            inside.append(seconds)
            walls.append(wall)
            files = sum(1 for path in target.rglob("*") if path.is_file())
            print(f"run {run}: new() {seconds:.2f}s, process {wall:.2f}s ({files} files)")
        best, median = min(inside), statistics.median(inside)

        def verdict(seconds: float) -> str:
            return "met" if seconds < GOAL_SECONDS else "MISSED"

        print(
            f"new(): best {best:.2f}s ({verdict(best)}), median {median:.2f}s "
            f"({verdict(median)}); goal < {GOAL_SECONDS:.0f}s"
        )
        if not arguments.in_process:
            print(f"process: best {min(walls):.2f}s, median {statistics.median(walls):.2f}s")
    finally:
        if arguments.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
