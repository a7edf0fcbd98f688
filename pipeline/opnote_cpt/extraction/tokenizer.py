"""spaCy's tokenizer, keeping the note's text on the Doc for the components that read characters.

`Doc.text` is not stored: spaCy joins it from every token in a Python loop (~0.3 ms a note here),
and the sentence splitter works on characters. The text is the very string the tokenizer was
given, so it is kept in `doc.user_data`; `opnote_findings` removes it at the end of the pipeline.
"""
from spacy.tokens import Doc

from .nlp_constants import TEXT_KEY


class TextKeepingTokenizer:
    """Wraps a tokenizer; everything but the call (rules, to_disk, ...) is the wrapped one's."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        if name == "tokenizer":  # not set yet (unpickling): do not recurse
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def doc_text(doc: Doc) -> str:
    """The Doc's text: the kept string, or spaCy's join for a Doc made another way."""
    text = doc.user_data.get(TEXT_KEY)
    if isinstance(text, str) and len(doc) and len(text) == doc[-1].idx + len(doc[-1].text_with_ws):
        return text
    return doc.text
