"""Regenerate the derived clinical word lists in ``labeling_functions/resources/clinical``.

    python -m labeling_functions.build_clinical_lexicons [--vocab ../shared/data/vocab] [--mtsamples CSV]

Every list is *derived* from a public source and names it (and its licence) in its header;
nothing is harvested from an annotated corpus.  The hand-written lists in the same folder
(``measurements.txt``, ``drug_classes.txt``, ``procedures.txt``, ``devices.txt``) are not
touched here.

* ``drugs.tsv.gz`` -- drug names (``term<TAB>kind``; kind ``ingredient``, ``brand`` or
  ``brand_cased``): RxNorm Current Prescribable Content (NLM; ingredients IN/PIN/MIN and brand
  names BN) plus Drugs@FDA (FDA; DrugName and ActiveIngredient, strengths and packaging words
  removed, salts also without the salt word), because the RxNorm copy lacks ingredients that
  start with "A".  A brand name that is also a common lower-case word (it occurs lower-case at
  least ``COMMON_WORD_COUNT`` times in the MTSamples notes, CC0, and is neither an ingredient nor
  a name of the ``drug-named-entity-recognition`` list) is ``brand_cased``: it matches only when
  written with a capital letter.
* ``pcs_operations.txt`` / ``anatomy.txt`` / ``pcs_devices.txt`` -- from the ICD-10-PCS FY2026
  order file (CMS, US public domain): the operation or modality of each description ("Resection",
  "Magnetic Resonance Imaging (MRI)"), the body parts ("Hip Joint", "Coronary Artery"; laterality
  removed) and the devices inserted or removed ("Intraluminal Device").
* ``hcpcs_devices.txt`` -- device and supply nouns from HCPCS Level II 2019 (CMS, US public
  domain): the head of the long description ("Catheter, drainage" -> "catheter") of device,
  durable medical equipment, orthotic/prosthetic and supply codes (A4-A9, C1, E, K, L).
* ``abbreviations_typed.tsv`` -- the abbreviations whose senses are one label, typed with the clinical
  preset's word lists (:func:`labeling_functions.presets.clinical.type_abbreviations`).
* ``symptoms.txt`` -- names and synonyms of the Symptom Ontology (CC0).
* ``abbreviations.tsv.gz`` -- clinical abbreviations (``abbreviation<TAB>sense<TAB>share<TAB>cases``)
  from the Vanderbilt and Stetson sense inventories of the Medical Abbreviation and Acronym
  Meta-Inventory (Grossman Liu et al., Scientific Data 2021; CC BY 4.0): every sense with its
  share and the spellings seen in notes ("EKG", "ekg"); abbreviations only in the Berman pathology
  list (same meta-inventory) are added with equal shares and capitals as their spelling.  The
  clinical preset types a sense by its own lexicons at run time.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import re
from importlib.resources import files
from pathlib import Path

#: a brand name seen lower-case this often in MTSamples is a common word (matched only capitalised)
COMMON_WORD_COUNT = 5

_SALTS = frozenset(
    "hydrochloride hcl hydrobromide hydroiodide sodium disodium potassium calcium magnesium sulfate sulphate "
    "maleate mesylate dimesylate tartrate bitartrate citrate acetate diacetate phosphate succinate fumarate "
    "besylate bromide chloride dihydrate monohydrate trihydrate anhydrous hyclate malate lactate gluconate "
    "tosylate napsylate pamoate propionate dipropionate valerate benzoate stearate estolate palmitate "
    "nitrate oxalate saccharate carbonate bicarbonate hemifumarate monosodium trisodium meglumine "
    "tromethamine xinafoate furoate decanoate enanthate cypionate".split()
)
_PACKAGING = re.compile(
    r"\b(in plastic container|in dextrose|in sodium chloride|preservative free|in dual chamber container|"
    r"kit|pack|in (?:sterile )?water|and dextrose|in (?:\d+(?:\.\d+)?% )?dextrose)\b.*$"
)
_STRENGTH = re.compile(r"\s*'[^']*'|\s+\d[\d.,/%]*\s*(mg|mcg|g|ml|%|units?|meq)?\b.*$", re.I)


def _norm(name: str) -> str:
    name = name.strip().lower()
    name = re.sub(r"\s+", " ", name)
    return name


def _drug_variants(name: str) -> set[str]:
    """A product or ingredient name, cleaned, plus its form without a salt word."""
    name = _norm(name)
    name = _STRENGTH.sub("", name)
    name = _PACKAGING.sub("", name).strip(" ,;-")
    out: set[str] = set()
    if not name or len(name) < 3 or re.search(r"[\d]{2,}", name):
        return out
    out.add(name)
    words = name.split()
    base = [w for w in words if w not in _SALTS]
    if base and len(base) < len(words):
        out.add(" ".join(base))
    return out


def build_drugs(vocab: Path, mtsamples: Path | None) -> list[tuple[str, str]]:
    ingredients: set[str] = set()
    brands: set[str] = set()
    with open(vocab / "rxnorm_prescribable" / "rxnorm_prescribable_concepts.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            tty, name = row["tty"], row["name"]
            if tty in ("IN", "PIN"):
                ingredients |= _drug_variants(name)
            elif tty == "MIN":
                for part in name.split(" / "):
                    ingredients |= _drug_variants(part)
            elif tty == "BN":
                brands |= _drug_variants(name)
    with open(vocab / "drugs_fda" / "Products.txt", encoding="latin-1") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for part in re.split(r";\s*", row["ActiveIngredient"] or ""):
                ingredients |= _drug_variants(part)
            drug = row["DrugName"] or ""
            for part in re.split(r"\s+and\s+", drug, flags=re.I) if " AND " in drug.upper() else [drug]:
                brands |= _drug_variants(part)
    brands -= ingredients
    from .lexicons import drug_names

    known = drug_names()
    lower_counts = _lowercase_counts(mtsamples, {b for b in brands if " " not in b and b not in known}) if mtsamples else {}
    rows = [(t, "ingredient") for t in ingredients]
    for b in brands:
        rows.append((b, "brand_cased" if lower_counts.get(b, 0) >= COMMON_WORD_COUNT else "brand"))
    return sorted(rows)


def _lowercase_counts(mtsamples: Path, words: set[str]) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    with open(mtsamples, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for w in re.findall(r"(?<![A-Za-z])[a-z][a-z-]+(?![A-Za-z])", row.get("transcription") or ""):
                if w in words:
                    counts[w] += 1
    return counts


_PCS_OF = re.compile(r"^(?P<op>.+?) of (?P<rest>.+)$")
_LATERAL = re.compile(r"^(right|left|bilateral) ", re.I)


def build_pcs(vocab: Path) -> tuple[list[str], list[str], list[str]]:
    ops: collections.Counter[str] = collections.Counter()
    parts: collections.Counter[str] = collections.Counter()
    devices: collections.Counter[str] = collections.Counter()
    with gzip.open(vocab / "icd10pcs" / "icd10pcs_order_2026.tsv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["billable"] != "1":
                continue
            desc = row["long_description"].split(",")[0]
            m = _PCS_OF.match(desc)
            if not m:
                continue
            op = m.group("op")
            if " in " in op or len(op.split()) > 5:
                continue
            ops[op.lower()] += 1
            rest = m.group("rest")
            target = re.split(r" (?:with|using|to|from|into|in|on|via) ", rest)[0]
            tail = re.search(r" (?:from|into|in) (.+)$", rest)
            if op in ("Insertion", "Removal", "Revision", "Replacement") and " into " in rest or \
                    op in ("Removal", "Revision") and " from " in rest:
                devices[_norm(target)] += 1
                if tail:
                    parts[_norm(_LATERAL.sub("", tail.group(1)))] += 1
                continue
            parts[_norm(_LATERAL.sub("", target))] += 1
    anatomy = sorted(p for p in parts if 3 <= len(p) and len(p.split()) <= 4 and not re.search(r"\d|device|substance|matter", p))
    devs = sorted(d for d in devices if "device" in d or d.split()[-1] in {"lead", "spacer", "expander", "stimulator", "pump"})
    return sorted(ops), anatomy, devs


_HCPCS_DEVICE = re.compile(r"^(A4|A5|A6|A7|A9|C1|E|K|L)")


def build_hcpcs_devices(vocab: Path) -> list[str]:
    heads: collections.Counter[str] = collections.Counter()
    with open(vocab / "hcpcs" / "hcpcs2019_level2.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["record_type"] == "modifier" or not _HCPCS_DEVICE.match(row["code"]):
                continue
            head = re.split(r"[,(;:]| for | with | w/", row["long_description"])[0].strip().lower()
            head = re.sub(r"^(replacement|supply|supplies|accessory|miscellaneous)\s+", "", head)
            if 3 <= len(head) and len(head.split()) <= 3 and not re.search(r"\d|/|\bper\b", head):
                heads[head] += 1
    return sorted(h for h, n in heads.items() if n >= 2)


def build_symptoms(vocab: Path) -> list[str]:
    out: set[str] = set()
    with open(vocab / "symptom_ontology" / "symp_terms.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for term in [row["name"], *(row["synonyms"] or "").split("|")]:
                term = _norm(term)
                if term and len(term) >= 4 and "," not in term:
                    out.add(term)
    return sorted(out)


def build_abbreviations(vocab: Path) -> list[tuple[str, str, float, str]]:
    """(abbreviation, sense, share, spellings) from the Vanderbilt and Stetson inventories."""
    base = vocab / "clinical_abbreviations"
    senses: dict[str, dict[str, list[float]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    spellings: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name in ("vanderbilt_clinic_notes.txt", "vanderbilt_discharge_sums.txt"):
        with open(base / "4-vanderbilt" / name, encoding="utf-8", errors="replace") as fh:
            next(fh)
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 5:
                    continue
                abbr, sense, variation, _cui, freq = parts[:5]
                try:
                    share = float(freq)
                except ValueError:
                    continue
                senses[abbr.lower()][sense.lower()].append(share)
                for v in variation.split("|"):
                    spelled, _, n = v.rpartition("_")
                    spelled = spelled.strip(".")
                    if spelled and n.isdigit():
                        spellings[abbr.lower()][spelled] += int(n)
    with open(base / "6-stetson" / "sense_distribution_448.txt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            try:
                share = float(parts[2])
            except ValueError:
                continue
            senses[parts[0].lower()][parts[1].lower()].append(share)
    berman: dict[str, set[str]] = collections.defaultdict(set)
    with open(base / "3-berman" / "12000_pathology_abbreviations.txt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            sf, sep, lf = line.partition(" = ")
            if sep and sf.strip().lower() not in senses:
                berman[sf.strip().lower()].add(lf.strip().lower())
    for abbr, lfs in berman.items():
        for lf in lfs:
            senses[abbr][lf].append(1.0 / len(lfs))
            spellings[abbr][abbr.upper()] += 1
    rows = []
    for abbr, by_sense in senses.items():
        if not re.fullmatch(r"[a-z0-9][a-z0-9/&+-]{1,9}", abbr):
            continue
        n_sources = max(len(v) for v in by_sense.values())
        for sense, shares in by_sense.items():
            share = sum(shares) / max(n_sources, len(shares))
            cases = "|".join(s for s, _ in spellings[abbr].most_common()) or abbr.upper()
            rows.append((abbr, sense, round(share, 3), cases))
    return sorted(rows)


def _write(path: Path, header: list[str], lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header) + "".join(f"{line}\n" for line in lines)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vocab", type=Path, default=root.parent / "shared" / "data" / "vocab")
    ap.add_argument("--mtsamples", type=Path, default=root.parent / "shared" / "data" / "mtsamples" / "mtsamples.csv")
    ap.add_argument("--out", type=Path, default=Path(str(files("labeling_functions.resources.clinical"))))
    args = ap.parse_args(argv)
    out, vocab = args.out, args.vocab
    built = "built by labeling_functions/build_clinical_lexicons.py"
    drugs = build_drugs(vocab, args.mtsamples if args.mtsamples.is_file() else None)
    _write(out / "drugs.tsv.gz", [
        "Drug names: RxNorm Current Prescribable Content 2025-10-06 (NLM; IN, PIN, MIN, BN) and Drugs@FDA (FDA, 2022).",
        "This product uses publicly available data courtesy of the U.S. National Library of Medicine (NLM), National "
        "Institutes of Health, Department of Health and Human Services; NLM is not responsible for the product and does "
        "not endorse or recommend this or any other product.  Drugs@FDA: US public domain.",
        f"kind brand_cased: a brand that is a common lower-case word in MTSamples (CC0); {built}.",
    ], [f"{t}\t{k}" for t, k in drugs])
    ops, anatomy, pcs_devices = build_pcs(vocab)
    pcs_head = f"ICD-10-PCS FY2026 order file (CMS, US public domain); {built}."
    _write(out / "pcs_operations.txt", ["Operations and modalities of ICD-10-PCS descriptions (text before ' of ').", pcs_head], ops)
    _write(out / "anatomy.txt", ["Body parts of ICD-10-PCS descriptions, laterality removed.", pcs_head], anatomy)
    _write(out / "pcs_devices.txt", ["Devices inserted into or removed from body parts in ICD-10-PCS descriptions.", pcs_head],
           pcs_devices)
    hcpcs = build_hcpcs_devices(vocab)
    _write(out / "hcpcs_devices.txt", [
        "Device, equipment and supply nouns: heads of HCPCS Level II 2019 descriptions (codes A4-A9, C1, E, K, L),",
        f"CMS, US public domain (no CPT content); {built}."], hcpcs)
    symptoms = build_symptoms(vocab)
    _write(out / "symptoms.txt", [f"Symptom Ontology 2026-07-30 names and synonyms (CC0 1.0); {built}."], symptoms)
    abbr = build_abbreviations(vocab)
    _write(out / "abbreviations.tsv.gz", [
        "Clinical abbreviation senses (abbreviation, sense, share, spellings seen in notes) from the Medical Abbreviation",
        "and Acronym Meta-Inventory, Vanderbilt, Stetson and Berman sense inventories: Grossman Liu L, et al. A deep database of",
        "medical abbreviations and acronyms for natural language processing. Scientific Data 8, 149 (2021). CC BY 4.0;",
        f"{built}.",
    ], [f"{a}\t{s}\t{sh}\t{c}" for a, s, sh, c in abbr])
    from .presets.clinical import abbreviation_terms, type_abbreviations

    typed = type_abbreviations()
    _write(out / "abbreviations_typed.tsv", [
        "Clinical abbreviations typed by their senses (abbreviation, label, case rule: any = any case, upper = capitals",
        "only), from abbreviations.tsv.gz (Grossman Liu et al. 2021, CC BY 4.0) and the clinical preset's word lists;",
        f"{built} (rebuild when those word lists change).",
    ], [f"{a}\t{lab}\t{rule}" for a, lab, rule in typed])
    abbreviation_terms.cache_clear()
    print(f"{len(drugs)} drug names, {len(ops)} PCS operations, {len(anatomy)} body parts, {len(pcs_devices)} PCS devices, "
          f"{len(hcpcs)} HCPCS device heads, {len(symptoms)} symptoms, {len(abbr)} abbreviation senses "
          f"({len(typed)} typed) -> {out}")


if __name__ == "__main__":
    main()
