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
# # 02 · The quartic x⁴ − 5x² − 3x: local minima, start points and unstable learning rates
#
# On x² (notebook 01) gradient descent had only one place to go. The lecture's second example,
# f(x) = x⁴ − 5x² − 3x, has two valleys: a shallow one on the left and the deepest one on the right,
# with a hump between them. Now two settings decide what a run returns: the **start point** picks the
# valley, and the **learning rate** decides whether the run settles at all, or bounces in a cycle,
# wanders chaotically, or flies off. This notebook shows both, with every run's outcome named honestly.
#
# **You will learn**
# - to find and classify the critical points of a function numerically (roots of f′, sign of f″);
# - why "risk of getting stuck in local minima, sensitivity to the initial parameters" (the lecture's
#   summary) happens, and where the boundary between the two valleys lies;
# - the local stability limit η < 2/f″(x*) at a minimum, and what happens beyond it: cycles of period
#   2, 4, 8, …, chaos, divergence;
# - how to report a run that did not converge (not as "the x after 50 steps");
# - to read an outcome map of 120 000 runs, computed in a fraction of a second.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#02-quartic) · Previous: [01 · gradient descent on x²](01_square.ipynb)
# · Next: [03 · backpropagation](03_backprop.ipynb)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation.** As in notebook 01, η is the learning rate (the lecture's λ on the x² slide) and one
# > step is one update $x_k \to x_{k+1}$. $x^*$ is a critical point, $f''(x^*)$ its curvature; notebooks 04–06
# > call a curvature λ, a third meaning of that letter. A run's *status* (`converged`, `diverged`,
# > `max_steps`) says why it stopped; its *outcome* (which minimum, cycle, bounded, diverged) says what it did.

# %% slideshow={"slide_type": "-"}
import numpy as np

import helpers
from helpers import plotting
from helpers.demos.quartic import QuarticDemo
from helpers.exercises import quartic as ex
from helpers.outcomes import OUTCOMES, classify_outcomes, classify_run, outcome_map

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
quartic = helpers.Quartic()


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The landscape
#
# > **Note — a slip in the lecture.** The slide prints the function and its gradient without their
# > signs ("y = x⁴ 5x² 3x", "y′ = 4x³ 10x 3"). The example is
# >
# > $$f(x) = x^4 - 5x^2 - 3x, \qquad f'(x) = 4x^3 - 10x - 3, \qquad f''(x) = 12x^2 - 10 .$$
# >
# > With these signs f has two minima. With all plus signs, $x^4 + 5x^2 + 3x$, the curvature $12x^2 + 10$ is
# > positive everywhere, so there is a single minimum: not at x = 0, where the slope is $f'(0) = 3$, but at
# > the one real root of $4x^3 + 10x + 3$, x ≈ −0.290 (computed below). A much less interesting story.
#
# Written out plainly (products only, so that an array and a single number are rounded the same way):

# %% slideshow={"slide_type": "-"}
def f(x):
    return x * x * x * x - 5 * x * x - 3 * x


def fprime(x):
    return 4 * x * x * x - 10 * x - 3


def fsecond(x):
    return 12 * x * x - 10


x = np.linspace(-2.6, 2.6, 7)
print("same f and f' as helpers.Quartic:", np.allclose(f(x), quartic.f(x)), np.allclose(fprime(x), quartic.grad(x)))
print(f"f(1) = {f(1.0):.1f}   f'(1) = {fprime(1.0):.1f}")
plus = np.roots([4.0, 0.0, 10.0, 3.0])  # f'(x) = 4x³ + 10x + 3 of the all-plus version x⁴ + 5x² + 3x
print(f"all plus signs: f'(0) = {4 * 0.0**3 + 10 * 0.0 + 3:.0f}, single minimum at x = "
      f"{plus[np.abs(plus.imag) < 1e-12].real[0]:.3f}")

# %% [markdown] slideshow={"slide_type": "-"}
# The critical points are where the slope is zero, the roots of the cubic f′(x) = 4x³ − 10x − 3.
# `np.roots` finds all three from the coefficients; three Newton steps x ← x − f′(x)/f″(x) polish them
# to machine precision. The sign of f″ then classifies each one: f″ > 0 curves upwards (a minimum),
# f″ < 0 downwards (a maximum).

