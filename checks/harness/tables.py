"""Tables for terminals and Markdown: one formatter of each kind, used by the plugin, the CLI and the report.

Text from a file (a ledger, an audit, a mutation table) is rendered as text in Markdown: :func:`md_text` escapes
what would make an image, a link, raw HTML, emphasis or code of it, and every Markdown table cell is escaped so,
unless the report composed it itself (:class:`Markup`)."""

from __future__ import annotations

import re

__all__ = ["Markup", "fmt", "format_markdown_table", "format_table", "md_code", "md_text", "rate_cells", "resolution_cells",
           "resolution_line"]

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
