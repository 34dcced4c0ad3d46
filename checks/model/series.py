"""The power series of ``H∞`` in the per-step inner products (docs/claims.md C8).

For fixed per-step norms ``‖X_l‖ = ‖X'_l‖ = r_l`` the diagonals are ``a_l = b_l = N_l = Σ_{k≤l} r_k²``
and, with ``ρ_l = (Q_{l-1} + G_l) / N_l``,

    ``Q_l = N_l κ_1(ρ_l)``,  ``2 P_l = κ_0(ρ_l)``,  ``T_l = P_l (2 T_{l-1} + Q_{l-1})``,  ``H∞ = T_L``,

so ``H∞ = Σ_α c_α Π_l G_l^{α_l}`` with ``c_α ≥ 0``.  The coefficients are computed by running
this recursion in a ring of truncated power series in the variables ``G_l, l ∈ supp(α)``
(box truncation ``G_l^{α_l + 1} = 0``; the other ``G_l`` set to 0), composing ``κ_0, κ_1``
through their **local** Taylor expansions at each step's constant term ``c_l = ρ_l(G = 0)``
(``checks.model.arccos.local_taylor``), which converge fast even when ``c_l`` is near 1.
Every operation adds or multiplies non-negative numbers, so ``c_α ≥ 0`` holds exactly in
floating point and there is no cancellation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import numpy as np

from checks.model.arccos import kappa1_gap, local_taylor, theta_from_gap
from checks.numerics import validate

__all__ = ["TruncatedKernel", "kernel_coefficient", "kernel_series", "step_norms"]


def step_norms(L: int, norms=None) -> np.ndarray:
    """Validated per-step norms ``r_1..r_L`` (default all 1), finite and ``> 0`` as C8 assumes."""
    L = validate.integer("L", L, minimum=1)
    if norms is None:
        return np.ones(L)
    r = np.asarray(norms, dtype=float).ravel()
    if r.shape != (L,):
        raise ValueError(f"norms must have length L = {L}, got {r.size}")
    if not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise ValueError("norms must be finite and > 0 (C8 assumes fixed positive per-step norms)")
    return r


def _validate_alpha(L: int, alpha: Mapping[int, int]) -> dict[int, int]:
    out = {}
    for step, power in dict(alpha).items():
        if not validate.is_integer(step) or not 1 <= step <= L:
            raise ValueError(f"alpha keys are 1-based steps in 1..{L}, got {step!r}")
        if not validate.is_integer(power) or power < 0:
            raise ValueError(f"alpha exponents must be integers >= 0, got {power!r} at step {step}")
        if power:
            out[int(step)] = int(power)
    return out


class _Ring:
    """Truncated multivariate power series: arrays of shape ``caps + 1``, product by index pairs."""

    def __init__(self, caps: tuple[int, ...]):
        self.shape = tuple(c + 1 for c in caps)
        self.size = int(np.prod(self.shape)) if caps else 1
        self.i, self.j, self.k = _pairs(self.shape)
        degree = np.indices(self.shape).sum(0).ravel() if caps else np.zeros(1, int)
        self.max_degree = int(degree.max())

    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bincount(self.k, weights=a[self.i] * b[self.j], minlength=self.size)

    def const(self, value: float) -> np.ndarray:
        out = np.zeros(self.size)
        out[0] = value
        return out


@lru_cache(maxsize=64)
def _pairs(shape: tuple[int, ...]):
    """All index pairs ``(i, j)`` of flat positions with ``multi(i) + multi(j)`` inside the box, and their sum ``k``."""
    if not shape:
        z = np.zeros(1, dtype=np.int64)
        return z, z, z
    ii, jj, kk = [], [], []
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    for a in product(*(range(s) for s in shape)):
        for b in product(*(range(s - x) for s, x in zip(shape, a))):
            ii.append(int(np.dot(a, strides)))
            jj.append(int(np.dot(b, strides)))
            kk.append(int(np.dot(np.add(a, b), strides)))
    return np.array(ii), np.array(jj), np.array(kk)


def kernel_series(L: int, caps: Mapping[int, int], norms=None) -> tuple[tuple[int, ...], np.ndarray]:
    """All ``c_α`` with ``α ≤ caps`` componentwise (``α`` supported on ``caps``' steps).

    Returns ``(steps, coeffs)``: ``coeffs[α_{s_1}, …, α_{s_k}]`` for the sorted support steps
    ``s_1 < … < s_k``.  Exact to float64 round-off (a sum of non-negative products).
    """
    r = step_norms(L, norms)
    caps = _validate_alpha(L, caps)
    steps = tuple(sorted(caps))
    ring = _Ring(tuple(caps[s] for s in steps))
    variable = {s: _unit(ring, idx) for idx, s in enumerate(steps)}
    N = np.cumsum(r * r)
    Q = ring.const(0.0)  # Q_{l-1}
    T = ring.const(0.0)  # T_{l-1}
    gap = 1.0  # 1 − c_l, tracked without cancellation (c_1 = 0)
    for l in range(1, L + 1):
        N_l = N[l - 1]
        if l > 1:
            # c_l = N_{l-1} κ_1(c_{l-1}) / N_l  ⇒  1 − c_l = [r_l² + N_{l-1} J(θ_{l-1})] / N_l.
            gap = (r[l - 1] ** 2 + N[l - 2] * kappa1_gap(theta_from_gap(gap))) / N_l
        S = Q.copy()
        if l in variable:
            S = S + variable[l]
        delta = S / N_l
        delta[0] = 0.0  # ρ_l − c_l: the constant term is carried by `gap`
        k0, k1 = local_taylor(gap, ring.max_degree)
        kappa0, kappa1 = ring.const(k0[0]), ring.const(k1[0])
        power = ring.const(1.0)
        for k in range(1, ring.max_degree + 1):
            power = ring.mul(power, delta)
            if not power.any():
                break
            kappa0 += k0[k] * power
            kappa1 += k1[k] * power
        T = ring.mul(kappa0 / 2, 2 * T + Q)
        Q = N_l * kappa1
    return steps, T.reshape(ring.shape)


def _unit(ring: _Ring, axis: int) -> np.ndarray:
    e = np.zeros(ring.shape)
    idx = [0] * len(ring.shape)
    idx[axis] = 1
    e[tuple(idx)] = 1.0
    return e.ravel()


def kernel_coefficient(L: int, alpha: Mapping[int, int], norms=None) -> float:
    """``c_α``: the coefficient of ``Π_l G_l^{α_l}`` in ``H∞`` at fixed per-step norms (docs/claims.md C8).

    ``alpha`` maps a 1-based step to its exponent (``{}`` is the constant term); ``norms``
    are the per-step norms ``r_l`` (default all 1).
    """
    steps, coeffs = kernel_series(L, alpha, norms)
    alpha = _validate_alpha(L, alpha)
    return float(coeffs[tuple(alpha[s] for s in steps)]) if steps else float(coeffs.ravel()[0])


@dataclass(frozen=True)
class TruncatedKernel:
    """All ``c_α`` with ``|α| ≤ degree`` over every step, computed once, evaluated at many ``G``."""

    steps: tuple[int, ...]
    coeffs: np.ndarray
    degree: int

    @staticmethod
    def build(L: int, degree: int, norms=None) -> TruncatedKernel:
        """Every ``c_α`` with ``α_l ≤ degree`` at each of the ``L`` steps (C8), for evaluation at ``|α| ≤ degree``."""
        degree = validate.integer("degree", degree, minimum=0)
        steps, coeffs = kernel_series(L, {l: degree for l in range(1, L + 1)}, norms)
        return TruncatedKernel(steps, coeffs, degree)

    def __call__(self, G, degree: int | None = None) -> float:
        """``Σ_{|α| ≤ degree} c_α Π_l G_l^{α_l}`` at per-step inner products ``G (L,)`` (default: the built degree)."""
        degree = self.degree if degree is None else validate.integer("degree", degree, minimum=0)
        if degree > self.degree:
            raise ValueError(f"built to degree {self.degree}, asked for {degree}")
        G = np.asarray(G, dtype=float).ravel()
        idx = np.indices(self.coeffs.shape)
        monomials = np.prod([G[s - 1] ** idx[a] for a, s in enumerate(self.steps)], axis=0)
        return float((self.coeffs * monomials)[idx.sum(0) <= degree].sum())
