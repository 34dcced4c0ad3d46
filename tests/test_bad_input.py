"""Bad input gets a one-line ValueError that says what is wrong, and changes nothing (checks.numerics.validate)."""

import math

import numpy as np
import pytest
import torch

from checks.model.ntk import empirical_ntk, hidden_kernel_diag, infinite_ntk, kappa_bar
from checks.model.rnn import Params, forward, init_params, output
from checks.model.train import a4_step_size, train_gd
from checks.numerics.linalg import SingularKernelError, solve_psd, spectrum_edges
from checks.theory.bounds import complexity, generalization_bound

P = init_params(8, 3, seed=0)
GOOD = torch.ones(2, 4, 3, dtype=torch.float64)


@pytest.mark.parametrize(
    "X, message",
    [
        (torch.ones(2, 4, 2), "parameters expect d = 3"),
        (torch.ones(4, 3), "shape \\(n, L, d\\)"),
        (torch.ones(0, 4, 3), "empty sample"),
        (torch.ones(2, 0, 3), "L = 0"),
        (torch.tensor([[[1.0, math.nan, 0.0]]]), "NaN or infinite"),
        (torch.tensor([[[1.0, math.inf, 0.0]]]), "NaN or infinite"),
    ],
)
@pytest.mark.parametrize("fn", [forward, output, empirical_ntk])
def test_bad_samples(fn, X, message):
    with pytest.raises(ValueError, match=message):
        fn(P, X)


@pytest.mark.parametrize("X", [torch.ones(0, 2, 2), torch.ones(2, 0, 2), torch.full((1, 2, 2), math.nan)])
def test_infinite_ntk_bad_samples(X):
    with pytest.raises(ValueError):
        infinite_ntk(X)


def test_mismatched_cross_kernel():
    with pytest.raises(ValueError, match="length L"):
        infinite_ntk(GOOD, torch.ones(2, 5, 3))
    with pytest.raises(ValueError, match="d = 2"):
        infinite_ntk(GOOD, torch.ones(2, 4, 2))


@pytest.mark.parametrize("m", [0, -3, 2.5, True])
def test_bad_width(m):
    with pytest.raises(ValueError, match="m must be an integer >= 1"):
        init_params(m, 3, seed=0)


def test_singular_kernel_is_named():
    X = torch.ones(3, 2, 2, dtype=torch.float64)  # three identical sequences
    H = infinite_ntk(X)
    with pytest.raises(SingularKernelError, match="λ_min"):
        complexity(H, torch.ones(3, dtype=torch.float64))
    with pytest.raises(SingularKernelError):
        generalization_bound(H, torch.ones(3, dtype=torch.float64), delta=0.1)


def test_bad_labels_and_delta():
    H = torch.eye(3, dtype=torch.float64)
    with pytest.raises(ValueError, match="shape"):
        complexity(H, torch.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        complexity(H, torch.tensor([1.0, math.nan, 0.0]))
    with pytest.raises(ValueError, match="delta"):
        generalization_bound(H, torch.ones(3), delta=1.5)


def test_inputs_are_not_modified():
    X = GOOD.clone()
    empirical_ntk(P, X)
    infinite_ntk(X)
    assert torch.equal(X, GOOD)


# --- Numeric inputs, checked: the same ValueError on every path. -------------

SMALL = torch.randn((3, 4, 3), generator=torch.Generator().manual_seed(1), dtype=torch.float64)


def _paths():
    """Every entry point that takes a sample, as ``name -> f(X)``."""
    y = torch.zeros(SMALL.shape[0], dtype=torch.float64)
    return {
        "forward": lambda X: forward(P, X),
        "output": lambda X: output(P, X),
        "empirical_ntk": lambda X: empirical_ntk(P, X),
        "empirical_ntk X2": lambda X: empirical_ntk(P, SMALL, X),
        "infinite_ntk": infinite_ntk,
        "infinite_ntk X2": lambda X: infinite_ntk(SMALL, X),
        "hidden_kernel_diag": hidden_kernel_diag,
        "kappa_bar": kappa_bar,
        "train_gd": lambda X: train_gd(P, X, y, steps=1, lr=0.01),
    }


PATHS = sorted(_paths())


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300])
def test_entries_whose_squares_overflow_are_refused(path, scale):
    """Entries ≥ 1e154 gave all-NaN kernels; now a ValueError naming the largest entry and the limit."""
    X = SMALL.clone() * scale
    before = X.clone()
    with pytest.raises(ValueError, match=r"too large for torch.float64: largest \|entry\| = .*e\+(15|2|3).*≤"):
        _paths()[path](X)
    assert torch.equal(X, before)


