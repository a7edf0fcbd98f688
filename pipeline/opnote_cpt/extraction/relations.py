"""Resolve findings from the words around them, in the same sentence.

"anastomosis ... in the neck" is an ANASTOMOSIS whose site is the neck; "converted ... to open"
is a conversion to open. A spaCy token pattern with a gap ({0,6} wildcards) expresses this, but
spaCy evaluates such patterns at every token of every note; here the target matcher finds the
anchor word (a fast phrase match) and this component looks only at the few words around each
anchor. Rules are data (relations.jsonl); like spaCy's own components, this one saves them with
to_disk/from_disk.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy
import srsly
from spacy.attrs import NORM, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import RuleFileError
from ..jsonl_rules import bundled_path, read_jsonl_records
from .nlp_constants import FINDINGS_GROUP
from .span_cache import read_spans, write_spans
from .span_values import span_extension_values

RULE_KEYS = {"label", "concept"}
OPTIONAL_KEYS = {"words", "before", "after", "then", "otherwise"}


@dataclass(frozen=True)
class RelationRule:
    label: str
    concept: str
    words: frozenset  # NORM values (word families or lower-case words)
    before: int
    after: int
    then: str  # "LABEL:concept" or "drop"
    where: str


def _outcome(value: str, where: str) -> str:
    if value != "drop" and (":" not in value or not all(value.split(":", 1))):
        raise RuleFileError(f"{where}: an outcome is 'drop' or 'LABEL:concept', not {value!r}")
    return value


def load_relation_rules(path: str | Path | None = None) -> tuple[list[RelationRule], dict[tuple[str, str], str]]:
    """Rules in file order, and per anchor the outcome when no rule of it applies ('otherwise')."""
    path = path or bundled_path("relations.jsonl")
    rules, otherwise = [], {}
    for where, rec in read_jsonl_records(path, required=RULE_KEYS, optional=OPTIONAL_KEYS):
        anchor = (rec["label"], rec["concept"])
        if "otherwise" in rec:
            if set(rec) != RULE_KEYS | {"otherwise"}:
                raise RuleFileError(f"{where}: an 'otherwise' line has only label, concept and otherwise")
            otherwise[anchor] = _outcome(rec["otherwise"], where)
            continue
        missing = {"words", "then"} - set(rec)
        if missing:
            raise RuleFileError(f"{where}: missing key(s) {sorted(missing)}")
        before, after = rec.get("before", 0), rec.get("after", 0)
        if not all(isinstance(n, int) and 0 <= n <= 20 for n in (before, after)) or before + after == 0:
            raise RuleFileError(f"{where}: 'before' and 'after' are word counts from 0 to 20, not both 0")
        words = rec["words"]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise RuleFileError(f"{where}: 'words' is a non-empty list of strings")
        rules.append(RelationRule(rec["label"], rec["concept"], frozenset(words), before, after,
                                  _outcome(rec["then"], where), where))
    return rules, otherwise


class RelationResolver:
    def __init__(self, nlp: Language, name: str = "opnote_relations", path: str | None = None):
        self.nlp = nlp
        self.name = name
        self.set_rules(*load_relation_rules(path))

    def set_rules(self, rules: list[RelationRule], otherwise: dict) -> None:
        from medspacy.target_matcher import TargetRule

        self.rules, self.otherwise = rules, otherwise
        strings = self.nlp.vocab.strings
        self._by_anchor: dict[tuple[str, str], list[tuple[RelationRule, frozenset]]] = {}
        for rule in rules:
            hashes = frozenset(strings.add(w) for w in rule.words)
            self._by_anchor.setdefault((rule.label, rule.concept), []).append((rule, hashes))
        self._targets: dict[str, TargetRule] = {}
        for outcome in {r.then for r in rules} | set(otherwise.values()):
            if outcome != "drop":
                label, concept = outcome.split(":", 1)
                self._targets[outcome] = TargetRule(outcome, label, metadata={"concept": concept, "source": "relations"})

    def __call__(self, doc: Doc) -> Doc:
        spans = read_spans(doc, FINDINGS_GROUP)
        if not spans:
            return doc
        arrays = doc.to_array([NORM, SENT_START])
        norms = arrays[:, 0].tolist()
        sent_ids = numpy.cumsum(arrays[:, 1].astype("int64") == 1).tolist()
        values = span_extension_values(doc)
        kept = []
        for span in spans:
            anchor = (span.label_, values[("target_rule", span.start_char, span.end_char)].metadata["concept"])
            if anchor not in self._by_anchor and anchor not in self.otherwise:
                kept.append(span)
                continue
            outcome, lo, hi = self.otherwise.get(anchor), span.start, span.end
            sentence = sent_ids[span.start]
            for rule, words in self._by_anchor.get(anchor, ()):
                hits = [i for i in (*range(max(0, span.start - rule.before), span.start),
                                    *range(span.end, min(len(doc), span.end + rule.after)))
                        if sent_ids[i] == sentence and norms[i] in words]
                if hits:
                    outcome, lo, hi = rule.then, min(span.start, hits[0]), max(span.end, hits[-1] + 1)
                    break
            if outcome is None:
                kept.append(span)
            elif outcome != "drop":
                target = self._targets[outcome]
                new = Span(doc, lo, hi, label=target.category)
                new._.target_rule = target
                kept.append(new)
        write_spans(doc, FINDINGS_GROUP, kept)
        return doc

    def to_disk(self, path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = [{"label": r.label, "concept": r.concept, "words": sorted(r.words), "before": r.before,
                  "after": r.after, "then": r.then} for r in self.rules]
        lines += [{"label": a[0], "concept": a[1], "otherwise": o} for a, o in sorted(self.otherwise.items())]
        srsly.write_jsonl(path / "relations.jsonl", lines)

    def from_disk(self, path, exclude=()) -> "RelationResolver":
        self.set_rules(*load_relation_rules(Path(path) / "relations.jsonl"))
        return self


@Language.factory("opnote_relations", default_config={"path": None})
def make_relation_resolver(nlp: Language, name: str, path: str | None) -> RelationResolver:
    return RelationResolver(nlp, name, path)
