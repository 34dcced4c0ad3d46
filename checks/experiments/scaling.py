"""The L-scaling audit (docs/claims.md C9b, C10b): how the sample-complexity driver ``Φ · κ̄`` grows with L.

By C7 and C9 a target is learnable to loss ε with ``n ≈ 4 Φ κ̄ / ε²`` samples, so the growth of
``Φ · κ̄`` in ``L`` is the paper's headline quantity.  Each :class:`ScalingCase` is a target family
with unit ``‖β‖`` at fixed per-step norms: unit norms (``κ̄ = L(L−1)/4``), or under the A6 contrast
``r_1 = 1`` and ``r_l = ε(L)`` for ``l ≥ 2`` (``small_inputs``: ``"1/L"``, ``"1/sqrt(L)"`` or a number).

Verdict rule: the growth classifier ``checks.inference.growth.fit_growth_classes`` (power law, quasi-polynomial
``exp(a + p ln L + q ln²L)``, power law with a lower-order offset, and the super-polynomial class
``exp(a + p ln L + b L^c)``, each with a ``1/L`` correction) at the stated resolution
:data:`PHI_KAPPA_SIGMA` of ``log Φκ̄``; its threshold and error rates on this grid are calibrated in
``checks.inference.growth_calibration`` (docs/claims.md, growth classifier).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks.inference.growth import fit_growth_classes
from checks.inference.stats import fit_rate
from checks.model.ntk import kappa_bar
from checks.theory.small_inputs import expected_norms, parse_small_inputs
from checks.theory.targets import Additive, NVariable

__all__ = ["CASES", "LENGTHS", "PHI_KAPPA_SIGMA", "ScalingCase", "measure"]

LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
"""Eight doublings: AICc needs ≥ 6 points for the 3-parameter classes; c_α is exact at L = 1024 in < 1 s."""
PHI_KAPPA_SIGMA = 1e-4
"""Stated resolution of ``log Φκ̄`` for the growth classifier (a relative 0.01%): ``Φ`` is exact to ~1e-12, so a
verdict at this resolution does not rest on digits round-off could move; on this grid the calibration at this noise
classifies every law of ``checks.inference.growth_calibration.CURVES`` correctly (docs/claims.md, growth classifier)."""
DEGREE = 2
"""Degree of the scaling targets ``(βᵀX_l)²``: the lowest degree whose certificate is not a single c_{e_l}."""


@dataclass(frozen=True)
class ScalingCase:
    """One target family of the scaling audit; ``finding`` records a measured contradiction of the claim."""

    name: str
    family: str  # "additive" (C9b) or "n-variable" (C10)
    description: str
    target: Callable[[int], object]  # L -> target with .certificate(L)
    finding: str | None = None  # recorded when the measured growth contradicts the claim


def _additive(step_of_L: Callable[[int], int]):
    return lambda L: Additive.of((step_of_L(L), [1.0], [0.0] * DEGREE + [1.0]))


def _nvariable(offsets: tuple[int, ...], anchor: str):
    """Steps ``L − o`` (anchor ``end``) or ``1 + o`` (anchor ``start``) for each offset ``o``."""

    def make(L: int):
        steps = [L - o for o in offsets] if anchor == "end" else [1 + o for o in offsets]
        blocks = [[1.0 / math.sqrt(len(offsets))] for _ in offsets]
        return NVariable.of(steps, blocks, [0.0] * DEGREE + [1.0])

    return make


SUPER_POLYNOMIAL = (
    "measured super-polynomial: the calibrated classifier prefers L^p exp(b·L^c) with c ≈ 0.66 over every "
    "almost-polynomial class for Φ·κ̄ over L = 8 … 1024 by Δ ≈ 8·10⁵–3·10⁶ (threshold 9; the local log-log slope keeps "
    "growing, 57 at L = 1024)"
)

CASES = (
    ScalingCase("add-last", "additive", f"(βᵀX_L)^{DEGREE}: target at the last step", _additive(lambda L: L)),
    ScalingCase("add-end-2", "additive", f"(βᵀX_(L-2))^{DEGREE}: fixed distance 2 from the end", _additive(lambda L: L - 2)),
    ScalingCase("add-first", "additive", f"(βᵀX_1)^{DEGREE}: target at the first step", _additive(lambda L: 1), finding=SUPER_POLYNOMIAL),
    ScalingCase("nvar-N1-l0", "n-variable", "N=1, l_0=0, at the end", _nvariable((0,), "end")),
    ScalingCase("nvar-N2-l1", "n-variable", "N=2, l_0=1, at the end", _nvariable((1, 0), "end")),
    ScalingCase("nvar-N2-l2", "n-variable", "N=2, l_0=2, at the end", _nvariable((2, 0), "end")),
    ScalingCase("nvar-N2-l4", "n-variable", "N=2, l_0=4, at the end", _nvariable((4, 0), "end")),
    ScalingCase("nvar-N3-l2", "n-variable", "N=3, l_0=2, at the end", _nvariable((2, 1, 0), "end")),
    ScalingCase("nvar-N3-l4", "n-variable", "N=3, l_0=4, at the end", _nvariable((4, 2, 0), "end")),
    ScalingCase("nvar-N2-l1-start", "n-variable", "N=2, l_0=1, at the start", _nvariable((0, 1), "start"), finding=SUPER_POLYNOMIAL),
)


def measure(case: ScalingCase, lengths=LENGTHS, small_inputs=None) -> dict:
    """``Φ·κ̄`` at each ``L`` (per-step norms from ``small_inputs``), local slopes, the growth-class fits and
    the verdict; also the power-law exponent of ``Φ`` alone (what the falsified twin tests)."""
    small = parse_small_inputs(small_inputs)
    rows = []
    for L in lengths:
        norms = expected_norms(L, small)
        phi = case.target(L).certificate(L, norms)
        kb = kappa_bar(np.asarray(norms)[None, :, None])
        rows.append({"L": L, "phi": phi, "kappa_bar": kb, "phi_kappa": phi * kb})
    x = np.array([r["L"] for r in rows], float)
    y = np.array([r["phi_kappa"] for r in rows], float)
    if not np.all(np.isfinite(y) & (y > 0)):
        raise ValueError(f"{case.name}: Φ·κ̄ is not finite and positive at every L ({y.tolist()})")
    slopes = np.diff(np.log(y)) / np.diff(np.log(x))
    classes = fit_growth_classes(x, y, sigma=PHI_KAPPA_SIGMA)
    stretched = classes.fits["stretched_exponential"].params
    return {
        "case": case.name,
        "family": case.family,
        "description": case.description,
        "small_inputs": None if small is None else small.spec,
        "rows": rows,
        "local_slopes": slopes.tolist(),
        "last_slope": float(slopes[-1]),
        "selected": classes.selected,
        "super_polynomial_c": classes.c,
        "delta": classes.delta,
        "class_index": classes.class_index,
        "growth_classes": classes.as_dict(),
        "power_law": {"exponent": fit_rate(x, y).slope},
        "phi_exponent": fit_rate(x, [r["phi"] for r in rows]).slope,
        "stretched_exponential": {"b": stretched["b"], "c": stretched["c"]},
        "verdict": classes.verdict,
    }
