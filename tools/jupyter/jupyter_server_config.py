# The project's Jupyter server settings: the gd_nodelay extension next to this file, which turns on
# TCP_NODELAY for kernel websockets (widget round trips without the 40 ms delayed-ACK wait; see its
# docstring). Read as an extra config directory: tools/start.sh and the browser test put this folder
# on JUPYTER_CONFIG_PATH, Binder's postBuild loads this file from the user's config. GD_NODELAY=0
# switches the tuning off.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.append(_here)
c.ServerApp.jpserver_extensions.update({"gd_nodelay": True})  # noqa: F821 - `c` is the config traitlets provides
