"""The rule engine: one loop over a document's sentences that runs the families in a fixed order.

For each sentence: mentions (gazetteer, organisation patterns, lower-case national bodies, then
persons by title, apposition, given name, and the optional NER model), discourse (definite nouns,
"known as"), posts, later mentions of known persons, then the relation families over the
sentence's mentions (pairs: command, reporting, hierarchy; troops; succession). One overlap policy
holds throughout: a span found earlier in that order blocks any later span it overlaps. The
per-document state lives in one :class:`kg.extract.context.Context`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kg.errors import InputError
from kg.extract import (
    appositions,
    discourse,
    hierarchy,
    hosts,
    national,
    organisations,
    pairs,
    person_cues,
    persons,
    posts,
    reporting,
    succession,
    titles,
    troops,
    units,
)
from kg.extract.context import Context
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.ner import NerModel
from kg.extract.spans import Span, mention_of
from kg.extract.text import split_sentences
from kg.model import Document, Extraction

EXTRACTOR_NAME = "kg-rules"
#: Articles longer than this (in characters) are refused unless ``max_chars`` says otherwise.
MAX_CHARS = 2_000_000
#: A sentence longer than this is read in pieces cut at whitespace: no sentence of news is, and
#: the relation rules look at pairs of a sentence's mentions.
MAX_SENTENCE = 5_000
_LEAD_THE = re.compile(r"\s*(?:The\s+)?")


class DocumentTooLarge(InputError):
    """An article above the size the extractor accepts (``max_chars``)."""


def extract(document: Document, gazetteer: Gazetteer | None = None, ner: NerModel | None = None, *,
            max_chars: int = MAX_CHARS) -> Extraction:
    """Extract mentions and relations from one document with the rules.

    Args:
        document: the article.
        gazetteer: the tables to use; the shipped ones by default.
        ner: an optional statistical model (:func:`kg.extract.ner.load_ner`) whose person and
            organisation names are added where the rules found none; the rules still decide relations.
        max_chars: the longest article accepted, in characters (time grows linearly with length).

    Returns:
        The mentions (entities keyed inside the document) and the relation mentions, in text order.

    Raises:
        DocumentTooLarge: the article is longer than ``max_chars``.

    >>> from kg.model import Document
    >>> doc = Document(id="d1", text="US Central Command commander General Frank McKenzie spoke.")
    >>> [(r.kind, r.subject.name, r.object.canonical if r.object else r.post.label)
    ...  for r in extract(doc).relations]
    [('holds', 'Frank McKenzie', 'Commander of US Central Command'), ('headOf', 'Frank McKenzie', 'US Central Command')]
    """
    if len(document.text) > max_chars:
        raise too_large(document, max_chars)
    ctx = Context.new(document, gazetteer or load_gazetteer(), ner.spans(document.text) if ner is not None else [])
    steps = [(step, NEEDS.get(name)) for name, step in STEPS if ctx.statistical or name != "statistical"]
    for start, end in sentences(document.text):
        sentence = Sentence(start, end)
        for step, needs in steps:
            if needs is None or sentence.persons or (needs == "mentions" and sentence.nonperson):
                step(ctx, sentence)
    mapping = discourse.person_key_map(ctx)
    return Extraction(document=document,
                      mentions=[discourse.rekey_mention(mapping, m) for m in ctx.mentions],
                      relations=posts.drop_vague([discourse.rekey(mapping, r) for r in ctx.relations]))


def too_large(document: Document, max_chars: int) -> DocumentTooLarge:
    """The error for an article longer than ``max_chars``: one line naming it and its size.

    >>> message = str(too_large(Document(id="a1", text="x" * 12, source="big.txt"), 10))
    >>> message.startswith("big.txt: article 'a1' has 12 characters, more than the 10 kg extracts")
    True
    """
    return DocumentTooLarge(f"article {document.id!r} has {len(document.text):,} characters, more than the "
                            f"{max_chars:,} kg extracts from one article", source=document.source,
                            hint="split it into smaller articles")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """The sentences of ``text`` (:func:`kg.extract.text.split_sentences`), long ones in pieces."""
    for start, end in split_sentences(text):
        while end - start > MAX_SENTENCE:
            cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut if cut > start else start + MAX_SENTENCE
            yield start, cut
            start = cut
            while start < end and text[start].isspace():
                start += 1
        yield start, end


@dataclass(slots=True)
class Sentence:
    """What the steps have found in one sentence so far (offsets are the document's)."""

    start: int
    end: int
    known: list[Span] = field(default_factory=list)  # the gazetteer's names
    nonperson: list[Span] = field(default_factory=list)  # organisations and countries, in text order
    persons: list[Span] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)  # every mention, in text order, once all are found
    first: int = 0  # index in ``ctx.relations`` of the sentence's first relation

    @property
    def taken(self) -> list[Span]:
        """The spans that block later ones (the overlap policy: what an earlier step found wins)."""
        return self.nonperson + self.persons


