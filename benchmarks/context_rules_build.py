"""Generates nlp_pipeline/resources/clinlabel_context_rules.json (run from the project root).

The rules live here as Python so that token patterns stay readable; the JSON (medSpaCy ConTextRule
format) is what ships and loads.  Rerun after editing: `.venv/bin/python benchmarks/context_rules_build.py`.
"""
import json

L = lambda *xs: {"LOWER": {"IN": list(xs)}}
OPT = lambda *xs: {"LOWER": {"IN": list(xs)}, "OP": "?"}
BE = ["is", "are", "was", "were", "be", "been", "has", "have", "had"]
RELATIVES = ["mother", "father", "mom", "dad", "sister", "brother", "sibling", "siblings", "aunt", "uncle",
             "grandmother", "grandfather", "grandparent", "grandparents", "cousin", "cousins", "parent", "parents",
             "son", "daughter", "sons", "daughters", "brothers", "sisters", "aunts", "uncles", "niece", "nephew",
             "grandson", "granddaughter", "maternal", "paternal"]
NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|several|few|many|couple\s+of)"
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

R = []


def rule(literal, category, direction, pattern=None, why="", max_scope=None, terminates=None, requires=None):
    r = {"literal": literal, "category": category, "direction": direction, "pattern": pattern}
    if max_scope:
        r["max_scope"] = max_scope
    meta = {"why": why}
    if terminates:
        meta["terminates"] = terminates
    if requires:  # regex rules: one of these lower-case strings must be in the sentence (speed)
        meta["requires"] = requires
    r["metadata"] = meta
    R.append(r)


NEG, HIST, HYP, FAM, POSS = "NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY", "POSSIBLE_EXISTENCE"

# ---------------------------------------------------------------- negation
rule("-ve for", NEG, "FORWARD", [{"ORTH": "-ve"}, {"LOWER": "for"}], "shorthand of 'negative for' (NegEx 'negative for')")
rule("-ve for", NEG, "FORWARD", [{"ORTH": "-"}, {"LOWER": "ve"}, {"LOWER": "for"}], "'-ve for' as the tokenizer splits it")
rule("is negative", NEG, "BACKWARD", [L("is", "are", "was", "were", "came", "come", "returned"), OPT("back"), {"LOWER": "negative"}],
     "post-trigger: 'the culture was negative' (NegEx POST 'negative'; medSpaCy only has 'was negative')")
rule("is not seen", NEG, "BACKWARD",
     [OPT("is", "are", "was", "were"), {"LOWER": "not"}, OPT("be", "been"),
      L("seen", "identified", "visualized", "visualised", "appreciated", "demonstrated", "detected", "evident", "present", "found")],
     "post-trigger of radiology/exam findings: 'effusion is not seen / not identified' (NegEx POST 'not seen')")
rule("is absent", NEG, "BACKWARD", [L("is", "are", "was", "were"), L("absent", "excluded")],
     "post-trigger: 'pulses are absent', 'malignancy was excluded' (NegEx POST 'is absent')")
rule("were ruled out", NEG, "BACKWARD", [L("were", "have", "had"), OPT("been"), {"LOWER": "ruled"}, {"LOWER": "out"}],
     "post-trigger forms medSpaCy lacks: 'were / have been / had been ruled out' (NegEx POST)")
rule("resolved", NEG, "BIDIRECTIONAL", [OPT("has", "have", "had", "now", "since", "subsequently", "completely"), {"LOWER": "resolved"}],
     "'his nausea and vomiting resolved' is a post-trigger as often as 'resolved pneumonia' is a pre-trigger "
     "(NegEx POST 'resolved'; replaces medSpaCy's FORWARD-only 'resolved')", max_scope=8)
rule(": no (end)", NEG, "BACKWARD", r"[:\-]\s*(?:no|none|negative|absent|denie[sd])\b(?=\s*(?:[.;,]|$))",
     "'Fever: no.' / 'ALLERGIES - NONE.' as a post-trigger only when the answer ends the item; replaces medSpaCy's "
     "': no' / ': none' which also swallowed the forward 'no' of 'Extremities: No clubbing'", requires=[':', '-'])
