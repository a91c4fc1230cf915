"""Quality floors on the real-article gold (tests/data/real/, articles read from ../shared/corpora).

The figures come from ``bench/real.py``; the floors keep them from sliding and may only go up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

# first run (before any rule changed for this set): persons 0.803, posts 0.660, headOf 0.333,
# reportsTo 0.000, partOf 0.024, troops 1.000; mean 0.470
# after the person-name forms (quality-q1): persons 0.983, posts 0.740
# after the posts/command work (quality-q2: titles after a comma, lists, copulas): persons 0.878, posts 0.950,
# headOf 0.750; mean 0.600 (each measured on its own branch); both together: persons 0.985, posts 0.963,
# headOf 0.775, mean 0.625
# after the units and hierarchy rules (quality-q3: ships, bracketed abbreviations, membership lists, unit
# chains): partOf 0.949; q1+q2+q3 together: persons 0.977, posts 0.960, headOf 0.898, partOf 0.949, mean 0.797
# with the discourse, succession and reporting rules (quality-q4): reportsTo 0.800
# after quality-qa (issue 8, posts/headOf/reportsTo constructions from the held-out set and wire2): persons 0.983,
# posts 0.964, headOf 0.920, reportsTo 0.800, partOf 0.949, troops 1.000; mean 0.936
F1_FLOORS = {"persons": 0.97, "posts": 0.95, "headOf": 0.90, "reportsTo": 0.75, "partOf": 0.94, "troops": 0.99}
MEAN_FLOOR = 0.91
# tests/data/real-holdout/ (26 articles, annotated without kg; scored once by the lead, then development data):
# first score persons 0.913, posts 0.467, headOf 0.500, partOf 0.105; after quality-qa persons 0.933, posts 0.833,
# headOf 1.000 (5 gold items: one miss is 0.889), partOf 0.200
HOLDOUT = ROOT / "tests" / "data" / "real-holdout"
#: quality-qb (partOf, persons): at main 4f7488c partOf 1.00/0.06 (F1 0.105), persons 0.95/0.88 (0.913); after
#: the hierarchy constructions of kg.extract.components, the sub-body, participle and possessive rules and
#: implied acronyms: partOf 1.00/0.89 (0.941), persons 1.00/0.92 (0.957); on tests/data/real partOf 1.00/0.93
HOLDOUT_F1_FLOORS = {"persons": 0.93, "posts": 0.78, "headOf": 0.85, "partOf": 0.90}


def _scores(folder: Path | None = None):
    """bench/real.py's scores of the gold files in ``folder`` (tests/data/real/ by default)."""
    if not (SHARED / "corpora" / "us-gov-press-2021-2022" / "articles.jsonl").exists():
        pytest.skip("../shared/corpora is not beside the checkout")
    sys.path.insert(0, str(ROOT / "bench"))
    from real import score_real

    return score_real() if folder is None else score_real(sorted(folder.glob("*.gold.json")))


@pytest.fixture(scope="module")
def real_scores():
    return _scores()


def test_realgold_covers_at_least_sixty_articles():
    sys.path.insert(0, str(ROOT / "bench"))
    from real import GOLD

    from kg.evaluate import load_gold

    ids = {d["id"] for path in GOLD.glob("*.gold.json") for d in load_gold(path)["documents"]}
    assert len(ids) >= 60


@pytest.mark.parametrize("kind", sorted(F1_FLOORS))
def test_realgold_f1_floor(real_scores, kind):
    from kg.evaluate import combine

    score = combine(real_scores.values())[kind]
    assert score.f1 >= F1_FLOORS[kind], (score.false_positives, score.false_negatives)


def test_realgold_mean_f1_floor(real_scores):
    from kg.evaluate import combine, mean_f1

    assert mean_f1(combine(real_scores.values())) >= MEAN_FLOOR


# tests/data/real-holdout2/ (30 articles, seed 13, annotated without kg): first run at 4f7488c persons 0.925,
# posts 0.673, headOf 0.667, partOf 0.320; after quality-qa and quality-qb persons 0.950, posts 0.755,
# headOf 0.667, partOf 0.400. No rule was written from it; the floors only keep it from sliding.
HOLDOUT2 = ROOT / "tests" / "data" / "real-holdout2"
HOLDOUT2_F1_FLOORS = {"persons": 0.93, "posts": 0.72, "headOf": 0.62, "partOf": 0.37}




@pytest.fixture(scope="module")
def held_out_scores():
    """Scores of each held-out folder, computed once for the module."""
    return {folder: _scores(folder) for folder in (HOLDOUT, HOLDOUT2)}


@pytest.mark.parametrize(("folder", "kind", "floor"),
                         [(HOLDOUT, kind, floor) for kind, floor in sorted(HOLDOUT_F1_FLOORS.items())]
                         + [(HOLDOUT2, kind, floor) for kind, floor in sorted(HOLDOUT2_F1_FLOORS.items())],
                         ids=lambda value: value.name if isinstance(value, Path) else str(value))
def test_realgold_held_out_f1_floor(held_out_scores, folder, kind, floor):
    from kg.evaluate import combine

    score = combine(held_out_scores[folder].values())[kind]
    assert score.f1 >= floor, (score.false_positives, score.false_negatives)
