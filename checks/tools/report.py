"""``rnn-theorems report``: ``index.md`` and ``index.html`` from one ledger, with plots.

The page opens with the **findings**: recorded failures and expected failures with their
reasons, the tightest and loosest claims by their worst ratio, the assumption audit's breaks,
the L-scaling verdict per case, the mutation score per claim (when ``results/mutation.json``
exists: a claim × mutant table of killed / survived / equivalent), the records that are missing
or stale, and the runs that did not complete.  Then the summary table of every record, the
L-scaling table and plot, one section per record (statement, assumptions, status, worst case,
rate plot, counterexample), the note tables and the audit table.

Every table and plot is drawn from the ledger's records as they are (nothing is recomputed), so
a plot and the table beside it always come from the same run of the same record; each record
section names the run and profile it came from.  Plots go to ``<out>/plots/``, which the report
empties first (``rnn-theorems scaling --out reports`` writes ``scaling.*`` beside it, never there).
The HTML is rendered from the Markdown by ``markdown-it-py`` (CommonMark with tables).
"""

from __future__ import annotations

import html
from pathlib import Path

from checks.claims import ASSUMPTIONS, load_all, resolve, sort_key
from checks.harness.audit import a6_contrast_markdown, audit_markdown
from checks.harness.baseline import comparable_ratio
from checks.harness.counterexamples import counterexample_path
from checks.harness.jsonio import read_json
from checks.harness.schemas import load
from checks.harness.store import MUTATION_PATH, freshness
from checks.harness.tables import fmt as _fmt
from checks.harness.tables import format_markdown_table, rate_cells, resolution_cells, resolution_line
from checks.tools.plots import plot_generalization, plot_rate, plot_scaling, plot_table

__all__ = ["findings_markdown", "render_html", "render_report"]

PLOTS = "plots"
EXTREMES = 5
"""How many tightest and loosest records the findings list."""


def render_report(
    ledger_path="results/ledger.json",
    out_dir="reports",
    audit_path="results/audit.json",
    *,
    baseline_path=None,
    mutation_path=MUTATION_PATH,
) -> Path:
    """Write ``index.md`` and ``index.html`` (with PNG plots under ``plots/``) in ``out_dir``.

    The ledger is required; the audit, the baseline (for stale records) and the mutation scores are
    used when their files exist.  Every file is validated first (a one-line error naming it)."""
    ledger = load(ledger_path, "ledger")
    audit = load(audit_path, "audit") if audit_path and Path(audit_path).exists() else None
    baseline = load(baseline_path, "baseline") if baseline_path and Path(baseline_path).exists() else None
    mutation = load(mutation_path, "mutation") if mutation_path and Path(mutation_path).exists() else None
    out = Path(out_dir)
    plots = out / PLOTS
    plots.mkdir(parents=True, exist_ok=True)
    for old in plots.glob("*.png"):  # no plot from an earlier report survives beside this one
        old.unlink()
    records = {k: ledger["records"][k] for k in sorted(ledger.get("records", {}), key=sort_key)}
    resolve([*ledger.get("records", {}), *(baseline or {}).get("records", {})])  # a data set's records stay registered
    fresh = freshness(ledger, sorted(load_all(), key=sort_key), baseline)

    lines = ["# rnn-theorems report", "", _provenance(ledger, ledger_path, baseline_path if baseline else None), ""]
    lines += findings_markdown(records, audit, mutation, fresh)
    lines += _false_alarm_section(Path(ledger_path).parent / "false-alarms.json")
    lines += ["", "## All records", "", format_markdown_table(*summary_table(records))]
    lines += [
        "",
        "ratio: lhs/rhs of the worst instance (rhs/lhs when both sides are negative, as for exponents); ≤ 1 iff the inequality holds; – where rhs = 0.",
    ]
    lines += _scaling_section(records, plots)
    lines += _calibration_section()
    for key, r in records.items():
        lines += _record_section(key, r, plots, fresh["stale"].get(key))
    lines += _notes_section(ledger.get("notes", {}), plots)
    lines += _learning_section(records, plots)
    lines += _real_data_section(Path(ledger_path).parent, plots)
    if audit:
        lines += ["", "## Assumption audit", "", audit_markdown(audit["rows"])]
        contrast = a6_contrast_markdown(audit["rows"], records)
        if contrast:
            lines += ["", "### A6 contrast: growth class per normalization (C9b, C10b, C11)", "",
                      "Which growth class the calibrated classifier selects for Φ·κ̄ (C9b, C10b) and for the measured n* "
                      "(C11) with the steps l ≥ 2 held to ‖X_l‖ ≤ ε(L), beside the ledger's record without A6 "
                      "(`rnn-theorems audit --add A6 --claims C9b,C10b,C11`); c is the exponent of L^p exp(b L^c) "
                      "when the verdict is super-polynomial.", "", contrast]
    md = "\n".join(lines) + "\n"
    (out / "index.md").write_text(md)
    (out / "index.html").write_text(render_html(md))
    return out / "index.md"


