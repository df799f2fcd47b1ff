"""One line per check, as it happens, and a table at the end (container.py, compose.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Check:
    name: str
    ok: bool
    figure: str


@dataclass
class Report:
    say: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, ok: bool, figure: str) -> bool:
        self.checks.append(Check(name, ok, figure))
        self.say(f"{'ok' if ok else 'FAILED'}: {name}: {figure}")
        return ok

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def render(self) -> str:
        width = max((len(check.name) for check in self.checks), default=0)
        return "\n".join(
            f"{'PASS' if check.ok else 'FAIL'}  {check.name:<{width}}  {check.figure}"
            for check in self.checks
        )

    def finish(self, code: int, seconds: float) -> int:
        """Print the table and the totals; the exit code: `code` if the run stopped early,
        else 1 when a check failed, else 0."""
        print(self.render())
        failed = len(self.failed)
        if code == 0 and failed:
            code = 1
        print(
            f"{len(self.checks) - failed} passed, {failed} failed in {seconds:.0f} s"
            + ("" if code in (0, 1) else " (stopped early: see the error above)")
        )
        return code
