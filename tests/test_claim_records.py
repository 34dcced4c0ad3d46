"""The claim record is the single source: selection, a toy claim end to end, seeds independent of source text."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import strategies as st

from checks.claims import RESERVED_FAMILY, SCENARIOS, Claim, Measurement, Twin, families, get, get_profile, load_all, register, select, unregister
from checks.harness.audit import run_audit
from checks.harness.jsonio import read_json, write_json
from checks.harness.search import falsified_twin_failure
from checks.tools.cli import main
from checks.tools.report import render_report

ROOT = Path(__file__).resolve().parents[1]
TOY = f"{RESERVED_FAMILY}-toy"
"""The toy record's id: its family is reserved for tests (no claim module registers it, tests/test_registry.py)."""


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("C3", ["C3-data-digits", "C3a", "C3b", "C3b-converse", "C3c"]),
        ("C3a", ["C3a"]),
        ("c3b", ["C3b"]),
        ("C7", ["C7", "C7-data-digits", "C7-labels", "C7-labels-data-digits", "C7-linearization", "C7-rademacher", "C7-rademacher-lower", "C7-radius"]),
        ("=C6", ["C6"]),  # one record alone, where C6 is its family
        ("C7-labels", ["C7-labels"]),
        ("C7-rademacher", ["C7-rademacher"]),  # an exact id names that record, not its "-lower" sibling
        ("C9b", ["C9b-add-end-2", "C9b-add-first", "C9b-add-last"]),
        ("C10b-nvar-N2-l1", ["C10b-nvar-N2-l1"]),
        ("C1,C2", ["C1", "C1-limit", "C2", "C2-lengths", "C2-limit"]),
        ("C2-limit", ["C2-limit"]),
    ],
)
def test_selection_is_the_same_rule_everywhere(selector, expected):
    assert select(selector) == expected


@pytest.mark.parametrize("selector", ["", " , ", RESERVED_FAMILY, "X1", "C3z"])
def test_bad_selection_is_an_error(selector):
    with pytest.raises(ValueError):
        select(selector)


def test_every_record_is_well_formed():
    """Each record has a twin, a statement, named sides, and instances exactly for the scenarios it lists."""
    profile = get_profile("dev")
    for claim in load_all().values():
        assert claim.statement and claim.lhs_name and claim.rhs_name and claim.twin.description
        for scenario in SCENARIOS:
            assert (claim.instances(scenario, profile) is not None) == (scenario in claim.scenarios), (claim.id, scenario)


def _toy_evaluate(instance):
    return Measurement(lhs=instance["x"], rhs=1.0)


def _toy_instances(scenario, profile):
    low, high = (2.0, 3.0) if scenario == "-A3" else (0.0, 1.0)  # without "A3" the toy inequality x ≤ 1 breaks
    return st.fixed_dictionaries({"x": st.floats(low, high)})


@pytest.fixture
def toy_claim():
    claim = register(
        Claim(
            id=TOY,
            title="Toy claim",
            statement="x ≤ 1 for x drawn from [0, 1]",
            assumptions=("A3",),
            strategy=_toy_instances,
            scenarios=(None, "-A3"),
            evaluate=_toy_evaluate,
            twin=Twin.tightened(0.5, "x ≤ 1/2"),
            lhs_name="x",
            rhs_name="1",
            tolerance_reason="none",
        )
    )
    yield claim
    unregister(TOY)


