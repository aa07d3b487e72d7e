"""One corpus option group everywhere: every corpus-reading command takes --from, --text-col,
--id-col, --limit, --sample and --seed, and really reads the notes they select.

The walk starts from the Typer app (every registered command and sub-command), so a command
that gains or loses the option group changes what this test sees.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from clinlabel.options import FLAGS

CORPUS_COMMANDS = {"annotate", "codes", "deid", "convert", "lf analyze", "train", "evaluate", "review export"}
SELECT = ["--from", "csv", "--text-col", "body", "--id-col", "note_id", "--limit", "6", "--sample", "3", "--seed", "5"]


def _walk(typer_app, prefix=()):
    for info in typer_app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        yield " ".join((*prefix, name)), info.callback
    for group in typer_app.registered_groups:
        yield from _walk(group.typer_instance, (*prefix, group.name))


@pytest.fixture(scope="module")
def commands():
    from clinlabel._app import app
    from clinlabel.cli import _load_commands

    _load_commands()
    return dict(_walk(app))


def test_the_corpus_reading_commands_are_exactly_those_with_the_option_group(commands):
    with_group = {name for name, fn in commands.items() if getattr(fn, "__corpus_options__", False)}
    assert with_group == CORPUS_COMMANDS


@pytest.mark.parametrize("name", sorted(CORPUS_COMMANDS))
def test_help_lists_every_shared_option(name, capsys):
    from clinlabel.cli import main

    assert main([*name.split(), "--help"]) == 0
    out = capsys.readouterr().out
    for flag in FLAGS:
        assert f"{flag} " in out or f"{flag}\n" in out, f"{name} --help lacks {flag}"


@pytest.fixture()
def notes_csv(tmp_path) -> Path:
    path = tmp_path / "notes.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "body", "site"])
        for i in range(10):
            w.writerow([f"n{i}", f"Patient {i} denies fever but reports asthma and aspirin use.", "A"])
    return path


@pytest.fixture()
def expected(notes_csv):
    from corpora.formats import read_corpus

    got = [r["meta"]["id"] for r in read_corpus(notes_csv, "csv", text_col="body", id_col="note_id",
                                                limit=6, sample=3, seed=5)]
    assert len(got) == 3 and set(got) <= {f"n{i}" for i in range(6)}
    return got


def _jsonl_ids(path: Path) -> list[str]:
    return [json.loads(line)["meta"]["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _run(argv, capsys):
    from clinlabel.cli import main

    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err[-2000:]
    return captured


def test_every_command_reads_the_selected_notes(tmp_path, notes_csv, expected, capsys, monkeypatch):
    """A real run of each command with the same selection options gives the same three notes."""
    seen: dict[str, list[str]] = {}

    # annotate, codes, deid, convert, review export: their outputs list the notes
    _run(["annotate", notes_csv, "-o", tmp_path / "a.jsonl", "--no-progress", *SELECT], capsys)
    seen["annotate"] = _jsonl_ids(tmp_path / "a.jsonl")
    _run(["codes", notes_csv, "-o", tmp_path / "c.jsonl", "--no-progress", *SELECT], capsys)
    seen["codes"] = _jsonl_ids(tmp_path / "c.jsonl")
    # deid has its own --seed (surrogates); the same value seeds --sample
    _run(["deid", notes_csv, "-o", tmp_path / "d.jsonl", "--report", tmp_path / "r.jsonl", "--no-progress", *SELECT],
         capsys)
    seen["deid"] = _jsonl_ids(tmp_path / "d.jsonl")
    _run(["convert", notes_csv, "-o", tmp_path / "v.jsonl", "--no-progress", *SELECT], capsys)
    seen["convert"] = _jsonl_ids(tmp_path / "v.jsonl")
    _run(["review", "export", notes_csv, "--db", f"sqlite:///{tmp_path / 'r.db'}", "--dataset", "d",
          "-o", tmp_path / "tasks.jsonl", *SELECT], capsys)
    seen["review export"] = _jsonl_ids(tmp_path / "tasks.jsonl")

    # evaluate: the selection picks the gold notes scored
    out = _run(["evaluate", tmp_path / "v.jsonl", notes_csv, "--pred-from", "prodigy", "--json", *SELECT], capsys).out
    result = json.loads(out)
    seen["evaluate"] = expected if result["gold_docs"] == 3 and result["matched_docs"] == 3 else [str(result)]

    # lf analyze and train: capture the records they hand on
    import labeling_functions.analysis as analysis
    import nlp_pipeline.end_model as end_model

    real_analyze = analysis.analyze

    def spy_analyze(records, *args, **kwargs):
        records = list(records)
        seen["lf analyze"] = [r["meta"]["id"] for r in records]
        return real_analyze(records, *args, **kwargs)

    def fake_train(weak, config, *, output_dir, **kwargs):
        seen["train"] = [r["meta"]["id"] for r in weak]
        return Path(output_dir)

    monkeypatch.setattr(analysis, "analyze", spy_analyze)
    monkeypatch.setattr(end_model, "train_end_model", fake_train, raising=False)
    import clinlabel.commands.train as train_cmd  # the fake writes no model: nothing to combine with

    monkeypatch.setattr(train_cmd, "write_combination", lambda *a, **k: {})
    _run(["lf", "analyze", notes_csv, "--preset", "bc5cdr", *SELECT], capsys)
    _run(["train", "--corpus", notes_csv, "--preset", "bc5cdr", "-o", tmp_path / "model", *SELECT], capsys)

    assert set(seen) == CORPUS_COMMANDS
    for name, got in seen.items():
        assert got == expected, name


@pytest.mark.parametrize("name", sorted(CORPUS_COMMANDS - {"train", "evaluate", "review export"}))
def test_a_bad_selection_value_is_a_located_error(name, tmp_path, notes_csv, capsys):
    from clinlabel.cli import main

    args = {"annotate": ["annotate", notes_csv, "-o", tmp_path / "o.jsonl"],
            "codes": ["codes", notes_csv, "-o", tmp_path / "o.jsonl"],
            "deid": ["deid", notes_csv, "-o", tmp_path / "o.jsonl", "--report", tmp_path / "r.jsonl"],
            "convert": ["convert", notes_csv, "-o", tmp_path / "o.jsonl"],
            "lf analyze": ["lf", "analyze", notes_csv, "--preset", "bc5cdr"]}[name]
    assert main([str(a) for a in args] + ["--text-col", "body", "--sample", "0"]) == 2
    assert "--sample must be an integer >= 1" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists() or not (tmp_path / "o.jsonl").read_text().strip()
