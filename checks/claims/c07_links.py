"""The links of C7's proof, each a record of the C7 family, so that a constant-factor error in the bound shows
where the end-to-end comparison (C7, detectable factor ≈ 4) cannot see it.

How they compose (docs/claims.md, C7): for the trained centered network ``F`` and its linearization
``F_lin(x) = ⟨∇f(x; W_0), W_T − W_0⟩``, the 1-Lipschitz loss gives ``E ℓ(F) ≤ E ℓ(F_lin) + ε(m)``
(**C7-linearization**, ε(m) → 0); ``F_lin`` lies in the kernel ball ``{⟨φ, v⟩ : ‖v‖ ≤ R_k}`` of the grid radius the
bound uses (**C7-radius**: ``√m ‖W_t − W_0‖_F ≤ R_k``, ``R_k`` a grid radius); on that ball, symmetrization and the
contraction by the loss give ``E ℓ ≤ Ê ℓ + 2 Rad + 3 √(log(2N_R/δ)/(2n))`` (the grid's union bound), and
``Rad ≤ R_k √(tr H)/n`` (**C7-rademacher**, Jensen; **C7-rademacher-lower**, Khintchine–Kahane: not loose by more
than √2).  Every link reads the bound's own terms, ``checks.theory.bounds.generalization_bound_terms``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.c07_generalization import LABEL_LENGTHS, LABEL_SIZES, NETWORKS_SHARED, network_experiments, network_list, trial
from checks.experiments.generalization import TARGETS, kernel_sample
from checks.experiments.strategies import derive_seed, seeds
from checks.numerics.constants import DELTA
from checks.theory.bounds import KHINTCHINE_KAHANE, dyadic_radius_count, generalization_bound_terms, rademacher_ball_mc

RADEMACHER_SAMPLES = 2000
"""Sign vectors per Monte-Carlo value: its relative standard error is ≈ 0.3 / √2000 ≈ 0.7%."""
RADEMACHER_EXAMPLES = 12
"""Instances per run of each Rademacher record."""
RADEMACHER_FALSE_ALARM = 0.01
"""Stated family-wise false-alarm rate of one run of a Rademacher record: the Monte-Carlo mean is allowed
``z·se`` with ``z = Φ⁻¹(1 − 0.01/RADEMACHER_EXAMPLES)`` (one-sided, Bonferroni over the instances; normal
approximation of the mean of 2000 bounded samples)."""
SIGN_STREAM = 7
"""Sub-seed of the Rademacher signs (``derive_seed(seed, SIGN_STREAM)``)."""
NETWORK_LINKS_SEED = "C7-network-links"
"""The seed id both network links draw from: the same trained networks serve both (cached)."""


def rademacher_instances(scenario, profile):
    """A C7 sample (target, L, n, seed) at the sizes of C7-labels (the link needs no non-vacuous bound)."""
    return st.fixed_dictionaries(
        {"target": st.sampled_from(TARGETS), "L": st.sampled_from(LABEL_LENGTHS), "n": st.sampled_from(LABEL_SIZES),
         "seed": seeds()}
    )


@lru_cache(maxsize=64)
def _rademacher(target: str, L: int, n: int, seed: int) -> dict:
    """The bound's terms on the sample and the Monte-Carlo Rademacher complexity of the ball of radius ``R_k``."""
    _, y, H = kernel_sample(target, L, n, seed)
    terms = generalization_bound_terms(H, y, delta=DELTA)
    gen = torch.Generator().manual_seed(derive_seed(seed, SIGN_STREAM))
    mc = rademacher_ball_mc(H, terms["grid_radius"], samples=RADEMACHER_SAMPLES, generator=gen)
    z = float(scipy_stats.norm.ppf(1 - RADEMACHER_FALSE_ALARM / RADEMACHER_EXAMPLES))
    return {"terms": terms, "mc": mc, "z": z, "bound_rademacher": terms["leading"] / 2,
            "ratio": mc["mean"] / (terms["leading"] / 2)}


def evaluate_rademacher(instance) -> Measurement:
    """Upper side (Jensen): the Monte-Carlo ``(R_k/n) E√(σᵀHσ)`` ≤ the bound's Rademacher term ``leading / 2``
    (the leading term is twice the Rademacher complexity: symmetrization), within ``z·se``."""
    r = _rademacher(instance["target"], instance["L"], instance["n"], instance["seed"])
    return Measurement(lhs=r["mc"]["mean"], rhs=r["bound_rademacher"], tol=r["z"] * r["mc"]["se"],
                       details={"ratio": r["ratio"], "mc": r["mc"], "terms": r["terms"]})


