"""Fuzzing every input the container reads: capture lines, CSV, JSON lines, Parquet, and every document.

``hostile`` draws the inputs (hypothesis strategies), ``checks`` states what must hold for each,
``world`` builds the baseline and window a job-level case runs against. ``scripts/fuzz_inputs.py``
runs the same properties for 10^5 cases and more.
"""