rule("denies", NEG, "FORWARD", [L("denies", "denied", "denying"), OPT("any", "all", "having", "ever", "history", "hx")],
     "inflected forms of medSpaCy's 'deny' with the objects that follow them")
# pseudo-negations (NegEx PSEU list): longer than the trigger they contain, so they hide it
rule("no change", NEG, "PSEUDO",
     [{"LOWER": "no"}, {"LOWER": {"IN": ["significant", "suspicious", "definite", "interval", "appreciable", "substantial", "new"]}, "OP": "*"},
      L("increase", "increased", "enlargement", "progression", "growth")],
     "'no interval increase / progression of the nodule' does not deny the nodule (NegEx PSEU 'no increase')")
rule("no interval change", NEG, "PSEUDO",
     [{"LOWER": "no"}, {"LOWER": {"IN": ["significant", "suspicious", "definite", "interval", "appreciable", "substantial"]}, "OP": "+"},
      L("change", "changes")],
     "'no significant / interval change in the effusion' (NegEx PSEU); a bare 'no change in vision, diplopia' "
     "stays a negation, as review-of-systems lists use it")
rule("not only", NEG, "PSEUDO", [L("not", "n't"), L("only", "necessarily", "extend", "cause", "drain", "certain")],
     "'not only X but Y', 'did not extend to', 'not certain if' (NegEx PSEU)")
rule("gram negative", NEG, "PSEUDO", [{"LOWER": "gram"}, {"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": ["negative", "positive"]}}],
     "'gram negative rods' is an organism class, not a negation (NegEx PSEU)")
rule("without difficulty", NEG, "PSEUDO",
     [{"LOWER": {"IN": ["with", "without"]}}, OPT("and"), OPT("without"), OPT("iv", "intravenous", "oral"),
      L("contrast", "difficulty", "incident")],
     "'CT without contrast', 'tolerated without difficulty' (NegEx PSEU 'without difficulty', 'without contrast')")
rule("not ruled out", POSS, "BACKWARD", [OPT("has", "have", "had", "was", "were", "is", "are"), {"LOWER": "not"}, OPT("been", "be"), {"LOWER": "ruled"}, {"LOWER": "out"}],
     "pseudo-negation: 'not ruled out' leaves the condition possible, it must not fire the NEGATED 'ruled out'")
rule("positive for", NEG, "TERMINATE", [L("positive", "significant", "remarkable", "notable"), L("for")],
     "'negative for flu, positive for RSV': a positive finding ends the negation scope", terminates=[NEG])
rule("which", NEG, "TERMINATE", [L("which", "whereas", "otherwise")],
     "relative and contrast clauses end a negation, conditional, relative or hedge ('no pneumonia, which was "
     "suspected on x-ray'; ConText hypothetical/experiencer CONJ 'which'); a history goes on ('history of MI "
     "which was stented')", terminates=[NEG, HYP, FAM, POSS])
rule("other than", NEG, "TERMINATE", [L("other", "besides"), OPT("than")],
     "'no complaints other than back pain' (NegEx CONJ 'aside from', 'except')", terminates=[NEG])

# ---------------------------------------------------------------- uncertainty
rule("evaluate for", POSS, "FORWARD", [OPT("to"), L("evaluate", "evaluated", "evaluation", "assess", "exclude", "investigate"), L("for")],
     "'Dopplers to evaluate for DVT' is a question, not a negation (replaces medSpaCy's NEGATED 'evaluate for')")
rule("questionable", POSS, "FORWARD", [L("questionable", "question", "probable", "suspected", "presumed", "presumably", "possibly", "suspect", "?")],
     "hedges medSpaCy lacks ('questionable PE', 'suspected pneumonia')", max_scope=6)
rule("cannot be excluded", POSS, "BACKWARD", [L("cannot", "can't", "not"), OPT("be"), L("excluded", "ruled")],
     "'pneumonia cannot be excluded' leaves it possible", max_scope=10)

