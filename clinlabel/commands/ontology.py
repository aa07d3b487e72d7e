"""``clinlabel ontology``: build, search, show and map terminologies (thin over :mod:`ontologies`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from clinlabel._app import app

ontology_app = typer.Typer(help="ICD-10-CM (bundled), SNOMED CT and UMLS (your own release): build, search, show, map.",
                           no_args_is_help=True)
build_app = typer.Typer(help="Compile a terminology release into a clinlabel ontology file.", no_args_is_help=True)
ontology_app.add_typer(build_app, name="build")
app.add_typer(ontology_app, name="ontology")

ONTOLOGY_OPT = typer.Option("icd10cm", "--ontology", "-o", help="Ontology name (icd10cm, or one you built) or a .sqlite path.")


def _default_out(name: str) -> Path:
    from ontologies.registry import ontology_dir

    return ontology_dir()


def _target(out: Optional[Path], name: str) -> Path:
    out = out or _default_out(name)
    return out if out.suffix in (".sqlite", ".db") else out / f"{name}.sqlite"


INDEX_DIR_HELP = ("Folder with the CDC Alphabetic Index files: icd10cm_index_YYYY_flat.csv, icd10cm_neoplasm_YYYY.xml, "
                  "icd10cm_drug_YYYY.xml (e.g. ../shared/data/icd10cm/index_2025).")
EARLIER_HELP = "Billable code list of an earlier year (icd10cm-codes-YYYY.txt): tells codes the Tabular expanded since."


@build_app.command("icd10cm")
def build_icd10cm_cmd(
    tabular_xml: Path = typer.Argument(..., help="CDC tabular XML, e.g. icd10cm-tabular-2026.xml"),
    gems: Optional[Path] = typer.Option(None, "--gems", help="Folder with the CMS GEMs (icd9toicd10cmgem.csv, icd10cmtoicd9gem.csv)."),
    out: Path = typer.Option(..., "--out", help="Output .sqlite file (the bundled one is ontologies/data/icd10cm.sqlite)."),
    index: Optional[Path] = typer.Option(None, "--index", help=INDEX_DIR_HELP + " Also compiles the Index beside OUT."),
    earlier_codes: Optional[Path] = typer.Option(None, "--earlier-codes", help=EARLIER_HELP),
) -> None:
    """Rebuild the bundled ICD-10-CM resource from the public CDC/CMS files (new fiscal year)."""
    from ontologies.icd10cm import build_icd10cm

    path = build_icd10cm(tabular_xml, out if out.suffix else out / "icd10cm.sqlite", gems_dir=gems)
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", err=True)
    if index is not None:
        _build_index(index, path, None, earlier_codes)


def _build_index(index_dir: Path, ontology_path: Path, out: Optional[Path], earlier: Optional[Path]) -> None:
    from ontologies.alphabetic_index import build_index
    from ontologies.store import Ontology

    tab = Ontology(ontology_path)
    target = out or tab.index_path
    path = build_index(index_dir, target, tabular=tab, earlier_codes=earlier)
    tab.close()
    from ontologies.alphabetic_index import AlphabeticIndex

    meta = AlphabeticIndex(path).meta
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB): Index FY{meta.get('year')} checked against the "
               f"FY{meta.get('tabular_version')} Tabular: {meta.get('codes_expanded')} codes expanded since, "
               f"{meta.get('codes_deleted')} deleted; {meta.get('unresolved_see')} see references name no entry", err=True)


@build_app.command("icd10cm-index")
def build_index_cmd(
    index_dir: Path = typer.Argument(..., help=INDEX_DIR_HELP),
    ontology: str = typer.Option("icd10cm", "--ontology", help="ICD-10-CM ontology whose Tabular checks the codes (name or .sqlite)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output .tsv.gz [default: beside the ontology, <name>_index.tsv.gz]."),
    earlier_codes: Optional[Path] = typer.Option(None, "--earlier-codes", help=EARLIER_HELP),
) -> None:
    """Compile the ICD-10-CM Alphabetic Index (main Index, Neoplasm Table, Table of Drugs) for code suggestion and search."""
    from ontologies.registry import resolve

    _build_index(index_dir, resolve(ontology), out, earlier_codes)


@build_app.command("snomed")
def build_snomed_cmd(
    rf2_dir: Path = typer.Argument(..., help="Unzipped SNOMED CT RF2 release folder (with Snapshot/)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder or .sqlite file [default: user data dir]."),
    name: str = typer.Option("snomed", "--name", help="Name to register it under (for --ontology NAME)."),
    language: str = typer.Option("us", "--language", help="Language refset for preferred terms: us, gb, or a refset id."),
) -> None:
    """Compile a SNOMED CT RF2 Snapshot and register it as NAME."""
    from ontologies.registry import register
    from ontologies.snomed import build_snomed

    path = build_snomed(rf2_dir, _target(out, name), name=name, language=language)
    register(name, path)
    typer.echo(f"wrote {path}; registered as {name!r} (use --ontology {name})", err=True)


@build_app.command("umls")
def build_umls_cmd(
    meta_dir: Path = typer.Argument(..., help="UMLS META folder (with MRCONSO.RRF)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder or .sqlite file [default: user data dir]."),
    name: str = typer.Option("umls", "--name", help="Name to register it under (for --ontology NAME)."),
    sab: Optional[List[str]] = typer.Option(None, "--sab", help="Source vocabularies to keep (repeat or comma-separate), e.g. --sab SNOMEDCT_US,MSH."),
    lang: str = typer.Option("ENG", "--lang", help="Language (MRCONSO LAT)."),
) -> None:
    """Compile UMLS MRCONSO/MRSTY/MRREL and register it as NAME."""
    from ontologies.registry import register
    from ontologies.umls import build_umls

    sabs = [s for item in (sab or []) for s in item.split(",") if s.strip()]
    path = build_umls(meta_dir, _target(out, name), name=name, sab=sabs or None, lang=lang)
    register(name, path)
    typer.echo(f"wrote {path}; registered as {name!r} (use --ontology {name})", err=True)


@ontology_app.command("search")
def search_cmd(
    text: str = typer.Argument(..., help="What to look up, e.g. \"type 2 diabetes\"."),
    ontology: str = ONTOLOGY_OPT,
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Number of results."),
) -> None:
    """Ranked codes, one per line: CODE<TAB>description<TAB>score."""
    import ontologies

    for hit in ontologies.load(ontology).search(text, limit=limit):
        typer.echo(f"{hit.code}\t{hit.description}\t{hit.score:.4f}")


@ontology_app.command("show")
def show_cmd(
    code: str = typer.Argument(..., help="A code, e.g. E11.9."),
    ontology: str = ONTOLOGY_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
) -> None:
    """Description, hierarchy, terms and instructional notes of one code."""
    import ontologies

    ont = ontologies.load(ontology)
    concept = ont[code]
    ancestors = [(a, ont.description(a)) for a in ont.ancestors(concept.code)]
    children = [(c, ont.description(c)) for c in ont.children(concept.code)]
    notes = ont.notes(concept.code)
    terms = [t.term for t in ont.terms(concept.code) if t.kind in ("synonym", "fsn", "abbreviation")]
    maps = [m.to_dict() for m in ont.map(concept.code)]
    index_terms = ont.index_terms(concept.code)
    if as_json:
        typer.echo(json.dumps({**concept.to_dict(), "ancestors": ancestors, "children": children, "notes": notes,
                               "terms": terms, "index": index_terms, "maps": maps}, ensure_ascii=False))
        return
    flag = " (billable)" if concept.billable and concept.system == "ICD-10-CM" else ""
    typer.echo(f"{concept.code}\t{concept.description}{flag}")
    typer.echo(f"system\t{concept.system} {ont.version}")
    for a, d in ancestors:
        typer.echo(f"ancestor\t{a}\t{d}")
    for c, d in children:
        typer.echo(f"child\t{c}\t{d}")
    for t in dict.fromkeys(terms):
        typer.echo(f"term\t{t}")
    for t in index_terms:  # the Alphabetic Index entries that lead here ("Housemaid's knee -> see Bursitis, prepatellar")
        typer.echo(f"index\t{t['path']}\t{t['code']}")
    for n in notes:
        typer.echo(f"{n['kind']}\t{n['text']}")
    for m in maps:
        typer.echo(f"map\t{m['target_system']}\t{m['target_code']}")


@ontology_app.command("map")
def map_cmd(
    code: str = typer.Argument(..., help="Source code, e.g. 250.00"),
    source: str = typer.Option(..., "--from", help="Source system: icd9, icd10cm, snomed, umls."),
    target: Optional[str] = typer.Option(None, "--to", help="Target system [default: any]."),
    ontology: Optional[str] = typer.Option(None, "--ontology", "-o", help="Ontology holding the map [default: icd10cm for icd9/icd10cm, else the source name]."),
) -> None:
    """Map a code: ICD-9-CM <-> ICD-10-CM (GEMs), SNOMED CT -> ICD-10-CM (map refset), UMLS CUI -> codes."""
    import ontologies
    from ontologies.store import canonical_system

    system = canonical_system(source)
    name = ontology or ("icd10cm" if system in ("ICD-9-CM", "ICD-10-CM") else source.lower())
    if system == "ICD-10-CM" and target is None:
        target = "icd9"
    hits = ontologies.load(name).map(code, source=source, target=target)
    if not hits:
        from corpora.errors import ONT_UNKNOWN_CODE
        from ontologies.errors import ontology_error

        raise ontology_error(ONT_UNKNOWN_CODE, f"no map for {system} code {code!r} in {name}",
                             "check the code and --from (GEMs hold billable codes only, e.g. 250.00 not 250)")
    for m in hits:
        flags = ",".join(f"{k}={v}" for k, v in sorted(m.attrs.items()) if v not in (0, "", None))
        typer.echo(f"{m.target_code}\t{m.description or ''}\t{flags}")


@ontology_app.command("list")
def list_cmd() -> None:
    """Ontologies you can pass to --ontology: NAME<TAB>system<TAB>path."""
    from ontologies.registry import available

    for name, info in sorted(available().items()):
        typer.echo(f"{name}\t{info.get('system', '')}\t{info.get('path', '')}")
