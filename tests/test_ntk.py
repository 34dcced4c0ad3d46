"""The library's NTKs against independent computations (docs/claims.md S)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.experiments.strategies import degenerate_samples, samples
from checks.model import ntk_fused
from checks.model.ntk import empirical_ntk, hidden_kernel_diag, infinite_ntk
from checks.model.rnn import forward, init_params, output
from checks.testing.reference import infinite_ntk_mpmath, jacobian_ntk

EPS = np.finfo(float).eps


def gaussian(n, L, d, seed=0, scale=1.0):
    return torch.randn((n, L, d), generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * scale


@given(X=samples(), m=st.sampled_from([1, 3, 16]), seed=st.integers(0, 100))
@settings(max_examples=25)
def test_empirical_ntk_matches_autograd_jacobian(X, m, seed):
    """Structured form == (1/m) J Jᵀ with J from torch.func, to float64 round-off.

    Tolerance 1e-12 relative to max |H|: both sum O(L² m) products of O(1) terms.
    """
    X = torch.as_tensor(X)
    p = init_params(m, X.shape[2], seed=seed)
    H, ref = empirical_ntk(p, X), jacobian_ntk(p, X)
    assert torch.allclose(H, ref, rtol=0, atol=1e-12 * max(1.0, float(ref.abs().max())))


def test_empirical_ntk_blocking_matches_unblocked_and_cross_kernel():
    X, X2 = gaussian(9, 5, 3), gaussian(4, 5, 3, seed=1)
    p = init_params(32, 3, seed=2)
    full = empirical_ntk(p, X)
    tiny = empirical_ntk(p, X, memory_budget=3 * 8 * 10**2)  # one sample per block
    assert torch.allclose(full, tiny, rtol=1e-13, atol=0)
    assert torch.equal(full, full.T)
    cross = empirical_ntk(p, X, X2)
    assert torch.allclose(cross, jacobian_ntk(p, X, X2), rtol=1e-12, atol=1e-12)


def test_batched_params_give_batched_kernels():
    X = gaussian(4, 3, 2)
    p = init_params(16, 2, seed=5, batch=(3,))
    H = empirical_ntk(p, X)
    assert H.shape == (3, 4, 4)
    from checks.model.rnn import Params

    for s in range(3):
        assert torch.allclose(H[s], empirical_ntk(Params(p.W[s], p.A[s], p.B[s]), X))
    assert output(p, X).shape == (3, 4)


def test_forward_is_setting_s():
    """h_0 = 0, g_l = W h_{l-1} + A X_l, h_l = relu(g_l), f = B h_L, written out by hand."""
    X = gaussian(2, 3, 2)
    p = init_params(5, 2, seed=3)
    tr = forward(p, X)
    h = torch.zeros(2, 5, dtype=torch.float64)
    for l in range(3):
        g = h @ p.W.T + X[:, l] @ p.A.T
        assert torch.equal(tr.g[:, l], g)
        h = torch.relu(g)
    assert torch.equal(tr.h[:, 0], torch.zeros(2, 5, dtype=torch.float64))
    assert torch.allclose(output(p, X), h @ p.B)


def test_initialization_variances_and_seeds():
    p = init_params(400, 300, seed=11)
    assert p.W.dtype == torch.float64
    # Sample variances of 160k / 120k / 400 draws: 5 standard errors as tolerance.
    assert abs(float(p.W.var()) * 400 / 2 - 1) < 5 * math.sqrt(2 / 160000)
    assert abs(float(p.A.var()) * 400 / 2 - 1) < 5 * math.sqrt(2 / 120000)
    assert abs(float(p.B.var()) - 1) < 5 * math.sqrt(2 / 400)
    q = init_params(400, 300, seed=11)
    assert all(torch.equal(getattr(p, k), getattr(q, k)) for k in "WAB")
    assert not torch.equal(p.W, init_params(400, 300, seed=12).W)


@given(X=samples(norm_range=(0.05, 10.0)))
def test_infinite_ntk_diagonal_identity(X):
    """H∞(x, x) = ½ Σ_l Σ_{k<l} ‖X_k‖² (docs/claims.md S), to 1e-13 relative (O(L) roundings)."""
    X = torch.as_tensor(X)
    H = infinite_ntk(X)
    expected = 0.5 * hidden_kernel_diag(X)[:, :-1].sum(1)
    assert torch.allclose(H.diagonal(), expected, rtol=1e-13, atol=0)


FORMS = [pytest.param(True, id="fused", marks=pytest.mark.skipif(not ntk_fused.available(), reason="numba missing")),
         pytest.param(False, id="torch")]


@pytest.mark.parametrize("fused", FORMS)
@pytest.mark.parametrize("case", ["random", "degenerate", "long"])
def test_infinite_ntk_matches_50_digit_reference(case, fused):
    """Against the plain arccos recursion in 50-digit arithmetic, both forms (``checks.model.ntk_fused`` and torch).

    Tolerance 1e-14 relative per entry: the defect form has no cancellation, so entries are
    accurate to a few ulps times L (the float64 arccos form is only √eps-accurate at ρ → 1).
    """
    if case == "random":
        X = gaussian(5, 4, 3, scale=3.0)
    elif case == "long":
        X = gaussian(3, 40, 2)
    else:
        X = gaussian(6, 5, 2, seed=1, scale=3.0)
        X[1] = -X[0]
        X[2] = 2 * X[0]
        X[3, :2] = 0  # zero prefix
        X[4, 0] = -X[5, 0]  # antiparallel first inputs
    ref = infinite_ntk_mpmath(X)
    got = infinite_ntk(X, fused=fused)
    assert torch.allclose(got, ref, rtol=1e-14, atol=0)


@pytest.mark.parametrize("fused", FORMS)
def test_infinite_ntk_entries_within_7e16_of_the_50_digit_reference(fused):
    """README's figure: on generic samples (the random and long cases) every entry of either form lies within 7e-16
    relative of the 50-digit value (measured: fused 4.9e-16 and 3.2e-16, torch 6.6e-16 and 2.6e-16; 1 ulp is 2.2e-16)."""
    for X in (gaussian(5, 4, 3, scale=3.0), gaussian(3, 40, 2)):
        ref = infinite_ntk_mpmath(X)
        assert float(((infinite_ntk(X, fused=fused) - ref).abs() / ref.abs()).max()) <= 7e-16


@pytest.mark.skipif(not ntk_fused.available(), reason="numba missing")
@given(X=st.one_of(samples(n=(2, 9), L=(1, 9)), degenerate_samples(n=(2, 6), L=(1, 6))), cross=st.booleans())
@settings(max_examples=40, deadline=None)
def test_fused_and_torch_forms_agree(X, cross):
    """The fused pass and the torch form, the same recursion, agree entry by entry to 8 eps relative to the kernel's
    scale (each is a few ulps from the exact value, tested above; they differ in the rounding of ‖X̂ − X̂'‖², the
    inner products and the angle), symmetric and cross kernels alike."""
    X = torch.as_tensor(X)
    X2 = X[: max(1, X.shape[0] // 2)].flip(0) if cross else None
    fused, plain = infinite_ntk(X, X2, fused=True), infinite_ntk(X, X2, fused=False)
    scale = float(plain.abs().max())
    assert torch.allclose(fused, plain, rtol=8 * EPS, atol=8 * EPS * scale)
    if not cross:
        assert torch.equal(fused, fused.T)


@pytest.mark.skipif(not ntk_fused.available(), reason="numba missing")
def test_fused_form_is_bit_identical_at_any_thread_count():
    """Every entry is computed by its own sequence of operations: 1 and 2 threads give the same bits (the suite's
    records do not depend on the thread policy through H∞)."""
    X = gaussian(70, 6, 3, seed=4)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one, cross_one = infinite_ntk(X), infinite_ntk(X[:9], X)
        torch.set_num_threads(2)
        two, cross_two = infinite_ntk(X), infinite_ntk(X[:9], X)
    finally:
        torch.set_num_threads(before)
    assert torch.equal(one, two) and torch.equal(cross_one, cross_two)


def test_fused_form_refused_where_it_does_not_apply():
    """``fused=True`` on float32 is a one-line error; ``fused=None`` picks the torch form there."""
    X = gaussian(3, 2, 2).float()
    with pytest.raises(ValueError, match="fused=True"):
        infinite_ntk(X, fused=True)
    assert infinite_ntk(X).dtype == torch.float32


def test_infinite_ntk_cross_kernel_is_block_of_joint_kernel():
    X, X2 = gaussian(4, 6, 3), gaussian(3, 6, 3, seed=9)
    joint = infinite_ntk(torch.cat([X, X2]))
    assert torch.allclose(infinite_ntk(X, X2), joint[:4, 4:], rtol=1e-14, atol=0)


@given(X=degenerate_samples())
def test_parallel_sequences_give_exactly_parallel_rows(X):
    """x' = c x ⇒ H∞(x', ·) = c H∞(x, ·): the defect recursion keeps this to round-off."""
    X = torch.as_tensor(X)
    H = infinite_ntk(X)
    lam = torch.linalg.eigvalsh(H)
    assert lam[0] <= X.shape[0] * EPS * lam[-1]


def test_monte_carlo_mean_of_empirical_ntk_approaches_infinite_ntk():
    """E over initializations of H(W_0) → H∞: mean of 24 seeds at m = 2048 within 5 standard errors.

    The per-entry standard error is estimated from the seeds themselves; 5σ over 25 entries
    gives a false-alarm rate below 1e-5.
    """
    X = gaussian(5, 4, 3)
    Hs = torch.stack([empirical_ntk(init_params(2048, 3, seed=s), X) for s in range(24)])
    se = Hs.std(0) / math.sqrt(Hs.shape[0])
    z = (Hs.mean(0) - infinite_ntk(X)) / se
    assert float(z.abs().max()) < 5.0


def test_zero_first_input_gives_zero_gradient_steps():
    """A zero prefix makes g_l = 0 exactly: the empirical and infinite kernels agree on P_l = 0."""
    X = gaussian(3, 4, 2)
    X[0, :2] = 0
    H = infinite_ntk(X)
    assert torch.isfinite(H).all()
    assert float(H[0, 0]) == pytest.approx(0.5 * float(hidden_kernel_diag(X)[0, :-1].sum()), rel=1e-13)


@given(X=st.one_of(samples(n=(2, 3), L=(2, 3)), degenerate_samples(n=(2, 3), L=(2, 3))))
@settings(max_examples=20)
def test_infinite_ntk_matches_50_digit_reference_on_generated_samples(X):
    """Generated samples (degenerate ones included) against 50-digit arithmetic.

    Tolerance 1e-13 relative to the largest entry: a few ulps per step; the entries that are
    small (near-antiparallel pairs) are compared on the kernel's scale, as the eigenvalues are.
    """
    X = torch.as_tensor(X)
    ref = infinite_ntk_mpmath(X)
    assert torch.allclose(infinite_ntk(X), ref, rtol=1e-13, atol=1e-13 * float(ref.abs().max()))
