"""References: splitting a references section into entries, and parsing one citation into fields."""

from dataclasses import replace

import pytest

from extractors import citations
from extractors.citation_parse import parse_reference
from extractors.document import parse
from extractors.loading import load_text

NULLS = dict(authors=[], title=None, journal=None, year=None, volume=None, issue=None, pages=None, doi=None, pmid=None)


def fields(**given):
    return {**NULLS, **given}


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Alderman D. Prolotherapy for Low Back Pain. Pract Pain Manag. 2007;7(4):58-63.",
            fields(authors=["Alderman D"], title="Prolotherapy for Low Back Pain", journal="Pract Pain Manag", year=2007, volume="7", issue="4", pages="58-63"),
            id="vancouver-single-author",
        ),
        pytest.param(
            "Nelemans PJ, de Bie RA, de Vet HC, Sturmans F. Injection therapy for subacute and chronic benign low back pain. "
            "Cochrane Database of Syst Rev. 2000;(2):CD001824. doi:10.1002/14651858.CD001824.",
            fields(
                authors=["Nelemans PJ", "de Bie RA", "de Vet HC", "Sturmans F"], title="Injection therapy for subacute and chronic benign low back pain",
                journal="Cochrane Database of Syst Rev", year=2000, issue="2", pages="CD001824", doi="10.1002/14651858.CD001824",
            ),
            id="particles-no-volume-cochrane-doi",
        ),
        pytest.param(
            "Garg S, Serruys PW, van der Ent M, et al. First use in patients of a combined catheter. EuroIntervention. 2010; 5(6):755-756.",
            fields(authors=["Garg S", "Serruys PW", "van der Ent M"], title="First use in patients of a combined catheter", journal="EuroIntervention", year=2010, volume="5", issue="6", pages="755-756"),
            id="van-der-particle-et-al-dropped",
        ),
        pytest.param(
            "Gerszten PC, Welch WC, King JT Jr. Quality of life after nucleoplasty. J Neurosurg Spine. 2006; 4(1):36-42.",
            fields(authors=["Gerszten PC", "Welch WC", "King JT Jr"], title="Quality of life after nucleoplasty", journal="J Neurosurg Spine", year=2006, volume="4", issue="1", pages="36-42"),
            id="suffix-jr",
        ),
        pytest.param(
            "Reeves, K.D., Hassanein, K. Randomized study of dextrose prolotherapy. The Journal of Alternative and Complementary Medicine 2000; vol 6, No 4: 311-320.",
            fields(
                authors=["Reeves KD", "Hassanein K"], title="Randomized study of dextrose prolotherapy", journal="The Journal of Alternative and Complementary Medicine",
                year=2000, volume="6", issue="4", pages="311-320",
            ),
            id="dotted-initials-and-vol-no-words",
        ),
        pytest.param(
            "Linetsky, F. S., Miguel, R., and Torres, F. Treatment of cervicothoracic pain. Curr Pain Headache Rep. 2004;8(1):41-8.",
            fields(authors=["Linetsky FS", "Miguel R", "Torres F"], title="Treatment of cervicothoracic pain", journal="Curr Pain Headache Rep", year=2004, volume="8", issue="1", pages="41-8"),
            id="dotted-spaced-initials-with-and",
        ),
        pytest.param(
            "Sanderson, L. Bryant, A. Prolotherapy for lower limb tendinopathy: a systematic review. J Foot Ankle Res 2015 Oct (20);8:57. doi: 10.1186/s13047-015-0114-5",
            fields(
                authors=["Sanderson L", "Bryant A"], title="Prolotherapy for lower limb tendinopathy: a systematic review", journal="J Foot Ankle Res",
                year=2015, volume="8", pages="57", doi="10.1186/s13047-015-0114-5",
            ),
            id="dotted-without-comma-between-authors",
        ),
        pytest.param(
            "Alderman, D Prolotherapy for Low Back Pain. Pract Pain Manag. 2007;7(4):58-63.",
            fields(authors=["Alderman D"], title="Prolotherapy for Low Back Pain", journal="Pract Pain Manag", year=2007, volume="7", issue="4", pages="58-63"),
            id="comma-initial-without-period",
        ),
        pytest.param(
            "Farr J, Cole BJ, Sherman S, et al. Particulated articular cartilage. J Knee Surg. 2012 Mar;25(1):23-9.",
            fields(authors=["Farr J", "Cole BJ", "Sherman S"], title="Particulated articular cartilage", journal="J Knee Surg", year=2012, volume="25", issue="1", pages="23-9"),
            id="month-after-year",
        ),
        pytest.param(
            "Rabago D, Mundt M, Zgierska A, et al. Hypertonic dextrose injection for knee osteoarthritis. Complement Ther Med. Jun 2015;23(3):388-395. PMID 26051574",
            fields(
                authors=["Rabago D", "Mundt M", "Zgierska A"], title="Hypertonic dextrose injection for knee osteoarthritis", journal="Complement Ther Med",
                year=2015, volume="23", issue="3", pages="388-395", pmid="26051574",
            ),
            id="month-before-year-and-pmid",
        ),
        pytest.param(
            "Chou R, Arora B, Dana T, et al. Screening asymptomatic adults. Ann Intern Med. 2011; 155:375-385.",
            fields(authors=["Chou R", "Arora B", "Dana T"], title="Screening asymptomatic adults", journal="Ann Intern Med", year=2011, volume="155", pages="375-385"),
            id="volume-pages-no-issue",
        ),
        pytest.param(
            "Chou R, Loeser JD. Interventional therapies for low back pain. Spine (Phila Pa 1976) 2009; 34:1066.",
            fields(authors=["Chou R", "Loeser JD"], title="Interventional therapies for low back pain", journal="Spine (Phila Pa 1976)", year=2009, volume="34", pages="1066"),
            id="year-inside-journal-name-is-not-the-year",
        ),
        pytest.param(
            "Hauser, R.A. Punishing the pain. Rehab Management Feb/March 1999;26-30.",
            fields(authors=["Hauser RA"], title="Punishing the pain", journal="Rehab Management", year=1999, pages="26-30"),
            id="month-range-and-pages-without-volume",
        ),
        pytest.param(
            "Nelemans P, de Bie R. Injection therapy for low back pain. Cochrane Database of Syst Rev. 2003, Issue 4.",
            fields(authors=["Nelemans P", "de Bie R"], title="Injection therapy for low back pain", journal="Cochrane Database of Syst Rev", year=2003, issue="4"),
            id="cochrane-issue-words",
        ),
        pytest.param(
            "Bakker J, Neill A. Auto-adjusting airway pressure. J Sleep Res. 2011 Mar;20(1 Pt 2):233-40.",
            fields(authors=["Bakker J", "Neill A"], title="Auto-adjusting airway pressure", journal="J Sleep Res", year=2011, volume="20", issue="1 Pt 2", pages="233-40"),
            id="issue-with-part",
        ),
        pytest.param(
            "Igarashi T, Musha Y. Chondrocyte implantation: a case report. J Surg Case Rep. 2020 Apr;2020(4):rjaa074.",
            fields(authors=["Igarashi T", "Musha Y"], title="Chondrocyte implantation: a case report", journal="J Surg Case Rep", year=2020, volume="2020", issue="4", pages="rjaa074"),
            id="article-number-pages",
        ),
        pytest.param(
            "Kim S, Stitik T, Foye P, et al, Critical Review of Prolotherapy, A Physiatric Perspective, Am J Phys Med Rehabil. 2004;83(5):379-389.",
            fields(
                authors=["Kim S", "Stitik T", "Foye P"], title="Critical Review of Prolotherapy, A Physiatric Perspective", journal="Am J Phys Med Rehabil",
                year=2004, volume="83", issue="5", pages="379-389",
            ),
            id="commas-instead-of-periods",
        ),
        pytest.param(
            "Aurora RN, Zak RS, et al.; Standards of Practice Committee; American Academy of Sleep Medicine. Best practice guide for REM sleep behavior disorder. "
            "J Clin Sleep Med. 2010 Feb 15;6(1):85-95. Erratum in: J Clin Sleep Med. 2010 Apr 15;6(2): table of contents.",
            fields(
                authors=["Aurora RN", "Zak RS", "Standards of Practice Committee", "American Academy of Sleep Medicine"],
                title="Best practice guide for REM sleep behavior disorder", journal="J Clin Sleep Med", year=2010, volume="6", issue="1", pages="85-95",
            ),
            id="group-authors-after-semicolons-erratum-ignored",
        ),
        pytest.param(
            "Moyer VA, U.S. Preventive Services Task Force. Screening for coronary heart disease. Ann Intern Med. 2012; 157:512-518.",
            fields(authors=["Moyer VA", "U.S. Preventive Services Task Force"], title="Screening for coronary heart disease", journal="Ann Intern Med", year=2012, volume="157", pages="512-518"),
            id="group-author-after-comma",
        ),
        pytest.param(
            "American Association of Orthopedic Medicine, Klein RG, Patterson J, et al. Prolotherapy for Back Pain Treatment. n.d.;",
            fields(authors=["American Association of Orthopedic Medicine", "Klein RG", "Patterson J"], title="Prolotherapy for Back Pain Treatment"),
            id="organization-then-persons-no-date",
        ),
        pytest.param(
            "American College of Occupational and Environmental Medicine. Occupational Medicine Practice Guideline, 2nd Ed. 2008.",
            fields(authors=["American College of Occupational and Environmental Medicine"], title="Occupational Medicine Practice Guideline", year=2008),
            id="organization-book-edition",
        ),
        pytest.param(
            "World Federation of Neurology (WFN). WFN #4471. Headache disorders. Clinical handbook of headache care. 3rd ed. 2019.",
            fields(authors=["World Federation of Neurology (WFN)"], title="Headache disorders", journal="Clinical handbook of headache care", year=2019),
            id="chapter-in-book-before-edition",
        ),
        pytest.param(
            "North American Pain Group (NAPG). Position Statement. Dry Needling for Neck Pain. Updated March 2, 2021.",
            fields(authors=["North American Pain Group (NAPG)"], title="Dry Needling for Neck Pain", year=2021),
            id="document-type-label-skipped",
        ),
        pytest.param(
            "ECRI. Prolotherapy for tendon pain. Plymouth Meeting (PA): ECRI Health Technology Information Service 2004 May 14. 8 p. (Hotline Response).",
            fields(authors=["ECRI"], title="Prolotherapy for tendon pain", year=2004),
            id="publisher-is-not-a-journal",
        ),
        pytest.param(
            "U.S. National Institutes of Health (NIH). Clinical trials: prolotherapy",
            fields(authors=["U.S. National Institutes of Health (NIH)"], title="Clinical trials: prolotherapy"),
            id="dotted-abbreviation-in-organization",
        ),
        pytest.param(
            "European Pain Board (EPB) [website]. European Guidelines for Back Pain. 2004. Updated June 14, 2005.",
            fields(authors=["European Pain Board (EPB)"], title="European Guidelines for Back Pain", year=2004),
            id="website-note-dropped-first-year",
        ),
        pytest.param(
            "UpToDate. Treatment of Acute Low Back Pain. Christopher L. Knight M.D., Richard A. Deyo, M.D., MPH, Joyce E. Wipf, M.D,, Topic last updated September 26, 2013.",
            fields(authors=["Knight CL", "Deyo RA", "Wipf JE"], title="Treatment of Acute Low Back Pain", journal="UpToDate", year=2013),
            id="online-resource-credentialed-authors",
        ),
        pytest.param(
            "UpToDate. Chou, R., Atlas, S., Subacute and chronic back pain. Topic last updated October 18, 2017.",
            fields(authors=["Chou R", "Atlas S"], title="Subacute and chronic back pain", journal="UpToDate", year=2017),
            id="online-resource-then-dotted-authors",
        ),
        pytest.param(
            "American College of Radiology (ACR). (2025). Key imaging findings for osteoarthritis. Available at: www.acr.org. Accessed January 26, 2026.",
            fields(authors=["American College of Radiology (ACR)"], title="Key imaging findings for osteoarthritis", year=2025),
            id="apa-year-organization-web",
        ),
        pytest.param(
            "Smith, J. A., & Jones, B. (2019). Dry needling for neck pain. Journal of Pain Research, 12(3), 45-67.",
            fields(authors=["Smith JA", "Jones B"], title="Dry needling for neck pain", journal="Journal of Pain Research", year=2019, volume="12", issue="3", pages="45-67"),
            id="apa-journal-article",
        ),
        pytest.param(
            "Sleep-related breathing disorders in adults: recommendations. The Report of a Task Force. Sleep. 1999 Aug 1;22(5):667-89.",
            fields(title="Sleep-related breathing disorders in adults: recommendations. The Report of a Task Force", journal="Sleep", year=1999, volume="22", issue="5", pages="667-89"),
            id="no-author-title-first",
        ),
        pytest.param(
            "Greenland P, Beller GA. 2010 ACCF/AHA guideline for assessment of cardiovascular risk. Circulation. 2010; 122:2748-2764.",
            fields(authors=["Greenland P", "Beller GA"], title="2010 ACCF/AHA guideline for assessment of cardiovascular risk", journal="Circulation", year=2010, volume="122", pages="2748-2764"),
            id="title-starting-with-a-year",
        ),
        pytest.param(
            "New York Heart Association. Criteria Committee. Nomenclature for diseases of the heart. 9th ed. Boston, MA: Little, Brown & Co.; 1994: 253-256.",
            fields(authors=["New York Heart Association"], title="Nomenclature for diseases of the heart", year=1994, pages="253-256"),
            id="book-pages-after-publisher",
        ),
        pytest.param(
            "Hung, C., Hsaio, M., et al. Comparitive effectiveness of dextrose prolotherapy versus control injections and exercise in the management of osteoart",
            fields(authors=["Hung C", "Hsaio M"], title="Comparitive effectiveness of dextrose prolotherapy versus control injections and exercise in the management of osteoart"),
            id="truncated-entry-authors-and-title-only",
        ),
        pytest.param("Please check the member's benefit plan before applying this policy.", fields(), id="not-a-citation"),
    ],
)
def test_parse_reference(text, expected):
    assert parse_reference(text) == expected


