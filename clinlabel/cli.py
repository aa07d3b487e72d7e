"""``clinlabel`` command line: a thin Typer layer over the library.

Each area's commands live in ``clinlabel/commands/<area>.py`` and register on the shared app.
Any :class:`corpora.errors.ClinlabelError` becomes exit code 2 with its located message.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from corpora.errors import ClinlabelError

from ._app import app

COMMAND_MODULES = (
    "corpora_cmds",
    "annotate",
    "evaluate",
    "ontology",
    "deid",
    "codes",
    "weak",
    "train",
    "review",
)


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages to stderr."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only log warnings and errors."),
) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # medspaCy's PyRuSH logs every sentence through loguru; keep it quiet unless asked
    try:  # pragma: no cover - depends on optional logger state
        from loguru import logger as _loguru

        _loguru.remove()
        if verbose:
            _loguru.add(sys.stderr, level="DEBUG")
    except Exception:
        pass


def os_error(exc: OSError) -> ClinlabelError:
    """A located :class:`ClinlabelError` for an ``OSError`` (file, errno name, reason, fix)."""
    import errno

    from corpora.errors import RUN_OS

    name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return ClinlabelError(f"{exc.strerror or exc} ({name})",
                          "check the path, its permissions and the free space of its disk, then run the command "
                          "again (add --resume to continue a streaming run)",
                          file=exc.filename, code=RUN_OS)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"clinlabel.commands.{name}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by tests and the console script)."""
    _load_commands()
    try:
        app(args=argv, standalone_mode=False)
    except ClinlabelError as err:
        typer.echo(f"error: {err.message} [{err.code}]", err=True)
        return err.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's usage errors
        return int(exc.code or 0)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except OSError as exc:
        # disk full, read-only, permission... anywhere a command did not say more: still one located line
        err = os_error(exc)
        typer.echo(f"error: {err.message} [{err.code}]", err=True)
        return err.exit_code
    except Exception as exc:
        # click's (or typer's bundled click's) usage errors and aborts
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(exc.exit_code)
        if type(exc).__name__ == "Abort":
            typer.echo("aborted", err=True)
            return 1
        raise
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
