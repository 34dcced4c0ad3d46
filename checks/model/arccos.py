"""ReLU's dual activations (the arc-cosine kernels), in one place.

``κ_1(ρ) = (√(1−ρ²) + (π − arccos ρ) ρ) / π`` (``Q_l = N_l κ_1(ρ_l)``) and
``κ_0(ρ) = (π − arccos ρ) / π`` (``2 P_l = κ_0(ρ_l)``), docs/claims.md (S) and C8.
Both have non-negative Taylor coefficients at 0, hence non-negative derivatives of every
order on ``[0, 1)``; ``κ_1' = κ_0`` and ``κ_0' = 1/(π √(1−ρ²))``.

Near ``ρ = 1`` everything is parametrized by the angle ``θ = arccos ρ`` (or the gap
``1 − ρ``), never by ``ρ`` itself, to avoid the ``√eps`` loss of ``arccos`` there.
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["kappa1_gap", "local_taylor", "sin_minus", "theta_from_gap"]


_SIN_MINUS_SERIES = [(-1) ** (k + 1) * 2 * k / math.factorial(2 * k + 1) for k in range(1, 9)]


def sin_minus(t: torch.Tensor, one_minus_cos: torch.Tensor) -> torch.Tensor:
    """``sin t − t cos t`` for ``t ∈ [0, π]``, given ``c = 1 − cos t`` accurately.

    Below ``t = 0.5`` the closed form cancels (the value is ``≈ t³/3``), so the series
    ``Σ_{k≥1} (−1)^{k+1} 2k t^{2k+1} / (2k+1)!`` is summed by Horner (8 terms, truncation
    < 1e-17 relative); above it, ``√(c(2 − c)) − t (1 − c)``.
    """
    t2 = t * t
    acc = torch.full_like(t, _SIN_MINUS_SERIES[-1])
    for c in reversed(_SIN_MINUS_SERIES[:-1]):
        acc.mul_(t2).add_(c)  # in place: these arrays are the hot path of infinite_ntk
    acc.mul_(t2).mul_(t)
    closed = (2 - one_minus_cos).mul_(one_minus_cos).sqrt_().sub_(t * (1 - one_minus_cos))
    return torch.where(t < 0.5, acc, closed)


def kappa1_gap(theta, gap=None):
    """``J(θ) = 1 − κ_1(cos θ) = [π (1 − cos θ) − (sin θ − θ cos θ)] / π`` for ``θ ∈ [0, π/2]``.

    Tensors or floats; pass ``gap = 1 − cos θ`` when it is known accurately.  (For
    ``θ > π/2`` use ``κ_1 = sin_minus(π − θ)/π`` instead, see ``checks.model.ntk``.)
    """
    t = theta if torch.is_tensor(theta) else torch.as_tensor(theta, dtype=torch.float64)
    g = 2 * torch.sin(t / 2) ** 2 if gap is None else torch.as_tensor(gap, dtype=t.dtype)
    out = g - sin_minus(t, g) / math.pi
    return out if torch.is_tensor(theta) else float(out)


def theta_from_gap(gap):
    """``θ = arccos(1 − gap) = 2 arcsin √(gap / 2)``, accurate for small ``gap = 1 − ρ ∈ [0, 2]``."""
    if torch.is_tensor(gap):
        return (gap / 2).clamp_(0.0, 1.0).sqrt_().arcsin_().mul_(2)
    return 2 * math.asin(math.sqrt(min(max(gap / 2, 0.0), 1.0)))


def local_taylor(gap: float, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Taylor coefficients of ``κ_0`` and ``κ_1`` at ``c = 1 − gap`` (``0 < gap ≤ 1``), orders ``0..order``.

    With ``f(ρ) = (1 − ρ²)^{−1/2} = π κ_0'(ρ)`` expanded as ``Σ f_k t^k`` around ``c``, the ODE
    ``(1 − ρ²) f' = ρ f`` gives ``f_{k+1} = [(2k+1) c f_k + k f_{k−1}] / ((1 − c²)(k+1))``;
    then ``κ_0 = 1 − θ/π + Σ_{k≥1} f_{k−1}/(kπ) t^k`` and ``κ_1[k] = κ_0[k−1]/k`` (``κ_1' = κ_0``).
    Every coefficient is a sum of non-negative terms (``c ≥ 0``): no cancellation.
    """
    if not 0 < gap <= 1:
        raise ValueError(f"local_taylor needs 0 < gap = 1 − c ≤ 1, got {gap}")
    c = 1.0 - gap
    one_minus_c2 = gap * (2.0 - gap)
    theta = theta_from_gap(gap)
    f = np.zeros(order + 1)
    f[0] = 1.0 / math.sqrt(one_minus_c2)
    for k in range(order):
        f[k + 1] = ((2 * k + 1) * c * f[k] + (k * f[k - 1] if k else 0.0)) / (one_minus_c2 * (k + 1))
    k0 = np.empty(order + 1)
    k1 = np.empty(order + 1)
    k0[0] = 1.0 - theta / math.pi
    k1[0] = 1.0 - kappa1_gap(theta)
    for k in range(1, order + 1):
        k0[k] = f[k - 1] / (k * math.pi)
        k1[k] = k0[k - 1] / k
    return k0, k1
