"""Build the extraction pipeline: blank English + rule sentences + sections + targets + ConText."""
from __future__ import annotations

import warnings
from pathlib import Path

import spacy
from spacy.language import Language

from . import context, findings, relations, sectionizer, sentences, targets  # noqa: F401  (register the opnote_* factories)
from .nlp_constants import FINDINGS_GROUP
from .rule_files import load_context_rules, load_section_rules, load_target_rules
from .tokenizer import TextKeepingTokenizer
from .word_families import WordFamilies, install_word_families


def build_nlp(
    *,
    targets_path: str | Path | None = None,
    context_path: str | Path | None = None,
    sections_path: str | Path | None = None,
    norms_path: str | Path | None = None,
    relations_path: str | Path | None = None,
) -> Language:
    """Return the pipeline. Paths default to the rule files shipped in opnote_cpt/resources.

    medspaCy's components start with no rules (not medspaCy's defaults); ours are loaded from the
    JSONL files, validated with file:line errors. PyRuSH is not used: our splitter is ~100x faster.
    """
    import medspacy  # noqa: F401  (registers the medspacy_* factories)

    # Our section rules are all phrases, so the sectionizer's token matcher is empty by design;
    # spaCy would warn about that (W036) on every note.
    warnings.filterwarnings("ignore", message=r"\[W036\]")

    nlp = spacy.blank("en")
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    install_word_families(nlp, WordFamilies.from_jsonl(norms_path))
    nlp.add_pipe("opnote_sentences")
    sections = nlp.add_pipe("opnote_sectionizer")
    # Target phrases match on NORM, so one phrase covers a word family and British spellings.
    matcher = nlp.add_pipe(
        "opnote_target_matcher",
        config={"rules": None, "result_type": "group", "span_group_name": FINDINGS_GROUP, "phrase_matcher_attr": "NORM"},
    )
    nlp.add_pipe("opnote_relations", config={"path": str(relations_path) if relations_path else None})
    context = nlp.add_pipe(
        "opnote_context", config={"rules": None, "input_span_type": "group", "span_group_name": FINDINGS_GROUP}
    )
    nlp.add_pipe("opnote_findings")
    # medspaCy runs nlp() on every phrase rule it adds: with the pipes disabled that is tokenizing only.
    with nlp.select_pipes(enable=[]):
        sections.add(load_section_rules(nlp, sections_path))
        matcher.add(load_target_rules(nlp, targets_path))
        context.add(load_context_rules(nlp, context_path))
    return nlp


def process_batch(nlp: Language, texts: list[str]) -> list:
    """The processed Docs of `texts`, each component run over the whole batch in turn.

    Equivalent to `list(nlp.pipe(texts))` for this pipeline, whose components have no `pipe` of
    their own: spaCy would then chain them doc by doc; component by component keeps each one's
    code and tables in the CPU caches (about 15% less time here, measured in paired runs).
    """
    docs = [nlp.make_doc(text) for text in texts]
    for _, component in nlp.pipeline:
        docs = [component(doc) for doc in docs]
    return docs
