"""Write codes_dev_rules.jsonl: 36 MTSamples notes coded by hand, the set the second pass of rules
was written against (README.md).

The notes are picked mechanically by ``select_notes.py`` (none of them is in the 40-note set of
``../codes_dev_mtsamples/``); the codes below were assigned by reading each note with the
ICD-10-CM Alphabetic Index (FY2025) and the Tabular (FY2026) before the rules of the second pass
were written, with the conventions of ``../codes_dev_mtsamples/README.md``.  This script
validates every code against the FY2026 release (``simple-icd-10-cm``) and writes the JSONL (note
text from ``../shared/data/mtsamples/mtsamples.csv``, CC0):

    .venv/bin/python benchmarks/codes_dev_rules/make_codes_dev_rules.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


HERE = Path(__file__).resolve().parent

#: note id -> (setting override or None, [(code, rationale), ...])
GOLD: dict[str, tuple[str | None, list[tuple[str, str]]]] = {
    # ------------------------------------------------------------------ radiology
    "mts-1492": (None, [
        ("O21.9", "reason for exam: pregnant with nausea and vomiting (Vomiting, pregnancy); the impression's "
                  "'may represent an inevitable abortion' is uncertain"),
        ("O99.891", "diarrhea complicating pregnancy (Pregnancy, complicated by, conditions in, specified NEC)"),
        ("R19.7", "diarrhea, with O99.891 (use additional code to identify the condition)"),
    ]),
    "mts-1715": (None, [
        ("R10.32", "left lower quadrant pain, the indication; the impression 'consistent with diverticulitis' is "
                   "uncertain (outpatient, IV.H): the symptom is coded; findings outside the impression are not"),
    ]),
    "mts-1757": (None, []),  # a normal echocardiogram with no reason given; trace regurgitation is physiologic
    "mts-1575": (None, [
        ("S86.311A", "peroneal tendon tear stated in the clinical line: Tear, tendon -> Strain, peroneal, right; "
                     "pain and swelling integral; the impression's avulsion is only 'consistent with'"),
    ]),
    "mts-1541": (None, [
        ("S99.921A", "reason for exam 'injury' of the right foot (Injury, foot); fractures 'cannot be excluded' "
                     "are uncertain"),
    ]),
    "mts-1741": (None, [
        ("O09.523", "advanced maternal age (Pregnancy, supervision, elderly mother), 36 weeks: third trimester; "
                    "gravida not stated, multigravida taken"),
        ("O16.3", "hypertension in pregnancy, type not stated (Hypertension, complicating pregnancy O16.-)"),
    ]),
    "mts-1738": (None, [
        ("I65.23", "bilateral carotid atherosclerotic plaques (Arteriosclerosis, carotid I65.2-), both sides"),
    ]),
    "mts-1494": (None, [
        ("O30.003", "twin pregnancy (Twin A), 33-35 weeks: third trimester; placentas and sacs not stated"),
    ]),
    # ------------------------------------------------------------------ orthopedic
    "mts-2224": (None, [
        ("M67.432", "ganglion of the left wrist (postoperative diagnosis)"),
    ]),
    "mts-2148": (None, [
        ("M77.10", "lateral epicondylitis (side not stated) with tendinitis of the common extensor origin"),
        ("M25.429", "small joint effusion of the elbow (impression)"),
    ]),
    "mts-2020": (None, []),  # an operative note without any diagnosis
    "mts-2243": (None, [
        ("M65.4", "de Quervain's stenosing tenosynovitis (Disease, de Quervain's; Tenosynovitis, radial styloid)"),
    ]),
    "mts-2334": (None, [
        ("S92.001B", "open calcaneus fracture, right, still in active treatment: initial encounter for an open "
                     "fracture (7th character B)"),
    ]),
    # ------------------------------------------------------------------ urology
    "mts-99": (None, [
        ("K40.20", "bilateral (direct) inguinal hernia, no obstruction or gangrene, not recurrent"),
    ]),
    "mts-149": (None, [
        ("N40.1", "prostatism: Prostatism -> Hyperplasia, prostate; with urinary retention (a lower urinary "
                  "tract symptom): N40.1"),
        ("R33.8", "urinary retention with BPH (N40.1: use additional code for associated symptoms)"),
        ("N21.0", "bladder calculus"),
        ("E11.9", "diabetic, type not stated; 'apparent neurogenic bladder' is uncertain"),
        ("E66.9", "obesity"),
        ("Z87.440", "recent (treated) urinary tract infections: personal history"),
    ]),
    "mts-154": (None, []),  # routine circumcision: Z41.2 is outside the Z codes in scope
    "mts-24": (None, []),   # sterilization encounter: Z30.2 is outside the Z codes in scope
    # ------------------------------------------------------------------ cardiovascular / pulmonary
    "mts-4883": (None, [
        ("I65.23", "occlusion of the left common carotid and 20% stenosis of the right internal carotid: "
                   "bilateral (I65.23)"),
    ]),
    "mts-4727": (None, [
        ("R94.39", "indication: previously abnormal stress test; the scar is only 'consistent with' (outpatient)"),
    ]),
    "mts-4892": (None, [
        ("I48.21", "permanent atrial fibrillation (impression)"),
        ("I48.92", "atrial flutter, the reason for the cardioversion"),
    ]),
    "mts-4949": ("inpatient", [
        ("R50.82", "postoperative diagnosis: fever more than 24 hours after surgery (Fever, postprocedural)"),
        ("S36.039A", "splenic laceration from abdominal trauma, the admission's injury (treated by splenectomy)"),
    ]),
    "mts-4878": (None, [
        ("J94.2", "right hemothorax (postoperative diagnosis)"),
        ("C53.9", "newly diagnosed carcinoma of the cervix"),
    ]),
    # ------------------------------------------------------------------ discharge summaries
    "mts-3916": (None, [
        ("S72.001A", "fracture of the right femoral neck"),
        ("G30.9", "Alzheimer's disease: written 'history of Alzheimer's dementia' but chronic and current "
                  "(confusion at baseline from it)"),
        ("F02.80", "dementia in Alzheimer's disease (G30.9 first), no behavioural disturbance stated"),
        ("E03.9", "hypothyroidism, chronic"),
    ]),
    "mts-3972": (None, [
        ("J96.01", "acute respiratory failure (resolved during the stay), hypoxic on admission"),
        ("J20.9", "severe (acute) bronchitis"),
        ("N17.9", "acute on chronic renal failure: acute kidney failure"),
        ("N18.9", "... and chronic kidney disease, stage not stated"),
        ("I13.10", "hypertension with CKD and heart disease (diastolic dysfunction), no heart failure "
                   "(BNP normal, no congestion)"),
        ("I51.89", "diastolic dysfunction without heart failure"),
        ("E78.5", "hyperlipidemia"),
        ("Z85.3", "remote history of carcinoma of the breast"),
        ("Z90.5", "remote right nephrectomy: acquired absence of kidney"),
        ("J30.9", "allergic rhinitis"),
    ]),
    "mts-3895": (None, [
        ("S82.141A", "right tibial plateau fracture: Fracture, tibia, upper end, plateau -> bicondylar; "
                     "displaced by default"),
        ("S83.206A", "medial meniscus tear, right, type not stated: Tear, meniscus (current injury), right knee"),
        ("E03.9", "hypothyroid (managed by Internal Medicine)"),
        ("E11.9", "diabetes mellitus type 2"),
        ("J40", "bronchitis, not specified as acute or chronic"),
        ("I50.9", "congestive heart failure"),
    ]),
    "mts-3949": (None, [
        ("L03.115", "cellulitis of the right lower limb (bilateral lower extremity cellulitis)"),
        ("L03.116", "cellulitis of the left lower limb"),
        ("B35.3", "tinea pedis, the cause of the cellulitis"),
        ("N40.1", "prostatic hypertrophy with bladder outlet obstruction (a lower urinary tract symptom)"),
        ("N32.0", "bladder outlet obstruction (N40.1: use additional code)"),
        ("G80.9", "cerebral palsy; spasticity is part of it"),
    ]),
    # ------------------------------------------------------------------ consultations
    "mts-4589": ("inpatient", [
        ("I25.110", "coronary disease of native arteries (LAD 99%, circumflex 80%) with rest and nocturnal "
                    "angina: unstable angina; the abnormal stress test and chest pain are part of it"),
        ("R00.1", "relative bradycardia (metoprolol held for it)"),
        ("G47.33", "obstructive sleep apnea"),
        ("K21.9", "GERD"),
        ("M19.90", "arthritis, not specified: Arthritis -> osteoarthritis NOS (M19.90)"),
    ]),
    "mts-4495": (None, [
        ("N13.30", "marked right hydronephrosis (impression); UPJ obstruction and the stone are 'possibly' / "
                   "'question of'"),
        ("C50.911", "right breast cancer awaiting mastectomy: current"),
        ("Z85.42", "history of uterine cancer (hysterectomy)"),
        ("Z85.89", "history of mesothelioma (no treatment or current disease stated)"),
        ("E11.9", "diabetes (on metformin), type not stated"),
        ("I10", "hypertension (on Diovan HCT)"),
        ("Z90.710", "hysterectomy: acquired absence of uterus and cervix"),
    ]),
    "mts-4580": (None, [
        ("S93.401A", "right ankle sprain"),
        ("I10", "hypertension in the past history, on a blood pressure pill: chronic, current"),
        ("F41.9", "anxiety in the past history, on Lexapro: current"),
    ]),
    "mts-4276": (None, [
        ("D32.0", "multiple recurrent meningiomas of the cerebral meninges (benign), not all resected"),
        ("R47.01", "expressive aphasia, stable (chief complaint)"),
        ("H54.7", "decreased vision (chief complaint), unspecified visual loss"),
    ]),
    # ------------------------------------------------------------------ progress notes
    "mts-1444": (None, [
        ("H35.3231", "neovascular (exudative) age-related macular degeneration, both eyes, with choroidal "
                     "neovascularization and subretinal blood: active"),
        ("H25.13", "early nuclear sclerosis, both eyes: age-related nuclear cataract, bilateral"),
        ("H25.042", "posterior subcapsular cataract, left eye"),
    ]),
    "mts-1401": (None, [
        ("M79.671", "painful feet (assessment): pain in right foot"),
        ("M79.672", "... and left foot"),
        ("E11.9", "diabetic, type not stated"),
        ("I10", "history of hypertension: chronic, current"),
    ]),
    "mts-1360": (None, [
        ("Z98.84", "status post lap band placement: bariatric surgery status (the adjustment encounter Z46.51 "
                   "is outside the Z codes in scope)"),
    ]),
    # ------------------------------------------------------------------ general medicine, neurology
    "mts-3441": (None, [
        ("S81.801A", "complex open wound of the right lower extremity (leg), in active treatment"),
        ("L03.115", "cellulitis of the right lower limb"),
        ("B95.62", "MRSA as the cause of the cellulitis"),
        ("G89.29", "chronic pain"),
        ("F17.210", "cigarette smoking, current: Smoker -> Dependence, nicotine, cigarettes"),
        ("B18.2", "'history of hepatitis C' with cirrhosis on ultrasound: chronic hepatitis C, current"),
        ("K74.60", "mild cirrhosis (ultrasound)"),
        ("I87.2", "leg swelling thought secondary to chronic venostasis (inpatient: coded as if confirmed)"),
    ]),
    "mts-3364": (None, [
        ("T15.92XA", "foreign body of the left eye; the pain is part of it"),
    ]),
    "mts-2968": (None, [
        ("R51.9", "headache (chief complaint)"),
        ("Q28.2", "cerebral arteriovenous malformation (right parietal), with past hemorrhages"),
    ]),
}

def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    # the same checks and record layout as the second development set
    maker = _load(HERE.parent / "codes_dev_mtsamples" / "make_codes_dev_mtsamples.py")
    maker.write_gold_set(_load(HERE / "select_notes.py").select(), GOLD, HERE / "codes_dev_rules.jsonl")


if __name__ == "__main__":
    main()
