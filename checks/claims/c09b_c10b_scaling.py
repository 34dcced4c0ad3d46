"""C9b / C10b: ``Φ · κ̄`` grows almost-polynomially in ``L`` (the paper's headline claim).

One record per target family of ``checks.experiments.scaling.CASES``.  ``lhs`` is the growth of
the local log-log slope over the last four doublings of ``L`` and ``rhs`` the stated limit
``SLOPE_GROWTH_LIMIT`` (see ``checks.experiments.scaling``).  A family whose measured growth is
super-polynomial carries its finding as ``expected_fail`` (a strict expected failure: CI flags
a flip either way).
"""

from __future__ import annotations

from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.experiments.scaling import CASES, LENGTHS, SLOPE_GROWTH_LIMIT, measure

WRONG_EXPONENT = 1.0
"""The falsified twin's growth: ``Φ·κ̄ = O(L^1)`` (the measured exponents are ≈ 1.6 or growing)."""
CASE_BY_NAME = {c.name: c for c in CASES}


def scaling_instances(case: str):
    """The one deterministic instance of a scaling record: its case and the ``L`` grid."""
    return lambda scenario, profile: st.just({"case": case, "lengths": list(LENGTHS)})


def evaluate(instance) -> Measurement:
    """Slope growth of ``log Φκ̄`` against ``log L`` (last doubling over four doublings earlier)."""
    r = measure(CASE_BY_NAME[instance["case"]], instance["lengths"])
    return Measurement(
        lhs=r["slope_growth"],
        rhs=SLOPE_GROWTH_LIMIT,
        rate={"slope": r["last_slope"], "power_law": r["power_law"], "stretched_exponential": r["stretched_exponential"]},
        details={k: r[k] for k in ("rows", "local_slopes", "verdict", "description")},
    )


def evaluate_wrong_rate(instance) -> Measurement:
    """Falsified twin: ``Φ·κ̄ = O(L^1)`` (the last doubling's slope must not exceed 1)."""
    r = measure(CASE_BY_NAME[instance["case"]], instance["lengths"])
    return Measurement(lhs=r["last_slope"], rhs=WRONG_EXPONENT)


for _case in CASES:
    register(
        Claim(
            id=("C9b-" if _case.family == "additive" else "C10b-") + _case.name,
            title=f"Almost-polynomial growth of Φ·κ̄ in L: {_case.description}",
            statement="local slope of log(Φ·κ̄) vs log L settles (last-doubling slope ≤ 1.5 × the slope four "
            "doublings earlier), L = 8 … 1024",
            assumptions=("fixed unit norms",),
            strategy=scaling_instances(_case.name),
            budget=lambda profile: 1,  # one deterministic instance
            evaluate=evaluate,
            twin=Twin.re_evaluated(evaluate_wrong_rate, "growth claimed O(L^1)"),
            lhs_name="slope growth",
            rhs_name="limit",
            tolerance_reason="none: deterministic, exact coefficients",
            expected_fail=_case.finding,
        )
    )