def _provenance(ledger: dict, ledger_path, baseline_path) -> str:
    runs = ledger.get("runs", [])
    complete = [r for r in runs if r.get("completed")]
    profiles = sorted({r.get("profile") or ledger.get("profile") for r in ledger.get("records", {}).values()} - {None})
    text = f"From `{ledger_path}`: {len(ledger.get('records', {}))} records, profile(s) {', '.join(profiles) or '–'}"
    if complete:
        last = complete[-1]
        text += f"; latest complete run `{last['id']}` ({last['profile']}, finished {last.get('finished_at')})"
    elif ledger.get("wall_seconds") is not None:
        text += f"; one run, wall time {ledger['wall_seconds']} s"
    if baseline_path:
        text += f"; stale records judged against `{baseline_path}`"
    return text + "."


# ---------------------------------------------------------------------------------------- findings


def findings_markdown(records: dict, audit: dict | None, mutation: dict | None, fresh: dict) -> list[str]:
    """The findings summary, first on the page (module docstring)."""
    lines = ["## Findings", ""]
    failing = [(k, r) for k, r in records.items() if r["status"] in ("fails", "expected-fail", "error")]
    lines += ["### Failures and expected failures", ""]
    if failing:
        rows = []
        for k, r in failing:
            reason = r.get("expected_fail") if r["status"] == "expected-fail" else (r.get("error") or "unexpected: see the record's counterexample")
            rows.append([k, f"**{r['status']}**", _fmt(r.get("worst_margin")), reason])
        lines.append(format_markdown_table(["record", "status", "worst margin", "reason (the finding)"], rows))
    else:
        lines.append("None: every recorded claim holds on every instance tried.")

    ranked = sorted(
        ((comparable_ratio(r), k, r) for k, r in records.items() if r["status"] == "holds" and comparable_ratio(r) is not None and not _growth(r)),
        key=lambda t: -t[0],
    )
    lines += ["", "### Tightest and loosest claims (worst ratio)", ""]
    lines += ["Records that hold, ranked by the worst instance's ratio (growth records: see the L-scaling verdict below).", ""]
    if ranked:

        def rows_of(chunk):
            return [[k, _fmt(ratio), _fmt(r.get("worst_margin")), f"{r['lhs_name']} ≤ {r['rhs_name']}"] for ratio, k, r in chunk]

        header = ["record", "ratio", "worst margin", "inequality"]
        if len(ranked) <= 2 * EXTREMES:
            lines += ["From tightest (ratio nearest 1) to loosest:", "", format_markdown_table(header, rows_of(ranked))]
        else:
            lines += ["Tightest (ratio nearest 1):", "", format_markdown_table(header, rows_of(ranked[:EXTREMES]))]
            lines += ["", "Loosest (smallest ratio):", "", format_markdown_table(header, rows_of(list(reversed(ranked))[:EXTREMES]))]
    else:
        lines.append("No record that holds has a ratio (both sides recorded, rhs ≠ 0).")

    lines += ["", "### Assumption audit: breaks", ""]
    if audit is None:
        lines.append("No audit recorded (`rnn-theorems audit --drop A3 …`).")
    else:
        breaks = [r for r in audit["rows"] if r["verdict"] == "breaks"]
        if breaks:
            rows = [
                [r["claim"], r["scenario"], _fmt(r.get("lhs")), _fmt(r.get("rhs")), f"`{r.get('counterexample')}`" if r.get("counterexample") else "–"]
                for r in breaks
            ]
            lines.append(format_markdown_table(["claim", "scenario", "lhs", "rhs", "counterexample"], rows))
        else:
            lines.append(f"No break in {len(audit['rows'])} audited claim × scenario cells.")

    scaling = [(k, r) for k, r in records.items() if _growth(r)]
    lines += ["", "### L-scaling verdict per case (C9b, C10b)", ""]
    if scaling:
        rows = []
        for k, r in scaling:
            d, rate = r.get("details") or {}, r["rate"]
            rows_ = d.get("rows") or []
            last = rows_[-1] if rows_ else {}
            rows.append(
                [
                    k,
                    f"**{d.get('verdict', '–')}**",
                    d.get("selected", "–"),
                    _fmt((rate.get("stretched_exponential") or {}).get("c")),
                    _fmt((rate.get("power_law") or {}).get("exponent")),
                    _fmt(rate.get("slope")),
                    f"{_fmt(last.get('phi_kappa'))} at L = {last.get('L', '–')}",
                ]
            )
        lines.append(format_markdown_table(["record", "verdict", "class selected", "stretched c", "power-law exponent", "last local slope", "Φ·κ̄"], rows))
    else:
        lines.append("No scaling record in this ledger.")

    lines += ["", "### Mutation score per claim", ""]
    if mutation is None:
        lines.append(f"No mutation analysis recorded (`rnn-theorems mutate` writes `{MUTATION_PATH}`).")
    else:
        lines += _mutation_tables(mutation)

    lines += ["", "### Missing and stale records", ""]
    lines.append(
        f"Stale: recorded under another profile than `{fresh['reference_profile']}` (the baseline's, else the latest complete run's), "
        "recorded before the baseline's record of the same key, or no longer registered. Missing: registered (or in the baseline) but not in this ledger."
    )
    lines.append("")
    rows = [[k, "missing", why] for k, why in sorted(fresh["missing"].items(), key=lambda kv: sort_key(kv[0]))]
    rows += [[k, "stale", why] for k, why in sorted(fresh["stale"].items(), key=lambda kv: sort_key(kv[0]))]
    lines.append(format_markdown_table(["record", "state", "why"], rows) if rows else "None: every registered record is present and current.")
    if fresh["incomplete_runs"]:
        lines += ["", "Runs that did not complete (their partial records are kept with the run, not in the tables below):", ""]
        rows = [
            [f"`{r['id']}`", r["state"], r.get("profile") or "–", f"{len(r['ran'])} of {len(r['planned'])}", r.get("reason") or "–"]
            for r in fresh["incomplete_runs"]
        ]
        lines.append(format_markdown_table(["run", "state", "profile", "records measured", "reason"], rows))
    return lines


