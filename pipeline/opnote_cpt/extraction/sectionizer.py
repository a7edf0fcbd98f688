"""medspaCy's Sectionizer without the per-token bookkeeping.

medspaCy sets `token._.section` on every token of the note (about 0.6 ms a note here); we only
read `doc._.sections`, so this subclass keeps medspaCy's rules, matcher and Section objects and
skips that loop. Its matches are pruned by `matching.py`.
"""
from medspacy.section_detection import Sectionizer
from medspacy.section_detection.section import Section
from spacy.language import Language
from spacy.tokens import Doc

from .matching import medspacy_matches


class LeanSectionizer(Sectionizer):
    def __call__(self, doc: Doc) -> Doc:
        matcher = self._Sectionizer__matcher  # medspaCy keeps its matcher name-mangled
        matches = medspacy_matches(matcher, doc)
        if self.require_start_line:
            matches = self.filter_start_lines(doc, matches)
        sections = []
        if not matches:
            sections.append(Section(None, 0, 0, 0, len(doc)))
        elif matches[0][1] != 0:
            sections.append(Section(None, 0, 0, 0, matches[0][1]))
        for i, (match_id, start, end) in enumerate(matches):
            rule = matcher.rule_map[self.nlp.vocab.strings[match_id]]
            body_end = matches[i + 1][1] if i + 1 < len(matches) else len(doc)
            sections.append(Section(rule.category, start, end, end, body_end, None, rule))
        doc._.sections = sections
        return doc


@Language.factory(
    "opnote_sectionizer",
    default_config={"require_start_line": True},
)
def make_lean_sectionizer(nlp: Language, name: str, require_start_line: bool) -> LeanSectionizer:
    return LeanSectionizer(nlp, name=name, rules=None, require_start_line=require_start_line,
                           input_span_type=None, span_attrs=None)
