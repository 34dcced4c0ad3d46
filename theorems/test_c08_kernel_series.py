"""C8 kernel power series at fixed per-step norms of any size (A6 not needed):
``H∞(x, x') = Σ_α c_α Π_l G_l^{α_l}`` with (a) every ``c_α ≥ 0``, (b) truncations converging within the
diagonal tail bound, (c) the Schur lower bound ``H∞ ⪰ c_α G^{⊙α}``."""

from checks.harness.factory import claim_test

test_c8 = claim_test("C8")
