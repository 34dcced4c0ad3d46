"""Ledger records, atomic writes, baseline comparison with scaled tolerances, and the schemas at the edges."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from checks.claims import Measurement, get
from checks.harness.baseline import ROUNDOFF_FLOOR, compare
from checks.harness.jsonio import read_json, write_json
from checks.harness.ledger import Ledger
from checks.harness.schemas import SchemaError, check_instance, load, validate


def _ledger():
    led = Ledger("ci")
    c = led.collector(get("C3c"))
    c.add({"X": [[[1.0]]], "seed": 1, "m": 8}, Measurement(lhs=0.5, rhs=0.9))
    c.add({"X": [[[2.0]]], "seed": 2, "m": 8}, Measurement(lhs=0.5, rhs=0.7))
    return led


def test_collector_keeps_worst_instance_and_status():
    rec = _ledger().as_dict()["records"]["C3c"]
    assert rec["instances"] == 2 and rec["status"] == "holds"
    assert rec["worst_margin"] == pytest.approx(0.2)
    assert rec["reproduce"]["seed"] == 2


def test_failure_sets_status_and_beats_any_margin():
    led = _ledger()
    led.collector(get("C3c")).add({"seed": 3}, Measurement(lhs=0.5, rhs=0.4))
    rec = led.as_dict()["records"]["C3c"]
    assert rec["status"] == "fails" and rec["failures"] == 1 and rec["reproduce"]["seed"] == 3


def test_compare_flags_status_flip_and_moved_margin_only():
    base = _ledger().as_dict()
    assert compare(base, base) == []
    moved = json.loads(json.dumps(base))
    moved["records"]["C3c"]["worst_margin"] = 0.1  # moved by 0.1 > 25% of 0.2
    moved["records"]["C3c"]["status"] = "fails"
    fields = {d.field for d in compare(moved, base)}
    assert fields == {"status", "worst_margin"}
    small = json.loads(json.dumps(base))
    small["records"]["C3c"]["worst_margin"] = 0.21
    assert compare(small, base) == []


def _margin_record(margin, lhs, rhs, slope=None, constant=None):
    rate = None if slope is None else {"slope": slope}
    return {"records": {"R": {"claim": "R", "status": "holds", "worst_margin": margin, "lhs": lhs, "rhs": rhs, "rate": rate, "implied_constant": constant}}}


@pytest.mark.parametrize("factor", [10.0, 0.1])
def test_a_tenfold_change_in_a_small_margin_is_flagged(factor):
    """C3b's margin is ~0.005: the old absolute tolerance 0.05 let it move 10× unnoticed."""
    base = _margin_record(0.005478, 8.9e-16, 0.005478)
    cur = _margin_record(0.005478 * factor, 8.9e-16, 0.005478 * factor)
    assert {d.field for d in compare(cur, base)} >= {"worst_margin"}


@pytest.mark.parametrize("name, base, moved", [("slope", -0.27, -2.7), ("constant", 4.2, 42.0), ("slope", 1.6, 0.16)])
def test_a_tenfold_change_in_a_slope_or_constant_is_flagged(name, base, moved):
    kw = {"slope": "slope", "constant": "constant"}[name]
    b = _margin_record(0.1, -0.6, -0.5, **{kw: base})
    c = _margin_record(0.1, -0.6, -0.5, **{kw: moved})
    assert {d.field for d in compare(c, b)} == {"rate_slope" if name == "slope" else "implied_constant"}


def test_round_off_below_the_floor_is_not_a_change():
    """Sides of size 1 (C4a's old exponent fit): margins 5.7e-12 and 7.8e-12 differ by round-off only."""
    base = _margin_record(5.7e-12, 1.0, 1.0 + 5.7e-12)
    cur = _margin_record(7.8e-12, 1.0, 1.0 + 7.8e-12)
    assert compare(cur, base) == []
    assert 7.8e-12 - 5.7e-12 < ROUNDOFF_FLOOR
    far = _margin_record(5.7e-10, 1.0, 1.0 + 5.7e-10)  # 100×: above round-off, flagged
    assert [d.field for d in compare(far, base)] == ["worst_margin"]


def test_the_ratio_is_comparable_across_signs():
    from checks.harness.baseline import comparable_ratio

    assert comparable_ratio({"lhs": -0.6, "rhs": -0.5}) == pytest.approx(0.5 / 0.6)  # an exponent that holds: ≤ 1
    assert comparable_ratio({"lhs": 0.2, "rhs": 0.4}) == 0.5
    assert comparable_ratio({"lhs": 0.2, "rhs": 0.0}) is None


