"""C11's verdict on measured ``n*(L)`` that survives its own noise (docs/claims.md C11): seed bootstrap and the rule.

From the per-seed learning curves of one target (``run_learning_curves(...)["rows"]``):

- :func:`bootstrap_n_star`: ``n*`` of the mean curve at each ``L``, and of ``resamples`` seed-bootstrap resamples
  (seeds drawn with replacement, independently per ``L``, seeded); a resample whose ``n*`` leaves the grid counts as
  ``n_max``, a lower limit of its ``n*``.  ``sigma``: the bootstrap standard deviation of ``log n*`` per ``L`` (the
  noise of the point estimate), floored at :data:`SIGMA_FLOOR`.
- :func:`verdict`: the rule applied to one set of ``n*(L)``:

  1. *jump* (the first-step test): at each ``L_k`` with at least ``MIN_SHORTER`` shorter lengths, all measured,
     the best almost-polynomial extrapolation from them — the classifier's ``power_law`` or ``quasi_polynomial``
     fit on the shorter lengths, whichever is more generous (larger) at ``L_k`` — with its standard error
     ``s_k`` (weighted least squares at the stated ``sigma``); super-polynomial when ``log n*(L_k)`` (or
     ``log n_max`` where it left the grid: its lower limit) exceeds it by more than
     ``JUMP_Z · √(s_k² + σ_k²)`` (``σ_k = 0`` for a lower limit).  Leaving the grid alone is not a failure.
  2. otherwise, with every ``n*`` measured: the growth classifier (``checks.inference.growth``) at the bootstrap ``sigma``.
  3. otherwise (``n*`` left the grid within its extrapolation's reach): ``"undecided"``.

- :func:`stability`: the rule on each resample (at the same ``sigma``): the fraction agreeing with the verdict of
  the full data.  A verdict counts only when ``≥ STABILITY_REQUIRED`` of the resamples agree.
"""

from __future__ import annotations

import math

import numpy as np

from checks.experiments.learning_curves import n_star
from checks.inference.growth import DELTA_THRESHOLD, fit_growth_classes

__all__ = ["JUMP_Z", "MIN_SHORTER", "SIGMA_FLOOR", "STABILITY_REQUIRED", "bootstrap_n_star", "stability", "verdict"]

RESAMPLES = 200
"""Seed-bootstrap resamples: the stability fraction is then known to ±3% (binomial standard error at 0.95)."""
SIGMA_FLOOR = 0.05
"""Smallest noise of ``log n*`` used: ``n*`` is interpolated log-log between doublings of ``n``, a systematic error the
seed bootstrap does not see — the ci and thorough grids' ``n*`` of the same target differed by up to 7% (measured),
and adjacent lengths' ``n*`` scatter about a power law by ~5% with 12 seeds (last-step target, L = 12 … 32)."""
JUMP_Z = 3.0
"""A measured ``n*`` beyond ``JUMP_Z`` standard errors above the almost-polynomial extrapolation is a jump: one-sided
3σ (0.13% per length for Gaussian noise), so over ≤ 6 tested lengths the false-alarm rate stays below 1%."""
MIN_SHORTER = 3
"""Shorter lengths an extrapolation needs: a power law and a quasi-polynomial (3 parameters) through them."""
STABILITY_REQUIRED = 0.95


def _seed_curves(rows: list[dict], target: str, L: int, sizes: list[int]) -> np.ndarray:
    """Test errors ``[seed, n]`` of ``target`` at ``L`` (NaN where a kernel was singular)."""
    seeds = sorted({r["seed"] for r in rows if r["target"] == target and r["L"] == L})
    at = {(r["seed"], r["n"]): r["test_rel_mse"] for r in rows if r["target"] == target and r["L"] == L}
    return np.array([[np.nan if at.get((s, n)) is None else at[(s, n)] for n in sizes] for s in seeds], float)


def _n_star_of(mean_curve: np.ndarray, sizes: list[int], eps: float) -> float:
    """``n*`` of a mean curve; ``n_max`` (its lower limit) where it does not reach ``eps`` on the grid, the smallest
    ``n`` (its upper limit) where it is reached there already."""
    pts = [(n, e) for n, e in zip(sizes, mean_curve) if math.isfinite(e)]
    ns = n_star(pts, eps) if pts else None
    return ns.value if ns is not None and ns.value is not None else float(sizes[-1])


