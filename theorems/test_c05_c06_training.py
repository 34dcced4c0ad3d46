"""C5 linear convergence, C6 perturbation radius of gradient descent (batched training at each width).

Each instance trains every width of the profile's grid, so these use fewer examples
(``train_examples`` of the profile)."""

from hypothesis import given, settings

from checks.claims import get
from checks.profiles import active

C5, C6, C6B = get("C5"), get("C6"), get("C6b")
FEW = settings(max_examples=active().train_examples)


@FEW
@given(instance=C5.instances(None))
def test_c5_linear_convergence(instance, check_claim):
    check_claim(C5, instance)


@FEW
@given(instance=C6.instances(None))
def test_c6_radius(instance, check_claim):
    check_claim(C6, instance)


@FEW
@given(instance=C6B.instances(None))
def test_c6b_spectral_distance_shrinks(instance, check_claim):
    check_claim(C6B, instance)
