"""Ledger records, atomic writes and baseline comparison."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from checks.claims import Measurement, get
from checks.harness.ledger import Ledger, compare, read_json, write_json


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
    moved["records"]["C3c"]["worst_margin"] = 0.1  # moved by 0.1 > 0.05 + 10% of 0.2
    moved["records"]["C3c"]["status"] = "fails"
    fields = {d.field for d in compare(moved, base)}
    assert fields == {"status", "worst_margin"}
    small = json.loads(json.dumps(base))
    small["records"]["C3c"]["worst_margin"] = 0.21
    assert compare(small, base) == []


def test_atomic_write_survives_a_killed_writer(tmp_path):
    """A writer killed mid-run leaves the previous ledger intact and no stray files behind."""
    path = tmp_path / "ledger.json"
    write_json(path, {"records": {"old": 1}})
    script = textwrap.dedent(
        f"""
        import os, signal
        from checks.harness import ledger
        class Bomb:
            def tolist(self):
                os.kill(os.getpid(), signal.SIGKILL)
        ledger.write_json({str(path)!r}, {{"records": {{"new": Bomb()}}}})
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
