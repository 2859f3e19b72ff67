"""Statement types from labels, lead-ins, headings, wording and document type."""
import pytest

from kb.analysis.statements import is_figures, is_headline, is_label, statement_type


@pytest.mark.parametrize("text, context, path, doc_type, expected", [
    ("Bromley CCG should confirm the framework", "The recommendations from the review were:",
     ["FGM LEARNING REVIEW"], "annual-report", "recommendation"),
    ("Supportive relationships with parents", None, ["KEY FINDINGS - STRENGTHS"], "multi-agency-audit",
     "good-practice"),
    ("Outcome focused plans", None, ["KEY FINDINGS - CHALLENGES"], "multi-agency-audit", "challenge"),
    ("Training provided to GP on Early Help services", "The following has been achieved:",
     ["ACTION FROM PREVIOUS LEARNING REVIEWS", "Serious Case Review Julia"], "annual-report", "action-taken"),
    ("CAMHS have amended their Did Not Attend Policy", None, ["Serious Case Review Julia"], "annual-report",
     "action-taken"),
    ("Action: The partnership analysed MASH data", None, ["MASH"], "annual-report", "action-taken"),
    ("BSCP Challenge: Data showed a rise in referrals", None, ["MASH"], "annual-report", "challenge"),
    ("Ineffective information sharing", None, ["Key themes emerging from both local reviews"], "scr", "finding"),
    ("Assessing and engaging fathers", "Some of the learning was similar:", ["TABLETOP REVIEWS"],
     "learning-summary", "learning"),
    ("What are the barriers to escalating a concern?", None, ["GROUP WORK"], "multi-agency-audit", "context"),
    ("446 children were the subject of Initial Child Protection Conferences, 87% of them", None,
     ["SECTION 47 INVESTIGATIONS"], "annual-report", "context"),
    ("Agencies should strengthen the role of schools", None, ["Outcomes"], "multi-agency-audit",
     "recommendation"),
    ("This briefing presents key points from 24 reviews for managers and practitioners in the area",
     None, ["Learning from reviews"], "learning-summary", "context"),
    # a plan's action in the infinitive is what is to be done
    ("Actions 2019-21: To promote the use of the escalation policy", None, ["PRIORITY 2"], "annual-report",
     "recommendation"),
    # how the review was done is background, not something achieved
    ("A multi-agency workshop was held in March to explore the findings", None, ["Key learning"],
     "learning-summary", "context"),
    ("The neglect strategy is currently being refreshed with partners", None, ["PRIORITY 1"], "annual-report",
     "action-taken"),
    ("Probation – Good 1", None, ["Outcomes"], "multi-agency-audit", "context"),
    ("Positives", None, ["CAF MULTI AGENCY LEARNING"], "multi-agency-audit", "context"),
    # never learning (the recurring-findings issue): how reviews are done, a plan's outcome, a quotation
    ("Bromley Safeguarding Children Partnership (BSCP) conducts reviews and multi-agency audits each year.",
     None, ["SUMMARY OF LEARNING"], "learning-summary", "context"),
    ("Outcome: Children and young people receive effective early help and appropriate interventions", None,
     ["PRIORITY 2: EARLY HELP"], "annual-report", "context"),
    ("\u201cThe purpose of reviews of serious child safeguarding cases, at both national and local level, is to "
     "identify improvements to be made.\u201d (Working Together 2018)", None, ["Introduction"], "scr", "context"),
    # statistics under a heading that names a plan are context, not recommendations
    ("63 children (15%) were subject to a Child Protection Plan for a second time in 2018-19", None,
     ["CHILD PROTECTION PLANS"], "annual-report", "context"),
    # a gap found by an audit is a finding of the audit
    ("Agencies identified the impact of resource limitations on their response", None, ["4. Resource"],
     "multi-agency-audit", "finding"),
    ("Auditors being unable to find records of meetings", None, ["Information sharing"], "multi-agency-audit",
     "finding"),
    # a heading that names a kind of finding says more than a lead-in's "identified the following"
    ("Consent from parents limiting information sharing", "Groupwork within the presentation identified the following:",
     ["WHAT ARE THE BARRIERS AROUND INTER AGENCY COMMUNICATION?"], "multi-agency-audit", "challenge"),
    # the cases a review looked at, counts, sources and signposts are background
    ("About 6 of the cases involved serious injury as the prime reason for concern", None,
     ["Learning from 24 national serious case reviews"], "learning-summary", "context"),
    ("One involved the stabbing of a care-experienced girl by a boyfriend", None,
     ["Learning from 24 national serious case reviews"], "learning-summary", "context"),
    ("1166 Strategy Discussions were held in 2019-20 and 814 Section 47 enquiries commenced.", None,
     ["SECTION 47"], "annual-report", "context"),
    ("There were three deaths categorised as Sudden Unexpected Deaths in 2019/20", None, ["CDOP"],
     "annual-report", "context"),
    ("LLR LSCB CSE audit (2018)", "The key themes identified are from the following audits:",
     ["Learning from LSCB Audits"], "learning-summary", "context"),
    ("The LLR LSCB procedures are available on the LSCB Website at the following link", None, ["Next steps"],
     "learning-summary", "context"),
    ("Where a case does not meet the criteria for a Child Safeguarding Practice Review, we may still "
     "investigate", None, ["TABLETOP REVIEWS"], "learning-summary", "context"),
    # planned: the future tense, or a role and what it is to do
    ("The health visitor will consider writing a chronology for complex cases", None, ["HEALTH VISITORS"],
     "multi-agency-audit", "recommendation"),
    ("MASH Risk assessment template for CSC to include a section on the voice of the child", None, ["MASH"],
     "multi-agency-audit", "recommendation"),
    ("Failure to share information with the GP", None, ["MASH"], "multi-agency-audit", "finding"),
    # a strength with a "but" is a finding
    ("The family network was a strength in safety planning. But overall, there was little of it", None,
     ["5. Using family networks"], "multi-agency-audit", "finding"),
    # a judgement in headline form is a statement, though shaped like a label
    ("Ineffective Child Protection Processes", None, ["Key themes emerging from both local reviews"], "scr",
     "finding"),
    ("External Partnership Working = Inadequate", None, ["YOS"], "multi-agency-audit", "finding"),
    ("Safeguarding procedures followed appropriately.", None, ["EDUCATION"], "multi-agency-audit",
     "good-practice"),
    ("Children's Social Care – Good 3, Inadequate 1", None, ["Outcomes"], "multi-agency-audit", "context"),
    # a record that is not available is a finding; a report available on a website is a signpost
    ("Case file recording | Names spelt incorrectly; plans and relevant document not available on the record.",
     None, ["Key themes emerging from audits"], "learning-summary", "finding"),
    ("Summary briefings on completed audits are available via the LSCB website.", None, ["Next steps"],
     "learning-summary", "context"),
    # "to have produced" infers an effect; it reports no action taken
    ("This appears to have produced a Child Protection process which was not effective in the main goal of "
     "keeping children safe.", None, ["Key findings (Nadiya & Siblings)"], "scr", "finding"),
])
def test_statement_type(text, context, path, doc_type, expected):
    assert statement_type(text, context, path, doc_type) == expected


