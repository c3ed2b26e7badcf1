"""Support for the hub test and ``benchmarks/class_load.py``: a real JupyterHub on loopback, and students.

:class:`Hub` starts JupyterHub from the example config ``hub/jupyterhub_config.py`` as it is, with only
what a test must add around it (a small config that loads it): loopback ports, the proxy that
``tools/hub_proxy.py`` fetched from npm, and an API token for the test. The class settings come in through
the example's own ``GD_HUB_…`` variables: the ``dummy`` authenticator, the ``simple`` spawner with homes
in the work folder, a local repository for nbgitpuller. :class:`Kernel` is what a browser does with a
notebook: start a kernel through the hub's proxy, run cells, and move a demo's slider through the widget
protocol on the kernel websocket (Jupyter's v1 binary protocol, as JupyterLab speaks it), counting the
bytes that come back.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psutil
from browser_support import Running, free_port, stop_group
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from support import tool

ROOT = Path(__file__).resolve().parents[1]
HUB_CONFIG = ROOT / "hub" / "jupyterhub_config.py"
PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: The test's own service: what it needs to create users, start and stop servers and reach them.
TEST_SCOPES = ["admin:users", "admin:servers", "admin:server_state", "access:servers", "list:users", "read:users"]
#: The folder name of the repository nbgitpuller pulls, as in a real class.
REPOSITORY_NAME = "gradient-descent-notebooks"


def proxy_command():
    """The configurable-http-proxy that ``tools/hub_proxy.py`` installed, or None."""
    return tool("hub_proxy").installed()


def origin_repository(folder, branch="main"):
    """A git repository in ``folder`` holding this checkout's notebooks and helpers version, as the class's
    repository would; returns its ``file://`` URL (what nbgitpuller pulls)."""
    repo = Path(folder) / REPOSITORY_NAME
    (repo / "notebooks").mkdir(parents=True)
    (repo / "helpers").mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, repo / "notebooks" / notebook.name)
    shutil.copy2(ROOT / "helpers" / "_version.py", repo / "helpers" / "_version.py")
    git = ["git", "-C", str(repo), "-c", "user.name=Lecturer", "-c", "user.email=lecturer@example.edu"]
    subprocess.run([*git, "init", "--quiet", f"--initial-branch={branch}"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "The class's notebooks"], check=True)
    return repo.as_uri()


