"""C4 stability in a perturbation radius ``‖W − W_0‖_2 ≤ ω``:
(a) ``‖h_l(W) − h_l(W_0)‖ ≤ K_4 ω l √Q_l`` with ``K_4`` independent of the width ``m``;
(b) ``‖H(W) − H(W_0)‖_2 / ‖H(W_0)‖_2 ≤ K_4' ω^{1/3}``.

(a) Within one ReLU sign pattern ``h_l`` is a polynomial in ``ω``, so "the change is ``O(ω)``" holds
for every piecewise-linear map and a fitted exponent in ``ω`` cannot fail (measured margins 1e-11 for
any such map).  What can fail is the constant: it must not grow with ``m``.  The check measures
``K_4(m) = max_{i,l} ‖Δh_l‖ / (ω l √Q_l)`` at a small ``ω`` (the linear regime) along an **ascent
direction** (power iteration on the Jacobian of the hidden states in ``W``: the direction that moves
them most, scaled to spectral norm 1) at several widths and seeds, and asserts that the log-log
slope of ``K_4`` in ``m`` is consistent with 0 or less (lower one-sided confidence limit ≤ 0).

(b) The exponent of the **expected** kernel change over ``ω ∈ [10⁻³, 10⁻¹]`` at ``m = 512`` along a
random, the gradient, or the ascent direction: the upper one-sided confidence limit of the slope fitted
to the mean over ``KERNEL_SEEDS`` initializations is at least ``1/3``.  The mean, not one
initialization: at a finite width the change along one direction is a staircase of sign-flip jumps of
size ``O(1/m)`` (up to ``15/m`` measured), flat between jumps, and a flip at ``ω ≈ 10⁻³`` followed by
no other leaves a plateau with fitted exponent ≈ 0 although the change stays below ``0.29 ω^{1/3}`` —
a shape the bound allows.  One initialization per instance failed 4 of 60 runs of the ci profile
(stated rate 1%); the expectation over initializations is continuous in ``ω`` (a flip's probability
is), and the mean of 8 failed 0 of 160.  A kernel change of exactly zero is not accepted as "holds":
it means the measured kernel does not depend on ``W``, and is reported as a failure of the check.
``L ≥ 3``: for ``L = 2`` the empirical NTK depends on ``W`` only through sign patterns.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import torch
from hypothesis import strategies as st
from torch.func import jvp, vjp

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.record import Resolution
from checks.claims.scenarios import instance_sample, sample_strategy
from checks.claims.width_rate import FAMILY_FALSE_ALARM
from checks.experiments.strategies import derive_seed, seeds
from checks.inference.stats import fit_rate
from checks.model.ntk import empirical_ntk, hidden_kernel_diag
from checks.model.rnn import forward, init_params, output
from checks.numerics.linalg import spectrum_edges

OMEGAS = [1e-3 * 10 ** (k / 3) for k in range(7)]
"""1e-3 … 1e-1 in thirds of a decade: the kernel's ``ω^{1/3}`` regime (C4b)."""
SMALL_OMEGA = 1e-4
"""The ``ω`` of C4a: inside the linear regime (sign flips at m ≤ 2048 need ω ≳ 1e-3), far above round-off."""
K4_WIDTHS = (128, 512, 2048)
"""Widths of C4a: a 16× span, enough to see a growth like ``m^{1/2}`` or more."""
K4_SEEDS = 2
"""Initializations per width in C4a."""
KERNEL_WIDTH = 512
"""Width of C4b: sign flips are rare at ω ≤ 1e-3, and ω^{1/3} can show over the grid."""
KERNEL_SEEDS = 8
"""Initializations whose kernel changes C4b averages: the mean estimates the expected change, whose
exponent in ω the staircase of one initialization hides (module docstring)."""
POWER_ITERATIONS = 4
"""Power-iteration steps of the ascent direction: the top singular value converges geometrically."""
RANDOM_RANK = 8
"""Rank of the random direction: every direction here has rank ≤ max(n·L, 8), so its spectral norm is
exact from a rank-revealing sketch (an O(m³) SVD at m = 2048 would dominate the check)."""
SCENARIOS = (None, "-A2", "+A6")


def perturbation_instances(scenario, profile):
    """A short sample (``L ≥ 3``), a seed, a direction kind, and the one-sided level of the fits."""
    return st.fixed_dictionaries(
        {
            "X": sample_strategy(scenario, n=(2, 4), L=(3, 4)).map(np.ndarray.tolist),
            "seed": seeds(),
            "direction": st.sampled_from(["random", "gradient", "ascent"]),
            "one_sided_alpha": st.just(FAMILY_FALSE_ALARM / profile.max_examples),
        }
    )


