"""``helpers.__version__`` is the package's version, and ``helpers.check_version`` says a mismatch in one line."""

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_has_one_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "helpers._version.__version__"}
    # What pip recorded when it installed the package (tools/env.sh reinstalls when _version.py changes).
    assert importlib.metadata.version("gd-helpers") == helpers.__version__


def test_the_same_version_prints_nothing(capsys):
    assert helpers.check_version(helpers.__version__) is None  # a setup cell ending with it shows nothing
    assert helpers.check_version(f" {helpers.__version__}\n") is None
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("written_for", ["0.1.0", "99.0", helpers.__version__ + ".1"])
def test_another_version_says_so_in_one_line(written_for, capsys):
    assert helpers.check_version(written_for) is None
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1, out
    assert f"written for helpers {written_for}" in out and f"helpers {helpers.__version__} is installed" in out
    assert str(Path(helpers.__file__).parent) in out  # which helpers: the image's, not the pulled copy's
    assert "lecturer" in out and "pip install -e ." in out  # what to do about it


@pytest.mark.parametrize("bad", [None, 2, 0.2, "", "  "])
def test_a_version_must_be_a_string(bad):
    with pytest.raises(TypeError, match="written_for must be a version string"):
        helpers.check_version(bad)
