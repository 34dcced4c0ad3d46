"""``H∞`` in one fused pass: the defect recursion of ``checks.model.ntk.infinite_ntk`` compiled by numba.

The same recursion, term for term, as the torch form in ``checks.model.ntk`` (docs/claims.md S; the defect terms of
``_step_defect``, the angle from the smaller of gap and co-gap, ``sin t − t cos t`` by its series below ``t = 0.5``,
``checks.model.arccos``), evaluated for every pair ``(i, j)`` and step ``l`` in registers instead of ~75 elementwise
passes over ``n × n2`` arrays per step.  Pairs are processed in tiles of ``TILE_I × TILE_J`` whose state
(``T, Q, E, N_{l−1}``) stays in cache across the ``L`` steps; the loop over a tile's columns has no calls and no
branches (selects only), so LLVM vectorizes it.

Differences from the torch form, each at the last bit (``tests/test_ntk.py`` holds both against the 50-digit
reference and against each other):

* ``‖X̂ − X̂'‖²`` is the sum of squared differences (torch: ``cdist``'s square root, squared again);
* ``⟨X_l, X'_l⟩`` is a left-to-right sum (torch: a BLAS product);
* ``θ = arccos(1 − s)`` for the smaller gap ``s ∈ [0, 1]``: ``2 asin √(s/2)`` for ``s < ½`` (as torch), and
  ``π/2 − asin(1 − s)`` for ``s ≥ ½`` (``1 − s`` is exact there, Sterbenz), so that ``asin`` is only ever
  evaluated on ``[0, ½]``, by fdlibm's rational approximation (error < 1 ulp) written out below, in float64
  arithmetic without contraction (``fastmath=False``).

Threads: the kernel runs on ``torch.get_num_threads()`` threads (the suite's thread policy,
``checks.experiments.fanout``: one per xdist worker and under ci), numba's ``workqueue`` layer (no thread spins
between calls; ``NUMBA_THREADING_LAYER`` overrides it).  Every entry is computed by its own sequence of
operations whatever the partition, so the result is bit-identical at any thread count (tested).

``available()`` is False where numba cannot be imported; ``checks.model.ntk.infinite_ntk`` then (and for CUDA
tensors and float32) uses the torch form.
"""

from __future__ import annotations

import math
import os

import numpy as np
import torch

__all__ = ["TILE_I", "TILE_J", "available", "infinite_ntk_pairs"]

TILE_I, TILE_J = 8, 64
"""Pairs per tile: 8 rows × 64 columns, whose four state arrays (16 KiB) stay in the 32 KiB L1 cache over the
``L`` steps (measured on this machine's cores; 4 × 128 and 16 × 32 were no faster)."""

try:  # numba is a declared dependency; the torch form serves where it cannot be imported
    import numba
    from numba import njit, prange
except ImportError:  # pragma: no cover - exercised by forcing the torch form in tests
    numba = None

if numba is not None and "NUMBA_THREADING_LAYER" not in os.environ:
    # numba's workqueue threads sleep between calls; its OpenMP layer (the default here) left a thread spinning after
    # each call (measured: the process's CPU time twice the work's, for the kernel and for the torch products after
    # it), which on CI's two cores takes a core from the other pytest-xdist worker.
    numba.config.THREADING_LAYER = "workqueue"

_SIN_MINUS = [(-1) ** (k + 1) * 2 * k / math.factorial(2 * k + 1) for k in range(1, 9)]
S1, S2, S3, S4, S5, S6, S7, S8 = _SIN_MINUS  # checks.model.arccos.sin_minus's series, highest term S8
PI = math.pi
TWO_PI = 2 * math.pi
# fdlibm e_asin.c: asin(x) = x + x·p(x²)/q(x²) for |x| < 0.5 (error < 1 ulp); π/2 = PIO2_HI + PIO2_LO
PS0, PS1, PS2 = 1.66666666666666657415e-01, -3.25565818622400915405e-01, 2.01212532134862925881e-01
PS3, PS4, PS5 = -4.00555345006794114027e-02, 7.91534994289814532176e-04, 3.47933107596021167570e-05
QS1, QS2, QS3, QS4 = -2.40339491173441421878e00, 2.02094576023350569471e00, -6.88283971605453293030e-01, 7.70381505559019352791e-02
PIO2_HI, PIO2_LO = 1.57079632679489655800e00, 6.12323399573676603587e-17


