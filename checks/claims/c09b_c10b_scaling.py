"""C9b / C10b: ``Φ · κ̄`` grows almost-polynomially in ``L`` (the paper's headline claim).

One record per target family of ``checks.experiments.scaling.CASES``.  The growth classifier
(``checks.inference.growth.fit_growth_classes``) is fitted to ``log Φκ̄`` over ``L = 8 … 1024`` at the stated
resolution ``PHI_KAPPA_SIGMA``.  ``lhs`` is its statistic ``Δ`` (how much better the super-polynomial
class ``exp(a + p ln L + b L^c)`` fits than the best almost-polynomial class, in units of the noise),
``rhs`` the calibrated threshold ``DELTA_THRESHOLD`` above which the growth reads super-polynomial.
``compared`` (what the baseline comparison watches, 10% relative): the selected class as its index in
``GROWTH_CLASSES``, the super-polynomial ``c`` (0 when almost-polynomial) and ``Φ·κ̄`` at the largest ``L``.
A family whose measured growth is super-polynomial carries its finding as ``expected_fail`` (a strict
expected failure: CI flags a flip either way).  The falsified twin tests ``Φ`` itself, not ``κ̄``:
"``Φ = O(L^{-1})``".

The A6 contrast: under the audit scenarios ``+A6`` (``ε = 0.1``), ``+A6:1/L`` and
``+A6:1/sqrt(L)`` the instance carries ``small_inputs`` and the per-step norms are ``r_1 = 1``,
``r_l = ε(L)`` for ``l ≥ 2`` (``checks.experiments.scaling.measure``); the audit row records the selected
growth class and ``c`` (``rnn-theorems audit --add A6 --claims C9b,C10b``).  Without a scenario the
instance is unchanged (no ``small_inputs`` key).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.record import Resolution
from checks.claims.scenarios import GROWTH_SCENARIOS, with_small_inputs
from checks.experiments.scaling import CASES, LENGTHS, PHI_KAPPA_SIGMA, measure
from checks.inference.growth import DELTA_THRESHOLD, fit_growth_classes

WRONG_EXPONENT = -1.0
"""The falsified twin: ``Φ = O(L^{-1})`` (measured power-law exponents of Φ alone: −0.5 … −0.4 near the
end of the sequence, 18 at the start), a statement about the certificate, not about ``κ̄ = L(L−1)/4``."""
CASE_BY_NAME = {c.name: c for c in CASES}
STRETCH_EXPONENT = 0.3
"""The resolution's stretched exponential ``exp(b·L^0.3)``: the calibration's hardest super-polynomial law on this grid
(``checks.inference.growth_calibration``: ``exp(L^0.3)`` is what the former rule misread)."""
RESOLUTION = Resolution(f"Φ·κ̄ multiplied by exp(b·L^{STRETCH_EXPONENT}) on the record's grid, the classifier rerun",
                        f"amplitude b of exp(b·L^{STRETCH_EXPONENT})", "shift", limit=10.0)
"""A growth record's resolution: the smallest amplitude ``b`` of a stretched exponential hidden in ``Φ·κ̄`` that the
classifier reads as super-polynomial (for a super-polynomial record: the ``b`` whose division makes it read
almost-polynomial)."""


def scaling_instances(case: str):
    """The one deterministic instance of a scaling record: its case and the ``L`` grid (and ``small_inputs``,
    the ``ε(L)`` of an A6 scenario)."""

    return lambda scenario, profile: st.just(with_small_inputs({"case": case, "lengths": list(LENGTHS)}, scenario))


def _measure(instance) -> dict:
    return measure(CASE_BY_NAME[instance["case"]], instance["lengths"], instance.get("small_inputs"))


def evaluate(instance) -> Measurement:
    """The classifier's statistic ``Δ`` against its calibrated threshold (super-polynomial iff ``Δ > DELTA_THRESHOLD``)."""
    r = _measure(instance)
    L = np.array([row["L"] for row in r["rows"]], float)
    y = np.array([row["phi_kappa"] for row in r["rows"]], float)

    def rerun(b: float) -> Measurement:  # the classifier on Φκ̄·exp(b L^0.3), at the record's noise
        return Measurement(lhs=fit_growth_classes(L, y * np.exp(b * L**STRETCH_EXPONENT), sigma=PHI_KAPPA_SIGMA).delta,
                           rhs=DELTA_THRESHOLD)

    return Measurement(
        rerun=rerun,
        lhs=r["delta"],
        rhs=DELTA_THRESHOLD,
        rate={"slope": r["last_slope"], "power_law": r["power_law"], "stretched_exponential": r["stretched_exponential"]},
        details={**{k: r[k] for k in ("rows", "local_slopes", "verdict", "selected", "growth_classes", "description")},
                 "c": r["super_polynomial_c"]},
        compared={"class_index": float(r["class_index"]), "c": r["super_polynomial_c"],
                  "phi_kappa_at_max_L": float(r["rows"][-1]["phi_kappa"])},
    )


def evaluate_wrong_rate(instance) -> Measurement:
    """Falsified twin: ``Φ = O(L^{-1})``: the power-law exponent of ``Φ`` alone must not exceed −1."""
    r = _measure(instance)
    return Measurement(lhs=r["phi_exponent"], rhs=WRONG_EXPONENT)


for _case in CASES:
    register(
        Claim(
            id=("C9b-" if _case.family == "additive" else "C10b-") + _case.name,
            title=f"Almost-polynomial growth of Φ·κ̄ in L: {_case.description}",
            statement="Φ·κ̄ grows almost-polynomially in L = 8 … 1024: the calibrated growth classifier (resolution "
            "1e-4 in log Φκ̄) does not prefer exp(a + p ln L + b L^c) over every almost-polynomial class by Δ > 9",
            assumptions=("fixed unit norms",),
            strategy=scaling_instances(_case.name),
            scenarios=GROWTH_SCENARIOS,
            budget=lambda profile: 1,  # one deterministic instance
            evaluate=evaluate,
            twin=Twin.re_evaluated(evaluate_wrong_rate, "the certificate Φ claimed O(L^-1)"),
            lhs_name="classifier statistic Δ (super-polynomial over almost-polynomial fit)",
            rhs_name="calibrated threshold 9",
            formula=r"\Delta\chi^2 = \min_{g\ \text{almost-polynomial}} \chi^2(g) - \chi^2\big(e^{a + p\ln L + b L^{c}}\big) "
            r"\le 9 \quad \text{for } \log(\Phi\bar\kappa)(L),\ L = 8,\dots,1024",
            tolerance_reason="none: deterministic, exact coefficients; the classifier's resolution is stated",
            resolution=RESOLUTION,
            expected_fail=_case.finding,
        )
    )
