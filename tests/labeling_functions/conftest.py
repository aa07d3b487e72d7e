"""Labelling-function tests: this folder holds the shared helper ``lf_votes`` (importable from the subfolders)."""
