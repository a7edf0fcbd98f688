"""Bad input, faults and PHI: every kind of input gets a defined answer; nothing leaks."""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, DEMO, REALNOTES
from opnote_cpt import suggest
from opnote_cpt.cli import main

CANARY = "PHI-CANARY-7731"
CLEAN = (DEMO / "open-ivor-lewis.txt").read_text(encoding="utf-8")


def signature(text):
    from opnote_cpt import extract

    return [(f.label, f.concept, " ".join(f.text.split()), f.negated, f.historical, f.hypothetical) for f in extract(text)]


def test_empty_and_whitespace_notes_are_error_rows():
    for text in ("", "   \n\t "):
        result = suggest(text, note_id="e")
        assert result.error.startswith("empty") and result.codes == () and result.needs_review


def test_one_word_and_non_operative_text_are_out_of_profile():
    assert suggest("esophagus").out_of_profile
    discharge = (REALNOTES / "mtsamples" / "112_discharge-summary-10.txt").read_text(encoding="utf-8")
    assert suggest(discharge).out_of_profile
    radiology = ("CT CHEST WITH CONTRAST. FINDINGS: Postoperative changes of esophagectomy with gastric pull-up. "
                 "No anastomotic leak. IMPRESSION: Stable.")
    assert suggest(radiology).out_of_profile
    spanish = "Paciente de 60 años. Se realizó una colecistectomía laparoscópica sin complicaciones."
    assert suggest(spanish).out_of_profile


@pytest.mark.parametrize("variant", ["cp1252", "latin-1", "bom", "crlf", "tabs", "nbsp", "unicode"])
def test_exports_give_the_same_findings_as_clean_text(variant, tmp_path):
    from opnote_cpt.io.readers import iter_notes

    text = CLEAN
    if variant == "cp1252":
        data = text.replace("'", "\u2019").replace(" - ", " \u2013 ").encode("cp1252")
    elif variant == "latin-1":
        text = text + "\nSurgeon: Dr M\u00fcller, Se\u00f1or registrar.\n"
        data = text.encode("latin-1")
    elif variant == "bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif variant == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    elif variant == "tabs":
        data = text.replace(" ", "\t", 5).encode("utf-8")
    elif variant == "nbsp":
        data = text.replace(" ", "\u00a0").encode("utf-8")
    else:
        data = text.replace("-", "\u2011").replace("'", "\u2018").encode("utf-8")
    path = tmp_path / f"{variant}.txt"
    path.write_bytes(data)
    (record,) = list(iter_notes([path]))
    assert record.error is None
    assert [s[:2] + s[3:] for s in signature(record.text)] == [s[:2] + s[3:] for s in signature(text)]
    assert suggest(record.text).codes[0].code == suggest(text).codes[0].code == "43117"


def test_rtf_and_html_exports_are_converted():
    paragraphs = CLEAN.split("\n")
    rtf = r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 " + r"\par ".join(p.replace("-", r"\'96") for p in paragraphs) + "}"
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    for exported in (rtf, html):
        result = suggest(exported)
        assert result.codes[0].code == "43117" and not result.error


def test_very_large_note_is_a_clear_error_row():
    result = suggest("esophagus " * 150_000 + CANARY)
    assert result.error.startswith("too_large") and CANARY not in json.dumps(result.to_dict())


def test_binary_file_in_a_directory_is_an_error_row_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(CLEAN)
    (folder / "b.txt").write_bytes(b"\x00\x01" + CANARY.encode() + b"\x00binary")
    (folder / "c.pdf").write_bytes(b"%PDF-1.4 " + CANARY.encode())
    (folder / "d.txt").write_text(CLEAN)
    out = tmp_path / "out.jsonl"
    assert main(["suggest", str(folder), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], (r["error"] or "").split(":")[0]) for r in rows] == [
        ("a", ""), ("b", "binary"), ("c", "unsupported_file"), ("d", "")]
    assert CANARY not in out.read_text()


def test_no_note_text_in_any_error_path(tmp_path, capsys, caplog):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bin.txt").write_bytes(b"\x00" + CANARY.encode())
    (folder / "empty.txt").write_text("   ")
    lines = [f'{{"id": "x", "text": "{CANARY}"', json.dumps({"text": CANARY}), json.dumps({"id": "y", "text": 5}),
             json.dumps({"id": "big", "text": CANARY * 100_000}), json.dumps({"id": "ok", "text": CANARY + " " + CLEAN}),
             json.dumps({"id": "ok", "text": CANARY})]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "bad.csv").write_text(f"identifier,note\n1,{CANARY}\n")
    out = tmp_path / "out.jsonl"
    assert main(["suggest", str(folder), str(tmp_path / "in.jsonl"), "-o", str(out), "--jobs", "1"]) == 0
    assert main(["suggest", str(tmp_path / "bad.csv"), "-o", str(tmp_path / "o2.jsonl")]) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    errors = [r["error"].split(":")[0] for r in rows if r["error"]]
    assert errors == ["binary", "empty", "malformed_json", "missing_id", "not_text", "too_large", "duplicate_id"]
    written = "".join(r["error"] or "" for r in rows)
    captured = capsys.readouterr()
    assert CANARY not in written + captured.out + captured.err + caplog.text


def test_eight_threads_give_the_same_answers(engine):
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "notes" / "set7").glob("*.txt"))[:24]]
    sequential = [engine.suggest(t, note_id=str(i)) for i, t in enumerate(texts)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda it: engine.suggest(it[1], note_id=str(it[0])), enumerate(texts)))
    assert threaded == sequential
    assert [engine.suggest(t, note_id=str(i)) for i, t in enumerate(texts)] == sequential  # deterministic


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_suggest_never_raises_and_is_well_formed(text):
    row = suggest(text, note_id="h").to_dict()
    assert set(row) >= {"id", "codes", "addons", "out_of_profile", "needs_review", "review_reasons", "error"}
    assert isinstance(row["out_of_profile"], bool) and isinstance(row["needs_review"], bool)
    assert row["error"] is None or isinstance(row["error"], str)
    for code in row["codes"]:
        assert 0.0 <= code["score"] <= 1.0
        for e in code["evidence"]:
            assert 0 <= e["start"] <= e["end"] <= len(text)


def test_killed_batch_resumes_without_loss_or_duplicates(tmp_path):
    folder = CORPUS / "notes" / "set7"
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "opnote_cpt", "suggest", str(folder), "-o", str(out), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 10):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = out.read_text().count("\n")
    assert 10 <= partial < 55
    subprocess.run(cmd + ["--resume"], check=True, timeout=300)
    full = tmp_path / "full.jsonl"
    subprocess.run(cmd[:-5] + ["-o", str(full), "--jobs", "1", "--quiet"], check=True, timeout=300)
    assert out.read_text() == full.read_text()
