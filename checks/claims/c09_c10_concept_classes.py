"""C9 additive and C10 N-variable concept classes: ``yᵀ H∞⁻¹ y ≤ Φ`` (the certificate of ``checks.theory.targets``).

Samples have fixed per-step norms (every sequence has ``‖X_l‖ = r_l``, any size: A6 not
assumed).  Sides are scale-free: ``lhs = yᵀH∞⁻¹y / Φ``, ``rhs = 1``.

Instances: half general targets (every coefficient and every entry of β non-zero), half near-tight ones
(a degree-0 monomial on 10–14 points, ``yᵀH∞⁻¹y / Φ = 0.57–0.78``), so that a certificate off by a
factor 2 is seen.  Trivial instances (labels all 0, or an infinite Φ) are excluded by the strategy.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import NORM_RANGES, instance_sample, inverse_condition, sample_strategy, small_after_first
from checks.experiments.strategies import degenerate_samples, seeded_samples
from checks.model.ntk import infinite_ntk
from checks.numerics.constants import EPS
from checks.numerics.linalg import spectrum_edges
from checks.theory.bounds import complexity
from checks.theory.targets import Additive, NVariable

SCENARIOS = (None, "-A2", "-A3", "+A6")
MAX_CONDITION = 1e8
"""Instances whose H∞ has condition number above this are skipped: the solve's relative error is
``cond · n · eps`` (the tolerance), and beyond 1e8 it would swamp the margin."""
GENERAL_N = (2, 10)  # sample sizes of the general targets
TIGHT_N = (10, 14)
TIGHT_D = 3
"""Samples of the near-tight targets: ``n ∈ TIGHT_N`` points in ``R^3``.  ``yᵀH∞⁻¹y`` is the smallest
``H∞``-norm of a function through the labels, so more points pin the target down: for a constant target
``yᵀH∞⁻¹y / Φ`` is 0.54–0.74 at ``n = 10``, 0.40–0.65 at ``n = 6`` (measured on 30 samples each; over 400
samples of this family, ``n = 10 … 14``: 0.57–0.78).  ``d = 3``: on the circle
(``d = 2``) A3's ``|cos| ≤ PARALLEL_COS`` leaves room for few more than 20 pairwise non-parallel
directions and random draws of 10 or more rarely satisfy it."""


def _magnitudes(lo: float, hi: float):
    """A float with ``lo ≤ |x| ≤ hi`` (never 0: a zero coefficient or β makes a trivial or shorter target,
    and subnormal magnitudes underflow Φ to 0; both sides are homogeneous in the coefficients)."""
    mag = st.floats(lo, hi, allow_nan=False, width=64)
    return st.one_of(mag, mag.map(lambda x: -x))


COEFF = _magnitudes(1e-3, 1.0)
BETA = _magnitudes(1e-3, 2.0)


def _sample(scenario, n=GENERAL_N):
    return sample_strategy(scenario, n=n, fixed_norms=True)


@st.composite
def _additive_target(draw, L: int, d: int):
    steps = draw(st.lists(st.integers(1, L), min_size=1, max_size=2, unique=True))
    return [
        {
            "step": s,
            "beta": draw(st.lists(BETA, min_size=d, max_size=d)),
            "coeffs": draw(st.lists(COEFF, min_size=1, max_size=4)),
        }
        for s in steps
    ]


@st.composite
def _nvariable_target(draw, L: int, d: int):
    steps = draw(st.lists(st.integers(1, L), min_size=1, max_size=min(3, L), unique=True))
    return {
        "steps": steps,
        "betas": [draw(st.lists(BETA, min_size=d, max_size=d)) for _ in steps],
        "coeffs": draw(st.lists(COEFF, min_size=1, max_size=4)),
    }


@st.composite
def _tight_additive_target(draw, L: int, d: int):
    """One monomial of degree 0, ``y = a`` (step any): its certificate ``a²/c_0`` is nearly attained.

    At higher degrees and later steps ``H∞``'s other Schur terms represent a monomial more cheaply than its
    own term and ``yᵀH∞⁻¹y / Φ`` falls to 10⁻³ (a true, loose bound with no power against a halved ``Φ``)."""
    step = draw(st.integers(1, L))
    return [{"step": step, "beta": draw(st.lists(BETA, min_size=d, max_size=d)), "coeffs": [draw(COEFF)]}]


@st.composite
def _tight_nvariable_target(draw, L: int, d: int):
    """``y = a (βᵀ[X_{l_1}; …])^0 = a`` on any steps: the near-tight N-variable target (see the additive one)."""
    steps = draw(st.lists(st.integers(1, L), min_size=1, max_size=min(3, L), unique=True))
    return {
        "steps": steps,
        "betas": [draw(st.lists(BETA, min_size=d, max_size=d)) for _ in steps],
        "coeffs": [draw(COEFF)],
    }


def _tight_sample(scenario):
    """Samples for the near-tight targets: ``n ∈ TIGHT_N`` sequences in ``R^TIGHT_D`` with uniform directions
    (:func:`checks.experiments.strategies.seeded_samples`), realizing the scenario as :func:`sample_strategy` does."""
    shape = dict(n=TIGHT_N, d=(TIGHT_D, TIGHT_D), fixed_norms=True)
    if scenario == "-A3":
        return degenerate_samples(**shape)
    base = seeded_samples(norm_range=NORM_RANGES[scenario if scenario == "-A2" else None], **shape)
    return base.map(small_after_first) if scenario == "+A6" else base


def _nontrivial(instance) -> bool:
    """The labels are not all 0 on the sample and the certificate is finite (no vacuous instance)."""
    X = instance_sample(instance)
    target = build_target(instance["target"])
    return bool(target(X).abs().max() > 0) and math.isfinite(target.certificate(X.shape[1], X[0].norm(dim=-1).numpy()))


def _instances(target_strategy, tight_strategy, scenario):
    """General targets on ``n ∈ GENERAL_N`` points, or near-tight ones on ``n ∈ TIGHT_N`` points (half each)."""

    def on(sample, targets):
        return sample.flatmap(
            lambda X: st.fixed_dictionaries({"X": st.just(X.tolist()), "target": targets(X.shape[1], X.shape[2])})
        )

    both = st.one_of(on(_sample(scenario), target_strategy), on(_tight_sample(scenario), tight_strategy))
    return both.filter(lambda inst: scenario == "-A3" or inverse_condition(inst) > 1 / MAX_CONDITION).filter(
        _nontrivial
    )


def build_target(spec):
    """The target of an instance: a list of additive terms (C9) or one N-variable spec (C10)."""
    if isinstance(spec, list):
        return Additive.of(*[(t["step"], t["beta"], t["coeffs"]) for t in spec])
    return NVariable.of(spec["steps"], spec["betas"], spec["coeffs"])


def evaluate(instance) -> Measurement:
    """``yᵀH∞⁻¹y / Φ ≤ 1`` (C9: ``Φ_add``, C10: ``Φ_N``), tolerance ``cond(H∞)·n·eps`` (the solve's forward error)."""
    X = instance_sample(instance)
    target = build_target(instance["target"])
    norms = X[0].norm(dim=-1).numpy()
    H = infinite_ntk(X)
    y = target(X)
    phi = target.certificate(X.shape[1], norms)
    lam_min, lam_max = spectrum_edges(H)
    comp = complexity(H, y)
    cond = lam_max / lam_min
    return Measurement(
        lhs=comp / phi,
        rhs=1.0,
        tol=cond * X.shape[0] * EPS,
        details={"complexity": comp, "phi": phi, "condition": cond},
    )


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
        formula=r"y = \sum_l \sum_k a_{l,k} (\beta_l^\top X_l)^k \;\Rightarrow\; y^\top (H^\infty)^{-1} y \le \Phi_{\mathrm{add}} "
        r"= \Big( \sum_{l,k} \frac{|a_{l,k}|\, \lVert \beta_l \rVert^k}{\sqrt{c_{k e_l}}} \Big)^2",
        assumptions=("A3", "fixed norms"),
        strategy=lambda scenario, profile: _instances(_additive_target, _tight_additive_target, scenario),
        **_common,
    )
)

register(
    Claim(
        id="C10",
        title="N-variable targets: certificate Φ_N",
        statement="y = Σ_k a_k(βᵀ[X_{l_1};…;X_{l_N}])^k ⇒ yᵀH∞⁻¹y ≤ Φ_N (multinomial expansion over c_α)",
        formula=r"y = \sum_k a_k \big(\beta^\top [X_{l_1}; \dots; X_{l_N}]\big)^k \;\Rightarrow\; y^\top (H^\infty)^{-1} y \le \Phi_N",
        assumptions=("A3", "fixed norms"),
        strategy=lambda scenario, profile: _instances(_nvariable_target, _tight_nvariable_target, scenario),
        **_common,
    )
)
