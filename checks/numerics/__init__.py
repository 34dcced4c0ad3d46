"""Numerical conventions every layer relies on: float64 constants (``constants``), argument checks with one-line
errors (``validate``), and stable linear algebra: spectra, the numerical zero, Cholesky solves behind a checked
condition (``linalg``).  Imports nothing else of ``checks``."""