def test_square_limit_is_the_sum_over_the_sequence():
    """The rule is L · max_i Σ_l ‖X_l‖² ≤ max/64: a lone large entry passes where a full row of them fails."""
    limit = torch.finfo(torch.float64).max / 64
    lone = torch.zeros(2, 4, 3, dtype=torch.float64)
    lone[0, 0, 0] = math.sqrt(limit / 4) * 0.99  # L · x² just below the limit
    assert torch.isfinite(infinite_ntk(lone)).all() and math.isfinite(kappa_bar(lone))
    full = torch.full((2, 4, 3), math.sqrt(limit / 4) * 0.99 / math.sqrt(12), dtype=torch.float64)
    full *= 1.02  # 12 equal squares, now 2% above the limit in total
    with pytest.raises(ValueError, match="too large"):
        infinite_ntk(full)


@pytest.mark.parametrize("k", [260, 500, -200, -400])
def test_extreme_but_representable_inputs_are_exact(k):
    """H∞ and H are homogeneous of degree 2: at 2^k X they are 4^k times the kernel at X, bit for bit.

    The old recursion formed fourth powers of the entries and returned kernels off by 18% (entries
    ≥ 1e77) or 33% (entries ≤ 1e-80) without a warning.
    """
    scale = 2.0**k
    H, E = infinite_ntk(SMALL), empirical_ntk(P, SMALL)
    assert torch.equal(infinite_ntk(SMALL * scale), H * scale * scale)
    assert torch.equal(infinite_ntk(SMALL * scale, SMALL[:2] * scale), infinite_ntk(SMALL, SMALL[:2]) * scale * scale)
    assert torch.equal(empirical_ntk(P, SMALL * scale), E * scale * scale)


@pytest.mark.parametrize("scale", [1e10, 1e15, 1e-15])
def test_extreme_float32_inputs_match_float64(scale):
    """float32 kernels at extreme (but representable: |H| within float32's normal range) input sizes agree
    with float64 to float32 round-off: 1e-5 of max |H|, ~100 ulps (the old H∞ was off by 18% at 1e10)."""
    X32 = (SMALL * scale).float()
    ref = infinite_ntk(X32.double())
    assert torch.allclose(infinite_ntk(X32).double(), ref, rtol=0, atol=1e-5 * float(ref.abs().max()))
    P32 = init_params(8, 3, seed=0, dtype=torch.float32)
    ref = empirical_ntk(init_params(8, 3, seed=0), X32.double())
    assert torch.allclose(empirical_ntk(P32, X32).double(), ref, rtol=0, atol=1e-5 * float(ref.abs().max()))


BAD_DTYPES = [torch.int64, torch.int32, torch.bool, torch.complex128, torch.complex64, torch.float16, torch.bfloat16]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", BAD_DTYPES, ids=str)
def test_bad_tensor_dtypes_are_refused_everywhere(path, dtype):
    """Integer, bool, complex and half-precision samples: a ValueError naming the dtype, on every path."""
    X = torch.ones(3, 4, 3, dtype=dtype)
    with pytest.raises(ValueError, match=f"dtype {dtype}"):
        _paths()[path](X)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.complex128, np.float16, np.longdouble], ids=str)
def test_bad_numpy_dtypes_are_refused_everywhere(path, dtype):
    X = np.ones((3, 4, 3), dtype=dtype)
    with pytest.raises(ValueError, match=f"dtype numpy.{np.dtype(dtype)}"):
        _paths()[path](X)


def test_complex_input_does_not_lose_its_imaginary_part():
    X = SMALL.to(torch.complex128) * (1 + 1j)
    with pytest.raises(ValueError, match="complex128"):
        infinite_ntk(X)
    with pytest.raises(ValueError, match="complex"):
        infinite_ntk(SMALL.tolist()[:2] + [[[1 + 1j] * 3] * 4])


def test_python_lists_are_float64_like_numpy():
    """A Python list gave a float32 H∞ while NumPy gave float64; now both are float64 and equal."""
    as_list, as_numpy = SMALL.tolist(), SMALL.numpy()
    H_list, H_numpy = infinite_ntk(as_list), infinite_ntk(as_numpy)
    assert H_list.dtype == torch.float64 and torch.equal(H_list, H_numpy)
    assert torch.equal(infinite_ntk(tuple(as_list)), H_numpy)
    ints = [[[1, 0], [0, 2]], [[0, 1], [2, 1]]]  # a list of ints is a sample too, in float64
    assert torch.equal(infinite_ntk(ints), infinite_ntk(np.asarray(ints, dtype=np.float64)))
    assert torch.equal(empirical_ntk(P, as_list), empirical_ntk(P, as_numpy))
    assert kappa_bar(as_list) == kappa_bar(as_numpy)
    assert torch.equal(output(P, as_list), output(P, as_numpy))
    with pytest.raises(ValueError, match="bools"):
        infinite_ntk([[[True, False]]])
    with pytest.raises(ValueError, match="rectangular"):
        infinite_ntk([[[1.0, 2.0]], [[1.0]]])


