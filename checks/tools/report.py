"""``rnn-theorems report``: ``index.md`` and ``index.html`` from one ledger, with plots.

The page opens with a **scoreboard** (records per status — holds, vacuous, fails, expected-fail, error — and the
missing and stale ones, each row naming and linking its records when few; the runs and profiles) and a **contents**
list linking every section (the record sections one line per family).  Then the **findings**: recorded failures and
expected failures with their reasons, the tightest and loosest claims by their worst ratio, the assumption audit's
breaks, the L-scaling verdict per growth record, the mutation score per claim (when ``results/mutation.json``
exists: a claim × mutant table of killed / survived / equivalent), the false alarms — each record linked to its
section.  After them the records that are missing or stale and the runs that did not complete, the summary table of
every record, the resolution of every record (one plot, a panel per unit), the Φ·κ̄-against-L table and plot of the
growth records, one section per record (statement, its ``Claim.formula`` as MathML, assumptions, status, worst case,
rate plot, resolution, the table, curve and summary line its ``Claim.report`` declares, counterexample), the note
tables, the real-data sections and the audit table.  No record id is named here: what a record shows beyond the
generic section it declares itself (``checks.claims.record.ReportSection``; ``tests/test_report_hooks.py``).

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
the Markdown, and the HTML renderer (``markdown-it-py``, CommonMark with tables, raw HTML off) takes no link but
the report's own to a heading of the page (``#id``) and no image but the report's own plots.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from checks.claims import ASSUMPTIONS, formula_of, load_all, resolve, section_of, sort_key
from checks.harness.audit import a6_contrast_markdown, audit_markdown
from checks.harness.baseline import comparable_ratio
from checks.harness.counterexamples import counterexample_path
from checks.harness.jsonio import check_writable, locked, now, read_json, recording, remove_own, write_json, write_together
from checks.harness.schemas import load
from checks.harness.store import MUTATION_PATH, freshness
from checks.harness.tables import Markup, format_markdown_table, md_code, md_text, rate_cells, resolution_cells, summary_line
from checks.harness.tables import fmt as _fmt
from checks.tools.plots import plot_curve, plot_rate, plot_resolutions, plot_scaling, plot_table

__all__ = ["anchor", "findings_markdown", "render_html", "render_report", "scoreboard_markdown"]

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

    body = findings_markdown(records, audit, mutation, fresh)
    body += _false_alarm_section(Path(ledger_path).parent / "false-alarms.json")
    body += _freshness_section(fresh)
    body += ["", "## All records", "", format_markdown_table(*summary_table(records))]
    body += [
        "",
        "ratio: lhs/rhs of the worst instance (rhs/lhs when both sides are negative, as for exponents); ≤ 1 iff the inequality holds; – where rhs = 0.",
    ]
    body += _resolution_section(records, plots)
    body += _scaling_section(records, plots)
    body += _calibration_section()
    for key, r in records.items():
        body += _record_section(key, r, plots, fresh["stale"].get(key))
    body += _notes_section(ledger.get("notes", {}), plots)
    body += _real_data_section(Path(ledger_path).parent, plots)
    if audit:
        body += ["", "## Assumption audit", "", audit_markdown(audit["rows"])]
        contrast = a6_contrast_markdown(audit["rows"], records)
        if contrast:
            body += ["", "### A6 contrast: growth class per normalization (C9b, C10b, C11)", "",
                     "Which growth class the calibrated classifier selects for Φ·κ̄ (C9b, C10b) and for the measured n* "
                     "(C11) with the steps l ≥ 2 held to ‖X_l‖ ≤ ε(L), beside the ledger's record without A6 "
                     "(`rnn-theorems audit --add A6 --claims C9b,C10b,C11`); c is the exponent of L^p exp(b L^c) "
                     "when the verdict is super-polynomial.", "", contrast]
    lines = ["# rnn-theorems report", "", _provenance(ledger, ledger_path, baseline_path if baseline else None), ""]
    lines += scoreboard_markdown(records, fresh)
    lines += _contents(body, records)
    lines += body
    return "\n".join(lines) + "\n"


STATUS_ORDER = ("holds", "vacuous", "fails", "expected-fail", "error", "not-run")
"""The scoreboard's rows of record states, before ``missing`` and ``stale``."""
SCOREBOARD_NAMES = 12
"""A scoreboard row lists its records by name (linked) when it has at most this many; otherwise the count alone."""


