"""Execution engines for the annotate pipeline beyond one local process (Spark)."""
