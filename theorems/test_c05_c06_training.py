"""C5 linear convergence, under A1, A3, A4: ``‖r_t‖² ≤ (1 − η m λ_0 / 2)^t ‖r_0‖²`` for every step ``t``.
C6 perturbation radius: ``‖W_t − W_0‖_F ≤ R_m + o(1)`` with ``R_m = √(r_0ᵀ H(W_0)⁻¹ r_0 / m)``, and
``‖W_t − W_0‖_2 → 0`` as ``m → ∞`` (C6b)."""

from checks.harness.factory import claim_test

test_c5 = claim_test("C5")
test_c6 = claim_test("C6")
