from pathlib import Path

import pytest

import ontologies
from corpora.errors import OntologyError
from ontologies.umls import build_umls

DATA = Path(__file__).resolve().parents[1] / "data" / "ontologies"


@pytest.fixture(scope="module")
def umls(umls_file):
    return ontologies.Ontology(umls_file)


def test_build_lookup(umls):
    assert umls.system == "UMLS" and umls.version == "2024AA-fixture"
    c = umls.get("C0011860")
    assert c.description == "Diabetes Mellitus, Type 2" and c.kind == "Disease or Syndrome"
    terms = {t.term for t in umls.terms("C0011860")}
    assert {"Type 2 diabetes mellitus", "NIDDM"} <= terms
    assert "Diabetes Mellitus, Non-Insulin-Dependent (obsolete)" not in terms  # SUPPRESS = O
    assert not any(t.term == "Diabète" for t in umls.terms("C0011849"))  # LAT = FRE
    assert umls.notes("C0004057", "semantic_type")[0]["refs"] == ["T109"]


def test_hierarchy_from_mrrel(umls):
    assert umls.parents("C0011860") == ["C0011849"]  # PAR and the mirrored CHD row
    assert umls.ancestors("C0018802") == ["C0018801", "C0012634"]
    assert set(umls.descendants("C0012634")) >= {"C0011849", "C0011860", "C0018801", "C0018802"}
    assert "C0004057" not in umls.parents("C0011849")  # RO is not a hierarchy


def test_search_and_maps(umls):
    assert umls.search("chf", limit=1)[0].code == "C0018802"
    assert umls.search("high blood pressure", limit=1)[0].code == "C0020538"
    [m] = umls.map("C0018801", target="icd10cm")
    assert m.target_code == "I50.9" and m.description == "Heart failure, unspecified"
    assert {x.target_code for x in umls.map("C0011860", target="snomed")} == {"44054006"}


def test_sab_and_lang_filters(tmp_path):
    msh = ontologies.Ontology(build_umls(DATA / "umls_meta", tmp_path / "m.sqlite", sab=["MSH"]))
    assert "Type 2 diabetes mellitus" not in {t.term for t in msh.terms("C0011860")}  # SNOMEDCT_US/ICD10CM atoms dropped
    assert msh.map("C0011860", target="icd10cm")[0].target_code == "E11"  # maps kept whatever --sab says
    fre = ontologies.Ontology(build_umls(DATA / "umls_meta", tmp_path / "f.sqlite", lang="FRE"))
    assert len(fre) == 1 and fre.get("C0011849").description == "Diabète"
    with pytest.raises(OntologyError) as err:
        build_umls(DATA / "umls_meta", tmp_path / "g.sqlite", lang="GER")
    assert err.value.code == "CL-ONT003"


def test_bad_rrf_line_is_located(tmp_path):
    meta = tmp_path / "META"
    meta.mkdir()
    good = (DATA / "umls_meta" / "MRCONSO.RRF").read_text(encoding="utf-8")
    (meta / "MRCONSO.RRF").write_text(good + "C0000001|ENG|P|L1|PF|S1|Y|A1|||X|MSH|MH|X|No trailing pipe|0|N|256\n",
                                      encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        build_umls(meta, tmp_path / "x.sqlite")
    assert err.value.line == good.count("\n") + 1 and "trailing" in err.value.what
