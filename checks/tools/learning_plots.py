"""Plots of the measured learning curves (docs/claims.md C11): matplotlib (Agg), PNG.

Each function takes the JSON-able dict of ``checks.experiments.learning_curves.run_learning_curves`` (or a mapping
of normalization label to such dicts for the A6 contrast) and writes one figure.  A complexity that was not reached
on the grid (``n* > n_max``) is drawn as an open upward triangle at ``n_max``, one reached already at the smallest
``n`` (an upper bound) as an open downward triangle there.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from checks.tools.plots import _save  # one figure writer for every plot

__all__ = ["plot_certificate_vs_measured", "plot_learning_curves"]

COLUMNS = 4
"""Targets per row of the certificate figure (eight targets make two readable rows)."""

FLOOR = 1e-6
"""Lower edge for log axes: a band edge at or below 0 (few seeds) is drawn here instead of vanishing."""


def _label(result: dict) -> str:
    spec = result["config"].get("small_inputs")
    return "no A6" if spec is None else f"A6, ε = {spec}"


def _by_target(result: dict) -> dict:
    out = {}
    for s in result["summary"]:
        out.setdefault(s["target"], []).append(s)
    return {t: sorted(v, key=lambda s: s["L"]) for t, v in out.items()}


def _selected(result: dict, target: str, key: str) -> str:
    fit = result.get("fits", {}).get(target, {}).get(key)
    return "" if not fit else f" [{fit['selected'].replace('_', ' ')}]"


def plot_learning_curves(result: dict, path) -> Path:
    """Relative test MSE of the ridgeless ``H∞`` predictor against ``n`` (C11): one panel per target, one line per
    ``L`` with its confidence band over seeds, ``ε`` dashed and ``n*`` marked."""
    groups = _by_target(result)
    eps = result["config"]["eps"]
    fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 3.8), squeeze=False)
    for ax, (target, rows) in zip(axes[0], groups.items()):
        for i, s in enumerate(rows):
            pts = [c for c in s["curve"] if c["mean"] is not None]
            n = np.array([c["n"] for c in pts], float)
            mean = np.array([c["mean"] for c in pts], float)
            color = f"C{i % 10}"
            ax.loglog(n, mean, "o-", color=color, lw=1.2, ms=3, label=f"L = {s['L']}")
            if all(c["low"] is not None for c in pts):
                low = np.maximum([c["low"] for c in pts], FLOOR)
                ax.fill_between(n, low, [c["high"] for c in pts], color=color, alpha=0.18, lw=0)
            if s["n_star"] is not None:
                ax.axvline(s["n_star"], color=color, ls=":", lw=0.8)
        ax.axhline(eps, color="k", ls="--", lw=0.8, label=f"ε = {eps}")
        ax.set_xlabel("training sequences n")
        ax.set_ylabel("relative test MSE")
        ax.set_title(target, fontsize=10)
        ax.legend(fontsize=7)
        _plain_ticks(ax)
    title = f"C11 learning curves, ridgeless H∞ predictor ({_label(result)}, d = {result['config']['dim']})"
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def _plain_ticks(ax, at=None):
    """No labels on minor log ticks (they overlap on short decades); ``at``: label exactly these x values."""
    ax.xaxis.set_minor_formatter(NullFormatter())
    if at is not None:
        ax.set_xticks(list(at), [f"{int(v)}" for v in at])


def _censored(ax, L, values, n_max, color, label, statuses=None):
    """Reached values as a line with filled markers; unreached (``None``) as open up-triangles at ``n_max``;
    values with status ``"at_grid_minimum"`` (upper bounds) as open down-triangles."""
    L = np.asarray(L, float)
    statuses = statuses or ["interpolated"] * len(values)
    got = np.array([v is not None for v in values])
    bound = np.array([s == "at_grid_minimum" for s in statuses])
    if got.any():
        ax.loglog(L[got], [v for v in values if v is not None], "-", color=color, lw=1.4, label=label)
        exact = got & ~bound
        ax.loglog(L[exact], [v for v, e in zip(values, exact) if e], "o", color=color, ms=4)
    if bound.any():
        upper = [v for v, b in zip(values, bound) if b]
        ax.loglog(L[bound], upper, "v", mfc="none", color=color, ms=7, label=f"{label}: ≤ n_min")
    if (~got).any():
        ax.loglog(L[~got], [n_max] * int((~got).sum()), "^", mfc="none", color=color, ms=7, label=f"{label}: > n_max")
    _plain_ticks(ax, L)


def plot_certificate_vs_measured(result: dict, path) -> Path:
    """The certificate, the measured ``n*`` and the kernel-GD iteration count against ``L`` (C11),
    one column per target: ``Φ·κ̄ / var y`` (dashed, the certificate in the units of the relative error) and the raw
    ``Φ·κ̄`` (dotted); below, the ratios certificate / ``n*`` (how loose the certificate is, and whether the
    looseness grows with ``L``).  Legends carry each quantity's selected growth class."""
    groups = _by_target(result)
    n_max = result["config"]["sizes"][-1]
    cols = min(COLUMNS, len(groups))
    grid = -(-len(groups) // cols)  # rows of targets
    shape = dict(squeeze=False, height_ratios=(2, 1) * grid)
    fig, axes = plt.subplots(2 * grid, cols, figsize=(4.4 * cols, 6.4 * grid), **shape)
    for k in range(len(groups), grid * cols):  # unused panels of the last row
        axes[2 * (k // cols), k % cols].set_visible(False)
        axes[2 * (k // cols) + 1, k % cols].set_visible(False)
    for k, (target, rows) in enumerate(groups.items()):
        ax, bx = axes[2 * (k // cols), k % cols], axes[2 * (k // cols) + 1, k % cols]
        L = [s["L"] for s in rows]
        cert_label = "certificate Φ·κ̄ / var y" + _selected(result, target, "phi_kappa_rel")
        ax.loglog(L, [s["phi_kappa_rel"] for s in rows], "s--", color="C3", ms=4, label=cert_label)
        raw_label = "Φ·κ̄" + _selected(result, target, "phi_kappa")
        ax.loglog(L, [s["phi_kappa"] for s in rows], ":", color="C3", lw=1, label=raw_label)
        statuses = [s["n_star_status"] for s in rows]
        n_label = "measured n*" + _selected(result, target, "n_star")
        _censored(ax, L, [s["n_star"] for s in rows], n_max, "C0", n_label, statuses)
        its = [s["iterations"] for s in rows]
        if any(v is not None for v in its):
            it_label = f"GD iterations (n = {rows[0]['iteration_n']})" + _selected(result, target, "iterations")
            _censored(ax, L, its, np.nan, "C2", it_label)
        ax.set_title(target, fontsize=10)
        ax.set_xlabel("L")
        ax.legend(fontsize=6.5)
        _plain_ticks(ax, L)
        for key, style, text in (("ratio_rel", "o-", "Φ·κ̄ / var y / n*"), ("ratio", "o:", "Φ·κ̄ / n*")):
            ratio = [(s["L"], s[key]) for s in rows if s.get(key) is not None]
            if ratio:
                bx.loglog(*zip(*ratio), style, color="C4", ms=4, label=text + _selected(result, target, key))
                bx.legend(fontsize=7)
                _plain_ticks(bx, L)
        bx.set_xlabel("L")
        bx.set_ylabel("certificate / measured")
    eps = result["config"]["eps"]
    fig.suptitle(f"C11: certificate vs measured complexity (ε = {eps}, {_label(result)})", fontsize=9)
    return _save(fig, path)
