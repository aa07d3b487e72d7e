"""Exchange formats (issue 19): Label Studio, doccano, UIMA CAS XMI, CoNLL/IOB2, DocBin entities.

Round trips keep exactly what the README's format table says each format keeps; hostile files
get located errors that name offsets and lengths, never the note's text; XML with a DTD is
refused before any entity could be expanded.
"""

from __future__ import annotations

import copy
import json

import pytest

from corpora.errors import ClinlabelError
from corpora.formats import infer_format, read_corpus, write_corpus
from corpora.record import ASSERTIONS

SECRET = "Zanzibar-Quokka"  # a word of the note that must never appear in an error message


def _record() -> dict:
    text = f"{SECRET} denies fever.\nMother had breast cancer 😀. Chest pain resolved in 2019."

    def span(word, label, **extra):
        start = text.index(word)
        out = {"start": start, "end": start + len(word), "label": label, "text": word,
               **{name: False for name in ASSERTIONS}, "score": 0.5, "kb_id": f"K{start}", "source": ["lf_x"]}
        out.update(extra)
        return out

    spans = [span("fever", "Problem", negated=True, score=0.9), span("breast cancer", "Problem", family=True),
             span("Chest pain", "Problem", historical=True, code="R07.9")]
    rel = {"head_span": {k: spans[1][k] for k in ("start", "end", "label")},
           "child_span": {k: spans[2][k] for k in ("start", "end", "label")}, "label": "related"}
    return {"text": text, "meta": {"id": "note 1", "site": "A"}, "spans": spans, "relations": [rel],
            "codes": [{"code": "R50.9", "status": "negated"}]}


#: what each format keeps (the README table): span keys, and whether relations / meta / codes survive
KEEPS = {
    "label-studio": {"span": ("start", "end", "label", "text", "score", "kb_id", "source", "code", *ASSERTIONS),
                     "relations": True, "meta": True, "codes": True, "offsets": True},
    "doccano": {"span": ("start", "end", "label", "text"), "relations": True, "meta": True, "codes": False,
                "offsets": True},
    "xmi": {"span": ("start", "end", "label", "text", "score", "kb_id", *ASSERTIONS), "relations": True,
            "meta": False, "codes": False, "offsets": True},
    "conll": {"span": ("label", "text"), "relations": False, "meta": False, "codes": False, "offsets": False},
    "docbin": {"span": ("start", "end", "label", "text", "score", "kb_id", "source", "code", *ASSERTIONS),
               "relations": True, "meta": True, "codes": True, "offsets": True},
}
OUT_NAME = {"label-studio": "tasks.json", "doccano": "out.jsonl", "xmi": "xmi_out", "conll": "out.conll",
            "docbin": "out.spacy"}


@pytest.mark.parametrize("fmt", sorted(KEEPS))
def test_round_trip_keeps_what_the_table_says(fmt, tmp_path):
    rec = _record()
    out = tmp_path / OUT_NAME[fmt]
    assert write_corpus([copy.deepcopy(rec), {"text": "Second note.", "meta": {"id": "n2"}}], out, fmt) == 2
    back = sorted(read_corpus(out, fmt), key=lambda r: r["meta"]["id"] != "note 1")  # XMI: file-name order
    assert len(back) == 2
    got = back[0]
    keep = KEEPS[fmt]
    assert got["meta"]["id"] == "note 1"
    if keep["offsets"]:
        assert got["text"] == rec["text"]
    span_keys = keep["span"]
    want = sorted(({k: s.get(k) for k in span_keys} for s in rec["spans"]), key=json.dumps)
    have = sorted(({k: s.get(k) for k in span_keys} for s in got["spans"]), key=json.dumps)
    assert have == want
    if keep["relations"]:
        assert [r["label"] for r in got["relations"]] == ["related"]
        assert got["relations"][0]["head_span"] == rec["relations"][0]["head_span"]
        assert got["relations"][0]["child_span"] == rec["relations"][0]["child_span"]
    else:
        assert not got.get("relations")
    if keep["meta"]:
        assert got["meta"]["site"] == "A"
    if keep["codes"]:
        assert got["codes"] == rec["codes"]
    # the second, empty note survives as a note without spans
    assert back[1]["meta"]["id"] == "n2" and back[1].get("spans", []) == []


def test_conll_is_stable_after_one_round_and_drops_whitespace(tmp_path):
    rec = _record()
    first, second = tmp_path / "a.conll", tmp_path / "b.conll"
    write_corpus([rec], first, "conll")
    write_corpus(list(read_corpus(first)), second, "conll")
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    lines = first.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "-DOCSTART- -X- note%201 O"
    assert "fever B-Problem" in lines and "breast B-Problem" in lines and "cancer I-Problem" in lines
    assert all(len(line.split(" ")) == 2 for line in lines[1:] if line)  # TOKEN TAG, no whitespace tokens
    # one sentence per line break or sentence end: the first sentence ends after "fever ."
    assert lines[lines.index("fever B-Problem") + 2] == ""


