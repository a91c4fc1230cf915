"""Relation family: posts (``holds``). A title before the name ("Defense Secretary Mark Esper"), an
apposition after it ("Esper, the defense secretary,"), "named ... as", and a predicate ("X became
chairman of the Joint Chiefs"). A post that leads a named body also gives ``headOf``."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import PostTitle, canonical_rank, fold
from kg.extract.organisations import org_at
from kg.extract.patterns import (
    MODIFIERS,
    PAST_MODIFIERS,
    PLANNED_MODIFIERS,
    blank_time_phrases,
)
from kg.extract.persons import Chain
from kg.extract.rule import Rule, register
from kg.extract.spans import Span, make_post, span_at, span_ending_at
from kg.extract.title_words import acronym_before, described_before, described_unit, field_before
from kg.extract.titles import (
    comma_unit,
    lower_title,
    prefixed,
    title_here,
    unit_then_title,
    with_complement,
)
from kg.extract.titles import drop_vague as drop_vague  # the engine's last step, kept under posts
from kg.model import Modality

RULES = register(
    Rule("title-before-name", "posts", "holds",
         (r"(?:\b(?:[Pp]rincipal|[Dd]eputy|[Vv]ice|[Aa]ssistant|[Aa]ssociate|Under)\s+)+$",), 0.9, "title",
         ("Brigade commander Colonel Anna Wexford inspected the depot.",
          "Former Defence Minister Paulo Reyes gave a lecture.",
          "Deputy Defence Minister Ilse Brandvold met the delegation.",
          "Senators and HRA Director Tomas Reyner spoke.",
          "Principal Deputy Assistant Secretary Kathleen Morrow spoke.",
          "They met Harbour Safety and Counter-Piracy Coordinator Kathleen Morrow on Monday.",
          "Director Ilse Brandvold of the Harbour Safety Directorate opened the hearing.",
          "Harbour Command spokesman Navy Captain Ilse Brandvold said the port was closed.",
          "So says the Norwegian fisheries minister, Kathleen Morrow."),
         ("Colonel Anna Wexford inspected the depot.",), flags=0),
    Rule("apposition", "posts", "holds",
         (r"\s*(?:\(\d+\)\s*)?(?:,|\s[—–]|\s--)\s*(?:\d+,\s*)?(?:who\s+is\s+|who\s+was\s+|now\s+)?(?:currently\s+)?"
          r"(?P<article>the\s+|a\s+|an\s+)?",),
         0.85, "title",
         ("Colonel Anna Wexford, the commander of Task Force Lantern, spoke.",
          "Marta Quillon, the defense secretary, arrived on Monday.",
          "Kathleen Morrow, who is currently the ambassador to Norway, will move.",
          "Ilse Brandvold, deputy assistant secretary of defense for harbour logistics, spoke.",
          "Tomas Reyner, director, Harbour Research Center, Coastal Command, said it works.",
          "Rear Admiral Tomas Reyner, commander, HSG 4, said the group was ready.",
          "Kathleen Morrow, strategist and deputy harbour operations staff officer, 4th Engineer Division, spoke.",
          "Chief Petty Officer Ilse Brandvold, the ship's senior enlisted leader, spoke to the crew.",
          "Colonel Anna Wexford, the 4th Harbour Division's commanding general, opened the range.",
          "\"The roads are bad,\" said Colonel Anna Wexford, the brigade commander.",
          "Colonel Anna Wexford — the commander of Task Force Lantern — said the roads were bad."),
         ("Colonel Anna Wexford, who arrived on Monday, spoke.",
          "Officials met President Ilse Brandvold, Foreign Minister Tomas Reyner and others."), flags=0),
    Rule("named-as", "posts", "holds",
         (r"\b(?:named|appointed|nominated|picked|chose|chosen|tapped|installed|promoted|confirmed|elected)\s+$",
          r"\s*(?:,\s*(?:the|a|an)\s+[^,]{1,80},)?\s+as\s+(?:the\s+)?(?:(?:new|next|acting|its|country's)\s+)?",
          r"\b(?:named|appointed|nominated|picked|chose|chosen|tapped|installed|promoted)\b[^.;]{0,400}?,\s+(?:and\s+)?$"),
         0.8, "verb+clause",
         ("The president named General Tomas Reyner as defence minister.",
          ("The decree named General Tomas Reyner as army commander, and Colonel Anna Wexford as commander of "
           "Task Force Lantern.")),
         ("The president praised General Tomas Reyner as a leader.",), flags=0),
    Rule("predicate-post", "posts", "holds",
         ((r"\s+(?:(?:on\s+\w+|has|had|have|will|would|is\s+to|also|now|formally|officially|then|later)\s+)*"
          r"(?P<verb>took\s+over\s+as|takes\s+over\s+as|take\s+over\s+as|took\s+office\s+as|takes\s+office\s+as|"
          r"became|becomes|become|was\s+named(?:\s+as)?|"
          r"is\s+named(?:\s+as)?|was\s+appointed(?:\s+as)?|been\s+appointed(?:\s+as)?|was\s+sworn\s+in\s+as|"
          r"was\s+confirmed\s+as|remains\s+as|remain\s+as|is|was|remains|remained|served\s+as|serves\s+as|been|has\s+been)"
          r"\s+(?:(?:also|still|now|currently)\s+)?(?P<article>the\s+|a\s+|an\s+)?(?:new\s+|acting\s+|interim\s+|\d+(?:st|nd|rd|th)\s+)?"),),
         0.8, "verb+clause",
         ("Admiral Kerstin Vale became chairman of the Joint Chiefs of Staff in May.",
          "General Tomas Reyner took over as commander of Task Force Lantern.",
          "Kathleen Morrow is currently chairman of the Harbour Research Center.",
          "Kathleen Morrow is President and Chief Executive Officer (CEO) of the Harbour Foundation.",
          "The ministry is run by Kathleen Morrow, who became defence minister in September.",
          "General Tomas Reyner will remain as commander of Task Force Lantern for a year."),
         ("General Tomas Reyner spoke with the commander of Task Force Lantern.",)),
)
_TITLE_BEFORE, _APPOSITION, _NAMED_AS, _PREDICATE = (RULES[k] for k in ("title-before-name", "apposition", "named-as",
                                                                         "predicate-post"))
_DEPUTY = _TITLE_BEFORE.compiled[0]
_OPENING = _APPOSITION.compiled[0]
_NAMED_VERB, _AS_TITLE, _NAMED_LIST = _NAMED_AS.compiled
_PREDICATE_VERB = _PREDICATE.compiled[0]
_OF = re.compile(r"\s+(?:of|for|at|to|in|with)\s+(?:the\s+)?")
_OF_TITLE = re.compile(r"\s+(?:of|for|at|to)\s+(?:the\s+)?")
_ABBREVIATION = re.compile(r"(?:\s*\([A-Z]{2,6}\))?")
_COMMA_ORG = re.compile(r"\s*,\s+(?:the\s+)?")
_FOR_OF = re.compile(r"\s+(?:for|of)\s")
_WHO = re.compile(r"\s*,\s*who(?=\s)")
_ITEM_END = re.compile(r"[,;(]")
#: "the ship's commanding officer", "the Department's spokesperson", "the brigade commander": an owner
#: the sentence does not name
_UNIT_OWNER = re.compile(r"(?:task\s+force|strike\s+group|division|brigade|regiment|battalion|fleet|corps|command|"
                         r"force|mission|ship|vessel|destroyer|cruiser|frigate|carrier|submarine|squadron|wing|group|unit|cell|team|company|"
                         r"department|ministry|agency|office|bureau|embassy|council|committee|center|centre|"
                         r"service|alliance|organi[sz]ation)(?:['’]s)?\s+", re.IGNORECASE)
_OF_AFTER_NAME = re.compile(r"\s+of\s+(?:the\s+)?")
_MODIFIER_WORD = re.compile(r"(?:former|then|outgoing|ex|incoming|next|future|acting|caretaker|interim|new)\b", re.I)
_SERVED_UNDER = re.compile(r"\b(?:served|worked)\b[^.;]{0,60}\bunder\s+(?:the\s+)?$")
_POSSESSIVE_GAP = re.compile(r"['’]s\s+")
_AND_TITLE = re.compile(r"\s+and\s+(?:the\s+)?")


def title_posts(ctx: Context, span: Span, chain: Chain, of_org: Span | None, a_start: int,
                blocked: list[Span]) -> Span | None:
    """The rank and posts a title chain before a name gives the person (rule ``title-before-name``);
    an acronym right before a leading title ("SDA Director X") is returned as a new organisation."""
    text = ctx.text
    pre_org, described, new = _owner_before(ctx, chain, of_org, a_start, blocked)
    for kind, form, _c_start, _c_end in chain:
        if kind == "rank":
            span.rank = canonical_rank(form)
    posts = [(form, c_start) for kind, form, c_start, _ in chain if kind == "post"]
    if pre_org is not None:
        if pre_org.known and pre_org.known.kind == "ArmedForces" and not posts:
            span.branch = pre_org.known.name
        if pre_org.country:
            span.country = pre_org.country
    if not posts:
        return new
    form, c_start = posts[0]
    title = _deputy(text, c_start, form, ctx.gazetteer.posts[fold(form)])
    if described is not None and c_start == a_start:
        title = PostTitle(title.form, f"{described[1]} {title.title}", False)
    elif pre_org is None and c_start == a_start:
        title, c_start, pre_org = field_before(ctx, title, c_start, blocked)  # modifiers come before the field
    org = of_org or pre_org or _of_after_name(ctx, span, title, blocked)
    if org is not None and org.kind == "Person":
        org = None
    span.posts.append((make_post(title, org), _TITLE_BEFORE.confidence, _TITLE_BEFORE.id,
                       _title_modality(text, span, c_start, a_start)))
    return new


def _of_after_name(ctx: Context, span: Span, title: PostTitle, blocked: list[Span]) -> Span | None:
    """"Director-General Hiroshi Ueda of the Defense Policy Bureau": a leading title's body after the name."""
    if not title.leads:
        return None
    of = _OF_AFTER_NAME.match(ctx.text, span.end)
    org = span_at(blocked, of.end()) if of else None
    return org if org is not None and org.kind not in ("Person", "Country") else None