def evaluate_rademacher_lower(instance) -> Measurement:
    """Lower side (Khintchine–Kahane): ``(1/√2) · leading / 2 ≤`` the Monte-Carlo value, within ``z·se``."""
    r = _rademacher(instance["target"], instance["L"], instance["n"], instance["seed"])
    return Measurement(lhs=KHINTCHINE_KAHANE * r["bound_rademacher"], rhs=r["mc"]["mean"], tol=r["z"] * r["mc"]["se"],
                       details={"ratio": r["ratio"], "mc": r["mc"], "terms": r["terms"]})


def network_budget(profile) -> int:
    """One example per network experiment of the profile (``c07_generalization.network_list``: 8 at ci)."""
    return len(network_list(profile))


def on_grid(terms: dict) -> bool:
    """``R_k`` is one of the union bound's ``N_R`` grid radii ``2^0 … 2^(N_R − 1)`` and the smallest one covering
    the raw radius (``R_k ≥ √(yᵀH⁻¹y) > R_k/2``, or ``R_k = 1``): a radius off the grid has no share ``δ/N_R``."""
    R, raw = terms["grid_radius"], terms["raw_radius"]
    if not math.isfinite(R) or R <= 0:
        return False
    k = math.log2(R)
    return k == int(k) and 0 <= k < dyadic_radius_count(terms["n"]) and raw <= R and (R == 1 or raw > R / 2)


def evaluate_radius(instance) -> Measurement:
    """At the largest width: ``max_t √m ‖W_t − W_0‖_F ≤ R_k`` with ``R_k`` the grid radius that
    ``generalization_bound_terms`` returns on the network's own kernel ``H(W_0)`` (the features the linearization
    uses): C6's radius ``√m R_m = √(yᵀH(W_0)⁻¹y)`` is the distance of the minimum-norm fit, which gradient descent
    from ``W_0`` approaches from below in the linear regime, and the grid radius covers it.  No allowance: C6's
    ``1 + drift`` (``checks.theory.linearization.kernel_drift``, reported) is in units of ``λ_min(H(W_0))``, which at
    ``n = 300–400`` makes it ≈ 60× (measured): vacuous here.  Both grid radii (of ``H(W_0)`` and of the bound's
    ``H∞``) must be grid points (:func:`on_grid`), else the check fails; the distance against the bound's own
    ``R_k(H∞)`` and the raw radii is reported (the network travels 8–23% beyond ``√(yᵀH∞⁻¹y)`` at m = 512: the
    finite-width gap between ``H(W_0)`` and ``H∞``)."""
    t = trial(instance)
    top = t["by_width"][str(t["m"])]
    own = top["initial_kernel_terms"]
    limit = {k: t[k] for k in ("grid_radius", "raw_radius")} | {"n": t["n"]}
    details = {"distance": top["distance"], "grid_radius_H0": own["grid_radius"], "grid_radius": t["grid_radius"],
               "drift": top["drift"], "distance_over_raw_H0": top["distance"] / own["raw_radius"],
               "distance_over_grid_radius": top["distance"] / t["grid_radius"],
               "distance_over_raw": top["distance"] / t["raw_radius"], "capped": t["capped"],
               "distance_by_width": {m: w["distance"] for m, w in t["by_width"].items()}}
    if not (on_grid(own | {"n": t["n"]}) and on_grid(limit)):
        return Measurement(lhs=math.inf, rhs=own["grid_radius"], details={**details, "error": "R_k is not a grid radius"})
    return Measurement(lhs=top["distance"], rhs=own["grid_radius"], details=details)


def evaluate_linearization(instance, claimed_exponent: float = 0.0) -> Measurement:
    """``ε(m)`` on the test points shrinks with the width: at the largest width it is at most the smallest width's
    value times ``(m_max/m_min)^{claimed_exponent}`` (0: "shrinks"; the twin claims −1, ``ε ∝ 1/m``)."""
    t = trial(instance)
    eps = {int(m): w["epsilon_m"] for m, w in t["by_width"].items()}
    lo, hi = min(eps), max(eps)
    return Measurement(
        lhs=eps[hi], rhs=eps[lo] * (hi / lo) ** claimed_exponent,
        details={"epsilon_m_by_width": {str(m): v for m, v in eps.items()}, "capped": t["capped"],
                 "observed_exponent": math.log(eps[hi] / eps[lo]) / math.log(hi / lo),
                 "epsilon_over_margin": eps[hi] / (t["bound"] - t["test_loss"]),
                 "steps": {m: w["steps"] for m, w in t["by_width"].items()}},
    )


