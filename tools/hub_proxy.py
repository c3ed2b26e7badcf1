"""Fetch JupyterHub's proxy, configurable-http-proxy, from the npm registry into ``build/hub-proxy/`` (pinned).

    python tools/hub_proxy.py          # install it once (needs npm), print the command's path
    python tools/hub_proxy.py --path   # print the path if it is installed, else exit 1

JupyterHub starts the proxy as a separate Node.js program; the hub test (``tests/test_hub.py``) and
``benchmarks/class_load.py`` use this copy, as ``tools/export.py`` uses its pinned npm packages from
``build/vendor/``. A hub of your own installs it as JupyterHub's documentation says
(``npm install -g configurable-http-proxy``; The Littlest JupyterHub and Zero to JupyterHub bring their own).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PREFIX = ROOT / "build" / "hub-proxy"
PACKAGE, VERSION = "configurable-http-proxy", "5.3.0"
COMMAND = PREFIX / "node_modules" / ".bin" / PACKAGE


def installed():
    """The proxy command if the pinned version is installed, else None."""
    package = PREFIX / "node_modules" / PACKAGE / "package.json"
    if COMMAND.exists() and package.exists() and json.loads(package.read_text())["version"] == VERSION:
        return COMMAND
    return None


def install():
    """Install the pinned proxy (once); return its command."""
    if installed():
        return COMMAND
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed once to fetch configurable-http-proxy (apt-get install npm)")
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--silent",
                    "--prefix", str(PREFIX), f"{PACKAGE}@{VERSION}"], check=True)
    if not installed():
        raise SystemExit(f"npm did not install {PACKAGE}@{VERSION} into {PREFIX}")
    return COMMAND


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", action="store_true", help="only print the path of an installed proxy")
    args = parser.parse_args(argv)
    command = installed() if args.path else install()
    if command is None:
        print(f"{PACKAGE} {VERSION} is not installed: run python tools/hub_proxy.py", file=sys.stderr)
        return 1
    print(command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
