"""Assumption A3 (docs/claims.md A3), made quantitative in one place: every first input ``X_1 ≠ 0``, and some
step ``l ≥ 2`` whose inputs are pairwise non-parallel.

A pair of inputs counts as parallel when ``1 − |cos| < min_gap``; ``1 − |cos|`` is computed by direct
differences, ``min(‖û − û'‖², ‖û + û'‖²) / 2`` of the unit vectors (no cancellation in ``1 − cos``).  The
threshold is the caller's stated choice: generated instances use ``1 − PARALLEL_COS`` (far from parallel, so
``λ_0`` is not zero to working precision by accident of near-parallel draws), the real data sets
``checks.experiments.data.NEAR_DUPLICATE_GAP`` (only pairs the kernel solve cannot separate).
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["PARALLEL_COS", "a3_step", "parallel_gaps", "satisfies_a3"]

PARALLEL_COS = 1 - 1e-2
"""A3 made quantitative for generated instances: two inputs count as parallel when ``|cos angle| > PARALLEL_COS``."""


def parallel_gaps(V) -> torch.Tensor:
    """``1 − |cos|`` between the rows of ``V (n, d)`` (all non-zero), by direct differences; ``inf`` on the diagonal."""
    V = torch.as_tensor(np.asarray(V, dtype=float))
    U = V / V.norm(dim=1, keepdim=True)
    d_minus = torch.cdist(U, U, compute_mode="donot_use_mm_for_euclid_dist").square_()
    d_plus = torch.cdist(U, -U, compute_mode="donot_use_mm_for_euclid_dist").square_()
    gap = torch.minimum(d_minus, d_plus).mul_(0.5)
    return gap.fill_diagonal_(math.inf)


def a3_step(X, min_gap: float) -> dict:
    """The step ``l ≥ 2`` (1-based) with the fewest parallel input pairs (``1 − |cos| < min_gap``), then the smallest
    largest ``|cos|``; steps with a zero input are skipped (a zero input is parallel to every other).

    Returns ``a3_step``, ``a3_parallel_pairs``, ``a3_max_abs_cos`` (``None`` when no step qualifies) and
    ``a3_holds``: every ``X_1 ≠ 0`` and the best step has no parallel pair (vacuously true for one sequence)."""
    X = np.asarray(X, dtype=float)
    best = None  # (parallel pairs, max |cos|, step)
    for l in range(1, X.shape[1]):
        V = X[:, l]
        if np.any(np.linalg.norm(V, axis=-1) == 0):
            continue
        gap = parallel_gaps(V)
        candidate = (int((gap < min_gap).sum()) // 2, 1.0 - float(gap.min()) if X.shape[0] > 1 else 0.0, l + 1)
        best = candidate if best is None or candidate[:2] < best[:2] else best
    first_nonzero = bool(np.all(np.linalg.norm(X[:, 0], axis=-1) > 0))
    return {
        "a3_step": None if best is None else best[2],
        "a3_parallel_pairs": None if best is None else best[0],
        "a3_max_abs_cos": None if best is None else best[1],
        "a3_holds": first_nonzero and best is not None and best[0] == 0,
    }


def satisfies_a3(X, parallel_cos: float = PARALLEL_COS) -> bool:
    """A3 with pairs at ``|cos| > parallel_cos`` counted as parallel (:func:`a3_step` at ``min_gap = 1 − parallel_cos``)."""
    return a3_step(X, 1.0 - parallel_cos)["a3_holds"]
