"""The validation helpers (``checks.numerics.validate``) and C7's bound as proved (``checks.theory.bounds``, docs/claims.md C7)."""

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.model.ntk import infinite_ntk
from checks.model.rnn import as_sample
from checks.numerics import validate
from checks.theory.bounds import (
    complexity,
    dyadic_radius_count,
    generalization_bound,
    generalization_bound_terms,
    grid_radius,
)

# --- integers, reals, flags, dtypes --------------------------------------------------------


@pytest.mark.parametrize("value", [0, 7, np.int64(7), np.int32(-2), np.uint8(3), 2**70])
def test_integers_accept_python_and_numpy_ints(value):
    assert validate.is_integer(value)
    out = validate.integer("k", value)
    assert type(out) is int and out == int(value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 2.0, 2.5, "3", None, np.float64(2.0), torch.tensor(3)])
def test_integers_refuse_bools_floats_strings(value):
    assert not validate.is_integer(value)
    with pytest.raises(ValueError, match=r"^k must be an integer, got"):
        validate.integer("k", value)


def test_integer_ranges_name_the_argument():
    with pytest.raises(ValueError, match=r"^width must be an integer >= 1, got 0$"):
        validate.integer("width", 0, minimum=1)
    with pytest.raises(ValueError, match=r"^step must be an integer in 1\.\.3, got 4$"):
        validate.integer("step", 4, minimum=1, maximum=3)
    with pytest.raises(ValueError, match=r"^k must be an integer <= 3, got 4$"):
        validate.integer("k", 4, maximum=3)
    assert validate.integer("step", 3, minimum=1, maximum=3) == 3


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.int64(1), torch.tensor(0.5, dtype=torch.float64)])
def test_reals_accept_numbers_and_zero_dim_float_tensors(value):
    out = validate.real("x", value, above=0, at_most=1)
    assert type(out) is float and out == float(value)


@pytest.mark.parametrize(
    "value, kwargs, message",
    [
        (True, {}, r"^x must be a finite number, got True$"),
        ("0.5", {}, r"^x must be a finite number, got '0.5'$"),
        (math.nan, {"finite": False}, r"^x must be a number \(not NaN\), got nan$"),
        (math.inf, {}, r"^x must be a finite number, got inf$"),
        (0.0, {"above": 0}, r"^x must be a positive finite number, got 0.0$"),
        (1.0, {"above": 0, "below": 1}, r"^x must be a finite number in \(0, 1\), got 1.0$"),
        (-1.0, {"at_least": 0}, r"^x must be a finite number in \[0, inf\), got -1.0$"),
        (1 + 0j, {}, r"^x must be a finite number"),
        (torch.tensor([0.5]), {}, r"^x must be a finite number"),
    ],
)
def test_reals_refuse_with_the_range_in_words(value, kwargs, message):
    with pytest.raises(ValueError, match=message):
        validate.real("x", value, **kwargs)


def test_real_allows_infinity_only_when_asked():
    assert validate.real("c", math.inf, at_least=0, finite=False) == math.inf


def test_flags():
    assert validate.flag("centered", np.bool_(False)) is False
    for bad in (1, 0, "no", None):
        with pytest.raises(ValueError, match="centered must be True or False"):
            validate.flag("centered", bad)


BAD_DTYPES = [torch.float16, torch.bfloat16, torch.int64, torch.bool, torch.complex128, np.float64, "float64"]


@pytest.mark.parametrize("dtype", BAD_DTYPES)
def test_float_dtype_refuses_everything_but_float32_and_float64(dtype):
    with pytest.raises(ValueError, match=r"^dtype must be torch.float32 or torch.float64, got"):
        validate.float_dtype("dtype", dtype)
    assert validate.float_dtype("dtype", torch.float32) is torch.float32


# --- arrays ----------------------------------------------------------------------------------


def test_arrays_keep_float_tensors_and_arrays_without_copying():
    t = torch.ones(3, dtype=torch.float32)
    assert validate.array("a", t) is t
    a = np.ones(3, dtype=np.float64)
    out = validate.array("a", a)
    assert out.dtype == torch.float64 and np.shares_memory(out.numpy(), a)
    assert validate.array("a", np.ones(3, dtype=np.float32)).dtype == torch.float32


@pytest.mark.parametrize("value", [[1, 2, 3], [1.0, 2.0], (1, 2.5, 3), [np.float32(1.0), np.float32(2.0)], 2, 2.5])
def test_lists_tuples_and_numbers_become_float64(value):
    out = validate.array("a", value)
    assert out.dtype == torch.float64
    assert torch.equal(out, torch.as_tensor(np.asarray(value, dtype=np.float64)))


BAD_TENSOR_DTYPES = [torch.int64, torch.uint8, torch.bool, torch.complex64, torch.float16, torch.bfloat16]


