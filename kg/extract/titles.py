"""Relation family: posts, continued. Long titles of real releases: prefix words ("Principal Deputy
Assistant Secretary"), a complement that is no organisation ("for Product Support", "of Presidential
Administration"), the unit written before the title ("Name, CFC commander", "Name, 90th Missile Wing
Sexual Assault Response Coordinator"), and a title before a name the title chain could not reach
("Head of Presidential Administration Andriy Yermak")."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle, fold
from kg.extract.patterns import ORG_HEADS
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, make_post, span_at
from kg.extract.title_words import NOT_DESCRIBING
from kg.model import Modality, RelationMention

RULES = register(
    Rule("unit-then-title", "posts", "holds",
         (r"(?:[\w.&’'\-]+\s+){1,8}",),
         0.8, "title",
         ("Colonel Anna Wexford, TFL commander, inspected the depot.",
          "Sergeant Tomas Reyner, 12th Signal Battalion Range Safety Coordinator, spoke.",
          "Captain Ilse Brandvold, 4th Engineer Squadron, Harbour Point site commander, showed us the depot.",
          "Lieutenant Colonel Ilse Brandvold, 2nd Battalion, 14th Infantry Regiment commander, showed us the depot."),
         ("Colonel Anna Wexford, TFL said, inspected the depot.",
          "Colonel Anna Wexford, who met the commander, inspected the depot."), flags=0),
    Rule("title-before-untitled-name", "posts", "holds",
         ((r"\s+(?P<word>of|for|to)\s+(?P<what>(?:the\s+)?[A-Z][\w’'\-]*(?:\s+(?:and\s+)?[A-Z][\w’'\-]*){0,5}?)"
           r"(?P<more>(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3}?){1,2})?\s+$"),),
         0.8, "title",
         ("Officials met Head of Harbour Administration Kathleen Morrow on Monday.",
          "Members include Assistant Secretary of Defense for the Northern Region Kathleen Morrow and others.",
          "They met Assistant Secretary of State for Harbour Affairs Dr. Kathleen Morrow on Monday.",
          "They met the Chief of the Household of the President of the Republic Admiral Tomas Reyner."),
         ("Officials met the head of the delegation and Kathleen Morrow on Monday.",), flags=0),
    Rule("title-is-name", "posts", "holds",
         (r"(?:^|[,;]\s*(?:and\s+|while\s+)?|\.\s+)(?P<owner>[Hh]is|[Hh]er|[Ii]ts|[Tt]heir|[Tt]he(?:\s+[a-z]+['’]s)?)\s+"
          r"(?:(?:new|current)\s+)?$",
          r"\s+(?P<verb>is|was|remains)\s+(?:now\s+|currently\s+)?$"),
         0.75, "title",
         ("The general arrived. His chief of staff is Major General Tomas Reyner.",
          "The agency grew. Its director is now Kathleen Morrow, a former diplomat.",
          "The frigate sailed. The ship's current executive officer is Lieutenant Commander Ilse Brandvold."),
         ("The general arrived. His chief of staff met Major General Tomas Reyner.",), flags=0),
    Rule("title-and-title-name", "posts", "holds",
         (r"(?:\s+(?P<word>of|for)\s+(?P<what>(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3}))?\s+and\s+$",),
         0.8, "title",
         ("The First Secretary of the Party and President of Norway Tomas Reyner spoke.",),
         ("The First Secretary of the Party met President Tomas Reyner.",
          "Officials met Minister of Defence Ilse Brandvold and Foreign Minister Tomas Reyner.",
          "Reporters interviewed the defense secretary and Secretary of State Tomas Reyner."), flags=0),
)
_UNIT, _BEFORE, _COPULA, _AND = (RULES[k] for k in ("unit-then-title", "title-before-untitled-name", "title-is-name",
                                                    "title-and-title-name"))
_AND_RE = _AND.compiled[0]
_UNIT_RE, _BEFORE_RE = _UNIT.compiled[0], _BEFORE.compiled[0]
_COPULA_OWNER, _COPULA_VERB = _COPULA.compiled
#: A title's complement up to the next comma or the sentence's end: "for product support".
_COMPLEMENT_RE = re.compile(r"\s+(?P<word>for|of)\s+"
                            r"(?P<what>(?:the\s+)?[\w’'\-]+(?:\s+(?:and\s+|&\s+)?[\w’'\-]+){0,2}?)"
                            r"(?=\s*(?:,|\(|\.?\s*$))")
#: Words that make a title another one: "Deputy Assistant Secretary" is not the secretary.
PREFIX = re.compile(r"(?:(?:principal|deputy|assistant|associate|under|vice)\s+)+", re.IGNORECASE)
_CLAUSE_WORD = re.compile(r"\b(?:is|was|are|were|has|have|had|will|would|said|says|told|who|which|that|to|in|on|at|"
                          r"with|by|he|she|they|it)\b", re.IGNORECASE)
_SEGMENT_END = re.compile(r"\s*[,(]|\.?\s*$")
_ACRONYM = re.compile(r"[A-Z][A-Z\d&\-]+")


def prefixed(title: PostTitle, words: str) -> PostTitle:
    """The title with the prefix words written before it: "Deputy Assistant" + "Secretary of Defense"."""
    lead = " ".join(w.capitalize() for w in words.split())
    if not lead or title.title.lower().startswith(lead.lower()):
        return title
    return PostTitle(title.form, f"{lead} {title.title}", False)


def title_here(ctx: Context, pos: int, end: int) -> tuple[PostTitle, int, int] | None:
    """A post title starting at ``pos``, with any prefix words: (title, start, end)."""
    text = ctx.text
    best = ctx.gazetteer.post_re.match(text, pos, end)
    lead = PREFIX.match(text, pos, end)
    after = ctx.gazetteer.post_re.match(text, lead.end(), end) if lead else None
    if after is not None and (best is None or after.end() > best.end()):
        return prefixed(ctx.gazetteer.posts[fold(after.group())], text[pos:after.start()]), pos, after.end()
    if best is None:
        return None
    return ctx.gazetteer.posts[fold(best.group())], pos, best.end()


def lower_title(ctx: Context, pos: int, end: int) -> tuple[PostTitle, int, int] | None:
    """A title at ``pos``, or after up to three lower-case words that describe it ("deputy
    civil-military operations staff officer")."""
    found = title_here(ctx, pos, end)
    if found is not None:
        return found
    text = ctx.text
    for m in ctx.matches("post", ctx.gazetteer.post_re, pos, min(end, pos + 60)):
        words = text[pos:m.start()].split()
        describing = all(w[:1].islower() and w not in NOT_DESCRIBING and not w.endswith("ly") for w in words)
        if len(words) > 3 or not describing or _CLAUSE_WORD.search(text, pos, m.start()):
            return None  # "was previously the deputy commander": no words of the title
        title = ctx.gazetteer.posts[fold(m.group())]
        return PostTitle(title.form, f"{' '.join(words)} {title.title}", False), pos, m.end()
    return None


def with_complement(ctx: Context, title: PostTitle, pos: int, end: int) -> tuple[PostTitle, int]:
    """"deputy assistant secretary of defense for product support": a short complement up to the
    next comma or the sentence's end belongs to the title."""
    m = _COMPLEMENT_RE.match(ctx.text, pos, end)
    if m is None or _CLAUSE_WORD.search(m.group("what")):
        return title, pos
    return PostTitle(title.form, f"{title.title} {m.group('word')} {' '.join(m.group('what').split())}", False), m.end()


def unit_then_title(ctx: Context, person: Span, pos: int, end: int, spans: list[Span]) -> tuple[bool, Span | None]:
    """", CFC commander," / ", 90th Missile Wing Sexual Assault Response Coordinator": the unit, then
    the title, ending the apposition. The person gets the post; a unit no earlier step named becomes
    a mention (returned) when the title leads it."""
    text = ctx.text
    whole = _comma_unit_title(ctx, person, pos, end, spans)
    if whole:
        return True, None
    for _ in range(2):  # "Name, 557th Squadron, Village of Hope site commander": one unit segment may come first
        stop = _segment_end(text, pos, end)
        found = _unit_title(ctx, pos, stop, spans)
        if found is not None:
            title, unit, unit_end = found
            org = span_at(spans, pos) if unit else None
            new = None
            if org is not None and org.known is None and org.end > unit_end and org.kind != "Person":
                # "90th Missile Wing Sexual Assault": the last words are the title's
                org.name, org.end = text[pos:unit_end], unit_end
            if unit and org is None:
                last = text[pos:unit_end].split()[-1]
                new = Span(ORG_HEADS.get(last, "Organization"), text[pos:unit_end], pos, unit_end)
                org = new
            person.posts.append((make_post(title, org if title.leads else None), _UNIT.confidence, _UNIT.id,
                                 "asserted"))
            return True, new
        if stop >= end or text[stop] != ",":
            return False, None
        gap = re.match(r",\s+", text[stop:end])
        pos = stop + (gap.end() if gap else 1)
    return False, None


def _comma_unit_title(ctx: Context, person: Span, pos: int, end: int, spans: list[Span]) -> bool:
    """", 2nd Battalion, 5th Infantry Regiment commander,": a unit whose name holds a comma, then the title."""
    unit = span_at(spans, pos)
    if unit is None or unit.start != pos or unit.kind in ("Person", "Country") or "," not in ctx.text[pos:unit.end]:
        return False
    title = ctx.gazetteer.post_re.match(ctx.text, unit.end + 1, end) if ctx.text[unit.end:unit.end + 1] == " " else None
    if title is None or not _SEGMENT_END.match(ctx.text, title.end(), end):
        return False
    post = ctx.gazetteer.posts[fold(title.group())]
    person.posts.append((make_post(post, unit if post.leads else None), _UNIT.confidence, _UNIT.id, "asserted"))
    return True


def _segment_end(text: str, pos: int, end: int) -> int:
    comma = text.find(",", pos, end)
    return comma if comma >= 0 else end


def _unit_title(ctx: Context, pos: int, stop: int, spans: list[Span]) -> tuple[PostTitle, bool, int] | None:
    """The title that ends the segment [pos, stop), and whether a unit is written before it."""
    text = ctx.text
    tail = _SEGMENT_END.search(text, pos, stop + 1)
    last = tail.start() if tail else stop
    heads = [m for m in ctx.matches("post", ctx.gazetteer.post_re, pos, last) if m.end() == last and m.start() > pos]
    if not heads:
        return None
    head = heads[0]
    m = _UNIT_RE.fullmatch(text, pos, head.start())
    if m is None or "'s " in m.group() or "’s " in m.group() \
            or any(s.kind == "Person" and pos <= s.start < last for s in spans):
        return None
    words = text[pos:head.start()].split()
    cut = _unit_words(words, head.group()[:1].islower())
    if cut is None:
        return None
    title = ctx.gazetteer.posts[fold(head.group())]
    mods = " ".join(words[cut:])
    if mods:
        title = PostTitle(title.form, f"{mods} {title.title}", title.leads and not PREFIX.search(mods))
    unit_end = pos + len(" ".join(words[:cut])) if cut else pos
    return title, cut > 0, unit_end


def _unit_words(words: list[str], lower_head: bool) -> int | None:
    """How many of the words before a title name the unit: all the capitalised ones before a
    lower-case title ("Village of Hope site commander"); up to the last head word or acronym before
    a capitalised one ("90th Missile Wing | Sexual Assault Response Coordinator")."""
    if lower_head:
        cut = len(words)
        while cut and words[cut - 1][:1].islower() and words[cut - 1] != "of":
            cut -= 1
        return cut if cut and all(not w[:1].islower() or w in ("of", "the") for w in words[:cut]) else None
    if any(w[:1].islower() and w not in ("of", "the") for w in words):
        return None
    marks = [i + 1 for i, w in enumerate(words) if w in ORG_HEADS or _ACRONYM.fullmatch(w)]
    return marks[-1] if marks else 0


def title_before_name(ctx: Context, person: Span, start: int, spans: list[Span]) -> Span | None:
    """"Head of Presidential Administration Andriy Yermak": a title, its complement, then a name the
    title chain did not reach (rule ``title-before-untitled-name``). A leading title "of" a
    capitalised name no earlier step named makes that name an organisation (returned)."""
    if person.refers_to:
        return None
    if person.posts:
        _joined_title(ctx, person, start, spans)
        return None
    if _title_is_name(ctx, person, start):
        return None
    # "... for Harbour Affairs Dr. Kathleen Morrow": a rank or honorific alone between title and name
    anchor = person.start if person.head_start is None else person.head_start
    text = ctx.text
    low = max(start, anchor - 120)
    # the farthest title whose complement reaches the name: "Chief of the Military Staff of the
    # President of the Republic Admiral X" is the chief's, not the president's
    for m in ctx.matches("post", ctx.gazetteer.post_re, low, anchor):
        c = _BEFORE_RE.fullmatch(text, m.end(), anchor)
        if c is None or any(s.kind == "Person" and m.end() <= s.start < person.start for s in spans):
            continue
        found = title_here(ctx, _prefix_start(text, low, m.start()), m.end())
        if found is None:
            return None
        return _before_name_post(ctx, person, found[0], c, spans)
    return None


def _before_name_post(ctx: Context, person: Span, title: PostTitle, c: re.Match[str], spans: list[Span]) -> Span | None:
    what = c.group("what")
    a = c.start("what") + (4 if what.startswith("the ") else 0)
    org = span_at(spans, a)
    new = None
    stop = c.end("more") if c.group("more") else c.end("what")
    if org is None or org.kind == "Person" or ctx.text[org.end:c.end()].strip():
        org = None
        if title.leads and c.group("word") == "of" and _new_body(ctx, a, stop, spans):
            # "Chief of the Household of the President of the Republic": the whole complement is the body
            words = ctx.text[a:stop].split()
            org = new = Span(ORG_HEADS.get(words[-1], "Organization"), " ".join(words), a, stop)
        else:
            more = " ".join((c.group("more") or "").split())
            title = PostTitle(title.form, f"{title.title} {c.group('word')} {' '.join(what.split())} {more}".strip(),
                              False)
    person.posts.append((make_post(title, org), _BEFORE.confidence, _BEFORE.id, "asserted"))
    return new


def _new_body(ctx: Context, a: int, stop: int, spans: list[Span]) -> bool:
    """Whether [a, stop) may become a new organisation: no person in it, and any body found there
    lies inside it ("Military Staff of the" cut short by the head-word rule)."""
    if "for" in ctx.text[a:stop].split():
        return False  # "Secretary of Defense for Policy": a title's complement
    return not any(s.start < stop and a < s.end and (s.kind == "Person" or s.start < a or s.end > stop) for s in spans)


def _prefix_start(text: str, low: int, pos: int) -> int:
    """Where the prefix words before a title start ("Principal Deputy Assistant Secretary")."""
    m = re.search(r"(?:\b(?:principal|deputy|assistant|associate|under|vice)\s+)+$", text[low:pos], re.IGNORECASE)
    return low + m.start() if m else pos


def _title_is_name(ctx: Context, person: Span, start: int) -> bool:
    """"His chief of staff is Major General X": the title, a copula, then the (titled) name."""
    text = ctx.text
    anchor = person.head_start if person.head_start is not None else person.start
    low = max(start, anchor - 80)
    for m in reversed(ctx.matches("post", ctx.gazetteer.post_re, low, anchor)):
        verb = _COPULA_VERB.fullmatch(text, m.end(), anchor)
        if verb is None or not _COPULA_OWNER.search(text[start:m.start()]):
            continue
        title = ctx.gazetteer.posts[fold(m.group())]
        modality: Modality = "past" if verb.group("verb") == "was" else "asserted"
        person.posts.append((make_post(title, None), _COPULA.confidence, _COPULA.id, modality))
        return True
    return False


def _joined_title(ctx: Context, person: Span, start: int, spans: list[Span]) -> None:
    """"the First Secretary of the Party and President of Cuba X": the first title is X's too."""
    if person.head_start is None:
        return
    text = ctx.text
    low = max(start, person.head_start - 80)
    for m in reversed(ctx.matches("post", ctx.gazetteer.post_re, low, person.head_start)):
        c = _AND_RE.fullmatch(text, m.end(), person.head_start)
        if c is None or m.group()[:1].islower() \
                or any(s.kind == "Person" and m.end() <= s.start < person.head_start for s in spans):
            continue
        found = title_here(ctx, _prefix_start(text, low, m.start()), m.end())
        if found is None:
            return
        title = found[0]
        if c.group("what"):
            title = PostTitle(title.form, f"{title.title} {c.group('word')} {' '.join(c.group('what').split())}", False)
        person.posts.append((make_post(title, None), _AND.confidence, _AND.id, person.posts[0][3]))
        return


_CAP_UNIT = re.compile(r"(?:[A-Z][\w.&\-]*|\d+)(?:\s+(?:[A-Z][\w.&\-]*|\d+|of|the))*(?=\s*(?:,|\(|\.?\s*$))")


def comma_unit(ctx: Context, pos: int, end: int, spans: list[Span]) -> Span | None:
    """"Name, commander, CSG 11.": a unit after a leading title and a comma that no earlier step
    named, ending the apposition; it needs an acronym or a head word to be a unit."""
    m = _CAP_UNIT.match(ctx.text, pos, end)
    if m is None or any(s.start < m.end() and pos < s.end for s in spans):
        return None
    words = m.group().split()
    if not any(w in ORG_HEADS or _ACRONYM.fullmatch(w) for w in words) or ctx.gazetteer.rank_re.match(m.group()):
        return None
    return Span(ORG_HEADS.get(words[-1], "MilitaryUnit" if words[-1].isdigit() else "Organization"),
                m.group(), pos, m.end())


def drop_vague(relations: list[RelationMention]) -> list[RelationMention]:
    """"Secretary Blinken" after "Secretary of State Antony Blinken": a title of no organisation
    that another post of the same person spells out in full is that post, not a second one."""
    titles: dict[str, set[str]] = {}
    for r in relations:
        if r.kind == "holds" and r.post is not None:
            titles.setdefault(r.subject.key, set()).add(r.post.label.lower())
    def vague(r: RelationMention) -> bool:
        if r.kind != "holds" or r.post is None or r.post.org is not None:
            return False
        short = r.post.title.lower()
        inside = re.compile(rf"(?<![\w-]){re.escape(short)}(?![\w-])")
        return any(t != short and inside.search(t) for t in titles[r.subject.key])
    return [r for r in relations if not vague(r)]
