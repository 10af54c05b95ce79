"""Drift between a baseline profile and a window profile."""