def doc_of(text: str, *, pages: list[str] | None = None, furniture: tuple[str, ...] = ()):
    """A PolicyDoc of `text`, or of `pages` joined by blank lines with the page map a PDF loader gives;
    lines listed in `furniture` are marked as running headers/footers, as the PDF loader marks them."""
    if pages is None:
        return parse(load_text(text))
    policy_text = load_text("\n\n".join(pages))
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2
    assert policy_text.text == "\n\n".join(pages)
    ranges, offset = [], 0
    for line in policy_text.text.split("\n"):
        if line in furniture:
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return parse(replace(policy_text, page_starts=tuple(starts), furniture=tuple(ranges)))


ENTRY_1 = "Dagenais S, Haldeman S. Intraligamentous injection of sclerosing solutions. Spine J. 2005;5(3):310-328."
ENTRY_2 = "Hooper R, Ding M. Retrospective case series on chronic spinal pain. J Altern Complement Med. 2004;10(4):670-674."
ENTRY_3 = "Centers for Medicare and Medicaid Services (CMS). National Coverage Determination: Laser Procedures. Effective May 1, 1997."


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(f"References\n\n1. {ENTRY_1}\n2. {ENTRY_2}\n3. {ENTRY_3}", [ENTRY_1, ENTRY_2, ENTRY_3], id="numbered"),
        pytest.param(
            "References\nPeer Reviewed Publications:\n1. Dagenais S, Haldeman S. Intraligamentous injection of sclerosing\nsolutions. Spine J. 2005;5(3):310-328.\n"
            f"2. {ENTRY_2}\nGovernment Agency, Medical Society, and Other Authoritative Publications:\n1. {ENTRY_3}\n"
            "Websites for Additional Information\n1. U.S. National Library of Medicine. Diskectomy. Updated June 4, 2025.",
            [ENTRY_1, ENTRY_2, ENTRY_3],
            id="numbering-restarts-under-sub-headings-websites-excluded",
        ),
        pytest.param(f"References\n1.\n{ENTRY_1}\n2.\n{ENTRY_2}\n3.\n{ENTRY_3}", [ENTRY_1, ENTRY_2, ENTRY_3], id="numbers-on-their-own-lines"),
        pytest.param(f"Selected References:\n\n  • {ENTRY_1}\n  • {ENTRY_2}\n  • {ENTRY_3}", [ENTRY_1, ENTRY_2, ENTRY_3], id="bulleted"),
        pytest.param(
            "References\n\nDagenais S, Haldeman S. Intraligamentous injection of sclerosing\nsolutions. Spine J. 2005;5(3):310-328.\n\n"
            f"{ENTRY_2}\n\nCenters for Medicare and Medicaid Services (CMS). National Coverage\nDetermination: Laser Procedures. Effective May 1, 1997.",
            [ENTRY_1, ENTRY_2, ENTRY_3],
            id="unnumbered-paragraphs",
        ),
        pytest.param(
            "References\nCMS. National Coverage Determination for Prolotherapy (150.7).\nWorkloss Data Institute. Official Disability Guidelines.\n"
            "U.S. National Institutes of Health (NIH). Clinical trials: prolotherapy\nBertrand H, Reeves KD. Dextrose prolotherapy versus control injections. Arch Phys Med Rehabil. 2016; 97(1):17-25.",
            [
                "CMS. National Coverage Determination for Prolotherapy (150.7).", "Workloss Data Institute. Official Disability Guidelines.",
                "U.S. National Institutes of Health (NIH). Clinical trials: prolotherapy",
                "Bertrand H, Reeves KD. Dextrose prolotherapy versus control injections. Arch Phys Med Rehabil. 2016; 97(1):17-25.",
            ],
            id="unnumbered-one-per-line",
        ),
        pytest.param(
            "References\nAurora RN, Kristo DA, Bista SR, et al.; American Academy of Sleep Medicine. The treatment of restless legs syndrome\n"
            "and periodic limb movement disorder in adults: practice parameters. Sleep. 2012\nAug 1;35(8):1039-62.\n"
            "Quan SF, Griswold ME, Iber C, et al. Short-term variability of respiration and sleep. [corrected].\n"
            "Sleep. 2002 Dec; 25(8):843-9. Erratum in: Sleep. 2009 Oct 1; 32(10): table of contents.\n"
            "ECRI. Actigraphy for evaluating adults with suspected narcolepsy. Evidence Analysis. 2025 May.\n"
            "ECRI. Patient selection criteria for sleep studies in the home, outpatient laboratory, and hospital settings. Curated\n"
            "Literature Search. 2024 Sept.\n"
            "Sleep-related breathing disorders in adults: recommendations for syndrome definition and measurement techniques in\n"
            "clinical research. The Report of an American Academy of Sleep Medicine Task Force. Sleep. 1999 Aug 1;22(5):667-89.",
            [
                "Aurora RN, Kristo DA, Bista SR, et al.; American Academy of Sleep Medicine. The treatment of restless legs syndrome and periodic limb movement "
                "disorder in adults: practice parameters. Sleep. 2012 Aug 1;35(8):1039-62.",
                "Quan SF, Griswold ME, Iber C, et al. Short-term variability of respiration and sleep. [corrected]. Sleep. 2002 Dec; 25(8):843-9. "
                "Erratum in: Sleep. 2009 Oct 1; 32(10): table of contents.",
                "ECRI. Actigraphy for evaluating adults with suspected narcolepsy. Evidence Analysis. 2025 May.",
                "ECRI. Patient selection criteria for sleep studies in the home, outpatient laboratory, and hospital settings. Curated Literature Search. 2024 Sept.",
                "Sleep-related breathing disorders in adults: recommendations for syndrome definition and measurement techniques in clinical research. "
                "The Report of an American Academy of Sleep Medicine Task Force. Sleep. 1999 Aug 1;22(5):667-89.",
            ],
            id="unnumbered-wrapped-without-gaps",
        ),
        pytest.param(
            "References\nPeer Reviewed Publications:\n\nDagenais S, Haldeman S. Intraligamentous injection of sclerosing\nsolutions. Spine J. 2005;5(3):310-328.\n\n"
            f"Other Publications:\n\n{ENTRY_3}",
            [ENTRY_1, ENTRY_3],
            id="unnumbered-sub-headings-skipped",
        ),
        pytest.param(
            f"References\n\n1. {ENTRY_1}\n2. Hung, C., Hsaio, M., et al. Comparitive effectiveness of dextrose prolotherapy versus control injections and exercise in the management of osteoart",
            [ENTRY_1, "Hung, C., Hsaio, M., et al. Comparitive effectiveness of dextrose prolotherapy versus control injections and exercise in the management of osteoart"],
            id="truncated-last-entry-kept",
        ),
        pytest.param(
            "References\n9. Chopko B, Caraway DL. MiDAS I: a preliminary report. Pain Physician. 2010; 13(4):369-378.Chopko BW. Long-term results of\n"
            "lumbar decompression. Clin J Pain. 2013; 29(11):939-943.\n10. Fan N, Li T. Negative correlation. J Pain Res. 2025; 18:3977-3986.",
            [
                "Chopko B, Caraway DL. MiDAS I: a preliminary report. Pain Physician. 2010; 13(4):369-378.",
                "Chopko BW. Long-term results of lumbar decompression. Clin J Pain. 2013; 29(11):939-943.",
                "Fan N, Li T. Negative correlation. J Pain Res. 2025; 18:3977-3986.",
            ],
            id="glued-entries-cut",
        ),
        pytest.param(
            "References\n1. Centers for Medicare and Medicaid Services (CMS). National Coverage Determination: Percutaneous Image-\nGuided Lumbar Decompression. NCD #150.13.",
            ["Centers for Medicare and Medicaid Services (CMS). National Coverage Determination: Percutaneous Image-Guided Lumbar Decompression. NCD #150.13."],
            id="line-broken-after-hyphen",
        ),
        pytest.param(
            "References\n\nCorda, L., Medicina, D., & Balbi, B. (2011). Population genetic screening for alpha1-antitrypsin deficiency in a\n"
            "high-prevalence area. Respiration, 82(5), 418-425.\nde Serres, F. J., Blanco, I., & Fernandez-Bustillo, E. (2003). Genetic epidemiology of alpha-1\n"
            "antitrypsin deficiency in North America. Clin Genet, 64(5), 382-397.\n\nEriksson, S., & Velez, R. (1986). Risk of cirrhosis. N Engl J Med, 314(12), 736-739.",
            [
                "Corda, L., Medicina, D., & Balbi, B. (2011). Population genetic screening for alpha1-antitrypsin deficiency in a high-prevalence area. Respiration, 82(5), 418-425.",
                "de Serres, F. J., Blanco, I., & Fernandez-Bustillo, E. (2003). Genetic epidemiology of alpha-1 antitrypsin deficiency in North America. Clin Genet, 64(5), 382-397.",
                "Eriksson, S., & Velez, R. (1986). Risk of cirrhosis. N Engl J Med, 314(12), 736-739.",
            ],
            id="surname-particle-opens-an-entry",
        ),
        pytest.param(
            "References\n\nNORD. (2024a). Alpha-1 Antitrypsin Deficiency. https://rarediseases.org/rare-diseases/alpha-1-\nantitrypsin-deficiency/\n"
            "NORD. (2024b, 01/25/2024). Neonatal Cholestasis. https://rarediseases.org/rare-diseases/idiopathic-\nneonatal-hepatitis/\n"
            "NICE. (n.d.). Autism in children and young people. https://www.nice.org.uk/guidance/cg128\n\nWHO. (1997). Alpha 1-antitrypsin deficiency. Bull World Health Organ, 75(5), 397-415.",
            [
                "NORD. (2024a). Alpha-1 Antitrypsin Deficiency. https://rarediseases.org/rare-diseases/alpha-1-antitrypsin-deficiency/",
                "NORD. (2024b, 01/25/2024). Neonatal Cholestasis. https://rarediseases.org/rare-diseases/idiopathic-neonatal-hepatitis/",
                "NICE. (n.d.). Autism in children and young people. https://www.nice.org.uk/guidance/cg128",
                "WHO. (1997). Alpha 1-antitrypsin deficiency. Bull World Health Organ, 75(5), 397-415.",
            ],
            id="author-date-with-full-date-or-no-date",
        ),
        pytest.param(
            f"References\n\n1. {ENTRY_1}\n2. {ENTRY_2}\n2. {ENTRY_3}",
            [ENTRY_1, ENTRY_2, ENTRY_3],
            id="number-printed-twice",
        ),
        pytest.param(
            f"References\n\n{ENTRY_1}\n\n{ENTRY_2}\n\nPolicy Implementation\n\nApproved by the Medical and Pharmacy Policy Committee\nJane Doe MD MBA\nChief Medical Officer",
            [ENTRY_1, ENTRY_2],
            id="sign-off-after-list-ends-it",
        ),
        pytest.param(
            f"References\n\n{ENTRY_1}\n\nApproved by the FDA in 2019. Device summary P190032.\n\n{ENTRY_2}",
            [ENTRY_1, "Approved by the FDA in 2019. Device summary P190032.", ENTRY_2],
            id="dated-approved-by-entry-is-no-sign-off",
        ),
        pytest.param(
            "References\nWoodhouse, R., Li, M. (2020). Clinical validation. PLoS One, 15 (9), e0237802. Retrieved from http://www.acessdata.fda.gov.\n"
            "U.S. Food and Drug Administration. (2022, August). 510(k) Premarket Notification Database. P200010.\n"
            "ORIGINAL EFFECTIVE DATE: 9/30/2025\nMOST RECENT REVIEW DATE: 9/30/2025",
            [
                "Woodhouse, R., Li, M. (2020). Clinical validation. PLoS One, 15 (9), e0237802. Retrieved from http://www.acessdata.fda.gov.",
                "U.S. Food and Drug Administration. (2022, August). 510(k) Premarket Notification Database. P200010.",
            ],
            id="dotted-organization-opens-and-upper-case-date-label-ends",
        ),
        pytest.param(
            "References\nSmith, J., & Bernard, P. S., Ellis, M.,\nH. (2018). Re-interpretation of variants. J Mol Diagn, 20(1), 1-9.",
            ["Smith, J., & Bernard, P. S., Ellis, M., H. (2018). Re-interpretation of variants. J Mol Diagn, 20(1), 1-9."],
            id="wrapped-initial-before-year-goes-on",
        ),
    ],
)
def test_split_entries(text, expected):
    refs = citations.extract(doc_of(text))
    assert [r.text for r in refs] == expected
    assert all(r.evidence.text.endswith(r.text[-12:]) for r in refs)


