from pathlib import Path

from clinlabel.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "ontologies"


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


def test_search_output_format(capsys):
    assert main(["ontology", "search", "type 2 diabetes", "--limit", "5"]) == 0
    lines = _lines(capsys)
    assert len(lines) == 5
    code, desc, score = lines[0].split("\t")
    assert "E11.9" in [ln.split("\t")[0] for ln in lines]
    assert float(score) <= 1.0
    for q, want in [("chf", "I50.9"), ("heart failure", "I50.9"), ("copd exacerbation", "J44.1"), ("pneumonia", "J18.9")]:
        assert main(["ontology", "search", q, "--ontology", "icd10cm", "--limit", "3"]) == 0
        assert _lines(capsys)[0].split("\t")[0] == want


def test_show_and_map(capsys):
    assert main(["ontology", "show", "E11.9"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("E11.9\tType 2 diabetes mellitus without complications (billable)")
    assert "ancestor\tE11\tType 2 diabetes mellitus" in out and "excludes1\t" in out
    assert main(["ontology", "map", "250.00", "--from", "icd9"]) == 0
    assert _lines(capsys)[0].startswith("E11.9\tType 2 diabetes mellitus without complications\tapproximate=1")
    assert main(["ontology", "show", "X99.999"]) == 2
    assert "CL-ONT002" in capsys.readouterr().err
    assert main(["ontology", "map", "250.00", "--from", "icd99"]) == 2


def test_build_register_and_use(tmp_path, capsys):
    assert main(["ontology", "build", "snomed", str(DATA / "snomed_rf2"), "--name", "mysct"]) == 0
    capsys.readouterr()
    assert main(["ontology", "list"]) == 0
    assert any(ln.startswith("mysct\tSNOMED CT\t") for ln in _lines(capsys))
    assert main(["ontology", "search", "heart failure", "--ontology", "mysct", "--limit", "1"]) == 0
    assert _lines(capsys)[0].startswith("84114007\tHeart failure\t")
    assert main(["ontology", "map", "42343007", "--from", "snomed", "--ontology", "mysct"]) == 0
    assert _lines(capsys)[0].startswith("I50.9\tHeart failure, unspecified")
    out = tmp_path / "u.sqlite"
    assert main(["ontology", "build", "umls", str(DATA / "umls_meta"), "--out", str(out), "--sab", "MSH,SNOMEDCT_US"]) == 0
    assert out.is_file()
    assert main(["ontology", "show", "C0018802", "--ontology", "umls"]) == 0
    assert "ancestor\tC0018801\tHeart Failure" in capsys.readouterr().out
    assert main(["ontology", "search", "x", "--ontology", "nothere"]) == 2
    assert "CL-ONT001" in capsys.readouterr().err
