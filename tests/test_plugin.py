"""The pytest plugin as a ``pytest11`` entry point, ``--claims`` selecting a record's twin test, a baseline's data-set
records registered again, and a record the baseline lacks reported as new without hiding a change of the others.

(``tests/test_claim_records.py::test_adding_a_claim_touches_three_files`` runs ``pytest theorems/`` in a copy of the
repository without any ``conftest.py``.)"""

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from checks.claims import Measurement, get, unregister
from checks.claims.c03_c07_real_data import data_records, register_data_set
from checks.harness.baseline import new_records
from checks.harness.jsonio import write_json
from checks.harness.ledger import Ledger
from checks.harness.pytest_plugin import TWIN_MARK, baseline_diffs

ROOT = Path(__file__).resolve().parents[1]


def test_the_plugin_is_an_entry_point_and_no_conftest_loads_it():
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("checks.harness.pytest_plugin") == "checks.harness.pytest_plugin", (
        "the pytest11 entry point is missing: reinstall the package (pip install -e .)")
    assert not (ROOT / "conftest.py").exists() or "pytest_plugin" not in (ROOT / "conftest.py").read_text()


def _collect(tmp_path, *args) -> list[str]:
    """Node ids a fresh ``pytest --collect-only`` selects (a fresh process: the theorem modules parametrize at import)."""
    ran = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "--ledger", "none", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return [line for line in ran.stdout.splitlines() if "::" in line]


def test_claims_selects_the_records_claim_test_and_its_twin_test(tmp_path):
    ids = _collect(tmp_path, "theorems/test_c03_positive_definite.py", "tests/test_falsified_twins.py", "tests/test_registry.py",
                   "--claims", "C3a")
    assert sorted(ids) == ["tests/test_falsified_twins.py::test_falsified_twin_is_caught[C3a]",
                           "theorems/test_c03_positive_definite.py::test_c3[C3a]"]
    assert TWIN_MARK == "twin"


def test_a_baselines_data_set_records_are_registered_and_run(tmp_path):
    """A data set recorded by ``verify --data NAME --update-baseline`` is in the baseline: a run against it collects
    its records (compared, not reported missing), as ``--claims`` naming one of them does."""
    register_data_set("gunpoint")
    try:
        led = Ledger("ci")
        for cid in data_records("gunpoint"):
            led.collector(get(cid)).add({"data": "gunpoint", "seed": 0}, Measurement(lhs=0.5, rhs=0.9))
    finally:
        for cid in data_records("gunpoint"):
            unregister(cid)
    baseline = tmp_path / "baseline.json"
    write_json(baseline, {"schema": 1, "profile": "ci", "records": json.loads(json.dumps(led.as_dict()["records"])), "notes": {}})
    theorems = "theorems/test_c03_positive_definite.py"
    assert "theorems/test_c03_positive_definite.py::test_c3[C3-data-gunpoint]" not in _collect(tmp_path, theorems, "--suite-profile", "ci")
    with_baseline = _collect(tmp_path, theorems, "--suite-profile", "ci", "--baseline", str(baseline))
    assert "theorems/test_c03_positive_definite.py::test_c3[C3-data-gunpoint]" in with_baseline
    named = _collect(tmp_path, theorems, "--suite-profile", "ci", "--claims", "C3-data-gunpoint")
    assert named == ["theorems/test_c03_positive_definite.py::test_c3[C3-data-gunpoint]"]


def _ledger(**margins) -> dict:
    led = Ledger("ci")
    for cid, margin in margins.items():
        led.collector(get(cid.replace("_", "-"))).add({"seed": 1}, Measurement(lhs=0.9 - margin, rhs=0.9))
    return json.loads(json.dumps(led.as_dict()))


def test_a_new_record_is_reported_apart_and_hides_no_change_of_the_others():
    base = _ledger(C3a=0.5, C3c=0.5)
    current = _ledger(C3a=0.5, C3c=0.05, C3b=0.5)  # C3b is new; C3c's margin moved 10x
    assert new_records(current, base) == ["C3b"]
    moved = [("C3c", "worst_margin"), ("C3c", "worst_ratio")]
    assert [(d.key, d.field) for d in baseline_diffs(current, base)] == moved
    assert [(d.key, d.field) for d in baseline_diffs(current, base, planned={"C3b", "C3c"})] == moved
    assert baseline_diffs(_ledger(C3a=0.5, C3c=0.5, C3b=0.5), base) == []  # new alone: no diff


