"""The Typer application object; command modules in ``clinlabel.commands`` register on it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="clinlabel",
    help="Weakly supervised clinical NLP: notes in, labelled spans, assertions and ICD-10-CM codes out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