def _owner_before(ctx: Context, chain: Chain, of_org: Span | None, a_start: int, blocked: list[Span]
                  ) -> tuple[Span | None, tuple[Span, str] | None, Span | None]:
    """The body named before a title chain: "US Central Command commander"; "Jordanian planning
    minister" (with the words describing the title); "SDA Director" (an acronym, a new mention)."""
    pre_org = span_ending_at(blocked, a_start, ctx.text)
    if pre_org is not None or chain[0][0] != "post":
        return pre_org, None, None
    described = described_before(ctx, a_start, blocked)
    if described is not None:
        return described[0], described, None
    if of_org is None and ctx.gazetteer.posts[fold(chain[0][1])].leads:
        new = acronym_before(ctx, a_start, blocked)
        return new, None, new
    return None, None, None


def _deputy(text: str, c_start: int, form: str, title: PostTitle) -> PostTitle:
    """"Deputy Defence Minister Hanna Maliar" is not the minister; "Principal Deputy Assistant
    Secretary" keeps all its prefix words."""
    before = text[max(0, c_start - 60):c_start]
    word = _DEPUTY.search(before)
    if word is None:
        return title
    return prefixed(PostTitle(form, title.title, title.leads), word.group())


def _title_modality(text: str, span: Span, c_start: int, a_start: int) -> Modality:
    before = text[max(0, a_start - 80):a_start]
    if PAST_MODIFIERS.search(text[max(0, c_start - 40):c_start]) or PAST_MODIFIERS.search(before) \
            or _SERVED_UNDER.search(before):  # "served as an adviser under President X": X's title then
        return "past"
    if PLANNED_MODIFIERS.search(text[span.end:span.end + 20]) or \
            re.search(r"\b(?:incoming|nominee for|designate)\s*$", text[max(0, c_start - 40):c_start], re.IGNORECASE):
        return "planned"
    return "asserted"