def test_conll_without_docstart_gives_a_record_per_sentence(tmp_path):
    path = tmp_path / "plain.iob"
    path.write_text("Aspirin B-Chemical\nhelps O\n\nRenal B-Disease\nfailure I-Disease\n.\tNN\tO\n", encoding="utf-8")
    recs = list(read_corpus(path))
    assert [r["text"] for r in recs] == ["Aspirin helps", "Renal failure ."]
    assert [(s["text"], s["label"]) for s in recs[1]["spans"]] == [("Renal failure", "Disease")]
    assert recs[1]["tokens"][2]["conll"] == ["NN"]


def test_doccano_relation_project_lines_are_read(tmp_path):
    path = tmp_path / "rel.jsonl"
    line = {"id": 7, "text": "Lithium caused tremor.", "Comments": [],
            "entities": [{"id": 1, "label": "Chemical", "start_offset": 0, "end_offset": 7},
                         {"id": 2, "label": "Disease", "start_offset": 15, "end_offset": 21}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "CID"}]}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    rec = next(read_corpus(path))  # inferred? .jsonl with entities: read explicitly below
    rec = next(read_corpus(path, "doccano"))
    assert rec["meta"] == {"id": "7", "doccano_id": 7, "Comments": []}
    assert [s["text"] for s in rec["spans"]] == ["Lithium", "tremor"]
    assert rec["relations"] == [{"head_span": {"start": 0, "end": 7, "label": "Chemical"},
                                 "child_span": {"start": 15, "end": 21, "label": "Disease"}, "label": "CID"}]


def test_xmi_fixture_in_inception_layout(test_data):
    [rec] = list(read_corpus(test_data / "corpora" / "xmi"))
    assert rec["meta"]["id"] == "note-17"
    text = rec["text"]
    got = [(text[s["start"]:s["end"]], s["label"], s.get("kb_id"), s.get("negated"), s.get("family"))
           for s in rec["spans"]]
    assert got == [("fever", "Problem", "C0015967", True, None),
                   ("breast cancer", "Problem", "C0006142", None, True),
                   ("Metformin", "Drug", None, None, None),  # after the emoji: UTF-16 offsets converted
                   ("diabetes", "Problem", None, False, None)]
    [rel] = rec["relations"]
    assert (rel["label"], text[rel["head_span"]["start"]:rel["head_span"]["end"]],
            text[rel["child_span"]["start"]:rel["child_span"]["end"]]) == ("treated_by", "diabetes", "Metformin")


def test_written_xmi_is_private_and_has_its_type_system(tmp_path):
    write_corpus([_record()], tmp_path / "x", "xmi")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["TypeSystem.xml", "note_1.xmi"]
    assert (tmp_path / "x" / "note_1.xmi").stat().st_mode & 0o077 == 0


def test_label_studio_config_and_utf16_offsets(tmp_path):
    out = tmp_path / "t.json"
    write_corpus([_record()], out, "label-studio")
    config = (tmp_path / "t.label_config.xml").read_text(encoding="utf-8")
    assert '<Label value="Problem" />' in config and '<Relation value="related" />' in config
    assert 'name="assertion"' in config and 'perRegion="true"' in config
    [task] = json.loads(out.read_text(encoding="utf-8"))
    rec = _record()
    chest = next(i for i in task["predictions"][0]["result"] if i.get("value", {}).get("text") == "Chest pain")
    start = rec["text"].index("Chest pain")
    assert chest["value"]["start"] == start + 1  # the emoji before it is two UTF-16 units
    assert task["predictions"][0]["model_version"] == "clinlabel"


def test_label_studio_export_gives_one_record_per_annotator(tmp_path):
    text = "No fever."
    region = lambda rid, flags=(): [  # noqa: E731
        {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 3, "end": 8, "text": "fever", "labels": ["Problem"]}},
        *([{"id": rid, "from_name": "assertion", "to_name": "text", "type": "choices",
            "value": {"start": 3, "end": 8, "choices": list(flags)}}] if flags else [])]
    export = [{"id": 5, "data": {"text": text, "meta": {"id": "n5"}},
               "annotations": [{"id": 1, "completed_by": 3, "result": region("a", ["negated"])},
                               {"id": 2, "completed_by": {"id": 4, "email": "b@x.org"}, "result": region("b")},
                               {"id": 3, "completed_by": 5, "was_cancelled": True, "result": []}],
               "predictions": [{"model_version": "m", "result": region("p")}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    assert infer_format(path) == "label-studio"
    recs = list(read_corpus(path))
    assert [r["_annotator_id"] for r in recs] == ["label-studio-user-3", "b@x.org", "label-studio-user-5"]
    assert [r["answer"] for r in recs] == ["accept", "accept", "ignore"]
    assert [r["spans"][0]["negated"] for r in recs[:2]] == [True, False]
    assert all(r["meta"]["id"] == "n5" and isinstance(r["_input_hash"], int) for r in recs)
    assert len({r["_input_hash"] for r in recs}) == 1


def test_inference_of_new_formats(tmp_path, test_data):
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "ab", "label": [[0, 1, "X"]]}) + "\n", encoding="utf-8")
    assert infer_format(doccano) == "doccano"
    assert infer_format(test_data / "corpora" / "xmi") == "xmi"
    assert infer_format(test_data / "corpora" / "xmi" / "note-17.xmi") == "xmi"
    assert infer_format(tmp_path / "o.conll", writing=True) == "conll"
    tasks = tmp_path / "tasks.json"  # our own task file, even without pre-annotations
    write_corpus([{"text": "a", "meta": {"id": "1"}}], tasks, "label-studio")
    assert infer_format(tasks) == "label-studio"
    prodigy = tmp_path / "p.jsonl"
    prodigy.write_text(json.dumps({"text": "ab", "spans": [], "label": "X"}) + "\n", encoding="utf-8")
    assert infer_format(prodigy) == "prodigy"


