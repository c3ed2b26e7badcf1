"""Checks of notebook 03's exercises: each with the right answer, typical wrong answers (their messages
asserted) and junk."""

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
    assert "backpropagation's cost" in ex.check_forward_passes(2).message
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



# -- prediction 2: per-sample against full batch ------------------------------------------------------------
def epochs_below(mode, level=0.1):
    X, y = data.xor()
    net = nw.Network.random(2, 4, lam=1.0, rng=np.random.default_rng(0))
    losses = nw.train(net, X, y, lr=1.0, momentum=0.0, epochs=300, mode=mode).losses
    return int(np.argmax(losses < level))


def test_sample_or_batch_is_computed_from_the_runs():
    sample, batch = epochs_below("sample"), epochs_below("batch")
    assert (ex.epochs_to_error("sample"), ex.epochs_to_error("batch")) == (sample, batch)
    assert abs(sample - batch) <= 0.1 * max(sample, batch)  # so "about the same" is the right answer
    for answer in ("about the same", "Same", "  the same "):
        feedback = ex.check_sample_or_batch(answer)
        assert feedback.correct is True, feedback
        assert f"per-sample {sample}, full batch {batch}" in feedback.message


@pytest.mark.parametrize("answer, phrase", [
    ("per-sample", "Per-sample training makes 4 updates per epoch"),
    ("SGD", "Per-sample training makes 4 updates per epoch"),
    ("full batch", "Full batch's gradient is exact"),
])
def test_sample_or_batch_wrong_predictions_explain(answer, phrase):
    feedback = ex.check_sample_or_batch(answer)
    assert feedback.correct is False and phrase in feedback.message
    assert "one full-batch step goes about as far as the four small per-sample steps" in feedback.message


@pytest.mark.parametrize("junk", [3, "faster", ["batch"], True])
def test_sample_or_batch_rejects_junk(junk):
    feedback = ex.check_sample_or_batch(junk)
    assert feedback.correct is False and "Answer with one of the strings" in feedback.message


@pytest.mark.parametrize("check", [ex.check_sample_or_batch, ex.check_central_difference, ex.check_tanh_deltas])
def test_new_checks_start_unanswered(check):
    assert check(...).correct is None and check(None).correct is None
    assert repr(check(...)).startswith("No answer yet.")


# -- exercise 4: the central difference ------------------------------------------------------------------------
def vectorised_central(E, w, eps):
    """Right, written differently from the reference: the nudges as rows of ε·I."""
    nudges = eps * np.eye(len(w))
    return np.array([E(w + e) - E(w - e) for e in nudges]) / eps / 2


def loop_central(E, w, eps):
    grad = []
    for k in range(len(w)):
        w[k] += eps
        up = E(w)
        w[k] -= 2 * eps
        down = E(w)
        w[k] += eps  # put it back: w may differ from the original in its last bit, which the check allows
        grad.append((up - down) / (2 * eps))
    return grad  # a list is fine


@pytest.mark.parametrize("student", [ex.central_difference, vectorised_central, loop_central])
def test_a_right_central_difference_passes(student):
    feedback = ex.check_central_difference(student)
    assert feedback.correct is True, feedback
    assert "agrees with backpropagation to a relative error below 1e-8" in feedback.message


def test_central_difference_reference_is_exact_on_a_cubic():
    w, eps = np.array([1.0, -2.0, 0.5]), 0.1
    # ((w + ε)³ − (w − ε)³)/2ε = 3w² + ε²: independent of the code
    np.testing.assert_allclose(ex.central_difference(lambda v: np.sum(v**3), w, eps), 3 * w**2 + eps**2, rtol=1e-12)


def one_weight_at_a_time(formula):
    def student(E, w, eps):
        grad = np.zeros_like(w)
        for k in range(len(w)):
            e = np.zeros_like(w)
            e[k] = eps
            grad[k] = formula(E, w, e, eps)
        return grad
    return student


def aliased(E, w, eps):
    grad = np.zeros_like(w)
    for k in range(len(w)):
        plus = w
        plus[k] += eps
        minus = w
        minus[k] -= eps
        grad[k] = (E(plus) - E(minus)) / (2 * eps)
    return grad


def never_restored(E, w, eps):
    grad = np.zeros_like(w)
    for k in range(len(w)):
        w[k] += eps
        up = E(w)
        w[k] -= 2 * eps
        grad[k] = (up - E(w)) / (2 * eps)
    return grad


@pytest.mark.parametrize("student, phrase", [
    (one_weight_at_a_time(lambda E, w, e, eps: (E(w + e) - E(w)) / eps), "That is the forward difference"),
    (one_weight_at_a_time(lambda E, w, e, eps: (E(w) - E(w - e)) / eps), "one-sided difference"),
    (one_weight_at_a_time(lambda E, w, e, eps: (E(w + e) - E(w - e)) / eps), "twice the central difference"),
    (one_weight_at_a_time(lambda E, w, e, eps: (E(w - e) - E(w + e)) / (2 * eps)), "the wrong sign"),
    (lambda E, w, eps: np.full(len(w), (E(w + eps) - E(w - eps)) / (2 * eps)), "You nudge every weight at once"),
    (aliased, "All your partial derivatives are 0"),
    (never_restored, "Your function changed the w it was given"),
    (one_weight_at_a_time(lambda E, w, e, eps: 0.9 * (E(w + e) - E(w - e)) / (2 * eps)),
     "For E(w) = Σ w³ at w = [ 1. , -2. ,  0.5], ε = 0.1 you get"),
])
def test_central_difference_mistakes_are_explained(student, phrase):
    feedback = ex.check_central_difference(student)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


