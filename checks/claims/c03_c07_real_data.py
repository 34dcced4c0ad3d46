"""C3, C7 and C7-labels on a real data set (docs/claims.md C3, C7): sequences nobody here generated.

For a data set of ``checks.experiments.data`` the experiment ``checks.experiments.real_data.real_data_rows``
measures, at training-set sizes that come from the data set (``data_sizes``: a decade up to what its pool holds
beside a test set), the kernel predictor (ridgeless regression with ``H∞``) and C7's bound
(``checks.theory.bounds.generalization_bound``, the bound as proved) for the true labels and for random ``±1`` labels.
Three records per data set, each over every size:

* ``C3-data-<name>``: ``λ_0 / λ_max`` of ``H∞`` on each training set above the numerical zero ``n·eps`` (C3b on
  real data; A3 is reported by the preparation, not assumed);
* ``C7-data-<name>``: the predictor's clipped test loss ≤ its training loss + the bound, at every size.  The bound
  is vacuous (≥ 1, above any clipped loss) on the shipped data sets at these sizes: the record then cannot fail
  on the correct code, its status is ``vacuous`` (``Measurement.vacuous``) and its ``compared`` quantities (the bound
  and the test loss at the largest size) are what the baseline watches.  Its guard ``held-out``
  (``checks.theory.held_out.guard``) checks that the test set was not seen — the test loss at the largest size
  against the training set's closed-form leave-one-out loss, and no copy at any size — so a split that reuses
  training data fails the record even where the bound cannot;
* ``C7-labels-data-<name>``: ``bound(true) < bound(random)`` at every size, strictly: by more than round-off
  (:data:`SEPARATION_FLOOR`), so a tie is a failure whatever the last bits say.

The records belong to the families C3 and C7, so the theorem lines ``claim_test("C3")`` and ``claim_test("C7")``
test them.  Those of ``digits`` (scikit-learn, a core dependency) are registered on import and run in CI;
``rnn-theorems verify --data NAME`` registers those of another data set (:func:`register_data_set`) first.  They
outlive that run: their ids name the data set (``C7-data-<segment>``, ``checks.experiments.data.DataSet.segment``: the
name with ``_`` read as ``-``), and :func:`resolve_data_record` — a resolver of ``checks.claims.resolve`` — registers
them again wherever a ledger, a baseline or ``--claims`` names them (the report, ``verify``, ``pytest --baseline``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from hypothesis import strategies as st

from checks.claims import REGISTRY, Claim, Measurement, Twin, register, register_resolver
from checks.claims.c07_generalization import RANDOM_LABELS_TWIN
from checks.claims.record import Guard
from checks.experiments.data import DATASETS, data_set
from checks.experiments.real_data import real_data_rows
from checks.numerics.constants import EPS, SEPARATION_FLOOR
from checks.theory.held_out import guard as held_out_guard

__all__ = ["DEFAULT_DATA_SET", "data_records", "register_data_set", "resolve_data_record"]

DEFAULT_DATA_SET = "digits"
"""The data set whose records are always registered: it ships with scikit-learn, a core dependency."""

FINDINGS = {
    "C7-labels-data-digits": (
        "measured: at n = 100 the bound is the same number (3.353) for the true and the random labels: both √(yᵀH⁻¹y) "
        "round up to the same dyadic grid radius R_k, so the strict separation fails there (it holds at n = 316, 1000)"
    ),
}
"""Recorded findings (``expected_fail``) of the data-set records, with the measured reason."""


def data_records(name: str) -> list[str]:
    """The record ids of data set ``name`` (its name with ``_`` read as ``-``: ``DataSet.segment``)."""
    segment = data_set(name).segment
    return [f"C3-data-{segment}", f"C7-data-{segment}", f"C7-labels-data-{segment}"]


@lru_cache(maxsize=8)
def _rows(name: str, seed: int) -> tuple[dict, ...]:
    """The experiment's rows at the data set's own sizes, kernel side only (shared by the three records)."""
    return tuple(real_data_rows(name, None, seed=seed, network_max_n=0))


def _strategy(name: str):
    def instances(scenario, profile):
        return st.just({"data": name, "seed": 0})

    return instances


def _sizes(rows) -> dict:
    return {"sizes": [r["n"] for r in rows], "n_test": rows[0]["n_test"], "pool_n": rows[0]["pool_n"]}


def evaluate_definite(instance: dict) -> Measurement:
    """``n·eps`` against the smallest ``λ_0 / λ_max`` over the sizes (the size with the least margin)."""
    rows = _rows(instance["data"], instance["seed"])
    worst = min(rows, key=lambda r: r["lambda_0"] / r["lambda_max"] - r["n"] * EPS)
    per_n = {str(r["n"]): r["lambda_0"] / r["lambda_max"] for r in rows}
    sides = [(r["n"] * EPS, r["lambda_0"] / r["lambda_max"]) for r in rows]
    return Measurement(lhs=worst["n"] * EPS, rhs=worst["lambda_0"] / worst["lambda_max"],
                       details={**_sizes(rows), "lambda_0_over_max": per_n, "n": worst["n"]},
                       rerun=lambda s: Measurement(lhs=max(a * s - b for a, b in sides), rhs=0.0))


def _loss_and_bound(r: dict) -> tuple[float, float]:
    if "kernel_singular" in r:  # no predictor on a singular kernel: the claim cannot be evaluated there
        return float("inf"), 0.0
    return r["kernel_test_loss"], r["kernel_train_loss"] + r["generalization_true"]


def evaluate_generalization(instance: dict) -> Measurement:
    """The kernel predictor's clipped test loss against its training loss plus the C7 bound, at the size with the
    least margin; ``vacuous`` when the bound is ≥ 1 (above any clipped loss) at every size."""
    rows = _rows(instance["data"], instance["seed"])
    sides = [_loss_and_bound(r) for r in rows]
    k = min(range(len(rows)), key=lambda i: sides[i][1] - sides[i][0])
    last = sides[-1]
    vacuous = all(b >= 1 for _, b in sides)
    return Measurement(lhs=sides[k][0], rhs=sides[k][1],
                       details={**_sizes(rows), "n": rows[k]["n"], "vacuous": vacuous,
                                "test_loss": [s[0] for s in sides], "bound": [s[1] for s in sides]},
                       compared={"bound_at_n_max": last[1], "test_loss_at_n_max": last[0]} if all(map(_finite, last)) else None,
                       vacuous="the bound is ≥ 1 at every size: a loss clipped to [0, 1] cannot exceed it" if vacuous else None,
                       guards=(held_out_guard_of(rows),),
                       rerun=lambda s: Measurement(lhs=max(t * s - b for t, b in sides), rhs=0.0))


def held_out_guard_of(rows) -> Guard:
    """The held-out guard of the data set's rows: the comparison at the largest size (the nested training sets share
    one test set and contain each other, so a reused test point shows at the largest size, where the test error
    varies least with the training set; the smaller sizes are reported in their rows, not counted), and no copy at any
    size."""
    checks = [r["held_out"] for r in rows if "held_out" in r]
    distance = min((c["nearest_distance"] for c in checks), default=float("inf"))
    return Guard("held-out", **held_out_guard(checks[-1:], checks[-1:], distance))


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")


def evaluate_zero_gap(instance: dict) -> Measurement:
    """The falsified statement of C7-data's twin: test loss ≤ training loss (no generalization gap at all)."""
    rows = _rows(instance["data"], instance["seed"])
    gaps = [(r["kernel_test_loss"], r["kernel_train_loss"]) for r in rows if "kernel_singular" not in r]
    lhs, rhs = max(gaps, key=lambda g: g[0] - g[1])
    return Measurement(lhs=lhs, rhs=rhs)