def test_float32_stays_supported_where_it_was():
    P32 = init_params(8, 3, seed=0, dtype=torch.float32)
    X32 = SMALL.float()
    assert empirical_ntk(P32, X32).dtype == torch.float32
    assert forward(P32, SMALL).h.dtype == torch.float32  # float64 input, float32 parameters
    assert infinite_ntk(X32).dtype == torch.float32
    hist = train_gd(P32, X32, torch.zeros(3), steps=2, lr=0.01)
    assert hist.residual_sq.dtype == torch.float32


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool, torch.float16, torch.bfloat16, torch.complex128])
def test_init_params_refuses_non_float_dtypes(dtype):
    """dtype=torch.int64 returned W = 0 (every N(0, 2/m) draw rounds to 0) and a zero NTK."""
    with pytest.raises(ValueError, match="dtype must be torch.float32 or torch.float64"):
        init_params(8, 3, seed=0, dtype=dtype)


@pytest.mark.parametrize("seed", [-1, True, 1.5, "0", None, 2**64])
def test_init_params_refuses_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed must be an integer in 0"):
        init_params(8, 3, seed=seed)


def test_init_params_takes_numpy_integers():
    assert torch.equal(init_params(np.int64(8), 3, seed=np.int32(5)).W, init_params(8, 3, seed=5).W)
    with pytest.raises(ValueError, match="batch"):
        init_params(8, 3, seed=0, batch=(0,))


@pytest.mark.parametrize("dtype", [torch.int64, torch.float16])
def test_hand_built_params_of_bad_dtype_are_refused(dtype):
    bad = Params(P.W.to(dtype), P.A.to(dtype), P.B.to(dtype))
    for fn in (forward, output, empirical_ntk):
        with pytest.raises(ValueError, match=f"params.W.dtype must be torch.float32 or torch.float64, got {dtype}"):
            fn(bad, GOOD)
    with pytest.raises(ValueError, match="params.W.dtype"):
        train_gd(bad, GOOD, torch.zeros(2), steps=1)


Y2 = torch.tensor([0.5, -0.5], dtype=torch.float64)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": None}, "steps must be an integer >= 0"),  # was a TypeError from max(None, 1)
        ({"steps": "3"}, "steps must be an integer >= 0"),
        ({"steps": True}, "steps must be an integer >= 0"),
        ({"steps": 2.0}, "steps must be an integer >= 0"),
        ({"steps": -1, "spec_stride": 1}, "steps must be an integer >= 0"),
        ({"steps": 3, "spec_stride": 2.5}, "spec_stride must be an integer >= 1"),  # was accepted
        ({"steps": 3, "spec_stride": True}, "spec_stride must be an integer >= 1"),
        ({"steps": 3, "spec_stride": 0}, "spec_stride must be an integer >= 1"),
        ({"steps": 1, "lr": math.inf}, "lr must be a positive finite number"),  # trained to NaN silently
        ({"steps": 1, "lr": math.nan}, "lr must be a positive finite number"),
        ({"steps": 1, "lr": 0.0}, "lr must be a positive finite number"),
        ({"steps": 1, "lr": -0.1}, "positive"),
        ({"steps": 1, "lr": True}, "lr must be a positive finite number"),
        ({"steps": 1, "lr": "0.1"}, "lr must be a positive finite number"),
        ({"steps": 1, "lr": torch.tensor([0.1, 0.2])}, "lr must be a number or broadcast"),
        ({"steps": 1, "lr": torch.tensor(math.inf)}, "lr has a NaN or infinite entry"),
        ({"steps": 1, "lr": torch.tensor(1)}, "lr has dtype torch.int64"),
        ({"steps": 1, "centered": "no"}, "centered must be True or False"),
        ({"steps": 1, "centered": 1}, "centered must be True or False"),
    ],
)
def test_train_gd_validates_every_argument_before_use(kwargs, message):
    W, X, y = P.W.clone(), GOOD.clone(), Y2.clone()
    with pytest.raises(ValueError, match=message):
        train_gd(P, X, y, **kwargs)
    assert torch.equal(P.W, W) and torch.equal(X, GOOD) and torch.equal(y, Y2)


