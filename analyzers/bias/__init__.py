"""Clarify-compatible bias metrics: same names, signs, edge cases and report layout as smclarify."""
