"""Training mathematics of C5 and C6 (docs/claims.md C5, C6): the round-off bounds of the trained quantities and
the network's departure from its linearization at ``W_0``.

* :func:`output_roundoff`: ``‖e‖`` of the centered outputs' rounding error (Higham's ``γ_m`` model);
  :func:`ratio_roundoff`: the relative round-off of ``‖W_t − W_0‖_F / R_m``.
* :func:`linearization_gap`: ``lin_T = ‖u_T − J_0 Δ‖_{H_0⁻¹} / ‖y‖_{H_0⁻¹}`` and its round-off;
  :func:`linear_deviation`: how far the residuals left the linear dynamics of ``H(W_0)``;
  :func:`unfitted_fraction`: ``res_T = ‖r_T‖_{H_0⁻¹} / ‖r_0‖_{H_0⁻¹}``.
* :func:`linearized_change`: ``⟨∇f(x; W_0), W − W_0⟩``; :func:`linearization_error`: C7's ``ε(m)``, the one
  definition of the project (mean ``|F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩|``); :func:`kernel_drift`: C6's ``o(1)``.
* :func:`drift_status`: what a zero kernel drift means at ``L`` (exact, transient or unrecomputed).
"""

from __future__ import annotations

import math

import torch

from checks.model.ntk import backward_vectors
from checks.model.rnn import Params, as_sample, output
from checks.numerics.constants import EPS
from checks.numerics.linalg import spectrum_edges
from checks.theory.bounds import complexity

__all__ = [
    "drift_status",
    "f64",
    "kernel_drift",
    "linear_deviation",
    "linearization_error",
    "linearization_gap",
    "linearized_change",
    "output_roundoff",
    "ratio_roundoff",
    "unfitted_fraction",
]


def linearized_change(params: Params, W, X) -> torch.Tensor:
    """``⟨∇_W f(x_i; W_0), W − W_0⟩ = Σ_l δ_l(x_i)ᵀ (W − W_0) h_{l−1}(x_i)`` for each sequence (docs/claims.md S):
    the change of the output predicted by the linearization at ``params`` (``W_0``); shape ``(..., n)``.

    ``W`` has ``params.W``'s shape; both in the parameters' dtype."""
    delta, h_prev = backward_vectors(params, X)
    change = W - params.W
    return torch.einsum("...ilm,...mk,...ilk->...i", delta, change, h_prev)


def kernel_drift(H0: torch.Tensor, H: torch.Tensor) -> float:
    """``‖H − H_0‖_2 / λ_min(H_0)``: how far the empirical NTK moved during training, in units of its smallest
    eigenvalue (C6's ``o(1)`` made explicit: the trained distance may exceed ``R_m`` by this factor; → 0 with ``m``)."""
    return float(torch.linalg.matrix_norm(H - H0, ord=2)) / spectrum_edges(H0)[0]


def linearization_error(start: Params, trained: Params, X) -> float:
    """``ε(m)`` of C7, the one definition of the project: the mean over the sequences of ``X`` of
    ``|F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩|``, with ``F(x; W_T) = f(x; W_T) − f(x; W_0)`` the centered network.

    Why the mean absolute value: the loss of C7 is 1-Lipschitz, so the expected loss of the network and of its
    linearization (the predictor the kernel bound is proved for) differ by at most ``E|F − F_lin|``; on fresh test
    points this is its unbiased estimate.  Evaluated in float64 from the given weights (unbatched)."""
    p0, pT = (Params(p.W.double(), p.A.double(), p.B.double()) for p in (start, trained))
    X = as_sample(X, p0.d, dtype=torch.float64)
    F = output(pT, X) - output(p0, X)
    return float((F - linearized_change(p0, pT.W, X)).abs().mean())


def output_roundoff(h_L: torch.Tensor, B: torch.Tensor, L: int) -> torch.Tensor:
    """``‖e‖``, per seed, for the rounding error ``e`` of the centered outputs ``u = f(x; W) − f(x; W_0)``.

    Each ``f(x_i) = Σ_k B_k h_{L,k}`` comes from ``L + 1`` chained length-``m`` dot products, each off by at most
    ``γ_m = m·eps`` times its sum of absolute terms (Higham, Accuracy and Stability, §3.1); the two evaluations
    that ``u`` subtracts double it: ``|e_i| ≤ 2 (L + 1) m eps Σ_k |B_k h_{L,k}(x_i)|`` (a round-off model: the terms of
    the inner products are bounded through ``|B_k| |h_{L,k}|``).  Training fits ``u`` to ``y`` up to ``e``, so the
    trained distance and the residuals carry it (it dominates the ratio's round-off: measured excess ``1.6e-12``
    on an exactly linear path, against ``T·eps = 4e-14`` from the accumulation)."""
    magnitude = (h_L.abs() * B.abs().unsqueeze(-2)).sum(-1)  # (*batch, n)
    m = h_L.shape[-1]
    return 2 * (L + 1) * m * EPS * torch.linalg.vector_norm(magnitude, dim=-1)


