"""Stable linear algebra of the checks: spectra, the numerical zero, Cholesky solves behind a checked condition.

Every inverse in the suite is :func:`solve_psd` (no explicit inverse); a kernel that is singular to working precision
raises :class:`SingularKernelError` naming ``λ_min``.  Matrices follow the array rules of ``checks.numerics.validate``.
"""

from __future__ import annotations

import math

import torch

from checks.numerics import validate

__all__ = ["SingularKernelError", "certified_order", "numerical_zero", "solve_psd", "spectrum_edges", "square_kernel"]


class SingularKernelError(ValueError):
    """A kernel matrix that had to be inverted is singular to working precision."""


def numerical_zero(n: int, norm: float, dtype: torch.dtype = torch.float64) -> float:
    """Eigenvalues of an ``n × n`` symmetric matrix of 2-norm ``norm`` below this are zero to
    working precision: ``n · eps · norm``.

    Reason: the backward error of a symmetric eigensolver (and of Cholesky) is
    ``O(n eps ‖H‖_2)`` (Golub & Van Loan §8.1, §4.2).
    """
    n = validate.integer("n", n, minimum=1)
    norm = validate.real("norm", norm, at_least=0)
    return n * torch.finfo(validate.float_dtype("dtype", dtype)).eps * norm


def spectrum_edges(H) -> tuple[float, float]:
    """``(λ_min, λ_max)`` of a symmetric matrix (``λ_0`` and the A4 scale of docs/claims.md S)."""
    lam = torch.linalg.eigvalsh(square_kernel(H))
    return float(lam[0]), float(lam[-1])


def certified_order(H) -> int:
    """The largest ``k`` such that every leading principal block ``H_j = H[:j, :j]``, ``j ≤ k``, is certified
    non-singular in the sense of :func:`solve_psd` — ``λ_min(H_j) > j · eps · λ_max(H_j)`` — by one Cholesky
    factorization of a shifted ``H`` (0 when not even the first block is; ``H.shape[0]`` when all are).

    The certificate (after Rump, *Verification of positive definiteness*, BIT 46 (2006)): with ``N = H.shape[0]``,
    ``λ̄ = ‖H‖_∞ ≥ λ_max(H) ≥ λ_max(H_j)`` (Cauchy interlacing), ``τ = N · eps · λ̄`` and the shift
    ``s = τ + 2 (α · Σ_i max(h_ii, 0) + eps · max_i |h_ii|)``, ``α = γ_{N+1} / (1 − γ_{N+1})``,
    ``γ_k = k u / (1 − k u)``, ``u = eps/2``: floating-point Cholesky of ``H̃ = fl(H − s I)`` completes on its leading
    ``k × k`` block only if ``H̃_k + Δ = G̃ᵀG̃ ⪰ 0`` with ``|Δ| ≤ α d dᵀ``, ``d_i = √h̃_ii`` (Demmel's bound, any
    summation order), so ``λ_min(H_k) ≥ s − α tr H̃_k − eps max |h̃_ii| > τ``, and by interlacing
    ``λ_min(H_j) ≥ λ_min(H_k) > τ ≥ j · eps · λ_max(H_j)`` for every ``j ≤ k``.  (The factor 2 covers the rounding
    of the shift's own terms; gradual underflow is outside the argument, as for kernels of any normal scale.)

    Sufficient, not necessary: a block the certificate does not reach may still pass :func:`solve_psd`'s
    ``eigvalsh`` check (which decides it).  Cost: one Cholesky (``n³/3``) instead of an ``eigvalsh`` per block.
    """
    H = square_kernel(H)
    n = H.shape[0]
    eps = torch.finfo(H.dtype).eps
    gamma = (n + 1) * (eps / 2) / (1 - (n + 1) * (eps / 2))
    alpha = gamma / (1 - gamma)
    diag = H.diagonal()
    bound_max = float(H.abs().sum(1).max())  # ‖H‖_∞ ≥ λ_max(H)
    shift = numerical_zero(n, bound_max, H.dtype) + 2 * (alpha * float(diag.clamp(min=0).sum()) + eps * float(diag.abs().max()))
    if not shift > 0 or not math.isfinite(shift):
        return 0
    _, info = torch.linalg.cholesky_ex(H - shift * torch.eye(n, dtype=H.dtype, device=H.device))
    k = int(info)  # 0: complete; j > 0: the leading j × j minor is not positive definite, the (j − 1)-block completed
    return n if k == 0 else k - 1


def solve_psd(H, rhs, *, certified: int = 0) -> torch.Tensor:
    """``H⁻¹ rhs`` for a symmetric positive-definite ``H`` by Cholesky, after checking its condition.

    ``rhs`` of shape ``(n,)`` or ``(n, k)``, converted to ``H``'s dtype.  Raises
    ``SingularKernelError`` if ``λ_min ≤ n · eps · λ_max`` (see :func:`numerical_zero`), and
    ``ValueError`` for bad input (array rules of ``checks.numerics.validate``, NaN/inf, shapes).

    The condition is decided by :func:`certified_order` (one shifted Cholesky) where it certifies ``H``, and by
    ``eigvalsh`` otherwise, so the error is raised exactly when ``eigvalsh``'s ``λ_min`` is at or below the numerical
    zero.  ``certified``: the caller's :func:`certified_order` of a larger matrix whose leading block ``H`` is
    (nested samples: one certificate serves every prefix); ``H`` is certified when ``n ≤ certified``.
    """
    H = square_kernel(H)
    rhs = validate.array("rhs", rhs, dtype=H.dtype, device=H.device)
    if rhs.ndim not in (1, 2) or rhs.shape[0] != H.shape[0]:
        raise ValueError(f"rhs must have shape ({H.shape[0]},) or ({H.shape[0]}, k) to match H, got {tuple(rhs.shape)}")
    certified = validate.integer("certified", certified, minimum=0)
    if H.shape[0] > certified and certified_order(H) < H.shape[0]:
        _check_condition(H)
    chol = torch.linalg.cholesky(H)
    vec = rhs.ndim == 1
    sol = torch.cholesky_solve(rhs[:, None] if vec else rhs, chol)
    return sol[:, 0] if vec else sol


def _check_condition(H: torch.Tensor) -> None:
    """Raise :class:`SingularKernelError` when ``eigvalsh``'s ``λ_min ≤ n · eps · max(|λ_max|, |λ_min|)``."""
    lam_min, lam_max = spectrum_edges(H)
    zero = numerical_zero(H.shape[0], max(abs(lam_max), abs(lam_min)), H.dtype)
    if lam_min <= zero:
        raise SingularKernelError(
            f"kernel matrix is singular to working precision: λ_min = {lam_min:.3e} <= "
            f"n·eps·λ_max = {zero:.3e} (λ_max = {lam_max:.3e}); check assumption A3 (no duplicated "
            f"or parallel sequences)"
        )


def square_kernel(H) -> torch.Tensor:
    """``H`` as a tensor (array rules of ``checks.numerics.validate``), refused unless square and non-empty."""
    H = validate.array("H", H)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(f"kernel matrix must be square and non-empty, got shape {tuple(H.shape)}")
    return H
