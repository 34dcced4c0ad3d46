"""Bad input gets a ValueError that says what is wrong, and changes nothing (DESIGN.md)."""

import math

import pytest
import torch

from checks.bounds import SingularKernelError, complexity, generalization_bound
from checks.ntk import empirical_ntk, infinite_ntk
from checks.rnn import forward, init_params, output

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