FOOTER = "Sleep Studies Page {} of 3\nProprietary Information of Example Health. Copyright 2026 Example Health, Inc."


def test_entry_across_a_page_break_leaves_out_running_footers():
    pages = [
        "Background\nSome text.\n" + FOOTER.format(1),
        "References\nArand D, Bonnet M. The clinical use of the MSLT and MWT. Sleep. 2005 Jan;28(1):123-44.\n"
        "Aurora RN, Chowdhuri S, Ramar K, et al. The treatment of central sleep apnea syndromes in adults: practice parameters\n" + FOOTER.format(2),
        "with an evidence-based literature review. Sleep. 2012 Jan 1;35(1):17-40.\n"
        "Berry RB, Hill G. Portable monitoring. Sleep. 2008 Oct 1; 31(10):1423-31.\n" + FOOTER.format(3),
    ]
    lines = "\n".join(pages).split("\n")
    doc = doc_of("", pages=pages, furniture=tuple(l for l in lines if "Page " in l or "Proprietary" in l))
    refs = citations.extract(doc)
    assert [r.text for r in refs] == [
        "Arand D, Bonnet M. The clinical use of the MSLT and MWT. Sleep. 2005 Jan;28(1):123-44.",
        "Aurora RN, Chowdhuri S, Ramar K, et al. The treatment of central sleep apnea syndromes in adults: practice parameters "
        "with an evidence-based literature review. Sleep. 2012 Jan 1;35(1):17-40.",
        "Berry RB, Hill G. Portable monitoring. Sleep. 2008 Oct 1; 31(10):1423-31.",
    ]
    assert (refs[1].evidence.page, refs[2].evidence.page) == (2, 3)
    assert refs[1].pages == "17-40" and refs[2].evidence.text.endswith("1423-31.")




