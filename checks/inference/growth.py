"""Growth classes in ``L`` (docs/claims.md C9b, C10b, C11): is a complexity almost-polynomial or super-polynomial?

One classifier for the certificate ``Φ·κ̄`` (C9b, C10b) and the measured sample complexity ``n*`` (C11).
Four classes are least-squares fitted to ``log y`` against ``L`` (natural logs, ``u = ln L``):

- ``power_law``: ``a + p u`` (``y = e^a L^p``);
- ``quasi_polynomial``: ``a + p u + q u²`` (``y = e^a L^p exp(q ln² L)``);
- ``offset_power_law``: ``a + p u + q ln(1 + L/L₀)`` with ``L₀`` profiled over ``[L_min/2, L_max/2]``: a
  polynomial with lower-order terms (``(L + 200)³``, ``L³ + 100 L²``), whose crossover ``L₀`` lies inside the
  grid so that the approach to the leading power is visible (an ``L₀`` beyond the grid would make
  ``q ln(1 + L/L₀) ≈ q L/L₀`` an exponential, which is not almost-polynomial);
- ``stretched_exponential`` (the super-polynomial class): ``a + p u + b L^c`` with ``b > 0`` and ``c`` profiled
  over :data:`STRETCHED_C_RANGE` — a stretched exponential *with* a power-law factor, so that
  ``Φ·κ̄ = Φ · L(L−1)/4`` with ``Φ = exp(L^0.3)`` is in the class.

Decision rule (a likelihood-ratio test at the stated noise level ``sigma`` of ``log y`` per point): the
improvement ``Δ = χ²_almost − χ²_super`` (``χ² = Σ (residual/sigma)²``) of the super-polynomial fit over the best
of the three almost-polynomial fits (divided by the smallest ``χ²/(N − K)`` of the four where that exceeds 1: the
misfit guard); **super-polynomial** when ``Δ > DELTA_THRESHOLD``.  The threshold is calibrated on
synthetic curves of known class on the records' own grids with their noise (``checks.inference.growth_calibration``,
docs/claims.md "Growth classifier").  The almost-polynomial class reported (``selected``) is the first of
``ALMOST_POLYNOMIAL`` whose χ² is within the same threshold of the best one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize

__all__ = [
    "ALMOST_POLYNOMIAL",
    "DELTA_THRESHOLD",
    "GROWTH_CLASSES",
    "GrowthClassFit",
    "GrowthClasses",
    "STRETCHED_C_RANGE",
    "fit_growth_classes",
]

GROWTH_CLASSES = ("power_law", "quasi_polynomial", "offset_power_law", "stretched_exponential")
"""In order of parsimony; the last is the super-polynomial class, the others are almost-polynomial."""
ALMOST_POLYNOMIAL = GROWTH_CLASSES[:3]

DELTA_THRESHOLD = 9.0
"""Smallest improvement ``Δ = (RSS_almost − RSS_super)/σ²`` that reads super-polynomial.  Under an almost-polynomial
truth ``Δ`` behaves like a χ² with about one degree of freedom (one extra shape parameter); its calibrated 95th
percentile is below 2 for every almost-polynomial class on both grids (``checks.inference.growth_calibration``), so 9 (a
"3σ" improvement) keeps each class's false-alarm rate ≤ 5% with room for curves the calibration did not try,
while every stretched exponential with ``b L^c`` rising by ≥ 1 over the C9b grid still clears it."""

STRETCHED_C_RANGE = (0.05, 2.0)
"""Exponents ``c`` searched for ``b L^c``: below 0.05 ``b L^c`` is a quasi-polynomial on any grid here
(``b L^c = b e^{cu} ≈ b + bcu + bc²u²/2``, cubic term ≤ 6% of the quadratic one for ``u ≤ 7``), which the
quasi-polynomial class already covers; ``c = 2`` is faster than any complexity measured here."""
STRETCHED_C_GRID = 60
"""Log-spaced profile grid over ``STRETCHED_C_RANGE`` (spacing 6%), refined by a bounded scalar search between the
grid neighbours of the best point."""
OFFSET_GRID = 30
"""Log-spaced profile grid of ``L₀`` over ``[L_min/2, L_max/2]``."""
PARAMETERS = {"power_law": 3, "quasi_polynomial": 4, "offset_power_law": 5, "stretched_exponential": 5}
"""Fitted parameters per class (``a, p, r`` and ``q``; ``q, L₀``; ``b, c``): a χ² has ``N − K`` degrees of freedom."""
LOG_RESOLUTION = 1e-9
"""Floor of a χ² per point (exactly fitted synthetic data)."""


@dataclass(frozen=True)
class GrowthClassFit:
    """One growth class fitted to ``log y`` against ``L``: ``params`` (see the module docstring), ``residuals``
    ``log y − fit`` per point, ``rss`` the weighted sum of squares ``χ² = Σ (residual/σ)²``."""

    name: str
    params: dict
    residuals: list
    rss: float

    def predict(self, L) -> np.ndarray:
        """``log y`` of the fitted law at ``L``."""
        return _growth_model(self.name, self.params, np.asarray(L, dtype=float))

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GrowthClasses:
    """All four fits, the statistic ``delta``, the selected class and the verdict (see :func:`fit_growth_classes`)."""

    fits: dict
    sigma: float
    delta: float
    selected: str
    verdict: str
    points: int

    @property
    def c(self) -> float:
        """Exponent ``c`` of the super-polynomial fit when the verdict is super-polynomial, else 0."""
        return float(self.fits["stretched_exponential"].params["c"]) if self.verdict == "super-polynomial" else 0.0

    @property
    def class_index(self) -> int:
        """The selected class as a number (its index in ``GROWTH_CLASSES``): what a baseline comparison watches."""
        return GROWTH_CLASSES.index(self.selected)

    def as_dict(self) -> dict:
        return {
            "fits": {k: f.as_dict() for k, f in self.fits.items()},
            "criterion": f"likelihood ratio at sigma <= {self.sigma:g}: super-polynomial iff delta > {DELTA_THRESHOLD:g}",
            "sigma": self.sigma,
            "delta": self.delta,
            "delta_threshold": DELTA_THRESHOLD,
            "selected": self.selected,
            "verdict": self.verdict,
            "c": self.c,
            "points": self.points,
        }


def _growth_model(name: str, params: dict, L: np.ndarray) -> np.ndarray:
    u = np.log(L)
    base = params["a"] + params["p"] * u + params["r"] / L
    if name == "power_law":
        return base
    if name == "quasi_polynomial":
        return base + params["q"] * u * u
    if name == "offset_power_law":
        return base + params["q"] * np.log1p(L / params["L0"])
    if name == "stretched_exponential":
        return base + params["b"] * np.power(L, params["c"])
    raise ValueError(f"unknown growth class {name!r}; choose one of {', '.join(GROWTH_CLASSES)}")


def _lstsq(columns: list, ly: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted least squares (weights ``w = 1/σ`` per point): coefficients and ``χ² = Σ (w · residual)²``."""
    design = np.column_stack(columns) * w[:, None]
    coef, *_ = np.linalg.lstsq(design, ly * w, rcond=None)
    resid = ly * w - design @ coef
    return coef, float(resid @ resid)