def test_a_renamed_record_is_its_old_id_missing_in_a_run_of_its_family():
    """``C3c`` renamed (here: gone, ``C3b`` new): a run of ``--claims C3`` covers the baseline's C3c, though it no
    longer exists to be planned; a run naming only other records does not."""
    base = _ledger(C3a=0.5, C3c=0.5)
    current = _ledger(C3a=0.5, C3b=0.5)
    assert [(d.key, d.field) for d in baseline_diffs(current, base, planned={"C3a", "C3b"}, selectors="C3")] == [("C3c", "record")]
    assert baseline_diffs(current, base, planned={"C3a", "C3b"}, selectors="C3a,C3b") == []
    assert [(d.key, d.field) for d in baseline_diffs(current, base)] == [("C3c", "record")]  # a full run


def test_a_data_sets_records_outlive_the_run_that_made_them_in_the_report(tmp_path):
    """``verify --data gunpoint`` registered its records in its own process; a later report (a process where they are
    not registered) registers them again from the ledger's ids: current, not "no longer a registered record".  A
    record of no data set in the catalog still is."""
    from checks.tools.report import render_report

    register_data_set("gunpoint")
    try:
        led = Ledger("ci")
        for cid in [*data_records("gunpoint"), "C3a"]:
            led.collector(get(cid)).add({"data": "gunpoint", "seed": 0}, Measurement(lhs=0.5, rhs=0.9))
    finally:
        for cid in data_records("gunpoint"):
            unregister(cid)
    data = json.loads(json.dumps(led.as_dict()))
    data["records"]["C3-data-removed"] = {**data["records"]["C3-data-gunpoint"], "claim": "C3-data-removed"}
    write_json(tmp_path / "ledger.json", {**data, "runs": []})
    try:
        text = render_report(tmp_path / "ledger.json", tmp_path / "report", None).read_text()
    finally:
        for cid in data_records("gunpoint"):
            unregister(cid)
    stale = [line for line in text.splitlines() if "| stale |" in line and not line.startswith("| stale |")]  # not the scoreboard's row
    assert stale == ["| C3-data-removed | stale | no longer a registered record |"], stale


def test_claim_tests_run_longest_first_by_the_baseline_seconds():
    """pytest-xdist hands tests out in collection order: the minutes-long records go first, longest first by the
    baseline's recorded seconds (ties and unknown records in their own order), every other test after them."""
    from types import SimpleNamespace

    from checks.harness.pytest_plugin import _longest_first

    class Item:
        def __init__(self, name, claim=None):
            self.name, self.claim = name, claim

        def get_closest_marker(self, name):
            return SimpleNamespace(args=(self.claim,)) if name == "claim" and self.claim else None

    items = [Item("unit-a"), Item("C1", "C1"), Item("unit-b"), Item("C7", "C7"), Item("C2", "C2"), Item("C3", "C3")]
    records = {"C1": {"seconds": 5.0}, "C7": {"seconds": 150.0}, "C2": {"seconds": 20.0}, "C3": {"seconds": float("nan")}}
    _longest_first(SimpleNamespace(_rnn_baseline={"records": records}), items)
    assert [i.name for i in items] == ["C7", "C2", "C1", "C3", "unit-a", "unit-b"]
    items = [Item("unit-a"), Item("C7", "C7"), Item("C1", "C1")]
    _longest_first(SimpleNamespace(_rnn_baseline=None), items)  # no baseline: claim tests first, in their order
    assert [i.name for i in items] == ["C7", "C1", "unit-a"]


def test_records_that_share_cached_work_start_one_first_and_the_others_last():
    """``Claim.shares``: C7 and its network links read one set of cached networks, the C11 records one set of curves;
    the first of each group keeps its place and the others start after every other claim test, so they find the cache
    filled (started together on two workers, one waited on the other's lock while the second worker idled)."""
    from types import SimpleNamespace

    from checks.claims import get, load_all
    from checks.harness.pytest_plugin import _longest_first

    load_all()
    assert get("C7").shares == get("C7-radius").shares == get("C7-linearization").shares is not None
    assert get("C11-first-linear").shares == get("C11-last-linear").shares is not None

    class Item:
        def __init__(self, claim):
            self.claim = claim

        def get_closest_marker(self, name):
            return SimpleNamespace(args=(self.claim,)) if name == "claim" and self.claim else None

    ids = ["C1", "C7", "C7-linearization", "C7-radius", "C11-last-linear", "C11-first-linear", "C2"]
    seconds = {"C7": 160, "C7-linearization": 150, "C7-radius": 5, "C11-last-linear": 60, "C11-first-linear": 55, "C1": 40, "C2": 30}
    items = [Item(c) for c in ids] + [Item(None)]
    _longest_first(SimpleNamespace(_rnn_baseline={"records": {c: {"seconds": s} for c, s in seconds.items()}}), items)
    assert [i.claim for i in items] == ["C7", "C11-last-linear", "C1", "C2", "C7-linearization", "C11-first-linear", "C7-radius", None]
