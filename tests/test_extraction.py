"""Findings: each label, each context, sections, offsets."""
import pytest

from conftest import find

LABEL_EXAMPLES = [
    ("APPROACH", "thoracoscopic", "The esophagus was mobilized thoracoscopically to the inlet."),
    ("APPROACH", "thoracoscopic", "VATS mobilisation of the oesophagus."),
    ("APPROACH", "laparoscopic", "Five laparoscopic ports were placed."),
    ("APPROACH", "robotic", "The da Vinci Xi robot was docked."),
    ("APPROACH", "right_thoracotomy", "A right posterolateral thoracotomy was made."),
    ("APPROACH", "left_thoracotomy", "Left thoracotomy through the seventh interspace."),
    ("APPROACH", "thoracotomy", "The chest was entered through a thoracotomy."),
    ("APPROACH", "laparotomy", "An upper midline incision was made."),
    ("APPROACH", "thoracoabdominal", "A left thoracoabdominal incision was made."),
    ("APPROACH", "transhiatal", "Transhiatal blunt dissection of the esophagus."),
    ("APPROACH", "cervical_incision", "A left neck incision was made."),
    ("APPROACH", "ivor_lewis", "Ivor-Lewis esophagectomy."),
    ("APPROACH", "mckeown", "Three-hole esophagectomy."),
    ("ANATOMY", "gej", "Tumor at the gastroesophageal junction."),
    ("ANATOMY", "upper_mediastinum", "Nodes of the upper mediastinum were taken."),
    ("ANATOMY", "pylorus", "The pylorus was inspected."),
    ("ANASTOMOSIS", "cervical", "A stapled cervical esophagogastric anastomosis was made."),
    ("ANASTOMOSIS", "intrathoracic", "The anastomosis was made in the right chest above the azygos."),
    ("CONDUIT", "stomach", "A 4 cm gastric conduit was created."),
    ("CONDUIT", "colon", "Reconstruction with a left colon interposition."),
    ("CONDUIT", "free_jejunal_graft", "A free jejunal graft was harvested."),
    ("RESECTION", "total_esophagectomy", "Total esophagectomy was performed."),
    ("DRAINAGE", "pyloroplasty", "A Heineke-Mikulicz pyloroplasty was done."),
    ("JEJUNOSTOMY", "feeding_jejunostomy", "A J-tube was placed."),
    ("CONVERSION", "to_laparotomy", "We converted to an upper midline laparotomy."),
    ("DIVERSION", "esophagostomy", "A left cervical esophagostomy was matured."),
    ("PROCEDURE", "fundoplication", "Laparoscopic Nissen fundoplication."),
    ("OUTCOME", "unresectable", "The tumour was unresectable with peritoneal carcinomatosis."),
    ("APPROACH", "transhiatal_esophagectomy", "Lap THE with a left neck anastomosis."),
    ("APPROACH", "thoracoscopic", "Four ports were placed in the right chest."),
]


@pytest.mark.parametrize("label,concept,text", LABEL_EXAMPLES)
def test_each_label(extract, label, concept, text):
    hits = find(extract(text), label, concept)
    assert hits, f"{label}:{concept} not found"
    hit = hits[0]
    assert text[hit.start:hit.end] == hit.text
    assert hit.asserted


@pytest.mark.parametrize("text,flag", [
    ("No thoracotomy was required.", "negated"),
    ("A thoracotomy was not required.", "negated"),
    ("The procedure was completed without conversion to open.", "negated"),
    ("History of prior laparoscopic Nissen fundoplication.", "historical"),
    ("He had a previous right thoracotomy for pneumothorax.", "historical"),
    ("An Ivor Lewis esophagectomy was planned but the tumour reached the carina.", "hypothetical"),
    ("A robotic approach was planned; however, dense adhesions were found.", "hypothetical"),
    ("Risks including conversion to thoracotomy and leak were discussed.", "hypothetical"),
])
def test_each_context(extract, text, flag):
    target = [f for f in extract(text) if f.label in ("APPROACH", "PROCEDURE", "CONVERSION")]
    assert target and all(getattr(f, flag) for f in target), [(f.text, f.negated, f.historical, f.hypothetical) for f in target]


def test_context_does_not_leak_past_the_pivot(extract):
    findings = extract("A minimally invasive Ivor Lewis was planned, but the tumour extended to the carina "
                       "so a cervical anastomosis was made.")
    assert all(f.hypothetical for f in find(findings, "APPROACH", "ivor_lewis"))
    assert [f.asserted for f in find(findings, "ANASTOMOSIS", "cervical")] == [True]


def test_converted_flag(extract):
    findings = extract("The laparoscopic portion was converted to an open laparotomy because of bleeding.")
    lap = find(findings, "APPROACH", "laparoscopic")
    assert lap and lap[0].converted and lap[0].asserted


