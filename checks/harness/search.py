"""Searching a claim's instances: the falsified-twin search and the assumption audit share this."""

from __future__ import annotations

import math
from collections.abc import Callable

from hypothesis import Phase, find, target
from hypothesis.errors import NoSuchExample

from checks.claims import Claim, Measurement, Profile
from checks.claims.profiles import hypothesis_settings
from checks.experiments.strategies import freeze_example_constants
from checks.numerics.linalg import SingularKernelError

TWIN_EXAMPLES = 100
"""Instances searched for a twin's failure: a twin that survives 100 targeted instances is not caught."""


def find_failure(
    claim: Claim,
    scenario: str | None,
    profile: Profile,
    evaluate: Callable[[dict], Measurement] | None = None,
    *,
    max_examples: int = 20,
    shrink: bool = False,
) -> tuple[dict, Measurement] | None:
    """First instance of ``claim`` in ``scenario`` on which ``evaluate`` (default the claim's own) fails.

    Deterministic (derandomized) and targeted (Hypothesis's ``target`` on the negative margin,
    so the search climbs toward the tightest instances).  ``None`` if no failure is found in
    ``max_examples``.
    """
    strategy = claim.instances(scenario, profile)
    if strategy is None:
        raise ValueError(f"{claim.id} has no instances for scenario {scenario!r}")
    freeze_example_constants()
    evaluate = _breaks_on_singular(evaluate or claim.evaluate)
    phases = (Phase.generate, Phase.target, Phase.shrink) if shrink else (Phase.generate, Phase.target)

    def fails(inst) -> bool:
        m = evaluate(inst)
        # Targeted search: steer generation toward instances with smaller margins.
        target(max(-1e300, min(1e300, -m.margin)) if math.isfinite(m.margin) else 1e300)
        return not m.holds

    try:
        instance = find(
            strategy,
            fails,
            settings=hypothesis_settings(max_examples, derandomize=True, phases=phases, all_health_checks_off=True),
        )
    except NoSuchExample:
        return None
    return instance, evaluate(instance)


def _breaks_on_singular(evaluate):
    """A kernel that cannot be inverted (e.g. at width 4) is a break of the claim, kept with its reason."""

    def safe(instance):
        try:
            return evaluate(instance)
        except SingularKernelError as e:
            return Measurement(lhs=math.inf, rhs=0.0, details={"error": str(e)})

    return safe


def falsified_twin_failure(claim: Claim, profile: Profile, *, max_examples: int = TWIN_EXAMPLES):
    """The instance on which the claim's falsified twin fails (``None`` if the twin slips through)."""
    if claim.twin.scenario is not None:
        return find_failure(claim, claim.twin.scenario, profile, max_examples=max_examples)
    return find_failure(claim, None, profile, claim.evaluate_twin, max_examples=max_examples)
