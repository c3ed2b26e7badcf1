"""Training over a data set: :func:`run_epochs` steps an update rule once per mini-batch, epoch by epoch,
and keeps the same record as :func:`helpers.runner.run` (a line fit, :mod:`helpers.regression`; the
network, :func:`helpers.network.train`)."""

from __future__ import annotations

import inspect

import numpy as np

from . import _validate
from .runner import Run, _first, _stack
from .steps import START


def run_epochs(step, model, params0, *, batch_size, epochs, rng=None, shuffle=True, decay=0.0, schedule=None, tol=0.0,
               bound=1e6, every="update", trace=False, state=None, on_epoch=None, **hyper):
    """Train ``model`` with the update rule ``step``, one step per mini-batch, epoch by epoch.

    An epoch visits the n samples once in a fresh order from ``rng`` (in order without ``shuffle`` or
    for ``batch_size = n``), in batches of ``batch_size`` (the last one smaller when b does not divide
    n); epoch e steps with ``lr/(1 + decay·e)``. ``model`` has ``n``, ``loss(P)`` (at every row of a
    stack of parameters), ``grad_norm(params)`` and either ``gradient(params, batch)`` or, for two
    parameters of a quadratic loss, ``affine(order, starts)`` (:class:`~helpers.regression._LineFit`):
    then each coordinate steps as a plain float, twenty times faster than numpy on two-element arrays.
    Converged: ``grad_norm`` ≤ ``tol`` at the start or after an epoch (never for ``tol = 0``); diverged:
    a parameter left [−bound, bound] (not recorded). The :class:`~helpers.runner.Run` holds the
    parameters after every update (or epoch, ``every="epoch"``), with ``trace`` every state and batch
    gradient too, and the records ``epochs`` (completed), ``updates``, ``epoch_ends`` (row of each
    epoch's end) and ``evals`` (per-sample gradient evaluations so far). As in :func:`helpers.runner.run`:
    ``state`` is the optimiser's state before the first step (default: 0, or the rule's entry in
    :data:`helpers.steps.START`), and a hyper-parameter the rule gives a default (AdaGrad's ``eps``) may be left out.
    ``on_epoch(e, params)``, if given, is called after every completed epoch e (from 1): a progress display.
    """
    settings, hyper, params, pair = _settings(step, model, params0, batch_size, epochs, rng, shuffle, decay, tol,
                                              bound, every, hyper)
    n, tol, bound = model.n, settings["tol"], settings["bound"]
    rates = _rates(settings["lr"], settings["decay"], schedule, settings["epochs"])
    starts = np.arange(0, n, settings["batch_size"])
    by_update = settings["every"] == "update"
    # recorded rows: for two floats, a list per coordinate (a list of pairs is slow to turn into an array)
    rows = [[float(params[0])], [float(params[1])]] if pair else [params.copy()]
    state = START.get(step, 0.0) if state is None else state
    extra = {"states": [[state, state] if pair else _first(state, (1,) + params.shape)], "gradients": []}
    updates, ends, status = 0, [0], ("converged" if tol > 0 and model.grad_norm(params) <= tol else "max_steps")
    p, s = (params.tolist(), [state, state]) if pair else (params, state)
    shuffled = settings["shuffle"] and len(starts) > 1
    batches = None if shuffled or not pair else model.affine(np.arange(n), starts)  # the same every epoch
    for e in range(settings["epochs"] if status == "max_steps" else 0):  # none when the start has converged
        order = rng.permutation(n) if shuffled else None
        if pair:
            order = model.affine(order, starts) if shuffled else batches
        epoch = _pair_epoch if pair else _vector_epoch
        p, s, made = epoch(step, model, order, starts, p, s, rates[e], hyper, bound, rows if by_update else None,
                           extra if trace else None)
        updates += made
        if made < len(starts):
            status = "diverged"
            break
        if not by_update:
            for row, value in zip(rows, p, strict=True) if pair else [(rows, p.copy())]:
                row.append(value)
        ends.append(len(rows[0]) - 1 if pair else len(rows) - 1)
        if on_epoch is not None:
            on_epoch(e + 1, p)
        if tol > 0 and model.grad_norm(np.asarray(p)) <= tol:
            status = "converged"
            break
    result = _record(model, settings, status, np.column_stack(rows) if pair else np.array(rows, dtype=float), ends,
                     starts, updates, extra if trace else None)
    result.records["rates"] = np.array(rates)
    return result


def _rates(lr, decay, schedule, epochs):
    """The learning rate of every epoch: lr/(1 + decay·e), or lr·schedule(e), each factor checked first."""
    if schedule is None:
        return [lr / (1.0 + decay * e) for e in range(epochs)]
    if not callable(schedule):
        raise TypeError(f"schedule must be a function of the epoch returning a learning-rate factor, got {schedule!r}")
    if decay:
        raise ValueError(f"give either decay or schedule, not both (got decay = {decay:g} and a schedule)")
    rates = []
    for e in range(epochs):
        factor = schedule(e)
        if isinstance(factor, (bool, np.bool_)) or not isinstance(factor, (int, float, np.integer, np.floating)) \
                or not 0.0 <= factor < np.inf:
            raise ValueError(f"schedule must return a learning-rate factor in [0, inf) for every epoch 0 … "
                             f"{epochs - 1}, got schedule({e}) = {factor!r}")
        rates.append(lr * float(factor))
    return rates


