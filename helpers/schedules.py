"""Learning-rate schedules: small functions of the epoch e (counted from 0) that return the factor by which
the learning rate is multiplied in that epoch, η_e = η·schedule(e), the same for every update rule
(:func:`helpers.epochs.run_epochs`'s ``schedule=``; PyTorch's ``LambdaLR`` takes the same kind of function).
Bind the settings first: ``schedule=functools.partial(cosine, epochs=30)``. Cosine uses Python's
``math.cos``, not numpy's vectorised one, whose last bit depends on the CPU.
"""

from __future__ import annotations

import math

from . import _validate


def step_decay(epoch, every=10, factor=0.5):
    """``factor`` to the power ⌊e / every⌋: the rate halves (by default) every ``every`` epochs."""
    epoch, every = _validate.integer("epoch", epoch, low=0), _validate.integer("every", every, low=1)
    return _validate.real("factor", factor, low=0.0, high=1.0, low_open=True) ** (epoch // every)


def inverse_time(epoch, decay=0.1):
    """1/(1 + decay·e): notebook 04's decaying rate, which meets both of Robbins and Monro's conditions."""
    epoch = _validate.integer("epoch", epoch, low=0)
    return 1.0 / (1.0 + _validate.real("decay", decay, low=0.0) * epoch)


def cosine(epoch, epochs):
    """½(1 + cos(π·e/E)) for a run of E epochs: from 1 down along half a cosine, close to 0 in the last epoch."""
    epochs = _validate.integer("epochs", epochs, low=1)
    epoch = _validate.integer("epoch", epoch, low=0, high=epochs)
    return 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


def linear_warmup(epoch, warmup=5):
    """Linear warm-up: (e + 1)/warmup for the first ``warmup`` epochs, then 1."""
    epoch, warmup = _validate.integer("epoch", epoch, low=0), _validate.integer("warmup", warmup, low=1)
    return min(1.0, (epoch + 1) / warmup)


def warmup_cosine(epoch, epochs, warmup=3):
    """Linear warm-up for ``warmup`` epochs, then the cosine over the remaining epochs − warmup."""
    epochs = _validate.integer("epochs", epochs, low=1)
    warmup = _validate.integer("warmup", warmup, low=0, high=epochs - 1)
    epoch = _validate.integer("epoch", epoch, low=0, high=epochs)
    return (epoch + 1) / warmup if epoch < warmup else cosine(epoch - warmup, epochs - warmup)
