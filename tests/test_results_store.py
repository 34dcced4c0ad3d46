"""The results store keeps everything: subset runs, runs listed with their outcome,
Ctrl-C, concurrent writers, problems found before the checks, missing and stale records."""

import json
import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, register, unregister
from checks.harness.jsonio import write_json
from checks.harness.ledger import Ledger
from checks.harness.store import ResultsStore, freshness, run_state
from checks.tools.cli import main
from checks.tools.report import render_report

ROOT = Path(__file__).resolve().parents[1]
CALLS = {"evaluations": 0, "interrupt_at": None, "sleep": 0.0}


def _evaluate(instance):
    CALLS["evaluations"] += 1
    time.sleep(CALLS["sleep"])
    if CALLS["interrupt_at"] is not None and CALLS["evaluations"] >= CALLS["interrupt_at"]:
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a check
    return Measurement(lhs=instance["x"], rhs=1.0)


def toy_claim(claim_id, evaluate=None):
    """A toy record ``x ≤ 1`` for ``x`` drawn from [0, 1], its evaluation ``evaluate`` (this module's by default)."""
    return Claim(
        id=claim_id,
        title=f"Toy {claim_id}",
        statement="x ≤ 1 for x drawn from [0, 1]",
        assumptions=(),
        strategy=lambda scenario, profile: st.fixed_dictionaries({"x": st.floats(0.0, 1.0)}),
        scenarios=(None,),
        evaluate=evaluate or _evaluate,
        twin=Twin.tightened(0.5, "x ≤ 1/2"),
        lhs_name="x",
        rhs_name="1",
        tolerance_reason="none",
    )


@pytest.fixture
def toys(tmp_path, monkeypatch):
    """Toy records C97, C98 and a theorem folder with their tests; the working directory is tmp_path."""
    monkeypatch.chdir(tmp_path)
    CALLS.update(evaluations=0, interrupt_at=None, sleep=0.0)
    for cid in ("C97", "C98"):
        register(toy_claim(cid))
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    name = f"test_toy_{uuid.uuid4().hex[:8]}.py"  # a fresh module name: the runs are in-process
    (theorems / name).write_text('from checks.harness.factory import claim_test\n\ntest_c97 = claim_test("C97")\ntest_c98 = claim_test("C98")\n')
    yield theorems
    for cid in ("C97", "C98"):
        unregister(cid)


def _verify(theorems, *args):
    return main(["verify", "--theorems", str(theorems), "--ledger", "results/ledger.json", "--baseline", "baseline.json", *args])


def test_a_subset_run_updates_only_its_own_records_and_lists_every_run(toys):
    assert _verify(toys, "--claims", "C97", "--update-baseline") == 0
    assert _verify(toys, "--claims", "C98", "--update-baseline") == 0
    data = json.loads(Path("results/ledger.json").read_text())
    assert set(data["records"]) == {"C97", "C98"}  # the second run did not replace the first run's record
    first, second = data["runs"]
    assert first["planned"] == ["C97"] and second["planned"] == ["C98"]
    for run in data["runs"]:
        assert run["completed"] and run["profile"] == "ci" and run["started_at"] <= run["finished_at"]
    assert data["records"]["C97"]["run"] == first["id"] and data["records"]["C98"]["run"] == second["id"]
    assert set(json.loads(Path("baseline.json").read_text())["records"]) == {"C97", "C98"}
    assert _verify(toys, "--claims", "C97") == 0  # compares only what ran


def test_ctrl_c_keeps_the_previous_records_and_gives_no_baseline_verdict(toys, capsys):
    assert _verify(toys, "--claims", "C97", "--update-baseline") == 0
    before = json.loads(Path("results/ledger.json").read_text())["records"]["C97"]
    capsys.readouterr()
    CALLS.update(evaluations=0, interrupt_at=3)
    code = _verify(toys, "--claims", "C97")
    out = capsys.readouterr().out
    assert code == 130  # an interrupt, as every command reports it (pytest's own 2 is a usage error there)
    assert "no claim moved" not in out and "no verdict for an incomplete run" in out and "INCOMPLETE" in out
    data = json.loads(Path("results/ledger.json").read_text())
    assert data["records"]["C97"] == before  # the last complete state
    run = data["runs"][-1]
    assert not run["completed"] and run["state"] == "incomplete" and "interrupted" in run["reason"]
    assert run["partial_records"]["C97"]["instances"] == 2  # the partial run is kept, marked incomplete
    assert [r["id"] for r in freshness(data)["incomplete_runs"]] == [run["id"]]


