"""Run spaCy's token Matcher only where a token pattern can match.

spaCy's Matcher builds a Python Token for every token of the Doc it reads, whatever the patterns:
for the four date patterns of our ConText rules ("in March 2019") that costs a third of ConText.
Every match of a pattern holds each of its required tokens (those without an "OP"), so the
Matcher only needs to read the tokens around a token that satisfies one of them. For each
pattern we take its most selective required token (a REGEX, else a set, else a word) and make
it a spaCy lexeme flag, computed once per distinct word; a Doc's candidate tokens are then one
`to_array` call, and the Matcher runs on windows of the pattern's length around them. A pattern
that cannot be anchored so (no required token on ORTH, TEXT or LOWER alone, or an unbounded
"+"/"*") makes the whole Doc one window.
"""
from __future__ import annotations

import re

import numpy
from spacy.tokens import Doc
from spacy.vocab import Vocab

_ATTRS = {"ORTH", "TEXT", "LOWER"}  # a lexeme's own text; a token's NORM can differ from its lexeme's


class WordTest:
    """Does a word satisfy one token spec ({"LOWER": {"IN": [...]}}, {"TEXT": {"REGEX": ...}}, ...)?"""

    def __init__(self, spec: dict):
        self.spec = spec
        self._regex = {attr: re.compile(v["REGEX"]) for attr, v in spec.items() if isinstance(v, dict) and "REGEX" in v}

    def __call__(self, word: str) -> bool:
        for attr, want in self.spec.items():
            value = word.lower() if attr == "LOWER" else word
            if isinstance(want, str):
                ok = value == want
            elif "IN" in want:
                ok = value in want["IN"]
            else:
                ok = self._regex[attr].search(value) is not None
            if not ok:
                return False
        return True


def anchor_spec(pattern: list[dict]) -> dict | None:
    """The most selective required token of a pattern, or None when it cannot be anchored."""
    best, rank = None, -1
    for token in pattern:
        if token.get("OP") in ("+", "*"):
            return None
        if "OP" in token or not token or not set(token) <= _ATTRS:
            continue
        values = list(token.values())
        if not all(isinstance(v, str) or (isinstance(v, dict) and len(v) == 1 and set(v) <= {"IN", "REGEX"})
                   for v in values):
            continue
        r = 2 if any(isinstance(v, dict) and "REGEX" in v for v in values) else \
            1 if any(isinstance(v, dict) for v in values) else 0
        if r > rank:
            best, rank = token, r
    return best


class AnchoredWindows:
    """Token windows of a Doc in which a set of token patterns can match."""

    def __init__(self, vocab: Vocab, patterns: list[list[dict]]):
        self.width = max((len(p) for p in patterns), default=0)
        self.flags: list[int] | None = None  # None: match everywhere
        specs = {}
        for pattern in patterns:
            spec = anchor_spec(pattern)
            if spec is None:
                return
            specs.setdefault(repr(sorted(spec.items())), spec)  # patterns often share their anchor
        self.flags = [vocab.add_flag(WordTest(spec)) for spec in specs.values()]

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        if self.flags is None:
            return [(0, len(doc))] if len(doc) else []
        if not self.flags or not len(doc):
            return []
        windows: list[list[int]] = []
        for i in numpy.flatnonzero(doc.to_array(self.flags).any(axis=1)).tolist():
            start, end = max(0, i - self.width + 1), min(len(doc), i + self.width)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        return [(a, b) for a, b in windows]
