"""The verdict vocabulary (issue 23): ``vacuous`` for a record none of whose instances can fail, a guard that fails a
record whatever its claim, and a measured resolution on every record (``checks.claims.record.Resolution``)."""

import json
import math
from dataclasses import replace

import pytest

from checks.claims import Measurement, get, load_all
from checks.claims.c08_kernel_series import evaluate_convergence
from checks.claims.record import FACTOR, Guard, Resolution
from checks.harness.baseline import compare
from checks.harness.ledger import Ledger
from checks.harness.schemas import validate
from checks.harness.tables import resolution_cells

CANNOT = "rhs ≥ the largest value lhs can take"


def _record(claim_id, *measurements):
    led = Ledger("ci")
    c = led.collector(get(claim_id))
    for i, m in enumerate(measurements):
        c.add({"seed": i}, m)
    return led.as_dict()["records"][claim_id]


def test_a_record_whose_instances_cannot_fail_is_vacuous():
    rec = _record("C3c", Measurement(lhs=0.5, rhs=1.5, vacuous=CANNOT), Measurement(lhs=0.2, rhs=1.5, vacuous=CANNOT))
    assert rec["status"] == "vacuous" and rec["vacuous_instances"] == 2 and rec["vacuous_reason"] == CANNOT
    validate({"records": {"C3c": rec}}, "ledger")  # the schema knows the status and the fields


def test_one_instance_that_can_fail_makes_it_hold_and_is_the_worst_case():
    """An instance equal by construction (C8b's G = r²: margin 0) is never the worst case of a record that can fail."""
    rec = _record("C8b", Measurement(lhs=1.0, rhs=1.0, vacuous="x' = x"), Measurement(lhs=0.1, rhs=0.5))
    assert rec["status"] == "holds" and rec["vacuous_instances"] == 1
    assert rec["reproduce"]["seed"] == 1 and rec["worst_ratio"] == pytest.approx(0.2)
    assert rec["resolution"]["value"] == 5.0  # over the instances that can fail only


def test_c8b_reports_the_diagonal_pair_as_vacuous():
    identity = evaluate_convergence({"norms": [1.0, 2.0], "cosines": [1.0, 1.0]})
    assert identity.vacuous and identity.lhs == pytest.approx(identity.rhs, rel=1e-12)
    assert evaluate_convergence({"norms": [1.0, 2.0], "cosines": [1.0, 0.3]}).vacuous is None


def test_a_move_between_holds_and_vacuous_is_a_baseline_diff():
    holds = {"records": {"C3c": _record("C3c", Measurement(lhs=0.5, rhs=1.5))}}
    vacuous = json.loads(json.dumps(holds))
    vacuous["records"]["C3c"]["status"] = "vacuous"
    assert [d.field for d in compare(vacuous, holds)] == ["status"]
    assert [d.field for d in compare(holds, vacuous)] == ["status"]


def test_a_record_that_stops_being_flippable_is_a_baseline_diff():
    """A record that still reads ``holds`` but whose resolution went from a number (×4 flips it) to none (no change up
    to the limit flips it: an error of any size is no longer seen) is a diff; it was not (only the status was read)."""
    seen = {"records": {"C3c": _record("C3c", Measurement(lhs=0.25, rhs=1.0))}}
    assert seen["records"]["C3c"]["resolution"]["value"] == 4.0
    blind = json.loads(json.dumps(seen))
    blind["records"]["C3c"]["resolution"]["value"] = None
    assert [d.field for d in compare(blind, seen)] == ["resolution"]
    assert [d.field for d in compare(seen, blind)] == ["resolution"]
    assert compare(seen, json.loads(json.dumps(seen))) == []
    older = json.loads(json.dumps(seen))
    del older["records"]["C3c"]["resolution"]  # a baseline written before resolutions: nothing to compare
    assert compare(blind, older) == []


def test_a_failed_guard_fails_the_record_even_a_recorded_finding():
    bad = Guard("held-out", lhs=3.0, rhs=1.0, statement="test set not seen")
    assert not Measurement(lhs=0.1, rhs=1.0, guards=(bad,)).holds and Measurement(lhs=0.1, rhs=1.0, guards=(bad,)).satisfied
    assert _record("C3c", Measurement(lhs=0.5, rhs=1.5, guards=(bad,)))["status"] == "fails"
    finding = next(c for c in load_all().values() if c.expected_fail and c.aggregate is None)
    assert _record(finding.id, Measurement(lhs=2.0, rhs=1.0, guards=(bad,)))["status"] == "fails"  # not the finding
    assert _record(finding.id, Measurement(lhs=2.0, rhs=1.0))["status"] == "expected-fail"
    rec = _record("C3c", Measurement(lhs=0.5, rhs=1.5, vacuous=CANNOT, guards=(bad,)))
    assert rec["status"] == "fails" and rec["guards"]["held-out"]["holds"] is False  # vacuous is no shelter


