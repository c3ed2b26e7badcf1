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
# # 06 · Beyond the lecture: Nesterov, AdaGrad, RMSProp and Adam
#
# The lecture stops at momentum; its references (the Coursera optimisation notebook, d2l) go on to the methods
# most networks are trained with today. Each is a small change to a rule you know: Nesterov changes one line of
# momentum, AdaGrad and RMSProp give every coordinate its own step size, and Adam combines momentum with
# RMSProp and notebook 05's bias correction. The six race on three surfaces that are not simple bowls.
#
# **You will learn**
# - Nesterov momentum: the step looks one velocity ahead; its stability limit, and what it damps;
# - AdaGrad, RMSProp and Adam: step sizes per coordinate from the squared gradients;
# - what each method buys in a ravine, a curved valley and at a saddle, and where each does worse.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#06-adaptive) · Previous: [05 · Momentum](05_momentum.ipynb)
# · Next: [07 · training a network](07_training.ipynb)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation and conventions.** $g = \nabla f(x)$ is the gradient at the current point; η the
# > learning rate; β (or β₁) the factor of the moving average of gradients, β₂ that of the squared
# > gradients; ε a small number that keeps a division away from 0; $s$ the running sum or average of
# > $g^2$; $t$ the step count. Squares, roots and divisions act on each coordinate separately.
# > Momentum is written here as PyTorch writes it, $v \leftarrow \beta v + g$, $x \leftarrow x - \eta v$ (notebook 05's
# > `momentum_sum`); notebook 05's lecture form, $v \leftarrow \beta v + (1-\beta) g$, is the same method with η
# > multiplied by $1-\beta$. Classical momentum has no bias correction; Adam corrects both of its averages.

# %% slideshow={"slide_type": "-"}
import numpy as np

import helpers
from helpers import plotting, steps
from helpers.demos.adaptive import RACERS, RaceDemo, draw_surface, first_step, race
from helpers.exercises import adaptive as ex
from helpers.objectives import Rosenbrock, Saddle

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
COLOUR = {name: plotting.OKABE_ITO[colour] for name, _, colour, _ in RACERS}
STYLE = {name: "--" if name in ("AdaGrad", "RMSProp", "Adam") else "-" for name in COLOUR}
ravine = helpers.Quadratic2D((1.0, 25.0))
start = [-9.0, 4.0]


def draw_runs(paths, losses, runs, shown=None):
    """Each run's path on the contour panel and its loss f(x_k) (log scale) on the other."""
    for name, run in runs.items():
        k = run.steps if shown is None else min(shown, run.steps)
        points = run.iterates[: k + 1]
        paths.plot(points[:, 0], points[:, 1], STYLE[name], color=COLOUR[name], lw=1.5, label=name)
        losses.plot(np.maximum(run.losses[: k + 1], 1e-12), STYLE[name], color=COLOUR[name], lw=1.5)
    losses.set_yscale("log")
    losses.set_xlabel("step $k$")
    losses.set_ylabel("$f(x_k)$, log scale")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Nesterov momentum: a one-line change
#
# Momentum in the summed form of notebook 05:
#
# ```python
# def momentum_sum(x, v, grad, lr, beta):
#     v = beta * v + grad
#     return x - lr * v, v
# ```
#
# Nesterov's method changes the last line: the step takes the gradient plus the *new* velocity once
# more, $x \leftarrow x - \eta\,(g + \beta v)$. This is PyTorch's `SGD(nesterov=True)`: Sutskever et al.'s (2013)
# look-ahead method, written for the look-ahead point (an optional section at the end says how).

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def nesterov(x, v, grad, lr, beta):
    v = beta * v + grad
    return x - lr * (grad + beta * v), v


# %% [markdown] slideshow={"slide_type": "-"}
# Both methods in the ravine $f = \tfrac12(x^2 + 25y^2)$ of notebook 05, from the same start with the same
# β = 0.9 and a range of learning rates:

