"""Power of the redesigned claim checks: the instances and sides that let C3, C6, C8 and C9/C10
see a wrong implementation, tested against independent computations and on the correct code.

The full mutation table is ``rnn-theorems mutate``; the pairs here are the fast ones (seconds each).
"""

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.claims import get, get_profile
from checks.claims.c08_kernel_series import (
    evaluate_convergence,
    finite_difference_coefficient,
    kernel_at_inner_products,
)
from checks.claims.c09_c10_concept_classes import _tight_additive_target, _tight_nvariable_target, _tight_sample
from checks.claims.width_rate import FAMILY_FALSE_ALARM, limit_measurement
from checks.experiments.strategies import near_degenerate_samples
from checks.harness.mutants import MUTANTS
from checks.harness.mutation import run_pair
from checks.inference.stats import fit_limit
from checks.model.ntk import empirical_ntk, infinite_ntk, ntk_diagonal
from checks.model.rnn import init_params
from checks.model.series import kernel_coefficient
from checks.model.train import a4_step_size, train_gd
from checks.numerics.constants import EPS
from checks.numerics.linalg import spectrum_edges
from checks.theory.assumptions import satisfies_a3
from checks.theory.linearization import drift_status, linear_deviation

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


# --- C3: near-degenerate samples ------------------------------------------------------------------


@FAST
@given(near_degenerate_samples())
def test_near_copies_satisfy_a3_exactly_and_stay_above_the_numerical_zero(X):
    """Two near-copies appended to an A3 sample: every step's inputs of the copies and their source are distinct
    rays, the base still passes A3 at some step, and λ_0/λ_max stays ≥ 100·n·eps (min over 1500 fresh samples:
    146 n·eps)."""
    n = X.shape[0] - 2
    assert satisfies_a3(X[:n])
    source = int(np.argmax(ntk_diagonal(X[:n]).numpy()))
    for l in range(X.shape[1]):
        rays = X[[source, n, n + 1], l]
        for i, a in enumerate(rays):
            for b in rays[i + 1 :]:
                b_hat = b / np.linalg.norm(b)
                sine = np.linalg.norm(a - (a @ b_hat) * b_hat) / np.linalg.norm(a)
                assert sine > 1e-13  # ε ≥ 10⁻¹¹ and the copies' bands are ≥ ε/8 apart
    lam_min, lam_max = spectrum_edges(infinite_ntk(torch.tensor(X)))
    assert lam_min / lam_max > 100 * X.shape[0] * EPS


def test_plain_arccos_cannot_resolve_near_copies():
    """The plain-arccos H∞ (√eps-accurate at ρ → 1) gets λ_0 of a near-degenerate sample wrong by its own size:
    mostly singular or indefinite (97% of C3b's near-degenerate samples), never within 10%."""
    plain = MUTANTS["hinf-plain-arccos"].make(infinite_ntk)
    rng = np.random.default_rng(0)
    wrong = 0
    for _ in range(10):
        X = rng.standard_normal((3, 4, 2))
        perp = np.stack([-X[0, :, 1], X[0, :, 0]], -1)  # ⊥ X_l at every step
        X = torch.tensor(np.concatenate([X, (X[0] + 1e-10 * perp)[None]]))
        zero = X.shape[0] * EPS
        lo, hi = spectrum_edges(infinite_ntk(X))
        assert lo / hi > 100 * zero
        lo_plain, hi_plain = spectrum_edges(plain(X))
        assert abs(lo_plain / hi_plain - lo / hi) > 0.1 * lo / hi
        wrong += lo_plain / hi_plain <= zero
    assert wrong >= 5


@pytest.mark.parametrize(
    "claim_id, mutant_id",
    [("C3a", "hinf-plain-arccos"), ("C3b", "hinf-plain-arccos"), ("C3b-converse", "hinf-jitter")],
)
def test_c3_kills(claim_id, mutant_id):
    assert run_pair(claim_id, mutant_id, get_profile("ci")).status == "killed"