# %% slideshow={"slide_type": "-"}
roots = np.sort(np.roots([4.0, 0.0, -10.0, -3.0]).real)
for _ in range(3):
    roots = roots - fprime(roots) / fsecond(roots)

print("       x*          f(x*)       f''(x*)   |f'(x*)| < 1e-10   kind")
for r in roots:
    kind = "minimum" if fsecond(r) > 0 else "maximum"
    print(f"{r:+.6f}   {f(r):+10.6f}   {fsecond(r):+10.6f}   {str(abs(fprime(r)) < 1e-10):<16}   {kind}")

reference = quartic.critical_points()
print("agrees with helpers.Quartic().critical_points():",
      all(abs(r - p.x) < 1e-12 and fsecond(r) * (1 if p.kind == "minimum" else -1) > 0
          for r, p in zip(roots, reference, strict=True)))

# %% [markdown] slideshow={"slide_type": "-"}
# So there is a **local minimum on the left**, a **local maximum** (the hump) between, and the
# **global minimum on the right**, about 9.4 lower than the left one.

# %% slideshow={"slide_type": "subslide"}
left_min, peak, right_min = reference
fig, (ax_f, ax_g) = plotting.new_figure(2, height=4.2)
plotting.plot_objective(ax_f, quartic, (-2.6, 2.6))
ax_f.set_ylim(-14.5, 21)
ax_f.set_title("f(x) = x⁴ − 5x² − 3x")
xs = np.linspace(-2.6, 2.6, 400)
ax_g.plot(xs, fprime(xs), color=plotting.CURVE, lw=1.5)
ax_g.axhline(0, color="black", lw=0.8)
ax_g.set_ylim(-40, 40)
ax_g.set_xlabel("x")
ax_g.set_ylabel("f′(x) = 4x³ − 10x − 3")
ax_g.set_title("f′(x): its roots are the critical points")
names = ["local minimum", "local maximum", "global minimum"]
for p, name in zip(reference, names, strict=True):
    face = plotting.OUTCOME_COLORS[name] if p.kind == "minimum" else "white"
    ax_f.plot([p.x], [p.value], "D", color=face, mec="black", ms=9, label=f"{name}, x = {p.x:.3f}")
    ax_g.plot([p.x], [0.0], "D", color=face, mec="black", ms=9)
    for ax in (ax_f, ax_g):
        ax.axvline(p.x, color=plotting.CURVE, lw=0.8, ls=":")
ax_f.legend(loc="upper center")
plotting.show(fig, "Left: the quartic, with a local minimum near x = -1.40, a local maximum near x = -0.31 and the "
              "global minimum near x = 1.71. Right: its derivative, a cubic crossing zero at those three points.")


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The start point decides the answer
#
# Gradient descent sees only the slope where it stands: with a small learning rate it rolls into the
# valley it starts in and stays there, blind to the deeper valley behind the hump. The loop of notebook 01,
# and its update rule run by `helpers.run`:

# %% slideshow={"slide_type": "-"}
def descend(grad, x0, lr, steps):
    xs = [x0]
    for _ in range(steps):
        x = xs[-1]
        xs.append(x - lr * grad(x))
    return np.array(xs)


# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def gradient_descent(x, state, grad, lr):
    """x ← x − η·f′(x). No memory: the state passes through unchanged."""
    return x - lr * grad, state


# %% slideshow={"slide_type": "-"}
lr = 0.01
starts = [-2.5, -1.0, -0.35, -0.30, 1.0, 2.5]
runs = {x0: helpers.run(quartic, gradient_descent, x0, lr=lr, max_steps=2000) for x0 in starts}
print("loop and helpers.run agree:",
      all(np.allclose(descend(fprime, x0, lr, run.steps), run.iterates, rtol=0, atol=1e-12) for x0, run in runs.items()))
print()
print("  x0     outcome (eta = 0.01)                                        f at the end")
for x0, run in runs.items():
    outcome = classify_run(run, quartic)
    print(f"{x0:+5.2f}   {outcome.phrase():<60} {run.losses[-1]:+.6f}")

