"""Review-loop commands: ``clinlabel review export|import|gold|serve|assign|verify``,
``clinlabel review user add|reset|list|disable|enable``, ``clinlabel agreement``,
``clinlabel adjudicate`` and ``clinlabel card`` (thin layers over the ``review`` package)."""

from __future__ import annotations

import json
import logging
import shlex
from pathlib import Path
from typing import List, Optional

import typer

from .._app import app
from ..options import CorpusOptions, corpus_options

logger = logging.getLogger(__name__)

review_app = typer.Typer(
    name="review",
    help="Review loop: Prodigy tasks out, answers in, gold out, and a local review page.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")
user_app = typer.Typer(name="user", help="Review users: access tokens and roles.", no_args_is_help=True)
review_app.add_typer(user_app, name="user")

DB_HELP = "Store URL: sqlite:///file.db (default sqlite:///clinlabel.db) or postgresql+psycopg://user:pw@host/db."


def _store(db: str):
    from review.store import Store

    return Store(db)


def _command_line(ctx: typer.Context) -> str:
    """The running command as the user would type it (passwords in --db hidden), for the lineage."""
    names, node = [], ctx
    while node.parent is not None:  # sub-command names; the root's name is the program (python -m ...)
        names.insert(0, node.info_name)
        node = node.parent
    parts = ["clinlabel", *names]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or value is False or value == () or value == []:
            continue
        if param.name == "db":
            from sqlalchemy.engine import make_url

            from review.store import normalise_url

            value = make_url(normalise_url(value)).render_as_string(hide_password=True)
        values = value if isinstance(value, (list, tuple)) else [value]
        if param.param_type_name == "argument":
            parts += [shlex.quote(str(v)) for v in values]
            continue
        opt = max(param.opts, key=len)
        if value is True:
            parts.append(opt)
            continue
        if value == param.default:
            continue
        for v in values:
            parts += [opt, shlex.quote(str(v))]
    return " ".join(parts)


@review_app.command("export")
@corpus_options
def export_cmd(
    ctx: typer.Context,
    input: Path = typer.Argument(..., help="Records to review (usually `clinlabel annotate` / `codes` JSONL)."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    output: Path = typer.Option(..., "-o", "--output", help="Prodigy tasks JSONL (the whole dataset)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated label scheme (default: labels found)."),
    guideline: Optional[Path] = typer.Option(None, "--guideline", help="Annotation guideline file (versioned by hash)."),
    corpus: CorpusOptions = None,
) -> None:
    """Load records into the store and write them as Prodigy tasks (hashes, spans, relations, code options)."""
    from review.prodigy import export_tasks

    with _store(db) as store:
        stats = export_tasks(store, input, dataset, output, fmt=corpus.fmt, reader_options=corpus.reader_options(),
                             labels=[x.strip() for x in labels.split(",") if x.strip()] if labels else None,
                             guideline=guideline)
        store.record_command(dataset, _command_line(ctx))
    typer.echo(f"{dataset}: {stats['added']} new tasks ({stats['skipped']} already there); wrote {stats['written']} "
               f"tasks to {output}; label scheme v{stats['label_scheme_version']}", err=True)


@review_app.command("import")
def import_cmd(
    ctx: typer.Context,
    answers: Path = typer.Argument(..., help="Prodigy answers JSONL (as `prodigy db-out` writes it)."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    annotator: Optional[str] = typer.Option(None, "--annotator", help="Annotator id (default: each line's _annotator_id)."),
) -> None:
    """Read Prodigy answers (accept / reject / ignore, edited spans and relations, code decisions) into the store."""
    from review.prodigy import import_answers

    with _store(db) as store:
        stats = import_answers(store, answers, dataset, annotator=annotator)
        store.record_command(dataset, _command_line(ctx))
    typer.echo(f"{dataset}: imported {stats['imported']} answers (accept {stats['accept']}, reject {stats['reject']}, "
               f"ignore {stats['ignore']}); {stats['duplicates']} already there; {stats['new_tasks']} new tasks", err=True)


@review_app.command("gold")
def gold_cmd(
    ctx: typer.Context,
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    output: Path = typer.Option(..., "-o", "--output", help="Gold JSONL (for `clinlabel train --gold`)."),
) -> None:
    """Write the accepted, adjudicated gold set."""
    from review.prodigy import export_gold

    with _store(db) as store:
        stats = export_gold(store, dataset, output)
        store.record_command(dataset, _command_line(ctx))
    typer.echo(f"{dataset}: wrote {stats['gold']} gold records to {output} ({stats['agreed']} agreed, "
               f"{stats['adjudicated']} adjudicated); {stats['pending']} disagreements pending, "
               f"{stats['rejected']} rejected, {stats['unanswered']} unanswered", err=True)


@review_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store (one dataset per server)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8080, "--port", help="Port."),
    sort: Optional[str] = typer.Option(None, "--sort", help="uncertainty: least certain notes first."),
    adjudicate: bool = typer.Option(False, "--adjudicate", help="Open the page in adjudication mode."),
    ontology: str = typer.Option("icd10cm", "--ontology", help="Ontology searched by 'add a code'."),
    public_host: Optional[str] = typer.Option(
        None, "--public-host",
        help="Host name(s), comma-separated, that browsers use to reach the page (behind a reverse proxy); "
             "any other Host header is refused (DNS rebinding)."),
    ssl_certfile: Optional[Path] = typer.Option(None, "--ssl-certfile", help="Serve https with this certificate (PEM)."),
    ssl_keyfile: Optional[Path] = typer.Option(None, "--ssl-keyfile", help="Private key of --ssl-certfile (PEM)."),
) -> None:
    """Serve the review page: log in with a token, label spans and assertions, review codes, adjudicate."""
    import uvicorn

    from review.web import create_app, ontology_search

    if host not in ("127.0.0.1", "localhost", "::1") and not (ssl_certfile or public_host):
        logger.warning("serving on %s over plain http: tokens and notes cross the network unencrypted; "
                       "use --ssl-certfile/--ssl-keyfile or a TLS reverse proxy (--public-host)", host)
    store = _store(db)
    try:
        from review.web import LOOPBACK_HOSTS, ontology_code_check

        if not store.users():
            logger.warning("the store has no users yet: nobody can log in; add one with "
                           "`clinlabel review user add NAME --role admin --db ...`")
        allowed = list(LOOPBACK_HOSTS) if host in LOOPBACK_HOSTS else [host]
        allowed += [h.strip() for h in (public_host or "").split(",") if h.strip()]
        web = create_app(store, dataset, search=ontology_search(ontology), sort=sort, adjudicate=adjudicate,
                         code_check=ontology_code_check(ontology), allowed_hosts=allowed)
        store.record_command(dataset, _command_line(ctx))
        scheme = "https" if ssl_certfile else "http"
        typer.echo(f"review page for {dataset}: {scheme}://{host}:{port}/  (Ctrl+C to stop)", err=True)
        uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=True,
                    ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
                    ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None)
    finally:
        store.close()


