"""A rule sentence splitter for operative notes.

spaCy's sentencizer only splits on punctuation, so header fields and numbered procedure lists
("1. Ivor Lewis esophagectomy\n2. Feeding jejunostomy") would run together and let a negation in
one item reach the next. This splitter also breaks at blank lines, after a header's colon at a
line end, and at a line that starts like an item or a sentence. It works on the characters with
one regular expression, then sets all boundaries at once (no per-token Python loop).
"""
from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .tokenizer import doc_text

_BOUNDARY = re.compile(
    r"""(?<=[.!?;])\s+(?=\S)            # after sentence punctuation
      | :[ \t]*\n\s*(?=\S)              # after a colon that ends a line
      | \n[ \t]*\n\s*(?=\S)             # after a blank line
      | \n\s*(?=[A-Z0-9•·*+>\-–—(\[])   # at a line that starts like an item or a sentence
    """,
    re.VERBOSE,
)


@Language.component("opnote_sentences")
def split_sentences(doc: Doc) -> Doc:
    if len(doc) == 0:
        return doc
    starts = doc.to_array([IDX])
    flags = numpy.full((len(doc), 1), -1, dtype="int32")
    flags[0, 0] = 1
    offsets = [m.end() for m in _BOUNDARY.finditer(doc_text(doc))]
    if offsets:
        positions = numpy.searchsorted(starts, numpy.asarray(offsets, dtype=starts.dtype))
        positions = positions[positions < len(doc)]
        flags[positions, 0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))
    return doc
