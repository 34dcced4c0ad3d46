"""C9 additive targets ``y = Σ_l Σ_k a_{l,k} (β_lᵀ X_l)^k``: ``yᵀ H∞⁻¹ y ≤ Φ_add``; C9b: ``Φ_add · κ̄`` grows
almost-polynomially in ``L``.  C10 N-variable targets ``y = Σ_k a_k (βᵀ[X_{l_1}; …; X_{l_N}])^k``:
``yᵀ H∞⁻¹ y ≤ Φ_N``; C10b: ``Φ_N · κ̄`` against ``L``, ``N`` and ``l_0``.  Families whose measured growth is
super-polynomial are strict expected failures (recorded findings)."""

from checks.harness.factory import claim_test

test_c9 = claim_test("C9")
test_c10 = claim_test("C10")
