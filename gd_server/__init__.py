"""The project's Jupyter server tuning, a server extension that installs and enables itself with the package.

``pip install`` of this repository (``gd-helpers``) puts two Jupyter config files into ``<prefix>/etc/jupyter``
(``pyproject.toml``'s data files, from ``jupyter-config/``), which every Jupyter server of that environment
reads: ``jupyter lab``, ``jupyterhub-singleuser`` and Binder's server alike, with no ``JUPYTER_CONFIG_PATH``
and nothing written into ``$HOME``:

- ``jupyter_server_config.d/gd_server.json`` enables this extension, and tells JupyterLab not to fetch news;
- ``labconfig/page_config.d/gd_server.json`` switches two JupyterLab plugins off: the busy favicon (it flips,
  and the page fetches an icon, at every kernel status message, two per slider frame) and the announcements
  (the "get notified about official Jupyter news?" pop-up, which sat over the demos on first start).

What the extension does when the server starts:

- **TCP_NODELAY on every kernel websocket.** ipywidgets keeps one update per widget in flight: a slider sends
  its next value only when the kernel has reported "idle" for the previous one, so a drag shows one frame per
  round trip. The server leaves Nagle's algorithm on for the kernel websocket, and the small "idle" message,
  queued behind a frame the browser has not acknowledged yet, waits for the browser's delayed ACK (40 ms on
  Linux): a drag then tops out near 20 frames/s however cheap the frame. The hook is the server's
  ``kernel_websocket_connection_class`` setting: the configured class (the ZMQ channels one, or the
  gateway's) is replaced by a subclass whose ``connect`` first calls tornado's ``set_nodelay(True)``.
  ``GD_NODELAY=0`` in the server's environment switches it off. A server without the hook (another
  jupyter_server) starts as usual and says once in its log that the tuning is off.
- **No widget echo.** Kernels this server starts inherit ``JUPYTER_WIDGETS_ECHO=0`` (ipywidgets' own
  setting; the echo only matters with several pages on one kernel): one message fewer per slider frame. An
  explicit ``JUPYTER_WIDGETS_ECHO`` in the server's environment wins.

The module imports nothing heavy: every student's server on a hub loads it.
"""

from __future__ import annotations

import os

NAME = "gd_server"


def _jupyter_server_extension_points():
    return [{"module": NAME}]


def enabled(environ=os.environ):
    """False when ``GD_NODELAY`` is 0, off, false or no (the TCP_NODELAY tuning switched off)."""
    return environ.get("GD_NODELAY", "1").strip().lower() not in {"0", "off", "false", "no"}


def nodelay_connection(base, log):
    """A subclass of the kernel websocket connection class ``base`` that sets TCP_NODELAY when it connects."""
    failed = []

    class NodelayConnection(base):
        def connect(self, *args, **kwargs):
            try:
                self.websocket_handler.set_nodelay(True)
                log.info("%s: TCP_NODELAY set on the websocket of kernel %s", NAME, getattr(self, "kernel_id", "?"))
            except Exception as err:  # any failure here only costs the tuning, never the connection
                if not failed:
                    failed.append(err)
                    log.warning("%s: could not set TCP_NODELAY on a kernel websocket (%r); tuning off", NAME, err)
            return super().connect(*args, **kwargs)

    NodelayConnection.__name__ = NodelayConnection.__qualname__ = f"Nodelay{base.__name__}"
    NodelayConnection.__module__ = __name__
    return NodelayConnection


def _hook_nodelay(serverapp, log):
    if not enabled():
        log.info("%s: TCP_NODELAY on kernel websockets is off (GD_NODELAY=%s)", NAME, os.environ["GD_NODELAY"])
        return
    settings = getattr(getattr(serverapp, "web_app", None), "settings", None)
    base = settings.get("kernel_websocket_connection_class") if isinstance(settings, dict) else None
    if not isinstance(base, type) or not callable(getattr(base, "connect", None)):
        log.warning("%s: this jupyter_server has no kernel_websocket_connection_class setting to hook; "
                    "TCP_NODELAY on kernel websockets is off", NAME)
        return
    settings["kernel_websocket_connection_class"] = nodelay_connection(base, log)
    log.info("%s: TCP_NODELAY on for kernel websockets (%s)", NAME, base.__name__)


def _load_jupyter_server_extension(serverapp):
    log = serverapp.log
    _hook_nodelay(serverapp, log)
    echo = os.environ.setdefault("JUPYTER_WIDGETS_ECHO", "0")  # inherited by the kernels this server starts
    log.info("%s: kernels start with JUPYTER_WIDGETS_ECHO=%s", NAME, echo)
