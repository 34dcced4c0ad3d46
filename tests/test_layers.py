"""The layers of docs/design.md: imports point only downward (tools → harness → claims → experiments → theory →
model → numerics; inference beside numerics, importing nothing of ``checks``), ``testing`` is used only by tests and
benchmarks, the package's imports form no cycle, and every module sits in a layer (no module at the top of ``checks``)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "checks"
TOP = "package"  # ``checks`` itself: its __init__ holds the version only, any layer may read it
LAYERS = {TOP: 0, "numerics": 0, "inference": 0, "model": 1, "theory": 2, "experiments": 3, "claims": 4, "harness": 5,
          "tools": 6, "testing": 7}  # testing/: reference implementations for tests and benchmarks, above everything


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """The layer of a module: the subpackage of ``checks`` it sits in (``checks`` itself: ``TOP``)."""
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    if parts[1] not in LAYERS or parts[1] == TOP:
        raise AssertionError(f"{module} is in no layer: put it in one of checks/{{{', '.join(sorted(set(LAYERS) - {TOP}))}}}/ "
                             "(docs/design.md, Layers)")
    return parts[1]


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
def test_module_sits_in_a_layer(module):
    """A module put at the top of checks/ (beside __init__) belongs to no layer: the test names the packages."""
    layer_of(module)


def test_same_layer_packages_do_not_import_each_other():
    """numerics and inference share the bottom layer: neither imports the other (each stands alone)."""
    for module, targets in MODULES.items():
        if layer_of(module) in ("numerics", "inference"):
            assert all(layer_of(t) in (layer_of(module), TOP) for t in targets), f"{module} imports {targets}"


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
