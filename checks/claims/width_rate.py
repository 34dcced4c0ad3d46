"""The shape shared by the width-rate claims C1 and C2: ``deviation ≤ K · m^{-1/2} · (log terms)``.

Each claim is two records on the same kind of instance: the **rate** (the fitted log-log slope of
the deviation in ``m`` is consistent with ``−½`` or faster) and the **limit** (the deviation goes to
zero: in the fit ``deviation = c + K m^{-1/2}`` the limit ``c`` is consistent with 0).  A wrong
implementation whose deviation settles at a non-zero value can still show a decaying slope over a
finite grid; the limit record catches it.

The limit fit ``c + K m^{−½}`` is made on the **mean deviation per width** (the width, not the seed, is
the unit of replication), on the rate grid plus one more doubling of width (``LIMIT_EXTRA_DOUBLINGS``).
On samples with step norms spanning 0.1 … 9 the deviation is pre-asymptotic on ``m ≤ 4096``: its decay
is slow in the middle of the grid and fast beyond it (one instance: 0.09 at m = 4096, 0.035 at 8192,
0.017 at 16384).  The seeds at one width share that width's departure from ``c + K m^{−½}``; fitting
every seed as an independent point counted 4 correlated points as 4 and shrank the interval of ``c``
about twofold, so a departure of the shape read as ``c > 0``: 2 false alarms in 24 ci runs on
``m ≤ 2048``, and 1 in the first 9 runs with ``m = 4096`` added (a next-order term ``K_2 m^{−1}`` failed
on that instance too: lower limit 0.023).  On per-width means the residual variance carries the lack of
fit; those instances give lower limits −0.145, −0.011, −0.058, −0.107.

An instance is a sample, a seed, the profile's width grid and seeds per width, and the one-sided
level of the slope's confidence limit (Bonferroni over the profile's examples, carried in the
instance so that a saved instance replays with the same level under any profile).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from hypothesis import strategies as st

from checks.claims.record import Claim, Measurement, Resolution, Twin
from checks.claims.scenarios import sample_strategy
from checks.experiments.strategies import seeds
from checks.inference.stats import fit_limit, fit_rate
from checks.numerics.constants import TINY

__all__ = [
    "FAMILY_FALSE_ALARM",
    "LIMIT_EXTRA_DOUBLINGS",
    "SCENARIOS",
    "limit_measurement",
    "rate_instances",
    "rate_measurement",
    "width_rate_claims",
]

FAMILY_FALSE_ALARM = 0.01
"""Family-wise false-alarm rate of the rate claims: Bonferroni over the profile's examples."""

SCENARIOS = (None, "-A1", "-A2", "-A3", "+A6")
SMALL_WIDTHS = (4, 8, 16, 32)
"""The ``-A1`` width grid: far below the regime where the NTK concentrates."""
LIMIT_EXTRA_DOUBLINGS = 1
"""Doublings of width the limit records add beyond the rate grid: the limit is read off the largest widths."""
RATE_RESOLUTION = Resolution("the deviation multiplied by m^b: the fitted slope and its confidence limit move by b",
                             "exponent b of m", "shift", limit=10.0)
"""A rate record's resolution: the smallest exponent ``b`` of a factor ``m^b`` on the deviation (a deviation that decays
slower by ``b``) that flips the slope's confidence limit past the claimed ``−½`` (exact: a log-log least-squares fit
moves by ``b``)."""
LIMIT_RESOLUTION = Resolution("a constant c added to the mean deviation at every width: the fitted limit moves by c",
                              "limit c (units of the deviation)", "shift", limit=10.0)
"""A limit record's resolution: the smallest constant ``c`` the deviation could settle at (a deviation ``c + K m^{−½}``)
that the limit's confidence limit sees as non-zero (exact: the weighted least-squares fit is linear in the means)."""


def rate_instances(scenario: str | None, profile, *, extra_doublings: int = 0) -> st.SearchStrategy:
    """Instances ``{"X", "seed", "widths", "seeds_per_width", "one_sided_alpha"}`` of C1, C2; the width grid
    is the profile's (``SMALL_WIDTHS`` under ``-A1``) followed by ``extra_doublings`` doublings of its largest width."""
    widths = list(SMALL_WIDTHS if scenario == "-A1" else profile.rate_widths)
    widths += [widths[-1] * 2 ** (k + 1) for k in range(extra_doublings)]
    return st.fixed_dictionaries(
        {
            "X": sample_strategy(None if scenario == "-A1" else scenario).map(np.ndarray.tolist),
            "seed": seeds(),
            "widths": st.just(list(widths)),
            "seeds_per_width": st.just(profile.rate_seeds),
            "one_sided_alpha": st.just(FAMILY_FALSE_ALARM / profile.max_examples),
        }
    )


