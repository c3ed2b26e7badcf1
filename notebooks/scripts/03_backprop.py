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
# # 03 · Backpropagation in a small sigmoid network
#
# Gradient descent needs the gradient of the error with respect to *every* weight of a network.
# Backpropagation computes all of them with one pass forward through the network and one pass backward,
# applying the chain rule layer by layer. This notebook takes the lecture's network (one hidden layer of
# sigmoid units) through both phases for one sample by hand, checks the result against finite differences,
# shows why those are too expensive to train with, and trains the network on XOR and two moons.
#
# **You will learn**
# - the forward and the backward phase for one sample, and the deltas of the output and the hidden layer;
# - the chain rule ∂E/∂w = ∂E/∂a · ∂a/∂z · ∂z/∂w with ∂a/∂z = λ·a(1 − a), and why the output
#   layer's ∂E/∂o is (o − y);
# - to check a gradient against finite differences, and why backpropagation (two passes) beats them (one or
#   two passes *per weight*);
# - training with momentum $\Delta w_t = -\eta\, \partial E/\partial w + \mu \Delta w_{t-1}$, and to write a central-difference
#   gradient yourself; the optional part adds backpropagation in matrix form for any number of layers.
#
# **Time:** about 60 minutes, exercises included ("Going further" sections are optional). · [Overview](../README.md)
# · [Lecture plan](../docs/lecture-plan.md#03-backprop) · Previous: [02 · the quartic](02_quartic.ipynb) · Next: [04 · SGD and mini-batches](04_minibatch.ipynb)

# %% slideshow={"slide_type": "-"}
import math
import time

import numpy as np

import helpers
from helpers import data, plotting
from helpers import network as nw
from helpers.demos.backprop import NetworkDemo
from helpers.exercises import backprop as ex

helpers.check_version("0.2.0")  # one line of output only if the installed helpers are another version
helpers.use_house_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · The network and its unit
#
# Every unit of the lecture's network computes a weighted sum of its inputs and squashes it with a
# sigmoid of steepness λ; we call its output $a$ (the lecture writes $y$, but here $y$ is always a target):
#
# $$z = \sum_{i=0}^{m} w_i x_i, \qquad a = \frac{1}{1 + e^{-\lambda z}} .$$
#
# The term with x₀ = 1 is the unit's bias; below it is written separately as b, so z = Σ wᵢxᵢ + b.
# The network has two inputs, one hidden layer of sigmoid units (its width is a parameter) and one
# sigmoid output o. Over a data set of n samples with targets yᵢ its error is
#
# $$E = \frac{1}{2}\sum_{i} (y_i - o_i)^2 .$$
#
# > **Note — notation.** Three symbols mean something else elsewhere. **λ** is the sigmoid's steepness here, as on
# > the lecture's slide; on its x² slide it is the learning rate, in notebooks 04–06 a curvature. The learning
# > rate is always **η** here.
# > **E** = ½Σ(yᵢ − oᵢ)² is a *sum* with a ½; notebook 04's L = (1/n)Σ(yᵢ − ŷᵢ)² is a *mean*: ∇E = (n/2)·∇L, so
# > η = 1 here on XOR's 4 samples is η = 2 on their mean squared error. **Iteration and epoch** (the lecture
# > uses both words for one thing): an *iteration* is one update of the weights, an *epoch* one pass over all
# > the samples.
#
# The sigmoid's **derivative** is da/dz = λ·a(1 − a), in terms of the output a that the forward pass already
# computed: largest at z = 0, where it is λ/4, and vanishing where the unit saturates. (`helpers.network.sigmoid`
# never overflows, even at z = ±10⁴; an optional section shows why that needs care.)

# %% slideshow={"slide_type": "-"}
z = np.array([-1e4, -30.0, -2.0, 0.0, 2.0, 30.0, 1e4])
a = nw.sigmoid(z, lam=1.0)
print("    z        sigmoid(z)    λ·a(1−a)")
for zi, ai, di in zip(z, a, nw.sigmoid_derivative(a, lam=1.0), strict=True):
    print(f"{zi:9.0f}   {ai:.6e}   {di:.3e}")

# %% slideshow={"slide_type": "subslide"}
fig, (left, right) = plotting.new_figure(2, width=11.0, height=3.8)
zz = np.linspace(-6, 6, 401)
for lam in (0.5, 1.0, 2.0, 5.0):
    aa = nw.sigmoid(zz, lam)
    left.plot(zz, aa, label=f"λ = {lam:g}")
    right.plot(zz, nw.sigmoid_derivative(aa, lam), label=f"λ = {lam:g}")