# ---------------------------------------------------------------- historical
rule("status post", HIST, "FORWARD", [L("status", "stat"), {"ORTH": "-", "OP": "?"}, {"LOWER": "post"}],
     "'status post CABG' is a past procedure (ConText history list)")
rule("s/p", HIST, "FORWARD", [L("s/p", "s.p.", "s/p.")], "abbreviation of 'status post'")
rule("s / p", HIST, "FORWARD", [{"LOWER": "s"}, {"ORTH": "/"}, {"LOWER": "p"}], "'s/p' as spaCy's tokenizer splits it")
rule("previous", HIST, "FORWARD",
     [L("previous", "previously", "prior", "former", "formerly", "remote", "past", "known", "longstanding", "long-standing", "quit", "stopped")],
     "past-time adjectives in front of a finding: 'previous MI', 'old rib fracture', 'known CAD', 'quit smoking'",
     max_scope=4)
rule("old", HIST, "FORWARD",
     r"(?<![-\w])(?<!years )(?<!year )(?<!months )(?<!month )(?<!weeks )(?<!days )(?<!how )old\b(?!\s*-)",
     "'old infarct', 'an old rib fracture' (but not '70-year-old man', '3 years old')", max_scope=4, requires=['old'])
rule("long history of", HIST, "FORWARD", [L("long", "longstanding", "long-standing", "lifelong", "remote", "distant", "significant", "extensive"), L("history", "hx"), OPT("of")],
     "emphatic history phrases")
rule("in the past", HIST, "BIDIRECTIONAL",
     [L("in", "during"), {"LOWER": "the"}, OPT("distant", "remote", "recent"), {"LOWER": "past"}],
     "'had X in the past' / 'In the past, she tried Y'", max_scope=10)
rule("as a child", HIST, "BIDIRECTIONAL", [L("as"), L("a", "an"), L("child", "infant", "teenager", "youth", "adolescent", "baby", "kid")],
     "childhood events are historical", max_scope=10)
rule("in childhood", HIST, "BIDIRECTIONAL", [L("in", "during", "since"), L("childhood", "infancy", "youth", "adolescence")],
     "childhood events are historical", max_scope=10)
rule("in 2009", HIST, "BIDIRECTIONAL",
     rf"\b(?:in|since|during|back\s+in)\s+(?:(?:early|late|mid)[\s-]+)?(?:{MONTH}\s+(?:\d{{1,2}},?\s+)?)?(?:19|20)\d\d'?s?\b",
     "a past year ('in 2009', 'since March 2005') dates the finding (temporal expression)", max_scope=10, requires=['19', '20'])
rule("two years ago", HIST, "BIDIRECTIONAL",
     rf"\b{NUM}(?:\s*-\s*|\s+)(?:years?|yrs?|months?|decades?)(?:\s*-\s*|\s+)ago\b",
     "'two years ago', 'several months ago' (temporal expression; weeks/days stay recent, ConText's 14-day rule)",
     max_scope=10, requires=['ago'])
rule("years of", HIST, "FORWARD", rf"\b{NUM}(?:\s*-\s*|\s+)(?:years?|yrs?|decades?)(?:\s*-\s*|\s+)(?:history|hx)\s+of\b",
     "'a ten-year history of diabetes' is historical", requires=['history', 'hx'])
rule("day history of", HIST, "PSEUDO", rf"\b{NUM}(?:\s*-\s*|\s+)(?:hours?|hrs?|days?|weeks?|wks?)(?:\s*-\s*|\s+)(?:history|hx)\b",
     "'a two-day history of fever' is the present illness (ConText PSEU 'day history of')", requires=['history', 'hx'])
rule("history:", HIST, "PSEUDO", [L("history", "hx"), {"ORTH": ":"}],
     "'CLINICAL HISTORY: dizziness' is a heading, not a history-of trigger")
rule("family history", HIST, "PSEUDO", [L("family", "fam", "familial"), L("history", "hx")],
     "a family history is about relatives (family), not the patient's past")
