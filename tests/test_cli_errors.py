"""Careless input to the console script: a one-line ``error: …`` naming the problem, exit 2, never a traceback."""

import json

import pytest

from checks.tools.cli import main


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


def _replay(tmp_path, data) -> list[str]:
    path = tmp_path / "cx.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return ["replay", str(path)]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"claim": "C3a", "scenario": None, "instance": {"X": [[[1e308, 1.0], [0.5, 0.5]]]}}, "instance field X[0][0][0] = 1e+308 would overflow float64"),
        ({"claim": "C3a", "instance": {"X": "not a sample"}}, "instance field 'X' must be a non-empty (nested) list of numbers, got str"),
        ({"claim": "C3a", "instance": {"X": [[["1.0", 2.0]]]}}, "instance field 'X' must be a non-empty (nested) list of numbers"),
        ({"claim": "C3a"}, "field 'instance' is missing"),
        ({"claim": "C3a", "instance": {}}, "cannot be evaluated (field 'X' is missing)"),
        ({"claim": "C3a", "instance": {"X": [[[1.5e153] * 3] * 4] * 2}}, "cannot be evaluated"),  # the mathematics' own ValueError
        ({"claim": "C99x", "instance": {}}, "unknown claim 'C99x'"),
        ([], "expected an object, got list"),
        ('{"claim": "C3a", "instance": {"X": [[[1.0', "is not valid JSON"),
    ],
)
def test_replay_rejects_a_bad_counterexample_in_one_line(tmp_path, capsys, data, message):
    assert main(_replay(tmp_path, data)) == 2
    line = _error(capsys)
    assert message in line and "cx.json" in line or message.startswith("unknown claim") and message in line
    assert not line.startswith('error: "') and not line.startswith("error: '")  # no bare KeyError repr


@pytest.mark.parametrize(
    "args, message",
    [
        (["sweep", "--workers", "-1"], "--workers must be between 0 and"),
        (["sweep", "--widths", "10000000000", "--serial"], "sweep cell m=10000000000, L=3, n=50 needs about"),
        (["sweep", "--lengths", "100000000", "--serial"], "L=100000000"),
        (["sweep", "--widths", "10000000000", "--scheduler", "tcp://127.0.0.1:9"], "per worker"),
        (["sweep", "--scheduler-timeout", "0"], "--scheduler-timeout must be > 0"),
        (["audit", "--drop", "A3", "--examples", "0"], "--examples must be >= 1"),
        (["verify", "--claims", ""], "empty claim selection"),
        (["verify", "--claims", "C3a", "--ledger", "none", "--update-baseline"], "--update-baseline needs the run's ledger"),
    ],
)
def test_commands_that_cannot_do_what_they_say_are_errors_before_any_work(tmp_path, capsys, args, message):
    assert main([*args, *(["--out", str(tmp_path / "out")] if args[0] == "sweep" else [])]) == 2
    assert message in _error(capsys)
    assert not (tmp_path / "out").exists()  # nothing was allocated or written


def test_an_unreachable_scheduler_is_a_one_line_error_within_the_timeout(tmp_path, capsys):
    import time

    t0 = time.perf_counter()
    args = [
        "sweep",
        "--scheduler",
        "tcp://127.0.0.1:9",
        "--scheduler-timeout",
        "1",
        "--widths",
        "8",
        "--lengths",
        "2",
        "--sizes",
        "4",
        "--seeds",
        "1",
        "--steps",
        "2",
    ]
    assert main([*args, "--out", str(tmp_path / "sweep")]) == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9 within 1 s" in _error(capsys)
    assert time.perf_counter() - t0 < 30


def test_a_malformed_audit_file_stops_the_audit_before_it_searches(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audit.json").write_text('{"rows": [{"claim": "C3a"}]}')
    assert main(["audit", "--drop", "A3", "--claims", "C3a", "--out", "audit.json"]) == 2
    assert "audit audit.json: rows[0]: field 'scenario' is missing" in _error(capsys)


@pytest.mark.parametrize(
    "files, message",
    [
        ({"ledger.json": "[]"}, "ledger"),
        ({"ledger.json": '{"records": {"C3a": {"claim": "C3a"}}}'}, "record 'C3a': field 'status' is missing"),
        ({"ledger.json": '{"records": {}}', "audit.json": '{"rows": 3}'}, "audit"),
        ({"ledger.json": '{"records": {}}', "mutation.json": '{"rows": []}'}, "field 'scores' is missing"),
    ],
)
def test_report_validates_every_file_it_reads(tmp_path, capsys, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = ["report", "--ledger", str(tmp_path / "ledger.json"), "--audit", str(tmp_path / "audit.json"), "--mutation", str(tmp_path / "mutation.json")]
    assert main([*args, "--baseline", str(tmp_path / "none.json"), "--out", str(tmp_path / "out")]) == 2
    line = _error(capsys)
    assert message in line and str(tmp_path) in line


def test_mathematics_value_errors_reach_the_user_as_one_line(tmp_path, capsys):
    """Item 3: the checked numeric inputs (checks/numerics/validate.py) raise ValueError; the CLI prints it as one line."""
    data = {"claim": "C3c", "instance": {"X": [[[1.0, 0.0]], [[0.0, 1.0]]], "m": True, "seed": 1}}
    assert main(_replay(tmp_path, data)) == 2
    line = _error(capsys)
    assert "cannot be evaluated" in line and "m" in line
