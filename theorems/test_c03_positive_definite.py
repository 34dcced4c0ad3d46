"""C3 positive definiteness: (a) ``H∞ ⪰ 0`` on every sample; (b) under A3 (``X_1 ≠ 0``, some step with
pairwise non-parallel inputs) ``λ_0 = λ_min(H∞) > 0``, and without A3 (duplicated or parallel sequences)
``H∞`` is singular; (c) under A1 ``λ_min(H(W_0)) ≥ λ_0 / 2``."""

from checks.harness.factory import claim_test

test_c3 = claim_test("C3")
