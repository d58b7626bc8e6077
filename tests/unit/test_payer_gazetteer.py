"""The payer gazetteer as data (patterns/payers.jsonl, patterns/payer_domains.jsonl) and as matched by the
pipeline's payer_ruler: printed forms of payers the seeds never show map to their canonical name and role,
and words that only look like a payer (MVP the valve, NGS the sequencing, mcg the unit) match nothing."""

import json
from collections import defaultdict
from importlib import resources

import pytest

from extractors.nlp import make_nlp, run

ROLES = frozenset({"plan", "generic", "association", "developer", "contractor", "regulator", "cited"})


def rows(name: str) -> list[dict]:
    text = resources.files("extractors.patterns").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


PAYERS = rows("payers.jsonl")
DOMAINS = rows("payer_domains.jsonl")


def found(text: str) -> dict[str, tuple[str, str]]:
    """Printed span -> (canonical label, role)."""
    doc = run(text)  # kept in scope: a span group dies with its Doc
    return {s.text: (s.label_, s.id_.split(":", 1)[0]) for s in doc.spans["payers"]}


# ---------------------------------------------------------------- the data


def test_every_row_is_a_lower_case_phrase_with_a_known_role():
    for row in PAYERS:
        assert set(row) == {"label", "pattern", "id"}, row
        assert isinstance(row["pattern"], str) and row["pattern"] == row["pattern"].lower(), row
        assert row["pattern"] == " ".join(row["pattern"].split()), row  # no stray or doubled spaces
        assert row["label"].strip() == row["label"] and row["label"], row
        role, _, family = row["id"].partition(":")
        assert role in ROLES and family, row


def test_no_pattern_twice():
    seen: dict[str, dict] = {}
    for row in PAYERS:
        assert row["pattern"] not in seen, (seen.get(row["pattern"]), row)
        seen[row["pattern"]] = row


def test_one_id_per_label_and_one_role_per_family():
    """extractors.payer looks a domain's payer up by label, and scores a family under one role."""
    ids, roles = defaultdict(set), defaultdict(set)
    for row in PAYERS:
        role, _, family = row["id"].partition(":")
        ids[row["label"]].add(row["id"])
        roles[family].add(role)
    assert {label: found for label, found in ids.items() if len(found) > 1} == {}
    assert {family: found for family, found in roles.items() if len(found) > 1} == {}


def test_domains_name_gazetteer_labels():
    labels = {row["label"] for row in PAYERS}
    seen = set()
    for row in DOMAINS:
        assert set(row) == {"domain", "payer"}, row
        assert row["domain"] == row["domain"].lower().strip() and "." in row["domain"] and " " not in row["domain"], row
        assert row["domain"] not in seen, row
        seen.add(row["domain"])
        assert row["payer"] in labels, row


def test_every_pattern_matches_its_printed_cases():
    """Lower, Title and UPPER case print the same tokens: a pattern the tokenizer splits differently from
    the printed name ("inc." vs "Inc.", "l.a." vs "L.A.") would never match and does not belong here."""
    nlp = make_nlp()
    ruler = nlp.get_pipe("payer_ruler")
    missed = []
    for row in PAYERS:
        for form in {row["pattern"], row["pattern"].title(), row["pattern"].upper()}:
            doc = ruler(nlp.make_doc(f"See {form} now."))
            if not any(s.text == form and s.label_ == row["label"] and s.id_ == row["id"] for s in doc.spans["payers"]):
                missed.append(form)
    assert missed == []


# ---------------------------------------------------------------- printed forms


