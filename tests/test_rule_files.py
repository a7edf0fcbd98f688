"""The rule loaders: bundled files load, and a bad line is named by file:line."""
import json

import pytest
import spacy

from opnote_cpt.errors import RuleFileError
from opnote_cpt.extraction.rule_files import load_context_rules, load_section_rules, load_target_rules
from opnote_cpt.extraction.word_families import WordFamilies
from opnote_cpt.profile import load_profile


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def write(tmp_path, lines):
    path = tmp_path / "rules.jsonl"
    path.write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n", encoding="utf-8")
    return path


def test_bundled_rules_load(nlp):
    assert len(load_target_rules(nlp)) > 300
    assert len(load_context_rules(nlp)) > 100
    assert len(load_section_rules(nlp)) > 100
    assert len(load_profile().primary) == 14


def test_unknown_key_points_to_file_and_line(nlp, tmp_path):
    path = write(tmp_path, ['// comment', {"label": "APPROACH", "concept": "x", "phrase": "vats"},
                            {"label": "APPROACH", "concept": "x", "phrase": "vats", "colour": "red"}])
    with pytest.raises(RuleFileError, match=r"rules\.jsonl:3: unknown key\(s\) \['colour'\]"):
        load_target_rules(nlp, path)


def test_missing_key_and_bad_json_and_bad_pattern(nlp, tmp_path):
    with pytest.raises(RuleFileError, match=r":1: missing key\(s\) \['concept'\]"):
        load_target_rules(nlp, write(tmp_path, [{"label": "APPROACH", "phrase": "vats"}]))
    with pytest.raises(RuleFileError, match=r":1: invalid JSON"):
        load_target_rules(nlp, write(tmp_path, ['{"label": "APPROACH",']))
    with pytest.raises(RuleFileError, match=r":1: invalid spaCy token pattern"):
        load_target_rules(nlp, write(tmp_path, [{"label": "APPROACH", "concept": "x", "pattern": [{"LOWERR": "vats"}]}]))
    with pytest.raises(RuleFileError, match=r"unknown label 'APROACH'"):
        load_target_rules(nlp, write(tmp_path, [{"label": "APROACH", "concept": "x", "phrase": "vats"}]))


def test_context_and_profile_validation(nlp, tmp_path):
    with pytest.raises(RuleFileError, match=r":1: unknown direction 'SIDEWAYS'"):
        load_context_rules(nlp, write(tmp_path, [{"literal": "no", "category": "NEGATED_EXISTENCE", "direction": "SIDEWAYS"}]))
    with pytest.raises(RuleFileError, match=r"chest='keyhole' is not one of"):
        load_profile(write(tmp_path, [{"code": "1", "kind": "primary", "summary": "s", "extent": "total", "chest": "keyhole",
                                       "abdomen": "any", "neck": "any", "anastomosis": "any", "conduit": "any"}]))
    with pytest.raises(RuleFileError, match=r":1: unknown key\(s\) \['descriptor'\]"):
        load_profile(write(tmp_path, [{"code": "1", "kind": "addon", "summary": "s", "requires": "x", "descriptor": "d"}]))


def test_word_families_cover_spelling_and_typos():
    families = WordFamilies.from_jsonl()
    assert families("Oesophagectomy") == "esophagectomy"
    assert families("thorascopically") == "thoracoscopic"
    assert families("laproscopic") == "laparoscopic"
    assert families("tubularised") == "tubularize"
    assert families("thoracostomy") == "thoracostomy"  # a chest tube is not a thoracotomy
    assert families("esophagojejunostomy") == "esophagojejunostomy"


def test_profile_has_no_descriptor_text_and_covers_the_family():
    profile = load_profile()
    codes = {c.code for c in profile.primary}
    assert codes == {"43107", "43108", "43112", "43113", "43116", "43117", "43118", "43121", "43122", "43123",
                     "43124", "43286", "43287", "43288"}
    assert [a.code for a in profile.addons] == ["44015"]
    neighbours = {c for n in profile.neighbours for c in n.concepts}
    assert {"fundoplication", "heller_myotomy", "hiatal_hernia_repair", "total_gastrectomy", "endoscopy",
            "feeding_jejunostomy"} <= neighbours