def test_section_path_may_be_the_stored_string():
    assert statement_type("Outcome focused plans", None, "AUDIT › KEY FINDINGS - CHALLENGES") == "challenge"


def test_figures():
    assert is_figures("0-18 year olds make up 24% of the total population")
    assert is_figures("1166 Strategy Discussions were held and 814 Section 47 enquiries commenced")
    assert not is_figures("In 2019 the partnership revised its escalation policy after the review of Leo")


@pytest.mark.parametrize("text, expected", [
    ("Health Visitors and School Nurses", True),
    ("Youth Justice Service – Good 1", True),
    ("Jim Gamble QPM Independent Chair", True),
    ("Familial Sexual Abuse (2018)", True),
    ("Thresholds for neglect differing across agencies", False),
    ("Directly quoting what children say", False),
    ("Develop supervision models for DSLs", False),
    ("Voice of the child obscured by parent's narratives", False),
    ("Child Protection Plans Were Not Reviewed In Time Across The Three Agencies Involved", False),  # too long
    ("Record Keeping.", False),
])
def test_names_and_captions_are_labels_not_statements(text, expected):
    assert is_label(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("Ineffective Child Protection Processes", True),
    ("Ineffective information sharing", True),
    ("Effective challenge to parents", True),
    ("Health Visitors and School Nurses", False),
    ("Probation – Good 1", False),  # a grade count: a caption
    ("Familial Sexual Abuse (2018)", False),
    ("The audit found that information sharing between the agencies was ineffective in most cases", False),
])
def test_a_headline_is_a_judgement_in_a_few_words(text, expected):
    assert is_headline(text) is expected
