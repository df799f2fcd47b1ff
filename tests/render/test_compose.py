"""The generated compose.yaml, read as Docker Compose reads it.

bench/compose.py runs it for real (Docker's engine, stand-in images); these tests keep
what that run found true without an engine.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from backsmith.generate import new

SPECS = Path(__file__).parents[1] / "assets" / "specs"
DEMO = Path(__file__).parents[2] / "src" / "backsmith" / "demo" / "taskboard.yaml"
CASES = [DEMO, SPECS / "minimal.yaml"]


@pytest.fixture(scope="module", params=CASES, ids=lambda path: path.stem)
def compose(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = new(request.param, tmp_path_factory.mktemp("compose") / "project")
    return yaml.safe_load((root / "compose.yaml").read_text(encoding="utf-8"))


def test_the_host_port_comes_from_app_port_and_defaults_to_8000(compose: Any) -> None:
    """A taken port 8000 on the host is moved with the environment, not by editing the
    file: an override file's `ports` add to the list instead of replacing it."""
    assert compose["services"]["app"]["ports"] == ["${APP_PORT:-8000}:8000"]


def test_the_database_counts_as_healthy_only_once_it_serves_tcp(compose: Any) -> None:
    """pg_isready without a host asks the Unix socket, which the image's temporary
    server (role and database creation on a fresh volume) already answers; migrate then
    connects over TCP to a server that is not listening yet (docker-library/postgres#880)."""
    kind, command = compose["services"]["db"]["healthcheck"]["test"]
    words = shlex.split(command)
    assert kind == "CMD-SHELL" and words[0] == "pg_isready"
    host = words[words.index("-h") + 1] if "-h" in words else None
    assert host == "127.0.0.1"


def test_every_service_that_runs_the_app_waits_for_its_dependencies(compose: Any) -> None:
    services = compose["services"]
    assert services["db"]["healthcheck"]
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["migrate"]["restart"] == "no"


def test_redis_keeps_its_data_in_a_named_volume(compose: Any) -> None:
    """Jobs waiting on the Redis stream survive `down` + `up` (Redis saves to /data when
    it stops); with only the image's anonymous volume a new container starts empty."""
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]
    assert "redis-data" in compose["volumes"]
