"""Stable linear algebra of the checks: spectra, the numerical zero, Cholesky solves behind a checked condition.

Every inverse in the suite is :func:`solve_psd` (no explicit inverse); a kernel that is singular to working precision
raises :class:`SingularKernelError` naming ``λ_min``.  Matrices follow the array rules of ``checks.numerics.validate``.
"""

from __future__ import annotations

import torch

from checks.numerics import validate

__all__ = ["SingularKernelError", "numerical_zero", "solve_psd", "spectrum_edges", "square_kernel"]


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


def solve_psd(H, rhs) -> torch.Tensor:
    """``H⁻¹ rhs`` for a symmetric positive-definite ``H`` by Cholesky, after checking its condition.

    ``rhs`` of shape ``(n,)`` or ``(n, k)``, converted to ``H``'s dtype.  Raises
    ``SingularKernelError`` if ``λ_min ≤ n · eps · λ_max`` (see :func:`numerical_zero`), and
    ``ValueError`` for bad input (array rules of ``checks.numerics.validate``, NaN/inf, shapes).
    """
    H = square_kernel(H)
    rhs = validate.array("rhs", rhs, dtype=H.dtype, device=H.device)
    if rhs.ndim not in (1, 2) or rhs.shape[0] != H.shape[0]:
        raise ValueError(f"rhs must have shape ({H.shape[0]},) or ({H.shape[0]}, k) to match H, got {tuple(rhs.shape)}")
    lam_min, lam_max = spectrum_edges(H)
    zero = numerical_zero(H.shape[0], max(abs(lam_max), abs(lam_min)), H.dtype)
    if lam_min <= zero:
        raise SingularKernelError(
            f"kernel matrix is singular to working precision: λ_min = {lam_min:.3e} <= "
            f"n·eps·λ_max = {zero:.3e} (λ_max = {lam_max:.3e}); check assumption A3 (no duplicated "
            f"or parallel sequences)"
        )
    chol = torch.linalg.cholesky(H)
    vec = rhs.ndim == 1
    sol = torch.cholesky_solve(rhs[:, None] if vec else rhs, chol)
    return sol[:, 0] if vec else sol



def square_kernel(H) -> torch.Tensor:
    """``H`` as a tensor (array rules of ``checks.numerics.validate``), refused unless square and non-empty."""
    H = validate.array("H", H)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(f"kernel matrix must be square and non-empty, got shape {tuple(H.shape)}")
    return H
