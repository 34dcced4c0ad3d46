"""CI on both cores: under pytest-xdist (``-n 2``) the claim records equal a one-process run's field for field
(timing and run stamps aside), and the store, the baseline comparison and the terminal summary happen once, in
the controller, after all workers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.harness.baseline import baseline_from
from checks.harness.jsonio import read_json, write_json

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = "C3a,C8a,C4b"  # cheap records of three kinds: a spectrum, a series bound, a rate fit over widths
STAMPS = ("seconds", "run", "recorded_at")


def _pytest(ledger: Path, *extra: str) -> subprocess.CompletedProcess:
    args = ["theorems", "-q", "-p", "no:randomly", "--suite-profile", "ci", "--claims", CLAIMS, "--ledger", str(ledger), *extra]
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_two_workers_give_the_one_process_records_and_compare_once(tmp_path):
    pytest.importorskip("xdist")
    one = _pytest(tmp_path / "one.json", "-p", "no:xdist")
    assert one.returncode == 0, one.stdout[-3000:]
    serial = read_json(tmp_path / "one.json")["records"]
    moved = json.loads(json.dumps(serial))
    moved["C8a"]["worst_margin"] *= 2  # a baseline this run must differ from: the comparison has to run, once
    write_json(tmp_path / "baseline.json", baseline_from(moved, "ci"))

    two = _pytest(tmp_path / "two.json", "-n", "2", "--baseline", str(tmp_path / "baseline.json"))
    assert two.returncode == 1, two.stdout[-3000:]  # the diff fails the session
    parallel = read_json(tmp_path / "two.json")
    assert set(parallel["records"]) == set(serial) == set(CLAIMS.split(","))
    for key, record in serial.items():
        for field, value in record.items():
            if field not in STAMPS:
                assert parallel["records"][key][field] == value, (key, field)
    runs = parallel["runs"]
    assert len(runs) == 1 and runs[0]["state"] == "complete" and sorted(runs[0]["ran"]) == sorted(serial)
    out = two.stdout
    assert out.count("claim ledger (profile ci") == 1, out[-3000:]
    assert out.count("1 change(s) beyond tolerance") == 1 and "C8a" in out.split("beyond tolerance")[1]
