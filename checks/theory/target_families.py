"""The target families of the learning experiments: one catalog read by C7 (``checks.experiments.generalization``),
C11 (``checks.experiments.learning_curves``) and the L-scaling targets.

A family is ``(βᵀX_l)^degree`` at one anchored step (first, middle, last: an additive target of C9) or
``(βᵀ[X_l1; X_l2])²`` at two adjacent steps (an N-variable target of C10), with ``‖β‖ = 1`` drawn from a seeded
stream; :func:`make_target` builds it as a ``checks.theory.targets`` object (value and certificate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from checks.theory.targets import Additive, NVariable

__all__ = ["BETA_STREAM", "FAMILIES", "TARGETS", "TargetFamily", "family", "make_target"]

BETA_STREAM = 2
"""The random stream of ``β``: ``np.random.default_rng([seed, d, BETA_STREAM, blocks])``, independent of ``L``."""


@dataclass(frozen=True)
class TargetFamily:
    """A target family of C11: ``(βᵀX_l)^degree`` at one anchored step, or ``(βᵀ[X_l1; X_l2])²`` at adjacent steps."""

    name: str
    description: str
    degree: int  # 1: linear, 2: quadratic
    anchor: str  # "first", "middle", "last" (one step) or "start", "end" (two adjacent steps)
    blocks: int  # 1: additive target (C9); 2: N-variable target (C10)

    def steps(self, L: int) -> tuple[int, ...]:
        """1-based steps the target reads: 1, ``⌈L/2⌉``, ``L``; ``(1, 2)`` or ``(L−1, L)`` for two blocks."""
        if self.anchor == "first":
            return (1,)
        if self.anchor == "middle":
            return (math.ceil(L / 2),)
        if self.anchor == "last":
            return (L,)
        return (1, 2) if self.anchor == "start" else (L - 1, L)


FAMILIES = {
    f.name: f
    for f in (
        TargetFamily("first-linear", "βᵀX_1: linear, first step", 1, "first", 1),
        TargetFamily("middle-linear", "βᵀX_⌈L/2⌉: linear, middle step", 1, "middle", 1),
        TargetFamily("last-linear", "βᵀX_L: linear, last step", 1, "last", 1),
        TargetFamily("first-quadratic", "(βᵀX_1)²: quadratic, first step", 2, "first", 1),
        TargetFamily("middle-quadratic", "(βᵀX_⌈L/2⌉)²: quadratic, middle step", 2, "middle", 1),
        TargetFamily("last-quadratic", "(βᵀX_L)²: quadratic, last step", 2, "last", 1),
        TargetFamily("nvar2-start", "(βᵀ[X_1; X_2])²: N = 2, l_0 = 1, at the start", 2, "start", 2),
        TargetFamily("nvar2-end", "(βᵀ[X_(L-1); X_L])²: N = 2, l_0 = 1, at the end", 2, "end", 2),
    )
}
TARGETS = tuple(FAMILIES)
"""Target names as the command line takes them."""


def family(name: str) -> TargetFamily:
    if name not in FAMILIES:
        raise ValueError(f"unknown target {name!r}; known targets: {', '.join(TARGETS)}")
    return FAMILIES[name]


def _beta_blocks(dim: int, blocks: int, seed: int) -> list[np.ndarray]:
    """``β`` of unit norm split into ``blocks`` blocks of norm ``1/√blocks`` each, directions uniform (seeded).

    Equal block norms make the certificate (which depends on ``‖β_j‖``) the same for every seed."""
    rng = np.random.default_rng([seed, dim, BETA_STREAM, blocks])
    out = []
    for _ in range(blocks):
        v = rng.standard_normal(dim)
        out.append(v / np.linalg.norm(v) / math.sqrt(blocks))
    return out


def make_target(name: str, L: int, dim: int, seed: int = 0) -> Additive | NVariable:
    """The C11 target ``name`` at length ``L``: ``Additive.of((l, β, a))`` with ``a = [0, 1]`` (``βᵀX_l``) or
    ``[0, 0, 1]`` (``(βᵀX_l)²``), or ``NVariable.of((l1, l2), (β_1, β_2), [0, 0, 1])``; ``‖β‖ = 1``, seeded."""
    fam = family(name)
    steps = fam.steps(L)
    coeffs = [0.0] * fam.degree + [1.0]
    betas = _beta_blocks(dim, fam.blocks, seed)
    if fam.blocks == 1:
        return Additive.of((steps[0], betas[0], coeffs))
    return NVariable.of(steps, betas, coeffs)
