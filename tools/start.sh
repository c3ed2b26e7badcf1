#!/usr/bin/env bash
# Set everything up (first run only) and open JupyterLab on notebook 01.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_env
cd "$ROOT"
exec "$VENV/bin/jupyter" lab notebooks/01_gradient_descent_x2.ipynb "$@"
