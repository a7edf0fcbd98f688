"""The cache-warming tokenizer gives spaCy's tokens, to the character, on real inputs."""
import pickle

import pytest
import spacy
from spacy.attrs import IDX, ORTH, SPACY

from conftest import CORPUS, REALNOTES
from opnote_cpt.extraction import tokenizer as tokenizer_module
from opnote_cpt.extraction.nlp_constants import TEXT_KEY
from opnote_cpt.extraction.tokenizer import TextKeepingTokenizer

# Special cases first ("Dr.", "a.m."), so that spaCy itself stops caching the rest of the note;
# a non-breaking space and a tab are whitespace to both str.split() and spaCy.
TRICKY = (
    "Dr. Smith saw the pt at 7 a.m. (VATS/laparoscopic) Ivor-Lewis esophagectomy, i.e. MIE;\u00a0"
    "J-tube\tplaced.  Anastomosis: cervical (neck)... \"stapled\" 3-0 PDS, 25mm EEA; 2nd-look? no.\n\n"
    "Pt's pylorus: Heineke-Mikulicz pyloroplasty; can't/won't say. U.K.-style oesophagectomy."
)


def _notes() -> list[str]:
    paths = sorted((CORPUS / "notes").glob("*/*.txt"))[::2] + sorted((REALNOTES / "mtsamples").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths] + [TRICKY]


def _tokens(doc):
    return doc.to_array([ORTH, IDX, SPACY]).tolist()


def _check_same_tokens(ours: TextKeepingTokenizer, texts: list[str]) -> None:
    reference = spacy.blank("en").tokenizer
    for text in texts:
        doc = ours(text)
        assert doc.user_data[TEXT_KEY] is text
        assert _tokens(doc) == _tokens(reference(text)), text[:40]


def test_tokens_equal_spacy_cold_and_warm():
    texts = _notes()
    assert len(texts) > 450
    ours = TextKeepingTokenizer(spacy.blank("en").tokenizer)
    _check_same_tokens(ours, texts)  # every chunk new: warmed as it comes
    assert len(ours.warmed) > 10_000
    _check_same_tokens(ours, texts[::-1])  # all cached now, in another order


def test_tokens_equal_spacy_when_the_warm_set_is_reset(monkeypatch):
    monkeypatch.setattr(tokenizer_module, "MAX_WARMED", 500)
    ours = TextKeepingTokenizer(spacy.blank("en").tokenizer)
    _check_same_tokens(ours, _notes()[:60])
    assert 0 < len(ours.warmed) <= 500


def test_pickles_without_its_warm_set():
    ours = TextKeepingTokenizer(spacy.blank("en").tokenizer)
    ours(TRICKY)
    copy = pickle.loads(pickle.dumps(ours))
    assert copy.warmed == set()
    assert _tokens(copy(TRICKY)) == _tokens(ours(TRICKY))


@pytest.mark.parametrize("text", ["", " ", "\n\n", "word", "  two  spaces  "])
def test_edge_texts(text):
    _check_same_tokens(TextKeepingTokenizer(spacy.blank("en").tokenizer), [text])
