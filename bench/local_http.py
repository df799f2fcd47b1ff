"""One HTTP request to a server on this machine, as the container and compose checks
send them: the status and the body's text, whatever the status."""

from __future__ import annotations

import urllib.error
import urllib.request


def http(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, str]:
    url = f"http://127.0.0.1:{port}{path}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        # The URL is always http://127.0.0.1:PORT/...: no file: or custom scheme.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
