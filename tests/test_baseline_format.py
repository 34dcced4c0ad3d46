"""The baseline's compact layout (issue 26 item 4): a reviewer reads a baseline diff.

The committed ``ledger-baseline.json`` is written by the one writer (``checks.harness.jsonio.dumps`` in the
baseline's ``COMPACT_LAYOUT``), round-trips bit for bit, holds ≤ 60 lines a record, and a changed status or margin
is a one-line diff; a baseline of the earlier layout (every ledger field, a number a line) loads, compares the same,
and converts (``python -m checks.harness.baseline``) without rerunning a claim."""

import difflib
import json
import struct
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from checks.harness.baseline import NOT_KEPT, compact, compare, main
from checks.harness.jsonio import COMPACT_LAYOUT, dumps, file_kind, read_json, write_json
from checks.harness.schemas import load

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "ledger-baseline.json"
MAX_LINES_PER_RECORD = 60  # issue 26's goal for a readable diff (the earlier layout: 216 a record)


def _bits(x):
    """A value with every float replaced by its bit pattern: equal exactly when equal bit for bit (-0.0 ≠ 0.0)."""
    if isinstance(x, float):
        return ("float", struct.pack("<d", x))
    if isinstance(x, dict):
        return {k: _bits(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_bits(v) for v in x]
    return (type(x).__name__, x)


def _layout(data) -> str:
    return dumps(data, expanded=COMPACT_LAYOUT["baseline"])


def _old_layout(data) -> str:
    """A baseline as the writer laid it out before issue 26: indent 1, one number a line, with the ledger's details."""
    return json.dumps(data, indent=1, sort_keys=True)


def _changed_lines(a: str, b: str) -> list[str]:
    return [line for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_committed_baseline_is_the_writers_layout_and_round_trips_bit_for_bit():
    text = BASELINE.read_text()
    data = load(BASELINE, "baseline")
    assert file_kind(BASELINE) == "baseline"
    assert _layout(data) == text  # written by the one writer, not by hand (a hand edit's spacing differs)
    assert _bits(json.loads(_layout(data))) == _bits(data)
    assert not any(set(rec) & set(NOT_KEPT) for rec in data["records"].values())


def test_the_committed_baseline_has_at_most_60_lines_a_record():
    data = load(BASELINE, "baseline")
    lines = len(BASELINE.read_text().splitlines())
    assert lines / len(data["records"]) <= MAX_LINES_PER_RECORD, f"{lines} lines for {len(data['records'])} records"


@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**70), 2**70)), max_size=80),
       st.dictionaries(st.text(max_size=5), st.floats(allow_nan=False, allow_infinity=False), max_size=5))
def test_every_finite_number_round_trips_bit_for_bit(values, headlines):
    data = {"profile": "ci", "records": {"C1": {"claim": "C1", "status": "holds", "worst_margin": values[0] if values else None,
                                                "compared": headlines, "reproduce": {"X": [values, [values]], "seed": 2**63 - 1}}},
            "updated_at": "now"}
    assert _bits(json.loads(_layout(data))) == _bits(data)
    assert all(len(line) <= 120 for line in _layout(data).splitlines() if line.lstrip()[:1] in "-0123456789")  # numbers fill lines


def test_a_status_or_a_margin_change_is_a_one_line_diff():
    data = load(BASELINE, "baseline")
    before = _layout(data)
    key = next(k for k, r in data["records"].items() if r["status"] == "holds" and r["worst_margin"] is not None)
    data["records"][key]["status"] = "fails"
    after_status = _layout(data)
    assert _changed_lines(before, after_status) == ['-   "status": "holds",', '+   "status": "fails",']
    data["records"][key]["worst_margin"] *= 3
    changed = _changed_lines(after_status, _layout(data))
    assert len(changed) == 2 and all('"worst_margin": ' in line for line in changed)
    assert compare(data, load(BASELINE, "baseline"))  # and the comparison sees both


def test_a_baseline_of_the_earlier_layout_loads_compares_and_converts(tmp_path, capsys):
    new = load(BASELINE, "baseline")
    old = json.loads(json.dumps(new))
    for rec in old["records"].values():  # what the earlier layout also held
        rec.update(details={"rows": [{"n": 1, "x": 0.5}], "fits": {"a": [0.1, 0.2]}}, title="t", statement="s",
                   tolerance_reason="r", twin={"kind": "tightened"}, assumptions=["A1"])
    path = tmp_path / "baseline.json"
    path.write_text(_old_layout(old))
    assert file_kind(path) == "baseline"
    loaded = load(path, "baseline")  # loads as it is
    assert compare(new, loaded) == [] and compare(loaded, new) == []
    assert main([str(path)]) == 0
    message = capsys.readouterr().out
    converted = load(path, "baseline")
    assert _bits(converted) == _bits(new)  # every kept field bit for bit; details and texts gone
    assert path.read_text() == BASELINE.read_text()
    assert f"{len(_old_layout(old).splitlines())} → {len(BASELINE.read_text().splitlines())} lines" in message


def test_the_writer_drops_what_no_comparison_reads(tmp_path):
    record = {"claim": "C1", "status": "holds", "worst_margin": 0.25, "rate": None, "implied_constant": None,
              "details": {"rows": [1, 2]}, "title": "t", "mutation": {"survivors": []}, "reproduce": {"seed": 3}}
    assert compact(record) == {"claim": "C1", "status": "holds", "worst_margin": 0.25, "rate": None, "implied_constant": None,
                               "reproduce": {"seed": 3}}
    guarded = dict(record, resolution={"value": 1.4, "unit": "factor", "direction": "to fail", "what": "w", "limit": 1e6},
                   guards={"held-out": {"holds": True, "lhs": 0.8, "rhs": 1.0, "statement": "s", "details": {"z": [1, 2]}}})
    kept = compact(guarded)
    assert kept["resolution"] == {"value": 1.4, "unit": "factor", "direction": "to fail"}
    assert kept["guards"] == {"held-out": {"holds": True, "lhs": 0.8, "rhs": 1.0, "statement": "s"}}


def test_converting_something_else_is_one_line_naming_it(tmp_path, capsys):
    ledger = tmp_path / "ledger.json"
    write_json(ledger, {"records": {}, "runs": []})
    assert main([str(ledger)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(ledger) in err
    assert main([str(tmp_path / "none.json")]) == 2
    assert "no baseline at" in capsys.readouterr().err
    assert read_json(ledger)["runs"] == []  # untouched