@pytest.mark.parametrize(
    "text, count, first",
    [
        pytest.param(
            "References:\n\n1. Smith J. A study of sleep. Sleep. 2020;1:2-3.\n2. Doe A. Another. J Med. 2019;4:5-6.\n3. Roe B. A third study of the\n"
            "context of genes. Genet Med. 2014 Feb; 16: 176–\n182. PMID: 23928913\n4. Poe C. Fourth. Lancet. 2018;7:8-9.\n5. Moe D. Fifth. BMJ. 2017;1:1.\n",
            5, "Smith J. A study of sleep. Sleep. 2020;1:2-3.", id="a-wrapped-page-number-does-not-break-the-numbering",
        ),
        pytest.param(
            "References\n\n1. Smith J. One. Sleep. 2020;1:2-3.\n2. Doe A. Two. Sleep. 2020;1:2-3.\n10.Rubin D, Siegel C. Ten. Am J Gastro. 2025;120:1187.\n"
            "11.Barnes EL, Agrawal M. Eleven. Gastro. 2024;166:59.\n12     Scher HI, Lu D. Twelve. JAMA Oncol. 2016;2:1441.\n",
            5, "Smith J. One. Sleep. 2020;1:2-3.", id="numbers-glued-or-spaced",
        ),
        pytest.param(
            "References and source documents\n\nLinks to the plan's contracts, the CMS site and other\nrelevant documents used to create this policy\n\n"
            "ACOG Practice Bulletin 226, Screening for Fetal Chromosomal Abnormalities October, 2020\n\nIndividual and Family Plan member contract\n",
            2, "ACOG Practice Bulletin 226, Screening for Fetal Chromosomal Abnormalities October, 2020", id="lead-in-sentence-is-no-entry",
        ),
        pytest.param(
            "References\nAmerican College of Obstetricians (ACOG). (2023). Carrier Screening. https://www.acog.org/clinical/articles/2017/03/carrier-\n"
            "screening-for-genetic-conditions\nAmerican College of Obstetricians (ACOG). (2018). Screening for Fetal\nChromosomal Abnormalities.\n"
            "Carelon Medical Benefits Management. Genetic Testing Guidelines.\nhttps://guidelines.example.com/current-genetic-testing-guidelines/\n"
            "Hayes Knowledge Center. (December 5, 2023). Annual Review: VeriStrat.\n\nGrossi, F., Genova, C. (2018). Prognostic role. Lung cancer, 117, 64-69.\n",
            5, "American College of Obstetricians (ACOG). (2023). Carrier Screening. https://www.acog.org/clinical/articles/2017/03/carrier-screening-for-genetic-conditions",
            id="author-date-entries-and-wrapped-addresses",
        ),
        pytest.param(
            "Resources:\n\nLiterature reviewed 11/21/24. We do not include marketing materials.\n\n1. Beaudoin FL, Richardson M. Gene therapy. ICER, July 19, 2022.\n"
            "2. Benz EJ. Thalassemia. In: UpToDate. 2024.\n\nNon-Discrimination Statement:\n\nIf you believe we failed, file with: Plan of\nArizona, P.O. Box 13466, Phoenix, AZ 85002.\n",
            2, "Beaudoin FL, Richardson M. Gene therapy. ICER, July 19, 2022.", id="resources-that-are-literature",
        ),
        pytest.param(
            "IX. REFERENCES\tTOP\n\n1. Kelly E, Greene CM. Alpha-1 antitrypsin deficiency. Respir Med. Jun\n2010;104(6):763-772. PMID 20303723\n"
            "2. Sveger T. Liver disease in infants. N Engl J Med. 1976;294(24):1316-1321.\n\nX. POLICY HISTORY\tTOP\n\n4/6/2020 Minor review. References updated.\n",
            2, "Kelly E, Greene CM. Alpha-1 antitrypsin deficiency. Respir Med. Jun 2010;104(6):763-772. PMID 20303723", id="roman-numeral-heading-with-top-link",
        ),
        pytest.param(
            "Reference Sources\n\nU.S. National Library of Medicine (NLM). Helping me understand genetics. July 28, 2021. Accessed on\n"
            "September 28, 2021.\n\nBean L, Scheuner M, Murray M, et al. DNA-based screening and personal health. Genetics in Medicine. 2021.\n",
            2, "U.S. National Library of Medicine (NLM). Helping me understand genetics. July 28, 2021. Accessed on September 28, 2021.", id="reference-sources-heading",
        ),
        pytest.param(
            "References\n\nOn November 29, 2023, we searched PubMed and the databases of the Cochrane Library, the U.K. National\n"
            "Health Services Centre for Reviews and Dissemination. We included the best available evidence.\n\n"
            "Alzheimers Association. Genetic testing. https://www.alz.org/media/documents/genetic-testing-statement.pdf.\nUpdated October, 2023.\n\n"
            "Goldman JS. New approaches to genetic counseling. Curr Neurol Neurosci Rep. 2012;12(5):502-510.\n\n"
            "Policy updates\n\n5/2016: initial review date and clinical policy effective date: 7/2016\n\n4/2017: Policy references updated.\n",
            2, "Alzheimers Association. Genetic testing. https://www.alz.org/media/documents/genetic-testing-statement.pdf. Updated October, 2023.",
            id="search-preamble-and-unknown-heading-over-dated-rows",
        ),
        pytest.param(
            "REFERENCES\n\n1. Greden JF, Parikh SV. Impact of pharmacogenomics. J Psychiatr Res. 2019;111:59-67.\n"
            "2. Immunocore Limited. KIMMTRAK (tebentafusp-tebn) injection. Accessed: 5/8/2024. Website:\nhttps://www.accessdata.fda.gov/label.pdf\n\n"
            "back to top\n\nNote: The plan uses the genetic testing clinical criteria developed by a vendor.\n\n"
            "Plan Original Effective Date: December 30, 2022\no Vendor Effective Date: January 01, 2023 (V.1.2023)\n\n"
            "Plan Re-Review Date(s):\no June 21, 2023\no December 20, 2023\n\n© 2023-2025 Plan.\n",
            2, "Greden JF, Parikh SV. Impact of pharmacogenomics. J Psychiatr Res. 2019;111:59-67.", id="list-ends-at-back-to-top-link",
        ),
        pytest.param(
            "REFERENCES:\n\nAdams PC, Reboussin DM. Hemochromatosis screening. N Engl J Med. 2005;352:1769-78.\n\n"
            "Tora R, Welch J, Sun J. Phenotypic profiling in hyperparathyroidism-jaw tumor syndrome. J Clin Endocrinol Metab. 2023. Epub ahead of print.\n"
            "This policy will be revised as necessary and reviewed no less than annually.\n\nDevised: 7/23\n\nRevised: 7/24 (add criteria)\n\n"
            "Reviewed:\n\nThe Plan may refer collectively to health care coverage sponsors of the Plan, unless otherwise noted.\n",
            2, "Adams PC, Reboussin DM. Hemochromatosis screening. N Engl J Med. 2005;352:1769-78.", id="list-ends-at-policy-sentence-and-date-labels",
        ),
        pytest.param(
            "Medical Policy: Liquid Biopsy\nPolicy Number: 2.02.56\nPage: 1 of 3\nIntro.\n\nMedical Policy: Liquid Biopsy\nPolicy Number: 2.02.56\nPage: 2 of 3\n"
            "REFERENCES\nAlimirzaie S, et al. Liquid biopsy in breast cancer: a comprehensive review. Clin Genet. 2019\nJun;95(6):643-660.\n"
            "Asante DB, et al. Liquid biopsy in ovarian cancer using circulating tumor DNA and cells: ready for\nprimetime? Cancer Lett. 2020 Jan;468:59-71.\n\n"
            "Medical Policy: Liquid Biopsy\nPolicy Number: 2.02.56\nPage: 3 of 3\n"
            "National Comprehensive Cancer Network (NCCN) [Internet]. Clinical practice guidelines in oncology.\n"
            "Breast Cancer. V.6.2024. 2024 Nov 11 [accessed 2024 Dec 10]. Available from:\nhttps://www.nccn.org/professionals/physician_gls/pdf/breast.pdf\n"
            "National Comprehensive Cancer Network (NCCN) [Internet]. Clinical practice guidelines in oncology.\n"
            "Colon Cancer. V.5.2024. 2024 Aug 22 [accessed 2024 Dec 10]. Available from:\nhttps://www.nccn.org/professionals/physician_gls/pdf/colon.pdf\n"
            "Sabari JK, et al. A prospective study of circulating tumor DNA. J Natl Cancer Inst. 2019;111(6):\n"
            "Saarenheimo J, et al. The value of liquid biopsies. Front Oncol. 2019;9:129.\n",
            6, "Alimirzaie S, et al. Liquid biopsy in breast cancer: a comprehensive review. Clin Genet. 2019 Jun;95(6):643-660.",
            id="unnumbered-wrapped-entries-across-running-headers",
        ),
        pytest.param(
            "References\n1. Rogers SJ. Treatments for autism. J Clin Child Psychol. 1998;27(2):168-179.\n2. Boyd RD. Outcome survey. Autism. 2001;5(4):430-441.\n\n"
            "Additional References\n61. McEachin JJ, Smith T. Long-term outcome. Am J Ment Retard. 1993;97(4):359-372.\n"
            "62. Bebko JM, Perry A. Facilitated communication. J Autism Dev Disord. 1996;26(1):19-42.\n"
            "63. Committee on Children with Disabilities. Technical report. Pediatrics. 2001;107:e85.\n",
            5, "Rogers SJ. Treatments for autism. J Clin Child Psychol. 1998;27(2):168-179.", id="numbering-continued-under-a-second-heading",
        ),
        pytest.param(
            "References:\n\nEvans WE, Relling MV. Pharmacogenomics. Science 1999; 286:487.\n\nVesell ES. Therapeutic lessons. Ann Intern Med 1997; 126:653.\n\n"
            "Special Notes: *\nMedical policies can be highly technical and complex and are provided here for informational purposes.\n",
            2, "Evans WE, Relling MV. Pharmacogenomics. Science 1999; 286:487.", id="special-notes-heading-with-footnote-mark",
        ),
        pytest.param(
            "VIII. Evidence-based Scientific References\n"
            "Agendia. (2024a). BluePrint: a test to predict likely tumor behavior. https://agendia.com/blueprint/\n"
            "BBDRiskDx. (2023). What is the BBDRISK DX® Test? https://bbdrisk.com/patients/bbdrisk-dx-\ntest/bbdrisk-dx/\n"
            "Blok, E. J., Bastiaannet, E., van den Hout, W. B., Liefers, G. J., Smit, V., Kroep, J. R., & van de Velde, C. J.\n"
            "H. (2018). Systematic review of the clinical and economic value of gene expression profiles for\n"
            "invasive early breast cancer available in Europe. Cancer Treat Rev, 62, 74-90.\n"
            "Dabbs, D., Mittal, K., Heineman, S., Whitworth, P., Shah, C., Savala, J., Shivers, S. C., & Bremer, T. (2023).\n"
            "Analytical validation of the 7-gene biosignature for prediction of recurrence risk and radiation\n"
            "therapy benefit for breast ductal carcinoma in situ. Front Oncol, 13, 1069059.\n"
            "Davies, C., Godwin, J., Gray, R., Clarke, M., Cutter, D., Darby, S., McGale, P., Pan, H. C., Taylor, C., Wang,\n"
            "Y. C., Dowsett, M., Ingle, J., & Peto, R. (2011). Relevance of breast cancer hormone receptors and\n"
            "other factors to the efficacy of adjuvant tamoxifen: patient-level meta-analysis of randomised trials.\n"
            "Lancet, 378(9793), 771-784. https://doi.org/10.1016/s0140-6736(11)60993-8\n"
            "Wuerstlein, R., Kates, R., Gluz, O., Grischke, E. M., Schem, C., Thill, M., Hasmueller, S., Köhler, A., Otremba,\n"
            "B., Griesinger, F., Schindlbeck, C., Trojan, A., Otto, F., Knauer, M., Pusch, R., & Harbeck, N. (2019).\n"
            "Strong impact of MammaPrint and BluePrint on treatment decisions in luminal early breast cancer:\n"
            "results of the WSG-PRIMe study. Breast Cancer Res Treat, 175(2), 389-399.\n\nIX. Policy History\n"
            "Action Date\tAction\nJune 01, 2023\tPolicy created\n",
            6, "Agendia. (2024a). BluePrint: a test to predict likely tumor behavior. https://agendia.com/blueprint/",
            id="apa-entries-wrapped-without-gaps",
        ),
    ],
)
def test_reference_lists(make_doc, text, count, first):
    refs = citations.extract(make_doc(text))
    assert (len(refs), refs[0].text) == (count, first)


