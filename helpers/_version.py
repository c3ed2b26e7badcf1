"""The helpers' version (the package's only copy: pyproject.toml reads it) and the notebooks' check against it.

A notebook states in its setup cell the helpers version it was written for. Where notebooks and helpers
can drift apart (a hub whose image keeps the helpers it was built with while nbgitpuller brings newer
notebooks, or an old ``.venv``), a mismatch would otherwise show up later as a traceback or as other
numbers, with no hint why.
"""

from __future__ import annotations

import os

__version__ = "0.2.0"


def check_version(written_for):
    """Say in one line, if the installed helpers are not the version a notebook was written for.

    Call it in a notebook's setup cell: ``helpers.check_version("0.2.0")``. It prints nothing when the
    versions agree, and returns nothing either way (a cell ending with it shows no output).

    Parameters
    ----------
    written_for : str
        The helpers version the notebook was written and tested with, e.g. ``"0.2.0"``.
    """
    if not isinstance(written_for, str) or not written_for.strip():
        raise TypeError(f"written_for must be a version string such as {__version__!r}, got {written_for!r}")
    if written_for.strip() != __version__:
        where = os.path.dirname(os.path.abspath(__file__))
        print(f"Note: this notebook was written for helpers {written_for.strip()}, but helpers {__version__} is "
              f"installed ({where}): some cells may fail or show other numbers. On a hub, tell your lecturer; "
              "on your own machine, run `pip install -e .` in the notebooks' repository folder.")
