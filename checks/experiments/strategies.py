"""Hypothesis strategies for the objects of setting (S).

Samples are built from ``st.integers``/``st.floats`` composites (directions and per-step
norms), so a failing instance shrinks to a small, readable sequence set.  Norms range from
tiny to large (default 0.05 … 10): the paper's point is that no smallness (A6) is needed.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from checks.model.ntk import ntk_diagonal
from checks.theory.assumptions import satisfies_a3

__all__ = [
    "SAMPLE_OPTIONS",
    "degenerate_samples",
    "derive_seed",
    "near_degenerate_samples",
    "samples",
    "seeded_samples",
    "seeds",
]

def _floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def _scaled_sample(draw, dirs: np.ndarray, norm_range, fixed_norms: bool, a3: bool) -> np.ndarray:
    """Directions ``dirs (n, L, d)`` scaled to drawn per-step norms (shared by the two sample strategies)."""
    n_, L_, _ = dirs.shape
    count = L_ if fixed_norms else n_ * L_
    norms = np.array(draw(st.lists(_floats(*norm_range), min_size=count, max_size=count), label="norms"))
    norms = np.broadcast_to(norms.reshape(L_) if fixed_norms else norms.reshape(n_, L_), (n_, L_))
    length = np.linalg.norm(dirs, axis=-1)
    assume(np.all(length > 1e-3))  # a direction needs a defined unit vector
    X = dirs / length[..., None] * norms[..., None]
    if a3:
        assume(satisfies_a3(X))
    return X


SAMPLE_OPTIONS = {"n": (2, 5), "L": (2, 5), "d": (2, 3), "norm_range": (0.05, 10.0), "fixed_norms": False, "a3": True}
"""The options of :func:`samples` and :func:`seeded_samples` and their defaults: ranges of ``n``, ``L``, ``d`` and of
the per-step norms, ``fixed_norms`` (every sequence has the same norm ``r_l`` at step ``l``: the C8–C10 setting) and
``a3`` (keep only samples satisfying A3, ``checks.theory.assumptions.satisfies_a3``)."""


def _options(options: dict) -> dict:
    unknown = sorted(set(options) - set(SAMPLE_OPTIONS))
    if unknown:
        raise TypeError(f"unknown sample option(s) {unknown}; known: {', '.join(SAMPLE_OPTIONS)}")
    return {**SAMPLE_OPTIONS, **options}


def _shape(draw, o: dict) -> tuple[int, int, int]:
    return draw(st.integers(*o["n"]), label="n"), draw(st.integers(*o["L"]), label="L"), draw(st.integers(*o["d"]), label="d")


@st.composite
def samples(draw, **options) -> np.ndarray:
    """A sample ``X (n, L, d)`` (float64), directions drawn float by float; options: :data:`SAMPLE_OPTIONS`."""
    o = _options(options)
    n_, L_, d_ = _shape(draw, o)
    size = n_ * L_ * d_
    dirs = np.array(draw(st.lists(_floats(-1.0, 1.0), min_size=size, max_size=size), label="directions"))
    return _scaled_sample(draw, dirs.reshape(n_, L_, d_), o["norm_range"], o["fixed_norms"], o["a3"])


@st.composite
def seeded_samples(draw, **options) -> np.ndarray:
    """Like :func:`samples`, but the directions are uniform on the sphere from a drawn seed (numpy's
    ``default_rng``), not drawn float by float.

    For larger samples (``n ≥ 10``): Hypothesis favours repeated and simple floats, so float-by-float
    directions of many sequences are often parallel and rarely pass A3; uniform directions in ``R³`` pass it
    about 9 times in 10 at ``n = 10``.  The instance records the sample itself, so it replays exactly; it
    shrinks through the seed and the norms only.
    """
    o = _options(options)
    n_, L_, d_ = _shape(draw, o)
    rng = np.random.default_rng(draw(seeds(), label="direction seed"))
    return _scaled_sample(draw, rng.standard_normal((n_, L_, d_)), o["norm_range"], o["fixed_norms"], o["a3"])


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


NEAR_COPY_EXPONENTS = (8.5, 11.0)
"""Near-copies differ from their source by a relative ``ε = 10^-u`` per step, ``u`` in this range.

