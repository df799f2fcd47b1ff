"""`python -m backsmith`: the same command line as the `backsmith` script."""

from backsmith.cli import main

main()