rule("history and physical", HIST, "PSEUDO",
     [L("history", "hx"), L("and", "&", "/"), L("physical", "exam", "examination")],
     "ConText PSEU 'history and physical'")
rule("history of present illness", HIST, "PSEUDO",
     [L("history", "hx"), L("of"), OPT("the"), L("present", "presenting"), L("illness", "complaint")],
     "ConText PSEU 'history of present illness'")
rule("social history", HIST, "PSEUDO",
     [L("social", "clinical", "patient", "poor", "brief", "detailed", "limited", "obtain", "obtained", "gave", "gives", "further"), L("history", "historian")],
     "ConText PSEU 'social history', 'clinical history', 'poor history', 'patient history'")
rule("history from", HIST, "PSEUDO", [L("history", "hx"), L("from", "obtained", "was", "is", "provided", "taken")],
     "'history from the patient / was obtained' (ConText PSEU 'history from')")
rule("presents with", HIST, "TERMINATE",
     [L("presents", "presented", "presenting", "present", "complains", "complaining", "complained", "comes", "came", "coming", "admitted", "now", "currently", "today", "tonight", "recent", "recently", "acute", "new", "who", "reports", "reported", "states", "noted", "found",
       "denies", "denied", "denying", "endorses", "endorsed", "admits", "describes", "describing")],
     "present-illness words and the patient's own report end a 'history of' scope: 'history of CAD who presented with "
     "chest pain', 'history of MI and denies chest pain' (ConText history CONJ list)",
     terminates=[HIST])

# ---------------------------------------------------------------- hypothetical
rule("call for", HYP, "FORWARD", [L("call", "notify", "contact", "alert"), OPT("also", "back", "us", "me", "the", "your", "his", "her"), OPT("physician", "doctor", "office", "clinic", "pcp", "md"), L("for", "if", "with", "about", "should")],
     "return precautions: 'call for any fever', 'notify the physician if' (ConText hypothetical list 'call')")
rule("risks of", HYP, "FORWARD", [L("risk", "risks"), L("of", "include", "included", "includes", "including", "such")],
     "risks and complications explained before a procedure have not happened: 'risks of bleeding, infection, pain' "
     "(medSpaCy's own 'risks of' pattern never matches: it asks one token to hold two words)")
rule("in case of", HYP, "FORWARD", [L("in"), L("case", "event"), OPT("of", "that")], "conditional phrases")
rule("watch for", HYP, "FORWARD", [L("watch", "monitor", "look", "observe"), OPT("out"), L("for")],
     "symptoms to watch for have not happened (ConText 'look out for')")
rule("signs of", HYP, "FORWARD", [L("warning", "worsening"), L("signs", "symptoms"), OPT("of", "such")],
     "'warning signs of infection' lists conditions to look for", max_scope=12)
rule("should you", HYP, "FORWARD", [L("should", "if"), L("you", "she", "he", "they", "symptoms", "the"), OPT("patient", "develop", "develops", "have", "has", "experience", "experiences", "notice", "notices")],
     "'should you develop', 'if he experiences'")
rule("since", HYP, "TERMINATE", [L("since", "because", "otherwise", "although", "but")],
     "causal and contrast clauses end a conditional (ConText hypothetical CONJ 'since', 'because')", terminates=[HYP])

# ---------------------------------------------------------------- family / experiencer
rule("mother", FAM, "BIDIRECTIONAL",
     [{"LOWER": {"IN": RELATIVES}}, {"LOWER": {"IN": ["'s", "'"]}, "OP": "?"}, OPT("side")],
     "blood relatives on either side of the finding: 'mother with breast cancer', 'diabetes in his father' "
     "(ConText experiencer list; replaces medSpaCy's FORWARD 'family', which also counted spouses)", max_scope=8)
rule("family", FAM, "FORWARD", [L("family", "fam", "familial"), OPT("history", "hx", "members", "member"), OPT("of", "significant", "positive", "is")],
     "'family history of', 'family members with' (medSpaCy 'family')")
