"""Plain-data findings from a processed Doc."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass

import numpy
from spacy.attrs import IDX, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .nlp_constants import FINDINGS_GROUP, TEXT_KEY
from .span_cache import drop_cache, read_spans
from .span_values import span_extension_values
from .tokenizer import doc_text

# Header fields (diagnoses, indications, the procedure list, staff and EBL lines) end at the first
# blank line after their text: dictated notes often go on with the narrative without a header.
SHORT_SECTIONS = frozenset({"diagnosis", "indications", "procedure", "planned_procedure", "administrative"})

if not Doc.has_extension("opnote_findings"):
    Doc.set_extension("opnote_findings", default=[])

# Approach concepts that a "converted to open" in the same sentence applies to.
MINIMALLY_INVASIVE = frozenset({"laparoscopic", "thoracoscopic", "robotic", "minimally_invasive"})


@dataclass(frozen=True)
class Finding:
    """One rule match: what it is, where it is (character offsets), and its context."""

    label: str
    concept: str
    text: str
    start: int
    end: int
    section: str | None
    negated: bool
    historical: bool
    hypothetical: bool
    converted: bool
    sentence: int  # index of the sentence in the note, for grouping findings

    @property
    def asserted(self) -> bool:
        """True when the finding describes something done in this operation."""
        return not (self.negated or self.historical or self.hypothetical)

    def to_dict(self) -> dict:
        return asdict(self)


def findings_from_doc(doc: Doc) -> list[Finding]:
    """The findings of a processed note (computed by the opnote_findings component)."""
    return [Finding(*row) for row in doc._.opnote_findings]


def _compute_findings(doc: Doc) -> list[dict]:
    spans = sorted(read_spans(doc, FINDINGS_GROUP), key=lambda s: (s.start, s.end))
    if not spans:
        return []
    section_starts, section_names, section_ends = _section_bounds(doc)
    sent_starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()  # no Span objects needed
    values = span_extension_values(doc)
    text = doc_text(doc)  # a slice of it is span.text, without a Token per word
    found = []
    for span in spans:
        start, end = span.start_char, span.end_char
        section = None
        k = bisect_right(section_starts, start) - 1
        if k >= 0 and start < section_ends[k]:
            section = section_names[k]
        found.append(
            dict(
                label=span.label_,
                concept=values[("target_rule", start, end)].metadata["concept"],
                text=text[start:end],
                start=start,
                end=end,
                section=section,
                negated=bool(values.get(("is_negated", start, end))),
                historical=bool(values.get(("is_historical", start, end))),
                hypothetical=bool(values.get(("is_hypothetical", start, end))),
                sentence=bisect_right(sent_starts, span.start) - 1,
            )
        )
    for f in found:
        # "converted to open" reports what happened, even inside "planned MIE, converted to open"
        if f["label"] == "CONVERSION" and f["hypothetical"] and not f["negated"] \
                and f["text"].lower().startswith("converted"):
            f["hypothetical"] = False
    conversion_at = {}
    for f in found:
        if f["label"] == "CONVERSION" and not (f["negated"] or f["historical"] or f["hypothetical"]):
            conversion_at.setdefault(f["sentence"], f["start"])
    for f in found:
        # "planned minimally invasive esophagectomy, converted to open": what was planned was begun
        if f["sentence"] in conversion_at and f["start"] < conversion_at[f["sentence"]] and f["hypothetical"] \
                and f["label"] in ("APPROACH", "RESECTION"):
            f["hypothetical"] = False
        f["converted"] = (f["label"] == "APPROACH" and f["concept"] in MINIMALLY_INVASIVE
                          and f["sentence"] in conversion_at)
    return found


_FIELDS = tuple(Finding.__dataclass_fields__)

# Extension values that medspaCy leaves on the Doc and its spans. They hold rule and graph objects
# that cannot be serialised, which breaks nlp.pipe(n_process=...); the findings keep what we need.
_TRANSIENT = frozenset({"target_rule", "modifiers", "context_graph", "sections", "section", "is_negated",
                        "is_historical", "is_hypothetical", "is_uncertain", "is_family"})


@Language.component("opnote_findings")
def collect_findings(doc: Doc) -> Doc:
    """Store the findings as plain data on the Doc and drop medspaCy's unserialisable objects."""
    # Rows, not dicts: medspaCy registers a msgpack hook that takes any dict with a "section" key
    # for one of its Section objects, which would break nlp.pipe(n_process=...).
    doc._.opnote_findings = [[f[name] for name in _FIELDS] for f in _compute_findings(doc)]
    for key in [k for k in doc.user_data if isinstance(k, tuple) and len(k) > 1 and k[1] in _TRANSIENT]:
        del doc.user_data[key]
    doc.user_data.pop(TEXT_KEY, None)  # the text is the caller's; do not carry a copy in the Doc
    drop_cache(doc)
    return doc


def _section_bounds(doc: Doc) -> tuple[list[int], list[str | None], list[int]]:
    """Character start, category and end of each section (short sections end at a blank line)."""
    # Blank lines are whitespace tokens holding two or more line breaks, read from the token
    # arrays (a Token object per whitespace token costs more than the rest of this function).
    arrays = doc.to_array([IS_SPACE, IDX, ORTH])
    strings = doc.vocab.strings
    blank_lines = [idx for is_space, idx, orth in arrays[arrays[:, 0] == 1].tolist()
                   if strings[orth].count("\n") > 1]
    starts, names, ends = [], [], []
    for section in doc._.sections:
        start = doc[section.title_start].idx if section.title_start < len(doc) else len(doc.text)
        end = doc[section.body_end - 1].idx + len(doc[section.body_end - 1]) if section.body_end > 0 else 0
        if section.category in SHORT_SECTIONS:
            # the first blank line after the section's first words
            first_word = next((i for i in range(section.body_start, section.body_end) if not doc[i].is_space), None)
            if first_word is not None:
                after = doc[first_word].idx
                k = bisect_right(blank_lines, after)  # blank_lines ascend with the tokens
                if k < len(blank_lines) and blank_lines[k] < end:
                    end = blank_lines[k]
        starts.append(start)
        names.append(section.category)
        ends.append(end)
    return starts, names, ends
