"""rnn-theorems: the objects of Wang, Shen, Hu, Cao (NeurIPS 2021), built once.

Every module cites the setting (S), assumptions (A1-A6) and claims (the families ``checks.claims`` registers) of
the user-facing specification ``docs/claims.md``; the layout is ``docs/design.md``.
"""

__version__ = "0.1.0"
