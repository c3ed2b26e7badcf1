"""The stored notebooks review like code: re-executing one changes nothing, and its paired script matches it.

Each notebook is copied to a temporary folder, executed there the way ``tools/execute.py`` stores
notebooks, and compared with the stored file cell by cell (outputs of cells tagged
``nbval-ignore-output``, widgets and timings, excepted). A failure names the cell and its first
differing line. The py:percent script paired with each notebook (``notebooks/scripts/``) must be exactly
what jupytext writes for the notebook, so a diff of the scripts shows every change of code and text.
"""

import pathlib
import shutil

import jupytext
import nbformat
import pytest
from support import tool

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


execute = tool("execute")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_re_executing_changes_nothing(path, tmp_path):
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    problems = execute.differences(nbformat.read(path, as_version=4), execute.fresh(copy))
    assert not problems, f"{path.name} does not reproduce (re-execute it with tools/execute.py?):\n" + "\n".join(
        problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_script_matches_the_notebook(path):
    script = path.parent / "scripts" / f"{path.stem}.py"
    assert script.is_file(), f"no paired script {script.relative_to(ROOT)}: run tools/execute.py {path.name}"
    expected = jupytext.writes(nbformat.read(path, as_version=4), fmt="py:percent")
    assert script.read_text(encoding="utf-8") == expected, (
        f"{script.relative_to(ROOT)} and {path.name} differ: run jupytext --sync {path.relative_to(ROOT)}")


def test_the_check_catches_a_timestamp_in_a_figure(tmp_path):
    """A figure that shows the time of the run is different on every run, and the check says where."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import time\nfrom helpers import plotting", id="setup"),
        nbformat.v4.new_code_cell("print('a number that does not change:', 6 * 7)", id="steady"),
        nbformat.v4.new_code_cell(
            "fig, ax = plotting.new_figure()\nax.set_title(f'drawn at {time.time_ns()}')\n"
            "plotting.show(fig, 'a figure with its time in the title')", id="stamped"),
    ]
    path = tmp_path / "stamped.ipynb"
    nbformat.write(execute.fresh_from(nb, tmp_path), path)
    problems = execute.differences(nbformat.read(path, as_version=4), execute.fresh(path))
    assert len(problems) == 1 and problems[0].startswith("cell 2 (id stamped):")
