"""C9b / C10b: ``Φ · κ̄`` grows almost-polynomially in ``L`` (the paper's headline claim).

One record per target family of ``checks.experiments.scaling.CASES``.  The three growth classes
(``L^p``, ``exp(c ln²L)``, ``exp(b L^c)``) are fitted to ``log Φκ̄`` over ``L = 8 … 1024`` and one is
selected by AICc (``checks.stats.fit_growth_classes``).  ``lhs`` is the exponent ``c`` of the
stretched exponential when AICc selects it with ``b > 0`` (else 0), ``rhs`` the stated threshold
``STRETCHED_C_THRESHOLD = 0.15`` above which the growth is super-polynomial.  A family whose measured
growth is super-polynomial carries its finding as ``expected_fail`` (a strict expected failure: CI
flags a flip either way).  The falsified twin tests ``Φ`` itself, not ``κ̄``: "``Φ = O(L^{-1})``".

The A6 contrast: under the audit scenarios ``+A6`` (``ε = 0.1``), ``+A6:1/L`` and
``+A6:1/sqrt(L)`` the instance carries ``small_inputs`` and the per-step norms are ``r_1 = 1``,
``r_l = ε(L)`` for ``l ≥ 2`` (``checks.experiments.scaling.measure``); the audit row records the selected
growth class and ``c`` (``rnn-theorems audit --add A6 --claims C9b,C10b``).  Without a scenario the
instance is unchanged (no ``small_inputs`` key).
"""

from __future__ import annotations

from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import GROWTH_SCENARIOS, with_small_inputs
from checks.experiments.scaling import CASES, LENGTHS, measure
from checks.stats import STRETCHED_C_THRESHOLD

WRONG_EXPONENT = -1.0
"""The falsified twin: ``Φ = O(L^{-1})`` (measured power-law exponents of Φ alone: −0.5 … −0.4 near the
end of the sequence, 18 at the start), a statement about the certificate, not about ``κ̄ = L(L−1)/4``."""
CASE_BY_NAME = {c.name: c for c in CASES}


def scaling_instances(case: str):
    """The one deterministic instance of a scaling record: its case and the ``L`` grid (and ``small_inputs``,
    the ``ε(L)`` of an A6 scenario)."""

    return lambda scenario, profile: st.just(with_small_inputs({"case": case, "lengths": list(LENGTHS)}, scenario))


def _measure(instance) -> dict:
    return measure(CASE_BY_NAME[instance["case"]], instance["lengths"], instance.get("small_inputs"))


def evaluate(instance) -> Measurement:
    """The super-polynomial exponent ``c`` (0 unless AICc selects ``exp(a + b L^c)`` with ``b > 0``) against 0.15."""
    r = _measure(instance)
    return Measurement(
        lhs=r["super_polynomial_c"],
        rhs=STRETCHED_C_THRESHOLD,
        rate={"slope": r["last_slope"], "power_law": r["power_law"], "stretched_exponential": r["stretched_exponential"]},
        details={k: r[k] for k in ("rows", "local_slopes", "verdict", "selected", "growth_classes", "description")},
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
            statement="Φ·κ̄ grows almost-polynomially in L = 8 … 1024: AICc over L^p, exp(c ln²L), exp(b L^c) "
            "does not select exp(b L^c) with c > 0.15",
            assumptions=("fixed unit norms",),
            strategy=scaling_instances(_case.name),
            scenarios=GROWTH_SCENARIOS,
            budget=lambda profile: 1,  # one deterministic instance
            evaluate=evaluate,
            twin=Twin.re_evaluated(evaluate_wrong_rate, "the certificate Φ claimed O(L^-1)"),
            lhs_name="selected stretched-exponential c",
            rhs_name="0.15",
            tolerance_reason="none: deterministic, exact coefficients",
            expected_fail=_case.finding,
        )
    )
