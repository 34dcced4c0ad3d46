"""Independent reference implementations, used only by tests and benchmarks (never by a claim check)."""
