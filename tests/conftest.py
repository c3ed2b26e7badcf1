import warnings

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_warnings_escape():
    """Any warning raised inside a unit test fails it (RuntimeWarning is also an error via pytest's -W)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def pytest_collection_modifyitems(config, items):
    """The hub test (marker ``hub``) runs only when ``-m`` names it (``-m hub``, as ``.ci/run`` does): it starts
    a real JupyterHub, so a plain ``pytest`` and ``-m "not browser"`` (tools/test.sh's first layer) leave it out."""
    if "hub" in (config.getoption("markexpr") or ""):
        return
    hub = [item for item in items if item.get_closest_marker("hub")]
    if hub:
        config.hook.pytest_deselected(items=hub)
        items[:] = [item for item in items if not item.get_closest_marker("hub")]
