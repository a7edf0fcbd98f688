"""Word families as spaCy NORM values, computed once per distinct word.

Target patterns match families ("thoracoscopic" covers thoracoscopy, thoracoscopically,
thorascopic) through NORM instead of REGEX predicates: spaCy evaluates a REGEX predicate on every
token for every pattern, while a lexeme's NORM is computed once, when the word is first seen.
"""
from __future__ import annotations

import re
from pathlib import Path

from spacy.attrs import NORM
from spacy.language import Language

from ..errors import RuleFileError
from ..jsonl_rules import bundled_path, read_jsonl_records


class WordFamilies:
    """Callable that maps a word to its family name (or its lower-case spelling-normalised form)."""

    def __init__(self, spellings: list[tuple[str, str]], families: list[tuple[str, re.Pattern]]):
        self.spellings = spellings
        self.families = families

    @classmethod
    def from_jsonl(cls, path: str | Path | None = None) -> "WordFamilies":
        path = path or bundled_path("token_norms.jsonl")
        spellings, families = [], []
        for where, rec in read_jsonl_records(path, required=set(), optional={"spelling", "as", "norm", "regex"}):
            keys = set(rec)
            if keys == {"spelling", "as"}:
                spellings.append((rec["spelling"], rec["as"]))
            elif keys == {"norm", "regex"}:
                try:
                    families.append((rec["norm"], re.compile(rec["regex"])))
                except re.error as exc:
                    raise RuleFileError(f"{where}: invalid regex ({exc})") from None
            else:
                raise RuleFileError(f"{where}: a line is either {{spelling, as}} or {{norm, regex}}")
        return cls(spellings, families)

    def __call__(self, word: str) -> str:
        text = word.lower()
        for old, new in self.spellings:
            if old in text:
                text = text.replace(old, new)
        for norm, pattern in self.families:
            if pattern.search(text):
                return norm
        return text


def install_word_families(nlp: Language, families: WordFamilies) -> None:
    """Make new lexemes take their NORM from the word families (call before processing text)."""
    nlp.vocab.lex_attr_getters[NORM] = families
