"""The mutation mechanism: a :class:`Mutant` replaces one library object with a wrong version while a
``with mutant.applied():`` block runs (the catalog of mutants is :mod:`checks.harness.mutants`).

The replacement is bound in every ``checks.*`` module that imported the original (claim modules
import functions by name), and every ``functools.lru_cache`` of the package is cleared on entry
and exit, and the disk cache of ``checks.experiments.cache`` is neither read nor written while it is applied, so no
result computed by the correct code leaks into a mutated run.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from checks.claims import select
from checks.experiments.cache import suspended as cache_suspended

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

    def __post_init__(self):
        if isinstance(self.kills, str) or not isinstance(self.equivalent, dict):
            raise TypeError(f"mutant {self.id}: kills must be a tuple of selectors, equivalent a dict selector → reason")

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
            with cache_suspended():  # nor any result on disk (checks.experiments.cache)
                yield self
        finally:
            for m, name in patched:
                setattr(m, name, original)
            _clear_caches()

    def scope(self) -> dict[str, str]:
        """Record id → ``"kill"`` or ``"equivalent"`` for every record this mutant concerns.

        Scope entries are selectors read by the rule of every command's ``--claims``
        (``checks.claims.select``): ``"C3"`` is the family, ``"=C9"`` the record C9 alone, ``"C9b"`` every
        ``C9b-…`` record.  A selector that names nothing, or a record both killed and equivalent, is a
        ``ValueError``."""
        kills = {cid for sel in self.kills for cid in scope_records(sel)}
        equivalent = {cid for sel in self.equivalent for cid in scope_records(sel)}
        if kills & equivalent:
            raise ValueError(f"mutant {self.id}: {', '.join(sorted(kills & equivalent))} both killed and equivalent")
        return {**{cid: "equivalent" for cid in equivalent}, **{cid: "kill" for cid in kills}}


def scope_records(selector: str) -> list[str]:
    """A scope entry's records, by the ``--claims`` rule (``checks.claims.select``; ``ValueError`` if none)."""
    return select(selector)


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith("checks") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()
