"""Save and load the ranker with skops: no pickle, a pinned list of trusted types, and a
checksum so that a truncated or tampered file is refused before skops reads it."""
from __future__ import annotations

import hashlib
import json
import zipfile
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
    "numpy.ndarray",
    "sklearn.linear_model._logistic.LogisticRegression",
)


@dataclass
class StoredModel:
    estimator: object
    meta: dict


def default_model_dir() -> Path:
    return Path(str(resources.files("opnote_cpt.models")))


def model_types(path: str | Path) -> set[str]:
    """Every type named in a skops file's schema (read as JSON from the zip, nothing executed)."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("__class__"), str) and isinstance(node.get("__module__"), str):
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def rules_digest() -> str:
    """Digest of the bundled rule and profile files: a model trained on other rules is stale."""
    h = hashlib.sha256()
    folder = resources.files("opnote_cpt.resources")
    for name in sorted(p.name for p in folder.iterdir() if p.name.endswith(".jsonl")):
        h.update(name.encode() + b"\0" + folder.joinpath(name).read_bytes())
    return h.hexdigest()


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
        types = model_types(path) | set(sio.get_untrusted_types(file=path))
    except Exception as exc:
        raise ModelError(f"model file is not a readable skops file: {path} ({type(exc).__name__}); {retrain}") from None
    unexpected = sorted(types - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelError(f"model file needs types that are not trusted: {unexpected} in {path}; refusing to load it")
    try:
        estimator = sio.load(path, trusted=list(TRUSTED_TYPES))
    except Exception as exc:
        raise ModelError(f"model file could not be loaded: {path} ({type(exc).__name__}); {retrain}") from None
    return StoredModel(estimator, meta)