def apposition_posts(ctx: Context, person: Span, end: int, spans: list[Span]) -> Span | None:
    """", the defense secretary," / ", commander of US Central Command," after a person's name; a
    unit the apposition names before the title ("CFC commander") is returned as a new mention."""
    text = ctx.text
    m = _OPENING.match(text[person.end:end])
    if not m:
        return None
    pos = person.end + m.end()
    past = "who was" in m.group()
    here = span_at(spans, pos)
    if (not m.group("article") or (m.group("article") == "the " and text[pos:pos + 1].isupper())) and not past and \
            (here is None or (here.kind not in ("Person", "Country") and here.known is None)):
        done, new_unit = unit_then_title(ctx, person, pos, end, spans)
        if done:
            return new_unit
    pre_org, pos = _owner_at(ctx, pos, end, spans)
    mods = re.match(rf"(?P<past>(?:former|then|outgoing|ex-)\s*-?\s*)?{MODIFIERS}", text[pos:end], re.IGNORECASE)
    past = bool(mods and mods.group("past")) or past
    whole = ctx.gazetteer.post_re.match(text, pos, end)  # "senior enlisted leader": a modifier word inside a title
    pos += mods.end() if mods and not (whole and whole.end() > pos + mods.end()) else 0
    # an organisation between modifiers and the title: "the top US commander"
    org_here = span_at(spans, pos)
    if pre_org is None and org_here is not None and org_here.kind != "Person":
        pre_org = org_here
        pos = org_here.end
        gap = re.match(r"(?:['’]s)?\s+", text[pos:end])  # "the outgoing 4th Division's chief of staff"
        pos += gap.end() if gap else 0
    return _apposed_title(ctx, person, pos, end, spans, pre_org, "past" if past else "asserted")


