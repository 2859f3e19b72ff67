"""The web app in headless Chromium: what a practitioner and an administrator do.
Screenshots of the search, theme, document and upload pages go to artifacts/screenshots/."""
import re

import pytest

from tests.conftest import SEEDS
from tests.pdf_maker import render_text_as_pdf
from tests.web.conftest import ADMIN, PASSWORD, RESTRICTED, shot

pytestmark = pytest.mark.browser


def search(page, query):
    page.goto("/")
    page.get_by_label("Search learning points").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_selector(".results")


def log_in(page):
    page.goto("/login")
    page.get_by_label("Name").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("text=Logged in as admin")


def test_search_shows_cited_cards_and_the_citation_leads_to_the_point(page):
    search(page, "was not brought")
    cards = page.locator(".results .card")
    assert cards.count() >= 5
    first = cards.first
    assert first.locator("mark").count() >= 1  # the query's words are highlighted
    assert first.locator(".citation a").inner_text()
    assert "Also searched for" in page.inner_text(".expansions")
    assert page.locator(".facets").get_by_role("link", name=re.compile("Was not brought")).count() == 1
    shot(page, "search")
    point_text = first.locator(".point-text").inner_text()
    first.locator(".citation a").click()
    page.wait_for_load_state()
    assert re.search(r"/documents/[\w-]+#point-\d+$", page.url)
    anchor = page.url.split("#")[1]
    target = page.locator(f"#{anchor}")
    assert target.is_visible() and point_text[:40] in target.inner_text()
    assert page.evaluate("document.querySelector(':target').id") == anchor
    shot(page, "document")


def test_theme_facet_refines_and_the_url_can_be_shared(page, live_server):
    search(page, "missed appointments")
    page.locator(".facets").get_by_role("link", name=re.compile("Was not brought")).click()
    page.wait_for_selector(".results")
    assert "theme=was-not-brought" in page.url
    cards = page.locator(".results .card")
    assert cards.count() >= 3
    for i in range(cards.count()):
        assert cards.nth(i).get_by_role("link", name="Was not brought / missed appointments").count() == 1
    shared = page.url
    page.goto("/")
    page.goto(shared)  # all state is in the query string
    assert page.locator(".results .card").count() == cards.count()


def test_theme_pages(page):
    page.goto("/themes")
    assert page.get_by_role("heading", name="Themes", level=1).is_visible()
    assert page.locator("svg.spark").count() >= 10
    page.get_by_role("link", name="Was not brought / missed appointments").click()
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Was not brought / missed appointments"
    years = [int(y) for y in re.findall(r"· (\d{4}) ·", page.inner_text("main"))]
    assert years == sorted(years, reverse=True) and len(years) >= 3
    page.get_by_label(re.compile("Action taken")).check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("h1")
    assert "stype=action-taken" in page.url
    badges = page.locator(".card .badge").all_inner_texts()
    assert badges and set(badges) == {"Action taken / progress"}
    shot(page, "theme")


