"""The proofs' objects built on the model: the claims' right-hand sides and C7's bound (``bounds``), the concept
classes and their complexity certificates (``targets``, with the catalog of target families in ``target_families``),
kernel regression (``kernel_regression``), the linearization of training (``linearization``), assumption A3
(``assumptions``) and the A6 small-input normalization (``small_inputs``).  Imports ``checks.model`` and
``checks.numerics``."""
