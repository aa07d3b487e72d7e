"""The bc5cdr preset's chemical-induced disease (CID) relation LFs and their Prodigy relations."""

from labeling_functions.api import ABSTAIN
from labeling_functions.presets.bc5cdr import CID, NO_CID, candidates, cid_lfset, weak_relations
from labeling_functions.relations import relation_matrix

TITLE = "Cocaine-induced seizures in rats."
ABSTRACT = ("Cocaine caused seizures after injection. Diazepam prevented seizures. "
            "Haloperidol was also given to rats with hypertension.")
TEXT = TITLE + " " + ABSTRACT


def _span(text, label, kb, start=0):
    s = TEXT.index(text, start)
    return {"start": s, "end": s + len(text), "label": label, "kb_id": kb, "text": text}


RECORD = {
    "text": TEXT,
    "meta": {"id": "r1", "passages": [{"type": "title", "start": 0, "end": len(TITLE)}]},
    "spans": [
        _span("Cocaine", "Chemical", "D003042"), _span("seizures", "Disease", "D012640"),
        _span("Cocaine", "Chemical", "D003042", len(TITLE)), _span("seizures", "Disease", "D012640", len(TITLE)),
        _span("Diazepam", "Chemical", "D003975"), _span("seizures", "Disease", "D012640", TEXT.index("Diazepam")),
        _span("Haloperidol", "Chemical", "D006220"), _span("hypertension", "Disease", "D006973"),
    ],
}


def test_candidates_and_lf_votes():
    cands = candidates(RECORD)
    pairs = {(c.chemical, c.disease) for c in cands}
    assert len(pairs) == 6  # 3 chemicals x 2 diseases
    lfset = cid_lfset()
    L = relation_matrix(cands, lfset)
    col = {n: j for j, n in enumerate(lfset.names)}
    row = {(c.chemical, c.disease): L[i] for i, c in enumerate(cands)}
    coc = row[("D003042", "D012640")]
    assert coc[col["chemical_induced_pattern"]] == CID
    assert coc[col["both_in_title"]] == CID
    assert row[("D003975", "D012640")][col["treatment_trigger"]] == NO_CID
    assert row[("D003975", "D006973")][col["never_same_sentence"]] == NO_CID
    assert row[("D006220", "D012640")][col["chemical_induced_pattern"]] == ABSTAIN


def test_majority_relations_in_prodigy_format():
    out = next(weak_relations([RECORD], label_model="majority"))
    rels = out["relations"]
    got = {(r["head_kb_id"], r["child_kb_id"]) for r in rels}
    assert ("D003042", "D012640") in got
    assert ("D003975", "D012640") not in got and ("D003975", "D006973") not in got
    r = next(r for r in rels if r["head_kb_id"] == "D003042")
    assert r["label"] == "CID" and r["head_span"]["label"] == "Chemical" and r["child_span"]["label"] == "Disease"
    assert TEXT[r["head_span"]["start"]:r["head_span"]["end"]] == "Cocaine"
    assert r["head"] == r["head_span"]["token_end"] and 0 < r["score"] <= 1 and r["source"]


def test_cli_lf_relations(tmp_path, capsys):
    import json

    from clinlabel.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(RECORD) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["lf", "relations", str(src), "-o", str(out)]) == 0
    rec = json.loads(out.read_text().splitlines()[0])
    assert ("D003042", "D012640") in {(r["head_kb_id"], r["child_kb_id"]) for r in rec["relations"]}
    assert main(["lf", "relations", str(src), "-o", str(tmp_path / "o2.jsonl"), "--label-model", "nope"]) == 2
    assert "CL-LF008" in capsys.readouterr().err
