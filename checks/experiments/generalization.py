"""The C7 experiment: train on a fresh i.i.d. sample, measure test loss, compare with the bound.

One place for C7's inputs (:func:`draw_inputs`: unit-norm steps uniform on the sphere), its
targets, its loss (``checks.bounds.clipped_loss``) and ``δ`` (``checks.constants.DELTA``); the
claim records of C7 and the training sweep both use them.

Two predictors: the kernel interpolant ``u(x) = H∞(x, X) H∞⁻¹ y`` (the infinite-width limit of
the centered network trained to convergence, train loss 0), cheap enough for ``n`` in the
thousands and ``N_TEST`` test points; and a trained finite network (centered ``F``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch

from checks.bounds import clipped_loss, complexity, generalization_bound, solve_psd
from checks.constants import DELTA
from checks.ntk import infinite_ntk
from checks.rnn import init_params, output
from checks.targets import Additive
from checks.train import train_gd

__all__ = ["D", "L", "N_TEST", "TARGETS", "draw_inputs", "kernel_trial", "labels", "network_trial"]

N_TEST = 10_000
"""Test points per trial: the test loss's standard error is then ≤ 0.005 (loss in [0, 1])."""
L, D = 2, 4
"""Sequence length and input dimension of the C7 experiment."""
CAUCHY_SCALE = 0.1
"""Scale of the heavy-tailed label noise of the ``-A5`` scenario."""

TARGETS = {
    # |y| ≤ 1 on unit-norm inputs (A5).
    "linear-last": Additive.of((L, [1.0, 0.0, 0.0, 0.0], [0.0, 1.0])),
    "quadratic-sum": Additive.of((1, [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5]), (2, [0.6, 0.0, 0.8, 0.0], [0.0, 0.0, 0.5])),
}


def draw_inputs(n: int, gen: torch.Generator, length: int = L, dim: int = D) -> torch.Tensor:
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


@lru_cache(maxsize=4096)
def kernel_trial(target: str, n: int, seed: int, random_labels: bool = False, heavy_tailed: bool = False) -> dict:
    """One C7 trial of the kernel interpolant: test loss on ``N_TEST`` fresh points and the bound."""
    gen = torch.Generator().manual_seed(seed)
    X, Xt = draw_inputs(n, gen), draw_inputs(N_TEST, gen)
    f = TARGETS[target]
    y = labels(f, X, gen, random_labels, heavy_tailed)
    yt = labels(f, Xt, gen, random_labels, heavy_tailed)
    H = infinite_ntk(X)
    u = infinite_ntk(Xt, X) @ solve_psd(H, y)
    test = float(clipped_loss(u, yt).mean())
    bound = generalization_bound(H, y, delta=DELTA)  # train loss of the interpolant is 0
    return {"n": n, "seed": seed, "test_loss": test, "bound": bound, "violated": test > bound, "complexity": complexity(H, y)}


@lru_cache(maxsize=256)
def network_trial(target: str, n: int, seed: int, m: int, steps: int) -> dict:
    """One C7 trial of a trained centered network (A4 steps): train and test loss, and the bound."""
    gen = torch.Generator().manual_seed(seed)
    X, Xt = draw_inputs(n, gen), draw_inputs(N_TEST, gen)
    f = TARGETS[target]
    y, yt = f(X), f(Xt)
    params = init_params(m, D, seed=seed)
    hist = train_gd(params, X, y, steps=steps)
    u = output(hist.params, Xt) - output(params, Xt)  # centered predictor F
    train = float(clipped_loss(output(hist.params, X) - output(params, X), y).mean())
    bound = train + generalization_bound(infinite_ntk(X), y, delta=DELTA)
    test = float(clipped_loss(u, yt).mean())
    return {"n": n, "seed": seed, "m": m, "train_loss": train, "test_loss": test, "bound": bound, "violated": test > bound}
