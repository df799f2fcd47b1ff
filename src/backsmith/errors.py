"""The errors backsmith reports to people.

Every failure a user can cause is one of these: the CLI prints the message and exits
with the error's code; it never prints a traceback for them. Anything else escaping
is a bug in backsmith.
"""

from __future__ import annotations

from dataclasses import dataclass


class BacksmithError(Exception):
    """A failure the user can act on; `str(error)` says what happened and what to do."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec: where (key path, line, column) and what to do."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self, source: str) -> str:
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class SpecError(BacksmithError):
    """The spec is not valid; carries every problem found, each with its place."""

    exit_code = 2

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.render(source) for problem in problems))


class ProjectError(BacksmithError):
    """The target project or folder is not in a state the command can work with."""

    exit_code = 3


class GenerationError(BacksmithError):
    """Writing or formatting the generated files failed; nothing was left behind."""

    exit_code = 4
