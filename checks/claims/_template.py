"""C0-template: ``H∞`` is 2-homogeneous, ``H∞(cX) = c² H∞(X)`` for every ``c > 0`` (ReLU is 1-homogeneous, so every
hidden state scales by ``c`` and every kernel entry by ``c²``; docs/claims.md, setting (S)).

THE TEMPLATE OF A CLAIM MODULE — copied, never loaded (``checks.claims.HELPERS``).  docs/design.md, "Adding a claim",
is the checklist; in short, a new claim touches three files:

1. this file copied to ``checks/claims/cNN_<name>.py`` (any name not in ``HELPERS`` is loaded): replace ``ID`` (a
   record id ``C<k>[letter][-suffix]``; the family ``C0`` is reserved for tests), the docstring (the claim, its
   source in the paper, the formula), the sides and the tolerance with its reason, the instances, the twin, the
   ``formula`` (LaTeX) and, if the record has a curve or a summary line, its ``report`` (a ``ReportSection``);
2. one line in a theorem module, ``test_cNN = claim_test("CNN")`` (a new ``theorems/test_cNN_<name>.py`` holds a
   docstring stating the claim and that line);
3. the record in the ``kills`` of a mutant in ``checks/harness/mutants.py`` (a plausible wrong implementation the
   check must catch; a new one there if none fits).

Nothing else: the twin test, the ledger, the baseline comparison ("new, not in the baseline" until
``rnn-theorems verify --claims CNN --update-baseline``), ``mutate``, the audit and the report read the record.  Then
``python -m checks.tools.doc_tables`` rewrites the docs' generated record tables.  A new mathematical object (a bound,
a kernel, an experiment) goes into its layer (``checks/theory``, ``checks/model``, ``checks/experiments``), not here.

The example below is a complete claim, cheap enough for every profile.  Its mutant in the exercise
(``tests/test_claim_records.py``) is ``H∞ + 1``, the kernel of a network with an output bias: not homogeneous.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register
from checks.claims.scenarios import instance_sample, sample_strategy
from checks.model.ntk import infinite_ntk
from checks.numerics.constants import EPS

ID = "C0-template"
"""The record id: ``C<k>[letter][-suffix]``; ``claim_test("C<k>")`` runs every record of the family ``C<k>``."""

TOLERANCE = 64 * EPS
"""Round-off of the ``L``-step recursion relative to the kernel's largest entry: measured at most 5.8e-16 over 600
instances (150 in each scenario below, ``c`` in [0.1, 10]); 64·eps = 1.4e-14 leaves a factor 24."""


def _deviation(instance: dict, power: float) -> tuple[float, dict]:
    X, c = instance_sample(instance), instance["c"]
    H, Hc = infinite_ntk(X), infinite_ntk(c * X)
    scale = float((c**power * H).abs().max())
    return float((Hc - c**power * H).abs().max()) / scale, {"c": c, "n": X.shape[0], "L": X.shape[1]}


def evaluate(instance: dict) -> Measurement:
    """``max|H∞(cX) − c² H∞(X)| / max|c² H∞(X)|`` (scale-free) against 0, up to the round-off :data:`TOLERANCE`."""
    lhs, details = _deviation(instance, 2.0)
    return Measurement(lhs=lhs, rhs=0.0, tol=TOLERANCE, details=details)


def evaluate_twin(instance: dict) -> Measurement:
    """The falsified statement: ``H∞(cX) = c H∞(X)`` (1-homogeneous), false wherever ``c ≠ 1``."""
    lhs, details = _deviation(instance, 1.0)
    return Measurement(lhs=lhs, rhs=0.0, tol=TOLERANCE, details=details)


def instances(scenario, profile):
    """A sample realizing ``scenario`` (``checks.claims.scenarios``) and a scale ``c ∈ [0.1, 10]``."""
    return st.fixed_dictionaries({"X": sample_strategy(scenario).map(np.ndarray.tolist),
                                  "c": st.floats(0.1, 10.0, allow_nan=False)})


register(
    Claim(
        id=ID,
        title="H∞ is 2-homogeneous",
        statement="H∞(cX) = c² H∞(X) for every sample X and c > 0",
        assumptions=(),  # which of A1–A6 (checks.claims.ASSUMPTIONS) the claim uses
        strategy=instances,
        scenarios=(None, "-A2", "-A3", "+A6"),  # the audit scenarios it supports (checks.claims.SCENARIOS)
        evaluate=evaluate,
        twin=Twin.re_evaluated(evaluate_twin, "H∞ is 1-homogeneous: H∞(cX) = c H∞(X)"),
        lhs_name="max|H∞(cX) − c²H∞(X)| / max|c²H∞(X)|",
        rhs_name="0",
        tolerance_reason="64·eps: round-off of the L-step recursion (measured ≤ 5.8e-16, factor 24 below)",
        formula=r"H^\infty(cX) = c^2\, H^\infty(X) \quad (c > 0)",  # the statement in LaTeX: MathML in the report
        # report=ReportSection(table=…, plot=Plot(x=…, ys=…), point=…, summary=…) when the record has a table, a curve
        # or a summary line worth a reader's eye (checks.claims.record.ReportSection; C7, C7-labels and C11 declare one)
    )
)