rule("brought in by his wife", FAM, "PSEUDO",
     [L("by", "per", "with", "from", "to", "and"), OPT("his", "her", "the", "their", "patient", "patient's", "pt's"),
      {"LOWER": {"IN": RELATIVES + ["wife", "husband", "spouse", "partner"]}}],
     "a relative who brings, accompanies or reports for the patient is not the experiencer ('brought in by her "
     "mother', 'lives with his parents', 'per mother') (ConText PSEU 'by his wife')")
rule("mother states", FAM, "PSEUDO",
     [{"LOWER": {"IN": RELATIVES + ["wife", "husband", "spouse", "partner", "family"]}},
      L("states", "stated", "reports", "reported", "says", "said", "notes", "noted", "relates", "related",
        "believes", "feels", "thinks", "thought", "brought", "accompanies", "accompanied", "gives", "gave", "provided")],
     "a relative who reports on the patient ('Mother states that her seizures continued') is the informant, "
     "not the experiencer (ConText experiencer PSEU)")
rule("according to", FAM, "PSEUDO", [L("according"), L("to")], "'according to his mother' (source, not experiencer)")
rule("patient", FAM, "TERMINATE",
     [L("patient", "patient's", "pt", "pt's", "presents", "presented", "complains", "reports", "denies", "himself", "herself")],
     "the patient as subject ends the relative's scope and a negation's scope ('no evidence of bleeding, the "
     "patient remained stable') (ConText experiencer CONJ 'patient', 'presents')",
     terminates=[FAM, NEG])

# ---------------------------------------------------------------- issue 17: classes of status errors
# Ages in every spacing are not past time: "5-year - old", "5 - year - old", "70 year old",
# "seventy-five-year-old", "3-month-old", "70 y/o", "70yo". A PSEUDO HISTORICAL rule longer than "old"
# hides it (historical triggers are pruned among themselves, longest first).
AGE_NUM = (r"(?:\d{1,3}(?:\.\d)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
           r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
           r"hundred)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine|hundred|and))*|\]|\))")
rule("70-year-old", HIST, "PSEUDO",
     rf"{AGE_NUM}\s*-?\s*(?:years?|yrs?|yr\.|months?|mos?|mo\.|weeks?|wks?|days?)\s*-?\s*old\b",
     "an age, whatever its spacing or hyphens ('5 - year - old', '70 year old', 'seventy-year-old'), is not a "
     "past-time trigger: 'old' must never mark the sentence historical", requires=['old'])
# Hedges and alternatives: uncertain findings must not be read as confirmed.
rule("favored to represent", POSS, "FORWARD",
     [L("favored", "favoured", "favor", "favour", "favoring", "favouring"),
      OPT("to"), OPT("represent", "reflect", "be", "indicate")],
     "'favored to represent atelectasis', 'favor infection': a radiologist's hedge", max_scope=8)
rule("unsure whether", POSS, "FORWARD",
     [L("unsure", "uncertain", "unclear", "unknown", "undetermined", "equivocal", "indeterminate"),
      L("whether", "if", "of", "as")],
     "'unsure whether this represents a fracture', 'unclear if infection': a question, not a finding", max_scope=10)
rule("not sure whether", POSS, "FORWARD", [L("not", "n't"), L("sure", "certain", "clear"), L("whether", "if")],
     "'not sure whether', 'not certain if' (the PSEUDO 'not certain' keeps 'not' from negating)", max_scope=10)
rule("rule-out", POSS, "FORWARD", r"\brule\s*-\s*out\b|\br\s*/\s*o\b|\brule\s+outs?\b(?=\s*:)",
     "'rule-out', 'rule - out', 'r / o' and a 'Rule out:' label are the rule-out hedge, whatever the spacing", requires=['rule', 'r/o', 'r /'])
rule("differential includes", POSS, "FORWARD",
     [L("differential", "ddx", "dd"), OPT("diagnosis", "diagnoses", "considerations"),
      L("includes", "include", "including", "of", "is", ":")],
     "conditions in a differential are possibilities, not diagnoses", max_scope=15)