def _normalized_hidden(params, X, Q, steps):
    """``W ↦ (h_l(x_i; W) / (l √Q_l(x_i)))_{i,l}``: the hidden states on the scale of C4a's bound."""
    scale = steps[None, :, None] * torch.sqrt(Q)[..., None]
    return lambda W: forward(params.with_W(W), X).h[:, 1:] / scale


def direction(params, X, kind: str, seed: int) -> torch.Tensor:
    """A unit-spectral-norm perturbation ``U`` of ``W``: a random rank-8 Gaussian direction, the gradient
    of ½‖f‖², or the ascent direction (top singular vector of the hidden states' Jacobian in ``W``, by
    power iteration).  All have rank ≤ max(n·L, 8) (gradients in ``W`` are sums of ``δ_l h_{l−1}ᵀ``)."""
    gen = torch.Generator().manual_seed(derive_seed(seed, 1))
    rank = max(X.shape[0] * X.shape[1], RANDOM_RANK)
    if kind == "random":
        m = params.m
        U = torch.randn((m, RANDOM_RANK), generator=gen, dtype=torch.float64) @ torch.randn((RANDOM_RANK, m), generator=gen, dtype=torch.float64)
    elif kind == "gradient":  # where training from F = 0 toward labels ∝ −f moves
        W = params.W.clone().requires_grad_(True)
        (U,) = torch.autograd.grad(0.5 * (output(params.with_W(W), X) ** 2).sum(), W)
    else:
        Q = hidden_kernel_diag(X)[:, 1:].clamp_min(torch.finfo(torch.float64).tiny)
        steps = torch.arange(1, X.shape[1] + 1, dtype=torch.float64)
        F = _normalized_hidden(params, X, Q, steps)
        U = torch.randn(params.W.shape, generator=gen, dtype=torch.float64)
        _, pullback = vjp(F, params.W)
        for _ in range(POWER_ITERATIONS):
            _, forward_change = jvp(F, (params.W,), (U / U.norm(),))
            (U,) = pullback(forward_change)
    return U / _spectral_norm(U, rank)


def _spectral_norm(U: torch.Tensor, rank: int) -> float:
    """``‖U‖_2`` of a matrix of rank ≤ ``rank``: exact (to round-off) from a randomized range finder of
    ``rank + 8`` columns (8 oversampling columns; the range of a rank-``r`` matrix is captured exactly)."""
    q = min(rank + 8, min(U.shape))
    basis, _ = torch.linalg.qr(U @ torch.randn((U.shape[1], q), generator=torch.Generator().manual_seed(0), dtype=U.dtype))
    return float(torch.linalg.matrix_norm(basis.T @ U, ord=2))


def lipschitz_constant(X: torch.Tensor, m: int, seed: int, kind: str) -> float:
    """``K_4 = max_{i,l} ‖h_l(W_0 + ωU) − h_l(W_0)‖ / (ω l √Q_l)`` at ``ω = SMALL_OMEGA`` (C4a)."""
    params = init_params(m, X.shape[2], seed=seed)
    Q = hidden_kernel_diag(X)[:, 1:]
    steps = torch.arange(1, X.shape[1] + 1, dtype=torch.float64)
    U = direction(params, X, kind, seed)
    alive = Q > 0
    dh = (forward(params.with_W(params.W + SMALL_OMEGA * U), X).h[:, 1:] - forward(params, X).h[:, 1:]).norm(dim=-1)
    return float((dh / (SMALL_OMEGA * steps * torch.sqrt(torch.where(alive, Q, 1.0))))[alive].max())


def evaluate_hidden(instance, claimed: float = 0.0) -> Measurement:
    """Slope of ``log K_4`` in ``log m`` (lower one-sided limit) against ``claimed`` (0: K_4 does not grow)."""
    X = instance_sample(instance)
    widths, constants = [], []
    for m in K4_WIDTHS:
        for k in range(K4_SEEDS):
            widths.append(m)
            constants.append(lipschitz_constant(X, m, derive_seed(instance["seed"], m, k), instance["direction"]))
    fit = fit_rate(widths, constants, confidence=1 - 2 * instance["one_sided_alpha"])
    details = {"widths": widths, "K4": constants, "slope": fit.slope, "omega": SMALL_OMEGA}
    return Measurement(lhs=fit.ci_low, rhs=claimed, rate=fit.as_dict(), constant=max(constants), details=details)


