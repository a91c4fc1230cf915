"""What the earlier sentences of a document introduced, indexed so that each look-up costs the same
however long the article is: persons (for "Esper", "the general", "he") and organisations (for "the
division"), the countries named, where the article last placed a base."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.gazetteer import KnownEntity
from kg.extract.patterns import SUFFIX_RE
from kg.extract.spans import Person, Span

#: The roles "the general", "the minister"... can name (see :mod:`kg.extract.discourse`).
ROLES = ("general", "admiral", "commander", "minister", "secretary", "colonel", "chairman", "president",
         "prime minister")
_WORD_RUN = re.compile(r"\w*")
_WORD_OR_DASH = re.compile(r"[\w\-]")
_WORD = re.compile(r"\w")
_RUN_START = re.compile(r"(?<![\w\-])\w+")
_INDEXED = 20_000  # characters: longer texts find later mentions word by word (see ``_word_starts``)


def _has_role(person: Person, role: str) -> bool:
    return bool(person.rank and role in person.rank.lower()) or any(role in t.lower() for t in person.titles)


class Persons:
    """The persons introduced so far, in order, with indexes by name, last name and role."""

    def __init__(self, family_first: set[str]) -> None:
        self.people: list[Person] = []
        self._family_first = family_first
        self._by_name: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_last: dict[str, list[int]] = {}
        self._by_first_last: dict[tuple[str, str], list[int]] = {}
        self._roles: dict[str, list[int]] = {role: [] for role in ROLES}  # max-heaps of indices
        self._tokens: dict[str, Person] | None = {}
        self._runs: dict[str, list[str]] = {}
        # where the first word of a form starts a word of the text (no word character or dash before it)
        self._hits_text: str | None = None
        self._hits: list[tuple[int, str]] = []
        self._hit_starts: list[int] = []
        self._hit_words: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.people)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def remember(self, span: Span) -> None:
        """Add the person a span names, or merge it with the one introduced before: the same name,
        the same family name alone ("Esper"), or the same first and last words ("Mark T. Esper")."""
        tokens = [t for t in span.name.replace(",", "").split() if not SUFFIX_RE.fullmatch(" " + t)]
        if not tokens:
            return
        index = self._earliest(span.name, tokens)
        if index is None:
            self._append(Person(key=span.name, name=span.name, tokens=tokens, rank=span.rank,
                                titles={p.title for p, *_ in span.posts}))
            return
        person = self.people[index]
        if person.name == span.name or (len(tokens) == 1 and person.tokens[-1] == tokens[0]):
            span.name = person.name
            if span.rank:
                person.rank = span.rank
            person.titles.update(p.title for p, *_ in span.posts)
            self._index_roles(index)
            return
        if len(span.name) > len(person.name):
            self._rename(index, span.name)
        span.name = person.name

    def _earliest(self, name: str, tokens: list[str]) -> int | None:
        found = [self._by_name.get(name, [])[:1]]
        if len(tokens) == 1:
            found.append(self._by_last.get(tokens[0], [])[:1])
        else:
            found.append(self._by_first_last.get((tokens[0], tokens[-1]), [])[:1])
        return min((i for hit in found for i in hit), default=None)

    def _append(self, person: Person) -> None:
        index = len(self.people)
        self.people.append(person)
        self._by_name.setdefault(person.name, []).append(index)
        self._by_key.setdefault(person.key, []).append(index)
        self._by_last.setdefault(person.tokens[-1], []).append(index)
        if len(person.tokens) >= 2:
            self._by_first_last.setdefault((person.tokens[0], person.tokens[-1]), []).append(index)
        self._index_roles(index)
        if self._tokens is not None:
            for token in self._token_forms(person):
                if token not in self._tokens:
                    self._tokens[token] = person
                    self._add_run(token)

    def _rename(self, index: int, name: str) -> None:
        person = self.people[index]
        self._by_name[person.name].remove(index)
        insort(self._by_name.setdefault(name, []), index)
        person.name = name
        self._tokens = None  # the coreference forms are rebuilt when next asked for

    def _index_roles(self, index: int) -> None:
        for role in ROLES:
            if _has_role(self.people[index], role):
                heapq.heappush(self._roles[role], -index)

    def named(self, name: str) -> Person | None:
        """The person introduced under ``name`` (or now known by it)."""
        hits = self._by_name.get(name, [])[:1] + self._by_key.get(name, [])[:1]
        return self.people[min(hits)] if hits else None

    def last_with_role(self, role: str) -> Person | None:
        """The last person introduced whose rank or titles hold ``role`` ("general")."""
        heap = self._roles.get(role)
        if heap is None:
            return next((p for p in reversed(self.people) if _has_role(p, role)), None)
        while heap and not _has_role(self.people[-heap[0]], role):
            heapq.heappop(heap)  # that person's rank changed since
        return self.people[-heap[0]] if heap else None

    def by_last_token(self, token: str) -> list[Person]:
        """The persons of more than one name word whose last word is ``token``."""
        return [self.people[i] for i in self._by_last.get(token, []) if len(self.people[i].tokens) > 1]

    # -- the forms later mentions use: family name, full name, a family name written first --------

    def _token_forms(self, person: Person) -> list[str]:
        forms = [person.tokens[-1], person.name]
        if len(person.tokens) >= 2 and person.tokens[0] in self._family_first:
            forms.append(person.tokens[0])  # "Kim Myung-soo" is "Kim" later
        return forms

    def _add_run(self, token: str) -> None:
        run = _WORD_RUN.match(token)
        insort(self._runs.setdefault(run.group() if run else "", []), token, key=lambda form: -len(form))

    def _forms(self) -> dict[str, Person]:
        if self._tokens is None:
            self._tokens, self._runs = {}, {}
            for person in self.people:
                for token in self._token_forms(person):
                    if token not in self._tokens:
                        self._tokens[token] = person
                        self._add_run(token)
        return self._tokens

    def later_mentions(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, Person]]:
        """Non-overlapping mentions of known persons in ``text[start:end]``, longest form first, as
        whole words: (start, end, person). Found through the word each form begins with, not
        through one pattern of every name, so the cost does not grow with the number of persons."""
        forms = self._forms()
        odd = self._runs.get("")
        if odd:  # forms that begin with punctuation: rare, matched the slow way
            yield from _regex_mentions(forms, text, start, end)
            return
        last_end = start
        for pos, word in self._word_starts(text, start, end):
            if pos < last_end:
                continue
            for form in self._runs.get(word, ()):
                stop = pos + len(form)
                if stop <= end and text.startswith(form, pos) and (stop == end or not _WORD_OR_DASH.match(text, stop)):
                    yield pos, stop, forms[form]
                    last_end = stop
                    break

    def _word_starts(self, text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
        """The words of ``text[start:end]`` that may begin a form, as (start, word), in order.

        In an article of news length they come from an index of where each form's first word
        stands, built once per word (a ``find`` over the text); past ``_INDEXED`` characters that
        would cost the text's length per person, so the sentence's words are read one by one."""
        if len(text) > _INDEXED:
            for run in _RUN_START.finditer(text, start, end):
                yield run.start(), run.group()
            return
        self._index_hits(text)
        starts, hits = self._hit_starts, self._hits
        index = bisect_left(starts, start)
        while index < len(starts) and starts[index] < end:
            pos, word = hits[index]
            index += 1
            stop = pos + len(word)
            # the word run starting at ``pos`` (cut at ``end``) is ``word`` itself
            if stop <= end and (stop == end or not _WORD.match(text, stop)):
                yield pos, word

    def _index_hits(self, text: str) -> None:
        """Find, once per text and word, where the forms' first words start a word of ``text``."""
        if text is not self._hits_text:
            self._hits_text, self._hits, self._hit_words = text, [], set()
        new = [word for word in self._runs if word not in self._hit_words]
        if not new:
            return
        for word in new:
            self._hit_words.add(word)
            pos = text.find(word)
            while pos >= 0:
                if pos == 0 or not _WORD_OR_DASH.match(text, pos - 1):
                    self._hits.append((pos, word))
                pos = text.find(word, pos + 1)
        self._hits.sort()
        self._hit_starts = [pos for pos, _ in self._hits]


