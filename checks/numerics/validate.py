"""Argument checks of the mathematics, in one place: every bad input is a one-line ``ValueError``.

The mathematics (``rnn``, ``ntk``, ``bounds``, ``train``, ``series``, ``targets``) validates its
arguments here, before it computes anything, so a bad call changes nothing and says what is wrong
(docs/claims.md, setting (S)).  The rules:

* **Integers** (widths, lengths, steps, seeds): Python or NumPy integers; ``bool`` is refused
  although it is an ``int`` subclass (``True`` as a width is a bug, not a 1).
* **Reals** (``δ``, step sizes): Python or NumPy reals, finite unless stated, in a stated range.
* **Arrays** (samples ``X``, kernels ``H``, labels ``y``): a torch tensor or NumPy array of a
  float32 or float64 dtype, or a (nested) Python list/tuple of ints or floats (or one such
  number, Python or NumPy), which becomes float64 exactly as a NumPy float array would.
  Integer, bool, complex, float16 and bfloat16 dtypes are refused on every path, naming the
  dtype: integers and bools are almost always a construction mistake, complex values would
  lose their imaginary part, and half precision has neither the range nor the precision the
  kernels need (``torch.cdist`` does not even run in it).
* **Samples** ``X (n, L, d)``: the array rules, ``n, L, d ≥ 1``, finite entries, and entries small
  enough that the kernels' sums of squares ``Σ_l ‖X_l‖²`` stay representable (:func:`sample`).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch

__all__ = [
    "FLOAT_DTYPES",
    "SQUARE_HEADROOM",
    "array",
    "check_square_sums",
    "flag",
    "float_dtype",
    "integer",
    "is_integer",
    "real",
    "sample",
]

FLOAT_DTYPES = (torch.float32, torch.float64)
"""The floating dtypes the mathematics computes in: float64 for the checks, float32 for speed
(benchmarks, large empirical NTKs, training).  Half precision is refused (see the module text)."""

SQUARE_HEADROOM = 64
"""Factor kept free below the dtype's maximum by :func:`check_square_sums`: the kernels add a
handful of terms of the size of ``L Σ_l ‖X_l‖²`` (``G + N_l + N_{l−1}``, ``2 T + Q``) and the
finite-width NTK fluctuates around its limit; 64 = 2⁶ covers those sums with room to spare."""


def is_integer(value) -> bool:
    """True for a Python or NumPy integer that is not a ``bool`` (the one test every integer check uses)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def integer(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python ``int`` after checking it is an integer (not ``bool``) in ``[minimum, maximum]``.

    Raises ``ValueError`` naming ``name``, e.g. ``m must be an integer >= 1, got 2.5``.
    """
    ok = is_integer(value) and (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    if not ok:
        if minimum is not None and maximum is not None:
            what = f"an integer in {minimum}..{maximum}"
        elif minimum is not None:
            what = f"an integer >= {minimum}"
        elif maximum is not None:
            what = f"an integer <= {maximum}"
        else:
            what = "an integer"
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def real(
    name: str,
    value,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    finite: bool = True,
) -> float:
    """``value`` as a Python ``float`` after checking it is a real number (not ``bool``) in the stated range.

    ``above``/``below`` are strict bounds, ``at_least``/``at_most`` inclusive; NaN is always
    refused, ``±inf`` unless ``finite=False``; a 0-d float32/float64 tensor counts as a real.
    Raises ``ValueError`` naming ``name``.
    """
    if torch.is_tensor(value) and value.ndim == 0 and value.dtype in FLOAT_DTYPES:
        value = float(value)  # a 0-d float tensor is a real number too
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if ok:
        x = float(value)
        ok = not math.isnan(x) and (math.isfinite(x) or not finite)
        ok = ok and (above is None or x > above) and (at_least is None or x >= at_least)
        ok = ok and (below is None or x < below) and (at_most is None or x <= at_most)
    if not ok:
        raise ValueError(f"{name} must be a {_range_text(above, at_least, below, at_most, finite)}, got {value!r}")
    return x


def _range_text(above, at_least, below, at_most, finite: bool) -> str:
    kind = "finite number" if finite else "number (not NaN)"
    if above == 0 and at_least is None and below is None and at_most is None:
        return f"positive {kind}"
    low = f"({above}" if above is not None else f"[{at_least}" if at_least is not None else "(-inf"
    high = f"{below})" if below is not None else f"{at_most}]" if at_most is not None else "inf)"
    return kind if low == "(-inf" and high == "inf)" else f"{kind} in {low}, {high}"


def flag(name: str, value) -> bool:
    """``value`` as a ``bool`` after checking it is one (Python or NumPy); ``"no"`` or ``0`` is refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def float_dtype(name: str, dtype) -> torch.dtype:
    """Check that ``dtype`` is one of :data:`FLOAT_DTYPES` (``torch.float32`` or ``torch.float64``)."""
    if dtype not in FLOAT_DTYPES:
        raise ValueError(
            f"{name} must be torch.float32 or torch.float64, got {dtype!r} "
            f"(integer, complex and half-precision dtypes are not supported)"
        )
    return dtype


def array(name: str, value, *, dtype: torch.dtype | None = None, device=None, finite: bool = True) -> torch.Tensor:
    """A tensor from ``value`` under the array rules of this module (float32/float64 only; lists → float64).

    ``dtype``/``device`` convert the result (``dtype`` itself must be float32 or float64);
    ``finite`` also refuses NaN and infinite entries (checked before the conversion, and after it
    when it narrows float64 to float32).  The input is never modified; the result shares its
    memory when no conversion is needed.
    """
    if dtype is not None:
        float_dtype(f"the dtype asked for {name}", dtype)
    if torch.is_tensor(value):
        t = value
        if t.dtype not in FLOAT_DTYPES:
            raise ValueError(
                f"{name} has dtype {t.dtype}; it must be torch.float32 or torch.float64 "
                f"(integer, bool, complex and half-precision tensors are not supported)"
            )
    elif isinstance(value, np.ndarray):
        if value.dtype not in (np.float32, np.float64):
            raise ValueError(
                f"{name} has dtype numpy.{value.dtype}; it must be float32 or float64 "
                f"(integer, bool, complex and half-precision arrays are not supported)"
            )
        t = torch.as_tensor(value)
    elif isinstance(value, (list, tuple)) or (isinstance(value, numbers.Real) and not isinstance(value, bool)):
        try:
            a = np.asarray(value)
        except ValueError as err:  # ragged nesting
            raise ValueError(f"{name} is not a rectangular nested list of numbers ({err})") from None
        if a.dtype.kind not in "iuf" or a.dtype == np.float16:
            what = {"b": "bools", "c": "complex numbers"}.get(a.dtype.kind, f"entries of type {a.dtype}")
            raise ValueError(f"{name} is a list of {what}; it must hold ints or floats")
        t = torch.as_tensor(a.astype(np.float64))
    else:
        kind = type(value).__name__
        raise ValueError(f"{name} must be a tensor, a NumPy array or a nested list of numbers, got {kind}")
    if finite and not bool(torch.isfinite(t).all()):
        bad = tuple((~torch.isfinite(t)).nonzero()[0].tolist())
        raise ValueError(f"{name} has a NaN or infinite entry (first at index {bad})")
    out = t.to(dtype=dtype or t.dtype, device=device if device is not None else t.device)
    if finite and out.dtype != t.dtype and not bool(torch.isfinite(out).all()):
        amax = float(t.abs().max())
        raise ValueError(f"{name} has entries beyond the range of {out.dtype} (largest |entry| {amax:.3e})")
    return out


def check_square_sums(name: str, X: torch.Tensor, *, dtype: torch.dtype | None = None) -> None:
    """Refuse a sample ``X (n, L, d)`` whose kernels would overflow ``dtype`` (default: ``X``'s dtype).

    Both NTKs are built from the prefix sums ``Q_l(x, x) = Σ_{k≤l} ‖X_k‖²`` (docs/claims.md S), and
    ``H∞(x, x) = ½ Σ_{l<L} Q_l(x, x) ≤ (L/2) Σ_l ‖X_l‖²``; so the rule is
    ``L · max_i Σ_l ‖X_l^{(i)}‖² ≤ finfo(dtype).max / SQUARE_HEADROOM``.  Evaluated without
    overflow (entries divided by the largest one first); the message names the largest entry
    and the limit.
    """
    dtype = X.dtype if dtype is None else dtype
    n, L, d = X.shape
    limit = float(torch.finfo(dtype).max) / SQUARE_HEADROOM
    amax = float(X.abs().max())
    if amax == 0 or amax <= math.sqrt(limit / (L * L * d)):  # every entry ≤ amax bounds the sum by L·d·amax²
        return
    worst = float(((X.to(torch.float64) / amax) ** 2).sum(dim=(1, 2)).max())  # ≤ L·d: no overflow
    if amax * math.sqrt(L * worst) > math.sqrt(limit):
        raise ValueError(
            f"{name} has entries too large for {dtype}: largest |entry| = {amax:.3e}; the sums of squares the "
            f"kernels and losses form need L·max_i Σ_l ‖X_l‖² ≤ {limit:.3e} ({dtype} max / {SQUARE_HEADROOM}); "
            f"entries ≤ {math.sqrt(limit / (L * L * d)):.3e} always fit at this shape"
        )


def sample(X, d: int | None = None, *, dtype=None, device=None, name: str = "X") -> torch.Tensor:
    """Validate a sample of sequences: a finite float array of shape ``(n, L, d)`` with ``n, L, d ≥ 1``.

    The array rules of :func:`array` (float32/float64; lists → float64), the input dimension
    ``d`` when given, and :func:`check_square_sums` in the dtype computed in (``dtype``, else
    ``X``'s).  Raises ``ValueError`` that says what is wrong; returns a tensor in ``dtype`` on
    ``device`` (copy-free when possible; the input is never modified).  Re-exported as
    ``checks.model.rnn.as_sample``.
    """
    t = array(name, X, finite=False)
    if t.ndim != 3:
        raise ValueError(f"{name} must have shape (n, L, d), got shape {tuple(t.shape)}")
    n, L, dd = t.shape
    if n < 1:
        raise ValueError(f"{name} is an empty sample (n = 0 sequences)")
    if L < 1:
        raise ValueError(f"{name} has sequence length L = {L}; need L >= 1")
    if dd < 1:
        raise ValueError(f"{name} has input dimension d = {dd}; need d >= 1")
    if d is not None and dd != d:
        raise ValueError(f"{name} has input dimension d = {dd} but the parameters expect d = {d}")
    target = float_dtype(f"the dtype asked for {name}", dtype or t.dtype)
    if not bool(torch.isfinite(t).all()):
        bad = tuple((~torch.isfinite(t)).nonzero()[0].tolist())
        raise ValueError(f"{name} has a NaN or infinite entry (first at index {bad})")
    check_square_sums(name, t, dtype=target)
    return t.to(dtype=target, device=device if device is not None else t.device)
