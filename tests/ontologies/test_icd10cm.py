import time
from collections import Counter

import pytest

import ontologies
from corpora.errors import OntologyError
from ontologies.icd10cm import dotted, icd9_dotted, parse_refs, ref_covers


def test_bundled_loads_fast_through_importlib_resources():
    from ontologies import registry

    registry._cache.clear()
    t0 = time.perf_counter()
    icd = ontologies.load("icd10cm")
    assert icd.get("E11.9") is not None
    assert time.perf_counter() - t0 < 1.0
    assert icd.system == "ICD-10-CM" and icd.version == "2026"
    assert icd.path.name == "icd10cm.sqlite" and icd.path.parent.name == "data"


def test_codes_match_simple_icd_10_cm_code_list(icd):
    """Every code of the April 2026 release, as listed by the simple-icd-10-cm package."""
    from importlib import resources

    raw = resources.files("simple_icd_10_cm").joinpath("data", "code-list-April-2026.txt").read_text().split()
    listed = [dotted(c) for c in raw]  # the list has no dots
    ours = set(icd.codes())
    # one-category blocks are "B20-B20" here (the list gives block and category one name, twice)
    assert {c for c in ours if "-" not in c} == {c for c in listed if "-" not in c}
    twice = {c for c, n in Counter(listed).items() if n == 2}
    assert {c for c in ours if "-" in c} == {c for c in listed if "-" in c} | {f"{c}-{c}" for c in twice}
    billable = set(icd.codes(billable_only=True))
    assert len(billable) == 74719 and {"B20", "F99", "Z66", "E11.9", "S72.001A"} <= billable
    assert not billable & {"E11", "S72.001", "I50"}
    assert icd.ancestors("B20") == ["B20-B20", "1"]


def test_concept_fields_and_hierarchy(icd):
    c = icd.get("e119")  # code normalised
    assert c.code == "E11.9" and c.description == "Type 2 diabetes mellitus without complications"
    assert c.billable and c.kind == "subcategory"
    assert (c.chapter, c.block, c.category) == ("4", "E08-E13", "E11")
    assert not icd.get("E11").billable
    assert icd.ancestors("E11.9") == ["E11", "E08-E13", "4"]
    assert "E11.9" in icd.children("E11") and "E11.65" in icd.descendants("E11")
    assert icd.is_ancestor("E08-E13", "E11.65")
    assert icd.default_code("E11") == "E11.9" and icd.default_code("I50") == "I50.9"
    assert icd.default_code("E11.65") == "E11.65"


def test_seventh_character_extensions(icd):
    c = icd.get("S72.001A")
    assert c.billable and c.parent == "S72.001"
    assert c.description.endswith("initial encounter for closed fracture")
    assert not icd.get("S72.001").billable
    assert icd.get("T36.0X1A") is not None  # placeholder X
    # "7th characters D and S do not apply to ... 6th character 7": S06.1X7D does not exist
    assert icd.get("S06.1X7A") is not None and icd.get("S06.1X7D") is None


def test_notes(icd):
    assert "Classical cholera" in icd.inclusion_terms("A00.0")
    ex1 = icd.excludes1("E11.9")
    assert any("E08.-" in n["refs"] for n in ex1)  # inherited from E11
    assert icd.use_additional_code("E11.9")
    assert icd.excludes2("I10", inherited=True) or icd.excludes1("I10")
    assert icd.excludes1_conflict("E11.9", "E10.9")
    assert icd.excludes1_conflict("E10.9", "E11.9")
    assert not icd.excludes1_conflict("E11.9", "I10")


@pytest.mark.parametrize(
    "ref,code,expected",
    [("E10.-", "E10.9", True), ("E10.-", "E11.9", False), ("E08-E13", "E11.65", True), ("E08-E13", "E14", False),
     ("O24.4-", "O24.410", True), ("I10", "I10", True), ("I10", "I11.0", False)],
)
def test_ref_covers(ref, code, expected):
    assert ref_covers(ref, code) is expected


def test_parse_refs_and_code_forms():
    assert parse_refs("diabetes mellitus due to underlying condition (E08.-)") == ["E08.-"]
    assert parse_refs("neonatal diabetes (P70.2), gestational (O24.4-)") == ["P70.2", "O24.4-"]
    assert parse_refs("hypertension complicating pregnancy (O10-O11, O13-O16)") == ["O10-O11", "O13-O16"]
    assert dotted("e1165") == "E11.65" and dotted("A00-A09") == "A00-A09"
    assert icd9_dotted("25000") == "250.00" and icd9_dotted("E8120") == "E812.0" and icd9_dotted("V5861") == "V58.61"


