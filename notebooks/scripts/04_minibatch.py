# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 04 · Full-batch, stochastic and mini-batch gradient descent
#
# Training a model means minimising a loss that is an *average over the data*. Plain ("full-batch")
# gradient descent looks at every data point before each step; stochastic gradient descent (SGD) steps
# after every single sample, mini-batch gradient descent after every small batch. This notebook follows the
# lecture's slides on a problem small enough to see everything, a line fitted to noisy points, and answers
# the lecture's own question about SGD: *"How it works? May it works?"*
#
# **You will learn**
# - the mean squared error of a line, its gradient vector and the update W ← W − η∇L;
# - one loop that is full-batch gradient descent, SGD or mini-batch gradient descent depending on one
#   number, the batch size b, and what an *epoch* is;
# - to compare the three by epochs, by gradient evaluations and by wall-clock time;
# - why a noisy gradient still works: it is right *on average*, and its variance shrinks like 1/b;
# - to write an epoch of mini-batch gradient descent yourself, for another model.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#04-minibatch) · Next: [05 · momentum](05_momentum.ipynb)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation.** The loss $L = \frac1n\sum_i (y_i-\hat y_i)^2$ here is a *mean*; notebook 03's $E = \frac12\sum_i (y_i-o_i)^2$
# > is a *sum* with a ½. So ∇L = (2/n)·∇E, and η = 0.05 here and η = 1 there are not comparable. b is both the
# > line's intercept and the batch size; the text says which. An *update* uses one batch; an *epoch* is one pass
# > over all n samples, ⌈n/b⌉ updates (the lecture's "the iteration, or epoch" are one thing only for full batch).

# %% slideshow={"slide_type": "-"}
import time

import numpy as np

import helpers
from helpers import plotting
from helpers.data import linear_regression
from helpers.demos.minibatch import MinibatchDemo
from helpers.exercises import minibatch as ex
from helpers.regression import (
    excess_loss,
    fit,
    least_squares,
    mse_grad,
    mse_loss,
    predicted_batch_variance,
    sample_batch_grads,
)

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
C = plotting.OKABE_ITO

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The problem: a line through noisy points
#
# The lecture's general definition uses a regression. Ours has one input x and two parameters, the slope w
# and the intercept b, so the whole loss surface fits on one picture: $n = 1000$ points
# $y_i = 2 \cdot x_i - 1 + \varepsilon_i$ with Gaussian noise $\varepsilon_i$ of standard deviation 1, made with a seeded random
# generator so every run of this notebook sees the same data.

# %% slideshow={"slide_type": "-"}
x, y = linear_regression(1000, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(0))
n = len(x)
print(f"n = {n} points, x in [{x.min():.3f}, {x.max():.3f}], mean y = {y.mean():.4f}")

# %% [markdown] slideshow={"slide_type": "-"}
# The model predicts $\hat y_i = w \cdot x_i + b$, and the loss is the mean squared error over all n points
#
# $$L(w, b) = \frac{1}{n}\sum_{i=1}^{n} \bigl(y_i - \hat y_i\bigr)^2 .$$
#
# Its gradient is a vector with one entry per parameter (residual $r_i = y_i - \hat y_i$):
#
# $$\nabla L = \Bigl(\frac{\partial L}{\partial w}, \frac{\partial L}{\partial b}\Bigr)
# = \Bigl(-\frac{2}{n}\sum_i r_i\,x_i,\; -\frac{2}{n}\sum_i r_i\Bigr),
# \qquad \mathbf W \leftarrow \mathbf W - \eta\,\nabla L .$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — MSE, not RMSE.** The slide calls this loss the RMSE. The formula (1/n)Σ(yᵢ − ŷᵢ)² is the
# > *mean squared error*; the root mean squared error is its square root, √MSE. Both have the same
# > minimiser (the square root is increasing), but not the same gradient: ∇RMSE = ∇MSE / (2·RMSE). All
# > gradients below are those of the MSE, as on the slide.

# %% [markdown] slideshow={"slide_type": "-"}
# For a line the minimiser is known exactly (least squares: w* = cov(x, y)/var(x), b* = ȳ − w*·x̄), the
# reference for every method below. At it the gradient vanishes; the loss left over, L*, is the noise no line
# can explain:

