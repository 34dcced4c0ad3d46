"""C10 N-variable concept class: yᵀH∞⁻¹y ≤ Φ_N, and Φ_N·κ̄ against L, N and l_0."""

import pytest
from hypothesis import given

from checks.claims import get
from checks.claims.c09b_c10b_scaling import scaling_claims, scaling_instance
from theorems.test_c09_additive import as_params

C10 = get("C10")


@given(instance=C10.instances(None))
def test_c10_n_variable_certificate(instance, check_claim):
    check_claim(C10, instance)


@pytest.mark.parametrize("claim_id", as_params(scaling_claims("C10b-")))
def test_c10_almost_polynomial_in_L(claim_id, check_claim):
    check_claim(get(claim_id), scaling_instance(claim_id))