def _false_alarm_section(path: Path) -> list[str]:
    """The observed false-alarm fraction of each statistical record beside its stated rate (``rnn-theorems false-alarms``)."""
    lines = ["", "### False alarms on the correct implementation", ""]
    if not path.exists():
        return lines + [f"Not measured (`rnn-theorems false-alarms` writes `{path}`)."]
    data = read_json(path, "false-alarm results")
    rows = [[r["claim"], r["runs"], r["failures"], _fmt(r["stated"]), _fmt(r["cp_upper"]),
             "**exceeds**" if r["verdict"] == "exceeds" else r["verdict"], _fmt(r["seconds_per_run"])] for r in data["rows"]]
    lines += [f"Profile `{data.get('profile', '–')}`, fresh seeds per run; {data.get('rule', '')}.", ""]
    return lines + [format_markdown_table(["record", "runs", "false alarms", "stated rate", "CP upper", "verdict", "s / run"], rows)]


def _growth(record: dict) -> bool:
    """A growth record (C9b, C10b): its verdict is a growth class, not an inequality between sizes."""
    return (record.get("rate") or {}).get("power_law") is not None


def _mutation_tables(mutation: dict) -> list[str]:
    scores = mutation["scores"]
    rows = []
    for cid in sorted(scores, key=sort_key):
        s = scores[cid]
        survivors = ", ".join(f"{x['mutant']}" for x in s["survivors"]) or "–"
        crashes = ", ".join(f"{x['mutant']}" for x in s.get("crashes", [])) or "–"
        rows.append([cid, f"{s['killed']}/{s['in_scope']}", _fmt(s.get("score")), survivors, crashes, len(s["equivalent"])])
    header = ["claim", "killed / in scope", "score", "survivors", "crash-killed (check raised)", "equivalent"]
    lines = [f"Profile `{mutation.get('profile', '–')}`.", "", format_markdown_table(header, rows)]
    cells = {(r["claim"], r["mutant"]): r["status"] for r in mutation["rows"]}
    claims = sorted({c for c, _ in cells}, key=sort_key)
    mutants = sorted({m for _, m in cells})
    if claims and mutants:
        word = {"killed": "killed", "crash-killed": "crash-killed", "survived": "**survived**", "equivalent": "equivalent"}
        grid = [[c] + [word.get(cells.get((c, m)), "") for m in mutants] for c in claims]
        lines += ["", "Claim × mutant (blank: out of the mutant's scope):", "", format_markdown_table(["claim"] + mutants, grid)]
    return lines


