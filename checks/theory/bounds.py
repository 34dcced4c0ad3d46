"""Right-hand sides of the claims (docs/claims.md C5–C7): the complexity, the dyadic grid radius, C7's bound and its
terms, the Rademacher ball, C5's linear convergence, the clipped loss.

Inverses go through ``checks.numerics.linalg.solve_psd`` (a Cholesky solve behind a checked condition).  Kernels ``H``
and labels ``y`` follow the array rules of ``checks.numerics.validate`` (float32/float64 tensors or
arrays, lists become float64; integer, bool, complex and half-precision dtypes are refused).
"""

from __future__ import annotations

import math

import torch

from checks.numerics import validate
from checks.numerics.linalg import solve_psd, square_kernel

__all__ = [
    "clipped_loss",
    "complexity",
    "dyadic_radius_count",
    "generalization_bound",
    "KHINTCHINE_KAHANE",
    "generalization_bound_terms",
    "grid_radius",
    "linear_convergence_bound",
    "minimum_norm_radius",
    "rademacher_ball_mc",
]


def complexity(H, y) -> float:
    """``yᵀ H⁻¹ y`` by a stable solve (docs/claims.md C7, C9); clear error if ``H`` is singular.

    ``y`` of shape ``(n,)`` is converted to ``H``'s dtype; a value that overflows the dtype is a
    ``ValueError`` (never a silent ``inf``).
    """
    H = square_kernel(H)
    y = validate.array("y", y, dtype=H.dtype, device=H.device)
    if y.ndim != 1 or y.shape[0] != H.shape[0]:
        raise ValueError(f"y must have shape ({H.shape[0]},) to match H, got {tuple(y.shape)}")
    value = float(y @ solve_psd(H, y))
    if not math.isfinite(value):
        raise ValueError(f"yᵀH⁻¹y overflows {H.dtype} (largest |y| = {float(y.abs().max()):.3e}); rescale y or H")
    return value


def dyadic_radius_count(n: int) -> int:
    """``N_R = ⌈log₂ n⌉ + 1``: the radii ``2^k``, ``k = 0..⌈log₂ n⌉``, of the union bound in C7.

    The data-dependent radius ``√(yᵀH⁻¹y)`` only matters while the bound is below the loss
    range, i.e. up to ``O(√n · …)``; a dyadic grid up to ``2^⌈log₂ n⌉ ≥ n`` covers it with
    ``⌈log₂ n⌉ + 1`` radii.  Exact integer arithmetic (``⌈log₂ n⌉ = (n − 1).bit_length()``).
    """
    n = validate.integer("n", n, minimum=1)
    return (n - 1).bit_length() + 1


def grid_radius(complexity_value: float, n: int) -> float:
    """``R_k = 2^k``, the smallest radius of C7's dyadic grid ``k = 0..⌈log₂ n⌉`` with ``R_k ≥ √complexity_value``.

    docs/claims.md C7: the union bound over the grid proves the leading term with ``R_k`` in place of
    the raw radius ``√(yᵀH⁻¹y)`` (so ``√c ≤ R_k < 2√c`` when ``√c ≥ 1``, and ``R_0 = 1`` below).
    Returns ``math.inf`` when ``√complexity_value > 2^⌈log₂ n⌉``, the largest grid radius: the
    union bound then says nothing.  Exact: ``k`` comes from the binary exponent of ``√c``.
    """
    c = validate.real("complexity_value", complexity_value, at_least=0, finite=False)
    n = validate.integer("n", n, minimum=1)
    raw = math.sqrt(c)
    if raw <= 1:
        return 1.0
    if math.isinf(raw):
        return math.inf
    mantissa, exponent = math.frexp(raw)  # raw = mantissa · 2^exponent, mantissa ∈ [½, 1)
    k = exponent - 1 if mantissa == 0.5 else exponent  # smallest k with 2^k ≥ raw
    return math.ldexp(1.0, k) if k <= dyadic_radius_count(n) - 1 else math.inf


def generalization_bound_terms(H, y, *, delta: float) -> dict:
    """The terms of C7's bound as proved (docs/claims.md C7), without the empirical loss and ``ε(m)``.

    ``leading = 2 R_k √(tr H) / n`` with ``R_k`` = :func:`grid_radius` of ``yᵀH⁻¹y`` (the grid
    radius the union bound proves it with, up to 2× the raw ``√(yᵀH⁻¹y)``), and
    ``confidence = 3 √(log(2 N_R / δ) / (2n))`` with ``N_R`` = :func:`dyadic_radius_count` ``(n)``.
    Returns ``{"complexity", "raw_radius", "grid_radius", "trace", "n", "n_radii", "delta",
    "leading", "confidence", "total"}``; ``grid_radius``, ``leading`` and ``total`` are
    ``math.inf`` when the raw radius is beyond the grid's largest radius ``2^⌈log₂ n⌉``.
    """
    delta = validate.real("delta", delta, above=0, below=1)
    H = square_kernel(H)
    n = H.shape[0]
    comp = complexity(H, y)
    trace = float(torch.diagonal(H).sum())
    if not math.isfinite(trace) or trace <= 0:
        raise ValueError(f"tr H = {trace:.3e} must be positive and finite in {H.dtype}")
    n_radii = dyadic_radius_count(n)
    radius = grid_radius(comp, n)
    leading = 2 * radius * math.sqrt(trace) / n
    confidence = 3 * math.sqrt(math.log(2 * n_radii / delta) / (2 * n))
    return {
        "complexity": comp,
        "raw_radius": math.sqrt(comp),
        "grid_radius": radius,
        "trace": trace,
        "n": n,
        "n_radii": n_radii,
        "delta": delta,
        "leading": leading,
        "confidence": confidence,
        "total": leading + confidence,
    }


