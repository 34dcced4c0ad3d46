"""Pieces shared by claim records: instance scenarios and the rate-claim measurement."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from checks.bounds import spectrum_edges
from checks.claims import Claim, Measurement, claimed_rate
from checks.ntk import infinite_ntk
from checks.profiles import active
from checks.stats import fit_rate
from checks.strategies import degenerate_samples, samples, seeds

SCENARIOS = {
    None: "all assumptions of the claim hold",
    "-A1": "drop A1: widths far below the regime (m ≤ 32)",
    "-A2": "drop A2: input norms growing to 10⁴",
    "-A3": "drop A3: duplicated or parallel sequences",
    "-A4": "drop A4: step size 4× the A4 limit",
    "-A5": "drop A5: heavy-tailed labels (Student t, 1 degree of freedom)",
    "+A6": "add A6: small inputs ‖X_l‖ ≤ 0.1 for l ≥ 2",
}


def instance_sample(instance: dict) -> torch.Tensor:
    """The sample ``X (n, L, d)`` of a JSON-able instance, as a float64 tensor."""
    return torch.as_tensor(np.asarray(instance["X"]), dtype=torch.float64)


def inverse_condition(instance: dict) -> float:
    """``λ_min(H∞) / λ_max(H∞)`` on the instance's sample (used to filter ill-posed instances)."""
    lam_min, lam_max = spectrum_edges(infinite_ntk(instance_sample(instance)))
    return lam_min / lam_max


FAMILY_FALSE_ALARM = 0.01
"""Family-wise false-alarm rate of the rate claims: Bonferroni over the profile's examples."""


NORM_RANGES = {None: (0.05, 10.0), "-A2": (100.0, 1e4), "+A6": (0.01, 0.1)}
"""Per-step input norms by scenario: any size (default), growing (drop A2), small (add A6)."""


def step_norm_lists(scenario: str | None, L: int) -> st.SearchStrategy:
    """Fixed per-step norms ``r_1..r_L`` for the series claims (C8–C10)."""
    lo, hi = NORM_RANGES[scenario]
    return st.lists(st.floats(lo, hi, allow_nan=False, width=64), min_size=L, max_size=L)


def sample_strategy(scenario: str | None, **kwargs):
    """Samples for a scenario (see ``SCENARIOS``); ``kwargs`` go to :func:`samples`."""
    if scenario == "-A2":
        return samples(norm_range=NORM_RANGES["-A2"], **kwargs)
    if scenario == "-A3":
        kwargs.pop("a3", None)
        return degenerate_samples(**kwargs)
    if scenario == "+A6":
        return samples(**kwargs).map(_small_after_first)
    return samples(**kwargs)


def _small_after_first(X: np.ndarray) -> np.ndarray:
    X = X.copy()
    norms = np.linalg.norm(X[:, 1:], axis=-1, keepdims=True)
    X[:, 1:] *= np.minimum(1.0, 0.1 / norms)
    return X


def rate_instances(scenario: str | None) -> st.SearchStrategy | None:
    """Instances ``{"X", "seed", "widths", "seeds_per_width"}`` of a width-rate claim (C1, C2)."""
    if scenario not in (None, "-A1", "-A2", "-A3", "+A6"):
        return None
    prof = active()
    widths = (4, 8, 16, 32) if scenario == "-A1" else prof.rate_widths
    return st.fixed_dictionaries(
        {
            "X": sample_strategy(scenario).map(np.ndarray.tolist),
            "seed": seeds(),
            "widths": st.just(list(widths)),
            "seeds_per_width": st.just(prof.rate_seeds),
        }
    )


def rate_measurement(widths, deviations, scaled, *, claimed: float, details: dict) -> Measurement:
    """A width-rate claim ``deviation ≤ K · rate_term`` with ``rate_term ∝ m^{claimed}``.

    ``deviations[k]`` is the worst deviation at ``widths[k]``; ``scaled[k]`` the worst
    ``deviation / rate_term`` there.

    ``lhs`` is the lower one-sided limit of the fitted slope at level
    ``FAMILY_FALSE_ALARM / max_examples`` (so a true claim fails in at most 1% of runs),
    ``rhs`` the claimed exponent.  The implied constant is ``max(scaled)``.
    """
    alpha = FAMILY_FALSE_ALARM / active().max_examples
    dev = np.maximum(np.asarray(deviations, dtype=float), np.finfo(float).tiny)
    fit = fit_rate(widths, dev, confidence=1 - 2 * alpha)
    return Measurement(
        lhs=fit.ci_low,
        rhs=claimed,
        rate=fit.as_dict(),
        constant=float(np.max(scaled)),
        details={**details, "slope": fit.slope, "one_sided_alpha": alpha, "widths": list(widths), "deviations": list(map(float, deviations))},
    )


def width_rate_claim(id: str, title: str, statement: str, evaluate) -> Claim:
    """The record of an ``O(m^{-1/2})`` width-rate claim (C1, C2): one shape, one place."""
    return Claim(
        id=id,
        title=title,
        statement=statement,
        assumptions=("A2",),
        instances=rate_instances,
        evaluate=evaluate,
        twin=claimed_rate(-1.0),
        twin_description="claimed rate m^-1 instead of m^-1/2",
        lhs_name="slope lower limit",
        rhs_name="claimed exponent",
        tolerance_reason="none: the slope's confidence limit already carries the sampling error",
    )
