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

from checks.numerics import validate
from checks.numerics.validate import sample as as_sample

__all__ = ["Params", "Trace", "as_sample", "check_params", "forward", "init_params", "output"]


SEED_MAX = 2**64 - 1
"""Largest seed ``torch.Generator.manual_seed`` takes (a 64-bit unsigned integer)."""


@dataclass(frozen=True)
class Params:
    """RNN weights: ``W (..., m, m)`` recurrent (trained), ``A (..., m, d)`` input, ``B (..., m)`` output."""

    W: torch.Tensor
    A: torch.Tensor
    B: torch.Tensor

    @property
    def m(self) -> int:
        """Width ``m`` (hidden units)."""
        return self.W.shape[-1]

    @property
    def d(self) -> int:
        """Input dimension ``d``."""
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
        """The activation patterns ``D_l = 1[g_l > 0]`` as 0/1 in ``g``'s dtype, shape ``(..., n, L, m)``."""
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
    """Random initialization of setting (S), reproducible from ``seed``: ``W, A ~ N(0, 2/m)``, ``B ~ N(0, 1)``.

    ``m, d ≥ 1`` integers; ``seed`` an integer in ``0..2⁶⁴ − 1`` (``bool`` refused); ``dtype``
    ``torch.float64`` (the checks) or ``torch.float32`` (speed) — any other dtype is a
    ``ValueError`` (an integer dtype would round every weight to 0).

    ``batch`` adds leading dimensions: ``batch=(S,)`` gives ``S`` independent networks
    drawn from one generator (seed ``s`` of a batch is not the same as ``seed=s`` alone;
    use :func:`stack_params` for that).
    """
    m = validate.integer("m", m, minimum=1)
    d = validate.integer("d", d, minimum=1)
    seed = validate.integer("seed", seed, minimum=0, maximum=SEED_MAX)
    validate.float_dtype("dtype", dtype)
    if not isinstance(batch, (tuple, list)):
        raise ValueError(f"batch must be a tuple of integers >= 1, got {batch!r}")
    batch = tuple(validate.integer("each batch dimension", b, minimum=1) for b in batch)
    gen = torch.Generator(device="cpu").manual_seed(seed)
    scale = math.sqrt(2.0 / m)
    # Drawn on the CPU in float64 so the same seed gives the same numbers on every device.
    # Scaled in place: the same numbers as ``randn(…) * scale`` without a second m²-sized array (m = 4096: 128 MiB).
    W = torch.randn((*batch, m, m), generator=gen, dtype=torch.float64).mul_(scale)
    A = torch.randn((*batch, m, d), generator=gen, dtype=torch.float64).mul_(scale)
    B = torch.randn((*batch, m), generator=gen, dtype=torch.float64)
    return Params(*(t.to(device=device, dtype=dtype) for t in (W, A, B)))


def stack_params(params: list[Params]) -> Params:
    """Stack single networks (same ``m``, ``d``) into one batched ``Params``."""
    if not params:
        raise ValueError("stack_params needs at least one Params")
    return Params(*(torch.stack([getattr(p, k) for p in params]) for k in ("W", "A", "B")))


def check_params(params) -> Params:
    """Check that ``params`` is a :class:`Params` of one float32/float64 dtype with consistent shapes.

    ``W (..., m, m)``, ``A (..., m, d)``, ``B (..., m)`` (setting (S)); raises ``ValueError``.
    """
    if not isinstance(params, Params):
        raise ValueError(f"params must be checks.model.rnn.Params (from init_params), got {type(params).__name__}")
    for key in ("W", "A", "B"):
        value = getattr(params, key)
        if not torch.is_tensor(value):
            raise ValueError(f"params.{key} must be a tensor, got {type(value).__name__}")
        validate.float_dtype(f"params.{key}.dtype", value.dtype)
    W, A, B = params.W, params.A, params.B
    if not A.dtype == B.dtype == W.dtype:
        raise ValueError(f"params mix dtypes: W {W.dtype}, A {A.dtype}, B {B.dtype}")
    batch, m = W.shape[:-2], W.shape[-1] if W.ndim >= 2 else -1
    if W.ndim < 2 or W.shape[-2] != m or A.shape[:-1] != (*batch, m) or B.shape != (*batch, m) or A.shape[-1] < 1:
        raise ValueError(
            f"params have inconsistent shapes: W {tuple(W.shape)}, A {tuple(A.shape)}, B {tuple(B.shape)}; "
            f"need W (..., m, m), A (..., m, d), B (..., m)"
        )
    return params


def forward(params: Params, X) -> Trace:
    """Forward trace of setting (S) on a sample ``X (n, L, d)``: ``h_0 = 0``, ``h_l = relu(W h_{l-1} + A X_l)``.

    ``X`` is validated by :func:`as_sample` in the parameters' dtype (float32 or float64).
    """
    check_params(params)
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