class Hub(Running):
    """JupyterHub from ``hub/jupyterhub_config.py`` on a free loopback port, in ``workdir``; a context manager.

    ``cull_idle_after`` is the culler's timeout (s); ``activity_interval`` how often (s) each server tells
    the hub it is in use (JupyterHub's default is 300 s, too slow for a test of the culler).
    """

    def __init__(self, workdir, repository, *, lecturers=("lecturer",), cull_idle_after=3600,
                 activity_interval=None, branch="main"):
        self.workdir = Path(workdir)
        self.token = uuid.uuid4().hex
        self.port = None
        self.proc = None
        self.log_path = self.workdir / "jupyterhub.log"
        self.settings = {
            "GD_HUB_AUTHENTICATOR": "dummy",
            "GD_HUB_SPAWNER": "simple",
            "GD_HUB_HOMES": str(self.workdir / "homes" / "{username}"),
            "GD_HUB_REPOSITORY": repository,
            "GD_HUB_BRANCH": branch,
            "GD_HUB_LECTURERS": " ".join(lecturers),
            "GD_HUB_CULL_IDLE_AFTER": str(cull_idle_after),
        }
        self.activity_interval = activity_interval

    # -- lifecycle -------------------------------------------------------------------------------
    def _write_config(self):
        proxy = proxy_command()
        if proxy is None:
            raise RuntimeError("configurable-http-proxy is missing: run python tools/hub_proxy.py")
        self.port = free_port()
        role = {"name": "class-test", "scopes": TEST_SCOPES, "services": ["class-test"]}
        lines = [
            "c = get_config()  # noqa",
            f"load_subconfig({str(HUB_CONFIG)!r})",
            "# Around the example config: loopback ports, the npm proxy, the test's token.",
            f"c.JupyterHub.bind_url = 'http://127.0.0.1:{self.port}'",
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]",
            f"c.JupyterHub.services.append({ {'name': 'class-test', 'api_token': self.token} !r})",
            f"c.JupyterHub.load_roles.append({role!r})",
            "c.Spawner.start_timeout = 120",
            "c.Spawner.http_timeout = 120",
        ]
        if self.activity_interval:
            lines += [f"c.Spawner.environment['JUPYTERHUB_ACTIVITY_INTERVAL'] = '{self.activity_interval}'",
                      f"c.JupyterHub.last_activity_interval = {self.activity_interval}"]
        config = self.workdir / "hub_test_config.py"
        config.write_text("\n".join(lines) + "\n")
        return config

    def start(self, timeout=90):
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "GD_"))}
        env.update(self.settings, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.workdir, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited; its log:\n{self.log_tail()}")
            try:
                self.api("GET", "")
                return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s; its log:\n{self.log_tail()}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            stop_group(self.proc, timeout=60)  # on SIGTERM the hub stops the servers and the proxy, then exits
        with_leftovers = [p for p in psutil.process_iter(["environ"]) if self._ours(p)]
        for process in with_leftovers:  # a server or kernel the hub did not stop (it was killed)
            process.kill()
        self.proc = None

    def _ours(self, process):
        try:
            return (process.info["environ"] or {}).get("GD_HUB_HOMES") == self.settings["GD_HUB_HOMES"]
        except (psutil.Error, AttributeError):
            return False

    # -- REST API --------------------------------------------------------------------------------
    def request(self, method, path, body=None, timeout=60):
        """A request to the hub or (``user/<name>/…``) a user's server, with the test's token; (status, bytes)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url(path), data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def api(self, method, path, body=None):
        status, content = self.request(method, f"hub/api/{path}", body)
        if status >= 400:
            raise urllib.error.HTTPError(self.url(path), status, content.decode(errors="replace"), None, None)
        return json.loads(content) if content else None

    def add_users(self, names):
        self.api("POST", "users", {"usernames": list(names)})

    def spawn(self, name, timeout=120):
        """Start ``name``'s server; returns the seconds until it answers."""
        start = time.monotonic()
        self.api("POST", f"users/{name}/server")
        while time.monotonic() - start < timeout:
            server = self.server(name)
            if server and server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.2)
        raise RuntimeError(f"{name}'s server did not start within {timeout} s; hub log:\n{self.log_tail()}")

    def server(self, name):
        """The hub's record of ``name``'s server (None when it is not running)."""
        return self.api("GET", f"users/{name}").get("servers", {}).get("")

    def processes(self, name):
        """``name``'s server process and its kernels (psutil)."""
        server = psutil.Process(self.server(name)["state"]["pid"])
        return server, server.children(recursive=True)

    def hub_processes(self):
        """The hub and the proxy (the proxy is the hub's child running node)."""
        hub = psutil.Process(self.proc.pid)
        return [hub, *[p for p in hub.children() if "node" in " ".join(p.cmdline())]]


def pss(processes):
    """Proportional set size (bytes) of ``processes`` together: shared pages counted once across processes."""
    return sum(p.memory_full_info().pss for p in processes)


def cpu_seconds(processes):
    return sum(sum(p.cpu_times()[:2]) for p in processes)


# -- a notebook page, as a browser drives it ----------------------------------------------------------
def _message(msg_type, content, session):
    header = {"msg_id": uuid.uuid4().hex, "username": "student", "session": session, "msg_type": msg_type,
              "version": "5.3", "date": ""}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


