"""The console script as a user runs it: verify against a baseline, audit, replay, report, the terminal summary."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import strategies as st

from checks.claims import Claim, Measurement, Twin, get_profile, register, unregister
from checks.harness.audit import run_audit
from checks.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "checks.tools.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_verify_catches_a_perturbed_baseline(tmp_path, capsys):
    base, ledger = tmp_path / "baseline.json", tmp_path / "ledger.json"
    common = ["--claims", "C3a,C3b", "--profile", "ci", "--baseline", str(base), "--ledger", str(ledger)]
    made = cli("verify", *common, "--update-baseline")  # once as a user runs it, in its own process
    assert made.returncode == 0, made.stdout + made.stderr
    assert main(["verify", *common]) == 0
    assert "no claim moved beyond its tolerance" in capsys.readouterr().out
    data = json.loads(base.read_text())
    data["records"]["C3b"]["worst_margin"] *= 10  # a 10× change of a 0.005 margin (the old absolute 0.05 missed it)
    data["records"]["C3a"]["status"] = "fails"
    base.write_text(json.dumps(data))
    assert main(["verify", *common]) == 1
    out = capsys.readouterr().out
    assert re.search(r"C3b\s+worst_margin", out)
    assert re.search(r"C3a\s+status\s+fails\s+holds", out)


def test_audit_shows_c3_breaking_without_a3(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # counterexamples are written under ./results
    rows = {r.claim: r for r in run_audit(["C3a", "C3b"], "-A3", get_profile("ci"), max_examples=5, progress=lambda s: None)}
    assert rows["C3b"].verdict == "breaks" and rows["C3a"].verdict == "holds"
    saved = Path(rows["C3b"].counterexample)
    assert saved.exists()
    assert main(["replay", str(tmp_path / saved)]) == 1
    assert "FAILS" in capsys.readouterr().out


def test_report_renders_markdown_html_and_plots(tmp_path):
    ledger = tmp_path / "ledger.json"
    assert main(["verify", "--claims", "C3a", "--profile", "dev", "--ledger", str(ledger), "--baseline", str(tmp_path / "b.json"), "--update-baseline"]) == 0
    out = tmp_path / "report"
    assert main(["report", "--ledger", str(ledger), "--out", str(out), "--audit", str(tmp_path / "none.json"), "--mutation", str(tmp_path / "none.json")]) == 0
    text = (out / "index.md").read_text()
    assert "## C3a — " in text and text.index("## Findings") < text.index("## All records")
    assert "<table" in (out / "index.html").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["audit"], "give --drop"),
        (["audit", "--drop", "A3", "--claims", "C99"], "no claim record matches"),
        (["verify", "--claims", "X1"], "no claim record matches"),
        (["verify", "--claims", ""], "empty claim selection"),
        (["audit", "--drop", "A3", "--examples", "0"], "--examples must be >= 1"),
        (["report", "--ledger", "/nonexistent/ledger.json"], "no ledger"),
    ],
)
def test_bad_cli_input_is_explained(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def _rate_evaluate(instance):
    fit = {"slope": -0.45, "intercept": 0.0, "ci_low": -0.61, "ci_high": -0.29, "confidence": 0.99, "points": 7, "rms_residual": 0.1}
    return Measurement(lhs=fit["ci_low"], rhs=-0.5, rate=fit, constant=3.0)


@pytest.fixture
def rate_toys(tmp_path, monkeypatch):
    """A toy rate record (C95) and a toy recorded finding (C96), with a theorem folder."""
    monkeypatch.chdir(tmp_path)
    common = dict(assumptions=(), scenarios=(None,), twin=Twin.tightened(0.5, "half"), strategy=lambda sc, p: st.just({"x": 1.0}))
    register(
        Claim(id="C95", title="toy rate", statement="O(m^-1/2)", evaluate=_rate_evaluate, lhs_name="slope lower limit", rhs_name="claimed exponent", **common)
    )
    finding = "measured: the toy bound is exceeded by 20% on every instance"
    register(
        Claim(
            id="C96",
            title="toy finding",
            statement="x ≤ 1",
            evaluate=lambda i: Measurement(lhs=1.2, rhs=1.0),
            lhs_name="x",
            rhs_name="1",
            expected_fail=finding,
            **common,
        )
    )
    theorems = tmp_path / "theorems"
    theorems.mkdir()
    (theorems / "test_c95_toys.py").write_text('from checks.harness.factory import claim_test\n\ntest_c95 = claim_test("C95")\ntest_c96 = claim_test("C96")\n')
    yield theorems, finding
    unregister("C95")
    unregister("C96")


def test_terminal_summary_tells_a_researcher_what_they_need(rate_toys, capsys):
    """Slope beside its interval and the claimed rate, a comparable ratio, the findings without -rx, progress lines."""
    theorems, finding = rate_toys
    args = ["verify", "--claims", "C95,C96", "--theorems", str(theorems), "--ledger", "l.json", "--baseline", "b.json", "--update-baseline"]
    assert main(args) == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if line.startswith("record")]  # every record, then the rate records
    assert all(col in headers[0] for col in ("worst margin", "ratio", "constant", "resolution"))
    assert all(col in headers[1] for col in ("fitted slope", "confidence interval", "claimed"))
    row, rate = [line for line in out.splitlines() if line.startswith("C95 ")][:2]
    assert "-0.45" in rate and "[-0.61, -0.29] at 99.0%" in rate
    assert rate.split("at 99.0%")[1].split()[0] == "-0.5"  # the claimed exponent beside the fit
    assert "0.8197" in row  # ratio rhs/lhs = 0.5/0.61 for negative exponents: ≤ 1 means it holds, comparable to lhs/rhs elsewhere
    assert max(len(line) for line in out.split("claim ledger", 1)[1].splitlines()) <= 120  # the summary fits 120 columns
    assert f"C96 expected-fail: {finding}" in out  # the finding, without -rx
    assert "[1/2 claim records" in out and "[2/2 claim records" in out
