"""C9 additive and C10 N-variable concept classes: ``yᵀ H∞⁻¹ y ≤ Φ`` (the certificate of ``checks.targets``).

Samples have fixed per-step norms (every sequence has ``‖X_l‖ = r_l``, any size: A6 not
assumed).  Sides are scale-free: ``lhs = yᵀH∞⁻¹y / Φ``, ``rhs = 1``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from checks.bounds import complexity, spectrum_edges
from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import instance_sample, inverse_condition, sample_strategy
from checks.constants import EPS
from checks.ntk import infinite_ntk
from checks.targets import Additive, NVariable

SCENARIOS = (None, "-A2", "-A3", "+A6")
MAX_CONDITION = 1e8
"""Instances whose H∞ has condition number above this are skipped: the solve's relative error is
``cond · n · eps`` (the tolerance), and beyond 1e8 it would swamp the margin."""


def _magnitudes(lo: float, hi: float):
    """0, or a float with ``lo ≤ |x| ≤ hi``: both sides are homogeneous in the coefficients, so
    nothing is lost by keeping subnormal magnitudes (which underflow Φ to 0) out."""
    mag = st.floats(lo, hi, allow_nan=False, width=64)
    return st.one_of(st.just(0.0), mag, mag.map(lambda x: -x))


COEFF = _magnitudes(1e-3, 1.0)
BETA = _magnitudes(1e-3, 2.0)


def _sample(scenario, n=(2, 10)):
    return sample_strategy(scenario, n=n, fixed_norms=True)


@st.composite
def _additive_target(draw, L: int, d: int):
    steps = draw(st.lists(st.integers(1, L), min_size=1, max_size=2, unique=True))
    return [{"step": s, "beta": draw(st.lists(BETA, min_size=d, max_size=d)), "coeffs": draw(st.lists(COEFF, min_size=1, max_size=4))} for s in steps]


@st.composite
def _nvariable_target(draw, L: int, d: int):
    steps = draw(st.lists(st.integers(1, L), min_size=1, max_size=min(3, L), unique=True))
    return {
        "steps": steps,
        "betas": [draw(st.lists(BETA, min_size=d, max_size=d)) for _ in steps],
        "coeffs": draw(st.lists(COEFF, min_size=1, max_size=4)),
    }


def _instances(target_strategy, scenario):
    return (
        _sample(scenario)
        .flatmap(lambda X: st.fixed_dictionaries({"X": st.just(X.tolist()), "target": target_strategy(X.shape[1], X.shape[2])}))
        .filter(lambda inst: scenario == "-A3" or inverse_condition(inst) > 1 / MAX_CONDITION)
    )


def build_target(spec):
    if isinstance(spec, list):
        return Additive.of(*[(t["step"], t["beta"], t["coeffs"]) for t in spec])
    return NVariable.of(spec["steps"], spec["betas"], spec["coeffs"])


def evaluate(instance) -> Measurement:
    X = instance_sample(instance)
    target = build_target(instance["target"])
    norms = X[0].norm(dim=-1).numpy()
    H = infinite_ntk(X)
    y = target(X)
    phi = target.certificate(X.shape[1], norms)
    lam_min, lam_max = spectrum_edges(H)
    if not float(y.abs().max()) > 0 or not np.isfinite(phi):
        return Measurement(lhs=0.0, rhs=1.0, details={"phi": phi, "trivial": True})
    comp = complexity(H, y)
    cond = lam_max / lam_min
    return Measurement(lhs=comp / phi, rhs=1.0, tol=cond * X.shape[0] * EPS, details={"complexity": comp, "phi": phi, "condition": cond})


_common = dict(
    scenarios=SCENARIOS,
    evaluate=evaluate,
    twin=Twin.tightened(0.5, "the certificate Φ scaled by ½"),
    lhs_name="yᵀH∞⁻¹y / Φ",
    rhs_name="1",
    tolerance_reason="cond(H∞)·n·eps relative: the forward error of the Cholesky solve",
)

register(
    Claim(
        id="C9",
        title="Additive targets: certificate Φ_add",
        statement="y = Σ_l Σ_k a_{l,k}(β_lᵀX_l)^k ⇒ yᵀH∞⁻¹y ≤ Φ_add = (Σ |a_{l,k}| ‖β_l‖^k / √c_{k e_l})²",
        assumptions=("A3", "fixed norms"),
        strategy=lambda scenario, profile: _instances(_additive_target, scenario),
        **_common,
    )
)

register(
    Claim(
        id="C10",
        title="N-variable targets: certificate Φ_N",
        statement="y = Σ_k a_k(βᵀ[X_{l_1};…;X_{l_N}])^k ⇒ yᵀH∞⁻¹y ≤ Φ_N (multinomial expansion over c_α)",
        assumptions=("A3", "fixed norms"),
        strategy=lambda scenario, profile: _instances(_nvariable_target, scenario),
        **_common,
    )
)
