"""Our sentence-scoped ConText gives the findings of medspaCy's own ConText, on real inputs."""
from conftest import CORPUS, REALNOTES


def _with_medspacy_context():
    from opnote_cpt.extraction import build_nlp
    from opnote_cpt.extraction.nlp_constants import FINDINGS_GROUP
    from opnote_cpt.extraction.rule_files import load_context_rules

    nlp = build_nlp()
    nlp.replace_pipe("opnote_context", "medspacy_context",
                     config={"rules": None, "input_span_type": "group", "span_group_name": FINDINGS_GROUP})
    with nlp.select_pipes(enable=[]):
        nlp.get_pipe("opnote_context").add(load_context_rules(nlp))
    return nlp


def test_findings_equal_medspacy_context_on_corpus_and_real_notes(engine):
    from opnote_cpt.extraction import findings_from_doc
    from opnote_cpt.textprep import prepare

    reference = _with_medspacy_context()
    assert type(reference.get_pipe("opnote_context")).__name__ == "ConText"
    paths = sorted((CORPUS / "notes").glob("*/*.txt"))[::3] + sorted((REALNOTES / "mtsamples").glob("*.txt"))
    texts = [prepare(p.read_text(encoding="utf-8")) for p in paths]
    ours = [findings_from_doc(d) for d in engine.nlp.pipe(texts)]
    theirs = [findings_from_doc(d) for d in reference.pipe(texts)]
    assert sum(map(len, ours)) > 5000
    assert sum(f.negated or f.historical or f.hypothetical for fs in ours for f in fs) > 500  # context did work
    for path, a, b in zip(paths, ours, theirs):
        assert a == b, path.name


def test_anchored_windows_find_every_token_pattern_match():
    import spacy
    from spacy.matcher import Matcher

    from opnote_cpt.extraction.anchors import AnchoredWindows

    nlp = spacy.blank("en")
    patterns = [
        [{"LOWER": "in"}, {"LOWER": {"IN": ["march", "may"]}}, {"LOWER": "of", "OP": "?"}, {"TEXT": {"REGEX": "^(19|20)\\d\\d$"}}],
        [{"LOWER": "status"}, {"LOWER": "post"}],
    ]
    matcher = Matcher(nlp.vocab)
    for i, pattern in enumerate(patterns):
        matcher.add(str(i), [pattern])
    windows = AnchoredWindows(nlp.vocab, patterns)
    doc = nlp("Status post Nissen in May of 2019; seen in march 2020. Nothing in May. The pylorus in 1999 was fine.")
    found = sorted((m, s + a, e + a) for a, b in windows(doc) for m, s, e in matcher(doc[a:b]))
    assert found == sorted(matcher(doc)) and len(found) == 3
    assert sum(b - a for a, b in windows(doc)) < len(doc)  # the Matcher reads part of the note only
    assert windows(nlp("Nothing to see here.")) == []
    unbounded = AnchoredWindows(nlp.vocab, [[{"LOWER": "in"}, {"IS_DIGIT": True, "OP": "+"}]])
    assert unbounded(doc) == [(0, len(doc))]


def test_sentence_scope_equals_medspacy_modifier_scope(engine):
    from medspacy.context import ConTextRule
    from medspacy.context.context_modifier import ConTextModifier

    from opnote_cpt.extraction.context import sentence_scope
    from opnote_cpt.textprep import prepare

    rules = [ConTextRule("x", "NEGATED_EXISTENCE", direction=d, max_scope=m)
             for d in ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO") for m in (None, 1, 3, 8)]
    paths = sorted((CORPUS / "notes").glob("*/*.txt"))[::40]
    compared = 0
    for path in paths:
        doc = engine.nlp.make_doc(prepare(path.read_text(encoding="utf-8")))
        engine.nlp.get_pipe("opnote_sentences")(doc)
        for sent in doc.sents:
            for start in range(sent.start, sent.end, 3):
                end = min(start + 2, sent.end)
                for rule in rules:
                    theirs = ConTextModifier(rule, start, end, doc)
                    assert sentence_scope(rule, start, end, sent.start, sent.end) == \
                        (theirs._scope_start, theirs._scope_end), (path.name, start, rule.direction, rule.max_scope)
                    compared += 1
    assert compared > 20_000
