"""Procedure facts derived from findings, each pointing to the findings that support it.

Facts are what distinguish the codes: access to the chest, the abdomen and the neck, where the
anastomosis is, what conduit rebuilds the passage, the extent of resection, conversion, add-ons.
Only asserted findings in operative sections count: a negated, historical or planned mention,
or one in the indications, diagnoses or plan, says nothing about what was done today.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .extraction import Finding

NON_OPERATIVE_SECTIONS = frozenset({"indications", "diagnosis", "plan", "planned_procedure"})
ESOPHAGECTOMY_CONCEPTS = frozenset(
    {"esophagectomy", "esophagogastrectomy", "total_esophagectomy", "partial_esophagectomy", "cervical_esophagectomy"}
)
ESOPHAGECTOMY_NAMES = ("ivor_lewis", "mckeown", "orringer", "sweet", "mie", "ramie", "transhiatal_esophagectomy")
UNKNOWN = "unknown"


@dataclass
class Fact:
    name: str
    value: str
    evidence: list[Finding] = field(default_factory=list)


@dataclass
class ProcedureFacts:
    """Per-note facts; `values` maps fact name -> value, `evidence` maps it -> findings."""

    facts: dict[str, Fact]
    counts: Counter  # (label, concept) -> number of asserted operative findings
    title_counts: Counter  # the same, in the procedure title/list only
    hedged_counts: Counter  # (label, concept) -> number of negated/historical/planned mentions

    def value(self, name: str) -> str:
        return self.facts[name].value

    def evidence(self, name: str) -> list[Finding]:
        return self.facts[name].evidence

    def flag(self, name: str) -> bool:
        return self.facts[name].value == "yes"


def is_operative(f: Finding) -> bool:
    return f.asserted and f.section not in NON_OPERATIVE_SECTIONS


def _weight(found: list[Finding]) -> tuple[int, int]:
    """Mentions in the procedure title count first, then all mentions."""
    return (sum(f.section == "procedure" for f in found), len(found))


def derive_facts(findings: list[Finding]) -> ProcedureFacts:
    active = [f for f in findings if is_operative(f)]
    by = {}
    for f in active:
        by.setdefault((f.label, f.concept), []).append(f)

    def get(label: str, *concepts: str) -> list[Finding]:
        return [f for c in concepts for f in by.get((label, c), [])]

    def negated(label: str, *concepts: str) -> list[Finding]:
        return [f for f in findings if f.negated and f.label == label and f.concept in concepts]

    def negated_operative(label: str, *concepts: str) -> list[Finding]:
        return [f for f in negated(label, *concepts) if f.section not in NON_OPERATIVE_SECTIONS]

    facts: dict[str, Fact] = {}

    def put(name: str, value: str, evidence: list[Finding] = ()) -> None:
        facts[name] = Fact(name, value, sorted(evidence, key=lambda f: f.start))

    # Names of the operation imply the resection: Ivor Lewis, McKeown, Orringer, MIE, RAMIE, THE.
    resection = get("RESECTION", *ESOPHAGECTOMY_CONCEPTS) + get("APPROACH", *ESOPHAGECTOMY_NAMES)
    put("esophagectomy", "yes" if resection else "no", resection)

    conversions = get("CONVERSION", "to_open", "to_laparotomy", "to_thoracotomy", "unspecified")
    converted = [f for f in active if f.converted]
    put("converted", "yes" if conversions else "no", conversions + converted)
    converted_chest = bool(get("CONVERSION", "to_thoracotomy")) or any(f.concept == "thoracoscopic" for f in converted)
    converted_abdomen = bool(get("CONVERSION", "to_laparotomy")) or any(f.concept == "laparoscopic" for f in converted)
    if conversions and not (converted_chest or converted_abdomen):
        # "converted to open" with no cavity named: the minimally invasive cavities became open
        converted_chest = converted_abdomen = True

    robotic = get("APPROACH", "robotic", "ramie")
    mis = get("APPROACH", "minimally_invasive", "mie")
    put("robotic", "yes" if robotic else "no", robotic)
    put("minimally_invasive", "yes" if (robotic or mis) else "no", robotic + mis)

    ivor = get("APPROACH", "ivor_lewis")
    mckeown = get("APPROACH", "mckeown")
    orringer = get("APPROACH", "orringer")
    transhiatal = get("APPROACH", "transhiatal", "transhiatal_esophagectomy") + orringer
    put("eponym", "ivor_lewis" if ivor else "mckeown" if mckeown else "orringer" if orringer
        else "sweet" if get("APPROACH", "sweet") else "none", ivor or mckeown or orringer or get("APPROACH", "sweet"))

    # Chest access
    thoracoabdominal = get("APPROACH", "thoracoabdominal")
    left = get("APPROACH", "left_thoracotomy")
    right = get("APPROACH", "right_thoracotomy")
    thoracotomy = get("APPROACH", "thoracotomy") + left + right + get("CONVERSION", "to_thoracotomy")
    thoracoscopic = get("APPROACH", "thoracoscopic")
    no_chest_access = negated_operative("APPROACH", "thoracotomy", "thoracoscopic", "left_thoracotomy", "right_thoracotomy")
    if thoracoabdominal:
        put("chest", "thoracoabdominal", thoracoabdominal)
    elif thoracotomy and (converted_chest or _weight(thoracotomy) >= _weight(thoracoscopic)):
        put("chest", "thoracotomy", thoracotomy)
    elif thoracoscopic:
        put("chest", "thoracoscopic", thoracoscopic)
    elif transhiatal:
        put("chest", "none", transhiatal)
    elif ivor or mckeown:
        put("chest", "thoracoscopic" if (robotic or mis) else "thoracotomy", ivor + mckeown + robotic + mis)
    elif no_chest_access:
        put("chest", "none", no_chest_access)  # "no thoracotomy was required"
    else:
        put("chest", UNKNOWN)
    put("thoracotomy_side", "left" if _weight(left) > _weight(right) else "right" if right else "unknown", left or right)

    # Abdominal access
    laparotomy = get("APPROACH", "laparotomy") + get("CONVERSION", "to_laparotomy")
    laparoscopic = get("APPROACH", "laparoscopic")
    if thoracoabdominal:
        put("abdomen", "thoracoabdominal", thoracoabdominal)
    elif laparotomy and (converted_abdomen or _weight(laparotomy) > _weight(laparoscopic)):
        put("abdomen", "laparotomy", laparotomy)
    elif laparoscopic:
        put("abdomen", "laparoscopic", laparoscopic)
    elif (robotic or mis) and (ivor or mckeown or transhiatal):
        put("abdomen", "laparoscopic", robotic + mis)
    elif ivor or mckeown or orringer:
        put("abdomen", "laparotomy", ivor + mckeown + orringer)
    elif no_abdominal_access := negated("APPROACH", "laparotomy", "laparoscopic"):
        put("abdomen", "none", no_abdominal_access)  # "the abdomen was not opened"
    else:
        put("abdomen", UNKNOWN)
    if conversions and facts["abdomen"].value == "laparoscopic" and converted_abdomen:
        put("abdomen", "laparotomy", conversions)
    if conversions and facts["chest"].value == "thoracoscopic" and converted_chest:
        put("chest", "thoracotomy", conversions)

    # Neck and anastomosis
    neck = get("APPROACH", "cervical_incision")
    cervical = get("ANASTOMOSIS", "cervical")
    intrathoracic = get("ANASTOMOSIS", "intrathoracic")
    diversion = get("DIVERSION", "esophagostomy")
    put("neck", "incision" if (neck or cervical) else "none", neck + cervical)
    if diversion and not (cervical or intrathoracic):
        put("anastomosis", "none", diversion)
    elif cervical and _weight(cervical) >= _weight(intrathoracic):
        put("anastomosis", "cervical", cervical)
    elif intrathoracic:
        put("anastomosis", "intrathoracic", intrathoracic)
    elif mckeown:
        put("anastomosis", "cervical", mckeown)
    elif ivor:
        put("anastomosis", "intrathoracic", ivor)
    else:
        put("anastomosis", UNKNOWN, get("ANASTOMOSIS", "unspecified"))
    put("diversion", "yes" if diversion else "no", diversion)
    if not facts["esophagectomy"].evidence and facts["anastomosis"].value in ("cervical", "intrathoracic") \
            and (get("CONDUIT", "stomach", "colon", "jejunum") and (thoracotomy or thoracoscopic or laparotomy or laparoscopic)):
        # a conduit joined in the neck or chest after an abdominal or chest approach is an esophagectomy,
        # however the note names it ("mobilization of the thoracic esophagus", "gastric tube to the neck")
        put("esophagectomy", "yes", facts["anastomosis"].evidence + get("CONDUIT", "stomach", "colon", "jejunum"))

    # Conduit: a named colon/jejunal conduit wins over incidental stomach words
    free_graft = get("CONDUIT", "free_jejunal_graft") + get("ANASTOMOSIS", "microvascular")
    colon = get("CONDUIT", "colon")
    jejunum = get("CONDUIT", "jejunum")
    stomach = get("CONDUIT", "stomach")
    if get("CONDUIT", "free_jejunal_graft"):
        put("conduit", "free_jejunal_graft", free_graft)
    elif colon:
        put("conduit", "colon", colon)
    elif jejunum or (resection and get("ANASTOMOSIS", "esophagojejunal")):
        # an esophagojejunal join after an esophageal resection means a jejunal (Roux) reconstruction
        put("conduit", "jejunum", jejunum + get("ANASTOMOSIS", "esophagojejunal"))
    else:
        # The stomach unless colon or jejunum is named: notes that use another conduit say so.
        put("conduit", "stomach", stomach or get("CONDUIT", "unspecified"))
    put("conduit_stated", "yes" if facts["conduit"].evidence else "no", facts["conduit"].evidence)

    total = get("RESECTION", "total_esophagectomy")
    partial = get("RESECTION", "partial_esophagectomy")
    cervical_resection = get("RESECTION", "cervical_esophagectomy")
    if cervical_resection:
        put("extent", "cervical", cervical_resection)
    elif total:
        put("extent", "total", total)
    elif partial:
        put("extent", "partial", partial)
    else:
        put("extent", UNKNOWN)

    chest, abdomen = facts["chest"].value, facts["abdomen"].value
    hybrid = (chest == "thoracotomy" and abdomen == "laparoscopic") or (chest == "thoracoscopic" and abdomen == "laparotomy")
    put("hybrid", "yes" if hybrid and not conversions else "no",
        facts["chest"].evidence + facts["abdomen"].evidence if hybrid else [])
    drainage = [f for f in active if f.label == "DRAINAGE"]
    put("pyloric_drainage", "yes" if drainage else "no", drainage)
    jejunostomy = get("JEJUNOSTOMY", "feeding_jejunostomy")
    put("feeding_jejunostomy", "yes" if jejunostomy else "no", jejunostomy)
    others = [f for f in active if f.label in ("PROCEDURE", "OUTCOME")]
    put("other_procedures", ",".join(sorted({f.concept for f in others})) or "none", others)

    counts = Counter((f.label, f.concept) for f in active)
    title = Counter((f.label, f.concept) for f in active if f.section == "procedure")
    hedged = Counter((f.label, f.concept) for f in findings if not f.asserted)
    return ProcedureFacts(facts=facts, counts=counts, title_counts=title, hedged_counts=hedged)
