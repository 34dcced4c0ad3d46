"""C1 forward stability (needs A2 only, not A6): deviation of ‖h_l‖²/Q_l from 1 decays like m^{-1/2}."""

from hypothesis import given

from checks.claims import get

CLAIM = get("C1")


@given(instance=CLAIM.instances(None))
def test_c1_forward_stability(instance, check_claim):
    check_claim(CLAIM, instance)
