"""High-recall PHI detection rules: regular expressions with context, and name/place lists.

Every rule yields :class:`Candidate` spans; :func:`merge` resolves overlaps (union of the
extents, label of the most specific rule).  Rules, in order of specificity:

1. labelled identifiers: a field label ("MRN:", "SSN", "Acct #", "Member ID", "DEA", "VIN",
   "S/N", "fingerprint id", ...) followed by a code;
2. shapes: e-mail, URL, IP, SSN, phone/fax, dates (numeric, ISO, month names and abbreviations,
   day-month without year, ordinals, holidays), ages over 89, street addresses, P.O. boxes, ZIP
   codes after a state, VINs, long numbers and alphanumeric codes;
3. names with context: titles (Dr., Mr., Mrs.), credentials (", MD"), field labels
   ("Patient:", "Attending:", "cc:"), relatives ("his wife Mary"); then census first name +
   capitalised word, lone census names that are not English words; then every other mention
   of a found name in the note;
4. places: "City, ST", "lives in X", "X County", the US city list; facility names
   ("... Hospital", "St. X's", "... Medical Center").

5. general frames (issue 18): any word, in any case and script, after a contact or relation frame
   ("call", "spoke with", "per", "daughter", "her wife", "From:", "cc:") or before a relation or a
   credential; surname first without a label; ages of 90 and over in any frame; identifier values
   up to the end of the field; towns before ZIP codes, residence frames, rural and highway
   addresses; facility names by their head noun.  Where they cannot decide, they redact.

Clinical eponyms (Parkinson, Hodgkin, Foley, Crohn, Bell's palsy, Apgar, Glasgow ...), clinical
words (ICD-10, RxNorm ...), departments and specialties are skipped by the list and frame rules;
context rules still tag them ("Dr. Parkinson").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

from .lexicon import Lexicon

#: Rank of each label when overlapping candidates merge (higher wins).
PRIORITY: dict[str, int] = {
    "SSN": 90, "MRN": 88, "HEALTH_PLAN": 88, "ACCOUNT": 88, "LICENSE": 88, "VEHICLE": 88,
    "DEVICE": 88, "BIOMETRIC": 89, "EMAIL": 85, "URL": 84, "IP": 83, "FAX": 81, "PHONE": 80,
    "DATE": 70, "ADDRESS": 65, "ZIP": 64, "FACILITY": 60, "NAME": 50, "LOCATION": 45,
    "AGE": 40, "ID": 30,
}


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    source: str


# --------------------------------------------------------------------------------- vocabularies
MONTH_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
MONTH_RE = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
            r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|"
            r"JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|"
            r"SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?|"
            r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
            r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
ORD = r"(?:st|nd|rd|th|ST|ND|RD|TH)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
YEAR = r"(?:19\d\d|20\d\d|'\d\d|\d\d)"
YEAR4 = r"(?:1[89]\d\d|20\d\d)"

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia", "PR": "Puerto Rico",
}
#: state abbreviations that are also credentials or words ("Smith, MD", "Jones, PA")
AMBIGUOUS_STATES = {"MD", "PA", "MS", "ME", "OR", "IN", "OK", "HI", "CO", "DE", "DC", "ID", "RN", "NP", "DO", "PR", "NE", "LA", "MA", "AL"}
STATE_NAMES = frozenset(STATES.values())
STATE_NAME_RE = "|".join(sorted(map(re.escape, STATES.values()), key=len, reverse=True))
STATE_ABBR_RE = "|".join(STATES)

STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
                 r"Place|Pl|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|"
                 r"Alley|Row|Path|Pike|Turnpike|Loop|Crescent|Plaza|Commons|Run|Ridge|Heights|Hts|"
                 r"Close|Walk|Expressway|Expy|Route|Rte|Bend|Crossing|Xing|Grove|Park|Point|Pt)")
FACILITY_WORDS = (r"(?:Hospital|Medical Center|Medical Centre|Health Center|Health Centre|Health System|"
                  r"Healthcare|Health Care|Clinic|Clinics|Infirmary|Nursing Home|Nursing Facility|"
                  r"Rehabilitation Center|Rehabilitation Hospital|Rehab Center|Rehab|Hospice|"
                  r"Cancer Center|Cancer Institute|Heart Institute|Urgent Care|Surgery Center|"
                  r"Surgical Center|Surgical Hospital|Medical Group|Medical Associates|Family Practice|"
                  r"Pharmacy|Laboratories|Laboratory|Labs|Imaging Center|Dialysis Center|"
                  r"Assisted Living|Senior Living|Care Center|Memorial|General|Regional|Children's)")

UP = "A-ZÀ-ÖØ-ÞŁŚŻŹĆŃŠŽČŘĎŤŇŐŰĀĒĪŌŪĞŞİĐƏẠ-Ỹ"
LO = "a-zß-öø-ÿā-žƀ-ɏə-ʯạ-ỹ"
#: a capitalised place word: "Springfield", "McMinnville", "Wahiawā", "ʻEwa", "NoMa"
PW = r"[ʻ‘]?[" + UP + r"][" + LO + r"ʻ’‘']+(?:[" + UP + r"][" + LO + r"]+)?"
NAME_TOKEN = r"(?:(?:Mc|Mac|O'|D'|De|Di|Le|La|Van|Von)?[" + UP + r"][" + LO + r"]+(?:[-'][" + UP + r"][" + LO + r"]+)*|[A-Z]\.?)"
NAME_TOKEN_CAPS = r"(?:(?:MC|MAC|O'|D')?[A-Z]{2,}(?:[-'][A-Z]{2,})*|[A-Z]\.?)"
NAME_PARTICLE = r"(?:de|del|della|da|das|dos|do|van|von|der|den|le|la|di|du|bin|binti|ibn|al|el|ter|ten|Ó|ó|Ní|ní|Nic|nic|Mac|mac|Ua|an|a|d'|'t)"
#: particles inside a name group in a frame, upper case too ("MAC AN TSAOI", "Mac Giolla Phóil", "van 't")
_FRAME_PARTICLE = r"(?:" + NAME_PARTICLE[3:-1] + r"|MAC|NIC|AN|DE|DA|VAN|VON|AL|EL|BIN|Giolla|giolla|GIOLLA|'t)"
TITLE = (r"(?:Dr|Drs|Mr|Mrs|Ms|Mss|Miss|Mx|dr(?=\.)|mr(?=\.)|mrs(?=\.)|ms(?=\.)|Prof|Doctor|Professor|Nurse|nurse|Rev|"
         r"Fr(?=\.)|Pastor|Rabbi|Mister|Capt(?=\.)|Sgt(?=\.)|DR|MR|MRS|MS|MISS|PROF)")
CREDENTIALS = (r"(?:M\.\s?D\.|MD|D\.\s?O\.|DO|R\.\s?N\.|RN|N\.\s?P\.|NP|P\.\s?A\.(?:-C)?|PA-C|PA|"
               r"Ph\.\s?D\.|PhD|DDS|DMD|FACS|FACP|FACC|MSW|LCSW|LPN|LVN|CNM|CRNA|PharmD|DPM|MBBS|"
               r"APRN|FNP|ANP|CNS|MPH|MS|MBA|DNP|PT|DPT|OTR|CCC-SLP|RD|LD|RRT|CRNP)")
NAME_FIELD = (r"(?:patient(?:'s)?\s+name|name\s+of\s+patient|patient|pt|name|full\s+name|legal\s+name|"
              r"attending(?:\s+(?:physician|surgeon|md))?|resident|fellow|intern|surgeon|"
              r"assistant(?:\s+surgeon)?|assistants?|co-?surgeon|anesthesiologist|anesthetist|anesthesia|"
              r"pcp|primary\s+care(?:\s+(?:physician|provider|doctor))?|"
              r"referring(?:\s+(?:physician|provider|doctor|md))?|referred\s+by|"
              r"consultant|consulting\s+physician|provider|physician|doctor|clinician|"
              r"(?:electronically\s+)?(?:signed|dictated|transcribed|cosigned|co-signed|reviewed|"
              r"authenticated|seen|examined|approved|verified|entered|reported|performed|ordered|"
              r"written|prepared|interpreted|read)\s+by|"
              r"cc|copy\s+to|copies\s+to|emergency\s+contact|contact(?:\s+person)?|next\s+of\s+kin|nok|"
              r"guardian|health\s+care\s+proxy|healthcare\s+proxy|proxy|poa|power\s+of\s+attorney|"
              r"mother|father|spouse|wife|husband|son|daughter|sister|brother|parent|informant|"
              r"interpreter|translator|witness|nurse|rn|np|pa|case\s+manager|social\s+worker|"
              r"chaplain|therapist|pharmacist|dietitian|scribe|technician|tech|sonographer|"
              r"mother's\s+name|father's\s+name|maiden\s+name|patient\s+names?|pt\s+name|"
              r"responsible\s+party|guarantor|insured|subscriber|employer|caregiver)")
RELATIVE = (r"(?:wife|husband|spouse|son|daughter|mother|father|mom|dad|sister|brother|partner|"
            r"friend|caregiver|niece|nephew|grandson|granddaughter|grandmother|grandfather|"
            r"grandchild|aunt|uncle|cousin|fianc[eé]e?|boyfriend|girlfriend|roommate|neighbou?r|"
            r"guardian|stepson|stepdaughter|stepmother|stepfather|child|children|sibling|twin|"
            r"landlord|employer|coworker|co-worker|colleague|pastor|case\s+worker|companion)")
BIOMETRIC_WORDS = (r"(?:finger\s?print|thumb\s?print|palm\s?print|retina(?:l)?\s+scan|retina|iris\s+scan|"
                   r"iris|voice\s?print|voice\s+sample|face\s?print|facial\s+(?:recognition|geometry|"
                   r"template|scan)|hand\s+geometry|gait\s+(?:signature|profile)|dna\s+(?:profile|sample)|"
                   r"biometric(?:\s+(?:id|identifier|template|record))?|vein\s+(?:pattern|scan))")

# labelled identifiers: (label, regex of the field label); the value follows
_ID_LABELS: list[tuple[str, str]] = [
    ("VEHICLE", r"(?:licen[cs]e\s+plate|plate\s+(?:number|no\.?|#)|number\s+plate|registration\s+plate|"
                r"tag\s+(?:number|no\.?|#)|vehicle\s+(?:id|identification(?:\s+number)?|registration|"
                r"plate|vin|serial)|vin(?:\s+(?:number|no\.?|#))?|plates?)"),
    ("DEVICE", r"(?:serial\s+(?:number|no\.?|#)|serial|s/n|sn|device\s+(?:id|identifier|serial|number|no\.?|#)|"
               r"udi|unique\s+device\s+identifier|implant\s+(?:id|serial|number|#)|pacemaker\s+(?:serial|id|#)|"
               r"lot\s+(?:number|no\.?|#)|lot|imei|mac\s+address|model\s*/\s*serial|generator\s+serial|"
               r"pump\s+(?:serial|id|#)|hearing\s+aid\s+serial|asset\s+(?:tag|#|number))"),
    ("BIOMETRIC", BIOMETRIC_WORDS + r"(?:\s+(?:id|identifier|template|record|code|hash|no\.?|number|#|sample\s+id|on\s+file))?"),
    ("HEALTH_PLAN", r"(?:member\s+(?:id|number|no\.?|#)|member|subscriber\s+(?:id|number|no\.?|#)|"
                    r"policy\s+(?:number|no\.?|#|id)|policy|plan\s+(?:id|number|no\.?|#)|health\s+plan(?:\s+(?:id|number|no\.?|#))?|"
                    r"group\s+(?:number|no\.?|#|id)|insurance\s+(?:id|number|no\.?|#)|insurance|"
                    r"beneficiary\s+(?:id|number|no\.?|#)|beneficiary|medicare\s+(?:id|number|no\.?|#|beneficiary\s+(?:id|number))|"
                    r"medicare|medicaid\s+(?:id|number|no\.?|#)|medicaid|mbi|hicn|hic\s+(?:number|#)|"
                    r"bcbs\s+(?:id|#)|payer\s+id|coverage\s+id|hmo\s+(?:id|#)|ppo\s+(?:id|#))"),
    ("ACCOUNT", r"(?:account\s+(?:number|no\.?|#|id)|account|acct\.?(?:\s+(?:number|no\.?|#))?|a/c|"
                r"billing\s+(?:number|no\.?|#|id|account)|encounter\s+(?:number|no\.?|#|id)|"
                r"visit\s+(?:number|no\.?|#|id)|fin(?:\s+(?:number|no\.?|#))?|invoice\s+(?:number|no\.?|#)|"
                r"claim\s+(?:number|no\.?|#|id)|har|csn|admission\s+(?:number|no\.?|#))"),
    ("LICENSE", r"(?:driver'?s?\s+licen[cs]e(?:\s+(?:number|no\.?|#))?|dl\s*(?:number|no\.?|#)?|"
                r"licen[cs]e\s+(?:number|no\.?|#)|licen[cs]e|lic\.?(?:\s+(?:number|no\.?|#))?|"
                r"dea(?:\s+(?:number|no\.?|#|registration))?|npi(?:\s+(?:number|no\.?|#))?|"
                r"certificate\s+(?:number|no\.?|#|id)|certificate|cert\.?(?:\s+(?:number|no\.?|#))?|"
                r"certification\s+(?:number|no\.?|#)|board\s+certification|passport(?:\s+(?:number|no\.?|#))?|"
                r"state\s+id|permit\s+(?:number|no\.?|#)|registration\s+(?:number|no\.?|#)|upin|"
                r"medical\s+licen[cs]e|nursing\s+licen[cs]e|prescriber\s+id)"),
    ("MRN", r"(?:mrn|mr\s*#|mr\s+(?:number|no\.?)|medical\s+record(?:\s+(?:number|no\.?|#))?|med\.?\s+rec\.?(?:\s+(?:no\.?|#))?|"
            r"record\s+(?:number|no\.?|#)|chart\s+(?:number|no\.?|#|id)|hospital\s+(?:number|no\.?|#|id)|"
            r"unit\s+(?:number|no\.?|#)|patient\s+(?:id|identifier|number|no\.?|#)|pt\s+(?:id|#)|"
            r"accession\s+(?:number|no\.?|#|id)|accession|acc\s*(?:#|no\.?)|specimen\s+(?:number|no\.?|#|id)|"
            r"specimen|sample\s+(?:id|#|number)|lab\s+(?:number|no\.?|#|id)|pathology\s+(?:number|no\.?|#)|"
            r"path\s+(?:number|no\.?|#)|surgical\s+pathology\s+(?:number|no\.?|#)|radiology\s+(?:number|#)|"
            r"study\s+(?:number|#|accession)|empi|epi|emr\s+(?:id|#|number)|health\s+record\s+(?:number|#))"),
    ("SSN", r"(?:ssn|ss#|ss\s+#|ss\s+no\.?|social\s+sec(?:urity|\.)?(?:\s+(?:number|no\.?|#))?|soc\.?\s+sec\.?(?:\s+#)?|ssan|"
            r"tax\s+id|itin|tin)"),
    ("ID", r"(?:(?:reference|ref|order|requisition|case|confirmation|tracking|employee|badge|study|"
           r"subject|participant|enrollment|ticket|voucher|authorization|auth|referral|prescription|rx|"
           r"control|transaction|barcode|wristband|bracelet|file|document|report|form)\s*"
           r"(?:number|no\.?|#|id|code)|id\s*(?:number|no\.?|#)|identifier|id)"),
]
#: one token of an identifier ("AB12", "4471-0923-B", "250.49.3804")
ID_TOKEN = r"[A-Za-z0-9]+(?:[-./:][A-Za-z0-9]+)*"
#: the value after an identifier label: up to six tokens separated by single spaces; which of them
#: belong to the identifier is decided by :meth:`RuleDetector._id_group` (up to the end of the field)
ID_VALUE = r"(?:\(\d{2,4}\)[A-Za-z0-9]+)+|" + ID_TOKEN + r"(?:[ ]" + ID_TOKEN + r"){0,5}"
LABELLED_ID_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<{lab}_{i}>{pat})" for i, (lab, pat) in enumerate(_ID_LABELS)) + r")"
    r"(?![A-Za-z0-9])(?:\s*(?:#|no\.?|number|num|id|(?-i:is|was|of|Is|Was|Of))(?![A-Za-z0-9]))?\s*[:#=|]?\s*(?:(?-i:is|was|of)\s+)?"
    r"(?P<value>" + ID_VALUE + r")",
    re.IGNORECASE,
)

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
TLDS = r"(?:com|org|net|edu|gov|mil|int|io|us|info|biz|health|care|co|uk|ca|de|fr|me|ly|app|md|nhs)"
URL_RE = re.compile(
    r"(?:\b(?:https?|ftp|sftp)://[^\s<>\"'\]\)]+|\bwww\.[^\s<>\"'\]\)]+|"
    r"\b[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\." + TLDS + r"\b(?:/[^\s<>\"'\]\)]*)?|"
    r"\b[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,12}/[A-Za-z0-9_\-.~%?=&/]*[A-Za-z0-9_/])",
    re.IGNORECASE,
)
IPV4_RE = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)(?:/\d{1,2})?")
IPV6_RE = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![\w:])"
)
MAC_RE = re.compile(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])")
SSN_RE = re.compile(r"(?<![\d.-])(?!000|666|9\d\d)\d{3}([- .])\d{2}\1\d{4}(?![\d-]|\.\d)")
PHONE_RE = re.compile(
    r"(?<![\d\w])(?:\+?1[\s.\-]?)?(?:\(\s?\d{3}\s?\)[\s.\-]?|\d{3}[\s.\-/])\d{3}[\s.\-]\d{4}(?!\d)"
    r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,5})?|"
    r"(?<![\d\w/.\-])\d{3}[\-.]\d{4}(?![\d.\-]\d)|"
    r"(?<![\d\w])\+\d{1,3}[\s.\-]\d{1,4}[\s.\-]\d{3,4}[\s.\-]\d{3,4}(?!\d)|"
    r"(?<![\d\w])\d{10}(?!\d)"
)
PHONE_FIELD_RE = re.compile(
    r"\b(?:phone|telephone|tel|ph|cell|cellphone|mobile|mob|pager|beeper|home|work|office|contact|"
    r"call(?:\s+back)?|callback|fax|facsimile|f|t|p|c|h|w|m)\.?(?:\s*(?:number|no\.?|#))?\s*[:#]\s*"
    r"(\+?[\d(][\d()\s.\-]{5,}\d(?:\s*(?:x|ext\.?)\s*\d{1,5})?)",
    re.IGNORECASE,
)
FAX_CONTEXT_RE = re.compile(r"(?:\b(?i:fax(?:ed)?|facsimile)\b[^.\n\d]{0,25}|\bF\s*[:#]\s*)$")

_ND = r"(?<![\d/.\-:])"  # not preceded by digit or date separators
_NA = r"(?![\d/\-]|\.\d|:\d)"
DATE_RES: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(_ND + r"(?:1[89]\d\d|20\d\d)([-/.])(?:0?[1-9]|1[0-2])\1" + DAY + r"(?:T\d\d:\d\d(?::\d\d)?)?" + _NA)),
    ("mdy", re.compile(_ND + r"(?:[12]\d|3[01]|0?[1-9])([-/.])(?:[12]\d|3[01]|0?[1-9])\1(?:\d{4}|\d{2})" + _NA)),
    ("my", re.compile(_ND + r"(?:0?[1-9]|1[0-2])[/\-](?:19\d\d|20\d\d)" + _NA)),
    ("ym", re.compile(_ND + r"(?:19\d\d|20\d\d)[/\-](?:0[1-9]|1[0-2])" + _NA)),
    ("md", re.compile(_ND + r"(?:0?[1-9]|1[0-2])/(?:[12]\d|3[01]|0?[1-9])" + r"(?![\d/]|\.\d)")),
    ("dmony", re.compile(r"(?<![\w])" + DAY + r"(?:" + ORD + r")?(?:\s+of)?[\s\-.]*" + MONTH_RE + r"(?![A-Za-z])\.?(?:[\s\-.,]*'?(?:\d{4}|\d{2})(?!\d))?")),
    ("mdy_name", re.compile(r"\b" + MONTH_RE + r"\b\.?,?[\s\-]*(?:the\s+)?" + DAY + r"(?:" + ORD + r")?(?!\d)(?:(?:,|\s|,\s+|-)\s*'?(?:\d{4}|\d{2})(?!\d|:\d))?")),
    ("my_name", re.compile(r"\b" + MONTH_RE + r"\b\.?,?[\s\-]*(?:of\s+)?'?(?:1[89]\d\d|20\d\d|\d\d)(?!\d)")),
    ("month", re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
                         r"(?:JANUARY|FEBRUARY|MARCH|APRIL|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)(?![A-Z])|"
                         r"(?<=[a-z,] )May(?=[.,;:)]|[ \t]*$)|(?<=\bDOB )May|(?<=\bDOB: )May|(?<=\bnote )May|(?<=\bNote )May|(?<=\| )May(?= \|)|(?<=\bin )May|(?<=\bof )May|(?<=\bsince )May|(?<=\bseen )May|(?<=\bdated )May|(?<=: )May(?=\s)|(?<=  )May(?=\s)|May(?=:)|(?<=\blast )May|(?<=\bnext )May|"
                         r"(?<=\bearly )May|(?<=\blate )May|(?<=\bmid )May|(?<=\bmid-)May|(?<=\bduring )May|"
                         r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)(?![a-z])")),
    ("ordinal", re.compile(r"(?:(?<=\bon the )|(?<=\bsince the )|(?<=\bby the )|(?<=\buntil the )|(?<=\bbefore the )|"
                           r"(?<=\bafter the )|(?<=\bfrom the )|(?<=\bthrough the )|(?<=\bthe )(?=\d{1,2}(?:st|nd|rd|th)\s+(?:of|at|and|to|through)\b))"
                           r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b(?!\s+(?:grade|degree|percentile|trimester|cranial|rib|toe|finger|digit|metatarsal|ventricle|intercostal|lumbar|cervical|thoracic|day|week|time|generation|line|cycle|dose|floor|visit|attempt)s?\b)")),
    ("ordinal_of", re.compile(r"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\s+of\s+(?:this|last|next|the)\s+month\b")),
    ("weekday", re.compile(r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|rsday|urday)?\.?,?[ \t]+"
                           r"(?:the[ \t]+)?(?:" + MONTH_RE + r"(?![A-Za-z])|\d{1,2}(?=[/\-.]\d|st|nd|rd|th|[ \t]+" + MONTH_RE + r")|\d{4}-\d\d)")),
    ("line", re.compile(r"(?m)(?<=^)[ \t]*(?:0?[1-9]|1[0-2])/(?:[12]\d|3[01]|0?[1-9])(?=[ \t]*$)")),
    ("holiday", re.compile(r"\b(?:Christmas(?:\s+(?:Eve|Day))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Eve|Day))?|"
                           r"Easter(?:\s+Sunday)?|Independence\s+Day|Fourth\s+of\s+July|July\s+4th|Memorial\s+Day|"
                           r"Labor\s+Day|Halloween|Valentine'?s\s+Day|Veterans\s+Day|Martin\s+Luther\s+King\s+Day|"
                           r"Mother'?s\s+Day|Father'?s\s+Day|Hanukkah|Passover|Yom\s+Kippur|Rosh\s+Hashanah|Ramadan|Eid)\b")),
]
_MONTH_NAMES = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTH_LIST_BEFORE = re.compile(_MONTH_NAMES + r",\s*$")
MONTH_LIST_AFTER = re.compile(r",\s*" + _MONTH_NAMES + r"\b")
SCALE_CONTEXT_RE = re.compile(
    r"(?:strength|murmur|pain|reflex|reflexes|power|motor|grade|graded|scale|score|vision|visual|acuity|"
    r"hearing|pulses?|dtrs?|deep tendon|out of|rated|rating|ratio|bilaterally|\bx\b|"
    r"tender|edema|sensation|intensity|/10|severity|holosystolic|systolic|diastolic|cores?|positive|nodes?|"
    r"lymph|specimens?|biopsies|samples?|pupils?|decreasing|reactive|constricting|dilated|quads|hamstrings|"
    r"achilles|patellae?|biceps|triceps)",
    re.IGNORECASE,
)
DATE_CONTEXT_RE = re.compile(
    r"(?:\bon|\bsince|\bfrom|\buntil|\bthrough|\bdated?|\bdos|\bseen|\badmitted|\bdischarged|\bsurgery|"
    r"\bvisit|\blast|\bnext|\bbegan|\bbegin|\bstarted|\bonset|\bsince|\badmission|\bdischarge|\bcolonoscopy|\bmammogram|\bexam|\bseen|\bdate|\bdue|\bby|\bbefore|\bafter|\bscheduled|\bappointment|\bf/u|\bfollow[- ]up|"
    r"\bdob|\bbirth|\bborn|\bdied|\bexpired|\bdeath|\bnote|\bmessage|\badmit|\bsent|\btaken|\bmade|\bdx|"
    r"\bdiagnosed|\baround|\bbiopsy|\bbiopsied|\bresected|\bechocardiogram|\becho|\bct|\bmri|\bx-ray|\bcxr|\bekg|\becg|"
    r"\bultrasound|\bscan|\bculture|\bcultures|\bpap)\b[^.\n]{0,20}$",
    re.IGNORECASE,
)
_NUM_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
AGE_RES = [
    re.compile(r"(?<![\d.])(?:9\d|1[0-4]\d)(?=\s*(?:-|\s)?\s*(?:years?|yrs?|yo|y/o|y\.o\.?|year-old|yr-old|yoa|y\s?o\b|yof|yom|YO|Y/O|F\b|M\b|-?year|-?yr))"),
    re.compile(r"(?i:\b(?:age|aged|ages|age:|at\s+age|at\s+the\s+age\s+of|age\s+of))\s*[:|=]?\s*(?:9\d|1[0-4]\d)(?!\d|\.\d)"),
    re.compile(r"(?<![\d.])(?:9\d|1[0-4]\d)(?:'s|s)\b"),
    re.compile(r"\b(?:[Nn]inety(?:[- ]" + _NUM_WORDS + r")?|(?:(?:[Oo]ne|[Aa])\s+)?[Hh]undred(?:\s+and)?(?:[- ](?:" + _NUM_WORDS + r"|ten|eleven|twelve))?|[Nn]onagenarian|[Cc]entenarian)(?=[\s-]+(?:years?|yrs?|year-old)|\b)"),
    re.compile(r"\b[Nn]ineties\b"),
]
def street_re(suffixes: Iterable[str]) -> re.Pattern[str]:
    alt = "|".join(sorted({re.escape(x) for x in suffixes} | {STREET_SUFFIX}, key=len, reverse=True))
    return re.compile(
    r"\b\d{1,6}[A-Za-z]?(?:-\d{1,4})?\s+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    r"(?:(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z'\-]*\.?)\s+){1,4}(?:" + alt + r")\b\.?"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
    r"(?:\s*,?\s*(?:(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room|Bldg|Building|Floor|Fl|Lot|Trlr)\b\.?|#)\s*#?\s*(?=[A-Za-z\-]*\d|[A-Z]\b)[A-Za-z0-9\-]+)?"
    )
PLATE_RE = re.compile(r"(?i:licen[cs]e\s+plate|plates?|tag)(?:\s+(?i:number|no\.?|#))?\s*[:#]?\s*(?:(?i:is|was|of)\s+)?"
                      r"((?=[A-Z0-9 \-]{4,9}\b)(?=[A-Z \-]*\d)[A-Z0-9]{1,4}[ \-][A-Z0-9]{2,5}|(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{5,8})\b")
CONTACT_RE = re.compile(
    r"(?i:\b(?:spoke|talked|met|discussed|consulted|conferred|met)\s+(?:with|to)|\bcalled|\bleft\s+(?:a\s+)?(?:message|voicemail|vm)\s+(?:for|with)|"
    r"\bmessage\s+(?:left\s+)?for|\baccompanied\s+by|\bvisited\s+by|\bbrought\s+in\s+by|\bpatient\s*,|\bpt\s*,|\bpatient\s+is|"
    r"\bcare\s+of|\bc/o)\s+((?:" + NAME_TOKEN + r")(?:\s+(?:" + NAME_PARTICLE + r"\s+)?(?:" + NAME_TOKEN + r")){0,3})")
#: two or three capitalised words before a verb a person does ("Tymoteusz Polnik was seen")
NAME_VERB_RE = re.compile(
    r"(?<![\w'])((?:" + NAME_TOKEN + r")(?:\s+(?:" + NAME_PARTICLE + r"\s+){0,2}(?:" + NAME_TOKEN + r")){1,2}),?\s+"
    r"(?:was\s+(?:seen|examined|admitted|evaluated|counseled|counselled|discharged|interviewed|informed|called|contacted|"
    r"accompanied|brought|transferred|referred)|is\s+(?:a|an|here|seen|being)\b|has\s+been|presents|presented|reports|"
    r"seen\s+(?:in|for|today|at|by)|examined\s+(?:in|today)|"
    r"reported|denies|denied|states|stated|returns|returned|complains|complained|tolerated|agrees|agreed|"
    r"understands|understood|comes|came|arrived|called|calls|declined|declines|consented|signed|verbalized|"
    r"ambulates|lives|lived|works|worked|smokes|drinks)\b")
PAREN_RELATIVE_RE = re.compile(
    r"(?<![\w'])((?:" + NAME_TOKEN + r")(?:\s+(?:" + NAME_TOKEN + r")){0,2})\s*\((?i:" + RELATIVE + r"|patient|pt|self|"
    r"proxy|hcp|poa|nok|emergency contact|contact)[^)\n]{0,20}\)")
ADDRESS_TOWN_RE = re.compile(r",[ \t]+(" + PW + r"\.?(?:[ \-/](?:(?:of|the|de|la|du|on|upon|by|at|At|and|y|et|und)\s)*" + PW + r"){0,4}(?:\s\((?:historical|balance)\))?)(?=\s*(?:[,.;)]|$|\n|\s+[A-Z]{2}\b))")
POBOX_RE = re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|PO\s+Box|Box)\s+#?\d+\b", re.IGNORECASE)
ZIP_RE = re.compile(r"\b(?:" + STATE_ABBR_RE + r")\.?,?[ \t]{1,2}(\d{5}(?:-\d{4})?)\b")
ZIP_STATE_NAME_RE = re.compile(r"\b(?:" + STATE_NAME_RE + r"),?\s+(\d{5}(?:-\d{4})?)\b")
ZIP_FIELD_RE = re.compile(r"\b(?:zip|zip\s*code|postal\s+code|zipcode)\s*[:#|]?\s*(\d{5}(?:-\d{4})?)\b", re.IGNORECASE)
CITY_STATE_RE = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][a-z]+\.?|[A-Z]{2,})(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,}|of|de|du|la)){0,3}),?\s+"
    r"(?:(?:" + STATE_ABBR_RE + r")\.?,?\s+\d{5}|(?:" + STATE_NAME_RE + r")\b)"
)
CITY_STATE_ABBR_RE = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][a-z]+)(?:[ \-][A-Z][a-z]+){0,2}),\s+(?:" + STATE_ABBR_RE + r")\b(?!\.?\s*[a-z])"
)
PLACE_CONTEXT_RE = re.compile(
    r"\b(?:lives|living|lived|resides|residing|resident|moved|relocated|born|raised|grew\s+up|"
    r"from|in|near|to|visiting|traveled|travelled|vacation|vacationing|returned|transferred|"
    r"hometown|town\s+of|city\s+of|village\s+of|county\s+of|address|located)\s+(?:in\s+|to\s+|from\s+|of\s+|at\s+|near\s+)?"
    r"((?:The\s+|Village\s+of\s+|Town\s+of\s+|City\s+of\s+)?(?:" + PW + r")(?:[\s\-/](?:(?:of|de|du|la|d')\s?)?(?:" + PW + r")){0,3})(?![\w])"
)
PLACE_PREFIXES = {"Port", "Lake", "Mount", "Mt", "East", "West", "North", "South", "New", "Fort", "Saint", "St",
                  "San", "Santa", "Los", "Las", "El", "Glen", "Point", "Cape", "Grand", "Little", "Upper", "Lower"}
PLACE_FIELD_RE = re.compile(
    r"(?im)\b(?:home\s*town|city|town|residence|birth\s*place|place\s+of\s+birth|born\s+in|county|village|"
    r"city\s+of\s+residence|lives\s+in)[ \t]*(?:[:\-|]|\t)[ \t]*((?:[" + UP + r"][^\W\d_]*(?:[-'][^\W\d_]+)*[.'\-]?)(?:[ \-](?:(?:of|de|del|la|du|der|am|an|in|nad|pod|v)[ \-]){0,2}[" + UP + r"][^\W\d_]*[.'\-]?){0,4})")
COUNTY_RE = re.compile(r"\b((?:(?:Ó|Mac|de|an|Ní|Ua)\s+)*(?:[a-z]?[" + UP + r"][" + LO + r"]+\.?\s){1,3})(?:County|Parish|Borough|Township|Twp|county|parish|borough|township)\b")
FACILITY_RE = re.compile(
    r"(?:(?<![\w'ʻ‘])(?:[ʻ‘]?[" + UP + r"][\w'&.\-ʻ’]*\s+(?:of\s+(?:the\s+)?)?){1,5}" + FACILITY_WORDS + r"(?:\s+(?:Hospital|Center|Centre|Clinic|of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))*\b|"
    r"\b(?:St\.?|Saint|Mount|Mt\.?)\s+[A-Z][a-z]+(?:'s)?(?:\s+(?:[A-Z][a-z]+\s+)?" + FACILITY_WORDS + r")?)"
)
FACILITY_LEAD_STOP = {
    "the", "at", "from", "to", "in", "of", "and", "by", "was", "seen", "admitted", "transferred",
    "discharged", "followed", "patient", "presented", "presents", "went", "sent", "referred", "per",
    "with", "for", "on", "a", "an", "his", "her", "their", "our", "this", "that", "emergency",
    "he", "she", "they", "we", "is", "are", "were", "has", "had", "have", "then", "local", "outside",
    "history", "past", "prior", "previous", "previously", "recently", "initially", "evaluated",
    "treated", "taken", "brought", "presenting", "came", "returned", "arrived", "hospitalized",
}
VIN_RE = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b")
LONG_NUMBER_RE = re.compile(r"(?<![\d.,/])(?:#\s?)?\d(?:[\d\-]{4,}\d)(?![\d]|[.,]\d|/)")
ALNUM_CODE_RE = re.compile(
    r"(?<![\w\-])(?=[A-Za-z0-9\-]*\d)(?=[A-Za-z0-9\-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w\-])"
)
UNIT_SUFFIX_RE = re.compile(r"\d(?:mmhg|mm|cm|feet|ft|inches|in|mg|mcg|ml|cc|kg|lbs?|units|hz|khz|mhz|db|fr|french|gauge|g|l|mmol|meq)$", re.IGNORECASE)
NUMBER_UNIT_RE = re.compile(
    r"^\s*(?:mg|mcg|g|kg|ml|mL|cc|units?|iu|IU|mmol|meq|mEq|cells|/mm|/uL|/ul|/hpf|x|times|%|lbs?|pounds|"
    r"grams|miles|feet|ft|steps|calories|kcal|dollars|\$|cpm|copies)\b",
)
CODE_ALLOW_RE = re.compile(
    r"^(?:[A-Z]\d{1,3}(?:-[A-Z]?\d{1,3})?|ICD-\d+(?:-CM|-PCS)?|COVID-19|SARS-CoV-2|HbA1c|[A-Z]{1,4}\d{1,3}[A-Z]?|"
    r"\d{1,3}[A-Za-z]{1,3}|[A-Za-z]{1,4}-?\d{1,2}|G\d+P\d+(?:-?\d+)*|[A-Z]\d{2}\.\d+|\d+(?:mg|mcg|ml|cc|mm|cm|kg|g|x|h|hr|hrs|d|wk|mo|yr|pm|am|AM|PM)|"
    r"[A-Za-z]+\d+[A-Za-z]+\d*|\d+-\d+[A-Za-z]*|[A-Z][a-z]?-\d{1,3}m?|[A-Z][a-z]{3,}-\d{2,3})$"
)
CAP_WORD_RE = re.compile(r"(?<![\w'])(?:Mc|Mac|O'|D')?[" + UP + r"][" + LO + r"]+(?:[-'][" + UP + r"]?[" + LO + r"]+)*(?![\w])")
CAPS_WORD_RE = re.compile(r"\b[A-Z]{2,}\b")
EPONYM_NOUNS = re.compile(
    r"^(?:'s|’s|s'|-)?\s*(?:disease|syndrome|sign|signs|test|tests|testing|maneuver|manoeuvre|fracture|catheter|"
    r"tube|drain|scale|score|palsy|classification|criteria|procedure|operation|repair|incision|position|"
    r"clamp|clamps|scissors|retractor|retractors|forceps|elevator|stain|staining|phenomenon|reflex|node|nodes|cyst|"
    r"ulcer|lymphoma|sarcoma|tumor|tumour|esophagus|neuroma|neuralgia|contracture|fundoplication|"
    r"speculum|dilator|dilators|needle|pouch|diverticulum|deformity|law|rule|method|technique|approach|"
    r"type|criterion|index|line|lines|space|triangle|ligament|duct|gland|glands|cells?|bodies|body|"
    r"node|point|sutures?|stitch|rongeur|curette|chisel|osteotome|tenaculum|hook|hooks|bur|burr|"
    r"hemorrhoid|hernia|sclerosis|anemia|encephalopathy|dementia|thyroiditis|lesion|lesions|nodes|"
    r"disorder|triad|coma|ratio|dressing|bag|shunt|valve|port|frame|table|stirrups|headrest|"
    r"cannula|sheath|wire|pin|pins|screw|screws|plate|nail|blade|knife|stapler|device|system|"
    r"solution|drops|ointment|tablet|capsule|injection|infusion|criteria|staging|stage|grade|"
    r"knot|closure|anastomosis|resection|flap|graft|bypass|shunt|splint|cast|brace|boot|collar|"
    r"effect|reaction|response|phase|area|fascia|canal|fossa|fat|pad|membrane|layer|capsule|"
    r"scissor|trocar|electrocautery|cautery|retractor|spreader|clip|clips|loupe|loupes|pump|"
    r"mask|cannulas?|monitor|drape|drapes|dilatation|dilation|gown|count|counts|view|views)\b",
    re.IGNORECASE,
)
_EPONYM_EXTRA = (r"grasper|graspers|awl|holder|sleeve|instrument|instruments|drill|taper|sponge|sponges|pressures?|"
                 r"protocol|dissection|dissector|maneuvers?|reflexes|cleft|muscle|tower|building|wand|evac|"
                 r"speculum|stand|table|tray|bed|frame|retractors|clamps|blade|bur|scope|rod|rods|cage|awl")
#: an eponym noun after up to two modifier words, or after "and/or" + another eponym
EPONYM_AFTER_RE = re.compile(r"^(?:'s|’s|-)?(?:\s+[\w\-]+){0,2}\s+(?:" + _EPONYM_EXTRA + r"|" + EPONYM_NOUNS.pattern[
    EPONYM_NOUNS.pattern.index("(?:disease"):].rstrip(")\\b").rstrip(")") + r"))\b", re.IGNORECASE)
EPONYM_BEFORE_RE = re.compile(r"(?i)\b(?:foramen|ligament|space|pouch|canal|duct|triangle|node|sign|test|disease|"
                              r"syndrome|circle|loop|ampulla|crypts?|sinus)\s+of\s+(?:the\s+)?$")
#: first names that are also (rare) English words but are read as names when capitalised
CLEAR_NAMES = frozenset("""
Barney Billy Bobby Bonnie Brad Carol Chad Chuck Colleen Derrick Eddy Harry Hector Jimmy John Josh Ken
Maria Martin Matt Mike Nick Peter Randy Rick Roger Sally Sherry Terry Tom Tony Troy Victor Warren Heather
Hazel Homer Jasper Marina Patsy Patty Phoebe Robin Sibyl Waldo Garret Jarred
Meg Mickey Noel Rhea Rosemary Sandy Viola Hank Ester Curt Dirk
""".split())

NAME_STOP = {
    "Patient", "Pt", "Doctor", "Nurse", "Date", "Time", "Name", "History", "Hospital", "Clinic", "Medical",
    "Center", "The", "And", "Or", "Of", "In", "On", "At", "To", "For", "With", "From", "By", "He", "She",
    "His", "Her", "They", "Their", "This", "That", "Was", "Is", "Are", "Were", "Has", "Had", "Not",
    "No", "Yes", "None", "Unknown", "Mother", "Father", "Wife", "Husband", "Son", "Daughter",
    "Sister", "Brother", "Dr", "Mr", "Mrs", "Ms", "Miss", "MD", "DO", "RN", "Emergency", "Department",
    "Room", "Unit", "Floor", "Service", "Team", "Today", "Yesterday", "Tomorrow",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Sample", "Doctor",
    "American", "Spanish", "English", "African", "Asian", "Hispanic", "Caucasian", "Latino", "Latina", "Mexican",
    "Chinese", "Japanese", "Korean", "Vietnamese", "Indian", "Russian", "Polish", "Italian", "German", "French",
    "Portuguese", "Arabic", "Haitian", "Creole", "Somali", "Cantonese", "Mandarin", "Tagalog", "Filipino", "Jewish",
    "Catholic", "Christian", "Muslim", "Baptist", "Methodist", "Exam", "Gen", "Neuro", "Psych", "Cardio", "Pulm",
}


# --------------------------------------------------------------------- general frames (issue 18)
#: a word of a name in any case and script ("Oshin", "münəvvər", "O'Neil", "Ó"), possibly an initial
_NW = r"[^\W\d_][\u0300-\u036f]?(?:[^\W\d_]|[\u0300-\u036f]|['’\-](?=[^\W\d_]))*"
_NAME_SEQ = r"(" + _NW + r"\.?(?:,?[ \t]+(?:" + _FRAME_PARTICLE + r"[ \t]+){0,3}" + _NW + r"\.?){0,3})"
#: words that follow a contact verb or a relation word without being a name
FRAME_STOP = frozenset("""
a an the this that these those his her hers him he she it its they them their theirs we us our you your me my
i who whom whose which what when where why how if as at by for from in into of on onto to with within without
about after before during until upon over under back up down out off again also too only just still even
and or but nor so then than there here now today tonight tomorrow yesterday later soon again once twice
is are was were be been being am has have had do does did will would shall should can could may might must
not no yes none all any some each every both either neither other another same such own several few many
pt patient patients family families friend friends relative relatives spouse children child kids someone
anyone everyone nobody somebody team staff office clinic pharmacy doctor doctors physician physicians nurse
nurses provider providers md rn np pa dr mr mrs ms miss sir madam caller callers surgeon attending resident
services service department dept unit floor room hospital center home number phone cell line voicemail
message messages please thanks thank regarding re about present alone together bedside side well ok okay
again ago already directly immediately prn asap stat daily weekly right left both bilateral also
911 er ed icu ems pcp dob mrn ssn dos sex age acct id
wife husband spouse son daughter mother father mom dad sister brother partner caregiver niece nephew
grandson granddaughter grandmother grandfather grandchild aunt uncle cousin boyfriend girlfriend roommate
neighbor neighbour guardian stepson stepdaughter stepmother stepfather sibling siblings twin landlord
employer coworker colleague pastor companion fiance fiancee godson goddaughter proxy hcp poa grandma grandpa
maternal paternal great older younger elder eldest oldest youngest biological adoptive se
""".split())
#: function words that are also given names ("Per", "May", "Will", "Line"): a name in a person slot
SOFT_STOP = frozenset("per may will line".split())
#: services and things one calls or contacts, not people
SERVICE_NOUNS = frozenset("""
poison control security police triage billing scheduling insurance registration admissions admitting transport
dispatch reception operator ambulance hospice lab labs radiology pharmacy clinic office desk front answering
on-call oncall covering coverage work school home house daycare shelter agency company facility insurer
self none unknown same n/a na nobody anyone someone everyone chart file record records
""".split())
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
_REL_PAREN = r"\((?i:" + RELATIVE + r"|grandson|granddaughter|godson|goddaughter|[\w\-]+-in-law|stepmother|stepfather|" \
             r"fianc[eé]e?|self|proxy|hcp|poa|emergency\s+contact)[^)\n]{0,20}\)"
#: what closes a person slot after a contact verb: "call X back", "X at 555-...", "X (wife)", "tell X the results"
SLOT_END_CONTACT = re.compile(
    r"[ \t]*(?:back\b|at[ \t]+[\d(+]|on[ \t]+(?:her|his|their|the|my)?[ \t]*(?:cell|phone|mobile)|the\s+results|"
    r"re:|to\s+(?:confirm|discuss|schedule|let|ask)|" + _REL_PAREN +
    r"|,[ \t]*(?:cell|phone|tel|mobile|home|work)\b|,?[ \t]*\+?\(?\d{3}[\s.\-/)]|(?P<weak>if\b|only\b|[ \t]*(?:\||\n|$)))")
#: what closes a person slot after a relation word: a relation, a phone, a list of relatives; weaker, the clause ends
SLOT_END_RELATION = re.compile(
    r"[ \t]*(?:" + _REL_PAREN + r"|(?:and|&)[ \t]+(?:(?:his|her|my|their|our)[ \t]+)?(?i:" + RELATIVE +
    r"|grand\w+|[\w\-]+-in-law|step\w+)\b|,[ \t]*(?:cell|phone|tel|mobile|home|work)\b|,?[ \t]*\+?\(?\d{3}[\s.\-/)]|"
    r"(?P<weak>[.;!?)]|,|(?:and|&)[ \t]+[" + UP + r"]|\||\n|$))")
#: what closes a person slot in a list of contacts after "aunt:": a phone number or a relation
SLOT_END_LIST = re.compile(r"[ \t]*(?:,[ \t]*(?:cell|phone|tel|mobile|home|work)\b|,?[ \t]*\+?\(?\d{3}[\s.\-/)]|" + _REL_PAREN + ")")
#: what closes a person field ("Attn: X", "Emergency contact | X |", "Patient: X, 93 y/o")
SLOT_END_FIELD = re.compile(r"[ \t]*(?:,[ \t]*(?:\d|DOB|age\b|cell|phone|tel|mobile|home|work)|[ \t]{2,}(?:DOB|MRN|Age)\b|"
                            + _REL_PAREN + r"|(?P<weak>\||\n|$))")
SLOT_END_COMMA = re.compile(r"[ \t]*,")
#: a greeting before "it's X," in a message
GREETING_RE = re.compile(r"(?i)\b(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))[\s,!.]*$")
#: contact and relation frames: what comes next is a name candidate in any case, listed or not
CONTACT_FRAME_RE = re.compile(
    r"(?i:\b(?:call(?:ed|ing)?(?:\s+back)?|phoned?|contact(?:ed|ing)?|tell|told|ask(?:ed)?|notif(?:y|ied)|"
    r"inform(?:ed)?|updated?|text(?:ed)?|e-?mail(?:ed)?|paged?|remind(?:ed)?|"
    r"(?:spoke|speak|spoken|talked|talk|met|meet|conferred)\s+(?:with|to)|(?:discussed(?:\s+\w+){0,6}?|reviewed(?:\s+\w+){0,4}?)\s+with|"
    r"per|(?:voice\s*mail|vm|message|msg)\s+(?:left\s+)?(?:for|from|with)|left\s+(?:a\s+)?(?:voice\s*mail|vm|message)\s+(?:for|with)|"
    r"accompanied(?:\s+\w+)?\s+by|(?:signed|taken|written|entered|recorded|witnessed|interpreted|translated|"
    r"brought|driven|referred|sent)\s+by|handed\s+off\s+to|lives\s+with|living\s+with|"
    r"it'?s|this\s+is|ok\s+to\s+speak\s+(?:with|to)|"
    r"(?:attending|resident|surgeon|physician|doctor|provider|pcp|nurse|rn|np|pa|therapist|coordinator|"
    r"manager|worker|chaplain|interpreter)(?:\s+(?:physician|doctor|dr\.?))?)\b)"
    r"[ \t]*:?[ \t]*(?:(?:his|her|their|my|the\s+patient's|pt's|patient's)\s+)?"
    r"(?:(?i:" + RELATIVE + r"|grandson|granddaughter|godson|goddaughter|brother-in-law|sister-in-law|"
    r"son-in-law|daughter-in-law|mother-in-law|father-in-law|stepmother|stepfather|fianc[eé]e?)[ \t]*,?[ \t]+)?"
    + _NAME_SEQ)
#: letter and message fields at a line start or in a table cell: "From: tina arnold", "Re: SMITH John"
LETTER_FIELD_RE = re.compile(
    r"(?im)(?:(?:^|(?<=\|))[ \t]*(?:from|to|for|" + NAME_FIELD + r")|\b(?:re|attn|attention|caller|regarding|cc|bcc))"
    r"[ \t]*(?:[:|]|\t)[ \t]*(?:(?:" + TITLE + r")\.?[ \t]+)?" + _NAME_SEQ +
    r"|\b(?:Dear|DEAR|dear)[ \t]+(?:(?:" + TITLE + r")\.?[ \t]+)?" + _NAME_SEQ)
CRED_ANCHOR_RE = re.compile(r",?[ \t]+" + CREDENTIALS + r"(?![A-Za-z])")
#: a name in any case before a credential ("aslan camalov, MD")
NAME_CRED_RE = re.compile(r"(?m)(?:^|(?<=[\s(]))(" + _NW + r"(?:[ \t]+" + _NW + r"\.?){1,3}),?[ \t]+" + CREDENTIALS + r"(?![A-Za-z])")
ZIP_STOP = frozenset("""Box Room Code Suite Unit Lot Specimen Account Number No Id Claim Order Item Part Model
Serial Page Case Film Slide Block Accession Batch Ref Reference Medicare Medicaid Policy Group Member Zip Phone
Fax Ext Extension Patient Chart Station Bed Catalog Cat Product Kit Sample Test Lab Report Study Protocol""".split())
NOT_PLACES = frozenset("""
Mexico Canada China India Germany Europe Asia Africa America Vietnam Philippines Korea Japan Italy France
England Ireland Scotland Wales Britain Russia Poland Brazil Cuba Haiti Iraq Iran Afghanistan Guatemala
Salvador Honduras Nigeria Ethiopia Somalia Kenya Egypt Israel Pakistan Bangladesh Cambodia Laos Thailand
Australia Spain Portugal Greece Turkey Ukraine Jamaica Colombia Peru Venezuela Argentina Chile Sweden
Norway Denmark Finland Netherlands Holland Belgium Switzerland Austria Hungary Romania Bosnia Serbia
Croatia Lebanon Syria Jordan Saudi Arabia Yemen Sudan Ghana Liberia Congo Uganda Tanzania Nicaragua
Panama Ecuador Bolivia Uruguay Paraguay Taiwan Tibet Nepal Burma Myanmar Indonesia Malaysia Singapore
Caribbean Europe Scandinavia Texas Florida Iraq Kuwait Qatar Dubai Middle East Orient Africa
""".split())
#: "her daughter forum and grandson Tink", "his wife, aLICE,": a relation word then a name
RELATION_FRAME_RE = re.compile(
    r"(?i:\b(?:" + RELATIVE + r"|grandson|granddaughter|godson|goddaughter|brother-in-law|sister-in-law|"
    r"son-in-law|daughter-in-law|mother-in-law|father-in-law|stepmother|stepfather|fianc[eé]e?|"
    r"health\s+care\s+proxy|hcp|poa|proxy))(?:'s\s+name\s+is|,?\s+(?:named|called|is|was))?[,:]?[ \t]+" + _NAME_SEQ)
#: a name then its relation: "Olufunke Afolayan, cousin," "MAHMUDOV Münəvvər - cousin", "Dee (sister)"
NAME_RELATION_RE = re.compile(
    r"(?:^|(?<=[\n|:(])|(?<=[.!?] ))[ \t]*(?:[-*•]\s+)?" + _NAME_SEQ + r"(?:[ \t]*(?:,|\()[ \t]*|[ \t]+[-–][ \t]+|[ \t]+(?:is|was)[ \t]+"
    r"(?:his|her|their|the\s+patient's|pt's)[ \t]+)(?i:" + RELATIVE +
    r"|grandson|granddaughter|godson|goddaughter|stepmother|stepfather|fianc[eé]e?|[\w\-]+-in-law|"
    r"health\s+care\s+proxy|healthcare\s+proxy|proxy|hcp|poa|emergency\s+contact)\b", re.M)
#: surname first without a label: "SMITH John", "MAHMUDOV Münəvvər", "Takács, Róbert"
#: a verb a person does, right after a name ("KOWALCZYK Zofia seen in follow-up")
PERSON_VERB_AFTER_RE = re.compile(r"[ \t]+(?:was[ \t]+)?(?:seen|examined|evaluated|admitted|discharged|presents|presented|"
                                  r"reports|reported|denies|denied|states|stated|returns|returned|arrived|called|"
                                  r"consented|agrees|agreed|declined|tolerated|complains)\b")
#: a group of capitalised words (surname first or not) at the start of a sentence, a line or a field,
#: right before a verb a person does: "Golden, Mark seen in follow-up", "Ó Muighe Theresa was seen"
_CAPW = r"[" + UP + r"][^\W\d_]*(?:['’\-][^\W\d_]+)*"
PERSON_START_RE = re.compile(
    r"(?:^|(?<=[\n|])|(?<=: )|(?<=[.!?] ))[ \t]*((?:(?:Ó|Mac|Ní|Nic|Ua|de|van|von|da|di|le|la)[ \t]+)?" + _CAPW +
    r"(?:,?[ \t]+(?:" + _FRAME_PARTICLE + r"[ \t]+){0,2}" + _CAPW + r"){1,3})(?=,?[ \t]+(?:was[ \t]+)?(?:seen|examined|evaluated|"
    r"admitted|discharged|presents|presented|reports|reported|denies|denied|states|stated|returns|returned|arrived|"
    r"consented|agrees|agreed|declined|tolerated|complains|is\s+a\s+\d)\b)", re.M)
CAPS_FIRST_RE = re.compile(r"(?<![\w'])((?:Ó[ \t]+|Mac[ \t]+)?[" + UP + r"][" + UP + r"'\-]*[" + UP + r"])[ \t]+([" + UP + r"][" + LO + r"]+(?:-[" + UP + r"][" + LO + r"]+)?)(?![\w'])")
COMMA_FIRST_RE = re.compile(r"(?<![\w'])((?:Ó[ \t]+|Mac[ \t]+)?[" + UP + r"][" + LO + r"]+(?:[-'][" + UP + r"][" + LO + r"]+)?),[ \t]+([" + UP + r"][" + LO + r"]+)(?:[ \t]+[" + UP + r"]\.?)?(?![\w'])")
#: a number 90-125 not followed by a unit (an age in the frames below)
_AGE_N = r"(9\d|1[01]\d|12[0-5])(?!\d|[.,]\d|\s*(?:%|percent|degrees?|°|mm|cm|mg|mcg|kg|g\b|lbs?|pounds|bpm|beats|" \
         r"breaths|/|ml|cc|units?|minutes?|mins?\b|hours?|hrs?|days?|weeks?|months?|times|x\b|feet|ft\b|inches|" \
         r"[FC]\b|mmhg|meq|mmol|percentile|th\b|st\b|nd\b|rd\b))"
AGE_NUMBER_RE = re.compile(r"(?<![\d.,])(?:9\d|1[01]\d|12[0-5])(?![\d])")
#: ages 90+ in any frame: a person "is/was/turned" N, "alive/died/widowed ... at N", "until age N"
AGE_FRAME_RES = [
    re.compile(r"(?i:\b(?:he|she|patient|pt|who|mother|father|mom|dad|husband|wife|sister|brother|grandmother|"
               r"grandfather|aunt|uncle|i|they)(?:'s|\s+(?:is|was|turned|turns|will\s+be|would\s+be|became|is\s+now|now))"
               r"(?:\s+(?:now|about|almost|nearly|over|just|only|already|aged?))*\s+)" + _AGE_N),
    re.compile(r"(?i:\b(?:alive|living|lived|well|healthy|died|dead|deceased|death|passed(?:\s+away)?|widowed|married|"
               r"retired|diagnosed|independent|driving|working|worked|walking|active|sharp|remarried|moved|"
               r"turned|turning|reached|reaching|celebrated|celebrating)\b(?:\s+\w+){0,2}?\s+(?:at|@)\s+"
               r"(?:about\s+|around\s+|approximately\s+|age\s+|the\s+age\s+of\s+)?)" + _AGE_N),
    re.compile(r"(?i:\b(?:until|till|since|by|from|after|before|around|about|over|past|under|turned|turning|reached)"
               r"\s+(?:the\s+)?age\s+(?:of\s+)?)" + _AGE_N),
]
ZIP_ANCHOR_RE = re.compile(r"(?<![\d\-])\d{5}(?:-\d{4})?(?![\d\-])")
#: a town right before a ZIP code ("Serang 35350-7843", "the Heights, VT 11011")
_PLACE_PARTICLES = r"of|de|du|la|le|les|on|upon|am|an|der|im|in|bei|nad|pod|del|sur|sous|en|y|do|da|dos|na|u|o|v|ve"
TOWN_ZIP_RE = re.compile(
    r"(?:(?<=, )|(?<=^)|(?<=\n)|(?<=\| )|(?<=: )|(?<=\t)|(?<=[.;] ))((?:the[ \t]+)?(?:[a-z](?=[" + UP + r"]))?(?:[" + UP + r"][^\W\d_'’]*(?:['’][^\W\d_]+)?\.?)(?:(?:[ \-–/]|[ \t][-–][ \t])(?:(?:" + _PLACE_PARTICLES + r")[ \-]){0,2}[" + UP + r"][^\W\d_'’]*(?:['’][^\W\d_]+)?){0,3}"
    r"(?:[ \t]+(?:district|neighbou?rhood|area|village|township|county))?(?:[ \t]+\([^()\n]{1,30}\))?),?"
    r"[ \t]+(?:[A-Z]{2}\.?[ \t]+)?\d{5}(?:-\d{4})?(?![\d\-])")
#: strong residence frames: the capitalised words that follow are a place even when they are English words
RESIDENCE_RE = re.compile(
    r"(?i:\b(?:lives|lived|living|resides|resided|residing|resident|native|grew\s+up|born|raised|moved|"
    r"relocated|returned|drives?|commutes?|hiked|camped|travell?ed|vacationed|visiting|visited|hometown|"
    r"ems\s+from|brought\s+in\s+from|transported\s+from)\b(?:\s+(?:alone|here|back|up|in|to|from|of|near|at|"
    r"around|outside|by|just|over|yesterday|today|recently|home|originally|last\s+\w+)){1,3})\s+((?:the\s+)?(?:[a-z](?=[" + UP + r"])|[ʻ‘](?=[" + UP + r"]))?[" + UP + r"][^\W\d_'’]*(?:['’][^\W\d_]+)?"
    r"(?:[ \-](?:(?:" + _PLACE_PARTICLES + r")[ \-]){0,2}[" + UP + r"][^\W\d_'’]*(?:['’][^\W\d_]+)?){0,3}"
    r"(?:\s+(?:district|neighbou?rhood|area|county|parish|borough|township|village|side))?)")
ADDRESS2_RES = [
    re.compile(r"(?i)\b(?:(?:rural\s+route|star\s+route|highway\s+contract)\s*#?\s*\d{1,4}(?:\s*,?\s*box\s*#?\s*\d{1,6})?|"
               r"(?:r\.?r\.?|hc)\s*#?\s*\d{1,4}\s*,?\s*box\s*#?\s*\d{1,6})\b"),
    re.compile(r"(?i)\b[NSEW]?\d{1,6}[A-Z]?\s+(?:(?:county|state|us|u\.s\.|farm\s+to\s+market|old)\s+)?"
               r"(?:road|rd|highway|hwy|route|rte|fm)\.?\s+\d{1,4}[A-Z]?\b"),
    re.compile(r"(?i)\b\d{1,6}[a-z]?\s+(?:(?:[nsew]|ne|nw|se|sw)\.?\s+)?(?:[^\W_][\w'’\-]*\s+){1,3}"
               r"(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|boulevard|hwy|highway|ct|court|pkwy|"
               r"parkway|ter|terr|terrace|cir|circle|pl|place|row|trl|trail|loop|way)\b\.?"
               r"(?:\s*,?\s*(?:apt|apartment|suite|ste|unit|flat|#)\.?\s*#?\s*[a-z0-9\-]+)?"),
]
#: head nouns of facility names, and the words that only say which department or service it is
FACILITY_HEADS = (r"(?:Hospital|Center|Centre|Clinic|Institute|Home|House|Pavilion|Associates|Partners|Group|"
                  r"Lab|Labs|Laboratory|Unit|Suites|Practice|Health|Healthcare|Hospice|Infirmary|Nursing|"
                  r"Sanatorium|Lodge|Manor|Facility|Campus|Medical|Rehab|Rehabilitation|Care)")
FACILITY2_RE = re.compile(
    r"(?<![\w'])((?:(?:[^\W\d_][^\W\d_'’\-]*(?:-[^\W\d_]+)*(?:['’][^\W\d_]+)?|St\.|Mt\.)[ \t]+){1,6})" + FACILITY_HEADS + r"(?![\w])"
    r"(?:[ \t]+" + FACILITY_HEADS + r"(?![\w]))*")
_PLACE_PARTICLE_SET = frozenset(_PLACE_PARTICLES.split("|"))
#: lower-case words inside a place or facility name ("Old Mill district Dialysis Unit")
PLACE_NOUNS_LOWER = frozenset("district neighborhood neighbourhood village quarter township side".split())


#: endings of English adjectives ("Transitional Care Unit", "Comprehensive ... Medical"): a department, not a name
ADJECTIVE_SUFFIX = r"(?:al|ive|ic|ary|ory|ous|ent|ant|ate|ible|able|ful|less)$"


def _cap_like(word: str) -> bool:
    """A capitalised word, or one with a lower-case prefix before the capital ("iKapa", "eThekwini")."""
    return word[:1].isupper() or (len(word) > 2 and word[0].islower() and word[1].isupper() and word[2:3].islower())


FACILITY_HEAD_RE = re.compile(r"(?<![\w'])" + FACILITY_HEADS + r"(?![\w])(?:[ \t]+" + FACILITY_HEADS + r"(?![\w]))*")
DEPARTMENT_WORDS = frozenset("""
Emergency Department Dept Intensive Care Critical Cardiology Cardiac Radiology Oncology Neurology Surgery
Surgical Medical Medicine Internal Family Pediatric Pediatrics Orthopedic Orthopedics Orthopaedic Women's
Children's Behavioral Mental Health Sleep Dialysis Wound Infusion Skilled Nursing Rehabilitation Rehab Physical
Occupational Therapy Urgent Ambulatory Outpatient Inpatient Day Endoscopy Cancer Heart Vascular Eye Dental
Pain Burn Trauma Transplant Memory Hospice Palliative Community General Regional Memorial University
Teaching Veterans VA State County City Main North South East West Central New Senior Assisted Living Acute
Recovery Labor Delivery Maternity Birthing Imaging Diagnostic Laboratory Pathology Pharmacy Clinical Research
Specialty Primary Our The This Your Local Private Public Federal Walk-In Minor Partners Associates Group
Home House Unit Center Centre Clinic Institute Hospital Suites Practice Healthcare Lab Labs Nursing Care
Neonatal Newborn Step-Down Telemetry Post-Anesthesia Postanesthesia Anesthesia Operating Procedure Holding
Observation Short Stay Same Surgery Cath Catheterization Electrophysiology Echo Echocardiography Stress
Pulmonary Respiratory Renal Kidney Liver Digestive GI Gastroenterology Urology Gynecology Obstetrics OB
Dermatology ENT Otolaryngology Ophthalmology Psychiatry Psychiatric Neurosurgery Spine Joint Breast
Plastic Hand Foot Ankle Sports Geriatric Geriatrics Infectious Diseases Disease Allergy Immunology
Hematology Endocrinology Diabetes Rheumatology Genetics Podiatry Chiropractic Nutrition Speech Audiology
Substance Abuse Addiction Detox Crisis Counseling Wellness Medical-Surgical Med-Surg Intermediate Pediatric
Adult Child Student Employee Occupational Travel Vein Laser Skin Weight Bariatric Fertility Prenatal
Perinatal Hearing Vision Imaging MRI CT PET Nuclear Interventional Diagnostic Outpatient Infusion Home
Nephrology Neuro-ophthalmology Neuroradiology Neurophysiology Neuropsychology Hepatology Cytology Chronic
Acute Rapid Behavior Behavioral Independent Physicians Physician Nurses Nurse Doctors Team Services
""".split())


#: a medication after a verb of prescribing ("switched to Augmentin", "sensitive to Bactrim")
DRUG_CONTEXT_RE = re.compile(r"(?i)\b(?:switch(?:ed)?|chang(?:ed?|ing)|convert(?:ed)?|sensitive|resistant|allergic|"
                             r"responding|respond(?:ed|s)?|adherence|compliance|addition|started|start|soaked|placed|"
                             r"intolerant|reaction|transitioned|titrated|increased|decreased)\s+(?:\w+\s+)?(?:to|in|on)\s+$")


#: words that name a kind of facility rather than a service ("Community Hospital" may be a facility's name)
GENERIC_FACILITY_WORDS = frozenset("Memorial Community General Regional Children's University VA Veterans State "
                                   "County City Main Central New Day Teaching Federal Public Private".split())


SPECIALTY_SUFFIX_RE = re.compile(r"(?:ology|iatry|iatrics|atrics|pedics|urgery|smus|graphy|scopy)$")


def _is_specialty(word: str) -> bool:
    """A capitalised name of a specialty or service ("Physiatry", "Neuroopthalmology", "Strabismus")."""
    return bool(SPECIALTY_SUFFIX_RE.search(word)) or word in DEPARTMENT_WORDS


_WORD_RE = re.compile(r"[A-Za-z]+")
#: first words of the contact and relation frames: the frame regexes are tried only where one starts
CONTACT_TRIGGERS = frozenset("""
call called calling phone phoned contact contacted contacting tell told ask asked notify notified inform informed
update updated text texted email e emailed page paged remind reminded spoke speak spoken talked talk met meet
conferred discussed reviewed per voice voicemail vm message msg left accompanied signed taken written entered
recorded witnessed interpreted translated brought driven referred sent handed lives living it its this ok
attending resident surgeon physician doctor provider pcp nurse rn np pa therapist coordinator manager worker
chaplain interpreter
""".split())
RELATION_TRIGGERS = frozenset("""
wife husband spouse son daughter mother father mom dad sister brother partner friend caregiver niece nephew
grandson granddaughter grandmother grandfather grandchild aunt uncle cousin fianc fiance fiancee boyfriend
girlfriend roommate neighbor neighbour guardian stepson stepdaughter stepmother stepfather child children sibling
twin landlord employer coworker co colleague pastor case companion godson goddaughter health hcp poa proxy
""".split())


def _triggered(rx: re.Pattern[str], text: str, triggers: frozenset[str]) -> Iterator[re.Match[str]]:
    """Matches of ``rx`` starting at each word of ``triggers`` (overlapping: a frame may start inside
    the name group of the previous one).  Trying the regex only there keeps the scan fast."""
    for w in _WORD_RE.finditer(text):
        if w.group(0).lower() in triggers and (w.start() == 0 or not text[w.start() - 1].isalnum()):
            m = rx.match(text, w.start())
            if m:
                yield m


def _every_start(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of ``rx`` at every start (a failed longer match must not hide a shorter one inside it)."""
    pos = 0
    while True:
        m = rx.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


