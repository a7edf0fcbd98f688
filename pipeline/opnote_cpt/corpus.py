"""The labelled corpus: notes, labels and the fixed split (see corpora/README.md)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .jsonl_rules import read_jsonl_records

LABEL_KEYS = {"id", "code", "addons", "out_of_profile", "neighbour", "review", "tags"}


@dataclass(frozen=True)
class LabelledNote:
    id: str
    text: str
    code: str | None
    addons: tuple[str, ...]
    out_of_profile: bool
    review: str | None
    tags: tuple[str, ...]
    group: str  # set name (author) or "realnotes"

    @property
    def target(self) -> str:
        """The class the ranker learns: the code, or OUT."""
        return "OUT" if self.out_of_profile else str(self.code)


def _read_labels(path: Path, group: str, text_of) -> list[LabelledNote]:
    notes = []
    for where, rec in read_jsonl_records(path, required=LABEL_KEYS, optional={"path"}):
        if rec["out_of_profile"] == (rec["code"] is not None):
            raise InputError(f"{where}: out_of_profile must be true exactly when code is null")
        notes.append(LabelledNote(
            id=rec["id"], text=text_of(rec), code=rec["code"], addons=tuple(rec["addons"]),
            out_of_profile=bool(rec["out_of_profile"]), review=rec["review"], tags=tuple(rec["tags"]), group=group,
        ))
    return notes


def load_split(corpus_dir: str | Path) -> dict[str, list[str]]:
    path = Path(corpus_dir) / "splits.json"
    try:
        split = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the split ({type(exc).__name__})") from None
    return {k: list(v) for k, v in split.items() if not k.startswith("_")}


def load_corpus(corpus_dir: str | Path, splits: tuple[str, ...] = ("train", "dev", "test")) -> list[LabelledNote]:
    """Synthetic notes of the named splits, in a stable order."""
    corpus_dir = Path(corpus_dir)
    split = load_split(corpus_dir)
    notes = []
    for name in splits:
        for group in split[name]:
            folder = corpus_dir / "notes" / group
            notes += _read_labels(folder / "labels.jsonl", group,
                                  lambda rec, folder=folder: (folder / f"{rec['id']}.txt").read_text(encoding="utf-8"))
    return notes


def load_realnotes(corpus_dir: str | Path, realnotes_dir: str | Path) -> list[LabelledNote]:
    realnotes_dir = Path(realnotes_dir)
    return _read_labels(Path(corpus_dir) / "realnotes_labels.jsonl", "realnotes",
                        lambda rec: (realnotes_dir / rec["path"]).read_text(encoding="utf-8"))


def corpus_digest(notes: list[LabelledNote]) -> str:
    h = hashlib.sha256()
    for n in notes:
        h.update(f"{n.id}\t{n.target}\t{','.join(n.addons)}\n".encode())
        h.update(hashlib.sha256(n.text.encode()).digest())
    return h.hexdigest()