rule("may represent", POSS, "FORWARD",
     [L("may", "might", "could", "can"), OPT("also"), OPT("possibly"), L("represent", "reflect", "indicate", "suggest",
                                                                           "signify", "be")],
     "'may represent infection', 'could reflect atelectasis'", max_scope=8)
rule("versus", POSS, "BIDIRECTIONAL", [L("versus", "vs", "vs.", "v.")],
     "'atelectasis versus pneumonia': both sides of an alternative are possibilities", max_scope=5)
# "no change in the effusion": the effusion is there, unchanged; only a bare "no change in vision"
# (review-of-systems style) stays a negation.
rule("no change in the", NEG, "PSEUDO",
     [{"LOWER": "no"}, {"LOWER": {"IN": ["significant", "definite", "interval", "appreciable", "substantial",
                                         "major", "further"]}, "OP": "*"},
      L("change", "changes"), L("in", "of", "from"),
      L("the", "this", "his", "her", "their", "size", "appearance", "position", "prior", "previous", "known",
        "previously")],
     "'no change in the left pleural effusion' describes a present, stable finding, not its absence")
# "interval resolution of the pneumonia": the finding is gone; it must not be coded as current
rule("resolution of", NEG, "FORWARD",
     [OPT("interval", "complete", "near", "near-complete", "nearly", "almost", "total", "partial"),
      OPT("complete", "total"), L("resolution", "clearing", "disappearance"), L("of")],
     "'interval resolution of the pneumonia' / 'clearing of the infiltrate': gone now (as 'X resolved')",
     max_scope=8)
rule("other", NEG, "TERMINATE", [L("or", "and", ",", "nor"), {"LOWER": "other"}],
     "'denies fever, chills, or other symptoms; reports cough': 'or other ...' closes a negation list",
     terminates=[NEG])
# Template filler words are answers to an empty field, not negations of the next field.
rule("not obtainable", NEG, "PSEUDO",
     [L("not", "n't"), L("obtainable", "applicable", "obtained", "assessable", "available", "elicited",
                          "recorded", "documented", "provided", "reported", "specified", "given")],
     "template fillers ('Not Obtainable', 'Not Applicable', 'not documented') never negate the next field")
rule("n/a", NEG, "PSEUDO", r"\bn\s*/\s*a\b|\bunobtainable\b|\bunable to (?:obtain|assess)\b",
     "'N/A', 'unobtainable' are template fillers, not negations", requires=['n/a', 'n /', 'obtain', 'assess'])
# A field label (capitals and a colon) starts a new item: it ends negation, hedge, hypothetical,
# family and history scopes that began in the previous field.
rule("FIELD:", NEG, "TERMINATE", r"(?-i:\b[A-Z][A-Z/&]{1,}(?:[ \t]+[A-Z][A-Z/&]{1,}){0,4}[ \t]*:)",
     "a capitalised field label ('MEDICATIONS:', 'PAST SURGICAL HISTORY:') ends every scope of the field before",
     terminates=[NEG, HYP, FAM, POSS, HIST], requires=[':'])
# History: field labels that end in HISTORY:, cues after the term, misspellings.
rule("past medical history:", HIST, "FORWARD",
     r"\b(?:past|previous|prior|remote|medical|surgical|psychiatric|psych|obstetric(?:al)?|ob|gyn|ob\s*/\s*gyn|"
     r"gynecologic(?:al)?|cardiac|hospitali[sz]ation|operative|surgery|transfusion|travel|occupational|"
     r"immuni[sz]ation|substance|drug|alcohol|tobacco|smoking|sexual)(?:\s+(?:medical|surgical|psychiatric))?"
     r"\s+(?:history|hx)\s*:",
     "a field label ending in HISTORY: ('PAST SURGICAL HISTORY:', 'PSYCHIATRIC HISTORY:') dates what follows; "
     "it is longer than the 'history:' exception, which stays for 'CLINICAL HISTORY:' and a bare 'HISTORY:'", requires=['history', 'hx'])
rule("pmh:", HIST, "FORWARD", r"\b(?:pmh|pmhx|psh|pshx|pmh/psh|pmhx/pshx)\b\s*[:\-]?",
     "'PMH:', 'PSH' (past medical / surgical history) abbreviations", requires=['pmh', 'psh'])
