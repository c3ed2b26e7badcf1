# Sourced by tools/start.sh and tools/test.sh: make sure .venv exists and holds what the project pins.
# Needs only python3 (3.11 or newer); no sudo. Re-installs only when a requirements file changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

ensure_env() {
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "error: python3 3.11 or newer is needed (found: $(python3 --version 2>&1))" >&2
        exit 1
    fi
    if [ ! -x "$PY" ]; then
        echo "Creating a virtual environment in $VENV ..."
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            # Debian/Ubuntu without python3-venv: make the venv without pip, install with the system pip.
            rm -rf "$VENV"
            python3 -m venv --without-pip "$VENV"
            python3 -m pip --version >/dev/null 2>&1 || {
                echo "error: neither 'python3 -m venv' nor 'python3 -m pip' works here; install python3-venv" >&2
                exit 1
            }
        fi
    fi
    local stamp="$VENV/.installed" want
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/hub/requirements.txt" \
        "$ROOT/pyproject.toml" "$ROOT/helpers/_version.py" "$ROOT"/jupyter-config/*/*.json "$ROOT"/jupyter-config/*/*/*.json | sha256sum)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "Installing the pinned requirements and helpers into $VENV ..."
        if [ -x "$VENV/bin/pip" ]; then
            "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt" -e "$ROOT"
        else
            python3 -m pip --python "$PY" install --quiet --disable-pip-version-check \
                -r "$ROOT/requirements-dev.txt" -e "$ROOT"
        fi
        install_data_files
        echo "$want" > "$stamp"
    fi
}

# An editable install (pip install -e) leaves out the package's data files (a known setuptools limitation),
# among them the Jupyter server settings that a plain `pip install` puts into <prefix>/etc/jupyter: copy
# them there as that install would, from pyproject.toml's [tool.setuptools.data-files].
install_data_files() {
    "$PY" - "$ROOT" <<'EOF'
import shutil
import sys
import tomllib
from pathlib import Path

root = Path(sys.argv[1])
table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
for folder, files in table.items():
    for name in files:
        target = Path(sys.prefix, folder)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target / Path(name).name)
EOF
}
