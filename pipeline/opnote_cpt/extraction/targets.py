"""medspaCy's TargetMatcher, with exact-word rules looked up in the Doc's ORTH array.

A rule whose pattern is a single case-sensitive word ([{"ORTH": "THE"}]: the abbreviation of a
transhiatal esophagectomy, not the article) cannot be a NORM phrase, and spaCy's token Matcher
builds a Python Token for every token of the note to match it: as costly as tokenizing the note
again. Here such rules are a table from ORTH value to rule, matched with one vectorised lookup;
every other rule goes through medspaCy's matchers as before (pruned by `matching.py`). A one-word
match yields to any other match over its word, as medspaCy's longest-match pruning would have it.
"""

from typing import Iterable

import numpy
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .matching import medspacy_matches
from .span_cache import read_spans, write_spans


def exact_word(rule: TargetRule) -> str | None:
    """The word of a rule that matches one token by its exact text, else None."""
    pattern = rule.pattern
    if isinstance(pattern, list) and len(pattern) == 1 and set(pattern[0]) == {"ORTH"} \
            and isinstance(pattern[0]["ORTH"], str):
        return pattern[0]["ORTH"]
    return None


class ExactWordTargetMatcher(TargetMatcher):
    def __init__(self, nlp: Language, name: str = "opnote_target_matcher", **kwargs) -> None:
        self._exact: dict[int, TargetRule] = {}  # ORTH hash -> rule (set first: __init__ may add rules)
        super().__init__(nlp, name=name, **kwargs)

    @property
    def rules(self) -> list[TargetRule]:
        return super().rules + list(self._exact.values())

    def add(self, rules: TargetRule | Iterable[TargetRule]) -> None:
        rules = [rules] if isinstance(rules, TargetRule) else list(rules)
        others = []
        for rule in rules:
            word = exact_word(rule) if isinstance(rule, TargetRule) else None
            if word is None:
                others.append(rule)
            else:
                self._exact[self.nlp.vocab.strings.add(word)] = rule
        super().add(others)

    def __call__(self, doc: Doc) -> Doc:
        if self.result_type != "group":
            return super().__call__(doc)
        # medspaCy's own steps for a span group, with the linear pruning of matching.py
        matcher = self._TargetMatcher__matcher  # medspaCy keeps its matcher name-mangled
        rule_map, strings = matcher.rule_map, self.nlp.vocab.strings
        name = self.span_group_name
        group = read_spans(doc, name)
        for rule_id, start, end in medspacy_matches(matcher, doc):
            group.append(self._span(doc, start, end, rule_map[strings[rule_id]]))
        if self._exact and len(doc):
            group += self._exact_word_spans(doc, group)
        write_spans(doc, name, group)
        return doc

    @staticmethod
    def _span(doc: Doc, start: int, end: int, rule: TargetRule) -> Span:
        span = Span(doc, start, end, label=rule.category)
        underscore = span._
        underscore.target_rule = rule
        for attribute, value in (rule.attributes or {}).items():
            setattr(underscore, attribute, value)
        return span

    def _exact_word_spans(self, doc: Doc, group: list[Span]) -> list[Span]:
        orth = doc.to_array(ORTH)
        found = numpy.zeros(len(doc), dtype=bool)
        for key in self._exact:  # a handful of words: a comparison each beats numpy.isin's set-up
            found |= orth == key
        hits = numpy.flatnonzero(found)
        if not hits.size:
            return []
        taken = numpy.zeros(len(doc), dtype=bool)
        for span in group:
            taken[span.start:span.end] = True
        return [self._span(doc, i, i + 1, self._exact[int(orth[i])]) for i in hits.tolist() if not taken[i]]


@Language.factory(
    "opnote_target_matcher",
    default_config={"rules": None, "phrase_matcher_attr": "NORM", "result_type": "group",
                    "span_group_name": "medspacy_spans"},
)
def make_exact_word_target_matcher(nlp: Language, name: str, rules: str | None, phrase_matcher_attr: str,
                                   result_type: str, span_group_name: str) -> ExactWordTargetMatcher:
    return ExactWordTargetMatcher(nlp, name=name, rules=rules, phrase_matcher_attr=phrase_matcher_attr,
                                  result_type=result_type, span_group_name=span_group_name)
