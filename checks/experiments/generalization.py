"""The C7 experiment: train on a fresh i.i.d. sample, measure the test loss, compare with the bound.

One place for C7's inputs (:func:`draw_inputs`: unit-norm steps uniform on the sphere, so targets
with a unit ``β`` have ``|y| ≤ 1``, A5), its targets (the families of C11:
``checks.theory.target_families.make_target``, at the first, a middle or the last step), its
loss (``checks.theory.bounds.clipped_loss``), its bound (``checks.theory.bounds.generalization_bound``, the
dyadic grid radius as proved) and ``δ`` (``checks.numerics.constants.DELTA``); the claim records of C7, the
training sweep and the real-data experiments use them.

Two predictors, side by side (after neural-tangents: the finite network and its infinite-width
limit):

* the **kernel interpolant** ``u(x) = H∞(x, X) H∞⁻¹ y`` — the infinite-width limit of the centered
  network trained to convergence (train loss 0);
* a **trained network**: gradient descent on ``W`` at the A4 step from the paper's initialization,
  centered predictor ``F = f(W_T) − f(W_0)``, trained in float32 for speed (the weights are
  float32; every side of the check — outputs, losses, the bound — is evaluated in float64 from
  them), to the stopping value ``STOP_BELOW`` at each width of a grid; a run that reaches its step
  cap first is reported as *capped*.  Its finite-width term ``ε(m)`` is *measured* at each width by
  the project's one definition, ``checks.theory.linearization.linearization_error`` (mean of
  ``|F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩|`` over the test points), and so is the distance
  ``√m ‖W_t − W_0‖_F`` the bound's radius must cover.

Every trial also checks that its test sample is held out (``checks.theory.held_out``): the ``H∞`` interpolant's
clipped test loss on the trial's test points against its closed-form leave-one-out loss on the training sample, and
the nearest test-to-training distance (``held_out`` in the row; for a network trial, on the network's own sample).
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch

from checks.experiments.cache import cached
from checks.experiments.strategies import derive_seed
from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import init_params, output
from checks.model.train import train_gd
from checks.numerics.constants import DELTA
from checks.theory.bounds import clipped_loss, generalization_bound_terms
from checks.theory.held_out import comparison, loo_residuals, nearest_distance
from checks.theory.kernel_regression import ridgeless_predictor
from checks.theory.linearization import kernel_drift, linearization_error
from checks.theory.target_families import make_target

__all__ = ["D", "N_TEST", "TARGETS", "draw_inputs", "held_out", "kernel_sample", "kernel_trial", "labels", "network_trial",
           "train_centered", "trained_networks"]

N_TEST = 2000
"""Test points per trial: the clipped test loss (values in [0, 1]) has standard error ≤ 0.011."""
D = 4
"""Input dimension of the C7 experiment."""
CAUCHY_SCALE = 0.1
"""Scale of the heavy-tailed label noise of the ``-A5`` scenario."""
TARGETS = ("first-linear", "middle-linear", "last-linear", "first-quadratic", "middle-quadratic", "last-quadratic")
"""Target families of C7 (``checks.theory.target_families.FAMILIES``): a step at the start, middle or end."""
STOP_BELOW = 1e-3
"""Training stops when ``‖r_t‖² ≤ 10⁻³ ‖y‖²`` (train loss well below the bound's other terms) or at the step cap."""
TEST_STREAM, LABEL_STREAM, INIT_STREAM = 1, 2, 3
"""Sub-seeds of one trial (``derive_seed(seed, stream)``): test inputs, label noise / random labels, initialization."""


def draw_inputs(n: int, gen: torch.Generator, length: int, dim: int = D) -> torch.Tensor:
    """i.i.d. sequences with unit-norm steps uniform on the sphere in ``R^dim`` (A5; fixed norms)."""
    X = torch.randn((n, length, dim), generator=gen, dtype=torch.float64)
    return X / X.norm(dim=-1, keepdim=True)


def labels(f, X: torch.Tensor, gen: torch.Generator, random_labels: bool = False, heavy_tailed: bool = False):
    """``f(X)``; uniform ±1 labels when ``random_labels``; Cauchy noise added when ``heavy_tailed`` (drops A5)."""
    if random_labels:
        return torch.randint(0, 2, (X.shape[0],), generator=gen).to(torch.float64) * 2 - 1
    y = f(X)
    if heavy_tailed:  # Student t with 1 degree of freedom, |y| unbounded
        u = torch.rand(X.shape[0], generator=gen, dtype=torch.float64)
        y = y + CAUCHY_SCALE * torch.tan(math.pi * (u - 0.5))
    return y


def _sample(target: str, L: int, n: int, seed: int, random_labels: bool, heavy_tailed: bool):
    """Train and test inputs and labels of one trial, every part from its own sub-seed."""
    f = make_target(target, L, D, seed=0)
    X = draw_inputs(n, torch.Generator().manual_seed(seed), L)
    Xt = draw_inputs(N_TEST, torch.Generator().manual_seed(derive_seed(seed, TEST_STREAM)), L)
    gen = torch.Generator().manual_seed(derive_seed(seed, LABEL_STREAM))
    return X, labels(f, X, gen, random_labels, heavy_tailed), Xt, labels(f, Xt, gen, random_labels, heavy_tailed)


def _terms_row(H, y) -> dict:
    """The bound's terms (``checks.theory.bounds.generalization_bound_terms``, as the bound computes them) kept in a row."""
    t = generalization_bound_terms(H, y, delta=DELTA)
    return {k: t[k] for k in ("complexity", "raw_radius", "grid_radius", "leading", "confidence")} | {"bound": t["total"]}


@lru_cache(maxsize=4)
def kernel_sample(target: str, L: int, n: int, seed: int):
    """The training inputs, labels and kernel ``H∞(X)`` of a trial (cached: the link records of C7 share them)."""
    X, y, _, _ = _sample(target, L, n, seed, False, False)
    return X, y, infinite_ntk(X)


def held_out(H, y, X, Xt, u, yt) -> dict:
    """Is the test sample held out?  The ``H∞`` interpolant's per-point clipped test loss (its outputs ``u`` at ``Xt``)
    against its clipped leave-one-out loss on ``(X, y)`` (``checks.theory.held_out.comparison``), and the nearest
    test-to-training distance.  The guard of C7 and C7-data-<set> decides on these (``checks.theory.held_out.guard``)."""
    residuals = loo_residuals(H, y)
    return comparison(clipped_loss(u, yt), clipped_loss(y - residuals, y)) | {"nearest_distance": nearest_distance(Xt, X)}


@lru_cache(maxsize=1024)
def kernel_trial(target: str, L: int, n: int, seed: int, random_labels: bool = False, heavy_tailed: bool = False) -> dict:
    """One C7 trial of the kernel interpolant: clipped test loss on ``N_TEST`` fresh points, the bound and its terms,
    and whether the test sample was held out (:func:`held_out`)."""
    X, y, Xt, yt = _sample(target, L, n, seed, random_labels, heavy_tailed)
    H = infinite_ntk(X)
    u = ridgeless_predictor(H, infinite_ntk(Xt, X), y)
    test = float(clipped_loss(u, yt).mean())
    return {"predictor": "kernel", "target": target, "L": L, "n": n, "seed": seed, "train_loss": 0.0,
            "test_loss": test} | _terms_row(H, y) | {"held_out": held_out(H, y, X, Xt, u, yt)}  # train loss 0: it interpolates


@lru_cache(maxsize=64)
def network_trial(target: str, L: int, n: int, seed: int, widths: tuple[int, ...], cap: int) -> dict:
    """One C7 trial of trained centered networks (:func:`trained_networks`), computed once per content and code
    (``checks.experiments.cache``): C7 and its links C7-radius and C7-linearization read the same networks, in one
    process or in several."""
    content = {"target": target, "L": int(L), "n": int(n), "seed": int(seed), "widths": [int(m) for m in widths], "cap": int(cap)}
    return cached("c7-network", content, lambda: trained_networks(target, L, n, seed, tuple(widths), cap))


def trained_networks(target: str, L: int, n: int, seed: int, widths: tuple[int, ...], cap: int) -> dict:
    """One C7 trial of trained centered networks (A4 steps, float32 weights, float64 sides) at each width of
    ``widths`` from the same sample, each trained to ``STOP_BELOW`` or the step cap ``cap``.

    The row's sides are the largest width's (``train_loss + bound`` against its test loss); ``by_width`` holds,
    per width, the steps, whether the cap was hit, the train and test losses, ``ε(m)`` on the test points and on
    the training points (``checks.theory.linearization.linearization_error``) and the largest distance ``√m max_t ‖W_t − W_0‖_F``;
    at the largest width also the bound's terms on the network's own kernel ``H(W_0)`` and its drift
    ``‖H(W_T) − H(W_0)‖_2 / λ_min(H(W_0))`` (``checks.theory.linearization.kernel_drift``)."""
    X, y, Xt, yt = _sample(target, L, n, seed, False, False)
    H = infinite_ntk(X)
    terms = _terms_row(H, y)
    check = held_out(H, y, X, Xt, ridgeless_predictor(H, infinite_ntk(Xt, X), y), yt)  # the network's own sample
    by_width = {}
    for m in widths:
        init = derive_seed(seed, INIT_STREAM, m)
        u_train, u_test, hist = train_centered(X, y, Xt, m=m, steps=cap, seed=init, stop_below=STOP_BELOW)
        start = init_params(m, X.shape[2], seed=init, dtype=torch.float32)
        done = hist.residual_sq.shape[-1] - 1
        by_width[str(m)] = {
            "steps": done,
            "capped": bool(hist.residual_sq[-1] > STOP_BELOW * (y * y).sum()),
            "train_loss": float(clipped_loss(u_train, y).mean()),
            "test_loss": float(clipped_loss(u_test, yt).mean()),
            "epsilon_m": linearization_error(start, hist.params, Xt),
            "epsilon_m_train": linearization_error(start, hist.params, X),
            "distance": math.sqrt(m) * float(hist.dist_fro.max()),
        }
        if m == max(widths):  # the network's own kernel H(W_0), its bound terms and its drift (C7-radius)
            p0, pT = (type(p)(p.W.double(), p.A.double(), p.B.double()) for p in (start, hist.params))
            H0 = empirical_ntk(p0, X)
            by_width[str(m)]["initial_kernel_terms"] = _terms_row(H0, y)
            by_width[str(m)]["drift"] = kernel_drift(H0, empirical_ntk(pT, X))
    top = by_width[str(max(widths))]
    return {"predictor": "network", "target": target, "L": L, "n": n, "seed": seed, "m": max(widths),
            "steps": top["steps"], "capped": any(w["capped"] for w in by_width.values()),
            "train_loss": top["train_loss"], "test_loss": top["test_loss"]} | terms | {
            "bound": top["train_loss"] + terms["bound"], "epsilon_m": top["epsilon_m"], "by_width": by_width,
            "held_out": check}


def train_centered(X, y, Xt, *, m: int, steps: int, seed: int, dtype=torch.float32, stop_below: float | None = None):
    """C7's trained network: gradient descent on ``W`` (A4 step) from the paper's initialization, weights in
    ``dtype``.  Returns the centered predictor ``F = f(W_T) − f(W_0)`` on ``X`` and ``Xt``, evaluated in float64
    (the check's sides), and the training history."""
    params = init_params(m, X.shape[2], seed=seed, dtype=dtype)
    hist = train_gd(params, X.to(dtype), y.to(dtype), steps=steps, stop_below=stop_below)
    final, start = (type(p)(p.W.double(), p.A.double(), p.B.double()) for p in (hist.params, params))
    return output(final, X) - output(start, X), output(final, Xt) - output(start, Xt), hist

