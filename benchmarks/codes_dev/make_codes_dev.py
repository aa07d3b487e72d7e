"""Write codes_dev.jsonl: 60 short synthetic notes coded by hand following the ICD-10-CM
Official Guidelines (see README.md beside this file).  The notes and their codes are written
here as data; this script only validates every code against the ICD-10-CM release and writes
the JSONL, so the file can be regenerated and checked.

    .venv/bin/python benchmarks/codes_dev/make_codes_dev.py
"""

from __future__ import annotations

import json
from pathlib import Path

import simple_icd_10_cm as icd

R, C, D = "radiology", "clinic", "discharge"

NOTES = [
    # ---------------------------------------------------------------- radiology (outpatient)
    ("rad-01", R, "CLINICAL HISTORY: 3-year-old with fever and cough.\nIMPRESSION: Right lower lobe pneumonia.",
     [("J18.9", "pneumonia, organism not stated; fever and cough are integral to pneumonia and not coded")]),
    ("rad-02", R, "CLINICAL HISTORY: Cough.\nFINDINGS: The lungs are clear. Heart size is normal.\nIMPRESSION: Normal chest. No focal consolidation.",
     [("R05.9", "symptom coded: the study is normal, so the reason for the exam is coded")]),
    ("rad-03", R, "CLINICAL HISTORY: Fever.\nIMPRESSION: No evidence of pneumonia. Lungs are clear.",
     [("R50.9", "pneumonia negated; code the symptom")]),
    ("rad-04", R, "CLINICAL HISTORY: Wheezing.\nIMPRESSION: Peribronchial thickening, possibly reactive airways disease versus viral illness.",
     [("R06.2", "diagnosis uncertain (possibly ... versus), outpatient: code the sign")]),
    ("rad-05", R, "CLINICAL HISTORY: Urinary tract infection.\nIMPRESSION: Normal renal ultrasound. No hydronephrosis.",
     [("N39.0", "UTI given as the indication; hydronephrosis negated; normal study not coded")]),
    ("rad-06", R, "CLINICAL HISTORY: Follow-up of vesicoureteral reflux.\nIMPRESSION: Grade 2 vesicoureteral reflux on the left.",
     [("N13.70", "vesicoureteral reflux; nothing said about nephropathy or hydroureter, so unspecified")]),
    ("rad-07", R, "CLINICAL HISTORY: Hydronephrosis on prior study.\nIMPRESSION: Mild left hydronephrosis, unchanged from prior.",
     [("N13.30", "hydronephrosis without stated cause")]),
    ("rad-08", R, "CLINICAL HISTORY: Cough and fever for three days.\nIMPRESSION: Left lower lobe opacity, atelectasis versus pneumonia.",
     [("R05.9", "diagnosis uncertain (versus): code the symptoms"), ("R50.9", "as above")]),
    ("rad-09", R, "CLINICAL HISTORY: Follow-up of pleural effusion.\nIMPRESSION: Small left pleural effusion, decreased since the prior examination.",
     [("J90", "pleural effusion not attributed to another condition")]),
    ("rad-10", R, "CLINICAL HISTORY: Chest pain.\nIMPRESSION: No acute cardiopulmonary process.",
     [("R07.9", "normal study; code the reason for the exam")]),
    ("rad-11", R, "CLINICAL HISTORY: Right wrist pain after a fall.\nIMPRESSION: No fracture or dislocation.",
     [("M25.531", "pain in right wrist (laterality given); fracture negated")]),
    ("rad-12", R, "CLINICAL HISTORY: Asthma exacerbation.\nIMPRESSION: Hyperinflation without focal consolidation.",
     [("J45.901", "asthma, type not stated, with (acute) exacerbation")]),
    ("rad-13", R, "CLINICAL HISTORY: Cough and wheezing.\nIMPRESSION: Bronchiolitis. No pneumonia.",
     [("J21.9", "bronchiolitis; cough and wheezing integral; pneumonia negated")]),
    ("rad-14", R, "CLINICAL HISTORY: Fever, evaluate for pneumonia.\nIMPRESSION: Patchy opacity in the right upper lobe, likely pneumonia.",
     [("R50.9", "'likely pneumonia' is uncertain; outpatient: code the symptom")]),
    ("rad-15", R, "CLINICAL HISTORY: Right lower quadrant abdominal pain.\nIMPRESSION: Acute appendicitis.",
     [("K35.80", "acute appendicitis, no peritonitis or abscess stated; the pain is integral")]),
    ("rad-16", R, "CLINICAL HISTORY: Right upper quadrant pain.\nIMPRESSION: Cholelithiasis without sonographic evidence of cholecystitis.",
     [("K80.20", "gallstones without cholecystitis or obstruction; pain integral")]),
    ("rad-17", R, "CLINICAL HISTORY: Left flank pain.\nIMPRESSION: 5 mm nonobstructing left renal calculus.",
     [("N20.0", "kidney stone; flank pain integral")]),
    ("rad-18", R, "CLINICAL HISTORY: Chronic cough.\nIMPRESSION: Emphysema. 8 mm solitary pulmonary nodule in the right upper lobe.",
     [("J43.9", "emphysema; chronic cough integral"), ("R91.1", "solitary pulmonary nodule")]),
    ("rad-19", R, "CLINICAL HISTORY: Headache.\nIMPRESSION: Normal CT of the head without contrast.",
     [("R51.9", "normal study; code the symptom")]),
    ("rad-20", R, "CLINICAL HISTORY: Right-sided weakness.\nIMPRESSION: Acute infarct in the left middle cerebral artery territory.",
     [("I63.512", "cerebral infarction of the left MCA territory, occlusion type not stated; weakness integral")]),
    ("rad-21", R, "CLINICAL HISTORY: Pneumothorax, follow up.\nIMPRESSION: Small right apical pneumothorax, decreased in size.",
     [("J93.9", "pneumothorax, type not stated")]),
    ("rad-22", R, "CLINICAL HISTORY: Shortness of breath, evaluate for pulmonary embolism.\nIMPRESSION: Acute pulmonary embolism in the right lower lobe pulmonary arteries.",
     [("I26.99", "pulmonary embolism without acute cor pulmonale; dyspnea integral")]),
    ("rad-23", R, "CLINICAL HISTORY: Edema of the left leg.\nIMPRESSION: No deep venous thrombosis of the left lower extremity.",
     [("R60.0", "localized edema; DVT negated")]),
    ("rad-24", R, "CLINICAL HISTORY: Cough and fever.\nIMPRESSION: Bilateral lower lobe pneumonia.",
     [("J18.9", "pneumonia; symptoms integral")]),
    ("rad-25", R, "CLINICAL HISTORY: Fever and dysuria.\nIMPRESSION: Normal kidneys. Bladder wall thickening may represent cystitis.",
     [("R50.9", "cystitis uncertain ('may represent'): code the symptoms"), ("R30.0", "dysuria")]),
    # ---------------------------------------------------------------- clinic notes (outpatient)
    ("cli-01", C, "CHIEF COMPLAINT: Follow-up of hypertension and diabetes.\nHPI: 58-year-old man. Blood sugars are well controlled. He denies chest pain or shortness of breath.\nFAMILY HISTORY: Mother with breast cancer.\nASSESSMENT:\n1. Hypertension, controlled.\n2. Type 2 diabetes mellitus without complications.\nPLAN: Continue lisinopril and metformin.",
     [("I10", "essential hypertension"), ("E11.9", "type 2 diabetes without complications; breast cancer is family history only"),
      ("Z80.3", "family history of breast cancer (mother)"), ("Z79.84", "continues metformin: long-term oral hypoglycemic")]),
    ("cli-02", C, "SUBJECTIVE: Here to discuss cholesterol results.\nASSESSMENT: Hyperlipidemia. Obesity.\nPLAN: Start atorvastatin 20 mg daily. Diet and exercise counselling.",
     [("E78.5", "hyperlipidemia, unspecified"), ("E66.9", "obesity, unspecified")]),
    ("cli-03", C, "HPI: Increased cough, sputum and dyspnea for four days.\nASSESSMENT: COPD with acute exacerbation.\nPLAN: Prednisone and doxycycline.",
     [("J44.1", "COPD with acute exacerbation; symptoms integral")]),
    ("cli-04", C, "HPI: Burning epigastric pain after meals.\nASSESSMENT: Gastroesophageal reflux disease. Rule out peptic ulcer disease.\nPLAN: Omeprazole.",
     [("K21.9", "GERD without esophagitis; peptic ulcer is a rule-out (not coded, outpatient); pain integral to GERD")]),
    ("cli-05", C, "SUBJECTIVE: Low mood and worry for several months.\nASSESSMENT: Depression. Anxiety.\nPLAN: Start sertraline. Refer to counselling.",
     [("F32.A", "depression, unspecified"), ("F41.9", "anxiety disorder, unspecified")]),
    ("cli-06", C, "ASSESSMENT: Hypothyroidism, stable on levothyroxine. TSH is normal.\nPLAN: Continue current dose.",
     [("E03.9", "hypothyroidism, unspecified; normal lab not coded")]),
    ("cli-07", C, "HPI: Chronic right knee pain.\nASSESSMENT: Osteoarthritis of the right knee.\nPLAN: Physical therapy, acetaminophen.",
     [("M17.11", "unilateral primary osteoarthritis, right knee; pain integral")]),
    ("cli-08", C, "HPI: Recurrent throbbing headaches with nausea and light sensitivity.\nASSESSMENT: Migraine without aura.\nPLAN: Sumatriptan as needed.",
     [("G43.009", "migraine without aura, not intractable, without status migrainosus; symptoms integral")]),
    ("cli-09", C, "HPI: Sore throat, cough and nasal congestion for three days. No fever.\nASSESSMENT: Viral upper respiratory infection.\nPLAN: Supportive care.",
     [("J06.9", "acute URI; symptoms integral; fever negated")]),
    ("cli-10", C, "HPI: Sore throat and painful swallowing.\nASSESSMENT: Acute pharyngitis. Rapid strep test negative.\nPLAN: Salt water gargles.",
     [("J02.9", "acute pharyngitis, organism not stated")]),
    ("cli-11", C, "HPI: 2-year-old with ear pulling and fever.\nEXAM: Left tympanic membrane bulging and erythematous.\nASSESSMENT: Left acute otitis media.\nPLAN: Amoxicillin.",
     [("H66.92", "otitis media, unspecified, left ear; fever integral")]),
    ("cli-12", C, "HPI: Lifting injury two days ago.\nASSESSMENT: Acute low back pain without sciatica.\nPLAN: NSAIDs and activity as tolerated.",
     [("M54.50", "low back pain, unspecified; sciatica negated")]),
    ("cli-13", C, "HPI: Redness and warmth of the left lower leg.\nASSESSMENT: Cellulitis of the left lower leg.\nPLAN: Cephalexin.",
     [("L03.116", "cellulitis of left lower limb")]),
    ("cli-14", C, "REASON FOR VISIT: Annual physical examination.\nFAMILY HISTORY: Father had colon cancer and coronary artery disease.\nASSESSMENT: Hyperlipidemia.\nPLAN: Colonoscopy referral.",
     [("E78.5", "hyperlipidemia; father's conditions are family history, not coded as the patient's"),
      ("Z00.01", "annual physical examination with an abnormal finding (hyperlipidemia)"),
      ("Z80.0", "family history of colon cancer (father)"), ("Z82.49", "family history of coronary artery disease (father)")]),
    ("cli-15", C, "HPI: Sneezing and itchy eyes every spring. Patient denies fever, chills or cough.\nASSESSMENT: Allergic rhinitis.\nPLAN: Loratadine.",
     [("J30.9", "allergic rhinitis, unspecified; denied symptoms not coded")]),
    ("cli-16", C, "ASSESSMENT:\n1. Atrial fibrillation, rate controlled, on apixaban.\n2. Hypertension.\nPLAN: Continue metoprolol.",
     [("I48.91", "atrial fibrillation, type not stated"), ("I10", "essential hypertension"),
      ("Z79.01", "on apixaban: long-term anticoagulant")]),
    ("cli-17", C, "HPI: History of myocardial infarction in 2015. Currently no chest pain.\nASSESSMENT: Coronary artery disease, stable. Hyperlipidemia.\nPLAN: Continue aspirin and statin.",
     [("I25.10", "CAD without angina; chest pain denied"), ("E78.5", "hyperlipidemia"),
      ("I25.2", "old myocardial infarction (a healed MI is coded I25.2)")]),
    ("cli-18", C, "ASSESSMENT: Prediabetes, hemoglobin A1c 6.1%. Vitamin D deficiency.\nPLAN: Lifestyle changes, vitamin D supplement.",
     [("R73.03", "prediabetes"), ("E55.9", "vitamin D deficiency, unspecified")]),
    ("cli-19", C, "HPI: Loud snoring and daytime somnolence.\nASSESSMENT: Possible obstructive sleep apnea.\nPLAN: Refer for sleep study.",
     [("R06.83", "sleep apnea is uncertain (possible), outpatient: code the signs"), ("R40.0", "somnolence")]),
    ("cli-20", C, "HPI: 67-year-old man with nocturia and weak stream.\nASSESSMENT: Benign prostatic hyperplasia with lower urinary tract symptoms.\nPLAN: Tamsulosin.",
     [("N40.1", "BPH with LUTS"), ("R35.1", "nocturia: 'use additional code' for the symptom")]),
    # ---------------------------------------------------------------- discharge summaries (inpatient)
    ("dis-01", D, "DISCHARGE DIAGNOSES:\n1. Acute on chronic systolic congestive heart failure.\n2. Hypertension.\n3. Type 2 diabetes mellitus.\nHOSPITAL COURSE: Diuresed with intravenous furosemide.",
     [("I11.0", "hypertension with heart failure: combination code"), ("I50.23", "acute on chronic systolic heart failure"),
      ("E11.9", "type 2 diabetes without complications")]),
    ("dis-02", D, "DISCHARGE DIAGNOSES: Community-acquired pneumonia. Dehydration.\nHOSPITAL COURSE: Treated with ceftriaxone and azithromycin and intravenous fluids.",
     [("J18.9", "pneumonia, organism not stated"), ("E86.0", "dehydration")]),
    ("dis-03", D, "DISCHARGE DIAGNOSES:\n1. Type 2 diabetes mellitus with diabetic chronic kidney disease, stage 3.\n2. Hypertension.",
     [("E11.22", "diabetes with CKD: combination code"), ("I12.9", "hypertension with CKD is presumed linked"),
      ("N18.30", "CKD stage 3, unspecified (use additional code)")]),
    ("dis-04", D, "DISCHARGE DIAGNOSES: Probable urinary tract infection. Acute kidney injury. Hypertension.\nHOSPITAL COURSE: Urine culture pending at discharge.",
     [("N39.0", "inpatient: an uncertain diagnosis at discharge is coded as if confirmed"), ("N17.9", "acute kidney failure"),
      ("I10", "essential hypertension")]),
    ("dis-05", D, "DISCHARGE DIAGNOSES: Sepsis secondary to urinary tract infection.\nHOSPITAL COURSE: Blood cultures negative. Treated with ceftriaxone.",
     [("A41.9", "sepsis, organism not stated"), ("N39.0", "the localized infection")]),
    ("dis-06", D, "DISCHARGE DIAGNOSES: Acute exacerbation of COPD. Acute respiratory failure with hypoxia.",
     [("J44.1", "COPD with acute exacerbation"), ("J96.01", "acute respiratory failure with hypoxia")]),
    ("dis-07", D, "DISCHARGE DIAGNOSES: Non-ST elevation myocardial infarction. Coronary artery disease.\nPROCEDURES: Cardiac catheterization.",
     [("I21.4", "NSTEMI"), ("I25.10", "coronary artery disease without angina")]),
    ("dis-08", D, "ADMISSION DIAGNOSIS: Suspected pulmonary embolism.\nHOSPITAL COURSE: CT angiogram negative for pulmonary embolism.\nDISCHARGE DIAGNOSIS: Pleuritic chest pain.",
     [("R07.81", "pleurodynia; PE ruled out (negated) so not coded even inpatient")]),
    ("dis-09", D, "DISCHARGE DIAGNOSES: Acute pancreatitis. Hypertriglyceridemia.",
     [("K85.90", "acute pancreatitis without necrosis or infection, unspecified"), ("E78.1", "pure hypertriglyceridemia")]),
    ("dis-10", D, "DISCHARGE DIAGNOSES: Cellulitis of the right lower extremity. Type 2 diabetes mellitus with hyperglycemia.",
     [("L03.115", "cellulitis of right lower limb"), ("E11.65", "type 2 diabetes with hyperglycemia")]),
    ("dis-11", D, "DISCHARGE DIAGNOSES: Acute ischemic stroke. Atrial fibrillation. Hypertension.\nHOSPITAL COURSE: Started on apixaban.",
     [("I63.9", "cerebral infarction, unspecified"), ("I48.91", "atrial fibrillation"), ("I10", "hypertension"),
      ("Z79.01", "started on apixaban, continued after discharge: long-term anticoagulant")]),
    ("dis-12", D, "DISCHARGE DIAGNOSIS: Acute diverticulitis of the sigmoid colon without perforation or abscess.",
     [("K57.32", "diverticulitis of large intestine without perforation, abscess or bleeding")]),
    ("dis-13", D, "DISCHARGE DIAGNOSES: Syncope, likely vasovagal. Hyponatremia.",
     [("R55", "vasovagal syncope (uncertain 'likely' coded as confirmed inpatient; it codes to R55 anyway)"),
      ("E87.1", "hyponatremia")]),
    ("dis-14", D, "DISCHARGE DIAGNOSES: Deep vein thrombosis of the left leg. Obesity.\nPLAN: Apixaban for three months.",
     [("I82.402", "acute DVT of unspecified deep veins of left lower extremity"), ("E66.9", "obesity"),
      ("Z79.01", "apixaban for three months: current anticoagulant therapy")]),
    ("dis-15", D, "DISCHARGE DIAGNOSES: Hypertensive heart disease with heart failure and chronic kidney disease, stage 4.",
     [("I13.0", "hypertensive heart and CKD with heart failure and stage 1-4 CKD"), ("I50.9", "heart failure, type not stated"),
      ("N18.4", "CKD stage 4")]),
]


def main() -> None:
    out = Path(__file__).with_name("codes_dev.jsonl")
    with open(out, "w", encoding="utf-8") as fh:
        for note_id, kind, text, codes in NOTES:
            for code, _ in codes:
                if not (icd.is_valid_item(code) and icd.is_leaf(code)):
                    raise SystemExit(f"{note_id}: {code} is not a billable ICD-10-CM code")
            setting = "inpatient" if kind == D else "outpatient"
            record = {
                "text": text,
                "meta": {"id": note_id, "kind": kind, "setting": setting},
                "codes": [
                    {"code": code, "system": "ICD-10-CM", "description": icd.get_description(code),
                     "status": "confirmed", "rationale": why}
                    for code, why in codes
                ],
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(NOTES)} notes, {sum(len(c) for *_, c in NOTES)} codes -> {out}")


if __name__ == "__main__":
    main()