def generalization_bound(H, y, *, delta: float) -> float:
    """Right-hand side of C7 as proved, without the empirical loss and ``ε(m)`` (docs/claims.md C7):

    ``2 R_k √(tr H) / n + 3 √(log(2 N_R / δ) / (2n))``, ``R_k = 2^k`` the smallest radius of the
    dyadic grid ``k = 0..⌈log₂ n⌉`` with ``R_k ≥ √(yᵀ H⁻¹ y)`` and ``N_R = ⌈log₂ n⌉ + 1``; this is
    docs/claims.md C7's "bound as proved" (up to 2× the bound with the raw radius ``√(yᵀH⁻¹y)``).
    ``math.inf`` when ``√(yᵀH⁻¹y)`` is beyond the grid (the union bound says nothing).  The terms:
    :func:`generalization_bound_terms`.
    """
    return generalization_bound_terms(H, y, delta=delta)["total"]


KHINTCHINE_KAHANE = 1 / math.sqrt(2)
"""The optimal constant of the Khintchine–Kahane inequality ``E‖Σ σ_i a_i‖ ≥ c (E‖Σ σ_i a_i‖²)^{1/2}`` for
Rademacher sums in any normed space (Latała & Oleszkiewicz 1994): the lower side of C7's Rademacher link."""


def rademacher_ball_mc(H, radius: float, *, samples: int, generator: torch.Generator) -> dict:
    """Monte-Carlo value of the empirical Rademacher complexity of the kernel ball of C7's proof,
    ``Rad = E_σ sup_{‖v‖ ≤ R} (1/n) Σ_i σ_i ⟨φ(x_i), v⟩ = (R/n) E_σ ‖Σ_i σ_i φ(x_i)‖ = (R/n) E_σ √(σᵀHσ)``
    (``H_ij = ⟨φ(x_i), φ(x_j)⟩``), over ``samples`` independent sign vectors ``σ ∈ {±1}ⁿ`` from ``generator``.

    Returns ``{"mean", "se", "samples", "n", "radius", "jensen"}``: the sample mean of ``(R/n)√(σᵀHσ)``, its
    standard error (sample standard deviation / √samples) and Jensen's upper side ``(R/n)√(tr H)``
    (``E√(σᵀHσ) ≤ √(E σᵀHσ) = √(tr H)``); Khintchine–Kahane gives ``mean ≥ KHINTCHINE_KAHANE · jensen`` in
    expectation.  ``σᵀHσ`` is clamped at 0 (a PSD kernel's round-off can make it ``−O(n eps ‖H‖)``)."""
    H = square_kernel(H)
    samples = validate.integer("samples", samples, minimum=2)
    radius = validate.real("radius", radius, above=0)
    n = H.shape[0]
    values = []
    for start in range(0, samples, 256):  # blocks of sign vectors: memory 256·n per block
        k = min(256, samples - start)
        sigma = torch.randint(0, 2, (k, n), generator=generator).to(H.dtype) * 2 - 1
        values.append(((sigma @ H) * sigma).sum(-1).clamp_min(0).sqrt())
    q = torch.cat(values) * (radius / n)
    return {
        "mean": float(q.mean()),
        "se": float(q.std() / math.sqrt(samples)),
        "samples": samples,
        "n": n,
        "radius": radius,
        "jensen": radius * math.sqrt(float(torch.diagonal(H).sum())) / n,
    }


def minimum_norm_radius(H0, r0, m: int) -> float:
    """``R_m = √(r_0ᵀ H(W_0)⁻¹ r_0 / m)`` (docs/claims.md C6): the minimum-norm interpolating change of ``W``."""
    m = validate.integer("m", m, minimum=1)
    return math.sqrt(complexity(H0, r0) / m)


def clipped_loss(u, y) -> torch.Tensor:
    """The loss of C7, ``ℓ(u, y) = min(|u − y|, 1)``: 1-Lipschitz in ``u``, values in ``[0, 1]`` (elementwise).

    ``u`` and ``y`` follow the array rules of ``checks.numerics.validate``; ``y`` is converted to ``u``'s dtype.
    """
    u = validate.array("u", u, finite=False)
    y = validate.array("y", y, dtype=u.dtype, device=u.device, finite=False)
    return torch.clamp((u - y).abs(), max=1.0)


def linear_convergence_bound(lr, m: int, lambda_0: float, r0_sq, steps: int) -> torch.Tensor:
    """Right-hand side of C5, ``(1 − η m λ_0 / 2)^t ‖r_0‖²`` for ``t = 0..steps``.

    ``lr`` and ``r0_sq`` may carry a leading batch (one per network); the result has shape
    ``(*batch, steps + 1)``.  The factor is clamped at 0 (a step beyond A4 makes it negative).
    """
    m = validate.integer("m", m, minimum=1)
    steps = validate.integer("steps", steps, minimum=0)
    lambda_0 = validate.real("lambda_0", lambda_0)
    lr = validate.array("lr", lr, dtype=torch.float64)
    r0_sq = validate.array("r0_sq", r0_sq, dtype=torch.float64)
    if not bool((lr > 0).all()):
        raise ValueError("lr must be positive")
    t = torch.arange(steps + 1, dtype=torch.float64)
    factor = (1 - lr[..., None] * m * lambda_0 / 2).clamp_min(0.0)
    return factor**t * r0_sq[..., None]