# --- C8: finite differences and the geometric tail ----------------------------------------------


@pytest.mark.parametrize(
    "r, sharp", [([1.0, 1.0, 1.0], True), ([0.3, 4.0, 1.5], True), ([8.0, 0.1, 2.0], False), ([0.05, 10.0], False)]
)
def test_finite_differences_agree_with_the_series_within_their_bound(r, sharp):
    """Every β with |β| ≤ 2: |c_β − FD_β| ≤ bound_β.  With comparable norms the bound is far below c_β (it sees a
    5% error); a step whose norm is tiny against the others has c_β ≪ S_β = H∞(x,x)/r^{2β}, and its bound says
    little (power then comes from the other β)."""
    r = np.asarray(r)
    L = r.size
    betas = [{}] + [{l: 1} for l in range(1, L + 1)] + [{l: 2} for l in range(1, L + 1)] + [{1: 1, L: 1}]
    for beta in betas:
        c = kernel_coefficient(L, beta, r)
        fd, bound = finite_difference_coefficient(r, beta)
        assert abs(c - fd) <= bound, (beta, c, fd, bound)
        assert bound < 0.05 * c or not sharp, (beta, c, bound)


def test_kernel_at_inner_products_realizes_them():
    """The FD pairs have ‖X_l‖ = ‖X'_l‖ = r_l and ⟨X_l, X'_l⟩ = G_l: the value at G = r² is H∞(x, x) = ½ Σ_l Q_{l−1}."""
    r = np.array([0.5, 2.0, 1.0])
    diag = 0.5 * np.cumsum(r * r)[:-1].sum()
    assert kernel_at_inner_products(r, [r * r])[0] == pytest.approx(diag, rel=1e-14)


def test_geometric_tail_fails_for_an_inflated_kernel():
    """At q ≤ ½ the bound q^{D+1}·tail is tiny; H∞ × 1.2 (not the sum of the series) breaks it at some D."""
    inst = {"norms": [1.0, 2.0, 0.5], "cosines": [0.5, -0.3, 0.2]}
    assert evaluate_convergence(inst).holds
    with MUTANTS["hinf-scaled-1.2"].applied():
        assert not evaluate_convergence(inst).holds


@pytest.mark.parametrize(
    "mutant_id",
    [
        "hinf-scaled-1.2",
        "hinf-no-backward-2",
        "hinf-P-over-pi",
        "hinf-kappa-swap",
        "hinf-drop-last-step",
        "series-degree-1-dropped",
    ],
)
@pytest.mark.parametrize("claim_id", ["C8a", "C8b"])
def test_c8_kills(claim_id, mutant_id):
    assert run_pair(claim_id, mutant_id, get_profile("ci")).status == "killed"


# --- C9/C10: no trivial targets, and near-tight ones ------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.data())
def test_concept_instances_are_never_trivial(data):
    for claim_id in ("C9", "C10"):
        inst = data.draw(get(claim_id).instances(None, get_profile("ci")))
        m = get(claim_id).evaluate(inst)
        assert m.details["complexity"] > 0 and math.isfinite(m.details["phi"])


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.data())
def test_near_tight_targets_exceed_half_their_certificate(data):
    """The near-tight family (a constant target on 10–14 points in R³) has yᵀH∞⁻¹y/Φ > ½ (measured 0.57–0.78 on
    400 samples), so a certificate halved is caught."""
    for claim_id, tight in (("C9", _tight_additive_target), ("C10", _tight_nvariable_target)):
        X = data.draw(_tight_sample(None))
        inst = {"X": X.tolist(), "target": data.draw(tight(X.shape[1], X.shape[2]))}
        assert get(claim_id).evaluate(inst).lhs > 0.5


@pytest.mark.parametrize("claim_id, mutant_id", [("C9", "certificate-halved"), ("C10", "certificate-halved-nvar")])
def test_c9_c10_kill(claim_id, mutant_id):
    assert run_pair(claim_id, mutant_id, get_profile("ci")).status == "killed"


