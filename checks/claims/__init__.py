"""Claim records and their registry (docs/design.md, "The claim record" and "Adding a claim").

Every module of this package is either a **claim module** or a **helper** listed in :data:`HELPERS` (with what it
holds).  :func:`load_all` imports every claim module — whatever its file name — and each registers its records with
:func:`register`; the registry notes which module registered which record (:data:`REGISTERED_BY`), so a claim module
that registers nothing, a file that is neither loaded nor a listed helper, or a helper that registers a record is
found by :func:`registration_problems` (``tests/test_registry.py``).  Adding a claim is adding one module here (copy
``_template.py``), one line in ``theorems/`` and its mutants in ``checks/harness/mutants.py``.

Records that exist for a named input outside the package (a data set's ``C7-data-<segment>``) are registered on
demand: a claim module declares a :func:`register_resolver`, and :func:`resolve` registers the records that a ledger,
a baseline or a ``--claims`` selection names, so they outlive the run that first made them.

The family range in messages (:func:`family_range`) is read from the registry; the family ``C0``
(:data:`RESERVED_FAMILY`) belongs to tests' probes and toy claims and to the template, never to a claim module.
The record type is in :mod:`checks.claims.record`, run profiles in :mod:`checks.claims.profiles`,
the instance scenarios shared by the records in :mod:`checks.claims.scenarios`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from checks.claims.profiles import PROFILES, Profile, get_profile
from checks.claims.record import (
    ASSUMPTIONS,
    DEFAULT_REPORT,
    EXAMPLES,
    SCENARIOS,
    Claim,
    ClaimFailure,
    Measurement,
    ReportSection,
    Twin,
    family_of,
    match_selector,
    sort_key,
)

__all__ = [
    "ASSUMPTIONS",
    "EXAMPLES",
    "HELPERS",
    "PROFILES",
    "REGISTERED_BY",
    "REGISTRY",
    "RESERVED_FAMILY",
    "SCENARIOS",
    "Claim",
    "ClaimFailure",
    "Measurement",
    "Profile",
    "Twin",
    "claim_modules",
    "families",
    "formula_of",
    "family_of",
    "family_range",
    "get",
    "get_profile",
    "load_all",
    "register",
    "register_resolver",
    "registration_problems",
    "resolve",
    "section_of",
    "select",
    "sort_key",
    "unregister",
]

REGISTRY: dict[str, Claim] = {}
REGISTERED_BY: dict[str, list[str]] = {}
"""Module name → the record ids it registered (the module that called :func:`register`)."""

HELPERS = {
    "record": "the claim record type, its twin and measurement, id parsing and selection",
    "profiles": "run profiles (dev, ci, thorough)",
    "scenarios": "the instances of the audit scenarios, shared by the records",
    "width_rate": "the shape of a rate-in-the-width claim (C1, C2): rate and limit records",
    "growth_grids": "the grids of the growth records, for the classifier's calibration",
    "_template": "the template of a new claim module: copied, never loaded (docs/design.md, Adding a claim)",
}
"""The modules of this package that are not claim modules, each with what it holds; every other module is loaded by
:func:`load_all` and must register at least one record."""

RESERVED_FAMILY = "C0"
"""The family of tests' probes and toy claims and of the template: no claim module registers it, and
:func:`family_range` leaves it out."""

_RESOLVERS: list[Callable[[str], bool]] = []


def register(claim: Claim) -> Claim:
    """Add a record to the registry (an id may be registered once), noting the module that registered it."""
    if claim.id in REGISTRY:
        raise ValueError(f"claim {claim.id} registered twice")
    REGISTRY[claim.id] = claim
    module = sys._getframe(1).f_globals.get("__name__", "?")
    REGISTERED_BY.setdefault(module, []).append(claim.id)
    return claim


def unregister(claim_id: str) -> None:
    """Remove a record (tests register toy claims and clean up after themselves)."""
    REGISTRY.pop(claim_id, None)
    for ids in REGISTERED_BY.values():
        if claim_id in ids:
            ids.remove(claim_id)


def claim_modules(directory: Path | None = None) -> list[str]:
    """The names of the claim modules: every module of the package (or of ``directory``) that is not in :data:`HELPERS`."""
    paths = [str(directory)] if directory is not None else __path__
    return sorted(m.name for m in pkgutil.iter_modules(paths) if m.name not in HELPERS)


def load_all() -> dict[str, Claim]:
    """Import every claim module of this package and return the registry."""
    for name in claim_modules():
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY


def registration_problems(directory: Path | None = None, loaded: Iterable[str] | None = None,
                          registered_by: dict[str, list[str]] | None = None) -> list[str]:
    """What is wrong with the package's registration, one line each (``[]``: nothing).

    * a module file that :func:`load_all` did not import and that is not a listed helper (never loaded: its records
      would silently not exist);
    * a claim module that registered no record;
    * a helper that registers a record (at import, or a ``register(`` call in its source; the template's is its point);
    * a record of the reserved family ``C0`` registered by the package.

    ``directory``, ``loaded`` (module names imported) and ``registered_by`` default to this package's own."""
    directory = Path(directory if directory is not None else __path__[0])
    loaded = set(loaded) if loaded is not None else {n.rsplit(".", 1)[1] for n in sys.modules if n.startswith(__name__ + ".")}
    registered_by = REGISTERED_BY if registered_by is None else registered_by
    by_module = {module.rsplit(".", 1)[-1]: ids for module, ids in registered_by.items() if module.startswith(__name__ + ".")}
    problems = []
    for path in sorted(directory.glob("*.py")):
        name = path.stem
        if name == "__init__":
            continue
        ids = by_module.get(name, [])
        if name in HELPERS:
            calls = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "register"]
            if ids or (calls and name != "_template"):
                problems.append(f"helper {path.name} registers claim records ({', '.join(ids) or 'a register(...) call'}): "
                                f"a claim module must not be listed in checks.claims.HELPERS")
        elif name not in loaded:
            problems.append(f"{path.name} is never loaded: load_all imports every module not in checks.claims.HELPERS")
        elif not ids:
            problems.append(f"claim module {path.name} registers no record: register(Claim(...)) in it, "
                            f"or list it in checks.claims.HELPERS with what it holds")
        for cid in ids:
            if family_of(cid) == RESERVED_FAMILY:
                problems.append(f"{path.name} registers {cid}: the family {RESERVED_FAMILY} is reserved for tests and the template")
    return problems


def register_resolver(resolver: Callable[[str], bool]) -> Callable[[str], bool]:
    """Declare how records outside the package's own are registered on demand: ``resolver(record_id)`` registers the
    records of ``record_id`` when it recognizes it (a data set's ``C7-data-<segment>``) and returns whether it did."""
    _RESOLVERS.append(resolver)
    return resolver


def resolve(ids: Iterable[str]) -> list[str]:
    """Register the on-demand records among ``ids`` (read from a ledger, a baseline or a selection); the ids now
    registered.  An id no resolver recognizes stays unregistered (a record removed from the suite)."""
    load_all()
    for key in ids:
        cid = key.split()[0]  # ledger keys may carry a scenario ("C3b -A3")
        if cid not in REGISTRY:
            any(resolver(cid) for resolver in _RESOLVERS)
    return [key for key in ids if key.split()[0] in REGISTRY]


def get(claim_id: str) -> Claim:
    """The record with this exact id."""
    resolve([claim_id])
    if claim_id not in REGISTRY:
        raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(sorted(REGISTRY, key=sort_key))}")
    return REGISTRY[claim_id]


