"""The CLI contract: inputs, outputs in input order, one line per note, safe re-runs."""
import csv
import json
import shutil
import subprocess
import sys

import pytest

from conftest import DEMO
from opnote_cpt.cli import main

KEYS = {"id", "codes", "addons", "out_of_profile", "needs_review", "review_reasons", "error"}


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def notes_dir(tmp_path):
    folder = tmp_path / "notes"
    shutil.copytree(DEMO, folder)
    return folder


def test_directory_to_jsonl(notes_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    assert main(["suggest", str(notes_dir), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == sorted(p.stem for p in notes_dir.glob("*.txt"))
    assert all(KEYS <= set(r) for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["mie-mckeown"]["codes"][0]["code"] == "43288"
    assert by_id["lap-nissen"]["out_of_profile"] is True
    assert by_id["hybrid"]["needs_review"] is True


def test_jsonl_and_csv_inputs_keep_order_and_report_bad_lines(tmp_path):
    text = (DEMO / "open-ivor-lewis.txt").read_text()
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join([json.dumps({"id": "b", "text": text}), "{not json", json.dumps({"id": "a", "text": text}),
                                json.dumps({"text": text}), json.dumps({"id": "b", "text": text})]) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["suggest", str(jsonl), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["b", f"{jsonl}:2", "a", f"{jsonl}:4", "b"]
    assert [(r["error"] or "").split(":")[0] for r in rows] == ["", "malformed_json", "", "missing_id", "duplicate_id"]
    assert rows[0]["codes"][0]["code"] == "43117"

    table = tmp_path / "in.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerow(["x1", text])
        writer.writerow(["x2", "Laparoscopic Nissen fundoplication."])
    out_csv = tmp_path / "out.csv"
    assert main(["suggest", str(table), "-o", str(out_csv), "--jobs", "1", "--quiet"]) == 0
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["x1", "x2"]
    assert json.loads(rows[0]["codes"])[0]["code"] == "43117"


def test_csv_without_columns_is_a_clear_error(tmp_path, capsys):
    table = tmp_path / "bad.csv"
    table.write_text("note_id,body\n1,PHI-CANARY-7731 text\n")
    assert main(["suggest", str(table), "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "needs the columns 'id' and 'text'" in err and "PHI-CANARY" not in err


def test_parquet_round_trip(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = (DEMO / "mie-mckeown.txt").read_text()
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [text, "EGD with biopsy of the antrum."]}), tmp_path / "in.parquet")
    out = tmp_path / "out.parquet"
    assert main(["suggest", str(tmp_path / "in.parquet"), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["p1", "p2"]
    assert rows[0]["codes"][0]["code"] == "43288" and rows[1]["out_of_profile"] is True


def test_existing_output_is_never_overwritten_and_resume_completes_it(notes_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    assert main(["suggest", str(notes_dir), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    full = out.read_text()
    assert main(["suggest", str(notes_dir), "-o", str(out), "--quiet"]) == 2
    assert out.read_text() == full
    # simulate a run killed mid-line: two whole lines and half of the third
    lines = full.splitlines(keepends=True)
    out.write_text("".join(lines[:2]) + lines[2][: len(lines[2]) // 2])
    assert main(["suggest", str(notes_dir), "-o", str(out), "--resume", "--jobs", "1", "--quiet"]) == 0
    assert out.read_text() == full


def test_jobs_two_gives_the_same_output_as_jobs_one(tmp_path):
    from conftest import CORPUS

    folder = CORPUS / "notes" / "set8"
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["suggest", str(folder), "-o", str(one), "--jobs", "1", "--quiet"]) == 0
    assert main(["suggest", str(folder), "-o", str(two), "--jobs", "2", "--quiet"]) == 0
    assert one.read_text() == two.read_text()
    assert len(read_jsonl(one)) == 55  # 54 notes + labels.jsonl reported as an unsupported file


def test_table_output_and_console_script(tmp_path):
    result = subprocess.run([sys.executable, "-m", "opnote_cpt", "suggest", str(DEMO / "hybrid.txt")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "1. 43117" in result.stdout and "hybrid approach" in result.stdout
    assert "notes read      1" in result.stderr


def test_missing_input_exit_code(tmp_path, capsys):
    assert main(["suggest", str(tmp_path / "nope.txt")]) == 2
    assert "input not found" in capsys.readouterr().err


def test_progress_on_stderr_shows_rate_and_eta(notes_dir, tmp_path, capsys):
    from opnote_cpt.batch import run_batch

    summary = run_batch([notes_dir], tmp_path / "o.jsonl", jobs=1, progress=True)
    err = capsys.readouterr().err
    assert summary.read == 4 and "/4 notes" in err and "notes/s" in err
    assert "\n" in err  # the progress line is closed before the summary


def test_output_folder_is_created_and_unwritable_output_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "new" / "folder" / "out.jsonl"
    assert main(["suggest", str(DEMO / "lap-nissen.txt"), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    assert read_jsonl(out)[0]["out_of_profile"] is True
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["suggest", str(DEMO / "lap-nissen.txt"), "-o", str(blocker / "out.jsonl"), "--quiet"]) == 2
    assert "opnote-cpt:" in capsys.readouterr().err


def test_worker_encoded_lines_equal_the_writers_rows(tmp_path):
    """With -o alone the workers encode the output lines; with a callback the rows come back as
    dicts and the writer encodes them: both files must be the same, in JSONL and CSV."""
    from conftest import CORPUS
    from opnote_cpt.batch import run_batch

    folder = CORPUS / "notes" / "set7"
    for suffix in (".jsonl", ".csv"):
        encoded, rows_out = tmp_path / f"encoded{suffix}", tmp_path / f"rows{suffix}"
        rows = []
        first = run_batch([folder], encoded, jobs=2, progress=False)
        second = run_batch([folder], rows_out, jobs=1, progress=False, on_result=rows.append)
        assert encoded.read_bytes() == rows_out.read_bytes()
        assert len(rows) == first.read == second.read > 50
        assert (first.suggested, first.out_of_profile, first.needs_review, first.errors) == \
            (second.suggested, second.out_of_profile, second.needs_review, second.errors)
        assert first.suggested > 0 and first.out_of_profile > 0 and first.errors > 0  # labels file
