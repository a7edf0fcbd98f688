"""medspaCy's matches and its longest-match pruning, without the quadratic list handling.

medspaCy's `prune_overlapping_matches` takes each match off the front of a list (`pop(0)`, which
moves every other match) and recurses until nothing changes: quadratic in the matches of a note,
~2 ms on a 1,500-word note here. `prune_longest` makes the same passes with an index and returns
the same list; `tests/test_matching.py` compares the two on random and real matches.
"""
from __future__ import annotations

Match = tuple[int, int, int]  # (match_id, start, end), as spaCy's matchers return them


def prune_longest(matches: list[Match]) -> list[Match]:
    """medspaCy's "longest" pruning: of two overlapping neighbours (sorted by start, end) keep the
    longer, the first on a tie, and skip the match after them; repeat until no match is dropped."""
    while matches:
        ordered = sorted(matches, key=_start_end)
        pruned = []
        n = len(ordered)
        current, i = ordered[0], 1
        while True:
            if i == n:
                pruned.append(current)
                break
            following = ordered[i]
            i += 1
            _, a_start, a_end = current
            _, b_start, b_end = following
            if a_start <= b_start < a_end or a_start < b_end <= a_end:
                pruned.append(following if b_end - b_start > a_end - a_start else current)
                if i == n:
                    break
                current = ordered[i]
                i += 1
            else:
                pruned.append(current)
                current = following
        if len(pruned) == len(matches):
            return pruned
        matches = pruned
    return matches


def _start_end(match: Match) -> tuple[int, int]:
    return match[1], match[2]


def medspacy_matches(matcher, doc, token_matches: list[Match] | None = None) -> list[Match]:
    """What a medspaCy `MedspacyMatcher` returns for `doc`: its token, phrase and regex matchers
    in its order, then its pruning (done by `prune_longest`). `token_matches`, when given, stand
    for the token matcher's (ConText finds them in windows of the Doc)."""
    if token_matches is None:
        token_matcher = matcher._MedspacyMatcher__matcher  # medspaCy keeps its matchers name-mangled
        # An empty token Matcher finds nothing, but formats and files a warning (W036) on every call.
        token_matches = token_matcher(doc) if len(token_matcher) else []
    matches = list(token_matches)
    matches += matcher._MedspacyMatcher__phrase_matcher(doc)
    matches += matcher._MedspacyMatcher__regex_matcher(doc)
    return prune_longest(matches) if matcher._prune else matches
