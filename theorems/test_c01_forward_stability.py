"""C1 forward stability (A2 only, no A6): ``| ‖h_l(x_i)‖² / Q_l(x_i, x_i) − 1 | ≤ K_1 √(l log(2nL/δ) / m)``
with probability ≥ 1 − δ; checked as the decay rate ``m^{-1/2}`` of the deviation over a width grid."""

from checks.harness.factory import claim_test

test_c1 = claim_test("C1")
