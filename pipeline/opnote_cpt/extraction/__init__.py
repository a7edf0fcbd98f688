"""Finding extraction: a blank-English spaCy pipeline with medspaCy's sectionizer, target matcher
and ConText, driven by the JSONL rule files in opnote_cpt/resources."""
from .findings import Finding, findings_from_doc
from .nlp import build_nlp, process_batch

__all__ = ["Finding", "build_nlp", "findings_from_doc", "process_batch"]
