"""Statistics for claim checks: rate fits, implied constants, exact binomial limits.

docs/claims.md "What every check reports": fitted rate and implied constant for O(·) claims,
Clopper–Pearson limits for the statistical claim C7.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, stats

__all__ = [
    "LimitFit",
    "fit_limit",
    "GROWTH_CLASSES",
    "GrowthClassFit",
    "GrowthClasses",
    "RateFit",
    "StretchedFit",
    "clopper_pearson_lower",
    "clopper_pearson_upper",
    "fit_growth_classes",
    "fit_rate",
    "fit_stretched_exponential",
    "implied_constant",
    "mean_band",
]


@dataclass(frozen=True)
class RateFit:
    """Least-squares fit ``log y = intercept + slope · log x`` with a two-sided t confidence interval."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    confidence: float
    rms_residual: float  # root-mean-square residual in log y (natural log)
    points: int

    def as_dict(self) -> dict:
        return asdict(self)


def fit_rate(x, y, *, confidence: float = 0.95) -> RateFit:
    """Log-log slope of ``y`` against ``x`` (all positive), with its ``confidence`` interval.

    Several ``y`` per ``x`` (seeds) are fitted as separate points.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or x.size < 3:
        raise ValueError(f"fit_rate needs matching x, y with at least 3 points, got {x.size} and {y.size}")
    if np.any(x <= 0) or np.any(y <= 0) or not np.all(np.isfinite(x) & np.isfinite(y)):
        raise ValueError("fit_rate needs finite, strictly positive x and y")
    if np.unique(x).size < 2:
        raise ValueError("fit_rate needs at least two distinct x values")
    lx, ly = np.log(x), np.log(y)
    res = stats.linregress(lx, ly)
    resid = ly - (res.intercept + res.slope * lx)
    t = stats.t.ppf(0.5 + confidence / 2, df=x.size - 2)
    half = t * res.stderr
    return RateFit(
        slope=float(res.slope),
        intercept=float(res.intercept),
        ci_low=float(res.slope - half),
        ci_high=float(res.slope + half),
        confidence=confidence,
        rms_residual=float(np.sqrt(np.mean(resid**2))),
        points=int(x.size),
    )


@dataclass(frozen=True)
class LimitFit:
    """Weighted least-squares fit ``y = c + K x^{exponent}`` (``x`` a width, ``exponent < 0``):
    ``c`` is the limit as ``x → ∞``, with a two-sided t confidence interval."""

    limit: float
    constant: float
    exponent: float
    ci_low: float
    ci_high: float
    confidence: float
    points: int

    def as_dict(self) -> dict:
        """The fit as JSON-able data."""
        return asdict(self)


def fit_limit(x, y, *, exponent: float = -0.5, confidence: float = 0.95) -> LimitFit:
    """The limit ``c`` of ``y = c + K x^{exponent} + noise`` as ``x → ∞``, with its confidence interval.

    The fluctuations of a width-``m`` deviation scale like ``m^{exponent}``, so the fit is weighted:
    ``y · x^{−exponent} = c · x^{−exponent} + K`` is an ordinary regression with constant noise,
    whose slope is ``c``.  A claim "the deviation tends to 0" holds when the interval reaches 0.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape or x.size < 3 or np.unique(x).size < 2:
        raise ValueError("fit_limit needs at least 3 matching points at 2 or more distinct x")
    if np.any(x <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("fit_limit needs x > 0 and finite y")
    scale = x ** (-exponent)
    res = stats.linregress(scale, y * scale)
    half = stats.t.ppf(0.5 + confidence / 2, df=x.size - 2) * res.stderr
    return LimitFit(
        limit=float(res.slope),
        constant=float(res.intercept),
        exponent=exponent,
        ci_low=float(res.slope - half),
        ci_high=float(res.slope + half),
        confidence=confidence,
        points=int(x.size),
    )


def implied_constant(measured, rate_term) -> float:
    """Smallest ``K`` with ``measured ≤ K · rate_term`` on every instance: ``max(measured / rate_term)``."""
    measured = np.asarray(measured, dtype=float)
    rate_term = np.asarray(rate_term, dtype=float)
    if np.any(rate_term <= 0):
        raise ValueError("implied_constant needs a strictly positive rate term")
    return float(np.max(measured / rate_term))


def clopper_pearson_lower(k: int, n: int, *, confidence: float = 0.95) -> float:
    """Exact one-sided lower ``confidence`` limit of a binomial proportion after ``k`` of ``n`` (0 for ``k = 0``)."""
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    if k == 0:
        return 0.0
    return float(stats.beta.ppf(1 - confidence, k, n - k + 1))


def clopper_pearson_upper(k: int, n: int, *, confidence: float = 0.95) -> float:
    """Exact one-sided upper ``confidence`` limit of a binomial proportion after ``k`` of ``n``."""
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    if k == n:
        return 1.0
    return float(stats.beta.ppf(confidence, k + 1, n - k))


@dataclass(frozen=True)
class StretchedFit:
    """``log y = a + b · x^c`` (a stretched exponential in ``x``; ``c → 0`` approaches a power law)."""

    a: float
    b: float
    c: float
    rms_residual: float  # in log y

    def as_dict(self) -> dict:
        return asdict(self)


def fit_stretched_exponential(x, y) -> StretchedFit:
    """Least-squares fit of ``log y = a + b x^c`` with ``0 < c ≤ 2``; compare with :func:`fit_rate`."""
    x = np.asarray(x, dtype=float)
    ly = np.log(np.asarray(y, dtype=float))
    if x.size < 4:
        raise ValueError("fit_stretched_exponential needs at least 4 points")

    def model(xx, a, b, c):
        return a + b * np.power(xx, c)

    best = None
    for c0 in (0.1, 0.5, 1.0):
        try:
            popt, _ = optimize.curve_fit(model, x, ly, p0=(ly[0], 1.0, c0), bounds=([-np.inf, -np.inf, 1e-3], [np.inf, np.inf, 2.0]), maxfev=20000)
        except RuntimeError:
            continue
        rms = math.sqrt(float(np.mean((model(x, *popt) - ly) ** 2)))
        if best is None or rms < best.rms_residual:
            best = StretchedFit(float(popt[0]), float(popt[1]), float(popt[2]), rms)
    if best is None:
        raise RuntimeError("stretched-exponential fit did not converge")
    return best


def mean_band(samples, *, confidence: float = 0.95) -> tuple[float, float | None, float | None]:
    """``(mean, low, high)``: the mean of ``samples`` (seeds) and its two-sided Student-t ``confidence`` interval
    ``mean ± t_{(1+confidence)/2, S-1} · sd / √S`` (C11's confidence band over seeds).

    With a single sample there is no spread to estimate: ``low`` and ``high`` are ``None``.
    """
    x = np.asarray(samples, dtype=float).ravel()
    if x.size < 1 or not np.all(np.isfinite(x)):
        raise ValueError("mean_band needs at least one finite sample")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    mean = float(x.mean())
    if x.size < 2:
        return mean, None, None
    half = float(stats.t.ppf(0.5 + confidence / 2, df=x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return mean, mean - half, mean + half


# ---------------------------------------------------------------------------------------------
# Growth classes in L (CLAIMS.md C9b, C10, C11): which of three growth laws a complexity follows.
# ---------------------------------------------------------------------------------------------

GROWTH_CLASSES = ("power_law", "quasi_polynomial", "stretched_exponential")
"""In order of parsimony (2, 3, 3 parameters); ties in the selection score go to the earlier class."""

LOG_RESOLUTION = 1e-6
"""Smallest misfit in ``log y`` that counts (a relative difference of 1e-6): measured complexities are far
coarser (``n*`` is interpolated on a doubling grid, ``Φ`` is exact to ~1e-12), and the floor keeps exactly fitted
synthetic data from giving ``log 0`` in the AICc or a zero hold-out error that would hide the parsimony tie-break."""

STRETCHED_C_THRESHOLD = 0.15
"""A selected ``exp(b L^c)`` counts as super-polynomial when ``b > 0`` and ``c`` exceeds this: over four doublings of
``L`` its local log-log slope grows by ``2^{4c}``, which is 1.5 at ``c ≈ 0.15`` — the limit the scaling audit
used (a slope-growth limit of 1.5); below it the law is a power law within any measurable
range."""

STRETCHED_C_RANGE = (1e-3, 2.0)
"""Exponents ``c`` searched for ``exp(b L^c)``: ``c → 0`` is a power law (``b L^c ≈ b + b c log L``), and ``c = 2``
is faster than any complexity measured here (the existing ``fit_stretched_exponential`` uses the same range)."""

STRETCHED_C_GRID = 400
"""Log-spaced profile grid over ``STRETCHED_C_RANGE`` (spacing 1.9%), refined by a bounded scalar search
between the grid neighbours of the best point: a global search the nonlinear fit cannot get stuck in."""

AICC_MIN_POINTS = 6
"""AICc needs ``N ≥ K + 2`` points for every class; ``K = 4`` for the 3-parameter classes (σ² counted)."""


@dataclass(frozen=True)
class GrowthClassFit:
    """One growth class fitted to ``log y`` against ``L``.

    ``params``: ``power_law`` ``{a, p}`` (``log y = a + p log L``); ``quasi_polynomial`` ``{a, p, c}``
    (``log y = a + p log L + c (log L)²``); ``stretched_exponential`` ``{a, b, c}`` (``log y = a + b L^c``).
    ``residuals``: ``log y − fit`` per point (natural log); ``rss`` their sum of squares (floored at
    ``N · LOG_RESOLUTION²``); ``aicc`` ``None`` where undefined (too few points); ``holdout_error``: RMS error in
    ``log y`` at the largest ``L`` when fitted without it (floored at ``LOG_RESOLUTION``).
    """

    name: str
    params: dict
    residuals: list
    rss: float
    aicc: float | None
    holdout_error: float

    def predict(self, L) -> np.ndarray:
        """``log y`` of the fitted law at ``L``."""
        return _growth_model(self.name, self.params, np.asarray(L, dtype=float))

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GrowthClasses:
    """All three fits, the stated criterion, the selected class and the verdict (see :func:`fit_growth_classes`)."""

    fits: dict
    criterion: str
    scores: dict
    selected: str
    verdict: str
    points: int

    def as_dict(self) -> dict:
        return {
            "fits": {k: f.as_dict() for k, f in self.fits.items()},
            "criterion": self.criterion,
            "scores": dict(self.scores),
            "selected": self.selected,
            "verdict": self.verdict,
            "points": self.points,
            "stretched_c_threshold": STRETCHED_C_THRESHOLD,
        }


def _growth_model(name: str, params: dict, L: np.ndarray) -> np.ndarray:
    u = np.log(L)
    if name == "power_law":
        return params["a"] + params["p"] * u
    if name == "quasi_polynomial":
        return params["a"] + params["p"] * u + params["c"] * u * u
    if name == "stretched_exponential":
        return params["a"] + params["b"] * np.power(L, params["c"])
    raise ValueError(f"unknown growth class {name!r}; choose one of {', '.join(GROWTH_CLASSES)}")


def _least_squares(design: np.ndarray, ly: np.ndarray) -> tuple[np.ndarray, float]:
    coef, *_ = np.linalg.lstsq(design, ly, rcond=None)
    resid = ly - design @ coef
    return coef, float(resid @ resid)


def _fit_class(name: str, L: np.ndarray, ly: np.ndarray) -> dict:
    """Least-squares parameters of one class (linear for the first two; profiled over ``c`` for the third)."""
    u = np.log(L)
    if name == "power_law":
        coef, _ = _least_squares(np.column_stack([np.ones_like(u), u]), ly)
        return {"a": float(coef[0]), "p": float(coef[1])}
    if name == "quasi_polynomial":
        coef, _ = _least_squares(np.column_stack([np.ones_like(u), u, u * u]), ly)
        return {"a": float(coef[0]), "p": float(coef[1]), "c": float(coef[2])}
    scale = L.max()  # L / max L keeps the design well-conditioned; b is converted back below

    def profile(c: float) -> float:
        return _least_squares(np.column_stack([np.ones_like(L), np.power(L / scale, c)]), ly)[1]

    grid = np.geomspace(*STRETCHED_C_RANGE, STRETCHED_C_GRID)
    values = np.array([profile(c) for c in grid])
    k = int(np.argmin(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    best = optimize.minimize_scalar(profile, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    c = float(best.x) if best.fun <= values[k] else float(grid[k])
    coef, _ = _least_squares(np.column_stack([np.ones_like(L), np.power(L / scale, c)]), ly)
    return {"a": float(coef[0]), "b": float(coef[1] / scale**c), "c": c}


def fit_growth_classes(L, y, *, criterion: str = "auto") -> GrowthClasses:
    """Fit ``log y`` against ``L`` with three growth classes and select one (CLAIMS.md C9b, C10, C11).

    Classes (natural logs), least squares in ``log y``:

    - power law ``log y = a + p log L`` (``y = e^a L^p``);
    - quasi-polynomial ``log y = a + p log L + c (log L)²`` (``y = e^a L^p exp(c ln² L)``); the linear ``log L``
      term is included so that the power law is nested (``c = 0``) and ``c`` measures only the curvature in
      log-log coordinates;
    - stretched exponential ``log y = a + b L^c`` with ``c ∈ STRETCHED_C_RANGE``.

    Criterion (stated): ``"aicc"`` — the smallest small-sample-corrected Akaike criterion
    ``N ln(RSS/N) + 2K + 2K(K+1)/(N−K−1)``, ``K`` = parameters + 1 (σ²), defined for ``N ≥ AICC_MIN_POINTS``;
    ``"holdout"`` — the smallest error in ``log y`` at the largest ``L`` when each class is fitted to the smaller
    ``L`` only (extrapolation, the question a growth law answers; needs ≥ 3 smaller distinct ``L``);
    ``"auto"`` — AICc when ``N ≥ AICC_MIN_POINTS``, hold-out otherwise.  Equal scores go to the more
    parsimonious class (order of ``GROWTH_CLASSES``); under hold-out a 3-parameter class also has to beat the
    power law's error by more than the power law's in-sample RMS residual (the noise level in ``log y``).

    Verdict: ``"super-polynomial"`` when the stretched exponential is selected with ``b > 0`` and
    ``c > STRETCHED_C_THRESHOLD``; otherwise ``"almost-polynomial"`` (a power law, a quasi-polynomial, or a
    stretched exponential too slow to tell from a power law).

    Several ``y`` per ``L`` (seeds) are fitted as separate points.  Raises ``ValueError`` for non-positive or
    non-finite data, mismatched shapes, fewer than 4 distinct ``L`` or an unknown criterion.
    """
    L = np.asarray(L, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if L.shape != y.shape:
        raise ValueError(f"fit_growth_classes needs matching L and y, got {L.size} and {y.size} values")
    if not (np.all(np.isfinite(L)) and np.all(np.isfinite(y))) or np.any(L <= 0) or np.any(y <= 0):
        raise ValueError("fit_growth_classes needs finite, strictly positive L and y")
    distinct = np.unique(L)
    if distinct.size < 4:
        raise ValueError(
            f"fit_growth_classes needs at least 4 distinct L (3-parameter classes plus one to judge), "
            f"got {distinct.size}"
        )
    if criterion not in ("auto", "aicc", "holdout"):
        raise ValueError(f"unknown criterion {criterion!r}; choose auto, aicc or holdout")
    N = L.size
    if criterion == "aicc" and N < AICC_MIN_POINTS:
        raise ValueError(f"AICc needs at least {AICC_MIN_POINTS} points for 3-parameter classes, got {N}; use holdout")
    used = criterion if criterion != "auto" else ("aicc" if N >= AICC_MIN_POINTS else "holdout")
    ly = np.log(y)
    inside = L < distinct[-1]
    fits = {}
    for name in GROWTH_CLASSES:
        params = _fit_class(name, L, ly)
        resid = ly - _growth_model(name, params, L)
        rss = max(float(resid @ resid), N * LOG_RESOLUTION**2)
        K = len(params) + 1
        aicc = N * math.log(rss / N) + 2 * K + 2 * K * (K + 1) / (N - K - 1) if N - K - 1 > 0 else None
        held = _fit_class(name, L[inside], ly[inside])
        err = ly[~inside] - _growth_model(name, held, L[~inside])
        holdout = max(math.sqrt(float(np.mean(err**2))), LOG_RESOLUTION)
        fits[name] = GrowthClassFit(name, params, resid.tolist(), rss, aicc, holdout)
    scores = {k: (f.aicc if used == "aicc" else f.holdout_error) for k, f in fits.items()}
    selected = min(GROWTH_CLASSES, key=lambda k: (scores[k], GROWTH_CLASSES.index(k)))
    if used == "holdout" and selected != "power_law":
        # Parsimony for the hold-out score (no parameter penalty of its own): a 3-parameter class replaces the
        # power law only if it extrapolates better by more than the power law's in-sample RMS residual, an
        # upper estimate of the noise in log y (an improvement below the noise is not evidence of curvature).
        noise = math.sqrt(fits["power_law"].rss / N)
        if scores["power_law"] - scores[selected] <= noise:
            selected = "power_law"
    sp = fits[selected].params
    superpoly = selected == "stretched_exponential" and sp["b"] > 0 and sp["c"] > STRETCHED_C_THRESHOLD
    return GrowthClasses(fits, used, scores, selected, "super-polynomial" if superpoly else "almost-polynomial", N)
