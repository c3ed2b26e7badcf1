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
# # 01 · Gradient descent on x²
#
# Gradient descent is the workhorse behind the training of almost every machine-learning model: start
# somewhere, look at the slope, take a small step downhill, repeat. This notebook takes the lecture's
# first example, f(x) = x² started at x = 10, and studies it completely. Because every step can be
# written in closed form, we can see *exactly* why a learning rate converges smoothly, lands in one step,
# zig-zags, bounces forever or blows up, and when to stop.
#
# **You will learn**
# - the gradient-descent loop in six lines, and why the step is −η·f′(x) (a first-order Taylor argument);
# - the closed form $x_k = (1 - 2\eta)^k \cdot x_0$ and the five learning-rate regimes it predicts;
# - a stopping rule (a tolerance on the gradient) and why "run 50 steps" is not one;
# - to read a live figure: slide η and watch the iterates.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#01-square) · Next: [02 · the quartic](02_quartic.ipynb)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation.** η is the learning rate. The lecture's slide on x² calls it λ; in later notebooks λ
# > means other things (the slope of the sigmoid in 03, a curvature in 04–06), so here it is always η.
# > f′ is the slope (the gradient, for one variable) and f″ the curvature. One *step* (or iteration) is one
# > update $x_k \to x_{k+1}$; an *epoch*, from notebook 04 on, is one pass through the data, many steps.
# > "Converges" means the iterates approach the minimum; a run's *status* `converged` means the stopping
# > rule of section 3 held within the step budget. They are not the same thing (section 2).

# %% slideshow={"slide_type": "-"}
import numpy as np

import helpers
from helpers import plotting
from helpers.demos.square import SquareDemo
from helpers.exercises import square as ex

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
square = helpers.Square()


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The algorithm
#
# The lecture's recipe: initialise the parameter, compute the cost and its gradient, move the parameter
# against the gradient by a step proportional to the learning rate η, repeat until the cost stops
# falling. For one parameter x that is
#
# $$x_{k+1} = x_k - \eta\, f'(x_k).$$
#
# **Why minus the gradient?** For a small move d, the function changes by about its slope times the move
# (the first-order Taylor expansion):
#
# $$f(x + d) \approx f(x) + f'(x)\, d .$$
#
# To make f smaller, $f'(x)\,d$ must be negative: d must have the opposite sign of the slope. The choice
# $d = -\eta f'(x)$ with a small η > 0 gives $f(x + d) \approx f(x) - \eta f'(x)^2$, a decrease whenever
# $f'(x) \neq 0$, and a larger move where the slope is steeper. The approximation only holds for small d:
# section 2 shows what a too-large η does.
#
# Here is the whole algorithm, written out plainly. For f(x) = x² the gradient is f′(x) = 2x.

# %% slideshow={"slide_type": "-"}
def descend(grad, x0, lr, steps):
    xs = [x0]
    for _ in range(steps):
        x = xs[-1]
        xs.append(x - lr * grad(x))
    return np.array(xs)


xs = descend(lambda x: 2 * x, x0=10.0, lr=0.1, steps=5)
for k, x in enumerate(xs):
    print(f"k = {k}   x_k = {x:9.6f}   f(x_k) = {x * x:10.6f}")

# %% [markdown] slideshow={"slide_type": "-"}
# Each step multiplies x by 0.8, and the cost f(x) = x² falls by a factor 0.64.
#
# > **Note — a slip in the lecture.** The slide says "start with x = 10, the gradient is then −20".
# > The gradient is f′(10) = 2·10 = **+20**: the function rises to the right of x = 10. What is negative is
# > the *step*, −η·f′(10) = −20η, which moves x to the left, downhill.

