"""Procedure facts from findings."""
import pytest

from opnote_cpt.facts import derive_facts


@pytest.fixture(scope="module")
def facts(engine):
    def run(text):
        return derive_facts(engine.extract(text))

    return run


def test_minimally_invasive_mckeown(facts):
    f = facts("Thoracoscopic mobilization of the esophagus. Laparoscopic gastric conduit. Left neck incision and "
              "cervical anastomosis. Laparoscopic feeding jejunostomy.")
    assert (f.value("chest"), f.value("abdomen"), f.value("neck"), f.value("anastomosis"), f.value("conduit")) == (
        "thoracoscopic", "laparoscopic", "incision", "cervical", "stomach")
    assert f.flag("feeding_jejunostomy") and not f.flag("hybrid")
    assert all(e.label == "APPROACH" for e in f.evidence("chest"))


def test_conversion_makes_the_cavity_open(facts):
    f = facts("Minimally invasive Ivor Lewis esophagectomy. The laparoscopic portion was converted to laparotomy "
              "for bleeding. Thoracoscopic chest phase; intrathoracic anastomosis.")
    assert f.flag("converted")
    assert f.value("abdomen") == "laparotomy"
    assert f.value("chest") == "thoracoscopic"


def test_hybrid_is_detected(facts):
    f = facts("Laparoscopic gastric mobilization. Right thoracotomy. Intrathoracic anastomosis with the gastric conduit.")
    assert f.flag("hybrid")


def test_transhiatal_has_no_chest_access(facts):
    f = facts("Transhiatal esophagectomy via upper midline laparotomy; no thoracotomy was required. "
              "Cervical anastomosis through a left neck incision.")
    assert f.value("chest") == "none" and f.value("abdomen") == "laparotomy"


def test_history_and_negation_do_not_count(facts):
    f = facts("Prior right thoracotomy for pneumothorax. No laparotomy. Laparoscopic Nissen fundoplication.")
    assert f.value("chest") == "unknown"
    assert f.value("esophagectomy") == "no"
    assert "fundoplication" in f.value("other_procedures")


def test_diversion_without_reconstruction(facts):
    f = facts("Esophagectomy for perforation; cervical esophagostomy (spit fistula), no reconstruction.")
    assert f.value("anastomosis") == "none" and f.flag("diversion")


def test_colon_conduit_wins_over_stomach_words(facts):
    f = facts("The stomach was unsuitable. A left colon interposition was brought up; cervical anastomosis.")
    assert f.value("conduit") == "colon"
