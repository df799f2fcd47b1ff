"""Read py-spy's raw (collapsed-stack) output and rank functions by own and cumulative time.

`py-spy record --format raw --function` writes one line per distinct stack:
`outer (file:line);...;leaf (file:line) COUNT`. Own time is the samples in which a
function is the leaf; cumulative time is the samples in which it is anywhere on the
stack (once per stack, so recursion does not inflate it). py-spy leaves out most idle
samples (the event loop waiting in epoll), so shares are of the busy time.

Only the main thread serves requests in an asyncio server; the other threads (anyio's
and asyncio's thread pools) are idle in `queue.get` nearly always, yet py-spy counts
some of those waits as busy. They are counted apart, as `other_threads`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
_PATH_MARKERS = ("site-packages/", "/src/")
_STDLIB = re.compile(r"^.*/lib/python3\.\d+/")
_THREAD_ROOT = "Thread._bootstrap "

PLUMBING = (
    "<frozen runpy>",
    "click/",
    "asyncio/",
    "uvicorn/",
    "starlette/middleware/",
    "starlette/applications.py",
    "starlette/_exception_handler.py",
    "fastapi/applications.py",
    "fastapi/middleware/",
    "fastapi/telemetry/",
    "fastapi/_body_limit.py",
)
"""Path prefixes of frames that only pass a request on (server loop, ASGI wrappers).

They sit on nearly every stack, so a cumulative ranking would be all wrappers: the
ranking leaves them out, and the call tree shows what they cost themselves.
"""


@dataclass
class Node:
    count: int = 0
    children: dict[str, Node] = field(default_factory=dict)


@dataclass
class Profile:
    samples: int = 0
    other_threads: int = 0
    own: Counter[str] = field(default_factory=Counter)
    cumulative: Counter[str] = field(default_factory=Counter)
    own_by_package: Counter[str] = field(default_factory=Counter)
    other_leaves: Counter[str] = field(default_factory=Counter)
    tree: Node = field(default_factory=Node)


def shorten(frame: str) -> str:
    """`f (/v/lib/python3.11/site-packages/sqlalchemy/x.py:10)` -> `f (sqlalchemy/x.py:10)`."""
    match = _FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in _PATH_MARKERS:
        index = path.rfind(marker)
        if index >= 0:
            path = path[index + len(marker) :]
            break
    else:
        path = _STDLIB.sub("", path)
    line = f":{match['line']}" if match["line"] else ""
    return f"{match['name']} ({path}{line})"


def file_of(frame: str) -> str:
    match = _FRAME.match(frame)
    return match["file"] if match else ""


def package_of(frame: str) -> str:
    """The top-level package of a shortened frame: `sqlalchemy`, `asyncio`, `logging`..."""
    path = file_of(frame)
    if not path or path.startswith("<"):
        return path or "?"
    return path.split("/", 1)[0].removesuffix(".py")


def is_plumbing(frame: str) -> bool:
    path = file_of(frame)
    return path.startswith(PLUMBING) or path.endswith("/__main__.py")


def parse(lines: Iterable[str]) -> Profile:
    profile = Profile()
    for raw in lines:
        stack_text, _, count_text = raw.rstrip("\n").rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _python_frames(stack_text.split(";"))
        if not frames:
            continue
        if frames[0].startswith(_THREAD_ROOT):
            profile.other_threads += count
            profile.other_leaves[frames[-1]] += count
            continue
        profile.samples += count
        profile.own[frames[-1]] += count
        profile.own_by_package[package_of(frames[-1])] += count
        for frame in set(frames):
            profile.cumulative[frame] += count
        node = profile.tree
        node.count += count
        for frame in frames:
            node = node.children.setdefault(frame, Node())
            node.count += count
    return profile


def _python_frames(parts: list[str]) -> list[str]:
    """Drop the `process PID:"cmdline"` and `thread (0x...)` prefixes py-spy adds with
    --subprocesses/--threads (a command line may itself contain ';'), then shorten."""
    start = 0
    for index, part in enumerate(parts):
        if part.startswith(("process ", "thread (")) or not _FRAME.match(part):
            start = index + 1
        else:
            break
    return [shorten(part) for part in parts[start:] if part]


def load(path: Path) -> Profile:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return parse(handle)


def cumulative_rows(profile: Profile, top: int) -> list[tuple[str, int]]:
    """Cumulative ranking without the pass-through frames (see PLUMBING)."""
    rows = [
        (name, count) for name, count in profile.cumulative.most_common() if not is_plumbing(name)
    ]
    return rows[:top]


def tree_lines(profile: Profile, *, minimum: float = 0.02, limit: int = 80) -> list[str]:
    """The call tree down to `minimum` of the samples, outermost first.

    A frame whose one child holds nearly all its samples is merged with it (`a > b`),
    so the ASGI wrappers collapse to one line; each line shows the share of samples on
    it and the share spent in that frame itself.
    """
    total = max(profile.samples, 1)
    floor = total * minimum
    lines: list[str] = []

    def walk(name: str, node: Node, depth: int) -> None:
        chain = [name]
        while True:
            big = [(child, sub) for child, sub in node.children.items() if sub.count >= floor]
            if len(big) == 1 and big[0][1].count >= node.count - floor / 2:
                name, node = big[0]
                chain.append(name)
                continue
            break
        own = node.count - sum(sub.count for sub in node.children.values())
        label = chain[0] if len(chain) == 1 else f"{_short(chain[0])} > ... > {chain[-1]}"
        if 1 < len(chain) <= 3:
            label = " > ".join([*map(_short, chain[:-1]), chain[-1]])
        lines.append(
            f"{100 * node.count / total:6.1f}% {100 * own / total:6.1f}%  {'  ' * depth}{label}"
        )
        for child, sub in sorted(node.children.items(), key=lambda item: -item[1].count):
            if sub.count >= floor and len(lines) < limit:
                walk(child, sub, depth + 1)

    for name, node in sorted(profile.tree.children.items(), key=lambda item: -item[1].count):
        if node.count >= floor:
            walk(name, node, 0)
    return lines[:limit]


def _short(frame: str) -> str:
    return frame.split(" (", 1)[0]


def render(profile: Profile, *, top: int = 25) -> str:
    total = max(profile.samples, 1)
    out: list[str] = [
        f"{profile.samples} busy samples on the main thread(s)"
        f" ({profile.other_threads} on idle pool threads, left out)"
    ]

    def table(title: str, rows: Iterable[tuple[str, int]]) -> None:
        out.extend(["", title, f"{'share':>7} {'samples':>8}  function"])
        out.extend(f"{100 * count / total:6.1f}% {count:8d}  {name}" for name, count in rows)

    table(f"Top {top} by own time", profile.own.most_common(top))
    table(
        f"Top {top} by cumulative time (server loop and ASGI wrappers left out; see layers)",
        cumulative_rows(profile, top),
    )
    out.extend(["", "Call tree (frames on >= 2% of samples; total, self)"])
    out.extend(tree_lines(profile))
    table("Own time by package", profile.own_by_package.most_common(15))
    if profile.other_threads:
        out.extend(["", "Other threads (left out above), by leaf"])
        out.extend(f"{count:15d}  {name}" for name, count in profile.other_leaves.most_common(3))
    return "\n".join(out)


if __name__ == "__main__":
    print(render(load(Path(sys.argv[1]))))
