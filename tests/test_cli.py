"""The console script as a user runs it: verify against a baseline, audit, replay, report."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.claims import get_profile
from checks.harness.audit import run_audit
from checks.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "checks.tools.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_verify_catches_a_perturbed_baseline(tmp_path):
    base, ledger = tmp_path / "baseline.json", tmp_path / "ledger.json"
    made = cli("verify", "--claims", "C3", "--profile", "ci", "--baseline", str(base), "--ledger", str(ledger), "--update-baseline")
    assert made.returncode == 0, made.stdout + made.stderr
    same = cli("verify", "--claims", "C3", "--profile", "ci", "--baseline", str(base), "--ledger", str(ledger))
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no claim moved beyond its tolerance" in same.stdout
    data = json.loads(base.read_text())
    data["records"]["C3c"]["worst_margin"] += 1.0
    data["records"]["C3a"]["status"] = "fails"
    base.write_text(json.dumps(data))
    moved = cli("verify", "--claims", "C3", "--profile", "ci", "--baseline", str(base), "--ledger", str(ledger))
    assert moved.returncode != 0
    assert "C3c" in moved.stdout and "worst_margin" in moved.stdout
    assert "C3a" in moved.stdout and "status" in moved.stdout and "fails" in moved.stdout


def test_audit_shows_c3_breaking_without_a3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # counterexamples are written under ./results
    rows = {r.claim: r for r in run_audit(["C3a", "C3b"], "-A3", get_profile("ci"), max_examples=10, progress=lambda s: None)}
    assert rows["C3b"].verdict == "breaks" and rows["C3a"].verdict == "holds"
    saved = Path(rows["C3b"].counterexample)
    assert saved.exists()
    replay = cli("replay", str(tmp_path / saved))
    assert replay.returncode == 1 and "FAILS" in replay.stdout


def test_report_renders_markdown_html_and_plots(tmp_path):
    ledger = tmp_path / "ledger.json"
    ran = cli("verify", "--claims", "C1", "--profile", "dev", "--ledger", str(ledger), "--baseline", str(tmp_path / "b.json"), "--update-baseline")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    out = tmp_path / "report"
    rep = cli("report", "--ledger", str(ledger), "--out", str(out), "--audit", str(tmp_path / "none.json"))
    assert rep.returncode == 0, rep.stderr
    text = (out / "index.md").read_text()
    assert "## C1 — Forward stability" in text and "C1_rate.png" in text
    assert (out / "C1_rate.png").stat().st_size > 1000 and (out / "index.html").exists()


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
