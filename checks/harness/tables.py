"""Tables for terminals and Markdown: one formatter of each kind, used by the plugin, the CLI and the report.

Text from a file (a ledger, an audit, a mutation table) is rendered as text in Markdown: :func:`md_text` escapes
what would make an image, a link, raw HTML, emphasis or code of it, and every Markdown table cell is escaped so,
unless the report composed it itself (:class:`Markup`)."""

from __future__ import annotations

import re

__all__ = ["TERMINAL_WIDTH", "Markup", "fmt", "format_markdown_table", "format_table", "md_code", "md_text", "rate_cells",
           "resolution_cells", "summary_line", "terminal_summary", "wrap"]

TERMINAL_WIDTH = 120
"""The widest line of the terminal summary (``tests/test_terminal_summary.py``): an 80–120-column terminal shows it
without wrapping mid-cell."""

_MD_SPECIAL = frozenset("\\`*_[]<>!&~|#")


class Markup(str):
    """Markdown the report composed itself (its own emphasis around :func:`md_text`): a table cell taken as it is."""


def md_text(value) -> str:
    """``value`` as literal text inside a Markdown line: every character that could start an image, a link, an
    autolink, raw HTML, an entity, emphasis, code or a table column is backslash-escaped, a bare URL is broken
    (``https:\\/\\/``, ``www\\.``) so no viewer links it, and line breaks become spaces."""
    text = " ".join(str(value).splitlines())
    text = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
    return Markup(text.replace("://", ":\\/\\/").replace("www.", "www\\."))


def md_code(value) -> str:
    """``value`` as an inline code span (literal: nothing inside a code span is Markdown), fenced by more backticks
    than it holds."""
    text = " ".join(str(value).splitlines())
    fence = "`" * (1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


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
    """A Markdown (pipe) table; every cell is text (:func:`md_text`: a ``|`` is escaped, a line break becomes a
    space) unless it is :class:`Markup` (then only its ``|`` and line breaks are)."""
    out = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _md_cell(value) -> str:
    if isinstance(value, Markup):
        return " ".join(value.splitlines()).replace("\\|", "|").replace("|", "\\|")
    return md_text(value)


def rate_cells(record: dict) -> tuple[str, str, str]:
    """The fitted slope, its confidence interval and the claimed rate of a ledger record, as cells.

    Rate claims (``O(m^{-1/2})``, C4) record a log-log fit with a two-sided interval; one side of the
    inequality is a confidence limit, the other the claimed exponent.  Growth records (their rate names a
    ``power_law`` fit) give the last local log-log slope in ``L`` and the claim "almost-polynomial": the growth
    classifier's statistic Δ (the χ² improvement of the super-polynomial class) at most its calibrated threshold,
    the record's ``rhs``.  Other records: ``–``."""
    rate = record.get("rate") or {}
    if "ci_low" in rate and "ci_high" in rate:
        lhs, rhs = record.get("lhs"), record.get("rhs")
        limits = (rate["ci_low"], rate["ci_high"])
        claimed = rhs if lhs in limits else lhs if rhs in limits else None
        level = rate.get("confidence")
        ci = f"[{rate['ci_low']:.3g}, {rate['ci_high']:.3g}]" + (f" at {level:.1%}" if level else "")
        return fmt(rate.get("slope")), ci, fmt(claimed)
    if "power_law" in rate:
        return f"{fmt(rate.get('slope'))} (local, largest L)", "–", f"almost-polynomial: Δχ² ≤ {fmt(record.get('rhs'))}"
    if rate.get("slope") is not None:
        return fmt(rate["slope"]), "–", "–"
    return "–", "–", "–"


def summary_line(key: str, record: dict) -> str | None:
    """The record's own one-line summary (its ``Claim.report.summary``, e.g. C7's counted experiments and detectable
    factor), prefixed with its key; ``None`` when its record declares none."""
    from checks.claims import section_of

    summary = section_of(record.get("claim")).summary
    line = summary(record) if summary is not None else None
    return f"{key}: {line}" if line else None


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


def wrap(text: str, width: int = TERMINAL_WIDTH, indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns (words kept whole where they fit; continuation lines indented)."""
    import textwrap

    return textwrap.wrap(text, width, subsequent_indent=indent or "  ", break_on_hyphens=False) or [""]


RATIO_NOTE = "ratio: lhs/rhs of the worst instance (rhs/lhs when both sides are negative, as for exponents): ≤ 1 iff the inequality holds"


def terminal_summary(records: dict, width: int = TERMINAL_WIDTH) -> list[str]:
    """The claim ledger as printed at the end of a pytest or ``verify`` run, every line ≤ ``width`` columns.

    Two tables: every record (status, instances, worst margin, comparable ratio, implied constant, resolution with a
    tag of its unit), then the records with a rate (fitted slope, its interval, the claimed rate); a legend of the
    resolution units, the ratio note and each record's own summary line (``Claim.report``) follow, wrapped."""
    from checks.claims.record import sort_key
    from checks.harness.baseline import comparable_ratio

    keys = sorted(records, key=sort_key)
    units: dict[str, str] = {}
    rows, rates = [], []
    for key in keys:
        r = records[key]
        value, unit = resolution_cells(r)
        if unit != "–":
            tag = units.setdefault(unit, f"u{len(units) + 1}")
            value = f"{value} {tag}"
        rows.append([_clip(key, 24), r["status"], r["instances"], fmt(r["worst_margin"]), fmt(comparable_ratio(r)),
                     fmt(r["implied_constant"]), _clip(value, 28)])
        slope, ci, claimed = rate_cells(r)
        if (slope, ci, claimed) != ("–", "–", "–"):
            rates.append([_clip(key, 24), _clip(slope, 26), _clip(ci, 30), _clip(claimed, 34)])
    lines = format_table(["record", "status", "inst.", "worst margin", "ratio", "constant", "resolution"], rows).splitlines()
    if units:
        lines += wrap("resolution units: " + "; ".join(f"{tag} = {unit}" for unit, tag in units.items()), width)
    lines += wrap(RATIO_NOTE, width)
    if rates:
        lines += [""] + format_table(["record", "fitted slope", "confidence interval", "claimed"], rates).splitlines()
    for key in keys:
        line = summary_line(key, records[key])
        if line:
            lines += wrap(line, width)
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def _clip(value, width: int) -> str:
    """A cell of at most ``width`` characters (a longer one ends in ``…``)."""
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