left.set(xlabel="z", ylabel="a = 1/(1 + e^(−λz))", title="the sigmoid: steeper for larger λ")
right.set(xlabel="z", ylabel="da/dz = λ·a(1 − a)", title="its slope: at most λ/4")
left.legend()
plotting.show(fig, "Left: sigmoid curves for lambda 0.5, 1, 2 and 5, all through 0.5 at z = 0, steeper for "
              "larger lambda. Right: their derivatives, bell-shaped with peak lambda/4 at z = 0, narrower and "
              "taller for larger lambda, close to zero for |z| beyond a few units.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · One sample through the forward and the backward phase
#
# A network with 2 inputs, 3 hidden units and λ = 1, with random weights from a seeded generator, and
# one sample of the XOR problem: x = (1, 0) with target y = 1.
#
# **Forward phase** (the lecture's slide): the input is fed into the input neurons; the values are
# propagated with the current weights to the next layer; the predicted output is compared with the
# target and the error is determined.

# %% slideshow={"slide_type": "-"}
net = nw.Network.random(2, 3, lam=1.0, rng=np.random.default_rng(3))
(W1, b1), (W2, b_out) = net.layers  # weights (inputs × units) and biases of the hidden and the output layer
w2, b2, lam = W2[:, 0], b_out[0], net.lam
x, target = np.array([1.0, 0.0]), 1.0

# forward phase, one unit at a time (the plain formula is fine here: these z are small)
z_hidden = [sum(W1[i, j] * x[i] for i in range(2)) + b1[j] for j in range(3)]
h = [1 / (1 + math.exp(-lam * zj)) for zj in z_hidden]
z_out = sum(w2[j] * h[j] for j in range(3)) + b2
o = 1 / (1 + math.exp(-lam * z_out))
E = 0.5 * (target - o) ** 2

print("hidden net inputs z_j:", "  ".join(f"{v:+.4f}" for v in z_hidden))
print("hidden outputs h_j:   ", "  ".join(f"{v:.4f}" for v in h))
print(f"output: z_out = {z_out:+.4f}, o = {o:.4f};  target y = {target:g};  E = ½(y − o)² = {E:.4f}")

# %% [markdown] slideshow={"slide_type": "-"}
# **Backward phase.** The error estimate travels from the output back to the earlier layers. For a
# weight w feeding a unit with net input z and output a, the chain rule splits the derivative in three
# (the lecture's slide, with its y written a):
#
# $$\frac{\partial E}{\partial w} = \frac{\partial E}{\partial a}\cdot\frac{\partial a}{\partial z}\cdot
# \frac{\partial z}{\partial w}, \qquad \frac{\partial z}{\partial w} = x, \qquad
# \frac{\partial a}{\partial z} = \lambda\, a\,(1 - a).$$
#
# Only the first factor differs between the layers. The product of the first two, δ = ∂E/∂z, is the
# unit's **delta**:
#
# - output unit: ∂E/∂o = o − y, so δₒ = (o − y)·λ·o(1 − o);
# - hidden unit j: ∂E/∂hⱼ = Σ over the next layer of (its delta × the weight from j to it); with
#   one output that is δₒ·w₂ⱼ, so δⱼ = δₒ·w₂ⱼ·λ·hⱼ(1 − hⱼ).
#
# Every weight's derivative is then the delta of the unit it feeds times the input it carries.
#
# > **Note — a sign in the lecture.** The slide gives the output layer's derivative as (yᵢ − oᵢ).
# > For E = ½(y − o)² the derivative is ∂E/∂o = **(o − y)**; (y − o) is its negative, the direction
# > in which the output should move (the descent direction). Either way the chain rule still
# > multiplies by the sigmoid's slope λ·o(1 − o) and by the input of the weight.

# %% slideshow={"slide_type": "-"}
# backward phase
dE_do = o - target                # ∂E/∂o for E = ½(y − o)²
do_dz = lam * o * (1 - o)         # ∂o/∂z_out = λ·o(1 − o)
delta_out = dE_do * do_dz         # δ_out = ∂E/∂z_out
grad_w2 = [delta_out * h[j] for j in range(3)]   # ∂z_out/∂w2_j = h_j
grad_b2 = delta_out                              # ∂z_out/∂b2 = 1

dE_dh = [delta_out * w2[j] for j in range(3)]    # Σ over the next layer of delta × weight (one output)
delta_hidden = [dE_dh[j] * lam * h[j] * (1 - h[j]) for j in range(3)]
grad_W1 = [[delta_hidden[j] * x[i] for j in range(3)] for i in range(2)]   # ∂z_j/∂W1[i, j] = x_i
grad_b1 = delta_hidden

def fmt(values):
    return "  ".join(f"{v + 0.0:+.5f}" for v in values)  # + 0.0 prints −0.0 as +0.0


print(f"delta_out = ({o:.4f} − {target:g}) · {lam:g}·{o:.4f}·(1 − {o:.4f}) = {delta_out:+.5f}")
print("delta_hidden: ", fmt(delta_hidden))
print("∂E/∂w2:       ", fmt(grad_w2), f"   ∂E/∂b2: {grad_b2:+.5f}")
for i in range(2):
    print(f"∂E/∂W1[{i}, :]:", fmt(grad_W1[i]))

# %% [markdown] slideshow={"slide_type": "-"}
# The input x₂ = 0 makes the second row of ∂E/∂W1 zero: a weight whose input is zero does not change
# E for this sample. The tested implementation, `helpers.network.backward`, does the same for a whole
# batch of samples at once and for any number of layers, with arrays instead of loops (the optional part
# at the end derives it in matrix form). On this sample it agrees with the loops:

# %% slideshow={"slide_type": "-"}
g = net.gradient(x, target)  # backpropagation by helpers: every ∂E/∂w of this network in one vector
mine = np.concatenate([np.ravel(grad_W1), grad_b1, grad_w2, [grad_b2]])
print("the loops above and helpers agree to 12 digits:", np.allclose(mine, g, rtol=1e-12, atol=1e-15))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Checking the gradient with finite differences
#
# The lecture's *general definition*: the gradient is the vector of all partial derivatives,
# $\nabla E = (\partial E/\partial w_1, \dots, \partial E/\partial w_m)$, and each can be approximated by nudging one weight,
#
# $$\frac{\partial E}{\partial w_k} \approx \frac{E(\dots, w_k + \varepsilon, \dots) - E(\dots, w_k, \dots)}{\varepsilon}
# \quad\text{(forward difference)}, \qquad
# \frac{E(\dots, w_k + \varepsilon, \dots) - E(\dots, w_k - \varepsilon, \dots)}{2\varepsilon}
# \quad\text{(central difference)}.$$
#
# Slow, but simple enough to trust: the standard check of a backpropagation code.
# We compare whole gradient vectors by the relative error $\|g_\text{backprop} - g_\text{numeric}\| / \max(\|g_\text{backprop}\|, \|g_\text{numeric}\|)$:
# in double precision the forward difference gets to about 1e−8 at best, central differences to
# about 1e−10, and a wrong formula gives something near 1. (The same slide calls its loss the RMSE; notebook 04
# corrects that.)

# %% slideshow={"slide_type": "-"}
# The errors are rounding noise, whose last digits differ from one processor to the next: print their size.
print("network   λ     samples   parameters   rel. error, forward (ε = 1e-7)   rel. error, central (ε = 1e-5)")
for seed, (n_in, hidden, lam) in enumerate([(2, 3, 1.0), (2, 8, 0.5), (3, 5, 2.0), (4, 10, 1.0), (5, 16, 3.0)]):
    rng = np.random.default_rng(seed)
    net_k = nw.Network.random(n_in, hidden, lam=lam, scale=1.0 / lam, rng=rng)
    X_k, y_k = rng.standard_normal((20, n_in)), rng.uniform(0.0, 1.0, 20)
    g_bp = net_k.gradient(X_k, y_k)
    forward = nw.relative_error(g_bp, nw.numerical_gradient(net_k, X_k, y_k, method="forward"))
    central = nw.relative_error(g_bp, nw.numerical_gradient(net_k, X_k, y_k, method="central"))
    size_f = "below 1e-7" if forward < 1e-7 else f"{forward:.0e}"
    size_c = "below 1e-9" if central < 1e-9 else f"{central:.0e}"
    print(f"{f'{n_in}-{hidden}-1':<9} {lam:<5g} {20:^9} {net_k.n_params:^12} {size_f:^32} {size_c:^31}")

# %% [markdown] slideshow={"slide_type": "-"}
# Backpropagation agrees with central differences to nine or ten digits on every network. (The weights
# have standard deviation 1/λ, so that λz stays of order one: with saturated units the gradient is tiny and
# any numerical estimate's *relative* error grows.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cost argument
#
# Each finite-difference estimate needs extra evaluations of E, i.e. forward passes over the data.
#
# **Predict** before you read on: how many forward passes does a *central*-difference gradient of a network
# with 2 inputs, 8 hidden units and one output need? Answer with a whole number.

# %% slideshow={"slide_type": "-"}
ex.check_forward_passes(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# 2·8 weights into the hidden layer, 8 hidden biases, 8 weights into the output and 1 output bias:
# 33 parameters, two passes each, 66 forward passes (backpropagation: one forward and one backward).
# `ex.check_forward_passes(66)`
# </details>
#
# Forward differences need one pass per parameter plus one, central differences two per parameter;
# backpropagation gets *all* partial derivatives from one forward and one backward pass (which costs one or
# two forward passes). With 2 inputs and H hidden units there are H·(2 + 2) + 1 parameters:

# %% slideshow={"slide_type": "-"}
print(" hidden   parameters   forward diff.   central diff.   backpropagation")
for hidden in (2, 8, 32, 128, 512):
    n_params = nw.Network.random(2, hidden, rng=np.random.default_rng(0)).n_params
    print(f"{hidden:7d}   {n_params:10d}   {nw.forward_passes(n_params, 'forward'):13d}   "
          f"{nw.forward_passes(n_params, 'central'):13d}   1 forward + 1 backward")


# %% [markdown] slideshow={"slide_type": "-"}
# For the lecture's network of 100 000 weights that is about 10⁵ passes over the data per gradient against
# 2 to 3: a factor of tens of thousands, for every single gradient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Training
#
# The lecture's recipe: *in each iteration take the i-th input vector*, pass it forward, compare oᵢ
# with yᵢ, and update the weights with learning rate η. That is **per-sample** training: n updates per
# pass over the data (an *epoch*), each with the gradient of Eᵢ = ½(yᵢ − oᵢ)². **Full-batch** training
# makes one update per epoch with the gradient of the whole E = Σᵢ Eᵢ, the sum of the per-sample
# gradients.
#
# > **Note — the momentum formula.** The slide writes $W_{i+1} = -\eta\, \partial E/\partial W_i + \mu W_i$. As printed, the
# > new weights forget the old ones (there is no $W_i + \dots$), and $\mu W_i$ shrinks the weights instead of
# > adding memory. The momentum update keeps the previous *step* Δw:
# > $$\Delta w_t = -\eta\,\frac{\partial E}{\partial w} + \mu\,\Delta w_{t-1}, \qquad w \leftarrow w + \Delta w_t .$$
#
# > **Note — ahead of the story.** Like the lecture's slide, this section trains with momentum before it has
# > been explained (notebook 05 does), and per sample (notebook 04 explains why that works). Here, read μ = 0 as
# > plain gradient descent and μ = 0.9 as "keep 90 % of the last step".
#
# As an update rule (notebook 01's form: parameters, the optimiser's state, the gradient and the
# hyper-parameters in; new parameters and state out), the state being the last step Δw:

# %% slideshow={"slide_type": "-"} tags=["step-rule"]
def momentum_delta(w, dw, grad, lr, mu):
    """Δw ← −η·∂E/∂w + μ·Δw, then w ← w + Δw."""
    dw = -lr * grad + mu * dw
    return w + dw, dw


# %% [markdown] slideshow={"slide_type": "-"}
# Per-sample training with it, in plain lines:

# %% slideshow={"slide_type": "-"}
def train_per_sample(net, X, y, lr, mu, epochs):
    w = net.vector()
    dw = np.zeros_like(w)
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):              # "take the i-th input vector"
            g = net.with_vector(w).gradient(x_i, y_i)        # forward + backward pass for sample i
            w, dw = momentum_delta(w, dw, g, lr, mu)         # Δw_t = −η ∂E/∂w + μ Δw_{t−1}; w ← w + Δw_t
    return net.with_vector(w)


X_xor, y_xor = data.xor()
XOR = ex.XOR_RUN
start = nw.Network.random(2, XOR["hidden"], lam=1.0, rng=np.random.default_rng(XOR["seed"]))
plain = train_per_sample(start, X_xor, y_xor, XOR["lr"], XOR["momentum"], epochs=50)
history = nw.train(start, X_xor, y_xor, lr=XOR["lr"], momentum=XOR["momentum"], epochs=50, mode="sample")
print("after 50 epochs, the plain loop and helpers.network.train agree to 12 digits:",
      np.allclose(plain.vector(), nw.network_at(history).vector(), rtol=1e-12, atol=1e-12))

# %% [markdown] slideshow={"slide_type": "-"}
# Now the full XOR run of this notebook: 4 hidden units, λ = 1, η = 1, μ = 0.9, 300 epochs, weights
# from seed 0. `helpers.network.train` runs the same update rule over the epochs and returns a run record with
# the weights after every epoch, the error E (`losses`) and the accuracy (the fraction of samples on the right side of o = ½).

# %% slideshow={"slide_type": "-"}
xor_run = nw.train(start, X_xor, y_xor, lr=XOR["lr"], momentum=XOR["momentum"], epochs=XOR["epochs"],
                   mode="sample")
print(f"E: {xor_run.losses[0]:.4f} at the start -> {xor_run.losses[-1]:.6f} after {xor_run.epochs} epochs "
      f"({xor_run.updates} updates)")
print(f"accuracy: {100 * xor_run.accuracy[-1]:.0f} %, first reached at epoch {nw.first_epoch_solved(xor_run)}")
for corner, target, out in zip(X_xor, y_xor, nw.network_at(xor_run).predict(X_xor), strict=True):
    print(f"x = ({corner[0]:g}, {corner[1]:g})   y = {target:g}   o = {out:.4f}")

# %% [markdown] slideshow={"slide_type": "-"}
# **Two moons.** 100 points of two interleaving half circles (seeded, shuffled once so that the
# per-sample pass does not see all of one class first), 8 hidden units, η = 0.1, μ = 0.9, 200 epochs.
# The colour shows the network's output o over the plane: blue where it says class 0, orange where
# it says class 1, white on the decision boundary o = ½.

# %% slideshow={"slide_type": "subslide"} tags=["gallery"]
rng = np.random.default_rng(3)
X_moons, y_moons = data.two_moons(100, noise=0.15, rng=rng)
order = rng.permutation(100)
X_moons, y_moons = X_moons[order], y_moons[order]

start_moons = nw.Network.random(2, 8, lam=1.0, rng=np.random.default_rng(3))
moons_runs = {mode: nw.train(start_moons, X_moons, y_moons, lr=0.1, momentum=0.9, epochs=200, mode=mode)
              for mode in ("batch", "sample")}
for mode, run in moons_runs.items():
    print(f"{mode:<6}  E: {run.losses[0]:7.3f} -> {run.losses[-1]:.4f}   accuracy {100 * run.accuracy[-1]:.0f} %")


def draw_output(ax, run, X, y, view, title):
    x0, x1, y0, y1 = view
    gx, gy = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
    o = nw.network_at(run).predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, o, levels=np.linspace(0, 1, 11), cmap=plotting.PROBABILITY_CMAP)  # bands of 0.1 in o
    ax.contour(gx, gy, o, levels=[0.5], colors=plotting.CURVE, linewidths=1.5)
    style = {"s": 40, "edgecolors": "black", "linewidths": 0.6}
    ax.scatter(*X[y < 0.5].T, marker="o", color=plotting.OKABE_ITO["blue"], label="class 0", **style)
    ax.scatter(*X[y >= 0.5].T, marker="^", color=plotting.OKABE_ITO["vermillion"], label="class 1", **style)
    ax.set(xlabel="x₁", ylabel="x₂", title=title)
    ax.grid(False)


