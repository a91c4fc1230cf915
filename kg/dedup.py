"""Near-duplicate articles: the same wire story republished under other ids, with small edits.

Each article's word shingles are hashed into a MinHash signature (datasketch); an LSH index finds
earlier articles whose estimated Jaccard similarity reaches the threshold. A periodic release from
one template (a monthly troop report, this year's notice) shares most of its words with the last
one but not its figures, so a copy must also state no figure (three digits or more: counts, sums,
years) that the other lacks, in one direction or the other: a trimmed copy states fewer. The first
copy seen is the original (the pipeline shows them earliest published first, so the original does
not depend on the order of the inputs) and is extracted; later copies carry ``duplicate_of`` and are
only linked to it, so evidence does not grow with the number of outlets that ran a story. Memory is bounded: the index
keeps the signatures of the last ``capacity`` articles (wire copies appear close together).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from kg.model import Document

if TYPE_CHECKING:
    from datasketch import MinHash

# Measured on tests/data/inputs/dedup (exact Jaccard of 3-shingles): copies with an edited headline,
# a credit line or a cut last paragraph score 0.57-0.85, two stories from one template 0.29; 0.5
# sits between with room for MinHash's error on short articles (about +-0.04 at 256 permutations).
# A monthly report from one template scores 0.75 against the last one: the figures tell them apart.
DEFAULT_THRESHOLD = 0.5
SHINGLE = 3  # words per shingle: long enough that two stories from one template share few of them
PERMUTATIONS = 256
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


def signature(text: str) -> MinHash:
    """The MinHash of an article's text (title and body)."""
    # imported here: datasketch pulls in scipy, which commands that never read articles need not load
    from datasketch import MinHash

    minhash = MinHash(num_perm=PERMUTATIONS, seed=1, permutations=_permutations(), scheme="affine32")
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return minhash


def similarity(a: str, b: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets (for tests and reports)."""
    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second) if first | second else 1.0


class NearDuplicates:
    """A streaming near-duplicate detector.

    Args:
        threshold: the estimated Jaccard similarity of shingles from which two articles are copies.
        capacity: how many recent articles the index remembers (bounds memory: about 2.3 KB each).

    >>> finder = NearDuplicates(0.5)
    >>> text = "The ministry said on Monday that 300 soldiers would leave the base by June, " * 3
    >>> finder.original_of("a", text) is None
    True
    >>> finder.original_of("b", text + " Reuters contributed.")
    'a'
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, capacity: int = 100_000) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("the threshold is a similarity between 0 and 1")
        self.threshold = threshold
        self.capacity = capacity
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
        self._signatures: dict[str, tuple[int, np.ndarray, frozenset[str]]] = {}
        self._order: deque[str] = deque()
        self._count = 0

    def original_of(self, doc_id: str, text: str) -> str | None:
        """The id of an earlier article ``text`` copies, or None (and then it is remembered)."""
        minhash = signature(text)
        stated = figures(text)
        best: tuple[int, str] | None = None
        for candidate in self._lsh.query(minhash):
            if candidate == doc_id:
                continue
            seen, other, other_stated = self._signatures[candidate]
            # LSH finds candidates; the signatures' estimate confirms them, which keeps precision
            estimate = float(np.count_nonzero(minhash.hashvalues == other)) / PERMUTATIONS
            same_figures = stated <= other_stated or other_stated <= stated
            if estimate >= self.threshold and same_figures and (best is None or seen < best[0]):
                best = (seen, candidate)
        if best is not None:
            return best[1]
        if doc_id not in self._signatures:
            self._remember(doc_id, minhash, stated)
        return None

    def _remember(self, doc_id: str, minhash: MinHash, stated: frozenset[str]) -> None:
        if len(self._order) >= self.capacity:
            oldest = self._order.popleft()
            self._lsh.remove(oldest)
            del self._signatures[oldest]
        self._lsh.insert(doc_id, minhash)
        self._signatures[doc_id] = (self._count, minhash.hashvalues.copy(), stated)
        self._order.append(doc_id)
        self._count += 1

    def mark(self, documents: Iterable[Document]) -> Iterator[Document]:
        """Yield ``documents`` with ``duplicate_of`` set on each copy of an earlier one."""
        for document in documents:
            original = self.original_of(document.id, f"{document.title}\n{document.text}")
            yield dataclasses.replace(document, duplicate_of=original) if original else document
