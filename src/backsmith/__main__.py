"""`python -m backsmith` and the `backsmith` script: the command line, quiet on Ctrl-C.

The command's modules take a moment to import (typer, rich, pydantic, jinja2...), and
a Ctrl-C in that moment would print a traceback of half-done imports. So the entry point
is here, where only the standard library has been imported (`import backsmith` is lazy):
it imports the command line inside a `try`, and exits as the command does on Ctrl-C.
"""

import sys

INTERRUPTED = 130
"""128 + SIGINT, what shells report for Ctrl-C and what typer exits with on one."""


def main() -> None:
    """The console script's entry point."""
    try:
        from backsmith.cli import main as run
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
