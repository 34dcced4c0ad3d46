"""Gradient descent on ``½‖u − y‖²`` over ``W`` only (``A``, ``B`` fixed), as in setting (S) and A4.

Many initializations train at once: ``Params`` with a leading batch dimension ``(S, …)`` run
as one batched computation (stacked weights), not a Python loop over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from checks.model.ntk import empirical_ntk
from checks.model.rnn import Params, as_sample, check_params, output
from checks.numerics import validate
from checks.numerics.linalg import spectrum_edges

__all__ = ["History", "a4_step_size", "train_gd"]


def _forward_backward(W: torch.Tensor, inputs: torch.Tensor, B: torch.Tensor, h: torch.Tensor, D: torch.Tensor) -> None:
    """Setting (S) at ``W (S, m, m)``, written into ``h`` and ``D`` (both ``(S, L, n, m)``, step-major): the hidden
    states ``h_1 … h_L`` (``g_1 = A X_1``: ``h_0 = 0`` needs no product), then the backward vectors
    ``δ_l = D_l b_l`` over ``D`` (``b_L = Bᵀ``, ``b_{l−1} = Wᵀ δ_l``; no ``b_0``, which nothing reads).
    The products are exactly the ``2(L − 1)`` that the forward and backward passes need."""
    L = h.shape[1]
    Wt = W.transpose(-1, -2)
    g = inputs[:, 0]
    for l in range(L):
        if l:
            g = torch.bmm(h[:, l - 1], Wt).add_(inputs[:, l])
        torch.gt(g, 0, out=D[:, l])
        torch.clamp_min(g, 0, out=h[:, l])
    b = B
    for l in range(L - 1, -1, -1):
        delta = D[:, l].mul_(b)
        if l:
            b = torch.bmm(delta, W)


@dataclass(frozen=True)
class History:
    """Per-step records, step 0 included (length ``steps + 1``); leading dimension = seeds.

    ``residual_sq[s, t] = ‖u_t − y‖²``; ``dist_fro[s, t] = ‖W_t − W_0‖_F``;
    ``dist_spec[s, k] = ‖W_t − W_0‖_2`` at ``t = spec_steps[k]`` (every ``spec_stride`` steps and the last);
    ``lr[s]`` the step size used; ``params`` the final weights; ``centered`` which predictor.
    """

    residual_sq: torch.Tensor
    dist_fro: torch.Tensor
    dist_spec: torch.Tensor
    spec_steps: list[int]
    lr: torch.Tensor
    params: Params
    centered: bool


def a4_step_size(params: Params, X, H0: torch.Tensor | None = None) -> torch.Tensor:
    """A4: ``η = 1 / (m λ_max(H(W_0)))`` for each network of a (batched) ``params``.

    ``H0``: the kernels ``empirical_ntk(params, X)`` when the caller already has them (shape
    ``(*batch, n, n)``).  Raises ``ValueError`` when some ``λ_max ≤ 0`` (e.g. ``L = 1``, where
    ``h_0 = 0`` makes the NTK zero): the A4 step is then undefined, not infinite.
    """
    check_params(params)
    batch = params.W.shape[:-2]
    if H0 is None:
        H = empirical_ntk(params, X)
    else:
        H = validate.array("H0", H0)
        if H.ndim != len(batch) + 2 or H.shape[:-2] != batch or H.shape[-1] != H.shape[-2]:
            raise ValueError(f"H0 must have shape (*batch, n, n) with batch = {tuple(batch)}, got {tuple(H.shape)}")
    H = H.reshape(-1, *H.shape[-2:])
    lam = torch.stack([torch.tensor(spectrum_edges(h)[1], dtype=H.dtype) for h in H])
    if not bool((lam > 0).all()):
        raise ValueError(
            f"the A4 step 1/(m λ_max(H(W_0))) is undefined: λ_max = {float(lam.min()):.3e} <= 0 "
            f"(a zero NTK, e.g. L = 1 where h_0 = 0); pass lr explicitly"
        )
    return (1.0 / (params.m * lam)).reshape(batch)


def train_gd(
    params: Params,
    X,
    y,
    *,
    steps: int,
    lr=None,
    centered: bool = True,
    spec_stride: int | None = None,
    stop_below: float | None = None,
) -> History:
    """Full-batch gradient descent ``W ← W − η ∇_W ½‖u(W) − y‖²``.

    ``u = f(·; W) − f(·; W_0)`` when ``centered`` (docs/claims.md S), else ``u = f(·; W)``.
    ``lr=None`` uses the A4 step :func:`a4_step_size` per network; a float or a tensor of
    shape ``batch`` sets it.  ``y`` has shape ``(n,)`` or ``(*batch, n)``.  The spectral
    distance (an ``O(m³)`` SVD) is recorded every ``spec_stride`` steps (default: only at the
    first and last step).

    Every argument is validated before any is used (``checks.numerics.validate``): ``steps ≥ 0`` and
    ``spec_stride ≥ 1`` integers (not ``bool``), ``centered`` a bool, ``lr`` finite and positive
    (a number, or an array of shape ``batch``), ``X`` a sample and ``y`` finite labels with
    ``Σ y²`` representable; a bad call raises ``ValueError`` and changes nothing.

    ``stop_below``: stop early at the first step where every network has ``‖r_t‖² ≤ stop_below · ‖y‖²``
    (the records then end at that step; ``steps`` is the cap).
    """
    check_params(params)
    steps = validate.integer("steps", steps, minimum=0)
    spec_stride = max(steps, 1) if spec_stride is None else validate.integer("spec_stride", spec_stride, minimum=1)
    centered = validate.flag("centered", centered)
    if stop_below is not None:
        stop_below = validate.real("stop_below", stop_below, above=0)
    X = as_sample(X, params.d, dtype=params.W.dtype, device=params.W.device)
    batch = params.W.shape[:-2]
    y = validate.array("y", y, dtype=X.dtype, device=X.device)
    if y.shape not in ((X.shape[0],), (*batch, X.shape[0])):
        raise ValueError(f"y must have shape (n,) or (*batch, n) with n = {X.shape[0]}, got {tuple(y.shape)}")
    validate.check_square_sums("y", y.reshape(-1, 1, X.shape[0]))  # the loss ½‖u − y‖² sums y²
    if lr is None:
        eta = a4_step_size(params, X)
    else:
        if not (torch.is_tensor(lr) or isinstance(lr, (np.ndarray, list, tuple))):
            validate.real("lr", lr, above=0)  # a number: finite and positive, not bool
        eta = validate.array("lr", lr, dtype=X.dtype, device=X.device)
        if not bool((eta > 0).all()):
            raise ValueError(f"lr must be positive, got {lr!r}")
        try:
            eta = eta.expand(batch)
        except RuntimeError:
            shape = tuple(eta.shape)
            raise ValueError(f"lr must be a number or broadcast to batch = {tuple(batch)}, got {shape}") from None
    f0 = output(params, X) if centered else torch.zeros((*batch, X.shape[0]), dtype=X.dtype, device=X.device)
    m, n, L = params.m, X.shape[0], X.shape[1]
    W = params.W.clone().reshape(-1, m, m)  # updated in place: no m²-sized temporaries per step
    delta = torch.zeros_like(W)  # W_t − W_0, updated in place alongside
    S = W.shape[0]
    A = params.A.reshape(S, m, params.d)
    Bv = params.B.reshape(S, 1, m)
    inputs = (X.transpose(0, 1) @ A.transpose(-1, -2).unsqueeze(1)).contiguous()  # (S, L, n, m): A X_l, fixed
    h = torch.empty((S, L, n, m), dtype=X.dtype, device=X.device)  # h_1 … h_L, step-major
    D = torch.empty_like(h)  # D_1 … D_L, then overwritten by δ_1 … δ_L
    grad = torch.empty_like(W)
    res, fro, spec, spec_steps = [], [], [], []
    step = eta.reshape(-1, 1, 1, 1)
    for t in range(steps + 1):
        _forward_backward(W, inputs, Bv, h, D)  # h_l and δ_l (in D) of setting (S) at W_t
        u = (h[:, -1] * Bv).sum(-1).reshape(*batch, n) - f0
        r = u - y
        res.append((r * r).sum(-1))
        fro.append(torch.linalg.matrix_norm(delta).reshape(batch))
        if t % spec_stride == 0 or t == steps:
            spec.append(torch.linalg.matrix_norm(delta, ord=2).reshape(batch) if t else fro[-1] * 0)
            spec_steps.append(t)
        if t == steps:
            break
        if stop_below is not None and bool((res[-1] <= stop_below * (y * y).sum(-1)).all()):
            if spec_steps[-1] != t:
                spec.append(torch.linalg.matrix_norm(delta, ord=2).reshape(batch) if t else fro[-1] * 0)
                spec_steps.append(t)
            break
        if L > 1:
            # η ∇_W ½‖r‖² = η Σ_i r_i Σ_{l≥2} δ_l(x_i) h_{l-1}(x_i)ᵀ (docs/claims.md S; the l = 1 term has h_0 = 0):
            # one batched product, subtracted from W and from W − W_0.
            weighted = (D[:, 1:] * r.reshape(S, 1, n, 1)).mul_(step).reshape(S, (L - 1) * n, m)
            torch.bmm(weighted.transpose(-1, -2), h[:, :-1].reshape(S, (L - 1) * n, m), out=grad)
            W.sub_(grad)
            delta.sub_(grad)
    return History(
        residual_sq=torch.stack(res, -1),
        dist_fro=torch.stack(fro, -1),
        dist_spec=torch.stack(spec, -1),
        spec_steps=spec_steps,
        lr=eta,
        params=params.with_W(W.reshape(params.W.shape)),
        centered=centered,
    )
