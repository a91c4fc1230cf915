"""Web archives: WARC and ARC files (gzipped or not), streamed record by record with warcio.

Only HTTP 200 responses with an HTML body are read; each goes through :mod:`kg.sources.html`, with
the record's target URI as the article's URL and its WARC-Date as the date when the page states
none. One record's bytes are in memory at a time, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from kg.sources.html import Page, extract_page

MAX_RECORD_BYTES = 8 * 1024 * 1024  # a news page is far smaller; a bigger "page" is a download
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Capture:
    """One archived page, with its article."""

    uri: str
    date: str | None  # the capture's WARC-Date, YYYY-MM-DD
    page: Page | None  # None: no article body
    offset: int


@dataclass(frozen=True)
class Broken:
    """A record warcio could not read."""

    offset: int
    reason: str
    final: bool = True  # reading the file stopped here


def captures(path: Path) -> Iterator[Capture | Broken]:
    """The HTML captures of one WARC/ARC file, in file order; reading stops at a broken record.

    Raises:
        OSError: the file cannot be opened.
    """
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, arc2warc=True, check_digests=True)
        start = 0  # where the record being read begins: the end of the last one read whole
        try:
            for record in records:
                body = b""
                wanted = _is_html_200(record)
                truncated = False
                if wanted:
                    body = _read_limited(record.content_stream(), MAX_RECORD_BYTES + 1)
                    # the record's reader counts down its Content-Length: bytes still owed at the
                    # end of the payload mean the file ends inside this record
                    truncated = len(body) <= MAX_RECORD_BYTES and getattr(record.raw_stream, "limit", 0) > 0
                # warcio knows a record's offset once it has read it to its end
                offset, length = records.get_record_offset(), records.get_record_length()
                start = offset + length
                if not wanted:
                    continue
                if truncated:
                    yield Broken(offset, "the file ends inside it")
                    return
                if record.digest_checker.passed is False:
                    yield Broken(offset, "its payload does not match its WARC-Payload-Digest")
                    return
                if len(body) > MAX_RECORD_BYTES:
                    yield Broken(offset, f"larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB, not a news page",
                                 final=False)
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                date = record.rec_headers.get_header("WARC-Date") or ""
                yield Capture(uri=uri, date=date[:10] if len(date) >= 10 else None,
                              page=extract_page(body, url=uri or None), offset=offset)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as error:
            yield Broken(start, _reason(error))


def _is_html_200(record: ArcWarcRecord) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return kind in _HTML_TYPES


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    # one read() returns at most one decompressed block, so read until the end or the limit
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = stream.read(min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _reason(error: Exception) -> str:
    # warcio quotes the bytes it could not parse: keep the message, not binary noise
    text = str(error).split(", first line:")[0].split("\n")[0]
    text = "".join(c if c.isprintable() else "?" for c in text)
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__
