"""C1 forward stability: ``| ‖h_l(x_i)‖² / Q_l(x_i, x_i) − 1 | ≤ K_1 √(l log(2nL/δ) / m)``."""

from __future__ import annotations

import math

import torch

from checks.claims import Measurement, register
from checks.claims._common import instance_sample, rate_measurement, width_rate_claim
from checks.ntk import hidden_kernel_diag
from checks.rnn import forward, init_params
from checks.stats import implied_constant

DELTA = 0.1


def evaluate(instance: dict) -> Measurement:
    X = instance_sample(instance)
    n, L, d = X.shape
    Q = hidden_kernel_diag(X)[:, 1:]  # Q_l(x, x), l = 1..L
    alive = Q > 0
    steps = torch.arange(1, L + 1, dtype=torch.float64)
    widths, devs, scaled = [], [], []
    for m in instance["widths"]:
        for k in range(instance["seeds_per_width"]):
            params = init_params(m, d, seed=instance["seed"] + 7919 * k)
            h = forward(params, X).h[:, 1:]
            ratio_dev = ((h * h).sum(-1) / torch.where(alive, Q, 1.0) - 1).abs()[alive]
            term = torch.sqrt(steps * math.log(2 * n * L / DELTA) / m).expand(n, L)[alive]
            widths.append(m)
            devs.append(float(ratio_dev.max()))
            scaled.append(implied_constant(ratio_dev, term))
    return rate_measurement(widths, devs, scaled, claimed=-0.5, details={"delta": DELTA, "n": n, "L": L})


CLAIM = register(width_rate_claim("C1", "Forward stability", "| ‖h_l‖² / Q_l − 1 | ≤ K_1 √(l log(2nL/δ) / m) w.p. ≥ 1 − δ; log-log slope in m ≤ −½", evaluate))