Step = Callable[[Context, Sentence], None]


def _by_start(spans: list[Span]) -> list[Span]:
    return sorted(spans, key=lambda x: x.start)


def _overlaps_any(span: Span, spans: list[Span]) -> bool:
    return any(u.start < span.end and span.start < u.end for u in spans)


def _organisations(ctx: Context, s: Sentence) -> None:
    known = organisations.known_spans(ctx, s.start, s.end)
    named = units.unit_spans(ctx, s.start, s.end, known)  # ships, "Destroyer Squadron (DESRON) 9"
    s.known = [k for k in known if not _overlaps_any(k, named)] if named else known
    orgs = named + [o for o in organisations.pattern_orgs(ctx, s.start, s.end, s.known)
                    if not named or not _overlaps_any(o, named)]
    orgs += national.generic_orgs(ctx, s.start, s.end, s.known, orgs)
    units.with_region(ctx, orgs, s.end)
    s.nonperson = organisations.merge(orgs, s.known)
    units.define_abbreviations(ctx, s.start, s.end, s.nonperson)


def _titled_persons(ctx: Context, s: Sentence) -> None:
    for span, chain, of_org in persons.titled_persons(ctx, s.start, s.end, s.nonperson):
        anchor = span.head_start if span.head_start is not None else span.start
        unit = posts.title_posts(ctx, span, chain, of_org, anchor, s.nonperson)
        if unit is not None:  # "SDA Director X": the acronym names the body
            s.nonperson = _by_start(s.nonperson + [unit])
        s.persons.append(span)


def _untitled_persons(ctx: Context, s: Sentence) -> None:
    s.persons += person_cues.cued_persons(ctx, s.start, s.end, s.taken)
    s.persons += appositions.apposition_persons(ctx, s.start, s.end, s.taken)
    s.persons += persons.untitled_persons(ctx, s.start, s.end, s.taken)
    s.persons += person_cues.known_persons(ctx, s.start, s.end, s.taken)
    s.persons += person_cues.listed_persons(ctx, s.start, s.end, s.persons, s.taken)


def _statistical(ctx: Context, s: Sentence) -> None:
    if not ctx.statistical:
        return
    added = persons.ner_spans(ctx, ctx.statistical, ctx.statistical_starts, s.start, s.end, s.taken)
    s.nonperson = _by_start(s.nonperson + [a for a in added if a.kind != "Person"])
    s.persons += [a for a in added if a.kind == "Person"]


def _definite_units(ctx: Context, s: Sentence) -> None:
    # before the titles: "the commander of the brigade, Colonel X" names the brigade's commander
    s.nonperson = _by_start(s.nonperson + discourse.known_as_orgs(ctx, s.start, s.end, s.taken))
    s.nonperson = _by_start(s.nonperson + discourse.coreferent_orgs(ctx, s.start, s.end, s.taken))


def _remember_units(ctx: Context, s: Sentence) -> None:
    lead = _LEAD_THE.match(ctx.text, s.start, s.end)
    ctx.memory.organisations.add([o for o in s.nonperson if o.kind not in ("Country", "Person")],
                                 lead.end() if lead else s.start)


def _apposed_posts(ctx: Context, s: Sentence) -> None:
    for person in s.persons:
        unit = posts.apposition_posts(ctx, person, s.end, s.taken)
        if unit is not None:  # "X, CFC commander": the unit the title names
            s.nonperson = _by_start(s.nonperson + [unit])
        unit = titles.title_before_name(ctx, person, s.start, s.taken)
        if unit is not None:  # "Head of Presidential Administration X": the body the title names
            s.nonperson = _by_start(s.nonperson + [unit])
        ctx.memory.persons.remember(person)