# ------------------------------------------------------------------------------------- sections


def summary_table(records: dict) -> tuple[list[str], list[list]]:
    """Every record: status, instances, margin, comparable ratio, slope with interval and claimed rate, constant,
    resolution and its unit, run."""
    header = [
        "record",
        "status",
        "instances",
        "worst margin",
        "ratio",
        "fitted slope",
        "confidence interval",
        "claimed",
        "implied constant",
        "resolution",
        "resolution unit",
        "profile",
        "recorded",
    ]
    rows = []
    for key, r in records.items():
        slope, ci, claimed = rate_cells(r)
        rows.append(
            [
                key,
                r["status"],
                r["instances"],
                _fmt(r["worst_margin"]),
                _fmt(comparable_ratio(r)),
                slope,
                ci,
                claimed,
                _fmt(r["implied_constant"]),
                *resolution_cells(r),
                r.get("profile", "–"),
                r.get("recorded_at", "–"),
            ]
        )
    return header, rows


def _scaling_section(records: dict, plots: Path) -> list[str]:
    """Φ·κ̄ against L: the table and the plot from the same records (the ledger's C9b / C10b)."""
    cases = [
        {"case": k.split("-", 1)[1], "record": k, **{f: r["details"][f] for f in ("rows", "verdict", "selected", "growth_classes")}}
        for k, r in records.items()
        if k.startswith(("C9b-", "C10b-")) and (r.get("details") or {}).get("growth_classes") and (r["details"].get("rows"))
    ]
    if not cases:
        return []
    lengths = sorted({row["L"] for c in cases for row in c["rows"]})
    table = [[L] + [_fmt(next((row["phi_kappa"] for row in c["rows"] if row["L"] == L), None)) for c in cases] for L in lengths]
    png = plot_scaling(cases, plots / "ledger_scaling.png", title=f"Φ·κ̄ against L = {lengths[0]} … {lengths[-1]} (ledger records)")
    runs = sorted({records[c["record"]].get("run", "–") for c in cases})
    return [
        "",
        "## Φ·κ̄ against L (C9b, C10b)",
        "",
        f"Table and plot from the same ledger records ({len(cases)} cases, L = {lengths[0]} … {lengths[-1]}; run(s) {', '.join(f'`{r}`' for r in runs)}). "
        "Lines: the growth class AICc selects (dashed where super-polynomial).",
        "",
        format_markdown_table(["L"] + [c["case"] for c in cases], table),
        "",
        f"![Φ·κ̄ against L]({PLOTS}/{png.name})",
    ]


