"""C7 generalization (the main theorem), under A1, A3, A4, A5: with probability ≥ 1 − δ,
``E ℓ ≤ (1/n) Σ ℓ_i + 2 √(yᵀ H∞⁻¹ y · tr H∞) / n + 3 √(log(2 N_R / δ) / (2n)) + ε(m)``; checked as a
violation rate over fresh samples (Clopper–Pearson upper limit ≤ δ), and the bound must separate
true labels from random labels (C7-labels)."""

from checks.harness.factory import claim_test

test_c7 = claim_test("C7")