def scoreboard_markdown(records: dict, fresh: dict) -> list[str]:
    """The page's first table: how many records hold, are vacuous, fail, fail as recorded findings, raised, are
    missing from the ledger or stale in it (``checks.harness.store.freshness``), each row naming (and linking) its
    records when there are few; the runs and profiles the records come from beneath."""
    counts = {status: [k for k, r in records.items() if r.get("status") == status] for status in STATUS_ORDER}
    counts.update({s: [k for k, r in records.items() if r.get("status") == s] for s in {r.get("status") for r in records.values()} - set(counts)})
    rows = []
    for status, keys in counts.items():
        if keys or status in STATUS_ORDER[:5]:
            rows.append([_bold(status) if status in ("fails", "error") and keys else status, len(keys), _names(keys, records)])
    missing, stale = sorted(fresh["missing"], key=sort_key), sorted(fresh["stale"], key=sort_key)
    rows.append(["missing", len(missing), _names(missing, {})])
    rows.append(["stale", len(stale), _names(stale, records)])
    runs = sorted({str(r.get("run")) for r in records.values() if r.get("run")})
    profiles = sorted({str(r.get("profile")) for r in records.values() if r.get("profile")})
    where = (f"{len(records)} records in the ledger, from {len(runs)} run(s) ({', '.join(md_code(x) for x in runs[-3:])}"
             f"{' …' if len(runs) > 3 else ''}) under profile(s) {', '.join(md_code(p) for p in profiles) or '–'}; "
             f"missing: registered (or in the baseline) but not in the ledger; stale: see [Missing and stale records](#{anchor('Missing and stale records')}).")
    return ["## Scoreboard", "", format_markdown_table(["state", "records", "which"], rows), "", Markup(where), ""]


def _names(keys: list[str], records: dict) -> Markup:
    """The records of a scoreboard row: linked to their sections when few, else ``–`` (the count says it)."""
    if not keys or len(keys) > SCOREBOARD_NAMES:
        return Markup("–" if not keys else "see the table of all records")
    return Markup(", ".join(_link(k, records) for k in keys))


def _contents(body: list[str], records: dict) -> list[str]:
    """The contents list: every ``##`` heading of the page's body, linked; the record sections one line per family."""
    lines = ["## Contents", ""]
    pending: dict[str, list[str]] = {}

    def flush():
        if pending:
            lines.append("- Records")
            lines.extend(f"  - {' · '.join(links)}" for links in pending.values())
            pending.clear()

    for line in body:
        if not line.startswith("## "):
            continue
        text = _heading_text(line)
        key = text.split(" — ", 1)[0]
        if key in records and text == _section_heading(key, records[key]):
            pending.setdefault(str(records[key].get("family") or key), []).append(_link(key, records))
            continue
        flush()
        lines.append(f"- [{md_text(text)}](#{anchor(text)})")
    flush()
    return lines + [""]


def _heading_text(line: str) -> str:
    """A heading's text as a reader sees it (the Markdown line without ``#`` and without :func:`md_text`'s escapes)."""
    return re.sub(r"\\(.)", r"\1", line.lstrip("#").strip())


def anchor(text: str) -> str:
    """The id of a heading (GitHub's rule for ASCII text): lower case; letters, digits, ``-`` and ``_`` kept, spaces
    to ``-``, everything else dropped.  ``render_html`` sets it on the heading; the report's links point to it."""
    kept = "".join(ch for ch in text.strip().lower() if ch.isascii() and (ch.isalnum() or ch in " -_"))
    return kept.replace(" ", "-")


def _section_heading(key: str, r: dict) -> str:
    return f"{key} — {r.get('title', '')}"


def _link(key: str, records: dict) -> Markup:
    """A record's key as a link to its section (plain text when the page has no section of it)."""
    if key not in records:
        return Markup(md_text(key))
    return Markup(f"[{md_text(key)}](#{anchor(_section_heading(key, records[key]))})")