def _calibration_section() -> list[str]:
    """The growth classifier's confusion matrix per grid: the stated error rates that
    ``tests/test_growth_calibration.py`` asserts against the measured ones."""
    from checks.claims.growth_grids import grids
    from checks.inference.growth import DELTA_THRESHOLD
    from checks.inference.growth_calibration import CURVES, GRIDS, REPS, STATED_RATES

    rows = []
    for grid in GRIDS:
        lengths, sigma = grids()[grid]
        for truth in ("almost-polynomial", "super-polynomial"):
            laws = [law for law, (t, _) in CURVES.items() if t == truth]
            rates = [STATED_RATES[grid].get(law, 0.0) for law in laws]
            wrong = [f"{law} ({r:.0%})" for law, r in zip(laws, rates) if r > 0]
            rows.append([grid, f"L = {lengths[0]} … {lengths[-1]}, σ = {sigma:g}", truth, len(laws), f"{sum(rates) / len(rates):.0%}",
                         f"{max(rates):.0%}", ", ".join(wrong[:4]) + (f" and {len(wrong) - 4} more" if len(wrong) > 4 else "") or "–"])
    return ["", "## Growth classifier: confusion matrix (C9b, C10b, C11)", "",
            f"Error rate per right answer on each record family's grid and noise ({REPS} seeded noisy draws per law; "
            f"super-polynomial iff the χ² improvement Δ > {DELTA_THRESHOLD:g}; docs/claims.md, growth classifier).", "",
            format_markdown_table(["records", "grid, noise of log y", "right answer", "laws", "mean error", "worst law", "laws misread"], rows)]


def _record_section(key: str, r: dict, plots: Path, stale: str | None) -> list[str]:
    lines = ["", f"## {key} — {r['title']}", "", f"**Statement.** {r['statement']}", ""]
    assumed = "; ".join(f"{a} ({ASSUMPTIONS.get(a, a)})" for a in r["assumptions"]) or "none"
    lines.append(f"**Assumptions.** {assumed}; scenario: {r['scenario'] or 'all assumptions hold'}.")
    lines.append("")
    lines.append(f"**Status.** {r['status']} on {r['instances']} instances ({r['failures']} failing).")
    if r.get("run") or r.get("profile"):
        lines += ["", f"**Recorded** by run `{r.get('run', '–')}` under profile `{r.get('profile', '–')}` at {r.get('recorded_at', '–')}."]
    if stale:
        lines += ["", f"**Stale:** {stale}."]
    if r.get("error"):
        lines += ["", f"**Error.** The check raised: `{r['error']}`"]
    if r.get("expected_fail"):
        lines += ["", f"**Recorded finding.** {r['expected_fail']}"]
    lines += [
        "",
        f"**Worst instance.** {r['lhs_name']} = {_fmt(r['lhs'])}, {r['rhs_name']} = {_fmt(r['rhs'])}, "
        f"margin {_fmt(r['worst_margin'])}, ratio {_fmt(comparable_ratio(r))} (tolerance {_fmt(r['tolerance'])}: {r['tolerance_reason'] or 'none'}).",
    ]
    rate = r.get("rate")
    if rate and "power_law" in rate:
        d = r.get("details") or {}
        lines += [
            "",
            f"**Growth.** AICc selects {d.get('selected')}; last-doubling slope {_fmt(rate.get('slope'))}; "
            f"power law exponent {_fmt((rate.get('power_law') or {}).get('exponent'))}; stretched exponential c = "
            f"{_fmt((rate.get('stretched_exponential') or {}).get('c'))}; verdict {d.get('verdict')}.",
        ]
    elif rate and "ci_low" in rate:
        slope, ci, claimed = rate_cells(r)
        lines += [
            "",
            f"**Rate.** fitted slope {slope}, confidence interval {ci}, claimed {claimed} "
            f"({rate.get('points')} points, rms residual {_fmt(rate.get('rms_residual'))}); slopes over instances {r.get('slopes')}; "
            f"implied constant {_fmt(r['implied_constant'])}.",
        ]
        png = plot_rate(r, plots / f"{_slug(key)}_rate.png")
        if png:
            lines += ["", f"![{key} rate plot]({PLOTS}/{png.name})"]
    if resolution_line(key, r):
        lines += ["", f"**Resolution.** {resolution_line(key, r)}."]
    if r.get("mutation"):
        s = r["mutation"]
        survivors = ", ".join(x["mutant"] for x in s.get("survivors", [])) or "none"
        crashes = ", ".join(x["mutant"] for x in s.get("crashes", [])) or "none"
        lines += ["", f"**Mutation score.** {s.get('killed')}/{s.get('in_scope')} killed by a failing check (profile {s.get('profile')}); "
                  f"crash-killed: {crashes}; survivors: {survivors}."]
    rows = (r.get("details") or {}).get("rows")
    if r["claim"] == "C7" and rows and all(k in rows[0] for k in ("n", "test_loss", "bound", "random_label_bound")):
        png = plot_generalization(rows, plots / f"{_slug(key)}_generalization.png")
        lines += ["", format_markdown_table(list(rows[0]), [[_fmt(v) for v in row.values()] for row in rows]), "", f"![C7]({PLOTS}/{png.name})"]
    cx = counterexample_path(r["claim"], r.get("scenario"))
    if r["status"] in ("fails", "expected-fail") and cx.exists():
        lines += ["", f"Counterexample kept at `{cx}`; replay with `rnn-theorems replay {cx}`."]
    return lines


