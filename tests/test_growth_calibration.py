"""The growth classifier's confusion matrix on the records' own grids (docs/claims.md, growth classifier)."""

import numpy as np
import pytest

from checks.claims.growth_grids import grids
from checks.inference.growth import fit_growth_classes
from checks.inference.growth_calibration import CURVES, GRIDS, REPS, STATED_RATES, confusion

RATE_RESOLUTION = 0.1
"""A measured rate may differ from its stated value by at most this (4 of 40 draws: a different BLAS reorders sums and
can move a draw that sits at the threshold); a regression of the classifier moves rates far more."""


@pytest.mark.parametrize("grid", GRIDS)
def test_confusion_matrix_per_law_matches_the_stated_rates(grid):
    lengths, sigma = grids()[grid]
    rates = confusion(lengths, sigma, reps=REPS, seed=0)
    measured = {r.law: r.rate for r in rates}
    stated = {law: STATED_RATES[grid].get(law, 0.0) for law in CURVES}
    off = {law: (measured[law], stated[law]) for law in CURVES if abs(measured[law] - stated[law]) > RATE_RESOLUTION}
    assert not off, f"{grid}: measured vs stated error rate: {off}"
    almost = [r for r in rates if r.truth == "almost-polynomial"]
    assert all(r.rate <= 0.05 for r in almost), "the false-alarm goal: ≤ 5% for every almost-polynomial law"
    if grid == "C9b/C10b":
        assert all(r.rate <= 0.05 for r in rates), "the goal on the certificate's grid: ≤ 5% for every law"


@pytest.mark.parametrize("law", ["κ̄·exp(L^0.3)", "L^3·exp(0.5 L^0.3)"])
def test_the_former_blind_spots_read_super_polynomial_on_the_certificate_grid(law):
    lengths, sigma = grids()["C9b/C10b"]
    L = np.asarray(lengths, float)
    fit = fit_growth_classes(L, np.exp(CURVES[law][1](L)), sigma=sigma)
    assert fit.verdict == "super-polynomial" and 0.2 < fit.c < 0.45