def test_atomic_write_survives_a_killed_writer(tmp_path):
    """A writer killed mid-run leaves the previous ledger intact and no stray files behind."""
    path = tmp_path / "ledger.json"
    write_json(path, {"records": {"old": 1}})
    script = textwrap.dedent(
        f"""
        import os, signal
        from checks.harness import jsonio
        class Bomb:
            def tolist(self):
                os.kill(os.getpid(), signal.SIGKILL)
        jsonio.write_json({str(path)!r}, {{"records": {{"new": Bomb()}}}})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert proc.returncode != 0
    assert read_json(path) == {"records": {"old": 1}}
    leftovers = [p for p in tmp_path.iterdir() if p.name != "ledger.json"]
    assert len(leftovers) <= 1  # SIGKILL gives no chance to clean the temporary file; it is never the ledger


def test_read_json_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `rnn-theorems verify`"):
        read_json(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_json(bad)


@pytest.mark.parametrize(
    "kind, data, message",
    [
        ("baseline", {"records": 5}, "baseline b.json: field 'records' must be an object, got int 5"),
        ("baseline", [], "baseline b.json: expected an object, got list"),
        (
            "baseline",
            {"profile": "ci", "records": {"C3a": {"claim": "C3a", "worst_margin": 0.1, "rate": None, "implied_constant": None}}},
            "record 'C3a': field 'status' is missing",
        ),
        (
            "baseline",
            {"profile": "ci", "records": {"C3a": {"claim": "C3b", "status": "holds", "worst_margin": 0.1, "rate": None, "implied_constant": None}}},
            "not the record's id",
        ),
        (
            "baseline",
            {"profile": "ci", "records": {"C3a": {"claim": "C3a", "status": "great", "worst_margin": 0.1, "rate": None, "implied_constant": None}}},
            "field 'status' must be one of",
        ),
        (
            "ledger",
            {"records": {"C3a": {"claim": "C3a", "status": "holds", "worst_margin": "0.1", "rate": None, "implied_constant": None}}},
            "field 'worst_margin' must be a finite number or null",
        ),
        ("audit", {"rows": [{"claim": "C3a", "scenario": "-A3"}]}, "audit b.json: rows[0]: field 'verdict' is missing"),
        ("audit", {"rows": {}}, "field 'rows' must be a list"),
        ("counterexample", {"claim": "C3a"}, "counterexample b.json: field 'instance' is missing"),
        ("counterexample", {"claim": "C3a", "instance": [1, 2]}, "field 'instance' must be an object"),
        ("mutation", {"rows": [{"claim": "C3a", "mutant": "m", "status": "dead"}], "scores": {}}, "rows[0]: field 'status' must be one of killed"),
    ],
)
def test_files_at_the_edges_are_validated_naming_file_record_and_field(kind, data, message):
    with pytest.raises(SchemaError) as e:
        validate(data, kind, "b.json")
    assert message in str(e.value)


def test_load_names_the_file_for_every_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="no baseline at"):
        load(tmp_path / "none.json", "baseline")
    (tmp_path / "trunc.json").write_text('{"profile": "ci", "rec')
    with pytest.raises(ValueError, match="baseline .*trunc.json is not valid JSON"):
        load(tmp_path / "trunc.json", "baseline")
    with pytest.raises(ValueError, match="is a directory"):
        load(tmp_path, "audit")


@pytest.mark.parametrize(
    "instance, message",
    [
        ({"X": [[[1e308, 0.0]]]}, "X[0][0][0] = 1e+308 would overflow float64 when squared"),
        ({"X": "abc"}, "instance field 'X' must be a non-empty (nested) list of numbers, got str"),
        ({"X": [[["a"]]]}, "instance field 'X' must be a non-empty (nested) list of numbers"),
        ({"X": [[[1.0]]], "y": [float("nan")]}, "y[0] is nan: not a finite number"),
        ({"X": [[[1.0]]], "m": 10**200}, "m = 1e+200 would overflow"),
    ],
)
def test_an_instance_that_would_overflow_or_lose_information_is_rejected(instance, message):
    with pytest.raises(SchemaError) as e:
        check_instance(instance, "counterexample c.json")
    assert message in str(e.value) and str(e.value).startswith("counterexample c.json")


def test_a_valid_instance_passes():
    assert check_instance({"X": [[[1.0, -2.0]]], "seed": 3, "direction": "random", "target": {"betas": [[0.5]]}}, "x")


def test_a_compared_headline_quantity_moving_25_percent_is_a_diff_and_5_percent_is_not():
    """``Measurement.compared`` is watched even when the record's sides are constant by construction."""
    led = Ledger("ci")
    led.collector(get("C3c")).add({"seed": 1}, Measurement(lhs=0.0, rhs=0.15, compared={"phi_kappa_at_max_L": 80.0, "c": 0.3}))
    base = led.as_dict()
    assert base["records"]["C3c"]["compared"] == {"phi_kappa_at_max_L": 80.0, "c": 0.3}
    assert compare(base, base) == []
    for factor, flagged in ((1.25, True), (0.75, True), (1.05, False)):
        cur = json.loads(json.dumps(base))
        cur["records"]["C3c"]["compared"]["phi_kappa_at_max_L"] *= factor
        assert ({d.field for d in compare(cur, base)} == {"compared.phi_kappa_at_max_L"}) is flagged
    gone = json.loads(json.dumps(base))
    del gone["records"]["C3c"]["compared"]["c"]
    assert {d.field for d in compare(gone, base)} == {"compared.c"}