@review_app.command("assign")
def assign_cmd(
    ctx: typer.Context,
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    annotators: str = typer.Option(..., "--annotators", help="Comma-separated user names (`review user add`)."),
    overlap: float = typer.Option(0.0, "--overlap", help="Share of notes given to two annotators (agreement), 0..1."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random choice of doubly annotated notes."),
    adjudicators: Optional[str] = typer.Option(None, "--adjudicators", help="Comma-separated adjudicators who may open the dataset."),
) -> None:
    """Fill annotators' queues with the dataset's unassigned notes; a share --overlap goes to two of them."""
    with _store(db) as store:
        stats = store.assign(dataset, annotators.split(","), overlap=overlap, seed=seed,
                             adjudicators=[a.strip() for a in (adjudicators or "").split(",") if a.strip()])
        store.record_command(dataset, _command_line(ctx))
    queues = ", ".join(f"{a} {n} (+{stats['added'][a]})" for a, n in stats["queue"].items())
    typer.echo(f"{dataset}: {stats['examples']} notes assigned ({stats['doubly_annotated']} to two annotators; "
               f"{stats['already_assigned']} were assigned before); queues: {queues}", err=True)


@review_app.command("verify")
def verify_cmd(db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP)) -> None:
    """Check the audit log's hash chain; report the first broken link (exit 2) or the head hash."""
    from corpora.errors import REV_AUDIT, ReviewError

    with _store(db) as store:
        report = store.verify_audit()
        where = store.where
    if not report.ok:
        after = f"; entries up to {report.last_good} are intact" if report.last_good else ""
        raise ReviewError(f"{where}: audit log broken at entry {report.broken_at}: {report.reason}{after}",
                          "restore the database from a backup and find out who changed it", code=REV_AUDIT)
    typer.echo(f"audit log intact: {report.entries} entries; head {report.head}")


def _token_out(name: str, token: str, what: str) -> None:
    typer.echo(f"{what} {name}; the access token follows on stdout (shown once: hand it over privately)", err=True)
    typer.echo(token)