# %% slideshow={"slide_type": "-"}
w_star, b_star = opt = least_squares(x, y)
L_star = mse_loss(opt, x, y)
print(f"exact solution: w* = {w_star:.6f}, b* = {b_star:.6f}")
print(f"L* = MSE at the solution = {L_star:.6f}  (RMSE = {np.sqrt(L_star):.6f})")
print(f"gradient there below 1e-12: {np.linalg.norm(mse_grad(opt, x, y)) < 1e-12}")
start = np.array([-1.0, 2.0])
VIEW = ((-1.5, 4.5), (-3.5, 2.5))  # the (w, b) window of the contour plots

# %% slideshow={"slide_type": "subslide"}
fig, (left, right) = plotting.new_figure(2, height=4.2)
left.plot(x, y, ".", color=C["sky"], ms=3, label="data")
grid = np.array([-2.0, 2.0])
left.plot(grid, 2.0 * grid - 1.0, "--", color=plotting.CURVE, label="true line y = 2x − 1")
left.plot(grid, w_star * grid + b_star, color=C["vermillion"], label="least squares")
left.set_xlabel("x")
left.set_ylabel("y")
left.set_ylim(-11, 6)  # room below the points for the legend
left.set_title(f"n = {n} noisy points")
left.legend(loc="lower right")
plotting.line_contours(right, x, y, VIEW, start=start)
right.set_title("contours of L(w, b) − L*")
right.legend(loc="lower left")
plotting.show(fig, "Left: 1000 noisy points around the line y = 2x - 1 with the least-squares line on top of it. "
              "Right: nearly circular contours of the loss over (w, b), centred on the least-squares "
              "point near (2, -1); the start (-1, 2) lies on an outer contour.")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Three methods, one loop
#
# The lecture's three methods differ only in *how many points* enter each gradient:
#
# | method | points per update | updates per epoch (n = 1000) |
# |---|---|---|
# | full-batch gradient descent | all n | 1 |
# | mini-batch gradient descent | b (e.g. 32) | ⌈n/b⌉ = 32 |
# | stochastic gradient descent (SGD) | 1 | n = 1000 |
#
# An **epoch** is one pass over the data: shuffle the indices afresh, cut them into batches of b, and make
# one update per batch with the mean gradient of that batch. When b does not divide n the last batch is
# smaller, so every point is used exactly once per epoch:

# %% slideshow={"slide_type": "-"}
def batches(n, batch_size, *, rng):
    order = rng.permutation(n)                                       # a fresh shuffle
    return [order[a:a + batch_size] for a in range(0, n, batch_size)]


# %% [markdown] slideshow={"slide_type": "-"}
# The update is notebook 01's rule, unchanged; only its gradient is new, the mean over a batch:

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def gradient_descent(x, state, grad, lr):
    """x ← x − η·∇L(x). No memory: the state passes through unchanged."""
    return x - lr * grad, state


# %% [markdown] slideshow={"slide_type": "-"}
# Here is the whole algorithm:

# %% slideshow={"slide_type": "-"}
def minibatch_descent(x, y, lr, batch_size, epochs, rng, params0=(-1.0, 2.0)):
    theta, state = np.array(params0), 0.0
    path = [theta]
    for _epoch in range(epochs):
        for idx in batches(len(x), batch_size, rng=rng):             # a fresh shuffle every epoch
            grad = mse_grad(theta, x[idx], y[idx])                    # the mean gradient of the batch
            theta, state = gradient_descent(theta, state, grad, lr)
            path.append(theta)
    return np.array(path)


# %% [markdown] slideshow={"slide_type": "-"}
# With b = n it is full-batch gradient descent, with b = 1 it is SGD. The tested version,
# `helpers.regression.fit(x, y, rule, batch_size=…, lr=…)`, runs any update rule this way and returns a run
# record; given the same seed it makes the same updates as the loop above (checked after the prediction).

# %% [markdown] slideshow={"slide_type": "-"}
# **Predict** before you run the comparison: all three methods start at (−1, 2) with η = 0.05 and run 10 epochs,
# so each spends the same 10 000 per-sample gradient evaluations. Which one ends closest to the exact solution
# (w*, b*)? Answer `"full batch"`, `"mini-batch"` (b = 32) or `"SGD"` (b = 1).