def _notes_section(notes: dict, plots: Path) -> list[str]:
    lines = []
    for name, note in notes.items():
        lines += ["", f"## {name}", ""]
        rows = note.get("rows")
        if rows:
            header = list(rows[0])
            lines.append(format_markdown_table(header, [[_fmt(r.get(h)) for h in header] for r in rows]))
            if note.get("plot"):
                spec = note["plot"]
                png = plot_table(name, rows, spec["x"], spec["y"], plots / f"{_slug(name)}.png", spec["x"], spec.get("ylabel", ""))
                lines += ["", f"![{name}]({PLOTS}/{png.name})"]
        if note.get("run"):
            lines += ["", f"From run `{note['run']}` (profile `{note.get('profile', '–')}`)."]
        extra = [f"- {k}: {v}" for k, v in note.items() if k not in ("rows", "plot", "run", "profile")]
        if extra:
            lines += [""] + extra
    return lines


def _learning_section(records: dict, plots: Path) -> list[str]:
    """C11: the certificate (Φ·κ̄ / var y, in the relative error's units) beside the measured n*(L), from the ledger."""
    from checks.tools.plots import plot_table

    lines = []
    for key, r in records.items():
        rows = (r.get("details") or {}).get("rows") if key.startswith("C11-") else None
        if not rows:
            continue
        table = [{"L": x["L"], "n*": x["n_star"], "Φκ̄ / var y": x["phi_kappa_rel"], "iterations": x["iterations"]} for x in rows]
        png = plot_table(f"{key}: certificate vs measured", table, "L", ["n*", "Φκ̄ / var y", "iterations"],
                         plots / f"{_slug(key)}_certificate.png", "sequence length L", "samples / iterations")
        lines += ["", f"## {key}: certificate against measured complexity", "",
                  format_markdown_table(list(table[0]), [[_fmt(v) for v in x.values()] for x in table]),
                  "", f"![{key}]({PLOTS}/{png.name})"]
    return lines


def _real_data_section(results: Path, plots: Path) -> list[str]:
    """Real data (``rnn-theorems verify --data NAME``): test loss and the C7 bound against n, per data set."""
    from checks.tools.plots import plot_real_data

    lines = []
    for path in sorted(results.glob("data-*.json")):
        data = load(path, "data")
        rows = data.get("rows", [])
        if not rows:
            continue
        png = plot_real_data(data["name"], rows, plots / f"{path.stem}.png")
        header = ["n", "kernel 0-1 error", "kernel test loss", "bound (true)", "bound (random)", "yᵀH⁻¹y/n true", "yᵀH⁻¹y/n random"]
        cells = [[r["n"], _fmt(r["kernel_test_error"]), _fmt(r["kernel_test_loss"]), _fmt(r["bound_true"]),
                  _fmt(r["bound_random"]), _fmt(r["complexity_true_per_n"]), _fmt(r["complexity_random_per_n"])] for r in rows]
        verdict = "vacuous (≥ 1) at every n" if all(r["bound_true"] >= 1 for r in rows) else "below the loss range at some n"
        lines += ["", f"## Real data: {data['name']}", "", f"The C7 bound is {verdict}.", "",
                  format_markdown_table(header, cells), "", f"![{data['name']}]({PLOTS}/{png.name})"]
    return lines


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in s)


# ------------------------------------------------------------------------------------------ HTML

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.8em 0; display: block; overflow-x: auto; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
tr:nth-child(even) td { background: #fafafa; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; white-space: pre-wrap; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
"""


def render_html(md: str, title: str = "rnn-theorems report") -> str:
    """A standalone HTML page rendered from the report's Markdown (CommonMark + tables, markdown-it-py)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(md)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n'
    )
