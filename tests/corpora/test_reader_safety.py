"""Hostile input files: XML entity bombs and external entities are refused; reader errors name
offsets and lengths, never the note's text, unless asked (--show-text)."""

from __future__ import annotations

import json
import time

import pytest

from corpora.errors import CorpusError
from corpora.formats import read_corpus

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE collection [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<collection><source>x</source>
<document><id>1</id><passage><offset>0</offset><text>&lol9;</text></passage></document>
</collection>
"""

SMALL_BOMB = """<?xml version="1.0"?>
<!DOCTYPE collection [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<collection><document><id>1</id><passage><offset>0</offset><text>&c;&c;&c;</text></passage></document></collection>
"""


@pytest.mark.parametrize("secret", ["file", "http"])
def test_external_entities_are_refused_and_never_read(tmp_path, secret):
    private = tmp_path / "secret.txt"
    private.write_text("Patient Adaeze Okonkwo, MRN 4829301")
    target = private.as_uri() if secret == "file" else "http://127.0.0.1:9/secret"
    src = tmp_path / "ext.xml"
    src.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE collection [ <!ENTITY leak SYSTEM "{target}"> ]>
<collection><document><id>1</id><passage><offset>0</offset><text>&leak;</text></passage></document></collection>
""")
    with pytest.raises(CorpusError) as info:
        list(read_corpus(src))
    message = str(info.value)
    assert message.startswith(f"{src}:2: the XML declares an entity") and "[CL-IO010]" in message
    assert "Okonkwo" not in message


@pytest.mark.parametrize("bomb", [BILLION_LAUGHS, SMALL_BOMB], ids=["billion-laughs", "quadratic"])
def test_entity_expansion_is_refused_at_once(tmp_path, bomb):
    src = tmp_path / "bomb.xml"
    src.write_text(bomb)
    start = time.perf_counter()
    with pytest.raises(CorpusError) as info:
        list(read_corpus(src))
    assert time.perf_counter() - start < 5
    assert "entity expansion is off" in str(info.value) and f"{src}:3:" in str(info.value)


def test_bioc_doctype_without_entities_still_reads(tmp_path):
    src = tmp_path / "ok.xml"
    src.write_text("""<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection><source>PubMed</source><document><id>7</id><passage><offset>0</offset>
<text>Aspirin &amp; pain.</text></passage></document></collection>
""")
    (record,) = list(read_corpus(src))
    assert record["text"] == "Aspirin & pain." and record["meta"]["id"] == "7"


# --------------------------------------------------------------------------- messages name offsets, not text

PHI = "Adaeze Okonkwo"


def _bad_files(tmp_path):
    """One malformed file per reader, each whose error would quote ``PHI``."""
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text(json.dumps({"text": f"{PHI} has pain", "meta": {"id": "1"},
                                 "spans": [{"start": 0, "end": 14, "label": "NAME", "text": "Adaeze Okonkwa"}]}) + "\n")
    pubtator = tmp_path / "bad.PubTator.txt"
    pubtator.write_text(f"11|t|{PHI} has pain\n11|a|\n11\t0\t14\tAdaeze Okonkwa\tNAME\tX\n\n")
    pubtator_line = tmp_path / "line.PubTator.txt"
    pubtator_line.write_text(f"11|t|Title\n11|a|\n11\t{PHI}\n\n")
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "a.txt").write_text(f"{PHI} has pain\n")
    (brat / "a.ann").write_text("T1\tNAME 0 14\tAdaeze Okonkwa\n")
    brat_line = tmp_path / "brat_line"
    brat_line.mkdir()
    (brat_line / "a.txt").write_text(f"{PHI} has pain\n")
    (brat_line / "a.ann").write_text(f"{PHI} is not a brat line\n")
    bioc = tmp_path / "bad.xml"
    bioc.write_text(f"""<?xml version='1.0' encoding='UTF-8'?>
<collection><document><id>9</id><passage><offset>0</offset><text>{PHI} has pain</text>
<annotation id='0'><infon key='type'>NAME</infon><location offset='0' length='14'/><text>Adaeze Okonkwa</text></annotation>
</passage></document></collection>
""")
    bioc_outside = tmp_path / "outside.xml"
    bioc_outside.write_text(f"""<?xml version='1.0' encoding='UTF-8'?>
<collection><document><id>9</id><passage><offset>0</offset><text>pain</text>
<annotation id='0'><infon key='type'>NAME</infon><location offset='0' length='99'/><text>{PHI}</text></annotation>
</passage></document></collection>
""")
    return [jsonl, pubtator, pubtator_line, brat, brat_line, bioc, bioc_outside]


@pytest.mark.parametrize("index", range(7), ids=["jsonl-span", "pubtator-mention", "pubtator-line", "brat-span",
                                                 "brat-line", "bioc-annotation", "bioc-outside"])
def test_reader_errors_name_no_note_text(tmp_path, index):
    path = _bad_files(tmp_path)[index]
    with pytest.raises(CorpusError) as info:
        list(read_corpus(path))
    message = str(info.value)
    assert "Adaeze" not in message and "Okonkw" not in message, message
    assert "characters" in message  # lengths instead of the text
    with pytest.raises(CorpusError) as shown:
        list(read_corpus(path, show_text=True))
    assert "Adaeze" in str(shown.value)  # --show-text quotes it


def test_skipped_lines_are_logged_without_text(tmp_path, caplog):
    path = _bad_files(tmp_path)[0]
    with open(path, "a") as fh:
        fh.write(json.dumps({"text": "fine", "meta": {"id": "2"}}) + "\n")
    assert [r["meta"]["id"] for r in read_corpus(path, skip_invalid=True)] == ["2"]
    assert "skipped" in caplog.text and "Adaeze" not in caplog.text and "Okonkw" not in caplog.text
