"""Run schemathesis in-process against one generated project's ASGI app.

Started by test_schemathesis.py as `python schemathesis_runner.py --package NAME ...`
with the project root as working folder and `PYTHONPATH=src`, so each project's package
lives in its own interpreter. The caller's environment carries the app's test settings
(a SQLite file, SECRET_KEY, high rate limits, ADMIN_EMAIL / ADMIN_PASSWORD); for
`auth.kind: jwks` this script serves a JWKS with a fresh Ed25519 key itself.

It migrates the database, signs in as an admin, runs every schemathesis phase (examples,
coverage, fuzzing, stateful) with the default checks, prints each failure with a curl
reproduction, and exits 1 when there is any failure or error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JWT_ISSUER = "https://issuer.schemathesis.test"
JWT_AUDIENCE = "schemathesis"
KEY_ID = "schemathesis-key"


@dataclass
class Finding:
    """One distinct problem: a failed check on an operation, or an error."""

    operation: str
    check: str
    title: str
    message: str
    reproduction: str
    response: str
    phases: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"{self.operation}: {self.check}: {self.title} (in {', '.join(self.phases)})"]
        lines += [f"    {line}" for line in self.message.strip().splitlines()[:25]]
        if self.response:
            lines.append(f"    response: {self.response}")
        if self.reproduction:
            lines.append("    reproduce:")
            lines += [f"      {line}" for line in self.reproduction.strip().splitlines()]
        return "\n".join(lines)


class Findings:
    """Failures keyed by (operation, check, title): the first reproduction, every phase."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Finding] = {}

    def add(self, phase: str, finding: Finding) -> None:
        known = self.items.setdefault((finding.operation, finding.check, finding.title), finding)
        if phase not in known.phases:
            known.phases.append(phase)


def _describe(response: Any) -> str:
    if response is None:
        return ""
    body = bytes(response.content[:400]).decode("utf-8", "replace")
    return f"{response.status_code} {body}"


def start_jwks_server() -> tuple[str, Any]:
    """Serve a one-key JWKS on a free local port; returns its URL and the private key."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
    document = json.dumps(
        {"keys": [{**public, "kid": KEY_ID, "alg": "EdDSA", "use": "sig"}]}
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/jwks", key


def mint_admin_token(key: Any) -> str:
    import jwt

    now = int(time.time())
    claims = {
        "sub": f"schemathesis-admin-{uuid.uuid4().hex[:8]}",
        "roles": ["admin"],
        "iat": now,
        "exp": now + 4 * 3600,
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": KEY_ID})


def login_admin(app: Any) -> str:
    """The bootstrap admin's access token, from the app's own login route."""
    from schemathesis.python import asgi

    with asgi.get_client(app) as client:
        response = client.post(
            "/auth/login",
            data={"username": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"]},
        )
    if response.status_code != 200:
        raise SystemExit(f"admin login failed: {response.status_code} {response.text[:500]}")
    token: str = response.json()["access_token"]
    return token


def migrate() -> None:
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config("alembic.ini"), "head")


POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]
"""Schemathesis's defaults for positive_data_acceptance, plus two the contract mandates for
well-formed requests no schema can rule out: 412 when a generated If-Match names another
version of the row, and 422 for rules about data rather than shape (a ref naming a row
that does not exist, an immutable field changed, a wrong current password, a string the
database cannot store). Server errors stay failures through not_a_server_error."""


def run(
    app: Any, token: str | None, *, max_examples: int, seed: int
) -> tuple[list[Finding], list[str]]:
    """Every phase with the default checks; the distinct findings and a summary of the run."""
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    settings: dict[str, Any] = {
        "seed": seed,
        "generation": {"max-examples": max_examples},
        "phases": {"stateful": {"enabled": True}},
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
    }
    if token is not None:
        settings["headers"] = {"Authorization": f"Bearer {token}"}
    config = schemathesis.Config.from_dict(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    findings = Findings()
    scenarios: Counter[str] = Counter()
    phases: list[str] = []
    operations: set[str] = set()
    phase_started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            phase_started = time.perf_counter()
        elif isinstance(event, events.ScenarioFinished):
            phase = str(event.phase.value)
            scenarios[phase] += 1
            if event.label:
                operations.add(event.label)
            for case_id, checks in event.recorder.checks.items():
                for node in checks:
                    if node.status != Status.FAILURE or node.failure_info is None:
                        continue
                    info = node.failure_info
                    failure = info.failure
                    steps = "\n".join(step.curl for step in info.steps)
                    response = event.recorder.find_response(case_id=failure.case_id or case_id)
                    findings.add(
                        phase,
                        Finding(
                            operation=failure.operation or event.recorder.label,
                            check=node.name,
                            title=failure.title,
                            message=failure.message,
                            reproduction=steps or info.code_sample,
                            response=_describe(response),
                        ),
                    )
        elif isinstance(event, events.NonFatalError):
            error = event.info
            details = [error.message, *error.extras]
            if error.has_useful_traceback:
                details.append(error.traceback)
            findings.add(
                str(event.phase),
                Finding(
                    event.label,
                    "error",
                    error.title,
                    "\n".join(details),
                    error.code_sample or "",
                    "",
                ),
            )
        elif isinstance(event, events.FatalError):
            findings.add(
                "engine",
                Finding(
                    "-",
                    "fatal error",
                    type(event.exception).__name__,
                    repr(event.exception),
                    "",
                    "",
                ),
            )
        elif isinstance(event, events.PhaseFinished):
            reason = f", {event.phase.skip_reason.value}" if event.phase.skip_reason else ""
            took = time.perf_counter() - phase_started
            phases.append(f"{event.phase.name.value} {event.status.value}{reason} {took:.1f}s")
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                findings.add(
                    "after run",
                    Finding(
                        failure.operation or "-",
                        "after_run",
                        failure.title,
                        failure.message,
                        "",
                        "",
                    ),
                )
            phases.append(f"stop: {event.stop_reason.value}")
    summary = [
        "phases: " + "; ".join(phases),
        "scenarios: " + ", ".join(f"{phase} {count}" for phase, count in sorted(scenarios.items())),
        f"operations: {len(operations)}",
    ]
    return list(findings.items.values()), summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", required=True, help="the generated project's package")
    parser.add_argument("--auth", choices=["local", "jwks", "none"], required=True)
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261126)
    arguments = parser.parse_args()

    signing_key = None
    if arguments.auth == "jwks":
        url, signing_key = start_jwks_server()
        os.environ.update(JWKS_URL=url, JWT_ISSUER=JWT_ISSUER, JWT_AUDIENCE=JWT_AUDIENCE)
    migrate()
    app = importlib.import_module(f"{arguments.package}.main").app
    token: str | None = None
    if arguments.auth == "local":
        token = login_admin(app)
    elif arguments.auth == "jwks":
        token = mint_admin_token(signing_key)

    started = time.perf_counter()
    findings, summary = run(app, token, max_examples=arguments.max_examples, seed=arguments.seed)
    print(f"schemathesis {arguments.package}: seed {arguments.seed}, ", end="")
    print(f"max examples {arguments.max_examples}")
    for line in summary:
        print(f"  {line}")
    print(f"  wall time: {time.perf_counter() - started:.1f}s")
    if not findings:
        print("no failures")
        return 0
    print(f"\n{len(findings)} distinct failure(s):\n")
    for finding in sorted(findings, key=lambda item: (item.operation, item.check, item.title)):
        print(finding.render(), end="\n\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
