"""The server tuning that installs with the package (``gd_server``): the TCP_NODELAY hook, its off switch, and
a real server that gets it from ``pip install`` alone.

Unit tests drive the extension with stand-in server objects: it wraps the server's kernel websocket
connection class so that ``connect`` first sets no-delay; ``GD_NODELAY=0`` leaves the server as it is;
a server without the hook (another jupyter_server version) starts as usual and says so once in its log.

The installed-package test starts JupyterLab with no extra config path (only the environment's
``<prefix>/etc/jupyter``, where installing the package puts ``jupyter-config/``, and an empty user config
folder) and times kernel round trips over the kernel websocket: an execute request until its "idle" status.
With Nagle's algorithm on, the small messages after the first wait for the client's delayed ACK (≈40 ms on
Linux; ≈48 ms per round trip here), with TCP_NODELAY a round trip takes a few ms. It prints both medians
and asserts what the server did, not a time: TCP_NODELAY set on the kernel's websocket (its log says so per
connection), kernels started with ``JUPYTER_WIDGETS_ECHO=0``, the busy favicon and the news pop-up off in
the page config. It runs with whatever Python runs pytest: ``.ci/run`` runs it again in a fresh environment
built as Binder builds it (``pip install -r binder/requirements.txt``, a plain install of the package).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import statistics
import sys
import time
import tomllib
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser_support import LabServer, disabled_plugins

import gd_server

ROOT = Path(__file__).resolve().parents[1]
ECHOES = 30
#: JupyterLab plugins the package's page config switches off: the busy favicon and the news pop-up.
QUIET_PAGE = {"@jupyterlab/application-extension:faviconbusy", "@jupyterlab/apputils-extension:announcements"}


class Handler:
    def __init__(self, fails=False):
        self.calls, self.fails = [], fails

    def set_nodelay(self, value):
        if self.fails:
            raise AttributeError("no stream")
        self.calls.append(value)


class Connection:
    """Stands in for jupyter_server's ZMQChannelsWebsocketConnection."""

    def __init__(self, handler):
        self.websocket_handler = handler

    def connect(self):
        return ("connected", list(self.websocket_handler.calls))


class Server:
    def __init__(self, settings):
        self.web_app = type("WebApp", (), {"settings": settings})()
        self.log = logging.getLogger("test_nodelay.server")


@pytest.fixture
def nodelay(monkeypatch):
    monkeypatch.delenv("GD_NODELAY", raising=False)
    monkeypatch.setenv("JUPYTER_WIDGETS_ECHO", "0")  # the extension sets it when missing; keep the test's own
    return importlib.reload(gd_server)


def test_connect_sets_nodelay_first(nodelay, caplog):
    settings = {"kernel_websocket_connection_class": Connection}
    with caplog.at_level(logging.INFO):
        nodelay._load_jupyter_server_extension(Server(settings))
    tuned = settings["kernel_websocket_connection_class"]
    assert issubclass(tuned, Connection) and tuned is not Connection
    handler = Handler()
    assert tuned(handler).connect() == ("connected", [True])  # set before the base class connects
    assert "TCP_NODELAY on for kernel websockets" in caplog.text


def test_a_failing_set_nodelay_costs_only_the_tuning(nodelay, caplog):
    settings = {"kernel_websocket_connection_class": Connection}
    nodelay._load_jupyter_server_extension(Server(settings))
    tuned = settings["kernel_websocket_connection_class"]
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert tuned(Handler(fails=True)).connect() == ("connected", [])
    assert len([r for r in caplog.records if "could not set TCP_NODELAY" in r.getMessage()]) == 1


@pytest.mark.parametrize("settings", [{}, {"kernel_websocket_connection_class": None}, None],
                         ids=["no-setting", "no-class", "no-web-app-settings"])
def test_a_server_without_the_hook_starts_and_says_so_once(nodelay, settings, caplog):
    before = None if settings is None else dict(settings)
    with caplog.at_level(logging.INFO):
        nodelay._load_jupyter_server_extension(Server(settings))
    assert settings == before  # left as it was
    messages = [r.getMessage() for r in caplog.records if "TCP_NODELAY" in r.getMessage()]
    assert len(messages) == 1 and "TCP_NODELAY on kernel websockets is off" in messages[0]


@pytest.mark.parametrize("value", ["0", "off", "false", "no", " OFF "])
def test_gd_nodelay_0_switches_the_tuning_off(nodelay, monkeypatch, value, caplog):
    monkeypatch.setenv("GD_NODELAY", value)
    settings = {"kernel_websocket_connection_class": Connection}
    with caplog.at_level(logging.INFO):
        nodelay._load_jupyter_server_extension(Server(settings))
    assert settings["kernel_websocket_connection_class"] is Connection
    assert "is off (GD_NODELAY=" in caplog.text


def test_gd_nodelay_other_values_keep_it_on(nodelay):
    assert nodelay.enabled({}) and nodelay.enabled({"GD_NODELAY": "1"}) and nodelay.enabled({"GD_NODELAY": ""})


