"""Data-quality checks against a baseline's constraints."""
