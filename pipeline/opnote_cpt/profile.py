"""The code profile: which codes the ranker knows, described by their features."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import RuleFileError
from .jsonl_rules import bundled_path, read_jsonl_records

FEATURES = ("extent", "chest", "abdomen", "neck", "anastomosis", "conduit")
FEATURE_VALUES = {
    "extent": {"total", "partial", "cervical", "any"},
    "chest": {"thoracoscopic", "thoracotomy", "thoracoabdominal", "none", "any"},
    "abdomen": {"laparoscopic", "laparotomy", "thoracoabdominal", "none", "any"},
    "neck": {"incision", "none", "any"},
    "anastomosis": {"cervical", "intrathoracic", "none", "any"},
    "conduit": {"stomach", "colon_or_jejunum", "free_jejunal_graft", "none", "any"},
}


@dataclass(frozen=True)
class ProfileCode:
    code: str
    kind: str  # primary | neighbour | addon
    summary: str
    names: tuple[str, ...] = ()
    features: dict = field(default_factory=dict)  # primary: feature -> value
    concepts: tuple[str, ...] = ()  # neighbour
    requires: str | None = None  # addon


@dataclass(frozen=True)
class CodeProfile:
    codes: tuple[ProfileCode, ...]

    @property
    def primary(self) -> list[ProfileCode]:
        return [c for c in self.codes if c.kind == "primary"]

    @property
    def neighbours(self) -> list[ProfileCode]:
        return [c for c in self.codes if c.kind == "neighbour"]

    @property
    def addons(self) -> list[ProfileCode]:
        return [c for c in self.codes if c.kind == "addon"]

    def get(self, code: str) -> ProfileCode:
        for c in self.codes:
            if c.code == code:
                return c
        raise KeyError(code)


def load_profile(path: str | Path | None = None) -> CodeProfile:
    path = path or bundled_path("profile.jsonl")
    codes, seen = [], set()
    for where, rec in read_jsonl_records(
        path, required={"code", "kind", "summary"}, optional={"names", "concepts", "requires", *FEATURES}
    ):
        code, kind = str(rec["code"]), rec["kind"]
        if code in seen:
            raise RuleFileError(f"{where}: code {code} is listed twice")
        seen.add(code)
        if kind == "primary":
            missing = [f for f in FEATURES if f not in rec]
            if missing:
                raise RuleFileError(f"{where}: a primary code needs {missing}")
            for f in FEATURES:
                if rec[f] not in FEATURE_VALUES[f]:
                    raise RuleFileError(f"{where}: {f}={rec[f]!r} is not one of {sorted(FEATURE_VALUES[f])}")
            codes.append(ProfileCode(code, kind, rec["summary"], tuple(rec.get("names", ())), {f: rec[f] for f in FEATURES}))
        elif kind == "neighbour":
            if not rec.get("concepts"):
                raise RuleFileError(f"{where}: a neighbour needs 'concepts'")
            codes.append(ProfileCode(code, kind, rec["summary"], concepts=tuple(rec["concepts"])))
        elif kind == "addon":
            if not rec.get("requires"):
                raise RuleFileError(f"{where}: an addon needs 'requires'")
            codes.append(ProfileCode(code, kind, rec["summary"], requires=rec["requires"]))
        else:
            raise RuleFileError(f"{where}: kind must be primary, neighbour or addon, not {kind!r}")
    if not any(c.kind == "primary" for c in codes):
        raise RuleFileError(f"{path}: the profile has no primary code")
    return CodeProfile(tuple(codes))
