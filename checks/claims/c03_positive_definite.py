"""C3 positive definiteness of ``H∞``: (a) PSD on every sample; (b) ``λ_0 > 0`` under A3, and singular
on duplicated or parallel sequences (the converse); (c) ``λ_min(H(W_0)) ≥ λ_0 / 2`` under A1.

Sides are scale-free (divided by ``λ_max`` or ``λ_0``), so margins compare across instances.

Power: (a) and (b) also run on near-degenerate samples (near-copies of a sequence at relative
distance ``10^-8.5 … 10^-11``, ``checks.experiments.strategies.near_degenerate_samples``), where ``λ_0/λ_max`` is
``10²–10⁴ × n·eps`` and a kernel computed through ``arccos ρ`` (which loses half the digits at
``ρ → 1``) is indefinite or singular; (b-converse) sees a ridge ``H∞ + cI``; (c) sees a mis-scaled ``H∞``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.record import Resolution
from checks.claims.scenarios import instance_sample, sample_strategy
from checks.experiments.strategies import degenerate_samples, near_degenerate_samples, samples, seeds
from checks.model.ntk import empirical_ntk, infinite_ntk
from checks.model.rnn import init_params
from checks.numerics.linalg import numerical_zero, spectrum_edges

ZERO_REASON = "n·eps·λ_max: backward error of the symmetric eigensolver (Golub & Van Loan §8.1)"
SMALL_WIDTH = 16
"""The ``-A1`` width of C3c: far below the regime (the empirical NTK is then far from ``H∞``)."""


def _spectrum(H: torch.Tensor) -> tuple[float, float, float]:
    lam_min, lam_max = spectrum_edges(H)
    return lam_min, lam_max, numerical_zero(H.shape[0], max(abs(lam_min), abs(lam_max)))


def _samples(strategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({"X": strategy.map(np.ndarray.tolist)})


# (a) PSD for every sample, degenerate ones included: −λ_min / λ_max ≤ 0 up to n·eps.
def evaluate_psd(instance: dict) -> Measurement:
    """``−λ_min(H∞)/λ_max`` against 0, with the eigensolver's backward error as tolerance."""
    lam_min, lam_max, zero = _spectrum(infinite_ntk(instance_sample(instance)))
    return Measurement(
        lhs=-lam_min / lam_max, rhs=0.0, tol=zero / lam_max, details={"lambda_min": lam_min, "lambda_max": lam_max}
    )


PSD_NEAR_COPIES = 3
"""Near-copies per near-degenerate C3a sample: each extra copy is another chance for a kernel that is
wrong by ``√eps`` at ``ρ → 1`` to turn indefinite (3 copies and ``L = 4 … 8``: 70 % of the samples
expose the plain-arccos recursion, against 20 % for one copy and ``L ≤ 5``; measured)."""
PSD_NEAR_LENGTHS = (4, 8)  # longer sequences: one rounding chance per step (see PSD_NEAR_COPIES)


def psd_instances(scenario, profile):
    """Any sample (A3 not needed): generic, degenerate and near-degenerate ones alike."""
    if scenario is None:
        near = near_degenerate_samples(base=samples(L=PSD_NEAR_LENGTHS), copies=PSD_NEAR_COPIES)
        return _samples(st.one_of(samples(a3=False), degenerate_samples(), near))
    return _samples(sample_strategy(scenario, a3=False))


# (b) λ_0 > 0 under A3: the numerical zero n·eps ≤ λ_0 / λ_max; and its converse without A3.
def evaluate_pd(instance: dict) -> Measurement:
    """``n·eps`` (the numerical zero relative to ``λ_max``) against ``λ_0/λ_max``."""
    lam_min, lam_max, zero = _spectrum(infinite_ntk(instance_sample(instance)))
    return Measurement(lhs=zero / lam_max, rhs=lam_min / lam_max, details={"lambda_0": lam_min, "lambda_max": lam_max})


def evaluate_singular(instance: dict) -> Measurement:
    """The converse: ``λ_0/λ_max`` against the numerical zero ``n·eps``."""
    m = evaluate_pd(instance)
    return Measurement(lhs=m.rhs, rhs=m.lhs, details=m.details)


def pd_instances(scenario, profile):
    """Samples satisfying A3 (or realizing the scenario), half of them near-degenerate.

    Near-degenerate: two near-copies of the heaviest sequence at relative distance ``ε = 10^-8.5 …
    10^-11`` (:func:`checks.experiments.strategies.near_degenerate_samples`); A3 holds exactly and ``λ_0/λ_max ≈ ε``
    stays ``≥ 100 × n·eps`` (min 146 × n·eps over 1500 fresh samples, 500 in each of the scenarios ``None``,
    ``-A2``, ``+A6``; ``tests/test_power.py`` checks 40 more on every run), while a kernel
    resolving ``ρ`` only to ``√eps`` sees the copies as duplicates.
    """
    base = sample_strategy(scenario)
    if scenario == "-A3":
        return _samples(base)
    return _samples(st.one_of(base, near_degenerate_samples(base=base)))