def test_a_toy_claim_flows_from_record_to_verify_ledger_audit_and_report(toy_claim, tmp_path, monkeypatch):
    """Adding a claim is one record plus one line in a theorem module."""
    monkeypatch.chdir(tmp_path)
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    (theorems / "test_toy.py").write_text(f'from checks.harness.factory import claim_test\n\ntest_toy = claim_test("{TOY}")\n')
    ledger, baseline = tmp_path / "ledger.json", tmp_path / "baseline.json"
    common = ["--claims", TOY, "--theorems", str(theorems), "--ledger", str(ledger), "--baseline", str(baseline)]
    assert main(["verify", *common, "--update-baseline"]) == 0
    record = read_json(ledger)["records"][TOY]
    assert record["status"] == "holds" and record["instances"] >= 1 and record["twin"]["description"] == "x ≤ 1/2"
    assert main(["verify", *common]) == 0  # the baseline it just wrote
    assert falsified_twin_failure(toy_claim, get_profile("ci")) is not None
    rows = [r.as_dict() for r in run_audit([TOY], "-A3", get_profile("ci"), max_examples=5, progress=lambda s: None)]
    assert rows[0]["verdict"] == "breaks"
    write_json(tmp_path / "audit.json", {"rows": rows})
    report = render_report(ledger, tmp_path / "report", tmp_path / "audit.json").read_text()
    assert f"## {TOY} — Toy claim" in report and f"| {TOY} | breaks |" in report


