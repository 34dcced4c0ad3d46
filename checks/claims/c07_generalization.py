"""C7 generalization (main theorem), checked statistically.

The predictor is the infinite-width limit of the centered network trained to convergence,
the kernel interpolant ``u(x) = H∞(x, X) H∞⁻¹ y`` (train loss 0) — a cheap companion of the
trained network that makes ``n`` in the thousands and ≥ 10⁴ test points affordable; a trained
finite network is the second configuration (``network``), at small ``n``.

For each ``n`` and each fresh sample: test loss ``min(|u − y|, 1)`` on ``N_TEST`` fresh points
against the bound ``train loss + 2√(yᵀH∞⁻¹y · tr H∞)/n + 3√(log(2N_R/δ)/(2n))`` (ε(m) = 0 for
the kernel predictor; ``N_R`` = ``dyadic_radius_count(n)``: a union bound over the dyadic grid
of radii).  Violations are pooled over all ``(n, sample)`` trials; the claim holds when the
exact one-sided Clopper–Pearson upper limit (confidence ``CONFIDENCE``) of the violation rate
is ``≤ δ``.  Random labels must get a larger bound than true labels at every ``n``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import complexity, generalization_bound, solve_psd
from checks.claims import Claim, Measurement, register
from checks.ntk import infinite_ntk
from checks.profiles import active
from checks.rnn import init_params, output
from checks.stats import clopper_pearson_upper
from checks.targets import Additive
from checks.train import train_gd

DELTA = 0.1
TWIN_SCALE = 1 / 20
"""The falsified twin's bound scale.  The bound is 12–110× above the measured test loss, so a
twin scaled by ½ is still true (not a falsification); 1/20 is below the loosest measured
tightness and must be caught."""
NETWORK_N, NETWORK_WIDTH, NETWORK_STEPS, NETWORK_SEEDS = 100, 512, 300, 2
CONFIDENCE = 0.95
N_TEST = 10_000
L, D = 2, 4


def draw_inputs(n: int, gen: torch.Generator) -> torch.Tensor:
    """i.i.d. sequences with unit-norm steps uniform on the sphere in R^D (A5; fixed norms)."""
    X = torch.randn((n, L, D), generator=gen, dtype=torch.float64)
    return X / X.norm(dim=-1, keepdim=True)


TARGETS = {
    # |y| ≤ 1 on unit-norm inputs (A5).
    "linear-last": Additive.of((L, [1.0, 0.0, 0.0, 0.0], [0.0, 1.0])),
    "quadratic-sum": Additive.of((1, [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.5]), (2, [0.6, 0.0, 0.8, 0.0], [0.0, 0.0, 0.5])),
}


def loss(u: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``min(|u − y|, 1)``: 1-Lipschitz in ``u``, values in [0, 1]."""
    return torch.clamp((u - y).abs(), max=1.0)


def _labels(f, X: torch.Tensor, gen: torch.Generator, random_labels: bool, heavy_tailed: bool) -> torch.Tensor:
    if random_labels:
        return torch.randint(0, 2, (X.shape[0],), generator=gen).to(torch.float64) * 2 - 1
    y = f(X)
    if heavy_tailed:  # drop A5: Cauchy (Student t, 1 degree of freedom) label noise, |y| unbounded
        u = torch.rand(X.shape[0], generator=gen, dtype=torch.float64)
        y = y + 0.1 * torch.tan(math.pi * (u - 0.5))
    return y


@lru_cache(maxsize=4096)
def kernel_trial(target: str, n: int, seed: int, random_labels: bool = False, heavy_tailed: bool = False) -> dict:
    gen = torch.Generator().manual_seed(seed)
    X, Xt = draw_inputs(n, gen), draw_inputs(N_TEST, gen)
    f = TARGETS[target]
    y = _labels(f, X, gen, random_labels, heavy_tailed)
    yt = _labels(f, Xt, gen, random_labels, heavy_tailed)
    H = infinite_ntk(X)
    u = infinite_ntk(Xt, X) @ solve_psd(H, y)
    test = float(loss(u, yt).mean())
    bound = generalization_bound(H, y, delta=DELTA)  # train loss of the interpolant is 0
    return {"n": n, "seed": seed, "test_loss": test, "bound": bound, "violated": test > bound, "complexity": complexity(H, y)}


@lru_cache(maxsize=256)
def network_trial(target: str, n: int, seed: int, m: int, steps: int) -> dict:
    gen = torch.Generator().manual_seed(seed)
    X, Xt = draw_inputs(n, gen), draw_inputs(N_TEST, gen)
    f = TARGETS[target]
    y, yt = f(X), f(Xt)
    params = init_params(m, D, seed=seed)
    hist = train_gd(params, X, y, steps=steps)
    u = output(hist.params, Xt) - output(params, Xt)  # centered predictor F
    train = float(loss(output(hist.params, X) - output(params, X), y).mean())
    bound = train + generalization_bound(infinite_ntk(X), y, delta=DELTA)
    test = float(loss(u, yt).mean())
    return {"n": n, "seed": seed, "m": m, "train_loss": train, "test_loss": test, "bound": bound, "violated": test > bound}


