"""Lineage sidecars: one per output, the input's hash, the run id in each record; the chain is
carried through review export and gold into the dataset card."""

from __future__ import annotations

import json

import pytest

from corpora import lineage


def _cfg(**run):
    return {"pipeline": {"preset": "bc5cdr", "lfs": None, "model": None}, "run": run}


def test_folder_hash_covers_names_and_contents(tmp_path):
    d = tmp_path / "model"
    d.mkdir()
    (d / "a.bin").write_bytes(b"1")
    (d / "sub").mkdir()
    (d / "sub" / "b.json").write_text("{}")
    first = lineage.sha256_path(d)
    assert first == lineage.sha256_path(d) and len(first) == 64
    (d / "sub" / "b.json").write_text("{ }")
    assert lineage.sha256_path(d) != first
    (d / "sub" / "b.json").write_text("{}")
    (d / "a.bin").rename(d / "c.bin")
    assert lineage.sha256_path(d) != first
    assert lineage.sha256_path(tmp_path / "missing") is None


def test_a_run_is_recorded_once_per_output_and_tags_its_records(tmp_path):
    src, out = tmp_path / "notes.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"text": "x", "meta": {"id": "1"}}\n')
    model = tmp_path / "model"
    model.mkdir()
    (model / "w.bin").write_bytes(b"w")
    cfg = _cfg()
    cfg["pipeline"]["model"] = str(model)
    run = lineage.record_run(src, out, cfg, label_model="majority")
    (step,) = lineage.read_sidecar(out)
    assert step["run_id"] == run.run_id and step["step"] == "annotate"
    assert step["inputs"] == [{"path": str(src), "sha256": lineage.sha256_path(src)}]
    assert step["preset"] == "bc5cdr" and step["label_model"] == "majority"
    assert step["end_model"] == {"path": str(model), "sha256": lineage.sha256_path(model)}
    assert step["clinlabel_version"] and step["config"] == json.loads(json.dumps(cfg))
    recs = list(run.tag([{"text": "a", "meta": {"id": "1"}}, {"text": "b"}]))
    assert [r["meta"]["run_id"] for r in recs] == [run.run_id] * 2
    assert "x" not in lineage.sidecar_path(out).read_text().replace("sha256", "").replace('"x"', "")  # no note text


def test_resume_adds_a_run_and_a_refused_run_keeps_the_sidecar(tmp_path):
    src, out = tmp_path / "notes.jsonl", tmp_path / "out.jsonl"
    src.write_text("{}\n")
    first = lineage.record_run(src, out, _cfg())
    out.write_text("partial\n")
    lineage.record_run(src, out, _cfg())  # no --resume / --overwrite: the runner refuses; sidecar untouched
    assert [s["run_id"] for s in lineage.read_sidecar(out)] == [first.run_id]
    second = lineage.record_run(src, out, _cfg(resume=True))
    assert [s["run_id"] for s in lineage.read_sidecar(out)] == [first.run_id, second.run_id]
    third = lineage.record_run(src, out, _cfg(overwrite=True))
    assert [s["run_id"] for s in lineage.read_sidecar(out)] == [third.run_id]
    lineage.record_run(tmp_path / "missing.jsonl", tmp_path / "other.jsonl", _cfg())
    assert not lineage.sidecar_path(tmp_path / "other.jsonl").exists()


def test_the_chain_starts_at_the_inputs_sidecar(tmp_path, caplog):
    a, b, c = (tmp_path / f"{x}.jsonl" for x in "abc")
    a.write_text("{}\n")
    up = lineage.record_run(a, b, _cfg(), step="deid")
    b.write_text("{}\n")
    run = lineage.record_run(b, c, _cfg())
    assert [s["run_id"] for s in lineage.read_sidecar(c)] == [up.run_id, run.run_id]
    lineage.sidecar_path(b).write_text("not json")
    assert lineage.read_sidecar(b) == []
    assert "lineage sidecar not readable" in caplog.text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_review_export_gold_and_card_carry_the_chain(tmp_path, backend):
    from review.card import card_data, render_markdown
    from review.prodigy import export_gold, export_tasks
    from review.store import Store

    src, out = tmp_path / "notes.jsonl", tmp_path / "annotated.jsonl"
    src.write_text('{"text": "Chest pain.", "meta": {"id": "n1"}}\n')
    run = lineage.record_run(src, out, _cfg(), label_model="majority")
    out.write_text("".join(json.dumps(r) + "\n" for r in run.tag([
        {"text": "Chest pain.", "meta": {"id": "n1"}, "spans": [{"start": 0, "end": 10, "label": "Disease"}]}])))
    store = Store(f"{backend}:///{tmp_path / 'lin.db'}")
    tasks = tmp_path / "tasks.jsonl"
    export_tasks(store, out, "d", tasks)
    eid = store.example_ids("d")[0]
    store.answer(eid, "ann", "accept")
    gold = tmp_path / "gold.jsonl"
    export_gold(store, "d", gold)
    steps = lineage.read_sidecar(gold)
    assert [s["step"] for s in steps] == ["annotate", "review export", "review gold"]
    assert steps[0]["run_id"] == run.run_id and steps[0]["inputs"][0]["sha256"] == lineage.sha256_path(src)
    assert steps[1]["inputs"][0] == {"path": str(out), "sha256": lineage.sha256_path(out)}
    assert [s["step"] for s in lineage.read_sidecar(tasks)] == ["annotate", "review export"]
    (g,) = [json.loads(x) for x in gold.read_text().splitlines()]
    assert g["meta"]["run_id"] == run.run_id  # the record points at the run that pre-annotated it
    card = render_markdown(card_data(store, "d"))
    assert "Lineage from the source files" in card and run.run_id[:12] in card and "label model majority" in card
    store.close()