def linearization_gap(params, trained, X, u_T: torch.Tensor, H0: torch.Tensor, y: torch.Tensor):
    """Per seed ``lin_T = ‖u_T − J_0 Δ‖_{H_0⁻¹} / ‖y‖_{H_0⁻¹}`` with ``Δ = W_T − W_0`` and ``J_0`` the Jacobian at
    ``W_0`` (``(J_0 Δ)_i = Σ_l δ_l(x_i)ᵀ Δ h_{l−1}(x_i)``, docs/claims.md S): the trained network's departure from its
    linearization, the ``o(1)`` of the NTK regime.  Also the round-off of ``J_0 Δ`` in the same units: ``Δ`` is a
    difference of weights, off by ``eps |W_T|`` per entry, so ``|err_i| ≤ eps ‖W_T‖_F √(m H_0,ii)``."""
    out, noise = [], []
    for s in range(H0.shape[0]):
        p0 = Params(params.W[s], params.A[s], params.B[s])
        linear = linearized_change(p0, trained.W[s], X)
        scale = math.sqrt(spectrum_edges(H0[s])[0] * complexity(H0[s], y))  # √λ_min · ‖y‖_{H_0⁻¹}
        try:
            out.append(math.sqrt(complexity(H0[s], u_T[s] - linear) / complexity(H0[s], y)))
        except ValueError:  # diverged (-A4): not finite
            out.append(math.inf)
        err = (
            EPS
            * float(torch.linalg.matrix_norm(trained.W[s]))
            * float(torch.sqrt(params.m * torch.diagonal(H0[s])).norm())
        )
        noise.append(err / scale)
    return f64(out), f64(noise)


def f64(values) -> torch.Tensor:
    """Python floats as a float64 tensor (``torch.tensor`` alone would make them float32)."""
    return torch.tensor(values, dtype=torch.float64)


def unfitted_fraction(H0: torch.Tensor, r_T: torch.Tensor, y: torch.Tensor) -> float:
    """``res_T = ‖r_T‖_{H_0⁻¹} / ‖r_0‖_{H_0⁻¹}`` (``r_0 = −y``); ``inf`` when training diverged (``-A4``) and
    ``r_Tᵀ H_0⁻¹ r_T`` is not finite: the lower bound is then vacuous, not an error."""
    try:
        return math.sqrt(complexity(H0, r_T) / complexity(H0, y))
    except ValueError:  # non-finite r_T, or r_Tᵀ H_0⁻¹ r_T beyond float64
        return math.inf


def linear_deviation(H0: torch.Tensor, step: torch.Tensor, y: torch.Tensor, residual_sq: torch.Tensor) -> float:
    """``max_t |‖r_t‖² − ‖(I − ηm H(W_0))^t r_0‖²| / ‖r_0‖²``: how far training left the linear dynamics of
    its initial kernel (0 up to round-off when no activation sign flipped at any step)."""
    lam, U = torch.linalg.eigh(H0)
    c = U.T @ y  # r_0 = −y; only squares enter
    t = torch.arange(residual_sq.shape[-1], dtype=H0.dtype)
    predicted = ((1 - step * lam)[:, None] ** (2 * t) * (c * c)[:, None]).sum(0)
    return float((residual_sq - predicted).abs().max() / predicted[0])


def drift_status(L: int, drift: float, flips: int, linear_path: bool) -> str:
    """How a seed's drift allowance stands.

    ``measured``: a positive drift.  A drift of exactly 0 is exact only at ``L = 2`` with no sign flipped at
    ``T`` (``H`` depends on ``W`` through ``D_2`` alone); then ``linear``: the residuals followed the linear
    dynamics of ``H(W_0)`` at every step, so no sign flipped on the way either and the ratio is ``≤ 1`` exactly
    (allowance 0); or ``transient``: signs flipped on the way and back (measured: the residual leaves the linear
    prediction by 10⁻⁵ and more, against 10⁻¹⁵ round-off), which ``H(W_T) = H(W_0)`` cannot show: the
    allowance is unmeasured and the seed is not compared (reported).  Otherwise (``L ≥ 3``, or a sign flipped)
    ``unrecomputed``: the kernel at ``W_T`` cannot equal ``H(W_0)``; it was not recomputed, and the check fails.
    """
    if drift > 0:
        return "measured"
    if L == 2 and flips == 0:
        return "linear" if linear_path else "transient"
    return "unrecomputed"


def ratio_roundoff(steps: int, n: int, cond: float) -> float:
    """Relative round-off of ``‖W_t − W_0‖_F / R_m`` (and of ``‖r_t‖²`` against the linear prediction) from the
    arithmetic of training: ``W_t − W_0`` is ``t ≤ steps`` in-place rank-``nL`` updates (``steps·eps`` relative),
    ``R_m²`` a Cholesky solve (``cond(H_0)·n·eps``); 64× their sum.  The outputs' own rounding is added
    separately: ``‖e‖_{H_0⁻¹}/‖y‖_{H_0⁻¹} ≤ ‖e‖ / (√λ_min(H_0) ‖y‖_{H_0⁻¹})`` (:func:`output_roundoff`)."""
    return 64 * (steps + cond * n) * EPS
