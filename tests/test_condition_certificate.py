"""One condition certificate per nested sample (``checks.numerics.linalg.certified_order``): where it certifies a
prefix, ``eigvalsh`` would have let that prefix through too, and ``solve_psd`` raises ``SingularKernelError`` exactly
where the per-prefix ``eigvalsh`` check does (issue 25, item 2)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.model.ntk import infinite_ntk
from checks.numerics.linalg import SingularKernelError, certified_order, numerical_zero, solve_psd
from checks.theory.kernel_regression import kernel_test_errors

EPS = float(np.finfo(float).eps)


def eigvalsh_passes(H: torch.Tensor) -> bool:
    """The former check of ``solve_psd``, written out: ``λ_min > n · eps · max(|λ_max|, |λ_min|)`` by ``eigvalsh``."""
    lam = torch.linalg.eigvalsh(H)
    return float(lam[0]) > numerical_zero(H.shape[0], max(abs(float(lam[-1])), abs(float(lam[0]))))


def with_spectrum(n: int, lam: np.ndarray, seed: int) -> torch.Tensor:
    """``V diag(lam) Vᵀ`` with a random orthogonal ``V`` (exactly symmetric)."""
    rng = np.random.default_rng(seed)
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    H = torch.from_numpy((V * lam) @ V.T)
    return (H + H.T) / 2


@given(
    n=st.integers(2, 40),
    log_floor=st.floats(-17.0, -6.0),
    seed=st.integers(0, 2**31 - 1),
    duplicate=st.one_of(st.none(), st.integers(1, 39)),
)
@settings(max_examples=60, deadline=None)
def test_certified_prefixes_pass_the_eigvalsh_check(n, log_floor, seed, duplicate):
    """Spectra with the smallest eigenvalue from 1e-17 to 1e-6 of the largest (across the numerical zero
    ``n · eps ≈ 1e-15 … 1e-14``), and kernels with a repeated row (exactly singular from that prefix on): every prefix
    the certificate covers passes the per-prefix ``eigvalsh`` check, and ``solve_psd`` decides each prefix as that
    check does."""
    lam = np.geomspace(10.0**log_floor, 1.0, n)
    H = with_spectrum(n, lam, seed)
    if duplicate is not None and duplicate < n:
        H[duplicate, :] = H[duplicate - 1, :]
        H[:, duplicate] = H[:, duplicate - 1]
    k = certified_order(H)
    rhs = torch.ones(n, dtype=torch.float64)
    for j in range(1, n + 1):
        block = H[:j, :j]
        if j <= k:
            assert eigvalsh_passes(block), (j, k)
        raised = False
        try:
            solve_psd(block, rhs[:j], certified=k)
        except SingularKernelError:
            raised = True
        assert raised == (j > k and not eigvalsh_passes(block)), (j, k)


def test_certificate_covers_well_conditioned_kernels():
    """Not vacuous: a nested H∞ sample (d = 4, L = 8, n = 300) is certified whole, so no prefix needs its own
    ``eigvalsh``; a sample whose row 200 repeats row 100 is certified exactly up to the prefix before the repeat."""
    X = torch.randn((300, 8, 4), generator=torch.Generator().manual_seed(0), dtype=torch.float64) / 2
    H = infinite_ntk(X)
    assert certified_order(H) == 300
    X[200] = X[100]
    assert certified_order(infinite_ntk(X)) == 200


def test_singular_prefix_still_raises_with_lambda_min():
    """The certificate never lets a singular prefix through: the error names ``λ_min`` as before."""
    X = torch.randn((20, 4, 3), generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    X[7] = 2 * X[3]  # parallel sequences: H∞ exactly singular from the prefix of 8 on
    H = infinite_ntk(X)
    k = certified_order(H)
    assert k == 7
    with pytest.raises(SingularKernelError, match="λ_min"):
        solve_psd(H[:8, :8], torch.ones(8, dtype=torch.float64), certified=k)
    solve_psd(H[:7, :7], torch.ones(7, dtype=torch.float64), certified=k)


def test_kernel_test_errors_with_one_certificate_equal_per_prefix_checks():
    """C11's nested solves: the errors from one certificate equal the errors from a full check per prefix (the solve
    itself is the same Cholesky), and a singular prefix is still ``None``."""
    gen = torch.Generator().manual_seed(2)
    X = torch.randn((64, 6, 4), generator=gen, dtype=torch.float64) / 2
    X[40] = X[10]
    Xt = torch.randn((30, 6, 4), generator=gen, dtype=torch.float64) / 2
    y, yt = X[:, 0, 0] + X[:, -1, 1], Xt[:, 0, 0] + Xt[:, -1, 1]
    H, Hx = infinite_ntk(X), infinite_ntk(Xt, X)
    sizes = [8, 16, 32, 40, 64]
    got = kernel_test_errors(H, Hx, y, yt, sizes)
    expected = []
    for n in sizes:
        if not eigvalsh_passes(H[:n, :n]):
            expected.append(None)
            continue
        u = Hx[:, :n] @ torch.cholesky_solve(y[:n, None], torch.linalg.cholesky(H[:n, :n]))[:, 0]
        expected.append(float(((u - yt) ** 2).mean()) / float(yt.var(unbiased=False)))
    assert got[-1] is None and all(g is not None for g in got[:-1])
    assert got == expected


def test_certificate_shift_is_needed():
    """The shift carries the argument: a matrix with ``λ_min`` at a tenth of the numerical zero factors by plain
    Cholesky (so 'Cholesky succeeded' alone would wrongly certify it), and the certificate refuses it."""
    n = 30
    H = with_spectrum(n, np.concatenate([[0.1 * n * EPS], np.linspace(0.5, 1.0, n - 1)]), seed=3)
    assert torch.linalg.cholesky_ex(H).info == 0
    assert certified_order(H) < n and not eigvalsh_passes(H)
    assert math.isfinite(float(torch.linalg.eigvalsh(H)[0]))