def raises(E, w, eps):
    raise IndexError("index 3 is out of bounds")


@pytest.mark.parametrize("junk, correct, phrase", [
    ("def central_difference(E, w, eps)", False, "should be a function"),
    (lambda E, w, eps: None, None, "returns None"),
    (raises, False, "raised IndexError: index 3 is out of bounds (for E(w) = Σ w³"),
    (lambda E, w, eps: "grad", False, "must return an array of numbers"),
    (lambda E, w, eps: (E(w + eps) - E(w - eps)) / (2 * eps), False, "one partial derivative per weight, shape (3,)"),
    (lambda E, w, eps: w * np.nan, False, "contains nan or inf"),
])
def test_central_difference_junk_gets_a_clear_message(junk, correct, phrase):
    feedback = ex.check_central_difference(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message


# -- optional exercise: a tanh layer's deltas -------------------------------------------------------------------
def loop_deltas(delta_next, W_next, a):
    """Right, written as the sum over the next layer, unit by unit, with tanh's slope 1 − a²."""
    n, m = a.shape
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            total = sum(delta_next[i, k] * W_next[j, k] for k in range(W_next.shape[1]))
            out[i, j] = total * (1 - a[i, j] ** 2)
    return out


@pytest.mark.parametrize("student", [ex.tanh_deltas, loop_deltas])
def test_a_right_tanh_deltas_passes(student):
    feedback = ex.check_tanh_deltas(student)
    assert feedback.correct is True, feedback
    assert "a whole backward pass of a 2-3-2-1 tanh network" in feedback.message


def test_the_tanh_backward_pass_agrees_with_central_differences_written_out():
    layers, X, Y = ex.tanh_example()
    grads = ex.tanh_backward_with(loop_deltas, layers, X, Y)
    mine = np.concatenate([g.ravel() for pair in grads for g in pair])
    flat = np.concatenate([p.ravel() for pair in layers for p in pair])
    shapes = [p.shape for pair in layers for p in pair]

    def error(v):  # the network's E = ½Σ(y − o)², written out here: tanh hidden layers, a linear output
        params, k = [], 0
        for shape in shapes:
            params.append(v[k:k + int(np.prod(shape))].reshape(shape))
            k += int(np.prod(shape))
        a = X
        for W, b in zip(params[0:-2:2], params[1:-2:2], strict=True):
            a = np.tanh(a @ W + b)
        return 0.5 * np.sum((a @ params[-2] + params[-1] - Y) ** 2)

    h = 1e-6
    numeric = np.array([(error(flat + h * e) - error(flat - h * e)) / (2 * h) for e in np.eye(flat.size)])
    assert mine.shape == (20,) and nw.relative_error(mine, numeric) < 1e-7


@pytest.mark.parametrize("student, phrase", [
    (lambda d, W, a: (d @ W.T) * a * (1 - a), "slope of the sigmoid"),
    (lambda d, W, a: (d @ W) * (1 - a * a), "delta_next @ W_next.T, not delta_next @ W_next"),
    (lambda d, W, a: d @ W.T, "That is ∂E/∂a"),
    (lambda d, W, a: (d @ W.T) * (1 - np.tanh(a) ** 2), "without applying tanh again"),
    (lambda d, W, a: (d @ W.T) * (1 - a) ** 2, "not (1 − a)²"),
    (lambda d, W, a: (d[:, :1] * W[:, 0]) * (1 - a * a), "You pass back only the first unit's delta"),
    (lambda d, W, a: np.sum((d @ W.T) * (1 - a * a), axis=0), "one row per sample"),
    (lambda d, W, a: (d @ W.T) * (1 + a * a), "expected"),
])
def test_tanh_deltas_mistakes_are_explained(student, phrase):
    feedback = ex.check_tanh_deltas(student)
    assert feedback.correct is False and phrase in feedback.message, feedback.message


@pytest.mark.parametrize("junk, correct, phrase", [
    (np.zeros((3, 2)), False, "should be a function"),
    (lambda d, W, a: None, None, "returns None"),
    (lambda d, W, a: d.T @ W * a, False, "delta_next @ W_next.T"),  # a shape error gets the hint
    (lambda d, W, a: "delta", False, "must return an array of numbers"),
    (lambda d, W, a: np.full(a.shape, np.inf), False, "contain nan or inf"),
])
def test_tanh_deltas_junk_gets_a_clear_message(junk, correct, phrase):
    feedback = ex.check_tanh_deltas(junk)
    assert feedback.correct is correct and phrase in feedback.message, feedback.message


def test_tanh_deltas_that_keep_state_fail_in_the_backward_pass():
    calls = []

    def stateful(d, W, a):
        calls.append(1)
        return ex.tanh_deltas(d, W, a) * (1.0 if len(calls) <= 3 else 1.5)

    feedback = ex.check_tanh_deltas(stateful)
    assert feedback.correct is False and "does it keep something between calls" in feedback.message