def test_websites_are_not_references(make_doc):
    text = "Websites for Additional Information\n\n1. American Heart Association. Heart disease. Updated January 10, 2024. Available at: https://www.heart.org.\n2. CDC. Facts. 2025.\n"
    assert citations.extract(make_doc(text)) == []


def doc_with_type(pages: list[str], small: tuple[str, ...]):
    """A PolicyDoc of PDF-like `pages` whose lines are printed at 10 pt, those opening with `small` at 6.5 pt
    (a footnote's superscript number makes its first line the smallest)."""
    doc = doc_of("", pages=pages)
    sizes, offset = [], 0
    for line in doc.text.split("\n"):
        if line.strip():
            sizes.append((offset, offset + len(line), 6.5 if line.startswith(small) else 10.0))
        offset += len(line) + 1
    return parse(replace(doc.source, line_sizes=tuple(sizes)))


FOOTNOTED = [
    "Infertility Services\nCriteria\n1. The member has been diagnosed with infertility.1\n2. The live birth rate is > 5%.2\n\n"
    "1 Practice Committee of the American Society for Reproductive Medicine. Diagnostic evaluation of the\n\n"
    "infertile female: a committee opinion. Fertil Steril. 2015 Jun;103(6):e44-50.\n2 Massachusetts Regulations 211 CMR 37.00. Available at:\n\n"
    "https://www.mass.gov/files/documents/2017/10/23/211-37.pdf",
    "Normal reproductive age\nAll services end at 45.3\n\n3 Eijkemans MJ, van Poppel F. Too old to have children? Hum Reprod. 2014;29(6):1304-1312.",
]


