"""``tools/start.sh``: JupyterLab at the repository root, the student working in copies that autosave may change.

The script is started for real (``--no-browser`` on a free loopback port) with its working folder
redirected to a temporary folder inside the repository; the test asks the running server for the
pages a student opens and checks that the originals in ``notebooks/`` are never written.
"""

import hashlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser_support import disabled_plugins, free_port, stop_group

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: JupyterLab plugins the package's page config switches off: the busy favicon and the news pop-up.
QUIET_PAGE = {"@jupyterlab/application-extension:faviconbusy", "@jupyterlab/apputils-extension:announcements"}


def digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


class Started:
    """``bash tools/start.sh`` running in the background, stopped on exit."""

    def __init__(self, work, tmp):
        self.port = free_port()
        env = dict(os.environ, GD_WORK_DIR=str(work))
        env.pop("GD_NODELAY", None)
        for name, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                          ("JUPYTERLAB_SETTINGS_DIR", "settings")]:
            env[name] = str(tmp / sub)
        # No --allow-root: run as root (as here, in a container), start.sh must pass it itself.
        cmd = ["bash", str(ROOT / "tools" / "start.sh"), "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--port-retries=0", "--IdentityProvider.token="]
        self.log = open(tmp / "start.log", "ab")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "tools/start.sh exited early; see its log"
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5):
                    return self
            except OSError:
                time.sleep(0.3)
        raise AssertionError("JupyterLab from tools/start.sh did not answer within 120 s")

    def __exit__(self, *exc):
        stop_group(self.proc)
        self.log.close()


@pytest.fixture
def work(tmp_path):
    folder = ROOT / f"test-work-{uuid.uuid4().hex[:8]}"  # inside the root that the server serves
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_start_serves_the_root_and_works_on_copies(work, tmp_path):
    before = digest(NOTEBOOKS)
    with Started(work, tmp_path) as lab:
        copies = sorted(work.glob("*.ipynb"))
        assert [p.name for p in copies] == [p.name for p in NOTEBOOKS]
        assert digest(copies) == before  # first start: exact copies of the originals
        # The notebooks' "back to the overview" link and the Binder-style paths resolve.
        status, body = get(lab.url("api/contents/README.md?type=file&format=text"))  # as the editor asks
        assert status == 200 and "Gradient descent" in json.loads(body)["content"]
        assert get(lab.url(f"lab/tree/notebooks/{NOTEBOOKS[0].name}"))[0] == 200
        assert get(lab.url(f"api/contents/{work.name}/{NOTEBOOKS[0].name}"))[0] == 200
        # The package's page config: no favicon flipping with every kernel message, no news pop-up.
        assert QUIET_PAGE <= disabled_plugins(get(lab.url("lab"))[1])
    # The package's server extension: TCP_NODELAY on kernel websockets (tests/test_nodelay.py times it).
    log = (tmp_path / "start.log").read_text(encoding="utf-8")
    assert "gd_server: TCP_NODELAY on for kernel websockets" in log
    if os.geteuid() == 0:
        assert "start.sh: running as root, so JupyterLab gets --allow-root" in log
    # A student's edit survives the next start: copies are never overwritten.
    edited = work / NOTEBOOKS[0].name
    edited.write_text(edited.read_text(encoding="utf-8").replace("Gradient descent", "My notes"), encoding="utf-8")
    mine = hashlib.sha256(edited.read_bytes()).hexdigest()
    (work / NOTEBOOKS[-1].name).unlink()  # deleted: copied again, fresh
    with Started(work, tmp_path):
        assert hashlib.sha256(edited.read_bytes()).hexdigest() == mine
        assert digest([work / NOTEBOOKS[-1].name]) == digest([NOTEBOOKS[-1]])
    assert digest(NOTEBOOKS) == before