def _settings(step, model, params0, batch_size, epochs, rng, shuffle, decay, tol, bound, every, hyper):
    """The checked settings, the rule's hyper-parameters after lr, the start params0 and whether it is a pair."""
    n = model.n
    batch_size = _validate.integer("batch_size", batch_size, low=1, high=n)
    epochs = _validate.integer("epochs", epochs, low=1, high=10**6)
    if epochs * -(-n // batch_size) > 10**7:
        raise ValueError(f"epochs must be at most {10**7 // -(-n // batch_size)} for n = {n} and batch_size = "
                         f"{batch_size} (at most 1e7 updates), got {epochs}")
    if shuffle and batch_size < n:
        _validate.rng("rng", rng)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r} ({type(shuffle).__name__})")
    decay, tol = _validate.real("decay", decay, low=0.0), _validate.real("tol", tol, low=0.0)
    bound = np.inf if bound == np.inf else _validate.real("bound", bound, low=0.0, low_open=True)
    every = _validate.choice("every", every, {"update", "epoch"})
    if not callable(step):
        raise TypeError(f"step must be an update rule such as helpers.steps.gradient_descent, got {step!r}")
    hyper = {name: _validate.hyper(name, value) for name, value in hyper.items()}
    for name, value in hyper.items():
        if np.ndim(value):
            raise TypeError(f"{name} must be a single number for a training run, got shape {np.shape(value)}")
    # the rule's own hyper-parameters, in its order, its defaults filled in (a pair's updates pass them by position)
    signature = list(inspect.signature(step).parameters.values())[3:]
    if "lr" not in hyper:
        raise TypeError("run_epochs() needs the learning rate lr of the update rule")
    names, needed = [p.name for p in signature], {p.name for p in signature if p.default is inspect.Parameter.empty}
    missing, unknown = sorted(needed - set(hyper)), sorted(set(hyper) - set(names))
    if missing or unknown:
        raise TypeError(f"the update rule {getattr(step, '__name__', step)} takes the hyper-parameters {names}"
                        + (f", {missing} without a default" if missing else "")
                        + (f", not {unknown}" if unknown else "") + f"; got {sorted(hyper)}")
    rule = {p.name: hyper.get(p.name, p.default) for p in signature[1:]}  # after lr
    pair = hasattr(model, "affine")
    params = _validate.finite_array("params0", params0, **({"shape": (2,)} if pair else {"ndim": 1}))
    if np.max(np.abs(params)) > bound:
        raise ValueError(f"params0 must lie inside the divergence bound |p| ≤ bound = {bound:g}, got {params}")
    settings = {"lr": hyper["lr"], **rule, "decay": decay, "tol": tol, "bound": bound, "shuffle": bool(shuffle),
                "batch_size": batch_size, "epochs": epochs, "every": every}
    return settings, rule, params, pair


def _record(model, settings, status, iterates, ends, starts, updates, extra):
    """The :class:`Run` of :func:`run_epochs`."""
    n, by_update = model.n, settings.pop("every") == "update"
    per_row = np.diff(np.append(starts, n)) if by_update else np.full(1, n)
    evals = np.concatenate([[0], np.cumsum(np.tile(per_row, len(ends)))])[:len(iterates)]
    records = {"epochs": len(ends) - 1, "updates": updates, "epoch_ends": np.array(ends), "evals": evals,
               "n": n, "batch_size": settings.pop("batch_size"), "max_epochs": settings.pop("epochs")}
    states = None if extra is None else _stack(extra["states"])
    if extra is not None:
        records["gradients"] = np.array(extra["gradients"], dtype=float).reshape(-1, iterates.shape[1])
    return Run(iterates, status, updates, settings, model.loss(iterates), states, records)


def _vector_epoch(step, model, order, starts, p, s, lr, hyper, bound, rows, extra):
    """One epoch of :func:`run_epochs` for parameters in a vector (``order`` None: the samples in order)."""
    for k, (a, z) in enumerate(zip(starts.tolist(), starts[1:].tolist() + [model.n], strict=True)):
        grad = model.gradient(p, slice(a, z) if order is None else order[a:z])  # a slice is a view: no copy
        with np.errstate(over="ignore", invalid="ignore"):
            p, s = step(p, s, grad, lr, **hyper)
        if bound < np.inf and not np.all(np.abs(p) <= bound):  # also true for nan
            return p, s, k  # the escaping update is not counted, nor recorded
        if rows is not None:
            rows.append(p.copy())
        if extra is not None:
            extra["states"].append(_first(s, (1,) + p.shape))
            extra["gradients"].append(grad)
    return p, s, len(starts)


def _pair_epoch(step, model, batches, starts, p, s, lr, hyper, bound, rows, extra):
    """One epoch of :func:`run_epochs` for two parameters held as plain floats, ``batches`` the coefficients
    of :meth:`_LineFit.affine`. Plain calls only: a call with ``**hyper`` costs as much as the rest of an update."""
    (w, b), (sw, sb) = p, s
    more = tuple(hyper.values())
    update = (lambda x, state, grad, lr: step(x, state, grad, lr, *more)) if more else step
    ws, bs = rows if rows is not None else ([], [])
    first, keep_w, keep_b = len(ws), ws.append, bs.append
    for a, c, d, e, f in batches:  # Python floats: an overflow gives inf, no warning
        gw, gb = a * w + c * b - d, c * w + e * b - f
        w, sw = update(w, sw, gw, lr)
        b, sb = update(b, sb, gb, lr)
        if not (-bound <= w <= bound and -bound <= b <= bound):  # nan fails too
            return [w, b], [sw, sb], len(ws) - first
        keep_w(w)
        keep_b(b)
        if extra is not None:
            extra["states"].append([sw, sb])
            extra["gradients"].append([gw, gb])
    return [w, b], [sw, sb], len(starts)
