"""Real data sets for the data-set claims (C3, C7, C7-labels): sequences nobody here generated.

Every data set is shipped inside a package wheel, so nothing is downloaded at run time:

- ``digits`` comes with scikit-learn (a core dependency, tested in CI): the 8 × 8 images of
  handwritten digits read row by row, ``L = 8`` steps of ``d = 8`` pixels.
- ``italy_power``, ``gunpoint``, ``basic_motions``, ``japanese_vowels`` are the UCR/UEA series
  bundled in the ``aeon`` wheel, an OPTIONAL extra: ``pip install -e '.[data]'``.  Without it
  they are listed as not installed and :func:`load` says how to install them.

:func:`load` returns ``(X, y)``: ``X`` float64 ``(n, L, d)``, ``y`` float64 binary labels ``±1``
(so ``|y| ≤ 1``, A5).  Each data set goes through the same preparation (:func:`prepare`):

1. **Time** (only where stated in the record): long series are averaged over non-overlapping
   windows (GunPoint 150 → 25 steps, BasicMotions 100 → 20) because the trained network costs
   ``O(n L m²)`` per step and its A4 step needs the ``(nL) × (nL)`` Gram of the empirical NTK;
   unequal lengths (JapaneseVowels, 7 … 29 steps) are linearly resampled to a common length.
2. **Normalization**: every input channel is centered over all sequences and all steps (one
   mean per channel, shared by the steps, so the time profile is kept), then scaled to unit
   variance, per channel where the channels have different units (BasicMotions: accelerometer
   and gyroscope; JapaneseVowels: cepstrum coefficients of decreasing size) or by one common
   scale where they share one (digits' pixels: a per-channel scale would turn a rarely inked
   edge pixel into z-scores of tens).  Reason: ``H∞`` is 2-homogeneous (``H∞(cX) = c² H∞(X)``),
   so ``yᵀH⁻¹y · tr H`` and the bound do not depend on a global scale, but raw features that sit
   on a constant background (the zero pixels of digits, positive power readings) make the steps
   nearly parallel and can make ``X_1`` all zero; centering removes that.  The channels are then
   divided by ``√d`` so that the mean of ``‖X_l‖²`` is 1 for every data set (A2 with a common
   ``R``; ``κ̄`` comparable across data sets).
3. **Bias channel for univariate series** (``d = 1``): a constant channel 1 is appended before
   the ``√d`` scaling.  Reason: in one dimension every two inputs are parallel, so A3's
   "pairwise non-parallel at some step" can never hold; with the constant channel two inputs
   ``(x, 1)``, ``(x', 1)`` are parallel only when ``x = x'``, and ``X_1 ≠ 0`` always.
4. **A3** (:func:`enforce_a3`): sequences whose first step is zero are dropped; exact
   duplicates and near duplicates (whole sequences at ``1 − cos ≤ NEAR_DUPLICATE_GAP``, which
   includes positive multiples: ``H∞`` has parallel rows for ``x`` and ``c x``) are dropped,
   keeping the first; the counts are reported, and so is A3's second part (a step ``l ≥ 2``
   whose inputs are pairwise non-parallel), which is not enforced: it is sufficient for
   ``λ_0 > 0``, not necessary, and ``checks.experiments.real_data`` records ``λ_0`` on every sample.

The normalization statistics are computed on the whole pool of a data set (all its sequences,
both of the source's splits): they use no labels, and the train/test split is drawn afterwards.

The experiment on these sequences (C3, C7, C7-labels per training-set size) is ``checks.experiments.real_data``.

Layer rule: this module imports only the mathematics (``checks.model.rnn``, ``checks.model.ntk``,
``checks.theory.bounds``, ``checks.model.train``, ``checks.numerics.constants``).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from checks.theory.assumptions import a3_step

__all__ = [
    "DATASETS",
    "DATA_EXTRA_HINT",
    "NAME",
    "NEAR_DUPLICATE_GAP",
    "DataSet",
    "available",
    "describe",
    "enforce_a3",
    "format_list",
    "list_datasets",
    "load",
    "prepare",
    "data_set",
    "prepared_pool",
]

NEAR_DUPLICATE_GAP = 1e-8
"""Two whole sequences (flattened, after normalization) are near duplicates when
``1 − cos ≤ 1e-8``.  Reason: such a pair gives ``H∞`` an eigenvalue of order ``(1 − cos) · κ̄``
or smaller, while ``solve_psd`` needs ``λ_min > n · eps · λ_max`` with ``λ_max ≤ n κ̄``, i.e.
``λ_min / κ̄ ≳ n² eps ≈ 2e-10`` at ``n = 1000``; 1e-8 keeps a factor 50 above that.  The
shipped data sets have their closest pair at ``1 − cos ≥ 2.8e-4`` (measured), so nothing is
dropped by this rule today: it guards against duplicates, it is not tuned."""

NAME = re.compile(r"[a-z][a-z0-9_]*")
"""A data set's name: lowercase letters, digits and ``_``, so that it maps one to one onto a record-id segment
(:attr:`DataSet.segment`); any other name is refused when the catalog is built."""

DATA_EXTRA_HINT = "pip install -e '.[data]'"
"""How to install the optional data sets (the ``data`` extra pulls in ``aeon``)."""


@dataclass(frozen=True)
class DataSet:
    """One registered data set: where it comes from and how it is turned into ``(X, y)``.

    ``L``, ``d`` are the shape after preparation (bias channel included); ``n_raw`` the number
    of sequences the source ships (both of its splits); ``module`` the import that must succeed.
    """

    name: str
    source: str
    module: str
    loader: str
    description: str
    n_raw: int
    L: int
    d: int
    label_rule: str
    time_rule: str
    scale: str
    extra: str | None
    _read: Callable[[], tuple[list[np.ndarray], np.ndarray]] = field(repr=False, compare=False)
    _label: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    _time: Callable[[list[np.ndarray]], np.ndarray] = field(repr=False, compare=False)

    def __post_init__(self):
        if not NAME.fullmatch(self.name):
            raise ValueError(f"data set name {self.name!r} cannot name claim records: use lowercase letters, digits and '_' "
                             f"(a '_' reads '-' in the record ids, {NAME.pattern})")

    @property
    def segment(self) -> str:
        """The name as it appears in the data set's record ids (``C7-data-<segment>``): ``_`` becomes ``-``, the one
        character a name may hold that an id may not (``italy_power`` → ``C7-data-italy-power``); ``data --list``
        shows it, and each record's instance keeps the name itself."""
        return self.name.replace("_", "-")

    @property
    def installed(self) -> bool:
        """Whether the source package can be imported here (the data set is loadable now)."""
        return importlib.util.find_spec(self.module) is not None

    @property
    def install_hint(self) -> str | None:
        """The command that makes the data set available, or None when it comes with the core install."""
        return DATA_EXTRA_HINT if self.extra else None

    def record(self) -> dict:
        """The registry entry as a plain JSON-able dict (no loading)."""
        return {
            "name": self.name,
            "segment": self.segment,
            "source": self.source,
            "loader": self.loader,
            "description": self.description,
            "n_raw": self.n_raw,
            "L": self.L,
            "d": self.d,
            "label_rule": self.label_rule,
            "time_rule": self.time_rule,
            "scale": self.scale,
            "extra": self.extra,
            "installed": self.installed,
            "install_hint": None if self.installed else self.install_hint,
        }


