"""Concept classes and their complexity certificates (docs/claims.md C9, C10).

Each target evaluates on a sample and gives a certificate ``Φ ≥ yᵀ H∞⁻¹ y`` built from the
kernel's power series (``checks.model.series``): a monomial ``Π_j (β_jᵀ X_{l_j})^{α_j}`` lies in the
RKHS of the Schur term ``c_α Π_j (X_{l_j}·X'_{l_j})^{α_j}`` with norm ``Π_j ‖β_j‖^{α_j} / √c_α``,
and ``H∞ ⪰ c_α G^{⊙α}`` (C8b), so RKHS norms add over monomials (triangle inequality).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import numpy as np
import torch

from checks.model.rnn import as_sample
from checks.model.series import kernel_series, step_norms
from checks.numerics import validate

__all__ = ["Additive", "NVariable", "Term", "taylor_coefficients"]


def _beta(beta) -> np.ndarray:
    b = np.asarray(beta, dtype=float).ravel()
    if b.size < 1 or not np.all(np.isfinite(b)):
        raise ValueError("β must be a finite, non-empty vector")
    return b


def _coeffs(coeffs) -> np.ndarray:
    a = np.asarray(coeffs, dtype=float).ravel()
    if a.size < 1 or not np.all(np.isfinite(a)):
        raise ValueError("power-series coefficients must be finite and non-empty")
    return a


def taylor_coefficients(name: str, degree: int) -> tuple[np.ndarray, float]:
    """Taylor coefficients of ``sin``/``exp``/``cos`` to ``degree`` and the factor ``1/(degree+1)!``
    of the Lagrange tail bound ``|f(z) − p(z)| ≤ |z|^{degree+1} / (degree+1)!`` (all three have
    derivatives bounded by ``e^{|z|}``; for ``exp`` the bound carries that factor, see ``tail_bound``)."""
    degree = validate.integer("degree", degree, minimum=0)
    k = np.arange(degree + 1)
    fact = np.array([math.factorial(int(i)) for i in k], dtype=float)
    if name == "exp":
        a = 1.0 / fact
    elif name == "sin":
        a = np.where(k % 2 == 1, (-1.0) ** ((k - 1) // 2) / fact, 0.0)
    elif name == "cos":
        a = np.where(k % 2 == 0, (-1.0) ** (k // 2) / fact, 0.0)
    else:
        raise ValueError(f"unknown function {name!r}; choose sin, cos or exp")
    return a, 1.0 / math.factorial(degree + 1)


@dataclass(frozen=True)
class Term:
    """``Σ_k a_k (βᵀ X_step)^k``: one summand ``f(β_lᵀ X_l)`` of an additive target (1-based step)."""

    step: int
    beta: np.ndarray
    coeffs: np.ndarray

    @staticmethod
    def make(step: int, beta, coeffs) -> Term:
        """A validated term: ``step`` a 1-based integer, ``β`` and the coefficients finite and non-empty."""
        return Term(validate.integer("step", step, minimum=1), _beta(beta), _coeffs(coeffs))


@dataclass(frozen=True)
class Additive:
    """Additive target ``y = Σ_l Σ_k a_{l,k} (β_lᵀ X_l)^k`` (docs/claims.md C9)."""

    terms: tuple[Term, ...]

    @staticmethod
    def of(*terms: tuple) -> Additive:
        """``Additive.of((step, β, coeffs), …)``."""
        if not terms:
            raise ValueError("an additive target needs at least one term")
        return Additive(tuple(Term.make(*t) for t in terms))

    def _check(self, L: int, d: int) -> None:
        for t in self.terms:
            if t.step > L:
                raise ValueError(f"term at step {t.step} but sequences have L = {L}")
            if t.beta.size != d:
                raise ValueError(f"β has dimension {t.beta.size} but inputs have d = {d}")

    def __call__(self, X) -> torch.Tensor:
        """The labels ``y_i = Σ_l Σ_k a_{l,k} (β_lᵀ X_l^{(i)})^k`` of a sample (checked by ``as_sample``)."""
        X = as_sample(X)
        self._check(X.shape[1], X.shape[2])
        y = torch.zeros(X.shape[0], dtype=X.dtype)
        for t in self.terms:
            z = X[:, t.step - 1] @ torch.as_tensor(t.beta, dtype=X.dtype)
            y = y + sum(float(a) * z**k for k, a in enumerate(t.coeffs))
        return y

    def certificate(self, L: int, norms=None) -> float:
        """``Φ_add = (Σ_l Σ_k |a_{l,k}| ‖β_l‖^k / √c_{k e_l})²`` (``inf`` if a needed ``c`` is 0)."""
        step_norms(L, norms)
        total = 0.0
        for t in self.terms:
            if t.step > L:
                raise ValueError(f"term at step {t.step} but L = {L}")
            K = t.coeffs.size - 1
            _, c = kernel_series(L, {t.step: K} if K else {}, norms)
            c = c.ravel()
            bn = float(np.linalg.norm(t.beta))
            for k, a in enumerate(t.coeffs):
                if a != 0:
                    total += abs(a) * bn**k / math.sqrt(c[k]) if c[k] > 0 else math.inf
        return total**2

    def tail_bound(self, name: str, norms) -> float:
        """For a target built by :meth:`truncated`: ``sup |f − p|`` over inputs with ``‖X_l‖ = r_l``."""
        total = 0.0
        for t in self.terms:
            K = t.coeffs.size - 1
            z = float(np.linalg.norm(t.beta)) * float(np.asarray(norms)[t.step - 1])
            factor = math.exp(z) if name == "exp" else 1.0
            total += factor * z ** (K + 1) / math.factorial(K + 1)
        return total

    @staticmethod
    def truncated(name: str, steps_and_betas, degree: int) -> Additive:
        """``Σ_l f(β_lᵀ X_l)`` with ``f ∈ {sin, cos, exp}`` truncated at ``degree`` (see :meth:`tail_bound`)."""
        a, _ = taylor_coefficients(name, degree)
        return Additive.of(*[(step, beta, a) for step, beta in steps_and_betas])


@dataclass(frozen=True)
class NVariable:
    """``y = Σ_k a_k (βᵀ [X_{l_1}; …; X_{l_N}])^k`` with distinct steps (docs/claims.md C10)."""

    steps: tuple[int, ...]
    betas: tuple[np.ndarray, ...]  # β split into the blocks β_j acting on X_{l_j}
    coeffs: np.ndarray

    @staticmethod
    def of(steps, betas, coeffs) -> NVariable:
        """A validated target: distinct 1-based integer ``steps``, one finite ``β`` block per step."""
        steps = tuple(steps)
        if not steps or not all(validate.is_integer(s) and s >= 1 for s in steps) or len(set(steps)) != len(steps):
            raise ValueError(f"steps must be distinct 1-based integers, got {steps}")
        steps = tuple(int(s) for s in steps)
        if len(betas) != len(steps):
            raise ValueError(f"need one β block per step: {len(steps)} steps, {len(betas)} blocks")
        return NVariable(steps, tuple(_beta(b) for b in betas), _coeffs(coeffs))

    def __call__(self, X) -> torch.Tensor:
        """The labels ``y_i = Σ_k a_k (βᵀ [X_{l_1}; …; X_{l_N}]^{(i)})^k`` of a sample (checked by ``as_sample``)."""
        X = as_sample(X)
        if max(self.steps) > X.shape[1]:
            raise ValueError(f"target uses step {max(self.steps)} but sequences have L = {X.shape[1]}")
        z = sum(X[:, s - 1] @ torch.as_tensor(b, dtype=X.dtype) for s, b in zip(self.steps, self.betas))
        return sum(float(a) * z**k for k, a in enumerate(self.coeffs))

    def certificate(self, L: int, norms=None) -> float:
        """``Φ_N = (Σ_k |a_k| Σ_{|α|=k} (k!/α!) Π_j ‖β_j‖^{α_j} / √c_α)²`` with ``α`` on ``{l_1, …, l_N}``."""
        step_norms(L, norms)
        if max(self.steps) > L:
            raise ValueError(f"target uses step {max(self.steps)} but L = {L}")
        K = self.coeffs.size - 1
        order = sorted(range(len(self.steps)), key=lambda j: self.steps[j])
        _, c = kernel_series(L, {self.steps[j]: K for j in order} if K else {}, norms)
        bn = [float(np.linalg.norm(self.betas[j])) for j in order]
        total = 0.0
        for alpha in product(range(K + 1), repeat=len(order) if K else 0):
            k = sum(alpha)
            a = self.coeffs[k] if k <= K else 0.0
            if a == 0:
                continue
            coef = c[alpha] if alpha else float(c.ravel()[0])
            multinomial = math.factorial(k) / math.prod(math.factorial(x) for x in alpha)
            term = multinomial * math.prod(b**x for b, x in zip(bn, alpha))
            total += abs(a) * term / math.sqrt(coef) if coef > 0 else math.inf
        if K == 0 and self.coeffs[0] != 0:
            total = abs(self.coeffs[0]) / math.sqrt(float(c.ravel()[0]))
        return total**2
