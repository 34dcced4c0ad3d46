"""C7 generalization (the main theorem), under A1, A3, A4, A5: with probability ≥ 1 − δ,
``E ℓ ≤ (1/n) Σ ℓ_i + 2 R_k √(tr H∞) / n + 3 √(log(2 N_R / δ) / (2n)) + ε(m)``; checked as a
violation rate over the fresh samples whose bound can fail (bound < 1; Clopper–Pearson upper limit ≤ δ),
and the bound must separate true labels from random labels (C7-labels).

The proof's links, each a record of the family: the Rademacher complexity of the kernel ball of radius
``R_k``, ``(R_k/n) E_σ √(σᵀH∞σ)``, lies in ``[1/√2, 1] · R_k √(tr H∞)/n`` (C7-rademacher: Jensen;
C7-rademacher-lower: Khintchine–Kahane); the trained network lies in the ball of the grid radius,
``√m max_t ‖W_t − W_0‖_F ≤ R_k`` (C7-radius); ``ε(m) = E|F(x; W_T) − ⟨∇f(x; W_0), W_T − W_0⟩|`` shrinks with
the width (C7-linearization)."""

from checks.harness.factory import claim_test

test_c7 = claim_test("C7")
