"""Measured learning curves (docs/claims.md C11): the samples and iterations that learning actually takes, against ``L``.

The certificate ``Φ · κ̄`` of C9/C10 is an *upper bound* on the complexity; this module measures the other side.

Sample complexity.  For a target family, a length ``L`` and a sample of ``n`` sequences, the kernel predictor is
ridgeless regression with ``H∞`` (the limit of the trained centered network ``F``, docs/claims.md S):
``u(x) = H∞(x, X) H∞(X, X)⁻¹ y`` (a Cholesky solve, ``checks.numerics.linalg.solve_psd``).  Its test error is the relative
mean squared error ``mean (u − y)² / var y`` on ``n_test ≥ 500`` fresh sequences.  Over a grid of ``n`` and several
seeds this is a learning curve (mean and a 95% confidence band over seeds), and ``n*(L, ε)`` is the smallest ``n``
at which the mean curve reaches ``ε`` (log-log interpolation on the grid; ``None`` with status ``"above_grid"`` —
"> n_max" — when it does not).

Iteration complexity.  Kernel gradient descent on ``½‖u − y‖²`` with ``u_0 = 0`` and the A4 step in kernel units
``η = 1 / λ_max(H∞)`` has residual ``r_t = −(I − ηH∞)^t y``; the count is the smallest ``t`` with
``‖r_t‖² ≤ ε ‖y‖²``, exact from the eigendecomposition (no loop).  ``checks.experiments.network_agreement`` confirms it, and the
test error, on trained finite networks (``checks.model.train.train_gd`` with the A4 step ``1 / (m λ_max(H(W_0)))`` in
``W``-units, which is ``1 / λ_max(H(W_0))`` in kernel units).

Inputs.  Steps i.i.d. ``X_l ~ N(0, I_d / d)`` (``E ‖X_l‖² = 1``).  The A6 contrast (``small_inputs``) clips the
steps ``l ≥ 2`` to ``‖X_l‖ ≤ ε``: ``X_l ← X_l · min(1, ε / ‖X_l‖)``, as the ``+A6`` scenario of the claims does.
Samples are nested in ``n`` (the first ``n`` sequences of the largest sample) and shared by all targets of a seed
(common random numbers), so curves and targets are compared on the same data.

Certificate.  ``Φ`` of the same target (``checks.theory.targets``) at the *expected* per-step norms — ``r_l = 1`` for
Gaussian steps (the root-mean-square norm), ``r_l = min(1, ε)`` for clipped steps ``l ≥ 2`` — and
``κ̄ = ½ Σ_{l=1}^{L} Σ_{k<l} r_k²`` at the same norms; ``ratio = Φ κ̄ / n*``.  The error is relative (divided by
``var y``) but ``Φ`` scales like ``y²``, so beside it stands ``Φ κ̄ / var y``, the certificate of the target scaled to
unit variance (``phi_kappa_rel``, ``ratio_rel``): constant factors apart the two agree without A6 (``var y`` does not
depend on ``L``), but under A6 a target at a clipped step has ``var y ∝ ε(L)^{2·degree}`` and only the relative
certificate is comparable with the measured ``n*``.

Layer rule: imports only the mathematics (``checks.model.rnn`` … ``checks.inference.stats``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import torch

from checks.experiments.scaling import PHI_KAPPA_SIGMA
from checks.inference.growth import fit_growth_classes
from checks.inference.stats import mean_band
from checks.model.ntk import infinite_ntk, kappa_bar
from checks.numerics.validate import is_integer
from checks.theory.held_out import nearest_distance, nested_comparisons
from checks.theory.kernel_regression import (
    iterations_from_spectrum,
    kernel_test_errors,
    spectrum,
)
from checks.theory.small_inputs import clip_steps, expected_norms, parse_small_inputs
from checks.theory.target_families import TARGETS, family, make_target

__all__ = [
    "CONFIDENCE",
    "DEFAULT_EPS",
    "ITERATION_SIZE_CAP",
    "MEMORY_BUDGET",
    "MIN_TEST_POINTS",
    "NStar",
    "certificate",
    "check_error_and_test_set",
    "compare_n_star",
    "curve_band",
    "label_variance",
    "n_star",
    "run_learning_curves",
    "sample_inputs",
]

# ----------------------------------------------------------------------------------------------- constants

DEFAULT_EPS = 0.5
"""The ``ε`` the measured tables use: relative test MSE 0.5 (half the target's variance explained).  Chosen so
that ``n*`` lies inside the grid 128 … 2048 for most ``(target, L)`` with ``d = 4`` (a stated measurement choice;
any ``ε ∈ (0, 1)`` may be passed)."""

CONFIDENCE = 0.95
"""Two-sided level of the confidence band over seeds (the same default as ``checks.inference.stats.fit_rate``)."""

MIN_TEST_POINTS = 500
"""Test error is measured on ≥ 500 fresh points: the relative standard error of a mean squared error
from 500 points is about ``√(2/500) ≈ 6%`` for Gaussian errors, small beside the spread over seeds."""

ITERATION_SIZE_CAP = 2048
"""Largest ``n`` at which the iteration count (a full ``eigh``, O(n³)) is taken: ~1 s at 2048 on 2 cores, ~15 s
at 4096 and minutes at 8192.  The count is taken at the largest grid size ≤ this cap (the smallest size if all
exceed it), stated in every summary row as ``iteration_n``."""

MEMORY_BUDGET = 8 << 30
"""Bytes the largest kernel may take: ``H∞`` at ``n_max`` plus the eigen-solver's and Cholesky's copies (3 ``n²``
float64 arrays) and the test cross kernel.  8 GiB is a third of this shared 24 GiB machine; ``n = 8192`` needs
1.5 GiB, ``n = 16384`` 6 GiB."""


TRAIN_STREAM, TEST_STREAM, VARIANCE_STREAM = 0, 1, 3
"""Independent random streams of one seed: ``np.random.default_rng([seed, L, d, stream])`` (``β``:
``checks.theory.target_families.BETA_STREAM`` = 2, independent of ``L``; the label variance: seed 0, its own stream)."""

VARIANCE_DRAWS = 20000
"""Monte-Carlo draws for the label variance ``var y`` of :func:`label_variance`: relative standard error
``√(2/20000) = 1%`` for Gaussian-like labels (a few % for the heavier-tailed quadratics), far below the factors the
certificate is compared at; memory ``20000 · L · d`` floats (41 MB at L = 64, d = 4)."""


# ----------------------------------------------------------------------------------------------- inputs, certificate


def sample_inputs(
    n: int, L: int, dim: int, seed: int, *, stream: int = TRAIN_STREAM, small_inputs=None
) -> torch.Tensor:
    """``n`` sequences of ``L`` i.i.d. steps ``X_l ~ N(0, I_d / d)`` (``E‖X_l‖² = 1``), float64, from
    ``np.random.default_rng([seed, L, dim, stream])``.

    Nested in ``n``: the first ``n'`` sequences are the same for every ``n ≥ n'`` (row-major draws).  With
    ``small_inputs`` (A6): ``X_l ← X_l · min(1, ε(L) / ‖X_l‖)`` for ``l ≥ 2``.
    """
    small = parse_small_inputs(small_inputs)
    rng = np.random.default_rng([seed, L, dim, stream])
    X = rng.standard_normal((n, L, dim)) / math.sqrt(dim)
    if small is not None:
        X = clip_steps(X, small.epsilon(L))
    return torch.from_numpy(X)


def label_variance(name: str, L: int, dim: int, small_inputs=None) -> float:
    """``var y`` of target ``name`` under the input distribution of :func:`sample_inputs` (with A6 if given), by
    ``VARIANCE_DRAWS`` Monte-Carlo draws from a fixed stream (deterministic).  Without A6: ``1/d`` for the linear
    targets, ``2/d²`` for the quadratic ones (``βᵀX ~ N(0, ‖β‖²/d)``, ``‖β‖ = 1``)."""
    X = sample_inputs(VARIANCE_DRAWS, L, dim, 0, stream=VARIANCE_STREAM, small_inputs=small_inputs)
    return float(make_target(name, L, dim, 0)(X).var(unbiased=False))


def certificate(name: str, L: int, dim: int, small_inputs=None) -> dict:
    """``Φ`` (C9 ``Φ_add`` or C10 ``Φ_N``), ``κ̄ = ½ Σ_l Σ_{k<l} r_k²`` and ``Φ·κ̄`` at :func:`expected_norms`;
    and ``Φ·κ̄ / var y`` (:func:`label_variance`), the certificate of the unit-variance target, in the units of the
    relative test error."""
    r = expected_norms(L, small_inputs)
    phi = make_target(name, L, dim, 0).certificate(L, r)
    kb = kappa_bar(torch.from_numpy(r)[None, :, None])
    var = label_variance(name, L, dim, small_inputs)
    return {"phi": float(phi), "kappa_bar": kb, "phi_kappa": float(phi) * kb, "label_variance": var,
            "phi_kappa_rel": float(phi) * kb / var}


# ----------------------------------------------------------------------------------------------- measurements


@dataclass(frozen=True)
class NStar:
    """``n*(L, ε)`` (C11).  ``status``: ``"interpolated"`` (log-log between the grid points around the first
    crossing), ``"at_grid_minimum"`` (already reached at the smallest ``n``: ``value`` is an upper bound),
    ``"above_grid"`` (not reached: "> n_max", ``value = None``)."""

    value: float | None
    status: str
    n_max: int

    @property
    def reached(self) -> bool:
        """``n*`` was reached on the grid (interpolated or at its minimum)."""
        return self.value is not None


def n_star(curve, eps: float) -> NStar:
    """Smallest ``n`` at which a learning curve reaches relative error ``ε`` (C11).

    ``curve``: ``(n, error)`` pairs (any order; ``error`` ``None`` is skipped).  At the first grid point ``n_k``
    with ``error_k ≤ ε``, interpolate linearly in ``(log n, log error)`` between ``n_{k−1}`` and ``n_k``:
    ``log n* = log n_{k−1} + (log ε − log e_{k−1}) (log n_k − log n_{k−1}) / (log e_k − log e_{k−1})``.
    """
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps}")
    pts = sorted((int(n), float(e)) for n, e in curve if e is not None)
    if not pts:
        raise ValueError("n_star needs a curve with at least one (n, error) point")
    if any(n < 1 for n, _ in pts) or any(not math.isfinite(e) or e < 0 for _, e in pts):
        raise ValueError("n_star needs sizes >= 1 and finite, non-negative errors")
    n_max = pts[-1][0]
    for k, (n, e) in enumerate(pts):
        if e <= eps:
            if k == 0:
                return NStar(float(n), "at_grid_minimum", n_max)
            n0, e0 = pts[k - 1]
            if e <= 0:
                return NStar(float(n), "interpolated", n_max)
            frac = (math.log(eps) - math.log(e0)) / (math.log(e) - math.log(e0))
            return NStar(float(math.exp(math.log(n0) + frac * (math.log(n) - math.log(n0)))), "interpolated", n_max)
    return NStar(None, "above_grid", n_max)


# ----------------------------------------------------------------------------------------------- the sweep


def _int_list(name: str, values, minimum: int) -> list[int]:
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    try:
        out = [int(v) if isinstance(v, str) else v for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of integers >= {minimum}, got {values!r}") from None
    if not out or any(not is_integer(v) or v < minimum for v in out):
        raise ValueError(f"{name} must be a non-empty list of integers >= {minimum}, got {values!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} has repeated values: {out}")
    return sorted(int(v) for v in out)


def check_error_and_test_set(eps, n_test, small_inputs):
    """The options every C11 measurement shares: ``ε ∈ (0, 1)``, ``n_test ≥ MIN_TEST_POINTS`` and the A6 option;
    returns the parsed A6 normalization.  Raises ``ValueError`` naming the option."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    if not is_integer(n_test) or n_test < MIN_TEST_POINTS:
        raise ValueError(f"n_test must be an integer >= {MIN_TEST_POINTS}, got {n_test!r}")
    return parse_small_inputs(small_inputs)


def _validate(targets, lengths, sizes, dim, seeds, eps, small_inputs, n_test, memory_budget):
    if isinstance(targets, str):
        targets = [t.strip() for t in targets.split(",") if t.strip()]
    targets = list(targets)
    if not targets:
        raise ValueError(f"targets is empty; known targets: {', '.join(TARGETS)}")
    for t in targets:
        family(t)
    if len(set(targets)) != len(targets):
        raise ValueError(f"targets has repeated names: {targets}")
    lengths = _int_list("lengths", lengths, 2)  # L ≥ 2: a middle step, the N = 2 targets and A3's step l ≥ 2
    sizes = _int_list("sizes", sizes, 2)  # n ≥ 2: a regression on one point has no learning curve
    if not is_integer(dim) or dim < 1:
        raise ValueError(f"dim must be an integer >= 1, got {dim!r}")
    if not is_integer(seeds) or seeds < 1:
        raise ValueError(f"seeds must be an integer >= 1 (the number of seeds), got {seeds!r}")
    small = check_error_and_test_set(eps, n_test, small_inputs)
    n_max = sizes[-1]
    need = 8 * (3 * n_max * n_max + n_test * n_max + (n_max + n_test) * max(lengths) * dim)  # kernels and solves; the inputs
    if need > memory_budget:
        raise ValueError(
            f"n_max = {n_max} (L = {max(lengths)}, d = {dim}, n_test = {n_test}) needs about {need / 2**30:.1f} GiB for the kernel, its solves and the inputs, "
            f"over the budget of {memory_budget / 2**30:.1f} GiB"
        )
    return targets, lengths, sizes, int(dim), int(seeds), float(eps), small, int(n_test)


def run_learning_curves(
    targets: Iterable[str],
    lengths: Iterable[int],
    sizes: Iterable[int],
    *,
    dim: int,
    seeds: int,
    eps: float,
    small_inputs=None,
    n_test: int = MIN_TEST_POINTS,
    progress: Callable[[int, int, str], None] | None = None,
    memory_budget: int = MEMORY_BUDGET,
    seed_offset: int = 0,
) -> dict:
    """Measured sample and iteration complexity against ``L`` (docs/claims.md C11), JSON-able.

    For each ``L`` and seed ``s ∈ 0..seeds−1``: one nested training sample of ``max(sizes)`` sequences, one test
    sample of ``n_test``, ``H∞`` on both (``infinite_ntk``, blocked); for each target the ridgeless predictor's
    relative test MSE at every ``n`` (:func:`kernel_test_errors`) and the kernel-GD iteration count at
    ``iteration_n`` (:func:`kernel_gd_iterations`).

    Returns ``{"config", "rows", "summary", "fits"}``:

    - ``rows``: one per ``(target, L, n, seed)`` with ``test_rel_mse`` (``None`` if the kernel was singular) and
      ``held_out``: the squared test error against the closed-form leave-one-out error of the same prefix
      (``checks.theory.held_out.nested_comparisons``: mean, difference, standard error, ``z``) and the nearest
      test-to-training distance of the ``(L, seed)`` sample (the guard of C11 that the test points were not seen);
    - ``summary``: one per ``(target, L)``: the curve (mean and ``CONFIDENCE`` band over seeds per ``n``),
      ``n_star`` (:class:`NStar` of the mean curve; also of the band's edges), ``iterations`` (mean over seeds),
      ``phi``, ``kappa_bar``, ``phi_kappa``, ``label_variance``, ``phi_kappa_rel`` (:func:`certificate`) and
      ``ratio = phi_kappa / n_star``, ``ratio_rel = phi_kappa_rel / n_star`` (``None`` unless ``n*`` was
      interpolated inside the grid);
    - ``fits``: per target, ``fit_growth_classes`` of ``n*(L)`` (interpolated values only; ``n_star_censored``
      lists the other lengths), of the iteration counts (every seed a point), of ``Φκ̄``, ``Φκ̄ / var y`` and of
      both ratios, each ``None`` with fewer than 4 lengths.

    ``progress(done, total, label)`` is called once with ``done = 0`` and after each ``(L, seed)`` cell.
    ``seed_offset`` shifts the seeds to ``seed_offset … seed_offset + seeds − 1`` (fresh samples for a false-alarm run,
    ``checks.harness.held_out_alarms``); the rows carry the seeds used.
    Raises ``ValueError`` on bad input before any computation.
    """
    checked = _validate(targets, lengths, sizes, dim, seeds, eps, small_inputs, n_test, memory_budget)
    targets, lengths, sizes, dim, seeds, eps, small, n_test = checked
    n_max = sizes[-1]
    below_cap = [n for n in sizes if n <= ITERATION_SIZE_CAP]
    n_iter = below_cap[-1] if below_cap else sizes[0]
    total = len(lengths) * seeds
    if progress is not None:
        progress(0, total, "start")
    rows, iterations = [], {}
    done = 0
    for L in lengths:
        for k in range(seeds):
            seed = seed_offset + k
            X = sample_inputs(n_max, L, dim, seed, stream=TRAIN_STREAM, small_inputs=small)
            Xt = sample_inputs(n_test, L, dim, seed, stream=TEST_STREAM, small_inputs=small)
            H = infinite_ntk(X)
            Hx = infinite_ntk(Xt, X)
            made = [make_target(t, L, dim, seed) for t in targets]
            Y = torch.stack([tg(X) for tg in made], dim=1)
            Yt = torch.stack([tg(Xt) for tg in made], dim=1)
            errors = kernel_test_errors(H, Hx, Y, Yt, sizes)
            held = nested_comparisons(H, Hx, Y, Yt, sizes, lambda u, y: (u - y) ** 2)
            distance = nearest_distance(Xt, X)
            lam, V = spectrum(H[:n_iter, :n_iter])
            proj = (V.T @ Y[:n_iter].numpy()) ** 2
            for j, t in enumerate(targets):
                for n, errs in zip(sizes, errors):
                    check = None if held[n] is None else {**held[n][j], "nearest_distance": distance}
                    rows.append({"target": t, "L": L, "n": n, "seed": seed, "test_rel_mse": errs[j], "held_out": check})
                iterations[(t, L, k)] = iterations_from_spectrum(lam, proj[:, j], eps)
            del H, Hx
            done += 1
            if progress is not None:
                progress(done, total, f"L={L} seed={seed}")
    summary = [
        _summarize(t, L, sizes, rows, iterations, seeds, eps, dim, small, n_iter) for t in targets for L in lengths
    ]
    fits = {t: _fits([s for s in summary if s["target"] == t], iterations, t, seeds) for t in targets}
    config = {
        "targets": targets,
        "lengths": lengths,
        "sizes": sizes,
        "dim": dim,
        "seeds": seeds,
        "eps": eps,
        "small_inputs": None if small is None else small.spec,
        "n_test": n_test,
        "iteration_n": n_iter,
        "confidence": CONFIDENCE,
        "inputs": "X_l ~ N(0, I_d/d) i.i.d.; A6: X_l <- X_l min(1, eps/|X_l|) for l >= 2",
        "certificate_norms": "expected: r_l = 1 (r_l = min(1, eps) for l >= 2 under A6)",
    }
    return {"config": config, "rows": rows, "summary": summary, "fits": fits}


def curve_band(values: list) -> dict:
    """Mean and ``CONFIDENCE`` band over seeds of the non-``None`` values (``None`` entries when there are none)."""
    vals = [v for v in values if v is not None]
    if not vals:
        return {"mean": None, "low": None, "high": None, "seeds": 0}
    mean, low, high = mean_band(vals, confidence=CONFIDENCE)
    return {"mean": mean, "low": low, "high": high, "seeds": len(vals)}


def _summarize(target, L, sizes, rows, iterations, seeds, eps, dim, small, n_iter) -> dict:
    curve = []
    for n in sizes:
        vals = [r["test_rel_mse"] for r in rows if r["target"] == target and r["L"] == L and r["n"] == n]
        curve.append({"n": n, **curve_band(vals)})
    if any(c["mean"] is not None for c in curve):
        ns = n_star([(c["n"], c["mean"]) for c in curve], eps)
    else:  # every kernel singular: nothing measured
        ns = NStar(None, "above_grid", sizes[-1])
    # The band's lower edge reaches ε first (optimistic n*), its upper edge last (pessimistic n*).
    has_band = all(c["low"] is not None for c in curve)
    ns_low = n_star([(c["n"], max(c["low"], 0.0)) for c in curve], eps) if has_band else None
    ns_high = n_star([(c["n"], c["high"]) for c in curve], eps) if has_band else None
    its = [iterations[(target, L, s)] for s in range(seeds)]
    reached_its = [i for i in its if i is not None]
    cert = certificate(target, L, dim, small)
    return {
        "target": target,
        "L": L,
        "small_inputs": None if small is None else small.spec,
        "epsilon_A6": None if small is None else small.epsilon(L),
        "curve": curve,
        "n_star": ns.value,
        "n_star_status": ns.status,
        "n_star_band": None if ns_low is None else [ns_low.value, ns_high.value],
        "iterations": float(np.mean(reached_its)) if len(reached_its) == len(its) else None,
        "iterations_per_seed": its,
        "iteration_n": n_iter,
        **cert,
        "ratio": cert["phi_kappa"] / ns.value if ns.status == "interpolated" else None,  # only where n* is measured
        "ratio_rel": cert["phi_kappa_rel"] / ns.value if ns.status == "interpolated" else None,
    }


N_STAR_SIGMA = 0.05
"""Noise of ``log n*`` per length for fits without a bootstrap (this module's growth summaries; the C11 calibration
grid): the floor ``checks.experiments.n_star_bootstrap.SIGMA_FLOOR`` (the interpolation error on the doubling ``n``
grid), which is the measured seed-bootstrap noise at every ci length but the shortest (L = 4: 0.12, 6 seeds).  Used
for the iteration counts and the ratios too, whose noise is that of ``n*`` or less."""


def _growth(L, y, sigma: float = N_STAR_SIGMA) -> dict | None:
    """``fit_growth_classes`` on the finite positive points (an infinite certificate, ``c_α = 0``, is left out),
    ``None`` with fewer than 5 distinct ``L``."""
    keep = [(a, b) for a, b in zip(L, y) if b is not None and math.isfinite(b) and b > 0]
    if len({a for a, _ in keep}) < 5:
        return None
    return fit_growth_classes([a for a, _ in keep], [b for _, b in keep], sigma=sigma).as_dict()


def _fits(summary: list[dict], iterations: dict, target: str, seeds: int) -> dict:
    reached = [s for s in summary if s["n_star_status"] == "interpolated"]
    its = [(L, iterations[(target, L, s)]) for L in (r["L"] for r in summary) for s in range(seeds)]
    its = [(L, i) for L, i in its if i is not None and i > 0]
    ratio = [s for s in reached if s["ratio"]]
    ratio_rel = [s for s in reached if s["ratio_rel"]]
    return {
        "n_star": _growth([s["L"] for s in reached], [s["n_star"] for s in reached]),
        "n_star_censored": [s["L"] for s in summary if s["n_star_status"] != "interpolated"],
        "iterations": _growth([L for L, _ in its], [i for _, i in its]),
        "phi_kappa": _growth([s["L"] for s in summary], [s["phi_kappa"] for s in summary], PHI_KAPPA_SIGMA),
        "ratio": _growth([s["L"] for s in ratio], [s["ratio"] for s in ratio]),
        "phi_kappa_rel": _growth([s["L"] for s in summary], [s["phi_kappa_rel"] for s in summary], PHI_KAPPA_SIGMA),
        "ratio_rel": _growth([s["L"] for s in ratio_rel], [s["ratio_rel"] for s in ratio_rel]),
    }


def compare_n_star(result: dict, harder: str, easier: str) -> list[dict]:
    """Check (not assume) an expected ordering of difficulty: at each ``L``, ``n*(harder) ≥ n*(easier)``.

    A curve that never reaches ``ε`` counts as ``n* = ∞`` ("> n_max"); both unreached is undecided
    (``holds = None``).  Returns one record per ``L`` with both values and ``holds``."""
    by = {(s["target"], s["L"]): s["n_star"] for s in result["summary"]}
    for t in (harder, easier):
        if not any(k[0] == t for k in by):
            raise ValueError(f"target {t!r} is not in this result; it has {sorted({k[0] for k in by})}")
    out = []
    for L in result["config"]["lengths"]:
        h, e = by[(harder, L)], by[(easier, L)]
        holds = None if h is None and e is None else (True if h is None else (False if e is None else h >= e))
        out.append({"L": L, "harder": h, "easier": e, "holds": holds})
    return out
