# The project's Jupyter server settings. Read as an extra config directory: tools/start.sh and the browser
# test put this folder on JUPYTER_CONFIG_PATH, Binder's postBuild loads this file from the user's config.
# - The gd_nodelay extension next to this file turns on TCP_NODELAY for kernel websockets (widget round
#   trips without the 40 ms delayed-ACK wait; see its docstring). GD_NODELAY=0 switches it off.
# - Kernels started by this server do not echo widget updates back to the page (JUPYTER_WIDGETS_ECHO=0,
#   ipywidgets' own setting; the echo only matters with several pages on one kernel): one message fewer
#   per slider frame. An explicit JUPYTER_WIDGETS_ECHO in the environment wins.
# - labconfig/page_config.json next to this file switches JupyterLab's busy favicon off: it flips, and
#   the page fetches an icon, at every kernel status message, two per slider frame.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.append(_here)
c.ServerApp.jpserver_extensions.update({"gd_nodelay": True})  # noqa: F821 - `c` is the config traitlets provides
os.environ.setdefault("JUPYTER_WIDGETS_ECHO", "0")  # inherited by the kernels this server starts
