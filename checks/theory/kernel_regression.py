"""Kernel regression with a fixed kernel (the ``m → ∞`` limit of a trained centered network, docs/claims.md S):
the ridgeless predictor, kernel gradient descent and its iteration count, and the relative test error (C7, C11).

* :func:`ridgeless_predictor`: ``u(x) = H(x, X) H(X, X)⁻¹ y`` by a Cholesky solve with a checked condition
  (``checks.numerics.linalg.solve_psd``), the one home of the kernel interpolant.
* :func:`kernel_gd_predictor`, :func:`kernel_gd_iterations`: gradient descent on ``½‖u − y‖²`` from ``u_0 = 0``
  with the A4 step ``η = 1/λ_max(H)`` in kernel units, exactly from the eigendecomposition.
* :func:`relative_mse`: ``mean (u − y)² / var y``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from checks.numerics.linalg import SingularKernelError, certified_order, solve_psd
from checks.numerics.validate import is_integer

__all__ = [
    "iterations_from_spectrum",
    "kernel_gd_iterations",
    "kernel_gd_predictor",
    "kernel_test_errors",
    "relative_mse",
    "ridgeless_predictor",
    "spectrum",
]


def ridgeless_predictor(H, Hx, y, *, certified: int = 0) -> torch.Tensor:
    """The kernel interpolant's outputs at the test points: ``H(Xt, X) H(X, X)⁻¹ y`` (``y``: ``(n,)`` or ``(n, k)``,
    one Cholesky solve with a checked condition; raises ``checks.numerics.linalg.SingularKernelError`` on a singular ``H``).
    ``certified``: a ``checks.numerics.linalg.certified_order`` of a larger kernel whose leading block ``H`` is."""
    return torch.as_tensor(Hx, dtype=torch.float64) @ solve_psd(H, y, certified=certified)


def relative_mse(u, y) -> float:
    """Relative test error of C11: ``mean (u − y)² / var y`` (population variance of the test labels)."""
    u = torch.as_tensor(u, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    var = float(y.var(unbiased=False))
    if not var > 0:
        raise ValueError("test labels have zero variance: the relative error is undefined")
    return float(((u - y) ** 2).mean()) / var


def kernel_test_errors(
    H: torch.Tensor, Hx: torch.Tensor, y: torch.Tensor, yt: torch.Tensor, sizes: Sequence[int]
) -> list:
    """Relative test MSE of the ridgeless ``H∞`` predictor ``u = H∞(Xt, X_n) H∞(X_n, X_n)⁻¹ y_n`` on each nested
    prefix ``X_n`` (C11), from the kernel of the largest sample.  ``y`` may be ``(n_max,)`` or ``(n_max, k)``
    (``k`` targets, one Cholesky solve); ``yt`` matches.  A singular prefix gives ``None`` entries.

    One condition certificate serves every prefix (``checks.numerics.linalg.certified_order`` of the largest: Cauchy
    interlacing); a prefix it does not reach is decided by its own ``eigvalsh``, as every ``solve_psd``."""
    out = []
    Y = y[:, None] if y.ndim == 1 else y
    Yt = yt[:, None] if yt.ndim == 1 else yt
    largest = max(sizes)
    certified = certified_order(H[:largest, :largest])
    for n in sizes:
        try:
            U = ridgeless_predictor(H[:n, :n], Hx[:, :n], Y[:n], certified=certified)
        except SingularKernelError:
            out.append([None] * Y.shape[1] if y.ndim > 1 else None)
            continue
        errs = [relative_mse(U[:, j], Yt[:, j]) for j in range(Y.shape[1])]
        out.append(errs if y.ndim > 1 else errs[0])
    return out


def spectrum(H: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of a symmetric kernel matrix, as numpy arrays (``torch.linalg.eigh``)."""
    lam, V = torch.linalg.eigh(H)
    return lam.numpy(), V.numpy()


def iterations_from_spectrum(lam: np.ndarray, weights: np.ndarray, eps: float) -> int | None:
    """Smallest ``t`` with ``Σ_i w_i (1 − λ_i/λ_max)^{2t} ≤ ε Σ_i w_i`` (``w_i = (v_iᵀy)²``), or ``None`` if never
    (mass beyond ``ε`` on numerically non-positive eigenvalues).  Exponential search, then bisection on integers."""
    ratio = np.clip(lam / float(lam.max()), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_factor = np.log1p(-ratio)  # −inf at λ = λ_max: that direction is solved in one step
    total = float(weights.sum())
    goal = eps * total

    def loss(t: int) -> float:  # t ≥ 1, so 2t · (−inf) = −inf and exp gives 0
        return float(weights @ np.exp(2.0 * t * log_factor))

    if total == 0:
        return 0
    if float(weights[ratio == 0].sum()) > goal:
        return None
    hi = 1
    while loss(hi) > goal:
        hi *= 2
    lo = hi // 2  # loss(lo) > goal: lo = 0 has loss = total > goal since ε < 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if loss(mid) <= goal:
            hi = mid
        else:
            lo = mid
    return hi


def kernel_gd_iterations(H, y, eps: float) -> int | None:
    """Iteration complexity of C11: kernel gradient descent on ``½‖u − y‖²`` with ``u_0 = 0`` and the A4 step in
    kernel units ``η = 1/λ_max(H)``, residual ``r_t = −(I − ηH)^t y``; the smallest ``t`` with
    ``½‖r_t‖² / ½‖y‖² ≤ ε``, exactly from the eigendecomposition ``H = V Λ Vᵀ``:
    ``‖r_t‖² = Σ_i (1 − λ_i/λ_max)^{2t} (v_iᵀ y)²``.  ``None`` if never reached."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps}")
    H = torch.as_tensor(H, dtype=torch.float64)
    lam, V = spectrum(H)
    return iterations_from_spectrum(lam, (V.T @ np.asarray(y, dtype=float)) ** 2, eps)


def kernel_gd_predictor(H, Hx, y, steps: int, lr: float | None = None) -> torch.Tensor:
    """Kernel gradient descent after ``steps`` steps (from ``u_0 = 0``), evaluated at test points:
    ``u_T(Xt) = H(Xt, X) V diag((1 − (1 − ηλ_i)^T) / λ_i) Vᵀ y`` with ``η = lr`` (default ``1/λ_max(H)``, A4).
    This is the function a linearized centered network reaches after ``T`` A4 steps (C11 item 3)."""
    if not is_integer(steps) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    H = torch.as_tensor(H, dtype=torch.float64)
    lam, V = spectrum(H)
    eta = 1.0 / float(lam.max()) if lr is None else float(lr)
    x = eta * lam
    # α_T = Σ_{s<T} η (1 − ηλ)^s (vᵀy) = (1 − (1 − ηλ)^T)/λ · (vᵀy) per eigendirection; ηT at λ = 0.
    # 1 − (1 − x)^T by expm1/log1p where |x| < 1 (no cancellation for small x), directly otherwise.
    mid = (np.abs(x) < 1) & (x != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus = np.where(mid, -np.expm1(steps * np.log1p(-np.where(mid, x, 0.0))), 1.0 - np.power(1.0 - x, steps))
        gain = np.where(lam != 0, one_minus / np.where(lam != 0, lam, 1.0), eta * steps)
    coef = V @ (gain * (V.T @ np.asarray(y, dtype=float)))
    return torch.as_tensor(Hx, dtype=torch.float64) @ torch.from_numpy(coef)
