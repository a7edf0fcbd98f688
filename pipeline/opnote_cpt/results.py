"""Results as plain data: offsets, scores and the evidence behind them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # results are plain data: importing them must not load spaCy and medspaCy
    from .extraction import Finding


@dataclass(frozen=True)
class Evidence:
    label: str
    text: str
    start: int
    end: int

    @classmethod
    def from_finding(cls, f: Finding) -> "Evidence":
        return cls(f.label, f.text, f.start, f.end)

    def to_dict(self) -> dict:
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class CodeScore:
    code: str
    score: float
    rank: int
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {"code": self.code, "score": round(self.score, 4), "rank": self.rank,
                "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Suggestion:
    """What opnote-cpt suggests for one note (the JSONL line of the CLI is `to_dict()`)."""

    id: str | None
    codes: tuple[CodeScore, ...] = ()
    addons: tuple[CodeScore, ...] = ()
    out_of_profile: bool = False
    needs_review: bool = False
    review_reasons: tuple[str, ...] = ()
    error: str | None = None
    neighbours: tuple[str, ...] = ()  # for out-of-profile notes: neighbouring operations' codes

    @property
    def top(self) -> CodeScore | None:
        return self.codes[0] if self.codes else None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "codes": [c.to_dict() for c in self.codes],
            "addons": [a.to_dict() for a in self.addons],
            "out_of_profile": self.out_of_profile,
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
            "neighbours": list(self.neighbours),
            "error": self.error,
        }

    @classmethod
    def failed(cls, note_id: str | None, error: str) -> "Suggestion":
        """An error row: no codes, flagged for review, the error kind and a message without note text."""
        return cls(id=note_id, needs_review=True, error=error)
