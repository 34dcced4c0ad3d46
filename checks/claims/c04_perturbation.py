"""C4 stability in a perturbation radius: for ``‖W − W_0‖_2 = ω``,
(a) ``‖h_l(W) − h_l(W_0)‖ / √Q_l ≤ K_4 ω poly(l)`` and (b) ``‖H(W) − H(W_0)‖_2 / ‖H(W_0)‖_2 ≤ K_4' ω^{1/3}``.

The check fits the log-log exponent of the change in ``ω`` over a geometric grid, for a
random direction and for the gradient direction (where training moves), and asserts it is at
least the claimed one: the upper one-sided confidence limit of the slope is ``≥`` the claimed
exponent (``lhs`` = claimed exponent, ``rhs`` = upper limit).  ``L ≥ 3``: for ``L = 2`` the
empirical NTK depends on ``W`` only through sign patterns (``h_1`` does not involve ``W``).
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import spectrum_edges
from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import instance_sample, sample_strategy
from checks.claims.width_rate import FAMILY_FALSE_ALARM
from checks.ntk import empirical_ntk, hidden_kernel_diag
from checks.rnn import forward, init_params, output
from checks.stats import fit_leading_exponent, fit_rate
from checks.strategies import seeds

OMEGAS = [1e-3 * 10 ** (k / 3) for k in range(7)]  # 1e-3 … 1e-1: the kernel's ω^{1/3} regime
SMALL_OMEGAS = [1e-6 * 10 ** (k / 2) for k in range(7)]  # 1e-6 … 1e-3: the hidden states' ω → 0 limit
WIDTH = 512
"""Width of C4: large enough that sign flips are rare at ω ≤ 1e-3, small enough for ascent steps."""
SCENARIOS = (None, "-A2", "+A6")
EXPONENT_TOL = 1e-6
"""On ω ≤ 1e-3 the unmodelled third-order terms move the fitted leading exponent by O(ω_max²)."""


def perturbation_instances(scenario, profile):
    """A short sample (``L ≥ 3``), a seed, a direction kind and the two ``ω`` grids."""
    return st.fixed_dictionaries(
        {
            "X": sample_strategy(scenario, n=(2, 4), L=(3, 4)).map(np.ndarray.tolist),
            "seed": seeds(),
            "direction": st.sampled_from(["random", "gradient"]),
            "m": st.just(WIDTH),
            "omegas": st.just(OMEGAS),
            "small_omegas": st.just(SMALL_OMEGAS),
            "one_sided_alpha": st.just(FAMILY_FALSE_ALARM / profile.max_examples),
        }
    )


def _direction(params, X, kind: str, seed: int) -> torch.Tensor:
    if kind == "random":
        U = torch.randn(params.W.shape, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    else:  # the gradient of ½‖f‖² (the direction training from F = 0 toward labels ∝ −f moves)
        W = params.W.clone().requires_grad_(True)
        (U,) = torch.autograd.grad(0.5 * (output(params.with_W(W), X) ** 2).sum(), W)
    return U / torch.linalg.matrix_norm(U, ord=2)


def changes(instance, grid: str = "omegas") -> dict:
    X = instance_sample(instance)
    params = init_params(instance["m"], X.shape[2], seed=instance["seed"])
    U = _direction(params, X, instance["direction"], instance["seed"])
    h0 = forward(params, X).h[:, 1:]
    Q = hidden_kernel_diag(X)[:, 1:]
    steps = torch.arange(1, X.shape[1] + 1, dtype=torch.float64)
    H0 = empirical_ntk(params, X)
    norm0 = spectrum_edges(H0)[1]
    hidden, kernel, k4 = [], [], []
    for omega in instance[grid]:
        p = params.with_W(params.W + omega * U)
        dh = (forward(p, X).h[:, 1:] - h0).norm(dim=-1) / torch.sqrt(Q)
        hidden.append(float(dh.max()))
        k4.append(float((dh / (omega * steps)).max()))  # poly(l) = l
        kernel.append(float(torch.linalg.matrix_norm(empirical_ntk(p, X) - H0, ord=2)) / norm0)
    return {"hidden": hidden, "kernel": kernel, "K4": max(k4)}


def _measure(instance, series: str, claimed: float, constant, grid: str, fit) -> Measurement:
    ch = changes(instance, grid)
    omegas, values = instance[grid], ch[series]
    if min(values) <= 0:
        return Measurement(lhs=claimed, rhs=float("inf"), details={"note": "no change at some ω: bound holds trivially", series: values})
    fit = fit(omegas, values, confidence=1 - 2 * instance["one_sided_alpha"])
    tol = EXPONENT_TOL if grid == "small_omegas" else 0.0
    details = {"omegas": omegas, series: values, "slope": fit.slope}
    return Measurement(lhs=claimed, rhs=fit.ci_high, tol=tol, rate=fit.as_dict(), constant=constant(ch, omegas), details=details)


def evaluate_hidden(instance, claimed: float = 1.0) -> Measurement:
    """Leading exponent as ω → 0 (``fit_leading_exponent`` on the small-ω grid): within one sign
    pattern ``h_l`` is a polynomial in ω, so its curvature is modelled, not mistaken for the rate."""
    return _measure(instance, "hidden", claimed, lambda ch, om: ch["K4"], "small_omegas", fit_leading_exponent)


def evaluate_kernel(instance, claimed: float = 1.0 / 3.0) -> Measurement:
    return _measure(instance, "kernel", claimed, lambda ch, om: max(v / w ** (1 / 3) for v, w in zip(ch["kernel"], om)), "omegas", fit_rate)


register(
    Claim(
        id="C4a",
        title="Hidden states are Lipschitz in W near initialization",
        statement="‖h_l(W) − h_l(W_0)‖ ≤ K_4 ω l √Q_l for ‖W − W_0‖_2 = ω: fitted exponent in ω ≥ 1",
        assumptions=("A2",),
        strategy=perturbation_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_hidden,
        twin=Twin.re_evaluated(lambda inst: evaluate_hidden(inst, claimed=2.0), "hidden-state change claimed O(ω²)"),
        lhs_name="claimed exponent",
        rhs_name="slope upper limit",
        tolerance_reason="1e-6 on the exponent: third-order terms on ω ≤ 1e-3 are O(ω_max²)",
    )
)

register(
    Claim(
        id="C4b",
        title="NTK stability in a perturbation radius",
        statement="‖H(W) − H(W_0)‖_2/‖H(W_0)‖_2 ≤ K_4' ω^{1/3}: fitted exponent in ω ≥ 1/3",
        assumptions=("A2",),
        strategy=perturbation_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_kernel,
        twin=Twin.re_evaluated(lambda inst: evaluate_kernel(inst, claimed=2.0), "NTK change claimed O(ω²)"),
        lhs_name="claimed exponent",
        rhs_name="slope upper limit",
        tolerance_reason="none: the slope's confidence limit carries the fit error",
    )
)
