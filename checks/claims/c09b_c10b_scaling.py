"""C9b / C10 scaling: ``Φ · κ̄`` grows almost-polynomially in ``L`` (the paper's headline claim).

One record per target family of ``checks.scaling.CASES``.  ``lhs`` is the growth of the local
log-log slope over the last four doublings of ``L`` and ``rhs`` the stated limit
``SLOPE_GROWTH_LIMIT`` (see ``checks.scaling``).  A family whose measured growth is
super-polynomial carries its finding as ``expected_fail``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from checks.claims import Claim, Measurement, register
from checks.scaling import CASES, LENGTHS, SLOPE_GROWTH_LIMIT, measure

WRONG_EXPONENT = 1.0


def scaling_instance(claim_id: str) -> dict:
    """The one (deterministic) instance of a scaling record: its case and the L grid."""
    return {"case": claim_id.split("-", 1)[1], "lengths": list(LENGTHS)}


def scaling_claims(family_prefix: str) -> list[str]:
    """Registered ids of one family (``C9b-`` or ``C10b-``)."""
    return [c for c in CLAIM_IDS if c.startswith(family_prefix)]


def _instances(claim_id):
    return lambda scenario: st.just(scaling_instance(claim_id)) if scenario is None else None


def _case(name):
    return next(c for c in CASES if c.name == name)


def evaluate(instance) -> Measurement:
    r = measure(_case(instance["case"]), instance["lengths"])
    return Measurement(
        lhs=r["slope_growth"],
        rhs=SLOPE_GROWTH_LIMIT,
        rate={"slope": r["last_slope"], "power_law": r["power_law"], "stretched_exponential": r["stretched_exponential"]},
        details={k: r[k] for k in ("rows", "local_slopes", "verdict", "description")},
    )


def evaluate_wrong_rate(instance) -> Measurement:
    """Falsified twin: ``Φ·κ̄ = O(L^1)`` (the last doubling's slope must not exceed 1)."""
    r = measure(_case(instance["case"]), instance["lengths"])
    return Measurement(lhs=r["last_slope"], rhs=WRONG_EXPONENT)


CLAIM_IDS = [("C9b-" if c.family == "additive" else "C10b-") + c.name for c in CASES]

for _id, _c in zip(CLAIM_IDS, CASES):
    register(
        Claim(
            id=_id,
            title=f"Almost-polynomial growth of Φ·κ̄ in L: {_c.description}",
            statement="local slope of log(Φ·κ̄) vs log L settles (last-doubling slope ≤ 1.5 × the slope four doublings earlier), L = 8 … 1024",
            assumptions=("fixed unit norms",),
            instances=_instances(_id),
            evaluate=evaluate,
            twin_evaluate=evaluate_wrong_rate,
            twin_description="growth claimed O(L^1)",
            lhs_name="slope growth",
            rhs_name="limit",
            tolerance_reason="none: deterministic, exact coefficients",
            expected_fail=_c.finding,
        )
    )
