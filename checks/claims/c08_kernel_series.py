"""C8 kernel power series: ``H∞ = Σ_α c_α Π_l G_l^{α_l}`` with ``c_α ≥ 0`` at fixed per-step norms.

(a) every coefficient is non-negative; (b) truncated series converge to ``H∞`` with the rigorous
tail bound ``|H∞(x, x') − S_D(G)| ≤ H∞(x, x) − S_D(r²)`` (all ``c_α ≥ 0`` and ``|G_l| ≤ r_l²``);
(c) Schur lower bound ``λ_min(H∞ − c_α G^{⊙α}) ≥ 0``.  A6 is not assumed: norms up to 10.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import numerical_zero, spectrum_edges
from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import instance_sample, sample_strategy, step_norm_lists
from checks.constants import EPS
from checks.ntk import infinite_ntk
from checks.series import TruncatedKernel, kernel_coefficient

SCENARIOS = (None, "-A2", "+A6")


@st.composite
def _alpha(draw, L: int, max_support: int = 3, max_degree: int = 6):
    steps = draw(st.lists(st.integers(1, L), min_size=0, max_size=max_support, unique=True))
    return {str(s): draw(st.integers(1, max_degree)) for s in steps}


def _alpha_dict(instance) -> dict[int, int]:
    return {int(k): int(v) for k, v in instance["alpha"].items()}


# (a) c_α ≥ 0.
def coefficient_instances(scenario, profile):
    """A length ``L ≤ 64``, a multi-index ``α`` and fixed per-step norms."""
    return st.integers(1, 64).flatmap(lambda L: st.fixed_dictionaries({"L": st.just(L), "alpha": _alpha(L), "norms": step_norm_lists(scenario, L)}))


def evaluate_coefficient(instance) -> Measurement:
    c = kernel_coefficient(instance["L"], _alpha_dict(instance), instance["norms"])
    return Measurement(lhs=-c, rhs=0.0, details={"c_alpha": c})


# (b) convergence of the truncated series, with the diagonal tail as a rigorous bound.
DEGREES = (2, 4, 6, 8)


def pair_instances(scenario, profile):
    """Per-step norms and cosines of a pair of sequences (``L`` = 2 or 3)."""
    # cos = 1 at every step is the diagonal pair, where the bound is attained: drawn often.
    cosines = st.one_of(st.just(1.0), st.floats(-1.0, 1.0, allow_nan=False, width=64))
    return st.integers(2, 3).flatmap(
        lambda L: st.fixed_dictionaries({"norms": step_norm_lists(scenario, L), "cosines": st.lists(cosines, min_size=L, max_size=L)})
    )


def pair_with_inner_products(norms, cosines) -> torch.Tensor:
    """Two sequences in ``R²`` with ``‖X_l‖ = ‖X'_l‖ = r_l`` and ``⟨X_l, X'_l⟩ = r_l² cos_l``."""
    r = torch.as_tensor(norms, dtype=torch.float64)
    c = torch.as_tensor(cosines, dtype=torch.float64)
    s = torch.sqrt((1 - c * c).clamp_min(0.0))
    first = torch.stack([r, torch.zeros_like(r)], dim=-1)
    second = torch.stack([r * c, r * s], dim=-1)
    return torch.stack([first, second])


def evaluate_convergence(instance) -> Measurement:
    r = np.asarray(instance["norms"], float)
    X = pair_with_inner_products(r, instance["cosines"])
    G = (X[0] * X[1]).sum(-1).numpy()
    H = infinite_ntk(X)
    exact, diag = float(H[0, 1]), float(H[0, 0])
    D = DEGREES[-1]
    series = TruncatedKernel.build(len(r), D, r)
    err = abs(exact - series(G))
    tail = diag - series(r * r)
    errors = [abs(exact - series(G, k)) / diag for k in DEGREES]
    # Round-off: both sides are O(diag) sums of O(D^L) terms; 64·eps·diag covers it.
    return Measurement(lhs=err / diag, rhs=tail / diag, tol=64 * EPS, details={"relative_errors_by_degree": dict(zip(map(str, DEGREES), errors)), "degree": D})


# (c) Schur lower bound H∞ ⪰ c_α G^{⊙α}.
def schur_instances(scenario, profile):
    """A fixed-norm sample (A3 not needed) and a multi-index ``α``."""
    base = sample_strategy(scenario, fixed_norms=True, a3=False)
    return base.flatmap(lambda X: st.fixed_dictionaries({"X": st.just(X.tolist()), "alpha": _alpha(X.shape[1], max_degree=4)}))


def evaluate_schur(instance, scale: float = 1.0) -> Measurement:
    X = instance_sample(instance)
    n, L, _ = X.shape
    alpha = _alpha_dict(instance)
    norms = X[0].norm(dim=-1).numpy()
    H = infinite_ntk(X)
    c = scale * kernel_coefficient(L, alpha, norms)
    term = torch.full((n, n), c, dtype=torch.float64)
    for step, power in alpha.items():
        term = term * (X[:, step - 1] @ X[:, step - 1].T) ** power
    lam_min = spectrum_edges(H - term)[0]
    lam_max = spectrum_edges(H)[1]
    # Entry errors of the L-step recursion are O(L eps |H|); ‖E‖_2 ≤ n max|E_ij|.
    tol = numerical_zero(n, lam_max) * L / lam_max
    return Measurement(lhs=-lam_min / lam_max, rhs=0.0, tol=tol, details={"c_alpha": c, "lambda_min": lam_min, "lambda_max": lam_max, "alpha": alpha})


register(
    Claim(
        id="C8a",
        title="Kernel power-series coefficients are non-negative",
        statement="c_α ≥ 0 for every multi-index α, any fixed per-step norms (no A6)",
        assumptions=("fixed norms",),
        strategy=coefficient_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_coefficient,
        twin=Twin.transformed(lambda m: replace(m, lhs=m.details["c_alpha"]), "a coefficient with its sign flipped"),
        lhs_name="−c_α",
        rhs_name="0",
        tolerance_reason="none: c_α is a sum of products of non-negative floats, non-negative exactly",
    )
)

register(
    Claim(
        id="C8b",
        title="Truncated kernel series converge to H∞",
        statement=f"|H∞(x,x') − S_D(G)| ≤ H∞(x,x) − S_D(r²) at D = {DEGREES[-1]} (relative to H∞(x,x))",
        assumptions=("fixed norms",),
        strategy=pair_instances,
        scenarios=SCENARIOS,
        evaluate=evaluate_convergence,
        twin=Twin.tightened(0.5, "the tail bound scaled by ½"),
        lhs_name="|H∞ − S_D| / H∞(x,x)",
        rhs_name="tail / H∞(x,x)",
        tolerance_reason="64·eps relative: both sides are O(H∞(x,x)) sums of non-negative terms",
    )
)

register(
    Claim(
        id="C8c",
        title="Schur lower bound of H∞ by one series term",
        statement="λ_min(H∞ − c_α G^{⊙α}) ≥ 0 on samples with fixed per-step norms, every α",
        assumptions=("fixed norms",),
        strategy=schur_instances,
        scenarios=(*SCENARIOS, "-A3"),
        evaluate=evaluate_schur,
        twin=Twin.re_evaluated(lambda inst: evaluate_schur(inst, scale=10.0), "H∞ ⪰ 10 c_α G^{⊙α}"),
        lhs_name="−λ_min(H∞ − c_α G^α) / λ_max(H∞)",
        rhs_name="0",
        tolerance_reason="n·L·eps: entry errors of the L-step recursion are O(L eps |H|), and ‖E‖_2 ≤ n max|E_ij|",
    )
)
