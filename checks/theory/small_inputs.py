"""The A6 small-input normalization (docs/claims.md A6): ``‖X_l‖ ≤ ε(L)`` for the steps ``l ≥ 2``, in one place.

:func:`parse_small_inputs` reads an ``ε(L)`` (``"1/L"``, ``"1/sqrt(L)"`` or a number in ``(0, 1]``) as every command
and instance carries it; :func:`clip_steps` applies it to a sample, ``X_l ← X_l · min(1, ε / ‖X_l‖)`` for
``l ≥ 2`` (a zero step stays zero); :func:`expected_norms` gives the per-step norms a certificate uses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["SmallInputs", "clip_steps", "expected_norms", "parse_small_inputs"]


@dataclass(frozen=True)
class SmallInputs:
    """The A6 normalization ``‖X_l‖ ≤ ε(L)`` for ``l ≥ 2``: ``spec`` is ``"1/L"``, ``"1/sqrt(L)"`` or a number."""

    spec: str

    def epsilon(self, L: int) -> float:
        """``ε(L)``: ``1/L``, ``1/√L`` or the fixed value."""
        if self.spec == "1/L":
            return 1.0 / L
        if self.spec == "1/sqrt(L)":
            return 1.0 / math.sqrt(L)
        return float(self.spec)


_SPEC_SHAPES = {"1/l": "1/L", "1/sqrt(l)": "1/sqrt(L)", "1/√l": "1/sqrt(L)"}


def parse_small_inputs(spec) -> SmallInputs | None:
    """The A6 contrast option (docs/claims.md A6), as the command line takes it.

    ``None`` (or ``"none"``): no A6.  ``"1/L"``, ``"1/sqrt(L)"``: ``ε`` shrinking with ``L``.  A number or a
    numeric string (``"0.1"``): a fixed ``ε ∈ (0, 1]`` (an ``ε > 1`` would not be a smallness condition).
    Raises ``ValueError`` naming the accepted forms otherwise.
    """
    if spec is None or isinstance(spec, SmallInputs):
        return spec
    accepted = "accepted: None, '1/L', '1/sqrt(L)' or a number in (0, 1] such as '0.1'"
    if isinstance(spec, bool):
        raise ValueError(f"small_inputs {spec!r} not understood; {accepted}")
    if isinstance(spec, str):
        key = re.sub(r"\s+", "", spec).lower()
        if key in ("none", ""):
            return None
        if key in _SPEC_SHAPES:
            return SmallInputs(_SPEC_SHAPES[key])
        try:
            value = float(key)
        except ValueError:
            raise ValueError(f"small_inputs {spec!r} not understood; {accepted}") from None
    elif isinstance(spec, (int, float, np.integer, np.floating)):
        value = float(spec)
    else:
        raise ValueError(f"small_inputs {spec!r} not understood; {accepted}")
    if not (math.isfinite(value) and 0 < value <= 1):
        raise ValueError(f"small_inputs ε = {value!r} must lie in (0, 1]; {accepted}")
    return SmallInputs(repr(value))


def clip_steps(X: np.ndarray, eps: float) -> np.ndarray:
    """A copy of the sample ``X (n, L, d)`` with ``X_l ← X_l · min(1, ε / ‖X_l‖)`` for ``l ≥ 2`` (A6).

    The norm is floored at the smallest positive float, so a zero step stays zero (no ``0/0``)."""
    X = np.array(X, dtype=float, copy=True)
    norms = np.linalg.norm(X[:, 1:], axis=-1, keepdims=True)
    X[:, 1:] *= np.minimum(1.0, eps / np.maximum(norms, np.finfo(float).tiny))
    return X


def expected_norms(L: int, small_inputs=None) -> np.ndarray:
    """Per-step norms the certificate uses (C9, fixed norms): ``r_l = 1`` (RMS norm of ``N(0, I_d/d)``), and
    ``r_l = min(1, ε(L))`` for ``l ≥ 2`` under A6 (the clipped norm)."""
    small = parse_small_inputs(small_inputs)
    r = np.ones(L)
    if small is not None:
        r[1:] = min(1.0, small.epsilon(L))
    return r
