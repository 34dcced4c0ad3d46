"""Every plot of the suite (matplotlib, PNG): rate fits, scaling, training sweeps, a record's declared curve
(``Claim.report.plot``: :func:`plot_curve`), the records' resolutions, note tables.  No plot here knows a record id:
what a record's curve shows is declared by the record (``checks.claims.record.Plot``)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

matplotlib.rcParams["text.parse_math"] = False  # titles and labels from a ledger are text: a "$" in one is no formula

__all__ = ["plot_curve", "plot_real_data", "plot_radius_ratio", "plot_rate", "plot_residuals", "plot_resolutions", "plot_scaling", "plot_table"]


def plot_residuals(results: list[dict], path: Path) -> Path:
    """‖r_t‖² against t for each cell, with the C5 bound (1 − ηmλ_0/2)^t ‖r_0‖² dashed."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for r in sorted(results, key=lambda r: (r["m"], r["seed"]))[:12]:
        line = ax.semilogy(r["residual_sq"], lw=1, label=f"m={r['m']} L={r['L']} n={r['n']} s={r['seed']}")[0]
        ax.semilogy(r["c5_bound"], "--", lw=0.8, color=line.get_color())
    ax.set_xlabel("gradient-descent step t")
    ax.set_ylabel("‖u_t − y‖²  (dashed: C5 bound)")
    ax.set_title("C5: residual against the linear-rate bound")
    ax.legend(fontsize=6)
    return _save(fig, path)


def plot_radius_ratio(results: list[dict], path: Path) -> Path:
    """‖W_T − W_0‖_F / R_m and ‖W_T − W_0‖_2 against width (C6)."""
    by_m = defaultdict(list)
    for r in results:
        by_m[r["m"]].append((r["dist_fro_final"] / r["radius"], r["dist_spec_final"]))
    widths = sorted(by_m)
    fig, ax = plt.subplots(figsize=(6, 4))
    for m in widths:
        ratios = [a for a, _ in by_m[m]]
        ax.semilogx([m] * len(ratios), ratios, "o", color="tab:blue", alpha=0.5)
    ax.semilogx(widths, [np.mean([a for a, _ in by_m[m]]) for m in widths], "-", color="tab:blue", label="‖W_T − W_0‖_F / R_m")
    ax.axhline(1.0, color="k", lw=0.6)
    ax2 = ax.twinx()
    ax2.loglog(widths, [np.mean([b for _, b in by_m[m]]) for m in widths], "s-", color="tab:orange", label="‖W_T − W_0‖_2")
    ax.set_xlabel("width m")
    ax.set_ylabel("radius ratio")
    ax2.set_ylabel("spectral distance")
    ax.set_title("C6: training radius against width")
    fig.legend(fontsize=7, loc="upper center")
    return _save(fig, path)


def plot_curve(rows: list[dict], spec, path: Path, title: str | None = None) -> Path | None:
    """A record's declared curve (``checks.claims.record.Plot``): the columns ``spec.ys`` of ``rows`` against
    ``spec.x``; where several rows share an ``x`` (instances, experiments), each is a faint point and the line goes
    through their mean.  ``None`` when no column has a plottable value (finite; positive on log axes)."""
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(6, 4))
    drawn = False
    for i, column in enumerate(spec.ys):
        by_x = defaultdict(list)
        for r in rows:
            x, y = r.get(spec.x), r.get(column)
            if _finite(x) and _finite(y) and (not spec.log or (x > 0 and y > 0)):
                by_x[float(x)].append(float(y))
        if not by_x:
            continue
        xs, color = sorted(by_x), colors[i % len(colors)]
        if any(len(v) > 1 for v in by_x.values()):
            ax.plot([x for x in xs for _ in by_x[x]], [y for x in xs for y in by_x[x]], "o", ms=3.5, alpha=0.35, color=color)
            ax.plot(xs, [float(np.mean(by_x[x])) for x in xs], "-", color=color, label=f"{column} (mean at each {spec.x})")
        else:
            ax.plot(xs, [by_x[x][0] for x in xs], "o-", color=color, label=column)
        drawn = True
    if not drawn:
        plt.close(fig)
        return None
    if spec.log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(spec.xlabel or spec.x)
    ax.set_ylabel(spec.ylabel)
    text = title or spec.title
    ax.set_title(text if len(text) <= 70 else text[:69] + "…", fontsize=9)
    ax.legend(fontsize=7)
    return _save(fig, path)


