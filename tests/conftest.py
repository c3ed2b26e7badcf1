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


# -- lines a test reports (``report_line``): printed at the end of the run, also from pytest-xdist's workers --
_REPORTED = {}


@pytest.fixture
def report_line(record_property):
    """``report_line(text)``: a line of information (a timing, a size) to print after the run. Lines travel
    with the test's report, so they reach the terminal when the test ran on a pytest-xdist worker too."""
    return lambda text: record_property("line", text)


def pytest_runtest_logreport(report):
    if report.when == "call":
        lines = [value for key, value in report.user_properties if key == "line"]
        if lines:
            _REPORTED[report.nodeid] = lines


def pytest_terminal_summary(terminalreporter):
    if _REPORTED:
        terminalreporter.section("reported lines")
        for nodeid in sorted(_REPORTED):
            for line in _REPORTED[nodeid]:
                terminalreporter.write_line(line)
