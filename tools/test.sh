#!/usr/bin/env bash
# Run the whole test suite: unit tests, nbval (strict) on every notebook, the browser test.
# Sets up .venv first if it is missing. Extra arguments go to pytest (e.g. -m "not browser").
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_env
cd "$ROOT"
exec "$PY" -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg "$@"