Below ``ε ≈ √eps ≈ 1.5·10⁻⁸`` the cosine of a pair rounds to 1 (``1 − cos ≈ ε²/2 < eps``), so a kernel
computed through ``arccos ρ`` sees only rounding noise there (an ``H∞`` entry wrong by ``~√eps``
relative), while ``λ_0 / λ_max`` of the exact kernel is still ``~ε/(π n) ≥ 10⁻¹³``, two orders and more
above the numerical zero ``n·eps ≤ 1.4·10⁻¹⁵`` (measured; ``tests/test_power.py``).  ``u ≤ 11`` keeps
that margin; ``u ≥ 8.5`` keeps ``ε`` below ``√eps``."""


def _perpendicular_basis(v: np.ndarray) -> np.ndarray:
    """An orthonormal basis ``(d − 1, d)`` of the complement of ``v ≠ 0`` (QR of ``[v̂, I]``)."""
    q, _ = np.linalg.qr(np.column_stack([v / np.linalg.norm(v), np.eye(v.size)]))
    return q[:, 1 : v.size].T


@st.composite
def near_degenerate_samples(
    draw, base: st.SearchStrategy | None = None, copies: int = 2, exponents=NEAR_COPY_EXPONENTS
) -> np.ndarray:
    """A sample satisfying A3 *exactly* but close to violating it: near-copies of its heaviest sequence.

    ``base`` (default :func:`samples`, which satisfies A3 with ``|cos| ≤ PARALLEL_COS`` at some step
    ``l* ≥ 2``) gets ``copies`` sequences appended, ``x + δ⁽ᶜ⁾`` where ``x`` has the largest ``H∞(x, x)``
    (``checks.model.ntk.ntk_diagonal``), ``δ⁽ᶜ⁾_l ⊥ X_l`` and ``‖δ⁽ᶜ⁾_l‖ = w_{c,l} ε ‖X_l‖`` with ``ε = 10^-u`` (``u`` in
    ``exponents``).  The magnitudes of different copies lie in disjoint bands of ``[½, 1]``
    (``w_{c,l} ∈ ½ + [c − 1, c − ½] / (2·copies)``), so at every step the inputs ``X_l`` and
    ``X_l + δ⁽ᶜ⁾_l`` (all with the same component ``‖X_l‖`` along ``X̂_l``) are pairwise distinct hence
    pairwise non-parallel, with sines ``≥ ε/(4·copies)``; the new sequences keep
    ``|cos| ≤ PARALLEL_COS + O(ε) < 1`` against the others at ``l*``.  So A3 holds exactly, not
    quantitatively, and ``λ_0 / λ_max`` is of order ``ε`` (the degree-0 arc-cosine kernel is Hölder-½
    at ``ρ = 1``: ``1 − κ_0 = θ/π``), small but above the numerical zero (``NEAR_COPY_EXPONENTS``).
    Norms are kept (``‖X_l + δ_l‖ = ‖X_l‖ (1 + O(ε²))``), so the scenario of the base (``-A2``,
    ``+A6``) is kept too.
    """
    X = np.asarray(draw(samples() if base is None else base), dtype=float)
    n, L, d = X.shape
    source = int(np.argmax(ntk_diagonal(X).numpy()))
    eps = 10.0 ** -draw(_floats(*exponents), label="exponent")
    out = [X]
    for c in range(copies):
        low = 0.5 + c / (2 * copies)  # the band of copy c: [low, low + 1/(4·copies)]
        weights = draw(st.lists(_floats(low, low + 0.25 / copies), min_size=L, max_size=L), label="weights")
        signs = draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=L, max_size=L), label="signs")
        angles = draw(st.lists(_floats(0.0, 2 * np.pi), min_size=L, max_size=L), label="angles")
        copy = X[source].copy()
        for l in range(L):
            basis = _perpendicular_basis(X[source, l])
            direction = basis[0] if d == 2 else np.cos(angles[l]) * basis[0] + np.sin(angles[l]) * basis[1]
            copy[l] = X[source, l] + signs[l] * weights[l] * eps * np.linalg.norm(X[source, l]) * direction
        out.append(copy[None])
    return np.concatenate(out)


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
