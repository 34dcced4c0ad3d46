"""The mutation mechanism: a :class:`Mutant` replaces one library object with a wrong version while a
``with mutant.applied():`` block runs (the catalog of mutants is :mod:`checks.harness.mutants`).

The replacement is bound in every ``checks.*`` module that imported the original (claim modules
import functions by name), and every ``functools.lru_cache`` of the package is cleared on entry
and exit, so no result computed by the correct code leaks into a mutated run.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from checks.claims import load_all, select

__all__ = ["Mutant", "scope_records"]


@dataclass(frozen=True)
class Mutant:
    """One plausible wrong implementation: ``target`` (``"module:attribute"``) replaced by ``make(original)``."""

    id: str
    description: str
    target: str
    make: Callable[[Callable], Callable]
    kills: tuple[str, ...]
    equivalent: dict[str, str] = field(default_factory=dict)
    everywhere: bool = True  # rebind in every checks.* module that imported the original

    @contextmanager
    def applied(self):
        """Run the block with the mutant in place; everything is restored afterwards."""
        module_name, path = self.target.split(":")
        owner = importlib.import_module(module_name)
        *parents, attr = path.split(".")
        for name in parents:
            owner = getattr(owner, name)
        original = getattr(owner, attr)
        replacement = self.make(original)
        if parents or not self.everywhere:  # a method, or one module's binding only
            patched = [(owner, attr)]
        else:
            modules = [m for name, m in list(sys.modules.items()) if name.startswith("checks") and m is not None]
            patched = [(m, name) for m in modules for name, value in list(vars(m).items()) if value is original]
        _clear_caches()
        try:
            for m, name in patched:
                setattr(m, name, replacement)
            yield self
        finally:
            for m, name in patched:
                setattr(m, name, original)
            _clear_caches()

    def scope(self) -> dict[str, str]:
        """Record id → ``"kill"`` or ``"equivalent"`` for every record this mutant concerns.

        Scope entries are record ids (``"C9"`` is the record C9, not its family) or id prefixes
        (``"C9b"``: every ``C9b-…`` record)."""
        out = {cid: "equivalent" for sel in self.equivalent for cid in scope_records(sel)}
        out.update({cid: "kill" for sel in self.kills for cid in scope_records(sel)})
        return out


def scope_records(selector: str) -> list[str]:
    """A scope entry's records: the exact record id when one exists, else what ``select`` names."""
    return [selector] if selector in load_all() else select(selector)


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith("checks") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
