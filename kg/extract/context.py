"""The one object a document's extraction passes around: its text, the gazetteer, what earlier
sentences introduced (:class:`kg.extract.memory.Memory`), and the relations found so far."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from kg.extract.gazetteer import Gazetteer, fold
from kg.extract.memory import Memory, Organisations, Persons
from kg.extract.ner import NerSpan
from kg.extract.patterns import GENERIC_ORGS
from kg.extract.scan import Hits, finditer, gate, hit_between, lowered, scan_text, usable_twin, word_hits
from kg.extract.spans import Span, mention_of
from kg.extract.text import normalise_name
from kg.model import Document, Mention, Modality, Post, RelationKind, RelationMention


@dataclass
class Context:
    """Per-document state: read by every family, written through the methods below."""

    document: Document
    gazetteer: Gazetteer
    memory: Memory
    mentions: list[Mention] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)
    statistical: list[NerSpan] = field(default_factory=list)  # the optional NER model's names, in order
    statistical_starts: list[int] = field(default_factory=list)
    _scans: dict[str, tuple[list[re.Match[str]], list[int], list[int]]] = field(default_factory=dict)
    _leading_titles: frozenset[str] = frozenset()
    #: per pattern (by id): its gate's word hits and its usable folded twin, found once per document
    _plans: dict[int, tuple[re.Pattern[str], Hits | None, re.Pattern[str] | None]] = field(default_factory=dict)

    @classmethod
    def new(cls, document: Document, gazetteer: Gazetteer, statistical: list[NerSpan] | None = None) -> Context:
        """A fresh context for ``document``; ``statistical`` are an NER model's spans of its text."""
        memory = Memory(Persons(gazetteer.family_first), Organisations(lambda org: country_in_name(gazetteer, org)))
        leading = frozenset(p.title for p in gazetteer.posts.values() if p.leads)
        found = statistical or []
        return cls(document, gazetteer, memory, statistical=found, statistical_starts=[s.start for s in found],
                   _leading_titles=leading)

    def __post_init__(self) -> None:
        # the document's text, every offset is into it: a plain attribute, since the rules read it
        # a few hundred thousand times per hundred articles
        self.text: str = self.document.text
        self._lowered: str | None = None  # the text lower-cased (None: not asked for, or unsafe)
        self._lowered_done = False

    def matches(self, name: str, regex: re.Pattern[str], start: int, end: int) -> list[re.Match[str]]:
        """The matches of a gazetteer pattern inside [start, end): the whole text is scanned once."""
        scan = self._scans.get(name)
        if scan is None:
            found = scan_text(regex, self.text, self.lowered)
            scan = (found, [m.start() for m in found], [m.end() for m in found])
            self._scans[name] = scan
        found, starts, ends = scan
        if not found:  # most patterns find nothing in most articles
            return []
        # the matches of one scan do not overlap, so their ends rise with their starts: those that
        # end by ``end`` are a prefix of those that start in [start, end)
        low = bisect_left(starts, start)
        high = bisect_left(starts, end, low)
        stop = bisect_right(ends, end, low, high) if high > low else low
        return found[low:stop]

    def finditer(self, regex: re.Pattern[str], start: int, end: int) -> list[re.Match[str]]:
        """``regex.finditer(text, start, end)`` as a list, skipped when [start, end) holds none of
        the words every match needs (:func:`kg.extract.scan.gate`)."""
        plan = self._plans.get(id(regex))
        if plan is None or plan[0] is not regex:
            plan = self._plan(regex)
        hits = plan[1]
        if hits is not None and not hit_between(hits, start, end):
            return []
        twin = plan[2]
        if twin is None:
            return list(regex.finditer(self.text, start, end))
        return finditer(regex, twin, self.text, self._lowered, start, end)

    def may_match(self, regex: re.Pattern[str], start: int, end: int) -> bool:
        """False when [start, end) holds none of the words every match of ``regex`` needs."""
        plan = self._plans.get(id(regex))
        if plan is None or plan[0] is not regex:
            plan = self._plan(regex)
        hits = plan[1]
        return hit_between(hits, start, end)

    def _plan(self, regex: re.Pattern[str]) -> tuple[re.Pattern[str], Hits | None, re.Pattern[str] | None]:
        low = self.lowered
        plan = self._plans[id(regex)] = (regex, word_hits(gate(regex), self.text, low), usable_twin(regex, low))
        return plan

    @property
    def lowered(self) -> str | None:
        """The text lower-cased, when that keeps its offsets (:func:`kg.extract.scan.lowered`)."""
        if not self._lowered_done:
            self._lowered, self._lowered_done = lowered(self.text), True
        return self._lowered

    def has_match(self, name: str, regex: re.Pattern[str], start: int, end: int) -> bool:
        """Whether ``regex`` matches inside [start, end): a cheap gate for rules with a cue word."""
        if name not in self._scans:
            self.matches(name, regex, start, end)
        found, starts, _ = self._scans[name]
        index = bisect_left(starts, start)
        return index < len(starts) and found[index].end() <= end

    # -- emitting ---------------------------------------------------------------------------------

    def relation(self, kind: RelationKind, subject: Span, obj: Span, s: int, e: int, conf: float,
                 modality: Modality, rule: str) -> None:
        """A relation between two mentions of the sentence [s, e)."""
        if kind == "headOf" and obj.kind == "Country":
            return
        self.relations.append(RelationMention(kind=kind, subject=mention_of(subject), object=mention_of(obj),
                                              sentence=self.text[s:e], start=s, end=e, confidence=conf,
                                              modality=modality, rule=rule))

    def holds(self, person: Span, post: Post, s: int, e: int, conf: float, modality: Modality, rule: str) -> None:
        """A person holds a post; when the post leads a named body, the person also heads it."""
        org_span = post.org
        self.relations.append(RelationMention(kind="holds", subject=mention_of(person), object=None,
                                              sentence=self.text[s:e], start=s, end=e, confidence=conf,
                                              modality=modality, post=post, rule=rule))
        title = self.gazetteer.posts.get(fold(post.title))
        # "President of the X Foundation" leads it; a country's president is not its head (headOf)
        # "Chief of Staff of the Joint Staff" leads the staff
        leads = post.title in self._leading_titles or post.title == "President" or (
            post.title == "Chief of Staff" and org_span is not None and org_span.name.endswith(" Staff"))
        if org_span is not None and org_span.kind == "Country" and post.title == "Commander-in-Chief":
            # "Ukraine's commander-in-chief": the head of the country's armed forces
            forces = self._armed_forces_of(org_span.canonical or org_span.name)
            if forces is not None:
                org_span = forces
        generic = org_span is not None and org_span.canonical is None and org_span.name.lower() in GENERIC_ORGS
        if ((title and title.leads) or leads) and org_span is not None and org_span.kind not in ("Country", "Person") \
                and not generic:  # "Chief of the General Staff" of no named country: which staff is unknown
            self.relations.append(RelationMention(kind="headOf", subject=mention_of(person), object=org_span,
                                                  sentence=self.text[s:e], start=s, end=e, confidence=conf,
                                                  modality=modality, rule=rule))

    def _armed_forces_of(self, country: str) -> Mention | None:
        """The gazetteer's armed forces of a country ("Armed Forces of Ukraine"), as a mention."""
        found = self.gazetteer.lookup(country)
        if not found or found[0].kind != "Country":
            return None
        entity = found[0]
        for owner in (*entity.demonyms[:1], entity.name):
            known = self.gazetteer.lookup(f"{owner} Armed Forces") or self.gazetteer.lookup(f"{owner} military")
            if known and not known[1] and known[0].kind == "ArmedForces":
                return Mention(kind="ArmedForces", name=known[0].name, start=0, end=0,
                               key="org:" + normalise_name(known[0].name), canonical=known[0].name,
                               wikidata=known[0].wikidata, country=entity.name)
        return None

    def troops(self, sender: Span, host: Span, count: int, hedge: str | None, s: int, e: int,
               conf: float, modality: Modality, rule: str) -> None:
        """A troop deployment from ``sender`` to ``host``."""
        self.relations.append(RelationMention(kind="troops", subject=mention_of(sender), object=mention_of(host),
                                              sentence=self.text[s:e], start=s, end=e, confidence=conf,
                                              modality=modality, count=count,
                                              hedge=" ".join(hedge.lower().split()) if hedge else None, rule=rule))

    # -- countries ----------------------------------------------------------------------------------

    def country_span(self, name: str, pos: int) -> Span | None:
        """A zero-width country mention at ``pos`` for a country the sentence does not name."""
        found = self.gazetteer.lookup(name)
        if not found or found[0].kind != "Country":
            return None
        return Span("Country", found[0].name, pos, pos, known=found[0], country=found[0].name)

    def first_other_country(self, sender: Span | None, pos: int) -> Span | None:
        """The first country the article named that is not the sender: the one it is about."""
        named = sorted((seen, entity.name, entity) for _, seen, entity in self.memory.countries.values())
        first = next((entity for _, _, entity in named if sender is None or entity is not sender.known), None)
        return self.country_span(first.name, pos) if first is not None else None


def country_in_name(gazetteer: Gazetteer, org: Span) -> str | None:
    """The country a unit's name holds: "Kosovo Force" -> Kosovo."""
    for word in re.split(r"[\s\-–]+", org.canonical):
        found = gazetteer.lookup(word)
        if found and found[0].kind == "Country" and not found[1]:
            return found[0].name
    return None
