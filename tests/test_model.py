"""The model artifact: skops only, pinned trusted types, checksum, reproducible training."""
import json
import shutil

import numpy
import pytest

from conftest import CORPUS
from opnote_cpt.errors import ModelError
from opnote_cpt.model_store import TRUSTED_TYPES, default_model_dir, load_model, model_types


def test_shipped_model_has_only_pinned_types():
    path = default_model_dir() / "ranker.skops"
    assert model_types(path) <= set(TRUSTED_TYPES)
    assert "sklearn.linear_model._logistic.LogisticRegression" in model_types(path)
    model = load_model()
    gate, ranker = model.estimator
    assert model.meta["sha256"] and gate.classes_.tolist() == ["IN", "OUT"] and len(ranker.classes_) == 14


def copy_model(tmp_path):
    target = tmp_path / "model"
    shutil.copytree(default_model_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return target


def test_tampered_model_is_refused(tmp_path):
    target = copy_model(tmp_path)
    data = bytearray((target / "ranker.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (target / "ranker.skops").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match its checksum"):
        load_model(target)


def test_truncated_missing_and_untrusted_models_are_refused(tmp_path):
    target = copy_model(tmp_path)
    (target / "ranker.skops").write_bytes((target / "ranker.skops").read_bytes()[:100])
    with pytest.raises(ModelError):
        load_model(target)
    (target / "ranker.skops").unlink()
    with pytest.raises(ModelError, match="model file missing"):
        load_model(target)
    # a valid skops file holding a type outside the pinned list is never loaded
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    sio.dump(FunctionTransformer(func=numpy.log1p), target / "ranker.skops")
    meta = json.loads((target / "ranker.json").read_text())
    from opnote_cpt.model_store import sha256_of

    meta["sha256"] = sha256_of(target / "ranker.skops")
    (target / "ranker.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="not trusted"):
        load_model(target)


def test_retraining_gives_the_same_model(tmp_path):
    from opnote_cpt.training import train

    meta = train(CORPUS, tmp_path / "again", splits=("train", "dev"))
    shipped = load_model()
    again = load_model(tmp_path / "again")
    assert meta["corpus_digest"] == shipped.meta["corpus_digest"], "the shipped model is stale: run opnote-cpt train"
    assert meta["rules_digest"] == shipped.meta["rules_digest"], "the shipped model is stale: run opnote-cpt train"
    assert meta["feature_digest"] == shipped.meta["feature_digest"]
    for mine, theirs in zip(again.estimator, shipped.estimator):
        numpy.testing.assert_allclose(mine.coef_, theirs.coef_, rtol=1e-6, atol=1e-8)
        numpy.testing.assert_allclose(mine.intercept_, theirs.intercept_, rtol=1e-6, atol=1e-8)
