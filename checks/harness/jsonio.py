"""The suite's one writer, and its JSON reader: every file a command produces goes through here.

Every ledger, baseline, audit, mutation, false-alarm, learning-curve, data and scaling table, counterexample,
report page and plot is written by :func:`write_json`, :func:`write_text`, :func:`write_bytes` or
:func:`write_together`:

* **atomic**: a temporary file in the target's folder, then ``os.replace`` — a reader (or a full disk, a
  Ctrl-C, a SIGKILL) sees the old file or the new one, never a part; a target that is a symlink is written through
  (the file it points to is replaced, the link kept);
* **of its own kind only**: an existing target must hold the same kind of file (:func:`file_kind`: a ledger, a
  baseline, a mutation table, a plot this suite drew, …); a file of another kind, or not the suite's at all, is
  refused with one line naming the file and what it holds (an empty file holds nothing and may be written);
* **locked** where two runs could write the same file (:func:`locked`, ``<file>.lock``, the lock the results store
  takes; ``checks.harness.schemas.update`` reads, validates, changes and writes under it; a wait says who holds
  the lock and how long it waits);
* **checked first**: :func:`check_writable` finds a folder that cannot be written, or a target of another kind,
  before a command starts its work.

Every failure is an :class:`OutputError` (a ``ValueError``) whose one line names the file.  :func:`read_json`
parses a file with the same care (missing, unreadable, malformed, nested too deeply: one line naming it).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

__all__ = [
    "COMPACT_LAYOUT",
    "KINDS",
    "LINE_WIDTH",
    "LOCK_TIMEOUT",
    "PLOT_MARK",
    "OutputError",
    "check_writable",
    "dumps",
    "file_kind",
    "finite_or_none",
    "json_kind",
    "jsonable",
    "locked",
    "new_run_id",
    "now",
    "read_json",
    "recording",
    "remove_own",
    "write_bytes",
    "write_json",
    "write_text",
    "write_together",
]

KINDS = {
    "ledger": "a claim ledger",
    "baseline": "a baseline",
    "mutation": "a mutation table (rnn-theorems mutate)",
    "false-alarms": "a false-alarm table (rnn-theorems false-alarms)",
    "audit": "an audit table (rnn-theorems audit)",
    "counterexample": "a counterexample",
    "data": "a data-set table (rnn-theorems data)",
    "learning-curves": "learning curves (rnn-theorems learning-curve)",
    "scaling": "a scaling table (rnn-theorems scaling)",
    "report-manifest": "the list of a report's files",
    "report-page": "a report page (rnn-theorems report)",
    "scaling-page": "a scaling page (rnn-theorems scaling)",
    "plot": "a plot drawn by rnn-theorems",
}
"""Every kind of file the suite writes, with what a message calls it."""

PLOT_MARK = ("Generator", "rnn-theorems")
"""The PNG text chunk (key, value) every plot of the suite carries: how a plot is told from a user's own figure."""
_PNG = b"\x89PNG\r\n\x1a\n"
_TEXT_MARKS = {
    "report-page": (b"# rnn-theorems report", b'<meta name="generator" content="rnn-theorems">'),
    "scaling-page": ("# Φ·κ̄ against L".encode(),),
}
_SNIFF_BYTES = 1 << 16
_RECORD_KINDS = {"ledger", "baseline", "records"}  # "records": a file with records but neither runs nor updated_at

LOCK_TIMEOUT = 120.0
"""Seconds a writer waits for a file's lock; a write holds it for well under a second, a run never holds it."""


class OutputError(ValueError):
    """A file cannot be written (or may not be): the message names it, on one line."""


def finite_or_none(x: float) -> float | None:
    """``x`` as a float, or ``None`` when it is not finite (JSON has no ``inf`` or ``nan``)."""
    return float(x) if math.isfinite(x) else None


