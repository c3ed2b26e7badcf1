"""TCP_NODELAY on kernel websockets (``tools/jupyter/gd_nodelay.py``): the hook, its off switch, Binder.

Unit tests drive the extension with stand-in server objects: it wraps the server's kernel websocket
connection class so that ``connect`` first sets no-delay; ``GD_NODELAY=0`` leaves the server as it is;
a server without the hook (another jupyter_server version) starts as usual and says so once in its log.

The Binder test builds the Jupyter config as Binder does, by running ``binder/postBuild`` (into a
temporary config folder), starts JupyterLab with that config alone, and times kernel round trips over
the kernel websocket: an execute request until its "idle" status. With Nagle's algorithm on, the small
messages after the first wait for the client's delayed ACK (≈40 ms on Linux; ≈48 ms per round trip
here), with TCP_NODELAY a round trip takes a few ms. It prints both medians and asserts that the server
set TCP_NODELAY on the kernel's websocket (its log says so per connection), not a time. It runs
with whatever Python runs pytest: ``.ci/run`` runs it again in the fresh Binder-like environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import statistics
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser_support import LabServer, disabled_plugins

ROOT = Path(__file__).resolve().parents[1]
ECHOES = 30


def load_extension():
    spec = importlib.util.spec_from_file_location("gd_nodelay", ROOT / "tools" / "jupyter" / "gd_nodelay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    return load_extension()


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
    messages = [r.getMessage() for r in caplog.records]
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


# -- Binder-like: the config postBuild writes, a real server, real round trips --------------------------
def execute_request(session, code="pass"):
    header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": session, "msg_type": "execute_request",
              "version": "5.3", "date": ""}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False,
               "stop_on_error": True}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}


async def kernel_echo_ms(lab, kernel_id, count, warmup=3):
    """Milliseconds from sending an execute request on the kernel websocket to its "idle" status, per request."""
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    ws = await websocket_connect(f"ws://127.0.0.1:{lab.port}/api/kernels/{kernel_id}/channels?session_id={session}")
    times = []
    try:
        for _ in range(warmup + count):
            request = execute_request(session)
            start = time.perf_counter()
            ws.write_message(json.dumps(request))
            while True:
                reply = await asyncio.wait_for(ws.read_message(), timeout=30)
                assert reply is not None, "the kernel websocket closed"
                msg = json.loads(reply)
                if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                        and msg["parent_header"].get("msg_id") == request["header"]["msg_id"]):
                    break
            times.append(1000.0 * (time.perf_counter() - start))
    finally:
        ws.close()
        # Wait for the server's close, so the socket is closed before the event loop ends (else it is left to
        # the garbage collector, whose ResourceWarning may surface in whichever test runs then).
        with contextlib.suppress(asyncio.TimeoutError):
            while await asyncio.wait_for(ws.read_message(), timeout=5) is not None:
                pass
    return times[warmup:]


def binder_config(workdir):
    """Run binder/postBuild as repo2docker would, with the config folder LabServer gives the server."""
    environ = dict(os.environ, HOME=str(workdir / "home"), JUPYTER_CONFIG_DIR=str(workdir / "config"))
    environ.pop("GD_NODELAY", None)
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], env=environ, check=True, capture_output=True)


def median_echo(workdir, env=None):
    binder_config(workdir)
    (workdir / "notebooks").mkdir()
    with LabServer(workdir / "notebooks", workdir, env=env, config_path=None) as lab:
        kernel = lab.api("POST", "api/kernels")
        times = asyncio.run(kernel_echo_ms(lab, kernel["id"], ECHOES))
        with urllib.request.urlopen(lab.url("lab"), timeout=30) as response:
            plugins = disabled_plugins(response.read())
        return statistics.median(times), lab.log_tail(200_000), plugins


def test_binder_environment_sends_kernel_messages_at_once(tmp_path, capsys):
    on_ms, log, plugins = median_echo(tmp_path / "on")
    off_ms, off_log, _ = median_echo(tmp_path / "off", env={"GD_NODELAY": "0"})
    with capsys.disabled():
        print(f"\nnodelay kernel_echo_ms on={on_ms:.1f} off={off_ms:.1f} (median of {ECHOES})", flush=True)
    assert "gd_nodelay: TCP_NODELAY on for kernel websockets" in log, log[-3000:]
    assert "gd_nodelay: TCP_NODELAY on kernel websockets is off (GD_NODELAY=0)" in off_log, off_log[-3000:]
    # The running server's kernel websocket really had TCP_NODELAY set (timings are printed, never asserted:
    # on a shared machine they vary; they are typically ≈8 ms on, ≈50 ms off).
    assert "gd_nodelay: TCP_NODELAY set on the websocket of kernel" in log, log[-3000:]
    assert "gd_nodelay: TCP_NODELAY set on the websocket" not in off_log, off_log[-3000:]
    # postBuild also merged tools/jupyter/labconfig into the user's labconfig: the favicon plugin is off.
    assert "@jupyterlab/application-extension:faviconbusy" in plugins
