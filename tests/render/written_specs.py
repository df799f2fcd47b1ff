"""Projects generated from a spec a test writes out in full, for reading their code."""

from __future__ import annotations

from pathlib import Path

from backsmith.generate import new


def generate_written_spec(spec: str, folder: Path) -> Path:
    """Write `spec` as `folder/backsmith.yaml`, generate it into `folder/project`; the root."""
    (folder / "backsmith.yaml").write_text(spec)
    return new(folder / "backsmith.yaml", folder / "project")
