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
section names the run and profile it came from.  Plots go to ``<out>/plots/``.

Files: every file goes through the suite's one writer (``checks.harness.jsonio``: atomic, never over a file that
is not the report's own); ``index.md`` and ``index.html`` are replaced together, after every plot is written, so a
full disk or an interrupt leaves the previous report whole.  ``<out>/report-files.json`` lists the files the
report wrote; the next report removes those of them it no longer writes (a plot of a record that is gone) and
nothing else — a user's own figure in ``plots/`` stays.

Text: everything from a file (statements, titles, reasons, record keys, run ids, note tables) is rendered as text
(``checks.harness.tables.md_text``, escaped table cells): no image, link or raw HTML of a ledger survives into
the Markdown, and the HTML renderer (``markdown-it-py``, CommonMark with tables, raw HTML off) takes no link at all
and no image but the report's own plots.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from checks.claims import ASSUMPTIONS, load_all, resolve, sort_key
from checks.harness.audit import a6_contrast_markdown, audit_markdown
from checks.harness.baseline import comparable_ratio
from checks.harness.counterexamples import counterexample_path
from checks.harness.jsonio import check_writable, locked, now, read_json, recording, remove_own, write_json, write_together
from checks.harness.schemas import load
from checks.harness.store import MUTATION_PATH, freshness
from checks.harness.tables import Markup, format_markdown_table, md_code, md_text, rate_cells, resolution_cells, resolution_line
from checks.harness.tables import fmt as _fmt
from checks.tools.plots import plot_generalization, plot_rate, plot_scaling, plot_table

__all__ = ["findings_markdown", "render_html", "render_report"]

PLOTS = "plots"
MANIFEST = "report-files.json"
"""The report's list of the files it wrote (relative to its folder): the only files a later report removes."""
EXTREMES = 5
"""How many tightest and loosest records the findings list."""
_OWN_IMAGE = re.compile(r"plots/[A-Za-z0-9_.\-]+\.png")
"""The only image URLs the HTML renders: the report's own plots."""


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
    used when their files exist.  Every file is validated first, and the output folder checked (a one-line error
    naming the file); the files are written as the module docstring says."""
    ledger = load(ledger_path, "ledger")
    audit = load(audit_path, "audit") if audit_path and Path(audit_path).exists() else None
    baseline = load(baseline_path, "baseline") if baseline_path and Path(baseline_path).exists() else None
    mutation = load(mutation_path, "mutation") if mutation_path and Path(mutation_path).exists() else None
    out = Path(out_dir)
    plots = out / PLOTS
    check_writable(out / "index.md", "report", kind="report-page")
    check_writable(out / "index.html", "report", kind="report-page")
    check_writable(out / MANIFEST, "report's file list", kind="report-manifest")
    check_writable(plots / "plot.png", "report plot", kind="plot")
    with recording() as written:
        md = _markdown(ledger, ledger_path, audit, baseline, baseline_path, mutation, plots)
    kept = {p.relative_to(out).as_posix() for p in [*written, out / "index.md", out / "index.html"]}
    with locked(out / "index.md", "report"):  # two reports into one folder: each one's pages and file list together
        write_together([(out / "index.md", md.encode(), "report-page"), (out / "index.html", render_html(md).encode(), "report-page")])
        earlier = _manifest(out)
        for name in sorted(set(earlier) - kept):  # a plot of an earlier report that this one does not draw
            if _OWN_IMAGE.fullmatch(name):
                remove_own(out / name, "plot")
        write_json(out / MANIFEST, {"report_files": sorted(kept), "written_at": now()}, kind="report-manifest")
    return out / "index.md"


def _manifest(out: Path) -> list[str]:
    """The files the previous report in ``out`` wrote (its ``report-files.json``; none when there is none or it is unreadable)."""
    path = out / MANIFEST
    try:
        files = read_json(path, "report's file list").get("report_files") if path.exists() else []
    except (OSError, ValueError, AttributeError):
        return []
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def _markdown(ledger: dict, ledger_path, audit, baseline, baseline_path, mutation, plots: Path) -> str:
    """The report's Markdown; its plots are written into ``plots`` on the way."""
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
    return "\n".join(lines) + "\n"


