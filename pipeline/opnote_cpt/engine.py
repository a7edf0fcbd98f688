"""The engine: one object holding the pipeline, the profile and the ranker.

`Engine.score_many` is the single scoring function: `suggest()` (one note, through `score`) and
`suggest_many()` (the batch path, a chunk at a time) both call it, so a note gets the same answer
whichever way it comes in.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

import numpy

# skops builds its list of trusted scikit-learn types at import, looking names up in every module
# already loaded; imported before spaCy and medspaCy it has far fewer to search (~1 s less here).
import skops.io  # noqa: F401  isort: skip

from .errors import InputError, ModelError
from .extraction import Finding, build_nlp, findings_from_doc, process_batch
from .facts import ProcedureFacts, derive_facts
from .features import FeatureSchema, rule_concepts
from .linear import class_probabilities
from .model_store import StoredModel, load_model
from .profile import CodeProfile, load_profile
from .results import CodeScore, Evidence, Suggestion
from .formats import to_plain_text
from .textprep import prepare

OUT_OF_PROFILE = "OUT"
MAX_NOTE_CHARS = 1_000_000  # a long op note is ~30,000 characters; larger inputs are exports gone wrong


def out_of_profile_probability(gate, X_gate: numpy.ndarray) -> numpy.ndarray:
    """P(out of profile) for each row, from the gate (classes "IN" and "OUT")."""
    return class_probabilities(gate, X_gate)[:, list(gate.classes_).index(OUT_OF_PROFILE)]


def check_note_text(text: object) -> str:
    """Validate one note's text; the error says what is wrong, never what the text is."""
    if not isinstance(text, str):
        raise InputError(f"not_text: expected a string, got {type(text).__name__}")
    if "\x00" in text:
        raise InputError("binary: the note contains NUL bytes; export it as plain text")
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(f"too_large: {len(text)} characters, the limit is {MAX_NOTE_CHARS}; split or check the export")
    if not text.strip():
        raise InputError("empty: the note has no text")
    return text