# %% slideshow={"slide_type": "-"}
print("  eta    heavy ball (momentum_sum)     Nesterov")
for lr in (0.01, 0.02, 0.03, 0.05, 0.06):
    heavy = helpers.run(ravine, steps.momentum_sum, start, lr=lr, beta=0.9, max_steps=3000, bound=100.0)
    ahead = helpers.run(ravine, nesterov, start, lr=lr, beta=0.9, max_steps=3000, bound=100.0)
    print(f"{lr:5.2f}    {heavy.outcome():28s}  {ahead.outcome()}")

# %% [markdown] slideshow={"slide_type": "-"}
# With β = 0.9 heavy ball spirals in at the same slow rate whatever η (notebook 05 showed why: every
# direction shrinks by $\sqrt\beta$ per step). Nesterov's extra $\beta v$ acts like friction on the fast,
# oscillating direction, so it settles sooner. The price is stability: Nesterov diverges at η = 0.06,
# where heavy ball is still far from its limit. For one direction of curvature λ the limits are (derived as
# in notebook 05's optional section)
#
# $$\text{heavy ball: } \eta\lambda < 2(1+\beta), \qquad \text{Nesterov: } \eta\lambda < \frac{2(1+\beta)}{1+2\beta}$$
#
# (an optional section at the end measures both).

# %% [markdown] slideshow={"slide_type": "-"}
# Nesterov is not simply faster: tuned over both η and β on this ravine, heavy ball needs fewer steps (an optional
# section at the end shows it). Its advantage is robustness: at a large β, the usual default, it needs fewer steps
# for every η it tolerates.
#
# The figure shows the two at η = 0.03, β = 0.9 with plain gradient descent at the same η.