def _families_of(keys) -> str:
    """`` (C9b, C10b)``: the id stems (before the first ``-``) of ``keys``, for a heading; empty when none."""
    stems = sorted({k.split()[0].split("-")[0] for k in keys}, key=sort_key)
    return f" ({', '.join(stems)})" if stems else ""


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
            rows.append([_link(k, records), _bold(r["status"]), _fmt(r.get("worst_margin")), reason])
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
            return [[_link(k, records), _fmt(ratio), _fmt(r.get("worst_margin")), f"{r['lhs_name']} ≤ {r['rhs_name']}"] for ratio, k, r in chunk]

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
    lines += ["", f"### L-scaling verdict per case{_families_of(k for k, _ in scaling)}", ""]
    if scaling:
        rows = []
        for k, r in scaling:
            d, rate = r.get("details") or {}, r["rate"]
            rows_ = d.get("rows") or []
            last = rows_[-1] if rows_ else {}
            rows.append(
                [
                    _link(k, records),
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

    return lines


def _freshness_section(fresh: dict) -> list[str]:
    """The records that are missing from the ledger or stale in it, and the runs that did not complete: after the
    findings (a partial run's missing records would otherwise fill the first screen)."""
    lines = ["", "## Missing and stale records", ""]
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
                _link(key, records),
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
    """Φ·κ̄ against L: the table and the plot from the same records (the growth records: their rate names a power-law
    fit and their details the growth classes and the rows of Φ·κ̄)."""
    cases = [
        {"case": k.split("-", 1)[-1], "record": k, **{f: r["details"][f] for f in ("rows", "verdict", "selected", "growth_classes")}}
        for k, r in records.items()
        if _growth(r) and (r.get("details") or {}).get("growth_classes") and (r["details"].get("rows"))
    ]
    if not cases:
        return []
    lengths = sorted({row["L"] for c in cases for row in c["rows"]})
    table = [[L] + [_fmt(next((row["phi_kappa"] for row in c["rows"] if row["L"] == L), None)) for c in cases] for L in lengths]
    png = _plot(f"the growth records{_families_of(c['record'] for c in cases)}", plot_scaling, cases, plots / "ledger_scaling.png",
                title=f"Φ·κ̄ against L = {lengths[0]} … {lengths[-1]} (ledger records)")
    runs = sorted({str(records[c["record"]].get("run", "–")) for c in cases})
    return [
        "",
        f"## Φ·κ̄ against L{_families_of(c['record'] for c in cases)}",
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
    section = section_of(r.get("claim"))
    lines = ["", f"## {md_text(_section_heading(key, r))}", "", f"**Statement.** {md_text(r['statement'])}", ""]
    formula = formula_of(r.get("claim"))
    if formula:
        lines += ["```math", formula, "```", ""]
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
    if summary_line(key, r):
        lines += ["", f"**Resolution.** {md_text(summary_line(key, r))}."]
    if r.get("mutation"):
        s = r["mutation"]
        survivors = ", ".join(str(x.get("mutant")) for x in s.get("survivors", []) if isinstance(x, dict)) or "none"
        crashes = ", ".join(str(x.get("mutant")) for x in s.get("crashes", []) if isinstance(x, dict)) or "none"
        lines += ["", f"**Mutation score.** {md_text(s.get('killed'))}/{md_text(s.get('in_scope'))} killed by a failing check "
                  f"(profile {md_text(s.get('profile'))}); crash-killed: {md_text(crashes)}; survivors: {md_text(survivors)}."]
    lines += _hook_table_and_plot(key, r, section, plots)
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


def _rows_at(r: dict, where: str | None) -> list[dict] | None:
    """The rows a record's hook names (``"points"``: one per instance; else a key of the worst instance's details)."""
    if where is None:
        return None
    rows = r.get("points") if where == "points" else (r.get("details") or {}).get(where)
    return rows if _table_rows(rows) else None


def _hook_table_and_plot(key: str, r: dict, section, plots: Path) -> list[str]:
    """The table and the plot a record declares (``Claim.report``: ``checks.claims.record.ReportSection``)."""
    lines = []
    rows = _rows_at(r, section.table)
    if rows:
        columns = list(section.columns or [c for c in rows[0] if isinstance(rows[0][c], (int, float, str, bool, type(None)))])
        lines += ["", format_markdown_table(columns, [[_fmt(row.get(c)) for c in columns] for row in rows])]
    spec = section.plot
    plotted = _rows_at(r, spec.rows) if spec is not None else None
    if plotted:
        png = _plot(f"record {key!r}", plot_curve, plotted, spec, plots / f"{_slug(key)}_curve.png", title=f"{key}: {spec.title}")
        if png:
            lines += ["", f"![{md_text(key)}: {md_text(spec.title)}]({PLOTS}/{png.name})"]
    return lines


def _resolution_section(records: dict, plots: Path) -> list[str]:
    """Every record's resolution (the smallest change of its resolved quantity that flips its verdict) as one plot,
    a panel per unit."""
    rows = [(k, r["resolution"]) for k, r in records.items() if isinstance(r.get("resolution"), dict) and r["resolution"].get("unit")]
    if not rows:
        return []
    png = _plot("the records' resolutions", plot_resolutions, rows, plots / "resolutions.png")
    return ["", "## Resolution of each record", "",
            "The smallest change of each record's resolved quantity that would flip its verdict (docs/claims.md, "
            "\"Verdicts\"), one panel per unit: a factor as its excess over 1 (×(1 + x)), a shift as it is; a bar at the "
            "searched limit where no change up to it flips the verdict.  Small means a small error would be seen.", "",
            f"![Resolution of each record]({PLOTS}/{png.name})"]


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
.formula { margin: 0.6em 0 0.9em; overflow-x: auto; overflow-y: hidden; font-size: 1.1em; }
math[display="block"] { text-align: left; margin-left: 0; }
a { color: #0b57d0; text-decoration: none; }
a:hover { text-decoration: underline; }
"""


def render_html(md: str, title: str = "rnn-theorems report") -> str:
    """A standalone HTML page rendered from the report's Markdown (CommonMark + tables, markdown-it-py): raw HTML
    off; a link only to a heading of the page itself (``#id``; every heading gets its :func:`anchor` as id) and an
    image only when it is one of the report's own plots (``plots/*.png``) — whatever the Markdown holds, the page
    loads nothing from elsewhere and links nowhere else.  A ```` ```math ```` block (a record's ``Claim.formula``) is
    rendered as MathML (``latex2mathml``; the LaTeX as text where it cannot be converted): no script, no font fetched."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable("table").disable("autolink")
    renderer.validateLink = lambda url: bool(_OWN_IMAGE.fullmatch(url) or _OWN_ANCHOR.fullmatch(url))
    renderer.core.ruler.push("heading_ids", _heading_ids)

    def fence(self, tokens, idx, options, env):
        if tokens[idx].info.strip() == "math":
            return _mathml(tokens[idx].content)
        return self.fence(tokens, idx, options, env)

    renderer.add_render_rule("fence", fence)
    body = renderer.render(md)
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="generator" content="rnn-theorems">\n'
        f'<title>{html.escape(title)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n'
    )


_OWN_ANCHOR = re.compile(r"#[a-z0-9_-]+")
"""The only link targets the HTML renders: a heading of the page (:func:`anchor`)."""


def _heading_ids(state) -> None:
    """markdown-it core rule: every heading gets the id :func:`anchor` of its text (the target of the report's links)."""
    for i, token in enumerate(state.tokens):
        if token.type == "heading_open" and i + 1 < len(state.tokens):
            text = "".join(c.content for c in state.tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            token.attrSet("id", anchor(text))


def _mathml(tex: str) -> str:
    """A record's LaTeX formula as display MathML (rendered by the browser itself); the LaTeX as text when
    ``latex2mathml`` cannot convert it."""
    try:
        from latex2mathml.converter import convert

        return f'<div class="formula">{convert(tex.strip(), display="block")}</div>\n'
    except Exception:  # noqa: BLE001 - any converter failure: the formula stays readable as its LaTeX
        return f'<pre class="formula">{html.escape(tex.strip())}</pre>\n'
