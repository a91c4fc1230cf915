"""Reading articles: files, folders, web archives, feeds and standard input, into Documents.

Accepted inputs:

- ``.txt`` and ``.md``: the first line is the title (optional ``title:``/``date:``/``url:`` header);
- ``.html``/``.htm``: the page's main content through trafilatura (:mod:`kg.sources.html`);
- ``.warc``/``.warc.gz``/``.arc``/``.arc.gz``: every HTTP 200 HTML response (:mod:`kg.sources.warc`);
- ``.rss``/``.atom``/``.xml``: every entry of an RSS or Atom feed (:mod:`kg.sources.feeds`);
- ``.jsonl`` (one article per line), ``.json`` (one article or a list of them);
- folders of those (recursively, in sorted order, skipping hidden files and ``gold*.json``);
- ``-`` for JSONL on standard input;
- ``http://`` and ``https://`` URLs of pages and feeds, fetched once (:mod:`kg.sources.fetch`).

Every article gets its language (:mod:`kg.language`) and, when it republishes an earlier one, the id
of that one (:mod:`kg.dedup`). What was skipped, and why, is written to a :class:`ReadLog`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from kg.dedup import DEFAULT_THRESHOLD, DEFAULT_WINDOW, NearDuplicates
from kg.errors import InputError
from kg.language import language_of
from kg.model import Document

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl", ".json", ".rss", ".atom", ".xml",
                    ".warc", ".arc", ".warc.gz", ".arc.gz"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class ReadOptions:
    """How to read: keep going past malformed records, and how similar a copy must be.

    ``dedup_threshold`` None turns near-duplicate detection off.
    """

    skip_invalid: bool = False
    dedup_threshold: float | None = DEFAULT_THRESHOLD
    dedup_window: int = DEFAULT_WINDOW  # how many recent articles copies are looked for among


@dataclass
class ReadLog:
    """What reading skipped: malformed records (with ``skip_invalid``) and warnings.

    ``invalid`` holds one ``file:line: problem`` per skipped record; ``warnings`` one line per page
    without an article body, broken archive record or dropped URL; ``no_body`` counts those pages.
    """

    skip_invalid: bool = False
    invalid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    no_body: int = 0

    def reject(self, error: InputError) -> None:
        """Skip the record ``error`` is about when skipping is on; raise it otherwise."""
        if not self.skip_invalid:
            raise error
        self.invalid.append(error.message)

    def warning(self, message: str) -> None:
        """Note a problem that skips one page or value but is not the user's error."""
        self.warnings.append(" ".join(message.split()))


def read_documents(inputs: Iterable[str | Path], stdin: TextIO | None = None, *,
                   options: ReadOptions | None = None, log: ReadLog | None = None,
                   languages: bool = True) -> Iterator[Document]:
    """Read every article named by ``inputs`` (files, folders, or ``-`` for standard input).

    Args:
        inputs: paths of files or folders; ``"-"`` reads JSONL from ``stdin``.
        stdin: the stream ``-`` reads (``sys.stdin`` by default).
        options: skipping malformed records, near-duplicate threshold (:class:`ReadOptions`).
        log: receives what was skipped; without one, skipped pages go unreported.
        languages: identify each article's language. A build turns it off (and near copies too)
            and has its worker processes call :func:`with_language` instead, in parallel.

    Yields:
        One :class:`Document` per article, with normalised text, its language, and ``duplicate_of``
        set when it is a near copy of an article read before it.

    Raises:
        InputError: a path does not exist; without ``skip_invalid``, a file is binary or not UTF-8,
            a JSON line is malformed.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Headline\\n\\nGen. Mark Milley spoke to the troops.")
    >>> [(d.id, d.title, d.language) for d in read_documents([folder])]
    [('a', 'Headline', 'en')]
    """
    options = options or ReadOptions()
    if log is None:
        log = ReadLog()
    log.skip_invalid = options.skip_invalid
    documents: Iterator[Document] = (_finish(document, log, languages) for document in _read_inputs(inputs, stdin, log))
    if options.dedup_threshold is not None:
        documents = NearDuplicates(options.dedup_threshold, options.dedup_window).mark(documents)
    yield from documents


