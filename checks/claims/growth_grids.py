"""The grids and noise levels the growth classifier is calibrated on: the growth records' own (docs/claims.md, growth
classifier), keyed by ``checks.inference.growth_calibration.GRIDS``."""

from __future__ import annotations

__all__ = ["grids"]


def grids() -> dict:
    """Each record family's grid and noise of ``log y``: ``{name: (lengths, sigma)}`` (the records' own constants)."""
    from checks.claims.c11_learning_curves import LENGTHS as C11_LENGTHS
    from checks.experiments.learning_curves import N_STAR_SIGMA
    from checks.experiments.scaling import LENGTHS, PHI_KAPPA_SIGMA

    return {"C9b/C10b": (LENGTHS, PHI_KAPPA_SIGMA), "C11": (C11_LENGTHS, N_STAR_SIGMA)}
