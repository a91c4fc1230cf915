"""A synthetic corpus of news-like articles with known facts, for the benchmark.

Every article states a few facts in the constructions the extractor knows (titles, appositions,
reporting lines, troop counts) inside filler prose, so that throughput is measured on text of a
realistic length (about 500 words) and the facts can be checked after the build.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

FIRST = ["James", "Maria", "Olena", "Pierre", "Hans", "Aiko", "Samir", "Laura", "Tomasz", "Ingrid", "Carlos",
         "Nadia", "Viktor", "Fiona", "Rashid", "Elena", "Kwame", "Sofia", "Dmitri", "Grace"]
LAST = ["Holloway", "Brandt", "Kovalenko", "Marchetti", "Okafor", "Lindqvist", "Tanaka", "Haddad", "Novak",
        "Ferreira", "Whitcombe", "Adeyemi", "Sorensen", "Castellano", "Petrov", "Nakamura", "Ibrahim",
        "Draper", "Vasquez", "Kowalczyk", "Mendel", "Ashworth", "Quinlan", "Rasmussen", "Delacroix"]
RANKS = ["Gen.", "Lt. Gen.", "Maj. Gen.", "Brig. Gen.", "Adm.", "Vice Adm.", "Colonel", "Air Marshal"]
UNITS = ["Task Force {}", "{} Brigade", "{} Division", "Joint Task Force {}", "{} Command"]
UNIT_NAMES = ["Falcon", "Granite", "Northern Shield", "Atlas", "Harbor", "Sentinel", "Cobalt", "Meridian",
              "Iron Valley", "Summit", "Anchor", "Polar", "Crescent", "Highland", "Bastion", "Trident"]
COUNTRIES = [("US", "American"), ("Britain", "British"), ("France", "French"), ("Germany", "German"),
             ("Canada", "Canadian"), ("Italy", "Italian"), ("Poland", "Polish"), ("Spain", "Spanish")]
HOSTS = ["Iraq", "Syria", "Estonia", "Lithuania", "Romania", "Kuwait", "Jordan", "Niger", "Japan", "Kosovo"]
FILLER = [
    "Officials described the talks as constructive but said several questions remained open.",
    "The ministry did not give further details about the timetable or the costs involved.",
    "Analysts said the decision reflected a broader review of commitments in the region.",
    "Local officials welcomed the announcement and said they expected closer cooperation.",
    "The statement followed weeks of consultations with allies and partner governments.",
    "Reporters were told that the arrangements would be reviewed again at the end of the year.",
    "Lawmakers in the capital asked for a briefing on the plans before the next budget vote.",
    "The exercise, held every spring, tests logistics, communications and medical support.",
    "A spokesperson declined to comment on intelligence matters or on future operations.",
    "Diplomats said the visit was intended to reassure partners about long-term support.",
]


# Varied filler (``write_corpus(..., varied=True)``, what bench/run.py uses): sentences from templates
# whose every second or third word is drawn from a list, so two articles share few word triples, as
# two different news stories do. The fixed FILLER above makes any two articles 0.6-0.7 alike in
# word triples, so that every earlier article is a near-copy candidate of each new one.
SLOTS = {
    "who": ["officials", "diplomats", "analysts", "lawmakers", "planners", "engineers", "observers", "residents",
            "advisers", "inspectors", "auditors", "negotiators", "veterans", "economists", "contractors", "monitors"],
    "did": ["described", "welcomed", "questioned", "reviewed", "criticised", "praised", "discussed", "examined",
            "summarised", "outlined", "doubted", "endorsed", "debated", "noted", "defended", "detailed"],
    "what": ["talks", "plans", "costs", "schedule", "proposal", "budget", "timetable", "agreement", "review",
             "programme", "contract", "findings", "figures", "options", "requirements", "priorities"],
    "how": ["cautiously", "openly", "briefly", "repeatedly", "quietly", "firmly", "privately", "jointly",
            "formally", "loosely", "narrowly", "broadly", "plainly", "sharply", "warmly", "calmly"],
    "about": ["logistics", "training", "housing", "fuel", "spare parts", "medical care", "roads", "radios",
              "pay", "recruitment", "maintenance", "airfields", "ports", "rations", "cyber defence", "weather"],
    "when": ["this week", "last month", "in the spring", "before the vote", "after the summit", "on Thursday",
             "at dawn", "late on Sunday", "during the recess", "in the autumn", "over the weekend", "last year"],
    "adj": ["constructive", "useful", "difficult", "lengthy", "technical", "frank", "productive", "tense",
            "detailed", "routine", "unusual", "promising", "slow", "careful", "complex", "brief"],
}
TEMPLATES = [
    "{who} {did} the {what} as {adj} and said questions about {about} remained open {when}.",
    "the {what} on {about} was {how} {did} by {who} {when}, according to people familiar with it.",
    "{who} said the {adj} {what} would be {how} revisited {when}, with {about} first.",
    "a {adj} report on {about} {did} the {what} and was {how} shared with {who} {when}.",
    "{when}, {who} {how} {did} a {adj} list of {about} needs and the {what} behind it.",
    "asked about {about}, {who} {how} {did} the {what} and called it {adj}.",
]

SYLLABLES = ["bar", "del", "kor", "man", "vel", "tis", "ro", "gan", "hel", "mar", "dun", "sel", "ka", "lin", "bro"]


def surname(rng: random.Random) -> str:
    """Thousands of distinct surnames, as a real news corpus has (a handful would merge everyone)."""
    if rng.random() < 0.3:
        return rng.choice(LAST)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {surname(rng)}"


def unit(rng: random.Random) -> str:
    name = rng.choice(UNIT_NAMES) if rng.random() < 0.3 else surname(rng)
    return rng.choice(UNITS).format(name)


def varied_filler(rng: random.Random) -> str:
    """One filler sentence from :data:`TEMPLATES` (see above)."""
    text = rng.choice(TEMPLATES).format(**{slot: rng.choice(words) for slot, words in SLOTS.items()})
    return text[0].upper() + text[1:]


def article(index: int, rng: random.Random, varied: bool = False) -> dict:
    commander, superior = person(rng), person(rng)
    while superior.split()[-1] == commander.split()[-1]:  # two surnames alike would be one "Castellano"
        superior = person(rng)
    rank = rng.choice(RANKS)
    force = unit(rng)
    parent = f"{rng.choice(UNIT_NAMES)} Command"  # a few parents shared by many units
    while parent == force:
        parent = f"{rng.choice(UNIT_NAMES)} Command"
    _sender, demonym = rng.choice(COUNTRIES)
    host = rng.choice(HOSTS)
    count = rng.randrange(2, 120) * 100
    day = rng.choice(['Monday', 'Tuesday', 'Friday'])
    facts = [
        f"{rank} {commander}, the commander of {force}, spoke to reporters on {day}.",
        f"{commander.split()[-1]} reports directly to Defence Minister {superior}.",
        f"{force} falls under {parent}.",
        f"There are about {count:,} {demonym} troops in {host}, officials said.",
    ]
    body: list[str] = []
    while len(" ".join(body).split()) < 470:
        body.append(varied_filler(rng) if varied else rng.choice(FILLER))
    for fact in facts:
        body.insert(rng.randrange(len(body) + 1), fact)
    paragraphs = [" ".join(body[i:i + 4]) for i in range(0, len(body), 4)]
    return {"id": f"bench-{index:06d}", "published": f"2023-{1 + index % 12:02d}-{1 + index % 28:02d}",
            "title": f"{force} under new scrutiny", "text": "\n\n".join(paragraphs)}


def write_corpus(path: Path, size: int, seed: int = 7, varied: bool = False) -> Path:
    """Write ``size`` articles as JSONL to ``path`` (same seed, same corpus); ``varied`` filler makes
    articles as unlike each other as different stories are (see :data:`TEMPLATES`)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for index in range(size):
            out.write(json.dumps(article(index, rng, varied)) + "\n")
    return path
