"""The shared public corpora (../shared/data): BC5CDR in PubTator and BioC, Chia in brat."""

from __future__ import annotations

import json
import random

import pytest

from clinlabel.cli import main
from corpora.formats import read_corpus, write_corpus
from corpora.readers.brat import read_brat_pair


def _pubtator_mentions(path):
    """The mentions of a PubTator file, parsed independently: {pmid: [(start, end, type)]}."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if "|t|" in line[:20]:
                out.setdefault(line.split("|", 1)[0], [])
            f = line.rstrip("\n").split("\t")
            if len(f) >= 5 and f[1].isdigit():
                out[f[0]].append((int(f[1]), int(f[2]), f[4]))
    return out


def test_bc5cdr_training_pubtator_equals_bioc(shared_data):
    d = shared_data / "bc5cdr"
    pub = list(read_corpus(d / "CDR_TrainingSet.PubTator.txt"))
    bioc = list(read_corpus(d / "CDR_TrainingSet.BioC.xml"))
    assert len(pub) == len(bioc) == 500
    assert [r["meta"]["id"] for r in pub] == [r["meta"]["id"] for r in bioc]
    for a, b in zip(pub, bioc):
        assert a["text"] == b["text"]
        assert a["spans"] == b["spans"]
        assert a.get("relations") == b.get("relations")
        assert a == b
    assert sum(len(r["spans"]) for r in pub) == 9385
    assert sum(len(r.get("relations", [])) for r in pub) == 1038
    # every CID relation points at real mentions carrying its concept ids
    for r in pub:
        for rel in r.get("relations", []):
            assert rel["label"] == "CID"
            assert rel["head_span"]["label"] == "Chemical" and rel["child_span"]["label"] == "Disease"
            assert rel["head_kb_id"] in rel["head_span"]["kb_id"].split("|")
            assert rel["child_kb_id"] in rel["child_span"]["kb_id"].split("|")


def test_convert_bc5cdr_dev_to_prodigy(shared_data, tmp_path, capsys):
    src = shared_data / "bc5cdr" / "CDR_DevelopmentSet.PubTator.txt"
    out = tmp_path / "dev.jsonl"
    assert main(["convert", str(src), "-o", str(out), "--to", "prodigy"]) == 0
    assert "wrote 500 records" in capsys.readouterr().err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 500
    mentions = _pubtator_mentions(src)
    assert [r["meta"]["id"] for r in records] == list(mentions)
    for r in records:
        assert [(s["start"], s["end"], s["label"]) for s in r["spans"]] == mentions[r["meta"]["id"]]
        for s in r["spans"]:
            assert r["text"][s["start"]:s["end"]] == s["text"]


def _check_offsets(records):
    n = 0
    for r in records:
        for s in r["spans"]:
            assert r["text"][s["start"]:s["end"]] == s["text"], (r["meta"]["id"], s)
            n += 1
    return n


def test_chia_subset_round_trips_through_brat(shared_data, tmp_path):
    chia = shared_data / "chia"
    txts = sorted(chia.glob("*.txt"))
    subset = random.Random(3).sample(txts, 50)
    # the documents with CRLF text and broken .ann lines are in every run
    subset += [chia / "NCT02590822_inc.txt", chia / "NCT02590822_exc.txt", chia / "NCT02785549_inc.txt"]
    records = [read_brat_pair(t, t.with_suffix(".ann")) for t in sorted(set(subset))]
    assert _check_offsets(records) > 1000
    write_corpus(records, tmp_path / "brat", "brat")
    back = list(read_corpus(tmp_path / "brat", "brat"))
    assert back == records
    write_corpus(records, tmp_path / "c.jsonl", "prodigy")
    assert list(read_corpus(tmp_path / "c.jsonl")) == records


def test_chia_full_pass(shared_data):
    records = list(read_corpus(shared_data / "chia"))
    assert len(records) == len(list((shared_data / "chia").glob("*.txt")))
    assert _check_offsets(records) > 30000
    discontinuous = [s for r in records for s in r["spans"] if "fragments" in s]
    assert discontinuous and all([s["start"], s["end"]] in s["fragments"] for s in discontinuous)
    assert sum(len(r.get("relations", [])) for r in records) > 10000


def test_ncbi_disease_pubtator(shared_data, tmp_path):
    d = shared_data / "ncbi_disease"
    dev = list(read_corpus(d / "NCBIdevelopset_corpus.txt"))
    assert len(dev) == 100 and sum(len(r["spans"]) for r in dev) == 787
    _check_offsets(dev)
    # the training file holds PMID 8528200 twice: a located error, or skipped with skip_invalid
    with pytest.raises(Exception, match=r"NCBItrainset_corpus\.txt:4557: duplicate meta\.id '8528200'"):
        list(read_corpus(d / "NCBItrainset_corpus.txt"))
    train = list(read_corpus(d / "NCBItrainset_corpus.txt", skip_invalid=True))
    assert len(train) == 592
    # a mention column with trailing spaces (line 3249) is accepted; the span text is the text at its offsets
    _check_offsets(train)
    write_corpus(train, tmp_path / "t.xml", "bioc")
    assert list(read_corpus(tmp_path / "t.xml")) == train