def rate_measurement(widths, deviations, scaled, *, claimed: float, alpha: float, details: dict) -> Measurement:
    """A width-rate claim ``deviation ≤ K · rate_term`` with ``rate_term ∝ m^{claimed}``.

    ``deviations[k]`` is the worst deviation at ``widths[k]``; ``scaled[k]`` the worst
    ``deviation / rate_term`` there.  ``lhs`` is the lower one-sided limit (level ``alpha``) of
    the fitted log-log slope, ``rhs`` the claimed exponent; the implied constant is ``max(scaled)``.
    """
    dev = np.maximum(np.asarray(deviations, dtype=float), TINY)
    fit = fit_rate(widths, dev, confidence=1 - 2 * alpha)
    return Measurement(
        lhs=fit.ci_low,
        rhs=claimed,
        rate=fit.as_dict(),
        constant=float(np.max(scaled)),
        details={
            **details,
            "slope": fit.slope,
            "one_sided_alpha": alpha,
            "widths": list(widths),
            "deviations": list(map(float, deviations)),
        },
    )


def limit_measurement(widths, deviations, *, alpha: float, exponent: float = -0.5, details: dict) -> Measurement:
    """The limit of the deviation: ``lhs`` the lower one-sided limit (level ``alpha``) of ``c`` in
    ``mean deviation at m = c + K m^{exponent}`` (one point per width), ``rhs = 0`` (holds when ``c = 0`` is
    consistent with the data)."""
    grid = sorted(set(widths))
    by_width = np.asarray(widths)
    means = [float(np.mean(np.asarray(deviations)[by_width == m])) for m in grid]
    fit = fit_limit(grid, means, exponent=exponent, confidence=1 - 2 * alpha)
    return Measurement(
        lhs=fit.ci_low,
        rhs=0.0,
        constant=fit.constant,
        details={**details, "limit": fit.as_dict(), "one_sided_alpha": alpha, "widths": list(widths),
                 "deviations": list(map(float, deviations))},
    )


def width_rate_claims(family: str, title: str, statement: str, deviations, *, formula: str | None = None, **extra) -> tuple[Claim, Claim]:
    """The two records of an ``O(m^{-1/2})`` width-rate claim (C1, C2): the rate and the limit.

    ``deviations(instance)`` returns ``(widths, deviations, scaled, details)``: the worst deviation at
    each width and seed, and the worst ``deviation / rate_term`` (the implied constant's evidence).  ``formula``: the
    statement in LaTeX (``Claim.formula``), shared by both records.
    """

    def evaluate_rate(instance):
        widths, devs, scaled, info = deviations(instance)
        return rate_measurement(widths, devs, scaled, claimed=-0.5, alpha=instance["one_sided_alpha"], details=info)

    def evaluate_limit(instance, exponent=-0.5):
        widths, devs, _, info = deviations(instance)
        return limit_measurement(widths, devs, alpha=instance["one_sided_alpha"], exponent=exponent, details=info)

    common = dict(assumptions=("A2",), scenarios=SCENARIOS, false_alarm=FAMILY_FALSE_ALARM, formula=formula)
    rate = Claim(
        id=family,
        title=title,
        statement=statement + "; log-log slope in m ≤ −½",
        evaluate=evaluate_rate,
        strategy=rate_instances,
        twin=Twin.wrong_rate(-1.0, "claimed rate m^-1 instead of m^-1/2"),
        lhs_name="slope lower limit",
        rhs_name="claimed exponent",
        tolerance_reason="none: the slope's confidence limit already carries the sampling error",
        resolution=RATE_RESOLUTION,
        **common,
        **extra,
    )
    limit = Claim(
        id=f"{family}-limit",
        title=f"{title}: the deviation tends to zero",
        statement=statement + "; in mean deviation = c + K m^{-1/2} (per width, widths to twice the rate grid's largest) the limit c is 0",
        strategy=partial(rate_instances, extra_doublings=LIMIT_EXTRA_DOUBLINGS),
        evaluate=evaluate_limit,
        twin=Twin.re_evaluated(
            lambda inst: evaluate_limit(inst, exponent=-1.0),
            "deviation = c + K/m with c = 0 (the deviation truly decays like m^{-1/2}, so a 1/m fit needs c > 0)",
        ),
        lhs_name="lower limit of c",
        rhs_name="0",
        tolerance_reason="none: the confidence limit of c carries the sampling error",
        resolution=LIMIT_RESOLUTION,
        **common,
    )
    return rate, limit
