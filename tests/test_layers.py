"""The layers of docs/design.md: imports point only downward (tools → harness → claims → experiments →
mathematics), ``testing`` is used only by tests and benchmarks, and the package's imports form no cycle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "checks"
LAYERS = {"mathematics": 0, "experiments": 1, "claims": 2, "harness": 3, "tools": 4, "testing": 0}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "mathematics"


def imports_of(path: Path) -> set[str]:
    """Modules of ``checks`` that ``path`` imports (at any depth, including function-local imports)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checks"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).exists())
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("checks"))
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    here = layer_of(module)
    for target in MODULES[module]:
        there = layer_of(target)
        if there == "testing":
            assert here == "testing", f"{module} imports {target}: testing/ is for tests and benchmarks only"
        assert LAYERS[there] <= LAYERS[here], f"{module} ({here}) imports {target} ({there}): an upward import"


def test_no_import_cycle_between_modules():
    graph = {m: {t for t in deps if t in MODULES and t != m} for m, deps in MODULES.items()}
    # a package's __init__ re-exporting its own submodules is not a cycle of behaviour
    graph = {m: {t for t in deps if not (t.startswith(m + ".") or m.startswith(t + "."))} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])
