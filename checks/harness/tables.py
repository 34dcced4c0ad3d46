"""Tables for terminals and Markdown: one formatter of each kind, used by the plugin, the CLI and the report."""

from __future__ import annotations

__all__ = ["fmt", "format_markdown_table", "format_table", "rate_cells", "resolution_cells", "resolution_line"]


def fmt(x) -> str:
    """A table cell: floats to 4 significant digits, ``None`` as ``–``."""
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def format_table(header: list[str], rows: list[list]) -> str:
    """A plain-text table with aligned columns (for terminals and Markdown code blocks)."""
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown_table(header: list[str], rows: list[list]) -> str:
    """A Markdown (pipe) table; a ``|`` inside a cell is escaped and a line break becomes a space."""
    out = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _md_cell(value) -> str:
    return str(value).replace("\\|", "|").replace("|", "\\|").replace("\n", " ")


def rate_cells(record: dict) -> tuple[str, str, str]:
    """The fitted slope, its confidence interval and the claimed rate of a ledger record, as cells.

    Rate claims (``O(m^{-1/2})``, C4) record a log-log fit with a two-sided interval; one side of the
    inequality is a confidence limit, the other the claimed exponent.  Growth records (C9b, C10b) give
    the last local log-log slope in ``L`` and the claim "almost-polynomial" (stretched exponent ``c`` at
    most the stated threshold).  Other records: ``–``."""
    rate = record.get("rate") or {}
    if "ci_low" in rate and "ci_high" in rate:
        lhs, rhs = record.get("lhs"), record.get("rhs")
        limits = (rate["ci_low"], rate["ci_high"])
        claimed = rhs if lhs in limits else lhs if rhs in limits else None
        level = rate.get("confidence")
        ci = f"[{rate['ci_low']:.3g}, {rate['ci_high']:.3g}]" + (f" at {level:.1%}" if level else "")
        return fmt(rate.get("slope")), ci, fmt(claimed)
    if "power_law" in rate:
        return f"{fmt(rate.get('slope'))} (local, largest L)", "–", f"almost-polynomial: c ≤ {fmt(record.get('rhs'))}"
    if rate.get("slope") is not None:
        return fmt(rate["slope"]), "–", "–"
    return "–", "–", "–"


def resolution_line(key: str, record: dict) -> str | None:
    """A statistical record's resolution (C7): counted experiments, the vacuous ones left out, violations, the
    Clopper–Pearson limit and the detectable factor ``1 / max tightness``; ``None`` for other records."""
    d = record.get("details") or {}
    if "detectable_factor" not in d:
        return None
    return (f"{key}: {d['counted']} counted experiments ({d['vacuous']} vacuous, bound ≥ 1, not counted), "
            f"{d['violations']} violations, upper limit {fmt(record.get('lhs'))} vs δ {fmt(record.get('rhs'))}; "
            f"detectable factor {fmt(d['detectable_factor'])} (1 / max tightness: a bound too small by less is not seen)")


def resolution_cells(record: dict) -> tuple[str, str]:
    """A record's resolution (``checks.claims.record.Resolution``, the ledger's ``resolution``) as two cells: the value
    — ``×3.84`` for a factor (``×(1 + 2e-12)`` near 1), ``0.13`` for a shift, ``> ×1e+06`` when nothing up to the searched limit flips the
    verdict, prefixed ``hold at`` for a record that fails (the change that would make it hold) — and its unit."""
    res = record.get("resolution")
    if not res:
        return "–", "–"
    factor = res.get("kind") == "factor"
    value = res.get("value")
    if value is None:
        cell = f"> {'×' if factor else ''}{res.get('limit', 0):.3g}"
    elif factor and value - 1 < 0.01:  # a factor near 1: its excess, which the digits would hide
        cell = f"×(1 + {value - 1:.3g})"
    else:
        cell = f"×{value:.3g}" if factor else f"{value:.3g}"
    if res.get("direction") == "to hold":
        cell = f"hold at {cell}"
    return cell, res.get("unit", "–")
