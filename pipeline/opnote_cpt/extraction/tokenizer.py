"""spaCy's tokenizer, with its chunk cache kept full and the note's text kept on the Doc.

Cache: spaCy tokenizes a note chunk by chunk (the runs between whitespace) and caches each
chunk's tokens, but within one call it stops caching after the first chunk that hits a special
case ("Dr.", "a.m.", "p.m." ...; a flag that is never reset, spaCy 3.7 tokenizer.pyx). Every later
new chunk of the note then goes through the prefix, suffix and infix expressions again on every
note it appears in: about half the tokenizer's time on these notes. A chunk tokenized on its own
is cached, and its tokens are the same as in context (tokenization is per chunk), so each chunk
not seen before is first tokenized alone, once per process.

Text: `Doc.text` is not stored: spaCy joins it from every token in a Python loop (~0.3 ms a note
here), and the sentence splitter works on characters. The text is the very string the tokenizer
was given, so it is kept in `doc.user_data`; `opnote_findings` removes it at the end.
"""
from spacy.tokens import Doc

from .nlp_constants import TEXT_KEY

# Chunks remembered as warmed. Past this many the memory is dropped and starts again: warming a
# chunk that is already cached costs one cache hit, and spaCy's own string store grows anyway.
MAX_WARMED = 200_000


class TextKeepingTokenizer:
    """Wraps a tokenizer; everything but the call (rules, to_disk, ...) is the wrapped one's."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.warmed: set[str] = set()

    def __call__(self, text: str) -> Doc:
        new = set(text.split()) - self.warmed
        if new:
            if len(self.warmed) + len(new) > MAX_WARMED:
                self.warmed.clear()
            tokenizer = self.tokenizer
            for chunk in new:
                tokenizer(chunk)
            self.warmed.update(new)
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __reduce__(self):  # pickled for nlp.pipe(n_process=...): the warm-up set stays behind
        return (type(self), (self.tokenizer,))

    def __getattr__(self, name: str):
        if name in ("tokenizer", "warmed"):  # not set yet: do not recurse
            raise AttributeError(name)
        return getattr(self.tokenizer, name)


def doc_text(doc: Doc) -> str:
    """The Doc's text: the kept string, or spaCy's join for a Doc made another way."""
    text = doc.user_data.get(TEXT_KEY)
    if isinstance(text, str) and len(doc) and len(text) == doc[-1].idx + len(doc[-1].text_with_ws):
        return text
    return doc.text