@pytest.mark.parametrize(
    "pages, small, count",
    [
        pytest.param(FOOTNOTED, ("1 ", "2 ", "3 "), 3, id="footnotes-at-page-feet"),
        pytest.param(FOOTNOTED, (), 0, id="body-sized-numbers-are-no-footnotes"),
        pytest.param(FOOTNOTED[:1], ("1 ", "2 "), 0, id="fewer-than-three-footnotes"),
        pytest.param(
            ["Steps\n1 Draw blood from the member\n2 Send it to the laboratory", "3 Read the result to the member\nDone."],
            ("1 ", "2 ", "3 "), 0, id="numbered-steps-cite-nothing",
        ),
    ],
)
def test_footnote_references(pages, small, count):
    refs = citations.extract(doc_with_type(pages, small))
    assert len(refs) == count
    if count:
        assert refs[0].text == (
            "Practice Committee of the American Society for Reproductive Medicine. Diagnostic evaluation of the "
            "infertile female: a committee opinion. Fertil Steril. 2015 Jun;103(6):e44-50."
        )
        assert refs[1].text.endswith("211-37.pdf") and refs[2].evidence.page == 2
        assert all(r.evidence.text.startswith(r.text[:20]) for r in refs)


def test_footnotes_only_without_a_reference_list():
    pages = [FOOTNOTED[0], FOOTNOTED[1] + "\n\nReferences\n1. Smith J. A study. Sleep. 2020;1:2-3.\n2. Doe A. Another. J Med. 2019;4:5-6."]
    refs = citations.extract(doc_with_type(pages, ("1 P", "2 M", "3 E")))
    assert [r.text[:8] for r in refs] == ["Smith J.", "Doe A. A"]


def test_wrapped_page_number_is_no_list_number():
    text = ("References\n1. Aaberg TM, Covington KR. Gene Expression Profiling in Uveal Melanoma. Ocul Oncol Pathol. 2020;6(5):360-\n"
            f"367. PMID: 33123530\n2. {ENTRY_2}\n3. {ENTRY_3}")
    refs = citations.extract(doc_of(text))
    assert [r.text for r in refs][1:] == [ENTRY_2, ENTRY_3]
    assert refs[0].text.startswith("Aaberg TM") and refs[0].text.endswith("PMID: 33123530")
