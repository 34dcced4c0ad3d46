"""``rnn-theorems report``: a Markdown (and HTML) page from the ledger, with plots.

One section per claim record: statement, assumptions, status, worst margin, the rate plot
(measured points, fitted line, claimed rate) for O(·) claims, the counterexample if any,
and the audit table when an audit has been recorded.
"""

from __future__ import annotations

import html
from pathlib import Path

from checks.claims import ASSUMPTIONS, sort_key
from checks.harness.audit import audit_markdown
from checks.harness.ledger import counterexample_path, read_json
from checks.harness.tables import fmt as _fmt
from checks.harness.tables import format_markdown_table
from checks.tools.plots import plot_generalization, plot_rate, plot_scaling, plot_table

__all__ = ["render_report"]


def render_report(ledger_path="results/ledger.json", out_dir="reports", audit_path="results/audit.json") -> Path:
    """Write ``index.md`` and ``index.html`` (with PNG plots) under ``out_dir`` from the ledger and audit."""
    ledger = read_json(ledger_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    audit = read_json(audit_path) if Path(audit_path).exists() else None
    lines = [
        "# rnn-theorems report",
        "",
        f"Profile `{ledger.get('profile')}`, wall time {ledger.get('wall_seconds', '–')} s, from `{ledger_path}`.",
        "",
        "| record | status | instances | worst margin | worst ratio | slope | implied constant |",
        "|---|---|---|---|---|---|---|",
    ]
    records = {k: ledger["records"][k] for k in sorted(ledger.get("records", {}), key=sort_key)}
    for key, r in records.items():
        slope = (r.get("rate") or {}).get("slope")
        cells = [key, r["status"], r["instances"], _fmt(r["worst_margin"]), _fmt(r["worst_ratio"]), _fmt(slope), _fmt(r["implied_constant"])]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    for key, r in records.items():
        lines += ["", f"## {key} — {r['title']}", "", f"**Statement.** {r['statement']}", ""]
        assumed = "; ".join(f"{a} ({ASSUMPTIONS.get(a, a)})" for a in r["assumptions"]) or "none"
        lines.append(f"**Assumptions.** {assumed}; scenario: {r['scenario'] or 'all assumptions hold'}.")
        lines.append(f"**Status.** {r['status']} on {r['instances']} instances ({r['failures']} failing).")
        if r.get("expected_fail"):
            lines.append(f"**Recorded finding.** {r['expected_fail']}")
        lines.append(
            f"**Worst instance.** {r['lhs_name']} = {_fmt(r['lhs'])}, {r['rhs_name']} = {_fmt(r['rhs'])}, "
            f"margin {_fmt(r['worst_margin'])} (tolerance {_fmt(r['tolerance'])}: {r['tolerance_reason'] or 'none'})."
        )
        if r.get("rate") and "power_law" in r["rate"]:
            rt = r["rate"]
            lines.append(
                f"**Growth.** AICc selects {r['details'].get('selected')}; last-doubling slope {rt['slope']:.3f}; "
                f"power law exponent {rt['power_law']['exponent']:.3f}; stretched exponential c = {rt['stretched_exponential']['c']:.3f}; "
                f"verdict {r['details'].get('verdict')}."
            )
        elif r.get("rate"):
            rt = r["rate"]
            lines.append(
                f"**Rate.** fitted slope {rt['slope']:.3f}, one-sided lower limit {rt['ci_low']:.3f} "
                f"({rt['points']} points, rms residual {rt['rms_residual']:.3f}); slopes over instances {r['slopes']}; "
                f"implied constant {_fmt(r['implied_constant'])}."
            )
            png = plot_rate(r, out / f"{key.replace(' ', '_')}_rate.png")
            if png:
                lines += ["", f"![rate plot]({png.name})"]
        if r["claim"] == "C7" and (r.get("details") or {}).get("rows"):
            png = plot_generalization(r["details"]["rows"], out / "C7_generalization.png")
            lines += ["", format_markdown_table(list(r["details"]["rows"][0]), [[_fmt(v) for v in row.values()] for row in r["details"]["rows"]])]
            lines += ["", f"![C7]({png.name})"]
        cx = counterexample_path(r["claim"], r.get("scenario"))
        if r["status"] in ("fails", "expected-fail") and cx.exists():
            lines += ["", f"Counterexample kept at `{cx}`; replay with `rnn-theorems replay {cx}`."]
    scaling = [
        {"case": k.split("-", 1)[1], **{f: r["details"][f] for f in ("rows", "verdict", "selected", "growth_classes")}}
        for k, r in records.items()
        if k.startswith(("C9b-", "C10b-")) and (r.get("details") or {}).get("growth_classes")
    ]
    if scaling:
        plot_scaling(scaling, out / "scaling.png")
        lines += ["", "## Φ·κ̄ against L (C9b, C10)", "", "![scaling](scaling.png)"]
    for name, note in ledger.get("notes", {}).items():
        lines += ["", f"## {name}", ""]
        rows = note.get("rows")
        if rows:
            header = list(rows[0])
            lines.append(format_markdown_table(header, [[_fmt(r.get(h)) for h in header] for r in rows]))
            if note.get("plot"):
                spec = note["plot"]
                png = plot_table(name, rows, spec["x"], spec["y"], out / f"{_slug(name)}.png", spec["x"], spec.get("ylabel", ""))
                lines += ["", f"![{name}]({png.name})"]
        for k, v in note.items():
            if k not in ("rows", "plot"):
                lines.append(f"- {k}: {v}")
    if audit:
        lines += ["", "## Assumption audit", "", audit_markdown(audit["rows"])]
    md = "\n".join(lines) + "\n"
    (out / "index.md").write_text(md)
    (out / "index.html").write_text(_html(md))
    return out / "index.md"


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in s)


def _html(md: str) -> str:
    """A minimal HTML page: headings, images and tables kept, the rest preformatted."""
    body = []
    for line in md.splitlines():
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("![") and "](" in line:
            src = line[line.index("](") + 2 : -1]
            body.append(f'<img src="{html.escape(src)}">')
        elif line.strip():
            body.append(f"<pre>{html.escape(line)}</pre>")
    return "<!doctype html><meta charset=utf-8><title>rnn-theorems report</title>\n" + "\n".join(body) + "\n"