# %% [markdown] slideshow={"slide_type": "-"}
# `classify_run` turns a run record into an honest outcome: it names the critical point a *converged*
# run reached (|f′| ≤ 10⁻⁶), and never calls a run that stopped at its step limit a minimum.
#
# The starts −0.35 and −0.30 are only 0.05 apart, yet one run ends at f = −1.76 and the other at
# f = −11.20. That is the lecture summary's *"risk of getting stuck in local minima, sensitivity to the
# initial parameters"*, seen in numbers. With a small learning rate the dividing line is exactly the
# local maximum: to its left the slope points to the left valley, to its right to the right one.

# %% slideshow={"slide_type": "-"}
fine = np.linspace(-0.5, -0.1, 4001)  # starts 0.0001 apart around the hump
boundary_map = outcome_map(quartic, gradient_descent, fine[None, :], lr=[[lr]], max_steps=3000)
code = boundary_map.code[0]
switch = int(np.argmax(code != code[0]))
print(f"left of x0 = {fine[switch - 1]:.4f}: {boundary_map.labels[code[switch - 1]]}")
print(f"from x0 = {fine[switch]:.4f} on:  {boundary_map.labels[code[switch]]}")
print(f"the local maximum:     x = {peak.x:.6f}")
print("every start left of the maximum goes left, every start right of it goes right:",
      bool(np.all(code[fine < peak.x] == 0) and np.all(code[fine > peak.x] == 2)))

# %% slideshow={"slide_type": "subslide"}
fig, (ax_f, ax_k) = plotting.new_figure(2, height=4.2)
plotting.plot_objective(ax_f, quartic, (-2.6, 2.6))
ax_f.set_ylim(-14.5, 21)
for x0, run in runs.items():
    name = classify_run(run, quartic).point_name
    color = plotting.OUTCOME_COLORS[name]
    ax_f.plot(run.iterates[::5], run.losses[::5], "o", color=color, mec="black", mew=0.5, ms=5)
    ax_k.plot(run.iterates, color=color, lw=2)
    nudge = {-0.35: -0.6, -0.30: 0.6}.get(x0, 0)  # two starts close together: keep their labels apart
    ax_k.annotate(f"x₀ = {x0:+.2f}", (0, x0), xytext=(0.6, nudge), textcoords="offset fontsize", va="center")
