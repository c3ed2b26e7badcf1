#!/usr/bin/env bash
# Set everything up (first run only), then open JupyterLab on your own copy of notebook 01.
#
# JupyterLab serves the repository root, so the notebooks' links (../README.md) and the Binder-style
# paths /lab/tree/notebooks/NN_….ipynb work as on Binder. You work in my-notebooks/ (git-ignored): each
# notebook is copied there from notebooks/ the first time, and never overwritten afterwards, so
# JupyterLab's autosave can never touch the originals (they are the tests' regression baseline).
# To start a notebook afresh, delete your copy in my-notebooks/ and run this script again.
#
# Extra arguments go to JupyterLab, e.g. --port=8890 --no-browser. Run as root (in a container), it passes
# --allow-root itself (JupyterLab refuses to start as root without it) and says so.
# GD_LECTURE_MODE=1 bash tools/start.sh opens every notebook in lecture (projector) mode.
# The server tuning comes with the helpers package (its gd_server extension and JupyterLab page config,
# installed into .venv/etc/jupyter; see gd_server/__init__.py): TCP_NODELAY on kernel websockets, so a widget
# round trip no longer waits 40 ms for a delayed ACK (GD_NODELAY=0 bash tools/start.sh switches that off),
# kernels that do not echo widget updates, no busy favicon and no news pop-up.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_env
cd "$ROOT"
WORK="${GD_WORK_DIR:-$ROOT/my-notebooks}"
mkdir -p "$WORK"
for original in notebooks/*.ipynb; do
    copy="$WORK/$(basename "$original")"
    if [ ! -e "$copy" ]; then
        cp "$original" "$copy"
        echo "copied $original to $copy"
    fi
done
first="$(cd "$WORK" && ls ./*.ipynb | head -n 1)"
extra=()
if [ "$(id -u)" -eq 0 ] && [[ " $* " != *" --allow-root "* ]]; then
    echo "start.sh: running as root, so JupyterLab gets --allow-root (it refuses to run as root without it)"
    extra=(--allow-root)
fi
exec "$VENV/bin/jupyter" lab --ServerApp.root_dir="$ROOT" "${extra[@]}" \
    "$(realpath --relative-to="$ROOT" "$WORK/${first#./}")" "$@"
