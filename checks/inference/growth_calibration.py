"""Calibration of the growth classifier (docs/claims.md, growth classifier): its confusion matrix on curves of known class.

Each :data:`CURVES` entry is a law ``log y(L)`` whose right answer is stated: polynomials (with lower-order terms),
``L^p log L`` and quasi-polynomials ``exp(q ln² L)`` are **almost-polynomial**; stretched exponentials
``L^p exp(b L^c)`` (``c ∈ {0.2, 0.3, 0.5}``, several ``b``) are **super-polynomial** — mathematically, whatever the
grid.  :func:`confusion` adds Gaussian noise of the stated ``sigma`` to ``log y`` on a record's grid (seeded,
``reps`` draws per law) and counts the verdicts of :func:`checks.inference.growth.fit_growth_classes` at that ``sigma``.
A law the classifier cannot tell apart on a grid shows as its measured error rate, not as a different "right"
answer.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from checks.inference.growth import fit_growth_classes

__all__ = ["CURVES", "GRIDS", "STATED_RATES", "ClassRate", "confusion"]

REPS = 40
"""Noisy draws per law in the committed calibration (each rate known to ±8% at 0.5, ±3.5% at 0.05)."""
STATED_RATES = {
    "C9b/C10b": {},
    "C11": {law: 1.0 for law in (
        *(f"L^{p}·exp({b} L^{c})" for c in (0.2, 0.3, 0.5) for b in (0.25, 0.5, 1.0, 2.0) for p in (0, 2, 3)),
        "κ̄·exp(L^0.3)", "L^3·exp(0.5 L^0.3)", "κ̄·exp(L^0.25)")},
}
"""Measured error rate per law on each grid (``REPS`` draws, seed 0), laws not listed: 0.  C9b/C10b (L = 8 … 1024 at
the resolution 1e-4): every law right.  C11 (L = 4 … 32 at the seed-bootstrap noise of ``log n*``): every
almost-polynomial law right, and *no* stretched exponential read super-polynomial — on three doublings of ``L`` at a
few percent noise ``L^p exp(b L^c)`` is within the noise of a quasi-polynomial or offset power law: the stated
limitation; C11's super-polynomial evidence is the jump test (``checks.experiments.n_star_bootstrap``)."""


def _poly(p):
    return lambda L: p * np.log(L)


def _stretched(p, b, c):
    return lambda L: p * np.log(L) + b * np.power(L, c)


CURVES = {
    **{f"L^{p}": ("almost-polynomial", _poly(p)) for p in (1, 2, 3, 4)},
    "(L+200)^3": ("almost-polynomial", lambda L: 3 * np.log(L + 200)),
    "L^3+100L^2": ("almost-polynomial", lambda L: np.log(L**3 + 100 * L**2)),
    "(L+20)^2·L": ("almost-polynomial", lambda L: 2 * np.log(L + 20) + np.log(L)),
    "L(L-1)/4": ("almost-polynomial", lambda L: np.log(L * (L - 1) / 4)),
    **{f"L^{p}·log L": ("almost-polynomial", lambda L, p=p: p * np.log(L) + np.log(np.log(L))) for p in (1, 2, 3)},
    **{f"exp({q} ln²L)": ("almost-polynomial", lambda L, q=q: q * np.log(L) ** 2) for q in (0.1, 0.3, 0.5)},
    **{f"L^2·exp({q} ln²L)": ("almost-polynomial", lambda L, q=q: 2 * np.log(L) + q * np.log(L) ** 2) for q in (0.1, 0.3)},
    **{
        f"L^{p}·exp({b} L^{c})": ("super-polynomial", _stretched(p, b, c))
        for c in (0.2, 0.3, 0.5)
        for b in (0.25, 0.5, 1.0, 2.0)
        for p in (0, 2, 3)
    },
    "κ̄·exp(L^0.3)": ("super-polynomial", lambda L: np.log(L * (L - 1) / 4) + np.power(L, 0.3)),
    "L^3·exp(0.5 L^0.3)": ("super-polynomial", _stretched(3, 0.5, 0.3)),
    "κ̄·exp(L^0.25)": ("super-polynomial", lambda L: np.log(L * (L - 1) / 4) + np.power(L, 0.25)),
}
"""Law name → (right answer, ``log y`` as a function of ``L``).  ``κ̄ = L(L−1)/4`` is the factor C9b/C10b fit with
``Φ``; ``κ̄·exp(L^0.3)`` is the certificate of a ``Φ = exp(L^0.3)``."""


@dataclass(frozen=True)
class ClassRate:
    """One law's calibration: its right answer, how many of ``reps`` noisy draws read the other way."""

    law: str
    truth: str
    reps: int
    errors: int
    median_delta: float

    @property
    def rate(self) -> float:
        return self.errors / self.reps

    def as_dict(self) -> dict:
        return {**asdict(self), "rate": self.rate}


def confusion(lengths, sigma: float, *, reps: int = 100, seed: int = 0, laws=None) -> list[ClassRate]:
    """The classifier's verdict on ``reps`` noisy draws of each law on ``lengths`` (noise ``sigma`` in ``log y``,
    the same ``sigma`` given to the classifier), seeded: the same numbers on every machine."""
    L = np.asarray(lengths, dtype=float)
    rng = np.random.default_rng(seed)
    out = []
    for law in laws or CURVES:
        truth, log_y = CURVES[law]
        clean = log_y(L)
        deltas, errors = [], 0
        for _ in range(reps):
            fit = fit_growth_classes(L, np.exp(clean + sigma * rng.standard_normal(L.size)), sigma=sigma)
            errors += fit.verdict != truth
            deltas.append(fit.delta)
        out.append(ClassRate(law, truth, reps, errors, float(np.median(deltas))))
    return out


GRIDS = ("C9b/C10b", "C11")
"""The record families calibrated; their grids and noise: ``checks.claims.growth_grids.grids``."""


def summary(rates: list[ClassRate]) -> dict:
    """Pooled error rates by right answer, and the worst law of each."""
    res = {}
    for truth in ("almost-polynomial", "super-polynomial"):
        rows = [r for r in rates if r.truth == truth]
        worst = max(rows, key=lambda r: r.rate)
        res[truth] = {"laws": len(rows), "rate": sum(r.errors for r in rows) / sum(r.reps for r in rows),
                      "worst": worst.law, "worst_rate": worst.rate}
    res["sigma_ok"] = all(math.isfinite(r.median_delta) or r.median_delta == -math.inf for r in rates)
    return res
