"""medspaCy's ConText, comparing a modifier only with what is in its own sentence.

medspaCy's ConTextGraph calls `limit_scope` for every pair of modifiers and `modifies` for every
(target, modifier) pair of the note. A modifier's scope lies inside its sentence (our ConText has
no window, so scopes come from sentences) and only ever shrinks, so a modifier can only limit or
modify what is in that sentence. This subclass keeps medspaCy's rules, matcher, ConTextModifier
and attributes, and makes those same calls, in the same order, for the pairs in one sentence. If
a modifier or target crosses a sentence boundary, the note falls back to all pairs.
Its token-pattern rules are matched only around the words they need (see `anchors.py`).
`tests/test_context.py` compares the findings of corpus and real notes with medspaCy's ConText.
"""

import numpy
from medspacy.context import ConText
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .anchors import AnchoredWindows
from .matching import medspacy_matches
from .span_cache import read_spans


class SentenceContext(ConText):
    _windows: AnchoredWindows | None = None
    _windows_for: int | None = None  # the rule count the windows were built for

    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        if targets is not None or self.input_span_type != "group" or self.max_scope is not None:
            return super().__call__(doc, targets)  # window scopes can leave the sentence
        matcher = self._ConText__matcher  # medspaCy keeps its matcher name-mangled
        strings = self.nlp.vocab.strings
        graph = ConTextGraph(prune_on_modifier_overlap=self.prune_on_target_overlap)
        graph.targets = targets = read_spans(doc, self.span_group_name)
        starts = doc.to_array(SENT_START) == 1 if len(doc) else numpy.zeros(0, dtype=bool)
        sentence = numpy.cumsum(starts).tolist()
        # sentence k runs from bounds[k - 1] to bounds[k]; with no sentences set, medspaCy's
        # modifier finds its own scope (and reports the missing sentences)
        bounds = numpy.flatnonzero(starts).tolist() + [len(doc)] if len(doc) and starts[0] else None
        graph.modifiers = modifiers = []
        for match_id, start, end in self._modifier_matches(doc):
            rule, k = matcher.rule_map[strings[match_id]], sentence[start]
            scope = sentence_scope(rule, start, end, bounds[k - 1], bounds[k]) if bounds else (None, None)
            modifiers.append(ConTextModifier(rule, start, end, doc, scope_start=scope[0], scope_end=scope[1],
                                             max_scope=None))
        spans = [(m._start, m._end) for m in modifiers] + [(t.start, t.end) for t in targets]
        if any(sentence[start] != sentence[end - 1] for start, end in spans if end > start):
            sentence = [0] * len(doc)  # something spans two sentences: compare all pairs
        by_sentence: dict[int, list[ConTextModifier]] = {}
        for modifier in modifiers:
            by_sentence.setdefault(sentence[modifier._start], []).append(modifier)

        for group in by_sentence.values():  # as ConTextGraph.update_scopes, within a sentence
            for i, first in enumerate(group):
                for second in group[i + 1:]:
                    first.limit_scope(second)
                    second.limit_scope(first)
        if graph.prune_on_modifier_overlap:  # rarely used: medspaCy's own loop over all pairs
            graph.modifiers = modifiers = [
                m for m in modifiers
                if not any(t.start <= m._start < t.end or t.start < m._end <= t.end for t in targets)
            ]
            kept = {id(m) for m in modifiers}
            by_sentence = {k: [m for m in g if id(m) in kept] for k, g in by_sentence.items()}
        for target in targets:  # as ConTextGraph.apply_modifiers, within a sentence
            for modifier in by_sentence.get(sentence[target.start], ()):
                if modifier.modifies(target):
                    modifier.modify(target)
        edges = []
        for modifier in modifiers:
            modifier.reduce_targets()
            edges.extend((target, modifier) for target in modifier._targets)
        graph.edges = edges

        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(edges)
        doc._.context_graph = graph
        return doc

    def _modifier_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """What medspaCy's matcher finds (`medspacy_matches`), its token patterns read only in their
        anchored windows."""
        matcher = self._ConText__matcher
        token_matcher = matcher._MedspacyMatcher__matcher
        token_matches = []
        if len(token_matcher):
            rules = self.rules
            if self._windows_for != len(rules):  # rules can be added after the component is built
                self._windows = AnchoredWindows(self.nlp.vocab, [r.pattern for r in rules if r.pattern is not None])
                self._windows_for = len(rules)
            for start, end in self._windows(doc):
                token_matches += [(match_id, s + start, e + start) for match_id, s, e in token_matcher(doc[start:end])]
        return medspacy_matches(matcher, doc, token_matches)


def sentence_scope(rule, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """A modifier's scope as medspaCy's ConTextModifier sets it from its sentence (`__set_scope`,
    without a window): the sentence on the rule's side of the modifier, cut to the rule's
    max_scope. Given here from the sentence bounds, it spares medspaCy a sentence Span per match."""
    max_scope, direction = rule.max_scope, rule.direction.lower()
    if direction == "forward":
        scope_start, scope_end = end, sent_end
        if max_scope is not None and scope_end - scope_start > max_scope:
            scope_end = end + max_scope
    elif direction == "backward":
        scope_start, scope_end = sent_start, start
        if max_scope is not None and scope_end - scope_start > max_scope:
            scope_start = start - max_scope
    else:  # bidirectional, and medspaCy's other directions (terminate, pseudo)
        scope_start, scope_end = sent_start, sent_end
        if max_scope is not None and start - scope_start > max_scope:
            scope_start = start - max_scope
        if max_scope is not None and scope_end - end > max_scope:
            scope_end = end + max_scope
    return scope_start, scope_end


@Language.factory(
    "opnote_context",
    default_config={"rules": None, "input_span_type": "group", "span_group_name": "medspacy_spans"},
)
def make_sentence_context(nlp: Language, name: str, rules: str | None, input_span_type: str,
                          span_group_name: str) -> SentenceContext:
    return SentenceContext(nlp, name=name, rules=rules, input_span_type=input_span_type,
                           span_group_name=span_group_name)