register(
    Claim(
        id="C7-rademacher",
        title="C7 link: the Rademacher complexity of the kernel ball is at most R√(tr H)/n",
        statement="(R_k/n) E_σ‖Σσ_iφ(x_i)‖ = (R_k/n) E√(σᵀH∞σ) ≤ leading/2 = R_k√(tr H∞)/n (Jensen), Monte Carlo over "
        f"{RADEMACHER_SAMPLES} sign vectors, with the bound's own terms",
        assumptions=("A5",),
        strategy=rademacher_instances,
        budget=lambda profile: RADEMACHER_EXAMPLES,
        evaluate=evaluate_rademacher,
        twin=Twin.tightened(0.5, "Rad ≤ R√(tr H)/(2n): a factor 2 lost (the measured ratio is ≥ 1/√2 > ½)"),
        lhs_name="Monte-Carlo Rademacher complexity",
        rhs_name="leading / 2",
        tolerance_reason=f"z·se of the Monte-Carlo mean, z = Φ⁻¹(1 − {RADEMACHER_FALSE_ALARM}/{RADEMACHER_EXAMPLES}) "
        "(one-sided, Bonferroni over the run's instances)",
        false_alarm=RADEMACHER_FALSE_ALARM,
    )
)

register(
    Claim(
        id="C7-rademacher-lower",
        title="C7 link: the Rademacher term is not loose by more than √2 (Khintchine–Kahane)",
        statement="(1/√2)·leading/2 ≤ (R_k/n) E√(σᵀH∞σ): E‖Σσ_iφ_i‖ ≥ (1/√2)√(tr H∞) (Latała–Oleszkiewicz), so "
        "the bound's Rademacher term is within [1, √2] of the true complexity",
        assumptions=("A5",),
        strategy=rademacher_instances,
        budget=lambda profile: RADEMACHER_EXAMPLES,
        evaluate=evaluate_rademacher_lower,
        twin=Twin.inflated(2.0, "the Rademacher term claimed tight within √2/2: (√2)·leading/2 ≤ Monte Carlo"),
        lhs_name="(1/√2) · leading / 2",
        rhs_name="Monte-Carlo Rademacher complexity",
        tolerance_reason="z·se of the Monte-Carlo mean, as C7-rademacher",
        false_alarm=RADEMACHER_FALSE_ALARM,
    )
)

register(
    Claim(
        id="C7-radius",
        title="C7 link: the trained network lies in the ball of the grid radius the bound uses",
        statement="max_t √m‖W_t − W_0‖_F ≤ R_k at the largest width, R_k (generalization_bound_terms on the network's "
        "kernel H(W_0)) the smallest grid radius 2^k ≥ √(yᵀH(W_0)⁻¹y) (C6's radius √m R_m); the grid radii of H(W_0) "
        "and of the bound's H∞ on the grid",
        assumptions=("A1", "A3", "A4", "A5"),
        strategy=lambda scenario, profile: network_experiments(profile),
        budget=network_budget,
        seed_id=NETWORK_LINKS_SEED,
        shares=NETWORKS_SHARED,
        evaluate=evaluate_radius,
        twin=Twin.tightened(0.5, "the ball of radius R_k/2 (the next grid radius down) claimed to hold the network"),
        lhs_name="√m max_t ‖W_t − W_0‖_F",
        rhs_name="R_k(H(W_0))",
        tolerance_reason="none",
    )
)

register(
    Claim(
        id="C7-linearization",
        title="C7 link: ε(m), the trained network's distance from its linearization, shrinks with the width",
        statement="ε(m) = mean_test |F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩| at the largest width ≤ at the smallest width "
        "(same sample, both trained to the stopping value at the A4 step)",
        assumptions=("A1", "A3", "A4", "A5"),
        strategy=lambda scenario, profile: network_experiments(profile),
        budget=network_budget,
        seed_id=NETWORK_LINKS_SEED,
        shares=NETWORKS_SHARED,
        evaluate=evaluate_linearization,
        twin=Twin.re_evaluated(lambda inst: evaluate_linearization(inst, claimed_exponent=-1.0),
                               "ε(m) = O(1/m) (the measured decay is about m^{-1/2})"),
        lhs_name="ε(m_max)",
        rhs_name="ε(m_min)",
        tolerance_reason="none",
    )
)
