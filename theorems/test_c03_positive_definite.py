"""C3 positive definiteness: (a) H∞ ⪰ 0 always, (b) λ_0 > 0 under A3, (c) λ_min(H(W_0)) ≥ λ_0/2 under A1."""

from hypothesis import given

from checks.claims import get

C3A, C3B, C3C = get("C3a"), get("C3b"), get("C3c")


@given(instance=C3A.instances(None))
def test_c3a_psd_on_every_sample(instance, check_claim):
    check_claim(C3A, instance)


@given(instance=C3B.instances(None))
def test_c3b_positive_definite_under_a3(instance, check_claim):
    check_claim(C3B, instance)


@given(instance=C3B.instances("-A3"))
def test_c3b_singular_without_a3(instance):
    """The other direction of (b): duplicated or parallel sequences give a singular H∞."""
    m = C3B.evaluate(instance)
    assert not m.holds, f"λ_0/λ_max = {m.rhs:.3e} above n·eps = {m.lhs:.3e} on a degenerate sample"


@given(instance=C3C.instances(None))
def test_c3c_empirical_ntk_definite_at_init(instance, check_claim):
    check_claim(C3C, instance)
