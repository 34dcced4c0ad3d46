"""C2 NTK at initialization: ``max_ij |H(W_0)_ij − H∞_ij| / κ̄ ≤ K_2 √(log(2n²/δ) / m)``; ``K_2`` against ``L``."""

from __future__ import annotations

import math

import torch

from checks.claims import register
from checks.claims.scenarios import instance_sample
from checks.claims.width_rate import FAMILY_FALSE_ALARM, width_rate_claims
from checks.experiments.strategies import derive_seed
from checks.model.ntk import empirical_ntk, infinite_ntk, kappa_bar
from checks.model.rnn import init_params
from checks.numerics.constants import DELTA

LENGTHS = (2, 4, 8, 16, 32)
"""Sequence lengths of the ``K_2``-against-``L`` report (docs/claims.md C2: "how it grows with L")."""


def deviations(instance: dict):
    """Worst entrywise ``|H(W_0) − H∞| / κ̄`` at each width and seed, and the worst ratio to the rate term."""
    X = instance_sample(instance)
    n, L, d = X.shape
    H_inf = infinite_ntk(X)
    kappa = kappa_bar(X)
    widths, devs, scaled = [], [], []
    for m in instance["widths"]:
        for k in range(instance["seeds_per_width"]):
            H0 = empirical_ntk(init_params(m, d, seed=derive_seed(instance["seed"], m, k)), X)
            dev = float((H0 - H_inf).abs().max()) / kappa
            widths.append(m)
            devs.append(dev)
            scaled.append(dev / math.sqrt(math.log(2 * n * n / DELTA) / m))
    return widths, devs, scaled, {"delta": DELTA, "n": n, "L": L, "kappa_bar": kappa}


def implied_constant_against_length(profile, *, n: int = 6, d: int = 3, seed: int = 0) -> dict:
    """``K_2`` and the fitted slope for a seeded Gaussian sample (n = 6, d = 3: small and fixed) at each ``L``."""
    rows = []
    for L in LENGTHS:
        X = torch.randn((n, L, d), generator=torch.Generator().manual_seed(derive_seed(seed, L)), dtype=torch.float64)
        instance = {
            "X": X.tolist(),
            "seed": seed,
            "widths": list(profile.rate_widths),
            "seeds_per_width": profile.rate_seeds,
            "one_sided_alpha": FAMILY_FALSE_ALARM / len(LENGTHS),
        }
        m = RATE.evaluate(instance)
        rows.append({"L": L, "K_2": m.constant, "slope": m.rate["slope"], "slope_ci_low": m.lhs})
    return {"title": "C2: K_2 against L", "rows": rows, "plot": {"x": "L", "y": ["K_2"], "ylabel": "implied constant K_2"}}


RATE, LIMIT = width_rate_claims(
    "C2",
    "NTK at initialization",
    "max_ij |H(W_0)_ij − H∞_ij| / κ̄ ≤ K_2 √(log(2n²/δ) / m)",
    deviations,
    note=implied_constant_against_length,
)
register(RATE)
register(LIMIT)
