"""Measurements built on the mathematics (``checks.model.rnn`` … ``checks.inference.stats``) that claims and tools use.

Layer rule: modules here import the mathematics and each other, never ``checks.claims``,
``checks.harness`` or ``checks.tools``.
"""
