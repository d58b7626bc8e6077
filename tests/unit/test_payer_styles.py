"""Whole-document checks in the house styles of payers the seeds do not cover.

The snippets follow the public layout conventions of each payer family (labels, section names,
code-table headings, history tables); they guard the rules against being fitted to the seeds.
"""


from extractors.assemble import build_record
from extractors.loading import load_bytes, load_text

AETNA = """Clinical Policy Bulletin: Acupuncture and Dry Needling
Number: 0135

Policy

I. Medical Necessity

Aetna considers acupuncture medically necessary for any of the following indications:

  • Chronic neck pain
  • Postoperative nausea

II. Experimental and Investigational

Aetna considers acupuncture experimental and investigational for all other indications.

CPT Codes / HCPCS Codes / ICD-10 Codes

Code\tCode Description
CPT codes covered if selection criteria are met:
97810\tAcupuncture, 1 or more needles; without electrical stimulation, initial 15 minutes
Other CPT codes related to the CPB:
20560\tNeedle insertion(s) without injection(s); 1 or 2 muscle(s)

Last Review\t04/02/2025
Effective: 07/19/1996
Next Review: 01/22/2026

References

The above policy is based on the following references:

1. Vickers AJ, Vertosick EA, Lewith G, et al. Acupuncture for chronic pain: update of an individual patient data meta-analysis. J Pain. 2018;19(5):455-474.
"""

CIGNA = """Medical Coverage Policy
Effective Date ............................ 4/15/2025
Next Review Date ....................... 4/15/2026
Coverage Policy Number .............. 0012

Acupuncture

Coverage Policy

Cigna covers acupuncture as medically necessary when used for the treatment of chronic low back pain.

Cigna does not cover acupuncture for any other indication because it is considered experimental, investigational or unproven.

Coding Information

Considered Medically Necessary when criteria in the applicable policy statements listed above are met:
CPT®* Codes\tDescription
97810\tAcupuncture, 1 or more needles; without electrical stimulation

Revision Details

Type of Revision\tSummary of Changes\tDate
Annual review\tNo policy statement changes.\t4/15/2025
"""

LCD = """Local Coverage Determination (LCD)
LCD ID L33618
LCD Title: Facet Joint Interventions for Pain Management
Contractor: Noridian Healthcare Solutions, LLC
Original Effective Date: For services performed on or after 10/01/2015
Revision Effective Date: For services performed on or after 01/01/2024

Coverage Indications, Limitations, and/or Medical Necessity

Facet joint interventions are considered reasonable and necessary when all of the following criteria are met.

Radiofrequency ablation of the facet joint with pulsed radiofrequency is considered not reasonable and necessary.

ICD-10-CM Codes that Support Medical Necessity

M47.812\tSpondylosis without myelopathy or radiculopathy, cervical region
"""

BCBS = """Blue Cross and Blue Shield of North Carolina
Corporate Medical Policy
Policy Number: 7.01.93
Effective Date: 03/01/24
Last Review: 02/2024

Description

Sacroiliac joint fusion is a procedure.

Policy

Percutaneous sacroiliac joint fusion is considered investigational for the treatment of sacroiliac joint pain.

Coding

CPT\t27279\tArthrodesis, sacroiliac joint, percutaneous

Policy History
Date\tComments
03/01/24\tAnnual review. Policy statement unchanged.
03/01/23\tAnnual review.
"""


def record(text: str):
    return build_record(load_text(text), uri="style.txt", sha256="0" * 64, size=len(text))


def test_aetna_clinical_policy_bulletin():
    r = record(AETNA)
    assert (r.payer.name, r.policy.number, r.policy.title) == ("Aetna", "0135", "Acupuncture and Dry Needling")
    assert r.coverage.status == "mixed"
    codes = {c.code: c.status for c in r.codes}
    assert codes == {"97810": "medically_necessary_with_criteria", "20560": None}
    assert r.dates.next_review.value == "2026-01-22"
    assert [i.text for i in r.indications] == ["Chronic neck pain", "Postoperative nausea"]
    assert len(r.references) == 1 and r.references[0].journal == "J Pain"


