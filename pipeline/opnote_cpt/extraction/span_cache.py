"""The findings span group as Span objects, handed from one of our components to the next.

Every Span that spaCy 3.7 hands out of a SpanGroup is built through `Span.__init__`, which makes
three Token objects to compute offsets the group already holds (`Span.cinit`, span.pxd). Our
components each read the whole group, so the Span objects are kept with the group they were
written to and reused while that group is still the Doc's and has as many spans: a component
that replaces the group, or changes its number of spans, makes the next read build them afresh.
(One that swaps a span in place would not be seen; the group is written by our components only.)
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

CACHE_KEY = "opnote_span_cache"  # doc.user_data key: (group name, SpanGroup, list of its Spans)


def read_spans(doc: Doc, name: str) -> list[Span]:
    """The spans of `doc.spans[name]` (a new list; empty when there is no such group)."""
    group = doc.spans.get(name)
    if group is None:
        return []
    cached = doc.user_data.get(CACHE_KEY)
    if cached is not None and cached[0] == name and cached[1] is group and len(cached[2]) == len(group):
        return list(cached[2])
    spans = list(group)
    doc.user_data[CACHE_KEY] = (name, group, spans)
    return spans


def write_spans(doc: Doc, name: str, spans: list[Span]) -> None:
    """Set `doc.spans[name]` to `spans` and keep the Span objects for the next component."""
    doc.spans[name] = spans
    doc.user_data[CACHE_KEY] = (name, doc.spans[name], list(spans))


def drop_cache(doc: Doc) -> None:
    """Forget the kept Spans: they refer back to the Doc, and cannot be serialised with it."""
    doc.user_data.pop(CACHE_KEY, None)