@pytest.mark.parametrize("dtype", BAD_TENSOR_DTYPES, ids=str)
def test_arrays_refuse_bad_tensor_dtypes_by_name(dtype):
    with pytest.raises(ValueError, match=rf"^a has dtype {dtype}; it must be torch.float32 or torch.float64"):
        validate.array("a", torch.zeros(2, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_, np.complex128, np.float16, np.longdouble])
def test_arrays_refuse_bad_numpy_dtypes_by_name(dtype):
    with pytest.raises(ValueError, match=rf"^a has dtype numpy.{np.dtype(dtype)}; it must be float32 or float64"):
        validate.array("a", np.zeros(2, dtype=dtype))


@pytest.mark.parametrize(
    "value, message",
    [
        ([True, False], "a is a list of bools"),
        ([1j, 2.0], "a is a list of complex numbers"),
        (["1", "2"], "a is a list of entries of type <U1"),
        ([[1.0, 2.0], [1.0]], "a is not a rectangular nested list"),
        ({"x": 1}, "a must be a tensor, a NumPy array or a nested list of numbers, got dict"),
        (True, "a must be a tensor"),
        ([1.0, math.nan], r"a has a NaN or infinite entry \(first at index \(1,\)\)"),
    ],
)
def test_arrays_refuse_everything_else_in_one_line(value, message):
    with pytest.raises(ValueError, match=message) as info:
        validate.array("a", value)
    assert "\n" not in str(info.value)


def test_array_conversion_checks_the_narrowed_range():
    with pytest.raises(ValueError, match="beyond the range of torch.float32"):
        validate.array("y", torch.tensor([1e300], dtype=torch.float64), dtype=torch.float32)
    with pytest.raises(ValueError, match="the dtype asked for y must be torch.float32 or torch.float64"):
        validate.array("y", [1.0], dtype=torch.float16)


# --- samples ----------------------------------------------------------------------------------


def test_rnn_as_sample_is_the_validate_sample():
    assert as_sample is validate.sample


def test_sample_converts_and_never_modifies():
    X = np.arange(12, dtype=np.float64).reshape(2, 3, 2)
    before = X.copy()
    out = validate.sample(X, 2, dtype=torch.float32)
    assert out.dtype == torch.float32 and out.shape == (2, 3, 2)
    assert np.array_equal(X, before)
    assert validate.sample(X.tolist()).dtype == torch.float64


@pytest.mark.parametrize("dtype, limit_exponent", [(torch.float64, 306), (torch.float32, 36)])
def test_square_sums_limit_is_stated_and_exact_at_the_edge(dtype, limit_exponent):
    """All entries equal to x: L · Σ_l ‖X_l‖² = L · L · d · x²; the bound is finfo.max / 64."""
    n, L, d = 2, 3, 4
    x = math.sqrt(float(torch.finfo(dtype).max) / validate.SQUARE_HEADROOM / (L * L * d))
    validate.check_square_sums("X", torch.full((n, L, d), x * 0.999, dtype=torch.float64), dtype=dtype)
    big = torch.full((n, L, d), x * 1.001, dtype=torch.float64)
    pattern = re.escape(f"largest |entry| = {x * 1.001:.3e}") + rf".* ≤ \d\.\d+e\+{limit_exponent}"
    with pytest.raises(ValueError, match=pattern) as info:
        validate.sample(big, dtype=dtype)
    assert "\n" not in str(info.value) and str(dtype) in str(info.value)


def test_square_sums_use_the_sum_not_the_largest_entry():
    """One large entry among zeros fits where the crude bound L·L·d·max² would not."""
    limit = float(torch.finfo(torch.float64).max) / validate.SQUARE_HEADROOM
    X = torch.zeros(2, 3, 4, dtype=torch.float64)
    X[1, 2, 3] = math.sqrt(limit / 3) * 0.999  # L · x² just below the limit
    validate.check_square_sums("X", X)
    X[1, 0, 0] = X[1, 2, 3]  # a second one in the same sequence doubles the sum
    with pytest.raises(ValueError, match="too large"):
        validate.check_square_sums("X", X)


# --- C7's bound as proved ------------------------------------------------------------------


@pytest.mark.parametrize(
    "c, n, expected",
    [
        (0.0, 1, 1.0),
        (0.25, 10, 1.0),
        (1.0, 10, 1.0),
        (1.0 + 1e-12, 10, 2.0),
        (4.0, 10, 2.0),  # √c = 2 exactly is on the grid
        (4.0 * (1 + 1e-15), 10, 4.0),
        (255.0, 16, 16.0),
        (256.0, 16, 16.0),  # √c = 16 = 2^⌈log₂ 16⌉, the largest radius
        (257.0, 16, math.inf),  # beyond the grid: the union bound says nothing
        (64.0, 5, 8.0),  # ⌈log₂ 5⌉ = 3: radii 1, 2, 4, 8
        (64.5, 5, math.inf),
        (2.0, 1, math.inf),  # n = 1: the grid is {1}
        (math.inf, 8, math.inf),
    ],
)
def test_grid_radius(c, n, expected):
    assert grid_radius(c, n) == expected


