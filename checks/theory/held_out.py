"""Held-out data, checked: the ridgeless interpolant's leave-one-out error against its test error (C7, C7-data-<set>, C11).

A generalization check is only as good as its test sample: a test set that reuses training sequences (all of them,
half of them, or copies with a little noise) makes the interpolant's test error small, and every bound reads "holds".
The training sample alone predicts the test error, so a check can know whether its test data were seen:

* **Leave-one-out in closed form.**  For the kernel interpolant ``u = H(·, X) H⁻¹ y`` the prediction at ``x_i`` from
  the other ``n − 1`` points misses ``y_i`` by ``e_i = (H⁻¹y)_i / (H⁻¹)_ii`` (the ridgeless limit of the classical
  formula ``(y_i − ŷ_i)/(1 − S_ii)``; :func:`loo_residuals`).  The mean loss of the ``e_i`` estimates the expected test
  loss of the interpolant trained on ``n − 1`` points, from the training sample alone.
* **Two-sided comparison** (:func:`comparison`): ``z = (mean test loss − mean LOO loss) / se`` with
  ``se² = var(test)/N_test + var(LOO)/n`` (the two means' sampling errors; measured on the correct code, ``z`` has
  mean ≈ 0 and spread ≈ 1: docs/claims.md, "Held-out guard").  A test sample that reuses training points makes the
  test loss small where the interpolant reproduces its labels: ``z`` far below 0.  A two-sided test also sees a test
  error far above what the training sample predicts (a test set of another distribution).
* **Copies** (:func:`nearest_distance`): the smallest distance between a test and a training sequence, relative to the
  root-mean-square sequence norm.  Cheap and exact for reused sequences; blind to noisy copies, which the
  comparison sees.

The decision (:func:`guard`): every comparison ``|z_k| ≤ z_each`` (Bonferroni over the ``K`` comparisons on at least
``MIN_POINTS`` training points), the pooled ``Z = Σ z_u / √U`` over independent units ``|Z| ≤ z_pool``, and no copy
(distance ``> COPY_DISTANCE``), at a stated family-wise false-alarm rate ``FALSE_ALARM`` split evenly between the two
tests.

Numerics.  ``(H⁻¹)_ii`` is the squared norm of column ``i`` of ``L⁻¹`` (``H = L Lᵀ``, Cholesky): :func:`inverse_diagonal`
solves ``L X = I`` by forward substitution, a block of columns at a time (column ``j`` of ``L⁻¹`` is zero above row
``j``, so a block starting at ``j_0`` needs rows ``j_0 …`` only), and sums squares.  It forms no inverse of ``H``:
triangular solves are backward stable column by column, and a sum of squares has no cancellation, so ``(H⁻¹)_ii`` is
positive by construction and as accurate as the columns of ``L⁻¹`` (within ``cond(L) = √cond(H)`` times round-off in
the worst case; ``H⁻¹y`` comes from ``checks.numerics.linalg.solve_psd``, which certifies ``cond(H)`` first).  Nested
samples (C11) share one factor: the Cholesky factor of a leading block is the leading block of the factor, and so is
its inverse (:func:`nested_loo_residuals`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from scipy import stats as scipy_stats

from checks.numerics.linalg import SingularKernelError, numerical_zero, solve_psd, spectrum_edges, square_kernel

__all__ = [
    "BLOCK",
    "COPY_DISTANCE",
    "FALSE_ALARM",
    "MIN_POINTS",
    "comparison",
    "guard",
    "inverse_diagonal",
    "loo_residuals",
    "nearest_distance",
    "nested_comparisons",
    "nested_loo_residuals",
]

BLOCK = 512
"""Columns of ``L⁻¹`` solved at a time: ``n × 512`` float64 (16 MiB at n = 4000) instead of ``n²``."""
FALSE_ALARM = 0.01
"""Stated family-wise false-alarm rate of one guard (one record's run): half to the largest ``|z_k|`` (Bonferroni over the
comparisons), half to the pooled ``|Z|``, each two-sided."""
MIN_POINTS = 64
"""Fewest training points a comparison needs to count: its ``z`` takes the mean of ``n`` leave-one-out losses as normal
with standard error ``sd/√n``, and for ``n`` = 16 and 32 the squared residuals are too skewed for that — measured on
C11's grid with fresh seeds 6–11: ``z`` up to 6.3 at L = 32, n = 16 (the test error 0.24 against a leave-one-out
mean of 0.087 from 16 points), spread 2.4 at n = 16, 1.2 at n = 32, 0.96 at n = 64.  Smaller samples are reported,
not counted."""
COPY_DISTANCE = 1e-6
"""A test sequence closer than this (relative to the root-mean-square sequence norm) to a training sequence is a copy: a
kernel cannot tell them apart beyond ~1e-3 (the arc-cosine kernel is Hölder-½ at ``ρ = 1``), while independent draws
are far apart (nearest pairs measured ≥ 0.05 in C7's and C11's samples and on digits: docs/claims.md)."""


def inverse_diagonal(H, block: int = BLOCK) -> torch.Tensor:
    """``diag(H⁻¹)`` of a positive-definite ``H`` without forming ``H⁻¹``: column sums of squares of ``L⁻¹`` (module
    docstring).  Raises ``SingularKernelError`` when the Cholesky factorization fails."""
    H = square_kernel(H).to(torch.float64)
    chol, info = torch.linalg.cholesky_ex(H)
    if int(info) != 0:
        raise SingularKernelError(f"Cholesky factorization failed at column {int(info)}: the kernel is not positive definite")
    return _column_square_sums(chol, H.shape[0], block)[-1]


def _column_square_sums(chol: torch.Tensor, n: int, block: int, rows: Sequence[int] | None = None) -> list[torch.Tensor]:
    """For each ``r`` in ``rows`` (default ``[n]``): ``Σ_{k<r} (L⁻¹)_{ki}²`` for ``i < r`` — ``diag((L_r L_rᵀ)⁻¹)`` of the
    leading ``r × r`` block, whose factor is ``L[:r, :r]``."""
    rows = [n] if rows is None else list(rows)
    out = [torch.zeros(r, dtype=torch.float64) for r in rows]
    for j0 in range(0, n, block):
        j1 = min(n, j0 + block)
        eye = torch.zeros((n - j0, j1 - j0), dtype=torch.float64)
        eye[torch.arange(j1 - j0), torch.arange(j1 - j0)] = 1.0
        cols = torch.linalg.solve_triangular(chol[j0:, j0:], eye, upper=False)  # rows j0.. of L⁻¹[:, j0:j1]
        cumulative = torch.cumsum(cols * cols, dim=0)  # row k: Σ_{j0 ≤ r ≤ j0 + k} of the squares
        for target, r in zip(out, rows):
            if r > j0:
                width = min(j1, r) - j0
                target[j0 : j0 + width] = cumulative[r - j0 - 1, :width]
    return out


def loo_residuals(H, y) -> torch.Tensor:
    """Leave-one-out residuals ``e_i = y_i − u_{−i}(x_i) = (H⁻¹y)_i / (H⁻¹)_ii`` of the ridgeless interpolant on its
    training sample (``y``: ``(n,)`` or ``(n, k)``); ``H⁻¹y`` by ``solve_psd`` (condition certified first)."""
    alpha = solve_psd(H, y)
    diag = inverse_diagonal(H)
    return alpha / (diag if alpha.ndim == 1 else diag[:, None])


def nested_loo_residuals(H, Y, sizes: Sequence[int], block: int = BLOCK) -> dict[int, tuple[torch.Tensor, torch.Tensor] | None]:
    """Leave-one-out residuals on every leading sample ``X[:n]``, ``n`` in ``sizes`` (C11's nested samples), from one
    Cholesky factor of ``H[:n_max, :n_max]``: ``{n: (H_n⁻¹ y_n, residuals)}``, each ``(n, k)`` (the interpolant's
    weights serve its test predictions ``H(Xt, X_n) H_n⁻¹ y_n``); ``None`` for a size whose kernel is singular
    to working precision.  The largest block's condition is certified once (``λ_min > n·eps·λ_max``); by Cauchy's
    interlacing every leading block then passes the same test.  Otherwise each size is certified on its own."""
    sizes = sorted(int(n) for n in sizes)
    Y = torch.as_tensor(Y, dtype=torch.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    top = sizes[-1]
    Ht = square_kernel(H)[:top, :top].to(torch.float64)
    usable = _certified(Ht, sizes)
    if not usable:
        return {n: None for n in sizes}
    chol, info = torch.linalg.cholesky_ex(Ht[: usable[-1], : usable[-1]])
    if int(info) != 0:
        raise SingularKernelError(f"Cholesky factorization failed at column {int(info)} of a certified kernel")
    diags = dict(zip(usable, _column_square_sums(chol, usable[-1], block, usable)))
    w = torch.linalg.solve_triangular(chol, Y[: usable[-1]], upper=False)  # a prefix of w is L_n⁻¹ y_n
    out: dict[int, tuple[torch.Tensor, torch.Tensor] | None] = {n: None for n in sizes}
    for n in usable:
        alpha = torch.linalg.solve_triangular(chol[:n, :n].T, w[:n], upper=True)
        out[n] = (alpha, alpha / diags[n][:, None])
    return out


def _certified(H: torch.Tensor, sizes: list[int]) -> list[int]:
    """The sizes whose leading block passes ``solve_psd``'s condition test (all of them when the largest does)."""
    def ok(n: int) -> bool:
        lo, hi = spectrum_edges(H[:n, :n])
        return lo > numerical_zero(n, max(abs(lo), abs(hi)))

    if ok(sizes[-1]):
        return sizes
    return [n for n in sizes if n < sizes[-1] and ok(n)]


def nearest_distance(Xt, X, block: int = 2048) -> float:
    """The smallest distance between a sequence of ``Xt`` and one of ``X`` (flattened), relative to the root-mean-square
    norm of the sequences of ``X``."""
    A = torch.as_tensor(Xt, dtype=torch.float64).reshape(len(Xt), -1)
    B = torch.as_tensor(X, dtype=torch.float64).reshape(len(X), -1)
    scale = float(B.pow(2).sum(-1).mean().sqrt()) or 1.0
    best = math.inf
    for i in range(0, A.shape[0], block):
        best = min(best, float(torch.cdist(A[i : i + block], B).min()))
    return best / scale


def comparison(test_losses, loo_losses) -> dict:
    """Held-out against leave-one-out: the two mean losses, their difference ``d = test − LOO``, its standard error
    ``se = √(var(test)/N_test + var(LOO)/n)`` and ``z = d / se`` (``0`` when both are constant and equal)."""
    t = torch.as_tensor(test_losses, dtype=torch.float64).reshape(-1)
    o = torch.as_tensor(loo_losses, dtype=torch.float64).reshape(-1)
    d = float(t.mean() - o.mean())
    se = math.sqrt(float(t.var()) / t.numel() + float(o.var()) / o.numel()) if min(t.numel(), o.numel()) > 1 else 0.0
    z = d / se if se > 0 else (0.0 if d == 0 else math.copysign(math.inf, d))
    return {"test": float(t.mean()), "loo": float(o.mean()), "difference": d, "se": se, "z": z,
            "n_test": int(t.numel()), "n": int(o.numel())}


def guard(comparisons: Sequence[dict], pooled: Sequence[dict], distance: float, *, false_alarm: float = FALSE_ALARM) -> dict:
    """The held-out decision over a record's comparisons: ``{"lhs", "rhs", "statement", "details"}`` for a
    ``checks.claims.record.Guard`` named ``held-out``.

    Comparisons on fewer than :data:`MIN_POINTS` training points are left out (counted in ``not_counted_small``).
    ``lhs = max(max_k |z_k| / z_each, |Z| / z_pool, COPY_DISTANCE / distance)`` against ``rhs = 1``, where
    ``z_each = Φ⁻¹(1 − α/(4K))`` over the ``K`` comparisons, ``Z = Σ z_u / √U`` over the ``pooled`` comparisons (one per
    independent unit: an experiment, a seed's largest sample), ``z_pool = Φ⁻¹(1 − α/4)``, ``α = false_alarm``.

    ``details["reuse_resolution"]``: the instrument's resolution on these data — the smallest fraction ``f`` of every
    test set that, taken from the training set, the comparison alone would see (the copy check aside): the decision
    rerun with each test mean lowered by ``f·test`` (a training point's interpolated loss is 0), ``z_k − f·test_k/se_k``,
    to 3 decimals; ``None`` when even ``f = 1`` would not be seen (or the data fail already)."""
    small = sum(c.get("n", MIN_POINTS) < MIN_POINTS for c in comparisons)
    comparisons = [c for c in comparisons if c.get("n", MIN_POINTS) >= MIN_POINTS]
    pooled = [c for c in pooled if c.get("n", MIN_POINTS) >= MIN_POINTS]
    K, U = len(comparisons), len(pooled)
    z_each = float(scipy_stats.norm.isf(false_alarm / (4 * max(K, 1))))
    z_pool = float(scipy_stats.norm.isf(false_alarm / 4))
    worst = max(comparisons, key=lambda c: abs(c["z"]), default=None)
    Z = sum(c["z"] for c in pooled) / math.sqrt(U) if U else 0.0
    parts = {"largest |z|": 0.0 if worst is None else abs(worst["z"]) / z_each, "pooled |Z|": abs(Z) / z_pool,
             "copies": COPY_DISTANCE / distance if distance > 0 else math.inf}

    def comparison_fails(f: float) -> bool:  # the decision with a fraction f of every test set reused (loss 0 there)
        def shifted(c):
            return c["z"] - f * c["test"] / c["se"] if c.get("se") else c["z"]
        largest = max((abs(shifted(c)) for c in comparisons), default=0.0)
        pooled_z = sum(shifted(c) for c in pooled) / math.sqrt(U) if U else 0.0
        return largest > z_each or abs(pooled_z) > z_pool

    resolution = None  # the smallest reused fraction the comparison alone would see (copies aside)
    if comparisons and all("test" in c for c in comparisons) and comparison_fails(1.0) and not comparison_fails(0.0):
        lo, hi = 0.0, 1.0
        while hi - lo > 1e-3:
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if comparison_fails(mid) else (mid, hi)
        resolution = round(hi, 3)
    lhs = max(parts.values())
    return {
        "lhs": lhs if math.isfinite(lhs) or lhs == math.inf else math.inf,
        "rhs": 1.0,
        "statement": (f"the test loss agrees with the training sample's leave-one-out loss (two-sided, family-wise "
                      f"false alarm {false_alarm:.0%}: every |z| ≤ {z_each:.2f} over {K} comparisons of n ≥ {MIN_POINTS}, pooled |Z| ≤ "
                      f"{z_pool:.2f} over {U} independent ones) and no test sequence is within {COPY_DISTANCE:g} of a "
                      "training sequence"),
        "details": {"parts": parts, "z_each": z_each, "z_pool": z_pool, "pooled_Z": Z, "comparisons": K, "pooled_units": U,
                    "nearest_distance": distance, "worst": worst,
                    "mean_z": sum(c["z"] for c in comparisons) / K if K else None,
                    "not_counted_small": small,
                    "reuse_resolution": resolution},
    }


def nested_comparisons(H, Hx, Y, Yt, sizes: Sequence[int], loss) -> dict[int, list[dict] | None]:
    """:func:`comparison` of the interpolant's test loss with its leave-one-out loss on every leading sample ``X[:n]``
    (C11), per target (column of ``Y``): ``{n: [comparison per target]}`` (``None`` for a singular size).  ``loss(u, y)``
    is the per-point loss (C11: the squared error); the test predictions are ``H(Xt, X_n) H_n⁻¹ y_n`` from the same
    factor as the residuals."""
    Y = torch.as_tensor(Y, dtype=torch.float64)
    Yt = torch.as_tensor(Yt, dtype=torch.float64)
    Y, Yt = (Y[:, None], Yt[:, None]) if Y.ndim == 1 else (Y, Yt)
    out: dict[int, list[dict] | None] = {}
    for n, got in nested_loo_residuals(H, Y, sizes).items():
        if got is None:
            out[n] = None
            continue
        alpha, residuals = got
        u = torch.as_tensor(Hx, dtype=torch.float64)[:, :n] @ alpha
        out[n] = [comparison(loss(u[:, j], Yt[:, j]), loss(Y[:n, j] - residuals[:, j], Y[:n, j])) for j in range(Y.shape[1])]
    return out