# --- hostile input --------------------------------------------------------------------------

def _bad_doccano(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps({"text": f"{SECRET} ok", "label": [[0, 3, "X"]]}) + "\n"
                 + json.dumps({"text": f"{SECRET} bad", "label": [[5, 999, "X"]]}) + "\n", encoding="utf-8")
    return p, "doccano", "2", "offsets 5-999"


def _bad_conll(tmp_path):
    p = tmp_path / "bad.conll"
    p.write_text(f"{SECRET} O\nfever X-Problem\n", encoding="utf-8")
    return p, "conll", "2", "is not O, B-TYPE or I-TYPE"


def _bad_label_studio(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps([{"id": 1, "data": {"text": f"{SECRET} x"}, "annotations": [{"id": 1, "result": [
        {"id": "r", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 2, "end": 500, "labels": ["X"]}}]}]}]), encoding="utf-8")
    return p, "label-studio", None, "offsets 2-500"


def _bad_conll_columns(tmp_path):
    p = tmp_path / "cols.conll"
    p.write_text(f"-DOCSTART- -X- -X- O\n\n{SECRET} O\nlonely\n", encoding="utf-8")
    return p, "conll", "4", "1 column"


@pytest.mark.parametrize("make", [_bad_doccano, _bad_conll, _bad_label_studio, _bad_conll_columns])
def test_hostile_files_get_located_errors_without_note_text(make, tmp_path):
    path, fmt, line, what = make(tmp_path)
    with pytest.raises(ClinlabelError) as info:
        list(read_corpus(path, fmt))
    msg = str(info.value)
    assert msg.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert what in msg and "[CL-IO" in msg
    assert SECRET not in msg


XML_ATTACKS = {
    "internal entity": '<!DOCTYPE x [<!ENTITY secret "{secret}">]>',
    "external entity": '<!DOCTYPE x [<!ENTITY secret SYSTEM "file://{file}">]>',
    "billion laughs": '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY secret "&c;&c;&c;&c;&c;&c;&c;&c;">]>',
}


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
@pytest.mark.parametrize("target", ["xmi", "typesystem"])
def test_xmi_with_a_dtd_is_refused_and_nothing_is_expanded(attack, target, tmp_path, test_data):
    import shutil

    folder = tmp_path / "xmi"
    shutil.copytree(test_data / "corpora" / "xmi", folder)
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    name = "note-17.xmi" if target == "xmi" else "TypeSystem.xml"
    path = folder / name
    body = path.read_text(encoding="utf-8")
    decl, rest = body.split("\n", 1)
    doctype = XML_ATTACKS[attack].format(secret=SECRET, file=outside)
    if target == "xmi":
        rest = rest.replace('documentTitle="note-17.txt"', 'documentTitle="&secret;"')
    path.write_text(f"{decl}\n{doctype}\n{rest}", encoding="utf-8")
    with pytest.raises(ClinlabelError) as info:
        list(read_corpus(folder, "xmi"))
    assert info.value.code == "CL-IO102"
    assert str(info.value).startswith(f"{path}:2: ")
    assert SECRET not in str(info.value)


def test_docbin_puts_non_overlapping_spans_in_ents(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    text = "Severe renal failure and fever ."
    rec = {"text": text, "meta": {"id": "1"}, "spans": [
        {"start": 7, "end": 20, "label": "Disease"}, {"start": 7, "end": 12, "label": "Organ"},
        {"start": 25, "end": 30, "label": "Disease"}, {"start": 0, "end": 6, "label": "Severity"}]}
    out = tmp_path / "d.spacy"
    write_corpus([rec], out, "docbin", ents="Disease,Organ")
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("renal failure", "Disease"), ("fever", "Disease")]
    assert len(doc.spans["clinlabel"]) == 4  # every span stays in the span group
    assert next(read_corpus(out))["spans"] == rec["spans"]  # and the record comes back whole


def test_xmi_with_an_endless_prolog_is_refused(tmp_path, test_data):
    import shutil

    folder = tmp_path / "xmi"
    shutil.copytree(test_data / "corpora" / "xmi", folder)
    path = folder / "note-17.xmi"
    path.write_bytes(b'<?xml version="1.0"?>\n<!-- ' + b"x" * (1 << 20) + b" -->\n" + path.read_bytes().split(b"\n", 1)[1])
    with pytest.raises(ClinlabelError) as info:
        list(read_corpus(folder, "xmi"))
    assert info.value.code == "CL-IO102"
