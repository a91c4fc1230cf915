"""Stage 2: extraction, one construction per case (the sentences are ours); each rule's own examples run in test_rules.py."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.text import parse_number, split_sentences
from kg.model import Document
from kg.resolve import entity_key


def facts(text: str) -> set[tuple]:
    """(kind, subject, object-or-post, modality) for every relation, with global entity keys."""
    out = set()
    for r in extract(Document(id="t", text=text, published="2024-01-01")).relations:
        subject = entity_key(r.subject).split("/", 1)[1]
        if r.kind == "holds":
            out.add(("holds", subject, r.post.label, r.modality))
        elif r.kind == "troops":
            out.add(("troops", subject, entity_key(r.object).split("/", 1)[1], r.count, r.modality))
        else:
            out.add((r.kind, subject, entity_key(r.object).split("/", 1)[1], r.modality))
    return out


def persons(text: str) -> set[str]:
    return {m.name for m in extract(Document(id="t", text=text)).mentions if m.kind == "Person" and " " in m.name}


@pytest.mark.parametrize("text, name", [
    ("Defense Secretary Mark Esper spoke.", "Mark Esper"),
    ("Army Gen. Mark Milley spoke.", "Mark Milley"),
    ("Brig. Gen. John Smith spoke.", "John Smith"),
    ("Brigadier General William H Seely III spoke.", "William H Seely III"),
    ("Marine Brigadier General William H. Seely III spoke.", "William H. Seely III"),
    ("Gen. Kenneth F. McKenzie Jr., the head of CENTCOM, spoke.", "Kenneth F. McKenzie Jr."),
    ("Adm. John Aquilino spoke.", "John Aquilino"),
    ("Colonel General Oleksandr Syrskyi spoke.", "Oleksandr Syrskyi"),
    ("Air Chief Marshal Sir Richard Knighton spoke.", "Richard Knighton"),
    ("Ayatollah Ali Khamenei spoke.", "Ali Khamenei"),
    ("Sir Tony Radakin spoke.", "Tony Radakin"),
    ("Iranian general Qassem Soleimani was killed.", "Qassem Soleimani"),
    ("A State Department spokeswoman, Morgan Ortagus, said so.", "Morgan Ortagus"),
])
def test_extract_person_after_title_or_rank(text, name):
    assert name in persons(text)


def test_extract_label_never_carries_rank_and_rank_is_kept():
    doc = extract(Document(id="t", text="US Army General Mark Milley spoke."))
    person = next(m for m in doc.mentions if m.kind == "Person")
    assert person.name == "Mark Milley" and person.rank == "General"


@pytest.mark.parametrize("text, expected", [
    ("US Central Command commander General Frank McKenzie spoke.",
     ("headOf", "frank-mckenzie", "us-central-command", "asserted")),
    ("General Frank McKenzie, the head of Central Command, spoke.",
     ("headOf", "frank-mckenzie", "us-central-command", "asserted")),
    ("Gen. Joseph Votel, commander of U.S. Central Command, said it.",
     ("headOf", "joseph-votel", "us-central-command", "asserted")),
    ("Rear Admiral Peter Vasely, who commands US Forces-Afghanistan Forward, is there.",
     ("headOf", "peter-vasely", "us-forces-afghanistan-forward", "asserted")),
    ("Army General Michael Kurilla took command of US Central Command on Friday.",
     ("headOf", "michael-kurilla", "us-central-command", "asserted")),
    ("The Syrian Democratic Forces, an alliance led by Kurdish commander Mazloum Abdi, held the town.",
     ("headOf", "mazloum-abdi", "syrian-democratic-forces", "asserted")),
    ("The Islamic Revolutionary Guard Corps, whose commander is Major General Hossein Salami, said so.",
     ("headOf", "hossein-salami", "islamic-revolutionary-guard-corps", "asserted")),
    ("Zelensky appointed Colonel General Oleksandr Syrskyi to head Ukraine's armed forces.",
     ("headOf", "oleksandr-syrskyi", "armed-forces-of-ukraine", "asserted")),
    ("General Valery Gerasimov, the chief of the General Staff, spoke in Moscow on Russia's behalf.",
     ("holds", "valery-gerasimov", "Chief of Russian General Staff", "asserted")),
    ("Gen. Michael Kurilla, who previously commanded the XVIII Airborne Corps, spoke.",
     ("headOf", "michael-kurilla", "xviii-airborne-corps", "past")),
])
def test_extract_commands(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("Defense Secretary Mark Esper spoke.", ("holds", "mark-esper", "Secretary of Defense", "asserted")),
    ("Iraqi caretaker Prime Minister Adel Abdul Mahdi spoke.",
     ("holds", "adel-mahdi", "Prime Minister of Iraq", "asserted")),
    ("US Army General Christopher Cavoli took over as Supreme Allied Commander Europe on Friday.",
     ("holds", "christopher-cavoli", "Supreme Allied Commander Europe", "asserted")),
    ("Admiral Sir Tony Radakin, the Chief of the Defence Staff, spoke.",
     ("holds", "tony-radakin", "Chief of the Defence Staff", "asserted")),
    ("Former Defense Secretary Mark Esper spoke.", ("holds", "mark-esper", "Secretary of Defense", "past")),
])
def test_extract_posts(text, expected):
    assert expected in facts(text)


def test_extract_list_of_titled_persons_gives_each_title_to_its_own_name():
    found = facts("Officials met President Ilse Brandvold, Foreign Minister Tomas Reyner, Head of Harbour "
                  "Administration Kathleen Morrow and Chief of Defence General Anna Wexford.")
    posts = {(s, post) for kind, s, post, _ in found if kind == "holds"}
    assert posts == {("ilse-brandvold", "President"), ("tomas-reyner", "Foreign Minister"),
                     ("kathleen-morrow", "Head of Harbour Administration"), ("anna-wexford", "Chief of Defence")}


@pytest.mark.parametrize("text, expected", [
    ("Colonel Anna Wexford, TFL commander, inspected the depot.", ("headOf", "anna-wexford", "tfl", "asserted")),
    ("Tomas Reyner, director, Harbour Research Center, Coastal Command, said it works.",
     ("headOf", "tomas-reyner", "harbour-research-center", "asserted")),
    ("Kathleen Morrow is President and Chief Executive Officer (CEO) of the Harbour Foundation.",
     ("holds", "kathleen-morrow", "Chief Executive Officer of Harbour Foundation", "asserted")),
    ("Senators and HRA Director Tomas Reyner spoke.", ("headOf", "tomas-reyner", "hra", "asserted")),
    ("\u201cWe will do what [United Nations envoy] Orla Fenwick asks,\u201d she said.",
     ("holds", "orla-fenwick", "Envoy of United Nations", "asserted")),
    ("Orla Fenwick is President and Chief Executive Officer of the Harbour Foundation.",
     ("headOf", "orla-fenwick", "harbour-foundation", "asserted")),
    ("Principal Deputy Assistant Secretary Kathleen Morrow spoke.",
     ("holds", "kathleen-morrow", "Principal Deputy Assistant Secretary", "asserted")),
    ("Kathleen Morrow is currently Chairman of Harbour Real Estate LLC.",
     ("headOf", "kathleen-morrow", "harbour-real-estate-llc", "asserted")),
    ("General Tomas Reyner will remain as commander of Task Force Lantern for a year.",
     ("headOf", "tomas-reyner", "task-force-lantern", "asserted")),
    ("The general arrived. His chief of staff was Major General Tomas Reyner.",
     ("holds", "tomas-reyner", "Chief of Staff", "past")),
])
def test_extract_titles_of_real_releases(text, expected):
    assert expected in facts(text)


def test_extract_vague_title_is_the_full_one_already_given():
    found = facts("Secretary of State Kathleen Morrow arrived. Later Secretary Morrow met the press.")
    assert {post for kind, _, post, _ in found if kind == "holds"} == {"Secretary of State"}


@pytest.mark.parametrize("text, expected", [
    ("General Frank McKenzie, commander of US Central Command, reports directly to Defense Secretary Mark Esper.",
     ("reportsTo", "frank-mckenzie", "mark-esper", "asserted")),
    ("Admiral John Aquilino, who leads US Indo-Pacific Command, reports to Defense Secretary Lloyd Austin.",
     ("reportsTo", "john-aquilino", "lloyd-austin", "asserted")),
    ("V Corps falls under US Army Europe and Africa.",
     ("subOrganizationOf", "v-corps", "us-army-europe-and-africa", "asserted")),
    ("US Army Europe and Africa is a subordinate command of US European Command.",
     ("subOrganizationOf", "us-army-europe-and-africa", "us-european-command", "asserted")),
    ("The Quds Force is the foreign arm of the Islamic Revolutionary Guard Corps.",
     ("subOrganizationOf", "quds-force", "islamic-revolutionary-guard-corps", "asserted")),
    ("The Quds Force is part of the Islamic Revolutionary Guard Corps.",
     ("subOrganizationOf", "quds-force", "islamic-revolutionary-guard-corps", "asserted")),
])
def test_extract_hierarchy(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("The Pentagon says there are about 5,000 US troops in Iraq.",
     ("troops", "united-states", "iraq", 5000, "asserted")),
    ("Germany hosts some 35,000 U.S. service members.",
     ("troops", "united-states", "germany", 35000, "asserted")),
    ("Poland has about 10,000 American troops on its soil.",
     ("troops", "united-states", "poland", 10000, "asserted")),
    ("Roughly 900 U.S. troops remain in northeastern Syria.",
     ("troops", "united-states", "syria", 900, "asserted")),
    ("France ended its mission in the Sahel, where about 5,100 French soldiers are deployed.",
     ("troops", "france", "sahel", 5100, "asserted")),
    ("Britain keeps about 900 troops in Estonia.",
     ("troops", "united-kingdom", "estonia", 900, "asserted")),
    ("The United States has about 28,500 troops in South Korea.",
     ("troops", "united-states", "south-korea", 28500, "asserted")),
    ("There are five thousand American troops in Iraq.",
     ("troops", "united-states", "iraq", 5000, "asserted")),
    ("About 5,800 American troops are at Hamid Karzai International Airport in Kabul.",
     ("troops", "united-states", "afghanistan", 5800, "asserted")),
    ("Canada said it would move some of its roughly 500 soldiers in Iraq to Kuwait.",
     ("troops", "canada", "iraq", 500, "asserted")),
    ("The United States will send 3,000 more troops to Poland.",
     ("troops", "united-states", "poland", 3000, "planned")),
])
def test_extract_troops(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text", [
    "The United States has no plans to send 5,000 troops to Iraq.",
    "Washington denied that 2,000 US troops were in Syria.",
    "The United States would not send 3,000 troops to Ukraine.",
    "Several thousand Russian soldiers are stationed in Belarus.",
    "Nearly 9,000 Ukrainian soldiers had been killed in Ukraine.",
    "The Pentagon will withdraw about 11,900 troops from Germany.",
])
def test_extract_no_present_deployment(text):
    assert not [f for f in facts(text) if f[0] == "troops" and f[-1] == "asserted"]


def test_extract_surname_coreference_inside_article():
    text = "Defense Secretary Mark Esper spoke on Monday. Esper said no decision had been made."
    doc = extract(Document(id="t", text=text))
    keys = {m.key for m in doc.mentions if m.kind == "Person"}
    assert keys == {"person:mark esper"}


def test_extract_sentences_respect_abbreviations():
    text = "Brig. Gen. William H. Seely III wrote it. U.S. forces stayed."
    assert [text[a:b] for a, b in split_sentences(text)] == ["Brig. Gen. William H. Seely III wrote it.",
                                                            "U.S. forces stayed."]


@pytest.mark.parametrize("text, value", [
    ("5,000", 5000), ("36000", 36000), ("1.5 million", 1_500_000), ("five thousand", 5000),
    ("twenty-five hundred", 2500), ("thousand", None), ("a", None),
])
def test_extract_parse_number(text, value):
    assert parse_number(text) == value


def test_extract_seed_article(shared_dev):
    text = (shared_dev / "seed-article.txt").read_text()
    found = facts(text)
    assert ("headOf", "frank-mckenzie", "us-central-command", "asserted") in found
    assert ("headOf", "mark-milley", "joint-chiefs-of-staff", "asserted") in found
    assert ("headOf", "william-seely", "task-force-iraq", "asserted") in found
    assert ("troops", "united-states", "iraq", 5000, "asserted") in found


# -- constructions added for unseen news (each sentence is new, not from the gold sets) ------------

@pytest.mark.parametrize("text, name", [
    ("Yesterday Heather Wilson met the committee.", "Heather Wilson"),
    ("The talks were led by Wang Yi in Beijing.", "Wang Yi"),
    ("Petty Officer Maria Lopez was honoured.", "Maria Lopez"),
    ("Foreign Office Minister Anne Marie Trevelyan visited Kyiv.", "Anne Marie Trevelyan"),
])
def test_extract_untitled_and_newly_titled_persons(text, name):
    assert name in persons(text)


@pytest.mark.parametrize("text", [
    "Flights resumed at Hamid Karzai International Airport on Sunday.",
    "The Victoria Barracks garrison paraded.",
])
def test_extract_place_names_are_not_persons(text):
    assert persons(text) == set()


@pytest.mark.parametrize("text, expected", [
    ("Gen. Anna Berg spoke. Joint Force Command Brunssum, which Berg commands, met on Monday.",
     ("headOf", "anna-berg", "allied-joint-force-command-brunssum", "asserted")),
    ("Lt. Gen. Herzi Halevi spoke. Halevi, who has led the Israel Defense Forces since 2023, visited the north.",
     ("headOf", "herzi-halevi", "israel-defense-forces", "asserted")),
    ("The 3rd Infantry Division deployed to Germany. The division is commanded by Maj. Gen. Charles Costanza.",
     ("headOf", "charles-costanza", "3rd-infantry-division", "asserted")),
    ("The Joint Task Force Red Hill is led by Col. Sarah Ross.",
     ("headOf", "sarah-ross", "joint-task-force-red-hill", "asserted")),
])
def test_extract_commands_in_more_shapes(text, expected):
    assert expected in facts(text)


def test_extract_reports_to_a_titled_and_apposed_superior():
    text = "Gen. Patrick Sanders spoke. Sanders reports to the Chief of the Defence Staff, Admiral Sir Tony Radakin."
    assert ("reportsTo", "patrick-sanders", "tony-radakin", "asserted") in facts(text)


def test_extract_part_of_an_owned_unit():
    text = "The Combat Logistics Battalion 31 is part of the U.S. Marine Corps' III Marine Expeditionary Force."
    assert ("subOrganizationOf", "combat-logistics-battalion-31", "iii-marine-expeditionary-force", "asserted") in facts(text)


def test_extract_two_bodies_joined_by_and_are_two():
    found = facts("The Joint Cyber Unit is a joint unit of the Ministry of Defence and GCHQ.")
    assert ("subOrganizationOf", "joint-cyber-unit", "ministry-of-defence", "asserted") in found
    assert not any("gchq" in f[2] and "ministry" in f[2] for f in found)


def test_extract_replaced_with_moves_the_post():
    found = facts("The president replaced Defence Minister Oleksii Reznikov with Rustem Umerov, a lawmaker.")
    assert ("holds", "oleksii-reznikov", "Defence Minister", "past") in found
    assert ("holds", "rustem-umerov", "Defence Minister", "asserted") in found


def test_extract_succeeding_as_head_of_gives_both_sides():
    found = facts("Admiral Sir Ben Key took over as First Sea Lord, succeeding Admiral Sir Tony Radakin as "
                  "the professional head of the Royal Navy.")
    assert ("headOf", "tony-radakin", "royal-navy", "past") in found
    assert ("headOf", "ben-key", "royal-navy", "asserted") in found


def test_extract_named_as_title():
    found = facts("Tokyo on Tuesday named Gen. Yoshihide Yoshida, a former ground force chief, as chief of staff.")
    assert ("holds", "yoshihide-yoshida", "Chief of Staff", "asserted") in found


@pytest.mark.parametrize("text, expected", [
    ("Britain keeps about 900 troops in Estonia and some 150 in Poland.",
     ("troops", "united-kingdom", "poland", 150, "asserted")),
    ("Roughly 1,200 French Foreign Legion soldiers are stationed in Djibouti.",
     ("troops", "france", "djibouti", 1200, "asserted")),
])
def test_extract_troops_in_more_shapes(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("NATO Mission Iraq trains Iraqi forces. Denmark contributes about 280 soldiers to the mission.",
     ("troops", "denmark", "iraq", 280, "asserted")),
    ("A rocket hit Al Asad Air Base in western Iraq on Monday. About 2,000 U.S. troops are stationed at the base.",
     ("troops", "united-states", "iraq", 2000, "asserted")),
    ("About 700 U.S. Army and Air Force personnel are deployed in Poland.",
     ("troops", "united-states", "poland", 700, "asserted")),
    ("Turkish engineers work at Mitiga Airport in Tripoli, Libya. Turkey has about 500 troops at the airport.",
     ("troops", "turkey", "libya", 500, "asserted")),
])
def test_extract_troops_host_from_an_earlier_sentence(text, expected):
    assert expected in facts(text)


def test_extract_pronoun_subject_is_the_previous_sentence_subject():
    text = ("Gen. Anna Berg took command of the 7th Signal Brigade on Friday, replacing Col. Omar Haddad. "
            "As commander she reports to Maj. Gen. Lena Voss.")
    found = facts(text)
    assert ("reportsTo", "anna-berg", "lena-voss", "asserted") in found
    assert not any(f[0] == "reportsTo" and f[1] == "omar-haddad" for f in found)


@pytest.mark.parametrize("text, expected", [
    ("Gen. Paul Funk, who commands the Army's Training and Doctrine Command, spoke.",
     ("headOf", "paul-funk", "training-and-doctrine-command", "asserted")),
    ("Gen. Anna Berg spoke. Berg leads the Navy's Atlantic Fleet and the Second Fleet.",
     ("headOf", "anna-berg", "atlantic-fleet", "asserted")),
])
def test_extract_one_body_with_and_in_its_name_and_an_owner(text, expected):
    assert expected in facts(text)


def test_extract_lone_family_name_with_a_post_apposition():
    found = facts("Brandvik, the defense secretary, said the review was finished.")
    assert ("holds", "brandvik", "Secretary of Defense", "asserted") in found
    assert facts("Washington, the capital, was quiet.") == set()


def test_extract_possessive_is_not_part_of_a_name():
    names = persons("Officials said Gen. Omar Haddad's convoy reached the base.")
    assert names == {"Omar Haddad"}


def test_extract_lower_case_general_staff_without_a_country_still_names_the_post():
    found = facts("He criticised the chief of the general staff, General Anton Belyk, on Saturday.")
    assert ("holds", "anton-belyk", "Chief of General Staff", "asserted") in found
    assert not any(f[0] == "headOf" for f in found)  # which country's staff is unknown


def test_extract_commander_of_two_bodies_with_dotted_country_prefix():
    found = facts("Vice Adm. Lena Voss, commander of U.S. Naval Forces Europe and the U.S. 6th Fleet, spoke.")
    assert ("headOf", "lena-voss", "us-naval-forces-europe", "asserted") in found
    assert ("headOf", "lena-voss", "us-6th-fleet", "asserted") in found


def test_extract_part_of_with_dotted_country_prefix():
    found = facts("U.S. Naval Forces Europe is a component of U.S. European Command.")
    assert ("subOrganizationOf", "us-naval-forces-europe", "us-european-command", "asserted") in found


def test_extract_a_count_never_starts_a_unit_name():
    text = "About 2,500 U.S. Marines are deployed in Australia. About 350 U.S. Army soldiers are in Jordan."
    orgs = {m.name for m in extract(Document(id="t", text=text)).mentions if m.kind not in ("Person", "Country")}
    assert not any(name[:1].isdigit() for name in orgs), orgs
    assert ("troops", "united-states", "australia", 2500, "asserted") in facts(text)


def test_extract_time_phrase_between_verb_and_post():
    found = facts("Adm. Lisa Franchetti was confirmed on Thursday as chief of naval operations.")
    assert ("holds", "lisa-franchetti", "Chief of Naval Operations", "asserted") in found


@pytest.mark.parametrize("text, expected", [
    ("Officials said the roughly 1,200 Italian soldiers in Lebanon would be moved south.",
     ("troops", "italy", "lebanon", 1200, "asserted")),
    ("The command oversees about 30,000 American troops across Europe, including roughly 10,000 in Poland and 700 in "
     "Lithuania.", ("troops", "united-states", "lithuania", 700, "asserted")),
])
def test_extract_troops_definite_and_included_counts(text, expected):
    assert expected in facts(text)


def test_extract_whose_commander_with_commas():
    found = facts("Forces in the region fall under Joint Task Force Bravo, whose commander, Col. Omar Haddad, arrived.")
    assert ("headOf", "omar-haddad", "joint-task-force-bravo", "asserted") in found


def test_extract_known_as_names_the_unit_and_the_definite_noun_follows_it():
    text = ("Germany activated a new armoured brigade. The brigade, known as Panzerbrigade 45, is commanded by "
            "Brig. Gen. Anna Berg. The brigade falls under the German Army's 10th Armoured Division.")
    found = facts(text)
    assert ("headOf", "anna-berg", "panzerbrigade-45", "asserted") in found
    assert ("holds", "anna-berg", "Commander of Panzerbrigade 45", "asserted") in found
    assert ("subOrganizationOf", "panzerbrigade-45", "10th-armoured-division", "asserted") in found


@pytest.mark.parametrize("text, expected", [
    ("The alliance's top commander, U.S. Army Gen. Anna Berg, spoke.", ("holds", "anna-berg", "Commander", "asserted")),
    ("Rear Admiral Omar Haddad, the commander of the Egyptian navy, visited the port.",
     ("headOf", "omar-haddad", "egyptian-navy", "asserted")),
    ("KFOR, which is commanded by an Italian officer, Major General Lena Voss, patrols the north.",
     ("headOf", "lena-voss", "kosovo-force", "asserted")),
    ("Spain, which leads the battlegroup in Latvia, has about 600 soldiers in the country.",
     ("troops", "spain", "latvia", 600, "asserted")),
    ("About 80 Danish personnel serve with NATO Mission Iraq.", ("troops", "denmark", "iraq", 80, "asserted")),
])
def test_extract_apposed_posts_national_bodies_and_hosts_named_by_a_mission(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("Gen. Anna Berg spoke. Berg, who replaced Valerii Tkachuk last week, visited the front.",
     ("holds", "valerii-tkachuk", None, None)),
    ("Ukraine's new commander-in-chief, Colonel General Anton Belyk, spoke.",
     ("headOf", "anton-belyk", "armed-forces-of-ukraine", "asserted")),
    ("The Israeli military is led by its chief of staff, Lieutenant General Omar Haddad.",
     ("headOf", "omar-haddad", "israel-defense-forces", "asserted")),
])
def test_extract_commander_in_chief_and_led_by_its_chief_of_staff(text, expected):
    if expected[2] is None:
        assert expected[1].replace("-", " ").title() in persons(text) or "Valerii Tkachuk" in persons(text)
    else:
        assert expected in facts(text)


def test_extract_a_countrys_commander_in_a_theatre_heads_nothing_national():
    found = facts("The top US commander in Afghanistan, Gen. Omar Haddad, spoke.")
    assert not any(f[0] == "headOf" for f in found), found


def test_extract_a_body_owned_by_an_alliance_is_not_a_national_one():
    found = facts("Mark Rutte, the former Dutch prime minister, spoke. Allied Command Operations is part of NATO's "
                  "military structure.")
    assert not any("dutch" in str(f) and "military" in str(f) for f in found), found


@pytest.mark.parametrize("text, expected", [
    ("Joint Task Force Bravo is commanded by Col. Omar Haddad and falls under U.S. Southern Command.",
     ("subOrganizationOf", "joint-task-force-bravo", "us-southern-command", "asserted")),
    ("There are now more than 3,000 British troops in Estonia, up from about 900 last year.",
     ("troops", "united-kingdom", "estonia", 3000, "asserted")),
    ("France has about 1,000 troops in Chad and about 350 in neighbouring Niger.",
     ("troops", "france", "niger", 350, "asserted")),
])
def test_extract_part_of_after_and_more_than_and_neighbouring_hosts(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("The division is commanded by Maj. Gen. JP McGee.", None),
    ("Brig. Gen. Anna Berg, the brigade's deputy commanding general, spoke.",
     ("holds", "anna-berg", "Deputy Commanding General", "asserted")),
    ("Pentagon spokesman Maj. Gen. Omar Haddad said the strike was over.",
     ("holds", "omar-haddad", "Spokesman of United States Department of Defense", "asserted")),
    ("The base hosts Combined Joint Task Force - Horn of Africa, which reports to U.S. Africa Command.",
     ("subOrganizationOf", "combined-joint-task-force-horn-of-africa", "us-africa-command", "asserted")),
    ("Djibouti hosts several foreign bases. France keeps about 1,500 troops in the country.",
     ("troops", "france", "djibouti", 1500, "asserted")),
])
def test_extract_initials_unnamed_units_spokesmen_and_hosts_in_the_country(text, expected):
    if expected is None:
        assert "JP McGee" in persons(text)
    else:
        assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("The jets flew from Incirlik Air Base in Turkey, where the United States keeps about 1,500 troops.",
     ("troops", "united-states", "turkey", 1500, "asserted")),
    ("The Norwegian Armed Forces are led in peacetime by the Chief of Defence, General Anna Berg.",
     ("headOf", "anna-berg", "norwegian-armed-forces", "asserted")),
    ("Lt. Gen. Omar Haddad, the director of operations for the Joint Staff, briefed reporters.",
     ("holds", "omar-haddad", "Director of Operations of Joint Staff", "asserted")),
])
def test_extract_where_after_a_place_led_in_peacetime_and_director_of_operations(text, expected):
    assert expected in facts(text)


def test_extract_deputy_keeps_its_word():
    found = facts("Deputy Defence Minister Hanna Kovalenko said the front held.")
    assert ("holds", "hanna-kovalenko", "Deputy Defence Minister", "asserted") in found


def test_extract_another_countrys_body_of_a_known_name_is_not_the_known_one():
    found = facts("Gen. Park Ji-hoon took office as chairman of South Korea's Joint Chiefs of Staff on Monday.")
    assert ("headOf", "park-ji-hoon", "joint-chiefs-of-staff", "asserted") not in found
    assert any(f[0] == "headOf" and f[1] == "park-ji-hoon" and "korea" in f[2] for f in found), found


def test_extract_family_name_first_is_the_coreference_token():
    text = ("Gen. Park Ji-hoon took office on Monday. Park, a former navy officer, replaced Gen. Kim Dae-sung. "
            "He answers to Defense Minister Lee Min-ho.")
    found = facts(text)
    assert ("reportsTo", "park-ji-hoon", "lee-min-ho", "asserted") in found
    assert not any(f[0] == "reportsTo" and f[1] == "kim-dae-sung" for f in found)


def test_extract_name_apposed_to_predecessor_or_successor():
    assert "Nadia Rahimi" in persons("She took over after her predecessor, Nadia Rahimi, was dismissed.")


@pytest.mark.parametrize("text, expected", [
    ("NATO's battlegroup in Bulgaria, led by Italy, has grown to about 750 Italian troops.",
     ("troops", "italy", "bulgaria", 750, "asserted")),
    ("NATO's battlegroup in Bulgaria is led by Italy. Albania contributes around 30 soldiers to the battlegroup.",
     ("troops", "albania", "bulgaria", 30, "asserted")),
    ("About 18,000 U.S. Marines are stationed on Okinawa.", ("troops", "united-states", "japan", 18000, "asserted")),
])
def test_extract_troops_led_by_a_country_to_the_battlegroup_and_on_an_island(text, expected):
    assert expected in facts(text)


def test_extract_counterpart_apposition_and_military_leader():
    assert "Kenji Sato" in persons("Austin met his Japanese counterpart, Kenji Sato, in Tokyo.")
    found = facts("Niger's military leader, General Omar Haddad, seized power in 2023.")
    assert not any(f[0] == "headOf" for f in found), found


@pytest.mark.parametrize("text, expected", [
    ("Australia's Chief of the Defence Force, General Jane Doe, welcomed the troops.",
     ("headOf", "jane-doe", "australian-defence-force", "asserted")),
    ("The Senate confirmed Gen. Anna Berg on Thursday as the Army's chief of staff.",
     ("holds", "anna-berg", "Chief of Staff", "asserted")),
    ("The Multinational Force Kosovo will grow to 4,000 soldiers, NATO Allied Joint Force Command said. "
     "The force is commanded by Col. Omar Haddad.",
     ("headOf", "omar-haddad", "multinational-force-kosovo", "asserted")),
])
def test_extract_titles_inside_runs_owner_titles_and_subject_units_as_antecedents(text, expected):
    assert expected in facts(text)


def test_extract_headline_adjective_is_not_part_of_the_unit():
    names = {m.name for m in extract(Document(id="t", text="New Quds Force chief vows revenge\n\nThe chief spoke.")).mentions}
    assert "Quds Force" in names and "New Quds Force" not in names


@pytest.mark.parametrize("text, expected", [
    # a unit named with a possessive: the name stops before "'s"
    ("Maj. Gen. Anna Berg, the 4th Harbour Division's commanding general, opened the range.",
     ("headOf", "anna-berg", "4th-harbour-division", "asserted")),
    # a ranked person "of" a unit is no part of the unit's name
    ("Director Anna Berg of the Harbour Policy Bureau opened the hearing.",
     ("headOf", "anna-berg", "harbour-policy-bureau", "asserted")),
    # "Director-General": the rank word inside the title does not cut the body's name
    ("Director-General Omar Haddad of the Coastal Affairs Bureau opened the hearing.",
     ("headOf", "omar-haddad", "coastal-affairs-bureau", "asserted")),
    # a ship's bare name after "USS X" is the ship, whose commanding officer the apposition names
    ("The frigate USS Halvard Lund (FFG 72) reached port. \"We are ready,\" said Cmdr. Anna Berg, Halvard Lund's "
     "commanding officer.", ("headOf", "anna-berg", "uss-halvard-lund", "asserted")),
    # a service between a title and a rank
    ("Harbour Command spokesman Navy Capt. Omar Haddad said the port was closed.",
     ("holds", "omar-haddad", "Spokesman of Harbour Command", "asserted")),
])
def test_extract_possessive_units_persons_of_units_ships_and_services(text, expected):
    assert expected in facts(text)


def test_extract_ship_name_after_a_title_is_a_person():
    found = persons("The frigate USS Halvard Lund (FFG 72) reached port. Senator Halvard Lund praised the crew.")
    assert "Halvard Lund" in found


def test_extract_preposition_under_before_a_title_is_not_an_under_secretary():
    found = facts("Omar Haddad served as press secretary under Secretary of Defense Anna Berg.")
    assert ("holds", "anna-berg", "Secretary of Defense", "past") in found  # "served ... under": then
    assert not any(f[0] == "holds" and "Under" in f[2] for f in found), found


def test_extract_name_after_a_long_capitalised_complement():
    found = persons("The delegation included Assistant Secretary of Defense for Harbour Security Affairs Kathleen Morrow.")
    assert found == {"Kathleen Morrow"}


def test_extract_unit_described_before_its_name():
    found = facts("\"We are ready,\" said Capt. Anna Berg, commanding officer of the amphibious assault ship "
                  "USS Halvard Lund (LHD 9).")
    assert ("headOf", "anna-berg", "uss-halvard-lund", "asserted") in found


def test_extract_owner_described_before_its_possessive():
    found = facts("Omar Haddad, the opposition Harbour Party's shadow defence secretary, promised a review.")
    assert ("holds", "omar-haddad", "Shadow Defence Secretary of Harbour Party", "asserted") in found


def test_extract_deputies_for_a_holder_hold_the_deputy_post():
    found = facts("General Marta Quillon became commander-in-chief of the Harbour Forces. The minister approved two "
                  "deputies for the new commander-in-chief: Colonel Anna Wexford and Colonel Piet Halloran.")
    assert ("holds", "anna-wexford", "Deputy Commander-in-Chief", "asserted") in found
    assert ("reportsTo", "piet-halloran", "marta-quillon", "asserted") in found


@pytest.mark.parametrize("text, expected", [
    ("Former Counterterrorism Coordinator Omar Haddad spoke.",
     ("holds", "omar-haddad", "Counterterrorism Coordinator", "past")),
    ("Col. Omar Haddad, the outgoing 4th Harbour Division's chief of staff, spoke.",
     ("holds", "omar-haddad", "Chief of Staff of 4th Harbour Division", "past")),
])
def test_extract_modifiers_before_a_field_or_an_owner_keep_the_title_past(text, expected):
    assert expected in facts(text)


@pytest.mark.parametrize("text, expected", [
    ("Japanese Finance Minister Kathleen Morrow spoke.", ("holds", "kathleen-morrow", "Finance Minister of Japan", "asserted")),
    ("Homeland Security Secretary Kathleen Morrow spoke.",
     ("holds", "kathleen-morrow", "Homeland Security Secretary", "asserted")),
    ("Kathleen Morrow, the White House press secretary, spoke.",
     ("holds", "kathleen-morrow", "Press Secretary", "asserted")),
    ("Kathleen Morrow, the Harbour Council's foreign policy chief, spoke.",
     ("holds", "kathleen-morrow", "foreign policy Chief of Harbour Council", "asserted")),
])
def test_extract_portfolios_and_owners_before_a_title(text, expected):
    assert expected in facts(text)


def test_extract_a_sentences_first_word_is_no_portfolio():
    found = facts("Secretary of State Kathleen Morrow arrived. Later Secretary Morrow met the press.")
    assert {post for kind, _, post, _ in found if kind == "holds"} == {"Secretary of State"}


def test_extract_passive_and_planned_successions():
    found = facts("Gen. Tomas Reyner, the commander of the 4th Harbour Division, was replaced by Gen. Anna Berg on Friday.")
    assert ("headOf", "anna-berg", "4th-harbour-division", "asserted") in found
    assert ("headOf", "tomas-reyner", "4th-harbour-division", "past") in found
    found = facts("Gen. Anna Berg is expected to succeed Gen. Tomas Reyner as commander of the 4th Harbour Division.")
    assert ("headOf", "anna-berg", "4th-harbour-division", "planned") in found
    assert not any(f[1] == "tomas-reyner" for f in found), found


def test_extract_a_title_with_a_possessive_is_another_persons():
    found = facts("Kathleen Morrow, the Navy Secretary's chief of staff, spoke.")
    assert not any(f[0] == "holds" and "Secretary" in f[2] for f in found), found


@pytest.mark.parametrize("text, absent", [
    ("Tomas Berry served as Deputy Chief of Mission of the U.S. Embassy, Kathmandu, and later as consul.", "kathmandu"),
    ("They welcomed Chairman of the High Council for Harbour Reconciliation Dr. Omar Haddad to the port.",
     "high-council-for-harbour-reconciliation-dr"),
])
def test_extract_a_place_after_an_embassy_and_an_honorific_are_no_name_parts(text, absent):
    assert not any(absent in str(f) for f in facts(text)), facts(text)


def test_extract_served_under_a_title_is_the_past():
    found = facts("Kathleen Morrow served as an adviser under President Tomas Reyner.")
    assert ("holds", "tomas-reyner", "President", "past") in found


def test_extract_a_title_with_a_unit_is_in_it_not_its_head():
    found = facts("\"We are ready,\" said Sgt. Anna Berg, a platoon leader with Company B, 1st Harbour Battalion.")
    assert ("holds", "anna-berg", "Platoon Leader", "asserted") in found
    assert not any(f[0] == "headOf" for f in found), found
    found = facts("\"No,\" said Maj. Anna Berg, a public affairs officer with the 1st Harbour Division.")
    assert ("holds", "anna-berg", "Public Affairs Officer of 1st Harbour Division", "asserted") in found


@pytest.mark.parametrize("text, expected", [
    ("Kathleen Morrow, Special Presidential Envoy for Harbour Affairs, will travel to Oslo.",
     ("holds", "kathleen-morrow", "Special Presidential Envoy for Harbour Affairs", "asserted")),
    ("The delegation will be led by Under Secretary for Arms Control Kathleen Morrow.",
     ("holds", "kathleen-morrow", "Under Secretary for Arms Control", "asserted")),
    ("Kathleen Morrow was sworn in as the 12th Administrator of the Harbour Development Agency on Monday.",
     ("headOf", "kathleen-morrow", "harbour-development-agency", "asserted")),
])
def test_extract_envoys_complements_and_ordinal_posts(text, expected):
    assert expected in facts(text)


def test_extract_a_rank_inside_a_title_keeps_the_body_after_the_name():
    found = facts("Secretary General Ines Gala of the Coastal Treaty Organization opened the summit.")
    assert ("headOf", "ines-gala", "coastal-treaty-organization", "asserted") in found