# %% slideshow={"slide_type": "-"}
ex.check_closest(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# The mini-batch: the next cell prints the distances. Full batch makes only 10 steps; SGD makes 10 000
# but each follows one point, so it ends in a wide noise ball. `ex.check_closest("mini-batch")`
# </details>

# %% slideshow={"slide_type": "-"}
lr, epochs = 0.05, 10
methods = {"full batch": n, "mini-batch b = 32": 32, "SGD (b = 1)": 1}
runs = {}
for name, b in methods.items():
    path = minibatch_descent(x, y, lr, b, epochs, np.random.default_rng(1))
    runs[name] = run = fit(x, y, gradient_descent, batch_size=b, epochs=epochs, rng=np.random.default_rng(1),
                           params0=start, tol=0, lr=lr)
    same = np.max(np.abs(path - run.iterates)) < 1e-10
    dist = np.linalg.norm(run.x - opt)
    print(f"{name:<18} updates/epoch = {run.updates_per_epoch:4d}  gradient evaluations = {run.evals[-1]:5d}  "
          f"distance to (w*, b*) = {dist:.4f}  same as the loop: {same}")



# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — the per-sample loss has no 1/n.** The SGD slide writes the loss of one sample as
# > Lᵢ = (1/n)(yᵢ − ŷᵢ)². The right per-sample loss is **(yᵢ − ŷᵢ)²**: averaged over a random i its
# > gradient is exactly ∇L (section 4 checks this). With the extra 1/n every SGD step is n times too small:
# > here it is as if the learning rate were divided by 1000.

# %% slideshow={"slide_type": "-"}
# the slide's L_i = (1/n)(y_i - ŷ_i)² has the gradient of (y_i - ŷ_i)² divided by n: SGD with η/n
slip = fit(x, y, gradient_descent, batch_size=1, epochs=epochs, rng=np.random.default_rng(1), params0=start, tol=0,
           lr=lr / n)
for name, run in [("(y_i - ŷ_i)^2", runs["SGD (b = 1)"]), ("(1/n)(y_i - ŷ_i)^2", slip)]:
    print(f"SGD with {name:<20} distance to (w*, b*) after {epochs} epochs = {np.linalg.norm(run.x - opt):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Side by side
#
# The same three runs on the contours of the loss: SGD zig-zags because each step follows *one* point, and
# the mini-batch is a calmer SGD.

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
colors = {"full batch": C["black"], "mini-batch b = 32": C["blue"], "SGD (b = 1)": C["orange"]}
fig, axes = plotting.new_figure(3, height=4.2, sharey=True)
for ax, (name, run) in zip(axes, runs.items(), strict=True):
    plotting.line_contours(ax, x, y, VIEW, start=start)
    ax.plot(run.iterates[:, 0], run.iterates[:, 1], "-", color=colors[name], lw=0.8,
            marker="o" if run.updates < 50 else None, ms=4)
    ax.plot(*run.iterates[run.epoch_ends].T, "o", color=C["vermillion"], ms=4, label="end of each epoch")
    ax.set_title(f"{name}\n{run.updates:,} updates")
axes[0].legend(loc="lower left")
for ax in axes[1:]:
    ax.set_ylabel("")
plotting.show(fig, "Three contour plots with trajectories from (-1, 2) over 10 epochs at learning rate 0.05. "
              "Full batch: 10 points on a straight line, still far from the star. Mini-batch of 32: a "
              "slightly wiggly path that reaches the star in the first epoch and stays close. SGD: a "
              "jagged path that reaches the star region in the first epoch and keeps jittering around it.")

# %% [markdown] slideshow={"slide_type": "-"}
# Which one is *faster* depends on what we count: **epochs** (passes over the data), **per-sample gradient
# evaluations** (the arithmetic: an epoch costs n of them for every method, but full batch spends all n
# before its first step, SGD one), or **seconds** on your machine (an optional section measures them).
#
# The curves show the *excess loss* L − L* (how much worse than the exact solution) on a log scale.

# %% slideshow={"slide_type": "subslide"}
fig, (ax_epoch, ax_eval) = plotting.new_figure(2, height=4.0, sharey=True)
for name, run in runs.items():
    excess = np.maximum(excess_loss(run.iterates, x, y), 1e-12)
    ax_epoch.plot(np.arange(run.updates + 1) / run.updates_per_epoch, excess, color=colors[name], lw=1, label=name)
    ax_eval.plot(np.maximum(run.evals, 1), excess, color=colors[name], lw=1, label=name)
for ax, label in [(ax_epoch, f"epoch (n = {n})"), (ax_eval, "per-sample gradient evaluations")]:
    ax.set_yscale("log")
    ax.set_xlabel(label)
ax_eval.set_xscale("log")
ax_epoch.set_ylabel("L − L*")
ax_epoch.set_title("by epochs")
ax_eval.set_title("by gradient evaluations")
fig.legend(*ax_epoch.get_legend_handles_labels(), loc="outside lower center", ncols=3)
plotting.show(fig, "Excess loss on a log scale for full batch, mini-batch 32 and SGD, all at learning rate 0.05. "
              "By epochs and by gradient evaluations SGD and mini-batch drop by two to three orders of "
              "magnitude within the first epoch while full batch falls slowly in a straight line; SGD then "
              "fluctuates at a plateau.")

# %% [markdown] slideshow={"slide_type": "-"}
# **By evaluations**, SGD and the mini-batch are far ahead: after a few hundred evaluations, fewer than
# the n = 1000 that full batch spends on its very first step, SGD has already cut the excess loss by more
# than a factor of ten. That is the lecture's cost argument. With **1M samples and 100k weights** one
# gradient of one sample costs about 100k multiply-adds, the full gradient a million times more:

# %% slideshow={"slide_type": "-"}
samples, weights = 1_000_000, 100_000
for name, b in [("full batch", samples), ("mini-batch b = 256", 256), ("SGD (b = 1)", 1)]:
    print(f"{name:<20} multiply-adds per update = {b * weights:.1e}   updates per epoch = {-(-samples // b):>9,}")

# %% [markdown] slideshow={"slide_type": "-"}
# Every method spends 10¹¹ multiply-adds per epoch; full batch turns them into one step, SGD into a
# million. When the data are redundant (and big data sets are) the many rough steps get much further.
#
# Full batch could take larger steps, though: its gradient has no noise (it is stable up to η ≈ 0.76 here, and
# at η = 0.5 reaches the exact solution to 1e−9 in 20 epochs). The noisy methods buy a *good enough* answer early.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Why it works
#
# **The mini-batch gradient is right on average.** A batch B of b points drawn at random gives
# $g_B = (1/b) \sum_{i \in B} \nabla (y_i - \hat y_i)^2$. Every point is equally likely to be in B, so the expectation of $g_B$ is
# the average of all per-sample gradients, which is $\nabla L$: the batch gradient is an *unbiased estimate* of
# the full gradient. We check it at the start point with 20 000 random batches of 10. The mean of 20 000
# random draws is itself only near its expectation: its typical distance, the *standard error*, is the
# draws' standard deviation divided by √20 000. Within three standard errors counts as agreement:

# %% slideshow={"slide_type": "-"}
draws = 20_000
g = sample_batch_grads(start, x, y, 10, draws, rng=np.random.default_rng(2))
full = mse_grad(start, x, y)
stderr = g.std(axis=0) / np.sqrt(draws)
print(f"full gradient            = ({full[0]:8.4f}, {full[1]:8.4f})")
print(f"mean of {draws} batch gradients = ({g.mean(axis=0)[0]:8.4f}, {g.mean(axis=0)[1]:8.4f})")
print(f"standard error of that mean     = ({stderr[0]:8.4f}, {stderr[1]:8.4f})")
print(f"difference within 3 standard errors: {bool(np.all(np.abs(g.mean(axis=0) - full) < 3 * stderr))}")

# %% [markdown] slideshow={"slide_type": "-"}
# **Predict**: right on average, but noisy. Double the batch from b = 10 to b = 20: by what factor does the
# *standard deviation* of the batch gradient (its typical distance from ∇L) shrink? Give a number.

# %% slideshow={"slide_type": "-"}
ex.check_std_ratio(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# By about √2 ≈ 1.41, not 2: doubling b halves the *variance*, and the standard deviation is its square
# root: averaging b independent per-sample gradients divides their variance by b. The first optional section
# measures it. `ex.check_std_ratio(1.41)`
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# So the variance of the batch gradient falls like 1/b and its standard deviation like 1/√b: halving the
# noise takes four times the batch.

# %% [markdown] slideshow={"slide_type": "-"}
# So, *"may it work?"* Yes: each SGD step is wrong, but right on average, and the errors of successive steps
# largely cancel. At the minimum the per-sample gradients are not zero, so with a constant η SGD keeps
# jittering in a *noise ball* around it, reached quickly and cheaply; a learning rate that decays slowly
# enough, but not too slowly, converges to the exact solution (an optional section shows both).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Try it
#
# The path and the loss curve (grey: full batch at the same η) follow every control; ▶ on "show epoch"
# replays the run epoch by epoch. Things to try:
# - b = 1000 with η = 0.3: full batch converges to the exact solution (to 1e−9) within 30 epochs;
# - b = 1 with η = 0.05, then tick "decay": the noise ball shrinks;
# - b = 1 against b = 1000 at η = 0.5: SGD diverges within the first epoch (single points are much
#   steeper than their average), full batch converges in 20 epochs (its limit is η ≈ 0.76);
# - shuffle off with b = 1: the same order of points every epoch, and the seed no longer matters.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
MinibatchDemo(x, y, batch_size=10, lr=0.05, epochs=50, seed=0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Exercises
#
# Replace each `...` with your answer and run the cell; the check says whether it is right and why.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 1.** With n = 1000 points and batches of b = 64, how many updates does one epoch make?

# %% slideshow={"slide_type": "-"}
ex.check_updates_per_epoch(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ⌈1000/64⌉ = 16: fifteen batches of 64 and a last one of 40. Check with
# `len(batches(1000, 64, rng=np.random.default_rng(0)))`.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 2.** A data set has n = 50 000 samples. With the slide's per-sample loss Lᵢ = (1/n)(yᵢ − ŷᵢ)², how
# many times too small is every SGD step?

# %% slideshow={"slide_type": "-"}
ex.check_slip_factor(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# 50 000: the gradient of (1/n)(yᵢ − ŷᵢ)² is the gradient of (yᵢ − ŷᵢ)² divided by n, so the step is
# divided by n, as if the learning rate were n times smaller. `ex.check_slip_factor(50_000)`
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 3.** The same loop for another model. Fit a constant $c$ to data $y_1 \dots y_n$: the model predicts
# $\hat y = c$ for every point, the loss is $L(c) = \frac1n\sum_i (y_i - c)^2$, and the gradient of a batch B is
# $-\frac{2}{b}\sum_{i \in B}(y_i - c)$. Write one epoch of mini-batch gradient descent on it: shuffle the n indices with the
# generator `rng` you are given, cut them into batches of `batch_size` (the last one holding the remainder), make
# one step $c \leftarrow c - \eta \cdot$ (batch gradient) per batch, and return c. The check compares your epoch with the
# reference for the same seed on several inputs, then runs it for 20 epochs.

# %% slideshow={"slide_type": "-"}
def constant_epoch(c, y, lr, batch_size, rng):
    ...


ex.check_constant_epoch(constant_epoch)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def constant_epoch(c, y, lr, batch_size, rng):
#     order = rng.permutation(len(y))
#     for a in range(0, len(y), batch_size):
#         batch = y[order[a:a + batch_size]]
#         c = c - lr * (-2 * np.mean(batch - c))
#     return c
# ```
#
# The constant with the smallest squared error is the mean of the data; SGD ends in a noise ball around it.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the noise ball and a decaying learning rate
#
# This section and the next three are not needed for notebook 05. Why does SGD not converge with a constant
# learning rate? At the minimum the full gradient is zero, but the per-sample gradients are not (every point
# has its own residual). Each SGD step therefore keeps
# kicking the parameters by about η times the gradient noise, and the run settles into a *noise ball*
# around the minimum whose size grows with η. A **decaying** learning rate, here $\eta_e = \eta/(1 + e)$ in epoch e,
# converges when it meets two conditions (Robbins and Monro, 1951):
#
# $$\sum_e \eta_e = \infty \qquad\text{and}\qquad \sum_e \eta_e^2 < \infty .$$
#
# The first keeps the total distance the run can still travel unlimited, so it reaches the minimum from any
# start; the second makes the noise the kicks add up (their variance grows like $\sum \eta_e^2$) finite, so it dies
# out. $\eta/(1 + e)$ meets both (the harmonic series diverges, $\sum 1/(1+e)^2 = \pi^2/6$); a constant η fails the
# second, $\eta/(1+e)^2$ the first.

# %% slideshow={"slide_type": "-"}
long = 100
settings = {"constant η = 0.05": (0.05, 0.0), "constant η = 0.01": (0.01, 0.0), "decaying η_e = 0.05/(1+e)": (0.05, 1.0)}
noise_runs = {name: fit(x, y, gradient_descent, batch_size=1, epochs=long, rng=np.random.default_rng(3),
                        params0=start, decay=decay, tol=0, lr=eta)
              for name, (eta, decay) in settings.items()}
# The excess loss after every update, averaged over each epoch (SGD's loss is too jumpy to read step by step).
epoch_mean = {name: excess_loss(run.iterates[1:], x, y).reshape(long, n).mean(axis=1) for name, run in noise_runs.items()}
print(f"SGD, b = 1: mean L - L* over epoch   1       10      {long}   distance at the end")
for name, run in noise_runs.items():
    m = epoch_mean[name]
    print(f"{name:<32} {m[0]:8.1e} {m[9]:8.1e} {m[-1]:8.1e}   {np.linalg.norm(run.x - opt):.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, (left, right) = plotting.new_figure(2, height=4.4)
noise_colors = [C["orange"], C["green"], C["blue"]]
epoch_axis = np.arange(1, long + 1)
for color, (name, run) in zip(noise_colors, noise_runs.items(), strict=True):
    left.plot(epoch_axis, epoch_mean[name], "-", color=color, lw=1.5, label=name)
    tail = run.iterates[-n:]
    right.plot(tail[:, 0], tail[:, 1], ".", color=color, ms=2, label=name)
decaying = epoch_mean["decaying η_e = 0.05/(1+e)"]
left.plot(epoch_axis, decaying[9] * 10 / epoch_axis, "--", color=plotting.CURVE, lw=1, label="∝ 1/epoch")
left.set_xscale("log")
left.set_yscale("log")
left.set_xlabel("epoch")
left.set_ylabel("mean of L − L* over the epoch")
left.set_ylim(3e-6, 1.0)  # room below the curves for the legend
left.set_title("SGD: constant or decaying η")
left.legend(loc="lower left")
right.plot(*opt, "*", mfc="none", mec="black", mew=1.5, ms=18, zorder=5)
right.set_xlim(w_star - 0.5, w_star + 0.5)
right.set_ylim(b_star - 0.5, b_star + 0.5)
right.set_xlabel("slope w")
right.set_ylabel("intercept b")
right.set_title("last epoch around (w*, b*)")
plotting.show(fig, "Left: log-log plot of the excess loss averaged over each epoch, 100 epochs of SGD. Constant "
              "eta 0.05 and 0.01 stay on flat noise plateaus, the smaller rate lower; the decaying rate "
              "keeps falling along a dashed line proportional to 1/e. Right: the parameters of the last "
              "epoch around the least-squares star: a wide cloud for eta 0.05, a smaller cloud for 0.01, "
              "a tight cluster for the decaying rate.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the variance of a batch gradient
#
# **The variance falls like 1/b.** Averaging b independent per-sample gradients divides their variance σ² by b:
#
# $$\mathbb E\,\lVert g_B - \nabla L\rVert^2 \approx \frac{\sigma^2}{b},
# \qquad \sigma^2 = \frac1n\sum_i \lVert \nabla(y_i-\hat y_i)^2 - \nabla L\rVert^2 .$$
#
# A batch of an epoch is drawn *without* replacement: it never repeats a point. That helps a little more:
# the finite-population factor (n − b)/(n − 1) brings the variance to exactly 0 at b = n, where the "batch" is
# the whole data set, $\mathbb E\,\lVert g_B - \nabla L\rVert^2 = \frac{\sigma^2}{b}\cdot\frac{n-b}{n-1}$. Measured with 20 000 batches per size:

# %% slideshow={"slide_type": "-"}
sizes = [1, 2, 5, 10, 20, 50, 100, 200, 500, 800, 950]
measured, predicted = [], []
for b in sizes:
    gb = sample_batch_grads(start, x, y, b, draws, rng=np.random.default_rng(b))
    measured.append(np.mean(np.sum((gb - full) ** 2, axis=1)))
    predicted.append(predicted_batch_variance(start, x, y, b))
measured, predicted = np.array(measured), np.array(predicted)
print("   b   measured   predicted   measured/predicted")
for b, m, p in zip(sizes, measured, predicted, strict=True):
    print(f"{b:4d}  {m:9.4f}  {p:10.4f}   {m / p:6.3f}")

# %% [markdown] slideshow={"slide_type": "-"}
# For b ≪ n the factor is ≈ 1 and only 1/b matters; it is what bends the measured variance at b = 800 and
# 950 far below σ²/b. On a log-log plot:

# %% slideshow={"slide_type": "subslide"}
fig, ax = plotting.new_figure(width=9.0, height=4.4)
b_grid = np.arange(1, n)
sigma2 = predicted_batch_variance(start, x, y, 1)
ax.plot(b_grid, sigma2 / b_grid, "--", color=plotting.CURVE, lw=1.5, label="σ²/b (with replacement)")
ax.plot(b_grid, [sigma2 / b * (n - b) / (n - 1) for b in b_grid], color=C["blue"],
        label="σ²/b · (n − b)/(n − 1) (predicted)")
ax.plot(sizes, measured, "o", color=C["vermillion"], ms=7, label=f"measured, {draws} batches each")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("batch size b")
ax.set_ylabel("E‖g_B − ∇L‖²")
ax.set_title(f"variance of the batch gradient at (−1, 2), n = {n}")
ax.legend()
plotting.show(fig, "Log-log plot of the variance of the batch gradient against batch size: the measured points "
              "lie on the predicted curve, a straight line of slope -1 that bends down towards zero as b "
              "approaches n = 1000, below the dashed sigma squared over b line.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise.** With n = 1000, the gradient of a batch of b = 100 points has what fraction of the
# variance of the gradient of a single point (b = 1)? Give a number.

# %% slideshow={"slide_type": "-"}
ex.check_variance_ratio(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# (1/100)·(1000 − 100)/(1000 − 1) = 900/99 900 ≈ 0.009009: the 1/b of averaging times the
# finite-population factor. Check with
# `predicted_batch_variance(start, x, y, 100) / predicted_batch_variance(start, x, y, 1)`.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the largest stable learning rate
#
# Not needed for notebook 05. The contours of section 1 are ellipses: the loss is a bowl that curves more
# steeply along one direction than along the direction at right angles to it. Along each of these two
# directions the bowl is a parabola like notebook 01's x², with a curvature λ (the second derivative along
# that direction), and notebook 01's rule holds along each: a step of η is stable there only if η < 2/λ. So the
# steeper direction sets the limit, $\eta < 2/\lambda_\text{max}$. For a bowl whose second derivatives are constants, the
# two curvatures are the *eigenvalues* of the matrix of second derivatives, the Hessian
# H = 2·[[mean x², mean x], [mean x, 1]], and numpy computes them:

# %% slideshow={"slide_type": "-"}
H = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
lam_min, lam_max = np.linalg.eigvalsh(H)
print(f"curvatures of the bowl: {lam_min:.4f} and {lam_max:.4f}  ->  full batch stable for eta < 2/lambda_max = "
      f"{2 / lam_max:.4f}")
for factor in (0.97, 1.03):
    run = fit(x, y, gradient_descent, batch_size=n, epochs=2000, rng=np.random.default_rng(0), params0=start, tol=1e-9,
              lr=factor * 2 / lam_max)
    print(f"full batch at {factor} x the limit: {run.outcome()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the third clock, wall-clock time
#
# Epochs and gradient evaluations are machine-independent; seconds are not, so the cell below measures
# them on your machine (its output is not stored). With 1000 points a full gradient costs next to
# nothing, so it runs on a bigger copy of the problem. On 200 000 points, on a 2-core laptop, the
# mini-batch and SGD get below L − L* = 0.1 in about a millisecond, before the first full-batch step
# (about 3 ms, a sweep over all the data) is even done; full batch needs some 40 sweeps, about 120 ms, to
# get there.

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output", "timing"]
# The third clock. With 1000 points a full gradient costs next to nothing, so this one runs on a bigger
# # copy of the problem: 200 000 points from the same line, every method given 200 ms of updates (the
# plain loop of section 2; shuffling not counted). Times differ from run to run, so this output is not stored.
x_big, y_big = linear_regression(200_000, w=2.0, b=-1.0, noise=1.0, rng=np.random.default_rng(1))
mse_grad(start, x_big, y_big)  # warm-up: the first sweep over new arrays pays for their memory pages


def timed_path(batch_size, budget=0.2, seed=1):
    # The plain loop on the big data set; the clock runs only while updating and stops after `budget` s.
    rng = np.random.default_rng(seed)
    theta, path, clock = start, [start], [0.0]
    while clock[-1] < budget:
        for idx in batches(len(x_big), batch_size, rng=rng):
            t0 = time.perf_counter()
            theta = theta - lr * mse_grad(theta, x_big[idx], y_big[idx])
            clock.append(clock[-1] + time.perf_counter() - t0)
            path.append(theta)
            if clock[-1] >= budget:
                break
    return np.array(clock), excess_loss(np.array(path), x_big, y_big)


print(f"n = {len(x_big):,}: milliseconds until L - L* < 0.1, and where 200 ms of updates end")
for name in runs:
    seconds, losses = timed_path(len(x_big) if name == "full batch" else methods[name])
    reached = np.flatnonzero(losses < 0.1)
    when = f"{1000 * seconds[reached[0]]:8.1f} ms" if reached.size else "    never"
    print(f"{name:<18} {when}   after 200 ms: {len(seconds) - 1:6d} updates, L - L* = {losses[-1]:.1e}")

# %% [markdown] slideshow={"slide_type": "-"}
# A step does not cost in proportion to its batch. Each update also pays a fixed overhead (a Python loop
# turn, a few numpy calls, input checks), so an SGD step costs about as much time as a step on 32 points,
# which does 32 times as much useful work. That is why practice uses mini-batches of a few dozen to a few
# hundred points: many updates per epoch like SGD, vectorised arithmetic like full batch (on a GPU even
# more so).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The loss of a regression is an average over the data: L = (1/n)Σ(yᵢ − ŷᵢ)², the MSE (the RMSE is its
#   square root). Gradient descent updates W ← W − η∇L.
# - One loop gives all three methods: an epoch shuffles the data and makes one update per batch of b with
#   the batch's mean gradient; b = n is full batch (1 update per epoch), b = 1 is SGD (n updates, per-sample
#   loss (yᵢ − ŷᵢ)² without 1/n), anything between is mini-batch.
# - Per gradient evaluation SGD and mini-batches make far more progress early on.
# - It works because the batch gradient is unbiased, with a variance that falls like 1/b. With a constant
#   learning rate SGD ends in a noise ball around the minimum; a decaying learning rate converges.
#
# ### Further reading
#
# - Coursera, Deep Learning Specialization, "Improving Deep Neural Networks", week 2 programming assignment
#   "Optimization Methods" (mini-batch partitioning, momentum, Adam):
#   [coursera.org/learn/deep-neural-network](https://www.coursera.org/learn/deep-neural-network).
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, sections 12.4 "Stochastic Gradient
#   Descent" and 12.5 "Minibatch Stochastic Gradient Descent": [d2l.ai](https://d2l.ai/chapter_optimization/index.html).
# - H. Robbins, S. Monro, "A Stochastic Approximation Method", *Annals of Mathematical Statistics* 22 (1951)
#   (the two conditions on a decaying learning rate).
# - L. Bottou, F. Curtis, J. Nocedal, "Optimization Methods for Large-Scale Machine Learning", *SIAM Review*
#   60 (2018): [arXiv:1606.04838](https://arxiv.org/abs/1606.04838).
#
# **Next:** [05 · momentum](05_momentum.ipynb): the lecture's remedy for SGD's chaotic path, a moving
# average of past gradients that gives the descent a memory.
