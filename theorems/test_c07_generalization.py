"""C7 generalization bound, statistically: violation rate (Clopper–Pearson) ≤ δ; true vs random labels."""

from hypothesis import given

from checks.claims import get

C7, C7L = get("C7"), get("C7-labels")


@given(instance=C7.instances(None))
def test_c7_violation_rate_below_delta(instance, check_claim, ledger):
    m = check_claim(C7, instance)
    assert m.details["non_vacuous"], "no non-vacuous configuration: the check would have no teeth"


@given(instance=C7L.instances(None))
def test_c7_separates_true_from_random_labels(instance, check_claim):
    check_claim(C7L, instance)
