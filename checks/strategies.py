"""Hypothesis strategies for the objects of setting (S).

Samples are built from ``st.integers``/``st.floats`` composites (directions and per-step
norms), so a failing instance shrinks to a small, readable sequence set.  Norms range from
tiny to large (default 0.05 … 10): the paper's point is that no smallness (A6) is needed.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

__all__ = [
    "PARALLEL_COS",
    "degenerate_samples",
    "derive_seed",
    "samples",
    "satisfies_a3",
    "seeds",
]

PARALLEL_COS = 1 - 1e-2
"""A3 made quantitative: two inputs count as parallel when ``|cos angle| > PARALLEL_COS``."""


def _floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def samples(
    draw,
    n: tuple[int, int] = (2, 5),
    L: tuple[int, int] = (2, 5),
    d: tuple[int, int] = (2, 3),
    norm_range: tuple[float, float] = (0.05, 10.0),
    fixed_norms: bool = False,
    a3: bool = True,
) -> np.ndarray:
    """A sample ``X (n, L, d)`` (float64).

    ``fixed_norms``: every sequence has the same norm ``r_l`` at step ``l`` (C8–C10 setting).
    ``a3``: keep only samples satisfying A3 (see :func:`satisfies_a3`).
    """
    n_ = draw(st.integers(*n), label="n")
    L_ = draw(st.integers(*L), label="L")
    d_ = draw(st.integers(*d), label="d")
    dirs = np.array(draw(st.lists(_floats(-1.0, 1.0), min_size=n_ * L_ * d_, max_size=n_ * L_ * d_), label="directions"))
    dirs = dirs.reshape(n_, L_, d_)
    count = L_ if fixed_norms else n_ * L_
    norms = np.array(draw(st.lists(_floats(*norm_range), min_size=count, max_size=count), label="norms"))
    norms = np.broadcast_to(norms.reshape(L_) if fixed_norms else norms.reshape(n_, L_), (n_, L_))
    length = np.linalg.norm(dirs, axis=-1)
    assume(np.all(length > 1e-3))  # a direction needs a defined unit vector
    X = dirs / length[..., None] * norms[..., None]
    if a3:
        assume(satisfies_a3(X))
    return X


def satisfies_a3(X: np.ndarray, parallel_cos: float = PARALLEL_COS) -> bool:
    """A3: every ``X_1 ≠ 0`` and some step ``l ≥ 2`` whose inputs are pairwise non-parallel.

    Non-parallel is made quantitative (``|cos| ≤ parallel_cos``) so that ``λ_0`` is not zero
    to working precision by accident of near-parallel draws.
    """
    X = np.asarray(X, dtype=float)
    if np.any(np.linalg.norm(X[:, 0], axis=-1) == 0):
        return False
    n = X.shape[0]
    off = ~np.eye(n, dtype=bool)
    for l in range(1, X.shape[1]):
        V = X[:, l]
        nv = np.linalg.norm(V, axis=-1)
        if np.any(nv == 0):
            continue
        cos = (V @ V.T) / np.outer(nv, nv)
        if np.all(np.abs(cos[off]) <= parallel_cos):
            return True
    return False


@st.composite
def degenerate_samples(draw, **kwargs) -> np.ndarray:
    """A sample that violates A3: one sequence duplicated, or a positive multiple of another.

    ``h_l(c x) = c h_l(x)`` for ReLU, so the kernel rows of ``x`` and ``c x`` are parallel and
    ``H∞`` (and ``H(W)``) are singular.  With ``fixed_norms`` only duplicates (``c = 1``) keep
    the per-step norms fixed.
    """
    X = draw(samples(a3=False, **kwargs))
    n = X.shape[0]
    i = draw(st.integers(0, n - 1), label="source")
    j = draw(st.integers(0, n - 1).filter(lambda k: k != i), label="target")
    scale = 1.0 if kwargs.get("fixed_norms") else draw(st.sampled_from([1.0, 0.5, 2.0, 3.0]), label="scale")
    X = X.copy()
    X[j] = scale * X[i]
    return X


def seeds() -> st.SearchStrategy[int]:
    """Seeds for random initializations (torch accepts any non-negative 63-bit integer; 2³¹ − 1 keeps them short)."""
    return st.integers(0, 2**31 - 1)


def derive_seed(seed: int, *keys: int) -> int:
    """An independent seed for the sub-experiment ``keys`` of an instance seeded ``seed``
    (the k-th initialization at a width, the r-th fresh sample of a size): numpy's
    ``SeedSequence`` hashes ``(seed, *keys)``, so different keys never share a stream."""
    return int(np.random.SeedSequence([int(seed), *map(int, keys)]).generate_state(1, np.uint64)[0] >> 1)


_FROZEN = False


def freeze_example_constants() -> None:
    """Make generated instances independent of the code base's literals and of import order.

    Hypothesis (≥ 6.13x) mixes literals found in every loaded *local* module into generation
    (with probability 5% per draw), so the same derandomized test drew different instances
    under ``pytest tests theorems``, ``pytest theorems`` and ``rnn-theorems verify``, and any
    edit to a literal anywhere would move the baseline.  The pool is emptied (Hypothesis's
    own global constants still apply).  This patches a private Hypothesis function; if that
    API moves, generation still works and only this reproducibility is lost.
    """
    global _FROZEN
    if _FROZEN:
        return
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - older or newer Hypothesis
        return
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    _FROZEN = True