def available() -> bool:
    """numba can be imported: the fused form serves float64 CPU tensors."""
    return numba is not None


if numba is not None:

    @njit(fastmath=False, error_model="numpy", cache=True, inline="always")
    def _theta_small(s):
        """``θ = arccos(1 − s)`` for ``s ∈ [0, 1]`` (branch-free: both arguments formed, one ``asin`` evaluated)."""
        y = math.sqrt(min(max(s / 2, 0.0), 1.0)) if s < 0.5 else 1.0 - s
        t = y * y
        p = t * (PS0 + t * (PS1 + t * (PS2 + t * (PS3 + t * (PS4 + t * PS5)))))
        q = 1.0 + t * (QS1 + t * (QS2 + t * (QS3 + t * QS4)))
        a = y + y * (p / q)
        return 2 * a if s < 0.5 else PIO2_HI - (a - PIO2_LO)

    @njit(fastmath=False, error_model="numpy", cache=True, inline="always")
    def _sin_minus(t, c):
        """``sin t − t cos t`` given ``c = 1 − cos t`` (``checks.model.arccos.sin_minus``; both forms, one selected)."""
        t2 = t * t
        acc = S8
        acc = acc * t2 + S7
        acc = acc * t2 + S6
        acc = acc * t2 + S5
        acc = acc * t2 + S4
        acc = acc * t2 + S3
        acc = acc * t2 + S2
        acc = acc * t2 + S1
        series = acc * t2 * t
        closed = math.sqrt((2 - c) * c) - t * (1 - c)
        return series if t < 0.5 else closed

    @njit(parallel=True, fastmath=False, error_model="numpy", cache=True)
    def _pairs(tiles, fresh, U1, V1, r1, sa1, sp1, U2, V2, r2, sa2, sp2, out):
        """The recursion for the pairs of each tile ``(i0, j0)``; side arrays step-major: ``U (L, d, n)``, ``r (L, n)``;
        ``fresh[l]``: some pair has both prefixes empty at step ``l`` (``‖X̂ + X̂'‖²`` is formed only then)."""
        L, d, n = U1.shape
        n2 = U2.shape[2]
        for k in prange(tiles.shape[0]):
            i0, j0 = tiles[k, 0], tiles[k, 1]
            ni, nj = min(TILE_I, n - i0), min(TILE_J, n2 - j0)
            T = np.zeros((TILE_I, TILE_J))
            Q = np.zeros((TILE_I, TILE_J))
            E = np.zeros((TILE_I, TILE_J))
            Np = np.zeros((TILE_I, TILE_J))
            dist = np.empty(TILE_J)
            G = np.empty(TILE_J)
            plus = np.zeros(TILE_J)
            for l in range(L):
                for ii in range(ni):
                    i = i0 + ii
                    ri, ai, pi_ = r1[l, i], sa1[l, i], sp1[l, i]
                    for jj in range(nj):
                        dist[jj] = 0.0
                        G[jj] = 0.0
                        plus[jj] = 0.0
                    for c in range(d):
                        u, v = U1[l, c, i], V1[l, c, i]
                        for jj in range(nj):
                            diff = u - U2[l, c, j0 + jj]
                            dist[jj] += diff * diff
                            G[jj] += v * V2[l, c, j0 + jj]
                    if fresh[l]:  # some pair has both prefixes empty at this step (always at l = 0)
                        for c in range(d):
                            u = U1[l, c, i]
                            for jj in range(nj):
                                summ = u + U2[l, c, j0 + jj]
                                plus[jj] += summ * summ
                    for jj in range(nj):
                        j = j0 + jj
                        rj, pj = r2[l, j], sp2[l, j]
                        N = ai * sa2[l, j]
                        Nprev = Np[ii, jj]
                        rr = ri * rj
                        w = dist[jj] * rr * 0.5
                        g = G[jj]
                        cross = pi_ * rj - ri * pj
                        ratio = (cross * cross + w * (2 * Nprev + rr + g)) / (g + N + Nprev)
                        # N_l − N_{l−1} − G_l (_step_defect), then the accumulated defect N_l − S_l
                        defect = (ratio if ((pi_ > 0.0) | (pj > 0.0)) else w) + E[ii, jj]
                        alive = N > 0.0
                        gap = min(max(defect / N, 0.0), 2.0) if alive else 0.0
                        # both prefixes empty: 1 + ρ = ‖X̂ + X̂'‖²/2 directly (the only place ρ → −1)
                        cogap = plus[jj] / 2 if ((pi_ == 0.0) & (pj == 0.0) & alive) else 2 - gap
                        near = gap <= cogap
                        small = gap if near else cogap
                        t = _theta_small(small)
                        sm = _sin_minus(t, small) / PI
                        theta = t if near else PI - t
                        P = (PI - theta) / TWO_PI if alive else 0.0
                        T[ii, jj] = P * (2 * T[ii, jj] + Q[ii, jj])
                        J = gap - sm if near else 1 - sm
                        Q[ii, jj] = N * ((1 - J) if near else sm)
                        E[ii, jj] = N * J
                        Np[ii, jj] = N
            for ii in range(ni):
                for jj in range(nj):
                    out[i0 + ii, j0 + jj] = T[ii, jj]