class Kernel:
    """A kernel on a user's server, reached through the hub's proxy like a browser reaches it.

    ``await Kernel.start(hub, "alice")``; ``await kernel.execute(code)`` returns what the cell printed;
    ``await kernel.move(slider, value, until)`` sends a slider value and waits for the widget ``until``
    (a model id) to be updated, returning the seconds that took and the bytes the websocket brought.
    """

    def __init__(self, hub, user, kernel_id, ws):
        self.hub, self.user, self.id, self.ws = hub, user, kernel_id, ws
        self.session = uuid.uuid4().hex

    @classmethod
    async def start(cls, hub, user):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        status, body = hub.request("POST", f"user/{user}/api/kernels", {"name": "python3"})
        if status >= 400:
            raise RuntimeError(f"no kernel for {user}: {status} {body[:500]!r}")
        kernel_id = json.loads(body)["id"]
        url = hub.url(f"user/{user}/api/kernels/{kernel_id}/channels").replace("http://", "ws://")
        request = HTTPRequest(url, headers={"Authorization": f"token {hub.token}"}, connect_timeout=60)
        ws = await websocket_connect(request, subprotocols=[PROTOCOL])
        if ws.selected_subprotocol != PROTOCOL:
            raise RuntimeError(f"the server did not speak {PROTOCOL}")
        return cls(hub, user, kernel_id, ws)

    def _send(self, msg_type, content):
        msg = _message(msg_type, content, self.session)
        self.ws.write_message(serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode()),
                              binary=True)
        return msg["header"]["msg_id"]

    async def _receive(self, timeout):
        raw = await asyncio.wait_for(self.ws.read_message(), timeout=timeout)
        if raw is None:
            raise RuntimeError(f"{self.user}'s kernel websocket closed")
        _, parts = deserialize_msg_from_ws_v1(raw)
        header, parent, _, content = (json.loads(part) for part in parts[:4])
        return len(raw), header["msg_type"], parent.get("msg_id"), content

    async def execute(self, code, timeout=120):
        """Run ``code``; returns its printed text. A traceback raises."""
        msg_id = self._send("execute_request", {"code": code, "silent": False, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        printed = []
        while True:
            _, msg_type, parent, content = await self._receive(timeout)
            if parent != msg_id:
                continue
            if msg_type == "stream":
                printed.append(content["text"])
            elif msg_type == "error":
                raise RuntimeError(f"{self.user}'s cell failed: " + "\n".join(content["traceback"]))
            elif msg_type == "status" and content["execution_state"] == "idle":
                return "".join(printed)

    async def move(self, slider, value, until, timeout=60):
        """Set the slider model ``slider`` to ``value`` as a browser does; wait until widget ``until`` updates.

        Returns (seconds, bytes received on the websocket meanwhile)."""
        start = time.perf_counter()
        received = 0
        self._send("comm_msg", {"comm_id": slider,
                                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        while True:
            size, msg_type, _, content = await self._receive(timeout)
            received += size
            if msg_type == "comm_msg" and content.get("comm_id") == until:
                return time.perf_counter() - start, received

    async def canvas_ready(self, view, timeout=60):
        """Say to the demo's figure widget ``view`` what its canvas front end says when it loads (frames as data
        from now on); returns once the first frame has come."""
        self._send("comm_msg", {"comm_id": view, "data": {"method": "custom",
                                                          "content": {"type": "ready", "deflate": True}}})
        while True:
            _, msg_type, _, content = await self._receive(timeout)
            data = content.get("data", {})
            if msg_type == "comm_msg" and content.get("comm_id") == view and data.get("content", {}).get(
                    "type") == "frame":
                return

    async def close(self):
        self.ws.close()
        self.hub.request("DELETE", f"user/{self.user}/api/kernels/{self.id}")


#: Run in a student's kernel: the notebook's setup cell and 01's demo; prints the widget model ids as JSON.
DEMO_CELL = """
import json, os
import helpers
from helpers.demos.square import SquareDemo
demo = SquareDemo()
display(demo)
print(json.dumps({"lr": demo.controls["lr"].model_id, "image": demo.live.image.model_id,
                  "view": demo.live.view.model_id,
                  "readout": demo.readout.model_id, "lecture": demo.lecture,
                  "lecture_env": os.environ.get("GD_LECTURE_MODE"), "echo": os.environ.get("JUPYTER_WIDGETS_ECHO"),
                  "helpers": helpers.__file__}))
"""


async def open_demo(kernel):
    """01's demo in ``kernel``; returns what DEMO_CELL printed (model ids and the kernel's mode)."""
    return json.loads((await kernel.execute(DEMO_CELL)).strip().splitlines()[-1])


def pull(hub, user, repository, branch="main", timeout=120):
    """nbgitpuller's pull for ``user`` (what its link starts in the page): clone or update the working copy.
    Returns nbgitpuller's event stream as a list of events; the last one says finished or error."""
    query = urllib.parse.urlencode({"repo": repository, "branch": branch})
    status, body = hub.request("GET", f"user/{user}/git-pull/api?{query}", timeout=timeout)
    if status != 200:
        raise RuntimeError(f"git-pull for {user}: {status} {body[:500]!r}")
    events = [json.loads(line[len("data: "):]) for line in body.decode().splitlines() if line.startswith("data: ")]
    return events


__all__ = ["DEMO_CELL", "Hub", "Kernel", "cpu_seconds", "open_demo", "origin_repository", "pss", "pull"]
