"""Setting (S) of docs/claims.md: the Elman ReLU RNN and its kernels, finite width beside infinite width (after
neural-tangents): the network, its initialization and forward pass (``rnn``), the empirical NTK ``H(W)`` and the
infinite-width ``H∞`` (``ntk``), ReLU's dual activation in a stable defect form (``arccos``), the power series of ``H∞``
(``series``), and gradient descent over ``W`` (``train``).  Imports only ``checks.numerics``."""
