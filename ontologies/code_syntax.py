"""ICD code syntax: dots, note references and whether a code falls under one (a leaf module).

Everything here works on code strings alone; nothing needs a compiled ontology, so every other
module of the package (the store, the ICD-10-CM builders, search, the Index) can import it
without an import cycle.
"""

from __future__ import annotations

import re

#: One ICD-10-CM code (category, or a subcategory with up to four characters after the dot).
CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?"
CODE_RE = re.compile(rf"^{CODE}$")
_REF = re.compile(rf"\b({CODE}(?:\.-)?\s*-\s*{CODE}(?:\.-)?|{CODE}(?:\.-|-)?)")
_PAREN_REFS = re.compile(r"\(([^()]*\d[^()]*)\)")


def dotted(code: str) -> str:
    """``"e119"`` -> ``"E11.9"``; chapter numbers and block ranges are left as they are."""
    code = code.strip().upper()
    if "-" in code or code.isdigit() or len(code) <= 3 or "." in code:
        return code
    return code[:3] + "." + code[3:]


def icd9_dotted(code: str) -> str:
    """ICD-9-CM code with its dot: ``"25000"`` -> ``"250.00"``, ``"E8120"`` -> ``"E812.0"``."""
    code = code.strip().upper()
    if "." in code:
        return code
    head = 4 if code.startswith("E") else 3
    return code if len(code) <= head else code[:head] + "." + code[head:]


def category(code: str) -> str:
    """The 3-character category of an ICD-10 code (``"E11.9"`` -> ``"E11"``)."""
    return code.replace(".", "")[:3].upper()


def flat(code: str) -> str:
    """The code without its dot, upper case (``"e11.9"`` -> ``"E119"``)."""
    return code.replace(".", "").upper()


def strip_dash(code: str) -> tuple[str, bool]:
    """An Index code without its trailing dash, and whether it had one: ``"M70.4-"`` ->
    ``("M70.4", True)`` (the dash says more characters are needed), ``"I10"`` -> ``("I10", False)``."""
    code = code.strip().upper()
    if code.endswith("-"):
        return code.rstrip("-").rstrip("."), True
    return code, False


def parse_refs(text: str) -> list[str]:
    """Codes and code ranges a note cites, e.g. ``"(E08-E13)"`` -> ``["E08-E13"]``."""
    refs: list[str] = []
    for group in _PAREN_REFS.findall(text):
        for m in _REF.finditer(group):
            refs.append(re.sub(r"\s+", "", m.group(1)))
    return refs


def ref_covers(ref: str, code: str) -> bool:
    """Whether ``code`` is under the note reference ``ref``.

    ``"E10.-"`` / ``"E10"``: E10 and everything under it; ``"E08-E13"``: categories E08 to E13;
    ``"O24.4-"``: O24.4 and below; ``"I10"``: I10 and below.
    """
    ref = ref.strip().upper()
    code = code.strip().upper()
    if "-" in ref and not ref.endswith("-"):
        lo, hi = (p.rstrip(".-") for p in ref.split("-", 1))
        if len(lo) == 3 and len(hi) == 3:
            return lo <= category(code) <= hi
        return lo <= code[: len(hi)] <= hi or code.startswith(lo)
    base = ref.rstrip("-").rstrip(".")
    return code == base or code.startswith(base + ".") or (len(base) > 3 and code.startswith(base))