# %% slideshow={"slide_type": "subslide"}
runs = race("ravine", lr=0.03, beta1=0.9)
runs = {name: runs[name] for name in ("gradient descent", "momentum", "Nesterov")}
fig, (paths, losses) = plotting.new_figure(2, height=3.6, lecture_height=4.2, gridspec_kw={"width_ratios": [1.3, 1]})
draw_surface(paths, "ravine")
draw_runs(paths, losses, runs)
paths.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, borderaxespad=0.2)
losses.set_title("loss $f(x_k)$")
plotting.show(fig, "Left: paths on the contours of the ravine from (-9, 4), all with eta 0.03. Gradient descent "
              "crawls along the valley; heavy-ball momentum with beta 0.9 swings widely across and along it; "
              "Nesterov with the same beta swings less and settles sooner. Right: the loss against steps on a log "
              "scale: Nesterov reaches 1e-12 first, then momentum, gradient descent last.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · A step size for every coordinate: AdaGrad, RMSProp, Adam
#
# In the ravine one learning rate must suit two curvatures, 1 and 25: small enough for the steep
# direction, hence slow in the flat one. The adaptive methods divide each coordinate's step by the size
# of its recent gradients, so steep and flat directions move at similar speeds.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### AdaGrad
#
# AdaGrad (Duchi et al., 2011) keeps the sum of all squared gradients so far, per coordinate, and divides
# by its root: $s \leftarrow s + g^2$, $x \leftarrow x - \eta\, g/(\sqrt{s} + \varepsilon)$.

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def adagrad(x, s, grad, lr, eps=1e-10):
    s = s + grad * grad
    return x - lr * grad / (np.sqrt(s) + eps), s


# %% [markdown] slideshow={"slide_type": "-"}
# The first step is $\eta\, g/|g|$: a step of η in every coordinate, however large or small the gradient.
# After that the sum only grows, so the steps shrink, like $\eta/\sqrt{k}$ for a constant gradient. That suits
# rare features (a coordinate that seldom sees a gradient keeps a large step) and is too cautious for a
# long run.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### RMSProp
#
# RMSProp (Hinton's lecture notes, 2012) replaces the sum by the moving average of notebook 05, so old
# gradients are forgotten: $s \leftarrow \beta_2 s + (1-\beta_2)\, g^2$, same step. PyTorch's `RMSprop` calls β₂ `alpha`
# (default 0.99) and, like this rule, does not correct the average's start-up bias.

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def rmsprop(x, s, grad, lr, beta2=0.99, eps=1e-8):
    s = beta2 * s + (1 - beta2) * grad * grad
    return x - lr * grad / (np.sqrt(s) + eps), s


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adam
#
# Adam (Kingma and Ba, 2015) is momentum plus RMSProp: a moving average $m$ of the gradients (the first
# moment, momentum's velocity in the lecture's averaged form) and one of the squares, $s$ (the second
# moment), both divided by $1-\beta^t$, the bias correction of notebook 05:
#
# $$m \leftarrow \beta_1 m + (1-\beta_1) g, \quad s \leftarrow \beta_2 s + (1-\beta_2) g^2, \quad
# x \leftarrow x - \eta\, \frac{m/(1-\beta_1^t)}{\sqrt{s/(1-\beta_2^t)} + \varepsilon}.$$
#
# Its state is the two moments and the step count $t$. You will write it in exercise 2; until then the
# notebook uses `helpers.steps.adam`.


# %% [markdown] slideshow={"slide_type": "-"}
# The first step of each rule for the gradient $g = (0.5, -20)$ with η = 0.1, from zero state (RMSProp's
# average of squares starts at 0 and is not corrected: its first step is $\eta/\sqrt{1-\beta_2}$, ten times η):

# %% slideshow={"slide_type": "-"}
g, x0 = np.array([0.5, -20.0]), np.zeros(2)
first = {
    "gradient descent": steps.gradient_descent(x0, 0.0, g, lr=0.1)[0],
    "AdaGrad": adagrad(x0, 0.0, g, lr=0.1)[0],
    "RMSProp": rmsprop(x0, 0.0, g, lr=0.1)[0],
    "Adam": steps.adam(x0, (0.0, 0.0, 0), g, lr=0.1)[0],
}
for name, x in first.items():
    print(f"{name:17s} first step ({x[0]:+.4f}, {x[1]:+.4f})")

# %% [markdown] slideshow={"slide_type": "-"}
# In the ravine, from the same start, with η = 0.3 for the adaptive methods (gradient descent keeps
# η = 0.03, below its limit 2/25):

# %% slideshow={"slide_type": "-"}
runs = race("ravine")
for name, run in runs.items():
    print(f"{name:17s} {run.outcome()}")

# %% slideshow={"slide_type": "subslide"}
fig, (paths, losses) = plotting.new_figure(2, height=3.6, lecture_height=4.2, gridspec_kw={"width_ratios": [1.3, 1]})
draw_surface(paths, "ravine")
adaptive = {name: runs[name] for name in ("gradient descent", "AdaGrad", "RMSProp", "Adam")}
draw_runs(paths, losses, adaptive, shown=150)
paths.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, borderaxespad=0.2)
losses.set_title("loss, first 150 steps")
plotting.show(fig, "Left: paths on the ravine from (-9, 4) for the first 150 steps. Gradient descent crawls along "
              "the valley. AdaGrad, RMSProp and Adam first head diagonally, moving both coordinates by about the "
              "same amount; RMSProp and Adam then run straight along the valley floor to the minimum, Adam "
              "overshooting and curling back, AdaGrad slowing down on the way. Right: the loss on a log scale.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Surfaces that are not bowls
#
# The ravine is still a quadratic: its curvature is the same everywhere. The loss of a network is not:
# its valleys curve and narrow, and it has saddles, points where the gradient vanishes without a
# minimum. Two classic test surfaces show what that does to each method.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rosenbrock's banana valley
#
# $f(x, y) = (1-x)^2 + 100\,(y - x^2)^2$ has one minimum, at (1, 1), at the end of a long, curved valley with
# steep walls and an almost flat floor. From its classic start (−1.2, 1), with the race's settings (η = 0.001
# for the three gradient methods, whose steps the steep walls limit; η = 0.05 for the adaptive ones; β₁ = 0.9,
# β₂ = 0.99 for RMSProp and Adam):
#
# **Predict** before you run the next cells: with the same η = 0.001, which ends closer to (1, 1) after 3000
# steps, `"gradient descent"` or `"momentum"` (β = 0.9)?

# %% slideshow={"slide_type": "-"}
ex.check_rosenbrock_closer(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Momentum: it is notebook 05's ravine, curved. Along the long, almost flat floor the gradient keeps its
# direction, so the summed velocity grows to about 1/(1 − β) = 10 gradients, ten times gradient descent's step at
# the same η; across the steep walls successive gradients alternate and cancel. `ex.check_rosenbrock_closer("momentum")`
# </details>

# %% slideshow={"slide_type": "-"}
runs = race("rosenbrock", steps=3000)
near = lambda p: np.hypot(p[:, 0] - 1.0, p[:, 1] - 1.0) < 0.01  # noqa: E731  (within 0.01 of the minimum)
arrivals = {name: first_step(run, near) for name, run in runs.items()}
for name, run in runs.items():
    arrived = "never" if arrivals[name] is None else f"at step {arrivals[name]:,}"
    print(f"{name:17s} within 0.01 of (1, 1) {arrived:14s} f after 3,000 steps = {run.losses[-1]:.2g}")

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
fig, (paths, losses) = plotting.new_figure(2, height=3.8, lecture_height=4.4, gridspec_kw={"width_ratios": [1.2, 1]})
draw_surface(paths, "rosenbrock")
draw_runs(paths, losses, runs)
fig.legend(loc="outside lower center", ncols=3)
losses.set_title("loss $f(x_k)$")
plotting.show(fig, "Left: the six paths on the contours of Rosenbrock's valley from (-1.2, 1). The adaptive "
              "methods first jump away from the start; all drop into the curved valley floor and follow it "
              "towards (1, 1). Right: the loss on a log scale over 3000 steps. Adam falls fastest, then keeps "
              "bouncing between about 1e-6 and 1e-2; momentum and Nesterov fall steadily to about 1e-12; "
              "gradient descent, AdaGrad and RMSProp stay far above, RMSProp hopping around 0.4.")

# %% [markdown] slideshow={"slide_type": "-"}
# Memory wins in a curved valley: an average of past gradients (momentum, Nesterov, Adam's first moment) keeps
# the speed along its floor. AdaGrad and RMSProp, without memory, end far away at this (untuned) η: the valley
# curves, so no coordinate is simply "the flat one". Adam arrives first but does not settle (see below).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A saddle between two minima
#
# $f(x, y) = x^2 + (y^2 - 1)^2/4$ has minima at (0, ±1) and a saddle at the origin: along $x$ it curves up,
# along $y$ down. On the line $y = 0$ the gradient has no $y$-part, so a gradient method started there stays
# on it and converges to the saddle, a point that is no minimum.
#
# **Predict**: started a hair off that line, at (−1.8, 0.001), which leaves the saddle first, $|y| > 0.5$:
# `"gradient descent"` (η = 0.1) or `"Adam"` (η = 0.05)?

# %% slideshow={"slide_type": "-"}
ex.check_saddle_first(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Adam. Near the saddle the y-part of the gradient is $y(y^2 - 1) \approx -y$, tiny: gradient descent's y-step is η·|y|, so
# y grows by only a factor 1 + η = 1.1 per step, from 0.001 to 0.5 in about ln 500/ln 1.1 ≈ 65 steps. Adam divides
# each coordinate by the size of its own gradients, so its steps stay about η = 0.05 long: about ten steps.
# `ex.check_saddle_first("Adam")`
# </details>

# %% slideshow={"slide_type": "-"}
off_line = race("saddle", start=(-1.8, 0.001))
escapes = {name: first_step(run, lambda p: np.abs(p[:, 1]) > 0.5) for name, run in off_line.items()}
on_line = race("saddle", start=(-1.8, 0.0))
print("                  from (-1.8, 0): end                       from (-1.8, 0.001): |y| > 0.5 at step")
for name in on_line:
    end = on_line[name]
    print(f"{name:17s} {end.outcome():29s} at ({end.x[0]:+.1e}, {end.x[1]:+.1e})   {str(escapes[name]):>4}")

# %% [markdown] slideshow={"slide_type": "-"}
# Exactly on the line every method heads for the saddle: with no $y$-gradient there is nothing to rescale. A
# hair off it, gradient descent lingers for dozens of steps and the adaptive methods leave at once. In high dimensions saddles are far more
# common than local minima and can slow training (Dauphin et al., 2014); whether the adaptive methods' quick
# escape matters on a real network is a question for [notebook 07](07_training.ipynb), which trains one.

# %% slideshow={"slide_type": "subslide"}
fig, (paths, losses) = plotting.new_figure(2, height=3.6, lecture_height=4.2, gridspec_kw={"width_ratios": [1.3, 1]})
draw_surface(paths, "saddle")
draw_runs(paths, losses, off_line, shown=150)
fig.legend(loc="outside lower center", ncols=3)
losses.set_title("loss, first 150 steps")
plotting.show(fig, "Left: paths on the saddle surface from (-1.8, 0.001), close to the line y = 0, for 150 steps. "
              "Gradient descent runs along the line to the saddle at the origin and only then turns up to the "
              "minimum at (0, 1); the adaptive methods turn upwards at once. Right: the loss on a log scale; "
              "gradient descent's loss pauses at 0.25, the saddle's value, before falling.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the adaptive methods do worse
#
# They are not better everywhere. Three cases (at most 5000 steps; for a run that did not converge, the range
# of $f$ over its last 500):

# %% slideshow={"slide_type": "-"}
square = helpers.Square()
cases = [
    ("gradient descent, eta 0.4, on x^2", square, steps.gradient_descent, 1.0, {"lr": 0.4}),
    ("Adam, eta 0.1, on x^2", square, steps.adam, 1.0, {"lr": 0.1}),
    ("Adam, beta2 0.999, Rosenbrock", Rosenbrock(), steps.adam, [-1.2, 1.0], {"lr": 0.05}),
    ("Adam, beta2 0.99, Rosenbrock", Rosenbrock(), steps.adam, [-1.2, 1.0], {"lr": 0.05, "beta2": 0.99}),
    ("RMSProp, saddle", Saddle(), rmsprop, [-1.8, 0.001], {"lr": 0.05}),
    ("AdaGrad, Rosenbrock", Rosenbrock(), adagrad, [-1.2, 1.0], {"lr": 0.05}),
]
for label, objective, rule, x_start, hyper in cases:
    run = helpers.run(objective, rule, x_start, max_steps=5000, bound=100.0, **hyper)
    tail = run.losses[-500:]
    spread = "" if run.converged else f"last 500 steps: f from {tail.min():.1e} to {tail.max():.1e}"
    print(f"{label:34s} {run.outcome():32s} {spread}")

# %% [markdown] slideshow={"slide_type": "-"}
# - On a plain bowl, gradient descent with a good η is done in ten steps; Adam, whose step stays about η
#   long until its averages catch up, needs hundreds.
# - With a constant η, Adam and RMSProp need not settle: near the minimum numerator and denominator shrink
#   together, so the step stays near η. In practice η is lowered over time (a schedule), as in notebook 04.
# - AdaGrad's ever-growing sum starves it: on Rosenbrock its steps shrink to a crawl long before the minimum.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Try it: the race
#
# Six methods from one start: the surface, two learning rates ("η: gradient" for gradient descent, momentum and
# Nesterov; "η: adaptive" for AdaGrad, RMSProp and Adam), β₁ (momentum, Nesterov, Adam's m), β₂ (RMSProp, Adam's s)
# and the start (sliders, or a click on the contours). Things to look for:
# - Rosenbrock: raise η of the gradient methods to 0.003: momentum arrives sooner, Nesterov diverges; at
#   0.004 both diverge. Lower β₂ to 0.9: Adam arrives sooner (near step 190 instead of 630), then keeps
#   bouncing;
# - saddle: set the start's y₀ to exactly 0 and every method stays on the line y = 0;
# - ravine: η of the adaptive methods from 0.01 to 1, and Play to watch them run along the floor.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
RaceDemo(surface="rosenbrock")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Summary: six update rules
#
# | rule | state it keeps | hyper-parameters (usual defaults) | what it fixes | what it costs |
# |---|---|---|---|---|
# | gradient descent | nothing | η | the baseline | one η for all directions: slow where flat, unstable where steep |
# | momentum | velocity $v$ | η, β = 0.9 | zig-zag in ravines, slow flat floors | overshoot; stable only for $\eta\lambda < 2(1+\beta)$ |
# | Nesterov | velocity $v$ | η, β = 0.9 | momentum's overshoot (damped) | lower limit, $\eta\lambda < 2(1+\beta)/(1+2\beta)$ |
# | AdaGrad | sum of $g^2$ | η, ε = 10⁻¹⁰ | one η for coordinates of different scale | steps shrink for ever |
# | RMSProp | average of $g^2$ | η, β₂ = 0.99, ε = 10⁻⁸ | AdaGrad's shrinking | large first steps; need not settle at constant η |
# | Adam | $m$, $s$ and $t$ | η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸ | both: speed along floors, per-coordinate scale, bias corrected | twice the memory of momentum; need not settle at constant η |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Exercises
#
# **Exercise 1.** Adam with η = 0.003 and PyTorch's defaults takes its first step where the gradient is
# $(0.002, -80)$. How far does it move the first coordinate?

# %% slideshow={"slide_type": "-"}
ex.check_adam_first_step(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# After one step $m = (1-\beta_1) g$ and $s = (1-\beta_2) g^2$; the corrections divide by $1-\beta_1$ and $1-\beta_2$, so $\hat m = g$,
# $\hat s = g^2$ and the step is $\eta\, g/(|g| + \varepsilon) \approx \eta$ = 0.003 in both coordinates (−0.003 in the first, against its
# positive gradient). `ex.check_adam_first_step(0.003)`
# </details>
#
# **Exercise 2.** Write Adam yourself, from RMSProp above and notebook 05's corrected momentum (the formula is
# in section 2). The state is the triple `(m, s, t)`: the average of the gradients, the average of their
# squares and the step count, all 0 before the first step. Update both averages and the count, correct both
# averages, step by $\eta\,\hat m/(\sqrt{\hat s} + \varepsilon)$, and return the new x and the new state `(m, s, t)`. The check runs your
# rule on several inputs against `helpers.steps.adam`, says what differs, and then lets `helpers.run` run it on
# the saddle (with `state=(0.0, 0.0, 0)`).

# %% slideshow={"slide_type": "-"}
def my_adam(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    ...


ex.check_adam(my_adam)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def my_adam(x, state, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
#     m, s, t = state
#     m, s, t = beta1 * m + (1 - beta1) * grad, beta2 * s + (1 - beta2) * grad * grad, t + 1
#     m_hat, s_hat = m / (1 - beta1**t), s / (1 - beta2**t)
#     return x - lr * m_hat / (np.sqrt(s_hat) + eps), (m, s, t)
# ```
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): conventions, and where they differ
#
# Not needed for the rest of the notebook. Each rule is tested against the algorithm PyTorch documents for `torch.optim` (for five to seven steps of
# a fixed gradient sequence, the first step included; `tests/test_adaptive_steps.py`). Differences to know:
# - **ε outside the root** everywhere, $\sqrt{s} + \varepsilon$, as in PyTorch; Keras and some papers put it inside, $\sqrt{s + \varepsilon}$.
# - **Defaults** are PyTorch's: AdaGrad ε = 10⁻¹⁰; RMSProp β₂ = 0.99 (`alpha`), ε = 10⁻⁸; Adam β₁ = 0.9, β₂ = 0.999,
#   ε = 10⁻⁸. PyTorch's Adagrad also has a learning-rate decay and a starting value of $s$, both 0 here.
# - **Nesterov and momentum** use the summed velocity (PyTorch's `SGD` with `dampening=0`); PyTorch starts
#   with $v = g$, the same as $v = 0$ followed by one update.
# - **Bias correction**: Adam corrects $m$ and $s$; RMSProp and AdaGrad correct nothing (hence RMSProp's large
#   first step). Classical momentum and Nesterov have the same start-up ramp as a moving average, which
#   they do not correct: with a constant gradient g the summed velocity after t steps is $g(1-\beta^t)/(1-\beta)$
#   (notebook 05: $v_1 = (1-\beta)g$ in the averaged form), so the first steps are short.
# - **Nesterov**: Sutskever et al.'s (2013) form takes the gradient at a *look-ahead* point, the current point
#   moved by β times the velocity. Calling that look-ahead point x, a change of variables (Bengio et al., 2013)
#   gives section 1's rule, which needs the gradient only at the point it keeps; its iterates are the
#   look-ahead points. PyTorch's velocity sums gradients and η multiplies it at the step, where Sutskever's
#   carries η inside.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): heavy ball and Nesterov, their limits and both tuned
#
# Not needed for the rest of the notebook. The stability limits of section 1, measured on $f = x^2$ (λ = 2)
# with a grid of 4000 learning rates:

# %% slideshow={"slide_type": "-"}
lrs = np.linspace(0.001, 4.0, 4000)
print(" beta   heavy ball: largest stable eta, formula    Nesterov: largest stable eta, formula")
for beta in (0.0, 0.5, 0.9):
    found = []
    for rule in (steps.momentum_sum, nesterov):
        grid = helpers.run(square, rule, 1.0, lr=lrs, beta=beta, max_steps=5000, tail=1)
        found.append(lrs[grid.status == "converged"].max())
    heavy_limit, ahead_limit = 2 * (1 + beta) / 2.0, 2 * (1 + beta) / ((1 + 2 * beta) * 2.0)
    print(f"{beta:5.1f}   {found[0]:22.3f} {heavy_limit:8.3f}    {found[1]:30.3f} {ahead_limit:8.3f}")


# %% [markdown] slideshow={"slide_type": "-"}
# Tuned over both η and β on the ravine, heavy ball needs fewer steps:

# %% slideshow={"slide_type": "-"}
lr_grid, beta_grid = helpers.log_grid(0.001, 0.2, 300)[:, None], np.linspace(0.0, 0.99, 100)[None, :]
for name, rule in (("heavy ball", steps.momentum_sum), ("Nesterov", nesterov)):
    grid = helpers.run(ravine, rule, np.array(start), lr=lr_grid, beta=beta_grid, max_steps=3000, bound=100.0, tail=1)
    steps_needed = np.where(grid.status == "converged", grid.steps, np.iinfo(int).max)
    i, j = np.unravel_index(np.argmin(steps_needed), steps_needed.shape)
    print(f"{name:10s}  fastest: {steps_needed[i, j]} steps at eta = {lr_grid[i, 0]:.3f}, beta = {beta_grid[0, j]:.2f}")

# %% [markdown] slideshow={"slide_type": "-"}
# On a quadratic, well-tuned heavy ball is as fast as any momentum method can be; on convex problems in general
# Nesterov's guarantees are the better ones.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Nesterov's method is momentum with the step taken from one velocity ahead: one changed line. It damps
#   the oscillation of heavy ball at large β, at the price of a lower stability limit.
# - AdaGrad, RMSProp and Adam divide each coordinate's step by the root of its squared gradients, so the
#   step is about η in every coordinate whatever the gradient's scale. AdaGrad sums (and slows down for
#   ever), RMSProp averages, Adam averages the gradients too and corrects both averages' start.
# - No method wins everywhere: memory wins in curved valleys, rescaling wins at saddles, plain gradient
#   descent wins on a simple bowl, and with a constant η the adaptive methods need not settle.
#
# ### Further reading
#
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, chapter 12 "Optimization Algorithms":
#   [d2l.ai](https://d2l.ai/chapter_optimization/index.html).
# - G. Goh, "Why Momentum Really Works", *Distill* (2017): [distill.pub/2017/momentum](https://distill.pub/2017/momentum/).
# - PyTorch's documented algorithms: [torch.optim](https://pytorch.org/docs/stable/optim.html).
# - D. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015: [arXiv:1412.6980](https://arxiv.org/abs/1412.6980).
# - J. Duchi, E. Hazan, Y. Singer, "Adaptive Subgradient Methods", JMLR 12 (2011) (AdaGrad).
# - I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and momentum in deep
#   learning", ICML 2013 (Nesterov momentum with the look-ahead gradient); Y. Bengio, N. Boulanger-Lewandowski,
#   R. Pascanu, "Advances in optimizing recurrent networks", ICASSP 2013 (the change of variables used here).
# - Y. Dauphin et al., "Identifying and attacking the saddle point problem in high-dimensional non-convex
#   optimization", NeurIPS 2014.
#
# **Next:** [07 · the optimisers train a real network](07_training.ipynb).
