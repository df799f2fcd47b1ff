"""Schemathesis against each generated app: no input may break the contract it publishes.

The run happens in a subprocess (schemathesis_runner.py) inside the project's root, so
each project's package is imported alone; the app gets test settings, a migrated SQLite
database and an admin token, so that protected routes are exercised too.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.generated.harness import SpecCase, expect_success, project_env, python

RUNNER = Path(__file__).with_name("schemathesis_runner.py")
MAX_EXAMPLES = os.environ.get("BACKSMITH_SCHEMATHESIS_EXAMPLES", "30")
"""Hypothesis examples per operation and phase; raise it for a deeper local run."""
SEED = os.environ.get("BACKSMITH_SCHEMATHESIS_SEED", "20261126")
"""Fixed by default so that CI is repeatable; set another to explore."""


def test_schemathesis(project: SpecCase, root: Path, tmp_path: Path) -> None:
    env = project_env(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'schemathesis.db'}",
        ENVIRONMENT="test",
        SECRET_KEY="schemathesis-secret-key-0123456789abcdefghijklmnop",
        RATE_LIMIT_DEFAULT="1000000/second",
        RATE_LIMIT_AUTH="1000000/second",
        ADMIN_EMAIL="admin@schemathesis.example.com",
        ADMIN_PASSWORD="schemathesis-admin-password",
        ACCESS_TOKEN_MINUTES="240",
        ACCESS_LOG="false",
        LOG_LEVEL="ERROR",
        HYPOTHESIS_STORAGE_DIRECTORY=str(tmp_path / "hypothesis"),
    )
    arguments = [
        "--package",
        project.package,
        "--auth",
        project.auth,
        "--max-examples",
        MAX_EXAMPLES,
    ]
    outcome = python(str(RUNNER), *arguments, "--seed", SEED, cwd=root, env=env)
    expect_success(outcome, lines=600, chars=60_000)
