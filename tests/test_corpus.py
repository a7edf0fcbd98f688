"""The corpus: quotas, fixed split, labels that agree with the domain rules, and held-out figures."""
import re
from collections import Counter

import pytest

from conftest import CORPUS, REALNOTES
from opnote_cpt.corpus import load_corpus, load_realnotes, load_split
from opnote_cpt.profile import load_profile

MAIN = ("43288", "43287", "43286", "43107", "43112", "43117")


@pytest.fixture(scope="module")
def notes():
    return load_corpus(CORPUS)


def test_quotas(notes):
    counts = Counter(n.target for n in notes)
    assert len(notes) >= 400
    assert counts["OUT"] >= 80
    for code in (c.code for c in load_profile().primary):
        assert counts[code] >= (30 if code in MAIN else 15), code
    assert sum("44015" in n.addons for n in notes) >= 60
    assert sum(n.review == "hybrid" for n in notes) >= 8
    assert sum(n.review == "conversion" for n in notes) >= 8
    assert sum("robotic" in n.tags for n in notes) >= 16


def test_split_is_fixed_disjoint_and_by_author():
    split = load_split(CORPUS)
    groups = [g for name in ("train", "dev", "test") for g in split[name]]
    assert len(groups) == len(set(groups))
    assert split["test"] and not set(split["test"]) & set(split["train"] + split["dev"])


def test_labels_follow_the_rules(notes):
    for n in notes:
        assert n.out_of_profile == (n.code is None)
        if n.out_of_profile:
            assert n.addons == ()
        assert set(n.addons) <= {"44015"}


def test_notes_carry_no_code_numbers(notes):
    code_number = re.compile(r"\b4[34]\d{3}\b")
    assert [n.id for n in notes if code_number.search(n.text)] == []


def test_realnotes_are_all_labelled():
    real = load_realnotes(CORPUS, REALNOTES)
    files = sorted(p.stem for p in (REALNOTES / "mtsamples").glob("*.txt"))
    assert sorted(n.id for n in real) == files
    assert {n.id: n.code for n in real if not n.out_of_profile} == {
        "073_esophagogastrectomy-jejunostomy-and-chest-tubes": "43117"}


def test_held_out_figures(engine):
    """The test split is written by authors the model never saw; these are floors, not the figures."""
    from opnote_cpt.evaluation import evaluate

    figures = evaluate(engine, load_corpus(CORPUS, ("test",)))
    assert figures["top1"] >= 0.9
    assert figures["top3"] >= 0.95
    assert figures["oop_recall"] >= 0.9
    assert figures["addon_44015_recall"] >= 0.9
    real = evaluate(engine, load_realnotes(CORPUS, REALNOTES))
    assert real["oop_recall"] >= 0.95 and real["top1"] == 1.0