rule("h/o", HIST, "FORWARD",
     r"\bh\s*/\s*o\b|\b(?:histroy|hsitory|hisory|hisotry|histoy|hitory|hstory|histiry|histor)\b(?:\s+of)?",
     "'h/o', 'h / o' and common misspellings of 'history (of)'", requires=['h/o', 'h /', 'histroy', 'hsitory', 'hisory', 'hisotry', 'histoy', 'hitory', 'hstory', 'histiry', 'histor'])
rule("X history", HIST, "BACKWARD",
     r"(?<=[a-z0-9)\]])\s+(?:history|hx)\b(?=\s*(?:[.,;)]|$|\s+(?:and|or|since|until|noted|reported|present)\b))",
     "a cue after the term: 'asthma history.', 'smoking hx, ...' (only when the cue follows a word directly and "
     "ends the phrase, so 'medical history significant for' and 'history of' keep their forward reading)",
     max_scope=4, requires=['history', 'hx'])
# 'history of' and 'status post' scopes end at the clause: a new finding introduced by 'with', 'for',
# 'and now', a semicolon or a present-tense clause is not part of the past event.
rule("; (new clause)", HIST, "TERMINATE", r"[;]|,\s*(?:with|and\s+now|now|but)\b|\b(?:and\s+now|but\s+now)\b",
     "'history of Billroth II for perforated ulcer, with malnutrition, nausea': a semicolon, or a comma that "
     "opens a new finding (', with', ', now', ', but') ends a 'history of' / 'status post' scope; plain 'and' and "
     "'for' do not ('history of AF and DVTs', 's/p XRT for uterine CA')",
     terminates=[HIST], requires=[';', ',', 'now'])

# Numbered list items ("1) esophagitis s/p biopsy 2) hiatal hernia", "#2.") are separate findings: an
# enumeration marker ends every scope opened in the item before it.
rule("2)", NEG, "TERMINATE", r"(?:(?<=\s)|^)(?:#\s*)?\d{1,2}\s*[).](?=\s+[A-Za-z])",
     "an enumeration marker ('2)', '3.', '#4') starts a new list item: it ends every scope of the item before",
     terminates=[NEG, HYP, FAM, POSS, HIST])
rule("patient's know", HIST, "FORWARD", r"\b(?:patient'?'?s|pt'?s|his|her|their)\s+know\b",
     "'the patient's know transposition' is a misspelling of 'known'", max_scope=6, requires=['know'])

removed = [
    {"literal": "resolved", "category": NEG, "direction": "FORWARD", "why": "replaced by the BIDIRECTIONAL 'resolved'"},
    {"literal": ": none", "category": NEG, "direction": "BACKWARD", "why": "replaced by ': no (end)'"},
    {"literal": ": no", "category": NEG, "direction": "BACKWARD", "why": "replaced by ': no (end)'"},
    {"literal": "evaluate for", "category": NEG, "direction": "FORWARD", "why": "an evaluation is a question: now POSSIBLE_EXISTENCE"},
    {"literal": "family", "category": FAM, "direction": "FORWARD", "why": "replaced by 'mother' (relatives, both sides) and 'family'"},
]
data = {
    "_source": "clinlabel additions to medSpaCy 1.3.1's default ConText rules (medspacy_context_rules.json), from "
               "error analysis on the NegEx/ConText kit development half and the NegEx / genConText trigger lists "
               "(Chapman et al.; ../shared/data/negex). Generated by benchmarks/context_rules_build.py. "
               "metadata.why says which class of errors a rule fixes; metadata.terminates limits a TERMINATE rule "
               "to some categories (default: all, as in medSpaCy). removed_medspacy_rules lists default rules that "
               "clinlabel drops.",
    "context_rules": R,
    "removed_medspacy_rules": removed,
}
json.dump(data, open("nlp_pipeline/resources/clinlabel_context_rules.json", "w"), indent=1)
print(len(R), "rules")