def test_cigna_coverage_policy():
    r = record(CIGNA)
    assert (r.payer.name, r.policy.number, r.policy.title) == ("Cigna", "0012", "Acupuncture")
    assert (r.dates.effective.value, r.dates.next_review.value) == ("2025-04-15", "2026-04-15")
    assert r.coverage.status == "mixed"
    assert [(c.code, c.status) for c in r.codes] == [("97810", "medically_necessary_with_criteria")]
    assert [(h.date, h.text) for h in r.history] == [("2025-04-15", "Annual review No policy statement changes.")]


def test_cms_local_coverage_determination():
    r = record(LCD)
    assert (r.policy.number, r.policy.title) == ("L33618", "Facet Joint Interventions for Pain Management")
    assert r.payer.name == "Noridian Healthcare Solutions"
    assert (r.dates.original_effective.value, r.dates.effective.value) == ("2015-10-01", "2024-01-01")
    assert r.coverage.status == "mixed"
    assert [(c.code, c.system, c.status) for c in r.codes] == [("M47.812", "ICD-10-CM", "medically_necessary")]


def test_bcbs_plan_policy():
    r = record(BCBS)
    assert (r.payer.name, r.policy.number) == ("Blue Cross and Blue Shield of North Carolina", "7.01.93")
    assert (r.dates.effective.value, r.dates.last_reviewed.value) == ("2024-03-01", "2024-02")
    assert r.coverage.status == "experimental_investigational_unproven"
    assert [i.text for i in r.indications] == ["sacroiliac joint pain"]
    assert [h.date for h in r.history] == ["2024-03-01", "2023-03-01"]


PREMERA = """MEDICAL POLICY – 7.01.551
Prolotherapy
Effective Date: Jan. 1, 2025
Last Revised: Dec. 10, 2024
Replaces: N/A

Policy Coverage Criteria

Service\tInvestigational
Prolotherapy\tProlotherapy is considered investigational for all indications.

Coding

Code\tDescription
HCPCS
M0076\tProlotherapy

History

Date\tComments
05/01/06\tNew policy, considered investigational.
12/10/24\tAnnual Review, approved December 10, 2024. No change to policy statement.
"""

HUMANA = """Medical Coverage Policy
Prolotherapy
Effective Date: 03/28/2024
Revision Date: 03/28/2024
Review Date: 03/28/2024
Policy Number: HUM-0482-032

Coverage Determination

Humana members may NOT be eligible under the Plan for prolotherapy for any indications. This is considered experimental/investigational as it is not identified as widely used and generally accepted.

Provider Claims Codes

Any CPT, HCPCS or ICD codes listed on this medical coverage policy are for informational purposes only.
HCPCS Level II Code(s)\tDescription
M0076\tProlotherapy

Change Summary

03/28/2024 Annual Review, Coverage Unchanged.
"""

MOLINA = """Molina Clinical Policy
Title: Prolotherapy
Policy No: 412
Last Approval: 6/14/2023
Next Review Due By: June 2024

Coverage Policy

Prolotherapy is considered experimental, investigational and unproven.

Coding Information

The following codes are considered experimental and investigational: M0076, 20550 and 0232T.
"""

NCD = """National Coverage Determination (NCD)
Prolotherapy, Joint Sclerotherapy, and Ligamentous Injections with Sclerosing Agents
NCD Number 150.7
Effective Date of this Version 05/01/2004

Indications and Limitations of Coverage

The medical effectiveness of the above therapies has not been verified by scientifically controlled studies. Accordingly, these therapies are not reasonable and necessary and are not covered under Medicare.
"""


