"""docs/design.md's layer table against the tree: every module of ``checks`` is listed in its own layer's row, and the
table names no module or layer that does not exist (the layout a maintainer reads is the layout that runs)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "checks"


def layer_table() -> dict[str, set[str]]:
    """``{layer: {module file names}}`` from the table under docs/design.md's "## Layers"."""
    text = (ROOT / "docs" / "design.md").read_text()
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`(\w+)/`\s*\|([^|]*)\|", line)
        if match:
            rows[match.group(1)] = set(re.findall(r"`([\w]+\.py)`", match.group(2)))
    return rows


def tree() -> dict[str, set[str]]:
    return {d.name: {p.name for p in d.glob("*.py") if p.name != "__init__.py"}
            for d in PACKAGE.iterdir() if d.is_dir() and (d / "__init__.py").exists()}


def test_the_layer_table_is_parsed():
    assert len(layer_table()) >= 8, "docs/design.md: the layer table under '## Layers' was not found"


def test_every_layer_of_the_tree_is_in_the_table_and_back():
    assert set(layer_table()) == set(tree()), "docs/design.md's layers differ from checks/'s subpackages"


def test_every_module_is_listed_in_its_layer():
    table, actual = layer_table(), tree()
    for layer, modules in actual.items():
        missing, extra = modules - table.get(layer, set()), table.get(layer, set()) - modules
        assert not missing, f"docs/design.md: checks/{layer}/ holds {sorted(missing)}, not in its row of the layer table"
        assert not extra, f"docs/design.md: the row of checks/{layer}/ names {sorted(extra)}, which do not exist there"
