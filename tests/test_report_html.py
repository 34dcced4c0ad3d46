"""The report reads in a browser: real HTML with tables and images, the findings first,
plots and tables from the same ledger records.  Rendered in headless Chromium (Debian's ``chromium``,
installed by ``.ci/run``)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from checks.harness.jsonio import write_json
from checks.inference.growth import fit_growth_classes
from checks.tools.report import render_report

FINDING = "measured super-polynomial: the local log-log slope keeps growing with L"


def _record(key, status="holds", lhs=0.5, rhs=1.0, **extra):
    rec = {
        "claim": key.split()[0], "status": status, "worst_margin": rhs - lhs, "rate": None, "implied_constant": None,
        "title": f"Title of {key}", "statement": "|a − b| ≤ **c** for every x", "assumptions": ["A2"], "scenario": None,
        "instances": 12, "failures": 0 if status == "holds" else 1, "worst_ratio": lhs / rhs if rhs else None, "lhs": lhs,
        "rhs": rhs, "lhs_name": "|a − b|", "rhs_name": "c", "tolerance": 0.0, "tolerance_reason": "none", "details": {},
        "reproduce": {"seed": 1}, "expected_fail": None, "profile": "ci", "run": "run-1", "recorded_at": "2026-01-01T00:00:00.000+00:00",
    }  # fmt: skip
    rec.update(extra)
    return rec


def _scaling_record(key, growth):
    L = np.array([8, 16, 32, 64, 128, 256], float)
    y = L**1.6 if growth == "poly" else np.exp(1.4 * L**0.63)
    classes = fit_growth_classes(L, y, sigma=1e-4)
    rows = [{"L": int(x), "phi_kappa": float(v)} for x, v in zip(L, y)]
    fits = classes.as_dict()
    rate = {"slope": 1.6, "power_law": {"exponent": 1.6}, "stretched_exponential": {"c": 0.63, "b": 1.4}}
    details = {"rows": rows, "verdict": classes.verdict, "selected": classes.selected, "growth_classes": fits}
    expected = FINDING if growth != "poly" else None
    return _record(key, "expected-fail" if expected else "holds", 0.63 if expected else 0.0, 0.15, rate=rate, details=details, expected_fail=expected)


def _own_plot(path):
    import matplotlib.pyplot as plt

    from checks.tools.plots import _save

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    _save(fig, path)


@pytest.fixture
def report(tmp_path):
    widths = [64, 128, 256, 512, 1024]
    fit = {"slope": -0.45, "intercept": 0.3, "ci_low": -0.6, "ci_high": -0.3, "confidence": 0.998, "points": 5, "rms_residual": 0.1}
    deviations = [0.2 / np.sqrt(w) for w in widths]
    c1 = _record("C1", lhs=-0.6, rhs=-0.5, rate=fit, details={"widths": widths, "deviations": deviations}, implied_constant=4.2)
    records = {
        "C1": c1,
        "C3b": _record("C3b", lhs=8.9e-16, rhs=0.0055),
        "C5": _record("C5", status="fails", lhs=1.2, rhs=1.0),
        "C7": _record("C7", lhs=0.095, rhs=0.1),
        "C9b-add-first": _scaling_record("C9b-add-first", "super"),
        "C9b-add-last": _scaling_record("C9b-add-last", "poly"),
    }
    notes = {"C2 K_2 vs L": {"rows": [{"L": 2, "K_2": 2.5}, {"L": 4, "K_2": 2.7}, {"L": 8, "K_2": 4.9}], "plot": {"x": "L", "y": ["K_2"], "ylabel": "K_2"}}}
    write_json(tmp_path / "ledger.json", {"profile": "ci", "records": records, "notes": notes, "runs": []})
    broken = {"claim": "C3b", "scenario": "-A3", "verdict": "breaks", "lhs": 1e-15, "rhs": 0.0, "counterexample": "results/counterexamples/C3b_minus_A3.json"}
    audit = {"rows": [broken, {"claim": "C3a", "scenario": "-A3", "verdict": "holds"}]}
    write_json(tmp_path / "audit.json", audit)
    rows = [
        {"claim": "C1", "mutant": "init-W-var-1.25", "status": "killed", "reason": "r"},
        {"claim": "C1", "mutant": "hinf-scaled-1.2", "status": "equivalent", "reason": "does not touch C1"},
        {"claim": "C3b", "mutant": "hinf-scaled-1.2", "status": "survived", "reason": "scale-free"},
    ]
    scores = {
        "C1": {"killed": 1, "in_scope": 1, "survivors": [], "equivalent": [{"mutant": "hinf-scaled-1.2", "reason": "x"}], "score": 1.0},
        "C3b": {"killed": 0, "in_scope": 1, "survivors": [{"mutant": "hinf-scaled-1.2", "reason": "scale-free"}], "equivalent": [], "score": 0.0},
    }
    write_json(tmp_path / "mutation.json", {"profile": "ci", "rows": rows, "scores": scores})
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    _own_plot(out / "plots" / "stale_from_an_earlier_report.png")  # drawn by an earlier report, listed in its manifest
    write_json(out / "report-files.json", {"report_files": ["plots/stale_from_an_earlier_report.png"], "written_at": "2026-01-01"})
    (out / "plots" / "my_figure.png").write_bytes(b"\x89PNG\r\n\x1a\n a user's own figure")  # not the report's: left alone
    (out / "scaling.png").write_bytes(b"from rnn-theorems scaling")  # another command's output: left alone
    render_report(tmp_path / "ledger.json", out, tmp_path / "audit.json", mutation_path=tmp_path / "mutation.json")
    return out


def _unlinked(md: str) -> str:
    """The Markdown with each link to a section of the page (``[C7](#c7--…)``) as its text."""
    return re.sub(r"\[([^\]]*)\]\(#[a-z0-9_-]+\)", r"\1", md)


def test_findings_come_first_and_say_what_a_reader_needs(report):
    md = _unlinked((report / "index.md").read_text())
    findings, rest = md.split("## All records", 1)
    assert "## Findings" in findings and "## C1 — " in rest
    assert f"| C9b-add-first | **expected-fail** | -0.48 | {FINDING} |" in findings  # expected failure with its reason
    assert "| C5 | **fails** |" in findings
    assert "Tightest" in findings or "From tightest" in findings
    tight = findings.index("| C7 | 0.95")
    assert tight < findings.index("| C3b | 1.618e-13")  # C7 (ratio 0.95) is tighter than C3b
    assert "| C3b | -A3 |" in findings  # the audit's break
    assert re.search(r"\| C9b-add-first \| \*\*super-polynomial\*\* \|", findings)
    assert re.search(r"\| C9b-add-last \| \*\*almost-polynomial\*\* \|", findings)
    assert "| C3b | 0/1 | 0 | hinf-scaled-1.2 |" in findings  # mutation score with its survivor
    assert "| claim | hinf-scaled-1.2 | init-W-var-1.25 |" in findings and "| C3b | **survived** |  |" in findings


def test_plots_and_tables_come_from_the_same_records(report):
    md = (report / "index.md").read_text()
    assert "![Φ·κ̄ against L](plots/ledger_scaling.png)" in md
    table = md[md.index("## Φ·κ̄ against L") :].split("![", 1)[0]
    assert "| 256 |" in table and "| 512 |" not in table  # the table's L range is the plot's (the records' rows)
    assert not (report / "plots" / "stale_from_an_earlier_report.png").exists()  # the earlier report's own plot, not drawn now
    assert (report / "plots" / "my_figure.png").read_bytes().endswith(b"a user's own figure")  # the report removes only its own files
    assert (report / "scaling.png").read_bytes() == b"from rnn-theorems scaling"
    referenced = set(re.findall(r"\]\((plots/[^)]+)\)", md))
    assert referenced == {f"plots/{p.name}" for p in (report / "plots").glob("*.png") if p.name != "my_figure.png"}
    assert set(json.loads((report / "report-files.json").read_text())["report_files"]) == referenced | {"index.md", "index.html"}
    assert len(referenced) >= 3  # rate plot, scaling plot, note plot


def test_html_is_rendered_markdown_with_tables(report):
    page = (report / "index.html").read_text()
    assert page.count("<table") >= 8 and "<pre>|" not in page
    assert "**Statement.**" not in page and "<strong>Statement.</strong>" in page
    assert "|a − b| ≤ **c** for every x" in page and "<strong>c</strong>" not in page  # a ledger's text stays text
    assert "<td>|a − b| ≤ c</td>" in page  # and inside a table cell it is escaped, not a column break


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package (apt-get install chromium)")
    pytest.skip("chromium not installed (apt-get install chromium)")


PROBE = """<script>window.addEventListener("load", () => {
  document.body.setAttribute("data-images", Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1).join(","));
});</script>"""


def test_index_html_renders_in_headless_chromium_with_tables_and_images(report, tmp_path):
    browser = _chromium()
    probe = report / "probe.html"  # the page plus a script that reports each image's decoded width
    probe.write_text((report / "index.html").read_text().replace("</body>", PROBE + "</body>"))
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=5000",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        probe.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert done.returncode == 0 and "<html" in dom, done.stderr[-2000:]
    assert dom.count("<table") >= 8 and "<th>record</th>" in dom
    images = re.search(r'data-images="([^"]*)"', dom)
    assert images, "the load event never fired"
    widths = [int(w) for w in images.group(1).split(",")]
    assert len(widths) == len(re.findall(r"!\[", (report / "index.md").read_text())) and all(w > 0 for w in widths), widths
    json.dumps(widths)
    Path(probe).unlink()


def test_the_page_opens_with_a_scoreboard_and_contents_and_every_link_resolves(report):
    """Issue 26, item 7: scoreboard first, then the contents, the findings, the missing and stale records; every
    ``href="#x"`` has its ``id="x"``; the records' formulas (``Claim.formula``) are MathML; the growth records'
    claimed cell names the classifier's threshold Δχ², not the exponent c."""
    md = (report / "index.md").read_text()
    order = ["## Scoreboard", "## Contents", "## Findings", "## Missing and stale records", "## All records"]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)
    scoreboard = md[md.index("## Scoreboard") : md.index("## Contents")]
    assert "| holds | 4 |" in scoreboard and "| expected-fail | 1 | [C9b-add-first](#c9b-add-first--" in scoreboard
    assert "| **fails** | 1 | [C5](#c5--title-of-c5) |" in scoreboard and re.search(r"\| missing \| \d+ \|", scoreboard)
    page = (report / "index.html").read_text()
    hrefs, ids = re.findall(r'href="#([^"]+)"', page), set(re.findall(r' id="([^"]+)"', page))
    assert len(hrefs) >= 20 and not set(hrefs) - ids, set(hrefs) - ids
    assert '<a href="#c7--title-of-c7">C7</a>' in page  # a finding links to its record's section
    assert page.count("<math") >= 5 and "```math" not in page  # C1, C3b, C5, C7, C9b: their formulas
    assert "almost-polynomial: Δχ² ≤ 0.15" in md and "c ≤ 0.15" not in md


SHOT_PROBE = """<script>window.addEventListener("load", () => {
  const top = id => { const e = document.getElementById(id); return e ? Math.round(e.getBoundingClientRect().top) : -1; };
  const maths = Array.from(document.getElementsByTagName("math"));
  const drawn = maths.filter(m => m instanceof MathMLElement && m.getBoundingClientRect().height > 10).length;
  document.body.setAttribute("data-probe", [top("scoreboard"), top("contents"), maths.length, drawn].join(","));
});</script>"""


def test_a_headless_chromium_screenshot_shows_scoreboard_contents_and_formulas(report, tmp_path):
    """The page as a reader's browser draws it: the scoreboard and the contents on the first screen (1280 × 2000),
    every formula laid out as MathML (a box taller than a text line), and a screenshot that is not blank."""
    import matplotlib.image

    browser = _chromium()
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--window-size=1280,2000",
              f"--user-data-dir={tmp_path / 'profile'}"]
    probe = report / "probe.html"
    probe.write_text((report / "index.html").read_text().replace("</body>", SHOT_PROBE + "</body>"))
    done = subprocess.run([*common, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    probe.unlink()
    found = re.search(r'data-probe="(-?\d+),(-?\d+),(\d+),(\d+)"', done.stdout)
    assert found, done.stderr[-2000:]
    scoreboard, contents, maths, drawn = map(int, found.groups())
    assert 0 <= scoreboard < contents < 2000  # both on the first screen, the scoreboard first
    assert maths >= 5 and drawn == maths  # every formula rendered as MathML, none left as text
    shot = tmp_path / "shot.png"
    subprocess.run([*common, f"--screenshot={shot}", (report / "index.html").as_uri()], capture_output=True, timeout=120)
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2000, 1280) and pixels[:, :, :3].std() > 0.05  # drawn, not a blank page
