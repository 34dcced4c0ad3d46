"""Decision rules, calibrated (docs/claims.md, "Reading a rate", "Growth classes"): rate and limit fits with confidence
limits, exact binomial limits (``stats``), the growth classes in ``L`` (``growth``) and their calibration on curves of
known class (``growth_calibration``).  Pure statistics: imports nothing else of ``checks``."""
