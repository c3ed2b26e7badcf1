"""Support for ``test_browser.py``: find Chromium, run a throwaway JupyterLab, read widget state in the page.

The server serves a *copy* of ``notebooks/`` from a temporary folder, with autosave off, so nothing the
browser does can write into the repository's notebooks (they are the nbval baseline). It runs with
the Python that runs pytest (the project's ``.venv``), so the notebooks' kernel is that Python too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
INSTALL_HINT = (
    "the browser tests need Chromium: on Debian/Ubuntu `sudo apt-get install chromium` "
    "(or set CHROMIUM_PATH to a Chromium/Chrome binary); Playwright's own browser download is not needed"
)

# JupyterLab user settings for the test server (its settings folder is temporary). Nothing about JupyterLab's
# news: the package's page config switches the announcements off, as on a student's first start (checked).
LAB_SETTINGS = {
    # Never write the served copy back on a timer (and nothing is ever saved into the repository).
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False, "confirmClosingDocument": False},
}


def find_chromium():
    """Path of a Chromium binary: $CHROMIUM_PATH if set (else None if it is not one), Debian's
    /usr/bin/chromium, or `chromium` on PATH; None if there is none."""
    explicit = os.environ.get("CHROMIUM_PATH")
    candidates = [explicit] if explicit else ["/usr/bin/chromium", shutil.which("chromium")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def disabled_plugins(lab_page):
    """The JupyterLab plugins a server switches off, from the page config in its ``/lab`` page (bytes)."""
    match = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', lab_page, re.S)
    assert match, "no page config in the /lab page"
    return set(json.loads(match.group(1)).get("disabledExtensions", []))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(proc, timeout=30):
    """Stop a process started with ``start_new_session=True`` and all it started: SIGTERM, then SIGKILL."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class Running:
    """A server on loopback port ``port``, logging to ``log_path``; a context manager: ``start()`` on entry,
    ``stop()`` on exit."""

    port = None
    log_path = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, chars=4000):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}/{path}"


