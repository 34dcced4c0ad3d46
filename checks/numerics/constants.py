"""Numeric constants shared by the mathematics and the claims, each with its reason (one home).

Nothing here is tuned to make a check pass: each value is either a property of float64
arithmetic or a stated choice of the specification (docs/claims.md).
"""

from __future__ import annotations

import numpy as np

__all__ = ["DELTA", "EPS", "SEPARATION_FLOOR", "TINY"]

EPS = float(np.finfo(np.float64).eps)
"""float64 unit round-off (2.2e-16): every round-off tolerance is a multiple of it, stated beside its use."""

TINY = float(np.finfo(np.float64).tiny)
"""Smallest normal float64: a floor that keeps a measured zero out of a logarithm (rate fits)."""

DELTA = 0.1
"""The failure probability δ of the high-probability claims (C1, C2, C7): their statements hold
"with probability ≥ 1 − δ"; 0.1 is the specification's choice, used by the claims and the sweep alike."""

SEPARATION_FLOOR = 1e-12
"""How much smaller ``bound(true) / bound(random)`` must be than 1 to count as C7-labels' strict ``<`` (synthetic and
real-data records alike): both bounds share ``n``, ``tr H`` and often the dyadic grid radius, so a tie is exact in exact
arithmetic and only the training losses' round-off (``~n·eps ≤ 2e-13`` at ``n = 1000``) separates the computed
numbers; 1e-12 keeps a factor 5 above that."""
