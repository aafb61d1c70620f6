"""The text of a PDF that Chromium printed: enough for tests/publishing/test_accessibility.py to check what the
site's print stylesheet puts on paper (no third-party PDF library is pinned). Not part of the course package: only
that test reads PDFs."""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

_PDF_OBJECT = re.compile(rb"(\d+)\s+0\s+obj\s*(.*?)\s*endobj", re.DOTALL)


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary, decompressed stream or None), for an uncompressed-xref PDF like Chromium's."""
    objects = {}
    for m in _PDF_OBJECT.finditer(data):
        body, stream = m.group(2), None
        start = re.search(rb"stream\r?\n", body)
        if start and body.rstrip().endswith(b"endstream"):
            head, raw = body[:start.start()], body[start.end():body.rstrip().rfind(b"endstream")]
            if b"/FlateDecode" in head:
                raw = zlib.decompressobj().decompress(raw)
            body, stream = head, raw
        objects[int(m.group(1))] = (body, stream)
    return objects


def _to_unicode(stream: bytes) -> dict[int, str]:
    """A font's ToUnicode CMap: glyph code -> text."""
    def text(hex_: str) -> str:
        return bytes.fromhex(hex_).decode("utf-16-be", "replace")

    mapping: dict[int, str] = {}
    cmap = stream.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo_, hi_ = int(lo, 16), int(hi, 16)
            if dst.startswith("["):
                for k, item in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                    mapping[lo_ + k] = text(item)
            else:
                first = text(dst[1:-1])
                for k in range(hi_ - lo_ + 1):
                    mapping[lo_ + k] = first[:-1] + chr(ord(first[-1]) + k)
    return mapping


def pdf_text(path: Path) -> list[str]:
    """The text of every page of a PDF written by Chromium (Skia): fonts with ToUnicode maps, 2-byte glyph codes.

    Good enough to check what a printout shows (no third-party PDF library is pinned). Text objects are joined
    without separators, so compare after removing whitespace (:func:`squash`).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path={str(path)!r} is not a file; expected a PDF")
    objects = _pdf_objects(path.read_bytes())

    def ref(body: bytes, key: bytes) -> int | None:
        m = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", body)
        return int(m.group(1)) if m else None

    fonts = {num: _to_unicode(objects[r][1] or b"") for num, (body, _) in objects.items()
             if re.search(rb"/Type\s*/Font\b", body) and (r := ref(body, b"ToUnicode")) in objects}
    pages = []
    for body, _ in objects.values():
        if not re.search(rb"/Type\s*/Page(?![A-Za-z])", body):
            continue
        resources = objects[r][0] if (r := ref(body, b"Resources")) is not None else body
        names: dict[str, int] = {}
        if m := re.search(rb"/Font\s*(<<.*?>>|\d+\s+0\s+R)", resources, re.DOTALL):
            table = m.group(1) if m.group(1).startswith(b"<<") else objects[int(m.group(1).split()[0])][0]
            names = {n.decode(): int(o) for n, o in re.findall(rb"/([\w.+-]+)\s+(\d+)\s+0\s+R", table)}
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", body)
        parts: list[str] = []
        for number in ([int(x) for x in re.findall(rb"(\d+)\s+0\s+R", contents.group(1))] if contents else []):
            cmap: dict[int, str] = {}
            stream = objects.get(number, (b"", b""))[1] or b""
            tokens = rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj"
            for tok in re.finditer(tokens, stream, re.DOTALL):
                if tok.group(1):
                    cmap = fonts.get(names.get(tok.group(1).decode(), -1), {})
                    continue
                shown = re.findall(rb"<([0-9A-Fa-f]*)>", tok.group(2)) if tok.group(2) is not None else [tok.group(3)]
                for code in (c.decode() for c in shown):
                    parts.append("".join(cmap.get(int(code[k:k + 4], 16), "\ufffd")
                                         for k in range(0, len(code) - 3, 4)))
        pages.append("".join(parts))
    return pages


def squash(text: str) -> str:
    """Text without whitespace, ligatures unfolded (NFKC: "ﬂ" -> "fl"), for comparing printed text with page text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
