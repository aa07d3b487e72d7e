"""The ICD-10-CM Alphabetic Index: compiling it (fixture and the real files), the year check,
the coder's walk, reverse look-up, search, and the CLI."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

import ontologies
from clinlabel.cli import main
from corpora.errors import OntologyError
from ontologies.alphabetic_index import AlphabeticIndex, WordContext, build_index, words_of

DATA = Path(__file__).resolve().parents[1] / "data" / "ontologies" / "icd10cm_index"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "icd10cm"


@pytest.fixture(scope="module")
def small(tmp_path_factory, icd):
    out = tmp_path_factory.mktemp("index") / "small_index.tsv.gz"
    build_index(DATA, out, tabular=icd, earlier_codes=DATA / "earlier_codes.txt")
    return AlphabeticIndex(out)


def look(index, mention, sentence="", categories=()):
    words = set(words_of(sentence)) | set(words_of(mention))
    return index.lookup(WordContext(words_of(mention), words, words, set(categories)))


def test_fixture_compiles_with_checked_codes(small):
    assert small.meta["year"] == "2025" and small.meta["tabular_version"] == "2026"
    changes = {src: (status, code) for src, status, code in small.changes()}
    # G35 was billable in FY2024 and is subdivided in FY2026; A99.99 is in no Tabular
    assert changes["G35"] == ("expanded", "G35")
    assert changes["A99.99"][0] == "deleted"
    # a code printed with a dash is incomplete, not a change
    assert "M70.4-" not in changes
    pre = next(e for e in small.children(small.mains("bursitis")[0]) if e.term == "prepatellar")
    assert (pre.src_code, pre.code, pre.status) == ("M70.4-", "M70.4", "incomplete")


@pytest.mark.parametrize("mention,sentence,code", [
    ("hives", "", "L50.9"),                                 # see Urticaria
    ("housemaid's knee", "", "M70.4"),                      # see Bursitis, prepatellar
    ("diabetic neuropathy", "", "E11.40"),                  # Neuropathy, diabetic -> see E08-E13 with .40
    ("diabetic neuropathy", "type 1 diabetic", "E10.40"),   # the type in the sentence picks the category
    ("neuropathy", "", "G62.9"),
    ("pain", "right wrist pain", "M25.53"),                 # Pain, [joint,] wrist: an anatomy level the text skips
    ("tumor", "breast tumor", "D49.3"),                      # see Neoplasm, unspecified behavior, by site
])
def test_the_walk(small, mention, sentence, code):
    hit = look(small, mention, sentence)
    assert hit is not None and hit.code == code


def test_a_subterm_naming_another_condition_needs_both_in_the_text(small):
    assert look(small, "diabetes").code == "E11.9"
    hit = look(small, "diabetes", "diabetes with neuropathy")
    assert hit.code == "E11.40" and "neuropath" in hit.absorbed


def test_references_and_reverse_lookup(small):
    hives = small.entry(small.mains("hive")[0])
    assert hives.see == "Urticaria" and small.entry(hives.see_id).code == "L50.9"
    paths = {t["path"] for t in small.terms_for("M70.41", ancestors=["M70.4", "M70"])}
    assert "Housemaid's knee -> see Bursitis, prepatellar" in paths and "Bursitis, prepatellar" in paths
    # the Neoplasm Table and the Table of Drugs lead to their column's code
    assert any("[malignant primary]" in t["path"] for t in small.terms_for("C50.91"))
    assert any("[adverse effect]" in t["path"] for t in small.terms_for("T45.515"))


def test_compiled_file_is_plain_text_and_reproducible(small, icd, tmp_path):
    again = tmp_path / "again.tsv.gz"
    build_index(DATA, again, tabular=icd, earlier_codes=DATA / "earlier_codes.txt")
    assert again.read_bytes() == small.path.read_bytes()
    lines = gzip.open(again, "rt", encoding="utf-8").read().splitlines()
    assert lines[0].startswith("#schema\t") and any(ln.startswith("id\tparent\t") for ln in lines)


def test_xml_with_entities_is_refused_and_nothing_written(icd, tmp_path):
    src = tmp_path / "idx"
    shutil.copytree(DATA, src)
    (src / "icd10cm_drug_2025.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<ICD10CM.index><letter><mainTerm><title>&b;</title></mainTerm></letter></ICD10CM.index>")
    out = tmp_path / "out.tsv.gz"
    with pytest.raises(OntologyError, match="CL-ONT") as err:
        build_index(src, out, tabular=icd)
    assert "icd10cm_drug_2025.xml" in str(err.value) and "DTD" in str(err.value)
    assert not out.exists() and not list(tmp_path.glob("out.tsv.gz*"))


def test_bad_csv_line_is_located(icd, tmp_path):
    src = tmp_path / "idx"
    shutil.copytree(DATA, src)
    with (src / "icd10cm_index_2025_flat.csv").open("a", encoding="utf-8") as fh:
        fh.write("99,Z,x,Zzz,,,,\n")
    with pytest.raises(OntologyError, match="Level 'x' is not a number") as err:
        build_index(src, tmp_path / "out.tsv.gz", tabular=icd)
    assert ":23:" in str(err.value)


# ---------------------------------------------------------------------------- the bundled Index

@pytest.fixture(scope="module")
def bundled(icd):
    assert icd.index is not None, "ontologies/data/icd10cm_index.tsv.gz is missing"
    return icd.index


@pytest.mark.parametrize("mention,sentence,code", [
    ("hives", "", "L50.9"),
    ("lockjaw", "", "A35"),
    ("housemaid's knee", "", "M70.4"),
    ("neuropathy", "", "G62.9"),
    ("diabetic neuropathy", "type 2 diabetic", "E11.40"),
    ("hypertension", "hypertension with heart failure", "I11.0"),
    ("pleural effusion", "", "J90"),
    ("pulmonary nodule", "solitary pulmonary nodule", "R91.1"),   # pulmonary = lung
    ("osteoarthritis", "osteoarthritis of the right knee", "M17.1"),  # one side named = unilateral
    ("herniated nucleus pulposus", "C5-C6", "M50.20"),              # a cervical level names the region
    ("allergic rhinitis", "", "J30.9"),                              # the head word's main term first
])
def test_bundled_walks(bundled, mention, sentence, code):
    hit = look(bundled, mention, sentence)
    assert hit is not None and hit.code == code, hit


def test_due_to_must_be_written(bundled):
    # only "with" presumes a link (Guidelines I.A.15): "hypertension" next to kidney disease is
    # not "Hypertension, secondary, due to ... kidney"
    hit = look(bundled, "hypertension", "hypertension and chronic kidney disease")
    assert hit.code[:3] in ("I10", "I12")


def test_bundled_index_year_check(bundled):
    assert bundled.meta["year"] == "2025" and bundled.meta["tabular_version"] == "2026"
    expanded = {src for src, status, _ in bundled.changes() if status == "expanded"}
    assert {"G35", "R10.2", "E78.01"} <= expanded


def test_search_uses_index_words():
    icd = ontologies.load("icd10cm")
    for query, code in [("hives", "L50.9"), ("lockjaw", "A35"), ("housemaid's knee", "M70.40")]:
        assert icd.search(query, limit=3)[0].code == code


def test_show_lists_the_index_terms_that_lead_to_a_code(capsys):
    assert main(["ontology", "show", "M70.41"]) == 0
    out = capsys.readouterr().out
    assert "index\tHousemaid's knee -> see Bursitis, prepatellar\tM70.4-" in out
    assert "index\tBursitis, prepatellar\tM70.4-" in out
    assert main(["ontology", "show", "L50.9", "--json"]) == 0
    import json

    shown = json.loads(capsys.readouterr().out)
    assert any(t["path"].startswith("Hives") for t in shown["index"])


def test_build_command(tmp_path, capsys):
    out = tmp_path / "i.tsv.gz"
    assert main(["ontology", "build", "icd10cm-index", str(DATA), "--out", str(out),
                 "--earlier-codes", str(DATA / "earlier_codes.txt")]) == 0
    assert "1 codes expanded since" in capsys.readouterr().err and out.is_file()
    assert main(["ontology", "build", "icd10cm-index", str(tmp_path / "nothere")]) == 2
    assert "CL-ONT" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "index_2025").is_dir(), reason="needs ../shared/data/icd10cm/index_2025")
def test_bundled_index_is_the_build_of_the_shared_files(icd, tmp_path):
    out = tmp_path / "icd10cm_index.tsv.gz"
    build_index(SHARED / "index_2025", out, tabular=icd, earlier_codes=SHARED / "icd10cm-codes-2024.txt")
    assert out.read_bytes() == icd.index_path.read_bytes()


def test_injury_nouns_coded_by_site_are_matcher_terms():
    import ontologies

    index = ontologies.load("icd10cm").index
    injury = {key for key, _term, code in index.match_terms(set()) if code == "T14.8"}
    assert {"sprain", "laceration", "dislocation"} <= injury
    # words that also name a procedure or a normal finding, or lead elsewhere too, are left out
    assert not injury & {"puncture", "amputation", "tear", "strain"}