def test_keyboard_only_search(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.focus("#q")
    page.keyboard.type("voice of the child")
    page.keyboard.press("Enter")
    page.wait_for_selector(".results .card")
    assert page.locator("main").count() == 1 and page.locator("nav[aria-label='Main']").count() == 1
    labels = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)""")
    assert labels == []


def test_phone_width(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    search(page, "escalation")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380  # no sideways scrolling
    shot(page, "search-phone")
    context.close()


def test_admin_uploads_a_pdf_then_finds_it_and_a_bad_file_shows_its_error(page, tmp_path):
    page.goto("/admin/upload")
    assert "/login" in page.url  # administrators only
    log_in(page)
    page.goto("/admin/upload")
    text = SEEDS["000"].read_text(encoding="utf-8").replace("BROMLEY", "WESTBURY") + \
        "\n\nZEPHYR LEARNING\n\n- Practitioners should record the quintessential bedtime routine of every infant.\n"
    pdf = render_text_as_pdf(text, tmp_path / "westbury-learning.pdf")
    page.set_input_files("#files", str(pdf))
    page.get_by_label("Publisher").fill("Westbury Safeguarding Children Partnership")
    page.get_by_label("Type").select_option("learning-summary")
    shot(page, "upload")
    page.get_by_role("button", name="Upload and ingest").click()
    page.wait_for_selector(".job[data-status=done], .job[data-status=failed]", timeout=60000)
    job = page.inner_text(".job")
    assert "Ingested" in job and "learning points" in job, job
    shot(page, "upload-result")
    search(page, "quintessential bedtime routine")
    first = page.locator(".results .card").first
    assert "quintessential bedtime routine" in first.inner_text()
    assert "Westbury Safeguarding Children Partnership" in first.locator(".citation").inner_text()

    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(pdf.read_bytes()[:400])
    page.goto("/admin/upload")
    page.set_input_files("#files", str(bad))
    page.get_by_role("button", name="Upload and ingest").click()
    page.wait_for_selector(".job[data-status=failed]", timeout=60000)
    assert "Not ingested" in page.inner_text(".job") and "PDF" in page.inner_text(".job")
    shot(page, "upload-error")


def test_restricted_document_only_after_login(page):
    title = "Thematic multi-agency audit: serious youth violence and extra-familial harm"
    page.goto("/documents")
    assert title not in page.inner_text("main")
    search(page, "serious youth violence")
    assert title not in page.inner_text(".results")
    response = page.goto(f"/documents/{RESTRICTED}")
    assert response.status == 404
    log_in(page)
    page.goto("/documents")
    assert title in page.inner_text("main") and "Restricted" in page.inner_text("main")
    search(page, "serious youth violence")
    assert title in page.inner_text(".results")


def test_a_trainer_builds_a_seven_minute_briefing_and_exports_it_to_word(page, tmp_path):
    import docx

    search(page, "was not brought")
    cards = page.locator(".results .card")
    texts = [cards.nth(i).locator(".point-text").inner_text() for i in range(3)]
    for i in range(3):
        cards.nth(i).get_by_role("button", name=re.compile("Add to briefing")).click()
        page.wait_for_selector(".flash.briefing")
        assert page.locator(".results .card").nth(i).locator(".in-briefing").is_visible()  # back where it was
    assert "(3 points)" in page.inner_text(".flash.briefing")
    page.get_by_role("link", name="Open the briefing").click()
    page.wait_for_selector(".briefing-items")
    assert [t.strip() for t in page.locator(".briefing-items .point-text").all_inner_texts()] == texts

    page.get_by_label("Title").fill("Was Not Brought: team briefing")
    page.get_by_role("button", name="Move up point 3").click()  # the third point becomes the second
    page.wait_for_selector("text=Moved up.")
    assert [t.strip() for t in page.locator(".briefing-items .point-text").all_inner_texts()] == \
        [texts[0], texts[2], texts[1]]
    page.locator(".briefing-items .card").first.get_by_label("Your note on this point").fill(
        "Check how our service follows up a missed appointment.")
    page.get_by_label("2. Why it matters").fill("Children cannot take themselves to appointments.")
    page.get_by_role("button", name="Save briefing").click()
    page.wait_for_selector("text=Saved.")
    assert page.locator("h1").inner_text() == "Was Not Brought: team briefing"
    shot(page, "briefing")

    with page.expect_download() as info:
        page.get_by_role("link", name="Word (.docx)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "was-not-brought-team-briefing.docx"
    document = docx.Document(str(path))
    paras = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:7] == ["1. Background", "2. Why it matters", "3. Key learning", "4. Key learning",
                            "5. Key learning", "6. Things to note or remember", "7. What to do"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote" and not p.text.startswith("From a list")]
    assert len(quotes) == 3 and all(any(f"\u201c{t}\u201d" in q for q in quotes) for t in texts)
    for q in quotes:  # each quotation is followed by its citation and listed among the references
        cite = paras[paras.index(q) + 1]
        number = re.search(r"\[(\d+)\]$", q).group(1)
        assert cite.startswith("\u2014 ") and ("Bromley" in cite or "Partnership" in cite)
        assert any(p.startswith(f"[{number}] ") and "/points/" in p for p in paras[paras.index("References"):])
    assert any("Check how our service follows up a missed appointment." in p and "own words" in p for p in paras)
    page.get_by_role("link", name="Print-ready page").click()
    page.wait_for_selector("section.part")
    assert page.locator("section.part").count() == 7
    shot(page, "briefing-print")


def test_recurring_findings_page_groups_cited_instances(page):
    page.goto("/recurring?theme=was-not-brought")
    groups = page.locator(".group-card")
    assert groups.count() >= 1
    first = groups.first
    first.locator("summary").click()
    assert first.locator(".card .citation a").count() >= 2
    shot(page, "recurring")
    page.goto("/themes/was-not-brought")
    assert page.locator("svg.timeline rect").count() >= 1
    shot(page, "theme-timeline")
