"""Checks of notebook 03's exercises."""

import numpy as np
import pytest

from helpers import data
from helpers import network as nw
from helpers.exercises import Feedback
from helpers.exercises import backprop as ex

CHECKS = (ex.check_output_delta, ex.check_hidden_delta, ex.check_forward_passes, ex.check_stalling_lambda)


def test_placeholder_is_not_yet_answered():
    for check in CHECKS:
        feedback = check(...)
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert repr(feedback).startswith("No answer yet.")


@pytest.mark.parametrize("check", CHECKS)
def test_malformed_answers_are_wrong_not_errors(check):
    for answer in ("0.5", float("nan"), True, [1.0]):
        assert check(answer).correct is False


def one_unit_network(o_bias, w, h_bias, lam):
    """A 1-1-1 network whose input is 0, so the hidden output is sigmoid(h_bias) and o = sigmoid(w·h + o_bias)."""
    return nw.Network([[[0.0]], [[w]]], [[h_bias], [o_bias]], lam)


def test_deltas_agree_with_backpropagation():
    # Build a network whose hidden output is h = 0.5 (bias 0) and whose output is o = 0.8 with λ = 2.
    lam, w, h = ex.OUTPUT["lam"], ex.HIDDEN["w"], ex.HIDDEN["h"]
    z_out = np.log(ex.OUTPUT["o"] / (1 - ex.OUTPUT["o"])) / lam
    net = one_unit_network(z_out - w * h, w, 0.0, lam)
    assert net.predict([[0.0]])[0] == pytest.approx(ex.OUTPUT["o"])
    # the gradient in the order of net.vector(): W1, b1 (hidden layer), W2, b2 (output)
    np.testing.assert_array_equal(net.vector(), [0.0, 0.0, w, z_out - w * h])
    _, b1, _, b2 = net.gradient([[0.0]], [ex.OUTPUT["y"]])
    # ∂E/∂b2 is the output delta, ∂E/∂b1 the hidden delta
    assert ex.check_output_delta(b2).correct is True
    assert ex.check_hidden_delta(float(b1)).correct is True
    assert ex.output_delta(0.8, 1.0, 2.0) == pytest.approx(b2)
    assert ex.hidden_delta(b2, w, h, lam) == pytest.approx(b1)


def test_output_delta_feedback():
    assert ex.check_output_delta(-0.064).correct is True
    sign = ex.check_output_delta(0.064)
    assert sign.correct is False and "o − y" in sign.message
    assert "slope" in ex.check_output_delta(-0.2).message
    assert "factor λ" in ex.check_output_delta(-0.032).message
    assert ex.check_output_delta(1.0).correct is False


def test_hidden_delta_feedback():
    assert ex.check_hidden_delta(-0.048).correct is True
    assert "sign" in ex.check_hidden_delta(0.048).message
    assert "∂E/∂h" in ex.check_hidden_delta(-0.096).message
    assert "factor λ" in ex.check_hidden_delta(-0.024).message
    assert ex.check_hidden_delta(0.3).correct is False


def test_forward_passes_feedback():
    n_params = nw.Network.random(2, 8, rng=np.random.default_rng(0)).n_params
    assert ex.check_forward_passes(2 * n_params).correct is True
    assert "forward difference" in ex.check_forward_passes(n_params + 1).message
    assert "number of parameters" in ex.check_forward_passes(n_params).message
    assert "biases" in ex.check_forward_passes(2 * (2 * 8 + 8)).message
    assert ex.check_forward_passes(7).correct is False


def test_xor_history_is_the_notebook_run():
    X, y = data.xor()
    run = ex.XOR_RUN
    net = nw.Network.random(2, run["hidden"], lam=1.0, rng=np.random.default_rng(run["seed"]))
    expected = nw.train(net, X, y, lr=run["lr"], momentum=run["momentum"], epochs=run["epochs"], mode=run["mode"])
    np.testing.assert_array_equal(ex.xor_history(1.0).losses, expected.losses)


@pytest.mark.parametrize("lam, phrase", [(10.0, "saturated"), (100.0, "saturated"), (0.05, "near ½"),
                                         (0.1, "near ½")])
def test_stalling_lambda_right(lam, phrase):
    feedback = ex.check_stalling_lambda(lam)
    assert feedback.correct is True and phrase in feedback.message
    errors = ex.xor_history(lam).losses
    assert np.ptp(errors[-75:]) < 1e-3 * errors[-1]  # independently: flat over the last quarter


@pytest.mark.parametrize("lam", [0.7, 1.0, 2.0])
def test_stalling_lambda_wrong_when_it_learns(lam):
    feedback = ex.check_stalling_lambda(lam)
    assert feedback.correct is False and "learns XOR" in feedback.message


def test_stalling_lambda_out_of_range():
    assert ex.check_stalling_lambda(0.0).correct is False
    assert ex.check_stalling_lambda(-3.0).correct is False
    assert ex.check_stalling_lambda(5000.0).correct is False
