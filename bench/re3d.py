"""Measure kg's person recall on re3d (Dstl's real defence documents), and list headOf for checking.

    python bench/re3d.py [RE3D_DIR] [--ner MODEL]

Person recall: re3d's Person spans with confidence >= 0.5 that are proper names (a capitalised word
that is not a title, rank or pronoun: "President Assad" counts, "the Foreign Secretary" does not); a
span is found when one of kg's person mentions overlaps it. The headOf relations are printed with
their sentence so that a person can judge each one by hand (precision is not automatic here: re3d's
InChargeOf relation is sparse and much broader than headOf).
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from kg.extract import extract, load_ner
from kg.model import Document
from kg.sources import read_file

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "corpora" / "re3d"
NOT_NAMES = {"the", "a", "an", "his", "her", "their", "its", "our", "he", "she", "they", "we", "i", "you",
             "who", "whom", "mr", "mrs", "ms", "dr", "president", "prime", "minister", "secretary",
             "foreign", "defence", "defense", "general", "gen", "colonel", "commander", "chief", "king",
             "queen", "prince", "sheikh", "leader", "spokesman", "spokeswoman", "ambassador", "envoy",
             "special", "deputy", "state", "senior", "lt", "maj", "brig", "adm", "admiral", "sir", "lord",
             "army", "air", "vice", "marshal", "staff", "officials", "official", "director", "head", "office",
             "middle", "east", "asia", "central", "command", "commanding", "iraqi", "syrian", "american",
             "swedish", "russian", "us", "u.s", "uk", "un", "fco", "cjtf-oir", "inherent", "resolve",
             "representative", "high", "commissioner", "refugees", "advisor", "adviser", "spokesperson",
             "pentagon", "press", "operations", "plans", "mek", "resettlement", "sncos", "syria", "iraq",
             "capt", "navy", "religious", "minorities", "near", "south", "amphibious", "task", "group",
             "affairs", "lead", "aqi's", "qaeda", "al", "museums", "acting", "minister-designate", "commodore",
             "petty", "officer", "operator", "1st", "class", "warfare", "lieutenant",
             "citizen", "former", "global", "coalition", "counter", "isil", "presidential", "for", "of",
             "one", "in", "to", "and", "on"}


def is_proper_name(value: str) -> bool:
    """True when a span has a capitalised word that is not a title, rank, article or pronoun."""
    words = [w.strip(".,'’()\"") for w in value.split()]
    return any(w[:1].isupper() and w.lower() not in NOT_NAMES for w in words if w)


def person_spans(folder: Path) -> dict[str, list[tuple[int, int, str]]]:
    spans: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    for entities in sorted(folder.glob("*/entities.json")):
        for line in entities.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["type"] == "Person" and row.get("confidence", 0) >= 0.5 and is_proper_name(row["value"]):
                spans[row["documentId"]].add((row["begin"], row["end"], row["value"]))
    return {doc: sorted(found) for doc, found in spans.items()}


def person_recall(folder: Path, ner=None) -> tuple[int, int, list[str]]:
    """(found, total, missed names) of re3d's proper-name Person spans among kg's person mentions."""
    gold = person_spans(folder)
    found, misses = 0, []
    for document in documents(folder).values():
        persons = [(m.start, m.end) for m in extract(document, ner=ner).mentions if m.kind == "Person"]
        for begin, end, value in gold.get(document.id, []):
            if document.text[begin:end] != value:
                continue  # re3d's few rows whose offsets do not match the text
            if any(s < end and begin < e for s, e in persons):
                found += 1
            else:
                misses.append(value)
    return found, found + len(misses), misses


def documents(folder: Path) -> dict[str, Document]:
    return {d.id: d for f in sorted(folder.glob("*/documents.json")) for d in read_file(f)}


def main(argv: list[str]) -> None:
    ner = None
    if "--ner" in argv:
        at = argv.index("--ner")
        ner = load_ner(argv[at + 1])
        del argv[at:at + 2]
    folder = Path(argv[0]) if argv else DEFAULT
    started = time.perf_counter()
    found, total, misses = person_recall(folder, ner)
    elapsed = time.perf_counter() - started
    print(f"{len(documents(folder))} documents extracted in {elapsed:.2f} s")
    print(f"person recall (proper-name Person spans, confidence >= 0.5): {found}/{total} = {found / total:.3f}")
    print("missed:", "; ".join(sorted(set(misses))))
    head_of = [f"{r.subject.name} -> {r.object.name}  |  {r.sentence.strip()}"
               for document in documents(folder).values() for r in extract(document, ner=ner).relations
               if r.kind == "headOf" and r.modality == "asserted" and r.object is not None]
    print(f"\nheadOf (asserted), {len(head_of)} to check by hand:")
    for line in head_of:
        print("  ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
