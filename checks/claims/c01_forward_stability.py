"""C1 forward stability: ``| ‖h_l(x_i)‖² / Q_l(x_i, x_i) − 1 | ≤ K_1 √(l log(2nL/δ) / m)`` (needs A2 only)."""

from __future__ import annotations

import math

import torch

from checks.claims import register
from checks.claims.scenarios import instance_sample
from checks.claims.width_rate import width_rate_claims
from checks.experiments.strategies import derive_seed
from checks.inference.stats import implied_constant
from checks.model.ntk import hidden_kernel_diag
from checks.model.rnn import forward, init_params
from checks.numerics.constants import DELTA


def deviations(instance: dict):
    """Worst ``|‖h_l‖²/Q_l − 1|`` at each width and seed, and the worst ratio to the rate term."""
    X = instance_sample(instance)
    n, L, d = X.shape
    Q = hidden_kernel_diag(X)[:, 1:]  # Q_l(x, x), l = 1..L
    alive = Q > 0
    steps = torch.arange(1, L + 1, dtype=torch.float64)
    widths, devs, scaled = [], [], []
    for m in instance["widths"]:
        for k in range(instance["seeds_per_width"]):
            params = init_params(m, d, seed=derive_seed(instance["seed"], m, k))
            h = forward(params, X).h[:, 1:]
            ratio_dev = ((h * h).sum(-1) / torch.where(alive, Q, 1.0) - 1).abs()[alive]
            term = torch.sqrt(steps * math.log(2 * n * L / DELTA) / m).expand(n, L)[alive]
            widths.append(m)
            devs.append(float(ratio_dev.max()))
            scaled.append(implied_constant(ratio_dev, term))
    return widths, devs, scaled, {"delta": DELTA, "n": n, "L": L}


FORMULA = r"\Pr\Big[\, \Big| \frac{\lVert h_l \rVert^2}{Q_l} - 1 \Big| \le K_1 \sqrt{\frac{l \log(2nL/\delta)}{m}} \Big] \ge 1 - \delta"
"""C1 in LaTeX (``Claim.formula``)."""

for _record in width_rate_claims("C1", "Forward stability", "| ‖h_l‖² / Q_l − 1 | ≤ K_1 √(l log(2nL/δ) / m) w.p. ≥ 1 − δ", deviations,
                                 formula=FORMULA):
    register(_record)