def _ending_at(rx: re.Pattern[str], text: str, anchors: re.Pattern[str], width: int) -> Iterator[re.Match[str]]:
    """Matches of ``rx`` that end at a match of ``anchors`` (a head noun, a credential, a ZIP code),
    searched in the ``width`` characters before it: a cheap anchor first, the costly regex near it."""
    last_end = -1
    for a in anchors.finditer(text):
        if a.start() < last_end:
            continue
        m = rx.search(text, max(0, a.start() - width), a.end())
        while m is not None and m.end() < a.end():
            m = rx.search(text, m.start() + 1, a.end())
        if m is not None:
            last_end = m.end()
            yield m


def fold(word: str) -> str:
    """``María`` -> ``Maria``: census lists are ASCII."""
    if word.isascii():
        return word
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")


# ----------------------------------------------------------------------------------- detector
class RuleDetector:
    """Runs every rule over a text; :meth:`candidates` yields raw, possibly overlapping hits."""

    def __init__(self, lexicon: Lexicon, *, propagate_names: bool = True, lone_surnames: bool = True) -> None:
        self.lex = lexicon
        self.propagate_names = propagate_names
        self.lone_surnames = lone_surnames
        self._title_re = re.compile(
            r"(?<![A-Za-z])" + TITLE + r"(?:\.|\b)\s{0,2}(?:(?:and\s+)?(?:Mrs|Mr|Ms|Dr)\.?\s+)?"
            r"((?:(?:" + NAME_PARTICLE + r")\s+){0,2}(?:" + NAME_TOKEN + r"|" + NAME_TOKEN_CAPS + r")(?:\s?(?:\s(?:" + NAME_PARTICLE + r")){0,2}\s(?:" + NAME_TOKEN + r"|" + NAME_TOKEN_CAPS + r")){0,3})"
        )
        self._cred_re = re.compile(
            r"((?:" + NAME_TOKEN + r")(?:\s+(?:" + NAME_PARTICLE + r"\s+){0,2}(?:" + NAME_TOKEN + r")){1,3}|"
            r"(?:" + NAME_TOKEN_CAPS + r")(?:\s+(?:" + NAME_TOKEN_CAPS + r")){1,3}),?\s+" + CREDENTIALS + r"(?![A-Za-z])"
        )
        self._field_re = re.compile(
            r"(?im)(?:^|(?<=[\s,;(|]))" + NAME_FIELD + r"\s*(?:\([^)\n]{0,20}\))?[ \t]*(?:[:\-=|]|\t)[ \t]*"
            r"((?:" + TITLE + r"\.?\s+)?(?:[^\W\d_](?:[^\W\d_]|['\-])*\.?)(?:,? (?:[^\W\d_](?:[^\W\d_]|['\-])*\.?)){0,3})"
        )
        self._relative_re = re.compile(
            r"(?i:\b" + RELATIVE + r")(?:'s\s+name\s+is|,?\s+(?:named|called|is|was))?,?\s+"
            r"((?:" + NAME_TOKEN + r")(?:\s+(?:" + NAME_PARTICLE + r"\s+)?(?:" + NAME_TOKEN + r")){0,2})"
        )
        self._last_first_re = re.compile(
            r"\b([A-Z][a-z]+(?:[-'][A-Z][a-z]+)?|[A-Z]{2,}(?:[-'][A-Z]{2,})?),\s+([A-Z][a-z]+|[A-Z]{2,})(?:\s+[A-Z]\.?)?(?![\w])"
        )
        self._first_last_re = re.compile(
            r"(?<![\w'])([A-Z][a-z]+)(?:\s+(?:[A-Z]\.?|[A-Z][a-z]+)){0,1}\s+((?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)(?![\w])"
        )
        self._presidio = None
        self._street_re = street_re(lexicon.street_suffixes)

    # ------------------------------------------------------------------ helpers
    def is_common(self, word: str) -> bool:
        """An English or clinical word (not a name from the lists alone), unless a clear first name."""
        low = word.lower()
        return (low in self.lex.english or low in self.lex.clinical) and word.capitalize() not in CLEAR_NAMES

    def is_eponym_here(self, text: str, start: int, end: int) -> bool:
        """True if the word at start:end is used as a clinical eponym here."""
        word = text[start:end]
        after = text[end:end + 60]
        if EPONYM_NOUNS.match(after) or EPONYM_AFTER_RE.match(after):
            return True
        if EPONYM_BEFORE_RE.search(text[max(0, start - 30):start]):
            return True
        before = text[max(0, start - 1):start]
        if before == "-" and start >= 2 and text[start - 2].isalpha():
            return word in self.lex.eponyms or EPONYM_NOUNS.match(after) is not None
        return word in self.lex.hard_eponyms

    def _name_word_ok(self, word: str) -> bool:
        return word not in NAME_STOP and not self.is_common(word)

    # ------------------------------------------------------------------ rules
    def candidates(self, text: str, labels: Iterable[str] | None = None) -> list[Candidate]:
        out: list[Candidate] = []
        out.extend(self._labelled_ids(text))
        out.extend(self._shapes(text))
        out.extend(self._dates(text))
        out.extend(self._ages(text))
        out.extend(self._places(text))
        out.extend(self._frame_places_ages(text))
        names = self._names(text) + list(self._frame_names(text))
        out.extend(names)
        if self.propagate_names:
            out.extend(self._propagate(text, names))
        if self._presidio is not None:
            out.extend(self._presidio(text))
        if labels is not None:
            keep = set(labels)
            out = [c for c in out if c.label in keep]
        return out

    def _labelled_ids(self, text: str) -> Iterator[Candidate]:
        pos = 0
        while True:
            m = LABELLED_ID_RE.search(text, pos)
            if m is None:
                return
            label = next(k for k, v in m.groupdict().items() if v is not None and k != "value").rsplit("_", 1)[0]
            value_start, value_end = m.span("value")
            value = m.group("value")[:self._id_group(m.group("value"))]
            # the value may itself start with a label ("Insurance: Medicare 1EG4-TE5-MK73"): look again there
            pos = value_start + len(value) if value else max(value_start, m.start() + 1)
            value_end = value_start + len(value)
            # trailing sentence punctuation is not part of the code
            while value and value[-1] in ".:/-":
                value = value[:-1]
                value_end -= 1
            if not value:
                continue
            n_digits = len(re.sub(r"\D", "", value))
            if label == "ID" and n_digits < 3 and not (len(re.sub(r"\W", "", value)) >= 6 and value.upper() == value):
                continue
            if label in {"LICENSE", "HEALTH_PLAN", "DEVICE", "VEHICLE"} and len(value) < 4:
                continue
            if len(re.sub(r"\W", "", value)) < 3:
                continue  # "Specimen #1", "plates of C5"
            yield Candidate(value_start, value_end, label, "labelled_id")

    def _id_group(self, value: str) -> int:
        """Length of the identifier at the start of ``value`` (the text after an identifier label).

        Tokens separated by single spaces belong to it while each holds a digit or is a short
        upper-case code that is not an English word ("AB 1234 5678", "MNS 710467 L", "BCBA ARN8");
        a lower-case or ordinary word ends the field ("Q 319 512 replaced").  A group without any
        digit is kept only when it is upper case with 4+ letters ("UEAC HEEJ"): recall first.
        """
        end = 0
        has_digit = False
        toks = list(re.finditer(r"\S+", value))
        for i, t in enumerate(toks):
            tok = t.group(0).rstrip(".,;:")
            core = re.sub(r"[-./:]", "", tok)
            near_digits = any(any(ch.isdigit() for ch in toks[j].group(0)) for j in (i - 1, i + 1) if 0 <= j < len(toks))
            if any(ch.isdigit() for ch in core):
                has_digit = True
            elif not (core.isupper() and core.isalpha() and len(core) <= 6
                      and (len(core) <= 2 or core.lower() not in self.lex.english or (len(core) <= 4 and near_digits))) \
                    and not (i == 0 and core.isupper() and core.isalpha() and len(core) >= 8 and core.lower() not in self.lex.english):
                break  # (a code of 8+ capitals, "AJUTUTSTMAVFXFMKR", is an identifier too)
            end = t.start() + len(tok)
            if tok != t.group(0):
                break  # "1234," ends the field
        if end and not has_digit and len(re.sub(r"\W", "", value[:end])) < 4:
            return 0
        return end

    def _shapes(self, text: str) -> Iterator[Candidate]:
        for m in EMAIL_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "EMAIL", "email")
        for m in URL_RE.finditer(text):
            s, e = m.start(), m.end()
            while e > s and text[e - 1] in ".,;:!?":
                e -= 1
            frag = text[s:e]
            if "@" in text[max(0, s - 1):s + 1] or re.fullmatch(r"[A-Za-z]\.[A-Za-z]{2}", frag):
                continue  # part of an e-mail, or an abbreviation such as "e.g"
            if not re.search(r"(?i)https?://|ftp://|www\.|/", frag) and len(frag) < 6:
                continue
            yield Candidate(s, e, "URL", "url")
        for m in IPV4_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "IP", "ipv4")
        for m in IPV6_RE.finditer(text):
            if m.group(0).count(":") >= 3 or re.search(r"[A-Fa-f]", m.group(0)):
                yield Candidate(m.start(), m.end(), "IP", "ipv6")
        for m in MAC_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "DEVICE", "mac")
        for m in SSN_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "SSN", "ssn_shape")
        for m in PHONE_RE.finditer(text):
            yield Candidate(m.start(), m.end(), self._phone_label(text, m.start()), "phone_shape")
        for m in PHONE_FIELD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group(1))
            if len(digits) >= 7:
                yield Candidate(m.start(1), m.end(1), self._phone_label(text, m.start(1)), "phone_field")
        for m in self._street_re.finditer(text):
            yield Candidate(m.start(), m.end(), "ADDRESS", "street")
            # "12 Oak St, Walpole" / "12 Oak St, Walpole, MA": the town after a street address
            town = ADDRESS_TOWN_RE.match(text, m.end())
            if town:
                yield Candidate(town.start(1), town.end(1), "LOCATION", "address_town")
        for m in POBOX_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "ADDRESS", "pobox")
            town = ADDRESS_TOWN_RE.match(text, m.end())
            if town:
                yield Candidate(town.start(1), town.end(1), "LOCATION", "address_town")
        for m in PLACE_FIELD_RE.finditer(text):
            yield Candidate(m.start(1), m.end(1), "LOCATION", "place_field")
        for m in ZIP_RE.finditer(text):
            yield Candidate(m.start(1), m.end(1), "ZIP", "zip_after_state")
        for rx in (ZIP_STATE_NAME_RE, ZIP_FIELD_RE):
            for m in rx.finditer(text):
                yield Candidate(m.start(1), m.end(1), "ZIP", "zip_field")
        for m in PLATE_RE.finditer(text):
            yield Candidate(m.start(1), m.end(1), "VEHICLE", "plate")
        for m in VIN_RE.finditer(text):
            yield Candidate(m.start(), m.end(), "VEHICLE", "vin")
        for m in LONG_NUMBER_RE.finditer(text):
            s = m.start() + (1 if text[m.start()] == "#" else 0)
            while text[s] in "# ":
                s += 1
            digits = re.sub(r"\D", "", m.group(0))
            if len(digits) < 5:
                continue
            if NUMBER_UNIT_RE.match(text[m.end():m.end() + 10]):
                continue
            if re.fullmatch(r"(?:19|20)\d\d-(?:19|20)\d\d|\d{1,3}-\d{1,3}", m.group(0)):
                continue  # a span of years, a range such as 72-100
            yield Candidate(s, m.end(), "ID", "long_number")
        for m in ALNUM_CODE_RE.finditer(text):
            token = m.group(0)
            if re.fullmatch(r"(?:1[89]|20)\d0'?s", token) or re.search(r"\d-[a-z]{3,}", token):
                continue  # "1990s", "2000-calorie", "1-month-26-day-old"
            digits = sum(ch.isdigit() for ch in token)
            if UNIT_SUFFIX_RE.search(token):
                continue
            if digits < 3 or len(token) < 5 or CODE_ALLOW_RE.match(token):
                if not (digits >= 4 and len(token) >= 6):
                    continue
                if re.fullmatch(r"\d+(?:mg|mcg|ml|mL|cc|mm|cm|kg|g|x|h|hr|hrs|min|sec|s|ms|units|am|pm|AM|PM)", token):
                    continue
            yield Candidate(m.start(), m.end(), "ID", "alnum_code")

    @staticmethod
    def _phone_label(text: str, start: int) -> str:
        return "FAX" if FAX_CONTEXT_RE.search(text[max(0, start - 24):start]) else "PHONE"

    def _dates(self, text: str) -> Iterator[Candidate]:
        for kind, rx in DATE_RES:
            for m in rx.finditer(text):
                s, e = m.start(), m.end()
                frag = m.group(0)
                if kind in {"mdy", "md"}:
                    parts = re.split(r"[-/.]", frag)
                    a, b = int(parts[0]), int(parts[1])
                    if not ((a <= 12 and b <= 31) or (b <= 12 and a <= 31)):
                        continue
                    if kind == "mdy" and "." in frag and len(parts[2]) == 2 and a <= 12 and b <= 12 and int(parts[2]) > 31:
                        pass
                if kind == "md":
                    before = text[max(0, s - 30):s]
                    after = text[e:e + 25]
                    a, b = (int(x) for x in frag.split("/"))
                    dated = DATE_CONTEXT_RE.search(before) and not (SCALE_CONTEXT_RE.search(before[-18:]) or SCALE_CONTEXT_RE.search(after[:22]))
                    if (a == b or (b in (4, 5, 6, 10) and a <= b)) and not dated and not re.search(
                            r"(?i)\b(?:on|dated?|since|until|dob|admitted|discharged|seen|visit|surgery|return|follow[- ]up|f/u|"
                            r"appointment|appt|next|due|by|scheduled|born|admit|discharge|dx|diagnosed|made|around|"
                            r"started|began|onset|sent|from|labs?)\s*:?\s*$", before):
                        continue  # "2/2 on exposure to light", "1/1 quads", "Motor exam is 5/5", "from 3/10 to 6/10"
                    if re.match(r"\s*(?:to|-)\s*\d{1,2}/10\b|\s+in\s+intensity", after) or re.search(r"\d/10\s*(?:to|-)\s*$", before):
                        continue
                    if not DATE_CONTEXT_RE.search(before):
                        if SCALE_CONTEXT_RE.search(before[-18:]) or SCALE_CONTEXT_RE.search(after[:22]):
                            continue
                        b = int(frag.split("/")[1])
                        if b in (4, 5, 6, 10) and int(frag.split("/")[0]) <= b:
                            continue  # a grading scale such as 4/5 or 2/6
                if kind == "month" and (re.search(MONTH_LIST_BEFORE, text[max(0, s - 12):s])
                                        or re.match(MONTH_LIST_AFTER, text[e:e + 12])):
                    continue  # "December, November, September, October" (naming the months, a cognitive test)
                if kind in {"dmony", "mdy_name", "my_name", "month"}:
                    month_m = re.search(r"[A-Za-z]+", frag)
                    mw = month_m.group(0) if month_m else ""
                    if mw.lower() in {"may", "mar", "march"} and mw.islower() and kind != "mdy_name":
                        continue
                    if mw in {"May", "MAY", "Mar", "MAR"} and kind == "dmony" and not re.search(r"\d{2,4}\s*$", frag):
                        # "2 May" is a date, but "may" in "patient may" is excluded by case
                        pass
                    if kind == "dmony" and re.match(r"\d+\s+(?:Mar|May|Jan|Jun|Dec|Sep|Oct|Aug)\b(?!\.)", frag) \
                            and not re.search(r"\d{2,4}\s*$", frag) and re.match(r"\s+[a-z]", text[e:e + 3]):
                        continue  # "2 may be", "5 Mar" mid-sentence without year
                yield Candidate(s, e, "DATE", f"date_{kind}")

    def _ages(self, text: str) -> Iterator[Candidate]:
        for rx in AGE_RES:
            for m in rx.finditer(text):
                frag = m.group(0)
                if re.search(r"\d(?:'s|s)$", frag) and (
                        re.search(r"(?i)\b(?:low|mid|high|upper|lower|to|rate|pressures?|systolic|diastolic|sats?|bpm|"
                                  r"pulse|tachycardia|glucose|sugars?|level)\b[^.\n]{0,25}$", text[max(0, m.start() - 40):m.start()])
                        or re.match(r"\s*(?:to|-)\s*\d", text[m.end():m.end() + 8])):
                    continue  # "a rate in the low 100s"
                num = re.search(r"\d+", frag)
                if num:
                    yield Candidate(m.start() + num.start(), m.start() + num.end(), "AGE", "age_field")
                else:
                    yield Candidate(m.start(), m.end(), "AGE", "age_words")

    def _places(self, text: str) -> Iterator[Candidate]:
        lex = self.lex
        for m in CITY_STATE_RE.finditer(text):
            city = m.group(1)
            if city.split()[0] in NAME_STOP or (len(city.split()) == 1 and self.is_common(city) and city not in lex.cities):
                continue
            yield Candidate(m.start(1), m.end(1), "LOCATION", "city_state")
        for m in CITY_STATE_ABBR_RE.finditer(text):
            city = m.group(1)
            st = text[m.end() - 2:m.end()]
            uncommon = any(not self.is_common(w) and w not in NAME_STOP for w in city.split())
            if city in lex.cities or city.split()[-1] in lex.cities or (
                    uncommon and st not in AMBIGUOUS_STATES and city.split()[0] not in NAME_STOP):
                yield Candidate(m.start(1), m.end(1), "LOCATION", "city_state_abbr")
        for m in COUNTY_RE.finditer(text):
            words = m.group(1).split()
            while words and (words[0].lower() in FACILITY_LEAD_STOP or words[0] in NAME_STOP):
                words.pop(0)
            if not words:
                continue
            s = m.end() - len(" ".join(words)) - (m.end() - m.end(1)) - 1 + 1
            s = m.start(1) + (len(m.group(1)) - len(" ".join(words)) - 1)
            yield Candidate(s, m.end(), "LOCATION", "county")
        for m in PLACE_CONTEXT_RE.finditer(text):
            phrase = m.group(1)
            words = [w for w in re.split(r"[\s\-']+", phrase) if w[:1].isupper() and w not in {"The", "Village", "Town", "City"}]
            if not words or words[0] in NAME_STOP or words[0] in MONTH_FULL:
                continue
            if all(w in DEPARTMENT_WORDS or _is_specialty(w) for w in words) or DRUG_CONTEXT_RE.search(
                    text[max(0, m.start(1) - 30):m.start(1)]):
                continue  # "transferred to Postanesthesia Care Unit", "switched to Augmentin"
            uncommon = [w for w in words if not self.is_common(w) and w not in NAME_STOP and w not in lex.hard_eponyms]
            if len(words) > 1 and words[0] in PLACE_PREFIXES:
                uncommon.append(words[1])
            if phrase in lex.cities or phrase in lex.counties or (uncommon and (len(words) > 1 or words[0] not in lex.first_names)):
                if re.match(r"\s+(?:" + FACILITY_WORDS + r")", text[m.end(1):m.end(1) + 30]):
                    continue  # facility rule owns it
                yield Candidate(m.start(1), m.end(1), "LOCATION", "place_context")
        # list lookup: longest city name starting at each capitalised word
        words = [(w.start(), w.end(), w.group(0)) for w in re.finditer(r"[A-Z][A-Za-z.'\-]*", text)]
        n = len(words)
        i = 0
        while i < n:
            hit = None
            for k in range(min(lex.city_max_words, 4, n - i), 0, -1):
                s = words[i][0]
                e = words[i + k - 1][1]
                phrase = text[s:e]
                if k > 1 and not all(text[words[j][1]:words[j + 1][0]] == " " for j in range(i, i + k - 1)):
                    continue
                if phrase in lex.cities:
                    if k == 1:
                        w = phrase
                        if (self.is_common(w) or w in NAME_STOP or w in MONTH_FULL or w in STATES.values()
                                or self.is_eponym_here(text, s, e) or w.isupper()):
                            continue
                    hit = (s, e, k)
                    break
            if hit:
                yield Candidate(hit[0], hit[1], "LOCATION", "city_list")
                i += hit[2]
            else:
                i += 1
        for m in FACILITY_RE.finditer(text):
            s, e = m.start(), m.end()
            frag = text[s:e]
            # trim leading function words and sentence openers
            while True:
                first = re.match(r"[A-Za-z'&.\-]+\s+", frag)
                if not first:
                    break
                w = first.group(0).strip().lower().rstrip(".")
                if w in FACILITY_LEAD_STOP:
                    s += first.end()
                    frag = text[s:e]
                    continue
                break
            cut = list(re.finditer(r"(?<![A-Z])(?<!St)(?<!Mt)\.\s+", frag))
            if cut:  # "in the month of June.  Hospital course": a sentence ends inside
                s += cut[-1].end()
                frag = text[s:e]
            if re.fullmatch(FACILITY_WORDS, frag) or not re.search(r"[A-Z]", frag[:1]):
                continue
            if re.fullmatch(r"(?:[A-Z][a-z]+\s+)?(?:General|Regional|Memorial|Children's)", frag):
                continue  # "General" alone is an adjective ("General appearance")
            fwords = re.findall(r"[\w'\-]+", frag)
            if not frag.endswith(("Hospital", "Medical Center")) and all(
                    w in DEPARTMENT_WORDS or _is_specialty(w) or w.isupper() for w in fwords) and any(
                    _is_specialty(w) and w not in GENERIC_FACILITY_WORDS for w in fwords[:-1]) and not self._surname_lead(fwords):
                continue  # "Pediatric Urology Clinic", "Outpatient Clinic", "UIHC Strabismus Clinic": a department
            yield Candidate(s, e, "FACILITY", "facility")

    def _names(self, text: str) -> list[Candidate]:
        lex = self.lex
        out: list[Candidate] = []

        def add_tokens(seq_start: int, seq: str, source: str, strict: bool) -> None:
            for t in re.finditer(r"[^\W\d_](?:[^\W\d_]|['\-])*\.?", seq):
                word = t.group(0).rstrip(".")
                if strict and not re.fullmatch(NAME_PARTICLE, word) and (word in NAME_STOP or re.fullmatch(CREDENTIALS, t.group(0)) or
                               (self.is_common(word) and len(word) > 1 and word not in lex.first_names
                                and word not in lex.surnames and word.lower() == word)):
                    break
                if word.lower() in {"and", "or", "the", "of"}:
                    break
                keep = len(t.group(0)) if len(word) == 1 else len(word)  # "J." keeps its period
                out.append(Candidate(seq_start + t.start(), seq_start + t.start() + keep, "NAME", source))

        for m in self._title_re.finditer(text):
            seq = m.group(1)
            # stop at the first token that is a common lower-case word in its own right (not a name)
            toks = list(re.finditer(r"\S+", seq))
            keep_end = 0
            for j, t in enumerate(toks):
                w = t.group(0).rstrip(".,")
                if j > 0 and (w in NAME_STOP or w.lower() in {"and", "or", "the", "of"} or w.isupper() and self.is_common(w)):
                    break
                if re.fullmatch(CREDENTIALS, t.group(0)):
                    break
                keep_end = t.end()
            seq = seq[:keep_end]
            if re.fullmatch(r"[A-Z]\.?|[A-Z]{2,3}", seq) and not (len(seq) > 1 and seq.capitalize() in lex.surnames):
                continue
            if seq:
                add_tokens(m.start(1), seq, "title", strict=False)
        for m in self._cred_re.finditer(text):
            seq = m.group(1)
            toks = seq.split()
            if toks[0] in NAME_STOP:
                continue
            add_tokens(m.start(1), seq, "credentials", strict=False)
        for m in self._field_re.finditer(text):
            seq = m.group(1)
            s = m.start(1)
            t = re.match(TITLE + r"\.?\s+", seq)
            if t:
                s += t.end()
                seq = seq[t.end():]
            first = re.match(r"[^\W\d_](?:[^\W\d_]|['\-])*", seq)
            if not first:
                continue
            w = first.group(0)
            if re.fullmatch(NAME_PARTICLE, w) and re.match(r"(?:" + NAME_PARTICLE + r"\s+){1,2}[" + UP + r"]", seq):
                add_tokens(s, seq, "field", strict=True)
                continue
            nxt = re.match(r"[^\W\d_](?:[^\W\d_]|['\-])*[ \t]+([" + UP + r"][^\W\d_]+)(?![\w'])", seq)
            if w[0].isupper() and (w in NAME_STOP or self.is_common(w)) and w.lower() not in FRAME_STOP and nxt \
                    and not self.is_common(nxt.group(1)) and not self._frame_stop_word(nxt.group(1)):
                # "Name: Date Hamsini": a word that is also a name, before a name no dictionary knows
                out.append(Candidate(s, s + nxt.end(1), "NAME", "field"))
                continue
            if not (w[0].isupper()) or w in NAME_STOP:
                continue
            if len(w) == 1 and re.match(r"[A-Z]\.?\s+(?:" + NAME_PARTICLE + r"\s+){0,2}[" + UP + r"][" + LO + r"]", seq):
                add_tokens(s, seq, "field", strict=True)
                continue
            if self.is_common(w) and not (w in lex.first_names or w in lex.surnames or w.isupper()):
                continue
            if w.isupper() and self.is_common(w) and w.capitalize() not in lex.first_names and w.capitalize() not in lex.surnames:
                continue
            add_tokens(s, seq, "field", strict=True)
        for m in self._relative_re.finditer(text):
            seq = m.group(1)
            w = seq.split()[0]
            if w in NAME_STOP or (self.is_common(w) and w not in lex.first_names):
                continue
            add_tokens(m.start(1), seq, "relative", strict=True)
        for m in CONTACT_RE.finditer(text):
            w = m.group(1).split()[0]
            if w not in NAME_STOP and not self.is_common(w):
                add_tokens(m.start(1), m.group(1), "contact", strict=True)
        for m in NAME_VERB_RE.finditer(text):
            words = [w for w in m.group(1).replace(",", " ").split() if not re.fullmatch(NAME_PARTICLE, w)]
            if any(w in NAME_STOP or w in lex.eponyms or (self.is_common(w) and fold(w) not in lex.first_names
                                                          and fold(w) not in lex.surnames) for w in words):
                continue
            if m.group(1) in lex.cities or any(w in MONTH_FULL for w in words):
                continue
            add_tokens(m.start(1), m.group(1), "name_verb", strict=True)
        for m in PAREN_RELATIVE_RE.finditer(text):
            w = m.group(1).split()[0]
            if w not in NAME_STOP and not (self.is_common(w) and w not in lex.first_names):
                add_tokens(m.start(1), m.group(1), "relative_paren", strict=True)
        for m in self._last_first_re.finditer(text):
            last, first = m.group(1), m.group(2)
            if last.isupper() and last.capitalize() not in lex.surnames:
                continue
            if last in MONTH_FULL or first in MONTH_FULL:
                continue
            if first.capitalize() in lex.first_names and (last.capitalize() in lex.surnames or not self.is_common(last)) \
                    and last not in NAME_STOP and not self.is_common(first):
                out.append(Candidate(m.start(1), m.end(1), "NAME", "last_first"))
                out.append(Candidate(m.start(2), m.end(), "NAME", "last_first"))
        for m in self._first_last_re.finditer(text):
            first, last = fold(m.group(1)), fold(m.group(2))
            if len(first) < 3 or first not in lex.first_names or first in NAME_STOP or last in NAME_STOP:
                continue
            if self.is_common(last) and last not in lex.surnames:
                continue
            if self.is_common(first) and (self.is_common(last) or last not in lex.surnames):
                continue
            if self.is_eponym_here(text, m.start(2), m.end(2)) or (first in lex.eponyms and last in lex.eponyms):
                continue
            if last in MONTH_FULL or first in MONTH_FULL or m.group(0) in lex.cities or m.group(0) in STATE_NAMES:
                continue
            out.append(Candidate(m.start(), m.end(), "NAME", "first_last"))
        # lone census names that are not English words (and not eponyms)
        for m in CAP_WORD_RE.finditer(text):
            w = m.group(0)
            if len(w) < 3 or w in NAME_STOP or self.is_common(w) or w in MONTH_FULL or w in STATE_NAMES:
                continue
            base = w.split("'")[0] if w.endswith("'s") else w
            folded = fold(base)
            if base in NAME_STOP or self.is_common(base):
                continue
            if folded in lex.first_names or (self.lone_surnames and folded in lex.surnames):
                if base in lex.cities and base not in lex.first_names:
                    continue  # the place rules own it
                if self.is_eponym_here(text, m.start(), m.start() + len(base)):
                    continue
                out.append(Candidate(m.start(), m.start() + len(base), "NAME", "name_list"))
        return out

    # ------------------------------------------------------------------ general frames
    def _frame_token_ok(self, word: str, *, capital_common: bool, person_field: bool = False) -> bool:
        """Whether one word after a contact/relation frame is taken as (part of) a name.

        Recall first: any word that is not a function word, a role or a department is a
        candidate; a capitalised English word only when ``capital_common`` (mid-sentence after
        the frame) or a census name; a lower-case English word only when it is a census name.
        """
        w = word.rstrip(".")
        low = w.lower()
        if len(w) == 1 and w.isupper() and word.endswith("."):
            return True  # an initial ("A.")
        if re.fullmatch(NAME_PARTICLE, w) and not w.isascii():
            return True  # "Ó" in "Fionnuala Ó Moithide"
        if w in NAME_STOP and (capital_common or person_field) and w in self.lex.first_names and w.istitle():
            return True  # "Emergency contact: Christian Lopez" (a religion elsewhere)
        if not w or low in FRAME_STOP or w in NAME_STOP or w in DEPARTMENT_WORDS or re.fullmatch(CREDENTIALS, word):
            return False
        if w in MONTH_FULL or w.capitalize() in MONTH_FULL or low.capitalize() in {
                "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}:
            return False
        if w in STATE_NAMES or w in NOT_PLACES:
            return False
        listed = fold(w).capitalize() in self.lex.first_names or fold(w).capitalize() in self.lex.surnames
        words = self.lex.english
        common = low in words or low in self.lex.clinical or ("-" in low and all(p in words or p in self.lex.clinical
                                                                                  for p in low.split("-") if p))
        if len(w) == 1:
            return w.isupper()  # an initial
        if w.isupper() and not listed and w.isascii() and (len(w) <= 3 or not re.search(r"[AEIOUY]", fold(w))) and not (
                person_field and len(w) >= 2 and re.search(r"[AEIOUY]", fold(w))):
            return False  # "EMS", "PCP", "XYZ", "XXXX": abbreviations and placeholders
        if w[0].isupper():
            return listed or not common or capital_common
        # lower case: a surname that is also a word ("day") is not taken; in a strong frame a
        # lower-case first name is ("my wife john")
        return not common or (capital_common and fold(w).capitalize() in self.lex.first_names)

    @staticmethod
    def _frame_stop_word(word: str) -> bool:
        return word.lower() in FRAME_STOP or word in NAME_STOP or word in DEPARTMENT_WORDS

    def _slot_word_ok(self, word: str, strict: bool = False) -> bool:
        """A word in a slot that only a person fills ("call X back", "X (wife)", "hi its X,", "Attn: X"):
        any word but a function word, a role, a service or department, a month or weekday, a place or an
        inflected verb ("visited", "agreeing"); when the slot is closed only weakly (the clause or the
        field ends: ``strict``) not an English word that clinical vocabularies use either ("mouth")."""
        w = word.rstrip(".")
        low = w.lower()
        if len(w) == 1 and w.isupper():
            return word.endswith(".") or w not in "AI"  # an initial (not the article "A")
        if not w or (low in FRAME_STOP and low not in SOFT_STOP) or low in SERVICE_NOUNS or re.fullmatch(CREDENTIALS, word):
            return False
        cap = low.capitalize()
        listed = fold(cap) in self.lex.first_names or fold(cap) in self.lex.surnames
        if cap in DEPARTMENT_WORDS or (len(w) > 3 and _is_specialty(cap)) or cap in WEEKDAYS \
                or (cap in MONTH_FULL and cap not in self.lex.first_names):  # "April", "May", "June" are given names too
            return False
        if w in STATE_NAMES or cap in NOT_PLACES or cap in STATE_NAMES:
            return False
        if w in NAME_STOP and fold(cap) not in self.lex.first_names and fold(cap) not in self.lex.common_surnames:
            return False  # "Spanish", "Doctor" (but "English, Daniel", "Golden")
        if strict and low in self.lex.clinical_english and fold(cap) not in self.lex.first_names \
                and fold(cap) not in self.lex.common_surnames:
            return False  # (88,799 census surnames hold "Fall" and "Risk": only the frequent ones count here)
        if w.isupper() and len(w) <= 3 and not listed and w.isascii():
            return False  # "EMS", "PCP" (but "DHÉ", "LÊ")
        if listed or low not in self.lex.english:
            return True
        # an inflected English word is a verb or a plural ("visited", "agreeing", "questions"), not a name
        return not (re.search(r"(?:ed|ing|ly)$", low) or (low.endswith("s") and low[:-1] in self.lex.english))

    def _particle_here(self, seq: str, t: re.Match[str]) -> bool:
        """A name particle inside a name group: the next word is capitalised or no English word
        ("Mac an Airchinnigh", "a Búrc"; not "heard a loud noise")."""
        if not re.fullmatch(_FRAME_PARTICLE, t.group(0)):
            return False
        nxt = re.match(r"[ \t]+(" + _NW + ")", seq[t.end():])
        return bool(nxt) and (nxt.group(1)[:1].isupper() or not self.is_common(nxt.group(1)))

    def _slot_end(self, text: str, start: int, seq: str, end_re: re.Pattern[str], *,
                  strong: bool = False) -> tuple[int, bool] | None:
        """(length, weakly closed) of the leading words of ``seq`` (at ``start``) that ``end_re`` closes
        right after them (``None`` if no group of up to four words is closed): the words fill a person slot."""
        toks = list(re.finditer(_NW + r"\.?", seq))
        for n, t in enumerate(toks[:4]):
            end = end_re.match(text, start + t.end() - (1 if t.group(0).endswith(".") and len(t.group(0)) > 2 else 0))
            if end is not None:
                weak = not strong and "weak" in end_re.groupindex and end.group("weak") is not None
                ok = all(self._slot_word_ok(u.group(0), strict=weak) or (j and self._particle_here(seq, u))
                         for j, u in enumerate(toks[:n + 1]))
                return (t.end(), weak) if ok else None
        return None

    def _frame_seq(self, text: str, start: int, seq: str, source: str, *, capital_common: bool,
                   any_word: bool = False, person_field: bool = False, slot: int | None = None) -> Iterator[Candidate]:
        """Name candidates for the leading words of ``seq`` that pass :meth:`_frame_token_ok`
        (``any_word``: every word that is not a function word, role or department; ``slot``: the
        leading characters of ``seq`` are a slot only a person fills, see :meth:`_slot_word_ok`)."""
        toks = list(re.finditer(_NW + r"\.?", seq))
        words = [t.group(0).rstrip(".") for t in toks]

        def unknown(j: int) -> bool:  # a word no dictionary knows, in a place a name may stand
            return 0 <= j < len(words) and not self._frame_stop_word(words[j]) and not self.is_common(words[j]) \
                and not (words[j].isupper() and len(words[j]) <= 3)

        for i, t in enumerate(toks):
            if 0 < i < len(toks) - 1 and self._particle_here(seq, t):
                pass  # "Garrett Mac an Airchinnigh", "MAC AN TSAOI Isobel"
            elif slot is not None and t.end() <= slot[0] and self._slot_word_ok(t.group(0), strict=slot[1]):
                pass
            elif any_word and not self._frame_stop_word(words[i]) and not re.fullmatch(CREDENTIALS, t.group(0)) and (
                    unknown(i) or unknown(i - 1) or unknown(i + 1)):
                pass  # a signature line: "taro sasaki, MD" (but not "Fall precautions, PT")
            elif not self._frame_token_ok(t.group(0), capital_common=capital_common,
                                          person_field=person_field or (i + 1 < len(words) and unknown(i + 1))):
                w = words[i]
                nxt = words[i + 1] if i + 1 < len(words) else ""
                prev = words[i - 1] if i else ""
                plain = w.lower() not in FRAME_STOP and w not in NAME_STOP and w not in DEPARTMENT_WORDS \
                    and w not in MONTH_FULL and not re.fullmatch(CREDENTIALS, w)
                if not plain or not (
                        (w[0].isupper() and nxt in self.lex.first_names and not self.is_common(nxt))   # "WARD Sandra"
                        or (i and fold(prev).capitalize() in self.lex.first_names and not self._frame_stop_word(prev))  # "lois hills"
                        # in a strong frame a word next to an unknown one is part of the same name ("gun nilsson",
                        # "abuzar bilge")
                        or (capital_common and (unknown(i - 1) or unknown(i + 1)) and not w.isupper()
                            and (person_field or w.lower() not in self.lex.clinical_english))  # not "Epstein-Barr virus"
                        # a capitalised word known only as a clinical term, next to an unknown name word
                        or (w[0].isupper() and w.lower() not in self.lex.english and not (w.isupper() and len(w) <= 3)
                            and (unknown(i - 1) or unknown(i + 1)))):
                    break
            if re.match(r"\s+(?i:" + EPONYM_NOUNS.pattern[1:] + ")", seq[t.end():t.end() + 30]) and t.group(0) in self.lex.eponyms:
                break
            word = t.group(0)
            keep = len(word) if len(word.rstrip(".")) == 1 else len(word.rstrip("."))
            yield Candidate(start + t.start(), start + t.start() + keep, "NAME", source)
            if word.endswith(".") and len(word) > 2:
                break  # "signed by RAI Gaurangi. Tolerating": the sentence ends

    def _and_name(self, text: str, got: list[Candidate]) -> Iterator[Candidate]:
        """"with Marina Škoda and Emanoil": a capitalised name joined to a name found in a frame."""
        if got:
            m = re.match(r"[ \t]+(?:and|&)[ \t]+(?:(?:his|her|their)\s+\w+\s+)?" + _NAME_SEQ, text[got[-1].end:])
            if m:
                start = got[-1].end + m.start(1)
                yield from self._frame_seq(text, start, m.group(1), "contact_frame", capital_common=True,
                                           slot=self._slot_end(text, start, m.group(1), SLOT_END_RELATION))  # "... and taro."

    def _frame_names(self, text: str) -> Iterator[Candidate]:
        for m in _triggered(CONTACT_FRAME_RE, text, CONTACT_TRIGGERS):
            verb_start = m.start()
            after = text[m.end(1):m.end(1) + 40]
            intro = re.match(r"(?i)(?:its|it's|this\s+is)\b", m.group(0))
            greeting = bool(intro) and GREETING_RE.search(text[max(0, m.start() - 25):m.start()]) is not None
            if re.match(r"(?i)(?:its|it's|this\s+is|per)\b", m.group(0)) and not m.group(1)[:1].isupper() \
                    and not after.startswith(",") and not re.match(r"\S+,", m.group(1)) and not greeting:
                continue  # "its distal edge", "this is reflux", "per nasogastric tube" (but "hi its juliet,")
            if greeting:
                slot = self._slot_end(text, m.start(1), m.group(1), SLOT_END_COMMA)  # "hi its nana ama, ..."
            elif intro or not re.match(r"(?i)(?:call|phon|contact|tell|told|notif|updat|text|e-?mail|pag|remind|spoke|speak|"
                                       r"talk|met|meet|confer|discuss|review|voice|vm|message|msg|left|accompan|signed|taken|"
                                       r"written|entered|recorded|witness|interpret|translat|brought|driven|referred|sent|"
                                       r"handed|lives|living|ok)", m.group(0)):
                slot = None  # "per X", a role ("attending X"): no slot
            else:
                related = re.search(r"(?i)\b(?:" + RELATIVE + r"|[\w]+-in-law|grand\w+|step\w+)\b", text[m.start():m.start(1)])
                slot = self._slot_end(text, m.start(1), m.group(1), SLOT_END_RELATION if related else SLOT_END_CONTACT)
            line_start = verb_start == 0 or text[verb_start - 1] == "\n" or re.search(r"[.!?:]\s*$", text[max(0, verb_start - 3):verb_start])
            bare_verb = not re.search(r"(?i)\b(?:with|to|by|for|from|per)[ \t:]*(?:(?:his|her|their|my)\s+)?(?:[\w\-]+[ \t,]+)?$",
                                      text[m.start():m.start(1)])
            strong_after = re.match(r"(?:\S+[ \t]+){0,2}?\S+(?:[ \t]+(?:back\b|at[ \t]+[\d(+]|on[ \t]+(?:her|his|their|the)?[ \t]*"
                                    r"(?:cell|phone|mobile)|if\b|the\s+results|about\b|re:|regarding\b|"
                                    r"to\s+(?:confirm|discuss|schedule|let|ask))|,)", text[m.start(1):m.start(1) + 60])
            got = list(self._frame_seq(text, m.start(1), m.group(1), "contact_frame",
                                       capital_common=not (line_start and bare_verb) or bool(strong_after), slot=slot))
            yield from got
            yield from self._and_name(text, got)
        for m in _triggered(RELATION_FRAME_RE, text, RELATION_TRIGGERS):
            if re.search(r"(?i)\b(?:is|was)\s+$", text[m.start():m.start(1)]) and not m.group(1)[:1].isupper():
                continue  # "the child was undraped"
            determiner = re.search(r"(?i:\b(?:his|her|their|my|our|patient's|pt's)\s+(?:[\w'\-]+\s+){0,4}(?:and|&)\s+|"
                                   r"\b(?:his|her|their|my|our|patient's|pt's)\s+)$", text[max(0, m.start() - 50):m.start()])
            colon = ":" in text[m.start():m.start(1)]
            slot = self._slot_end(text, m.start(1), m.group(1), SLOT_END_RELATION if determiner else SLOT_END_LIST) \
                if determiner or colon else None  # "my sister gun.", "her daughter forum and grandson", "aunt: gang, cell ..."
            got = list(self._frame_seq(text, m.start(1), m.group(1), "relation_frame", capital_common=bool(determiner) or colon,
                                       slot=slot))
            yield from got
            yield from self._and_name(text, got)
        for m in LETTER_FIELD_RE.finditer(text):
            g = 1 if m.group(1) is not None else 2
            field = text[m.start():m.start(g)].strip(" \t:|").lower()
            person = not re.match(r"(?:re|regarding|to|for)\b", field)  # "From:", "cc:", "Dear", "Caller:" name a person
            if re.match(r"(?:re|regarding)\b", field) and (
                    re.match(r"[" + UP + r"][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*,[ \t]+[" + UP + r"]", m.group(g))
                    or CAPS_FIRST_RE.match(m.group(g))
                    or re.match(r"(?:\S+[ \t]){1,3}[ \t]+(?:DOB|D\.O\.B|MRN|born)\b", text[m.start(g):m.start(g) + 80])):
                person = True  # "Re: Fehér, Edit", "Re: CONTRACTOR Zinal", "Re: Sjölander Per   DOB ...": the letter's patient
            # a field that names a person ("From:", "cc:", "Caller:", not "Patient:") closes its slot strongly
            slot = self._slot_end(text, m.start(g), m.group(g), SLOT_END_FIELD, strong=not re.match(
                r"(?:patient|pt|name|informant|employer|guarantor|insured|subscriber)\b", field)) if person else None
            yield from self._frame_seq(text, m.start(g), m.group(g), "letter_field", capital_common=person, person_field=person,
                                       slot=slot)
        for m in _ending_at(NAME_CRED_RE, text, CRED_ANCHOR_RE, 70):
            at_line_start = m.start(1) == 0 or text[m.start(1) - 1] == "\n"
            # a signature line ("lei mo, MD" alone on its line) is a person slot; weakly closed: not "Fall risk, PT"
            slot = (len(m.group(1)), True) if at_line_start and re.match(r"[ \t]*(?:\n|$|\|)", text[m.end():]) and all(
                self._slot_word_ok(w, strict=True) or re.fullmatch(_FRAME_PARTICLE, w) for w in re.findall(_NW + r"\.?", m.group(1))) \
                else None
            cands = list(self._frame_seq(text, m.start(1), m.group(1), "name_credential", capital_common=at_line_start,
                                         any_word=at_line_start, slot=slot))
            if len(cands) >= 2 and cands[-1].end == m.end(1):
                yield from cands
        for m in _every_start(NAME_RELATION_RE, text):
            slot = (len(m.group(1)), False) if all(self._slot_word_ok(w) or re.fullmatch(_FRAME_PARTICLE, w)
                                                   for w in re.findall(_NW + r"\.?", m.group(1))) else None
            cands = list(self._frame_seq(text, m.start(1), m.group(1), "name_relation", capital_common=True, slot=slot))
            if cands and cands[-1].end == m.end(1) - (len(m.group(1)) - len(m.group(1).rstrip("."))):
                yield from cands  # every word of the group is a name word
        for m in PERSON_START_RE.finditer(text):
            words = [w.rstrip(",") for w in m.group(1).split() if not re.fullmatch(_FRAME_PARTICLE, w)]
            listed = [fold(w).capitalize() in self.lex.first_names or fold(w).capitalize() in self.lex.surnames for w in words]
            bad = [w in DEPARTMENT_WORDS or _is_specialty(w) or w.lower() in FRAME_STOP or w in NOT_PLACES or w in STATE_NAMES
                   or w in WEEKDAYS or (w in NAME_STOP and not lst) or (w in MONTH_FULL and w not in self.lex.first_names)
                   for w, lst in zip(words, listed)]
            unknown = [not self.is_common(w) and not b for w, b in zip(words, bad)]
            comma = "," in m.group(1)
            # every word a name word; at least one no dictionary knows, or all of them listed names
            if not any(bad) and (any(unknown) or all(listed) or (comma and any(listed))):
                yield Candidate(m.start(1), m.end(1), "NAME", "person_start")
        for m in CAPS_FIRST_RE.finditer(text):
            caps, given = m.group(1).split()[-1], m.group(2)
            if (self.is_common(caps) and given not in self.lex.first_names) or caps in NAME_STOP or given in NAME_STOP \
                    or given in DEPARTMENT_WORDS or not re.search(r"[AEIOUY]", fold(caps).upper() or caps) \
                    or (len(caps) <= 3 and not PERSON_VERB_AFTER_RE.match(text, m.end())):
                continue  # "MRI Brain", "CT Head": abbreviations
            in_lists = fold(caps).capitalize() in self.lex.surnames or fold(given) in self.lex.first_names
            foreign = not given.isascii() or not caps.isascii()
            person_verb = PERSON_VERB_AFTER_RE.match(text, m.end())
            if (in_lists or foreign or person_verb) and not (self.is_common(given) and given not in self.lex.first_names) \
                    and given not in MONTH_FULL and given not in STATE_NAMES:
                yield Candidate(m.start(1), m.end(2), "NAME", "caps_first")
        for m in COMMA_FIRST_RE.finditer(text):
            last, first = m.group(1).split()[-1], m.group(2)
            words = (last, first)
            if any(self.is_common(w) or w in NAME_STOP or w in DEPARTMENT_WORDS or w in STATE_NAMES or w in NOT_PLACES
                   or w in MONTH_FULL or w in self.lex.eponyms or w in self.lex.cities for w in words):
                continue
            if fold(first) in self.lex.first_names or fold(last) in self.lex.surnames or not (last + first).isascii() \
                    or PERSON_VERB_AFTER_RE.match(text, m.end()):
                yield Candidate(m.start(1), m.end(), "NAME", "comma_first")

    def _surname_lead(self, words: list[str]) -> bool:
        """A facility named after a frequent surname that is also a department word ("Day Rehabilitation
        Center", "West Sleep Lab")."""
        return bool(words) and words[0] in self.lex.common_surnames and not SPECIALTY_SUFFIX_RE.search(words[0])

    def _frame_places_ages(self, text: str) -> Iterator[Candidate]:
        for rx in AGE_FRAME_RES if AGE_NUMBER_RE.search(text) else ():
            for m in rx.finditer(text):
                before = re.split(r"[.;]\s|\n|\|", text[max(0, m.start(1) - 30):m.start(1)])[-1]
                if re.search(r"(?i)\b(?:rate|pulse|hr|bp|pressure|sat|sats|saturation|spo2|o2|oxygen|temp|temperature|"
                             r"glucose|sugar|weight|wt|level|score|count|volume|flexion|extension|degrees|systolic|"
                             r"diastolic|map|rr|iq|percentile|mmhg|ef|fev1)\b", before):
                    continue
                yield Candidate(m.start(1), m.end(1), "AGE", "age_frame")
        for rx in ADDRESS2_RES:
            for m in rx.finditer(text):
                yield Candidate(m.start(), m.end(), "ADDRESS", "address_general")
                town = ADDRESS_TOWN_RE.match(text, m.end())
                if town:
                    yield Candidate(town.start(1), town.end(1), "LOCATION", "address_town")
        for m in _ending_at(TOWN_ZIP_RE, text, ZIP_ANCHOR_RE, 80):
            words = re.findall(r"[^\W\d_][^\s\-]*", m.group(1))
            if not words or any(w.rstrip(".") in NAME_STOP or w in ZIP_STOP or (w in DEPARTMENT_WORDS and w not in PLACE_PREFIXES
                                                                                 and w not in {"North", "South", "East", "West", "Central"})
                                for w in words[:1] + words[-1:]):
                continue
            if m.group(1) in STATE_NAMES or m.group(1).isupper():
                continue
            if text[max(0, m.start() - 2):m.start()] in {". ", "; "} and not re.search(r"[A-Z]{2}\.?[ \t]+\d{5}", m.group(0)):
                continue  # after a sentence only "Town, ST 12345"
            yield Candidate(m.start(1), m.end(1), "LOCATION", "town_zip")
            z = re.search(r"\d{5}(?:-\d{4})?$", m.group(0))
            yield Candidate(m.start() + z.start(), m.end(), "ZIP", "town_zip")
        for m in RESIDENCE_RE.finditer(text):
            phrase = m.group(1)
            start = m.start(1)
            if phrase.lower().startswith("the "):
                start += 4
                phrase = phrase[4:]
            words = phrase.split()
            if not words or (words[0] in NAME_STOP and not re.search(r"(?i)\b(?:county|parish|borough|township)$", phrase)
                             and not (len(words) > 1 and words[1][:1].isupper() and words[1] not in NAME_STOP
                                      and words[1] not in DEPARTMENT_WORDS)) \
                    or words[0] in DEPARTMENT_WORDS or words[0] in MONTH_FULL:
                continue
            if phrase in STATE_NAMES or words[0] in NOT_PLACES or phrase in NOT_PLACES or phrase in {"United States", "US", "USA", "U.S."}:
                continue
            if (len(words) == 1 and words[0].isupper() and phrase not in self.lex.cities) or re.match(
                    r"\s+(?:facility|hospital|clinic|center|centre|unit|office|home|house|hotel|area)\b", text[m.end(1):m.end(1) + 12]):
                continue
            yield Candidate(start, m.end(1), "LOCATION", "residence")
        for m in _ending_at(FACILITY2_RE, text, FACILITY_HEAD_RE, 110):
            toks = list(re.finditer(r"\S+", m.group(1)))
            # the name is the run of capitalised words (and particles, "iKapa", "Old Mill district") just
            # before the head noun
            k = len(toks)
            while k > 0 and (_cap_like(toks[k - 1].group(0)) or toks[k - 1].group(0) in _PLACE_PARTICLE_SET
                             or (toks[k - 1].group(0) in PLACE_NOUNS_LOWER and k > 1 and _cap_like(toks[k - 2].group(0)))):
                k -= 1
            while k < len(toks) and (toks[k].group(0).lower() in FACILITY_LEAD_STOP or toks[k].group(0) in {"Left", "Right", "Bilateral"}
                                     or not (_cap_like(toks[k].group(0)) or (toks[k].group(0) in _PLACE_PARTICLE_SET
                                                                            and k + 1 < len(toks) and _cap_like(toks[k + 1].group(0))))):
                k += 1
            words = [t.group(0) for t in toks[k:]]
            s = m.start(1) + toks[k].start() if words else m.end(1)
            if not words:
                continue
            core = [w.rstrip(".") for w in words]
            if any(not (_cap_like(w) or w.lower() in _PLACE_PARTICLE_SET or w in PLACE_NOUNS_LOWER) for w in core):
                continue
            dept = [w in DEPARTMENT_WORDS or w in NAME_STOP or w.replace("'s", "") in DEPARTMENT_WORDS for w in core]
            # "the Flats Sleep Lab", "Split Dialysis Unit", "West Sleep Lab": a kind of facility (a department word
            # before the head noun) makes the capitalised words before it the facility's name, English words or not
            kind = len(core) >= 2 and dept[-1] and (not dept[0] or (self._surname_lead(core) and core[0] not in MONTH_FULL)) \
                and not re.match(r"[ \t]+[A-Z]", text[m.end():m.end() + 3]) \
                and not any(re.search(ADJECTIVE_SUFFIX, w) and self.is_common(w) for w, d in zip(core, dept) if not d)
            if all(dept) and not kind:
                continue
            if core[0] in MONTH_FULL:
                continue
            named = core[:1] if self._surname_lead(core) else []
            named += [w for w in core if w not in DEPARTMENT_WORDS and w.replace("'s", "") not in DEPARTMENT_WORDS and not _is_specialty(w)
                     and not any(part in DEPARTMENT_WORDS for part in w.split("-"))]
            if len(named) <= 1 and not kind and all(self.is_common(w) and w not in self.lex.surnames for w in named):
                continue
            if all(w.isupper() and len(w) <= 4 for w in named):
                continue  # "XYZ Health", "ABC Hospital": placeholders, abbreviations
            yield Candidate(s, m.end(), "FACILITY", "facility_general")

    def _propagate(self, text: str, names: list[Candidate]) -> Iterator[Candidate]:
        seen: set[str] = set()
        for c in names:
            for w in re.findall(r"[^\W\d_](?:[^\W\d_]|['\-])+", text[c.start:c.end]):
                if len(w) < 2 or w in seen or w in NAME_STOP or w.lower() in {"and", "or", "the", "of"}:
                    continue
                seen.add(w)
        for w in seen:
            # a word found as a name in context is a name everywhere in the note, unless it is an
            # ordinary English word that is not also a census name ("Mr. Brown" vs "brown")
            common = self.is_common(w) and not (w in self.lex.first_names or w in self.lex.surnames)
            variants = {w, w.upper(), w.capitalize()}
            rx = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, variants)) + r")(?![\w])")
            for m in rx.finditer(text):
                if self.is_eponym_here(text, m.start(), m.end()):
                    continue
                if common:
                    before = text[max(0, m.start() - 2):m.start()]
                    if not re.fullmatch(r"[a-z,;] ", before) and not re.search(TITLE + r"\.?\s$", text[max(0, m.start() - 6):m.start()]):
                        continue
                    if m.group(0).isupper() and m.group(0) != w:
                        continue
                yield Candidate(m.start(), m.end(), "NAME", "propagated")


