"""Near-duplicate articles: the same wire story republished under other ids, with small edits.

Each article's word shingles are hashed into a MinHash signature (datasketch); an LSH index finds
earlier articles whose estimated Jaccard similarity reaches the threshold. A periodic release from
one template (a monthly troop report, this year's notice) shares most of its words with the last
one but not its figures, and two stories told in the same stock phrases do not share their people,
so a copy must also state no fact that the other lacks, in one direction or the other (a trimmed
copy states fewer): no figure of three digits or more (counts, sums, years) and no name (a run of
capitalised words, headline aside). The first
copy seen is the original (the pipeline shows them earliest published first, so the original does
not depend on the order of the inputs) and is extracted; later copies carry ``duplicate_of`` and are
only linked to it, so evidence does not grow with the number of outlets that ran a story. Memory is bounded: the index
keeps the signatures of the last ``capacity`` articles (wire copies appear close together). A build
uses :class:`DiskNearDuplicates`, the same index in an SQLite file, so its memory does not grow at all.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sqlite3
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kg.model import Document

if TYPE_CHECKING:
    from datasketch import MinHash

# Measured on tests/data/inputs/dedup (exact Jaccard of 3-shingles): copies with an edited headline,
# a credit line or a cut last paragraph score 0.57-0.85, two stories from one template 0.29; 0.5
# sits between with room for MinHash's error on short articles (about +-0.05 at 128 permutations).
# A monthly report from one template scores 0.75 against the last one, and two briefs in the same
# stock phrases about other people 0.72: their figures and names tell them apart (see :func:`facts`).
DEFAULT_THRESHOLD = 0.5
DEFAULT_WINDOW = 50_000  # articles remembered: about 350 MB at most
SHINGLE = 3  # words per shingle: long enough that two stories from one template share few of them
PERMUTATIONS = 128
_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"\d[\d,.]*\d")


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The set of ``size``-word shingles of ``text``, lower-cased, punctuation ignored.

    >>> sorted(shingles("Gen. Roe took command.", 2))
    ['gen roe', 'roe took', 'took command']
    """
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    if size == 3:  # the build's shingles: formatting three at a time is twice as fast as slicing
        return {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:])}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # datasketch draws these from the seed for every MinHash; drawing them once is much faster
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=1, scheme="affine32").permutations  # type: ignore[no-any-return]


def figures(text: str) -> frozenset[str]:
    """The numbers of three digits or more that ``text`` states, as written without separators.

    >>> sorted(figures("About 2,500 troops, up from 900 in 2021, on 3 bases."))
    ['2021', '2500', '900']
    """
    found = (re.sub(r"\D", "", figure) for figure in _FIGURE.findall(text))
    return frozenset(figure for figure in found if len(figure) >= 3)


_NAME = re.compile(r"\b[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+(?:[ -][A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+)+")
# capitalised only because a sentence starts with them
_OPENERS = frozenset({
    "The", "A", "An", "In", "On", "At", "By", "But", "And", "He", "She", "It", "They", "This", "That", "These",
    "Its", "His", "Her", "Their", "Our", "We", "For", "After", "Before", "When", "While", "As", "If", "Under",
    "Over", "From", "With"})


def facts(text: str, title: str = "") -> frozenset[str]:
    """What an article states that a copy would state too: its figures and the names in its body
    (a headline's capitals are style, not names).

    >>> sorted(facts("Navy Chief Visits Base\\n\\nThe Royal Navy sent 1,200 sailors. Admiral Jane Roe spoke.",
    ...              "Navy Chief Visits Base"))
    ['1200', 'Admiral Jane Roe', 'Royal Navy']
    """
    body = text[len(title):] if title and text.startswith(title) else text
    names = set()
    for name in _NAME.findall(body):
        words = name.split(" ")
        if words[0] in _OPENERS:
            words = words[1:]
        if len(words) >= 2:
            names.add(" ".join(words))
    return figures(text) | frozenset(names)


@functools.lru_cache(maxsize=8)
def _bands(threshold: float) -> tuple[int, int]:
    # datasketch integrates false positive and negative rates to choose bands and rows: do it once
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    return int(lsh.b), int(lsh.r)


