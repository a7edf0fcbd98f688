"""opnote-cpt: suggest CPT esophagectomy codes, with evidence, from operative notes.

    from opnote_cpt import suggest, extract
    result = suggest(note_text)          # ranked codes, add-ons, review flags
    findings = extract(note_text)        # the findings behind them

Nothing is loaded at import: the pipeline and model load on the first call.
"""
from __future__ import annotations

from .errors import InputError, ModelError, OpnoteCptError, RuleFileError

__version__ = "0.1.0"
__all__ = ["suggest", "extract", "Engine", "OpnoteCptError", "InputError", "ModelError", "RuleFileError", "__version__"]


def suggest(text: str, top_k: int = 5, *, note_id: str | None = None):
    """Ranked profile codes for one note, with evidence, add-ons and review flags."""
    from .engine import default_engine

    return default_engine().suggest(text, note_id=note_id, top_k=top_k)


def extract(text: str):
    """The findings of one note: label, concept, text, offsets, section and context flags."""
    from .engine import default_engine

    return default_engine().extract(text)


def __getattr__(name: str):
    if name == "Engine":
        from .engine import Engine

        return Engine
    raise AttributeError(name)
