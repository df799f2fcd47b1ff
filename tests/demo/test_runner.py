"""The demo runner's safety rails; serving the demo itself is checked by hand (see the
commit that added it), since it generates and runs a whole project.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from backsmith import DemoError, ProjectError
from backsmith.demo import runner


def test_an_earlier_demo_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "taskboard"
    folder.mkdir()
    (folder / runner.MARKER).write_text("")
    (folder / "taskboard.db").write_text("old")

    runner._clear(folder)

    assert not folder.exists()


def test_a_folder_that_is_not_a_demo_is_never_removed(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep")

    with pytest.raises(ProjectError, match="not a backsmith demo folder"):
        runner._clear(tmp_path)

    assert (tmp_path / "precious.txt").read_text() == "keep"


def test_the_callers_settings_cannot_leak_into_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://prod/db")
    monkeypatch.setenv("redis_url", "redis://prod")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")

    environment = runner._environment()

    assert "DATABASE_URL" not in environment
    assert "redis_url" not in environment
    assert environment["PYTHONPATH"].split(":") == ["src", "/elsewhere"]


def test_a_busy_port_fails_before_anything_is_generated(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        with pytest.raises(DemoError, match=f"cannot listen on 127.0.0.1:{port}"):
            runner.demo(port=port, folder=tmp_path / "demo")

    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("host", ["localhost", "", "999.1.1.1", "example.com"])
def test_a_host_that_is_no_ip_address_fails_before_anything_is_generated(
    tmp_path: Path, host: str
) -> None:
    # A socket binds to "" or "localhost", but the server only takes an IP address:
    # it crashed with a traceback after the whole demo had been generated and seeded.
    with pytest.raises(DemoError, match="--host takes an IP address"):
        runner.demo(host=host, port=_free_port(), folder=tmp_path / "demo")

    assert not (tmp_path / "demo").exists()


def test_an_address_this_machine_lacks_asks_for_another_host(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="pass another --host"):
        runner.demo(host="192.0.2.1", port=_free_port(), folder=tmp_path / "demo")

    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("where", ["under-a-file", "name-too-long"])
def test_an_unusable_demo_folder_names_the_dir_option(tmp_path: Path, where: str) -> None:
    (tmp_path / "afile").write_text("keep")
    folder = tmp_path / "afile" / "demo" if where == "under-a-file" else tmp_path / ("z" * 300)

    with pytest.raises(ProjectError) as caught:
        runner.prepare_demo(folder)

    message = str(caught.value)
    assert "with --dir" in message
    assert "with -o" not in message
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_second_demo_never_clears_the_folder_a_running_one_serves(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / runner.MARKER).write_text("")
    (folder / "taskboard.db").write_text("in use")

    with runner._running(folder):  # the first demo, serving
        with pytest.raises(DemoError, match="another backsmith demo is running"):
            runner.demo(port=_free_port(), folder=tmp_path / "demo")

    assert (folder / "taskboard.db").read_text() == "in use"
    with runner._running(folder):  # released when the first one ends
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000/docs"),
        ("0.0.0.0", "http://127.0.0.1:8000/docs"),  # noqa: S104 - the address under test
        ("::1", "http://[::1]:8000/docs"),
    ],
)
def test_the_docs_url_is_one_a_browser_can_open(host: str, url: str) -> None:
    project = runner.DemoProject(Path("."), "admin@example.com", "secret")

    assert project.docs_url(host, 8000) == url