def test_editing_a_theorem_docstring_leaves_ci_verify_unchanged(tmp_path):
    """The ci instances derive from (record id, profile) only: a docstring edit cannot move the baseline."""
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    source = (ROOT / "theorems" / "test_c03_positive_definite.py").read_text()
    (theorems / "test_c03_positive_definite.py").write_text('"""An edited docstring: C3, said differently."""\n' + source)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["verify", "--claims", "C3", "--profile", "ci", "--theorems", str(theorems), "--ledger", str(tmp_path / "l.json")]
    ran = subprocess.run([sys.executable, "-m", "checks.tools.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "no claim moved beyond its tolerance" in ran.stdout
    assert read_json(tmp_path / "l.json")["records"]["C3a"]["reproduce"] == read_json(ROOT / "ledger-baseline.json")["records"]["C3a"]["reproduce"]


def test_records_replay_from_their_saved_instance():
    """``evaluate`` depends on the instance alone: the baseline's worst C3c instance gives the recorded sides."""
    record = read_json(ROOT / "ledger-baseline.json")["records"]["C3c"]
    m = get("C3c").evaluate(record["reproduce"])
    assert m.rhs == pytest.approx(record["rhs"], rel=1e-9)


COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", "results", "reports", "sweeps", ".hypothesis", ".benchmarks", "__pycache__",
                                     "*.egg-info", "conftest.py")
OUTPUT_BIAS_MUTANT = '''

def _output_bias(original):
    """``H∞ + 1``: the kernel of a network with an output bias (a constant feature), not 2-homogeneous."""

    def infinite_ntk(*args, **kwargs):
        return original(*args, **kwargs) + 1.0

    return infinite_ntk


MUTANTS: dict[str, Mutant] = {'''


def test_adding_a_claim_touches_three_files(tmp_path):
    """docs/design.md's checklist, followed in a throwaway copy of the repository that has no ``conftest.py`` (the pytest
    plugin comes from the ``pytest11`` entry point): the template copied to a new family, its theorem line, a mutant in
    the catalog — three files — and the record is in ``pytest theorems/`` (with its twin), ``verify`` (new, not in the
    baseline), the ledger, ``mutate`` (killed) and the report; the registry's and the docs' tests pass once
    ``checks.tools.doc_tables`` has rewritten the generated tables."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    assert not (repo / "conftest.py").exists()
    k = int(families()[-1][1:]) + 1  # a new family, one past the registry's last
    cid = f"C{k}"
    hand = {f"checks/claims/c{k}_homogeneity.py", f"theorems/test_c{k}_homogeneity.py", "checks/harness/mutants.py"}
    template = (repo / "checks/claims/_template.py").read_text()
    assert 'ID = "C0-template"' in template
    (repo / f"checks/claims/c{k}_homogeneity.py").write_text(template.replace('ID = "C0-template"', f'ID = "{cid}"'))
    (repo / f"theorems/test_c{k}_homogeneity.py").write_text(
        f'"""{cid}: H∞(cX) = c² H∞(X)."""\n\nfrom checks.harness.factory import claim_test\n\ntest_c{k} = claim_test("{cid}")\n')
    catalog = repo / "checks/harness/mutants.py"
    text = catalog.read_text().replace("\n\nMUTANTS: dict[str, Mutant] = {", OUTPUT_BIAS_MUTANT, 1)
    mutant = f'        Mutant("hinf-output-bias", "H∞ + 1", "checks.model.ntk:infinite_ntk", _output_bias, kills=("{cid}",)),\n'
    catalog.write_text(text.replace("    for m in [\n", "    for m in [\n" + mutant, 1))
    assert _changed(repo) == hand

    env = {**os.environ, "PYTHONPATH": str(repo)}

    def run(*args):
        ran = subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert ran.returncode == 0, f"{args}: exit {ran.returncode}\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
        return ran.stdout

    out = run("-m", "pytest", "theorems/", "tests/test_falsified_twins.py", "--claims", cid, "--suite-profile", "ci", "-q",
              "-p", "no:randomly", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    assert "2 passed" in out and "claim ledger (profile ci" in out  # the claim and its twin; the plugin ran
    assert read_json(repo / "results/ledger.json")["records"][cid]["status"] == "holds"
    out = run("-m", "checks.tools.cli", "verify", "--claims", cid, "--profile", "ci")
    assert "1 new record(s), not in the baseline" in out and "no claim moved beyond its tolerance" in out
    out = run("-m", "checks.tools.cli", "mutate", "--claims", cid, "--profile", "ci", "--json", "results/mutation.json")
    assert read_json(repo / "results/mutation.json")["rows"][0]["status"] == "killed", out
    run("-m", "checks.tools.cli", "report", "--ledger", "results/ledger.json", "--out", "reports")
    assert f"## {cid} — H∞ is 2-homogeneous" in (repo / "reports/index.md").read_text()
    run("-m", "checks.tools.doc_tables")  # tool-written, not edited: README.md's and docs/claims.md's generated rows
    run("-m", "pytest", "tests/test_registry.py", "tests/test_doc_tables.py", "-q", "-p", "no:randomly", "-k", "not crashing")
    assert _changed(repo) == hand | {"README.md", "docs/claims.md"}


def _changed(repo: Path) -> set[str]:
    """The files of the copy that differ from this checkout or are new (outputs and caches left out)."""
    out = set()
    for p in repo.rglob("*"):
        rel = p.relative_to(repo)
        if p.is_file() and not COPY_IGNORE(str(repo), [rel.parts[0]]) and "__pycache__" not in rel.parts:
            if not (ROOT / rel).is_file() or (ROOT / rel).read_bytes() != p.read_bytes():
                out.add(str(rel))
    return out


@pytest.mark.parametrize("pooled", [False, True])
def test_a_records_fixed_instances_are_checked_in_every_run(pooled):
    """``Claim.fixed``: instances every run checks beside Hypothesis's draws — pooled with them for a statistical
    record (C7's networks: drawn with replacement, a ci run had counted 6 of its 8), checked one by one otherwise."""
    from checks.harness.factory import run_claim

    fixed = [{"x": 1000 + k} for k in range(3)]
    claim = Claim(id="C0-fixed", title="t", statement="s", assumptions=(), strategy=lambda scenario, profile: st.fixed_dictionaries({"x": st.integers(0, 9)}),
                  evaluate=lambda inst: Measurement(lhs=0.0, rhs=1.0), twin=Twin.tightened(0.5, "t"), budget=lambda profile: 5,
                  fixed=lambda profile: fixed, aggregate=(lambda ms: Measurement(lhs=0.0, rhs=1.0)) if pooled else None)
    seen = []
    run_claim(claim, get_profile("ci"), lambda c, inst: seen.append(inst))
    if pooled:
        assert len(seen) == 1 and all(f in seen[0]["experiments"] for f in fixed)
        assert sum(e["x"] < 10 for e in seen[0]["experiments"]) >= 1  # the drawn ones are there too
    else:
        assert all(f in seen for f in fixed) and any(i["x"] < 10 for i in seen)