def _regex_mentions(forms: dict[str, Person], text: str, start: int, end: int) -> Iterator[tuple[int, int, Person]]:
    names = sorted(forms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w\-])")
    for m in pattern.finditer(text, start, end):
        yield m.start(), m.end(), forms[m.group()]


@dataclass
class _Best:
    """The antecedent a definite noun takes: the latest unit that was a sentence's subject, else the
    latest at all."""

    subject: tuple[int, int, Span] | None = None
    other: tuple[int, int, Span] | None = None


_NOUN_GAP = re.compile(r"[\s\-–]+")


@lru_cache(maxsize=8192)
def _nouns(name: str) -> frozenset[str]:
    """The nouns "the <noun>" may name an organisation by: its words after the first, lower-cased
    ("force" for "forces" too); asked of every organisation of every sentence, so remembered."""
    words = [w.lower() for w in _NOUN_GAP.split(name)][1:]
    return frozenset(words) | ({"force"} if "forces" in words else frozenset())


class Organisations:
    """The organisations named so far (not countries or persons), indexed by the head nouns a
    definite description may use ("the division"), and the latest one tied to a country."""

    def __init__(self, country_in_name: Callable[[Span], str | None]) -> None:
        self._count = 0
        self._by_noun: dict[str, _Best] = {}
        self._country_in_name = country_in_name
        self.national: Span | None = None  # the latest unit or organisation tied to a country

    def __bool__(self) -> bool:
        return self._count > 0

    def add(self, orgs: list[Span], subject_start: int) -> None:
        """Add a sentence's organisations; ``subject_start`` is where its subject starts."""
        for org in orgs:
            index = self._count
            self._count += 1
            entry = (org.start, index, org)
            for noun in _nouns(org.canonical):
                best = self._by_noun.setdefault(noun, _Best())
                if org.start == subject_start:
                    best.subject = entry if best.subject is None or entry[:2] > best.subject[:2] else best.subject
                else:
                    best.other = entry if best.other is None or entry[:2] > best.other[:2] else best.other
            if org.kind in ("MilitaryUnit", "Organization") and (org.country or self._country_in_name(org)):
                self.national = org

    def antecedent(self, noun: str) -> Span | None:
        """The organisation "the <noun>" names."""
        best = self._by_noun.get(noun)
        if best is None:
            return None
        found = best.subject or best.other
        return found[2] if found else None