ax_f.axvline(peak.x, color="black", lw=1, ls="--")
ax_f.set_title(f"η = {lr}: every 5th iterate")
ax_k.axhline(peak.x, color="black", lw=1, ls="--")
ax_k.set_xlim(-5, 170)
ax_k.set_xlabel("step $k$")
ax_k.set_ylabel("$x_k$")
ax_k.set_title("$x_k$; dashed: the local maximum")
plotting.show(fig, "Six runs with learning rate 0.01. Starts left of the local maximum at x = -0.31 (dashed) roll "
              "into the local minimum at -1.40 (light blue); starts right of it into the global minimum at 1.71 "
              "(dark blue), including -0.30, just 0.05 from -0.35, which goes left.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The learning rate decides whether there is an answer at all
#
# Near a minimum x*, the slope is almost a straight line: f′(x) ≈ f″(x*)·(x − x*). Put that into the
# update and the distance to the minimum is multiplied by the same factor every step,
#
# $$x_{k+1} - x^* \approx \bigl(1 - \eta\, f''(x^*)\bigr)\,(x_k - x^*),$$
#
# exactly the situation of notebook 01 (where f″ = 2). The minimum attracts the iterates when
# |1 − η f″(x*)| < 1, i.e. for
#
# $$0 < \eta < \frac{2}{f''(x^*)} .$$
#
# The two minima have different limits.
#
# **Predict** before you run the next cell: as η grows from 0, which minimum stops being stable first,
# the `'left'` one (local, x ≈ −1.40, f ≈ −1.76) or the `'right'` one (global, x ≈ 1.71, f ≈ −11.20)?

# %% slideshow={"slide_type": "-"}
ex.check_unstable_first(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# The limit is $2/f''(x^*)$, so the minimum with the larger curvature has the lower limit: the right one
# ($f'' \approx 25.3$ against $13.6$), whatever the depths. `ex.check_unstable_first("right")`
# </details>

# %% slideshow={"slide_type": "-"}
for p, name in [(left_min, "local minimum "), (right_min, "global minimum")]:
    curvature = float(quartic.hess(p.x))
    print(f"{name}  x* = {p.x:+.6f}   f''(x*) = {curvature:9.6f}   stable for eta < 2/f''(x*) = {2 / curvature:.6f}")

# %% [markdown] slideshow={"slide_type": "-"}
# The sharper global minimum becomes unstable first, at η ≈ 0.079; the left one holds until η ≈ 0.147.
# Now start at x₀ = 0 (right of the hump, in the global minimum's valley) and raise the learning rate.
#
# **Predict** first: with η = 0.1, above the global minimum's limit but below the local one's, can the run
# end in the global minimum? Answer `'yes'` or `'no'`.

# %% slideshow={"slide_type": "-"}
ex.check_global_holds(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# No. Near the global minimum each step multiplies the distance to it by $1 - \eta f''(x^*) = 1 - 0.1 \cdot 25.25 \approx -1.53$:
# the sign flips and the distance grows by half at every step, so a run that comes near is pushed away again.
# `ex.check_global_holds("no")`. Where the iterates go instead is not decided by this formula: the next cell shows it.
# </details>
#
# A budget of 300 steps, and the outcome of each run:

# %% slideshow={"slide_type": "-"}
examples = {
    0.05: "global minimum",
    0.13: "local minimum",
    0.09: "cycle of period 2",
    0.10: "cycle of period 4",
    0.12: "chaos (bounded)",
    0.25: "diverges",
}
example_runs = {lr: helpers.run(quartic, gradient_descent, 0.0, lr=lr, max_steps=300) for lr in examples}
print(" eta    status      outcome")
for lr, run in example_runs.items():
    print(f"{lr:.2f}   {run.status:<10}  {classify_run(run, quartic).phrase()}")

# %% [markdown] slideshow={"slide_type": "-"}
# Six learning rates, six different answers from the same start:
#
# - **η = 0.05**, below both limits: the global minimum.
# - **η = 0.13**, between the limits: the right valley throws the iterates out, the left one holds them.
#   The learning rate, not the start point, chose the (worse) minimum.
# - **η = 0.09** and **0.10**: no minimum holds the iterates, yet they stay bounded, bouncing between 2
#   (then 4) values for ever, a *cycle*. The period doubles again and again as η grows, until from about
#   η = 0.105 they mostly never repeat: at **η = 0.12**, *chaos* (an optional section checks it).
# - **η = 0.25**: each overshoot makes the next gradient larger, and |x| explodes.

# %% [markdown] slideshow={"slide_type": "-"}
# "The x after 300 steps" is no answer for a run that did not converge: it is just where the run happened
# to be. The run record says *why* a run stopped (`converged`, `diverged` or `max_steps`); `classify_run`
# says *what* it did, from its last 16 iterates: a **cycle of period p** (2 to 8) or **bounded but not
# converged** (chaos, a longer cycle, or still creeping).

# %% slideshow={"slide_type": "subslide"}
fig, axes = plotting.new_figure(6, height=3.2, sharey=True)
for ax, (lr, title) in zip(axes, examples.items(), strict=True):
    run = example_runs[lr]
    shown = np.clip(run.iterates[:61], -10, 10)  # a diverging run leaves the panel; keep its numbers drawable
    ax.plot(np.arange(len(shown)), shown, "-o", color="black", lw=0.8, ms=3)
    for p, name in [(left_min, "local minimum"), (right_min, "global minimum")]:
        ax.axhline(p.x, color=plotting.OUTCOME_COLORS[name], lw=2, zorder=0)
    ax.set_ylim(-3, 3)
    ax.set_xlim(-2, 62)
    ax.set_title(f"η = {lr}\n{title}")
    ax.set_xlabel("step $k$")
fig.supylabel("$x_k$ (first 60 steps)")
plotting.show(fig, "Six panels of x_k against k from x0 = 0. eta 0.05 settles at the global minimum 1.71; 0.13 "
              "bounces out of the right valley and settles at the local minimum -1.40; 0.09 alternates between two "
              "values, 0.10 between four; 0.12 wanders irregularly between about 0.2 and 2.2; 0.25 leaves the "
              "panel after a few steps.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · The outcome map
#
# Start point and learning rate together: the next cell runs gradient descent from 400 starts
# x₀ ∈ [−2.5, 2.5] with 300 learning rates η ∈ [0.005, 0.3] (log-spaced), 300 steps each: 120 000 runs.
# `helpers.outcome_map` applies the same update rule to the whole grid as one array and names every run's
# outcome as `classify_run` does, in about a quarter of a second on a 2-core laptop.

# %% slideshow={"slide_type": "-"}
x0_grid = np.linspace(-2.5, 2.5, 400)
lr_grid = helpers.log_grid(0.005, 0.3, 300)  # as np.geomspace, the same bits on every processor
omap = outcome_map(quartic, gradient_descent, x0_grid[None, :], lr=lr_grid[:, None], max_steps=300)

print(f"{omap.code.size} runs")
for c in omap.present():
    print(f"{omap.fraction(c):6.1%}  {omap.labels[c]}")

rng = np.random.default_rng(0)
cells = [(rng.integers(len(lr_grid)), rng.integers(len(x0_grid))) for _ in range(100)]
agree = all(
    classify_run(helpers.run(quartic, gradient_descent, x0_grid[j], lr=lr_grid[i], max_steps=300), quartic).kind
    == omap.kinds[omap.code[i, j]]
    for i, j in cells
)
print("100 random cells agree with single runs of helpers.run:", agree)

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
fig, ax = plotting.new_figure(1, height=5.2, lecture_height=5.6)
plotting.draw_outcome_map(ax, omap)
for lr in examples:
    ax.plot([0.0], [np.log10(lr)], "o", color=plotting.CURRENT, mec="black", ms=8)
ax.axvline(peak.x, color="black", lw=1, ls=":")
ax.set_title("outcome after 300 steps; green: the runs from $x_0 = 0$")
plotting.show(fig, "Outcome map, start x0 across, learning rate up on a log scale. Below eta 0.079 the map splits "
              "at the local maximum (dotted): light blue (local minimum) left, dark blue (global minimum) right. "
              "Between 0.079 and 0.147 the right half becomes cycles and bounded chaos, and a band above it ends in "
              "the local minimum; above about 0.15 most runs diverge (red), with fringes of cycles and chaos.")

# %% [markdown] slideshow={"slide_type": "-"}
# How to read it:
#
# - **Bottom (η < 0.079):** both minima are stable; the hump (dotted line) splits the map, so the start
#   decides. In the far-left corner a large first step from x₀ ≈ −2.5 jumps over the hump.
# - **Middle (0.079 < η < 0.147):** the global minimum cannot hold the iterates: starts on the right cycle
#   (orange), wander (yellow) or are thrown into the still stable local minimum (the light-blue band).
# - **Top (η > 0.147):** neither minimum is stable: runs near the left one bounce around it, the rest
#   diverge, along a fringe that grows finer the closer you look.
# - **The yellow sliver at the foot of the dotted line:** starts next to the hump creep away too slowly
#   for 300 steps, and are reported as not converged.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Try it
#
# Slide the start point and the learning rate (log scale); the iterates on the curve, the green marker
# on the map and the line of text update together. Things to look for:
# - η = 0.05, then drag x₀ across −0.31: the run jumps from one valley to the other;
# - x₀ = 0, then drag η slowly from 0.07 to 0.16: global minimum, 2-cycle, 4-cycle, chaos, the local
#   minimum, a 2-cycle around it, divergence;
# - "show step" with ▶ Play: watch a cycle or a chaotic run step by step (the last 8 steps are drawn in bold).

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
QuarticDemo(x0=0.0, lr=0.05, steps=300)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Exercises
#
# Replace each `...` with your answer and run the cell; the check says whether it is right and why.
#
# **Exercise 1.** Another function, $g(x) = x^4 - 4x^2$, has two minima of the same depth at $x = \pm\sqrt2$. What is the
# largest learning rate for which gradient descent is stable at them? Use the rule of section 3.

# %% slideshow={"slide_type": "-"}
ex.check_largest_stable_lr(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $g'(x) = 4x^3 - 8x = 4x(x^2 - 2)$ vanishes at $\pm\sqrt2$, where $g''(x) = 12x^2 - 8 = 16 > 0$: minima. Stable for
# $\eta < 2/16 = 0.125$: `ex.check_largest_stable_lr(0.125)`. (At $x = 0$, the hump between them, $g'' = -8$.)
# </details>
#
# **Exercise 2.** Write the loop of gradient descent with an honest stopping rule: from `x0`, before each
# update test the slope, and stop with `"converged"` as soon as $|f'(x)| \le$ `tol`; after each update stop
# with `"diverged"` if $|x| >$ `bound`; after `max_steps` updates stop with `"max_steps"`. Return the last x,
# the number of updates made and the status. `grad` is a function, `grad(x)` = f′(x). The check runs your
# loop on six runs of the quartic against `helpers.run` and explains the first difference.

# %% slideshow={"slide_type": "-"}
def descend_until(grad, x0, lr, tol, max_steps, bound):
    ...


ex.check_descend_until(descend_until)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def descend_until(grad, x0, lr, tol, max_steps, bound):
#     x = x0
#     for k in range(max_steps):
#         if abs(grad(x)) <= tol:
#             return x, k, "converged"
#         x = x - lr * grad(x)
#         if abs(x) > bound:
#             return x, k + 1, "diverged"
#     return x, max_steps, "max_steps"
# ```
#
# (`helpers.run` also tests the slope at the last iterate, so a run that meets the tolerance exactly at
# its last step counts as converged; the check's runs avoid that case.)
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): why "the x after 50 steps" is not an answer
#
# A common shortcut is to run a fixed number of steps and report the last x as "the minimum". It
# always returns a number, even when there is no minimum there. Compare that number with the slope at
# that point, and with the honest outcome:

# %% slideshow={"slide_type": "-"}
print(" eta    naive 'minimum' after 50 steps   f'(x) there    honest outcome")
for lr in (0.05, 0.09, 0.12):
    naive = descend(fprime, 0.0, lr, 50)[-1]
    honest = classify_run(helpers.run(quartic, gradient_descent, 0.0, lr=lr, max_steps=50), quartic)
    print(f"{lr:.2f}   x = {naive:+.6f}                   {fprime(naive):+10.6f}    {honest.phrase()}")


# %% [markdown] slideshow={"slide_type": "-"}
# For η = 0.09 and η = 0.12 the slope at the "answer" is far from zero: no critical point at all. How
# `classify_run` finds a cycle: the last 16 iterates repeat with a period p from 2 to 8.

# %% slideshow={"slide_type": "-"}
def period(tail, max_period=8, atol=1e-9):
    for p in range(1, max_period + 1):
        if 2 * p <= len(tail) and np.all(np.abs(tail[p:] - tail[:-p]) <= atol):
            return p
    return 0  # no period up to max_period


for lr in (0.09, 0.10, 0.12):
    tail = example_runs[lr].iterates[-16:]
    print(f"eta = {lr:.2f}: period {period(tail)}   classify_run says: {classify_run(example_runs[lr], quartic).phrase()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): Lyapunov exponents and the bifurcation diagram
#
# This section is not needed for notebook 03. It makes two claims of section 3 precise: that η = 0.12 is
# chaos (not a long cycle), and that the cycles double their period on the way there.
#
# The chaos claim can be checked: along an orbit, small differences between two runs are multiplied
# by $|1 - \eta f''(x_k)|$ at every step, so the average of $\log|1 - \eta f''(x_k)|$ (the *Lyapunov exponent*) is
# negative when nearby runs come together (a minimum, a cycle) and positive when they fly apart (chaos):

# %% slideshow={"slide_type": "-"}
for lr in (0.05, 0.09, 0.10, 0.12):
    orbit = descend(fprime, 0.0, lr, 3000)[1000:]  # skip the transient
    exponent = np.mean(np.log(np.abs(1 - lr * fsecond(orbit))))
    print(f"eta = {lr:.2f}   Lyapunov exponent = {exponent:+.3f}   orbit stays in [{orbit.min():.3f}, {orbit.max():.3f}]")

# %% [markdown] slideshow={"slide_type": "-"}
# All of section 3 is one picture. Run from x₀ = 0 for a fine sweep of learning rates at once (vectorised:
# every η is one element of an array), and plot the last 64 iterates of each run above its η. A minimum
# shows as one point, a cycle of period p as p points, chaos as a smear. This is the *bifurcation
# diagram* of gradient descent on the quartic:

# %% slideshow={"slide_type": "subslide"}
sweep = np.linspace(0.06, 0.21, 1500)
grid = helpers.run(quartic, gradient_descent, 0.0, lr=sweep, max_steps=1000, tail=64)  # the last 64 of each run
outcome, _ = classify_outcomes(grid.status, grid.iterates, max_period=32)
settled = outcome != OUTCOMES.index("diverged")
fig, ax = plotting.new_figure(1, height=4.6)
lrs = np.repeat(sweep[settled], grid.iterates.shape[-1])
ax.plot(lrs, grid.iterates[settled].ravel(), ",", color="black", alpha=0.6)
ax.plot(sweep[~settled], np.full((~settled).sum(), 2.9), "|", color=plotting.OUTCOME_COLORS["diverged"], ms=10)
for p, name in [(left_min, "local minimum"), (right_min, "global minimum")]:
    limit = 2 / float(quartic.hess(p.x))
    ax.axvline(limit, color=plotting.OUTCOME_COLORS[name], ls="--", lw=1.5, label=f"2/f''({p.x:.2f}) = {limit:.4f}")
ax.set_xlim(sweep[0], sweep[-1])
ax.set_ylim(-2.6, 3.0)
ax.set_xlabel("learning rate η")
ax.set_ylabel("last 64 iterates x_k")
ax.set_title("From x₀ = 0: where the iterates end up (red ticks at the top: diverged)")
ax.legend(loc="lower left")
plotting.show(fig, "Bifurcation diagram from x0 = 0 for eta from 0.06 to 0.21. Below 0.079 a single point at 1.71; "
              "beyond it the point splits into 2, 4, 8 branches and then a chaotic band between 0.2 and 2.2 with "
              "windows; from about 0.13 to 0.147 a single point at -1.40 (the local minimum), then a 2-cycle "
              "around it, and from about 0.15 on a mix of bounded runs and many diverging ones.")
print(f"{settled.sum()} of {len(sweep)} learning rates stay bounded; "
      f"{(outcome == OUTCOMES.index('converged')).sum()} converge")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The lecture's quartic is f(x) = x⁴ − 5x² − 3x (the signs were lost on the slide): a local minimum
#   at x ≈ −1.402, a local maximum at x ≈ −0.312, the global minimum at x ≈ 1.714.
# - With a small learning rate the start point decides the answer, and the boundary between the
#   valleys is the local maximum: gradient descent can get stuck in the local minimum.
# - Near a minimum the error is multiplied by 1 − η f″(x*) per step: stable only for η < 2/f″(x*)
#   (≈ 0.147 on the left, ≈ 0.079 on the right). Beyond it the iterates cycle (period 2, 4, 8, …),
#   wander chaotically, or diverge; and the learning rate, not just the start, can pick the minimum.
# - A run that stopped at its step limit has not found a minimum. Report what it did: converged (to
#   which point), cycle of period p, bounded but not converged, or diverged.
# - Stability is decided by the curvature f″ at a minimum, not by its depth: the slope is zero at every
#   minimum.
#
# ### Further reading
#
# - The lecture's reference: Coursera, *Improving Deep Neural Networks: Hyperparameter Tuning,
#   Regularization and Optimization*, week 2 and its notebook "Optimization Methods":
#   [coursera.org/learn/deep-neural-network](https://www.coursera.org/learn/deep-neural-network).
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, section 12.1 "Optimization and Deep
#   Learning" (local minima and saddle points) and 12.3 "Gradient Descent" (the learning rate, local minima):
#   [d2l.ai](https://d2l.ai/chapter_optimization/optimization-intro.html).
# - For the optional section: S. Strogatz, *Nonlinear Dynamics and Chaos*, chapter 10 "One-Dimensional
#   Maps" (period doubling, Lyapunov exponents); gradient descent with a fixed η is such a map.
#
# **Next:** [03 · backpropagation](03_backprop.ipynb): gradient descent on the weights of a
# small neural network, with the gradients computed by the chain rule.