def signature(text: str) -> MinHash:
    """The MinHash of an article's text (title and body)."""
    # imported here: datasketch pulls in scipy, which commands that never read articles need not load
    from datasketch import MinHash

    # CRC-32 of each shingle: stable across runs like datasketch's SHA-1 default, several times faster
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1, permutations=_permutations(), scheme="affine32",
                      hashfunc=zlib.crc32)
    # the minimum over the shingles does not depend on their order: no sorting
    minhash.update_batch([s.encode("utf-8") for s in shingles(text)])
    return minhash


def sketch(text: str, title: str = "") -> tuple[np.ndarray, frozenset[str]]:
    """What :meth:`NearDuplicates.original_of` compares of an article: its signature's hash values and
    its facts. Pure and per article, so a build computes it in its worker processes.

    >>> values, stated = sketch("About 2,500 troops left.", "Troops leave")
    >>> len(values), sorted(stated)
    (128, ['2500'])
    """
    return signature(f"{title}\n{text}" if title else text).hashvalues, facts(text, title)


def sketch_values(data: bytes) -> np.ndarray:
    """A signature's hash values from their bytes (``values.tobytes()`` of :func:`sketch`'s)."""
    return np.frombuffer(data, dtype=_permutations()[0].dtype)


def _minhash(values: np.ndarray) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=1, hashvalues=values, permutations=_permutations(),
                   scheme="affine32", hashfunc=zlib.crc32)


