"""Constructions that cross clauses and sentences: modality clause by clause, change of command,
reporting lines stated through command structure, and titles whose holder is named in another
sentence. The sentences are ours."""

from __future__ import annotations

from kg.extract import extract
from kg.model import Document


def facts(text: str, kind: str) -> set[tuple[str, str, str]]:
    """(subject, object or post, modality) of every relation of ``kind`` found in ``text``."""
    found = extract(Document(id="clauses", text=text, published="2024-01-01")).relations
    return {(r.subject.key.split(":", 1)[1], (r.object.key.split(":", 1)[1] if r.object else r.post.label.lower()),
             r.modality) for r in found if r.kind == kind}


def test_clauses_a_relative_clause_is_not_reached_by_the_plan_of_its_host_clause() -> None:
    text = ("General Marta Quillon arrived on Monday. In a crisis, control would pass to the Harbour Command, "
            "which Quillon now leads.")
    assert ("marta quillon", "harbour command", "asserted") in facts(text, "headOf")


def test_clauses_a_plan_inside_the_relative_clause_still_counts() -> None:
    text = "Colonel Anna Wexford arrived. Task Force Lantern, which Wexford will command from May, moved north."
    assert ("anna wexford", "task force lantern", "asserted") not in facts(text, "headOf")


def test_clauses_a_month_named_may_is_not_the_modal() -> None:
    text = "Colonel Anna Wexford took up the post in May and reports to General Marta Quillon."
    assert facts(text, "reportsTo") == {("anna wexford", "marta quillon", "asserted")}


def test_clauses_deputies_named_through_a_possessive_pronoun_report_to_the_last_subject() -> None:
    text = ("General Marta Quillon leads the 2nd Corps. Her deputy is Colonel Anna Wexford, and her chief of "
            "staff is Colonel Piet Halloran.")
    assert facts(text, "reportsTo") == {("anna wexford", "marta quillon", "asserted"),
                                        ("piet halloran", "marta quillon", "asserted")}


def test_clauses_a_possessive_pronoun_after_a_person_of_the_sentence_is_not_resolved_across_it() -> None:
    text = "General Marta Quillon leads the 2nd Corps. Colonel Piet Halloran said his deputy, Major Ilse Brandvold, was ill."
    assert facts(text, "reportsTo") == set()


def test_clauses_a_subordinate_post_in_apposition_reports_to_its_owner() -> None:
    assert facts("Colonel Anna Wexford, General Marta Quillon's chief of staff, spoke first.", "reportsTo") == {
        ("anna wexford", "marta quillon", "asserted")}
    assert facts("Colonel Anna Wexford, the former deputy to General Marta Quillon, spoke first.", "reportsTo") \
        <= {("anna wexford", "marta quillon", "past")}


def test_clauses_a_deputy_named_to_succeed_the_boss_no_longer_reports_to_them() -> None:
    text = "The army named General Marta Quillon's deputy, Colonel Anna Wexford, to succeed her."
    assert facts(text, "reportsTo") == {("anna wexford", "marta quillon", "past")}


def test_clauses_a_verb_phrase_between_commas_before_reports_to_is_not_an_aside() -> None:
    text = ("Its first head, Colonel Anna Wexford, took up the post in March and reports to the chief of the "
            "defence staff, General Marta Quillon.")
    assert facts(text, "reportsTo") == {("anna wexford", "marta quillon", "asserted")}


def test_clauses_its_title_names_the_organisation_the_sentence_before_was_about() -> None:
    text = "The 4th Mechanized Brigade arrived on Monday. Its commander, Colonel Anna Wexford, said the roads were bad."
    assert ("anna wexford", "4th mechanized brigade", "asserted") in facts(text, "headOf")
    far = ("The 4th Mechanized Brigade arrived on Monday. The roads were bad. Its commander, Colonel Anna Wexford, "
           "said so.")
    assert facts(far, "headOf") == set()  # only the sentence just before is "its" antecedent