@pytest.mark.parametrize(
    "text, printed, label, role",
    [
        # the Blue companies
        pytest.param("Copyright 2024 Blue Cross and Blue Shield of Illinois, a Division of Health Care Service Corporation",
                     "Blue Cross and Blue Shield of Illinois", "Blue Cross and Blue Shield of Illinois", "plan", id="bcbsil-name"),
        pytest.param("Copyright 2024 Blue Cross and Blue Shield of Illinois, a Division of Health Care Service Corporation",
                     "Health Care Service Corporation", "Health Care Service Corporation", "plan", id="hcsc-name"),
        pytest.param("HCSC makes no representation as to the accuracy of this information.", "HCSC",
                     "Health Care Service Corporation", "plan", id="hcsc-abbreviation"),
        pytest.param("Coverage for BCBSIL members.", "BCBSIL", "Blue Cross and Blue Shield of Illinois", "plan", id="bcbsil"),
        pytest.param("Blue Cross and Blue Shield of Texas (BCBSTX)", "BCBSTX", "Blue Cross and Blue Shield of Texas", "plan", id="bcbstx"),
        pytest.param("Blue Cross and Blue Shield of Oklahoma", "Blue Cross and Blue Shield of Oklahoma",
                     "Blue Cross and Blue Shield of Oklahoma", "plan", id="bcbsok"),
        pytest.param("Blue Cross® Blue Shield® of Michigan is a nonprofit corporation.", "Blue Cross® Blue Shield® of Michigan",
                     "Blue Cross Blue Shield of Michigan", "plan", id="bcbsm-registered-marks"),
        pytest.param("Joint BCBSM/BCN Medical Policy History", "BCN", "Blue Care Network of Michigan", "plan", id="bcn"),
        pytest.param("Joint BCBSM/BCN Medical Policy History", "BCBSM", "Blue Cross Blue Shield of Michigan", "plan", id="bcbsm"),
        pytest.param("Blue Cross Blue Shield Blue Care Network of Michigan", "Blue Care Network of Michigan",
                     "Blue Care Network of Michigan", "plan", id="bcn-logo"),
        pytest.param("Providers should provide BCBSAZ’s reviewers the records.", "BCBSAZ", "Blue Cross Blue Shield of Arizona",
                     "plan", id="bcbsaz-possessive"),
        pytest.param("AZ Blue members", "AZ Blue", "Blue Cross Blue Shield of Arizona", "plan", id="az-blue"),
        pytest.param("Blue Cross NC is an independent licensee", "Blue Cross NC", "Blue Cross and Blue Shield of North Carolina",
                     "plan", id="blue-cross-nc"),
        pytest.param("Regence BlueShield of Idaho and Regence BlueCross BlueShield of Utah", "Regence BlueShield of Idaho",
                     "Regence BlueShield of Idaho", "plan", id="regence-idaho"),
        pytest.param("Regence BlueShield of Idaho and Regence BlueCross BlueShield of Utah", "Regence BlueCross BlueShield of Utah",
                     "Regence BlueCross BlueShield of Utah", "plan", id="regence-utah"),
        pytest.param("Asuris Northwest Health medical policy", "Asuris Northwest Health", "Asuris Northwest Health", "plan", id="asuris"),
        pytest.param("BridgeSpan Health Company", "BridgeSpan Health Company", "BridgeSpan Health", "plan", id="bridgespan"),
        pytest.param("Premera Blue Cross Blue Shield of Alaska", "Premera Blue Cross Blue Shield of Alaska",
                     "Premera Blue Cross Blue Shield of Alaska", "plan", id="premera-alaska"),
        pytest.param("Anthem Blue Cross and Blue Shield is the trade name of", "Anthem Blue Cross and Blue Shield", "Anthem", "plan",
                     id="anthem"),
        pytest.param("Empire BlueCross BlueShield HealthPlus", "Empire BlueCross BlueShield", "Anthem", "plan", id="empire"),
        pytest.param("Services provided by Amerigroup Community Care", "Amerigroup Community Care", "Amerigroup", "plan", id="amerigroup"),
        pytest.param("CareFirst BlueCross BlueShield® is the business name", "CareFirst BlueCross BlueShield", "CareFirst BlueCross BlueShield",
                     "plan", id="carefirst"),
        pytest.param("Highmark Blue Cross Blue Shield Delaware", "Highmark Blue Cross Blue Shield Delaware", "Highmark", "plan",
                     id="highmark-delaware"),
        pytest.param("Horizon BCBSNJ medical policy", "Horizon BCBSNJ", "Horizon Blue Cross Blue Shield of New Jersey", "plan", id="horizon"),
        pytest.param("Independence Blue Cross (IBX)", "IBX", "Independence Blue Cross", "plan", id="ibx"),
        pytest.param("Excellus BlueCross BlueShield", "Excellus BlueCross BlueShield", "Excellus BlueCross BlueShield", "plan", id="excellus"),
        pytest.param("Univera Healthcare medical policy", "Univera Healthcare", "Univera Healthcare", "plan", id="univera"),
        pytest.param("Florida Blue is a trade name", "Florida Blue", "Florida Blue", "plan", id="florida-blue"),
        pytest.param("Capital Blue Cross is an independent licensee", "Capital Blue Cross", "Capital Blue Cross", "plan", id="capital"),
        pytest.param("HMSA medical policy", "HMSA", "Hawaii Medical Service Association", "plan", id="hmsa"),
        pytest.param("Triple-S Salud, Inc.", "Triple-S Salud", "Triple-S Salud", "plan", id="triple-s"),
        pytest.param("Blue Cross & Blue Shield of Mississippi, A Mutual Insurance Company", "Blue Cross & Blue Shield of Mississippi",
                     "Blue Cross & Blue Shield of Mississippi", "plan", id="bcbsms-ampersand"),
        pytest.param("BlueCross BlueShield of Tennessee", "BlueCross BlueShield of Tennessee", "BlueCross BlueShield of Tennessee",
                     "plan", id="bcbst"),
        pytest.param("Blue KC members", "Blue KC", "Blue Cross and Blue Shield of Kansas City", "plan", id="blue-kc"),
        pytest.param("Arkansas Blue Cross and Blue Shield coverage policy", "Arkansas Blue Cross and Blue Shield",
                     "Arkansas Blue Cross and Blue Shield", "plan", id="arkansas"),
        pytest.param("Blue Cross and Blue Shield of Alabama", "Blue Cross and Blue Shield of Alabama",
                     "Blue Cross and Blue Shield of Alabama", "plan", id="alabama"),
        pytest.param("Blue Plus is an HMO affiliate", "Blue Plus", "Blue Plus", "plan", id="blue-plus"),
        pytest.param("Wellmark Blue Cross and Blue Shield of Iowa", "Wellmark Blue Cross and Blue Shield of Iowa", "Wellmark", "plan",
                     id="wellmark-iowa"),
        pytest.param("Blue Cross Blue Shield of Wyoming", "Blue Cross Blue Shield of Wyoming", "Blue Cross Blue Shield of Wyoming",
                     "plan", id="wyoming"),
        pytest.param("Blue Cross and Blue\nShield of Vermont", "Blue Cross and Blue\nShield of Vermont",
                     "Blue Cross and Blue Shield of Vermont", "plan", id="wrapped-line"),
        pytest.param("Noridian Mutual Insurance Company", "Noridian Mutual Insurance Company", "Blue Cross Blue Shield of North Dakota",
                     "plan", id="bcbsnd-legal-name-is-no-contractor"),
        pytest.param("independent Blue Cross and Blue Shield Plans", "Blue Cross and Blue Shield", "Blue Cross Blue Shield", "generic",
                     id="generic-blue"),
        pytest.param("licensees of the Blue Cross and Blue Shield Association", "Blue Cross and Blue Shield Association",
                     "Blue Cross Blue Shield Association", "association", id="bcbsa"),
        # national carriers
        pytest.param("UnitedHealthcare® Community Plan", "UnitedHealthcare", "UnitedHealthcare", "plan", id="uhc-marked"),
        pytest.param("UnitedHealthcare® Oxford Clinical Policy", "UnitedHealthcare® Oxford", "Oxford Health Plans", "plan", id="oxford"),
        pytest.param("Aetna Better Health of Texas", "Aetna Better Health", "Aetna", "plan", id="aetna-better-health"),
        pytest.param("operating subsidiaries of The Cigna Group", "The Cigna Group", "Cigna", "plan", id="cigna-group"),
        pytest.param("Evernorth Behavioral Health, Inc.", "Evernorth Behavioral Health", "Evernorth", "plan", id="evernorth-is-cigna"),
        pytest.param("Humana Healthy Horizons in Ohio", "Humana Healthy Horizons", "Humana", "plan", id="humana"),
        pytest.param("health plans affiliated with Centene Corporation", "Centene Corporation", "Centene", "plan", id="centene"),
        pytest.param("Ambetter from Sunshine Health", "Sunshine Health", "Sunshine Health", "plan", id="sunshine"),
        pytest.param("Superior HealthPlan STAR Kids", "Superior HealthPlan", "Superior HealthPlan", "plan", id="superior"),
        pytest.param("Peach State Health Plan", "Peach State Health Plan", "Peach State Health Plan", "plan", id="peach-state"),
        pytest.param("Absolute Total Care members", "Absolute Total Care", "Absolute Total Care", "plan", id="absolute-total-care"),
        pytest.param("Meridian Health Plan of Michigan", "Meridian Health Plan of Michigan", "Meridian", "plan", id="meridian"),
        pytest.param("Molina Healthcare, Inc. ©2024", "Molina Healthcare", "Molina Healthcare", "plan", id="molina"),
        pytest.param("Kaiser Foundation Health Plan of the Mid-Atlantic States, Inc.", "Kaiser Foundation Health Plan of the Mid-Atlantic States",
                     "Kaiser Foundation Health Plan of the Mid-Atlantic States", "plan", id="kaiser-mid-atlantic"),
        pytest.param("Kaiser Permanente Northern California", "Kaiser Permanente Northern California",
                     "Kaiser Permanente Northern California", "plan", id="kaiser-ncal"),
        # regional and provider-owned plans
        pytest.param("UCare’s health plans", "UCare", "UCare", "plan", id="ucare"),
        pytest.param("Health Alliance Plan of Michigan", "Health Alliance Plan of Michigan", "Health Alliance Plan", "plan", id="hap-full"),
        pytest.param("Capital District Physicians’ Health Plan, Inc.", "Capital District Physicians’ Health Plan",
                     "Capital District Physicians' Health Plan", "plan", id="cdphp-curly-apostrophe"),
        pytest.param("CDPHP medical policy", "CDPHP", "Capital District Physicians' Health Plan", "plan", id="cdphp"),
        pytest.param("MVP Health Care medical policy", "MVP Health Care", "MVP Health Care", "plan", id="mvp-health-care"),
        pytest.param("Neighborhood Health Plan of Rhode Island", "Neighborhood Health Plan of Rhode Island",
                     "Neighborhood Health Plan of Rhode Island", "plan", id="nhpri"),
        pytest.param("The request MUST be submitted with the SWHP form", "SWHP", "Baylor Scott & White Health Plan", "plan", id="swhp"),
        pytest.param("Scott and White Health Plan", "Scott and White Health Plan", "Baylor Scott & White Health Plan", "plan",
                     id="scott-and-white"),
        pytest.param("Baylor Scott & White Health Plan", "Baylor Scott & White Health Plan", "Baylor Scott & White Health Plan", "plan",
                     id="bswhp"),
        pytest.param("Cook Children’s Health Plan", "Cook Children’s Health Plan", "Cook Children's Health Plan", "plan",
                     id="cook-childrens"),
        pytest.param("Group Health Cooperative of South Central Wisconsin", "Group Health Cooperative of South Central Wisconsin",
                     "Group Health Cooperative of South Central Wisconsin", "plan", id="ghc-scw"),
        pytest.param("Medical Mutual of Ohio", "Medical Mutual of Ohio", "Medical Mutual of Ohio", "plan", id="medical-mutual"),
        pytest.param("Simply Healthcare Plans", "Simply Healthcare Plans", "Simply Healthcare Plans", "plan", id="simply-healthcare"),
        pytest.param("BMC HealthNet Plan is now WellSense Health Plan", "BMC HealthNet Plan", "BMC HealthNet Plan", "plan", id="bmc"),
        pytest.param("Optima Health is now Sentara Health Plans", "Optima Health", "Sentara Health Plans", "plan", id="optima"),
        pytest.param("LA Care Health Plan", "LA Care Health Plan", "L.A. Care Health Plan", "plan", id="la-care"),
        pytest.param("Inland Empire Health Plan (IEHP)", "IEHP", "Inland Empire Health Plan", "plan", id="iehp"),
        # guideline developers
        pytest.param("This policy has been developed by eviCore, Inc.", "eviCore", "eviCore", "developer", id="evicore"),
        pytest.param("Carelon Medical Benefits Management, formerly AIM Specialty Health", "AIM Specialty Health", "Carelon", "developer",
                     id="aim"),
        pytest.param("National Imaging Associates, Inc. (NIA)", "National Imaging Associates", "Evolent", "developer", id="nia-full-name"),
        pytest.param("refer to the InterQual® CP: Procedures", "InterQual", "InterQual", "cited", id="interqual"),
        pytest.param("MCG Care Guidelines, 27th edition", "MCG Care Guidelines", "MCG Health", "cited", id="mcg"),
        # Medicare contractors
        pytest.param("Redesign incorporating LCD and Palmetto GBA MolDX", "Palmetto GBA", "Palmetto GBA", "contractor", id="palmetto-moldx"),
        pytest.param("Contractor: Noridian Healthcare Solutions, LLC", "Noridian Healthcare Solutions, LLC", "Noridian Healthcare Solutions",
                     "contractor", id="noridian"),
        pytest.param("National Government Services, Inc.\tMAC - Part A", "National Government Services", "National Government Services",
                     "contractor", id="ngs"),
        pytest.param("CGS Administrators, LLC\tDME MAC", "CGS Administrators, LLC", "CGS Administrators", "contractor", id="cgs"),
        pytest.param("Wisconsin Physicians Service Insurance Corporation (WPS)", "Wisconsin Physicians Service Insurance Corporation",
                     "Wisconsin Physicians Service", "contractor", id="wps"),
        pytest.param("Novitas Solutions LCD", "Novitas Solutions", "Novitas Solutions", "contractor", id="novitas"),
        pytest.param("First Coast Service Options", "First Coast Service Options", "First Coast Service Options", "contractor",
                     id="first-coast"),
        # regulator and cited organizations
        pytest.param("Centers for Medicare & Medicaid Services (CMS) coverage statements", "Centers for Medicare & Medicaid Services",
                     "Centers for Medicare & Medicaid Services", "regulator", id="cms"),
        pytest.param("Dosing per the FDA label.", "FDA", "U.S. Food and Drug Administration", "cited", id="fda"),
        pytest.param("approved by the U.S. Food and Drug Administration", "Food and Drug Administration", "U.S. Food and Drug Administration",
                     "cited", id="fda-full"),
        pytest.param("NCCN Guidelines® category 2A", "NCCN", "National Comprehensive Cancer Network", "cited", id="nccn"),
        pytest.param("ACOG Committee Opinion No. 640", "ACOG", "American College of Obstetricians and Gynecologists", "cited", id="acog"),
        pytest.param("ACMG recommends", "ACMG", "American College of Medical Genetics and Genomics", "cited", id="acmg"),
        pytest.param("2018 ACC/AHA/HRS guideline", "ACC/AHA/HRS", "American College of Cardiology", "cited", id="acc-aha"),
        pytest.param("The USPSTF recommends", "USPSTF", "U.S. Preventive Services Task Force", "cited", id="uspstf"),
        pytest.param("Hayes Medical Technology Directory", "Hayes Medical Technology Directory", "Hayes, Inc.", "cited", id="hayes"),
        pytest.param("ECRI Institute. Product brief.", "ECRI Institute", "ECRI", "cited", id="ecri"),
        pytest.param("UpToDate. Epicondylitis.", "UpToDate", "UpToDate", "cited", id="uptodate"),
        pytest.param("Cochrane Database of Systematic Reviews", "Cochrane Database of Systematic Reviews", "Cochrane", "cited",
                     id="cochrane"),
        pytest.param("National Institute for Health and Care Excellence (NICE)", "National Institute for Health and Care Excellence",
                     "National Institute for Health and Care Excellence", "cited", id="nice"),
        pytest.param("American Academy of Sleep Medicine (AASM) Scoring Manual", "AASM", "American Academy of Sleep Medicine", "cited",
                     id="aasm"),
        pytest.param("CPT is a registered trademark of the American Medical Association (AMA)", "AMA", "American Medical Association",
                     "cited", id="ama"),
        pytest.param("BCBSA Evidence Street review", "BCBSA Evidence Street", "Blue Cross Blue Shield Association Evidence Street", "cited",
                     id="evidence-street"),
        pytest.param("Blue Cross Blue Shield Association Technology Evaluation Center (TEC)",
                     "Blue Cross Blue Shield Association Technology Evaluation Center",
                     "Blue Cross Blue Shield Association Technology Evaluation Center", "cited", id="tec"),
        pytest.param("Kaiser Family Foundation survey", "Kaiser Family Foundation", "KFF", "cited", id="kff-is-no-kaiser-plan"),
    ],
)
def test_printed_form_names_its_payer(text, printed, label, role):
    assert found(text).get(printed) == (label, role)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Patients with MVP (mitral valve prolapse) underwent echocardiography.", id="mvp-valve"),
        pytest.param("Simply put, the device is simply not proven.", id="simply-prose"),
        pytest.param("Hospital-acquired pneumonia (HAP) and ventilator-associated pneumonia.", id="hap-pneumonia"),
        pytest.param("Next-generation sequencing (NGS) panels are investigational.", id="ngs-sequencing"),
        pytest.param("The dose was 500 mcg daily.", id="mcg-unit"),
        pytest.param("Saw palmetto extract is not covered.", id="saw-palmetto"),
        pytest.param("NIA-AA research framework for Alzheimer disease.", id="nia-aging"),
        pytest.param("Molina-Montes et al. (2014) published a systematic review.", id="molina-author"),
        pytest.param("Hayes et al. reported no benefit.", id="hayes-author"),
        pytest.param("Cochrane AL, Smith B. A trial.", id="cochrane-author"),
        pytest.param("Care must be coordinated; coordinated care improves outcomes.", id="coordinated-care-prose"),
        pytest.param("An independent health technology assessment found no benefit.", id="independent-health-prose"),
        pytest.param("The Oxford Knee Score improved.", id="oxford-score"),
        pytest.param("Needles are placed at acupuncture meridian points.", id="meridian-acupuncture"),
        pytest.param("A group health plan sponsored by an employer.", id="group-health-plan"),
        pytest.param("ACC (adenoid cystic carcinoma) and ASA physical status III.", id="acc-asa-clinical"),
        pytest.param("It would be nice to have data; the blues of the sky.", id="nice-blues"),
        pytest.param("Medicare Advantage plans follow CMS rules.", id="cms-abbreviation"),
        pytest.param("The peach state of Georgia and the network health of the system.", id="peach-network"),
        pytest.param("This policy does not apply to the Federal Employee Program.", id="fep-mention-is-no-plan"),
        pytest.param("Members must use in-network health plan providers.", id="in-network-health-plan"),
    ],
)
def test_look_alikes_match_nothing(text):
    assert found(text) == {}
