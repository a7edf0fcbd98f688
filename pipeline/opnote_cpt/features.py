"""Facts -> a fixed-length feature vector. Kept outside the saved estimator: the model file holds
only a scikit-learn classifier, and its metadata pins the feature names it was trained with."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy

from .facts import ProcedureFacts
from .jsonl_rules import bundled_path, read_jsonl_records
from .profile import FEATURES, CodeProfile

FACT_VALUES = {
    "esophagectomy": ("yes", "no"),
    "converted": ("yes", "no"),
    "robotic": ("yes", "no"),
    "minimally_invasive": ("yes", "no"),
    "eponym": ("ivor_lewis", "mckeown", "orringer", "sweet", "none"),
    "chest": ("thoracoscopic", "thoracotomy", "thoracoabdominal", "none", "unknown"),
    "abdomen": ("laparoscopic", "laparotomy", "thoracoabdominal", "none", "unknown"),
    "thoracotomy_side": ("left", "right", "unknown"),
    "neck": ("incision", "none"),
    "anastomosis": ("cervical", "intrathoracic", "none", "unknown"),
    "diversion": ("yes", "no"),
    "conduit": ("stomach", "colon", "jejunum", "free_jejunal_graft"),
    "conduit_stated": ("yes", "no"),
    "extent": ("total", "partial", "cervical", "unknown"),
    "hybrid": ("yes", "no"),
    "pyloric_drainage": ("yes", "no"),
    "feeding_jejunostomy": ("yes", "no"),
}
GATE_PREFIXES = (
    "fact:esophagectomy=", "fact:eponym=", "fact:anastomosis=", "fact:diversion=", "fact:conduit=",
    "fact:conduit_stated=", "fact:minimally_invasive=", "fact:neck=", "other:", "hedged:RESECTION:", "hedged:APPROACH:",
    "title:RESECTION:", "title:PROCEDURE:", "n:RESECTION:", "n:PROCEDURE:", "n:OUTCOME:", "n:CONDUIT:",
    "n:ANASTOMOSIS:", "n:DIVERSION:",
)
# How a note's fact value compares with a profile feature value.
_CONDUIT_GROUP = {"colon": "colon_or_jejunum", "jejunum": "colon_or_jejunum"}


def rule_concepts(targets_path: str | Path | None = None) -> list[tuple[str, str]]:
    path = targets_path or bundled_path("targets.jsonl")
    pairs = {(r["label"], r["concept"]) for _, r in read_jsonl_records(
        path, required={"label", "concept"}, optional={"phrase", "pattern"})}
    return sorted(pairs)


def _note_value(facts: ProcedureFacts, feature: str) -> str:
    value = facts.value(feature)
    if feature == "conduit":
        value = _CONDUIT_GROUP.get(value, value)
        if facts.flag("diversion") and not facts.flag("conduit_stated"):
            value = "none"
    if feature == "chest" and value == "unknown" and facts.value("abdomen") != "unknown":
        value = "none"  # an abdominal approach with no chest access named
    if feature == "abdomen" and value == "unknown" and facts.value("chest") in ("thoracotomy",):
        value = "none"
    return value


def note_values(facts: ProcedureFacts) -> dict[str, str]:
    """The note's value of every profile feature, as `profile_match` compares them."""
    return {feature: _note_value(facts, feature) for feature in FEATURES}


def profile_match(values: dict[str, str], features: dict) -> float:
    """Share of a code's distinguishing features that the note supports (unknown counts half);
    `values` is `note_values(facts)`."""
    total, score = 0, 0.0
    for feature in FEATURES:
        wanted = features[feature]
        if wanted == "any":
            continue
        total += 1
        got = values[feature]
        if got == "unknown":
            score += 0.5
        elif got == wanted:
            score += 1.0
    return score / total if total else 0.0


class FeatureSchema:
    """The ordered feature names; `vector(facts)` fills them."""

    def __init__(self, profile: CodeProfile, concepts: list[tuple[str, str]]):
        self.profile = profile
        self.concepts = concepts
        names = [f"fact:{k}={v}" for k, values in FACT_VALUES.items() for v in values]
        for label, concept in concepts:
            names += [f"n:{label}:{concept}", f"title:{label}:{concept}", f"hedged:{label}:{concept}"]
        names += [f"other:{c}" for label, c in concepts if label in ("PROCEDURE", "OUTCOME", "RESECTION")]
        names += [f"match:{c.code}" for c in profile.primary]
        names += [f"best_match:{c.code}" for c in profile.primary]
        names += [
            f"sig:{ch}|{ab}|{an}|{co}"
            for ch in FACT_VALUES["chest"] for ab in FACT_VALUES["abdomen"]
            for an in FACT_VALUES["anastomosis"] for co in FACT_VALUES["conduit"]
        ]
        self.names = names
        self.index = {n: i for i, n in enumerate(names)}
        # The in/out-of-profile gate sees only what says whether an esophagectomy was done today,
        # not the approach details that neighbouring operations share.
        self.gate_mask = numpy.array([n.startswith(GATE_PREFIXES) for n in names])

    @property
    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.names).encode()).hexdigest()

    def vector(self, facts: ProcedureFacts) -> numpy.ndarray:
        x = numpy.zeros(len(self.names), dtype=numpy.float64)
        idx = self.index

        def put(name: str, value: float = 1.0) -> None:
            i = idx.get(name)
            if i is not None:
                x[i] = value

        for name in FACT_VALUES:
            put(f"fact:{name}={facts.value(name)}")
        # Presence, not counts: a terse note and a long dictation of the same operation should
        # look alike. Anatomy words only feed the facts; alone they mostly measure note length.
        for (label, concept) in facts.counts:
            if label == "ANATOMY":
                continue
            put(f"n:{label}:{concept}")
            if label in ("PROCEDURE", "OUTCOME", "RESECTION"):
                put(f"other:{concept}")
        for (label, concept) in facts.title_counts:
            if label != "ANATOMY":
                put(f"title:{label}:{concept}")
        for (label, concept) in facts.hedged_counts:
            if label != "ANATOMY":
                put(f"hedged:{label}:{concept}")
        values = note_values(facts)
        matches = {c.code: profile_match(values, c.features) for c in self.profile.primary}
        best = max(matches.values())
        for code, m in matches.items():
            put(f"match:{code}", m)
            if m == best:
                put(f"best_match:{code}")
        put("sig:" + "|".join(facts.value(k) for k in ("chest", "abdomen", "anastomosis", "conduit")))
        return x
