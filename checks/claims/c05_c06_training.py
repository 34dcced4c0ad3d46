"""C5 linear convergence and C6 perturbation radius of gradient descent (A1, A3, A4).

One batched training run per width serves both claims (cached per instance).  Widths come
from the profile; A1 is taken to hold at the largest width of the grid, and the smallest
width where the inequality held is reported.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from operator import attrgetter

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import linear_convergence_bound, minimum_norm_radius, spectrum_edges
from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import instance_sample, inverse_condition, sample_strategy
from checks.constants import EPS
from checks.ntk import empirical_ntk, infinite_ntk
from checks.rnn import init_params
from checks.strategies import seeds
from checks.train import a4_step_size, train_gd

MIN_INVERSE_CONDITION = 1e-2
"""Samples with λ_0/λ_max below this are skipped: the rate (1 − ηmλ_0/2)^t then needs far more
steps than a check can run to say anything about convergence (A3 made quantitative)."""
A4_VIOLATION = 4.0  # step = 4 × the A4 limit in the "-A4" audit scenario
SMALL_WIDTHS = [4, 8]
"""The ``-A1`` widths: far below the regime, where the kernel moves during training."""
SCENARIOS = (None, "-A1", "-A4")
TRAINING = attrgetter("train_examples")
"""Example budget: each instance trains every width of the grid, so fewer examples."""


def training_instances(scenario, profile):
    """A small sample with labels, a seed, the profile's widths, seeds and steps, and the step scale."""
    widths = SMALL_WIDTHS if scenario == "-A1" else list(profile.train_widths)
    X = sample_strategy(None, n=(2, 4), L=(2, 3), d=(2, 3))
    labels = st.floats(-1.0, 1.0, allow_nan=False, width=64)
    return X.flatmap(
        lambda x: st.fixed_dictionaries(
            {
                "X": st.just(x.tolist()),
                "y": st.lists(labels, min_size=x.shape[0], max_size=x.shape[0]).filter(lambda y: max(map(abs, y)) > 1e-3),
                "seed": seeds(),
                "widths": st.just(widths),
                "seeds": st.just(profile.train_seeds),
                "steps": st.just(profile.train_steps),
                "lr_scale": st.just(A4_VIOLATION if scenario == "-A4" else 1.0),
            }
        )
    ).filter(lambda inst: inverse_condition(inst) > MIN_INVERSE_CONDITION)


@lru_cache(maxsize=32)
def _runs(key: str) -> dict:
    inst = json.loads(key)
    X = instance_sample(inst)
    y = torch.as_tensor(inst["y"], dtype=torch.float64)
    lam0 = spectrum_edges(infinite_ntk(X))[0]
    out = {"lambda_0": lam0, "widths": {}}
    for m in inst["widths"]:
        params = init_params(m, X.shape[2], seed=inst["seed"], batch=(inst["seeds"],))
        H0 = empirical_ntk(params, X)
        lr = inst["lr_scale"] * a4_step_size(params, X, H0)
        hist = train_gd(params, X, y, steps=inst["steps"], lr=lr)
        H_T = empirical_ntk(hist.params, X)
        radius = torch.tensor([minimum_norm_radius(h, -y, m) for h in H0])  # centered: r_0 = −y
        drift = torch.tensor([torch.linalg.matrix_norm(H_T[s] - H0[s], ord=2) / spectrum_edges(H0[s])[0] for s in range(len(H0))])
        out["widths"][m] = {"hist": hist, "radius": radius, "drift": drift, "lr": lr}
    return out


def training_runs(instance: dict) -> dict:
    """Batched training at every width of the instance (cached: C5 and C6 share it)."""
    return _runs(json.dumps(instance, sort_keys=True))


def _residual_floor(y: torch.Tensor) -> float:
    """Squared residuals below (64·n·eps·‖y‖_∞)² are rounding noise of u − y, not signal."""
    return float((64 * y.numel() * EPS * y.abs().max()) ** 2)


def evaluate_c5(instance, speedup: float = 1.0) -> Measurement:
    """``max_t ‖r_t‖² / ((1 − η m λ_0/2)^{speedup·t} ‖r_0‖²)`` at each width; sides at the largest."""
    runs = training_runs(instance)
    floor = _residual_floor(torch.as_tensor(instance["y"]))
    ratios = {}
    for m, run in runs["widths"].items():
        h = run["hist"]
        steps = h.residual_sq.shape[-1] - 1
        rate = linear_convergence_bound(run["lr"], m, runs["lambda_0"], torch.ones_like(run["lr"]), steps)  # (1 − ηmλ_0/2)^t
        bound = rate**speedup * h.residual_sq[:, :1]
        above = h.residual_sq > floor
        ratio = torch.where(above, h.residual_sq / bound.clamp_min(1e-300), 0.0)
        ratios[m] = float(ratio[:, 1:].max())  # t ≥ 1: at t = 0 both sides are ‖r_0‖²
    held = [m for m in sorted(ratios) if ratios[m] <= 1.0]
    largest = max(ratios)
    return Measurement(
        lhs=ratios[largest],
        rhs=1.0,
        details={"ratio_by_width": {str(k): v for k, v in ratios.items()}, "smallest_width_held": min(held) if held else None, "speedup": speedup},
    )


