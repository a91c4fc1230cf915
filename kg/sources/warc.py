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

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

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
        records = ArchiveIterator(stream, arc2warc=True)
        offset = 0
        try:
            for record in records:
                offset = records.get_record_offset()
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                if kind not in _HTML_TYPES:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                date = record.rec_headers.get_header("WARC-Date") or ""
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                if len(body) > MAX_RECORD_BYTES:
                    yield Broken(offset, f"larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB, not a news page", final=False)
                    continue
                yield Capture(uri=uri, date=date[:10] if len(date) >= 10 else None,
                              page=extract_page(body, url=uri or None), offset=offset)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as error:
            yield Broken(records.get_record_offset() or offset, " ".join(str(error).split())[:200])
