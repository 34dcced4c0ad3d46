"""C8 kernel power series at fixed per-step norms of any size (A6 not needed)."""

from hypothesis import given

from checks.claims import get

C8A, C8B, C8C = get("C8a"), get("C8b"), get("C8c")


@given(instance=C8A.instances(None))
def test_c8a_coefficients_non_negative(instance, check_claim):
    check_claim(C8A, instance)


@given(instance=C8B.instances(None))
def test_c8b_truncated_series_converge_within_tail_bound(instance, check_claim):
    check_claim(C8B, instance)


@given(instance=C8C.instances(None))
def test_c8c_schur_lower_bound(instance, check_claim):
    check_claim(C8C, instance)
