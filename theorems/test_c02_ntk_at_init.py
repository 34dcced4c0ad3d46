"""C2 NTK at initialization: ``max_ij |H(W_0)_ij − H∞_ij| / κ̄ ≤ K_2 √(log(2n²/δ) / m)``; checked as the
decay rate ``m^{-1/2}`` over a width grid, with ``K_2`` reported against ``L``."""

from checks.harness.factory import claim_test

test_c2 = claim_test("C2")
