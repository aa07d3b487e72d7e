"""Workflows that wire the layers together (the CLI calls these)."""
