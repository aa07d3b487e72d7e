"""`clinlabel deid` and `annotate --deid` on the one runner with the one config object: same step,
same report, same errors file, resume, workers, files created 0600, no note text in any log."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from clinlabel.cli import main
from clinlabel.config import JobConfig
from nlp_pipeline.deid import Deidentifier

NOTES = [
    {"text": "Patient: Okonkwo, Adaeze\nMRN: 4829301\nSeen by Dr. Hendricks on 03/14/2021. Phone 617-555-0199.",
     "meta": {"id": "n1", "pid": "P1"}},
    {"text": "Mrs. Okonkwo returned on 04/02/2021 with chest pain. SSN 123-45-6789.", "meta": {"id": "n2", "pid": "P1"}},
    {"text": "Jane Roe, seen 05/05/2020 at 12 Birch Lane.", "meta": {"id": "n3", "pid": "P2"}},
]
PHI = ["Okonkwo", "Adaeze", "4829301", "Hendricks", "03/14/2021", "617-555-0199", "123-45-6789", "Jane Roe",
       "12 Birch Lane"]
TOKENS_ONLY = '[pipeline]\nsentences = false\nsections = false\nontology = ""\ncontext = false\ncodes = false\n'


def _write(path: Path, records, extra=()) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
        for line in extra:
            fh.write(line + "\n")
    return path


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def cfg(tmp_path) -> Path:
    path = tmp_path / "tokens.toml"
    path.write_text(TOKENS_ONLY)
    return path


def test_deid_and_annotate_deid_share_the_step_and_its_settings(tmp_path, cfg):
    src = _write(tmp_path / "in.jsonl", NOTES)
    deid_out, ann_out = tmp_path / "d.jsonl", tmp_path / "a.jsonl"
    assert main(["deid", str(src), "-o", str(deid_out), "--mode", "surrogate", "--seed", "7", "--patient-field", "pid",
                 "--no-progress"]) == 0
    assert main(["annotate", str(src), "-o", str(ann_out), "--config", str(cfg), "--deid", "--deid-mode", "surrogate",
                 "--deid-seed", "7", "--deid-patient-field", "pid", "--no-progress"]) == 0
    deid_texts = [r["text"] for r in _lines(deid_out)]
    assert deid_texts == [r["text"] for r in _lines(ann_out)]  # the same de-identification, note for note
    for text in deid_texts:
        assert not any(value in text for value in PHI)
    # both reports: same name rule, same content, created 0600
    reports = [tmp_path / "d.deid-report.jsonl", tmp_path / "a.deid-report.jsonl"]
    assert _lines(reports[0]) == _lines(reports[1])
    for path in reports:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the seed and the patient field really reach the de-identifier
    other = tmp_path / "a2.jsonl"
    assert main(["annotate", str(src), "-o", str(other), "--config", str(cfg), "--deid", "--deid-mode", "surrogate",
                 "--deid-seed", "8", "--deid-patient-field", "pid", "--no-progress"]) == 0
    assert [r["text"] for r in _lines(other)] != deid_texts


def test_one_config_file_serves_both_commands(tmp_path):
    path = tmp_path / "job.toml"
    path.write_text('[deid]\nenabled = true\nmode = "surrogate"\nseed = 21\npatient_field = "pid"\nuse_presidio = true\n'
                    '[run]\nworkers = 2\nmax_retries = 1\n')
    job = JobConfig.from_file(path)
    assert (job.deid.mode, job.deid.seed, job.deid.patient_field, job.deid.use_presidio) == ("surrogate", 21, "pid", True)
    assert (job.run.workers, job.run.max_retries) == (2, 1)
    flat = tmp_path / "deid.json"  # the older flat file of DeidConfig settings still reads
    flat.write_text(json.dumps({"mode": "surrogate", "seed": 5}))
    assert JobConfig.from_file(flat).deid.seed == 5


@pytest.mark.parametrize("args, needle", [
    (["annotate", "--deid", "--show-text"], "show_text cannot be used with de-identification"),
    (["annotate", "--deid", "--deid-mode", "blur"], "mode must be one of"),
    (["annotate", "--workers", "0"], "workers must be an integer >= 1"),
    (["deid", "--seed", "-x"], ""),
])
def test_bad_options_are_located_errors(tmp_path, capsys, args, needle):
    src = _write(tmp_path / "in.jsonl", NOTES[:1])
    command, *flags = args
    assert main([command, str(src), "-o", str(tmp_path / "o.jsonl"), "--no-progress", *flags]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert not (tmp_path / "o.jsonl").exists()


def test_show_text_is_refused_in_a_deid_config(tmp_path, capsys):
    src = _write(tmp_path / "in.jsonl", NOTES[:1])
    job = tmp_path / "job.toml"
    job.write_text("[run]\nshow_text = true\n")
    assert main(["deid", str(src), "-o", str(tmp_path / "o.jsonl"), "--config", str(job), "--no-progress"]) == 2
    assert "[CL-RUN004]" in capsys.readouterr().err


def test_deid_resumes_with_workers_and_keeps_the_report_in_step(tmp_path):
    notes = [{"text": f"Seen by Dr. Hendricks on 03/{i % 28 + 1:02d}/2021, MRN {4800000 + i}.", "meta": {"id": f"r{i}"}}
             for i in range(30)]
    src = _write(tmp_path / "in.jsonl", notes)
    out = tmp_path / "out.jsonl"
    assert main(["deid", str(src), "-o", str(out), "--workers", "2", "--no-progress"]) == 0
    full = out.read_bytes()
    report = tmp_path / "out.deid-report.jsonl"
    full_report = report.read_bytes()
    # a run killed mid-write: 12 notes done, half a line, and the report one note ahead
    lines = full.split(b"\n")
    out.write_bytes(b"\n".join(lines[:12]) + b"\n" + lines[12][:20])
    report.write_bytes(b"\n".join(full_report.split(b"\n")[:13]) + b"\n")
    assert main(["deid", str(src), "-o", str(out), "--workers", "2", "--resume", "--no-progress"]) == 0
    assert out.read_bytes() == full  # byte-identical to the uninterrupted run
    assert report.read_bytes() == full_report


def test_errors_file_has_one_format_for_every_command(tmp_path, cfg, monkeypatch):
    original = Deidentifier.deidentify_record

    def flaky(self, record):
        if record["meta"]["id"] == "n2":
            raise RuntimeError(f"cannot parse {record['text']}")  # a message that quotes PHI
        return original(self, record)

    monkeypatch.setattr(Deidentifier, "deidentify_record", flaky)
    src = _write(tmp_path / "in.jsonl", NOTES)
    assert main(["deid", str(src), "-o", str(tmp_path / "d.jsonl"), "--no-progress"]) == 0
    assert main(["annotate", str(src), "-o", str(tmp_path / "a.jsonl"), "--config", str(cfg), "--deid",
                 "--no-progress"]) == 0
    entries = [_lines(tmp_path / "d.errors.jsonl"), _lines(tmp_path / "a.errors.jsonl")]
    assert entries[0] == entries[1]
    (entry,) = entries[0]
    assert entry["meta"] == {"id": "n2"} and set(entry["error"]) == {"code", "type", "message"}
    assert entry["error"]["code"] == "CL-DEID001" and entry["error"]["type"] == "RuntimeError"
    raw = (tmp_path / "d.errors.jsonl").read_text()
    assert "cannot parse" not in raw and not any(value in raw for value in PHI)
    assert stat.S_IMODE((tmp_path / "d.errors.jsonl").stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["deid"], ["annotate", "--deid"]])
def test_skipped_bad_records_log_no_note_text(tmp_path, capsys, caplog, command):
    bad = {"text": "Adaeze Okonkwo has chest pain", "meta": {"id": "bad"},
           "spans": [{"start": 0, "end": 14, "label": "NAME", "text": "Adaeze Okonkwa"}]}
    src = _write(tmp_path / "in.jsonl", [NOTES[2], bad], extra=['{"text": "Hendricks 617-555-0199", '])
    assert main([*command, str(src), "-o", str(tmp_path / "o.jsonl"), "--skip-invalid", "--no-progress"]) == 0
    err = capsys.readouterr().err + caplog.text  # stderr and every log record
    assert f"{src}:2: span 0's \"text\" (14 characters) differs" in err and f"{src}:3: malformed JSON" in err
    for value in ["Adaeze", "Okonkw", "chest pain", "Hendricks", "617-555-0199"]:
        assert value not in err


def test_show_text_quotes_the_text_on_a_run_without_deid(tmp_path, caplog, cfg):
    bad = {"text": "Adaeze Okonkwo has chest pain", "meta": {"id": "bad"},
           "spans": [{"start": 0, "end": 14, "label": "NAME", "text": "Adaeze Okonkwa"}]}
    src = _write(tmp_path / "in.jsonl", [NOTES[2], bad])
    assert main(["annotate", str(src), "-o", str(tmp_path / "o.jsonl"), "--config", str(cfg), "--skip-invalid",
                 "--show-text", "--no-progress"]) == 0
    assert "(it says 'Adaeze Okonkwa', the note has 'Adaeze Okonkwo')" in caplog.text