def evaluate_separation(instance: dict) -> Measurement:
    """``bound(true) / bound(random)`` at the size where it is largest, against ``1 − SEPARATION_FLOOR`` (strict)."""
    rows = _rows(instance["data"], instance["seed"])
    ratios = {r["n"]: r["bound_true"] / r["bound_random"] for r in rows if "kernel_singular" not in r}
    if len(ratios) < len(rows):
        return Measurement(lhs=float("inf"), rhs=1 - SEPARATION_FLOOR, details={**_sizes(rows), "kernel_singular": True})
    n = max(ratios, key=ratios.get)
    return Measurement(lhs=ratios[n], rhs=1 - SEPARATION_FLOOR, details={**_sizes(rows), "n": n, "ratio": {str(k): v for k, v in ratios.items()}},
                       compared={"ratio_at_n_max": ratios[rows[-1]["n"]]})


def register_data_set(name: str) -> list[str]:
    """Register the three records of data set ``name`` (once); their ids."""
    ds = data_set(name)
    ids = data_records(name)
    if ids[0] in REGISTRY:
        return ids
    strategy, one = _strategy(name), (lambda profile: 1)
    source = f"{ds.name} ({ds.source}, L = {ds.L}, d = {ds.d}; sizes from its pool)"
    register(Claim(
        id=ids[0], title=f"H∞ is positive definite on {source}",
        statement="λ_0 = λ_min(H∞) > n·eps·λ_max on every training set of the data set",
        assumptions=("A3",), strategy=strategy, evaluate=evaluate_definite, budget=one,
        twin=Twin.transformed(lambda m: replace(m, lhs=0.5), "λ_0 ≥ λ_max / 2: a well-conditioned kernel on real data"),
        lhs_name="n·eps", rhs_name="λ_0 / λ_max",
        tolerance_reason="the numerical zero is itself the tolerance: n·eps·λ_max, the eigensolver's backward error",
    ))
    register(Claim(
        id=ids[1], title=f"The C7 bound holds for the kernel predictor on {source}",
        statement="clipped test loss ≤ training loss + 2R√(tr H)/n + 3√(log(2N_R/δ)/(2n)) at every training-set size",
        assumptions=("A5",), strategy=strategy, evaluate=evaluate_generalization, budget=one,
        twin=Twin.re_evaluated(evaluate_zero_gap, "the interpolant generalizes perfectly: test loss ≤ its (zero) training loss"),
        lhs_name="test loss", rhs_name="train loss + bound",
        tolerance_reason="none: the loss is an average of numbers in [0, 1], far above round-off",
    ))
    register(Claim(
        id=ids[2], title=f"The bound separates true from random labels on {source}",
        statement="bound(true labels) < bound(random ±1 labels) at every training-set size",
        assumptions=("A5",), strategy=strategy, evaluate=evaluate_separation, budget=one,
        twin=RANDOM_LABELS_TWIN,
        lhs_name="bound_true / bound_random", rhs_name="1 − 1e-12 (strict: by more than round-off)",
        tolerance_reason="SEPARATION_FLOOR: a tie of the two bounds is exact in exact arithmetic; only round-off separates them",
        expected_fail=FINDINGS.get(ids[2]),
    ))
    return ids


@register_resolver
def resolve_data_record(record_id: str) -> bool:
    """Register the records of the catalog's data set that ``record_id`` belongs to; whether there is one."""
    for name in DATASETS:
        if record_id in data_records(name):
            register_data_set(name)
            return True
    return False


register_data_set(DEFAULT_DATA_SET)
