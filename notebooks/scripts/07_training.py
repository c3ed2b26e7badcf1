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
# # 07 · Beyond the lecture: the optimisers train a real network
#
# Notebooks 01–06 showed each optimiser on a line fit or a surface; 06 claimed the adaptive methods "work
# well on networks" without showing it. Here the same step rules and the same runner train a network
# that reads handwritten digits: 03's network grown to what practice uses, on real data, with
# learning-rate schedules, several seeds and an honest comparison.
#
# **You will learn**
# - softmax and cross-entropy, and why their gradient is simply $o - y$;
# - to tune η per optimiser on a validation set, and what "too large" looks like on a network;
# - how much tuned optimisers differ, next to how much seeds do;
# - batch size, schedules and overfitting; the `torch.optim` line for each rule.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#07-training) · Previous: [06 · adaptive methods](06_adaptive.ipynb)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Note — notation.** $L$ is the *mean* cross-entropy over a batch (03 minimised $E = \frac12\sum_i (y_i - o_i)^2$).
# > $o$ holds the network's 10 class probabilities, $y$ the label as a one-hot vector (1 for the true class).
# > b is the batch size, an *update* one step on one batch, an *epoch* one pass over the training set.
# > Learning rates of different optimisers are not comparable.

# %% slideshow={"slide_type": "-"}
import functools
import math

import numpy as np

import helpers
from helpers import data, mlp, plotting
from helpers import network as nw
from helpers.demos.training import TrainingDemo
from helpers.exercises import training as ex

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()
C = plotting.OKABE_ITO
COLOUR = dict(zip(mlp.OPTIMISERS, plotting.CYCLE, strict=False))  # one colour per optimiser
EPOCHS = 30

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The data: handwritten digits
#
# The UCI handwritten digits (Alpaydin and Kaynak, 1998): 1,797 images of 8×8 pixels in 17 grey levels, by
# 13 writers. Why this one: it is real handwriting, it is small enough to ship with `helpers` (57 KB, licence CC
# BY 4.0: no download at run time), and a training run takes a fifth of a second, so we can afford hundreds.
# A fixed seed splits it into three sets with three jobs:
# - **training** (60 %): the gradients come from these;
# - **validation** (20 %): everything we *choose* (learning rate, schedule, epochs) is chosen here;
# - **test** (20 %): looked at once, at the end. A number tuned on it no longer predicts new data.

# %% slideshow={"slide_type": "-"}
split = data.digits(rng=np.random.default_rng(0))
for name, (X, labels) in split.items():
    print(f"{name:5s}: {len(labels):5d} images, {X.shape[1]} pixels each, per class {np.bincount(labels).tolist()}")

# %% slideshow={"slide_type": "subslide"}
X_train, y_train = split["train"]
tiles = np.zeros((17, 89))  # two images of each class, a pixel of white between them
for c in range(10):
    for r, i in enumerate(np.flatnonzero(y_train == c)[:2]):
        tiles[9 * r:9 * r + 8, 9 * c:9 * c + 8] = X_train[i].reshape(8, 8)
