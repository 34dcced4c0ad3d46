"""Work done once: a disk cache of costly, deterministic experiment results, shared by processes.

C7's trained networks (read by C7 and by its links C7-radius and C7-linearization) and C11's learning curves (read
by both C11 records) are computed once per content and code, even when the records run in different pytest-xdist
workers or dask tasks: :func:`cached` keys a result by a hash of

* the experiment's content (the caller's JSON-able ``content``: the arguments that determine the result),
* the code version (a hash of every ``checks/**/*.py`` source: any edit of the package misses the cache),
* what else moves a result's last bits: the torch, numpy and numba versions and torch's thread count,

and stores it under ``results/cache/<kind>-<hash>.json`` (``RNN_THEOREMS_CACHE_DIR`` moves it; ``off`` disables it),
written atomically (a temporary file in the same folder, then ``os.replace``) under a per-key file lock, so a second
process waits for the first instead of computing the same result.  A folder that cannot be used (the variable naming
a file, a read-only folder) costs the reuse only: the result is computed as without a cache, with a warning.

A cache never changes a result: a computed value is stored as JSON and the value returned is always the JSON read
back (computed or not), so a record is the same with and without the cache (``tests/test_cache.py`` compares them).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_dir", "cached", "code_version", "suspended"]

CACHE_ENV = "RNN_THEOREMS_CACHE_DIR"
"""Environment variable naming the cache folder (default ``results/cache`` under the working directory); ``off``
disables the cache.  Child processes (xdist workers, dask workers) inherit it."""

LOCK_TIMEOUT = 6 * 3600
"""Seconds a process waits for another that is computing the same result (a thorough C11 grid takes ≤ 30 min)."""


@lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 of every ``checks/**/*.py`` file (path and content), in path order: the code that computed a result."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_SUSPENDED = [0]


@contextmanager
def suspended():
    """Neither read nor write the cache inside the block: a mutant is applied (``checks.harness.patching``), so the
    code computing a result is not the code the key names."""
    _SUSPENDED[0] += 1
    try:
        yield
    finally:
        _SUSPENDED[0] -= 1


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when ``RNN_THEOREMS_CACHE_DIR=off`` or the cache is :func:`suspended`."""
    if _SUSPENDED[0]:
        return None
    value = os.environ.get(CACHE_ENV, "")
    if value.strip().lower() == "off":
        return None
    return Path(value) if value.strip() else Path("results") / "cache"


def _environment() -> dict:
    import numpy
    import torch

    try:
        import numba

        numba_version = numba.__version__
    except ImportError:
        numba_version = None
    return {"torch": torch.__version__, "numpy": numpy.__version__, "numba": numba_version, "threads": torch.get_num_threads()}


def _round_trip(value):
    return json.loads(json.dumps(value))


def cached(kind: str, content, compute: Callable[[], object]):
    """``compute()`` (a JSON-able result determined by ``content`` and the code), computed once per key and shared
    through the cache folder; the value returned is the JSON round trip of the result, cached or not."""
    folder = cache_dir()
    if folder is None:
        return _round_trip(compute())
    key = json.dumps({"kind": kind, "content": content, "code": code_version(), "env": _environment()}, sort_keys=True)
    path = folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"
    found = _read(path, key)
    if found is not None:
        return found[0]
    from filelock import FileLock

    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)
        lock.acquire()
    except OSError as e:  # a file, a device or a read-only folder: a cache must never turn a result into an error
        warnings.warn(f"{CACHE_ENV}: cannot use the cache folder {folder} ({e.strerror or e}); computing without the "
                      f"cache (set {CACHE_ENV} to a writable folder, or to 'off')", stacklevel=2)
        return _round_trip(compute())
    try:
        found = _read(path, key)  # another process may have written it while this one waited
        if found is not None:
            return found[0]
        value = _round_trip(compute())
        try:
            _write_atomic(path, {"key": key, "value": value})
        except OSError as e:  # the result stands; only its copy is lost
            warnings.warn(f"{CACHE_ENV}: cannot write {path} ({e.strerror or e}); the result is not cached", stacklevel=2)
    finally:
        lock.release()
    return value


def _read(path: Path, key: str):
    """``(value,)`` when ``path`` holds the result of ``key``; ``None`` when absent, unreadable or of another key."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or "value" not in data:
        return None
    return (data["value"],)


def _write_atomic(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the cache from another user of the checkout
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