def _provenance(ledger: dict, ledger_path, baseline_path) -> str:
    runs = ledger.get("runs", [])
    complete = [r for r in runs if r.get("completed")]
    profiles = sorted({r.get("profile") or ledger.get("profile") for r in ledger.get("records", {}).values()} - {None})
    text = f"From {md_code(ledger_path)}: {len(ledger.get('records', {}))} records, profile(s) {md_text(', '.join(map(str, profiles)) or '–')}"
    if complete:
        last = complete[-1]
        text += f"; latest complete run {md_code(last['id'])} ({md_text(last['profile'])}, finished {md_text(last.get('finished_at'))})"
    elif ledger.get("wall_seconds") is not None:
        text += f"; one run, wall time {ledger['wall_seconds']} s"
    if baseline_path:
        text += f"; stale records judged against {md_code(baseline_path)}"
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
            rows.append([k, _bold(r["status"]), _fmt(r.get("worst_margin")), reason])
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
                [r["claim"], r["scenario"], _fmt(r.get("lhs")), _fmt(r.get("rhs")), r.get("counterexample") or "–"]
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
                    _bold(d.get("verdict", "–")),
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
        f"Stale: recorded under another profile than {md_code(fresh['reference_profile'])} (the baseline's, else the latest complete run's), "
        "recorded before the baseline's record of the same key, or no longer registered. Missing: registered (or in the baseline) but not in this ledger."
    )
    lines.append("")
    rows = [[k, "missing", why] for k, why in sorted(fresh["missing"].items(), key=lambda kv: sort_key(kv[0]))]
    rows += [[k, "stale", why] for k, why in sorted(fresh["stale"].items(), key=lambda kv: sort_key(kv[0]))]
    lines.append(format_markdown_table(["record", "state", "why"], rows) if rows else "None: every registered record is present and current.")
    if fresh["incomplete_runs"]:
        lines += ["", "Runs that did not complete (their partial records are kept with the run, not in the tables below):", ""]
        rows = [
            [r["id"], r["state"], r.get("profile") or "–", f"{len(r['ran'])} of {len(r['planned'])}", r.get("reason") or "–"]
            for r in fresh["incomplete_runs"]
        ]
        lines.append(format_markdown_table(["run", "state", "profile", "records measured", "reason"], rows))
    return lines


def _false_alarm_section(path: Path) -> list[str]:
    """The observed false-alarm fraction of each statistical record beside its stated rate (``rnn-theorems false-alarms``)."""
    lines = ["", "### False alarms on the correct implementation", ""]
    if not path.exists():
        return lines + [f"Not measured (`rnn-theorems false-alarms` writes {md_code(path)})."]
    data = load(path, "false-alarms")
    rows = [[r["claim"], r["runs"], r["failures"], _fmt(r["stated"]), _fmt(r["cp_upper"]),
             Markup("**exceeds**") if r.get("verdict") == "exceeds" else r.get("verdict", "–"), _fmt(r["seconds_per_run"])] for r in data["rows"]]
    lines += [f"Profile {md_code(data.get('profile', '–'))}, fresh seeds per run; {md_text(data.get('rule', ''))}.", ""]
    return lines + [format_markdown_table(["record", "runs", "false alarms", "stated rate", "CP upper", "verdict", "s / run"], rows)]


def _growth(record: dict) -> bool:
    """A growth record (C9b, C10b): its verdict is a growth class, not an inequality between sizes."""
    return (record.get("rate") or {}).get("power_law") is not None


