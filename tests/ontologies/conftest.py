from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "ontologies"


@pytest.fixture(autouse=True)
def _user_data_dir(tmp_path, monkeypatch):
    """Every test registers into its own user data dir."""
    monkeypatch.setenv("CLINLABEL_DATA_DIR", str(tmp_path / "userdata"))


@pytest.fixture(scope="session")
def icd():
    import ontologies

    return ontologies.load("icd10cm")


@pytest.fixture(scope="session")
def snomed_file(tmp_path_factory):
    from ontologies.snomed import build_snomed

    return build_snomed(DATA / "snomed_rf2", tmp_path_factory.mktemp("sct") / "snomed.sqlite")


@pytest.fixture(scope="session")
def umls_file(tmp_path_factory):
    from ontologies.umls import build_umls

    return build_umls(DATA / "umls_meta", tmp_path_factory.mktemp("umls") / "umls.sqlite")
