"""Deploying the monitor on AWS from one fleet file (shared by scripts/fleet.py and its tests)."""
