"""Strict JSONL loading for the bundled data files (rules, sections, code profile).

One JSON object per line; blank lines and lines starting with '//' are skipped. Unknown or missing
keys are rejected with the file and line, so that a typo in a rule never passes silently.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from .errors import RuleFileError


def bundled_path(name: str) -> Path:
    """Path of a data file shipped in opnote_cpt/resources."""
    return Path(str(resources.files("opnote_cpt.resources").joinpath(name)))


def read_jsonl_records(
    path: str | Path, *, required: set[str], optional: set[str] = frozenset()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ("file:line", record) for each record, validating its keys."""
    path = Path(path)
    allowed = set(required) | set(optional)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read ({exc.strerror}); check the path") from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            record = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(record, dict):
            raise RuleFileError(f"{where}: expected a JSON object, one per line")
        unknown = set(record) - allowed
        if unknown:
            raise RuleFileError(
                f"{where}: unknown key(s) {sorted(unknown)}; allowed keys are {sorted(allowed)}"
            )
        missing = set(required) - set(record)
        if missing:
            raise RuleFileError(f"{where}: missing key(s) {sorted(missing)}")
        yield where, record
