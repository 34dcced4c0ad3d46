"""Gradient descent on ``½‖u − y‖²`` over ``W`` only (``A``, ``B`` fixed), as in setting (S) and A4.

Many initializations train at once: ``Params`` with a leading batch dimension ``(S, …)`` run
as one batched computation (stacked weights), not a Python loop over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from checks.bounds import spectrum_edges
from checks.ntk import backward_trace, empirical_ntk
from checks.rnn import Params, as_sample, output

__all__ = ["History", "a4_step_size", "train_gd"]


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

    ``H0``: the kernels ``empirical_ntk(params, X)`` when the caller already has them.
    """
    H = empirical_ntk(params, X) if H0 is None else H0
    H = H.reshape(-1, *H.shape[-2:])
    lam = torch.stack([torch.tensor(spectrum_edges(h)[1], dtype=H.dtype) for h in H])
    return (1.0 / (params.m * lam)).reshape(params.W.shape[:-2])


def train_gd(
    params: Params,
    X,
    y,
    *,
    steps: int,
    lr=None,
    centered: bool = True,
    spec_stride: int | None = None,
) -> History:
    """Full-batch gradient descent ``W ← W − η ∇_W ½‖u(W) − y‖²``.

    ``u = f(·; W) − f(·; W_0)`` when ``centered`` (CLAIMS.md S), else ``u = f(·; W)``.
    ``lr=None`` uses the A4 step :func:`a4_step_size` per network; a float or a tensor of
    shape ``batch`` sets it.  ``y`` has shape ``(n,)`` or ``(*batch, n)``.  The spectral
    distance (an ``O(m³)`` SVD) is recorded every ``spec_stride`` steps (default: only at the
    first and last step).
    """
    spec_stride = max(steps, 1) if spec_stride is None else spec_stride
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if spec_stride < 1:
        raise ValueError(f"spec_stride must be >= 1, got {spec_stride}")
    X = as_sample(X, params.d, dtype=params.W.dtype, device=params.W.device)
    batch = params.W.shape[:-2]
    y = torch.as_tensor(y, dtype=X.dtype, device=X.device)
    if y.shape[-1] != X.shape[0] or y.ndim > 1 + len(batch):
        raise ValueError(f"y must have shape (n,) or (*batch, n) with n = {X.shape[0]}, got {tuple(y.shape)}")
    if not torch.isfinite(y).all():
        raise ValueError("y has NaN or infinite entries")
    eta = a4_step_size(params, X) if lr is None else torch.as_tensor(lr, dtype=X.dtype, device=X.device).expand(batch)
    if not torch.all(eta > 0):
        raise ValueError("step size must be positive")
    f0 = output(params, X) if centered else torch.zeros((*batch, X.shape[0]), dtype=X.dtype, device=X.device)
    m, n, L = params.m, X.shape[0], X.shape[1]
    W = params.W.clone().reshape(-1, m, m)  # updated in place: no m²-sized temporaries per step
    delta = torch.zeros_like(W)  # W_t − W_0, updated in place alongside
    res, fro, spec, spec_steps = [], [], [], []
    step = eta.reshape(-1, 1, 1)
    for t in range(steps + 1):
        trace, delta_vecs = backward_trace(params.with_W(W.reshape(params.W.shape)), X)  # δ_l: (…, n, L, m)
        u = (trace.h[..., -1, :] * params.B.unsqueeze(-2)).sum(-1) - f0
        r = u - y
        res.append((r * r).sum(-1))
        fro.append(torch.linalg.matrix_norm(delta).reshape(batch))
        if t % spec_stride == 0 or t == steps:
            spec.append(torch.linalg.matrix_norm(delta, ord=2).reshape(batch) if t else fro[-1] * 0)
            spec_steps.append(t)
        if t == steps:
            break
        # η ∇_W ½‖r‖² = η Σ_i r_i Σ_l δ_l(x_i) h_{l-1}(x_i)ᵀ (CLAIMS.md S): one batched matmul,
        # accumulated in place into W and W − W_0.
        weighted = (delta_vecs * r[..., :, None, None]).reshape(-1, n * L, m) * step
        hprev = trace.h[..., :-1, :].reshape(-1, n * L, m)
        W.baddbmm_(weighted.transpose(-1, -2), hprev, alpha=-1)
        delta.baddbmm_(weighted.transpose(-1, -2), hprev, alpha=-1)
    return History(
        residual_sq=torch.stack(res, -1),
        dist_fro=torch.stack(fro, -1),
        dist_spec=torch.stack(spec, -1),
        spec_steps=spec_steps,
        lr=eta,
        params=params.with_W(W.reshape(params.W.shape)),
        centered=centered,
    )