def _mutation_tables(mutation: dict) -> list[str]:
    scores = mutation["scores"]
    rows = []
    for cid in sorted(scores, key=sort_key):
        s = scores[cid]
        survivors = ", ".join(str(x.get("mutant")) for x in s["survivors"] if isinstance(x, dict)) or "–"
        crashes = ", ".join(str(x.get("mutant")) for x in s.get("crashes", []) if isinstance(x, dict)) or "–"
        rows.append([cid, f"{s['killed']}/{s['in_scope']}", _fmt(s.get("score")), survivors, crashes, len(s["equivalent"])])
    header = ["claim", "killed / in scope", "score", "survivors", "crash-killed (check raised)", "equivalent"]
    lines = [f"Profile {md_code(mutation.get('profile', '–'))}.", "", format_markdown_table(header, rows)]
    cells = {(r["claim"], r["mutant"]): r["status"] for r in mutation["rows"]}
    claims = sorted({c for c, _ in cells}, key=sort_key)
    mutants = sorted({m for _, m in cells})
    if claims and mutants:
        word = {"killed": "killed", "crash-killed": "crash-killed", "survived": Markup("**survived**"), "equivalent": "equivalent"}
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
    png = _plot("the C9b, C10b records", plot_scaling, cases, plots / "ledger_scaling.png",
                title=f"Φ·κ̄ against L = {lengths[0]} … {lengths[-1]} (ledger records)")
    runs = sorted({str(records[c["record"]].get("run", "–")) for c in cases})
    return [
        "",
        "## Φ·κ̄ against L (C9b, C10b)",
        "",
        f"Table and plot from the same ledger records ({len(cases)} cases, L = {lengths[0]} … {lengths[-1]}; run(s) {', '.join(md_code(r) for r in runs)}). "
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
    lines = ["", f"## {md_text(key)} — {md_text(r['title'])}", "", f"**Statement.** {md_text(r['statement'])}", ""]
    assumed = "; ".join(f"{md_text(a)} ({md_text(ASSUMPTIONS.get(a, a) if isinstance(a, str) else a)})" for a in r["assumptions"]) or "none"
    lines.append(f"**Assumptions.** {assumed}; scenario: {md_text(r['scenario'] or 'all assumptions hold')}.")
    lines.append("")
    lines.append(f"**Status.** {md_text(r['status'])} on {r['instances']} instances ({r['failures']} failing).")
    if r.get("run") or r.get("profile"):
        lines += ["", f"**Recorded** by run {md_code(r.get('run', '–'))} under profile {md_code(r.get('profile', '–'))} "
                  f"at {md_text(r.get('recorded_at', '–'))}."]
    if stale:
        lines += ["", f"**Stale:** {md_text(stale)}."]
    if r.get("error"):
        lines += ["", f"**Error.** The check raised: {md_code(r['error'])}"]
    if r.get("expected_fail"):
        lines += ["", f"**Recorded finding.** {md_text(r['expected_fail'])}"]
    lines += [
        "",
        f"**Worst instance.** {md_text(r['lhs_name'])} = {_fmt(r['lhs'])}, {md_text(r['rhs_name'])} = {_fmt(r['rhs'])}, "
        f"margin {_fmt(r['worst_margin'])}, ratio {_fmt(comparable_ratio(r))} (tolerance {_fmt(r['tolerance'])}: {md_text(r['tolerance_reason'] or 'none')}).",
    ]
    rate = r.get("rate")
    if rate and "power_law" in rate:
        d = r.get("details") or {}
        lines += [
            "",
            f"**Growth.** AICc selects {md_text(d.get('selected'))}; last-doubling slope {_fmt(rate.get('slope'))}; "
            f"power law exponent {md_text(_fmt((rate.get('power_law') or {}).get('exponent')))}; stretched exponential c = "
            f"{md_text(_fmt((rate.get('stretched_exponential') or {}).get('c')))}; verdict {md_text(d.get('verdict'))}.",
        ]
    elif rate and "ci_low" in rate:
        slope, ci, claimed = rate_cells(r)
        lines += [
            "",
            f"**Rate.** fitted slope {md_text(slope)}, confidence interval {md_text(ci)}, claimed {md_text(claimed)} "
            f"({md_text(rate.get('points'))} points, rms residual {_fmt(rate.get('rms_residual'))}); slopes over instances "
            f"{md_text(r.get('slopes'))}; implied constant {_fmt(r['implied_constant'])}.",
        ]
        png = _plot(f"record {key!r}", plot_rate, r, plots / f"{_slug(key)}_rate.png")
        if png:
            lines += ["", f"![{key} rate plot]({PLOTS}/{png.name})"]
    if resolution_line(key, r):
        lines += ["", f"**Resolution.** {md_text(resolution_line(key, r))}."]
    if r.get("mutation"):
        s = r["mutation"]
        survivors = ", ".join(str(x.get("mutant")) for x in s.get("survivors", []) if isinstance(x, dict)) or "none"
        crashes = ", ".join(str(x.get("mutant")) for x in s.get("crashes", []) if isinstance(x, dict)) or "none"
        lines += ["", f"**Mutation score.** {md_text(s.get('killed'))}/{md_text(s.get('in_scope'))} killed by a failing check "
                  f"(profile {md_text(s.get('profile'))}); crash-killed: {md_text(crashes)}; survivors: {md_text(survivors)}."]
    rows = (r.get("details") or {}).get("rows")
    if r["claim"] == "C7" and _table_rows(rows) and all(k in rows[0] for k in ("n", "test_loss", "bound", "random_label_bound")):
        png = _plot(f"record {key!r}", plot_generalization, rows, plots / f"{_slug(key)}_generalization.png")
        lines += ["", format_markdown_table(list(rows[0]), [[_fmt(v) for v in row.values()] for row in rows]), "", f"![C7]({PLOTS}/{png.name})"]
    cx = counterexample_path(r["claim"], r.get("scenario"))
    if r["status"] in ("fails", "expected-fail") and cx.exists():
        lines += ["", f"Counterexample kept at {md_code(cx)}; replay with {md_code(f'rnn-theorems replay {cx}')}."]
    return lines


def _notes_section(notes: dict, plots: Path) -> list[str]:
    lines = []
    for name, note in notes.items():
        lines += ["", f"## {md_text(name)}", ""]
        rows = note.get("rows")
        if rows:
            header = list(rows[0])
            lines.append(format_markdown_table(header, [[_fmt(r.get(h)) for h in header] for r in rows]))
            if note.get("plot"):
                spec = note["plot"]
                png = _plot(f"note {name!r}", plot_table, name, rows, spec["x"], spec["y"], plots / f"{_slug(name)}.png", spec["x"],
                            str(spec.get("ylabel", "")))
                lines += ["", f"![{md_text(name)}]({PLOTS}/{png.name})"]
        if note.get("run"):
            lines += ["", f"From run {md_code(note['run'])} (profile {md_code(note.get('profile', '–'))})."]
        extra = [f"- {md_text(k)}: {md_text(v)}" for k, v in note.items() if k not in ("rows", "plot", "run", "profile")]
        if extra:
            lines += [""] + extra
    return lines


def _learning_section(records: dict, plots: Path) -> list[str]:
    """C11: the certificate (Φ·κ̄ / var y, in the relative error's units) beside the measured n*(L), from the ledger."""
    from checks.tools.plots import plot_table

    lines = []
    for key, r in records.items():
        rows = (r.get("details") or {}).get("rows") if key.startswith("C11-") else None
        if not _table_rows(rows):
            continue
        table = [{"L": x.get("L"), "n*": x.get("n_star"), "Φκ̄ / var y": x.get("phi_kappa_rel"), "iterations": x.get("iterations")} for x in rows]
        png = _plot(f"record {key!r}", plot_table, f"{key}: certificate vs measured", table, "L", ["n*", "Φκ̄ / var y", "iterations"],
                    plots / f"{_slug(key)}_certificate.png", "sequence length L", "samples / iterations")
        lines += ["", f"## {md_text(key)}: certificate against measured complexity", "",
                  format_markdown_table(list(table[0]), [[_fmt(v) for v in x.values()] for x in table]),
                  "", f"![{md_text(key)}]({PLOTS}/{png.name})"]
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
        plotted = [r for r in rows if all(r.get(k) is not None for k in ("kernel_test_loss", "bound_true", "bound_random"))]
        png = _plot(f"data {path}", plot_real_data, data["name"], plotted, plots / f"{_slug(path.stem)}.png") if plotted else None
        header = ["n", "kernel 0-1 error", "kernel test loss", "bound (true)", "bound (random)", "yᵀH⁻¹y/n true", "yᵀH⁻¹y/n random"]
        cells = [[r["n"], _fmt(r.get("kernel_test_error")), _fmt(r.get("kernel_test_loss")), _fmt(r.get("bound_true")),
                  _fmt(r.get("bound_random")), _fmt(r.get("complexity_true_per_n")), _fmt(r.get("complexity_random_per_n"))] for r in rows]
        bounds = [r.get("bound_true") for r in rows if r.get("bound_true") is not None]
        verdict = ("vacuous (≥ 1) at every n" if bounds and all(b >= 1 for b in bounds)
                   else "below the loss range at some n" if bounds else "not computed (singular kernels)")
        lines += ["", f"## Real data: {md_text(data['name'])}", "", f"The C7 bound is {verdict}.", "", format_markdown_table(header, cells)]
        lines += ["", f"![{md_text(data['name'])}]({PLOTS}/{png.name})"] if png else []
    return lines


def _slug(s: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in str(s))[:120]


def _bold(value) -> Markup:
    """A table cell in bold: the report's emphasis around text from a file."""
    return Markup(f"**{md_text(value)}**")


def _table_rows(rows) -> bool:
    """A non-empty list of objects (a table the report can draw)."""
    return isinstance(rows, list) and bool(rows) and all(isinstance(x, dict) for x in rows)


def _plot(where: str, draw, *args, **kwargs):
    """``draw(*args, **kwargs)``: a plot from a file's data; data a plot cannot take (a string where a number
    belongs) is a one-line error naming where it came from, not a traceback."""
    try:
        return draw(*args, **kwargs)
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as e:
        if type(e).__name__ in ("OutputError", "SchemaError"):
            raise
        raise ValueError(f"{where}: its data cannot be plotted ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None


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
    """A standalone HTML page rendered from the report's Markdown (CommonMark + tables, markdown-it-py): raw HTML
    off, no link or autolink at all, and an image only when it is one of the report's own plots (``plots/*.png``) —
    whatever the Markdown holds, the page loads nothing from elsewhere and links nowhere."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable("table").disable(["link", "autolink"])
    renderer.validateLink = lambda url: bool(_OWN_IMAGE.fullmatch(url))
    body = renderer.render(md)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="generator" content="rnn-theorems">\n'
        f'<title>{html.escape(title)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n'
    )
