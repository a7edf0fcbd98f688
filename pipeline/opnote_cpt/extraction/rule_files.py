"""Turn the bundled JSONL rule files into medspaCy rule objects, with file:line errors."""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher

from ..errors import RuleFileError
from ..jsonl_rules import bundled_path, read_jsonl_records

TARGET_LABELS = frozenset(
    {"APPROACH", "ANATOMY", "ANASTOMOSIS", "CONDUIT", "RESECTION", "DRAINAGE", "JEJUNOSTOMY",
     "CONVERSION", "DIVERSION", "PROCEDURE", "OUTCOME"}
)
CONTEXT_CATEGORIES = frozenset({"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "TERMINATE"})
CONTEXT_DIRECTIONS = frozenset({"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"})


def _check_pattern(nlp: Language, where: str, pattern: object) -> list[dict]:
    """Validate a spaCy token pattern now, so that an error names the rule's file and line."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        raise RuleFileError(f"{where}: 'pattern' must be a non-empty list of token objects")
    try:
        Matcher(nlp.vocab, validate=True).add("check", [pattern])
    except Exception as exc:  # spaCy raises several types for bad patterns
        raise RuleFileError(f"{where}: invalid spaCy token pattern ({type(exc).__name__}: {exc})") from None
    return pattern


def load_target_rules(nlp: Language, path: str | Path | None = None) -> list:
    from medspacy.target_matcher import TargetRule

    path = path or bundled_path("targets.jsonl")
    rules = []
    for where, rec in read_jsonl_records(path, required={"label", "concept"}, optional={"phrase", "pattern"}):
        if rec["label"] not in TARGET_LABELS:
            raise RuleFileError(f"{where}: unknown label {rec['label']!r}; use one of {sorted(TARGET_LABELS)}")
        if ("phrase" in rec) == ("pattern" in rec):
            raise RuleFileError(f"{where}: give exactly one of 'phrase' or 'pattern'")
        meta = {"concept": str(rec["concept"]), "source": where}
        if "phrase" in rec:
            if not isinstance(rec["phrase"], str) or not rec["phrase"].strip():
                raise RuleFileError(f"{where}: 'phrase' must be a non-empty string")
            rules.append(TargetRule(rec["phrase"], rec["label"], metadata=meta))
        else:
            pattern = _check_pattern(nlp, where, rec["pattern"])
            rules.append(TargetRule(f"{rec['label']}:{rec['concept']}@{where}", rec["label"], pattern=pattern, metadata=meta))
    return rules


def load_context_rules(nlp: Language, path: str | Path | None = None) -> list:
    from medspacy.context import ConTextRule

    path = path or bundled_path("context.jsonl")
    rules = []
    for where, rec in read_jsonl_records(
        path, required={"literal", "category", "direction"}, optional={"pattern", "max_scope"}
    ):
        if rec["category"] not in CONTEXT_CATEGORIES:
            raise RuleFileError(f"{where}: unknown category {rec['category']!r}; use one of {sorted(CONTEXT_CATEGORIES)}")
        if rec["direction"] not in CONTEXT_DIRECTIONS:
            raise RuleFileError(f"{where}: unknown direction {rec['direction']!r}; use one of {sorted(CONTEXT_DIRECTIONS)}")
        pattern = _check_pattern(nlp, where, rec["pattern"]) if "pattern" in rec else None
        scope = rec.get("max_scope")
        if scope is not None and (not isinstance(scope, int) or scope < 1):
            raise RuleFileError(f"{where}: 'max_scope' must be a positive integer")
        category = "TERMINATE" if rec["direction"] == "TERMINATE" else rec["category"]
        rules.append(
            ConTextRule(rec["literal"], category, pattern=pattern, direction=rec["direction"], max_scope=scope)
        )
    return rules


def load_section_rules(nlp: Language, path: str | Path | None = None) -> list:
    """Each header literal matches (at a line start) followed by ':' or alone on its line."""
    from medspacy.section_detection import SectionRule

    path = path or bundled_path("sections.jsonl")
    rules = []
    for where, rec in read_jsonl_records(path, required={"section", "literal"}):
        literal = rec["literal"].strip()
        if not literal:
            raise RuleFileError(f"{where}: empty 'literal'")
        rules.append(SectionRule(literal + ":", rec["section"]))
        rules.append(SectionRule(literal + "\n", rec["section"]))
    return rules