def _side(X: torch.Tensor):
    """Per-sequence, per-step quantities of one side, step-major (``(L, d, n)`` and ``(L, n)``), as the torch form forms
    them: norms ``r_l``, ``√a_l`` and ``√a_{l−1}`` (``a_l = Σ_{k≤l} r_k²`` from the same rounded ``r``), unit steps."""
    r = X.norm(dim=-1)
    a = torch.cumsum(r * r, dim=1)
    a_prev = a - r**2
    U = X / torch.where(r > 0, r, 1.0)[..., None]

    def steps(t):  # (n, L) -> (L, n); (n, L, d) -> (L, d, n)
        return np.ascontiguousarray((t.T if t.ndim == 2 else t.permute(1, 2, 0)).numpy())

    return steps(U), steps(X), steps(r), steps(torch.sqrt(a)), steps(torch.sqrt(a_prev))


def infinite_ntk_pairs(X: torch.Tensor, X2: torch.Tensor | None) -> torch.Tensor:
    """``H∞(X, X2)`` (``X2 = None``: ``H∞(X, X)``, the upper triangle computed and mirrored) for float64 CPU tensors
    already checked and rescaled by ``checks.model.ntk.infinite_ntk``; on ``torch.get_num_threads()`` threads."""
    symmetric = X2 is None
    n = X.shape[0]
    n2 = n if symmetric else X2.shape[0]
    one = _side(X)
    two = one if symmetric else _side(X2)
    ti = np.arange(0, n, TILE_I)
    tj = np.arange(0, n2, TILE_J)
    I, J = np.meshgrid(ti, tj, indexing="ij")
    keep = (J + TILE_J > I) if symmetric else np.ones_like(I, dtype=bool)  # tiles touching the upper triangle
    tiles = np.ascontiguousarray(np.stack([I[keep], J[keep]], axis=1).astype(np.int64))
    out = np.zeros((n, n2))
    before = numba.get_num_threads()
    numba.set_num_threads(max(1, min(torch.get_num_threads(), numba.config.NUMBA_NUM_THREADS)))
    try:
        fresh = np.ascontiguousarray(((one[4] == 0).any(axis=1) & (two[4] == 0).any(axis=1)))
        _pairs(tiles, fresh, *one, *two, out)
    finally:
        numba.set_num_threads(before)
    H = torch.from_numpy(out)
    if symmetric:
        H = torch.triu(H) + torch.triu(H, 1).T  # exactly symmetric: the upper triangle mirrored
    return H