# --- C6: linear dynamics and the seed statuses -------------------------------------------------------


def test_linear_deviation_is_round_off_for_a_linear_run_and_large_after_a_sign_flip():
    """At L = 2 the NTK depends on W only through the signs D_2: a tiny step keeps every sign and the residuals
    follow (I − ηmH(W_0))^t r_0 to round-off; an A4 step on a narrow network flips signs and leaves them."""
    X = torch.tensor(np.random.default_rng(1).standard_normal((3, 2, 2)))
    y = torch.tensor([0.5, -0.3, 0.8], dtype=torch.float64)
    for m, scale, linear in ((64, 1e-4, True), (8, 1.0, False)):
        params = init_params(m, 2, seed=3)
        H0 = empirical_ntk(params, X)
        lr = scale * a4_step_size(params, X, H0)
        hist = train_gd(params, X, y, steps=50, lr=lr)
        deviation = linear_deviation(H0, lr * m, y, hist.residual_sq)
        assert (deviation < 1e-12) == linear, deviation


def test_seed_status():
    assert drift_status(2, 0.0, 0, True) == "linear"
    assert drift_status(2, 0.0, 0, False) == "transient"
    assert drift_status(2, 0.0, 3, True) == "unrecomputed"
    assert drift_status(3, 0.0, 0, True) == "unrecomputed"
    assert drift_status(3, 1e-3, 0, False) == "measured"


SMALL_TRAINING = {
    "X": np.random.default_rng(5).standard_normal((3, 3, 2)).tolist(),
    "y": [0.5, -0.3, 0.8],
    "seed": 11,
    "widths": [16, 64],  # narrow: the kernel moves and the linearization error is large
    "seeds": 2,
    "steps": 60,
    "lr_scale": 1.0,
}


def test_c6_lower_holds_far_from_the_regime_and_reports_the_linearization():
    """The lower side is a projection and a triangle inequality: it holds at any width; lin_T is its measured o(1)."""
    m = get("C6-lower").evaluate(SMALL_TRAINING)
    assert m.holds
    lin = m.details["by_width"]["64"]["linearization"]
    assert all(0 < v < 1 for v in lin)


def test_a_frozen_kernel_is_caught_by_the_zero_drift_guard():
    """At L = 3 the kernel moves with W (h_2 does): a drift of exactly 0 means H(W_T) was not recomputed."""
    assert get("C6").evaluate(SMALL_TRAINING).holds
    with MUTANTS["entk-frozen"].applied():
        m = get("C6").evaluate(SMALL_TRAINING)
    assert not m.holds and m.details["error"].startswith("drift exactly 0")


def test_limit_fit_counts_a_width_once_but_still_sees_a_non_zero_limit():
    """C1-limit, C2-limit: 4 seeds that share their width's departure from ``K m^{−½}`` (a pre-asymptotic bump,
    limit 0) are one replicate, not four: fitted seed by seed the bump reads as ``c > 0``, fitted on the
    per-width means it does not; a limit of 0.1 added to the same data is still seen."""
    grid = [32, 64, 128, 256, 512, 1024, 2048, 4096]
    widths = np.repeat(grid, 4).astype(float)
    bump = np.repeat([1.0, 0.8, 0.7, 0.7, 0.9, 1.1, 1.3, 1.4], 4)
    deviations = 3 / np.sqrt(widths) * bump * (1 + 0.05 * np.random.default_rng(0).standard_normal(widths.size))
    alpha = FAMILY_FALSE_ALARM / 12
    assert fit_limit(widths, deviations, confidence=1 - 2 * alpha).ci_low > 0
    assert limit_measurement(widths.tolist(), deviations.tolist(), alpha=alpha, details={}).holds
    assert limit_measurement(widths.tolist(), (0.1 + deviations).tolist(), alpha=alpha, details={}).lhs > 0.08
