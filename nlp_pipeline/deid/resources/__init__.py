"""Word lists shipped with the de-identifier (sources in SOURCES.md)."""
