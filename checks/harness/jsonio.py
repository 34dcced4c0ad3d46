"""JSON files at the suite's edges: atomic writes, reads whose errors name the file, write checks, time stamps.

Every ledger, baseline, audit table, mutation table and counterexample goes through :func:`write_json`
(temporary file + ``os.replace``: a reader sees the old file or the new one) and :func:`read_json`.
"""

from __future__ import annotations

import json
import math
import os
import socket
import tempfile
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["check_writable", "finite_or_none", "new_run_id", "now", "read_json", "write_json"]


def finite_or_none(x: float) -> float | None:
    """``x`` as a float, or ``None`` when it is not finite (JSON has no ``inf`` or ``nan``)."""
    return float(x) if math.isfinite(x) else None


def write_json(path: Path | str, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically: a reader sees the old file or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True, allow_nan=False, default=_jsonable)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a ledger is meant to be read by others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _jsonable(x):
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    raise TypeError(f"not JSON-serializable: {type(x).__name__}")


def read_json(path: Path | str, what: str = "ledger"):
    """Parse a JSON file; a missing, unreadable or malformed file is a one-line error naming it."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        hint = ": run `rnn-theorems verify` (or pytest theorems/) first" if what == "ledger" else ""
        raise FileNotFoundError(f"no {what} at {path}{hint}") from None
    except IsADirectoryError:
        raise ValueError(f"{what} {path} is a directory, not a JSON file") from None
    except PermissionError:
        raise ValueError(f"{what} {path} is not readable (permission denied)") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"{what} {path} is not a text file: {e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} {path} is not valid JSON: {e} (truncated or edited by hand?)") from None


def check_writable(path: Path | str, what: str = "file") -> None:
    """Raise a one-line ``ValueError`` naming ``path`` unless it can be written (atomically: by creating a
    file beside it).  Creates the parent folder if needed.  Run before a long computation."""
    path = Path(path)
    parent = path.parent
    if path.is_dir():
        raise ValueError(f"{what} {path} is a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ValueError(f"cannot write {what} {path}: {_first_non_dir(parent)} is not a directory") from None
    except OSError as e:
        raise ValueError(f"cannot create the folder {parent} for {what} {path}: {e.strerror or e}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=parent)
    except OSError as e:
        raise ValueError(f"cannot write {what} {path}: folder {parent} is not writable ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def _first_non_dir(path: Path) -> Path:
    for p in [*reversed(path.parents), path]:
        if p.exists() and not p.is_dir():
            return p
    return path


def now() -> str:
    """The current time, UTC, ISO 8601 to the millisecond (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """A run id: start time, host and process (unique across concurrent runs)."""
    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}-{socket.gethostname()}-{os.getpid()}"