def _later_persons(ctx: Context, s: Sentence) -> None:
    s.persons += discourse.coreferent_spans(ctx, s.start, s.end, s.taken)


def _predicate_posts(ctx: Context, s: Sentence) -> None:
    for person in s.persons:
        posts.predicate_posts(ctx, person, s.end, s.taken)


def _owned_posts(ctx: Context, s: Sentence) -> None:
    discourse.owned_posts(ctx, s.start, s.end, s.nonperson, s.persons)


def _emit(ctx: Context, s: Sentence) -> None:
    s.spans = _by_start(s.taken)
    ctx.mentions.extend(mention_of(span) for span in s.spans)
    s.first = len(ctx.relations)
    for person in s.persons:
        for post, conf, rule, modality in person.posts:
            # A title is the article's own description of the person: the clause's negation or
            # plan ("has no plans", "will visit") does not reach it.
            ctx.holds(person, post, s.start, s.end, conf, modality, rule)


def _pairs(ctx: Context, s: Sentence) -> None:
    pairs.verb_relations(ctx, s.start, s.end, s.spans)
    hierarchy.sentence_relations(ctx, s.start, s.end, s.spans)


def _deputies(ctx: Context, s: Sentence) -> None:
    reporting.sentence_lines(ctx, s.start, s.end, s.persons, s.first)


def _troops(ctx: Context, s: Sentence) -> None:
    troops.troop_relations(ctx, s.start, s.end, s.spans)
    hosts.remember_bases(ctx, s.start, s.end, s.spans)


def _subject(ctx: Context, s: Sentence) -> None:
    first = min(s.persons, key=lambda p: p.start) if s.persons else None
    ctx.memory.last_subject = ctx.memory.persons.named(first.refers_to or first.name) if first else None


def _succession(ctx: Context, s: Sentence) -> None:
    succession.succession(ctx, s.start, s.end, s.persons, s.first, s.spans)
    succession.changes_of_command(ctx, s.start, s.end, s.persons, s.first, s.spans)


def _countries(ctx: Context, s: Sentence) -> None:
    ctx.memory.count_countries(s.known)


#: The steps run over every sentence, in this order: mentions first (each family blocked by what
#: the ones before it found), then posts and later mentions, then the relation families.
STEPS: tuple[tuple[str, Step], ...] = (
    ("organisations", _organisations),  # gazetteer names, head-word phrases, national bodies
    ("definite-units", _definite_units),  # "the brigade, known as ...", "the division"
    ("titled-persons", _titled_persons),  # a rank, title or honorific before a name (posts: title-before-name)
    ("untitled-persons", _untitled_persons),  # cue words, apposition, known given name, known person, lists
    ("statistical", _statistical),  # the optional NER model's names, where the rules found none
    ("remember-units", _remember_units),  # the sentence's organisations, for "the division" later
    ("apposed-posts", _apposed_posts),  # posts: apposition; the persons are remembered
    ("later-persons", _later_persons),  # "Esper", "he", "the general"
    ("predicate-posts", _predicate_posts),  # posts: named-as, predicate-post
    ("owned-posts", _owned_posts),  # "its commander, X": the organisation the sentence before was about
    ("emit", _emit),  # mentions and post relations
    ("pairs", _pairs),  # command, reporting, hierarchy
    ("deputies", _deputies),  # reporting: "his deputy, X" (before the subject moves on)
    ("troops", _troops),
    ("subject", _subject),  # the sentence's subject, for "he" in the next one
    ("succession", _succession),
    ("countries", _countries),  # which countries the article is about
)
#: The steps that find nothing in a sentence where the steps before them found no person (they read
#: the persons' posts and cues), or no mention at all (the relations between mentions): skipped
#: there, since most sentences of an article name none.
NEEDS: dict[str, str] = {"apposed-posts": "persons", "predicate-posts": "persons", "deputies": "persons",
                         "succession": "persons", "remember-units": "mentions", "emit": "mentions",
                         "pairs": "mentions", "troops": "mentions", "countries": "mentions"}