def test_clauses_the_four_star_general_is_the_last_general() -> None:
    text = ("General Marta Quillon arrived on Monday. The four-star general commands the 2nd Corps.")
    assert ("marta quillon", "2nd corps", "asserted") in facts(text, "headOf")


def test_clauses_a_removed_or_fired_officer_held_the_title_in_the_past() -> None:
    text = "The president removed General Marta Quillon, commander-in-chief since 2021, after a long dispute."
    assert facts(text, "holds") == {("marta quillon", "commander-in-chief", "past")}


def test_clauses_a_handover_gives_the_command_to_the_successor() -> None:
    text = "Colonel Piet Halloran relinquished command of the 4th Mechanized Brigade to Colonel Anna Wexford on Friday."
    assert facts(text, "headOf") == {("anna wexford", "4th mechanized brigade", "asserted"),
                                     ("piet halloran", "4th mechanized brigade", "past")}
    planned = "Colonel Piet Halloran will hand over command of the 4th Mechanized Brigade to Colonel Anna Wexford."
    assert ("anna wexford", "4th mechanized brigade", "asserted") not in facts(planned, "headOf")


def test_clauses_the_successor_takes_the_post_the_predecessor_is_described_with() -> None:
    text = "Colonel Anna Wexford replaced Colonel Piet Halloran, the commander of the 4th Mechanized Brigade, on Tuesday."
    assert facts(text, "headOf") == {("anna wexford", "4th mechanized brigade", "asserted"),
                                     ("piet halloran", "4th mechanized brigade", "past")}


def test_clauses_only_the_successor_hands_their_new_post_to_the_predecessor() -> None:
    text = ("The fleet, commanded since May by Admiral Kerstin Vale, who succeeded Admiral Tomas Reyner, comes under "
            "the Northern Command, led by General Marta Quillon.")
    assert not any(s == "tomas reyner" and o == "northern command" for s, o, _ in facts(text, "headOf"))


def test_clauses_relieved_of_command_is_past() -> None:
    text = "Colonel Anna Wexford was relieved of command of the 4th Mechanized Brigade on Tuesday."
    assert facts(text, "headOf") == {("anna wexford", "4th mechanized brigade", "past")}


def test_clauses_a_long_relative_clause_does_not_hide_the_verb_after_it() -> None:
    text = ("General Marta Quillon, who most recently led the 2nd Corps at a base in the far north of the country "
            "for three years, also took charge of the Harbour Command and of the Coastal Command.")
    found = facts(text, "headOf")
    assert ("marta quillon", "harbour command", "asserted") in found
    assert ("marta quillon", "coastal command", "asserted") in found


def test_clauses_a_pronoun_after_a_person_of_its_sentence_is_that_person() -> None:
    text = ("General Marta Quillon arrived on Monday. Colonel Anna Wexford said she reports to Quillon.")
    assert facts(text, "reportsTo") == {("anna wexford", "marta quillon", "asserted")}


def test_clauses_the_new_commander_reports_to_the_officer_presiding_over_the_ceremony() -> None:
    text = ("Colonel Anna Wexford assumed command of the 4th Mechanized Brigade on Friday. Wexford thanked the "
            "troops. General Marta Quillon, commander of the 2nd Corps, presided over the ceremony.")
    assert ("anna wexford", "marta quillon", "asserted") in facts(text, "reportsTo")
    guest = ("Colonel Anna Wexford assumed command of the 4th Mechanized Brigade on Friday. Senator Ilse Brandvold "
             "presided over the ceremony.")
    assert facts(guest, "reportsTo") == set()  # the presider is not said to command anything


def test_clauses_appointments_still_to_take_effect_are_planned() -> None:
    for text in ("Colonel Anna Wexford was named to lead the 4th Mechanized Brigade.",
                 "Colonel Anna Wexford is expected to take command of the 4th Mechanized Brigade.",
                 "Colonel Anna Wexford will take command of the 4th Mechanized Brigade in June.",
                 "Colonel Anna Wexford was nominated to command the 4th Mechanized Brigade."):
        assert facts(text, "headOf") == {("anna wexford", "4th mechanized brigade", "planned")}, text