def _owner_at(ctx: Context, pos: int, end: int, spans: list[Span]) -> tuple[Span | None, int]:
    """The body an apposition names before its title ("the CFC's commander"), and where the title may start;
    "the brigade's deputy commanding general", "the brigade commander": a unit noun is skipped."""
    text = ctx.text
    org_here = span_at(spans, pos) or (None if _MODIFIER_WORD.match(text, pos, end)
                                       else described_unit(ctx, pos, end, spans))  # "the opposition Labour Party's"
    if org_here is not None and org_here.start > pos and not _POSSESSIVE_GAP.match(text, org_here.end, end):
        org_here = None
    if org_here is not None and org_here.kind != "Person":
        poss = re.match(r"(?:['’]s)?\s+", text[org_here.end:end])
        return org_here, org_here.end + (poss.end() if poss else 0)
    unit = _UNIT_OWNER.match(text, pos, end) if not ctx.gazetteer.post_re.match(text, pos, end) else None
    return None, unit.end() if unit else pos


def _apposed_title(ctx: Context, person: Span, pos: int, end: int, spans: list[Span], pre_org: Span | None,
                   modality: Modality) -> Span | None:
    text = ctx.text
    found = title_here(ctx, pos, end) or (lower_title(ctx, pos, end) if pre_org is not None else None)
    if found is None:
        return None
    title, t_start, pos = found
    if _next_item(ctx, person, t_start, end, spans) or _POSSESSIVE_GAP.match(ctx.text, pos, end):
        return None  # "X, the Navy Secretary's chief of staff": the title is another person's
    titles = [title]
    second = _AND_TITLE.match(text, pos, end)
    also = lower_title(ctx, second.end(), end) if second else None
    if also is not None and not _next_item(ctx, person, also[1], end, spans):
        titles.append(also[0])  # "strategist and deputy operations staff officer, 4th Infantry Division"
        pos = also[2]
    org, new = _title_org(ctx, title, pos, end, spans)
    if org is None and _FOR_OF.match(text, pos, end):
        titles[-1], after = with_complement(ctx, titles[-1], pos, end)
        if after == pos and text[t_start].isupper():
            return None  # "..., Council Director for Central America Jane Doe, ...": the next item's title
    org = org or pre_org
    for title in titles:
        person.posts.append((make_post(title, org), _APPOSITION.confidence, _APPOSITION.id, modality))
    if org is not None and org is not pre_org:
        # "commander of U.S. Naval Forces Europe and the U.S. 6th Fleet": both commands
        joined = re.match(r"\s+and\s+(?:the\s+)?", text[org.end:end])
        other = org_at(ctx, spans, org.end + joined.end()) if joined else None
        if other is not None and other.kind not in ("Person", "Country"):
            person.posts.append((make_post(titles[-1], other), 0.8, _APPOSITION.id, modality))
    return new