def test_a_run_that_died_is_seen_as_incomplete(tmp_path):
    store = ResultsStore(tmp_path / "ledger.json")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    store.begin_run("r1", "ci", ["C3a"])
    store.update(lambda d: d["runs"][-1].update(pid=int(dead)))
    run = store.read()["runs"][-1]
    assert run_state(run) == "died" and freshness(store.read())["incomplete_runs"][0]["state"] == "died"


def _finish(path, key, barrier):
    from checks.claims import get
    from checks.harness.ledger import Ledger
    from checks.harness.store import ResultsStore

    led = Ledger("ci")
    led.collector(get("C3a")).add({"X": [[[1.0]]]}, Measurement(lhs=0.1, rhs=0.5))
    data = led.as_dict()
    data["records"] = {key: {**data["records"]["C3a"], "claim": key}}
    barrier.wait()
    ResultsStore(path).finish_run(f"run-{key}", data, completed=True)


def test_concurrent_writers_lose_nothing(tmp_path):
    """Eight processes close their runs at the same moment: every record and every run survives."""
    path = tmp_path / "ledger.json"
    ctx = multiprocessing.get_context("fork")
    keys = [f"C{90 + i}" for i in range(8)]
    barrier = ctx.Barrier(len(keys))
    procs = [ctx.Process(target=_finish, args=(path, key, barrier)) for key in keys]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    data = ResultsStore(path).read()
    assert set(data["records"]) == set(keys)
    assert sorted(r["id"] for r in data["runs"]) == sorted(f"run-{k}" for k in keys)


def _verify_in_child(theorems, claim_id, barrier):
    barrier.wait()  # both runs start together; each check sleeps, so they are in flight at once
    code = main(
        ["verify", "--theorems", str(theorems), "--claims", claim_id, "--ledger", "results/ledger.json", "--baseline", f"b{claim_id}.json", "--update-baseline"]
    )
    os._exit(code)


