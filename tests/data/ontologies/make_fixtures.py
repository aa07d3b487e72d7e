"""Write the SNOMED CT RF2 and UMLS RRF fixtures in this folder (run once; output committed).

The files follow the real release layouts exactly: RF2 Snapshot files (tab-separated, header row,
CRLF line ends as IHTSDO ships them, effectiveTime YYYYMMDD, active flags, SCTIDs with a valid
Verhoeff check digit, UUID refset member ids) and UMLS RRF files (pipe-separated, trailing pipe).
Concept ids, names and map targets are real public identifiers of well-known concepts; the
content is a tiny hand-written subset, not copied from a licensed release.
"""

from __future__ import annotations

import uuid
from pathlib import Path

HERE = Path(__file__).parent
_D = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],
      [5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
_P = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],
      [4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
_INV = [0,4,3,2,1,5,6,7,8,9]


def verhoeff(num: str) -> str:
    c = 0
    for i, d in enumerate(reversed(num)):
        c = _D[c][_P[(i + 1) % 8][int(d)]]
    return str(_INV[c])


def sctid(item: int, partition: str) -> str:
    base = f"{item}{partition}"
    return base + verhoeff(base)


ET = "20240301"
CORE = "900000000000207008"
US_MODULE = "731000124108"
FSN, SYN = "900000000000003001", "900000000000013009"
US, GB = "900000000000509007", "900000000000508004"
PREF, ACC = "900000000000548007", "900000000000549004"
CI = "900000000000448009"
PRIMITIVE, DEFINED = "900000000000074008", "900000000000073002"
INFERRED, EXISTENTIAL = "900000000000011006", "900000000000451002"
ISA = "116680003"
ICD10CM_MAP = "6011000124106"

# concept id, FSN, US preferred synonym, other synonyms, parents, active
CONCEPTS = [
    ("138875005", "SNOMED CT Concept (SNOMED RT+CTV3)", "SNOMED CT Concept", [], []),
    ("404684003", "Clinical finding (finding)", "Clinical finding", [], ["138875005"]),
    ("64572001", "Disease (disorder)", "Disease", ["Disorder"], ["404684003"]),
    ("49601007", "Disorder of cardiovascular system (disorder)", "Disorder of cardiovascular system", ["Cardiovascular disease"], ["64572001"]),
    ("73211009", "Diabetes mellitus (disorder)", "Diabetes mellitus", ["DM - Diabetes mellitus"], ["64572001"]),
    ("44054006", "Diabetes mellitus type 2 (disorder)", "Diabetes mellitus type 2", ["Type 2 diabetes mellitus", "Type II diabetes mellitus", "NIDDM - Non-insulin dependent diabetes mellitus"], ["73211009"]),
    ("46635009", "Diabetes mellitus type 1 (disorder)", "Diabetes mellitus type 1", ["Type 1 diabetes mellitus", "IDDM - Insulin dependent diabetes mellitus"], ["73211009"]),
    ("84114007", "Heart failure (disorder)", "Heart failure", ["Cardiac failure", "HF - Heart failure"], ["49601007"]),
    ("42343007", "Congestive heart failure (disorder)", "Congestive heart failure", ["CHF - Congestive heart failure", "Congestive cardiac failure"], ["84114007"]),
    ("38341003", "Hypertensive disorder, systemic arterial (disorder)", "Hypertensive disorder", ["High blood pressure disorder", "HBP - High blood pressure"], ["49601007"]),
    ("59621000", "Essential hypertension (disorder)", "Essential hypertension", ["Primary hypertension"], ["38341003"]),
    ("233604007", "Pneumonia (disorder)", "Pneumonia", [], ["64572001"]),
    ("13645005", "Chronic obstructive lung disease (disorder)", "Chronic obstructive lung disease", ["COPD - Chronic obstructive pulmonary disease", "Chronic obstructive pulmonary disease"], ["64572001"]),
    ("195951007", "Acute exacerbation of chronic obstructive airways disease (disorder)", "Acute exacerbation of chronic obstructive airways disease", ["Acute exacerbation of COPD"], ["13645005"]),
    # two parents: a heart failure caused by hypertension
    ("88805009", "Chronic congestive heart failure (disorder)", "Chronic congestive heart failure", [], ["42343007", "84114007"]),
]
INACTIVE = [("155299003", "Diabetes mellitus (disorder) [retired duplicate]", "Old diabetes concept")]
# referencedComponentId, group, priority, rule, advice, target
MAPS = [
    ("44054006", 1, 1, "TRUE", "ALWAYS E11.9", "E11.9"),
    ("46635009", 1, 1, "TRUE", "ALWAYS E10.9", "E10.9"),
    ("84114007", 1, 1, "TRUE", "ALWAYS I50.9", "I50.9"),
    ("42343007", 1, 1, "TRUE", "ALWAYS I50.9", "I50.9"),
    ("59621000", 1, 1, "TRUE", "ALWAYS I10", "I10"),
    ("233604007", 1, 1, "TRUE", "ALWAYS J18.9", "J18.9"),
    ("13645005", 1, 1, "TRUE", "ALWAYS J44.9", "J44.9"),
    ("195951007", 1, 1, "TRUE", "ALWAYS J44.1", "J44.1"),
    ("73211009", 1, 1, "IFA 445518008 | Age at onset of clinical finding (observable entity) | < 10.0 years",
     "IF AGE AT ONSET OF CLINICAL FINDING BEFORE 10.0 YEARS CHOOSE E10.9 | MAP OF SOURCE CONCEPT IS CONTEXT DEPENDENT", "E10.9"),
    ("73211009", 1, 2, "OTHERWISE TRUE", "ALWAYS E11.9", "E11.9"),
]


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        for row in [header, *rows]:
            fh.write("\t".join(row) + "\r\n")


def make_rf2(root: Path) -> None:
    snap = root / "Snapshot"
    term = snap / "Terminology"
    concept_rows, desc_rows, rel_rows, lang_rows = [], [], [], []
    d_item, r_item = 1000, 5000
    for cid, fsn, pref, syns, parents in CONCEPTS:
        concept_rows.append([cid, ET, "1", CORE, PRIMITIVE])
        for text, type_id, acc in [(fsn, FSN, PREF), (pref, SYN, PREF)] + [(s, SYN, ACC) for s in syns]:
            d_item += 1
            did = sctid(d_item, "01")
            desc_rows.append([did, ET, "1", CORE, cid, "en", type_id, text, CI])
            lang_rows.append([str(uuid.uuid5(uuid.NAMESPACE_OID, "us" + did)), ET, "1", CORE, US, did, acc])
            lang_rows.append([str(uuid.uuid5(uuid.NAMESPACE_OID, "gb" + did)), ET, "1", CORE, GB, did, acc])
        for parent in parents:
            r_item += 1
            rel_rows.append([sctid(r_item, "02"), ET, "1", CORE, cid, parent, "0", ISA, INFERRED, EXISTENTIAL])
    # an inactive concept, an inactive description and an inactive (retired) is-a row
    for cid, fsn, pref in INACTIVE:
        concept_rows.append([cid, "20020131", "0", CORE, PRIMITIVE])
        d_item += 1
        desc_rows.append([sctid(d_item, "01"), "20020131", "0", CORE, cid, "en", FSN, fsn, CI])
    d_item += 1
    desc_rows.append([sctid(d_item, "01"), "20170731", "0", CORE, "84114007", "en", SYN, "Weak heart (retired synonym)", CI])
    r_item += 1
    rel_rows.append([sctid(r_item, "02"), "20180131", "0", CORE, "233604007", "49601007", "0", ISA, INFERRED, EXISTENTIAL])
    # a GB-only spelling: acceptable in GB, absent from the US refset
    d_item += 1
    did = sctid(d_item, "01")
    desc_rows.append([did, ET, "1", CORE, "38341003", "en", SYN, "Hypertensive disorder (GB spelling variant)", CI])
    lang_rows.append([str(uuid.uuid5(uuid.NAMESPACE_OID, "gb" + did)), ET, "1", CORE, GB, did, ACC])

    write(term / f"sct2_Concept_Snapshot_INT_{ET}.txt",
          ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"], concept_rows)
    write(term / f"sct2_Description_Snapshot-en_INT_{ET}.txt",
          ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term",
           "caseSignificanceId"], desc_rows)
    write(term / f"sct2_Relationship_Snapshot_INT_{ET}.txt",
          ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup", "typeId",
           "characteristicTypeId", "modifierId"], rel_rows)
    write(snap / "Refset" / "Language" / f"der2_cRefset_LanguageSnapshot-en_INT_{ET}.txt",
          ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "acceptabilityId"],
          lang_rows)
    map_rows = []
    for ref, group, prio, rule, advice, target in MAPS:
        map_rows.append([str(uuid.uuid5(uuid.NAMESPACE_OID, f"map{ref}{group}{prio}")), ET, "1", US_MODULE, ICD10CM_MAP,
                         ref, str(group), str(prio), rule, advice, target, "447561005", "447637006"])
    write(snap / "Refset" / "Map" / f"der2_iisssccRefset_ExtendedMapSnapshot_US1000124_{ET}.txt",
          ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId", "mapGroup", "mapPriority",
           "mapRule", "mapAdvice", "mapTarget", "correlationId", "mapCategoryId"], map_rows)


