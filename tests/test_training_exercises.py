"""The checks of notebook 07: right answers, typical wrong answers with their own messages, and junk."""

import math

import numpy as np
import pytest

from helpers import schedules
from helpers.exercises import training as ex


def test_batch_lr_prediction():
    best = ex.best_batch_lrs()
    assert best[16] < best[256]  # what the notebook's table shows, computed
    assert ex.check_batch_lr(...).correct is None
    right = ex.check_batch_lr("Larger")
    assert right.correct and "n/b updates per epoch" in right.message
    smaller = ex.check_batch_lr("smaller")
    assert "less noisy (notebook 04)" in smaller.message and not smaller.correct
    assert "Count the updates: 30 epochs of b = 256 are 150 steps, of b = 16 2,040" in ex.check_batch_lr("same").message
    for junk in (3, "maybe", None, ["larger"]):
        feedback = ex.check_batch_lr(junk)
        assert feedback.correct in (None, False)
    assert "Answer with one of 'larger', 'smaller', 'same'" in ex.check_batch_lr("maybe").message


def test_the_batch_sweep_is_the_runs_it_names():
    found = ex.batch_sweep()
    assert found.shape == (len(ex.BATCH_SIZES), len(ex.BATCH_LRS))
    from helpers import mlp
    from helpers.demos.training import digits

    again = mlp.fit(digits(), "SGD", lr=ex.BATCH_LRS[2], batch_size=64, epochs=30, seed=0).val_accuracy[-1]
    assert found[1, 2] == again


def test_cosine_prediction():
    runs = ex.schedule_runs()
    constant = np.mean([r.val_accuracy[-1] for r in runs["constant"]])
    cosine = np.mean([r.val_accuracy[-1] for r in runs["cosine"]])
    assert cosine > constant
    assert ex.check_cosine_helps("higher").correct and ex.check_cosine_helps("Better").correct
    wrong = ex.check_cosine_helps("lower")
    assert not wrong.correct and "noise ball" in wrong.message
    assert ex.check_cosine_helps(...).correct is None and ex.check_cosine_helps(0.5).correct is False
    assert all(r.rates[0] == ex.SCHEDULE_LR for r in runs["cosine"])
    assert runs["cosine"][0].rates[-1] == pytest.approx(ex.SCHEDULE_LR * schedules.cosine(29, 30), rel=1e-15)


def test_logit_gradient():
    o0 = math.exp(2) / (math.exp(2) + math.exp(1) + 1)
    assert ex.check_logit_gradient(o0 - 1).correct
    assert ex.check_logit_gradient(round(o0 - 1, 4)).correct
    assert "direction of descent" in ex.check_logit_gradient(1 - o0).message
    assert "subtracts the one-hot target" in ex.check_logit_gradient(o0).message
    assert "sigmoid's factor" in ex.check_logit_gradient((o0 - 1) * o0 * (1 - o0)).message
    assert ex.check_logit_gradient(...).correct is None
    assert ex.check_logit_gradient("x").correct is False and ex.check_logit_gradient(float("nan")).correct is False
    assert not ex.check_logit_gradient(0.1).correct


def reference(epoch, epochs, warmup):
    if epoch < warmup:
        return (epoch + 1) / warmup
    return 0.5 * (1.0 + math.cos(math.pi * (epoch - warmup) / (epochs - warmup)))


def test_warmup_cosine_right_answers():
    feedback = ex.check_warmup_cosine(reference)
    assert feedback.correct and "trains the network to" in feedback.message
    assert ex.check_warmup_cosine(schedules.warmup_cosine).correct


@pytest.mark.parametrize("student, phrase", [
    (lambda e, n, w: e / w if e < w else schedules.cosine(e - w, n - w), "Your warm-up starts at 0"),
    (lambda e, n, w: (e + 1) / w if e < w else schedules.cosine(e, n), "start it anew at the end of the warm-up"),
    (lambda e, n, w: (e + 1) / w if e < w else schedules.cosine(e - w, n), "it has epochs − warmup epochs left"),
    (lambda e, n, w: (e + 1) / w if e <= w else schedules.cosine(e - w, n - w), "above 1"),
    (lambda e, n, w: schedules.cosine(e, n), "There is no warm-up"),
    (lambda e, n, w: (e + 1) / w if e < w else math.cos(math.pi * (e - w) / (n - w)), "goes negative"),
    (lambda e, n, w: 0.5, "For epoch = 0, epochs = 30, warmup = 3 you give 0.5, expected 0.3333"),
])
def test_warmup_cosine_typical_mistakes(student, phrase):
    feedback = ex.check_warmup_cosine(student)
    assert feedback.correct is False and phrase in feedback.message


@pytest.mark.parametrize("student, correct, phrase", [
    (..., None, "Write the function my_warmup_cosine"),
    (None, None, "Write the function my_warmup_cosine"),
    (3, False, "should be a function"),
    (lambda e, n, w: None, None, "returns None"),
    (lambda e, n, w: 1 / 0, False, "raised ZeroDivisionError"),
    (lambda e, n, w: "1", False, "must return one finite number"),
    (lambda e, n, w: float("nan"), False, "must return one finite number"),
    (lambda e, n, w: [1.0], False, "must return one finite number"),
    (lambda e: 1.0, False, "raised TypeError"),
])
def test_warmup_cosine_junk(student, correct, phrase):
    feedback = ex.check_warmup_cosine(student)
    assert feedback.correct is correct and phrase in feedback.message
