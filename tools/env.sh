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
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/pyproject.toml" \
        "$ROOT/helpers/_version.py" | sha256sum)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "Installing the pinned requirements and helpers into $VENV ..."
        if [ -x "$VENV/bin/pip" ]; then
            "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt" -e "$ROOT"
        else
            python3 -m pip --python "$PY" install --quiet --disable-pip-version-check \
                -r "$ROOT/requirements-dev.txt" -e "$ROOT"
        fi
        echo "$want" > "$stamp"
    fi
}
