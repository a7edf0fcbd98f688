"""RTF and HTML exports to plain text (EHRs often export notes this way).

Only the text survives; for such notes, finding offsets refer to the converted plain text.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<div|<p[\s>]|<br|<table|<span)", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section", "pre"}


def detect_format(text: str) -> str:
    head = text[:2000].lstrip()
    if head.startswith("{\\rtf"):
        return "rtf"
    if _HTML_START.match(head):
        return "html"
    return "text"


class _TextOfHTML(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parts for parts in parser.parts))


_RTF_TOKEN = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|([^\\{}]+)", re.I | re.S)
_RTF_SKIP_DESTINATIONS = {"fonttbl", "colortbl", "stylesheet", "info", "pict", "header", "footer", "listtable",
                          "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata", "datastore", "latentstyles"}


def rtf_to_text(rtf: str) -> str:
    """A small RTF reader: paragraphs, line breaks, tabs, hex characters; skips tables of fonts etc."""
    out: list[str] = []
    stack: list[bool] = []
    skipping = False
    for word, _arg, hexchar, symbol, brace, text in _RTF_TOKEN.findall(rtf):
        if brace == "{":
            stack.append(skipping)
        elif brace == "}":
            skipping = stack.pop() if stack else False
        elif word:
            lower = word.lower()
            if lower in _RTF_SKIP_DESTINATIONS:
                skipping = True
            elif not skipping and lower in ("par", "line", "row"):
                out.append("\n")
            elif not skipping and lower in ("tab", "cell"):
                out.append(" ")
        elif hexchar and not skipping:
            out.append(bytes([int(hexchar, 16)]).decode("cp1252", errors="replace"))
        elif symbol and not skipping:
            if symbol == "*":
                skipping = True
            elif symbol in "\\{}":
                out.append(symbol)
            elif symbol == "~":
                out.append(" ")
        elif text and not skipping:
            out.append(text.replace("\r", "").replace("\n", ""))
    return "".join(out).strip()


def to_plain_text(text: str) -> str:
    kind = detect_format(text)
    if kind == "rtf":
        return rtf_to_text(text)
    if kind == "html":
        return html_to_text(text)
    return text