def jsonable(x):
    """``json``'s ``default``: arrays as lists, a non-finite float as ``None``; anything else is a ``TypeError``."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    raise TypeError(f"not JSON-serializable: {type(x).__name__}")


# ------------------------------------------------------------------------------------------- kinds


def json_kind(data) -> str | None:
    """The kind of a JSON document the suite writes, told by its top-level fields (``None``: none of them).

    A file with ``records`` is a ledger when it lists ``runs``, a baseline when it carries ``updated_at``
    and no runs, and ``records`` (either: an old single-run ledger or a hand-made baseline) otherwise."""
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if "records" in keys:
        if "runs" in keys:
            return "ledger"
        return "baseline" if "updated_at" in keys else "records"
    if {"claim", "instance"} <= keys:
        return "counterexample"
    if "report_files" in keys:
        return "report-manifest"
    if {"rows", "scores"} <= keys:
        return "mutation"
    if {"config", "summary"} <= keys:
        return "learning-curves"
    if {"lengths", "cases"} <= keys:
        return "scaling"
    if {"rows", "rule"} <= keys or {"rows", "confidence"} <= keys:
        return "false-alarms"
    if {"name", "rows"} <= keys:
        return "data"
    if "rows" in keys:
        return "audit"
    return None


def file_kind(path: Path | str) -> str | None:
    """What the file at ``path`` holds: one of :data:`KINDS` (or ``records``), ``None`` when it is no file of the
    suite (a PNG without the suite's mark, text, JSON of another shape, binary data)."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    if head.startswith(_PNG):
        key, value = PLOT_MARK
        return "plot" if b"tEXt" + key.encode() + b"\0" + value.encode() in head else None
    for kind, marks in _TEXT_MARKS.items():
        if any(head.startswith(m) if m.startswith(b"#") else m in head for m in marks):
            return kind
    if not head.lstrip().startswith(b"{"):
        return None
    try:
        return json_kind(json.loads(path.read_bytes()))
    except (ValueError, RecursionError):
        return None


def _describe_kind(kind: str | None) -> str:
    if kind is None:
        return "no file rnn-theorems writes"
    return "records (a ledger or a baseline)" if kind == "records" else KINDS[kind]


def _compatible(found: str | None, kind: str | None) -> bool:
    if kind is None or found == kind:
        return True
    return kind in _RECORD_KINDS and found == "records"


_NAMES = {None: "file", "records": "ledger", "report-page": "report page", "scaling-page": "scaling page", "report-manifest": "report file list",
          "false-alarms": "false-alarm table", "learning-curves": "learning-curve table", "mutation": "mutation table", "audit": "audit table",
          "data": "data-set table", "scaling": "scaling table"}


def _name(kind: str | None, what: str | None) -> str:
    """What a message calls a file: ``what`` when the caller says, else a short name of its kind."""
    return what or _NAMES.get(kind, kind)


def _guard(path: Path, kind: str | None, what: str | None = None) -> None:
    """Refuse ``path`` unless it is absent, an empty regular file, or a regular file holding a file of ``kind``
    (never a device, a pipe or a socket: a rename would replace ``/dev/null`` itself)."""
    if path.is_dir():
        raise OutputError(f"{_name(kind, what)} {path} is a directory, not a file")
    if not path.exists():
        return
    if not path.is_file():
        raise OutputError(f"refusing to write {_name(kind, what)} {path}: it is not a regular file (a device, a pipe or a socket)")
    if kind is None:
        return
    try:
        if path.stat().st_size == 0:
            return
        found = file_kind(path)
    except OSError as e:
        raise OutputError(f"cannot read {path} to check what it holds before writing {_name(kind, what)}: {e.strerror or e}") from None
    if not _compatible(found, kind):
        raise OutputError(
            f"refusing to overwrite {path}: it holds {_describe_kind(found)}, not {_describe_kind(kind)}; "
            "pass another path or move the file away"
        )


# ------------------------------------------------------------------------------------------ writes

_RECORDERS: list[list[Path]] = []


@contextlib.contextmanager
def recording():
    """Collect the path of every file written inside the block (the report's manifest of its own files)."""
    written: list[Path] = []
    _RECORDERS.append(written)
    try:
        yield written
    finally:
        _RECORDERS.remove(written)


def write_json(path: Path | str, data, *, kind: str | None = None, what: str | None = None) -> None:
    """Write ``data`` as JSON to ``path``, atomically, over nothing but a file of the same kind.

    ``kind`` (one of :data:`KINDS`) defaults to what :func:`json_kind` reads from ``data``.  Non-finite
    numbers are written as ``null`` (JSON has none); an unserializable value raises before the file is touched.
    A kind in :data:`COMPACT_LAYOUT` (a baseline) is laid out compactly (:func:`dumps`)."""
    kind = kind if kind is not None else json_kind(data)
    text = dumps(data, expanded=COMPACT_LAYOUT.get(kind))
    write_together([(path, text.encode(), kind)], what=what)


COMPACT_LAYOUT = {"baseline": 3}
"""Kinds written in the compact layout of :func:`dumps`, with the depth from which values are written inline: a
baseline's top level, its ``records`` and each record's fields one per line, each field's value on one line (or, when
longer than :data:`LINE_WIDTH`, broken at its elements) — so a changed status or margin is a one-line diff."""
LINE_WIDTH = 120
"""Characters a compact line is filled to; a value is broken into lines only where it is longer."""


def dumps(data, *, expanded: int | None = None, width: int = LINE_WIDTH) -> str:
    """``data`` as the suite's JSON text: keys sorted, non-finite numbers ``null``, floats as their shortest
    round-trip repr (``json.loads`` gives back the same float, bit for bit), one member per line.

    ``expanded`` (the compact layout): containers shallower than this depth are written one member per line;
    deeper values are written inline when their line fits ``width``, else split at their members (a list of
    numbers filled ``width`` characters to a line).  The same data either way: only the whitespace differs."""
    data = _finite(data)
    if expanded is None:
        return json.dumps(data, indent=1, sort_keys=True, allow_nan=False, default=jsonable)
    return _layout(data, expanded, width, 0, 0)


def _inline(v) -> str:
    return json.dumps(v, sort_keys=True, allow_nan=False, default=jsonable, separators=(", ", ": "))


def _layout(v, expanded: int, width: int, depth: int, used: int) -> str:
    """``v`` at ``depth`` (one space of indent a level) on a line whose first ``used`` characters are taken."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if not isinstance(v, (dict, list, tuple)) or not v:
        return _inline(v)
    pad, inner = " " * depth, " " * (depth + 1)
    if depth >= expanded:
        flat = _inline(v)
        if used + len(flat) < width:  # with the comma that may follow it
            return flat
    if isinstance(v, dict):
        members = []
        for k in sorted(v):
            key = f"{inner}{json.dumps(k)}: "
            members.append(key + _layout(v[k], expanded, width, depth + 1, len(key)))
        return "{\n" + ",\n".join(members) + "\n" + pad + "}"
    if depth >= expanded and not any(isinstance(x, (dict, list, tuple)) for x in v):
        lines, line = [], ""
        for x in v:  # numbers (or strings) filled to the width
            item = _inline(x)
            if line and len(inner) + len(line) + len(item) + 3 > width:  # ", " before it, "," after it
                lines.append(line + ",")
                line = item
            else:
                line = f"{line}, {item}" if line else item
        lines.append(line)
        return "[\n" + "\n".join(inner + line for line in lines) + "\n" + pad + "]"
    return "[\n" + ",\n".join(inner + _layout(x, expanded, width, depth + 1, len(inner)) for x in v) + "\n" + pad + "]"


def write_text(path: Path | str, text: str, *, kind: str, what: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, over nothing but a file of ``kind``."""
    write_together([(path, text.encode(), kind)], what=what)


def write_bytes(path: Path | str, data: bytes, *, kind: str, what: str | None = None) -> None:
    """Write ``data`` to ``path`` atomically, over nothing but a file of ``kind``."""
    write_together([(path, data, kind)], what=what)


def write_together(items, *, what: str | None = None) -> None:
    """Write several files as one: every target is checked, every temporary file written and synced, and only
    then are they renamed into place — a full disk or an interrupt while writing leaves every target as it was.

    ``items``: ``(path, bytes, kind)`` triples.  Raises :class:`OutputError` naming the file."""
    staged: list[tuple[Path, str]] = []
    kinds: dict[Path, str | None] = {}
    try:
        for path, data, kind in items:
            path = Path(path)
            if path.is_symlink():  # write through the link: a rename onto it would replace the link, not its file
                path = Path(os.path.realpath(path))
            kinds[path] = kind
            if not path.name:
                raise OutputError(f"{_name(kind, what)}: empty file name")
            _guard(path, kind, what)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as e:
                raise OutputError(f"cannot write {_name(kind, what)} {path}: {e.strerror or e}") from None
            staged.append((path, tmp))
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, 0o644)  # mkstemp creates 0600; the suite's files are meant to be read by others
            except OSError as e:
                raise OutputError(f"cannot write {_name(kind, what)} {path}: {e.strerror or e}; the file is unchanged") from None
        for path, tmp in staged:
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise OutputError(f"cannot write {_name(kinds.get(path), what)} {path}: {e.strerror or e}") from None
            for written in _RECORDERS:
                written.append(path)
        staged = []
    finally:
        for _, tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _finite(x):
    """``x`` with every non-finite float replaced by ``None`` (the JSON the suite writes has no NaN or inf)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def remove_own(path: Path | str, kind: str) -> bool:
    """Delete ``path`` only if it holds a file of ``kind`` the suite wrote; ``True`` when it was removed."""
    path = Path(path)
    try:
        if path.is_file() and not path.is_symlink() and file_kind(path) == kind:
            path.unlink()
            return True
    except OSError:
        pass
    return False


def check_writable(path: Path | str, what: str = "file", *, kind: str | None = None) -> None:
    """Raise a one-line :class:`OutputError` naming ``path`` unless it can be written: an existing file there holds
    ``kind`` (when given), and its folder — or, where that does not exist yet, the nearest folder above it, in
    which the writer will create it — accepts a new file (probed by creating one).  Creates nothing that stays.
    Run before a long computation."""
    path = Path(path)
    if not path.name or str(path) in (".", ""):
        raise OutputError(f"{what}: empty path")
    _guard(path, kind, what)
    folder = path.parent
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {what} {path}: {_first_non_dir(path.parent)} is not a directory")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
    except OSError as e:
        raise OutputError(f"cannot write {what} {path}: folder {folder} is not writable ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def _first_non_dir(path: Path) -> Path:
    for p in [*reversed(path.parents), path]:
        if p.exists() and not p.is_dir():
            return p
    return path


# ------------------------------------------------------------------------------------------- locks


def _holder_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock.holder")


def _holder(path: Path) -> str:
    """Who holds ``path``'s lock, as a phrase: process, host, since when, the command (as its holder wrote it)."""
    try:
        h = json.loads(_holder_path(path).read_text())
        since = h.get("since", "?")
        alive = ""
        if h.get("host") == socket.gethostname() and isinstance(h.get("pid"), int):
            try:
                os.kill(h["pid"], 0)
            except ProcessLookupError:
                alive = ", a process that has exited"
            except PermissionError:
                pass
        command = f" ({h['command'][:120]})" if h.get("command") else ""
        return f"process {h.get('pid', '?')} on {h.get('host', '?')}{alive} since {since}{command}"
    except (OSError, ValueError, TypeError, AttributeError):
        return "another process (it has not said which)"


