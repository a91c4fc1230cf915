"""RSS 0.9x/1.0/2.0 and Atom feeds, through feedparser: one article per entry.

An entry's ``content:encoded`` (or Atom content), else its summary, goes through the same HTML
cleaning as a web page; its link and published (or updated) date go with it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import feedparser
import lxml.html

from kg.sources.html import extract_page


@dataclass(frozen=True)
class Entry:
    """One feed entry, cleaned."""

    key: str  # the entry's guid, else its link: what identifies it across fetches
    title: str
    text: str
    url: str | None
    published: str | None
    author: str | None
    publisher: str | None  # the feed's title


class NotAFeed(ValueError):
    """The bytes are not an RSS or Atom feed."""


def feed_entries(content: bytes) -> Iterator[Entry | str]:
    """The entries of a feed; a string in place of an entry says why that entry was skipped.

    Raises:
        NotAFeed: feedparser finds neither a feed version nor any entry.
    """
    parsed: Any = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise NotAFeed(str(reason).split("\n")[0] if reason else "no feed found")
    publisher = " ".join(str(parsed.feed.get("title", "")).split()) or None
    for number, entry in enumerate(parsed.entries, 1):
        html = ""
        for content_item in entry.get("content") or []:
            if content_item.get("value"):
                html = content_item["value"]
                break
        html = html or entry.get("summary", "")
        title = " ".join(str(entry.get("title", "")).split())
        text = _clean(html)
        if not text:
            yield f"entry {number} ({title or 'untitled'}) has no text"
            continue
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}"  # the headline first, as in a page or a .txt article
        link = entry.get("link") or None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%d", stamp) if stamp else None
        key = str(entry.get("id") or link or f"{title}\n{text}")
        author = " ".join(str(entry.get("author", "")).split()) or None
        yield Entry(key=key, title=title, text=text, url=link, published=published, author=author,
                    publisher=publisher)


def _clean(html: str) -> str:
    if not html.strip():
        return ""
    page = extract_page(f"<html><body><article>{html}</article></body></html>")
    if page is not None:
        return page.text
    # a one-line summary is too short for trafilatura's article test, and has no boilerplate to remove
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for block in fragment.iter("p", "br", "li", "div", "h1", "h2", "h3", "h4"):
        block.tail = "\n\n" + (block.tail or "")
    paragraphs = [" ".join(part.split()) for part in fragment.text_content().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
