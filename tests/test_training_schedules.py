"""Learning-rate schedules (helpers.schedules): closed forms, every validation error, and the notebook's own
schedule cells (tagged ``schedule``) equal to the helpers' functions of the same name."""

import inspect
import json
import math
import pathlib

import numpy as np
import pytest

from helpers import schedules

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_step_decay_and_inverse_time():
    assert [schedules.step_decay(e, every=2, factor=0.5) for e in range(6)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert [schedules.inverse_time(e, decay=0.5) for e in range(3)] == [1.0, 1.0 / 1.5, 0.5]


def test_cosine_falls_from_one_along_half_a_cosine():
    values = [schedules.cosine(e, epochs=4) for e in range(5)]
    assert values[0] == 1.0 and values[2] == pytest.approx(0.5, abs=1e-16) and values[4] == 0.0
    assert values[1] == pytest.approx((1 + math.sqrt(0.5)) / 2, rel=1e-15)
    assert all(a > b for a, b in zip(values[:-1], values[1:], strict=True))


def test_warm_up_then_cosine():
    assert [schedules.linear_warmup(e, warmup=4) for e in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    values = [schedules.warmup_cosine(e, epochs=10, warmup=3) for e in range(10)]
    assert values[:3] == [1 / 3, 2 / 3, 1.0]
    assert values[3:] == [schedules.cosine(e, epochs=7) for e in range(7)]
    assert [schedules.warmup_cosine(e, epochs=5, warmup=0) for e in range(5)] == [
        schedules.cosine(e, epochs=5) for e in range(5)]


@pytest.mark.parametrize("call, error, match", [
    (lambda: schedules.step_decay(-1), ValueError, r"epoch must be an integer in \[0, inf\], got -1"),
    (lambda: schedules.inverse_time(1.0), TypeError, "epoch must be an integer"),
    (lambda: schedules.step_decay(3, every=0), ValueError, r"every must be an integer in \[1, inf\]"),
    (lambda: schedules.step_decay(3, factor=1.5), ValueError, r"factor must be in \(0, 1\], got 1.5"),
    (lambda: schedules.inverse_time(3, decay=-1.0), ValueError, r"decay must be in \[0, inf\)"),
    (lambda: schedules.cosine(5, epochs=4), ValueError, r"epoch must be an integer in \[0, 4\], got 5"),
    (lambda: schedules.cosine(0, epochs=0), ValueError, r"epochs must be an integer in \[1, inf\]"),
    (lambda: schedules.linear_warmup(0, warmup=0), ValueError, r"warmup must be an integer in \[1, inf\]"),
    (lambda: schedules.warmup_cosine(0, epochs=5, warmup=5), ValueError, r"warmup must be an integer in \[0, 4\]"),
])
def test_bad_settings_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def schedule_cells(path):
    """The functions the cells tagged ``schedule`` of a notebook define, by name."""
    namespace = {"math": math, "np": np}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code" and "schedule" in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), f"{path.name} schedule cell", "exec"), namespace)
    return {name: f for name, f in namespace.items() if inspect.isfunction(f)}


def test_the_notebooks_schedules_equal_the_helpers():
    shown = {path.name: schedule_cells(path) for path in NOTEBOOKS}
    assert any(shown.values()), "no notebook has a code cell tagged schedule"
    for name, functions in shown.items():
        for function_name, function in functions.items():
            helper = getattr(schedules, function_name)
            params = inspect.signature(helper).parameters
            for epoch in range(12):
                kwargs = {"epochs": 12} if "epochs" in params else {}
                assert function(epoch, **kwargs) == helper(epoch, **kwargs), (name, function_name, epoch)
