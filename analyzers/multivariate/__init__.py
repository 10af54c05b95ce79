"""Multivariate drift: the shifts no single feature shows (reconstruction error, a domain classifier)."""
