"""Right-hand sides of the claims and the stable linear algebra they need.

Every inverse is a Cholesky solve behind a checked condition (``solve_psd``); a kernel that
is singular to working precision raises ``SingularKernelError`` naming ``λ_min``.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "SingularKernelError",
    "clipped_loss",
    "complexity",
    "dyadic_radius_count",
    "generalization_bound",
    "linear_convergence_bound",
    "minimum_norm_radius",
    "numerical_zero",
    "solve_psd",
    "spectrum_edges",
]


class SingularKernelError(ValueError):
    """A kernel matrix that had to be inverted is singular to working precision."""


def numerical_zero(n: int, norm: float, dtype: torch.dtype = torch.float64) -> float:
    """Eigenvalues of an ``n × n`` symmetric matrix of 2-norm ``norm`` below this are zero to
    working precision: ``n · eps · norm``.

    Reason: the backward error of a symmetric eigensolver (and of Cholesky) is
    ``O(n eps ‖H‖_2)`` (Golub & Van Loan §8.1, §4.2).
    """
    return n * torch.finfo(dtype).eps * norm


def spectrum_edges(H: torch.Tensor) -> tuple[float, float]:
    """``(λ_min, λ_max)`` of a symmetric matrix."""
    lam = torch.linalg.eigvalsh(_square(H))
    return float(lam[0]), float(lam[-1])


def solve_psd(H: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    """``H⁻¹ rhs`` for a symmetric positive-definite ``H`` by Cholesky, after checking its condition.

    Raises ``SingularKernelError`` if ``λ_min ≤ n · eps · λ_max`` (see :func:`numerical_zero`).
    """
    H = _square(H)
    if not torch.isfinite(H).all():
        raise ValueError("kernel matrix has NaN or infinite entries")
    lam_min, lam_max = spectrum_edges(H)
    zero = numerical_zero(H.shape[0], max(abs(lam_max), abs(lam_min)), H.dtype)
    if lam_min <= zero:
        raise SingularKernelError(
            f"kernel matrix is singular to working precision: λ_min = {lam_min:.3e} <= "
            f"n·eps·λ_max = {zero:.3e} (λ_max = {lam_max:.3e}); check assumption A3 (no duplicated "
            f"or parallel sequences)"
        )
    chol = torch.linalg.cholesky(H)
    rhs = rhs.to(H.dtype)
    vec = rhs.ndim == 1
    sol = torch.cholesky_solve(rhs[:, None] if vec else rhs, chol)
    return sol[:, 0] if vec else sol


def complexity(H, y) -> float:
    """``yᵀ H⁻¹ y`` by a stable solve (CLAIMS.md C7, C9); clear error if ``H`` is singular."""
    H = torch.as_tensor(H)
    y = torch.as_tensor(y, dtype=H.dtype, device=H.device)
    if y.ndim != 1 or y.shape[0] != H.shape[0]:
        raise ValueError(f"y must have shape ({H.shape[0]},) to match H, got {tuple(y.shape)}")
    if not torch.isfinite(y).all():
        raise ValueError("y has NaN or infinite entries")
    return float(y @ solve_psd(H, y))


def dyadic_radius_count(n: int) -> int:
    """``N_R``: radii ``2^k``, ``k = 0..⌈log₂ n⌉``, of the union bound in C7.

    The data-dependent radius ``√(yᵀH⁻¹y)`` only matters while the bound is below the loss
    range, i.e. up to ``O(√n · …)``; a dyadic grid up to ``n`` covers it with ``⌈log₂ n⌉ + 1`` radii.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return math.ceil(math.log2(n)) + 1 if n > 1 else 1


def generalization_bound(H, y, *, delta: float, n_radii: int | None = None) -> float:
    """Right-hand side of C7 without the empirical loss and ``ε(m)``:

    ``2 √(yᵀ H⁻¹ y · tr H) / n + 3 √(log(2 N_R / δ) / (2n))`` with ``N_R = dyadic_radius_count(n)``.
    """
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta}")
    H = torch.as_tensor(H)
    n = H.shape[0]
    n_radii = dyadic_radius_count(n) if n_radii is None else n_radii
    comp = complexity(H, y)
    trace = float(torch.diagonal(H).sum())
    return 2 * math.sqrt(comp * trace) / n + 3 * math.sqrt(math.log(2 * n_radii / delta) / (2 * n))


def minimum_norm_radius(H0, r0, m: int) -> float:
    """``R_m = √(r_0ᵀ H(W_0)⁻¹ r_0 / m)`` (CLAIMS.md C6): the minimum-norm interpolating change of ``W``."""
    if m < 1:
        raise ValueError(f"m must be >= 1, got {m}")
    return math.sqrt(complexity(H0, r0) / m)


def _square(H) -> torch.Tensor:
    H = torch.as_tensor(H)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(f"kernel matrix must be square and non-empty, got shape {tuple(H.shape)}")
    return H


def clipped_loss(u, y) -> torch.Tensor:
    """The loss of C7, ``ℓ(u, y) = min(|u − y|, 1)``: 1-Lipschitz in ``u``, values in ``[0, 1]`` (elementwise)."""
    u = torch.as_tensor(u)
    return torch.clamp((u - torch.as_tensor(y, dtype=u.dtype, device=u.device)).abs(), max=1.0)


def linear_convergence_bound(lr, m: int, lambda_0: float, r0_sq, steps: int) -> torch.Tensor:
    """Right-hand side of C5, ``(1 − η m λ_0 / 2)^t ‖r_0‖²`` for ``t = 0..steps``.

    ``lr`` and ``r0_sq`` may carry a leading batch (one per network); the result has shape
    ``(*batch, steps + 1)``.  The factor is clamped at 0 (a step beyond A4 makes it negative).
    """
    lr = torch.as_tensor(lr, dtype=torch.float64)
    r0_sq = torch.as_tensor(r0_sq, dtype=torch.float64)
    t = torch.arange(steps + 1, dtype=torch.float64)
    factor = (1 - lr[..., None] * m * lambda_0 / 2).clamp_min(0.0)
    return factor**t * r0_sq[..., None]