def test_two_concurrent_verify_runs_leave_both_records(toys):
    """Two `verify` processes on different claims, at the same time: the ledger holds both (forked, so that
    neither pays for importing torch again)."""
    CALLS["sleep"] = 0.02
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_verify_in_child, args=(toys, cid, barrier)) for cid in ("C97", "C98")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    data = json.loads(Path("results/ledger.json").read_text())
    assert set(data["records"]) == {"C97", "C98"}
    assert len(data["runs"]) == 2 and all(r["completed"] for r in data["runs"])
    (a_start, a_end), (b_start, b_end) = [(r["started_at"], r["finished_at"]) for r in data["runs"]]
    assert a_start < b_end and b_start < a_end  # the runs overlapped


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder this process cannot write (chmod for a user; the immutable attribute for root)."""
    folder = tmp_path / "results"
    folder.mkdir()
    undo = None
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = lambda: folder.chmod(0o755)
    elif subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        undo = lambda: subprocess.run(["chattr", "-i", str(folder)])
    try:
        (folder / "probe").touch()
        (folder / "probe").unlink()
        writable = True
    except OSError:
        writable = False
    if writable:
        if undo:
            undo()
        pytest.skip("cannot make a read-only folder here (root without chattr)")
    yield folder
    undo()


def _line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_read_only_results_folder_is_found_before_the_checks(toys, read_only_dir, capsys):
    code = main(
        ["verify", "--theorems", str(toys), "--claims", "C97", "--ledger", str(read_only_dir / "ledger.json"), "--baseline", "b.json", "--update-baseline"]
    )
    line = _line(capsys.readouterr().err)
    assert code == 2 and str(read_only_dir) in line and "not writable" in line
    assert CALLS["evaluations"] == 0  # nothing ran, so no verdict was thrown away
    import pytest as pt

    code = pt.main([str(toys), "-q", "-p", "checks.harness.pytest_plugin", "--claims", "C97", "--ledger", str(read_only_dir / "ledger.json")])
    assert code == pt.ExitCode.USAGE_ERROR and CALLS["evaluations"] == 0


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda: Path("results").write_text("a file"), "is not a directory"),
        (lambda: (Path("results").mkdir(), Path("results/ledger.json").write_text('{"records": {')), "ledger results/ledger.json is not valid JSON"),
        (lambda: (Path("results").mkdir(), Path("results/ledger.json").write_text('{"records": []}')), "field 'records' must be an object"),
        (lambda: Path("baseline.json").write_text('{"profile": "ci", "records": {"C97": {"claim": "C97"'), "baseline baseline.json is not valid JSON"),
        (lambda: Path("baseline.json").write_text('{"records": 5}'), "field 'records' must be an object"),
        (lambda: Path("baseline.json").write_text("[]"), "baseline baseline.json: expected an object, got list"),
        (lambda: Path("baseline.json").write_text('{"profile": "ci", "records": {"C97": {"claim": "C97"}}}'), "record 'C97': field 'status' is missing"),
        (lambda: Path("baseline.json").write_text('{"profile": "dev", "records": {}}'), "recorded under profile 'dev', this run uses 'ci'"),
    ],
)
def test_file_problems_are_found_before_the_checks_with_the_file_named(toys, capsys, setup, message):
    setup()
    if not Path("baseline.json").exists():
        Path("baseline.json").write_text('{"profile": "ci", "records": {}}')
    code = _verify(toys, "--claims", "C97")
    line = _line(capsys.readouterr().err)
    assert code == 2 and message in line
    assert CALLS["evaluations"] == 0


def test_a_profile_mismatch_is_compared_only_when_asked(toys, capsys):
    assert _verify(toys, "--claims", "C97", "--update-baseline", "--profile", "dev") == 0
    assert _verify(toys, "--claims", "C97") == 2  # ci against a dev baseline: refused before running
    assert "--allow-profile-mismatch" in capsys.readouterr().err
    assert _verify(toys, "--claims", "C97", "--allow-profile-mismatch") == 0
    assert "no claim moved" in capsys.readouterr().out


def _record(key, profile, recorded_at="2026-01-01T00:00:00.000+00:00"):
    return {
        "claim": key, "status": "holds", "worst_margin": 0.5, "rate": None, "implied_constant": None, "title": key, "statement": "s",
        "assumptions": [], "scenario": None, "instances": 3, "failures": 0, "worst_ratio": 0.5, "lhs": 0.5, "rhs": 1.0,
        "lhs_name": "a", "rhs_name": "b", "tolerance": 0.0, "tolerance_reason": None, "details": {}, "reproduce": {},
        "expected_fail": None, "profile": profile, "recorded_at": recorded_at, "run": "r",
    }  # fmt: skip


def test_report_says_which_records_are_missing_or_stale(tmp_path):
    ledger = {
        "profile": "ci",
        "records": {"C3a": _record("C3a", "ci"), "C3b": _record("C3b", "dev"), "C3c": _record("C3c", "ci"), "C0": _record("C0", "ci")},
        "runs": [],
    }
    baseline = {"profile": "ci", "records": {"C3a": _record("C3a", "ci"), "C3c": _record("C3c", "ci", "2026-06-01T00:00:00.000+00:00")}}
    fresh = freshness(ledger, ["C3a", "C3b", "C3c", "C5"], baseline)
    assert set(fresh["missing"]) == {"C5"}
    assert set(fresh["stale"]) == {"C3b", "C3c", "C0"}
    assert "profile dev" in fresh["stale"]["C3b"] and "before the baseline" in fresh["stale"]["C3c"] and "no longer" in fresh["stale"]["C0"]
    write_json(tmp_path / "ledger.json", ledger)
    write_json(tmp_path / "baseline.json", baseline)
    text = render_report(tmp_path / "ledger.json", tmp_path / "out", None, baseline_path=tmp_path / "baseline.json", mutation_path=None).read_text()
    assert "| C3b | stale | ran under profile dev, not ci |" in text
    assert "| C5 | missing |" in text


def test_mutation_scores_travel_with_the_records_they_score_only_from_the_same_code(tmp_path):
    """A mutation table measured by this code (its ``code`` fingerprint) travels with the records; one of other
    code, or without a fingerprint (a file left in the working tree), attaches nothing; a baseline keeps none."""
    from checks.claims import get
    from checks.harness.baseline import baseline_from
    from checks.harness.store import code_fingerprint

    led = Ledger("ci")
    led.collector(get("C3a")).add({"X": [[[1.0]]]}, Measurement(lhs=0.1, rhs=0.5))
    scores = {"C3a": {"killed": 2, "in_scope": 3, "survivors": [{"mutant": "m", "reason": "r"}], "equivalent": []}}
    for name, code, attached in (("same", code_fingerprint(), True), ("other", "0" * 64, False), ("unstamped", None, False)):
        store = ResultsStore(tmp_path / f"{name}.json")
        mutation = {"profile": "ci", "rows": [], "scores": scores, **({} if code is None else {"code": code})}
        store.finish_run("r1", led.as_dict(), completed=True, mutation=mutation)
        record = store.read()["records"]["C3a"]
        assert ("mutation" in record) is attached, name
        if attached:
            assert record["mutation"]["killed"] == 2
            assert "mutation" not in baseline_from(store.read()["records"], "ci")["records"]["C3a"]


def test_the_fingerprint_follows_the_sources(tmp_path, monkeypatch):
    """Editing any module of the package changes the fingerprint (so an old table no longer attaches)."""
    import shutil

    import checks
    from checks.harness import store

    copy = tmp_path / "checks"
    shutil.copytree(Path(checks.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(checks, "__file__", str(copy / "__init__.py"))
    store.code_fingerprint.cache_clear()
    try:
        before = store.code_fingerprint()
        with open(copy / "bounds.py", "a") as f:
            f.write("\n# an edit\n")
        store.code_fingerprint.cache_clear()
        assert store.code_fingerprint() != before
    finally:
        store.code_fingerprint.cache_clear()


def test_old_single_run_ledgers_are_read_and_upgraded(tmp_path):
    """A version-1 ledger (one run's records, no run list) is read as it is and keeps its records."""
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps({"profile": "ci", "records": {"C3a": _record("C3a", "ci")}, "notes": {}, "wall_seconds": 1.0}))
    store = ResultsStore(path)
    store.preflight()
    store.begin_run("r2", "ci", ["C3b"])
    assert set(store.read()["records"]) == {"C3a"} and store.read()["schema"] == 2


def test_the_plugin_fixes_torch_threads_under_ci(toys):
    """ci repeats bit for bit: one intra-op thread, whatever the machine's core count."""
    import torch

    before = torch.get_num_threads()
    try:
        assert _verify(toys, "--claims", "C97", "--update-baseline") == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_ci_records_repeat_bit_for_bit(tmp_path, monkeypatch):
    """Two ci runs of C3a give identical records (everything but the run tags and timings)."""
    monkeypatch.chdir(tmp_path)
    records = []
    for _ in range(2):
        assert main(["verify", "--claims", "C3a", "--theorems", str(ROOT / "theorems"), "--ledger", "l.json", "--baseline", "b.json", "--update-baseline"]) == 0
        records.append(json.loads(Path("l.json").read_text())["records"]["C3a"])
    assert records[0]["run"] != records[1]["run"]
    drop = ("run", "recorded_at", "seconds")
    assert {k: v for k, v in records[0].items() if k not in drop} == {k: v for k, v in records[1].items() if k not in drop}
