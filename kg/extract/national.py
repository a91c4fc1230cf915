"""Mention family: organisations, continued. Lower-case national bodies ("Ukraine's armed forces",
"the country's army", "the general staff") tied to the country they belong to, and the country a
generic body's name is qualified with ("General Staff" -> "Russian General Staff")."""

from __future__ import annotations

import re

from kg.extract.context import Context
from kg.extract.gazetteer import KnownEntity
from kg.extract.rule import Rule, register
from kg.extract.spans import Span

RULES = register(
    Rule("org-national-body", "organisations", "Organization", (
        (r"(?:(?P<owner>['’]s\s+)|\b(?:the|its|their)\s+(?:country['’]s\s+|(?P<demonym>[A-Z][a-z]+)\s+)?)"
        r"(?P<org>armed\s+forces|military(?!\s+(?:leader|leaders|ruler|rulers|government|junta|regime))|army|navy|"
        r"air\s+force|ground\s+forces|land\s+forces|general\s+staff|"
        r"defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|marine\s+corps|national\s+guard|"
        r"(?<=the\s)(?:Army|Navy|Air\s+Force|Marine\s+Corps|Space\s+Force)(?=['’]s\s+[a-z]))\b"
        r"(?:(?:(?<=Army)|(?<=Navy)|(?<=Force)|(?<=Corps))(?=['’]s\s)|(?![\-’']))"),),
         1.0, "none",
         ("Estonia's [armed forces] held an exercise.", "Officers of the Estonian [navy] held an exercise.",
          "Estonia sent ships. The 4th Flotilla, the [Navy]'s oldest unit, sailed."),
         ("NATO's [military] structure was discussed.",), flags=0),
)
_LOWER_GENERIC_ORG = RULES["org-national-body"].compiled[0]
_TITLE_OF = re.compile(r"\b(?:chief|head|commander|commander-in-chief|chairman|director)\s+of\s+the\s+$", re.IGNORECASE)
_LOWER_GENERIC_KIND = {"staff": "GovernmentBody", "ministry": "GovernmentBody"}


def generic_orgs(ctx: Context, start: int, end: int, known: list[Span], orgs: list[Span]) -> list[Span]:
    """Lower-case national bodies: "Ukraine's armed forces", "the country's army", "the general
    staff", kept only when the country they belong to is known (from the owner, the sentence or
    the article so far), so that two countries' armies never merge."""
    spans: list[Span] = []
    for m in ctx.finditer(_LOWER_GENERIC_ORG, start, end):
        a, b = m.start("org"), m.end("org")
        if any(t.start < b and a < t.end for t in known + orgs):
            continue
        span = Span(_LOWER_GENERIC_KIND.get(m.group("org").split()[-1].lower(), "ArmedForces"),
                    " ".join(w.capitalize() for w in m.group("org").split()), a, b)
        owner = _generic_owner(m, known)
        if owner is None:
            continue
        qualify(ctx, span, owner or known)
        if span.qualified is not None:
            span.name = m.group("org")
            spans.append(span)
        elif _TITLE_OF.search(ctx.text, max(start, a - 60), a):
            spans.append(span)  # "the chief of the general staff": it names the post; no headOf is drawn
    return spans


def _generic_owner(m: re.Match[str], known: list[Span]) -> list[Span] | None:
    """The country that owns a lower-case body ([] when the phrase names none; None when what owns
    it is not a country: "NATO's military structure")."""
    owner: list[Span] = []
    if m.group("owner"):
        owner = [k for k in known if k.end == m.start("org") - len(m.group("owner") or "") and k.known
                 and k.known.kind == "Country"]
        if not owner:
            return None
    if m.group("demonym"):  # "the Iranian navy"
        owner = [k for k in known if k.start == m.start("demonym") and k.known and k.known.kind == "Country"]
        if not owner:
            return None
    return owner


def qualify(ctx: Context, span: Span, known: list[Span]) -> None:
    """"the General Staff" -> "Russian General Staff", from the country the sentence (or else the
    article so far) is about, so that two countries' general staffs never merge.

    The nearest country before it in the sentence wins, then the first after it ("... told
    attaches in Moscow"), then the country the article has named most (the first on a tie)."""
    country = _owner_country(ctx, span, known)
    if country is None:
        return
    demonym = country.demonyms[0] if country.demonyms else country.name
    qualified = f"{demonym} {span.name}"
    # a known body under any of the country's names: "US Air Force", "Russian General Staff"
    for owner in (demonym, country.name, *country.aliases):
        found = ctx.gazetteer.lookup(f"{owner} {span.name}")
        if found and not found[1]:
            qualified = found[0].name
            break
    span.qualified = qualified
    span.country = country.name


def _owner_country(ctx: Context, span: Span, known: list[Span]) -> KnownEntity | None:
    countries = [k for k in known if k.known and k.known.kind == "Country"]
    before = [k.known for k in countries if k.known and k.end <= span.start]
    force = _force_before(ctx, span, known, countries, bool(before))
    if force is not None:
        before.append(force)
    after = [k.known for k in countries if k.known and k.start >= span.end]
    return before[-1] if before else after[0] if after else ctx.memory.main_country()


def _force_before(ctx: Context, span: Span, known: list[Span], countries: list[Span], any_before: bool
                  ) -> KnownEntity | None:
    """"U.S. Army and Air Force": a national force just before names the country too."""
    forces = [k for k in known if k.known and k.known.kind != "Country" and k.country and k.end <= span.start]
    if not forces or (any_before and forces[-1].end <= max(k.end for k in countries if k.end <= span.start)):
        return None
    found = ctx.gazetteer.lookup(forces[-1].country or "")
    return found[0] if found else None
