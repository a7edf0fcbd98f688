"""Kept Span objects are used only while they are still the Doc's span group."""
import spacy
from spacy.tokens import Span

from opnote_cpt.extraction.span_cache import CACHE_KEY, read_spans, write_spans


def _doc():
    return spacy.blank("en")("Ivor Lewis esophagectomy with a feeding jejunostomy was performed today.")


def _offsets(spans):
    return [(s.start, s.end, s.label_) for s in spans]


def test_reads_what_was_written_and_reuses_the_objects():
    doc = _doc()
    spans = [Span(doc, 0, 2, label="APPROACH"), Span(doc, 2, 3, label="RESECTION")]
    write_spans(doc, "findings", spans)
    first, second = read_spans(doc, "findings"), read_spans(doc, "findings")
    assert first[0] is spans[0] and second[1] is spans[1]
    first.pop()  # a caller's list is its own
    assert _offsets(read_spans(doc, "findings")) == [(0, 2, "APPROACH"), (2, 3, "RESECTION")]


def test_a_replaced_or_changed_group_is_read_afresh():
    doc = _doc()
    write_spans(doc, "findings", [Span(doc, 0, 2, label="APPROACH")])
    doc.spans["findings"] = [Span(doc, 5, 7, label="JEJUNOSTOMY")]  # another component replaced it
    assert _offsets(read_spans(doc, "findings")) == [(5, 7, "JEJUNOSTOMY")]
    doc.spans["findings"].append(Span(doc, 2, 3, label="RESECTION"))  # or added to it
    assert _offsets(read_spans(doc, "findings")) == [(5, 7, "JEJUNOSTOMY"), (2, 3, "RESECTION")]
    assert read_spans(doc, "other") == []


def test_the_pipeline_leaves_no_kept_spans_on_the_doc(engine):
    from opnote_cpt.textprep import prepare

    doc = engine.nlp(prepare("Thoracoscopic and laparoscopic esophagectomy with cervical anastomosis."))
    assert CACHE_KEY not in doc.user_data
    assert doc._.opnote_findings  # the findings are there
    assert doc.to_bytes()  # and the Doc serialises (nlp.pipe(n_process=...) needs that)