# ------------------------------------------------------------------------------------- merging
#: sources whose NAME votes yield to a place found by the place rules ("Ann" in "Ann Arbor")
WEAK_NAME_SOURCES = {"name_list", "propagated", "first_last"}


def _rank(c: Candidate) -> int:
    if c.label == "NAME" and c.source in WEAK_NAME_SOURCES:
        return PRIORITY["LOCATION"] - 1
    if c.label == "DATE" and c.source == "date_month":
        return PRIORITY["NAME"] - 1  # a month name alone that a name rule took is a given name ("April E. Jacobs")
    return PRIORITY[c.label]


def merge(cands: Iterable[Candidate], text: str) -> list[Candidate]:
    """Merge overlapping candidates; the merged span takes the label of the highest priority."""
    items = sorted((c for c in cands if c.end > c.start), key=lambda c: (c.start, -c.end))
    merged: list[Candidate] = []
    for c in items:
        if merged and c.start < merged[-1].end:
            last = merged[-1]
            best = last if _rank(last) >= _rank(c) else c
            merged[-1] = Candidate(last.start, max(last.end, c.end), best.label, best.source)
        else:
            merged.append(c)
    # join NAME pieces separated only by a space or ", " ("John" + "Smith" -> one span)
    out: list[Candidate] = []
    for c in merged:
        if out and out[-1].label == c.label == "NAME" and re.fullmatch(r"[ \t]|,[ \t]|\.[ \t]|[ \t][A-Z]\.[ \t]|[ \t][A-Z][ \t]", text[out[-1].end:c.start]):
            out[-1] = Candidate(out[-1].start, c.end, "NAME", out[-1].source)
        else:
            out.append(c)
    # strip whitespace/punctuation at the edges
    final = []
    for c in out:
        s, e = c.start, c.end
        while s < e and text[s] in " \t\n,;:":
            s += 1
        while e > s and text[e - 1] in " \t\n,;:":
            e -= 1
        if e > s:
            final.append(Candidate(s, e, c.label, c.source))
    return final
