"""The neural tangent kernel of setting (S): finite width and infinite width side by side.

Finite width (``empirical_ntk``), docs/claims.md (S):
    ``∇_W f(x) = Σ_{l=1}^{L} δ_l h_{l-1}ᵀ`` with ``δ_l = D_l b_l``, ``b_L = Bᵀ``,
    ``b_{l-1} = Wᵀ δ_l``, hence
    ``H_ij = (1/m) Σ_{l,l'} ⟨δ_l(x_i), δ_{l'}(x_j)⟩ ⟨h_{l-1}(x_i), h_{l'-1}(x_j)⟩``
    over all ``L²`` time pairs.  Computed from the two ``(nL) × (nL)`` Gram matrices of the
    backward vectors and the hidden states, blocked over samples under a memory budget; the
    ``n × m²`` Jacobian is never formed.

Infinite width (``infinite_ntk``), docs/claims.md (S):
    ``S_l = Q_{l-1} + G_l``, ``ρ_l = S_l / √(a_l b_l)``, ``θ_l = arccos ρ_l``,
    ``Q_l = √(a_l b_l)/π · (sin θ_l + (π − θ_l) cos θ_l)``, ``P_l = (π − θ_l)/(2π)``,
    ``H∞ = Σ_l P_l Π_{j>l} (2 P_j) Q_{l-1}``, evaluated by the forward recursion
    ``T_l = P_l (2 T_{l-1} + Q_{l-1})``, ``T_0 = 0``, ``H∞ = T_L`` (memory O(n n2), not O(L n n2)).
    Meaning: ``Q_l = lim ⟨h_l, h'_l⟩`` and ``(1/m) ⟨δ_l, δ'_l⟩ → P_l Π_{j>l} 2P_j``.
"""

from __future__ import annotations

import math

import torch

from checks.model import ntk_fused
from checks.model.arccos import sin_minus, theta_from_gap
from checks.model.rnn import Params, Trace, as_sample, check_params, forward
from checks.numerics import validate

__all__ = [
    "BLOCK_ELEMENTS",
    "DEFAULT_MEMORY_BUDGET",
    "backward_trace",
    "backward_vectors",
    "block_size_for",
    "empirical_ntk",
    "hidden_kernel_diag",
    "infinite_ntk",
    "kappa_bar",
    "ntk_diagonal",
    "power_of_two_rescaling",
]

DEFAULT_MEMORY_BUDGET = 1 << 30  # bytes for the per-block Gram matrices of empirical_ntk


def backward_vectors(params: Params, X) -> tuple[torch.Tensor, torch.Tensor]:
    """``(δ, h_prev)``: ``δ_l = D_l b_l`` and ``h_{l-1}``, each of shape ``(..., n, L, m)``.

    ``∇_W f(x_i) = Σ_l δ_l(x_i) h_{l-1}(x_i)ᵀ`` (docs/claims.md S).  Batched parameters give a
    leading batch dimension.
    """
    trace, delta = backward_trace(params, X)
    return delta, trace.h[..., :-1, :]


def backward_trace(params: Params, X) -> tuple[Trace, torch.Tensor]:
    """The forward :class:`Trace` and the backward vectors ``δ (..., n, L, m)`` of setting (S)."""
    trace = forward(params, X)
    D = trace.D
    L = D.shape[-2]
    deltas = [None] * L
    b = params.B.unsqueeze(-2).expand(*D.shape[:-2], D.shape[-1])
    for l in range(L - 1, -1, -1):
        deltas[l] = D[..., l, :] * b
        b = deltas[l] @ params.W  # b_{l-1} = Wᵀ δ_l, as row vectors
    return trace, torch.stack(deltas, dim=-2)