def test_resolution_factor_shift_and_rerun():
    assert FACTOR.flip(Measurement(lhs=0.25, rhs=1.0)) == 4.0
    assert FACTOR.flip(Measurement(lhs=2.0, rhs=1.0)) == 2.0  # a failing instance: the factor that makes it hold
    assert FACTOR.flip(Measurement(lhs=0.0, rhs=1.0)) is None  # no factor moves a zero side
    near = FACTOR.flip(Measurement(lhs=1.0 - 1e-10, rhs=1.0))
    assert near - 1 == pytest.approx(1e-10, rel=1e-3)  # three digits of the excess over 1, not "1.00"
    shift = Resolution("x", "exponent", "shift", limit=10.0)
    assert shift.flip(Measurement(lhs=-0.63, rhs=-0.5)) == pytest.approx(0.13)
    assert shift.flip(Measurement(lhs=-1e-15, rhs=0.0)) == pytest.approx(1e-15, rel=1e-3)
    calls = []

    def rerun(s):  # the record's own decision: here, fails beyond 3.7
        calls.append(s)
        return Measurement(lhs=s, rhs=3.7)

    assert FACTOR.flip(Measurement(lhs=1.0, rhs=3.7, rerun=rerun)) == 3.7 and calls


def test_a_failing_record_states_the_change_that_makes_it_hold():
    rec = _record("C3c", Measurement(lhs=0.5, rhs=0.4), Measurement(lhs=0.5, rhs=0.25), Measurement(lhs=0.1, rhs=0.9))
    assert rec["status"] == "fails"
    assert rec["resolution"]["direction"] == "to hold" and rec["resolution"]["value"] == 2.0  # every failing one must hold
    assert resolution_cells(rec) == ("hold at ×2", "factor")


def test_every_registered_record_states_a_resolution_unit():
    for claim in load_all().values():
        assert claim.resolution.unit and claim.resolution.what and claim.resolution.kind in ("factor", "shift")


def test_resolution_cells_format():
    base = {"resolution": {"value": 3.84, "kind": "factor", "unit": "factor", "direction": "to fail", "limit": 1e6}}
    assert resolution_cells(base) == ("×3.84", "factor")
    assert resolution_cells({"resolution": {**base["resolution"], "value": None}})[0] == "> ×1e+06"
    assert resolution_cells({"resolution": {**base["resolution"], "value": 1 + 2e-12}})[0] == "×(1 + 2e-12)"
    assert resolution_cells({"resolution": {**base["resolution"], "kind": "shift", "value": 0.13}})[0] == "0.13"
    assert resolution_cells({}) == ("–", "–")


def test_twins_and_replace_keep_the_new_fields():
    m = Measurement(lhs=1.0, rhs=2.0, vacuous="why", guards=(Guard("g", 0.0, 1.0, "s"),))
    t = replace(m, rhs=0.5)
    assert t.vacuous == "why" and t.guards == m.guards and not t.satisfied and math.isfinite(t.lhs)


def test_c7_with_no_experiment_that_can_fail_is_vacuous_not_fails():
    """C7 counts an experiment only when its bound is below 1 (the clipped loss cannot exceed 1): with none counted the
    record could not have failed — `vacuous`, not a violation rate of 1 read as `fails` (reviewer, 2026-12-06)."""
    from checks.claims.c07_generalization import violation_rate

    row = {"predictor": "kernel", "target": "first-linear", "L": 2, "n": 500, "seed": 1, "train_loss": 0.0,
           "test_loss": 0.3, "bound": 1.7, "confidence": 0.2}
    m = violation_rate([Measurement(lhs=0.3, rhs=1.7, details=row)])
    assert m.vacuous is not None and m.satisfied and m.details["counted"] == 0
    counted = violation_rate([Measurement(lhs=0.3, rhs=0.9, details=dict(row, bound=0.9))])
    assert counted.vacuous is None and counted.lhs > 0  # one counted experiment: a real limit