def test_sections_and_headerless(extract):
    text = ("PREOPERATIVE DIAGNOSIS: Distal esophageal cancer.\n\nPROCEDURE PERFORMED:\n1. Ivor Lewis esophagectomy\n"
            "2. Feeding jejunostomy\n\nINDICATIONS: Previously offered a thoracoscopic approach.\n\n"
            "DESCRIPTION OF PROCEDURE: An upper midline incision was made.")
    findings = extract(text)
    assert find(findings, "APPROACH", "ivor_lewis")[0].section == "procedure"
    assert find(findings, "JEJUNOSTOMY")[0].section == "procedure"
    assert find(findings, "APPROACH", "thoracoscopic")[0].section == "indications"
    assert find(findings, "APPROACH", "laparotomy")[0].section == "description"
    assert find(extract("laparoscopic nissen, no headers at all"), "APPROACH")[0].section is None


def test_numbered_list_items_are_separate_sentences(extract):
    findings = extract("PROCEDURE:\n1. No pyloroplasty\n2. Feeding jejunostomy\n3. Thoracoscopic mobilization")
    assert find(findings, "JEJUNOSTOMY")[0].asserted
    assert find(findings, "APPROACH", "thoracoscopic")[0].asserted


def test_british_spelling_and_dictation_typos(extract):
    findings = extract("Laproscopic gastric mobilisation, thorascopic oesophagectomy, Ivor Louis type, "
                       "jejunostomey placed.")
    concepts = {(f.label, f.concept) for f in findings}
    assert {("APPROACH", "laparoscopic"), ("APPROACH", "thoracoscopic"), ("RESECTION", "esophagectomy"),
            ("APPROACH", "ivor_lewis"), ("JEJUNOSTOMY", "feeding_jejunostomy")} <= concepts


def test_extract_public_api_returns_required_fields():
    from opnote_cpt import extract

    finding = extract("Robotic-assisted Ivor Lewis esophagectomy.")[0]
    for field in ("label", "text", "start", "end", "section", "negated", "historical", "hypothetical"):
        assert hasattr(finding, field)


def test_relations_resolve_and_drop(extract):
    findings = extract("DESCRIPTION OF THE PROCEDURE: ports were placed in the abdomen. Lap pads were counted. "
                       "Afterwards he converted with amiodarone.")
    assert not find(findings, "APPROACH", "transhiatal_esophagectomy")  # ALL-CAPS "THE" is not an abbreviation
    assert not find(findings, "APPROACH", "thoracoscopic") and not find(findings, "APPROACH", "port")
    assert not find(findings, "APPROACH", "laparoscopic")  # "lap pads" are sponges
    assert not find(findings, "CONVERSION")  # cardioversion is not a conversion to open
    hit = find(extract("The anastomosis was fashioned in the left neck."), "ANASTOMOSIS", "cervical")[0]
    assert hit.text == "anastomosis was fashioned in the left neck"


def test_relation_rules_round_trip_to_disk(tmp_path, engine):
    resolver = engine.nlp.get_pipe("opnote_relations")
    resolver.to_disk(tmp_path)
    from opnote_cpt.extraction.relations import RelationResolver

    def content(r):
        return [(x.label, x.concept, x.words, x.before, x.after, x.then) for x in r.rules], r.otherwise

    again = RelationResolver(engine.nlp, path=str(tmp_path / "relations.jsonl"))
    assert content(again) == content(resolver) and len(resolver.rules) > 10
    assert content(RelationResolver(engine.nlp).from_disk(tmp_path)) == content(resolver)


def test_multiprocess_and_staged_batches_match_single_process():
    from conftest import CORPUS
    from opnote_cpt.extraction import build_nlp, findings_from_doc, process_batch

    nlp = build_nlp()
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "notes" / "set7").glob("*.txt"))[:12]]
    single = [findings_from_doc(d) for d in nlp.pipe(texts)]
    multi = [findings_from_doc(d) for d in nlp.pipe(texts, n_process=2, batch_size=3)]
    assert multi == single
    staged = [findings_from_doc(d) for d in process_batch(nlp, texts)]  # the engine's batch path
    assert staged == single and sum(map(len, single)) > 100


def test_exact_word_rule_is_case_sensitive(engine, extract):
    # "THE" (transhiatal esophagectomy) is matched by its exact text, outside spaCy's token Matcher
    assert find(extract("Orringer-style lap THE, cervical anastomosis."), "APPROACH", "transhiatal_esophagectomy")
    assert not find(extract("Lap the stomach was mobilised and a cervical anastomosis made."),
                    "APPROACH", "transhiatal_esophagectomy")
    assert [{"ORTH": "THE"}] in [r.pattern for r in engine.nlp.get_pipe("opnote_target_matcher").rules]