class Engine:
    """Extraction + facts + ranking for the code profile.

    Thresholds: `low_confidence` (top score below it: review), `close_margin` (top two scores
    closer than it: review), `out_threshold` (above this "out of profile" probability, the note is
    out of profile).
    """

    def __init__(
        self,
        *,
        model_dir: str | Path | None = None,
        low_confidence: float = 0.6,
        close_margin: float = 0.15,
        out_threshold: float = 0.5,
        nlp=None,
        profile: CodeProfile | None = None,
        model: StoredModel | None = None,
    ):
        self.low_confidence = low_confidence
        self.close_margin = close_margin
        self.out_threshold = out_threshold
        self.profile = profile or load_profile()
        self.schema = FeatureSchema(self.profile, rule_concepts())
        stored = model or load_model(model_dir)
        if stored.meta.get("feature_digest") != self.schema.digest:
            raise ModelError(
                "the model was trained with other rules or another profile than this installation has; "
                "run `opnote-cpt train` to retrain it"
            )
        if not (isinstance(stored.estimator, list) and len(stored.estimator) == 2):
            raise ModelError("the model file does not hold a gate and a ranker; run `opnote-cpt train` to rebuild it")
        self.gate, self.ranker = stored.estimator
        self.meta = stored.meta
        self.codes = [str(c) for c in self.ranker.classes_]
        self.nlp = nlp or build_nlp()
        self._lock = threading.Lock()  # spaCy's vocabulary grows as new words arrive; one writer at a time

    # -- extraction ---------------------------------------------------------------------------
    def extract(self, text: str) -> list[Finding]:
        text = to_plain_text(check_note_text(text))
        with self._lock:
            doc = self.nlp(prepare(text))
        return _with_original_text(findings_from_doc(doc), text)

    # -- scoring ------------------------------------------------------------------------------
    def score(self, findings: list[Finding], *, note_id: str | None = None, top_k: int = 5) -> Suggestion:
        return self.score_many([findings], note_ids=[note_id], top_k=top_k)[0]

    def score_many(
        self, findings_lists: list[list[Finding]], *, note_ids: list[str | None], top_k: int = 5
    ) -> list[Suggestion]:
        """Rank the codes for several notes; the classifiers run once over all rows, and a row's
        scores do not depend on the rows beside it (see `linear.py`)."""
        facts_list = [derive_facts(findings) for findings in findings_lists]
        if not facts_list:
            return []
        X = numpy.vstack([self.schema.vector(facts) for facts in facts_list])
        p_out_all = out_of_profile_probability(self.gate, X[:, self.schema.gate_mask])
        given_in_all = class_probabilities(self.ranker, X)
        return [
            self._suggestion(facts, float(p_out), given_in, note_id, top_k)
            for facts, p_out, given_in, note_id in zip(facts_list, p_out_all, given_in_all, note_ids)
        ]

    def _suggestion(
        self, facts: ProcedureFacts, p_out: float, given_in: numpy.ndarray, note_id: str | None, top_k: int
    ) -> Suggestion:
        p_in = 1.0 - p_out
        ranked = sorted(((code, p_in * float(p)) for code, p in zip(self.codes, given_in)), key=lambda kv: (-kv[1], kv[0]))
        out_of_profile = p_out > self.out_threshold
        reasons: list[str] = []
        neighbours: tuple[str, ...] = ()
        if out_of_profile:
            neighbours = self._neighbours(facts)
            if p_out >= self.low_confidence:
                return Suggestion(id=note_id, out_of_profile=True, neighbours=neighbours)
            reasons.append(f"not clearly out of profile (score {p_out:.2f}); closest codes listed")
        cache: dict = {}
        codes = tuple(
            CodeScore(code, p, rank, self._evidence(facts, code, cache))
            for rank, (code, p) in enumerate(ranked[:top_k], start=1)
        )
        reasons += self._review_reasons(facts, codes) if not out_of_profile else []
        addons = () if out_of_profile else self._addons(facts)
        return Suggestion(
            id=note_id, codes=codes, addons=addons, out_of_profile=out_of_profile,
            needs_review=bool(reasons), review_reasons=tuple(reasons), neighbours=neighbours,
        )

    def _evidence(self, facts: ProcedureFacts, code: str, cache: dict) -> tuple[Evidence, ...]:
        """The findings behind the facts that define this code, most telling first, one per wording.

        `cache` (one per note) holds each fact's candidate evidence, shared by the ranked codes."""
        features = self.profile.get(code).features
        names = ["esophagectomy"] + [f for f, wanted in features.items() if wanted not in ("any", "none")]
        names += ["robotic", "converted", "diversion"]
        chosen: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        for name in names:
            candidates = cache.get(name)
            if candidates is None:
                candidates = cache[name] = [((f.label, f.text.lower()), Evidence.from_finding(f))
                                            for f in facts.evidence(name)[:3]]
            for key, evidence in candidates:
                if key not in seen:
                    seen.add(key)
                    chosen.append(evidence)
        return tuple(chosen)

    def _addons(self, facts: ProcedureFacts) -> tuple[CodeScore, ...]:
        out = []
        for addon in self.profile.addons:
            if facts.flag(addon.requires):
                evidence = tuple(Evidence.from_finding(f) for f in facts.evidence(addon.requires)[:3])
                out.append(CodeScore(addon.code, 1.0, len(out) + 1, evidence))
        return tuple(out)

    def _neighbours(self, facts: ProcedureFacts) -> tuple[str, ...]:
        concepts = set(facts.value("other_procedures").split(","))
        if facts.flag("feeding_jejunostomy"):
            concepts.add("feeding_jejunostomy")
        return tuple(n.code for n in self.profile.neighbours if concepts.intersection(n.concepts))

    def _review_reasons(self, facts: ProcedureFacts, codes: tuple[CodeScore, ...]) -> list[str]:
        reasons = []
        top = codes[0]
        if top.score < self.low_confidence:
            reasons.append(f"low confidence: top score {top.score:.2f}")
        if len(codes) > 1 and top.score - codes[1].score < self.close_margin:
            reasons.append(f"close call: {top.code} {top.score:.2f} vs {codes[1].code} {codes[1].score:.2f}")
        if facts.flag("hybrid"):
            reasons.append(
                f"hybrid approach (chest {facts.value('chest')}, abdomen {facts.value('abdomen')}): "
                "no exact minimally invasive code; open code suggested"
            )
        if facts.flag("converted"):
            reasons.append("converted to open: the open code is suggested")
        features = self.profile.get(top.code).features
        if features["anastomosis"] not in ("any", "none") and facts.value("anastomosis") == "unknown":
            reasons.append("anastomosis site not stated")
        if features["conduit"] not in ("any", "none") and not facts.flag("conduit_stated"):
            reasons.append("conduit not stated")
        if facts.value("chest") == "unknown" and facts.value("abdomen") == "unknown":
            reasons.append("surgical approach not stated")
        return reasons

    # -- public entry points ------------------------------------------------------------------
    def suggest(self, text: str, *, note_id: str | None = None, top_k: int = 5) -> Suggestion:
        try:
            return self.score(self.extract(text), note_id=note_id, top_k=top_k)
        except InputError as exc:
            return Suggestion.failed(note_id, str(exc))
        except Exception as exc:  # the type only: an exception's message may quote the note
            return Suggestion.failed(note_id, f"internal_error: {type(exc).__name__} while processing this note")

    def suggest_many(
        self, records: Iterable[tuple[str, object]], *, top_k: int = 5, batch_size: int = 64
    ) -> Iterator[Suggestion]:
        """Suggestions for (id, text) pairs, in input order; bad notes become error rows."""
        batch: list[tuple[str, object]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                yield from self._suggest_batch(batch, top_k)
                batch = []
        if batch:
            yield from self._suggest_batch(batch, top_k)

    def _suggest_batch(self, batch: list[tuple[str, object]], top_k: int) -> list[Suggestion]:
        results: list[Suggestion | None] = [None] * len(batch)
        good: list[int] = []
        texts: dict[int, str] = {}
        for i, (note_id, text) in enumerate(batch):
            try:
                texts[i] = to_plain_text(check_note_text(text))
                good.append(i)
            except InputError as exc:
                results[i] = Suggestion.failed(note_id, str(exc))
        try:
            with self._lock:
                docs = process_batch(self.nlp, [prepare(texts[i]) for i in good])
            findings = [_with_original_text(findings_from_doc(doc), texts[i]) for i, doc in zip(good, docs)]
            scored = self.score_many(findings, note_ids=[batch[i][0] for i in good], top_k=top_k)
            for i, suggestion in zip(good, scored):
                results[i] = suggestion
        except Exception:
            # One bad note must not sink its batch: redo the batch note by note.
            for i in good:
                results[i] = self.suggest(texts[i], note_id=batch[i][0], top_k=top_k)
        return results  # type: ignore[return-value]


def _with_original_text(findings: list[Finding], text: str) -> list[Finding]:
    """Evidence quotes the caller's text (prepare() keeps offsets, not characters)."""
    return [f if text[f.start:f.end] == f.text else replace(f, text=text[f.start:f.end]) for f in findings]


_engines: dict[str | None, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(model_dir: str | Path | None = None) -> Engine:
    """One shared engine per model folder in this process, built on first use (not at import).

    The batch workers and Spark's Python workers call this too, so a process loads a model once.
    """
    key = str(model_dir) if model_dir else None
    if key not in _engines:
        with _engines_lock:
            if key not in _engines:
                _engines[key] = Engine(model_dir=key)
    return _engines[key]


def default_engine() -> Engine:
    """The shared engine with the shipped model."""
    return engine_for(None)