def test_kernels_get_no_widget_echo_unless_the_environment_says_otherwise(nodelay, monkeypatch):
    monkeypatch.delenv("JUPYTER_WIDGETS_ECHO")
    nodelay._load_jupyter_server_extension(Server({}))
    assert nodelay.os.environ["JUPYTER_WIDGETS_ECHO"] == "0"
    monkeypatch.setenv("JUPYTER_WIDGETS_ECHO", "1")
    nodelay._load_jupyter_server_extension(Server({}))
    assert nodelay.os.environ["JUPYTER_WIDGETS_ECHO"] == "1"


def test_the_package_installs_the_settings_where_every_jupyter_server_reads_them():
    """pyproject's data files: the two JSON files of jupyter-config/ into <prefix>/etc/jupyter (a plain install;
    tools/env.sh copies them after its editable install, which leaves data files out)."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    installed = {}
    for folder, files in table.items():
        for name in files:
            source = json.loads((ROOT / name).read_text())
            assert json.loads(Path(sys.prefix, folder, Path(name).name).read_text()) == source, name
            installed[folder] = source
    server = installed["etc/jupyter/jupyter_server_config.d"]
    assert server["ServerApp"]["jpserver_extensions"] == {"gd_server": True}
    assert server["LabApp"]["news_url"] is None  # the server never fetches JupyterLab's news feed
    page = installed["etc/jupyter/labconfig/page_config.d"]["disabledExtensions"]
    assert {name for name, off in page.items() if off} == QUIET_PAGE


# -- the package alone: a real server with no extra config path, real round trips ----------------------
def execute_request(session, code="pass"):
    header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": session, "msg_type": "execute_request",
              "version": "5.3", "date": ""}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False,
               "stop_on_error": True}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}


async def kernel_echo_ms(lab, kernel_id, count, warmup=3, code="pass"):
    """Milliseconds from sending an execute request on the kernel websocket to its "idle" status, per request,
    and the text the requests printed."""
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    ws = await websocket_connect(f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={session}")
    times, printed = [], []
    try:
        for _ in range(warmup + count):
            request = execute_request(session, code)
            start = time.perf_counter()
            ws.write_message(json.dumps(request))
            while True:
                reply = await asyncio.wait_for(ws.read_message(), timeout=30)
                assert reply is not None, "the kernel websocket closed"
                msg = json.loads(reply)
                if msg["parent_header"].get("msg_id") != request["header"]["msg_id"]:
                    continue
                if msg["msg_type"] == "stream":
                    printed.append(msg["content"]["text"])
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            times.append(1000.0 * (time.perf_counter() - start))
    finally:
        ws.close()
        # Wait for the server's close, so the socket is closed before the event loop ends (else it is left to
        # the garbage collector, whose ResourceWarning may surface in whichever test runs then).
        with contextlib.suppress(asyncio.TimeoutError):
            while await asyncio.wait_for(ws.read_message(), timeout=5) is not None:
                pass
    return times[warmup:], "".join(printed)


def median_echo(workdir, env=None):
    (workdir / "notebooks").mkdir(parents=True)
    with LabServer(workdir / "notebooks", workdir, env=env) as lab:
        kernel = lab.api("POST", "api/kernels")
        code = "import os; print(os.environ.get('JUPYTER_WIDGETS_ECHO'))"
        times, printed = asyncio.run(kernel_echo_ms(lab, kernel["id"], ECHOES, code=code))
        with urllib.request.urlopen(lab.url("lab"), timeout=30) as response:
            plugins = disabled_plugins(response.read())
        return statistics.median(times), lab.log_tail(200_000), plugins, set(printed.split())


def test_the_installed_package_alone_tunes_the_server(tmp_path, report_line):
    on_ms, log, plugins, echo = median_echo(tmp_path / "on")
    off_ms, off_log, _, _ = median_echo(tmp_path / "off", env={"GD_NODELAY": "0"})
    report_line(f"nodelay kernel_echo_ms on={on_ms:.1f} off={off_ms:.1f} (median of {ECHOES})")
    assert "gd_server: TCP_NODELAY on for kernel websockets" in log, log[-3000:]
    assert "gd_server: TCP_NODELAY on kernel websockets is off (GD_NODELAY=0)" in off_log, off_log[-3000:]
    # The running server's kernel websocket really had TCP_NODELAY set (timings are printed, never asserted:
    # on a shared machine they vary; they are typically ≈8 ms on, ≈50 ms off).
    assert "gd_server: TCP_NODELAY set on the websocket of kernel" in log, log[-3000:]
    assert "gd_server: TCP_NODELAY set on the websocket" not in off_log, off_log[-3000:]
    assert echo == {"0"}  # the kernel inherited the server's JUPYTER_WIDGETS_ECHO=0
    # The package's labconfig/page_config.d: the busy favicon and the news pop-up are off.
    assert QUIET_PAGE <= plugins