# --- readers: each returns (list of (L_i, d_raw) float64 arrays, raw labels) -------------------------


def _read_digits() -> tuple[list[np.ndarray], np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.asarray(bunch.images, dtype=np.float64)  # (1797, 8, 8): row r is step r, its 8 pixels the input
    return list(images), np.asarray(bunch.target)


def _aeon_reader(function: str) -> Callable[[], tuple[list[np.ndarray], np.ndarray]]:
    def read() -> tuple[list[np.ndarray], np.ndarray]:
        try:
            datasets = importlib.import_module("aeon.datasets")
        except ImportError as err:
            raise ImportError(f"this data set needs aeon: {DATA_EXTRA_HINT} ({err})") from err
        load_split = getattr(datasets, function)
        series, labels = [], []
        for split in ("train", "test"):  # one pool: the split is drawn here, not the source's
            X, y = load_split(split=split)
            # aeon's collections are (n, channels, length), or a list of (channels, length_i)
            series.extend(np.asarray(x, dtype=np.float64).T for x in X)
            labels.append(np.asarray(y))
        return series, np.concatenate(labels)

    return read


def _stack(series: list[np.ndarray]) -> np.ndarray:
    lengths = {s.shape[0] for s in series}
    if len(lengths) != 1:
        raise ValueError(f"unequal sequence lengths {sorted(lengths)[:5]}…: this data set needs a time rule")
    return np.stack(series)


def _window_mean(width: int) -> Callable[[list[np.ndarray]], np.ndarray]:
    def apply(series: list[np.ndarray]) -> np.ndarray:
        X = _stack(series)
        n, L, d = X.shape
        if L % width:
            raise ValueError(f"length {L} is not a multiple of the window {width}")
        return X.reshape(n, L // width, width, d).mean(axis=2)

    return apply


def _resample(length: int) -> Callable[[list[np.ndarray]], np.ndarray]:
    def apply(series: list[np.ndarray]) -> np.ndarray:
        out = np.empty((len(series), length, series[0].shape[1]), dtype=np.float64)
        target = np.linspace(0.0, 1.0, length)
        for i, s in enumerate(series):
            source = np.linspace(0.0, 1.0, s.shape[0])
            for k in range(s.shape[1]):
                out[i, :, k] = np.interp(target, source, s[:, k])
        return out

    return apply


def _binary(positive: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda raw: np.where(positive(raw), 1.0, -1.0)


def _registry() -> dict[str, DataSet]:
    aeon_extra = "data"
    sets = [
        DataSet(
            name="digits",
            source="scikit-learn",
            module="sklearn",
            loader="sklearn.datasets.load_digits",
            description="8×8 images of handwritten digits (UCI optical recognition), read row by row",
            n_raw=1797,
            L=8,
            d=8,
            label_rule="digit < 5 → +1, digit ≥ 5 → −1",
            time_rule="none: step l is image row l (8 pixels)",
            scale="common",
            extra=None,
            _read=_read_digits,
            _label=_binary(lambda t: t.astype(int) < 5),
            _time=_stack,
        ),
        DataSet(
            name="italy_power",
            source="aeon",
            module="aeon",
            loader="aeon.datasets.load_italy_power_demand (train + test)",
            description="ItalyPowerDemand: 24 hourly electricity demand readings of one day",
            n_raw=1096,
            L=24,
            d=2,
            label_rule="class 1 (October–March) → +1, class 2 (April–September) → −1",
            time_rule="none (24 hourly steps); bias channel appended (univariate)",
            scale="per-channel",
            extra=aeon_extra,
            _read=_aeon_reader("load_italy_power_demand"),
            _label=_binary(lambda c: c.astype(str) == "1"),
            _time=_stack,
        ),
        DataSet(
            name="gunpoint",
            source="aeon",
            module="aeon",
            loader="aeon.datasets.load_gunpoint (train + test)",
            description="GunPoint: x-coordinate of a hand drawing a gun or pointing, 150 frames",
            n_raw=200,
            L=25,
            d=2,
            label_rule="class 1 (gun) → +1, class 2 (point) → −1",
            time_rule="150 frames averaged over windows of 6 → L = 25 (cost); bias channel appended (univariate)",
            scale="per-channel",
            extra=aeon_extra,
            _read=_aeon_reader("load_gunpoint"),
            _label=_binary(lambda c: c.astype(str) == "1"),
            _time=_window_mean(6),
        ),
        DataSet(
            name="basic_motions",
            source="aeon",
            module="aeon",
            loader="aeon.datasets.load_basic_motions (train + test)",
            description="BasicMotions: 3-axis accelerometer and gyroscope of a smart watch, 100 steps at 10 Hz",
            n_raw=80,
            L=20,
            d=6,
            label_rule="badminton or running → +1, standing or walking → −1",
            time_rule="100 steps averaged over windows of 5 → L = 20 (cost)",
            scale="per-channel",
            extra=aeon_extra,
            _read=_aeon_reader("load_basic_motions"),
            _label=_binary(lambda c: np.isin(c.astype(str), ["badminton", "running"])),
            _time=_window_mean(5),
        ),
        DataSet(
            name="japanese_vowels",
            source="aeon",
            module="aeon",
            loader="aeon.datasets.load_japanese_vowels (train + test)",
            description="JapaneseVowels: 12 LPC cepstrum coefficients of an uttered vowel, 7–29 frames",
            n_raw=640,
            L=16,
            d=12,
            label_rule="speaker 1–4 → +1, speaker 5–9 → −1",
            time_rule="unequal lengths (7–29) linearly resampled to L = 16 (about the median length, 15)",
            scale="per-channel",
            extra=aeon_extra,
            _read=_aeon_reader("load_japanese_vowels"),
            _label=_binary(lambda c: c.astype(int) <= 4),
            _time=_resample(16),
        ),
    ]
    return _by_name(sets)


def _by_name(sets: list[DataSet]) -> dict[str, DataSet]:
    """The catalog by name; a name listed twice is refused (names hold no ``-``, so only then would two data sets share
    their record ids)."""
    segments: dict[str, str] = {}
    for ds in sets:
        if ds.segment in segments:
            raise ValueError(f"data sets {segments[ds.segment]!r} and {ds.name!r} would share the record ids …-data-{ds.segment}")
        segments[ds.segment] = ds.name
    return {ds.name: ds for ds in sets}


DATASETS: dict[str, DataSet] = _registry()
"""The registered data sets by name (digits with scikit-learn; the rest need the ``data`` extra)."""


def data_set(name: str) -> DataSet:
    """The registered data set ``name`` (``ValueError`` naming the known ones otherwise)."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]


def available() -> list[str]:
    """Names of the data sets loadable now (their source package is installed)."""
    return [name for name, ds in DATASETS.items() if ds.installed]


def list_datasets() -> list[dict]:
    """One JSON-able row per registered data set, for ``rnn-theorems data --list``.

    Keys: name, segment (the name in record ids), source, n (sequences after A3 preparation when installed, else the raw count),
    L, d, label_rule, time_rule, installed, install_hint (None when installed).
    """
    rows = []
    for ds in DATASETS.values():
        row = ds.record()
        row["n"] = describe(ds.name)["n"] if row["installed"] else ds.n_raw
        rows.append(row)
    return rows


def format_list() -> str:
    """``list_datasets()`` as an aligned text table (what ``rnn-theorems data --list`` prints)."""
    rows = list_datasets()
    head = ("name", "records", "source", "n", "L", "d", "labels (+1 / −1)", "installed")
    table = [head] + [
        (
            r["name"],
            f"…-data-{r['segment']}",
            r["source"],
            str(r["n"]),
            str(r["L"]),
            str(r["d"]),
            r["label_rule"],
            "yes" if r["installed"] else f"no: {r['install_hint']}",
        )
        for r in rows
    ]
    widths = [max(len(row[k]) for row in table) for k in range(len(head))]
    text = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table)
    if any(r["segment"] != r["name"] for r in rows):
        text += "\nrecords: C3-data-, C7-data- and C7-labels-data-<name>, a '_' in the name read as '-' (ids hold no '_')"
    return text


# --- preparation ---------------------------------------------------------------------------------------


def prepare(X: np.ndarray, *, scale: str = "per-channel", bias: bool | None = None) -> tuple[np.ndarray, dict]:
    """Normalize a raw sample ``(n, L, d)``: center every channel, scale, bias channel if univariate, ``1/√d``.

    ``scale="per-channel"`` gives every channel unit variance (channels of different units);
    ``scale="common"`` divides all channels by one RMS (channels of one unit, e.g. pixels, where
    a per-channel scale would blow up near-constant edge pixels: a pixel almost always 0 gets
    z-scores of tens).  Statistics are over all sequences and steps.  ``bias=None`` appends the
    constant channel exactly when ``d = 1``.  Returns the float64 array and a report of what was
    done (reasons in the module docstring).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 3 or min(X.shape) < 1:
        raise ValueError(f"X must have shape (n, L, d) with n, L, d >= 1, got {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X has NaN or infinite entries (missing values are not supported)")
    if scale not in ("per-channel", "common"):
        raise ValueError(f"scale must be 'per-channel' or 'common', got {scale!r}")
    Z = X - X.mean(axis=(0, 1))
    spread = Z.std(axis=(0, 1)) if scale == "per-channel" else np.full(X.shape[2], math.sqrt(np.mean(Z * Z)))
    constant = spread == 0
    Z /= np.where(constant, 1.0, spread)  # a constant channel stays all zero
    bias = X.shape[2] == 1 if bias is None else bias
    if bias:
        Z = np.concatenate([Z, np.ones_like(Z[..., :1])], axis=-1)
    Z /= math.sqrt(Z.shape[2])
    report = {
        "normalization": f"channels centered, {scale} scale to unit variance over all sequences and steps, then / √d",
        "constant_channels": int(constant.sum()),
        "bias_channel": bool(bias),
    }
    return Z, report


def enforce_a3(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """Enforce assumption A3 on a prepared sample and report what was done.

    Drops sequences with ``X_1 = 0``, then exact and near duplicates (``1 − cos ≤
    NEAR_DUPLICATE_GAP`` between whole sequences, positive multiples included), keeping the
    first of each group.  Reports the counts, how many dropped duplicates had a conflicting
    label, and the step ``l ≥ 2`` (1-based) with the fewest pairs of parallel inputs, their
    number and the largest ``|cos|`` there (A3's second part holds when there are none).  That
    part is reported, not enforced: A3 is sufficient for ``λ_0 > 0``, not necessary, and quantized
    data (digits' integer pixels) repeat single rows often while whole sequences differ; the
    caller checks ``λ_0 > 0`` on the sample itself (C3).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 3 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, L, d) and y (n,), got {X.shape} and {y.shape}")
    zero_first = np.linalg.norm(X[:, 0], axis=-1) == 0
    keep = ~zero_first
    flat = torch.from_numpy(X.reshape(X.shape[0], -1))
    norms = flat.norm(dim=1)
    keep &= (norms > 0).numpy()
    unit = flat / torch.where(norms > 0, norms, 1.0)[:, None]
    # 1 − cos = ‖x̂ − x̂'‖² / 2 by direct differences (no cancellation in 1 − cos)
    gap = torch.cdist(unit, unit, compute_mode="donot_use_mm_for_euclid_dist").square_().mul_(0.5).numpy()
    exact = near = conflicts = 0
    for i in range(X.shape[0]):
        if not keep[i]:
            continue
        later = np.nonzero(keep & (gap[i] <= NEAR_DUPLICATE_GAP) & (np.arange(X.shape[0]) > i))[0]
        for j in later:
            if np.array_equal(X[i], X[j]):
                exact += 1
            else:
                near += 1
            conflicts += int(y[i] != y[j])
        keep[later] = False
    Xk, yk = X[keep], y[keep]
    report = {
        "n_before": int(X.shape[0]),
        "n": int(keep.sum()),
        "dropped_zero_first_step": int(zero_first.sum()),
        "dropped_exact_duplicates": exact,
        "dropped_near_duplicates": near,
        "dropped_with_conflicting_label": conflicts,
        "near_duplicate_rule": f"1 − cos ≤ {NEAR_DUPLICATE_GAP:g} between whole sequences",
    }
    report.update(a3_step(Xk, NEAR_DUPLICATE_GAP))
    return Xk, yk, report


@functools.lru_cache(maxsize=None)
def prepared_pool(name: str) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """The whole prepared pool of ``name``: ``X``, ``y`` and the preparation report (cached per process)."""
    ds = data_set(name)
    if not ds.installed:
        raise ImportError(f"data set {name!r} needs the package {ds.source!r}: {ds.install_hint}")
    series, raw_labels = ds._read()
    X = ds._time(series)
    y = ds._label(raw_labels)
    X, prep = prepare(X, scale=ds.scale)
    X, y, a3 = enforce_a3(X, y)
    if X.shape[1:] != (ds.L, ds.d):
        raise RuntimeError(f"{name}: prepared shape {X.shape[1:]} differs from the record's (L, d) = ({ds.L}, {ds.d})")
    report = {**ds.record(), **prep, **a3, "n_positive": int((y > 0).sum())}
    return torch.from_numpy(X), torch.from_numpy(y), report


def describe(name: str) -> dict:
    """The registry record of ``name`` plus what preparation did (normalization, A3 report, ``n``).

    Loads the data set (cached per process); raises ``ImportError`` with the install hint when
    its package is missing, ``ValueError`` for an unknown name.
    """
    return dict(prepared_pool(name)[2])


def load(name: str, *, n: int | None = None, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(X, y)`` of a registered data set: ``X`` float64 ``(n, L, d)``, ``y`` float64 ``±1`` of shape ``(n,)``.

    ``n=None`` returns the whole prepared pool in the source's order; an integer ``n`` returns a
    random subset of size ``n`` drawn by ``seed`` (the same ``seed`` gives the same subset).
    Raises ``ValueError`` for an unknown name or an ``n`` above the pool size (naming the
    maximum), ``ImportError`` with the install hint when the data set's package is missing.
    """
    data_set(name)
    X, y, _ = prepared_pool(name)
    if n is None:
        return X.clone(), y.clone()
    idx = _subset(name, X.shape[0], n, seed)
    return X[idx].clone(), y[idx].clone()


def _subset(name: str, pool: int, n: int, seed: int) -> torch.Tensor:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if n > pool:
        raise ValueError(f"data set {name!r} has {pool} usable sequences; n = {n} exceeds that maximum")
    gen = torch.Generator().manual_seed(seed)
    return torch.randperm(pool, generator=gen)[:n]