@given(c=st.floats(0, 1e12, allow_nan=False), n=st.integers(1, 10**6))
@settings(max_examples=200, deadline=None)
def test_grid_radius_is_the_smallest_power_of_two_above_the_raw_radius(c, n):
    R, raw = grid_radius(c, n), math.sqrt(c)
    top = 2.0 ** math.ceil(math.log2(n)) if n > 1 else 1.0
    if raw > top:
        assert R == math.inf
        return
    assert R >= raw and R == 2.0 ** round(math.log2(R)) and 1 <= R <= top
    assert R == 1 or R < 2 * raw  # the smallest: half of it is below the raw radius


@pytest.mark.parametrize("c, n", [(-1.0, 4), (math.nan, 4), ("1", 4), (1.0, 0), (1.0, 2.0), (1.0, True)])
def test_grid_radius_bad_input(c, n):
    with pytest.raises(ValueError, match="complexity_value|n must be"):
        grid_radius(c, n)


def test_dyadic_radius_count_is_exact():
    for n in range(1, 70):
        assert dyadic_radius_count(n) == (math.ceil(math.log2(n)) + 1 if n > 1 else 1)
    assert dyadic_radius_count(2**60) == 61 and dyadic_radius_count(2**60 + 1) == 62  # beyond float log2
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        dyadic_radius_count(0)


def _sample(n: int, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn((n, 3, 2), generator=gen, dtype=torch.float64)
    return X / X.norm(dim=-1, keepdim=True)


@pytest.mark.parametrize("n, seed, label_scale", [(6, 0, 1.0), (12, 1, 0.3), (20, 2, 1.0), (9, 3, 0.01)])
def test_bound_terms_use_the_grid_radius(n, seed, label_scale):
    """The bound as proved: 2 R_k √(tr H)/n + 3 √(log(2 N_R/δ)/(2n)), R_k ≥ √(yᵀH⁻¹y) a power of two, < 2× it."""
    X = _sample(n, seed)
    H = infinite_ntk(X)
    y = label_scale * X[:, -1, 0]
    t = generalization_bound_terms(H, y, delta=0.1)
    assert set(t) == {"complexity", "raw_radius", "grid_radius", "trace", "n", "n_radii", "delta", "leading",
                      "confidence", "total"}
    c, trace = complexity(H, y), float(torch.diagonal(H).sum())
    assert t["complexity"] == c and t["raw_radius"] == math.sqrt(c) and t["trace"] == trace
    assert t["n"] == n and t["n_radii"] == dyadic_radius_count(n) and t["delta"] == 0.1
    R = t["grid_radius"]
    assert R == 2.0 ** round(math.log2(R)) and R >= t["raw_radius"] and (R == 1 or R < 2 * t["raw_radius"])
    assert t["leading"] == 2 * R * math.sqrt(trace) / n
    assert t["confidence"] == 3 * math.sqrt(math.log(2 * t["n_radii"] / 0.1) / (2 * n))
    assert t["total"] == t["leading"] + t["confidence"] == generalization_bound(H, y, delta=0.1)
    raw_leading = 2 * math.sqrt(c * trace) / n  # the bound with the raw radius (before this change)
    assert raw_leading + t["confidence"] <= t["total"]
    if t["raw_radius"] >= 1:
        assert t["total"] <= 2 * raw_leading + t["confidence"] * (1 + 1e-15)


def test_bound_is_infinite_off_the_grid():
    """√(yᵀH⁻¹y) beyond 2^⌈log₂ n⌉: no radius of the union bound covers it, the bound says nothing."""
    H = torch.eye(4, dtype=torch.float64) * 1e-3
    y = torch.ones(4, dtype=torch.float64)  # yᵀH⁻¹y = 4000, √ ≈ 63 > 4
    t = generalization_bound_terms(H, y, delta=0.1)
    assert t["grid_radius"] == t["leading"] == t["total"] == math.inf
    assert math.isfinite(t["raw_radius"]) and math.isfinite(t["confidence"])
    assert generalization_bound(H, y, delta=0.1) == math.inf


def test_bound_inputs_are_not_modified():
    X = _sample(5, 4)
    H = infinite_ntk(X)
    y = X[:, 0, 0].clone()
    H0, y0 = H.clone(), y.clone()
    generalization_bound_terms(H, y, delta=0.05)
    assert torch.equal(H, H0) and torch.equal(y, y0)