def block_size_for(L: int, itemsize: int, memory_budget: int) -> int:
    """Samples per block so that three ``(bL) × (bL)`` matrices fit in ``memory_budget`` bytes (at least 1)."""
    L = validate.integer("L", L, minimum=1)
    itemsize = validate.integer("itemsize", itemsize, minimum=1)
    memory_budget = validate.integer("memory_budget", memory_budget, minimum=1)
    return max(1, int(math.sqrt(memory_budget / (3 * itemsize))) // L)


def empirical_ntk(params: Params, X, X2=None, *, memory_budget: int = DEFAULT_MEMORY_BUDGET) -> torch.Tensor:
    """Exact empirical NTK ``H(W)_ij = (1/m) ⟨∇_W f(x_i), ∇_W f(x_j)⟩_F`` (docs/claims.md S).

    All ``L²`` time pairs, blocked over samples so the block Gram matrices stay within
    ``memory_budget`` bytes.  ``X2`` gives the cross kernel ``(n, n2)``.  Batched parameters
    (``W`` of shape ``(..., m, m)``) give a batch of kernels ``(..., n, n2)``.  Computed in the
    parameters' dtype (float32 or float64); ``X`` and ``X2`` are checked by ``as_sample``
    (``checks.numerics.validate``).  ``H`` is homogeneous of degree 2 in the inputs (ReLU is positively
    homogeneous and ``D_l`` depends on signs only), so inputs of extreme size are computed at an
    exact power-of-two rescaling (:func:`power_of_two_rescaling`) and scaled back.
    """
    check_params(params)
    memory_budget = validate.integer("memory_budget", memory_budget, minimum=1)
    if params.W.ndim > 2:
        batch = params.W.shape[:-2]
        flat = [
            empirical_ntk(Params(W, A, B), X, X2, memory_budget=memory_budget)
            for W, A, B in zip(
                params.W.reshape(-1, params.m, params.m),
                params.A.reshape(-1, params.m, params.d),
                params.B.reshape(-1, params.m),
            )
        ]
        return torch.stack(flat).reshape(*batch, *flat[0].shape)
    X = as_sample(X, params.d, dtype=params.W.dtype, device=params.W.device)
    if X2 is not None:
        X2 = as_sample(X2, params.d, dtype=params.W.dtype, device=params.W.device, name="X2")
        if X2.shape[1] != X.shape[1]:
            raise ValueError(f"X2 has length L = {X2.shape[1]} but X has L = {X.shape[1]}")
    k = power_of_two_rescaling(X, X2)
    if k:
        X = X * 2.0**-k
        X2 = None if X2 is None else X2 * 2.0**-k
    delta, hprev = backward_vectors(params, X)
    if X2 is None:
        delta2, hprev2, symmetric = delta, hprev, True
    else:
        delta2, hprev2 = backward_vectors(params, X2)
        symmetric = False
    n, L, m = delta.shape
    n2 = delta2.shape[0]
    bs = block_size_for(L, delta.element_size(), memory_budget)
    H = torch.empty((n, n2), dtype=delta.dtype, device=delta.device)
    dflat, hflat = delta.reshape(n * L, m), hprev.reshape(n * L, m)
    dflat2, hflat2 = delta2.reshape(n2 * L, m), hprev2.reshape(n2 * L, m)
    for i0 in range(0, n, bs):
        i1 = min(n, i0 + bs)
        rows = slice(i0 * L, i1 * L)
        for j0 in range(i0 if symmetric else 0, n2, bs):
            j1 = min(n2, j0 + bs)
            cols = slice(j0 * L, j1 * L)
            block = dflat[rows] @ dflat2[cols].T
            block *= hflat[rows] @ hflat2[cols].T
            tile = block.reshape(i1 - i0, L, j1 - j0, L).sum(dim=(1, 3)) / m
            if symmetric and j0 == i0:
                tile = (tile + tile.T) / 2  # exactly symmetric, as the kernel is
            H[i0:i1, j0:j1] = tile
            if symmetric and j0 > i0:
                H[j0:j1, i0:i1] = tile.T
    return H.mul_(2.0**k).mul_(2.0**k) if k else H  # H(2^k X) = 4^k H(X), two exact steps


def power_of_two_rescaling(X: torch.Tensor, X2: torch.Tensor | None = None) -> int:
    """``k`` such that the kernels are computed at ``2^-k X`` (and ``2^-k X2``), or 0 for no rescaling.

    Both NTKs are homogeneous of degree 2 in the inputs, and scaling by a power of two is exact,
    so ``H(X) = 4^k H(2^-k X)`` bit for bit (outside the subnormal range).  ``infinite_ntk`` forms
    products of two squared norms (fourth powers of the entries), which leave the dtype's range
    for entries beyond about ``2^(±maxexp/4)`` (1e77 or 1e-77 in float64, 1e9 in float32: the
    recursion then returned kernels off by 18–33% without a warning).  So when the largest
    ``|entry|`` lies outside ``2^(±maxexp/8)`` (``maxexp`` = 1024 in float64, 128 in float32: a
    margin of ``2^(maxexp/2)`` for those fourth powers), ``k`` is its binary exponent (the largest
    entry moves into ``[½, 1)``); otherwise 0, leaving ordinary inputs untouched.
    """
    amax = max(float(t.abs().max()) for t in (X, X2) if t is not None)
    maxexp = math.frexp(float(torch.finfo(X.dtype).max))[1]  # 1024 (float64) or 128 (float32)
    if amax == 0 or 2.0 ** -(maxexp // 8) <= amax <= 2.0 ** (maxexp // 8):
        return 0
    return min(max(math.frexp(amax)[1], 2 - maxexp), maxexp - 2)  # 2^±k stays a normal number


def hidden_kernel_diag(X) -> torch.Tensor:
    """``Q_l(x, x) = Σ_{k≤l} ‖X_k‖²`` for ``l = 0..L`` (shape ``(n, L+1)``), the limit of ``‖h_l‖²`` (docs/claims.md S).

    ``X`` is checked by ``as_sample`` (float32/float64, sums of squares representable).
    """
    X = as_sample(X)
    sq = (X * X).sum(-1)
    return torch.cat([torch.zeros_like(sq[:, :1]), sq.cumsum(1)], dim=1)


def ntk_diagonal(X) -> torch.Tensor:
    """``H∞(x_i, x_i) = ½ Σ_{l=1}^{L} Q_{l−1}(x_i, x_i)`` per sequence (docs/claims.md S), in closed form from the
    step norms alone (no arccos): the one home of the kernel's diagonal.  ``X`` is checked by ``as_sample``."""
    return 0.5 * hidden_kernel_diag(X)[:, :-1].sum(1)


def kappa_bar(X) -> float:
    """``κ̄ = max_i H∞(x_i, x_i)`` (docs/claims.md S: the largest entry of :func:`ntk_diagonal`).

    ``X`` is checked by ``as_sample`` like every kernel input.
    """
    return float(ntk_diagonal(X).max())


BLOCK_ELEMENTS = 1 << 18
"""Pairs per block of ``infinite_ntk``: 2 MiB float64 arrays stay in cache and in the allocator's
pool (measured fastest on 2 cores; 16 MiB arrays were 1.5× slower from allocation alone)."""


def infinite_ntk(X, X2=None, *, block_rows: int | None = None, fused: bool | None = None) -> torch.Tensor:
    """Infinite-width NTK ``H∞(X, X2)`` by the recursion of docs/claims.md (S); ``X2=None`` gives ``H∞(X, X)``.

    Any input norms (no smallness, A6 not assumed).  Where a prefix of a sequence is all
    zero, ``g_l = 0`` exactly, so ``Q_l = 0`` and ``P_l = 0`` (the strict sign ``1[g > 0]``).
    Computed in the dtype of ``X`` (float64 for checks), in blocks of ``block_rows`` rows
    (default: ``BLOCK_ELEMENTS`` pairs per block; only the upper triangle when ``X2`` is None);
    memory ``O(n · n2)``.

    Numerics: ``θ_l = arccos ρ_l`` is ill-conditioned at ``ρ_l → ±1`` (an error ``eps`` in
    ``ρ`` gives ``√eps`` in ``θ``), which is where long or (near-)parallel sequences live.  So
    the recursion carries the defect ``N_l − S_l ≥ 0`` (``N_l = √(a_l b_l)``) instead of ``ρ_l``:
    the gap ``g = 1 − cos θ_l = (N_l − S_l)/N_l`` and co-gap ``h = 1 + cos θ_l = 2 − g`` (exact,
    from ``‖X̂ + X̂'‖²``, where both prefixes are empty: the only place ``ρ → −1`` can occur);
    the smaller of the two gives the angle through ``2 arcsin √(·/2)``, and ``Q_l``, the next
    defect and ``P_l`` follow without cancellation (``checks.model.arccos.sin_minus``; defect terms in
    :func:`_step_defect`).  Parallel sequences give exactly parallel kernel rows, and entries
    are accurate to a few ulps per step (tested against a 50-digit reference).

    Two forms of the same recursion: ``fused`` (``checks.model.ntk_fused``: one compiled pass over the pairs, every
    step in registers; the default for float64 CPU tensors where numba is installed) and the torch form below
    (``fused=False``; CUDA tensors, float32, or no numba), blocked over rows.  They agree to a few ulps
    (``tests/test_ntk.py``); ``block_rows`` applies to the torch form.

    Inputs: ``X``, ``X2`` are checked by ``as_sample`` (float32 or float64, lists become float64,
    sums of squares representable); inputs of extreme size are computed at an exact power-of-two
    rescaling (:func:`power_of_two_rescaling`), since the defect terms are fourth powers.
    """
    X = as_sample(X)
    symmetric = X2 is None
    X2 = X if symmetric else as_sample(X2, X.shape[2], dtype=X.dtype, device=X.device, name="X2")
    if X2.shape[1] != X.shape[1]:
        raise ValueError(f"X2 has length L = {X2.shape[1]} but X has L = {X.shape[1]}")
    n, n2 = X.shape[0], X2.shape[0]
    # 8 rows at least: below that the per-block Python overhead dominates.
    block_rows = max(8, BLOCK_ELEMENTS // n2) if block_rows is None else validate.integer(
        "block_rows", block_rows, minimum=1
    )
    k = power_of_two_rescaling(X, None if symmetric else X2)
    if k:
        X = X * 2.0**-k
        X2 = X if symmetric else X2 * 2.0**-k
    if fused is None:
        fused = ntk_fused.available() and X.device.type == "cpu" and X.dtype == torch.float64
    elif fused and not (ntk_fused.available() and X.device.type == "cpu" and X.dtype == torch.float64):
        raise ValueError("fused=True needs numba and float64 CPU tensors; fused=None picks the form that applies")
    if fused:
        H = ntk_fused.infinite_ntk_pairs(X, None if symmetric else X2)
        return H.mul_(2.0**k).mul_(2.0**k) if k else H
    H = torch.empty((n, n2), dtype=X.dtype, device=X.device)
    for i0 in range(0, n, block_rows):
        i1 = min(n, i0 + block_rows)
        j0 = i0 if symmetric else 0
        H[i0:i1, j0:] = _infinite_ntk_block(X[i0:i1], X2[j0:])
        if symmetric:
            H[i1:, i0:i1] = H[i0:i1, i1:].T
            block = H[i0:i1, i0:i1]
            H[i0:i1, i0:i1] = torch.triu(block) + torch.triu(block, 1).T  # exactly symmetric
    return H.mul_(2.0**k).mul_(2.0**k) if k else H  # H∞(2^k X) = 4^k H∞(X), two exact steps


def _infinite_ntk_block(X: torch.Tensor, X2: torch.Tensor) -> torch.Tensor:
    r1, r2 = X.norm(dim=-1), X2.norm(dim=-1)  # (n, L) per-step input norms
    # a_l = S_l(x, x) = Q_l(x, x), summed from the same rounded r_l as the defect terms, so that
    # a_l − r_l² is exactly 0 at an empty prefix (hidden_kernel_diag's Σ X² would not be).
    a_all = torch.cumsum(r1 * r1, dim=1)
    b_all = torch.cumsum(r2 * r2, dim=1)
    shape = (X.shape[0], X2.shape[0])
    Q = torch.zeros(shape, dtype=X.dtype, device=X.device)
    T = torch.zeros_like(Q)
    E = torch.zeros_like(Q)  # N_{l-1} − Q_{l-1} ≥ 0
    N_prev = torch.zeros_like(Q)
    for l in range(X.shape[1]):
        a, b = a_all[:, l], b_all[:, l]
        N = torch.outer(torch.sqrt(a), torch.sqrt(b))
        a_prev, b_prev = a - r1[:, l] ** 2, b - r2[:, l] ** 2
        all_alive = bool((a > 0).all()) and bool((b > 0).all())  # the common case skips the masks below
        alive = None if all_alive else N > 0
        defect = _step_defect(X[:, l], X2[:, l], r1[:, l], r2[:, l], a_prev, b_prev, N, N_prev, all_alive).add_(E)
        if all_alive:
            gap = defect.div_(N).clamp_(0.0, 2.0)
        else:
            gap = torch.where(alive, defect.div_(torch.where(alive, N, 1.0)), 0.0).clamp_(0.0, 2.0)
        cogap = 2 - gap
        if bool((a_prev == 0).any()) and bool((b_prev == 0).any()):
            fresh = (a_prev == 0)[:, None] & (b_prev == 0)[None, :] & (N > 0)
            # ρ = cos(X_l, X'_l) there: 1 + ρ = ‖X̂ + X̂'‖²/2 directly
            cogap = torch.where(fresh, _unit_distance_sq(X[:, l], -X2[:, l], r1[:, l], r2[:, l]) / 2, cogap)
        near = gap <= cogap  # θ ≤ π/2
        small = torch.minimum(gap, cogap)
        t = theta_from_gap(small)  # θ if near, π − θ otherwise
        sm = sin_minus(t, small).div_(math.pi)
        theta = torch.where(near, t, math.pi - t)
        P = (math.pi - theta).div_(2 * math.pi)
        if not all_alive:
            P = torch.where(alive, P, 0.0)
        T = P.mul_(T.mul_(2).add_(Q))
        J = torch.where(near, gap.sub_(sm), 1 - sm)  # 1 − κ_1(cos θ)
        Q = N * torch.where(near, 1 - J, sm)
        E = N * J
        N_prev = N
    return T


def _unit_distance_sq(V1, V2, r1, r2) -> torch.Tensor:
    """``‖X̂ − X̂'‖²`` for all pairs of unit vectors, by direct differences (no ``2 − 2 cos``)."""
    unit1 = V1 / torch.where(r1 > 0, r1, 1.0)[:, None]
    unit2 = V2 / torch.where(r2 > 0, r2, 1.0)[:, None]
    return torch.cdist(unit1, unit2, compute_mode="donot_use_mm_for_euclid_dist").square_()


def _step_defect(V1, V2, r1, r2, a_prev, b_prev, N, N_prev, all_alive: bool = False) -> torch.Tensor:
    """``N_l − N_{l-1} − G_l ≥ 0`` for all pairs, without cancellation.

    With ``u = ‖X_l‖²``, ``v = ‖X'_l‖²``, ``w = ‖X_l‖‖X'_l‖ − G_l = ‖X_l‖‖X'_l‖ ‖X̂_l − X̂'_l‖² / 2``
    (a direct pairwise distance, not ``1 − cos``):
    ``N_l − N_{l-1} − G_l = [(√(a v) − √(b u))² + 2 N_{l-1} w + w (√(uv) + G_l)] / (N_l + N_{l-1} + G_l)``
    (``a, b`` the previous diagonals), and ``= w`` when both prefixes are zero (``a = b = 0``).
    The denominator is positive whenever ``N_l > 0`` and not both prefixes are zero.
    """
    rr = torch.outer(r1, r2)
    w = _unit_distance_sq(V1, V2, r1, r2).mul_(rr).mul_(0.5)
    G = V1 @ V2.T
    cross = torch.outer(torch.sqrt(a_prev), r2).sub_(torch.outer(r1, torch.sqrt(b_prev)))
    numerator = cross.square_().addcmul_(w, (2 * N_prev).add_(rr).add_(G))
    denominator = G.add_(N).add_(N_prev)
    if all_alive and (bool((a_prev > 0).all()) or bool((b_prev > 0).all())):
        return numerator.div_(denominator)
    use_ratio = ((a_prev > 0)[:, None] | (b_prev > 0)[None, :]) & (N > 0)
    return torch.where(use_ratio, numerator / torch.where(use_ratio, denominator, 1.0), w)
