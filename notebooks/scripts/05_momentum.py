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
# # 05 · Momentum: moving averages and gradient descent with momentum
#
# Plain gradient descent forgets: every step looks only at the gradient where it stands. In a narrow valley it
# zig-zags across and crawls along; with noisy mini-batch gradients it jitters. *Momentum* gives it a memory: it
# steps along a moving average of the recent gradients. This notebook builds the average, then momentum.
#
# **You will learn**
# - the exponentially weighted moving average $V_t = \beta V_{t-1} + (1-\beta) X_t$, its window $\approx 1/(1-\beta)$, and
#   the start-up bias of $V_0 = 0$ with its correction $V_t/(1-\beta^t)$;
# - momentum with the learning rate written out, and its two common forms, one method;
# - why momentum wins in a ravine and where its stability limit lies;
# - what momentum does to noisy mini-batch gradients, the lecture's reason for it;
# - to add the moving average's bias correction to momentum yourself;
# - optionally: which β is fastest, and momentum on the quartic's hump.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#05-momentum) · Previous: [04 · SGD and mini-batches](04_minibatch.ipynb) · Next: [06 · adaptive methods](06_adaptive.ipynb)

# %% slideshow={"slide_type": "-"}
import numpy as np

import helpers
from helpers import averages, plotting, theory
from helpers.data import linear_regression, noisy_series
from helpers.demos.momentum import EwmaDemo, RavineDemo
from helpers.exercises import momentum as ex
from helpers.regression import fit, least_squares, mse_grad, mse_loss

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
BLUE, ORANGE, GREEN = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["orange"], plotting.OKABE_ITO["green"]
RED, PURPLE, SKY = plotting.OKABE_ITO["vermillion"], plotting.OKABE_ITO["purple"], plotting.OKABE_ITO["sky"]
LIGHT = "#AAAAAA"  # data points, kept light behind the curves
t, signal, series = noisy_series(150, noise=1.0, rng=np.random.default_rng(5))

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation.** β is the momentum factor (the lecture's μ in notebook 03, which writes the summed form).
# > λ is a curvature, $f''$ along one direction, as in notebooks 04 and 06 (the sigmoid's steepness in 03). Momentum
# > comes in two forms: the lecture's *averaged* velocity $v = \beta v + (1-\beta)\nabla L$ and the *summed* one $v = \beta v + \nabla L$
# > (PyTorch's); both step by $\eta v$, so the same η means steps 1 − β times smaller in the averaged form. Classical
# > momentum, in either form, does **not** correct its start (its first steps are short); Adam, in notebook 06, does.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The exponentially weighted moving average
#
# The lecture introduces momentum as "a kind of moving average on our intermediate computation", more
# precisely an exponentially weighted one. For a series $X_1, X_2, \dots$ and a factor $0 \le \beta < 1$:
#
# $$V_0 = 0, \qquad V_t = \beta\, V_{t-1} + (1-\beta)\, X_t .$$
#
# > **Note — a typo on the slide.** The slide prints $V_t = \beta V_{t-i} + (1-\beta) X_i$. Both indices should be
# > $t$: the new average is the previous one, $V_{t-1}$, mixed with the newest value $X_t$.
#
# Our series is a slowly varying signal with noise on top (made with a seeded generator, so every run
# gives the same numbers). The average in five plain lines, and the tested helper:

# %% slideshow={"slide_type": "-"}
def moving_average(xs, beta):
    v, out = 0.0, []
    for x in xs:  # X_1, X_2, ...
        v = beta * v + (1 - beta) * x
        out.append(v)
    return np.array(out)


avg = moving_average(series, 0.9)
print("identical to helpers.averages.ewma:", np.array_equal(avg, averages.ewma(series, 0.9)))
for k in range(5):
    print(f"t = {k + 1}   X_t = {series[k]:6.3f}   V_t = {avg[k]:6.3f}")

# %% [markdown] slideshow={"slide_type": "-"}
# Unrolling the recursion shows what $V_t$ is: a weighted sum of all the values so far, with weights that
# fall by a factor β per step back,
#
# $$V_t = (1-\beta)\left(X_t + \beta X_{t-1} + \beta^2 X_{t-2} + \dots + \beta^{t-1} X_1\right).$$
#
# The weights add up to $(1-\beta)(1 + \beta + \dots + \beta^{t-1}) = 1 - \beta^t$, which tends to 1. Most of the weight (about
# 63 %) sits on the last $\approx 1/(1-\beta)$ values: β = 0.9 averages over roughly the last 10. A longer window removes
# more noise but reacts later to a change of the signal: it *lags*.

# %% slideshow={"slide_type": "-"}
print(" beta   window 1/(1-beta)   weight on the last window   RMS distance to the signal")
for beta in (0.0, 0.5, 0.8, 0.9, 0.95, 0.98):
    window = averages.effective_window(beta)
    share = 1 - beta ** round(window)
    corrected = averages.ewma(series, beta, bias_correction=True)
    rms = np.sqrt(np.mean((corrected - signal) ** 2))
    print(f"{beta:5.2f}   {window:17.1f}   {share:25.3f}   {rms:26.3f}")

# %% [markdown] slideshow={"slide_type": "-"}
# (The distance is measured for the bias-corrected average introduced below, so that only noise and lag
# count.) The noise falls as the window grows, until the lag takes over: for this series β ≈ 0.8 is the
# sweet spot, and at β = 0.9 the average is already farther from the signal than at 0.5. The figure shows the
# raw average $V_t$ for three values of β:

# %% slideshow={"slide_type": "subslide"}
fig, ax = plotting.new_figure(height=3.4)
ax.plot(t + 1, series, "o", color=LIGHT, ms=2.5, label="data $X_t$")
ax.plot(t + 1, signal, color="black", lw=1, label="clean signal")
for beta, colour in ((0.5, GREEN), (0.9, BLUE), (0.98, ORANGE)):
    window = averages.effective_window(beta)
    ax.plot(t + 1, averages.ewma(series, beta), color=colour, label=f"$V_t$, β = {beta} (window ≈ {window:.0f})")
ax.set_xlabel("$t$")
ax.set_ylabel("value")
ax.set_title("moving average, three values of β")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # beside the data, not over it
plotting.show(fig, "A noisy series with its moving average for three values of beta. With beta 0.5 the average is "
              "still noisy; with 0.9 it is smooth but already lags behind the signal's rises and falls (the table "
              "puts it farther from the signal than beta 0.8); with 0.98 it is very smooth and lags far behind. All "
              "three start at 0 and need a while to climb to the data.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The start-up bias and its correction
#
# All three curves start near 0, far below the data. That is the start value $V_0 = 0$: after t steps the
# weights of the data add up to only $1 - \beta^t$, and the missing $\beta^t$ sits on $V_0 = 0$. With $\beta = 0.9$,
# $V_1 = 0.1 \cdot X_1$ is a tenth of the first value. Dividing by the weight collected so far turns $V_t$ back into
# a proper weighted *mean*:
#
# $$\hat V_t = \frac{V_t}{1-\beta^t}.$$
#
# For large t the divisor is ≈ 1 and the correction fades out:

# %% slideshow={"slide_type": "-"}
beta = 0.9
raw = averages.ewma(series, beta)
corrected = averages.ewma(series, beta, bias_correction=True)
print(" t    X_t    V_t    1-beta^t   V_t/(1-beta^t)")
for k in range(6):
    print(f"{k + 1:2d}  {series[k]:5.2f}  {raw[k]:5.2f}  {1 - beta ** (k + 1):9.3f}  {corrected[k]:15.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · Momentum, with the learning rate written out
#
# Momentum applies this average to the gradients. The lecture writes SGD with momentum as
# $v_t = \beta v_{t-1} + (1-\beta) \nabla L$, $w = w - v_t$. It is also called the *heavy-ball* method (Polyak, 1964): the
# iterate moves like a heavy ball rolling downhill, which keeps part of its speed from step to step.
#
# > **Note — where is the learning rate?** As printed, the step is the averaged gradient itself: the
# > learning rate has been folded into v (or set to 1). With the learning rate written out, the method is
# >
# > $$v_t = \beta\, v_{t-1} + (1-\beta)\,\nabla L(w_{t-1}), \qquad w_t = w_{t-1} - \eta\, v_t, \qquad v_0 = 0 .$$
# >
# > Many books and PyTorch's `SGD(momentum=β)` write $v_t = \beta v_{t-1} + \nabla L$, $w_t = w_{t-1} - \eta v_t$ instead.
# > It is the same method with the learning rate η' = (1 − β)·η (an optional section at the end derives it).
#
# Here is the lecture's form as a loop, on the test problem of section 3 (a narrow valley in the plane),
# and the same method as an update rule (notebook 01's form; its state is the velocity v), run by
# `helpers.run` like gradient descent:

# %% slideshow={"slide_type": "-"}
def momentum_loop(grad, w0, lr, beta, steps):
    w, v = np.asarray(w0, dtype=float), 0.0
    path = [w]
    for _ in range(steps):
        v = beta * v + (1 - beta) * grad(w)
        w = w - lr * v
        path.append(w)
    return np.array(path)

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def momentum(x, v, grad, lr, beta):
    """v ← β·v + (1 − β)·∇f(x), x ← x − η·v: the lecture's momentum with the learning rate written out."""
    v = beta * v + (1 - beta) * grad
    return x - lr * v, v

# %% slideshow={"slide_type": "-"}
ravine = helpers.Quadratic2D((1.0, 25.0))
start = np.array([-9.0, 4.0])
path = momentum_loop(ravine.grad, start, lr=0.2, beta=0.5, steps=40)
run = helpers.run(ravine, momentum, start, lr=0.2, beta=0.5, max_steps=40, tol=1e-12)
print("identical to the helper's iterates:", np.array_equal(path, run.iterates))
print(f"{run.outcome()} (the budget was 40 steps), f(w_40) = {run.losses[-1]:.3e}")

# %% [markdown] slideshow={"slide_type": "-"}
# With β = 0 the velocity is just the gradient: momentum *is* plain gradient descent.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The ravine
#
# The valley is f(x) = ½(x₁² + 25·x₂²): curvature 1 along x₁ and 25 across it, the two second derivatives (their
# ratio, 25, is the valley's *condition number*). Along a direction of curvature λ, gradient descent multiplies
# the error by 1 − ηλ per step (notebook 01), so it is stable only for η < 2/25 = 0.08, and then the flat
# direction shrinks by only 1 − η ≥ 0.92 per step: it crawls along the floor. Momentum lets the steps along the
# floor, which keep pointing the same way, build up speed; the steps across, which alternate, average out.

# %% [markdown] slideshow={"slide_type": "-"}
# **Predict** before you run the next cells: plain gradient descent at η = 0.07 converges from (−9, 4) in 221
# steps. With the same η and β = 0.9 (the lecture's form), is momentum `"faster"` or `"slower"`?

# %% slideshow={"slide_type": "-"}
ex.check_ravine_faster(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Slower. In the lecture's form the velocity is an *average* of gradients: where the gradient stays the same,
# along the valley floor, the average is that gradient, so the step is no longer than plain gradient descent's
# with the same η, only slower to build up. And with β = 0.9 the average remembers about 10 gradients: it carries
# the run past the minimum along the valley, and it circles back. The last line of the next cell prints it.
# `ex.check_ravine_faster("slower")`
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# Five runs from the start (−9, 4); the figure shows the first, third and fourth:

# %% slideshow={"slide_type": "-"}
settings = [("gradient descent", 0.07, 0.0), ("gradient descent", 0.2, 0.0),
            ("momentum", 0.2, 0.5), ("momentum", 0.2, 0.9), ("momentum", 0.07, 0.9)]
ravine_runs = [helpers.run(ravine, momentum, start, lr=lr, beta=beta, max_steps=1000, bound=100.0)
               for _, lr, beta in settings]
for (name, lr, beta), run in zip(settings, ravine_runs, strict=True):
    print(f"{name:<17} eta = {lr:<5} beta = {beta:<4} {run.outcome()}")

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
def ravine_axes(ax):
    gx, gy = np.meshgrid(np.linspace(-10, 10, 161), np.linspace(-5, 5, 81))
    ax.contour(gx, gy, ravine.f(np.stack([gx, gy], axis=-1)), levels=np.geomspace(0.1, 300, 7),
               colors=plotting.CURVE, linewidths=0.7)
    ax.plot([0], [0], "*", color="black", ms=10)
    ax.set_xlim(-10, 10)
    ax.set_ylim(-5, 5)
    ax.set_xticks([-5, 0, 5])  # no ticks at the corners, where the two axes' labels would meet
    ax.set_yticks([-4, 0, 4])
    ax.set_xlabel("$x_1$")
    ax.grid(False)  # the contours are the reference lines here


fig, axes = plotting.new_figure(3, height=2.9, sharey=True)
for ax, i, colour in zip(axes, (0, 2, 3), [RED, BLUE, BLUE], strict=True):
    (name, lr, beta), run = settings[i], ravine_runs[i]
    ravine_axes(ax)
    shown = run.iterates[:81]
    ax.plot(shown[:, 0], shown[:, 1], "-o", color=colour, lw=1, ms=2.5)
    ax.set_title(f"η = {lr}, β = {beta}\n{run.outcome()}")
axes[0].set_ylabel("$x_2$")
plotting.show(fig, "Three trajectories on the contours of the ravine, at most 80 steps drawn. Gradient descent "
              "with eta 0.07 zig-zags across the valley and creeps along its flat floor. Momentum with eta 0.2, "
              "beta 0.5 swings across the valley a few times with shrinking swings while it runs quickly along it; "
              "with beta 0.9 it overshoots along the valley and circles in.")

# %% [markdown] slideshow={"slide_type": "-"}
# Momentum at η = 0.2, β = 0.5 converges where plain gradient descent at η = 0.2 blows up (its zig-zag grows
# by |1 − 0.2·25| = 4 per step), in a quarter of the steps of gradient descent at η = 0.07. Its effective step
# size is (1 − β)·η = 0.1, at which plain gradient descent still blows up. With β = 0.9 momentum overshoots and
# circles the minimum: too much memory, slower than none at η = 0.07.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The stability limit
#
# **Predict**: without momentum, η must stay below 2/λ. Write momentum in PyTorch's form, $v = \beta v + \nabla L$,
# $x \leftarrow x - \eta v$, where η is the effective step size (it multiplies each gradient as it enters). With β = 0.9,
# how many times larger than 2/λ may η be before the run diverges? Give a number. (Hint: near the limit the
# run swings across the valley, so the gradient there changes sign at every step. What is v then?)

# %% slideshow={"slide_type": "-"}
ex.check_limit_factor(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# 1.9 = 1 + β. When the gradient flips sign at every step, the velocity adds it up as g − βg + β²g − … ≈
# g/(1 + β): momentum's step is η/(1 + β) times the gradient, and plain gradient descent's limit for that step,
# η/(1 + β) < 2/λ, becomes η < (1 + β)·2/λ. The lecture's averaged form gives 19, but its η is not the step
# size. `ex.check_limit_factor(1.9)`
# </details>

# %% [markdown] slideshow={"slide_type": "-"}
# That limit holds along every direction of curvature λ (the optional section at the end derives it): the
# summed form is stable for $\eta\lambda < 2(1+\beta)$, the lecture's form for $\eta\lambda < 2(1+\beta)/(1-\beta)$. For β = 0 this is gradient
# descent's η < 2/λ. With β = 0.9 the lecture's form allows an η 19 times larger, but that η multiplies a
# gradient scaled by 1 − β = 0.1: in effective step size, the limit goes from ηλ < 2 to ηλ < 3.8, **1.9-fold**.
# Momentum does not allow a 19 times larger step size; it allows a 1.9 times larger one (and its velocity
# adds up about 1/(1 − β) = 10 recent gradients). Just below and just above the limit for the stiff
# direction, λ = 25:

# %% slideshow={"slide_type": "-"}
print(" beta   limit eta < 2(1+beta)/((1-beta)*25)   at 0.97 x limit   at 1.03 x limit")
for beta in (0.0, 0.5, 0.9, 0.97):
    limit = theory.stability_limit(25.0, beta)
    below = helpers.run(ravine, momentum, start, lr=0.97 * limit, beta=beta, max_steps=20_000, bound=100.0)
    above = helpers.run(ravine, momentum, start, lr=1.03 * limit, beta=beta, max_steps=20_000, bound=100.0)
    print(f"{beta:5.2f}   {limit:35.3f}   {below.status:<15}   {above.status}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Noisy gradients: the average smooths the path
#
# Mini-batch gradients (notebook 04) are noisy estimates of the full gradient; momentum's velocity averages the
# recent ones, a better estimate than any one of them. A line fitted to 200 noisy points in batches of 10, same
# η, same batches, with and without momentum (notebook 04's `helpers.regression.fit` with the momentum rule):

# %% slideshow={"slide_type": "-"}
x_data, y_data = linear_regression(200, w=2.0, b=-1.0, noise=0.5, rng=np.random.default_rng(4))
best = least_squares(x_data, y_data)
noisy = {beta: fit(x_data, y_data, momentum, batch_size=10, epochs=10, rng=np.random.default_rng(1),
                  params0=[-2.0, 3.0], tol=0, trace=True, lr=0.1, beta=beta)
         for beta in (0.0, 0.9)}
print(f"least squares: w = {best[0]:.4f}, b = {best[1]:.4f}, MSE = {mse_loss(best, x_data, y_data):.4f}")
print(" beta   error of the batch gradient   error of the velocity   mean cos between steps   "
      "distance to (w*, b*)   excess MSE")
for beta, run in noisy.items():
    later = slice(run.updates // 2, None)  # the second half: after the start-up
    full = np.array([mse_grad(p, x_data, y_data) for p in run.iterates[:-1]])
    g_err = np.linalg.norm(run.gradients - full, axis=1)[later].mean()
    v_err = np.linalg.norm(run.states[1:] - full, axis=1)[later].mean()
    steps = np.diff(run.iterates, axis=0)[later]
    cos = np.sum(steps[1:] * steps[:-1], axis=1) / np.linalg.norm(steps[1:], axis=1) / np.linalg.norm(steps[:-1], axis=1)
    dist = np.linalg.norm(run.iterates[later] - best, axis=1).mean()
    excess = run.losses[later].mean() - mse_loss(best, x_data, y_data)
    print(f"{beta:5.1f}   {g_err:27.3f}   {v_err:21.3f}   {cos.mean():22.2f}   {dist:20.4f}   {excess:10.5f}")

# %% [markdown] slideshow={"slide_type": "-"}
# Over updates 100–200 the velocity is several times closer to the full gradient than the batch gradient it
# replaces, and successive steps point the same way (cosine near +0.7) instead of jerking back and forth; here
# the iterates also stay closer to the least-squares line. The price: the velocity has to build up from 0.

# %% slideshow={"slide_type": "subslide"}
later = slice(100, None)  # updates 100 ... 200, after the start-up
fig, (left, right) = plotting.new_figure(2, height=3.5, gridspec_kw={"width_ratios": [1, 1.25]})
gw, gb = np.meshgrid(np.linspace(best[0] - 0.2, best[0] + 0.2, 81), np.linspace(best[1] - 0.15, best[1] + 0.15, 61))
excess = np.array([[mse_loss((w, b), x_data, y_data) for w, b in zip(rw, rb, strict=True)]
                   for rw, rb in zip(gw, gb, strict=True)]) - mse_loss(best, x_data, y_data)
left.contour(gw, gb, excess, levels=np.geomspace(5e-4, 3e-2, 6), colors=plotting.CURVE, linewidths=0.7)
left.grid(False)
for beta, colour, label in ((0.0, RED, "mini-batch SGD"), (0.9, BLUE, "momentum")):
    p = noisy[beta].iterates[later]
    left.plot(p[:, 0], p[:, 1], "-", color=colour, lw=1, label=label)
left.plot(*best, "*", color="black", ms=12, label="minimum")
left.set_xlabel("w")
left.set_ylabel("b")
left.set_title("updates 100–200 (zoom)")
run = noisy[0.9]
k = np.arange(101, run.updates + 1)
full = np.array([mse_grad(p, x_data, y_data) for p in run.iterates[100:-1]])
right.plot(k, run.gradients[100:, 0], "o", color=LIGHT, ms=3, label="batch gradient")
right.plot(k, run.states[101:, 0], color=BLUE, label="velocity (momentum run)")
right.plot(k, full[:, 0], color="black", lw=1, label="full-data gradient")
right.set_xlabel("update")
right.set_ylabel("∂L/∂w")
right.set_title("gradients, momentum run")
fig.legend(loc="outside lower center", ncols=3)  # the labelled lines of both panels
plotting.show(fig, "Left: contours of the MSE near its minimum with the second half of two runs. Plain mini-batch "
              "SGD jumps around the least-squares point in a jagged random walk; momentum moves in smooth arcs "
              "and stays closer to it. Right: for updates 100 to 200 of the momentum run the batch gradients "
              "scatter widely around the full-data gradient, while the velocity stays close to it and changes "
              "smoothly.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Try it: gradient descent and momentum in the ravine
#
# Both methods from one start with one η; the readout gives each outcome and stability limit. Look for:
# - η = 0.07, β raised from 0: fewer steps than gradient descent (147 against 221 at β = 0.75), then overshoot;
# - η = 0.2: gradient descent diverges, momentum needs β above ≈ 0.43; β ≈ 0.45–0.5 is fastest of all;
# - β = 0.9, η from 0.2 to 1.5: about 310–340 steps throughout, until it diverges past η = 1.52;
# - "steps shown" with ▶ Play: both runs step by step.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
RavineDemo(lr=0.2, beta=0.5, x1=-9.0, x2=4.0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Exercises
#
# Replace each `...` with your answer and run the cell; the check says whether it is right and why.
#
# **Exercise 1.** The series is $X_1 = 10$, $X_2 = 20$, $\beta = 0.9$ and $V_0 = 0$. What is $V_2$, *without* the bias
# correction?

# %% slideshow={"slide_type": "-"}
ex.check_second_average(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $V_1 = 0.9 \cdot 0 + 0.1 \cdot 10 = 1$, $V_2 = 0.9 \cdot 1 + 0.1 \cdot 20 = 2.9$, far below the data. The corrected value
# $V_2/(1 - 0.9^2) = 2.9/0.19 \approx 15.3$ is a weighted mean of 10 and 20. Check with `averages.ewma([10.0, 20.0], 0.9)`.
# </details>
#
# **Exercise 2.** Section 1 corrected the moving average's start: $\hat V_t = V_t/(1-\beta^t)$. Momentum's velocity is
# such an average, and in the lecture's form its first steps are short, $v_1 = (1-\beta)\,g$. Write momentum with
# the bias correction: the state is a pair `(v, t)`, the velocity and the number of steps made (both 0 before the
# first step); update v as in section 2, count the step, and step by η times the corrected velocity
# $v/(1-\beta^t)$. Return the new x and the new state `(v, t)`. The check runs your rule on several inputs
# against the reference, says what differs, and then lets `helpers.run` run it in the ravine (with
# `state=(0.0, 0)`).

# %% slideshow={"slide_type": "-"}
def corrected_momentum(x, state, grad, lr, beta):
    ...


ex.check_corrected_momentum(corrected_momentum)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def corrected_momentum(x, state, grad, lr, beta):
#     v, t = state
#     v, t = beta * v + (1 - beta) * grad, t + 1
#     return x - lr * v / (1 - beta**t), (v, t)
# ```
#
# The first step now moves by η·g instead of η·(1 − β)·g. This is Adam's first moment: notebook 06 adds
# RMSProp's second moment, corrected in the same way.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the other convention is the same method
#
# Section 2 wrote the lecture's averaged velocity v with the learning rate written out; PyTorch sums instead.
# Write $u_t = \beta u_{t-1} + \nabla L(w_{t-1})$ for the "summed" velocity. Both velocities start at 0, and if
# $u_{t-1} = v_{t-1}/(1-\beta)$, then
#
# $$u_t = \beta\,\frac{v_{t-1}}{1-\beta} + \nabla L = \frac{\beta v_{t-1} + (1-\beta)\nabla L}{1-\beta} = \frac{v_t}{1-\beta}.$$
#
# So $u_t = v_t/(1-\beta)$ at every step, and the steps $\eta' u_t$ and $\eta v_t$ are equal exactly when
#
# $$\eta' = (1-\beta)\,\eta .$$
#
# The same method, with the learning rate scaled by 1 − β. (The lecture's backpropagation slide writes
# $W_{i+1} = -\eta\, \partial E/\partial W_i + \mu W_i$, which as printed adds μ times the *weights*; notebook 03 corrects it
# to $\Delta w_t = -\eta\, \partial E/\partial w + \mu \Delta w_{t-1}$, $w \leftarrow w + \Delta w_t$. That corrected form is this summed form
# with $\mu = \beta$ and $\Delta w_t = -\eta u_t$.) In floating point the two agree to rounding:

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def momentum_sum(x, u, grad, lr, beta):
    """u ← β·u + ∇f(x), x ← x − η·u: PyTorch's SGD(momentum=β)."""
    u = beta * u + grad
    return x - lr * u, u

# %% slideshow={"slide_type": "-"}
def momentum_sum_loop(grad, w0, lr, beta, steps):
    w, u = np.asarray(w0, dtype=float), 0.0
    path = [w]
    for _ in range(steps):
        w, u = momentum_sum(w, u, grad(w), lr, beta)
        path.append(w)
    return np.array(path)


print(" eta   beta   eta' = (1-beta)*eta   largest difference of the iterates")
for lr, beta in [(0.2, 0.5), (0.5, 0.9), (1.0, 0.95)]:
    averaged = momentum_loop(ravine.grad, start, lr, beta, 200)
    summed = momentum_sum_loop(ravine.grad, start, (1 - beta) * lr, beta, 200)
    print(f"{lr:4.1f}   {beta:4.2f}   {(1 - beta) * lr:19.3f}   {np.max(np.abs(averaged - summed)):.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): try the moving average
#
# Not needed for the rest of the notebook. # Slide β and watch the trade-off: small β follows every wiggle of the noise, large β is smooth but lags
# and, without correction, takes a long time to climb away from 0 (right panel). "show up to t" with ▶
# Play builds the average one value at a time.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
EwmaDemo(beta=0.9)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plotting.new_figure(height=3.4)
k = np.arange(1, 41)
ax.plot(k, series[:40], "o", color=LIGHT, ms=4, label="data $X_t$")
ax.plot(k, signal[:40], color="black", lw=1, label="clean signal")
ax.plot(k, raw[:40], "-", color=BLUE, label="$V_t$ (raw)")
ax.plot(k, corrected[:40], "--", color=ORANGE, label="$V_t/(1-\\beta^t)$ (corrected)")
ax.set_xlabel("$t$")
ax.set_ylabel("value")
ax.set_title(f"the first 40 points, β = {beta}")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
plotting.show(fig, "The first 40 points with beta 0.9. The raw average starts near zero and climbs slowly towards "
              "the data; the corrected average starts at the first data value and follows the level of the data "
              "from the beginning.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): three more exercises
#
# **Exercise.** About how many recent values does a moving average with β = 0.985 mostly reflect?

# %% slideshow={"slide_type": "-"}
ex.check_window(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# 1/(1 − β) = 1/0.015 ≈ 67 values. `ex.check_window(67)`
# </details>
#
# **Exercise.** Momentum in the lecture's form with η = 0.3 and β = 0.8. Which learning rate η′ makes
# v = βv + ∇L, w ← w − η′v produce the same iterates?

# %% slideshow={"slide_type": "-"}
ex.check_sum_lr(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# η′ = (1 − β)·η = 0.2·0.3 = 0.06, because the summed velocity is the averaged one divided by 1 − β.
# `theory.equivalent_lr(0.3, 0.8)` computes it.
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise.** In the ravine the stiff direction has curvature λ = 25. What is the largest stable
# learning rate of the lecture's form with β = 0.8?

# %% slideshow={"slide_type": "-"}
ex.check_stability_limit(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# η·25 < 2(1 + 0.8)/(1 − 0.8) = 18, so η < 0.72 (plain gradient descent: η < 0.08). In effective step size,
# (1 − β)·η < 0.144: 1.8 times 0.08. Check with `theory.stability_limit(25.0, 0.8)`, and in the widget:
# β = 0.8, η just below and just above 0.72.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): over the hump, momentum on the quartic
#
# Not needed for notebook 06.
# Notebook 02's quartic f(x) = x⁴ − 5x² − 3x has a local minimum at x ≈ −1.40 and the global one at
# x ≈ 1.71, with a hump (a local maximum) at x ≈ −0.31 between them. Started in the left basin, plain
# gradient descent with a sensible learning rate rolls into the local minimum and stays there. Momentum
# carries speed: can it roll over the hump? From x₀ = −2 (f(−2) = 2, the hump is at f ≈ 0.46), every
# combination of 81 learning rates × 50 values of β, all in one vectorised call; runs that stop at the
# step limit are named by `helpers.outcomes.classify_outcomes` (a cycle, or bounded but not converged),
# never as a minimum:

# %% slideshow={"slide_type": "-"}
quartic = helpers.Quartic()
x_start = -2.0
lr_q = helpers.log_grid(0.01, 1.0, 81)  # as np.geomspace, the same bits on every processor
beta_q = np.linspace(0.0, 0.98, 50)
qmap = helpers.outcome_map(quartic, momentum, x_start, lr=lr_q[None, :], beta=beta_q[:, None], max_steps=3000,
                           bound=100.0)
for c in qmap.present():  # in whole percent: a chaotic cell at an edge may flip with the processor's rounding
    share = 100 * qmap.fraction(c)
    print(f"{qmap.labels[c]:<45} {'< 1' if share < 1 else f'{share:.0f}':>4} % of the (eta, beta) grid")
glob = qmap.code_of("converged to the global")
print(f"plain gradient descent (beta = 0) reaches the global minimum for {np.sum(qmap.code[0] == glob)} "
      f"of {len(lr_q)} learning rates")
print(f"smallest beta that reaches it for some eta: {beta_q[np.any(qmap.code == glob, axis=1)][0]:.2f}")
lower = helpers.outcome_map(quartic, momentum, -1.8, lr=lr_q[None, :], beta=beta_q[:, None], max_steps=3000,
                            bound=100.0)
print(f"from x0 = -1.8 (f = {float(quartic.f(-1.8)):.2f}, below the hump): global minimum in "
      f"{np.sum(lower.code == lower.code_of('converged to the global'))} of {lower.code.size} cells")

# %% slideshow={"slide_type": "subslide"}
from matplotlib.colors import ListedColormap

colours = plotting.outcome_colors(qmap)  # the palette of notebook 02
examples = [(0.03, 0.0), (0.15, 0.9), (0.3, 0.9)]
example_runs = [helpers.run(quartic, momentum, x_start, lr=lr, beta=beta, max_steps=3000, bound=100.0)
                for lr, beta in examples]
for (lr, beta), run in zip(examples, example_runs, strict=True):
    print(f"eta = {lr:<4}  beta = {beta:<3}  {run.outcome()} at x = {run.x:.4f}, rightmost point reached x = "
          f"{run.iterates.max():.2f}")
fig, (left, right) = plotting.new_figure(2, height=4.2, lecture_height=5.2)
left.pcolormesh(lr_q, beta_q, qmap.code, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
                shading="nearest")
for c in qmap.present():
    left.plot([], [], "s", color=colours[c], ms=10, label=qmap.labels[c].removeprefix("converged to the "))
run_colours = ["black", PURPLE, GREEN]
for (lr, beta), colour in zip(examples, run_colours, strict=True):
    left.plot(lr, beta, "o", color=colour, ms=8, mfc="none", mew=2.5)
left.set_xscale("log")
left.set_xlabel("learning rate η")
left.set_ylabel("β")
left.set_title(f"outcome from $x_0 = {x_start}$")
left.set_ylim(-0.02, 0.99)
left.set_yticks([0.25, 0.5, 0.75])
for (lr, beta), run, colour in zip(examples, example_runs, run_colours, strict=True):
    right.plot(run.iterates[:150], color=colour, label=f"η = {lr}, β = {beta}")
for p in quartic.critical_points():
    right.axhline(p.x, color=plotting.CURVE, lw=1, ls="--" if p.kind == "maximum" else "-")
right.set_xlabel("step $k$")
right.set_ylabel("$x_k$")
right.set_ylim(-2.6, 2.6)
right.set_title("three runs (circled on the map)")
fig.legend(loc="outside lower center", ncols=2)  # the map's colours and the three runs
plotting.show(fig, "Left: outcome map over learning rate (log scale) and beta from x0 = -2. The left part, small "
              "learning rates, is the local minimum; the right part, large learning rates, diverges. Between them "
              "lies a ragged band where the run reaches the global minimum, starting at beta about 0.3 and "
              "widening as beta grows, mixed with cells that cycle or end in the local minimum. Right: x_k "
              "against k for three runs; the horizontal lines are the two minima (solid) and the hump (dashed). "
              "Plain gradient descent with eta 0.03 slides into the local minimum; eta 0.15 with beta 0.9 climbs "
              "towards the hump and falls back; eta 0.3 with beta 0.9 rolls over it into the global minimum.")

# %% [markdown] slideshow={"slide_type": "-"}
# With enough β *and* a large enough η the iterate keeps the speed it gained falling from x₀ = −2 and
# rolls over the hump; with η = 0.15 the same β = 0.9 climbs to x ≈ −0.6 and falls back. Plain gradient
# descent never gets there from this start. The map also shows the limits: the band that reaches the
# global minimum is ragged, neighbouring settings end in different minima, and it borders on divergence.
# From a start lower in the basin (x₀ = −1.8, where f is below the hump's value) none of the 4 050 settings
# of this grid (η from 0.01 to 1, β from 0 to 0.98) reaches the global minimum. That is an observation on
# this grid, not a law: a discrete step does not conserve energy, and notebook 02 shows plain gradient descent
# with a large enough η jumping over the hump. Momentum reduces the risk of getting stuck in a local minimum;
# it does not remove it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the (η, β) plane and the fastest β
#
# Not needed for notebook 06.
#
# **Where the stability limit comes from.** Along one axis of curvature λ the gradient is λx, and the two
# momentum equations combine into one recurrence for x alone: $x_{t+1} = (1 + \beta - h) \cdot x_t - \beta \cdot x_{t-1}$ with
# $h = \eta(1-\beta)\lambda$. Its solutions are combinations of $z^t$ for the two roots z of $z^2 - (1 + \beta - h) z + \beta = 0$
# (try $x_t = z^t$), so the iterates shrink exactly when both roots have size below 1, which happens for
# $0 < h < 2(1+\beta)$, that is
#
# $$0 < \eta\lambda < \frac{2(1+\beta)}{1-\beta} \qquad\text{(lecture's form; } 0 < \eta\lambda < 2(1+\beta) \text{ for } v = \beta v + \nabla L\text{)}.$$
#
# The larger size of the two roots (`helpers.theory.spectral_radius`, the *spectral radius*) is the factor by
# which the error shrinks per step.
#
# **The fastest β.** Section 3's runs leave open how the number of steps depends on β. First, for four
# learning rates, all β from 0 to 0.99 at once (`helpers.run` runs the same update rule on a whole grid of
# settings in one vectorised loop when η and β are arrays; every cell is exactly the single run):

# %% slideshow={"slide_type": "-"}
betas = np.round(np.arange(0.0, 0.991, 0.01), 2)
curve_lrs = [2 / 26, 0.2, 0.5, 1.0]
curves = helpers.run(ravine, momentum, start, lr=np.array(curve_lrs)[:, None], beta=betas[None, :], max_steps=3000,
                     bound=100.0)
print("  eta   unstable below beta (predicted)   smallest converging beta   fastest beta   steps   steps at beta = 0")
for row, lr in enumerate(curve_lrs):
    status, steps = curves.status[row], curves.steps[row]
    predicted = max(0.0, (lr * 25 - 2) / (lr * 25 + 2))  # eta*25 < 2(1 + beta)/(1 - beta), solved for beta
    ok = status == "converged"
    best = np.argmin(np.where(ok, steps, np.iinfo(int).max))
    at_zero = f"{steps[0]}" if ok[0] else status[0]
    print(f"{lr:5.3f}   {predicted:32.3f}   {betas[ok][0]:24.2f}   {betas[best]:12.2f}   {steps[best]:5d}"
          f"   {at_zero:>17}")

# %% [markdown] slideshow={"slide_type": "-"}
# Then the whole (η, β) plane, 90 learning rates × 50 values of β in one call: which setting converges
# fastest? In the figure below (right) each cell is coloured by the steps its run needs; the black curve is
# the limit for the stiff direction (λ = 25), the dashed one for the flat direction (λ = 1), which would only
# bind for small β if the stiff one did not bind first; grey cells diverged, white ones had not converged
# after 1000 steps. Left, the four curves of steps against β, each with its predicted stability limit as a
# dotted line.

# %% slideshow={"slide_type": "-"}
lr_axis = helpers.log_grid(0.01, 3.0, 90)
beta_axis = np.linspace(0.0, 0.98, 50)
plane = helpers.run(ravine, momentum, start, lr=lr_axis[None, :], beta=beta_axis[:, None], max_steps=1000, bound=100.0)
counts = {status: int(np.sum(plane.status == status)) for status in ("converged", "diverged", "max_steps")}
print(f"{plane.steps.size} runs: {counts['converged']} converged, {counts['diverged']} diverged, "
      f"{counts['max_steps']} not converged within 1000 steps")
inside = lr_axis[None, :] < theory.stability_limit(25.0, beta_axis)[:, None]
print("every cell below the limit curve converges or is still going:", bool(np.all(plane.status[inside] != "diverged")))
print("every cell above it diverges:", bool(np.all(plane.status[~inside] == "diverged")))

steps_or_inf = np.where(plane.status == "converged", plane.steps, np.iinfo(int).max)
i, j = np.unravel_index(np.argmin(steps_or_inf), steps_or_inf.shape)
lr_best, beta_best = theory.optimal_parameters(ravine.curvatures)
optimal_run = helpers.run(ravine, momentum, start, lr=lr_best, beta=beta_best, max_steps=1000)
best_gd = helpers.run(ravine, momentum, start, lr=2 / 26, beta=0.0, max_steps=1000)
print(f"fastest cell of the grid: eta = {lr_axis[j]:.3f}, beta = {beta_axis[i]:.2f}, {plane.steps[i, j]} steps")
print(f"theory: eta* = {lr_best:.3f}, beta* = {beta_best:.3f}, error factor per step "
      f"{theory.spectral_radius(lr_best, beta_best, 25.0):.3f}, {optimal_run.steps} steps")
print(f"best plain gradient descent: eta = 2/26, error factor {12 / 13:.3f}, {best_gd.steps} steps")

# %% slideshow={"slide_type": "subslide"}
from matplotlib.colors import LogNorm

fig, (left, ax) = plotting.new_figure(2, height=4.1, gridspec_kw={"width_ratios": [1, 1.3]})
for row, (lr, colour) in enumerate(zip(curve_lrs, [RED, BLUE, GREEN, PURPLE], strict=True)):
    ok = curves.status[row] == "converged"
    left.plot(betas[ok], curves.steps[row][ok], color=colour, label=f"η = {lr:.3g}")
    predicted = (lr * 25 - 2) / (lr * 25 + 2)
    if predicted > 0:
        left.axvline(predicted, color=colour, ls=":", lw=1.5)
left.set_yscale("log")
left.set_xlabel("β")
left.set_ylabel("steps (tol 1e-6)")
left.set_ylim(30, 3e4)  # headroom above the curves for the legend
left.set_title("steps against β")
left.legend(loc="upper left", ncols=2)
shown = np.where(plane.status == "converged", plane.steps, np.nan).astype(float)
mesh = ax.pcolormesh(lr_axis, beta_axis, shown, cmap="viridis_r", norm=LogNorm(), shading="nearest")
ax.pcolormesh(lr_axis, beta_axis, np.where(plane.status == "diverged", 1.0, np.nan), cmap="Greys", vmin=0, vmax=3,
              shading="nearest")
limit_beta = np.linspace(0.0, 0.98, 200)
ax.plot(theory.stability_limit(25.0, limit_beta), limit_beta, color="black", lw=2, label="limit, λ = 25")
ax.plot(theory.stability_limit(1.0, limit_beta), limit_beta, "--", color="black", lw=1.5, label="limit, λ = 1")
ax.plot(lr_axis[j], beta_axis[i], "*", color=ORANGE, ms=16, mec="black", label="fastest cell")
ax.plot(lr_best, beta_best, "X", color=RED, ms=10, mec="white", label="(η*, β*)")
ax.set_xscale("log")
ax.set_xlim(lr_axis[0], lr_axis[-1])
ax.set_ylim(0, 0.98)
ax.set_yticks([0.25, 0.5, 0.75])
ax.set_xlabel("learning rate η")
ax.set_ylabel("β")
ax.set_title("steps on the (η, β) plane")
fig.colorbar(mesh, ax=ax, label="steps")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4)
plotting.show(fig, "Left: steps to converge against beta for four learning rates. For eta = 2/26 (the best plain "
              "gradient descent) the steps fall from 231 at beta 0 to 120 at beta 0.74, then rise. For larger eta "
              "the curve starts at a dotted vertical line, the predicted stability limit, below which the runs "
              "diverge; each curve has its minimum just right of that line and rises towards beta = 1. Right: map "
              "over learning rate (log scale) and beta. Right of the solid stability curve every cell is grey "
              "(diverged); left of it the colour shows the steps, fewest in a narrow band just left of the curve. "
              "The fastest cell and the theoretical optimum eta 0.2, beta 0.44 lie next to each other there. "
              "Small eta with small beta is slow; very large beta is slow everywhere.")

# %% [markdown] slideshow={"slide_type": "-"}
# **Which β converges fastest?** On a quadratic whose curvatures run from μ to L (κ = L/μ), the classical
# answer is β* = ((√κ − 1)/(√κ + 1))² with the step η*(1 − β*) = 4/(√L + √μ)²; here κ = 25 gives β* = 4/9
# and η* = 0.2. Every direction then shrinks by √β* = 2/3 per step, against 12/13 for the best plain
# gradient descent: for tolerance 10⁻⁶ about 57 steps instead of 231. (The fastest grid cell for our
# particular start is a few steps quicker still; the theory optimises the worst start.) Two practical
# lessons: with the lecture's form, *raising β means raising η too* (at a fixed η the gradient's weight
# 1 − β shrinks), and the fastest settings sit right next to the stability cliff.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the lecture's summary, claim by claim
#
# | the lecture says | where the notebooks show it |
# |---|---|
# | **Simplicity** | the whole algorithm is a six-line loop ([01](01_square.ipynb)); momentum adds one line (section 2 here) |
# | **Effectiveness** | on x² every convergent run reaches the minimum at a rate the closed form predicts ([01](01_square.ipynb)); the same update, with gradients from backpropagation, trains a network on XOR and on two moons ([03](03_backprop.ipynb)) |
# | **Scalability** | backpropagation gets every gradient in two passes where finite differences need passes per weight ([03](03_backprop.ipynb)); a mini-batch step costs the same however large the data set is ([04](04_minibatch.ipynb)) |
# | **Risk of getting stuck in local minima** | on the quartic a start in the left basin ends in the local minimum ([02](02_quartic.ipynb)); momentum rolls over the hump for some settings, not for all (the optional section on the hump) |
# | **Sensitivity to the initial parameters** | the start point decides which minimum the quartic's run finds ([02](02_quartic.ipynb)); from x₀ = −1.8 instead of −2 no momentum setting of the grid reaches the global minimum (the hump section); the learning rate must suit the curvature ([01](01_square.ipynb), section 3 here) |
# | **Need for a lot of data** | not gradient descent's need but the model's: a model with many weights needs many samples to be pinned down. The notebooks here fit 4 to 1000 points with 2 to 33 parameters; [notebook 07](07_training.ipynb) trains a network of 2 410 weights on 1 079 digits and shows the gap between training and validation accuracy that too little data leaves. What 04 shows is the other side: each stochastic step sees only a few points, so its gradient is right only on average, with a variance that shrinks like 1/b ([04](04_minibatch.ipynb)) |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The moving average $V_t = \beta V_{t-1} + (1-\beta) X_t$ weighs the last $\approx 1/(1-\beta)$ values; a longer window
#   removes more noise and lags more. $V_0 = 0$ biases the start; $V_t/(1-\beta^t)$ corrects it.
# - Momentum steps along the moving average of the gradients: $v_t = \beta v_{t-1} + (1-\beta) \nabla L$, $w \leftarrow w - \eta v_t$;
#   $v = \beta v + \nabla L$, $w \leftarrow w - \eta' v$ is the same method with $\eta' = (1-\beta)\eta$.
# - In effective step size β = 0.9 raises the stability limit 1.9-fold, not 19-fold; too much β is slower
#   than none. Classical momentum has the average's start-up ramp and does not correct it (Adam does).
# - With noisy mini-batch gradients the velocity is a smoother estimate of the full gradient.
#
# ### Further reading
#
# - Coursera, Deep Learning Specialization, "Improving Deep Neural Networks", week 2 programming assignment
#   "Optimization Methods" (mini-batches, momentum, Adam):
#   [coursera.org/learn/deep-neural-network](https://www.coursera.org/learn/deep-neural-network).
# - G. Goh, "Why Momentum Really Works", *Distill* (2017): [distill.pub/2017/momentum](https://distill.pub/2017/momentum/)
#   (the (η, β) plane, the optimal β and the stability limit, interactively).
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, section 12.6 "Momentum":
#   [d2l.ai](https://d2l.ai/chapter_optimization/momentum.html).
# - PyTorch's `SGD` with momentum (the summed form): [torch.optim.SGD](https://pytorch.org/docs/stable/generated/torch.optim.SGD.html).
#
# **Next**, beyond the lecture: [06 · Nesterov, AdaGrad, RMSProp and Adam](06_adaptive.ipynb). [Back to the overview](../README.md)
