"""The pages people read: ``report.html`` for one run, ``trend.html`` across runs (inline SVG, no script)."""
