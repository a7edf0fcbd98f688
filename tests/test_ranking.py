"""Ranking: the right code on top for notes written for these tests, flags, add-ons, the contract."""
import pytest

from opnote_cpt import suggest

NOTES = {
    "43288": "Procedure: minimally invasive esophagectomy. Thoracoscopic mobilization of the esophagus in the right "
             "chest, laparoscopic creation of the gastric conduit, then a left neck incision and a stapled cervical "
             "esophagogastric anastomosis.",
    "43287": "Robotic-assisted Ivor Lewis esophagectomy. The stomach was mobilized laparoscopically and tubularized; "
             "robotic thoracoscopic mobilization of the esophagus and an intrathoracic anastomosis above the azygos.",
    "43286": "Laparoscopic transhiatal esophagectomy: five ports, gastric conduit, esophagus mobilized through the "
             "hiatus; no chest incision. Left cervical incision, anastomosis in the neck.",
    "43107": "Transhiatal esophagectomy (Orringer). Upper midline laparotomy, blunt mediastinal dissection, gastric "
             "pull-up through the posterior mediastinum, cervical anastomosis via a left neck incision.",
    "43112": "Three-field esophagectomy: right posterolateral thoracotomy, upper midline laparotomy, left neck "
             "incision; gastric tube brought to the neck with a hand-sewn cervical anastomosis.",
    "43117": "Ivor Lewis esophagectomy: upper midline laparotomy with gastric mobilization, then right thoracotomy; "
             "the gastric conduit was anastomosed to the esophagus in the chest.",
    "43124": "Esophagectomy for necrotic conduit after caustic injury; end cervical esophagostomy (spit fistula), "
             "no reconstruction; feeding jejunostomy.",
}


@pytest.mark.parametrize("code", sorted(NOTES))
def test_top_code(code):
    result = suggest(NOTES[code])
    assert not result.out_of_profile
    assert result.codes[0].code == code, [(c.code, round(c.score, 2)) for c in result.codes]


def test_scores_ranks_and_evidence_offsets():
    text = NOTES["43288"]
    result = suggest(text, top_k=3)
    assert [c.rank for c in result.codes] == [1, 2, 3]
    assert result.codes[0].score >= result.codes[1].score >= result.codes[2].score
    assert 0 < sum(c.score for c in result.codes) <= 1.0 + 1e-9
    evidence = result.codes[0].evidence
    assert evidence and all(text[e.start:e.end] == e.text for e in evidence)
    assert {"APPROACH", "ANASTOMOSIS"} <= {e.label for e in evidence}


def test_out_of_profile_neighbour():
    result = suggest("Laparoscopic Heller myotomy with Dor fundoplication for achalasia. No esophageal resection.")
    assert result.out_of_profile and result.codes == () and "43279" in result.neighbours


def test_unrelated_chest_operation_is_out_of_profile():
    result = suggest("VATS right lower lobectomy with mediastinal lymph node dissection. Chest tube placed.")
    assert result.out_of_profile


def test_hybrid_is_flagged_for_review_with_open_code():
    result = suggest("Esophagectomy: laparoscopic gastric mobilization and conduit, then right posterolateral "
                     "thoracotomy, intrathoracic anastomosis.")
    assert result.codes[0].code == "43117"
    assert result.needs_review and any("hybrid" in r for r in result.review_reasons)


def test_missing_anastomosis_site_is_flagged():
    result = suggest("Minimally invasive esophagectomy: laparoscopic gastric conduit, thoracoscopic mobilization of "
                     "the esophagus; feeding jejunostomy.")
    assert not result.out_of_profile
    assert result.needs_review and any("anastomosis site not stated" in r for r in result.review_reasons)


def test_uncertain_out_of_profile_lists_codes_for_review(engine):
    from opnote_cpt.engine import Engine
    from opnote_cpt.model_store import load_model

    strict = Engine(nlp=engine.nlp, model=load_model(), low_confidence=0.999)
    result = strict.suggest("Laparoscopic Nissen fundoplication with cruroplasty.")
    assert result.out_of_profile and result.needs_review and result.codes
    assert "not clearly out of profile" in result.review_reasons[0]
    assert engine.suggest("Laparoscopic Nissen fundoplication with cruroplasty.").codes == ()


def test_scores_are_joint_probabilities(engine):
    result = engine.suggest(NOTES["43117"], top_k=14)
    assert len(result.codes) == 14
    assert 0.5 < sum(c.score for c in result.codes) <= 1.0 + 1e-9  # the rest is "out of profile"


def test_to_dict_matches_the_contract():
    row = suggest(NOTES["43287"], note_id="n1").to_dict()
    assert {"id", "codes", "addons", "out_of_profile", "needs_review", "review_reasons", "error"} <= set(row)
    assert row["id"] == "n1" and row["error"] is None
    assert set(row["codes"][0]) == {"code", "score", "rank", "evidence"}
    assert set(row["codes"][0]["evidence"][0]) == {"label", "text", "start", "end"}


def test_batch_path_equals_single_path(engine):
    records = [(code, text) for code, text in NOTES.items()]
    batch = list(engine.suggest_many(records, batch_size=3))
    single = [engine.suggest(text, note_id=code) for code, text in records]
    assert batch == single


def test_probabilities_equal_predict_proba_whatever_the_batch(engine):
    import numpy

    from opnote_cpt.linear import class_probabilities

    rng = numpy.random.default_rng(0)
    X = rng.random((37, engine.ranker.coef_.shape[1]))
    for estimator, columns in ((engine.ranker, slice(None)), (engine.gate, engine.schema.gate_mask)):
        batch = class_probabilities(estimator, X[:, columns])
        numpy.testing.assert_allclose(batch, estimator.predict_proba(X[:, columns]), rtol=0, atol=1e-12)
        alone = numpy.vstack([class_probabilities(estimator, X[i:i + 1, columns]) for i in range(len(X))])
        assert numpy.array_equal(batch, alone)  # bit for bit: a note scores the same in any batch
