"""C2 NTK at initialization: ``max_ij |H(W_0)_ij − H∞_ij| / κ̄ ≤ K_2 √(log(2n²/δ) / m)``."""

from __future__ import annotations

import math

import torch

from checks.claims import Measurement, register
from checks.claims._common import instance_sample, rate_measurement, width_rate_claim
from checks.ntk import empirical_ntk, infinite_ntk
from checks.profiles import active
from checks.rnn import init_params

DELTA = 0.1


def evaluate(instance: dict) -> Measurement:
    X = instance_sample(instance)
    n, L, d = X.shape
    H_inf = infinite_ntk(X)
    kappa = float(H_inf.diagonal().max())  # κ̄ = max_i H∞(x_i, x_i)
    widths, devs, scaled = [], [], []
    for m in instance["widths"]:
        for k in range(instance["seeds_per_width"]):
            H0 = empirical_ntk(init_params(m, d, seed=instance["seed"] + 7919 * k), X)
            dev = float((H0 - H_inf).abs().max()) / kappa
            widths.append(m)
            devs.append(dev)
            scaled.append(dev / math.sqrt(math.log(2 * n * n / DELTA) / m))
    return rate_measurement(widths, devs, scaled, claimed=-0.5, details={"delta": DELTA, "n": n, "L": L, "kappa_bar": kappa})


CLAIM = register(width_rate_claim("C2", "NTK at initialization", "max_ij |H(W_0)_ij − H∞_ij| / κ̄ ≤ K_2 √(log(2n²/δ) / m); log-log slope in m ≤ −½", evaluate))


def implied_constant_against_length(lengths=(2, 4, 8, 16, 32), *, n: int = 6, d: int = 3, seed: int = 0) -> list[dict]:
    """``K_2`` and the fitted slope for a seeded Gaussian sample at each ``L`` (CLAIMS.md C2: "how it grows with L")."""
    prof = active()
    rows = []
    for L in lengths:
        gen = torch.Generator().manual_seed(seed + L)
        X = torch.randn((n, L, d), generator=gen, dtype=torch.float64)
        m = evaluate({"X": X.tolist(), "seed": seed, "widths": list(prof.rate_widths), "seeds_per_width": prof.rate_seeds})
        rows.append({"L": L, "K_2": m.constant, "slope": m.rate["slope"], "slope_ci_low": m.lhs})
    return rows