def evaluate_c6(instance) -> Measurement:
    """``max_t ‖W_t − W_0‖_F / R_m`` against ``1 + ‖H(W_T) − H(W_0)‖_2 / λ_min(H(W_0))`` at the largest width."""
    runs = training_runs(instance)
    by_width = {}
    for m, run in runs["widths"].items():
        h = run["hist"]
        by_width[m] = {
            "max_ratio": float((h.dist_fro.max(-1).values / run["radius"]).max()),
            "final_ratio": [float(v) for v in h.dist_fro[:, -1] / run["radius"]],
            "allowance": float(run["drift"].max()),
            "spectral_distance": float(h.dist_spec[:, -1].max()),
        }
    largest = max(by_width)
    return Measurement(
        lhs=by_width[largest]["max_ratio"],
        rhs=1.0 + by_width[largest]["allowance"],
        details={"by_width": {str(k): v for k, v in by_width.items()}},
    )


def evaluate_c6_spectral(instance, claimed_exponent: float = 0.0) -> Measurement:
    """``max_seeds ‖W_T − W_0‖_2`` at the largest width against the smallest width's value
    times ``(m_max/m_min)^{claimed_exponent}`` (0: "does not grow"; the twin claims −1)."""
    runs = training_runs(instance)
    spec = {m: float(run["hist"].dist_spec[:, -1].max()) for m, run in runs["widths"].items()}
    lo, hi = min(spec), max(spec)
    return Measurement(
        lhs=spec[hi],
        rhs=spec[lo] * (hi / lo) ** claimed_exponent,
        details={"spectral_distance_by_width": {str(k): v for k, v in spec.items()}, "observed_exponent": math.log(spec[hi] / spec[lo]) / math.log(hi / lo)},
    )


register(
    Claim(
        id="C5",
        title="Linear convergence of gradient descent",
        statement="‖r_t‖² ≤ (1 − η m λ_0 / 2)^t ‖r_0‖² for every step t (A1 at the grid's largest width, A3, A4)",
        assumptions=("A1", "A3", "A4"),
        strategy=training_instances,
        scenarios=SCENARIOS,
        budget=TRAINING,
        evaluate=evaluate_c5,
        twin=Twin.re_evaluated(
            lambda inst: evaluate_c5(inst, speedup=8.0),
            "rate claimed 8× as fast, (1 − ηmλ_0/2)^{8t}: the squared residual truly decays like "
            "(1 − ηmλ)^{2t}, so C5 is loose by 4× in the exponent and a 2× twin is not false",
        ),
        lhs_name="max_t ‖r_t‖² / bound_t",
        rhs_name="1",
        tolerance_reason="residuals below (64·n·eps·‖y‖_∞)² are rounding noise and not compared",
    )
)

register(
    Claim(
        id="C6",
        title="Perturbation radius of training",
        statement="max_t ‖W_t − W_0‖_F ≤ R_m (1 + o(1)), R_m = √(r_0ᵀH(W_0)⁻¹r_0/m); the o(1) made explicit "
        "as the kernel drift ‖H(W_T) − H(W_0)‖_2/λ_min(H(W_0)) (→ 0 with m, C4b)",
        assumptions=("A1", "A3", "A4"),
        strategy=training_instances,
        scenarios=SCENARIOS,
        budget=TRAINING,
        evaluate=evaluate_c6,
        twin=Twin.tightened(0.5, "radius claimed half as large"),
        lhs_name="max_t ‖W_t − W_0‖_F / R_m",
        rhs_name="1 + drift",
        tolerance_reason="none beyond the stated drift allowance",
    )
)

register(
    Claim(
        id="C6b",
        title="Training stays in a shrinking spectral ball",
        statement="‖W_T − W_0‖_2 → 0 as m → ∞: it does not grow from the smallest to the largest width of the grid",
        assumptions=("A1", "A3", "A4"),
        strategy=training_instances,
        scenarios=SCENARIOS,
        budget=TRAINING,
        evaluate=evaluate_c6_spectral,
        twin=Twin.re_evaluated(
            lambda inst: evaluate_c6_spectral(inst, claimed_exponent=-1.0),
            "‖W_T − W_0‖_2 = O(1/m) (the measured decay is about m^{-1/2})",
        ),
        lhs_name="‖W_T − W_0‖_2 at the largest width",
        rhs_name="at the smallest width",
        tolerance_reason="none",
    )
)
