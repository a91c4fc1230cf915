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
from collections.abc import Iterator

from kg.errors import InputError
from kg.extract import (
    discourse,
    hosts,
    organisations,
    pairs,
    persons,
    posts,
    succession,
    troops,
)
from kg.extract.context import Context
from kg.extract.gazetteer import Gazetteer, load_gazetteer
from kg.extract.ner import NerModel, NerSpan
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
    ctx = Context.new(document, gazetteer or load_gazetteer())
    statistical = ner.spans(document.text) if ner is not None else []
    starts = [span.start for span in statistical]
    for s_start, s_end in sentences(document.text):
        _sentence(ctx, s_start, s_end, statistical, starts)
    mapping = discourse.person_key_map(ctx)
    return Extraction(document=document,
                      mentions=[discourse.rekey_mention(mapping, m) for m in ctx.mentions],
                      relations=[discourse.rekey(mapping, r) for r in ctx.relations])


def too_large(document: Document, max_chars: int) -> DocumentTooLarge:
    """The error for an article longer than ``max_chars``: one line naming it and its size.

    >>> print(too_large(Document(id="a1", text="x" * 12, source="big.txt"), 10))
    big.txt: article 'a1' has 12 characters, more than the 10 kg extracts from one article (split it into smaller articles)
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


def _mentions(ctx: Context, s_start: int, s_end: int, statistical: list[NerSpan],
              starts: list[int]) -> tuple[list[Span], list[Span], list[Span]]:
    """The sentence's (known, non-person, person) spans, each family blocked by the ones before."""
    known = organisations.known_spans(ctx, s_start, s_end)
    orgs = organisations.pattern_orgs(ctx, s_start, s_end, known)
    orgs += organisations.generic_orgs(ctx, s_start, s_end, known, orgs)
    nonperson = organisations.merge(orgs, known)
    found: list[Span] = []
    for span, chain, of_org in persons.titled_persons(ctx, s_start, s_end, nonperson):
        posts.title_posts(ctx, span, chain, of_org, span.head_start if span.head_start is not None else span.start,
                          nonperson)
        found.append(span)
    found += persons.apposition_persons(ctx, s_start, s_end, nonperson + found)
    found += persons.untitled_persons(ctx, s_start, s_end, nonperson + found)
    if statistical:
        added = persons.ner_spans(ctx, statistical, starts, s_start, s_end, nonperson + found)
        nonperson = sorted(nonperson + [a for a in added if a.kind != "Person"], key=lambda x: x.start)
        found += [a for a in added if a.kind == "Person"]
    nonperson = sorted(nonperson + discourse.known_as_orgs(ctx, s_start, s_end, nonperson + found), key=lambda x: x.start)
    nonperson = sorted(nonperson + discourse.coreferent_orgs(ctx, s_start, s_end, nonperson + found), key=lambda x: x.start)
    return known, nonperson, found


def _sentence(ctx: Context, s_start: int, s_end: int, statistical: list[NerSpan], starts: list[int]) -> None:
    """Run every family over one sentence, in order."""
    known, nonperson, found = _mentions(ctx, s_start, s_end, statistical, starts)
    lead = _LEAD_THE.match(ctx.text[s_start:s_end])
    ctx.memory.organisations.add([o for o in nonperson if o.kind not in ("Country", "Person")],
                                 s_start + (lead.end() if lead else 0))
    for person in found:
        posts.apposition_posts(ctx, person, s_end, nonperson + found)
        ctx.memory.persons.remember(person)
    found += discourse.coreferent_spans(ctx, s_start, s_end, nonperson + found)
    for person in found:
        posts.predicate_posts(ctx, person, s_end, nonperson + found)
    spans = sorted(nonperson + found, key=lambda s: s.start)
    ctx.mentions.extend(mention_of(span) for span in spans)
    first = len(ctx.relations)
    for person in found:
        for post, conf, rule, modality in person.posts:
            # A title is the article's own description of the person: the clause's negation or
            # plan ("has no plans", "will visit") does not reach it.
            ctx.holds(person, post, s_start, s_end, conf, modality, rule)
    pairs.verb_relations(ctx, s_start, s_end, spans)
    troops.troop_relations(ctx, s_start, s_end, spans)
    hosts.remember_bases(ctx, s_start, s_end, spans)
    first_person = min(found, key=lambda p: p.start) if found else None
    ctx.memory.last_subject = ctx.memory.persons.named(first_person.refers_to or first_person.name) \
        if first_person else None
    succession.succession(ctx, s_start, s_end, found, first, spans)
    ctx.memory.count_countries(known)
