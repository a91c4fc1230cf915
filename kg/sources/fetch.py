"""Fetching pages and feeds over HTTP(S) for ``kg build URL...``.

A clear User-Agent, a timeout and a size limit; redirects only to http(s). The response's type (or,
failing that, its first bytes) decides whether it is read as a page or as a feed.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO

from kg import __version__

USER_AGENT = f"kg-news/{__version__} (knowledge-graph loader; https://pypi.org/project/kg-news/)"
TIMEOUT = 20.0  # seconds, for the connection and for each read
MAX_BYTES = 10 * 1024 * 1024
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
               "text/xml", "application/feed+json")


class FetchError(Exception):
    """The URL could not be fetched; ``str()`` says why in a few words."""


@dataclass(frozen=True)
class Response:
    """What a URL returned."""

    url: str  # after redirects
    kind: str  # "page" or "feed"
    body: bytes


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchError(f"redirected to a non-http(s) URL ({newurl[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def is_url(item: str) -> bool:
    """Whether a build input names a URL to fetch rather than a path."""
    return item.lower().startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Response:
    """GET ``url`` and tell a page from a feed.

    Raises:
        FetchError: network failure, HTTP error status, timeout, a body over ``max_bytes``, or a
            type that is neither HTML nor a feed.
    """
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "text/html, application/xhtml+xml, "
                                                             "application/rss+xml, application/atom+xml, */*;q=0.5"})
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            final = response.geturl()
            kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FetchError(f"cannot connect: {error.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s") from None
    except OSError as error:
        raise FetchError(f"cannot fetch: {error}") from None
    if len(body) > max_bytes:
        raise FetchError(f"larger than {max_bytes // (1024 * 1024)} MB")
    head = body[:512].lstrip().lower()
    if kind in ("text/html", "application/xhtml+xml") or (not kind and head.startswith((b"<!doctype html", b"<html"))):
        return Response(final, "page", body)
    if kind in _FEED_TYPES or head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return Response(final, "feed", body)
    raise FetchError(f"neither a web page nor a feed ({kind or 'no Content-Type'})")