@contextlib.contextmanager
def locked(path: Path | str, what: str = "file", *, timeout: float = LOCK_TIMEOUT):
    """Hold ``<path>.lock`` (``filelock``) for the block: one writer of ``path`` at a time.

    A lock held by another process is announced on stderr — who holds it (process, host, since when, its
    command) and how long this one will wait — and a wait past ``timeout`` seconds is an :class:`OutputError`
    naming the holder."""
    from filelock import FileLock, Timeout

    path = Path(path)
    lock_path = path.with_name(path.name + ".lock")
    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            started = time.monotonic()
            print(f"{what} {path} is locked by {_holder(path)}; waiting up to {timeout:g} s for it", file=sys.stderr, flush=True)
            try:
                lock.acquire(timeout=timeout)
            except Timeout:
                raise OutputError(
                    f"{what} {path}: lock {lock_path} held by {_holder(path)} for over {timeout:g} s; nothing was written"
                ) from None
            print(f"{what} {path}: lock taken after {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    except OSError as e:
        raise OutputError(f"{what} {path}: cannot create the lock file {lock_path} ({e.strerror or e})") from None
    holder = _holder_path(path)
    try:
        with contextlib.suppress(OSError):
            holder.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now(), "command": " ".join(sys.argv)}))
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        lock.release()


