"""Independent implementations used as oracles (tests) and as baselines (benchmarks).

Nothing here is used by a claim check; they exist to be compared against ``checks.model.ntk``.
"""

from __future__ import annotations

import torch
from torch.func import jacrev, vmap

from checks.model.rnn import Params

__all__ = ["jacobian_ntk", "rnn_output_single"]


def rnn_output_single(W: torch.Tensor, A: torch.Tensor, B: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``f(x; W)`` for one sequence ``x (L, d)``, written plainly (no validation) for ``torch.func``."""
    h = torch.zeros(W.shape[0], dtype=W.dtype, device=W.device)
    for l in range(x.shape[0]):
        h = torch.relu(W @ h + A @ x[l])
    return B @ h


def jacobian_ntk(params: Params, X: torch.Tensor, X2: torch.Tensor | None = None) -> torch.Tensor:
    """The PyTorch NTK-tutorial recipe: ``vmap(jacrev)`` Jacobians ``(n, m²)`` contracted, scaled by ``1/m``.

    Materializes the full Jacobian: memory ``n m²``.
    """
    jac = vmap(jacrev(rnn_output_single), (None, None, None, 0))
    J1 = jac(params.W, params.A, params.B, X).reshape(X.shape[0], -1)
    J2 = J1 if X2 is None else jac(params.W, params.A, params.B, X2).reshape(X2.shape[0], -1)
    return J1 @ J2.T / params.m


def infinite_ntk_mpmath(X, digits: int = 50) -> torch.Tensor:
    """``H∞`` by the plain ``arccos`` recursion of docs/claims.md (S) in ``digits``-digit arithmetic (mpmath).

    Slow (pure Python, per pair); for a handful of short sequences in tests.
    """
    import mpmath as mp

    X = torch.as_tensor(X, dtype=torch.float64)
    n, L, _ = X.shape
    with mp.workdps(digits):
        seqs = [[[mp.mpf(float(v)) for v in X[i, l]] for l in range(L)] for i in range(n)]
        out = torch.empty((n, n), dtype=torch.float64)
        for i in range(n):
            for j in range(n):
                Q = T = a = b = mp.mpf(0)
                for l in range(L):
                    xi, xj = seqs[i][l], seqs[j][l]
                    a += sum(v * v for v in xi)
                    b += sum(v * v for v in xj)
                    S = Q + sum(p * q for p, q in zip(xi, xj))
                    N = mp.sqrt(a * b)
                    if N == 0:
                        P = Q_next = mp.mpf(0)
                    else:
                        rho = max(min(S / N, mp.mpf(1)), mp.mpf(-1))
                        theta = mp.acos(rho)
                        P = (mp.pi - theta) / (2 * mp.pi)
                        Q_next = N / mp.pi * (mp.sin(theta) + (mp.pi - theta) * rho)
                    T = P * (2 * T + Q)
                    Q = Q_next
                out[i, j] = float(T)
    return out