# %% slideshow={"slide_type": "-"}
x0, lr = 10.0, 0.1
gradient = float(square.grad(x0))
print(f"f'(10) = {gradient:+.1f}")
print(f"step = -lr * f'(10) = {-lr * gradient:+.1f}  ->  x_1 = {x0 - lr * gradient:.1f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The update rule
#
# Every notebook of this collection writes an optimiser as its **update rule**: one function from the
# current parameters, the optimiser's memory (its *state*), the gradient there and the hyper-parameters
# to the new parameters and state. Gradient descent has no memory, so its state passes through
# unchanged (momentum, in notebook 05, keeps a velocity there). This is the whole method:

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def gradient_descent(x, state, grad, lr):
    """x ← x − η·f′(x). No memory: the state passes through unchanged."""
    return x - lr * grad, state


# %% [markdown] slideshow={"slide_type": "-"}
# Everything else, the loop, the stopping rule, the divergence check, the record keeping, is the same
# for every method, so it is written once: `helpers.run(objective, rule, x0, lr=…)` iterates any update
# rule and returns a *run record* (iterates, losses, status, number of steps) instead of printing. With
# our rule it agrees with the loop above:

# %% slideshow={"slide_type": "-"}
run = helpers.run(square, gradient_descent, 10.0, lr=0.1, max_steps=5, tol=1e-12)
print("same iterates as the loop:", np.array_equal(run.iterates, xs))
print("status:", run.status, "| steps:", run.steps, "| losses:", np.round(run.losses, 4))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Predict: a step that overshoots
#
# With η = 0.6 from x₀ = 10 the first step is −0.6·20 = −12: it jumps over the minimum at 0.
#
# **Predict** before you read on: what do the iterates do? Answer with one of `'monotone'` (shrink
# without changing sign), `'one step'` (land on 0 at once), `'alternating'` (change sign and shrink),
# `'bouncing'` (between +10 and −10 for ever) or `'diverging'` (grow).

# %% slideshow={"slide_type": "-"}
ex.check_regime(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $x_1 = 10 - 0.6 \cdot 20 = -2$, $x_2 = -2 - 0.6 \cdot (-4) = 0.4$: every step multiplies x by $1 - 2\eta = -0.2$.
# Overshooting is not diverging: the iterates change sign and shrink. `ex.check_regime("alternating")`;
# section 2 explains it for every η.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The closed form and the five regimes
#
# Put $f'(x) = 2x$ into the update: $x_{k+1} = x_k - 2\eta x_k = (1 - 2\eta) \cdot x_k$. Every step multiplies x by the
# same factor, so
#
# $$x_k = (1 - 2\eta)^k\, x_0 .$$
#
# Everything about this problem follows from the factor q = 1 − 2η:
#
# | learning rate | factor q = 1 − 2η | what the iterates do |
# |---|---|---|
# | 0 < η < 0.5 | 0 < q < 1 | shrink towards 0 monotonically, never changing sign |
# | η = 0.5 | q = 0 | land exactly on the minimum in one step |
# | 0.5 < η < 1 | −1 < q < 0 | alternate in sign and shrink: a converging zig-zag |
# | η = 1 | q = −1 | bounce between +x₀ and −x₀ forever |
# | η > 1 | q < −1 | alternate and grow: divergence |
#
# First, the closed form agrees with the iterates of the algorithm for every regime:

# %% slideshow={"slide_type": "-"}
regimes = {0.1: "monotone", 0.5: "one step", 0.7: "alternating", 1.0: "bouncing", 1.1: "diverging"}
steps = 12
for lr in regimes:
    iterates = descend(square.grad, 10.0, lr, steps)
    closed = (1 - 2 * lr) ** np.arange(steps + 1) * 10.0  # x_k = (1 − 2η)^k · x₀ for k = 0 … 12
    agree = np.allclose(iterates, closed, rtol=1e-12, atol=1e-12)
    print(f"eta = {lr:<4}  q = {1 - 2 * lr:+.1f}  x_12 = {iterates[-1]:+12.6f}  "
          f"closed form agrees: {agree}")

# %% [markdown] slideshow={"slide_type": "-"}
# The same five runs through `helpers.run`, which stops when the gradient is small enough
# ($|f'(x_k)| \le 10^{-6}$, status `converged`), reports a run that leaves |x| ≤ 1000 as `diverged`, and gives
# up after 50 steps (status `max_steps`).
#
# **Predict**: which status does it report for η = 0.1, whose iterates shrink by a factor 0.8 per
# step? Answer `'converged'`, `'max_steps'` or `'diverged'`.

# %% slideshow={"slide_type": "-"}
ex.check_status(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# `max_steps`: after 50 steps $|f'(x_{50})| = 2 \cdot 0.8^{50} \cdot 10 \approx 3 \cdot 10^{-4}$, still above the
# tolerance, which first holds at step 76 (exercise 2). `ex.check_status("max_steps")`
# </details>

# %% slideshow={"slide_type": "-"}
runs = {lr: helpers.run(square, gradient_descent, 10.0, lr=lr, max_steps=50, bound=1000.0) for lr in regimes}
for lr, run in runs.items():
    print(f"eta = {lr:<4} {regimes[lr]:<12} {run.status:<10} steps = {run.steps:<3} last x = {run.x:+.3e}")

# %% [markdown] slideshow={"slide_type": "-"}
# Two runs have the status `converged`: they met the stopping rule within 50 steps. Mathematically three
# of the five converge, every one with |q| < 1: η = 0.1 does too (factor 0.8), it only needs 76 steps to
# reach the tolerance, so after 50 it is reported as `max_steps`, "not there yet". The other `max_steps`,
# η = 1, is different: its iterates never move closer to the minimum, however long it runs. The status says
# why a run stopped; whether the iterates converge is a property of the method (here of q). The static
# figure shows all five side by side (dots: the algorithm; dashed line: the closed form):

# %% slideshow={"slide_type": "subslide"}
fig, axes = plotting.new_figure(5, height=3.4, sharey=True)
k = np.arange(steps + 1)
for ax, (lr, name) in zip(axes, regimes.items(), strict=True):
    iterates = descend(square.grad, 10.0, lr, steps)
    ax.plot(k, (1 - 2 * lr) ** k * 10.0, "--", color=plotting.CURVE, lw=1)
    ax.plot(k, iterates, "o", color=plotting.OKABE_ITO["blue"], ms=5)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylim(-25, 25)
    ax.set_title(f"η = {lr}: {name}")
    ax.set_xlabel("step $k$")
fig.supylabel("$x_k$")
plotting.show(fig, "Five panels of x_k against k from x0 = 10: eta 0.1 shrinks monotonically, 0.5 reaches 0 "
              "in one step, 0.7 zig-zags to 0, 1.0 bounces between +10 and -10, 1.1 zig-zags outwards.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · When to stop
#
# The lecture says "repeat until the cost function reaches a minimum", but a computer needs a test it can
# evaluate. At a minimum of a smooth function the gradient is zero, so a common rule is
#
# > stop at the first $k$ with $|f'(x_k)| \le \mathrm{tol}$,
#
# with a tolerance such as tol = 10⁻⁶, plus a step limit so that a run that never gets there (η = 1!)
# still ends, and a bound so that a diverging run is caught before its numbers overflow. That is the
# rule `helpers.run` uses. For x² the closed form even tells us in advance how many steps
# the rule takes: $|f'(x_k)| = 2 \cdot |q|^k \cdot |x_0|$.

# %% slideshow={"slide_type": "-"}
print(" eta    tol=1e-3  tol=1e-6  tol=1e-9")
for lr in [0.05, 0.1, 0.25, 0.45, 0.75, 0.9]:
    counts = [helpers.run(square, gradient_descent, 10.0, lr=lr, max_steps=10_000, tol=tol).steps
              for tol in (1e-3, 1e-6, 1e-9)]
    print(f"{lr:5.2f}  " + "  ".join(f"{c:8d}" for c in counts))

# %% [markdown] slideshow={"slide_type": "-"}
# Each factor 1000 in the tolerance costs the same number of extra steps (convergence is *linear*:
# the error shrinks by a constant factor per step), and the learning rates symmetric around 0.5
# (0.25 and 0.75, 0.1 and 0.9) need the same number of steps because |q| is the same.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Try it
#
# Slide the learning rate (on a log scale) and the start point; the figure and the line of text under it
# update together. Things to look for:
# - η just below 0.5 against just above 0.5: same speed, but the second zig-zags;
# - η from 0.9 to 1.0 to 1.05: the zig-zag stops shrinking, then grows out of the view (reported as diverged);
# - "show step" with ▶ Play: watch the iterations one at a time.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
SquareDemo(lr=0.1, x0=10.0, steps=30)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Exercises
#
# Replace each `...` with your answer and run the cell; the check says whether it is right and why.
#
# **Exercise 1.** What is the gradient f′(x) of f(x) = x² at x = −3, with its sign? Which way does the
# step −η·f′(x) move x from there?

# %% slideshow={"slide_type": "-"}
ex.check_gradient(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# f′(x) = 2x, so f′(−3) = −6: left of the minimum x² falls to the right. The step −η·(−6) = +6η moves x to the
# right, downhill, towards 0. `ex.check_gradient(-6)`
# </details>
#
# **Exercise 2.** Starting at $x_0 = 10$ with $\eta = 0.2$, after how many steps does the stopping rule
# $|f'(x_k)| \le 10^{-6}$ first hold? Use the closed form; do not count by running the algorithm.

# %% slideshow={"slide_type": "-"}
ex.check_steps(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $q = 1 - 2 \cdot 0.2 = 0.6$, so $|f'(x_k)| = 2 \cdot 0.6^k \cdot 10 \le 10^{-6} \iff k \ge \log(5 \cdot 10^{-8})/\log(0.6) = 32.91$,
# so $k = 33$. Check it with `helpers.run(square, gradient_descent, 10.0, lr=0.2).steps`.
# </details>
#
# **Exercise 3.** Give a learning rate for which the iterates change sign at every step and still
# converge to the minimum.

# %% slideshow={"slide_type": "-"}
ex.check_alternating_lr(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Any η with 0.5 < η < 1, for example 0.7: then q = 1 − 2η lies in (−1, 0).
# </details>
#
# **Exercise 4.** For $f(x) = 3x^2$, gradient descent converges exactly for $0 < \eta < \eta_\text{max}$. What is $\eta_\text{max}$?

# %% slideshow={"slide_type": "-"}
ex.check_largest_lr(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $f'(x) = 6x$, so $x_{k+1} = (1 - 6\eta) \cdot x_k$, and $|1 - 6\eta| < 1 \iff 0 < \eta < 1/3$. In general, for a quadratic of
# curvature f″ = c the limit is η < 2/c: the stiffer the function, the smaller the learning rate must be.
# Notebook 02 uses exactly this to predict which learning rates are stable at each minimum of the quartic.
# </details>
#
# **Exercise 5.** A learning rate that is too large for the start can still work if it shrinks as the run goes
# on. Write the update rule of gradient descent whose step k (counting from 0) uses
# $\eta_k = \eta/(1 + k/10)$. The rule must know k: keep it in the *state*, which `helpers.run` starts at 0, and
# return k + 1 as the new state. The check runs your rule on numbers and arrays against the reference, says
# what differs, and then lets `helpers.run` run it on x² from 10 with η = 1.5, which diverges with a
# constant η.

# %% slideshow={"slide_type": "-"}
def decaying_gradient_descent(x, k, grad, lr):
    ...


ex.check_decaying_step(decaying_gradient_descent)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def decaying_gradient_descent(x, k, grad, lr):
#     return x - lr / (1 + k / 10) * grad, k + 1
# ```
#
# The state is the rule's memory: here a step counter, in notebook 05 a velocity. Notebook 04 uses such a
# decaying learning rate to make SGD converge.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Gradient descent repeats x ← x − η·f′(x); the step goes against the gradient (at x = 10 the gradient
#   of x² is +20, the step −20η).
# - On x² every step multiplies x by q = 1 − 2η: monotone for η < 0.5, one step at 0.5, zig-zag for
#   0.5 < η < 1, bouncing at 1, diverging beyond. In general the limit is η < 2/f″.
# - Stop on a tolerance ($|f'(x_k)| \le \mathrm{tol}$), with a step limit and a divergence bound; a run that hits the
#   step limit has not found a minimum.
#
# - The status of a run (`converged`, `max_steps`, `diverged`) says why it stopped; `max_steps` with
#   |q| < 1 means "not there yet", not "no minimum".
#
# ### Further reading
#
# - The lecture's reference: Coursera, *Improving Deep Neural Networks: Hyperparameter Tuning,
#   Regularization and Optimization*, week 2 and its notebook "Optimization Methods":
#   [coursera.org/learn/deep-neural-network](https://www.coursera.org/learn/deep-neural-network).
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, section 12.3 "Gradient Descent"
#   (the Taylor argument, and the learning rate in one dimension):
#   [d2l.ai](https://d2l.ai/chapter_optimization/gd.html).
# - G. Goh, "Why Momentum Really Works", *Distill* (2017): its first section analyses gradient descent on a
#   quadratic as section 2 does: [distill.pub/2017/momentum](https://distill.pub/2017/momentum/).
#
# **Next:** [02 · the quartic x⁴ − 5x² − 3x](02_quartic.ipynb): two minima, and the start point decides
# which one you get.