def _profile_min(profile, grid: np.ndarray) -> float:
    """The argument minimizing ``profile`` over ``grid``, refined between the best point's grid neighbours."""
    values = np.array([profile(x) for x in grid])
    k = int(np.argmin(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    best = optimize.minimize_scalar(profile, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6 * hi})
    return float(best.x) if best.fun <= values[k] else float(grid[k])


def _fit_class(name: str, L: np.ndarray, ly: np.ndarray, w: np.ndarray) -> dict:
    """Least-squares parameters of one class (linear, or profiled over its one nonlinear parameter)."""
    u, one, inv = np.log(L), np.ones_like(L), 1.0 / L
    if name == "power_law":
        coef, _ = _lstsq([one, u, inv], ly, w)
        return _base(coef)
    if name == "quasi_polynomial":
        coef, _ = _lstsq([one, u, inv, u * u], ly, w)
        return {**_base(coef), "q": float(coef[3])}
    if name == "offset_power_law":
        grid = np.geomspace(L.min() / 2, L.max() / 2, OFFSET_GRID)
        L0 = _profile_min(lambda x: _lstsq([one, u, inv, np.log1p(L / x)], ly, w)[1], grid)
        coef, _ = _lstsq([one, u, inv, np.log1p(L / L0)], ly, w)
        return {**_base(coef), "q": float(coef[3]), "L0": L0}
    scale = L.max()  # (L / max L)^c keeps the design well-conditioned; b is converted back below
    power = _fit_class("power_law", L, ly, w)
    power_rss = float(np.sum((w * (ly - _growth_model("power_law", power, L))) ** 2))

    def profile(c: float) -> float:  # b > 0 enforced: where the free fit has b ≤ 0 the constrained one is b = 0
        coef, rss = _lstsq([one, u, inv, np.power(L / scale, c)], ly, w)
        return rss if coef[3] > 0 else power_rss

    c = _profile_min(profile, np.geomspace(*STRETCHED_C_RANGE, STRETCHED_C_GRID))
    coef, rss = _lstsq([one, u, inv, np.power(L / scale, c)], ly, w)
    if coef[3] <= 0 or rss > power_rss:
        return {**power, "b": 0.0, "c": c}
    return {**_base(coef), "b": float(coef[3] / scale**c), "c": c}


def _base(coef) -> dict:
    return {"a": float(coef[0]), "p": float(coef[1]), "r": float(coef[2])}


def fit_growth_classes(L, y, *, sigma) -> GrowthClasses:
    """Fit the four growth classes to ``log y`` against ``L`` and decide (docs/claims.md, growth classifier).

    ``sigma`` is the noise of ``log y`` the caller states, one number or one per point (C9b/C10b: the resolution
    of ``Φ·κ̄``; C11: the seed-bootstrap spread of each ``log n*``); the fits are weighted by ``1/sigma``.  Verdict
    ``"super-polynomial"`` iff ``Δ = min χ² of the almost-polynomial classes − χ² of the stretched class
    > DELTA_THRESHOLD`` (``χ² = Σ (residual/sigma)²``).
    Several ``y`` per ``L`` are fitted as separate points.  Raises ``ValueError`` for non-positive or non-finite
    data, mismatched shapes, fewer than 5 distinct ``L`` (4 parameters plus one to judge) or ``sigma ≤ 0``.
    """
    L = np.asarray(L, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if L.shape != y.shape:
        raise ValueError(f"fit_growth_classes needs matching L and y, got {L.size} and {y.size} values")
    if not (np.all(np.isfinite(L)) and np.all(np.isfinite(y))) or np.any(L <= 0) or np.any(y <= 0):
        raise ValueError("fit_growth_classes needs finite, strictly positive L and y")
    if np.unique(L).size < 5:
        raise ValueError(f"fit_growth_classes needs at least 5 distinct L (4 parameters plus one), got {np.unique(L).size}")
    sig = np.broadcast_to(np.asarray(sigma, dtype=float), L.shape)
    if not (np.all(np.isfinite(sig)) and np.all(sig > 0)):
        raise ValueError(f"sigma must be a positive noise level of log y (one or one per point), got {sigma!r}")
    ly, w = np.log(y), 1.0 / sig
    fits = {}
    for name in GROWTH_CLASSES:
        params = _fit_class(name, L, ly, w)
        resid = ly - _growth_model(name, params, L)
        chi2 = float(np.sum((w * resid) ** 2))
        fits[name] = GrowthClassFit(name, params, resid.tolist(), max(chi2, L.size * LOG_RESOLUTION**2))
    almost = min(ALMOST_POLYNOMIAL, key=lambda k: (fits[k].rss, ALMOST_POLYNOMIAL.index(k)))
    # Misfit guard: where every class misses the data beyond the stated noise (the smallest χ² per degree of freedom
    # > 1: a non-monotone Φκ̄, a law outside every class), the residual scatter is the noise scale; else a likelihood
    # ratio of two wrong models would read as evidence.
    misfit = max(1.0, min(f.rss / max(L.size - PARAMETERS[k], 1) for k, f in fits.items()))
    delta = (fits[almost].rss - fits["stretched_exponential"].rss) / misfit
    if delta > DELTA_THRESHOLD:
        selected, verdict = "stretched_exponential", "super-polynomial"
    else:  # the most parsimonious almost-polynomial class within the threshold of the best one
        selected = next(k for k in ALMOST_POLYNOMIAL if fits[k].rss <= fits[almost].rss + DELTA_THRESHOLD * misfit)
        verdict = "almost-polynomial"
    return GrowthClasses(fits, float(np.max(sig)), float(delta), selected, verdict, int(L.size))
