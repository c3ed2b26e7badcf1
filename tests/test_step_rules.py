"""Every notebook shows the update rule it teaches in full, and that rule is the helpers' rule.

A notebook defines its rule in a code cell tagged ``step-rule``, under the name of the function in
:mod:`helpers.steps` it must equal. The test runs those cells on their own and compares both
functions on the same inputs: one number, a batch of points and a grid of settings that broadcast.
"""

import inspect
import json
import pathlib

import numpy as np
import pytest

from helpers import steps

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def step_rules(path):
    """The functions the ``step-rule`` cells of a notebook define, by name."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np}
    for cell in cells:
        if cell["cell_type"] == "code" and "step-rule" in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), f"{path.name} step-rule cell", "exec"), namespace)
    return {name: f for name, f in namespace.items() if inspect.isfunction(f)}


def sample_inputs(rule):
    """(x, state, grad, hyper) cases for a rule: a number, points, and a grid of settings × points. States
    are non-negative (AdaGrad's and RMSProp's sums of squares are) and shaped like the rule's first state
    (a tuple for Adam's moments and step count)."""
    rng = np.random.default_rng(7)
    extra = list(inspect.signature(rule).parameters)[4:]
    one = {"lr": 0.3, **{name: 0.6 for name in extra}}
    # a grid: β (or μ) × η × points, each a separate axis, broadcast by the rule's own arithmetic
    grid = {"lr": np.array([0.01, 0.5, 2.0])[:, None, None],
            **{name: np.array([0.0, 0.5, 0.9, 0.99])[:, None, None, None] for name in extra}}
    points = rng.standard_normal((5, 2))
    start = steps.START.get(rule, 0.0)

    def state(make):
        return (make(), make(), 3) if isinstance(start, tuple) else make()

    return [
        (1.5, start, -2.0, one),
        (1.5, state(lambda: 0.25), 3.0, one),
        (points, state(lambda: np.abs(rng.standard_normal((5, 2)))), rng.standard_normal((5, 2)), one),
        (points, start, rng.standard_normal((5, 2)), grid),
    ]


def assert_same(got, want):
    """Equal values and shapes, part by part for a tuple state."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert_same(g, w)
        return
    assert np.shape(got) == np.shape(want)
    # A notebook writes βᵗ as ``beta ** t``: on an array of β that is numpy's vectorised power, whose last
    # bit depends on the CPU, while the helpers' rule takes Python's (steps.power). So: equal to 4 ulps.
    np.testing.assert_allclose(got, want, rtol=4 * np.finfo(float).eps, atol=0)


def test_every_notebook_shows_a_step_rule():
    assert len(NOTEBOOKS) >= 6
    for path in NOTEBOOKS:
        rules = step_rules(path)
        assert rules, f"{path.name} has no code cell tagged step-rule"
        for name in rules:
            assert hasattr(steps, name), f"{path.name} defines {name}, which helpers.steps does not have"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebooks_rule_equals_the_helpers_rule(path):
    for name, shown in step_rules(path).items():
        helper = getattr(steps, name)
        # (parameters, state, gradient) by position, then the same hyper-parameters by name
        shown_names, helper_names = (list(inspect.signature(f).parameters) for f in (shown, helper))
        assert len(shown_names) == len(helper_names) and shown_names[3:] == helper_names[3:]
        for x, state, grad, hyper in sample_inputs(helper):
            got_x, got_state = shown(x, state, grad, **hyper)
            want_x, want_state = helper(x, state, grad, **hyper)
            assert_same(got_x, want_x)
            assert_same(got_state, want_state)


def test_the_comparison_catches_a_wrong_rule():
    def momentum(x, v, grad, lr, beta):  # the gradient's weight 1 − β forgotten
        v = beta * v + grad
        return x - lr * v, v

    x, state, grad, hyper = sample_inputs(steps.momentum)[1]
    assert not np.array_equal(momentum(x, state, grad, **hyper)[0], steps.momentum(x, state, grad, **hyper)[0])