@user_app.command("add")
def user_add_cmd(
    name: str = typer.Argument(..., help="User name (letters, digits, . _ @ -)."),
    role: str = typer.Option(..., "--role", help="annotator, adjudicator or admin."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
) -> None:
    """Create a user; prints their new access token alone on the last line of stdout."""
    with _store(db) as store:
        token = store.add_user(name, role)
    _token_out(name, token, f"created {role}")


@user_app.command("reset")
def user_reset_cmd(
    name: str = typer.Argument(..., help="User name."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
) -> None:
    """Issue a new access token (the old one and its sessions stop working)."""
    with _store(db) as store:
        token = store.reset_user(name)
    _token_out(name, token, "new token for")


@user_app.command("disable")
def user_disable_cmd(
    name: str = typer.Argument(..., help="User name."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
) -> None:
    """Disable a user: their token and sessions stop working; their answers stay."""
    with _store(db) as store:
        store.set_user_disabled(name, True)
    typer.echo(f"disabled {name}", err=True)


@user_app.command("enable")
def user_enable_cmd(
    name: str = typer.Argument(..., help="User name."),
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
) -> None:
    """Enable a disabled user again (same token)."""
    with _store(db) as store:
        store.set_user_disabled(name, False)
    typer.echo(f"enabled {name}", err=True)


@user_app.command("list")
def user_list_cmd(db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP)) -> None:
    """List users: name, role, state, datasets (never tokens)."""
    with _store(db) as store:
        users = store.users()
    typer.echo(f"{'name':<24} {'role':<12} {'state':<9} datasets")
    for u in users:
        typer.echo(f"{u['name']:<24} {u['role']:<12} {'disabled' if u['disabled'] else 'active':<9} "
                   f"{', '.join(u['datasets']) or '-'}")


@app.command("agreement")
def agreement_cmd(
    ctx: typer.Context,
    answers: Optional[List[Path]] = typer.Argument(None, help="One Prodigy answers file per annotator (or one file with several _annotator_id)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP + " Use with --dataset instead of files."),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="Dataset whose current answers to compare."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (span_f1, cohen_kappa, ... overall and per label)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated labels to report (default: all found)."),
) -> None:
    """Inter-annotator agreement: span F1 (strict, overlap), Cohen's / Fleiss' kappa on BIO tokens, Krippendorff's alpha."""
    from corpora.errors import REV_AGREEMENT, ReviewError
    from review.agreement import agreement, answers_from_store, format_table, load_answer_files

    if answers and (db or dataset):
        raise ReviewError("give answer files or --db/--dataset, not both", "drop one of them", code=REV_AGREEMENT)
    if answers:
        data = load_answer_files(answers)
    elif dataset:
        with _store(db or "sqlite:///clinlabel.db") as store:
            data = answers_from_store(store, dataset)
    else:
        raise ReviewError("nothing to compare", "give two or more answer files, or --db URL --dataset NAME",
                          code=REV_AGREEMENT)
    res = agreement(data, labels=[x.strip() for x in labels.split(",")] if labels else None)
    if dataset:
        with _store(db or "sqlite:///clinlabel.db") as store:
            store.update_meta(dataset, {"agreement": {k: res[k] for k in (
                "annotators", "n_items", "span_f1", "span_f1_overlap", "cohen_kappa", "fleiss_kappa",
                "krippendorff_alpha", "assertions")}})
            store.record_command(dataset, _command_line(ctx))
    typer.echo(json.dumps(res, indent=2) if as_json else format_table(res))


@app.command("adjudicate")
def adjudicate_cmd(
    ctx: typer.Context,
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    rule: str = typer.Option("majority", "--rule", help="majority or senior."),
    senior: Optional[str] = typer.Option(None, "--senior", help="Senior annotator whose answer wins (--rule senior)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who is deciding (recorded; default: the rule / the senior)."),
) -> None:
    """Turn disagreements into gold by a rule; the rest go to `clinlabel review serve --adjudicate`."""
    from review.adjudicate import adjudicate

    with _store(db) as store:
        res = adjudicate(store, dataset, rule=rule, senior=senior, decided_by=by)
        store.record_command(dataset, _command_line(ctx))
    typer.echo(f"{dataset}: {res['open']} disagreements, {res['adjudicated']} resolved by {rule}, "
               f"{res['unresolved']} left for `clinlabel review serve --adjudicate`", err=True)


@app.command("card")
def card_cmd(
    ctx: typer.Context,
    db: str = typer.Option("sqlite:///clinlabel.db", "--db", help=DB_HELP),
    dataset: str = typer.Option(..., "--dataset", help="Dataset name in the store."),
    output: Path = typer.Option(..., "-o", "--output", help="card.html or card.md (by extension)."),
    by: Optional[List[str]] = typer.Option(None, "--by", help="meta field for the subgroup table (repeatable), e.g. specialty."),
    metrics: Optional[List[Path]] = typer.Option(None, "--metrics", help="JSON with figures to include (lf_analysis, label_model, end_model, deid); repeatable."),
) -> None:
    """Dataset card: sources and hashes, counts, label scheme, LF / model figures, agreement, lineage, subgroups, charts."""
    from review.card import write_card

    with _store(db) as store:
        store.record_command(dataset, _command_line(ctx))
        write_card(store, dataset, output, by=list(by or []), metrics=list(metrics or []))
    typer.echo(f"wrote the dataset card of {dataset} to {output}", err=True)
