"""Save and load the ranker with skops: no pickle, a pinned list of trusted types, and a
checksum so that a truncated or tampered file is refused before skops reads it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ModelError

MODEL_FILE = "ranker.skops"
META_FILE = "ranker.json"
# Every type the shipped model may contain. skops refuses anything else: a model file that needs
# another type is not ours, and is never loaded.
TRUSTED_TYPES = (
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.float64",
    "numpy.int64",
    "numpy.str_",
    "sklearn.linear_model._logistic.LogisticRegression",
)


@dataclass
class StoredModel:
    estimator: object
    meta: dict


def default_model_dir() -> Path:
    return Path(str(resources.files("opnote_cpt.models")))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_model(estimator, meta: dict, model_dir: str | Path) -> Path:
    import skops.io as sio

    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    sio.dump(estimator, path)
    meta = dict(meta, model_file=MODEL_FILE, sha256=sha256_of(path))
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_model(model_dir: str | Path | None = None) -> StoredModel:
    import skops.io as sio

    model_dir = Path(model_dir) if model_dir else default_model_dir()
    path, meta_path = model_dir / MODEL_FILE, model_dir / META_FILE
    retrain = "run `opnote-cpt train` to rebuild it, or reinstall opnote-cpt"
    for p in (path, meta_path):
        if not p.is_file():
            raise ModelError(f"model file missing: {p}; {retrain}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model metadata unreadable: {meta_path} ({type(exc).__name__}); {retrain}") from None
    if not isinstance(meta, dict) or "sha256" not in meta:
        raise ModelError(f"model metadata has no checksum: {meta_path}; {retrain}")
    if sha256_of(path) != meta["sha256"]:
        raise ModelError(f"model file does not match its checksum (truncated or changed): {path}; {retrain}")
    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as exc:
        raise ModelError(f"model file is not a readable skops file: {path} ({type(exc).__name__}); {retrain}") from None
    unexpected = sorted(untrusted - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelError(f"model file needs types that are not trusted: {unexpected} in {path}; refusing to load it")
    try:
        estimator = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(f"model file could not be loaded: {path} ({type(exc).__name__}); {retrain}") from None
    return StoredModel(estimator, meta)