def bootstrap_n_star(rows: list[dict], target: str, lengths: list[int], sizes: list[int], eps: float, *,
                     resamples: int = RESAMPLES, seed: int = 0) -> dict:
    """``n*`` per ``L`` (full data), its bootstrap resamples ``[resample, L]``, which are censored, and ``sigma``."""
    rng = np.random.default_rng(seed)
    full, boot, censored, interval = [], np.empty((resamples, len(lengths))), [], []
    for j, L in enumerate(lengths):
        curves = _seed_curves(rows, target, L, sizes)
        value = _n_star_of(np.nanmean(curves, axis=0), sizes, eps)
        full.append(value)
        censored.append(value >= sizes[-1])
        for b in range(resamples):
            pick = rng.integers(0, curves.shape[0], curves.shape[0])
            boot[b, j] = _n_star_of(np.nanmean(curves[pick], axis=0), sizes, eps)
        interval.append([float(np.quantile(boot[:, j], 0.025)), float(np.quantile(boot[:, j], 0.975))])
    seeds = int(_seed_curves(rows, target, lengths[0], sizes).shape[0])
    # The bootstrap spread of a mean of S seeds is sd·√((S−1)/S)/√S: rescaled to the unbiased sd/√S.
    sigma = np.maximum(np.std(np.log(boot), axis=0, ddof=1) * math.sqrt(seeds / max(seeds - 1, 1)), SIGMA_FLOOR)
    return {"lengths": list(lengths), "n_star": full, "censored": censored, "boot": boot, "sigma": sigma.tolist(),
            "interval": interval, "n_max": sizes[-1], "seeds": seeds}


def _extrapolate(L: np.ndarray, ly: np.ndarray, sig: np.ndarray, at: float) -> tuple[float, float, str]:
    """The more generous of the power-law and quasi-polynomial weighted fits through ``(L, log n*)`` at ``at``:
    ``(prediction, standard error, class)``."""
    best = None
    for name, cols in (("power_law", lambda x: [np.ones_like(x), np.log(x)]),
                       ("quasi_polynomial", lambda x: [np.ones_like(x), np.log(x), np.log(x) ** 2])):
        X = np.column_stack(cols(L))
        if X.shape[1] > L.size:
            continue
        W = X / sig[:, None]
        coef, *_ = np.linalg.lstsq(W, ly / sig, rcond=None)
        x0 = np.array(cols(np.array([at]))).ravel()
        cov = np.linalg.pinv(W.T @ W)
        pred, se = float(x0 @ coef), float(math.sqrt(max(x0 @ cov @ x0, 0.0)))
        if best is None or pred > best[0]:
            best = (pred, se, name)
    return best


def verdict(lengths, values, censored, sigma, n_max) -> dict:
    """The C11 rule (module docstring) on one set of ``n*(L)``: ``{"verdict", "reason", "jump_z", "delta", ...}``."""
    L = np.asarray(lengths, float)
    ly = np.log(np.asarray(values, float))
    sig = np.asarray(sigma, float)
    cens = np.asarray(censored, bool)
    jumps = []
    for k in range(MIN_SHORTER, L.size):
        if cens[:k].any():
            break
        pred, se, name = _extrapolate(L[:k], ly[:k], sig[:k], L[k])
        noise = math.sqrt(se**2 + (0.0 if cens[k] else sig[k] ** 2))
        jumps.append({"L": int(L[k]), "z": (ly[k] - pred) / noise, "extrapolated": math.exp(pred), "by": name,
                      "measured": float(values[k]), "lower_limit": bool(cens[k])})
    worst = max(jumps, key=lambda j: j["z"]) if jumps else None
    out = {"jumps": jumps, "jump_z": None if worst is None else worst["z"], "delta": None}
    if worst is not None and worst["z"] > JUMP_Z:
        what = "its lower limit n_max" if worst["lower_limit"] else "the measured n*"
        return {**out, "verdict": "super-polynomial",
                "reason": f"at L = {worst['L']} {what} = {worst['measured']:.4g} exceeds the {worst['by']} extrapolation "
                          f"{worst['extrapolated']:.4g} from the shorter lengths by {worst['z']:.1f} standard errors"}
    if cens.any():
        return {**out, "verdict": "undecided",
                "reason": f"n* > {n_max} from L = {int(L[cens][0])}, within the reach of the almost-polynomial "
                          "extrapolation: leaving the grid alone is not a failure"}
    if L.size < 5:
        return {**out, "verdict": "undecided", "reason": "fewer than 5 measured n*"}
    fit = fit_growth_classes(L, np.exp(ly), sigma=sig)
    return {**out, "verdict": fit.verdict, "delta": fit.delta, "selected": fit.selected, "c": fit.c,
            "reason": f"growth classifier: {fit.selected} (delta {fit.delta:.3g}, threshold {DELTA_THRESHOLD:g})"}


def stability(boot: dict, full: dict) -> float:
    """Fraction of the bootstrap resamples whose verdict (same rule, same ``sigma``) agrees with ``full``'s."""
    agree = 0
    for row in boot["boot"]:
        v = verdict(boot["lengths"], row, [x >= boot["n_max"] for x in row], boot["sigma"], boot["n_max"])
        agree += v["verdict"] == full["verdict"]
    return agree / len(boot["boot"])
