"""The backsmith spec: its model, loader, checks and JSON Schema."""

from backsmith.spec.loader import load_spec, parse_spec
from backsmith.spec.model import Spec

__all__ = ["Spec", "load_spec", "parse_spec"]