fig, ax = plotting.new_figure(height=2.4, lecture_height=2.8)
ax.imshow(tiles, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
ax.set(xticks=9 * np.arange(10) + 3.5, xticklabels=range(10), yticks=[], title="two training images of each class, 8×8 pixels")
ax.grid(False)
plotting.show(fig, "Twenty small 8 by 8 pixel images, two per digit 0 to 9, dark strokes on white: coarse but "
              "recognisable handwritten digits.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The network: 03's network grown up
#
# 03's network had sigmoid units and one output. Practice changes three things:
# - **ReLU hidden units**, $a = \max(z, 0)$: slope 1 wherever the unit is on, whereas the sigmoid's slope
#   is at most λ/4 and vanishes when it saturates;
# - **a softmax output**, one unit per class: $o_k = e^{z_k} / \sum_j e^{z_j}$, positive and summing to 1;
# - **the cross-entropy loss**, $L = -\log o_{y}$ for a sample of class y: large when confidently wrong.
#
# Here 64 inputs → 32 ReLU units → 10 outputs, 2,410 parameters, weights drawn from $N(0, 2/\text{inputs})$
# (He's initialisation). The chain rule through $-\log$ and the softmax gives $\partial L/\partial z_k = o_k - y_k$;
# next to 03's output delta for a sigmoid with squared error:
#
# $$\text{03: } \delta = (o - y)\,\lambda\,o(1-o), \qquad \text{here: } \delta = o - y .$$
#
# No factor $o(1-o)$, so a confidently wrong output still gets a large delta. The backward pass is 03's, with
# ReLU's slope (1 or 0) in place of the sigmoid's; the mean over a batch of n divides by n:

# %% slideshow={"slide_type": "-"}
def backward(W1, b1, W2, b2, X, labels):
    a = np.maximum(X @ W1.T + b1, 0.0)                    # hidden layer (W of shape units × inputs)
    z = a @ W2.T + b2                                     # logits
    o = np.exp(z - z.max(axis=1, keepdims=True))
    o /= o.sum(axis=1, keepdims=True)                     # softmax
    delta = (o - np.eye(10)[labels]) / len(labels)        # dL/dz = (o - y)/n
    delta_hidden = (delta @ W2) * (a > 0)                 # back through W2, then ReLU's slope
    return delta_hidden.T @ X, delta_hidden.sum(axis=0), delta.T @ a, delta.sum(axis=0)


# %% [markdown] slideshow={"slide_type": "-"}
# It agrees with `helpers.mlp`, and with central differences for all 2,410 parameters, as in 03:

# %% slideshow={"slide_type": "-"}
net = mlp.MLP.random((64, 32, 10), rng=np.random.default_rng(1))
X10, y10 = X_train[:10], y_train[:10]
(W1, W2), (b1, b2) = net.weights, net.biases
mine = np.concatenate([g.ravel() for g in backward(W1, b1, W2, b2, X10, y10)])
v, eps, central = net.vector(), 1e-5, np.empty(net.n_params)
for k in range(net.n_params):
    e = np.zeros_like(v)
    e[k] = eps
    central[k] = (net.with_vector(v + e).loss(X10, y10) - net.with_vector(v - e).loss(X10, y10)) / (2 * eps)
print(f"this backward() and helpers.mlp agree to 1e-12: {nw.relative_error(mine, net.gradient(X10, y10)) < 1e-12}")
print(f"backpropagation and central differences agree to 1e-7: {nw.relative_error(mine, central) < 1e-7}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Training with the collection's step rules
#
# Nothing new is needed. `mlp.fit(split, "Adam", lr=…)` draws the network from a seed and hands
# `helpers.steps.adam` to `helpers.run_epochs`, 04's runner (shuffle, batches of b = 32, one update each).
# `mlp.OPTIMISERS` names the rules of 01–06 (table below), with PyTorch's default hyper-parameters. SGD is
# 01's two lines, now updating all 2,410 weights at once:

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def gradient_descent(x, state, grad, lr):
    return x - lr * grad, state


# %% [markdown] slideshow={"slide_type": "-"}
# Adam, 30 epochs:

# %% slideshow={"slide_type": "-"}
run = mlp.fit(split, "Adam", lr=0.003, batch_size=32, epochs=EPOCHS, seed=1)
print(f"Adam, eta = 0.003, b = 32: {run.outcome()}")
print("epoch   training loss   training accuracy   validation accuracy")
for e in (0, 1, 2, 5, 10, 20, 30):
    print(f"{e:5d}   {run.losses[e]:13.4f}   {100 * run.accuracy[e]:15.1f} %   {100 * run.val_accuracy[e]:17.1f} %")

# %% [markdown] slideshow={"slide_type": "-"}
# From 10 % (guessing) to about 95 % on unseen digits. In PyTorch (not needed here) the loop is a
# `DataLoader(…, batch_size=32, shuffle=True)` and per batch `opt.zero_grad(); CrossEntropyLoss()(model(X), y).backward(); opt.step()`:
#
# | optimiser | `helpers.steps` | `torch.optim` | conventions that differ |
# |---|---|---|---|
# | SGD | `gradient_descent` | `SGD(params, lr=η)` | none |
# | momentum | `momentum_sum` | `SGD(params, lr=η, momentum=0.9)` | 05's averaged `momentum` is `SGD(lr=η·(1−β), momentum=β)` |
# | Nesterov | `nesterov` | `SGD(params, lr=η, momentum=0.9, nesterov=True)` | none |
# | AdaGrad | `adagrad` | `Adagrad(params, lr=η, eps=1e-10)` | ε outside the root, $\sqrt{s} + \varepsilon$ |
# | RMSProp | `rmsprop` | `RMSprop(params, lr=η, alpha=0.99, eps=1e-8)` | β₂ is `alpha`; no bias correction |
# | Adam | `adam` | `Adam(params, lr=η, betas=(0.9, 0.999), eps=1e-8)` | both moments bias-corrected |
#
# `CrossEntropyLoss` takes the logits and applies the softmax itself, as `mlp.cross_entropy` does.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Too small, right, too large: a learning rate per optimiser
#
# 01's three regimes on a network: each optimiser, 30 epochs, eleven learning rates 2.8 times apart, seed 0.
# The best η has the highest validation accuracy after the last epoch (the smaller of equals).

# %% slideshow={"slide_type": "-"}
GRID = helpers.log_grid(0.001, 10**1.5, 11)
sweep = {name: [mlp.fit(split, name, lr=lr, epochs=EPOCHS, seed=0) for lr in GRID] for name in mlp.OPTIMISERS}


def score(run):
    """Final validation accuracy; a diverged run scores below any other."""
    return -1.0 if run.status == "diverged" else run.val_accuracy[-1]


best_lr = {name: GRID[int(np.argmax([score(r) for r in runs]))] for name, runs in sweep.items()}
print(f"validation accuracy (%) after 30 epochs; 'div' = diverged (a weight passed ±{mlp.BOUND:g})")
print("eta       " + "".join(f"{lr:>7.2g}" for lr in GRID) + "    best eta")
for name, runs in sweep.items():
    cells = "".join("    div" if r.status == "diverged" else f"{100 * r.val_accuracy[-1]:7.1f}" for r in runs)
    print(f"{name:9s} {cells}    {best_lr[name]:.3g}")

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
fig, ax = plotting.new_figure(width=10.8, height=4.2, lecture_height=5.0)
for row, (name, runs) in enumerate(sweep.items()):
    ok = [k for k, r in enumerate(runs) if r.status != "diverged"]
    gone = [k for k, r in enumerate(runs) if r.status == "diverged"]
    ax.plot(GRID[ok], [100 * runs[k].val_accuracy[-1] for k in ok], "o-", color=COLOUR[name], label=name)
    ax.plot(GRID[gone], [-2 - 2.5 * row] * len(gone), "x", color=COLOUR[name], ms=9, mew=2.5)  # one row each
ax.axhline(10, color=plotting.CURVE, ls=":", lw=1.5)
ax.text(GRID[0], 12, "chance: 10 %", color=plotting.CURVE)
ax.text(GRID[-1], 1, "× diverged", ha="right", va="bottom", color="black")
ax.set(xscale="log", ylim=(-17, 104), xlabel="learning rate η (log scale)", ylabel="validation accuracy (%)",
       title="30 epochs, b = 32, seed 0")
fig.legend(loc="outside right upper")
plotting.show(fig, "Validation accuracy after 30 epochs against the learning rate on a log scale, one curve per "
              "optimiser. Each curve rises from low accuracy at tiny learning rates to a plateau near 95 "
              "percent, then falls to the 10 percent chance line; a few runs at the largest rates are marked "
              "as diverged below the axis. The adaptive methods peak at smaller rates (Adam and RMSProp near "
              "0.003) than SGD (near 0.5); momentum and Nesterov peak near 0.06.")

# %% [markdown] slideshow={"slide_type": "-"}
# Too small: 30 epochs are not enough. Right: about 95 % for every optimiser, over one to two decades of η. Too
# large: unlike x², the weights do not run off at first; huge steps switch most ReLU units off for every
# image (an off unit gets no gradient and never comes back) and the network predicts one class, 10 %.
# Only larger still do weights blow up, and the runner stops the run as diverged.
#
# RMSProp and Adam want rates about a hundred times smaller than SGD; momentum and Nesterov, whose velocity
# adds up about $1/(1-\beta) = 10$ gradients, ten times smaller. PyTorch's defaults are not tuned for this budget:

# %% slideshow={"slide_type": "-"}
for name, lr in {"SGD": 0.001, "AdaGrad": 0.01, "RMSProp": 0.01, "Adam": 0.001}.items():
    at_default = sweep[name][0] if lr == GRID[0] else mlp.fit(split, name, lr=lr, epochs=EPOCHS, seed=0)
    print(f"{name:8s} PyTorch's default lr = {lr:<6g}: {100 * at_default.val_accuracy[-1]:5.1f} %    "
          f"best eta {best_lr[name]:.3g}: {100 * max(score(r) for r in sweep[name]):5.1f} %")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The tuned optimisers side by side
#
# A seed fixes the initial weights and the batches' order. Each optimiser at its best η, from five new seeds,
# with the same budget: 1,020 updates, 32,370 per-sample gradient evaluations. Mean and range over the seeds;
# the test set is used here, once.

# %% slideshow={"slide_type": "-"}
SEEDS = (1, 2, 3, 4, 5)
tuned = {name: [mlp.fit(split, name, lr=best_lr[name], epochs=EPOCHS, seed=s) for s in SEEDS] for name in mlp.OPTIMISERS}


def spread(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():5.1f} ({values.min():.1f}–{values.max():.1f})"


def epochs_to(runs, level=0.95):
    """Median (range) of the first epoch with validation accuracy ≥ level, and how many runs never got there."""
    first = [int(np.argmax(r.val_accuracy >= level)) for r in runs if np.any(r.val_accuracy >= level)]
    never = f", {len(runs) - len(first)} never" if len(first) < len(runs) else ""
    return f"{int(np.median(first)):2d} ({min(first)}–{max(first)}){never}" if first else "never"


test_accuracy = {name: [mlp.evaluate(r.iterates[-1], r.sizes, *split["test"])[1] for r in runs]
                 for name, runs in tuned.items()}
print("optimiser  best eta   epochs to 95 % val.   validation accuracy %   test accuracy %")
for name, runs in tuned.items():
    print(f"{name:9s} {best_lr[name]:8.3g}   {epochs_to(runs):19s}   {spread([r.val_accuracy[-1] for r in runs]):21s}"
          f"   {spread(test_accuracy[name])}")

# %% slideshow={"slide_type": "subslide"}
fig, (ax_loss, ax_acc) = plotting.new_figure(2, height=4.0, lecture_height=4.6)
epochs, evals = np.arange(EPOCHS + 1), np.arange(EPOCHS + 1) * len(y_train) / 1000  # thousands, 1,079 per epoch
for name, runs in tuned.items():
    ax_loss.plot(epochs, np.mean([r.losses for r in runs], axis=0), color=COLOUR[name], label=name)
    acc = 100 * np.array([r.val_accuracy for r in runs])
    ax_acc.plot(evals, acc.mean(axis=0), color=COLOUR[name])
    ax_acc.fill_between(evals, acc.min(axis=0), acc.max(axis=0), color=COLOUR[name], alpha=0.15, lw=0)
ax_loss.set(yscale="log", xlabel="epoch", ylabel="training loss (log scale)", title="training loss, mean of 5 seeds")
ax_acc.set(ylim=(85, 100), xlabel="gradient evaluations (thousands)", ylabel="validation accuracy (%)",
           title="validation, 5 seeds")
fig.legend(loc="outside lower center", ncols=6)
plotting.show(fig, "Left: training loss on a log scale against epochs for the six tuned optimisers, all falling "
              "from about 2.5 to between 0.003 and 0.05 after 30 epochs. Right: validation accuracy from 85 to 100 "
              "percent, the mean of five seeds as a line and their range as a shaded band: all six climb past 90 "
              "percent within a few epochs and end between about 95 and 97 percent, their bands overlapping.")

# %% [markdown] slideshow={"slide_type": "-"}
# Tuned, the six end within about one point of test accuracy of each other, while one optimiser moves by up to
# two points between seeds: tuning η mattered far more than the optimiser. They differ more in *training* loss
# (momentum and Nesterov lowest), which is not how a network does on new data.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Batch size and learning rate
#
# SGD, 30 epochs, batches of 16, 64 and 256, six learning rates.
#
# **Predict** before you run the next cells: does a larger batch need a larger, a smaller or the same
# learning rate? Answer `"larger"`, `"smaller"` or `"same"`.

# %% slideshow={"slide_type": "-"}
ex.check_batch_lr(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Run the next cell for the table. `ex.check_batch_lr("larger")`: with n/b updates per epoch, a larger
# batch makes fewer, less noisy steps, and needs longer ones.
# </details>

# %% slideshow={"slide_type": "-"}
found = ex.batch_sweep()
print("validation accuracy (%) after 30 epochs of SGD")
print("eta      " + "".join(f"{lr:7.3g}" for lr in ex.BATCH_LRS) + "    best eta   updates")
for b, row in zip(ex.BATCH_SIZES, found, strict=True):
    print(f"b = {b:3d} " + "".join(f"{100 * a:7.1f}" for a in row)
          + f"    {ex.BATCH_LRS[int(np.argmax(row))]:8.3g}   {EPOCHS * -(-1079 // b):7,d}")

# %% slideshow={"slide_type": "subslide"}
fig, (ax_epoch, ax_update) = plotting.new_figure(2, height=4.0, lecture_height=4.6, sharey=True)
batch_runs = {b: runs[int(np.argmax(row))] for (b, runs), row in zip(ex.batch_runs().items(), found, strict=True)}
batch_runs[1079] = mlp.fit(split, "SGD", lr=1.0, batch_size=1079, epochs=EPOCHS, seed=0)  # full batch
for (b, r), colour in zip(batch_runs.items(), (C["orange"], C["blue"], C["green"], C["black"]), strict=True):
    label = f"b = {b}, η = {r.lr:.3g}" if b < 1079 else f"full batch, η = {r.lr:.3g}"
    ax_epoch.plot(np.arange(EPOCHS + 1), 100 * r.val_accuracy, color=colour, label=label)
    ax_update.plot(np.arange(1, EPOCHS + 1) * (r.updates // r.epochs), 100 * r.val_accuracy[1:], color=colour)
ax_epoch.set(xlabel="epoch", ylabel="validation accuracy (%)", ylim=(0, 100),
             title="per epoch: small batches first")
ax_update.set(xscale="log", xlabel="updates (log scale)", title="per update: large batches first")
ax_epoch.legend(loc="lower right")
plotting.show(fig, "Validation accuracy of SGD at each batch size's best learning rate. Left, against epochs: "
              "batches of 16 climb fastest, then 64, then 256; full batch (one update per epoch) is still "
              "near 90 percent after 30 epochs. Right, against updates on a log scale: the order reverses, the "
              "larger the batch the more each update gains.")

# %% [markdown] slideshow={"slide_type": "-"}
# Per epoch (equal gradient evaluations) small batches win: more updates. Per update large batches win. The
# best η grows with the batch (three times from b = 16 to 256) up to η ≈ 1.8, where every batch size collapses.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 · Learning-rate schedules
#
# 04 shrank SGD's noise ball with a decaying learning rate. A schedule is a small function of the epoch e
# (from 0) returning the factor of epoch e, $\eta_e = \eta \cdot \text{schedule}(e)$, for any rule (PyTorch's `LambdaLR`):

# %% slideshow={"slide_type": "-"} tags=["schedule"]
def step_decay(epoch, every=10, factor=0.5):
    return factor ** (epoch // every)                       # halve every 10 epochs


def inverse_time(epoch, decay=0.1):
    return 1.0 / (1.0 + decay * epoch)                      # notebook 04's 1/(1 + e), gentler


def cosine(epoch, epochs):
    return 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))  # from 1 to 0 along half a cosine


def linear_warmup(epoch, warmup=5):
    return min(1.0, (epoch + 1) / warmup)                   # ramp up over the first epochs


# %% [markdown] slideshow={"slide_type": "-"}
# `helpers.schedules` has the same functions. A run takes one with its settings bound,
# `schedule=functools.partial(cosine, epochs=30)`. *Warm-up* starts small while the first steps settle (you will combine it with the cosine).
#
# **Predict**: Adam at η = 0.01, 3.5 times its best constant rate, for 30 epochs. With a cosine schedule, is the
# validation accuracy after 30 epochs (mean of three seeds) higher or lower than with the constant η?
# Answer `"higher"` or `"lower"`.

# %% slideshow={"slide_type": "-"}
ex.check_cosine_helps(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Run the next cell. `ex.check_cosine_helps("higher")`: the cosine keeps the fast start, and its small last
# steps stop the bouncing and the chasing of the training images.
# </details>

# %% slideshow={"slide_type": "-"}
runs_by_schedule = ex.schedule_runs()
print(f"Adam, eta = {ex.SCHEDULE_LR}, seeds {ex.SCHEDULE_SEEDS}: validation accuracy %, validation and training loss")
for name, runs in runs_by_schedule.items():
    print(f"{name:17s} {spread([r.val_accuracy[-1] for r in runs])}   {np.mean([r.val_loss[-1] for r in runs]):.3f}"
          f"   {np.mean([r.losses[-1] for r in runs]):.4f}")
at_best = [mlp.fit(split, "Adam", lr=best_lr["Adam"], epochs=EPOCHS, seed=s, schedule=functools.partial(
    cosine, epochs=EPOCHS)) for s in ex.SCHEDULE_SEEDS]
print(f"\nfor comparison, cosine at Adam's best constant eta = {best_lr['Adam']:.3g}: "
      f"{spread([r.val_accuracy[-1] for r in at_best])} (constant: {spread([r.val_accuracy[-1] for r in tuned['Adam'][:3]])})")

# %% slideshow={"slide_type": "subslide"}
fig, (ax_factor, ax_val) = plotting.new_figure(2, height=4.0, lecture_height=4.6)
for (name, factor), colour in zip(ex.SCHEDULES.items(), plotting.CYCLE, strict=False):
    ax_factor.step(range(EPOCHS), [factor(e) if factor else 1.0 for e in range(EPOCHS)], where="post", color=colour,
                   label=name)
    mean = 100 * np.mean([r.val_accuracy for r in runs_by_schedule[name]], axis=0)
    ax_val.plot(range(EPOCHS + 1), mean, color=colour)
ax_factor.set(xlabel="epoch e", ylabel="factor schedule(e)", title="η_e = η · schedule(e)")
ax_val.set(ylim=(90, 98), xlabel="epoch", ylabel="validation accuracy (%)", title="Adam, η = 0.01: mean of 3 seeds")
fig.legend(loc="outside lower center", ncols=5)
plotting.show(fig, "Left: five schedules over 30 epochs: constant at 1, step decay halving at epochs 10 and 20, "
              "1/t falling slowly to 0.26, cosine falling from 1 to nearly 0, and warm-up plus cosine rising over "
              "three epochs first. Right: Adam's validation accuracy with each schedule, mean of three seeds: "
              "all climb alike at first; late in training the decaying schedules end above the constant rate.")

# %% [markdown] slideshow={"slide_type": "-"}
# The cosine and step decay gain almost a point; 1/t, too gentle, nothing. Not by fitting the training images
# better (the constant rate ends with the lowest training loss) but by small last steps: the accuracy stops
# jumping from epoch to epoch (04's noise ball) and the validation loss ends lower. At the η tuned for a
# constant rate, though, the cosine only makes late steps too small: re-tune η when you add a schedule.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 · Training against validation: overfitting
#
# Adam at η = 0.01 for 100 epochs, on all training images and on the first 150 only:

# %% slideshow={"slide_type": "-"}
small = {"train": (X_train[:150], y_train[:150]), "val": split["val"]}
long_runs = {"1,079 training images": mlp.fit(split, "Adam", lr=0.01, epochs=100, seed=1),
             "150 training images": mlp.fit(small, "Adam", lr=0.01, epochs=100, seed=1)}
for name, r in long_runs.items():
    e = int(np.argmin(r.val_loss))
    print(f"{name}: lowest validation loss {r.val_loss[e]:.3f} in epoch {e} ({100 * r.val_accuracy[e]:.1f} %); after 100 "
          f"epochs {r.val_loss[-1]:.3f} ({100 * r.val_accuracy[-1]:.1f} %), training loss {r.losses[-1]:.5f}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plotting.new_figure(2, height=4.0, lecture_height=4.6, sharey=True)
for ax, (name, r) in zip(axes, long_runs.items(), strict=True):
    best = int(np.argmin(r.val_loss))
    ax.plot(r.losses, color=C["blue"], label="training")
    ax.plot(r.val_loss, "--", color=C["orange"], label="validation")
    ax.plot(best, r.val_loss[best], "o", color=plotting.CURRENT, ms=9, label="lowest validation loss")
    ax.set(yscale="log", xlabel="epoch", title=name)
axes[0].set_ylabel("cross-entropy (log scale)")
fig.legend(loc="outside lower center", ncols=3)
plotting.show(fig, "Training and validation loss on a log scale over 100 epochs of Adam. Left, 1079 training "
              "images: the training loss falls steadily to about 0.0003; the validation loss falls to about 0.16 "
              "by epoch 20, then creeps back up. Right, 150 images: the same, with a much wider gap, the "
              "validation loss lowest near epoch 25 at about 0.5 and rising after.")

# %% [markdown] slideshow={"slide_type": "-"}
# Overfitting: the network learns the training images down to their accidents and grows *more confident* on
# the validation images it gets wrong: the validation loss rises, the accuracy hardly moves. The fewer the
# images, the sooner. Early stopping (keep the epoch with the lowest validation loss) is the cheapest remedy.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 · What to try first
#
# From this notebook's numbers, not folklore:
# - **Tune the learning rate first**, on validation data, over steps of about 3×: it took every optimiser from
#   chance to 95 %; the tuned optimisers then differ by about a point, as much as two seeds.
# - **Adam near 0.003, or SGD with momentum near 0.06**, are good first tries here. PyTorch's defaults are
#   only a start: Adam's 0.001 cost two points in 30 epochs, SGD's 0.001 gave 26 %.
# - **Mini-batches of a few dozen**; a larger batch wants a larger η.
# - **A cosine schedule with a larger peak η** (3.5 times the best constant one) gained almost a point.
# - **Watch the validation loss**, stop where it is lowest, report the test set once; run several seeds.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10 · Try it
#
# Each setting retrains the network from the same initial weights (training solid, validation dashed). Right:
# the validation digits it gets wrong at the shown epoch; ▶ plays the epochs and the mistakes thin out. Try:
# - SGD at η = 0.0095, 0.53, 3;
# - Adam at η = 0.0095, constant against cosine;
# - b = 4 against b = 256 at the same η, then a larger η for b = 256.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
TrainingDemo()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11 · Exercises
#
# **Exercise.** Write the cosine schedule with linear warm-up yourself: for the first `warmup` epochs the factor
# rises linearly, $(e + 1)/\text{warmup}$; after that it follows the cosine over the remaining `epochs − warmup`
# epochs, starting at 1. The check compares your function with the reference for several runs, then trains the
# network with it through `run_epochs`.

# %% slideshow={"slide_type": "-"}
def my_warmup_cosine(epoch, epochs, warmup):
    ...


ex.check_warmup_cosine(my_warmup_cosine)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def my_warmup_cosine(epoch, epochs, warmup):
#     if epoch < warmup:
#         return (epoch + 1) / warmup
#     return 0.5 * (1.0 + math.cos(math.pi * (epoch - warmup) / (epochs - warmup)))
# ```
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the output delta by hand
#
# **Exercise.** A sample has the logits $z = (2, 1, 0)$ and belongs to class 0. What is $\partial L/\partial z_0$ of
# its cross-entropy? (Section 2: $\delta = o - y$.)

# %% slideshow={"slide_type": "-"}
ex.check_logit_gradient(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# $o_0 = e^2/(e^2 + e + 1) \approx 0.6652$ and $y_0 = 1$, so $\partial L/\partial z_0 = o_0 - y_0 \approx -0.3348$.
# `ex.check_logit_gradient(-0.3348)`
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): what the network gets wrong
#
# The validation images the first tuned Adam network (seed 1) gets wrong, with its answers:

# %% slideshow={"slide_type": "-"}
final = mlp.network_at(tuned["Adam"][0])
X_val, y_val = split["val"]
predicted = final.predict(X_val)
wrong_ones = np.flatnonzero(predicted != y_val)
print(f"{len(wrong_ones)} of {len(y_val)} validation images wrong; true -> predicted: "
      + ", ".join(f"{y_val[i]}->{predicted[i]}" for i in wrong_ones))

# %% slideshow={"slide_type": "subslide"}
shown_wrong = wrong_ones[:16]
fig, axes = plotting.new_figure(8, nrows=2, height=1.5, lecture_height=1.9)
for ax, i in zip(axes, shown_wrong, strict=False):
    ax.imshow(X_val[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(f"{y_val[i]} → {predicted[i]}")
for ax in axes:
    ax.set_axis_off()
plotting.show(fig, f"The first {len(shown_wrong)} misclassified validation digits as 8 by 8 pixel images, each "
              "titled true label, arrow, predicted label; four are 8s taken for 1s, drawn thin and upright, and "
              "several 5s are taken for 9s or a 6.")

# %% [markdown] slideshow={"slide_type": "-"}
# Several are hard for a person too at 8×8 pixels. Beating this takes more data or a network that knows about
# images (a convolutional one), not another optimiser.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): why a too-large learning rate kills the network
#
# Section 4 said too large a learning rate switches most ReLU units off for every image. Counted for SGD's runs
# of section 4 (a unit is *dead* when it is off for all 1,079 training images):

# %% slideshow={"slide_type": "-"}
for r in sweep["SGD"][6:9]:
    first = mlp.network_at(r)
    hidden = np.maximum(X_train @ first.weights[0].T + first.biases[0], 0.0)
    print(f"SGD eta = {r.lr:4.2f}: {int(np.sum(hidden.max(axis=0) == 0)):2d} of 32 hidden units dead, "
          f"validation accuracy {100 * r.val_accuracy[-1]:.1f} %")

# %% [markdown] slideshow={"slide_type": "-"}
# A dead unit gets no gradient (ReLU's slope is 0 where it is off), so no later step revives it; with all 32
# dead the output no longer depends on the image: a collapse to chance rather than a blow-up. Warm-up, which
# keeps the first steps small, is one guard against it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A classifier network: ReLU units, a softmax output and the cross-entropy, whose gradient at the logits is
#   $o - y$. It trains with the collection's step rules through the one runner, `run_epochs`.
# - Tune η per optimiser on validation data: one to two decades work, above them it collapses.
# - Tuned, the optimisers end within about a point of each other, no more than the spread between seeds.
# - Larger batches want larger η; a decaying schedule lets a larger peak η settle; the validation loss shows
#   overfitting first.
#
# ### Further reading
#
# - *Dive into Deep Learning*, 12.11 "Learning Rate Scheduling": [d2l.ai](https://d2l.ai/chapter_optimization/lr-scheduler.html).
# - I. Loshchilov, F. Hutter, "SGDR" (ICLR 2017), the cosine; P. Goyal et al., "Accurate, Large Minibatch SGD"
#   (2017), η grown with the batch, and warm-up.
# - [torch.optim](https://pytorch.org/docs/stable/optim.html) and its schedulers.
# - The data: E. Alpaydin, C. Kaynak, *Optical Recognition of Handwritten Digits*, UCI Machine Learning Repository
#   (1998), [archive.ics.uci.edu](https://archive.ics.uci.edu/ml/datasets/optical+recognition+of+handwritten+digits);
#   its test file, as scikit-learn's `load_digits` also ships it.
#
# This is the last notebook of the collection. [Back to the overview](../README.md)