# CUI, names [(LAT, TS, STT, ISPREF, SAB, TTY, CODE, STR, SUPPRESS)], semantic type (TUI, STY)
UMLS = [
    ("C0011849", [("ENG", "P", "PF", "Y", "MSH", "MH", "D003920", "Diabetes Mellitus", "N"),
                  ("ENG", "S", "PF", "Y", "SNOMEDCT_US", "PT", "73211009", "Diabetes mellitus", "N"),
                  ("FRE", "P", "PF", "Y", "MSHFRE", "MH", "D003920", "Diabète", "N")], ("T047", "Disease or Syndrome")),
    ("C0011860", [("ENG", "P", "PF", "Y", "MSH", "MH", "D003924", "Diabetes Mellitus, Type 2", "N"),
                  ("ENG", "S", "PF", "N", "SNOMEDCT_US", "PT", "44054006", "Type 2 diabetes mellitus", "N"),
                  ("ENG", "S", "VO", "Y", "MSH", "EN", "D003924", "NIDDM", "N"),
                  ("ENG", "S", "PF", "Y", "ICD10CM", "HT", "E11", "Type 2 diabetes mellitus", "N"),
                  ("ENG", "S", "PF", "Y", "MSH", "EN", "D003924", "Diabetes Mellitus, Non-Insulin-Dependent (obsolete)", "O")],
     ("T047", "Disease or Syndrome")),
    ("C0018801", [("ENG", "P", "PF", "Y", "MSH", "MH", "D006333", "Heart Failure", "N"),
                  ("ENG", "S", "PF", "Y", "ICD10CM", "PT", "I50.9", "Heart failure, unspecified", "N"),
                  ("ENG", "S", "PF", "Y", "SNOMEDCT_US", "PT", "84114007", "Heart failure", "N")], ("T047", "Disease or Syndrome")),
    ("C0018802", [("ENG", "P", "PF", "Y", "MSH", "EN", "D006333", "Congestive heart failure", "N"),
                  ("ENG", "S", "VO", "Y", "SNOMEDCT_US", "SY", "42343007", "CHF", "N")], ("T047", "Disease or Syndrome")),
    ("C0020538", [("ENG", "P", "PF", "Y", "MSH", "MH", "D006973", "Hypertensive disease", "N"),
                  ("ENG", "S", "PF", "Y", "MSH", "EN", "D006973", "High blood pressure", "N"),
                  ("ENG", "S", "PF", "Y", "ICD10CM", "PT", "I10", "Essential (primary) hypertension", "N")], ("T047", "Disease or Syndrome")),
    ("C0032285", [("ENG", "P", "PF", "Y", "MSH", "MH", "D011014", "Pneumonia", "N"),
                  ("ENG", "S", "PF", "Y", "ICD10CM", "PT", "J18.9", "Pneumonia, unspecified organism", "N")], ("T047", "Disease or Syndrome")),
    ("C0012634", [("ENG", "P", "PF", "Y", "MSH", "MH", "D004194", "Disease", "N")], ("T047", "Disease or Syndrome")),
    ("C0004057", [("ENG", "P", "PF", "Y", "MSH", "MH", "D001241", "Aspirin", "N")], ("T109", "Organic Chemical")),
]
RELS = [  # CUI1, REL, CUI2, SAB  (REL: relationship of CUI2 to CUI1)
    ("C0011860", "PAR", "C0011849", "MSH"),
    ("C0011849", "CHD", "C0011860", "MSH"),
    ("C0018802", "PAR", "C0018801", "MSH"),
    ("C0011849", "PAR", "C0012634", "MSH"),
    ("C0018801", "PAR", "C0012634", "MSH"),
    ("C0020538", "PAR", "C0012634", "MSH"),
    ("C0032285", "PAR", "C0012634", "MSH"),
    ("C0011849", "RO", "C0004057", "MSH"),
]