def similarity(a: str, b: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets (for tests and reports)."""
    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second) if first | second else 1.0


class NearDuplicates:
    """A streaming near-duplicate detector.

    Args:
        threshold: the estimated Jaccard similarity of shingles from which two articles are copies.
        capacity: how many recent articles the index remembers (bounds memory: about 7 KB each, most
            of it datasketch's band tables).

    >>> finder = NearDuplicates(0.5)
    >>> text = "The ministry said on Monday that 300 soldiers would leave the base by June, " * 3
    >>> finder.original_of("a", text) is None
    True
    >>> finder.original_of("b", text + " Reuters contributed.")
    'a'
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, capacity: int = DEFAULT_WINDOW) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("the threshold is a similarity between 0 and 1")
        self.threshold = threshold
        self.capacity = capacity
        self._count = 0
        self._setup()

    def original_of(self, doc_id: str, text: str, title: str = "") -> str | None:
        """The id of an earlier article ``text`` copies, or None (and then it is remembered)."""
        return self.original_of_sketch(doc_id, *sketch(text, title))

    def original_of_sketch(self, doc_id: str, values: np.ndarray, stated: frozenset[str]) -> str | None:
        """:meth:`original_of` for an article whose :func:`sketch` was computed already."""
        best: tuple[int, str] | None = None
        for seen, candidate, other, other_stated in self._candidates(values):
            if candidate == doc_id:
                continue
            # LSH finds candidates; the signatures' estimate confirms them, which keeps precision
            estimate = float(np.count_nonzero(values == other)) / PERMUTATIONS
            same_facts = stated <= other_stated or other_stated <= stated
            if estimate >= self.threshold and same_facts and (best is None or seen < best[0]):
                best = (seen, candidate)
        if best is not None:
            return best[1]
        if not self._remembers(doc_id):
            self._remember(doc_id, values, stated)
            self._count += 1
        return None

    def mark(self, documents: Iterable[Document]) -> Iterator[Document]:
        """Yield ``documents`` with ``duplicate_of`` set on each copy of an earlier one."""
        for document in documents:
            original = self.original_of(document.id, document.text, document.title)
            yield dataclasses.replace(document, duplicate_of=original) if original else document

    # the index: datasketch's LSH in memory here, an SQLite file in DiskNearDuplicates ---------------

    def _setup(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=PERMUTATIONS, params=_bands(self.threshold))
        self._signatures: dict[str, tuple[int, np.ndarray, frozenset[str]]] = {}
        self._order: deque[str] = deque()

    def _candidates(self, values: np.ndarray) -> Iterator[tuple[int, str, np.ndarray, frozenset[str]]]:
        for candidate in self._lsh.query(_minhash(values)):
            seen, other, other_stated = self._signatures[candidate]
            yield seen, candidate, other, other_stated

    def _remembers(self, doc_id: str) -> bool:
        return doc_id in self._signatures

    def _remember(self, doc_id: str, values: np.ndarray, stated: frozenset[str]) -> None:
        if len(self._order) >= self.capacity:
            oldest = self._order.popleft()
            self._lsh.remove(oldest)
            del self._signatures[oldest]
        self._lsh.insert(doc_id, _minhash(values))
        self._signatures[doc_id] = (self._count, values.copy(), stated)
        self._order.append(doc_id)


class DiskNearDuplicates(NearDuplicates):
    """:class:`NearDuplicates` with its index in an SQLite file: the same answers, in constant memory.

    Each remembered article is one row (its signature and facts) plus one row per LSH band, keyed by
    the band's hash values, so the candidates of an article are one indexed lookup. Articles that left
    the window are ignored by the lookup and deleted now and then. The file is the caller's to remove.

    >>> import tempfile, pathlib
    >>> finder = DiskNearDuplicates(0.5, path=pathlib.Path(tempfile.mkdtemp()) / "near.db")
    >>> text = "The ministry said on Monday that 300 soldiers would leave the base by June, " * 3
    >>> finder.original_of("a", text), finder.original_of("b", text + " Reuters contributed.")
    (None, 'a')
    >>> finder.close()
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, capacity: int = DEFAULT_WINDOW, *,
                 path: Path) -> None:
        self._path = path
        super().__init__(threshold, capacity)

    def _setup(self) -> None:
        bands, rows = _bands(self.threshold)
        self._ranges = [(band * rows, (band + 1) * rows) for band in range(bands)]
        # a scratch file: nothing is lost if the machine stops, so no journal and no syncing
        self._db = sqlite3.connect(self._path, isolation_level=None)
        self._db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE IF NOT EXISTS near_article (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                                                     hashes BLOB NOT NULL, facts TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS near_band (key BLOB NOT NULL, seq INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS near_band_key ON near_band (key, seq);
            BEGIN;
        """)

    def _keys(self, values: np.ndarray) -> list[bytes]:
        return [bytes((band,)) + values[start:end].tobytes() for band, (start, end) in enumerate(self._ranges)]

    def _candidates(self, values: np.ndarray) -> Iterator[tuple[int, str, np.ndarray, frozenset[str]]]:
        keys = self._keys(values)
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT seq, id, hashes, facts FROM near_article WHERE seq IN "
            f"(SELECT seq FROM near_band WHERE key IN ({marks}) AND seq >= ?)",
            [*keys, self._count - self.capacity]).fetchall()
        for seq, doc_id, hashes, stated in rows:
            yield (seq, doc_id, np.frombuffer(hashes, dtype=values.dtype),
                   frozenset(stated.split("\x1f")) if stated else frozenset())

    def _remembers(self, doc_id: str) -> bool:
        row = self._db.execute("SELECT seq FROM near_article WHERE id = ?", (doc_id,)).fetchone()
        return row is not None and row[0] >= self._count - self.capacity

    def _remember(self, doc_id: str, values: np.ndarray, stated: frozenset[str]) -> None:
        seq = self._count
        if seq and seq % self.capacity == 0:  # drop what left the window, a window's worth at a time
            self._db.execute("DELETE FROM near_article WHERE seq < ?", (seq - self.capacity,))
            self._db.execute("DELETE FROM near_band WHERE seq < ?", (seq - self.capacity,))
        self._db.execute("INSERT OR REPLACE INTO near_article VALUES (?, ?, ?, ?)",
                         (seq, doc_id, values.tobytes(), "\x1f".join(sorted(stated))))
        self._db.executemany("INSERT INTO near_band VALUES (?, ?)", ((key, seq) for key in self._keys(values)))

    def close(self) -> None:
        """Close the file (the caller removes it)."""
        self._db.close()
