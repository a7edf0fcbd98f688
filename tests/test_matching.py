"""Our linear longest-match pruning returns what medspaCy's own pruning returns."""
import random

from medspacy.common.util import prune_overlapping_matches

from conftest import CORPUS
from opnote_cpt.extraction.matching import medspacy_matches, prune_longest


def test_equals_medspacy_on_random_matches():
    rng = random.Random(7)
    pruned_some = 0
    for _ in range(3000):
        n = rng.randint(0, 40)
        matches = []
        for _ in range(n):
            start = rng.randint(0, 60)
            matches.append((rng.randint(1, 5), start, start + rng.randint(1, 8)))
        ours, theirs = prune_longest(list(matches)), prune_overlapping_matches(list(matches))
        assert ours == theirs, matches
        pruned_some += len(ours) < len(matches)
    assert pruned_some > 1000  # the inputs did overlap


def test_equals_medspacy_on_the_matches_of_corpus_notes(engine):
    from opnote_cpt.textprep import prepare

    matcher = engine.nlp.get_pipe("opnote_target_matcher")._TargetMatcher__matcher
    paths = sorted((CORPUS / "notes").glob("*/*.txt"))[::4]
    total = 0
    for path in paths:
        doc = engine.nlp.make_doc(prepare(path.read_text(encoding="utf-8")))
        raw = matcher._MedspacyMatcher__phrase_matcher(doc) + matcher._MedspacyMatcher__regex_matcher(doc)
        assert prune_longest(list(raw)) == prune_overlapping_matches(list(raw)), path.name
        assert medspacy_matches(matcher, doc) == matcher(doc), path.name
        total += len(raw)
    assert total > 3000