class LabServer(Running):
    """JupyterLab on a free loopback port, no token, serving a temporary copy of a notebooks folder.

    Use as a context manager; leaving it shuts every kernel down and stops the server. Its Jupyter config
    is the environment's (``<prefix>/etc/jupyter``, where installing the helpers package puts the project's
    server settings) and a temporary user config folder, ``workdir/config``; ``env={"GD_NODELAY": "0"}``
    switches the TCP_NODELAY tuning off.
    """

    def __init__(self, notebooks, workdir, python=sys.executable, env=None):
        self.notebooks = Path(notebooks)
        self.extra_env = dict(env or {})
        self.workdir = Path(workdir)
        self.python = python
        self.root = self.workdir / "root"
        self.log_path = self.workdir / "jupyterlab.log"
        self.proc = None
        self.port = None
        self._xsrf = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, attempts=3):
        shutil.copytree(self.notebooks, self.root / self.notebooks.name, ignore=shutil.ignore_patterns(".*"))
        settings = self.workdir / "settings"
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        # Keep the user's own Jupyter config, kernelspecs and extensions out; use only this environment's.
        for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "MPLBACKEND", "GD_LECTURE_MODE", "GD_NODELAY", "GD_FRAMES"):
            env.pop(name, None)
        for name, sub in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ]:
            env[name] = str(self.workdir / sub)
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
        env.update(self.extra_env)  # e.g. GD_LECTURE_MODE=1: the kernels inherit it
        for attempt in range(attempts):
            self.port = free_port()
            cmd = [
                self.python, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
                "--IdentityProvider.token=", f"--ServerApp.root_dir={self.root}",
            ]  # fmt: skip
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C in the terminal reaches pytest, which stops the server
                )  # fmt: skip
            if self._wait_ready(timeout=90):
                return
            if attempt == attempts - 1:
                raise RuntimeError(f"JupyterLab did not start; its log:\n{self.log_tail()}")

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # e.g. the port was taken between choosing and binding it: try another
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5):
                    return True
            except OSError:
                time.sleep(0.2)
        self._terminate()
        return False

    def stop(self):
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self.shutdown_kernels()
        finally:
            self._terminate()
            self.proc = None

    def _terminate(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the server shuts its remaining kernels down, then exits
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    # -- REST API --------------------------------------------------------------------------------
    def served(self, notebook):
        """The served copy of ``notebook`` (what the page shows; the original may change meanwhile)."""
        return self.root / self.notebooks.name / Path(notebook).name

    def notebook_url(self, relpath, workspace):
        """Open ``relpath`` in its own workspace, so no layout from an earlier page is restored."""
        return self.url(f"lab/workspaces/{workspace}/tree/{relpath}")

    def api(self, method, path):
        """Call the server's REST API; requests other than GET carry the XSRF cookie and header it wants."""
        headers = {}
        if method != "GET":
            if self._xsrf is None:
                with urllib.request.urlopen(self.url("lab"), timeout=30) as response:
                    cookies = SimpleCookie()
                    for header in response.headers.get_all("Set-Cookie") or []:
                        cookies.load(header)
                self._xsrf = cookies["_xsrf"].value
            headers = {"X-XSRFToken": self._xsrf, "Cookie": f"_xsrf={self._xsrf}"}
        request = urllib.request.Request(self.url(path), method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """End every session and kernel, so the next notebook starts in a fresh kernel and no CPU is lost."""
        for session in self.api("GET", "api/sessions"):
            self._delete(f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels"):
            self._delete(f"api/kernels/{kernel['id']}")

    def _delete(self, path):
        try:
            self.api("DELETE", path)
        except urllib.error.HTTPError as err:
            if err.code != 404:  # already gone
                raise

    def kernel_python(self, name="python3"):
        """The executable the kernelspec ``name`` starts (``python`` there means the server's own)."""
        spec = self.api("GET", "api/kernelspecs")["kernelspecs"][name]["spec"]
        exe = spec["argv"][0]
        minor = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        return self.python if exe in {"python", f"python{sys.version_info[0]}", minor} else exe


# -- JavaScript run in the page ----------------------------------------------------------------------
# Installed before JupyterLab loads: follows the kernel websocket and keeps the ids of the requests the
# page sent on the shell channel (cell executions, widget updates) until the kernel reports "idle" for
# each. JupyterLab's own busy/idle indicator follows the latest status message only, and with widget
# updates in flight it shows "idle" while an earlier update is still being computed.
KERNEL_TRACKER_JS = """
(() => {
  const tracker = {pending: new Set(), lastIdle: -Infinity, sent: 0};
  window.__gdKernel = tracker;
  const text = new TextDecoder();
  const decode = (data) => {
    try {
      if (typeof data === 'string') {
        const msg = JSON.parse(data);
        return {channel: msg.channel, header: msg.header, parent: msg.parent_header, content: msg.content};
      }
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // Jupyter's v1 websocket protocol: a count n, n offsets, then channel, header, parent, metadata, content.
      const n = Number(view.getBigUint64(0, true));
      const offsets = [];
      for (let i = 0; i < n; i++) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
      const part = (k) => text.decode(bytes.subarray(offsets[k], offsets[k + 1]));
      return {channel: part(0), header: JSON.parse(part(1)), parent: JSON.parse(part(2)), content: JSON.parse(part(4))};
    } catch (err) {
      return null;
    }
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const msg = decode(data);
    if (msg && msg.channel === 'shell' && msg.header && msg.header.msg_id) {
      tracker.pending.add(msg.header.msg_id);
      tracker.sent += 1;  // messages the page sent the kernel (Play in the page sends two a run)
    }
    return send.call(this, data);
  };
  // A barrier: a kernel_info request of our own on the kernel's websocket (its own session, so JupyterLab
  // ignores the reply). The kernel handles requests in order, and a demo draws for a slider's message just
  // after answering it (helpers/demo.py): this request is handled, and its "idle" arrives, after any drawing
  // the messages before it scheduled. Returns its id, pending until that "idle".
  tracker.barrier = () => {
    const ws = tracker.socket;
    const header = {msg_id: `gd-barrier-${performance.now()}`, msg_type: 'kernel_info_request', username: 'gd-test',
                    session: 'gd-test-barrier', date: new Date().toISOString(), version: '5.3'};
    if (ws.protocol !== 'v1.kernel.websocket.jupyter.org') {
      ws.send(JSON.stringify({channel: 'shell', header, parent_header: {}, metadata: {}, content: {}, buffers: []}));
      return header.msg_id;
    }
    const utf8 = new TextEncoder();
    const chunks = ['shell', ...[header, {}, {}, {}].map((part) => JSON.stringify(part))].map((c) => utf8.encode(c));
    const offsets = [8 * (chunks.length + 2)];
    for (const chunk of chunks) offsets.push(offsets[offsets.length - 1] + chunk.length);
    const bytes = new Uint8Array(offsets[offsets.length - 1]);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(offsets.length), true);
    offsets.forEach((offset, i) => view.setBigUint64(8 * (i + 1), BigInt(offset), true));
    chunks.forEach((chunk, i) => bytes.set(chunk, offsets[i]));
    ws.send(bytes.buffer);
    return header.msg_id;
  };
  const NativeWebSocket = window.WebSocket;
  class TrackedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      const url = String(args[0]);
      if (url.includes('/api/kernels/') && url.includes('/channels')) {
        tracker.socket = this;
        tracker.received = 0;  // bytes the kernel's messages brought (benchmarks/browser_timings.py)
        this.addEventListener('message', (event) => {
          tracker.received += typeof event.data === 'string' ? event.data.length : event.data.byteLength || 0;
        });
      }
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' && !(event.data instanceof ArrayBuffer)) return;
        const msg = decode(event.data);
        if (msg && msg.header && msg.header.msg_type === 'status' && msg.content.execution_state === 'idle'
            && msg.parent && tracker.pending.delete(msg.parent.msg_id)) {
          tracker.lastIdle = performance.now();
        }
      });
    }
  }
  window.WebSocket = TrackedWebSocket;
})();
"""

# Each demo's figure (img.gd-figure) and readout (.gd-readout) are watched from inside the page: the time
# of every figure that finished loading (a decoded frame, ready to paint), of every readout text change,
# and of every key or pointer event sent to the demo, all on the page's performance.now() clock. (The
# Label-echo ceiling has a readout and no figure.)
INSTRUMENT_JS = """
(demo) => {
  if (demo.__gdLog) return;
  const img = demo.querySelector('img.gd-figure');
  const label = demo.querySelector('.gd-readout');
  const log = {frames: [], texts: [], inputs: []};
  // A frame: a PNG loaded by the image or, with frames as data, drawn on the canvas (helpers/canvas.js).
  if (img) img.addEventListener('load', () => log.frames.push([performance.now(), null]));
  demo.addEventListener('gd-frame', () => log.frames.push([performance.now(), null]), true);
  new MutationObserver(() => log.texts.push([performance.now(), label.textContent]))
    .observe(label, {childList: true, characterData: true, subtree: true});
  for (const type of ['keydown', 'pointerdown', 'pointermove', 'pointerup']) {
    demo.addEventListener(type, (event) => log.inputs.push([event.timeStamp, type]), true);
  }
  demo.__gdLog = log;
  // The figure's URL is a data: URL of ≈100 KB: compared by its length and FNV-1a hash.
  const digest = (url) => {
    let hash = 2166136261;
    for (let i = 0; i < url.length; i++) hash = Math.imul(hash ^ url.charCodeAt(i), 16777619);
    return `${url.length}:${(hash >>> 0).toString(16)}`;
  };
  // What the demo shows now: slider values (noUiSlider's own API on each track) and their readouts,
  // figure URL, readout text, whether the figure has loaded, the kernel requests still unanswered, the
  // time since anything last happened, and the number of entries in JupyterLab's log console.
  demo.__gdState = () => {
    const last = (list) => (list.length ? list[list.length - 1][0] : -Infinity);
    const values = Array.from(demo.querySelectorAll('.widget-slider .noUi-target')).map((track) => {
      const value = track.noUiSlider.get(true);
      return Array.isArray(value) ? value[0] : value;
    });
    const readouts = Array.from(demo.querySelectorAll('.widget-slider .widget-readout')).map((r) => r.textContent);
    const kernel = window.__gdKernel;
    const logItem = document.querySelector('.jp-LogConsoleStatusItem [title]');
    const logEntries = logItem ? Number((logItem.getAttribute('title').match(/(\\d+) log entries/) || [0, 0])[1]) : 0;
    const canvas = demo.querySelector('canvas.gd-canvas');
    const drawn = canvas && canvas.offsetParent !== null;  // frames as data: the canvas shows the figure
    return {
      values, readouts, src: drawn ? `canvas:${canvas.dataset.digest}` : img ? digest(img.src) : '',
      text: label.textContent, logEntries, mode: drawn ? 'canvas' : 'png',
      complete: drawn ? Number(canvas.dataset.frames) > 0 : !img || (img.complete && img.naturalWidth > 0),
      frames: log.frames.length, inputs: log.inputs.length,
      quietMs: performance.now() - Math.max(last(log.frames), last(log.texts), last(log.inputs), kernel.lastIdle),
      pending: kernel.pending.size,
    };
  };
}
"""

STATE_JS = "(demo) => demo.__gdState()"
#: The figure a demo shows: its canvas (frames as data) or, without the canvas front end, its PNG image.
FIGURE_SHOWN = "canvas.gd-canvas:visible, img.gd-figure:visible, img.gd-reference:visible"
BARRIER_JS = "() => window.__gdKernel.barrier()"

# Truthy (the state) once the demo has caught up: the kernel has answered every request, the figure
# has loaded, and nothing new happened for quietMs. (Send a barrier first: see KERNEL_TRACKER_JS.)
QUIET_JS = """
([demo, quietMs]) => {
  const s = demo.__gdState();
  return s.complete && s.pending === 0 && s.quietMs >= quietMs ? s : false;
}
"""

# Keep the pixels of the figure shown now under ``key``, to compare later figures with.
# The pixels of the figure a demo shows: its canvas (frames as data) or its image (PNG frames).
_FIGURE_PIXELS_JS = """
  const figurePixels = (demo) => {
    const drawn = demo.querySelector('canvas.gd-canvas');
    const img = demo.querySelector('img.gd-figure');
    const source = drawn && drawn.offsetParent !== null ? drawn : img;
    const width = source.width || source.naturalWidth, height = source.height || source.naturalHeight;
    const canvas = document.createElement('canvas');
    canvas.width = source === img ? img.naturalWidth : width;
    canvas.height = source === img ? img.naturalHeight : height;
    const context = canvas.getContext('2d', {willReadFrequently: true});
    context.drawImage(source, 0, 0);
    return context.getImageData(0, 0, canvas.width, canvas.height);
  };
"""

SNAPSHOT_JS = """
([demo, key]) => {
""" + _FIGURE_PIXELS_JS + """
  const pixels = figurePixels(demo);
  demo.__gdSnapshots = demo.__gdSnapshots || {};
  demo.__gdSnapshots[key] = pixels;
  return [pixels.width, pixels.height];
}
"""

# Fraction of pixels of the figure shown now that differ visibly (by more than 8/255 in a channel) from
# snapshot ``key`` (1 if the size differs). A demo that redraws its cached background may shift
# antialiased pixels by a few levels; that is the same picture.
FIGURE_DIFFERENCE_JS = """
([demo, key]) => {
""" + _FIGURE_PIXELS_JS + """
  const ref = demo.__gdSnapshots[key];
  const pixels = figurePixels(demo);
  if (pixels.width !== ref.width || pixels.height !== ref.height) return 1;
  const now = pixels.data;
  let differing = 0;
  for (let i = 0; i < now.length; i += 4) {
    if (Math.abs(now[i] - ref.data[i]) > 8 || Math.abs(now[i + 1] - ref.data[i + 1]) > 8
        || Math.abs(now[i + 2] - ref.data[i + 2]) > 8 || Math.abs(now[i + 3] - ref.data[i + 3]) > 8) {
      differing += 1;
    }
  }
  return differing / (now.length / 4);
}
"""

# Frames as data against today's PNG frames: the kernel draws the frame shown now with Agg (helpers/live.py,
# "reference"); returns the canvas's own pixels and that PNG as data: URLs, and puts the PNG in an image of
# the canvas's size right after it (hidden), for a screenshot of each at the page's device pixel ratio.
REFERENCE_JS = """
async (demo) => {
  const canvas = demo.querySelector('canvas.gd-canvas');
  const url = await canvas.gdReference();
  const asData = (blob) => new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(blob);
  });
  const reference = await asData(await (await fetch(url)).blob());
  const img = document.createElement('img');
  img.className = 'gd-reference';
  img.style.cssText = canvas.style.cssText;
  img.style.display = 'none';
  await new Promise((resolve) => { img.onload = resolve; img.src = url; canvas.after(img); });
  return [canvas.toDataURL('image/png'), reference];
}
"""
# Show the reference image in place of the canvas (``true``), the canvas again (``false``), or remove the image.
SWAP_REFERENCE_JS = """
([demo, showReference]) => {
  const canvas = demo.querySelector('canvas.gd-canvas');
  const img = demo.querySelector('img.gd-reference');
  if (showReference === null) { img.remove(); canvas.style.display = 'block'; return; }
  canvas.style.display = showReference ? 'none' : 'block';
  img.style.display = showReference ? 'block' : 'none';
}
"""

# Each slider of a demo: its label, range and step (from noUiSlider's options), and whether it is enabled.
SLIDERS_JS = """
(demo) => Array.from(demo.querySelectorAll('.widget-slider')).map((widget) => {
  const track = widget.querySelector('.noUi-target');
  const range = track.noUiSlider.options.range;
  const label = widget.querySelector('.widget-label');
  return {
    label: label ? label.textContent : '',
    min: [].concat(range.min)[0], max: [].concat(range.max)[0], step: track.noUiSlider.options.step,
    disabled: track.hasAttribute('disabled'),
  };
})
"""

LOG_JS = "(demo) => demo.__gdLog"

# A mouse drag of slider ``widget``'s handle, dispatched from inside the page: the events a real mouse
# makes (pointer and mouse events, on the element under the point) at exact times on the page's clock,
# so nothing outside the page (Playwright waits for an acknowledgement of each of its mouse moves)
# limits the rate. DRAG_PRESS_JS presses the handle and moves it to fraction ``start`` of the track;
# DRAG_MOVES_JS then moves through ``fractions`` at ``hz`` moves per second and releases; it returns the
# times the moves were dispatched.
_DRAG_EVENTS_JS = """
  const base = widget.querySelector('.noUi-base').getBoundingClientRect();
  const handle = widget.querySelector('.noUi-handle').getBoundingClientRect();
  const y = handle.top + handle.height / 2;
  const at = (fraction) => base.left + fraction * base.width;
  // The element under the handle, found once: looking it up per move would force a layout each time, which
  // the browser's own mouse events (dispatched once per frame, after layout) do not.
  const target = document.elementFromPoint(handle.left + handle.width / 2, y) || document.documentElement;
  const fire = (kind, x) => {
    const init = {bubbles: true, cancelable: true, composed: true, view: window, clientX: x, clientY: y,
                  button: 0, buttons: kind === 'up' ? 0 : 1};
    const pointer = {...init, pointerId: 1, pointerType: 'mouse', isPrimary: true};
    target.dispatchEvent(new PointerEvent(`pointer${kind}`, pointer));
    target.dispatchEvent(new MouseEvent(`mouse${kind}`, init));
  };
  const sleepUntil = (due) => new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
"""

DRAG_PRESS_JS = """
async ([widget, start]) => {
""" + _DRAG_EVENTS_JS + """
  const from = handle.left + handle.width / 2;
  fire('down', from);
  const t0 = performance.now();
  for (let k = 1; k <= 5; k++) {
    await sleepUntil(t0 + 16 * k);
    fire('move', from + (at(start) - from) * k / 5);
  }
}
"""

DRAG_MOVES_JS = """
async ([widget, fractions, hz]) => {
""" + _DRAG_EVENTS_JS + """
  const times = [];
  const t0 = performance.now();
  for (let k = 0; k < fractions.length; k++) {
    await sleepUntil(t0 + (1000 * (k + 1)) / hz);
    fire('move', at(fractions[k]));
    times.push(performance.now());
  }
  fire('up', at(fractions[fractions.length - 1]));
  return times;
}
"""

# -- notebook-level checks -----------------------------------------------------------------------------
# The notebook's kernel is connected (its name shown in the toolbar) and idle.
KERNEL_READY_JS = """
(name) => {
  const panel = document.querySelector('.jp-NotebookPanel');
  const label = panel && panel.querySelector('.jp-Toolbar-kernelName');
  const indicator = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return Boolean(label && label.textContent.trim() === name && indicator && indicator.dataset.status === 'idle');
}
"""

CELL_PROMPTS_JS = """
() => Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt'))
  .map((prompt) => prompt.textContent.trim())
"""

# "Run All Cells" has finished: the first code cell ran, none is queued or running, and the kernel has
# answered every request. (After an error JupyterLab drops the rest of the queue: this ends that run too.)
RUN_DONE_JS = """
() => {
  const prompts = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt'))
    .map((prompt) => prompt.textContent.trim());
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.some((p) => p.includes('*'))
    && indicator.dataset.status === 'idle' && window.__gdKernel.pending.size === 0;
}
"""

# Every output that is an error or stderr text, and every widget that failed to display, with its cell's prompt.
OUTPUT_PROBLEMS_JS = """
() => {
  const problems = [];
  for (const output of document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output')) {
    const cell = output.closest('.jp-CodeCell');
    const prompt = cell ? cell.querySelector('.jp-InputPrompt').textContent.trim() : '?';
    const text = output.innerText;
    if (output.dataset.mimeType === 'application/vnd.jupyter.stderr') {
      problems.push(`cell ${prompt} error/stderr output:\\n${text.slice(0, 3000)}`);
    } else if (text.includes('Error displaying widget')) {
      problems.push(`cell ${prompt}: ${text.slice(0, 500)}`);
    }
  }
  return problems;
}
"""

# ``count`` widget outputs have displayed and every demo among them has a loaded figure and a readout;
# returns the demos' names (from their gd-demo-<name> class).
DEMOS_READY_JS = """
([count, mode]) => {
  const outputs = Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output'));
  if (outputs.filter((output) => output.querySelector('.jupyter-widgets')).length !== count) return false;
  const demos = Array.from(document.querySelectorAll('.jp-NotebookPanel .gd-demo'));
  // mode 'canvas' (frames as data, the canvas front end loaded): the canvas shows the figure and has drawn a
  // frame; mode 'png' (no canvas front end): the image shows a loaded PNG
  const ready = demos.every((demo) => {
    const canvas = demo.querySelector('canvas.gd-canvas');
    const img = demo.querySelector('img.gd-figure');
    const label = demo.querySelector('.gd-readout');
    const shown = mode === 'canvas'
      ? canvas && canvas.offsetParent !== null && Number(canvas.dataset.frames) > 0
      : img && img.offsetParent !== null && img.complete && img.naturalWidth > 0 && !(canvas && canvas.offsetParent);
    return shown && label && label.textContent.trim() !== '';
  });
  if (!ready) return false;
  return demos.map((demo) => {
    const cls = Array.from(demo.classList).find((c) => c.startsWith('gd-demo-'));
    return cls ? cls.slice('gd-demo-'.length) : '?';
  });
}
"""

# Text of any open dialog and of the log console's status item, for failure messages.
DIAGNOSE_JS = """
() => {
  const dialogs = Array.from(document.querySelectorAll('.jp-Dialog')).map((d) => d.innerText.trim());
  const log = document.querySelector('.jp-LogConsoleStatusItem [title]');
  return {dialogs, log: log ? log.getAttribute('title') : ''};
}
"""

# -- lecture mode ----------------------------------------------------------------------------------------
# How a demo sits in the window: its height against the visible height of the notebook (the demo has been
# scrolled to the top of it), and the font sizes of its slider labels, slider readouts and readout line.
DEMO_GEOMETRY_JS = """
(demo) => {
  const panel = demo.closest('.jp-WindowedPanel-outer') || demo.closest('.jp-NotebookPanel');
  const px = (el) => (el ? parseFloat(getComputedStyle(el).fontSize) : NaN);
  const sizes = (selector) => Array.from(demo.querySelectorAll(selector)).map(px);
  const box = demo.getBoundingClientRect(), view = panel.getBoundingClientRect();
  return {
    height: box.height, top: box.top - view.top, bottom: box.bottom - view.top, window: view.height,
    width: box.width, windowWidth: view.width,
    labels: sizes('.widget-label'), readouts: sizes('.widget-readout'), readout: px(demo.querySelector('.gd-readout')),
  };
}
"""

#: How a demo's controls are laid out: pairs of controls whose boxes overlap, labels and readouts that overlap
#: one another or overflow their box (a readout running into the next label), slider tracks narrower than
#: ``minTrack`` px (a long label squeezing its slider to a dot), and parts of the readout line cut off at the
#: right edge.
CONTROL_LAYOUT_JS = """
(demo, minTrack) => {
  const box = demo.querySelector('.widget-box, .widget-hbox, .jupyter-widgets.widget-container');
  const rect = (el) => el.getBoundingClientRect();
  const shown = (el) => el.offsetParent !== null && rect(el).width > 0;
  const controls = Array.from(box.children).filter(shown);
  const name = (el) => {
    const label = el.querySelector('.widget-label');
    const kind = el.className.split(' ').filter((c) => c.startsWith('widget-')).join('.');
    return (label && label.textContent.trim()) || kind;
  };
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const found = {overlaps: [], texts: [], overflows: [], narrow: []};
  controls.forEach((a, i) => controls.slice(i + 1).forEach((b) => {
    if (overlap(rect(a), rect(b))) found.overlaps.push(`${name(a)} / ${name(b)}`);
  }));
  const texts = Array.from(box.querySelectorAll('.widget-label, .widget-readout'))
    .filter((el) => shown(el) && el.textContent.trim());
  texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => {
    if (overlap(rect(a), rect(b))) found.texts.push(`${a.textContent.trim()} / ${b.textContent.trim()}`);
  }));
  texts.forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1) found.overflows.push(el.textContent.trim());
  });
  box.querySelectorAll('.widget-slider').forEach((widget) => {
    const track = widget.querySelector('.noUi-target');
    if (track && rect(track).width < minTrack) {
      found.narrow.push(`${name(widget)}: ${Math.round(rect(track).width)} px`);
    }
  });
  // The readout line under the figure: no unbreakable part of it may run past the demo's (or the output's)
  // right edge, where it would be cut off.
  found.clipped = [];
  const readout = demo.querySelector('.gd-readout');
  if (readout) {
    const output = demo.closest('.jp-OutputArea-output') || demo;
    const edge = Math.min(rect(demo).right, rect(output).right);
    readout.querySelectorAll('span').forEach((span) => {
      if (rect(span).right > edge + 1) found.clipped.push(`"${span.textContent.trim().slice(0, 50)}…"`);
    });
  }
  return found;
}
"""
# The Play widget's state as the page shows it: whether its button is showing "pause" (playing).
PLAYING_JS = """
(demo) => {
  // the Play shown: Play in the page (frames as data) or ipywidgets' Play (PNG frames)
  const play = Array.from(demo.querySelectorAll('.widget-play')).find((el) => el.offsetParent !== null);
  const icon = play && play.querySelector('button i');
  return Boolean(icon && icon.classList.contains('fa-pause'));
}
"""


# -- the ceiling notebook ----------------------------------------------------------------------------------
# What the server and the browser allow at best, measured with the same harness as the demos: a slider
# whose callback only sets a Label (the echo of one small message), and one whose callback only swaps in
# one of CEILING_FRAMES precomputed PNGs the size of a demo's frame (1080×400 px, encoded as the demos
# encode theirs). Written into a temporary folder at test time; never part of notebooks/.
CEILING_FRAMES = 200

CEILING_CELL = """\
import asyncio
import base64
import sys
import time
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

# As the demos send theirs: data: URLs (see helpers/live.py).
paths = sorted(Path("frames").glob("*.png"))
frames = [b"data:image/png;base64," + base64.b64encode(path.read_bytes()) for path in paths]


due = []  # not empty while a frame is scheduled


# As a demo draws (helpers/demo.py): after the kernel has answered, KERNEL_MS of busy CPU, then the frame.
def deferred_frame(slider, image):
    if not due:
        due.append(True)
        asyncio.get_running_loop().call_soon(draw_frame, slider, image)


def draw_frame(slider, image):
    due.clear()
    sys.stdout.flush()
    end = time.perf_counter() + KERNEL_MS / 1000
    while time.perf_counter() < end:  # a busy kernel, as while drawing and encoding a figure
        pass
    image.value = frames[slider.value]


def ceiling(kind):
    slider = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, description=kind, continuous_update=True,
                               style={"description_width": "initial"}, layout=widgets.Layout(width="350px"))
    readout = widgets.Label(value="0")
    readout.add_class("gd-readout")
    children = [slider, readout]
    if kind == "png":
        image = widgets.Image(value=frames[0], format="url",
                              layout=widgets.Layout(width="1080px", max_width="100%", height="auto"))
        image.add_class("gd-figure")
        children.insert(1, image)
        if KERNEL_MS is None:
            slider.observe(lambda change: setattr(image, "value", frames[change["new"]]), names="value")
        else:
            slider.observe(lambda change: deferred_frame(slider, image), names="value")
    else:
        slider.observe(lambda change: setattr(readout, "value", str(change["new"])), names="value")
    box = widgets.VBox(children)
    box.add_class("gd-demo")
    box.add_class(f"gd-demo-ceiling-{kind}")
    return box


display(ceiling("label"))
display(ceiling("png"))
"""


def ceiling_frames(count=CEILING_FRAMES):
    """``count`` demo-like frames as PNG bytes: contours with a growing trail of iterates, a loss curve
    with a moving marker; blitted and encoded like a demo's (≈77 KB each, the demos' are 55–92 KB)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from helpers.live import _encode_png

    fig = Figure(figsize=(10.8, 4.0), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2)
    x, y = np.meshgrid(np.linspace(-2, 2, 120), np.linspace(-2, 2, 120))
    left.contour(x, y, x**2 + 4 * y**2 + 0.5 * np.sin(3 * x), levels=6, cmap="viridis")
    left.set(xlabel="$w_1$", ylabel="$w_2$", title="iterates")
    t = np.linspace(0, 1, count)
    path = np.c_[1.8 * np.cos(9 * t) * (1 - t) ** 2, 1.6 * np.sin(9 * t) * (1 - t)]
    loss = path[:, 0] ** 2 + 4 * path[:, 1] ** 2 + 1e-3
    right.semilogy(np.arange(count), loss, color="0.7")
    right.set(xlabel="step", ylabel="loss", title="loss")
    (trail,) = left.plot([], [], "o-", color="C3", ms=3, lw=1, animated=True)
    (marker,) = right.plot([], [], "o", color="C3", animated=True)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    frames = []
    for k in range(count):
        canvas.restore_region(background)
        trail.set_data(path[: k + 1, 0], path[: k + 1, 1])
        marker.set_data([k], [loss[k]])
        fig.draw_artist(trail)
        fig.draw_artist(marker)
        frames.append(_encode_png(np.asarray(canvas.buffer_rgba())))
    return frames


def write_ceiling_notebook(folder, frames, kernel_ms=None):
    """``folder/ceiling.ipynb`` and its ``folder/frames/*.png``; returns the notebook's path. With ``kernel_ms``,
    the PNG ceiling shows each frame as a demo does, deferred, after ``kernel_ms`` of busy kernel (a benchmark's
    synthetic frame cost); without, it swaps the frame while answering."""
    (folder / "frames").mkdir(parents=True, exist_ok=True)
    for k, png in enumerate(frames):
        (folder / "frames" / f"{k:03d}.png").write_bytes(png)
    cell = {"cell_type": "code", "execution_count": None, "id": "ceiling", "metadata": {}, "outputs": [],
            "source": f"KERNEL_MS = {kernel_ms!r}\n{CEILING_CELL}".splitlines(keepends=True)}
    kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook = {"cells": [cell], "metadata": {"kernelspec": kernelspec}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / "ceiling.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


# Both ceiling demos are shown, with a loaded figure where there is one; returns their kinds.
CEILING_READY_JS = """
() => {
  const demos = Array.from(document.querySelectorAll('.jp-NotebookPanel .gd-demo'));
  const ready = demos.length === 2 && demos.every((demo) => {
    const img = demo.querySelector('img.gd-figure');
    return demo.querySelector('.gd-readout') && (!img || (img.complete && img.naturalWidth > 0));
  });
  const kind = (demo) => Array.from(demo.classList).find((c) => c.startsWith('gd-demo-ceiling-')).slice(16);
  return ready && demos.map(kind);
}
"""