def test_bcbsa_plan_with_service_table():
    r = record(PREMERA)
    assert (r.policy.number, r.policy.title) == ("7.01.551", "Prolotherapy")
    assert (r.dates.effective.value, r.dates.last_revised.value) == ("2025-01-01", "2024-12-10")
    assert r.coverage.status == "experimental_investigational_unproven"
    assert [(c.code, c.status) for c in r.codes] == [("M0076", "experimental_investigational_unproven")]
    assert [h.date for h in r.history] == ["2006-05-01", "2024-12-10"]


def test_humana_medical_coverage_policy():
    r = record(HUMANA)
    assert (r.payer.name, r.policy.number, r.policy.title) == ("Humana", "HUM-0482-032", "Prolotherapy")
    assert (r.dates.last_revised.value, r.dates.last_reviewed.value) == ("2024-03-28", "2024-03-28")
    assert r.coverage.status == "experimental_investigational_unproven"
    assert [(c.code, c.status) for c in r.codes] == [("M0076", "experimental_investigational_unproven")]
    assert [h.text for h in r.history] == ["Annual Review, Coverage Unchanged."]


def test_molina_codes_listed_in_a_sentence():
    r = record(MOLINA)
    assert (r.payer.name, r.policy.number, r.policy.title) == ("Molina Healthcare", "412", "Prolotherapy")
    assert (r.dates.last_reviewed.value, r.dates.next_review.value) == ("2023-06-14", "2024-06")
    assert {(c.code, c.status) for c in r.codes} == {
        ("M0076", "experimental_investigational_unproven"), ("20550", "experimental_investigational_unproven"),
        ("0232T", "experimental_investigational_unproven"),
    }


def test_cms_national_coverage_determination():
    r = record(NCD)
    assert (r.policy.number, r.dates.effective.value) == ("150.7", "2004-05-01")
    assert r.coverage.status == "not_medically_necessary"
    assert r.codes == []


ANTHEM_HTML = """<!DOCTYPE html><html><head><title>CG-SURG-25</title><script>var x = 1;</script></head><body>
<table><tr><td>Subject:</td><td>Injection Treatment for Morton Neuroma</td></tr>
<tr><td>Guideline #:</td><td>CG-SURG-25</td><td>Publish Date:</td><td>01/01/2026</td></tr></table>
<h2>Clinical Indications</h2>
<p>Not Medically Necessary:</p>
<p>Injection treatment is considered not medically necessary for any of the following:</p>
<ul><li>Sclerosing alcohol injections</li><li>Botulinum toxin injections</li></ul>
<h2>Coding</h2>
<p>When services are Not Medically Necessary:</p>
<table><tr><th>CPT</th><th></th></tr><tr><td>64455</td><td>Injection(s), anesthetic agent(s) and/or steroid; plantar common digital nerve(s)</td></tr></table>
<h2>Document History</h2>
<table><tr><td>Status</td><td>Date</td><td>Action</td></tr>
<tr><td>Reviewed</td><td>11/13/2025</td><td>MPTAC review.</td></tr>
<tr><td>New</td><td>02/20/2014</td><td>MPTAC review. Initial document development.</td></tr></table>
<p>Services provided by Anthem Blue Cross and Blue Shield.</p>
</body></html>"""


def test_anthem_guideline_as_a_web_page():
    r = build_record(load_bytes(ANTHEM_HTML.encode(), name="cg-surg-25.html"), uri="cg.html", sha256="0" * 64, size=1)
    assert (r.payer.name, r.policy.number, r.policy.title) == ("Anthem", "CG-SURG-25", "Injection Treatment for Morton Neuroma")
    assert r.dates.effective.value == "2026-01-01" and r.source.media_type == "text/html"
    assert r.coverage.status == "not_medically_necessary"
    assert [(c.code, c.status) for c in r.codes] == [("64455", "not_medically_necessary")]
    assert r.indications == []  # a not-medically-necessary list is no list of indications (record contract)
    assert [h.date for h in r.history] == ["2025-11-13", "2014-02-20"]