def make_rrf(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    conso, sty, rel = [], [], []
    n = 0
    for cui, names, (tui, styname) in UMLS:
        for lat, ts, stt, ispref, sab, tty, code, text, suppress in names:
            n += 1
            aui = f"A{n:07d}"
            # CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|
            conso.append([cui, lat, ts, f"L{n:07d}", stt, f"S{n:07d}", ispref, aui, "", code if sab.startswith("SNOMED") else "",
                          code if sab.startswith("MSH") else "", sab, tty, code, text, "0", suppress, "256"])
        # CUI|TUI|STN|STY|ATUI|CVF|
        sty.append([cui, tui, "B2.2.1.2.1" if tui == "T047" else "A1.4.1.1.1", styname, f"AT{n:08d}", ""])
    for i, (c1, r, c2, sab) in enumerate(RELS, start=1):
        # CUI1|AUI1|STYPE1|REL|CUI2|AUI2|STYPE2|RELA|RUI|SRUI|SAB|SL|RG|DIR|SUPPRESS|CVF|
        rel.append([c1, "", "CUI", r, c2, "", "CUI", "", f"R{i:08d}", "", sab, sab, "", "", "N", ""])
    for name, rows in (("MRCONSO.RRF", conso), ("MRSTY.RRF", sty), ("MRREL.RRF", rel)):
        with (root / name).open("w", encoding="utf-8", newline="") as fh:
            for row in rows:
                fh.write("|".join(row) + "|\n")
    (root / "release.dat").write_text("umls.release.name=2024AA-fixture\n", encoding="utf-8")


if __name__ == "__main__":
    make_rf2(HERE / "snomed_rf2")
    make_rrf(HERE / "umls_meta")
