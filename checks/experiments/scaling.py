"""The L-scaling audit (docs/claims.md C9b, C10b): how the sample-complexity driver ``Φ · κ̄`` grows with L.

By C7 and C9 a target is learnable to loss ε with ``n ≈ 4 Φ κ̄ / ε²`` samples, so the growth of
``Φ · κ̄`` in ``L`` is the paper's headline quantity.  Each :class:`ScalingCase` is a target
family with unit per-step norms (so ``κ̄ = L(L−1)/4``) and unit ``‖β‖``.

Verdict rule (stated, not tuned): with ``s(L) = d log(Φκ̄) / d log L`` measured over each
doubling of ``L``, growth is **almost-polynomial** when the local slope settles, i.e. the slope
over the last doubling is at most ``SLOPE_GROWTH_LIMIT`` times the slope four doublings
earlier; a polynomial ``L^p`` has ratio → 1, ``exp(b L^c)`` has ratio ``2^{4c}`` (> 1.5 for
``c > 0.15``).  Both a power law and a stretched exponential are fitted and reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from checks.ntk import kappa_bar
from checks.stats import fit_rate, fit_stretched_exponential
from checks.targets import Additive, NVariable

__all__ = ["CASES", "LENGTHS", "SLOPE_GROWTH_LIMIT", "ScalingCase", "measure"]

LENGTHS = (8, 16, 32, 64, 128, 256, 512, 1024)
SLOPE_GROWTH_LIMIT = 1.5
DEGREE = 2


@dataclass(frozen=True)
class ScalingCase:
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
    "measured super-polynomial: the local log-log slope of Φ·κ̄ keeps growing with L "
    "(a stretched exponential exp(b·L^c), c ≈ 0.6, fits where a power law does not)"
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


def measure(case: ScalingCase, lengths=LENGTHS) -> dict:
    """``Φ·κ̄`` at each ``L``, local slopes, both fits and the verdict."""
    rows = []
    for L in lengths:
        phi = case.target(L).certificate(L)
        kb = kappa_bar(np.ones((1, L, 1)))  # unit per-step norms: L(L−1)/4
        rows.append({"L": L, "phi": phi, "kappa_bar": kb, "phi_kappa": phi * kb})
    x = np.array([r["L"] for r in rows], float)
    y = np.array([r["phi_kappa"] for r in rows], float)
    slopes = np.diff(np.log(y)) / np.diff(np.log(x))
    power = fit_rate(x, y)
    stretched = fit_stretched_exponential(x, y)
    back = min(4, len(slopes) - 1)
    growth = float(slopes[-1] / slopes[-1 - back]) if slopes[-1 - back] > 0 else math.inf
    return {
        "case": case.name,
        "family": case.family,
        "description": case.description,
        "rows": rows,
        "local_slopes": slopes.tolist(),
        "slope_growth": growth,
        "last_slope": float(slopes[-1]),
        "power_law": {"exponent": power.slope, "rms_residual_log": power.rms_residual},
        "stretched_exponential": {"b": stretched.b, "c": stretched.c, "rms_residual_log": stretched.rms_residual},
        "verdict": "almost-polynomial" if growth <= SLOPE_GROWTH_LIMIT else "super-polynomial",
    }