@pytest.mark.parametrize(
    "y, message",
    [
        (torch.tensor([1, 0]), "y has dtype torch.int64"),
        (torch.tensor([1 + 1j, 0j]), "y has dtype torch.complex64"),
        (torch.tensor([0.5, math.nan], dtype=torch.float64), "y has a NaN"),
        (torch.tensor([1e200, 0.0], dtype=torch.float64), "y has entries too large"),
        (torch.zeros(3, dtype=torch.float64), "y must have shape"),
    ],
)
def test_train_gd_bad_labels(y, message):
    with pytest.raises(ValueError, match=message):
        train_gd(P, GOOD, y, steps=1, lr=0.01)


def test_train_gd_list_labels_are_float64():
    a = train_gd(P, GOOD.tolist(), [1, -1], steps=2, lr=0.01)
    b = train_gd(P, GOOD, torch.tensor([1.0, -1.0], dtype=torch.float64), steps=2, lr=0.01)
    assert torch.equal(a.residual_sq, b.residual_sq)


def test_a4_step_is_undefined_for_a_zero_kernel():
    """L = 1: h_0 = 0 makes the NTK zero; the A4 step 1/(m·0) was inf and training went to NaN."""
    X = torch.ones(2, 1, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="A4 step .* is undefined"):
        a4_step_size(P, X)
    with pytest.raises(ValueError, match="A4 step .* is undefined"):
        train_gd(P, X, Y2, steps=1)


H3 = torch.tensor([[2.0, 0.5, 0.0], [0.5, 2.0, 0.5], [0.0, 0.5, 2.0]], dtype=torch.float64)
Y3 = torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64)


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool, torch.complex128, torch.float16, torch.bfloat16], ids=str)
def test_bounds_refuse_bad_kernel_and_label_dtypes(dtype):
    with pytest.raises(ValueError, match=f"H has dtype {dtype}"):
        complexity(H3.to(dtype), Y3)
    with pytest.raises(ValueError, match=f"H has dtype {dtype}"):
        solve_psd(H3.to(dtype), Y3)
    with pytest.raises(ValueError, match=f"H has dtype {dtype}"):
        generalization_bound(H3.to(dtype), Y3, delta=0.1)
    with pytest.raises(ValueError, match=f"y has dtype {dtype}"):
        complexity(H3, Y3.to(dtype))
    with pytest.raises(ValueError, match=f"y has dtype {dtype}"):
        generalization_bound(H3, Y3.to(dtype), delta=0.1)
    with pytest.raises(ValueError, match=f"rhs has dtype {dtype}"):
        solve_psd(H3, Y3.to(dtype))


def test_bounds_take_lists_as_float64():
    assert complexity(H3.tolist(), Y3.tolist()) == complexity(H3.numpy(), Y3.numpy()) == complexity(H3, Y3)
    assert complexity(H3, [1, -1, 0]) == complexity(H3, torch.tensor([1.0, -1.0, 0.0], dtype=torch.float64))
    assert generalization_bound(H3.tolist(), Y3.tolist(), delta=0.1) == generalization_bound(H3, Y3, delta=0.1)
    assert torch.equal(solve_psd(H3.tolist(), Y3.tolist()), solve_psd(H3, Y3))


def test_bounds_refuse_overflow_and_bad_shapes():
    with pytest.raises(ValueError, match="overflows torch.float64"):
        complexity(H3 * 1e-300, Y3 * 1e10)  # yᵀH⁻¹y ≈ 1e320 was returned as inf
    with pytest.raises(ValueError, match="tr H"):
        generalization_bound(torch.eye(3, dtype=torch.float64) * 1.5e308, Y3, delta=0.1)
    with pytest.raises(ValueError, match="rhs must have shape"):
        solve_psd(H3, torch.ones(4, dtype=torch.float64))  # was a RuntimeError from cholesky_solve
    with pytest.raises(ValueError, match="H has a NaN"):
        spectrum_edges(torch.full((2, 2), math.nan))
    for delta in (0.0, 1.0, math.nan, True, "0.1"):
        with pytest.raises(ValueError, match="delta must be a finite number in"):
            generalization_bound(H3, Y3, delta=delta)


def test_bad_input_changes_nothing():
    H, y, X = H3.clone(), Y3.clone(), SMALL.clone()
    for call in (
        lambda: complexity(H, y[:2]),
        lambda: generalization_bound(H, y, delta=2.0),
        lambda: infinite_ntk(X, X[:, :2]),
        lambda: empirical_ntk(P, X, memory_budget=0),
        lambda: train_gd(P, X, y, steps=1, lr=-1.0),
    ):
        with pytest.raises(ValueError):
            call()
    assert torch.equal(H, H3) and torch.equal(y, Y3) and torch.equal(X, SMALL)