def degenerate_instances(scenario, profile):
    """Samples violating A3: a sequence duplicated, or a positive multiple of another."""
    return _samples(degenerate_samples())


# (c) λ_min(H(W_0)) ≥ λ_0 / 2 at a width where A1 holds.
def evaluate_init(instance: dict) -> Measurement:
    """``1/2`` against ``λ_min(H(W_0)) / λ_0``."""
    X = instance_sample(instance)
    lam0 = spectrum_edges(infinite_ntk(X))[0]
    H0 = empirical_ntk(init_params(instance["m"], X.shape[2], seed=instance["seed"]), X)
    lam_init = spectrum_edges(H0)[0]
    return Measurement(
        lhs=0.5, rhs=lam_init / lam0, details={"lambda_0": lam0, "lambda_min_H0": lam_init, "m": instance["m"]}
    )


def init_instances(scenario, profile):
    """A sample, a seed and the profile's large width (``SMALL_WIDTH`` when A1 is dropped)."""
    m = SMALL_WIDTH if scenario == "-A1" else profile.large_width
    X = sample_strategy(None if scenario == "-A1" else scenario).map(np.ndarray.tolist)
    return st.fixed_dictionaries({"X": X, "seed": seeds(), "m": st.just(m)})


register(
    Claim(
        id="C3a",
        title="H∞ is positive semi-definite",
        statement="λ_min(H∞) ≥ 0 on every sample (degenerate ones included)",
        formula=r"\lambda_{\min}(H^\infty) \ge 0",
        assumptions=(),
        strategy=psd_instances,
        scenarios=(None, "-A2", "-A3", "+A6"),
        evaluate=evaluate_psd,
        twin=Twin.transformed(
            lambda m: replace(m, rhs=-1e-3), "λ_min(H∞) ≥ 10⁻³ λ_max on every sample (strict definiteness without A3)"
        ),
        lhs_name="−λ_min(H∞) / λ_max",
        rhs_name="0",
        tolerance_reason=ZERO_REASON,
        resolution=Resolution("λ_min(H∞) / λ_max lowered by the shift (an eigenvalue error, in units of λ_max)",
                              "shift of λ_min / λ_max", "shift", limit=1.0),
    )
)

register(
    Claim(
        id="C3b",
        title="H∞ is positive definite under A3",
        statement="A3 ⇒ λ_0 = λ_min(H∞) > 0 (above the numerical zero n·eps·λ_max)",
        formula=r"\text{A3} \;\Rightarrow\; \lambda_0 = \lambda_{\min}(H^\infty) > n\,\epsilon_{\mathrm{mach}}\,\lambda_{\max}(H^\infty)",
        assumptions=("A3",),
        strategy=pd_instances,
        scenarios=(None, "-A2", "-A3", "+A6"),
        evaluate=evaluate_pd,
        twin=Twin.without("-A3", "λ_0 > 0 on duplicated or parallel sequences"),
        lhs_name="n·eps",
        rhs_name="λ_0 / λ_max",
        tolerance_reason="the numerical zero is itself the tolerance: " + ZERO_REASON,
        resolution=Resolution("λ_0 / λ_max divided by the factor (a λ_0 computed too large by it)", "factor"),
    )
)

register(
    Claim(
        id="C3b-converse",
        title="H∞ is singular without A3",
        statement="a duplicated sequence, or a positive multiple of another, gives λ_0 ≤ n·eps·λ_max",
        assumptions=("not A3",),
        strategy=degenerate_instances,
        evaluate=evaluate_singular,
        twin=Twin.tightened(1e-6, "singular to 10⁻⁶·n·eps·λ_max (below the eigensolver's resolution)"),
        lhs_name="λ_0 / λ_max",
        rhs_name="n·eps",
        tolerance_reason="the numerical zero is itself the bound: " + ZERO_REASON,
        resolution=Resolution("λ_0 / λ_max multiplied by the factor (a singular kernel's λ_0 computed too large by it; "
                              "a λ_0 ≤ 0 flips at no factor)", "factor"),
    )
)

register(
    Claim(
        id="C3c",
        title="Empirical NTK stays positive definite at initialization",
        statement="A1, A3 ⇒ λ_min(H(W_0)) ≥ λ_0 / 2",
        formula=r"\text{A1, A3} \;\Rightarrow\; \lambda_{\min}\big(H(W_0)\big) \ge \frac{\lambda_0}{2}",
        assumptions=("A1", "A3"),
        strategy=init_instances,
        scenarios=(None, "-A1", "-A2", "+A6"),
        evaluate=evaluate_init,
        twin=Twin.inflated(4.0, "λ_min(H(W_0)) ≥ 2 λ_0"),
        lhs_name="1/2",
        rhs_name="λ_min(H(W_0)) / λ_0",
        resolution=Resolution("λ_min(H(W_0)) / λ_0 divided by the factor", "factor"),
        tolerance_reason="none needed: the sides differ by O(λ_0), far above round-off",
    )
)
