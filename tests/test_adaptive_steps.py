"""Notebook 06's update rules against the algorithms as documented for PyTorch's ``torch.optim``.

Each reference below is written from the pseudo-code of the PyTorch documentation (SGD, Adagrad,
RMSprop, Adam; no weight decay, no maximisation, no lr decay, ``initial_accumulator_value=0``,
``centered=False``, ``momentum=0`` for RMSprop, ``amsgrad=False``, ``dampening=0``), as loops over
a fixed sequence of gradients, independently of :mod:`helpers.steps`. The rules are fed the same
gradients and must give the same parameters after every one of the steps, the first included.
"""

import math

import numpy as np
import pytest

import helpers
from helpers import steps
from helpers.objectives import Rosenbrock, Saddle

# Fixed gradient sequences (per coordinate): signs change, magnitudes span four decades, one zero.
GRADS = np.array([[0.5, -20.0], [0.4, -8.0], [-0.3, 0.0], [0.05, 3.0], [-1.2, 40.0], [0.7, -0.01], [0.0, 2.5]])
THETA0 = np.array([1.0, -2.0])


def torch_sgd_nesterov(grads, lr, momentum):
    """torch.optim.SGD(nesterov=True): b_1 = g_1, b_t = μ b_(t−1) + g_t (dampening 0); g_t ← g_t + μ b_t;
    θ_t = θ_(t−1) − γ g_t."""
    theta, out = THETA0.copy(), []
    for t, g in enumerate(grads, start=1):
        b = g.copy() if t == 1 else momentum * b + g  # noqa: F821 (b exists from t = 2)
        g = g + momentum * b
        theta = theta - lr * g
        out.append(theta)
    return np.array(out)


def torch_adagrad(grads, lr, eps):
    """torch.optim.Adagrad: state_sum_t = state_sum_(t−1) + g_t², θ_t = θ_(t−1) − γ g_t/(√state_sum_t + ε)."""
    theta, state_sum, out = THETA0.copy(), np.zeros(2), []
    for g in grads:
        state_sum = state_sum + g * g
        theta = theta - lr * g / (np.sqrt(state_sum) + eps)
        out.append(theta)
    return np.array(out)


def torch_rmsprop(grads, lr, alpha, eps):
    """torch.optim.RMSprop: v_t = α v_(t−1) + (1 − α) g_t², θ_t = θ_(t−1) − γ g_t/(√v_t + ε) (no bias correction)."""
    theta, v, out = THETA0.copy(), np.zeros(2), []
    for g in grads:
        v = alpha * v + (1 - alpha) * g * g
        theta = theta - lr * g / (np.sqrt(v) + eps)
        out.append(theta)
    return np.array(out)


def torch_adam(grads, lr, beta1, beta2, eps):
    """torch.optim.Adam: m_t, v_t moving averages of g and g²; m̂ = m_t/(1 − β₁ᵗ), v̂ = v_t/(1 − β₂ᵗ);
    θ_t = θ_(t−1) − γ m̂/(√v̂ + ε): both moments bias-corrected, ε outside the root."""
    theta, m, v, out = THETA0.copy(), np.zeros(2), np.zeros(2), []
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return np.array(out)


def rule_on_sequence(rule, grads, state=None, **hyper):
    """θ after each step of ``rule`` fed the gradients in order, from the state helpers.run starts it with."""
    x, out = THETA0.copy(), []
    state = steps.START.get(rule, 0.0) if state is None else state
    for g in grads:
        x, state = rule(x, state, g, **hyper)
        out.append(x)
    return np.array(out)


CASES = [
    (steps.nesterov, torch_sgd_nesterov, [dict(lr=0.1, beta=0.9), dict(lr=0.01, beta=0.0), dict(lr=0.3, beta=0.5)],
     lambda h: dict(lr=h["lr"], momentum=h["beta"])),
    (steps.adagrad, torch_adagrad, [dict(lr=0.1, eps=1e-10), dict(lr=1.0, eps=0.5)], lambda h: h),
    (steps.rmsprop, torch_rmsprop, [dict(lr=0.01, beta2=0.99, eps=1e-8), dict(lr=0.1, beta2=0.5, eps=0.1)],
     lambda h: dict(lr=h["lr"], alpha=h["beta2"], eps=h["eps"])),
    (steps.adam, torch_adam, [dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8), dict(lr=0.1, beta1=0.5, beta2=0.9,
                                                                                      eps=0.01)], lambda h: h),
]


@pytest.mark.parametrize("rule, reference, settings, rename", CASES, ids=[c[0].__name__ for c in CASES])
def test_every_step_matches_the_documented_algorithm(rule, reference, settings, rename):
    assert len(GRADS) >= 5
    for hyper in settings:
        got, want = rule_on_sequence(rule, GRADS, **hyper), reference(GRADS, **rename(hyper))
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, err_msg=f"{rule.__name__} {hyper}")


