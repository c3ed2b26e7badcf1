#!/usr/bin/env bash
# Run the whole test suite in two layers and print the time of each at the end:
#   1. unit tests and nbval (strict) on every notebook, on both cores (pytest-xdist);
#   2. the browser layer: every notebook and demo in JupyterLab in headless Chromium, normal and lecture
#      mode, and the slide decks, on both cores: one worker opens the notebooks in JupyterLab, the other
#      plays the demos on a projector and checks the slide decks (pytest-xdist groups "lab" and "projector").
#      Its timings are information (the figures come from benchmarks/browser_timings.py, run alone).
# The hub test (marker hub: a real JupyterHub, tests/test_hub.py) is not a layer here: .ci/run runs it, and
# `.venv/bin/python -m pytest tests -m hub` runs it by hand (after python tools/hub_proxy.py).
# Sets up .venv first if it is missing. Arguments:
#   bash tools/test.sh                      both layers
#   bash tools/test.sh unit [pytest args]   layer 1 only (e.g. -k quartic)
#   bash tools/test.sh browser [args]       layer 2 only (e.g. -k 01)
#   bash tools/test.sh [pytest args]        both layers, with these arguments (e.g. -q); with -m, one
#                                           pytest run with them instead (e.g. -m "not browser")
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ensure_env
cd "$ROOT"
NBVAL=(--nbval --nbval-sanitize-with tests/nbval_sanitize.cfg)
XDIST=(-n 2 --dist loadfile)  # a notebook's cells share one kernel: a file stays on one worker

layers=(unit browser)
case "${1:-}" in
    unit|browser) layers=("$1"); shift ;;
esac
for arg in "$@"; do
    if [ "$arg" = "-m" ] || [[ "$arg" == -m?* ]]; then  # the caller chooses the tests: one run
        exec "$PY" -m pytest tests notebooks "${NBVAL[@]}" "${XDIST[@]}" "$@"
    fi
done

status=0
summary=()
for layer in "${layers[@]}"; do
    start=$SECONDS
    case "$layer" in
        unit) "$PY" -m pytest tests notebooks "${NBVAL[@]}" "${XDIST[@]}" -m "not browser and not hub" "$@" || status=1 ;;
        browser) "$PY" -m pytest tests -m browser -n 2 --dist loadgroup "$@" || status=1 ;;
    esac
    took=$((SECONDS - start))
    summary+=("$(printf '%-8s %dm%02ds' "$layer" $((took / 60)) $((took % 60)))")
done
echo "== time per layer (tools/test.sh)"
printf '   %s\n' "${summary[@]}"
echo "   total    $((SECONDS / 60))m$(printf '%02d' $((SECONDS % 60)))s"
exit $status
