"""Write codes_dev_mtsamples.jsonl: 40 MTSamples notes coded by hand as a coder would (README.md).

The notes are picked mechanically by ``select_notes.py``; the codes below were assigned by
reading each note with the ICD-10-CM Alphabetic Index (FY2025) and the Tabular (FY2026), before
any rule of issue 17 was written, and were not changed after the rules were run on them.  This
script validates every code against the FY2026 release (``simple-icd-10-cm``) and writes the
JSONL (note text from ``../shared/data/mtsamples/mtsamples.csv``, CC0):

    .venv/bin/python benchmarks/codes_dev_mtsamples/make_codes_dev_mtsamples.py
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import simple_icd_10_cm as icd

HERE = Path(__file__).resolve().parent

#: note id -> (setting override or None, [(code, rationale), ...])
GOLD: dict[str, tuple[str | None, list[tuple[str, str]]]] = {
    # ------------------------------------------------------------------ radiology
    "mts-1608": (None, [
        ("D32.0", "olfactory-groove meningioma (biopsy-confirmed): Meningioma -> Neoplasm, meninges, benign; cerebral meninges"),
        ("R43.0", "anosmia, persisting; not a routine sign of meningioma"),
        ("E11.9", "diabetes mellitus (type not stated -> E11), current chronic condition in the PMH"),
    ]),
    "mts-1511": (None, [
        ("R10.84", "diffuse abdominal pain, the reason for the study (normal study: code the reason)"),
        ("R41.82", "decreased mental status given as a reason for admission"),
        ("J18.9", "right upper lobe pneumonia stated in the history (confirmed)"),
        ("B20", "'history of AIDS': AIDS is never a history-only condition, B20 once AIDS was diagnosed (I.C.1.a)"),
    ]),
    "mts-1614": (None, [
        ("M79.662", "left calf pain, the reason for the exam; DVT negated; 1 cm nodes not called abnormal"),
    ]),
    "mts-1558": (None, [
        ("M75.82", "subscapularis tendinitis and rotator-interval capsule inflammation, left: Tendinitis -> Enthesopathy, "
                   "shoulder region -> Lesion, shoulder, specified NEC; 'hidden lesion' only suggested (uncertain); pain integral"),
    ]),
    "mts-1578": (None, [
        ("Q68.6", "discoid lateral meniscus"),
        ("S83.512A", "near-complete tear of the ACL, left knee: Tear, ligament -> Sprain, knee, cruciate, anterior"),
        ("S83.412A", "medial capsule / MCL sprain, left knee"),
        ("S76.112A", "strain of the vastus medialis oblique (quadriceps), left"),
        ("S80.02XA", "contusion of the patella, left knee"),
        ("M25.462", "joint effusion, left knee (stated in the impression)"),
    ]),
    "mts-1545": (None, [
        ("C34.90", "lung carcinoma, the indication (current, under staging); side of the cancer itself not stated"),
        ("J98.11", "post-obstructive atelectasis (impression); the paraspinal 'may represent' lesion is uncertain"),
    ]),
    "mts-1573": (None, [
        ("S83.512A", "interstitial sprain / partial tear of the ACL, left knee (twisting injury a week ago)"),
        ("M17.12", "arthrosis of the knee: Arthrosis -> Osteoarthritis, knee, unilateral, left"),
        ("M25.462", "joint effusion, left knee"),
        ("M67.262", "synovial hypertrophy, left knee; the 'probable' meniscal tear is uncertain"),
    ]),
    "mts-1649": (None, [
        ("I25.119", "angina with coronary artery disease (indication): the 'with' convention links them, I25.11-"),
        ("I51.7", "biatrial enlargement, dilated left ventricle: Enlargement, heart / atrium"),
        ("I34.0", "mild mitral regurgitation, nonrheumatic"),
        ("I51.89", "diastolic dysfunction grade 2 without heart failure stated"),
        ("I27.20", "mild pulmonary hypertension, type not stated"),
    ]),
    "mts-1697": (None, [
        ("S06.5XAA", "traumatic subdural hematoma after a fall; loss of consciousness not documented (status unknown)"),
        ("G81.94", "left hemiparesis from the hematoma; dominance not stated, left = nondominant (I.C.6.a)"),
        ("I10", "hypertension in the PMH, treated (Procardia XL)"),
        ("I49.9", "cardiac arrhythmia in the PMH"),
    ]),
    "mts-1714": (None, [
        ("R10.9", "flank pain, the reason for the exam, not explained by a confirmed finding (stone passage only asked)"),
        ("N28.89", "mild left renal pelvic dilatation: Dilatation, kidney (pelvis)"),
        ("N28.82", "proximal ureteral dilatation: Dilatation, ureter"),
        ("K57.30", "diverticulosis (of the colon), no diverticulitis"),
    ]),
    # ------------------------------------------------------------------ urology
    "mts-163": (None, []),  # operative note without any diagnosis: nothing to code
    "mts-116": (None, [("N43.3", "bilateral hydroceles (and hydrocele of the cord)")]),
    "mts-34": (None, [("K42.9", "umbilical hernia (repaired; hernia sac found), no obstruction or gangrene")]),
    "mts-170": (None, [("O71.5", "bladder laceration during a cesarean section: obstetric injury to pelvic organs")]),
    "mts-43": (None, [
        ("N43.3", "bilateral hydroceles"),
        ("N50.89", "left testicular swelling, the reason for the exam; epididymitis only 'compatible with' (uncertain, outpatient)"),
    ]),
    # ------------------------------------------------------------------ cardiopulmonary
    "mts-4762": (None, [("R07.9", "chest pain, the indication; the perfusion scan is normal")]),
    "mts-4691": (None, [
        ("R05.9", "cough; its causes are 'probably' GERD and aspiration (uncertain, outpatient: code the symptom)"),
        ("I69.354", "old CVA with left hemiparesis: sequela of cerebral infarction, left nondominant side"),
        ("R13.12", "oropharyngeal dysphagia"),
        ("E11.9", "diabetes, type not stated"),
    ]),
    "mts-4683": (None, [
        ("J43.9", "COPD/emphysema: Disease, lung, obstructive, with emphysema -> J43.9"),
        ("R09.02", "mild hypoxemia, listed on its own"),
        ("F20.9", "'history of' schizophrenia in a patient recently hospitalized for psychiatric problems: current"),
        ("F32.2", "agitated depression (ROS, assessment): Depression, agitated (single episode)"),
        ("Z99.81", "uses supplemental oxygen with activity and at night"),
    ]),
    "mts-4795": (None, [("J98.09", "left mainstem bronchomalacia (not called congenital); chronic wheezing explained by it")]),
    "mts-4686": ("inpatient", [
        ("R55", "syncopal episode, the reason for admission"),
        ("Z86.711", "pulmonary embolism diagnosed one year ago (IVC filter); no current embolism documented"),
        ("I48.0", "paroxysmal atrial fibrillation"),
        ("I25.10", "coronary artery disease"),
        ("Z95.1", "status post CABG"),
        ("I34.0", "mitral regurgitation"),
        ("K21.9", "gastroesophageal reflux disease"),
        ("I10", "hypertension"),
        ("E78.5", "hyperlipidemia"),
        ("I73.9", "peripheral vascular disease"),
        ("E03.9", "hypothyroidism"),
        ("Z86.79", "history of aortic aneurysm and of renal artery stenosis"),
        ("Z87.19", "history of GI bleed (diverticulosis, gastric ulcers), the reason for no anticoagulation"),
        ("Z87.891", "former smoker"),
        ("Z95.828", "IVC filter, renal and femoral stents"),
    ]),
    # ------------------------------------------------------------------ discharge summaries (inpatient)
    "mts-3907": (None, [
        ("Z38.00", "single liveborn, born in this hospital, vaginal delivery"),
        ("P07.17", "birth weight 1812 g"),
        ("P07.37", "34 completed weeks of gestation"),
        ("P92.9", "feeding problems (would not suck properly, OG tube)"),
        ("Z05.1", "observation for suspected sepsis, ruled out (cultures negative)"),
    ]),
    "mts-3911": (None, [
        ("C53.9", "microinvasive carcinoma of the cervix (invasive: malignant, not in situ)"),
        ("Z87.891", "significant past history of tobacco use"),
    ]),
    "mts-3940": (None, [
        ("N18.6", "end-stage renal disease"),
        ("Z99.2", "on hemodialysis"),
        ("E11.22", "type 2 diabetes with CKD: the 'with' convention"),
        ("I50.9", "congestive heart failure (EF 30% alone does not name the type)"),
        ("Z87.81", "history of T9 vertebral fracture (healed)"),
        ("M46.46", "lumbar diskitis"),
        ("D69.6", "thrombocytopenia"),
        ("E46", "protein malnourishment: Malnutrition, protein"),
        ("Z86.2", "history of anemia"),
        ("K59.00", "constipation treated during the stay"),
    ]),
    "mts-3963": (None, [
        ("I46.9", "cardiac arrest"),
        ("I50.9", "severe congestive heart failure"),
        ("J96.20", "acute on chronic respiratory failure, hypoxia/hypercapnia not stated"),
        ("M81.0", "osteoporosis"),
        ("F32.A", "depression"),
        ("J18.9", "pneumonia treated with IV antibiotics"),
        ("I95.9", "low blood pressure treated with IV fluids"),
        ("M54.50", "chronic low back pain"),
        ("Z66", "DNR"),
    ]),
    "mts-3978": (None, [
        ("I11.0", "hypertension with heart failure (the 'with' convention)"),
        ("I50.9", "congestive heart failure, type not stated by the provider"),
        ("J91.8", "pleural effusion in heart failure, treated by thoracentesis"),
        ("C61", "prostate cancer"),
        ("D72.829", "leukocytosis"),
        ("T38.0X5A", "leukocytosis and hyperglycemia presumed due to corticosteroids (adverse effect)"),
        ("R73.9", "hyperglycemia from Solu-Medrol"),
        ("D63.8", "anemia of chronic disease"),
        ("J98.01", "bronchospasm treated with Solu-Medrol"),
    ]),
    # ------------------------------------------------------------------ gastroenterology
    "mts-3556": (None, [
        ("K29.70", "gastritis (postoperative diagnosis); epigastric pain integral; the preoperative ulcer disease not found"),
        ("Z87.11", "history of peptic ulcer disease"),
    ]),
    "mts-3644": (None, [
        ("Z12.11", "screening colonoscopy"),
        ("K57.30", "diverticulosis of the sigmoid and descending colon"),
        ("I10", "hypertension (coexisting, affects sedation)"),
        ("E78.5", "dyslipidemia"),
        ("K21.9", "gastroesophageal reflux disease"),
    ]),
    "mts-3573": ("inpatient", [("K92.0", "coffee-ground emesis: Vomiting, blood -> Hematemesis")]),
    # ------------------------------------------------------------------ neurology
    "mts-2915": (None, [
        ("M54.9", "back pain after a fall (region not stated), the reason for the exam; no fracture"),
        ("M47.816", "mild degenerative changes of the lumbar spine: Degeneration, changes, spine -> Spondylosis"),
    ]),
    "mts-2779": (None, [("G80.1", "spastic diplegic cerebral palsy (the note's ICD-9 code 343.0 is not ICD-10-CM)")]),
    "mts-2806": (None, [("G40.B09", "juvenile myoclonic epilepsy, not called intractable; the recent seizure is part of it")]),
    # ------------------------------------------------------------------ orthopedic
    "mts-2249": (None, [
        ("M51.369", "degenerative disk disease L4-L5 (lumbar)"),
        ("M51.379", "degenerative disk disease L5-S1 (lumbosacral)"),
    ]),
    "mts-2050": (None, [("S43.439A", "SLAP tear found at arthroscopy, side not stated: Lesion, SLAP")]),
    "mts-2358": ("inpatient", [("M50.222", "right C5-C6 herniated nucleus pulposus; radiculopathy not stated, neck pain integral")]),
    # ------------------------------------------------------------------ progress notes
    "mts-1435": (None, [
        ("R94.31", "new T-wave abnormalities on the EKG"),
        ("Z95.1", "four-vessel bypass in 2001"),
        ("R03.0", "elevated blood pressure; no diagnosis of hypertension is written"),
    ]),
    "mts-1381": (None, [
        ("I48.91", "atrial fibrillation (EKG confirms)"),
        ("R42", "dizziness, vertigo, lightheadedness"),
        ("Z79.01", "on Coumadin therapy"),
        ("M54.9", "back pain, improving"),
    ]),
    "mts-1390": (None, [
        ("E11.9", "diabetes mellitus, type not stated"),
        ("E78.00", "hypercholesterolemia"),
        ("J32.9", "sinusitis: the Index default for sinusitis NOS is chronic, J32.9"),
    ]),
    # ------------------------------------------------------------------ nephrology, ENT, oncology
    "mts-3040": (None, [
        ("R74.8", "abnormal liver enzymes (indication): Elevated, liver function, hepatic enzyme"),
        ("R19.7", "diarrhea (indication)"),
        ("K40.90", "right inguinal hernia containing small bowel; obstruction only suspected"),
        ("K57.30", "sigmoid diverticulosis without diverticulitis"),
        ("Z90.49", "status post cholecystectomy"),
        ("K83.8", "mild intrahepatic biliary ductal dilatation"),
        ("M85.89", "diffuse osteopenia"),
        ("M47.816", "degenerative changes of the lower lumbar spine"),
    ]),
    "mts-3779": (None, [("J35.03", "adenotonsillitis with hypertrophy: Tonsillitis, hypertrophic, with adenoiditis")]),
    "mts-3138": (None, [
        ("D47.2", "MGUS"),
        ("I48.91", "new atrial fibrillation"),
        ("C61", "prostate cancer, on Lupron (current treatment)"),
        ("Z87.891", "remote tobacco use"),
        ("Z80.42", "brother had prostate cancer"),
    ]),
}


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_gold_set(notes, gold, out: Path) -> None:
    """Check the selection against ``gold`` (note id -> (setting, [(code, rationale), ...])), check
    every code is billable in FY2026, and write the JSONL set (also used by codes_dev_rules)."""
    ids = [n["meta"]["id"] for n in notes]
    if sorted(ids) != sorted(gold):
        raise SystemExit(f"selection and gold differ: {sorted(set(ids) ^ set(gold))}")
    n_codes = 0
    with open(out, "w", encoding="utf-8") as fh:
        for note in notes:
            setting, codes = gold[note["meta"]["id"]]
            for code, _ in codes:
                if not (icd.is_valid_item(code) and icd.is_leaf(code)):
                    raise SystemExit(f"{note['meta']['id']}: {code} is not a billable ICD-10-CM code")
            meta = dict(note["meta"])
            if setting:
                meta["setting"] = setting
            record = {"text": note["text"], "meta": meta, "codes": [
                {"code": code, "system": "ICD-10-CM", "description": icd.get_description(code),
                 "status": "confirmed", "rationale": why} for code, why in codes]}
            n_codes += len(codes)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(notes)} notes, {n_codes} codes -> {out}")


def main() -> None:
    write_gold_set(_load(HERE / "select_notes.py").select(), GOLD, HERE / "codes_dev_mtsamples.jsonl")


if __name__ == "__main__":
    main()