def section_of(claim_id: str | None) -> ReportSection:
    """How the record ``claim_id`` is drawn in the report and the summaries (its :class:`ReportSection`): the
    registered record's hook, or the default for an id that is no longer registered (a stale record of a ledger)."""
    if claim_id is None:
        return DEFAULT_REPORT
    claim = REGISTRY.get(claim_id) or (REGISTRY.get(claim_id) if resolve([claim_id]) else None)
    return claim.report if claim is not None else DEFAULT_REPORT


def formula_of(claim_id: str | None) -> str | None:
    """The LaTeX formula of the record ``claim_id`` (``Claim.formula``); ``None`` when it states none or is not registered."""
    if claim_id is None:
        return None
    claim = REGISTRY.get(claim_id) or (REGISTRY.get(claim_id) if resolve([claim_id]) else None)
    return claim.formula if claim is not None else None


def families(ids: Iterable[str] | None = None) -> list[str]:
    """The families of ``ids`` (default: the registry's), in natural order, without the reserved ``C0``."""
    ids = load_all() if ids is None else ids
    return sorted({family_of(i) for i in ids} - {RESERVED_FAMILY}, key=sort_key)


def family_range(ids: Iterable[str] | None = None) -> str:
    """The registry's families as text, each run of consecutive numbers as ``C<a> … C<b>``, runs comma-separated."""
    numbers = [int(f[1:]) for f in families(ids)]
    runs: list[list[int]] = []
    for k in numbers:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return ", ".join(f"C{r[0]}" if len(r) == 1 else f"C{r[0]} … C{r[-1]}" for r in runs)


def select(selectors: str | Iterable[str] | None) -> list[str]:
    """Record ids named by comma-separated selectors, in natural order; ``None`` selects all.

    A selector is a family (``C3`` → C3a, C3b, …), a record id (``C3a``), an id prefix ending
    at a ``-`` (``C9b`` → every ``C9b-…``) or ``=ID``, one record alone (``=C6``: not its family).  A record id
    registered on demand (a data set's, :func:`resolve`) is registered by naming it.  An empty selection or a selector
    that names nothing is a ``ValueError`` that lists what exists — the same rule in every command.
    """
    registry = load_all()
    if selectors is None:
        return sorted(registry, key=sort_key)
    tokens = [t.strip() for t in (selectors.split(",") if isinstance(selectors, str) else selectors)]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise ValueError("empty claim selection: name a family (C3), a record (C3a) or a prefix (C9b)")
    chosen: set[str] = set()
    for token in tokens:
        found = match_selector(token, registry)
        named = token.lstrip("=").strip()
        named = "C" + named[1:] if named[:1] == "c" else named
        if not found and _is_id(named):  # a record registered on demand (a data set's) is registered by naming it
            resolve([named])
            found = match_selector(token, registry)
        if not found:
            known = ", ".join(sorted(registry, key=sort_key))
            raise ValueError(f"no claim record matches {token!r}; families {family_range()} or one of: {known}")
        chosen.update(found)
    return sorted(chosen, key=sort_key)


def _is_id(token: str) -> bool:
    try:
        family_of(token)
    except ValueError:
        return False
    return True
