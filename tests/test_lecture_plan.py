"""docs/lecture-plan.md stays true to the notebooks and the demos.

For every notebook: a 45-minute and a 90-minute cut whose parts add up to the time; every section a row
names (§ "…") is a section heading of that notebook; every prediction or exercise it asks (`check_…`) is a
check the notebook calls; every demo setting (`demo: control=value, …`) names a demo the notebook shows, a
control of it, and a value that control can take (inside its range, on its slider's grid as the readout
shows it, or one of its options). A renamed section or an out-of-range value fails here.
"""

from __future__ import annotations

import json
import math
import pathlib
import re

import ipywidgets as widgets
import numpy as np
import pytest
from support import demo_classes

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLAN = ROOT / "docs" / "lecture-plan.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CUTS = {"45 minutes": 45, "90 minutes": 90}
SECTION = re.compile(r'§ "([^"]+)"')
CHECK = re.compile(r"`(check_\w+)`")
SETTING = re.compile(r"`(\w+): ([^`]+)`")


def plan_cuts(text):
    """{notebook stem: {cut: [table rows as lists of cells]}} from the plan's "## NN topic" sections."""
    plans = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, body = block.split("\n", 1)
        match = re.fullmatch(r"(\d\d) (\w+)", title.strip())
        if not match:
            continue
        cuts = {}
        for part in re.split(r"^### ", body, flags=re.M)[1:]:
            name, table = part.split("\n", 1)
            rows = [[c.strip() for c in line.strip().strip("|").split("|")]
                    for line in table.splitlines() if line.startswith("|")]
            cuts[name.strip()] = [r for r in rows[2:] if r]  # after the header and the --- line
        plans[f"{match.group(1)}_{match.group(2)}"] = cuts
    return plans


def notebook_text(stem):
    cells = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    headings = {"".join(c["source"]).splitlines()[0][3:].strip() for c in cells
                if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ")}
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return headings, code


def _demos():
    built = {}
    for cls in demo_classes():
        if cls.__name__ == "MinibatchDemo":
            from helpers.data import linear_regression

            built[cls.name] = cls(*linear_regression(1000, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(0)))
        else:
            built[cls.name] = cls()
    return built


@pytest.fixture(scope="module")
def demos():
    return _demos()


def reachable(control, value):
    """Whether a control can be set to ``value`` (as written in the plan): an option, a checkbox state, or a
    slider position inside the range and on the grid (within the readout's rounding, half a percent)."""
    if isinstance(control, widgets.Checkbox):
        return value in ("True", "False")
    if hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return any(str(o) == value for o in options)
    try:
        number = float(value)
    except ValueError:
        return False
    if isinstance(control, widgets.FloatLogSlider):
        if number <= 0:
            return False
        k = np.arange(int(round((control.max - control.min) / control.step)) + 1)
        grid = control.base ** (control.min + k * control.step)
        return grid[0] * (1 - 1e-9) <= number <= grid[-1] * (1 + 1e-9) and bool(
            np.any(np.abs(grid - number) <= 0.005 * number))
    if not control.min - 1e-9 <= number <= control.max + 1e-9:
        return False
    steps = (number - control.min) / control.step
    return math.isclose(steps, round(steps), abs_tol=1e-6)


def problems(plans, demos):
    """Every way the plan is not true to the notebooks and demos, in words."""
    found = []
    for path in NOTEBOOKS:
        if path.stem not in plans:
            found.append(f"{path.stem}: no plan")
            continue
        headings, code = notebook_text(path.stem)
        for cut, minutes in CUTS.items():
            rows = plans[path.stem].get(cut)
            if not rows:
                found.append(f"{path.stem}: no {cut} cut")
                continue
            total = sum(int(r[0]) for r in rows)
            if total != minutes:
                found.append(f"{path.stem}, {cut}: the parts add up to {total} minutes")
            for row in rows:
                text = " ".join(row)
                found += [f"{path.stem}, {cut}: no section {s!r}" for s in SECTION.findall(text) if s not in headings]
                found += [f"{path.stem}, {cut}: the notebook calls no ex.{c}" for c in CHECK.findall(text)
                          if f"ex.{c}(" not in code]
                for name, settings in SETTING.findall(text):
                    if name.startswith("check_"):
                        continue
                    demo = demos.get(name)
                    if demo is None or f"{type(demo).__name__}(" not in code:
                        found.append(f"{path.stem}, {cut}: the notebook shows no demo {name!r}")
                        continue
                    for setting in settings.split(","):
                        key, _, value = (p.strip() for p in setting.partition("="))
                        if key not in demo.controls:
                            found.append(f"{path.stem}, {cut}: demo {name} has no control {key!r}")
                        elif not reachable(demo.controls[key], value):
                            found.append(f"{path.stem}, {cut}: {name}'s {key} cannot be set to {value}")
    return found


def test_the_plan_is_true_to_the_notebooks_and_demos(demos):
    plans = plan_cuts(PLAN.read_text(encoding="utf-8"))
    assert set(plans) == {p.stem for p in NOTEBOOKS}
    assert not problems(plans, demos), "\n".join(problems(plans, demos))


def test_the_check_catches_a_renamed_section_a_bad_value_and_a_wrong_sum(demos):
    text = PLAN.read_text(encoding="utf-8")
    broken = (text.replace('§ "4 · Try it"', '§ "4 · Try it out"', 1).replace("`square: lr=0.525`", "`square: lr=2`", 1)
              .replace("`square: lr=0.479`", "`square: lr=0.51`", 1).replace("| 8 | the lecture's recipe", "| 9 | the "
                                                                                     "lecture's recipe", 1))
    found = problems(plan_cuts(broken), demos)
    assert "01_square, 45 minutes: no section '4 · Try it out'" in found
    assert "01_square, 45 minutes: square's lr cannot be set to 2" in found
    assert "01_square, 45 minutes: square's lr cannot be set to 0.51" in found  # inside the range, off the grid
    assert "01_square, 45 minutes: the parts add up to 46 minutes" in found


def test_every_notebook_header_links_its_part_of_the_plan():
    for path in NOTEBOOKS:
        first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        assert f"../docs/lecture-plan.md#{path.stem.replace('_', '-')}" in first, path.name
