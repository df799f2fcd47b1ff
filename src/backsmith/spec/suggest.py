"""Did-you-mean suggestions for misspelt keys, types, options and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to `word`, if any is near enough to be a likely typo."""
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[matches[0]] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`"; did you mean 'x'?"`, or a list of the valid choices when nothing is close."""
    options = sorted(set(choices))
    match = closest(word, options)
    if match is not None:
        return f"; did you mean '{match}'?"
    if not options:
        return ""
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return f"; expected one of: {shown}"
