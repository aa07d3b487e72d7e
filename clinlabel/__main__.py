"""``python -m clinlabel``."""

from .cli import run

run()
