from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpora"
REALNOTES = REPO.parent / "shared" / "realnotes"
DEMO = REPO / "demo" / "notes"


@pytest.fixture(scope="session")
def engine():
    from opnote_cpt.engine import default_engine

    return default_engine()


@pytest.fixture(scope="session")
def extract(engine):
    def run(text: str):
        return engine.extract(text)

    return run


def find(findings, label: str, concept: str | None = None):
    """The findings with this label (and concept)."""
    return [f for f in findings if f.label == label and (concept is None or f.concept == concept)]