def plot_resolutions(rows: list[tuple[str, dict]], path: Path) -> Path:
    """Every record's resolution (``(key, the ledger's resolution)``), one panel per unit: a factor as its excess
    over 1 (log axis), a shift as it is; a record whose verdict no change up to the searched limit flips is drawn
    at the limit in grey, a failing record's change to hold in red."""
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for key, res in rows:
        groups[str(res.get("unit"))].append((key, res))
    heights = [len(v) + 1.6 for v in groups.values()]
    fig, axes = plt.subplots(len(groups), 1, figsize=(7.5, max(2.5, 0.19 * sum(heights) + 0.4 * len(groups) + 0.6)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, (unit, items) in zip(axes[:, 0], groups.items()):
        factor = all(res.get("kind") == "factor" for _, res in items)
        values, labels, colors = [], [], []
        for key, res in items:
            beyond = res.get("value") is None
            value = float(res.get("limit") or 0) if beyond else float(res["value"])
            values.append(value - 1 if factor else value)
            labels.append(f"{key}{' (to hold)' if res.get('direction') == 'to hold' else ''}{' (beyond)' if beyond else ''}")
            colors.append("tab:gray" if beyond else "tab:red" if res.get("direction") == "to hold" else "tab:blue")
        y = np.arange(len(items))
        ax.scatter(values, y, c=colors, s=18, zorder=3)
        if all(v > 0 for v in values):
            ax.set_xscale("log")
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylim(len(items) - 0.5, -0.5)
        ax.grid(axis="x", lw=0.4, alpha=0.6)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title(f"unit: {unit}" if len(unit) <= 90 else f"unit: {unit[:89]}…", fontsize=8, loc="left")
        ax.set_xlabel("factor − 1" if factor else "shift", fontsize=7)
    fig.suptitle("Resolution of each record: the smallest change that flips its verdict", fontsize=9)
    return _save(fig, path)


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


RATE_SERIES = (("widths", "deviations", "width m", "deviation"), ("widths", "K4", "width m", "K_4(m)"), ("omegas", "kernel", "ω", "mean kernel change"))
"""The measured series a rate record keeps in its details: (x key, y key, x label, y label) — C1/C2, C4a, C4b."""


def plot_rate(record: dict, path: Path) -> Path | None:
    """Measured points (log-log), the fitted line and the claimed slope of a rate record (C1, C2, C4a, C4b); ``None``
    when the record keeps no measured series with positive values."""
    d, rate = record.get("details") or {}, record.get("rate")
    series = next((s for s in RATE_SERIES if s[0] in d and s[1] in d), None)
    if not rate or "intercept" not in rate or series is None:
        return None
    xs, ys, xlabel, ylabel = series
    x, y = np.asarray(d[xs], float).ravel(), np.asarray(d[ys], float).ravel()
    if x.shape != y.shape or not x.size or np.any(x <= 0) or np.any(y <= 0) or not np.all(np.isfinite(y)):
        return None
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.loglog(x, y, "o", alpha=0.6, label="measured (worst instance)")
    grid = np.geomspace(x.min(), x.max(), 50)
    ax.loglog(grid, np.exp(rate["intercept"]) * grid ** rate["slope"], "-", label=f"fit: slope {rate['slope']:.3f}")
    limits = (rate.get("ci_low"), rate.get("ci_high"))
    claimed = record.get("rhs") if record.get("lhs") in limits else record.get("lhs")
    if claimed is not None:
        center = np.exp(np.mean(np.log(y)))
        ax.loglog(grid, center * (grid / math.exp(np.mean(np.log(x)))) ** claimed, "--", label=f"claimed: slope {claimed:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    title = f"{record['claim']}: {record['title']}"
    ax.set_title(title if len(title) <= 60 else title[:59] + "…", fontsize=9)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_table(title: str, rows: list[dict], x: str, ys: list[str], path: Path, xlabel: str, ylabel: str) -> Path:
    """Columns ``ys`` of a note's rows against column ``x`` (log-log)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for y in ys:
        pts = [(r[x], r[y]) for r in rows if r.get(y) is not None and r[y] > 0 and math.isfinite(r[y])]
        if pts:
            ax.loglog(*zip(*pts), "o-", label=y)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7)
    return _save(fig, path)


def plot_scaling(results: list[dict], path: Path, title: str = "Certificate growth in L (degree-2 targets, unit norms)") -> Path:
    """Φ·κ̄ against L for every scaling case (C9b, C10b), log-log: measured points and the growth class
    AICc selected as a line (dashed where the verdict is super-polynomial)."""
    from checks.inference.growth import GrowthClassFit

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in results:
        L = np.array([row["L"] for row in r["rows"]], float)
        y = [row["phi_kappa"] for row in r["rows"]]
        points = ax.loglog(L, y, "o", ms=3)[0]
        fit = r.get("growth_classes", {}).get("fits", {}).get(r.get("selected"))
        if fit and {"name", "params", "residuals", "rss"} <= set(fit):
            grid = np.geomspace(L.min(), L.max(), 100)
            try:
                curve = np.exp(GrowthClassFit(fit["name"], fit["params"], fit["residuals"], fit["rss"]).predict(grid))
            except KeyError:  # a record of the former classes (other parameters): points only
                continue
            style = "-" if r["verdict"] == "almost-polynomial" else "--"
            ax.loglog(grid, curve, style, color=points.get_color(), lw=1, label=f"{r['case']}: {r['selected'].replace('_', ' ')}")
    ax.set_xlabel("sequence length L")
    ax.set_ylabel("Φ · κ̄  (sample complexity ∝)")
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    return _save(fig, path)


def plot_real_data(name: str, rows: list[dict], path: Path) -> Path:
    """Real data (after Arora et al. 2019, Fig. 1): test loss and the C7 bound (true and random labels) against n."""
    n = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(n, [r["kernel_test_loss"] for r in rows], "o-", label="kernel test loss")
    if all("net_test_loss" in r for r in rows):
        ax.loglog(n, [r["net_test_loss"] for r in rows], "v-", label="network test loss")
    ax.loglog(n, [r["bound_true"] for r in rows], "s-", label="C7 bound (true labels)")
    ax.loglog(n, [r["bound_random"] for r in rows], "^--", label="C7 bound (random labels)")
    ax.axhline(1.0, color="k", lw=0.6, label="loss range")
    ax.set_xlabel("sample size n")
    ax.set_title(f"{name}: test loss and the C7 bound")
    ax.legend(fontsize=7)
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    """Every plot's writer: the PNG carries the suite's mark (``PLOT_MARK``) and goes through the one writer
    (atomic; never over a file that is not a plot of the suite, e.g. a user's own figure)."""
    import io

    from checks.harness.jsonio import PLOT_MARK, write_bytes

    path = Path(path)
    for ax in fig.axes:  # log-axis ticks as plain text: the default labels are mathtext, off for text from a ledger
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(matplotlib.ticker.LogFormatter())
                axis.set_minor_formatter(matplotlib.ticker.LogFormatter(minor_thresholds=(1, 0.4)))
    fig.tight_layout()
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=110, metadata=dict([PLOT_MARK]))
    finally:
        plt.close(fig)
    write_bytes(path, buffer.getvalue(), kind="plot")
    return path