def test_gems_maps(icd):
    [m] = icd.map("25000", source="icd9")
    assert m.target_code == "E11.9" and m.attrs["approximate"] == 1
    assert m.description.startswith("Type 2 diabetes")
    assert {x.target_code for x in icd.map("E11.9", target="icd9")} == {"250.00"}
    assert icd.map("999.99", source="icd9") == []


@pytest.mark.parametrize(
    "query,code,top",
    [("type 2 diabetes", "E11.9", 5), ("chf", "I50.9", 1), ("CHF", "I50.9", 1), ("heart failure", "I50.9", 1),
     ("copd exacerbation", "J44.1", 1), ("pneumonia", "J18.9", 1),
     ("diabetes type 2", "E11.9", 5),  # word order
     ("heart failures", "I50.9", 1),  # plural
     ("pnuemonia", "J18.9", 1),  # misspelling
     ("exacerbation of copd", "J44.1", 1), ("htn", "I10", 1), ("uti", "N39.0", 1), ("E11.9", "E11.9", 1)],
)
def test_search_ranks_as_a_coder_needs(icd, query, code, top):
    hits = icd.search(query, limit=top)
    assert code in [h.code for h in hits], [(h.code, h.score) for h in hits]


def test_search_scores_are_ordered(icd):
    hits = icd.search("heart failure", limit=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    assert icd.search("zzzzqqq", limit=5) == []


def test_terms_for_code_suggestion(icd):
    best = {t.key: t.code for t in icd.terms(best_only=True) if t.key in ("heart failure", "type 2 diabetes", "pneumonia")}
    assert best == {"heart failure": "I50.9", "type 2 diabetes": "E11.9", "pneumonia": "J18.9"}
    kinds = {t.kind for t in icd.terms("I50.9")}
    assert {"description", "inclusion", "abbreviation"} <= kinds


def test_unknown_code_and_name():
    icd = ontologies.load("icd10cm")
    with pytest.raises(OntologyError) as err:
        icd["X99.999"]
    assert err.value.code == "CL-ONT002"
    with pytest.raises(OntologyError) as err:
        ontologies.load("nosuchontology")
    assert err.value.code == "CL-ONT001" and "clinlabel ontology build" in str(err.value)


def test_rebuild_from_small_tabular(tmp_path):
    """The build command's parser on a tiny tabular in the real layout, with a GEM CSV."""
    from ontologies.icd10cm import build_icd10cm

    xml = tmp_path / "tab.xml"
    xml.write_text("""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><version>2099</version>
  <chapter><name>9</name><desc>Diseases of the circulatory system (I00-I99)</desc>
    <section id="I30-I5A"><desc>Other forms of heart disease (I30-I5A)</desc>
      <diag><name>I50</name><desc>Heart failure</desc>
        <excludes1><note>neonatal cardiac failure (P29.0)</note></excludes1>
        <diag><name>I50.9</name><desc>Heart failure, unspecified</desc>
          <inclusionTerm><note>Congestive heart failure NOS</note></inclusionTerm></diag>
      </diag>
    </section></chapter>
</ICD10CM.tabular>""", encoding="utf-8")
    gems = tmp_path / "gems"
    gems.mkdir()
    (gems / "icd9toicd10cmgem.csv").write_text(
        '"icd9cm","icd10cm","flags","approximate","no_map","combination","scenario","choice_list"\n'
        '"4280","I509","00000",0,0,0,0,0\n', encoding="utf-8")
    ont = ontologies.Ontology(build_icd10cm(xml, tmp_path / "x.sqlite", gems_dir=gems))
    assert ont.version == "2099" and ont.get("I50.9").billable and ont.ancestors("I50.9") == ["I50", "I30-I5A", "9"]
    assert ont.search("congestive heart failure", limit=1)[0].code == "I50.9"
    assert ont.map("428.0", source="icd9")[0].target_code == "I50.9"
    (gems / "icd9toicd10cmgem.csv").write_text('"icd9cm","icd10cm","flags"\n"4280","I509","0x"\n', encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        build_icd10cm(xml, tmp_path / "y.sqlite", gems_dir=gems)
    assert err.value.line == 2 and "icd9toicd10cmgem.csv" in err.value.file
    assert not (tmp_path / "y.sqlite").exists() and not (tmp_path / "y.sqlite.tmp").exists()