fig, axes = plotting.new_figure(3, height=4.0)
draw_output(axes[0], xor_run, X_xor, y_xor, (-0.5, 1.5, -0.5, 1.5), "XOR, per-sample")
axes[0].set(xticks=[0, 0.5, 1], yticks=[0, 0.5, 1])
draw_output(axes[1], moons_runs["batch"], X_moons, y_moons, (-1.6, 2.6, -1.5, 1.6), "two moons, full batch")
axes[1].legend(loc="lower left", ncols=2, handletextpad=0.1, columnspacing=0.6)
for (mode, run), color in zip(moons_runs.items(), plotting.CYCLE, strict=False):
    axes[2].semilogy(run.losses, color=color, label="full-batch" if mode == "batch" else "per-sample")
axes[2].set(xlabel="epoch", ylabel="E = ½ Σ (yᵢ − oᵢ)²", title="two moons: error")
axes[2].legend()
plotting.show(fig, "Left: XOR output map, a diagonal orange band through the corners (0,1) and (1,0) between "
              "two blue regions holding (0,0) and (1,1): all four corners on the right side. Middle: two moons "
              "output map with a curved boundary that follows the gap between the half circles. Right: error "
              "curves of the two moons runs on a log scale, both falling from about 22 to about 0.05; the "
              "per-sample run leaves the first plateau sooner.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Try it
#
# A change of a training setting retrains from the same seeded start (per sample on two moons: half a second
# or more); **show epoch** and ▶ Play replay the run, so you can watch the boundary form. Things to look for:
# - two moons, full-batch, μ = 0.9 against μ = 0: without momentum the boundary is still almost a
#   straight line after 200 epochs (88 % right); with it, it bends around the moons;
# - per-sample, η = 0.1, then 1, then 1.5: faster and faster, until the first steps drive every unit
#   into saturation and the run stalls at E = 25 with every output the same (the readout says so);
# - λ = 5 or more stalls in the same way; λ = 0.05 barely moves at all (the optional exercise at the end asks why);
# - XOR with a single hidden unit: one unit draws one straight boundary, and no straight line
#   separates XOR, however long it trains. With 2 units and 500 epochs it works.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
NetworkDemo()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · Exercises
#
# Replace each `...` with your answer and run the cell; the check says whether it is right and why.
#
# **Exercise 1.** An output unit with λ = 2 gives o = 0.8 for a sample whose target is y = 1. Compute
# its delta $\delta_o = \partial E/\partial z_\text{out}$ for $E = \frac{1}{2}(y - o)^2$, by hand.

# %% slideshow={"slide_type": "-"}
ex.check_output_delta(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# δₒ = (o − y)·λ·o(1 − o) = (0.8 − 1)·2·0.8·0.2 = −0.064. `ex.check_output_delta(-0.064)`
# </details>
#
# **Exercise 2.** A hidden unit of the same network has output h = 0.5 and is connected to that
# output unit with weight w = 1.5. Compute its delta δ = ∂E/∂z (same λ = 2).

# %% slideshow={"slide_type": "-"}
ex.check_hidden_delta(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ∂E/∂h = δₒ·w = −0.064·1.5 = −0.096; times the unit's slope λ·h(1 − h) = 2·0.5·0.5 = 0.5 gives
# δ = −0.048. `ex.check_hidden_delta(-0.048)`
# </details>
#
# **Exercise 3 (code).** Write the central-difference gradient: for a function `E` of a parameter vector `w`
# (a numpy array), return the vector of $\big(E(w + \varepsilon e_k) - E(w - \varepsilon e_k)\big)/(2\varepsilon)$, nudging one weight k
# at a time and leaving `w` itself unchanged. The check runs it on four functions, the last one a network's
# error `lambda v: net.with_vector(v).error(X, Y)`, and compares that gradient with backpropagation.

# %% slideshow={"slide_type": "-"}
def central_difference(E, w, eps):
    ...


ex.check_central_difference(central_difference)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def central_difference(E, w, eps):
#     grad = np.zeros_like(w)
#     for k in range(len(w)):
#         plus, minus = w.copy(), w.copy()
#         plus[k] += eps
#         minus[k] -= eps
#         grad[k] = (E(plus) - E(minus)) / (2 * eps)
#     return grad
# ```
#
# Two passes per weight: this is the 2·(number of parameters) of the cost argument.
# </details>
#

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): the sigmoid without overflow
#
# Written literally, $1/(1 + e^{-\lambda z})$ needs $e^{1000}$ for $\lambda z = -1000$, which overflows, and the
# derivative written as $\lambda e^{-\lambda z}/(1 + e^{-\lambda z})^2$ becomes $\infty/\infty = \text{nan}$.
# `helpers.network.sigmoid` only evaluates $e^{-\lambda|z|} \le 1$, in $1/(1 + e^{-\lambda|z|})$ or the equal
# $e^{-\lambda|z|}/(1 + e^{-\lambda|z|})$:

# %% slideshow={"slide_type": "-"}
z = -1000.0
with np.errstate(over="ignore", invalid="ignore"):  # the naive formulas, with numpy's warnings silenced
    e = np.exp(-z)
    print(f"at z = {z:g}: e^(-z) = {e}, e^(-z)/(1+e^(-z))^2 = {e / (1 + e) ** 2}")
a = nw.sigmoid(z)
print(f"at z = {z:g}: helpers' sigmoid = {a}, λ·a(1−a) = {nw.sigmoid_derivative(a)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): per sample or full batch, with or without momentum
#
# Not needed for notebook 04, which takes up the first question. Per-sample against full-batch updates of
# section 4's XOR network, each with and without momentum, from the same start.
#
# **Predict** before you run it: without momentum (μ = 0) and with the same η = 1, per-sample training makes
# 4 updates per epoch on XOR and full-batch training one. Which reaches E < 0.1 in fewer epochs? Answer
# `"per-sample"`, `"full-batch"` or `"about the same"` (within 10 %).

# %% slideshow={"slide_type": "-"}
ex.check_sample_or_batch(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# About the same: the next table's first column. A full-batch step follows the gradient of E = Σᵢ Eᵢ, the sum of
# the four per-sample gradients, so for small η one full-batch epoch moves the weights about as far as one
# per-sample epoch of four small steps, each along one of those gradients. `ex.check_sample_or_batch("about the same")`
# </details>

# %% slideshow={"slide_type": "subslide"}
settings = [("sample", 0.0), ("sample", 0.9), ("batch", 0.0), ("batch", 0.9)]
xor_runs = {s: nw.train(start, X_xor, y_xor, lr=XOR["lr"], momentum=s[1], epochs=XOR["epochs"], mode=s[0])
            for s in settings}
print("updates     μ     E < 0.1 from epoch   E after 300 epochs   all four right from epoch")
for (mode, mu), run in xor_runs.items():
    below, first = np.flatnonzero(run.losses < 0.1), nw.first_epoch_solved(run)
    print(f"{mode:<10} {mu:4.1f}   {below[0] if below.size else 'never':>18}   {run.losses[-1]:18.6f}   "
          f"{'never' if first is None else first:>10}")

fig, ax = plotting.new_figure(width=9.0, height=4.2)
for ((mode, mu), run), color in zip(xor_runs.items(), plotting.CYCLE, strict=False):
    ax.semilogy(np.maximum(run.losses, 1e-12), color=color, ls="-" if mu else "--",
                label=f"{'per-sample' if mode == 'sample' else 'full-batch'}, μ = {mu:g}")
ax.set(xlabel="epoch", ylabel="E = ½ Σ (yᵢ − oᵢ)²", title="XOR, η = 1: error per epoch")
ax.legend()
plotting.show(fig, "Error against epoch on a log scale for four XOR runs. Both runs with momentum 0.9 leave the "
              "plateau at E = 0.5 within 30 to 70 epochs and end near 0.001; the two runs without momentum, "
              "per-sample and full-batch, nearly coincide and stay on the plateau for about 150 epochs, ending "
              "near 0.05.")

# %% [markdown] slideshow={"slide_type": "-"}
# Without momentum both reach E < 0.1 after about 240 epochs, as predicted. Being on the right side of ½ is
# another matter: the per-sample run has all four corners right from epoch 34, while its error still sits
# on the plateau near 0.5 (outputs just past ½ count as right), the full-batch run only from epoch 150.
#

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): when training stalls
#
# **Exercise.** Find a steepness λ at which the notebook's XOR training (4 hidden units, η = 1,
# μ = 0.9, 300 epochs, seed 0) stalls, and explain why it does. You may try values with
# `ex.xor_history(lam)` or in the widget (data XOR, per-sample, η = 1, 4 hidden units) first.

# %% slideshow={"slide_type": "-"}
ex.check_stalling_lambda(...)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# Two ways, e.g. λ = 10 or λ = 0.1 (`ex.check_stalling_lambda(10)`).
#
# - **Large λ** (here from about 3): the weighted sums are multiplied by λ, the first updates are
#   large, and the outputs are driven to 0 or 1, on the wrong side for some corners. There the slope
#   λ·o(1 − o) is practically zero, and every delta is multiplied by it: the gradient vanishes while
#   the error is still large. This is the *saturation* that makes deep sigmoid networks hard to train.
# - **Small λ** (here below about 0.4): the sigmoid is nearly flat, every output stays near ½, and the
#   gradient carries the factor λ for the output weights and λ² for the hidden weights: the steps are
#   too small to leave the start in 300 epochs.
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): backpropagation in matrix form
#
# Not needed for notebook 04. It uses matrix products (rows times columns, `@` in numpy).
#
# The network of section 2 has one hidden layer and one output, so a hidden unit's $\partial E/\partial h_j$ was a single term,
# $\delta_o w_{2j}$. In general a unit feeds *every* unit of the next layer, and its error signal is the sum over
# them, $\partial E/\partial a_j = \sum_k \delta_k\, w_{jk}$. Written for a whole layer and a whole batch at once (samples
# in the rows of $A^{l}$, the outputs of layer $l$; $A^0 = X$), with the matrix products this sum becomes:
#
# $$Z^{l} = A^{l-1} W^{l} + b^{l}, \quad A^{l} = \sigma(Z^{l}), \qquad
# \delta^{L} = (A^{L} - Y) \odot \lambda A^{L}(1 - A^{L}), \qquad
# \delta^{l} = \big(\delta^{l+1} (W^{l+1})^{\mathsf T}\big) \odot \lambda A^{l}(1 - A^{l}),$$
#
# $$\frac{\partial E}{\partial W^{l}} = (A^{l-1})^{\mathsf T} \delta^{l}, \qquad
# \frac{\partial E}{\partial b^{l}} = \text{the sum of the rows of } \delta^{l} .$$
#
# ($\odot$ multiplies elementwise. Books that store samples as columns write the same rule as
# $\delta^{l} = (W^{l+1})^{\mathsf T} \delta^{l+1} \odot \sigma'(z^{l})$.) Here it is on a network with 2 inputs, two hidden layers of 3
# and 2 units and 2 outputs, for five samples, checked against helpers and against central differences:

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(5)
net2 = nw.Network.random(2, (3, 2), n_out=2, rng=rng)              # 2 inputs → 3 → 2 hidden units → 2 outputs
X2, Y2 = rng.standard_normal((5, 2)), rng.uniform(0.0, 1.0, (5, 2))  # five samples, two targets each
lam2 = net2.lam

A = [X2]                                         # forward phase, a whole layer at a time: A[k] = outputs of layer k
for W, b in net2.layers:
    A.append(nw.sigmoid(A[-1] @ W + b, lam2))
delta = (A[-1] - Y2) * lam2 * A[-1] * (1 - A[-1])   # δ of the output layer: one row per sample, one column per unit
grads = []
for k in range(len(net2.layers), 0, -1):         # backward phase, from the output layer back
    W = net2.layers[k - 1][0]
    grads.insert(0, (A[k - 1].T @ delta, delta.sum(axis=0)))        # ∂E/∂W = Aᵀδ, ∂E/∂b = sum of δ's rows
    print(f"layer {k}: δ {delta.shape} (samples × units), W and ∂E/∂W {W.shape} (inputs × units)")
    if k > 1:                                                       # δ of layer k − 1: passed back along W,
        delta = (delta @ W.T) * lam2 * A[k - 1] * (1 - A[k - 1])   # times the slope λ·a(1 − a)

grad_matrix = np.concatenate([g.ravel() for pair in grads for g in pair])
by_helpers = nw.backward(net2.layers, lam2, X2, Y2)  # the tested implementation, layer by layer
print(f"\n{net2.n_params} parameters; matrix form and helpers.network.backward agree to 12 digits:",
      all(np.allclose(g, h, rtol=1e-12, atol=1e-15) for pair, ref in zip(grads, by_helpers, strict=True)
          for g, h in zip(pair, ref, strict=True)))
rel = nw.relative_error(grad_matrix, nw.numerical_gradient(net2, X2, Y2, method="central"))
print("relative error against central differences:", "below 1e-9" if rel < 1e-9 else f"{rel:.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise (code).** Many networks use the unit $a = \tanh(z)$ instead of the sigmoid: outputs between −1 and 1,
# slope $\mathrm{d}a/\mathrm{d}z = 1 - \tanh^2(z) = 1 - a^2$. Write the backward step of a hidden layer of tanh units: given the
# deltas of the next layer `delta_next` (one row per sample, one column per unit of layer $l + 1$), the weights
# `W_next` from layer $l$ to layer $l + 1$ and the outputs `a` of layer $l$, return $\delta^{l}$. The check runs it on
# three layers, then inside a whole backward pass of a small tanh network, against central differences.

# %% slideshow={"slide_type": "-"}
def tanh_deltas(delta_next, W_next, a):
    ...


ex.check_tanh_deltas(tanh_deltas)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def tanh_deltas(delta_next, W_next, a):
#     return (delta_next @ W_next.T) * (1 - a * a)
# ```
#
# `delta_next @ W_next.T` is, for every sample and every unit j of layer l, the sum $\sum_k \delta_k w_{jk}$ over the
# units k that j feeds, as for the sigmoid; only the slope changes, from λ·a(1 − a) to 1 − a².
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): how small should ε be?
#
# Not needed for notebook 04: section 3 used the defaults ε = 1e−7 (forward) and 1e−5 (central); this
# section shows why those.
#
# **How small should ε be?** Two errors pull in opposite directions. The *truncation* error of the
# formula falls with ε (like ε for the forward difference, ε² for the central one); the *round-off*
# error grows like $\varepsilon_\text{mach} \cdot E/\varepsilon$, because $E(w + \varepsilon)$ and $E(w)$ agree in more and more leading digits. The
# best ε balances them: of the order of $\sqrt{\varepsilon_\text{mach}} \approx \text{1e-8}$ for forward and $\sqrt[3]{\varepsilon_\text{mach}} \approx \text{6e-6}$ for central
# differences ($\varepsilon_\text{mach} \approx \text{2.2e-16}$), shifted a little by the sizes of E and of its derivatives.

# %% slideshow={"slide_type": "subslide"}
rng = np.random.default_rng(7)
net_c = nw.Network.random(3, 4, rng=rng)
X_c, y_c = rng.standard_normal((20, 3)), rng.uniform(0.0, 1.0, 20)
g_bp = net_c.gradient(X_c, y_c)
eps_values = helpers.log_grid(1e-14, 0.1, 53)  # as np.logspace(-14, -1, 53), the same bits on every processor
errs = {m: [nw.relative_error(g_bp, nw.numerical_gradient(net_c, X_c, y_c, method=m, eps=e)) for e in eps_values]
        for m in ("forward", "central")}

fig, ax = plotting.new_figure(width=9.0, height=4.6)
colors = {"forward": plotting.OKABE_ITO["blue"], "central": plotting.OKABE_ITO["vermillion"]}
for m, values in errs.items():
    ax.loglog(eps_values, values, "o-", ms=4, color=colors[m], label=f"{m} difference")
ax.loglog(eps_values, 1e-14 / eps_values, "--", color=plotting.CURVE, lw=1, label="slope −1: round-off ∝ 1/ε")
ax.text(8e-2, 3e-11, "truncation:\n∝ ε (forward)\n∝ ε² (central)", ha="right", va="bottom")
ax.text(1e-13, 1e-10, "round-off\ndominates", ha="left")
ax.set(xlabel="step ε", ylabel="relative error against backprop", ylim=(1e-12, 1),
       title="finite differences: error against the step ε")
ax.legend(loc="upper center")
plotting.show(fig, "Log-log plot of the relative error of forward and central differences against the step "
              "epsilon from 1e-14 to 0.1. Both curves are V-shaped: on the right the error falls as epsilon "
              "shrinks (slope 1 for forward, slope 2 for central), on the left both rise together with slope -1 "
              "as round-off takes over. The forward difference is best near 1e-7, the central one near 1e-5, "
              "about two orders of magnitude more accurate.", cpu_dependent=(ax, (1e-15, 1e-4)))
# Where exactly the minimum falls, and each point left of it, is rounding noise that differs from one
# processor to another (the stored figure is checked right of ε = 1e-4 only); the trend is not.
expected = {"forward": (1e-7, 1e-8, 1e-6), "central": (1e-9, 1e-6, 1e-4)}  # error below, best ε from, to
for m, values in errs.items():
    best = int(np.argmin(values))
    bound, low, high = expected[m]
    print(f"{m:<8} difference: smallest relative error below {bound:.0e}: {values[best] < bound}, "
          f"at an ε between {low:.0e} and {high:.0e}: {low <= eps_values[best] <= high}")
roundoff = eps_values <= 1e-9
for m, values in errs.items():
    slope = np.polyfit(np.log10(eps_values[roundoff]), np.log10(np.array(values)[roundoff]), 1)[0]
    print(f"{m:<8} difference, round-off branch (ε ≤ 1e-9): the error grows as ε shrinks, log-log slope "
          f"between -1.5 and -0.5: {-1.5 < slope < -0.5}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Going further (optional): measured times
#
# Not needed for notebook 04: the count of forward passes above is the argument; this section measures it.
#
# Measured times on 100 samples tell the same story: finite differences grow in proportion to the number
# of parameters *times* the cost of a forward pass, backpropagation only with the cost of one pass. Run
# the next cell to measure them on your machine (its output is not stored, because times differ from
# run to run). On a 2-core laptop one gradient by backpropagation takes a fraction of a millisecond at
# every size, while central differences grow from about a millisecond at 9 parameters to a few hundred
# milliseconds at 513.

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output", "timing"]
def best_time(fn, *args, repeat=3, **kwargs):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


rng = np.random.default_rng(11)
X_t, y_t = rng.standard_normal((100, 2)), rng.uniform(0.0, 1.0, 100)
sizes, timings = [], {"backpropagation": [], "forward difference": [], "central difference": []}
for hidden in (2, 4, 8, 16, 32, 64, 128):
    net_t = nw.Network.random(2, hidden, rng=rng)
    sizes.append(net_t.n_params)
    timings["backpropagation"].append(best_time(net_t.gradient, X_t, y_t))
    timings["forward difference"].append(best_time(nw.numerical_gradient, net_t, X_t, y_t, method="forward"))
    timings["central difference"].append(best_time(nw.numerical_gradient, net_t, X_t, y_t, method="central"))

print("time for one gradient on 100 samples, in ms (measured now, on this machine)")
print(" parameters   " + "   ".join(f"{label:>18}" for label in timings))
for k, n_params in enumerate(sizes):
    print(f"{n_params:11d}   " + "   ".join(f"{1000 * values[k]:18.2f}" for values in timings.values()))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Forward phase: $z = \sum w_i x_i + b$ and $a = 1/(1 + e^{-\lambda z})$ unit by unit, evaluated through $e^{-\lambda|z|}$ so that it
#   never overflows; the slope is $\lambda \cdot a(1 - a)$.
# - Backward phase: δₒ = (o − y)·λ·o(1 − o) at the output (∂E/∂o = o − y, not y − o),
#   δⱼ = (Σ next deltas × weights)·λ·hⱼ(1 − hⱼ) in the hidden layer, and ∂E/∂w = δ × the weight's input.
# - Backpropagation agrees with central differences to about 1e−10 relative error, forward differences to
#   about 1e−8; finite differences cost one or two forward passes per parameter, backpropagation two in all.
# - Momentum keeps the previous step: $\Delta w_t = -\eta\, \partial E/\partial w + \mu \Delta w_{t-1}$, $w \leftarrow w + \Delta w_t$.
#
# **Next:** [04 · SGD and mini-batches](04_minibatch.ipynb): per-sample updates as *stochastic*
# gradient descent, shuffling, and mini-batches between the two extremes seen here.
#
# ### Further reading
#
# - DeepLearning.AI on Coursera, *Improving Deep Neural Networks: Hyperparameter Tuning, Regularization and
#   Optimization* (the lecture's reference): the "Gradient Checking" assignment does section 3's check, the
#   "Optimization Methods" notebook the mini-batches and momentum of notebooks 04 and 05:
#   [coursera.org/learn/deep-neural-network](https://www.coursera.org/learn/deep-neural-network).
# - A. Zhang, Z. Lipton, M. Li, A. Smola, *Dive into Deep Learning*, section 5.3 "Forward Propagation, Backward
#   Propagation, and Computational Graphs": [d2l.ai](https://d2l.ai/chapter_multilayer-perceptrons/backprop.html);
#   section 5.4 on vanishing gradients and saturation, and chapter 12 on optimisation:
#   [d2l.ai](https://d2l.ai/chapter_optimization/index.html).
# - M. Nielsen, *Neural Networks and Deep Learning*, chapter 2 "How the backpropagation algorithm works", the
#   same deltas in the same matrix form: [neuralnetworksanddeeplearning.com](http://neuralnetworksanddeeplearning.com/chap2.html).
# - G. Goh, "Why Momentum Really Works", *Distill* (2017), for the momentum used in section 4:
#   [distill.pub/2017/momentum](https://distill.pub/2017/momentum/).
