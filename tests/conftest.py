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