@dataclass
class Memory:
    """Per-document state carried from sentence to sentence."""

    persons: Persons
    organisations: Organisations
    countries: dict[str, tuple[int, int, KnownEntity]] = field(default_factory=dict)  # name -> (count, first, entity)
    named_nouns: dict[str, Span] = field(default_factory=dict)  # "the brigade" -> the unit it was said to be known as
    base_country: KnownEntity | None = None  # where the article last placed a base
    last_subject: Person | None = None  # the first person named in the sentence before
    subject_org: Span | None = None  # the organisation the sentence before was about: "its commander"
    #: short forms the article defined: "DESRON" -> "Destroyer Squadron" (a stem taking a number),
    #: "MDD" -> the organisation it was given after
    abbreviations: dict[str, str | Span] = field(default_factory=dict)
    not_persons: set[str] = field(default_factory=set)  # names the article showed are not persons (its ships)
    ships: dict[str, Span] = field(default_factory=dict)  # "Abraham Lincoln", "Lincoln" -> "USS Abraham Lincoln"

    def main_country(self) -> KnownEntity | None:
        """The country the article has named most so far (the first named on a tie)."""
        if not self.countries:
            return None
        return max(self.countries.values(), key=lambda entry: (entry[0], -entry[1]))[2]

    def count_countries(self, spans: list[Span]) -> None:
        """Count the countries a sentence named."""
        for country in spans:
            if country.known is not None and country.known.kind == "Country":
                count, seen, entity = self.countries.get(country.known.name, (0, country.start, country.known))
                self.countries[country.known.name] = (count + 1, seen, entity)
