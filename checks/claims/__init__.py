"""Claim records and their registry (docs/design.md, "How a claim flows").

Every module of this package whose name starts with ``c`` and a digit (``c05_training.py``)
holds claim records and registers them with :func:`register`; :func:`load_all` finds them by
package discovery, so adding a claim is adding one module here (plus one line in ``theorems/``).
The record type is in :mod:`checks.claims.record`, run profiles in :mod:`checks.claims.profiles`,
the instance scenarios shared by the records in :mod:`checks.claims.scenarios`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable

from checks.claims.profiles import PROFILES, Profile, get_profile
from checks.claims.record import (
    ASSUMPTIONS,
    EXAMPLES,
    SCENARIOS,
    Claim,
    ClaimFailure,
    Measurement,
    Twin,
    family_of,
    match_selector,
    sort_key,
)

__all__ = [
    "ASSUMPTIONS",
    "EXAMPLES",
    "PROFILES",
    "REGISTRY",
    "SCENARIOS",
    "Claim",
    "ClaimFailure",
    "Measurement",
    "Profile",
    "Twin",
    "family_of",
    "get",
    "get_profile",
    "load_all",
    "register",
    "select",
    "sort_key",
    "unregister",
]

REGISTRY: dict[str, Claim] = {}
_CLAIM_MODULE = re.compile(r"^c\d")


def register(claim: Claim) -> Claim:
    """Add a record to the registry (an id may be registered once)."""
    if claim.id in REGISTRY:
        raise ValueError(f"claim {claim.id} registered twice")
    REGISTRY[claim.id] = claim
    return claim


def unregister(claim_id: str) -> None:
    """Remove a record (tests register toy claims and clean up after themselves)."""
    REGISTRY.pop(claim_id, None)


def load_all() -> dict[str, Claim]:
    """Import every claim module of this package (package discovery) and return the registry."""
    for module in pkgutil.iter_modules(__path__):
        if _CLAIM_MODULE.match(module.name):
            importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


def get(claim_id: str) -> Claim:
    """The record with this exact id."""
    load_all()
    if claim_id not in REGISTRY:
        raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(sorted(REGISTRY, key=sort_key))}")
    return REGISTRY[claim_id]


def select(selectors: str | Iterable[str] | None) -> list[str]:
    """Record ids named by comma-separated selectors, in natural order; ``None`` selects all.

    A selector is a family (``C3`` → C3a, C3b, …), a record id (``C3a``), an id prefix ending
    at a ``-`` (``C9b`` → every ``C9b-…``) or ``=ID``, one record alone (``=C6``: not its family).  An empty selection or a selector that names nothing is
    a ``ValueError`` that lists what exists — the same rule in every command.
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
        if not found:
            known = ", ".join(sorted(registry, key=sort_key))
            raise ValueError(f"no claim record matches {token!r}; families C1 … C11 or one of: {known}")
        chosen.update(found)
    return sorted(chosen, key=sort_key)