def _read_inputs(inputs: Iterable[str | Path], stdin: TextIO | None, log: ReadLog) -> Iterator[Document]:
    for item in inputs:
        if str(item) == "-":
            yield from _read_jsonl_stream(stdin or sys.stdin, "<stdin>", log)
            continue
        if isinstance(item, str) and item.lower().startswith(("http://", "https://")):
            yield from _read_url(item, log)
            continue
        path = Path(item)
        if not path.exists():
            raise InputError("no such file or folder", source=str(path), hint="check the path")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) in ARTICLE_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts)
                           and not is_gold_file(p))
            for file in files:
                yield from read_file(file, log)
        else:
            yield from read_file(path, log)


def with_language(document: Document) -> Document:
    """``document`` with the language of its title and text (:func:`kg.language.language_of`)."""
    return replace(document, language=language_of(f"{document.title}\n{document.text}"))


def _finish(document: Document, log: ReadLog, language: bool = True) -> Document:
    url: Any = document.url
    if url is not None:
        url = str(url).strip()
        try:
            parts = urlsplit(url)
            usable = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
        except ValueError:  # "http://[::1" and other unparseable hosts
            usable = False
        if not usable:
            log.warning(f"{document.source or document.id}: URL {url[:80]!r} dropped: only http(s) URLs are stored")
            url = None
    document = replace(document, url=url)
    return with_language(document) if language else document


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for double in (".warc.gz", ".arc.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def is_gold_file(path: Path) -> bool:
    """Gold annotations (``gold*.json``) sit beside articles in a folder; a folder build skips them."""
    return path.suffix.lower() == ".json" and path.name.lower().startswith("gold")


def read_file(path: Path, log: ReadLog | None = None) -> Iterator[Document]:
    """Read the articles of one file, choosing the reader by its suffix."""
    if log is None:
        log = ReadLog()
    suffix = _suffix(path)
    if suffix in (".warc", ".arc", ".warc.gz", ".arc.gz"):
        yield from _read_warc(path, log)
        return
    if suffix == ".jsonl":
        yield from _read_jsonl_file(path, log)
        return
    try:
        data = _read_bytes(path)
        if suffix in (".html", ".htm"):
            document = _read_html(data, path, log)
            if document is not None:
                yield document
            return
        if suffix in (".rss", ".atom", ".xml"):
            yield from _read_feed(data, str(path), log)
            return
        raw = _decode(data, path)
    except InputError as error:
        log.reject(error)
        return
    if suffix == ".json":
        yield from _read_json(raw, path, log)
    else:
        try:
            yield _read_plain(raw, path)
        except InputError as error:
            log.reject(error)


def _read_json(raw: str, path: Path, log: ReadLog) -> Iterator[Document]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and raw.lstrip().startswith("{"):
            # JSON lines under a .json name, as mongoexport and many crawlers write them
            yield from _read_jsonl_stream(raw.splitlines(), str(path), log)
            return
        log.reject(InputError(f"malformed JSON: {error.msg}", source=str(path), line=error.lineno,
                              hint="expected an article object or a list of them"))
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, 1):
        try:
            yield document_from_record(record, f"{path}", index if isinstance(data, list) else None)
        except InputError as error:
            log.reject(error)


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", source=str(path)) from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not an article", source=str(path),
                         hint="kg reads .txt, .md, .html, .json, .jsonl, feeds and WARC files")
    return data


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", source=str(path),
                         hint="convert the file to UTF-8") from None


