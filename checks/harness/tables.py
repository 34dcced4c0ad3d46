"""Tables for terminals and Markdown: one formatter of each kind, used by the plugin, the CLI and the report."""

from __future__ import annotations

__all__ = ["fmt", "format_markdown_table", "format_table"]


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
    """A Markdown (pipe) table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)
