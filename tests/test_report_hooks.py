"""A record describes itself to every consumer (issue 26, item 1): the report, the plots and the terminal summary
hold no record id, and a record's ``Claim.report`` hook (``checks.claims.record.ReportSection``) reaches each of
them — its table, its plot, its per-instance curve and its summary line."""

import inspect
import re
from pathlib import Path

import pytest

from checks.claims import Claim, Measurement, Twin, register, unregister
from checks.claims.record import Plot, ReportSection
from checks.harness import pytest_plugin
from checks.harness.jsonio import read_json, write_json
from checks.harness.ledger import Ledger
from checks.harness.tables import TERMINAL_WIDTH, summary_line, terminal_summary

ROOT = Path(__file__).resolve().parents[1]
RECORD_ID = re.compile(r"""["']C\d+[a-z]?(-|["'])""")
"""A record id as a string literal (``"C7"``, ``'C9b-'``, ``"C11-"``): what a consumer that special-cases a record
writes.  Prose that names a family (``"… (C9b, C10b)"``) is not one."""
CONSUMERS = ["checks/tools/report.py", "checks/harness/tables.py", "checks/tools/plots.py"]


def _plugin_summary_source() -> str:
    return "\n".join(inspect.getsource(obj) for obj in (pytest_plugin.pytest_terminal_summary, pytest_plugin._wrapped))


def test_the_record_id_pattern_finds_the_special_cases_it_replaced():
    """The check can fail: the special cases the report held before the hooks are each found."""
    former = ['if r["claim"] == "C7" and rows', 'k.startswith(("C9b-", "C10b-"))', 'key.startswith("C11-")', "x == 'C3'"]
    assert all(RECORD_ID.search(line) for line in former)
    assert not RECORD_ID.search('"## Φ·κ̄ against L (C9b, C10b)"') and not RECORD_ID.search('color="tab:blue"')


@pytest.mark.parametrize("path", CONSUMERS)
def test_no_record_id_in_the_report_plots_or_tables(path):
    source = (ROOT / path).read_text()
    hits = [f"{path}:{n}: {line.strip()}" for n, line in enumerate(source.splitlines(), 1) if RECORD_ID.search(line)]
    assert not hits, "a consumer special-cases a record id; declare it on the record (Claim.report):\n" + "\n".join(hits)


def test_no_record_id_in_the_plugins_summary():
    hits = [line.strip() for line in _plugin_summary_source().splitlines() if RECORD_ID.search(line)]
    assert not hits, hits


TOY = "C0-hooked"


def _toy_point(m: Measurement) -> dict:
    return {"n": m.details["n"], "measured": m.lhs, "bound": m.rhs}


@pytest.fixture
def hooked():
    """A toy record (the reserved family C0) that declares a table, a plot of a per-instance curve and a summary line."""
    import hypothesis.strategies as st

    claim = Claim(
        id=TOY, title="Toy curve", statement="measured(n) ≤ bound(n)", assumptions=(),
        strategy=lambda scenario, profile: st.sampled_from([10, 20, 40]).map(lambda n: {"n": n}),
        evaluate=lambda inst: Measurement(lhs=1.0 / inst["n"], rhs=2.0 / inst["n"], details={"n": inst["n"]}),
        twin=Twin.tightened(0.1, "bound / 10"),
        formula=r"\mathrm{measured}(n) \le \frac{2}{n}",
        report=ReportSection(table="points", columns=("n", "measured", "bound"), plot=Plot(x="n", ys=("measured", "bound"), rows="points", title="toy curve"),
                             point=_toy_point, summary=lambda r: f"{len(r.get('points') or [])} points on the toy curve"),
    )  # fmt: skip
    register(claim)
    yield claim
    unregister(TOY)


def test_a_records_hook_reaches_the_ledger_the_report_and_the_terminal(hooked, tmp_path):
    from checks.tools.report import render_report

    ledger = Ledger("ci")
    collector = ledger.collector(hooked)
    for n in (10, 20, 40, 40):
        collector.add({"n": n}, hooked.evaluate({"n": n}))
    record = collector.record()
    assert [p["n"] for p in record["points"]] == [10, 20, 40, 40]  # one point per instance, kept in the record
    assert summary_line(TOY, record) == f"{TOY}: 4 points on the toy curve"
    assert any("4 points on the toy curve" in line for line in terminal_summary({TOY: record}))
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": {TOY: {**record, "profile": "ci"}}, "notes": {}, "runs": []})
    out = tmp_path / "report"
    md = render_report(tmp_path / "ledger.json", out, None, mutation_path=None).read_text()
    section = md[md.index(f"## {TOY} — Toy curve"):]
    assert "| n | measured | bound |" in section and "| 40 | 0.025 | 0.05 |" in section  # the declared table
    assert f"![{TOY}: toy curve](plots/C0_hooked_curve.png)" in section and (out / "plots" / "C0_hooked_curve.png").exists()
    assert "**Resolution.** C0-hooked: 4 points on the toy curve." in section
    assert "```math\n\\mathrm{measured}(n) \\le \\frac{2}{n}\n```" in section  # the formula, for a Markdown viewer
    page = (out / "index.html").read_text()
    assert "<math" in page and "<mfrac>" in page  # and as MathML in the page


def test_terminal_summary_of_every_baseline_record_fits_120_columns():
    """The claim ledger printed at the end of a run: every record, every line ≤ 120 columns (it was ~230 wide)."""
    records = read_json(ROOT / "ledger-baseline.json", "baseline")["records"]
    for key, unit in (("C7", "factor on the bound"), ("C9b-add-first", "amplitude b of exp(b·L^0.3) added to log Φκ̄")):
        records[key] = {**records[key], "resolution": {"value": 4.07, "unit": unit, "kind": "factor", "direction": "to fail"}}
    lines = terminal_summary(records)
    too_wide = [line for line in lines if len(line) > TERMINAL_WIDTH]
    assert not too_wide, too_wide
    table = lines[: lines.index(next(line for line in lines if line.startswith("resolution units") or line.startswith("ratio:")))]
    assert {line.split()[0] for line in table[2:]} == {key[:23] + "…" if len(key) > 24 else key for key in records}
    assert any(line.startswith("resolution units: u1 = ") for line in lines)


class _Reporter:
    def __init__(self):
        self.lines = []

    def section(self, title, **kwargs):
        self.lines.append(f"=== {title} ===")

    def write_line(self, line, **markup):
        self.lines.append(line)


def test_the_plugins_long_finding_lines_wrap_to_120_columns():
    reporter = _Reporter()
    pytest_plugin._wrapped(reporter, "  C9b-add-first expected-fail: " + "measured super-polynomial, " * 20, red=True)
    assert len(reporter.lines) > 1 and all(len(line) <= TERMINAL_WIDTH for line in reporter.lines)


def test_a_records_points_stay_in_the_ledger_not_in_the_baseline():
    """The per-instance curve is for the report: a baseline keeps the record without it (nothing compares it)."""
    from checks.harness.baseline import baseline_from

    record = {"claim": TOY, "status": "holds", "points": [{"n": 10, "measured": 0.1}], "worst_margin": 0.1}
    assert "points" not in baseline_from({TOY: record}, "ci")["records"][TOY]
