import shutil
from pathlib import Path

import pytest

import ontologies
from corpora.errors import OntologyError
from ontologies.snomed import build_snomed

DATA = Path(__file__).resolve().parents[1] / "data" / "ontologies"


@pytest.fixture(scope="module")
def sct(snomed_file):
    return ontologies.Ontology(snomed_file)


def test_build_reads_active_rows_and_preferred_terms(sct):
    assert sct.system == "SNOMED CT" and sct.version == "20240301"
    assert len(sct) == 15  # the inactive concept 155299003 is left out
    assert sct.get("155299003") is None
    c = sct.get("44054006")
    assert c.description == "Diabetes mellitus type 2" and c.kind == "disorder"
    terms = {t.term for t in sct.terms("84114007")}
    assert "Cardiac failure" in terms and "Weak heart (retired synonym)" not in terms  # inactive description
    # US refset by default: the GB-only synonym is not a term
    assert not any("GB spelling" in t.term for t in sct.terms("38341003"))
    # "HF - Heart failure" gives the abbreviation and its expansion
    assert {"HF", "Heart failure"} <= {t.term for t in sct.terms("84114007")}


def test_gb_language_refset(tmp_path):
    gb = ontologies.Ontology(build_snomed(DATA / "snomed_rf2", tmp_path / "gb.sqlite", language="gb"))
    assert any("GB spelling" in t.term for t in gb.terms("38341003"))


def test_hierarchy_is_a_dag(sct):
    assert sct.parents("88805009") == ["42343007", "84114007"]  # two parents
    assert sct.ancestors("44054006") == ["73211009", "64572001", "404684003", "138875005"]
    assert set(sct.descendants("84114007")) == {"42343007", "88805009"}
    assert sct.children("73211009") == ["44054006", "46635009"]
    assert sct.get("44054006").depth == 4 and sct.get("44054006").chapter == "404684003"
    # the retired is-a row (pneumonia under cardiovascular) is ignored
    assert "49601007" not in sct.ancestors("233604007")


def test_search(sct):
    assert sct.search("type 2 diabetes", limit=1)[0].code == "44054006"
    assert sct.search("congestive cardiac failure", limit=1)[0].code == "42343007"
    assert sct.search("CHF", limit=1)[0].code == "42343007"
    assert sct.search("copd exacerbation", limit=1)[0].code == "195951007"


def test_map_to_icd10cm(sct):
    [m] = sct.map("44054006")
    assert (m.target_system, m.target_code) == ("ICD-10-CM", "E11.9")
    assert m.description == "Type 2 diabetes mellitus without complications"  # from the bundled ICD-10-CM
    maps = sct.map("73211009", target="icd10cm")
    assert [(x.target_code, x.attrs["priority"]) for x in maps] == [("E10.9", 1), ("E11.9", 2)]
    assert maps[0].attrs["rule"].startswith("IFA 445518008")
    assert sct.map("64572001") == []


def test_bad_rf2_file_is_located(tmp_path):
    rf2 = tmp_path / "rf2"
    shutil.copytree(DATA / "snomed_rf2", rf2)
    concept = next(rf2.rglob("sct2_Concept_Snapshot_*.txt"))
    with concept.open("a", encoding="utf-8", newline="") as fh:
        fh.write("12345\t20240301\t1\t900000000000207008\r\n")  # 4 fields
    lines = concept.read_text(encoding="utf-8").count("\n")
    with pytest.raises(OntologyError) as err:
        build_snomed(rf2, tmp_path / "x.sqlite")
    assert err.value.code == "CL-ONT004" and err.value.file == str(concept) and err.value.line == lines
    assert not (tmp_path / "x.sqlite").exists()
    with pytest.raises(OntologyError) as err:
        build_snomed(tmp_path / "nothing", tmp_path / "x.sqlite")
    assert err.value.code == "CL-ONT003"