def _title_org(ctx: Context, title: PostTitle, pos: int, end: int, spans: list[Span]
               ) -> tuple[Span | None, Span | None]:
    """The body after an apposed title: "commander of Task Force X", "director, Technical Center,
    Parent", "commander, CSG 11" (a unit no earlier step named: returned second, as a new mention)."""
    text = ctx.text
    of = _OF.match(text, pos, end) or _COMMA_ORG.match(text, pos, end)
    if of is None:
        return None, None
    comma = of.group().strip() == ","
    if of.group().split()[0] == "with" and title.leads:
        return None, None  # "a platoon leader with Company B": in it, not its head
    target = org_at(ctx, spans, of.end()) or (None if comma else described_unit(ctx, of.end(), end, spans))
    new = comma_unit(ctx, of.end(), end, spans) if target is None and title.leads and comma else None
    target = target or new
    if target is None or target.kind == "Person" or (comma and not _ends_item(text, target.end, end)):
        return None, None
    owned = _POSSESSIVE_GAP.match(text, target.end, end)
    if owned:  # "commander of the brigade's 1st Battalion": the body the owner's possessive names
        inner = org_at(ctx, spans, owned.end())
        return (inner, None) if inner is not None and inner.kind not in ("Person", "Country") else (None, None)
    return target, new


def _ends_item(text: str, pos: int, end: int) -> bool:
    return re.match(r"\s*(?:,|\(|\.?\s*$)", text[pos:end]) is not None


def _next_item(ctx: Context, person: Span, pos: int, end: int, spans: list[Span]) -> bool:
    """"met President A, Foreign Minister B, ...": a title after the comma that another name follows
    before the next comma introduces the next person of a list, not an apposition."""
    mark = _ITEM_END.search(ctx.text, pos, end)
    stop = mark.start() if mark else end
    return any(other.kind == "Person" and other is not person and pos <= other.start < stop for other in spans)