def _read_jsonl_file(path: Path, log: ReadLog) -> Iterator[Document]:
    # line by line, so a JSONL of any size is read in flat memory
    try:
        stream = path.open("rb")
    except OSError as error:
        log.reject(InputError(f"cannot read file: {error.strerror}", source=str(path)))
        return
    with stream:
        head = stream.read(8192)
        stream.seek(0)
        if b"\x00" in head:
            log.reject(InputError("binary file, not an article", source=str(path),
                                  hint="kg reads .txt, .md, .html, .json, .jsonl, feeds and WARC files"))
            return
        for number, line in enumerate(stream, 1):
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                log.reject(InputError(f"not UTF-8 text (byte {error.start} of the line)", source=str(path),
                                      line=number, hint="convert the file to UTF-8"))
                continue
            yield from _read_jsonl_stream([text], str(path), log, first=number)


def _read_jsonl_stream(lines: Iterable[str], source: str, log: ReadLog, first: int = 1) -> Iterator[Document]:
    for number, line in enumerate(lines, first):
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"malformed JSON line: {error.msg}", source=source, line=number,
                                 hint="each line must be one JSON object with a \"text\" field") from None
            yield document_from_record(record, source, number)
        except InputError as error:
            log.reject(error)


def _read_html(data: bytes, path: Path, log: ReadLog) -> Document | None:
    from kg.sources.html import extract_page

    page = extract_page(data)
    if page is None:
        log.no_body += 1
        log.warning(f"{path}: no article text found in the page, skipped")
        return None
    return Document(id=document_id(path.stem), text=normalise_text(page.text), title=page.title,
                    published=page.published, url=page.url, source=str(path), author=page.author,
                    publisher=page.sitename)


def _read_feed(data: bytes, source: str, log: ReadLog) -> Iterator[Document]:
    from kg.sources.feeds import Entry, NotAFeed, feed_entries

    try:
        for number, entry in enumerate(feed_entries(data), 1):
            if not isinstance(entry, Entry):
                log.no_body += 1
                log.warning(f"{source}: {entry}, skipped")
                continue
            yield Document(id=text_id(entry.key), text=normalise_text(entry.text), title=entry.title,
                           published=entry.published, url=entry.url, source=f"{source}#entry-{number}",
                           author=entry.author, publisher=entry.publisher)
    except NotAFeed as error:
        log.reject(InputError(f"not an RSS or Atom feed: {error}", source=source,
                              hint="kg reads RSS 0.9x/1.0/2.0 and Atom feeds from .rss, .atom and .xml files"))


def _read_url(url: str, log: ReadLog) -> Iterator[Document]:
    from kg.sources.fetch import FetchError, fetch
    from kg.sources.html import extract_page

    try:
        response = fetch(url)
    except FetchError as error:
        log.reject(InputError(str(error), source=url, hint="check the URL, or save the page and build the file"))
        return
    if response.kind == "feed":
        yield from _read_feed(response.body, url, log)
        return
    page = extract_page(response.body, url=response.url)
    if page is None:
        log.no_body += 1
        log.warning(f"{url}: no article text found in the page, skipped")
        return
    yield Document(id=text_id(response.url), text=normalise_text(page.text), title=page.title,
                   published=page.published, url=response.url, source=url, author=page.author,
                   publisher=page.sitename)


def _read_warc(path: Path, log: ReadLog) -> Iterator[Document]:
    from kg.sources.warc import Broken, captures

    try:
        for capture in captures(path):
            if isinstance(capture, Broken):
                if capture.final:
                    log.warning(f"{path}: record at offset {capture.offset} is truncated or corrupt "
                             f"({capture.reason}); the rest of the file is skipped")
                else:
                    log.warning(f"{path}: record at offset {capture.offset} skipped: {capture.reason}")
                continue
            if capture.page is None:
                log.no_body += 1
                log.warning(f"{path}: record at offset {capture.offset} ({capture.uri[:100]}): "
                         "no article text found in the page, skipped")
                continue
            page = capture.page
            yield Document(id=text_id(capture.uri or f"{path}@{capture.offset}"),
                           text=normalise_text(page.text), title=page.title,
                           published=page.published or capture.date, url=capture.uri or page.url,
                           source=f"{path}@{capture.offset}", author=page.author, publisher=page.sitename)
    except OSError as error:
        log.reject(InputError(f"cannot read file: {error.strerror}", source=str(path)))


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
