"""C4 stability in a perturbation radius: exponents in ω for random and gradient directions."""

from hypothesis import given

from checks.claims import get

C4A, C4B = get("C4a"), get("C4b")


@given(instance=C4A.instances(None))
def test_c4a_hidden_states_lipschitz(instance, check_claim):
    check_claim(C4A, instance)


@given(instance=C4B.instances(None))
def test_c4b_ntk_stable(instance, check_claim):
    check_claim(C4B, instance)
