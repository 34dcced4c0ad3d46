"""``rnn-theorems verify --workers N``: one claim record per dask task on a LocalCluster gives the serial run's records."""

from pathlib import Path

import pytest

from checks.claims import select
from checks.harness.distributed import RUN_STAMPS, planned_records
from checks.harness.jsonio import read_json
from checks.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
RECORDS = "C3b-converse,C8c"  # two cheap records (seconds each), one with a tolerance, one with a ratio
PER_RUN = RUN_STAMPS + ("seconds",)  # what differs between any two runs: the run stamp and the wall time


def _records(path: Path) -> dict:
    return {k: {f: v for f, v in r.items() if f not in PER_RUN} for k, r in read_json(path)["records"].items()}


def test_planned_records_are_those_a_serial_run_selects():
    assert planned_records(ROOT / "theorems", "ci", "C3,C8c") == select("C3,C8c")
    assert set(planned_records(ROOT / "theorems", "ci", None)) >= set(select("C1,C7,C11"))


def test_distributed_verify_equals_serial(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    common = ["verify", "--claims", RECORDS, "--profile", "ci", "--baseline", str(ROOT / "ledger-baseline.json")]
    assert main([*common, "--ledger", str(tmp_path / "serial.json")]) == 0
    assert main([*common, "--ledger", str(tmp_path / "dask.json"), "--workers", "2"]) == 0
    serial, dask = _records(tmp_path / "serial.json"), _records(tmp_path / "dask.json")
    assert sorted(serial) == sorted(dask) == select(RECORDS)
    assert dask == serial  # field for field: status, margins, worst instance, details
    run = read_json(tmp_path / "dask.json")["runs"][-1]
    assert run["completed"] and run["planned"] == select(RECORDS)


def test_distributed_verify_sees_a_moved_baseline(tmp_path, monkeypatch, capsys):
    """The falsified twin of the comparison: a baseline whose margin was moved makes the distributed run fail."""
    import json

    monkeypatch.chdir(ROOT)
    baseline = json.loads((ROOT / "ledger-baseline.json").read_text())
    baseline["records"]["C8c"]["worst_margin"] *= 3
    moved = tmp_path / "baseline.json"
    moved.write_text(json.dumps(baseline))
    code = main(["verify", "--claims", "C8c", "--baseline", str(moved), "--ledger", str(tmp_path / "l.json"), "--workers", "1"])
    assert code == 1
    assert "beyond tolerance" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--workers", "-1"]])
def test_bad_engine_options_are_errors(argv, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["verify", "--claims", "C8c", "--ledger", "none", *argv]) == 2
    assert "--workers" in capsys.readouterr().err


def test_a_task_runs_its_record_alone_where_the_id_is_also_a_family():
    """``C9`` is a record and the family of C9b-*: its task must run C9 alone (a family selector would run all of them,
    wasting a worker and storing records another task owns)."""
    from checks.harness.distributed import run_record_task

    result = run_record_task(("C9", "ci", str(ROOT / "theorems"), str(ROOT), "task-test"))
    assert result["exit"] == 0, result["output"]
    assert sorted(result["records"]) == ["C9"]
