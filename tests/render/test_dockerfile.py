"""The generated Dockerfile's serving port: one setting that the server and its health
check both follow."""

from __future__ import annotations

import json
from pathlib import Path

from backsmith.generate import new
from tests.generated.test_container_steps import instructions

DEMO = Path(__file__).parents[2] / "src" / "backsmith" / "demo" / "taskboard.yaml"


def test_the_server_and_its_health_check_listen_on_port(tmp_path: Path) -> None:
    """PORT (8000 unless set) moves both, so an image run with host networking, or on a
    platform that sets PORT, serves where it is told and still reports healthy."""
    root = new(DEMO, tmp_path / "project")
    steps = instructions(root / "Dockerfile")
    env = " ".join(step.argument for step in steps if step.keyword == "ENV").split()
    assert "PORT=8000" in env
    command = json.loads(next(step.argument for step in steps if step.keyword == "CMD"))
    assert command[:2] == ["sh", "-c"] and "--port ${PORT} " in command[2]
    healthcheck = next(step.argument for step in steps if step.keyword == "HEALTHCHECK")
    assert "http://127.0.0.1:${PORT}/health/live" in healthcheck
    assert "8000" not in command[2] + healthcheck
