"""Web pages: the main content of an HTML page, through trafilatura.

trafilatura removes what is not the article (menus, trending bars, related-story lists, newsletter
and cookie boxes, comments, footers) and reads the title, the date (htmldate's rules), the canonical
URL, the author and the site name. A page where it finds no article body gives None, and the
caller skips it with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
import trafilatura.settings

# An article body states something: a page whose "body" is a few words of menu is not one.
_MIN_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s*$")


@dataclass(frozen=True)
class Page:
    """What trafilatura found in one page."""

    text: str  # paragraphs separated by blank lines
    title: str
    published: str | None  # YYYY-MM-DD
    url: str | None
    author: str | None
    sitename: str | None


def extract_page(content: str | bytes, url: str | None = None) -> Page | None:
    """The article in an HTML page, or None when the page has no article body.

    Args:
        content: the page, as text or as bytes in any encoding trafilatura detects.
        url: where the page came from, which helps trafilatura resolve relative links and dates.

    >>> page = extract_page("<html><head><title>T</title></head><body><nav>Home | World</nav>"
    ...                     "<article><p>The army said on Monday that two brigades would move "
    ...                     "east before the winter, and that the move had been planned for a year.</p>"
    ...                     "</article></body></html>")
    >>> page.text.startswith("T\\n\\nThe army said") and "Home" not in page.text
    True
    >>> extract_page("<html><body><nav><a href='/'>Home</a></nav></body></html>") is None
    True
    """
    result = trafilatura.bare_extraction(
        content, url=url, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, favor_precision=True, deduplicate=False)
    if not isinstance(result, trafilatura.settings.Document):
        return None  # None: nothing found (a dict only comes back when asked for with as_dict)
    body = result.text or ""
    paragraphs = [" ".join(line.split()) for line in body.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if sum(len(p.split()) for p in paragraphs) < _MIN_WORDS or not any(_SENTENCE_END.search(p) for p in paragraphs):
        return None
    title = " ".join((result.title or "").split())
    if title and paragraphs[0] != title:
        # as in a .txt article, the headline is the first paragraph (trafilatura keeps it only when
        # it stands inside the article's container)
        paragraphs.insert(0, title)
    date = result.date if result.date and re.match(r"^\d{4}-\d{2}-\d{2}", result.date) else None
    return Page(text="\n\n".join(paragraphs), title=title,
                published=date[:10] if date else None, url=result.url or None,
                author=result.author or None, sitename=result.sitename or None)
