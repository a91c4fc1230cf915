"""Reading articles: files, folders and standard input, into :class:`kg.model.Document` records.

Accepted inputs: ``.txt`` and ``.md`` (first line is the title), ``.html``/``.htm`` (title from
``<title>`` or the first ``<h1>``, date from ``article:published_time`` or ``<time datetime>``),
``.jsonl`` (one article per line), ``.json`` (one article or a list of them), folders of those
(recursively, in sorted order, skipping hidden files and ``gold*.json`` annotations), and ``-`` for
JSONL on standard input.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from kg.errors import InputError
from kg.model import Document

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl", ".json"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def read_documents(inputs: Iterable[str | Path], stdin: TextIO | None = None) -> Iterator[Document]:
    """Read every article named by ``inputs`` (files, folders, or ``-`` for standard input).

    Args:
        inputs: paths of files or folders; ``"-"`` reads JSONL from ``stdin``.
        stdin: the stream ``-`` reads (``sys.stdin`` by default).

    Yields:
        One :class:`Document` per article, with normalised text.

    Raises:
        InputError: a path does not exist, a file is binary or not UTF-8, a JSON line is malformed.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Headline\\n\\nGen. Mark Milley spoke.")
    >>> [(d.id, d.title) for d in read_documents([folder])]
    [('a', 'Headline')]
    """
    for item in inputs:
        if str(item) == "-":
            yield from _read_jsonl_stream(stdin or sys.stdin, "<stdin>")
            continue
        path = Path(item)
        if not path.exists():
            raise InputError("no such file or folder", source=str(path), hint="check the path")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts)
                           and not is_gold_file(p))
            for file in files:
                yield from read_file(file)
        else:
            yield from read_file(path)


def is_gold_file(path: Path) -> bool:
    """Gold annotations (``gold*.json``) sit beside articles in a folder; a folder build skips them."""
    return path.suffix.lower() == ".json" and path.name.lower().startswith("gold")


def read_file(path: Path) -> Iterator[Document]:
    """Read the articles of one file, choosing the reader by its suffix."""
    suffix = path.suffix.lower()
    raw = _read_text(path)
    if suffix == ".jsonl":
        yield from _read_jsonl_stream(raw.splitlines(), str(path))
    elif suffix == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data" and raw.lstrip().startswith("{"):
                # JSON lines under a .json name, as mongoexport and many crawlers write them
                yield from _read_jsonl_stream(raw.splitlines(), str(path))
                return
            raise InputError(f"malformed JSON: {error.msg}", source=str(path), line=error.lineno,
                             hint="expected an article object or a list of them") from None
        records = data if isinstance(data, list) else [data]
        for index, record in enumerate(records, 1):
            yield document_from_record(record, f"{path}", index if isinstance(data, list) else None)
    elif suffix in (".html", ".htm"):
        yield _read_html(raw, path)
    else:
        yield _read_plain(raw, path)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", source=str(path)) from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not an article", source=str(path),
                         hint="kg reads .txt, .md, .html, .json and .jsonl text files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", source=str(path),
                         hint="convert the file to UTF-8") from None


def _read_jsonl_stream(lines: Iterable[str], source: str) -> Iterator[Document]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"malformed JSON line: {error.msg}", source=source, line=number,
                             hint="each line must be one JSON object with a \"text\" field") from None
        yield document_from_record(record, source, number)


def document_from_record(record: Any, source: str, line: int | None = None) -> Document:
    """Build a Document from a JSON record with ``text`` and optional ``id`` (or ``_id``), ``title``,
    ``published`` (or ``date``), ``url`` (or ``sourceUrl``).

    >>> document_from_record({"text": "Some text."}, "x.jsonl", 1).id[:8]
    '13b4c5ae'
    """
    if not isinstance(record, dict):
        raise InputError("expected a JSON object", source=source, line=line)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('missing or empty "text" field', source=source, line=line)
    text = normalise_text(text)
    doc_id = record.get("id", record.get("_id"))
    if doc_id is None:
        doc_id = text_id(text)
    published = record.get("published") or record.get("date")
    if published is not None:
        published = str(published)
        if not _DATE.match(published):
            raise InputError(f'"published" is not an ISO date: {published!r}', source=source, line=line,
                             hint="use YYYY-MM-DD")
        published = published[:10]
    return Document(id=document_id(str(doc_id)), text=text, title=normalise_text(str(record.get("title") or "")),
                    published=published, url=record.get("url") or record.get("sourceUrl"),
                    source=f"{source}:{line}" if line else source)


def text_id(text: str) -> str:
    """The id of an article that has none: a hash of its normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def document_id(doc_id: str) -> str:
    """The id kg stores for an article id as given (``state-dept-pr:334147`` -> ``state-dept-pr-334147``).

    >>> document_id("state-dept-pr:334147")
    'state-dept-pr-334147'
    """
    cleaned = re.sub(r"[^\w.\-]+", "-", doc_id.strip()).strip("-")
    return cleaned or text_id(doc_id)


def normalise_text(text: str) -> str:
    """NFC, Unix line ends, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _read_plain(raw: str, path: Path) -> Document:
    text = normalise_text(raw)
    if not text:
        raise InputError("empty file", source=str(path))
    meta: dict[str, str] = {}
    # Optional "key: value" header lines before a blank line (title:, date:, url:), as in many exports.
    header = re.match(r"((?:(?:title|date|published|url|source):[^\n]*\n)+)\n", text, re.I)
    if header:
        for line in header.group(1).splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip()
        text = text[header.end():].strip()
    title = meta.get("title") or text.split("\n", 1)[0].lstrip("# ").strip()
    published = meta.get("published") or meta.get("date")
    if published and not _DATE.match(published):
        raise InputError(f"date is not an ISO date: {published!r}", source=str(path), hint="use YYYY-MM-DD")
    return Document(id=document_id(path.stem), text=text, title=title,
                    published=published[:10] if published else None, url=meta.get("url"), source=str(path))


class _HTMLText(HTMLParser):
    _BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "li", "article", "section", "header", "footer",
              "tr", "blockquote", "figcaption", "title"}
    _SKIP = {"script", "style", "noscript", "template", "nav", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._stack: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or ""
            if key:
                self.meta[key.lower()] = values.get("content", "")
        if tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"])
        if tag == "link" and values.get("rel") == "canonical":
            self.meta.setdefault("canonical", values.get("href", ""))
        if tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        current = self._stack[-1] if self._stack else ""
        if current == "title":
            self.title += data
            return
        if current == "h1":
            self.h1 += data
        self.parts.append(data)


def _read_html(raw: str, path: Path) -> Document:
    parser = _HTMLText()
    parser.feed(raw)
    parser.close()
    body = "".join(parser.parts)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    text = normalise_text("\n\n".join(p for p in paragraphs if p))
    if not text:
        raise InputError("no text in HTML file", source=str(path))
    title = " ".join((parser.meta.get("og:title") or parser.h1 or parser.title).split())
    published = parser.meta.get("article:published_time") or parser.meta.get("date") or parser.meta.get("time")
    url = parser.meta.get("og:url") or parser.meta.get("canonical") or None
    return Document(id=document_id(path.stem), text=text, title=html.unescape(title),
                    published=published[:10] if published and _DATE.match(published) else None,
                    url=url, source=str(path))