def test_the_defaults_are_pytorchs():
    """ε and the moments' factors default to PyTorch's values (Adagrad 1e-10; RMSprop α = 0.99, 1e-8;
    Adam β = (0.9, 0.999), 1e-8)."""
    import inspect

    def defaults(f):
        return {k: p.default for k, p in inspect.signature(f).parameters.items() if p.default is not p.empty}

    assert defaults(steps.adagrad) == {"eps": 1e-10}
    assert defaults(steps.rmsprop) == {"beta2": 0.99, "eps": 1e-8}
    assert defaults(steps.adam) == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def test_first_steps_in_closed_form():
    """The first step, worked by hand: AdaGrad and Adam move each coordinate by η·sign(g) (up to ε);
    RMSProp without bias correction by η/√(1 − β₂), ten times η for β₂ = 0.99; Nesterov by η(1 + β)g."""
    g = GRADS[0]
    for rule, hyper, expected in [
        (steps.adagrad, dict(lr=0.1), 0.1 * np.sign(g)),
        (steps.adam, dict(lr=0.1), 0.1 * np.sign(g)),
        (steps.rmsprop, dict(lr=0.1), 0.1 * np.sign(g) / math.sqrt(0.01)),
        (steps.nesterov, dict(lr=0.1, beta=0.9), 0.1 * 1.9 * g),
    ]:
        x, _ = rule(THETA0, steps.START.get(rule, 0.0), g, **hyper)
        np.testing.assert_allclose(THETA0 - x, expected, rtol=1e-6)


def test_a_comparison_with_the_wrong_convention_fails():
    """The references are sharp: Adam without the bias correction, or RMSProp with ε inside the root,
    differ from them at once."""
    def adam_uncorrected(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        m, s, t = state
        m, s = beta1 * m + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad
        return x - lr * m / (np.sqrt(s) + eps), (m, s, t + 1)

    def rmsprop_eps_inside(x, s, grad, lr, beta2=0.99, eps=1e-8):
        s = beta2 * s + (1 - beta2) * grad * grad
        return x - lr * grad / np.sqrt(s + eps), s

    uncorrected = rule_on_sequence(adam_uncorrected, GRADS, state=(0.0, 0.0, 0), lr=0.1)
    assert not np.allclose(uncorrected[0], torch_adam(GRADS, 0.1, 0.9, 0.999, 1e-8)[0])
    got = rule_on_sequence(rmsprop_eps_inside, GRADS, lr=0.1, eps=0.1)
    assert not np.allclose(got[0], torch_rmsprop(GRADS, 0.1, 0.99, 0.1)[0])


@pytest.mark.parametrize("rule, hyper", [(steps.nesterov, dict(lr=1e-3, beta=0.9)), (steps.adagrad, dict(lr=0.5)),
                                         (steps.rmsprop, dict(lr=0.01)), (steps.adam, dict(lr=0.05))])
def test_the_runner_runs_them_one_at_a_time_or_as_a_grid(rule, hyper):
    """Tuple states (Adam's two moments and step count) go through the runner's grid as well: each run of a
    grid of starts ends exactly where it ends alone."""
    rosenbrock = Rosenbrock()
    starts = np.array([[-1.2, 1.0], [-1.5, 2.0], [0.5, -0.5]])
    grid = helpers.run(rosenbrock, rule, starts, max_steps=300, tail=301, **hyper)
    for i, start in enumerate(starts):
        alone = helpers.run(rosenbrock, rule, start, max_steps=300, **hyper)
        assert (grid.status[i], grid.steps[i]) == (alone.status, alone.steps)
        np.testing.assert_array_equal(grid.iterates[i, : alone.steps + 1], alone.iterates)


def test_adams_state_starts_as_two_zero_moments_and_no_step():
    run = helpers.run(Saddle(), steps.adam, [-1.8, 0.05], lr=0.05, max_steps=3)
    m, s, t = run.states[1]
    g = Saddle().grad(np.array([-1.8, 0.05]))
    np.testing.assert_allclose(m, 0.1 * g)
    np.testing.assert_allclose(s, 0.001 * g * g)
    assert np.all(t == 1)


@pytest.mark.parametrize("hyper, message", [
    (dict(eps=0.0), r"eps must be in \(0, inf\), got 0.0"),
    (dict(eps=-1e-8), r"eps must be in \(0, inf\)"),
    (dict(beta2=1.0), r"beta2 must be in \[0, 1\), got 1.0"),
    (dict(beta1=-0.1), r"beta1 must be in \[0, 1\)"),
    (dict(beta1=float("nan")), r"beta1 must contain only finite numbers"),
])
def test_bad_hyper_parameters_are_named(hyper, message):
    with pytest.raises(ValueError, match=message):
        helpers.run(Rosenbrock(), steps.adam, [-1.2, 1.0], lr=0.01, **hyper)


def test_a_diverging_adaptive_run_is_reported_not_drawn_as_inf():
    run = helpers.run(Rosenbrock(), steps.nesterov, [-1.2, 1.0], lr=0.01, beta=0.9, bound=100.0)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.iterates)) and np.all(np.isfinite(run.losses))
