"""The docs' record tables, produced from the claim records: README.md's status table and docs/claims.md's record index.

Each table sits between two marker lines in its file (:data:`BLOCKS`); ``python -m checks.tools.doc_tables`` rewrites
them from the registry (``checks.claims.load_all``: the records every run has) and the committed baseline (the status
at its profile; a record it does not hold reads "new: not in the baseline"), and ``--check`` only says which are stale
(exit 1).  ``tests/test_doc_tables.py`` runs the check, so a record added, renamed or re-titled, or a baseline whose
status moved, fails the tests until the tables are rewritten — one command, no hand edit (docs/design.md, "Adding a
claim").  Everything outside the markers is written by hand and left alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from checks.claims import Claim, load_all, sort_key
from checks.harness.baseline import BASELINE_PATH
from checks.harness.jsonio import read_json, write_together
from checks.harness.tables import format_markdown_table

__all__ = ["BLOCKS", "index_table", "main", "refresh", "status_table"]

NEW = "new: not in the baseline"


def status_table(records: Mapping[str, Claim], baseline: dict) -> str:
    """README's table: each record, its title, its assumptions and its status in the baseline."""
    held = baseline.get("records", {})
    rows = [[cid, c.title, ", ".join(c.assumptions) or "none", (held.get(cid) or {}).get("status", NEW)]
            for cid, c in sorted(records.items(), key=lambda kv: sort_key(kv[0]))]
    return format_markdown_table(["record", "claim", "assumptions", f"status ({baseline.get('profile', '?')} baseline)"], rows)


def index_table(records: Mapping[str, Claim], baseline: dict | None = None) -> str:
    """docs/claims.md's index: each record's statement, the sides its check compares and its falsified twin."""
    rows = [[cid, c.statement, f"{c.lhs_name} ≤ {c.rhs_name}", c.twin.description, "yes" if c.expected_fail else ""]
            for cid, c in sorted(records.items(), key=lambda kv: sort_key(kv[0]))]
    return format_markdown_table(["record", "statement", "checked as", "falsified twin (must be caught)", "recorded finding"], rows)


BLOCKS = {"README.md": ("status", status_table), "docs/claims.md": ("index", index_table)}
"""File (relative to the repository root) → (block name, the function that renders it)."""


def _markers(name: str) -> tuple[str, str]:
    return (f"<!-- generated: {name} — `python -m checks.tools.doc_tables` writes this table from the claim records -->",
            f"<!-- end generated: {name} -->")


def _replaced(text: str, name: str, table: str, path: Path) -> str:
    begin, end = _markers(name)
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"{path}: needs the marker lines {begin!r} and {end!r}, once each, in that order")
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n{table}\n{end}{rest.split(end, 1)[1]}"


def refresh(root: Path, *, check: bool = False, records: Mapping[str, Claim] | None = None, baseline: dict | None = None) -> list[str]:
    """Rewrite (or with ``check`` only compare) every block under ``root``; the files whose block was stale."""
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"--root {root}: not a folder (the repository root)")
    for rel in BLOCKS:
        if not (root / rel).is_file():
            raise ValueError(f"--root {root}: no {rel} there (the repository root holds {', '.join(BLOCKS)})")
    records = load_all() if records is None else records
    baseline = read_json(root / BASELINE_PATH, "baseline") if baseline is None else baseline
    stale = []
    for rel, (name, render) in BLOCKS.items():
        path = Path(root) / rel
        text = path.read_text()
        new = _replaced(text, name, render(records, baseline), path)
        if new != text:
            stale.append(rel)
            if not check:
                write_together([(path, new.encode(), None)], what="documentation page")  # the suite's one writer
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.tools.doc_tables", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="the repository root (default: the current folder)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a table is stale")
    args = parser.parse_args(argv)
    try:
        stale = refresh(Path(args.root), check=args.check)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.check:
        print(f"stale: {', '.join(stale)} (run `python -m checks.tools.doc_tables`)" if stale else "the docs' record tables are current")
        return 1 if stale else 0
    print(f"rewritten: {', '.join(stale)}" if stale else "the docs' record tables were current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
