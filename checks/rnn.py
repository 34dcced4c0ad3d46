"""The Elman ReLU RNN of setting (S): initialization, forward trace, output.

``h_0 = 0``, ``g_l = W h_{l-1} + A X_l``, ``h_l = relu(g_l)``, ``f(x; W) = B h_L``;
``W_ij, A_ij ~ N(0, 2/m)``, ``B_i ~ N(0, 1)``, independent.  Only ``W`` is trained.

Every function accepts parameters with leading batch dimensions (``W`` of shape
``(..., m, m)``), so many seeds run as one computation (the training harness uses this).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

__all__ = ["Params", "Trace", "as_sample", "forward", "init_params", "output"]


@dataclass(frozen=True)
class Params:
    """RNN weights: ``W (..., m, m)`` recurrent (trained), ``A (..., m, d)`` input, ``B (..., m)`` output."""

    W: torch.Tensor
    A: torch.Tensor
    B: torch.Tensor

    @property
    def m(self) -> int:
        return self.W.shape[-1]

    @property
    def d(self) -> int:
        return self.A.shape[-1]

    def with_W(self, W: torch.Tensor) -> Params:
        """Same ``A``, ``B`` with a new recurrent matrix (``A``, ``B`` are never trained)."""
        if W.shape[-2:] != self.W.shape[-2:]:
            raise ValueError(f"W must end in shape {tuple(self.W.shape[-2:])}, got {tuple(W.shape)}")
        return Params(W, self.A, self.B)


@dataclass(frozen=True)
class Trace:
    """Forward trace of a sample ``X (n, L, d)``.

    ``g (..., n, L, m)`` pre-activations ``g_1..g_L``; ``h (..., n, L+1, m)`` hidden states
    ``h_0..h_L`` (``h_0 = 0``); ``D (..., n, L, m)`` the sign patterns ``1[g_l > 0]`` as 0/1.
    """

    g: torch.Tensor
    h: torch.Tensor

    @property
    def D(self) -> torch.Tensor:
        return (self.g > 0).to(self.g.dtype)


def init_params(
    m: int,
    d: int,
    *,
    seed: int,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
    batch: tuple[int, ...] = (),
) -> Params:
    """Random initialization of setting (S), reproducible from ``seed``.

    ``batch`` adds leading dimensions: ``batch=(S,)`` gives ``S`` independent networks
    drawn from one generator (seed ``s`` of a batch is not the same as ``seed=s`` alone;
    use :func:`stack_params` for that).
    """
    _check_positive_int("m", m)
    _check_positive_int("d", d)
    if not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
    gen = torch.Generator(device="cpu").manual_seed(seed)
    scale = math.sqrt(2.0 / m)
    # Drawn on the CPU in float64 so the same seed gives the same numbers on every device.
    W = torch.randn((*batch, m, m), generator=gen, dtype=torch.float64) * scale
    A = torch.randn((*batch, m, d), generator=gen, dtype=torch.float64) * scale
    B = torch.randn((*batch, m), generator=gen, dtype=torch.float64)
    return Params(*(t.to(device=device, dtype=dtype) for t in (W, A, B)))


def stack_params(params: list[Params]) -> Params:
    """Stack single networks (same ``m``, ``d``) into one batched ``Params``."""
    if not params:
        raise ValueError("stack_params needs at least one Params")
    return Params(*(torch.stack([getattr(p, k) for p in params]) for k in ("W", "A", "B")))


def as_sample(X, d: int | None = None, *, dtype=None, device=None, name: str = "X") -> torch.Tensor:
    """Validate a sample of sequences: a finite array of shape ``(n, L, d)`` with ``n, L, d >= 1``.

    Raises ``ValueError`` that says what is wrong; returns a tensor (copy-free when possible).
    """
    X = torch.as_tensor(X)
    if X.ndim != 3:
        raise ValueError(f"{name} must have shape (n, L, d), got shape {tuple(X.shape)}")
    n, L, dd = X.shape
    if n < 1:
        raise ValueError(f"{name} is an empty sample (n = 0 sequences)")
    if L < 1:
        raise ValueError(f"{name} has sequence length L = {L}; need L >= 1")
    if dd < 1:
        raise ValueError(f"{name} has input dimension d = {dd}; need d >= 1")
    if d is not None and dd != d:
        raise ValueError(f"{name} has input dimension d = {dd} but the parameters expect d = {d}")
    if not X.is_floating_point():
        X = X.to(torch.float64)
    if not torch.isfinite(X).all():
        bad = (~torch.isfinite(X)).nonzero()[0].tolist()
        raise ValueError(f"{name} has a NaN or infinite entry (first at index {tuple(bad)})")
    return X.to(dtype=dtype or X.dtype, device=device or X.device)


def forward(params: Params, X) -> Trace:
    """Forward trace of setting (S) on a sample ``X (n, L, d)``."""
    X = as_sample(X, params.d, dtype=params.W.dtype, device=params.W.device)
    n, L, _ = X.shape
    batch = params.W.shape[:-2]
    Wt = params.W.transpose(-1, -2)
    inputs = X @ params.A.transpose(-1, -2).unsqueeze(-3)  # (..., n, L, m): A X_l for all l
    h = [torch.zeros((*batch, n, params.m), dtype=X.dtype, device=X.device)]
    g = []
    for l in range(L):
        g_l = h[-1] @ Wt + inputs[..., l, :]
        g.append(g_l)
        h.append(torch.relu(g_l))
    return Trace(g=torch.stack(g, dim=-2), h=torch.stack(h, dim=-2))


def output(params: Params, X) -> torch.Tensor:
    """``f(x; W) = B h_L`` for every sequence: shape ``(..., n)``."""
    h_L = forward(params, X).h[..., -1, :]
    return (h_L * params.B.unsqueeze(-2)).sum(-1)


def _check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
