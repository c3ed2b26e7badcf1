"""Every notebook's stored outputs: one clean top-to-bottom run, no errors, small, reproducible, ignores
only on widgets and timings.

nbval (``pytest --nbval notebooks``) re-runs the notebooks and compares against these outputs; this
file checks that the baseline itself is sound. Notebooks are found by glob, so a new one is covered
as soon as it exists.
"""

import json
import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MAX_BYTES = 600 * 1024


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def is_ignored(cell):
    src = "".join(cell["source"])
    tags = cell.get("metadata", {}).get("tags", [])
    return "nbval-ignore-output" in tags or "NBVAL_IGNORE_OUTPUT" in src or "nbval-skip" in tags


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_one_top_to_bottom_run(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), f"re-execute {path.name} in a fresh kernel"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_or_stderr_output(path):
    for i, cell in enumerate(code_cells(load(path))):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i}: {out.get('ename')}"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"cell {i}: stderr"
            text = "".join(out.get("data", {}).get("text/plain", []))
            for unstable in ("np.float64(", "<Figure size", " at 0x"):
                assert unstable not in text, f"cell {i}: {unstable!r} in output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_under_600_kilobytes(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size // 1024} KB"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_widget_state_and_no_run_dependent_metadata(path):
    """Stored as tools/execute.py stores it: what a re-run would change again is not kept."""
    nb = load(path)
    assert "widgets" not in nb["metadata"], "saved widget state: re-execute with tools/execute.py"
    for i, cell in enumerate(nb["cells"]):
        assert "execution" not in cell.get("metadata", {}), f"cell {i}: execution timestamps"
        for out in cell.get("outputs", []):
            assert WIDGET_MIME not in out.get("data", {}), f"cell {i}: a widget view (its model id changes every run)"


def is_demo_output(out):
    return "".join(out.get("data", {}).get("text/plain", "")).startswith("[Live demo '")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_output_ignores_sit_only_on_widget_and_timing_cells(path):
    """nbval skips the outputs of two kinds of cells only: a live demo (stored as its text placeholder)
    and a wall-clock measurement (tagged ``timing``, stored without outputs)."""
    cells = code_cells(load(path))
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if not is_ignored(cell):
            assert not any(is_demo_output(out) for out in cell["outputs"]), "a demo cell must be tagged"
            assert "timing" not in tags, "a timing cell must carry the nbval-ignore-output tag"
        elif "timing" in tags:
            assert cell["outputs"] == [], "a timing cell is stored without outputs"
        else:
            assert cell["outputs"] and all(is_demo_output(out) for out in cell["outputs"]), "".join(cell["source"])[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_sys_path_hacks_and_helpers_imported(path):
    sources = "\n".join("".join(c["source"]) for c in code_cells(load(path)))
    assert not re.search(r"sys\.path\.(insert|append)", sources)
    assert "import helpers" in sources


CODING = re.compile(r"def (\w+)\([^)]*\):\n    \.\.\.\n+ex\.check_\w+\(\1\)")
ANSWER = re.compile(r"ex\.check_\w+\(\.\.\.\)")


def exercises(nb):
    """(kind, cell, markdown before it) of every check cell: "coding" (a function whose body is ``...``,
    then ``ex.check_…(that_function)``) or "answer" (``ex.check_…(...)``); "prediction" for an answer
    cell right after a markdown cell that asks to **Predict**."""
    found, before = [], ""
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip()
        if cell["cell_type"] == "markdown":
            before = source
            continue
        if CODING.fullmatch(source):
            found.append(("coding", cell))
        elif ANSWER.fullmatch(source):
            found.append(("prediction" if "**Predict**" in before else "answer", cell))
        before = ""
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_share_one_style(path):
    """Every notebook asks the student to do: at least one coding exercise (write a piece of the algorithm)
    and at least two predictions (asked before the cell that shows the answer), at most eight checks in all.
    Each check cell's stored output is the "no answer yet" line of a Feedback, and each has its solution
    folded in ``<details><summary>Solution</summary>``."""
    nb = load(path)
    found = exercises(nb)
    kinds = [kind for kind, _ in found]
    assert kinds.count("coding") >= 1, "a coding exercise: def name(...):\\n    ...\\n\\nex.check_name(name)"
    assert kinds.count("prediction") >= 2, "two predictions: a markdown cell with **Predict**, then ex.check_…(...)"
    assert len(found) <= 8
    for _, cell in found:
        (out,) = cell["outputs"]
        assert "".join(out["data"]["text/plain"]).startswith("No answer yet.")
    folded = sum("".join(c["source"]).count("<details><summary>Solution</summary>")
                 for c in nb["cells"] if c["cell_type"] == "markdown")
    assert folded == len(found)


#: Pseudo-LaTeX in prose: a letter (or bracket) followed by _ or ^ and an index ("x_k", "x_{k+1}", "β^t",
#: "e^(−λz)"), or a backslash command. Markdown renders these literally; formulas belong in $…$.
PSEUDO_MATH = re.compile(r"[A-Za-zα-ωΑ-Ω\)\]][_^][\{\(]?[A-Za-z0-9α-ω\-−+]|\\[a-z]+")


def prose(markdown):
    """The Markdown outside math ($…$, $$…$$), code blocks and spans, and link targets."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"`[^`\n]+`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_formulas_are_real_math(path):
    found = []
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        assert source.count("$") % 2 == 0, f"cell {i}: an unpaired $"
        found += [f"cell {i}: {m.group(0)!r} in {line.strip()[:80]!r}"
                  for line in prose(source).splitlines() for m in PSEUDO_MATH.finditer(line)]
    assert not found, "write these as $…$ math:\n" + "\n".join(found)


def test_the_math_check_finds_pseudo_latex():
    assert PSEUDO_MATH.search(prose("the update x_{k+1} = x_k − 2ηx_k"))
    assert PSEUDO_MATH.search(prose("weights that fall like β^t"))
    assert not PSEUDO_MATH.search(prose("the update $x_{k+1} = x_k - 2\\eta x_k$ and `run.x_k` and f′(x) = 2x"))
    assert not PSEUDO_MATH.search(prose("the rule:\n```python\ndef momentum_sum(x, v):\n    return x_k\n```\nas code"))
