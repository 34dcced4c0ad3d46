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
    "RateFit",
    "StretchedFit",
    "clopper_pearson_lower",
    "clopper_pearson_upper",
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