def kernel_changes(instance) -> np.ndarray:
    """``‖H(W_0 + ωU) − H(W_0)‖_2 / ‖H(W_0)‖_2`` over ``OMEGAS`` at ``KERNEL_WIDTH``, one row per initialization
    (``KERNEL_SEEDS`` of them, each with its own direction ``U``) (C4b)."""
    X = instance_sample(instance)
    rows = []
    for k in range(KERNEL_SEEDS):
        seed = derive_seed(instance["seed"], KERNEL_WIDTH, k)
        params = init_params(KERNEL_WIDTH, X.shape[2], seed=seed)
        U = direction(params, X, instance["direction"], seed)
        H0 = empirical_ntk(params, X)
        norm0 = spectrum_edges(H0)[1]
        rows.append([float(torch.linalg.matrix_norm(empirical_ntk(params.with_W(params.W + w * U), X) - H0, ord=2)) / norm0
                     for w in OMEGAS])
    return np.array(rows)


def evaluate_kernel(instance, claimed: float = 1.0 / 3.0) -> Measurement:
    """``claimed`` against the upper one-sided limit of the exponent in ``ω`` of the mean kernel change."""
    changes = kernel_changes(instance)
    mean = changes.mean(axis=0)
    details = {"omegas": OMEGAS, "kernel": mean.tolist(), "initializations": KERNEL_SEEDS,
               "per_initialization_max": changes.max(axis=1).tolist()}
    if mean.min() <= 0:  # the measured kernel ignored the perturbation: no evidence, reported as a failure
        return Measurement(lhs=claimed, rhs=-math.inf, details={**details, "note": "zero mean kernel change at some ω"})
    fit = fit_rate(OMEGAS, mean, confidence=1 - 2 * instance["one_sided_alpha"])
    constant = float(np.max(changes / np.asarray(OMEGAS) ** (1 / 3)))  # the K_4' every initialization respects
    return Measurement(lhs=claimed, rhs=fit.ci_high, rate=fit.as_dict(), constant=constant, details={**details, "slope": fit.slope})


register(
    Claim(
        id="C4a",
        title="Hidden states are Lipschitz in W with a width-independent constant",
        statement="‖h_l(W) − h_l(W_0)‖ ≤ K_4 ω l √Q_l for ‖W − W_0‖_2 = ω, K_4 independent of m: "
        "log-log slope of K_4 in m ≤ 0 (ascent, gradient and random directions)",
        formula=r"\lVert h_l(W) - h_l(W_0) \rVert \le K_4\, \omega\, l \sqrt{Q_l} \quad \text{for } \lVert W - W_0 \rVert_2 = \omega",
        assumptions=("A2",),
        strategy=perturbation_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_hidden,
        twin=Twin.re_evaluated(lambda inst: evaluate_hidden(inst, claimed=-0.5), "K_4 decays like m^{-1/2}"),
        lhs_name="slope lower limit of K_4 in m",
        rhs_name="0",
        tolerance_reason="none: the slope's confidence limit carries the sampling error",
        resolution=Resolution("K_4 multiplied by m^b: the slope in m and its limit move by b", "exponent b of m", "shift",
                              limit=10.0),
        false_alarm=FAMILY_FALSE_ALARM,
    )
)

register(
    Claim(
        id="C4b",
        title="NTK stability in a perturbation radius",
        statement="‖H(W) − H(W_0)‖_2/‖H(W_0)‖_2 ≤ K_4' ω^{1/3}: fitted exponent in ω of the change's mean over 8 "
        "initializations ≥ 1/3 (a zero change fails)",
        formula=r"\frac{\lVert H(W) - H(W_0) \rVert_2}{\lVert H(W_0) \rVert_2} \le K_4^{\prime}\, \omega^{1/3}",
        assumptions=("A2",),
        strategy=perturbation_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_kernel,
        twin=Twin.re_evaluated(lambda inst: evaluate_kernel(inst, claimed=2.0), "NTK change claimed O(ω²)"),
        lhs_name="claimed exponent",
        rhs_name="slope upper limit",
        tolerance_reason="none: the slope's confidence limit carries the fit error",
        resolution=Resolution("the kernel change multiplied by ω^(−b): the fitted exponent in ω and its limit lowered by b",
                              "exponent b of ω", "shift", perturb=lambda m, b: replace(m, rhs=m.rhs - b), limit=10.0),
        false_alarm=FAMILY_FALSE_ALARM,
    )
)