# ------------------------------------------------------------------------------------------- reads


class _NonFinite(ValueError):
    pass


def _check_finite(value, field: str):
    if isinstance(value, float) and not math.isfinite(value):
        raise _NonFinite(f"field {field!r} is {value}: not a finite number (the suite writes null where a value is not finite)")
    if isinstance(value, list):
        for v in value:
            _check_finite(v, field)


def _finite_pairs(pairs):
    """``object_pairs_hook``: a ``NaN``, ``Infinity`` or overflowing number (``1e400``) is refused, naming its field."""
    for key, value in pairs:
        _check_finite(value, key)
    return dict(pairs)


def read_json(path: Path | str, what: str = "ledger"):
    """Parse a JSON file; a missing, unreadable, malformed or too deeply nested file, or one with ``NaN`` or
    ``Infinity`` (which JSON does not have), is a one-line error naming it."""
    path = Path(path)
    if not str(path) or str(path) == ".":
        raise ValueError(f"{what}: empty path")
    if path.exists() and not path.is_dir() and not path.is_file():  # /dev/zero would never end, a pipe never open
        raise ValueError(f"{what} {path} is not a regular file (a device, a pipe or a socket)")
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
    except OSError as e:
        raise ValueError(f"{what} {path} cannot be read: {e.strerror or e}") from None
    try:
        data = json.loads(text, object_pairs_hook=_finite_pairs)
        _check_finite(data, "(top level)")
        return data
    except json.JSONDecodeError as e:
        raise ValueError(f"{what} {path} is not valid JSON: {e} (truncated or edited by hand?)") from None
    except _NonFinite as e:
        raise ValueError(f"{what} {path}: {e}") from None
    except RecursionError:
        raise ValueError(f"{what} {path} is nested too deeply to be a file the suite wrote") from None


def now() -> str:
    """The current time, UTC, ISO 8601 to the millisecond (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """A run id: start time, host and process (unique across concurrent runs)."""
    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}-{socket.gethostname()}-{os.getpid()}"