def c7_instances(scenario):
    if scenario not in (None, "-A5"):
        return None
    prof = active()
    # Instances are whole statistical experiments (fresh samples drawn from the seed): the
    # targets are the search space, the seed is fixed so CI repeats exactly.
    return st.fixed_dictionaries(
        {
            "target": st.sampled_from(sorted(TARGETS)),
            "sizes": st.just(list(prof.c7_sizes)),
            "repeats": st.just(prof.c7_repeats),
            "seed": st.just(0),
            "heavy_tailed_labels": st.just(scenario == "-A5"),
        }
    )


def evaluate(instance, bound_scale: float = 1.0) -> Measurement:
    trials, rows = [], []
    for n in instance["sizes"]:
        heavy = instance.get("heavy_tailed_labels", False)
        per_n = [dict(kernel_trial(instance["target"], n, instance["seed"] + 1000 * n + r, False, heavy)) for r in range(instance["repeats"])]
        rnd = kernel_trial(instance["target"], n, instance["seed"] + 1000 * n + 999, random_labels=True)
        for t in per_n:
            t["violated"] = t["test_loss"] > bound_scale * t["bound"]
        trials += per_n
        rows.append(
            {
                "n": n,
                "test_loss": float(np.mean([t["test_loss"] for t in per_n])),
                "bound": float(np.mean([t["bound"] for t in per_n])),
                "tightness": float(np.mean([t["test_loss"] / t["bound"] for t in per_n])),
                "violations": sum(t["violated"] for t in per_n),
                "random_label_bound": rnd["bound"],
                "random_label_test_loss": rnd["test_loss"],
            }
        )
    k = sum(t["violated"] for t in trials)
    upper = clopper_pearson_upper(k, len(trials), confidence=CONFIDENCE)
    network = [network_trial(instance["target"], NETWORK_N, instance["seed"] + s, NETWORK_WIDTH, NETWORK_STEPS) for s in range(NETWORK_SEEDS)]

    return Measurement(
        lhs=upper,
        rhs=DELTA,
        details={
            "predictor": "infinite-width kernel interpolant (limit of the trained centered network)",
            "violations": k,
            "trials": len(trials),
            "rows": rows,
            "non_vacuous": [r["n"] for r in rows if r["bound"] < 1.0],
            "separation": min(r["random_label_bound"] / r["bound"] for r in rows),
            "bound_scale": bound_scale,
            "network": {
                "predictor": f"trained centered RNN, m = {NETWORK_WIDTH}, {NETWORK_STEPS} A4 steps, n = {NETWORK_N} (ε(m) not included)",
                "trials": [{k: v for k, v in t.items() if k != "seed"} for t in network],
                "violations": sum(t["test_loss"] > bound_scale * t["bound"] for t in network),
            },
        },
    )


def evaluate_separation(instance) -> Measurement:
    """Random labels get a larger bound than true labels at every n: max_n bound_true / bound_random ≤ 1."""
    rows = evaluate(instance).details["rows"]
    return Measurement(lhs=max(r["bound"] / r["random_label_bound"] for r in rows), rhs=1.0, details={"rows": rows})


register(
    Claim(
        id="C7",
        title="Generalization bound (main theorem)",
        statement="E ℓ ≤ (1/n)Σℓ_i + 2√(yᵀH∞⁻¹y·tr H∞)/n + 3√(log(2N_R/δ)/(2n)) w.p. ≥ 1 − δ: "
        "Clopper–Pearson upper limit (95%) of the violation rate ≤ δ = 0.1",
        assumptions=("A1", "A3", "A4", "A5"),
        instances=c7_instances,
        evaluate=evaluate,
        twin_evaluate=lambda inst: evaluate(inst, bound_scale=TWIN_SCALE),
        twin_description="the bound scaled by 1/20 (½ is not false: the bound is 12–110× loose)",
        lhs_name="violation rate upper limit",
        rhs_name="δ",
        tolerance_reason="none: the exact binomial limit carries the sampling error",
    )
)

register(
    Claim(
        id="C7-labels",
        title="The bound separates true labels from random labels",
        statement="bound(true labels) < bound(random labels) at every n of the grid",
        assumptions=("A5",),
        instances=c7_instances,
        evaluate=evaluate_separation,
        twin_evaluate=lambda inst: Measurement(lhs=1.0 / evaluate_separation(inst).lhs, rhs=1.0),
        twin_description="random labels get the smaller bound",
        lhs_name="max_n bound_true / bound_random",
        rhs_name="1",
        tolerance_reason="none",
    )
)
