"""Make exported note text matchable without moving any character.

Every replacement here is one character for one character, so the offsets of a finding in the
prepared text are its offsets in the text the caller gave us.
"""
from __future__ import annotations

import re

_ONE_FOR_ONE = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ",
    "\t": " ", "\v": " ", "\f": "\n",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2022": "*", "\u25cf": "*", "\u25aa": "*", "\ufeff": " ",
})
_CR = re.compile(r"\r(?!\n)")


def prepare(text: str) -> str:
    """Same length as `text`: CRLF -> ' \\n', lone CR -> LF, odd spaces, dashes and quotes -> ASCII."""
    prepared = _CR.sub("\n", text).replace("\r\n", " \n").translate(_ONE_FOR_ONE)
    assert len(prepared) == len(text)
    return prepared


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode an exported note: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    Returns (text, encoding). Raises ValueError for binary content (NUL bytes).
    """
    if b"\x00" in data:
        raise ValueError("binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
