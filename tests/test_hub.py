"""A class on a real JupyterHub: ``hub/jupyterhub_config.py`` with configurable-http-proxy, on loopback.

Marker ``hub``: ``.ci/run`` runs it (≈1 minute); ``tools/test.sh`` leaves it out. It needs the proxy from npm
(``python tools/hub_proxy.py``); without it the test skips, and with ``CI`` set it fails. The hub runs the
example config as it is, with the ``dummy`` authenticator and the ``simple`` spawner (``tests/hub_support.py``
says what the test adds around it). A student and a lecturer log in; through the hub's REST API and kernel
websockets the test checks, in order:

- nbgitpuller gives each a working copy of the class's repository in their home folder; a student's edit
  survives the next pull, and the repository's notebooks are never written;
- the server tuning that installs with the package is active on the hub's servers (the server's log
  names the kernel whose websocket got TCP_NODELAY; the kernels start without widget echo; the page config
  has the busy favicon and the news pop-up off);
- lecture mode is on for the lecturer's kernel only;
- 01's demo builds in a kernel and answers a slider change sent through the widget protocol;
- the notebooks' version check passes against the pulled copy's helpers version (and says so in one line
  when it does not);
- the idle culler stops the student's server once it has been idle for its timeout (15 s here).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser_support import disabled_plugins
from hub_support import REPOSITORY_NAME, Hub, Kernel, open_demo, origin_repository, proxy_command, pull

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[1]
STUDENT, LECTURER = "alice", "lecturer"
CULL_IDLE_AFTER, ACTIVITY_INTERVAL = 15, 3
QUIET_PAGE = {"@jupyterlab/application-extension:faviconbusy", "@jupyterlab/apputils-extension:announcements"}


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).glob("*.ipynb"))}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if proxy_command() is None:
        message = "configurable-http-proxy is missing: run python tools/hub_proxy.py (needs npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("hub")
    repository = origin_repository(work / "origin")
    with Hub(work, repository, lecturers=[LECTURER], cull_idle_after=CULL_IDLE_AFTER,
             activity_interval=ACTIVITY_INTERVAL) as running:
        running.repository = repository
        running.origin = work / "origin" / REPOSITORY_NAME
        yield running


def test_a_student_and_a_lecturer_on_the_hub(hub):
    repo_notebooks = digests(ROOT / "notebooks")
    originals = digests(hub.origin / "notebooks")
    hub.add_users([STUDENT, LECTURER])
    with ThreadPoolExecutor(2) as pool:
        spawn_s = list(pool.map(hub.spawn, [STUDENT, LECTURER]))
    print(f"\nhub spawn_s={max(spawn_s):.1f} (two servers started together)")

    # Working copies, one per user, from the class's repository.
    for user in (STUDENT, LECTURER):
        events = pull(hub, user, hub.repository)
        assert events and events[-1]["phase"] == "finished", events[-3:]
        assert digests(hub.workdir / "homes" / user / REPOSITORY_NAME / "notebooks") == originals
    copy = hub.workdir / "homes" / STUDENT / REPOSITORY_NAME / "notebooks" / "01_square.ipynb"
    copy.write_text(copy.read_text(encoding="utf-8").replace("Gradient descent", "My notes on gradient descent"),
                    encoding="utf-8")  # as JupyterLab's autosave would
    mine = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert pull(hub, STUDENT, hub.repository)[-1]["phase"] == "finished"  # the link clicked again
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == mine

    # The page: the package's page config on the hub's servers.
    status, page = hub.request("GET", f"user/{STUDENT}/lab")
    assert status == 200 and QUIET_PAGE <= disabled_plugins(page)

    pulled_version = re.search(r'__version__ = "([^"]+)"',
                               (hub.workdir / "homes" / STUDENT / REPOSITORY_NAME / "helpers" / "_version.py")
                               .read_text()).group(1)
    seen = asyncio.run(in_the_kernels(hub, pulled_version))
    student, lecturer = seen[STUDENT], seen[LECTURER]

    # Lecture mode for the lecturer only; no widget echo from either kernel.
    assert (student["lecture"], student["lecture_env"]) == (False, "0")
    assert (lecturer["lecture"], lecturer["lecture_env"]) == (True, "1")
    assert student["echo"] == lecturer["echo"] == "0"
    # The version check against the pulled notebooks' helpers version: silent; another version: one line.
    assert student["check"] == "" and lecturer["check"] == ""
    assert student["other"].count("\n") == 1 and "written for helpers 0.0.1" in student["other"]
    # The demo answered a slider change sent through the widget protocol, with its readout.
    assert "η = 0.5" in student["readout"] and student["readout"] != student["readout_before"]
    print(f"hub demo update_ms={1000 * student['update_s']:.0f} bytes={student['bytes']}")
    # TCP_NODELAY set on the websocket of the student's kernel, by the server the hub started.
    assert f"gd_server: TCP_NODELAY set on the websocket of kernel {student['kernel']}" in hub.log_path.read_text()

    # Nothing wrote into the class's repository (nor into this checkout's notebooks).
    assert digests(hub.origin / "notebooks") == originals
    assert subprocess.run(["git", "-C", str(hub.origin), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout == ""
    assert digests(ROOT / "notebooks") == repo_notebooks


async def in_the_kernels(hub, pulled_version):
    """Each user's kernel: the demo (mode, echo), the version check, and for the student a slider change."""
    seen = {}
    for user in (STUDENT, LECTURER):
        kernel = await Kernel.start(hub, user)
        try:
            ids = await open_demo(kernel)
            ids["kernel"] = kernel.id
            ids["check"] = await kernel.execute(f"helpers.check_version({pulled_version!r})")
            ids["other"] = await kernel.execute("helpers.check_version('0.0.1')")
            if user == STUDENT:
                ids["readout_before"] = await kernel.execute("print(demo.readout_text)")
                ids["update_s"], ids["bytes"] = await kernel.move(ids["lr"], 0.5, until=ids["readout"])
                ids["readout"] = await kernel.execute("print(demo.readout_text)")
        finally:
            await kernel.close()
        seen[user] = ids
    return seen


def test_the_culler_stops_an_idle_server(hub):
    """Runs after the test above: the student's kernel is closed, nothing uses the server any more."""
    assert hub.server(STUDENT) is not None, "the student's server should still run"
    start = time.monotonic()
    while hub.server(STUDENT) is not None:
        assert time.monotonic() - start < 4 * CULL_IDLE_AFTER + 30, "the idle culler did not stop the server"
        time.sleep(1)
    print(f"\nhub culled after_s={time.monotonic() - start:.0f} (timeout {CULL_IDLE_AFTER} s)")
    assert f"Culling server {STUDENT}" in hub.log_path.read_text()
    assert (hub.workdir / "homes" / STUDENT / REPOSITORY_NAME).is_dir()  # stopping a server keeps its files