def title_at(ctx: Context, pos: int, end: int, spans: list[Span], *, modifiers: bool = False
             ) -> tuple[list[PostTitle], Span | None, bool] | None:
    """The post titles at ``pos`` (two joined by "and" when an organisation follows), with their
    organisation before ("NATO Secretary General") or after it ("commander of US Central Command"),
    and whether the organisation was named at all."""
    text = ctx.text
    org = None
    org_here = span_at(spans, pos)
    if org_here is not None and org_here.kind != "Person":
        org = org_here
        poss = re.match(r"(?:['’]s)?\s+", text[org_here.end:end])
        pos = org_here.end + (poss.end() if poss else 0)
    elif org_here is None:
        unknown = re.match(r"[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?['’]s\s+", text[pos:end])
        pos += unknown.end() if unknown else 0  # "the Army's chief of staff": an owner kg does not know
    if modifiers:
        pos += len(re.match(MODIFIERS, text[pos:end], re.IGNORECASE).group())  # type: ignore[union-attr]  # it matches ""
    found = lower_title(ctx, pos, end)
    if found is None:
        return None
    title, _, pos = found
    second = _AND_TITLE.match(text, pos, end)
    also = title_here(ctx, second.end(), end) if second else None
    abbreviation = _ABBREVIATION.match(text, also[2], end) if also else None  # "Chief Executive Officer (CEO)"
    stop = abbreviation.end() if abbreviation else also[2] if also else pos
    of = _OF_TITLE.match(text, stop, end)
    target = org_at(ctx, spans, of.end()) if of else None
    if target is not None and target.kind != "Person":
        org = target
    titles = [title, also[0]] if also and of else [title]  # "President and Chief Executive Officer of X"
    return titles, org, org is not None or of is not None


def predicate_posts(ctx: Context, person: Span, end: int, spans: list[Span]) -> None:
    """"X took over as Supreme Allied Commander Europe", "X became chairman of the Joint Chiefs",
    "X, who heads EUCOM, is also NATO's Supreme Allied Commander Europe", "X, who became defence
    minister in September, ..."."""
    if _named_as(ctx, person, end, spans):
        return
    text = ctx.text
    rest = text[person.end:end]
    who = _WHO.match(rest)
    if who and not person.posts and _predicate_at(ctx, person, person.end + who.end(), end, spans):
        return
    clause = re.match(r"\s*,\s*(?:(?:who|which)\b[^,]*|(?:the|a|an)\s+[^,]{1,60}),", rest)
    _predicate_at(ctx, person, person.end + (clause.end() if clause else 0), end, spans)


def _predicate_at(ctx: Context, person: Span, offset: int, end: int, spans: list[Span]) -> bool:
    # "was confirmed on Thursday as chairman": a time phrase is blanked out, offsets kept
    m = _PREDICATE_VERB.match(blank_time_phrases(ctx.text[offset:end]))
    if not m:
        return False
    found = title_at(ctx, offset + m.end(), end, spans, modifiers=True)
    if found is None:
        return False
    titles, org, placed = found
    verb = m.group("verb").lower()
    if verb in ("is", "was", "been", "remains", "remained") and not m.group("article") and not placed:
        return False  # "X is head" without anything else is rarely a post statement
    served = re.search(r"\b(?:was|served|had|been|remained)\b", verb + " " + m.group(), re.IGNORECASE)
    modality: Modality = "past" if served \
        and not re.search(r"named|appointed|sworn|confirmed", verb) else "asserted"
    if re.search(r"\b(?:will|would|is\s+to)\b", m.group(), re.IGNORECASE) and not verb.startswith("remain"):
        modality = "planned"  # "will remain as director": the person holds the post now
    for title in titles:
        person.posts.append((make_post(title, org), _PREDICATE.confidence, _PREDICATE.id, modality))
    return True


def _named_as(ctx: Context, person: Span, end: int, spans: list[Span]) -> bool:
    """"China named Admiral Dong Jun, a former navy commander, as defence minister"."""
    text = ctx.text
    head = person.head_start or person.start
    named = _NAMED_VERB.search(text[max(0, head - 30):head]) or _NAMED_LIST.search(text[max(0, head - 450):head])
    if not named:
        return False
    as_title = _AS_TITLE.match(blank_time_phrases(text[person.end:end]))
    found = title_at(ctx, person.end + as_title.end(), end, spans) if as_title else None
    if not found:
        return False
    titles, org, _ = found
    modality: Modality = "planned" if re.search(r"\bnominated\b", named.group()) else "asserted"
    for title in titles:
        person.posts.append((make_post(title, org), _NAMED_AS.confidence, _NAMED_AS.id, modality))
    return True
