"""End to end: the review page in headless Chromium (Debian's package, driven by Playwright).

Needs /usr/bin/chromium (``scripts/ci_services.sh`` installs it).  Set CLINLABEL_SCREENSHOT=PATH to
save a screenshot of the page (docs/images/review.png is made this way).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path, data_dir):
    import uvicorn

    from review.jsonl import read_jsonl
    from review.store import Store
    from review.web import create_app, ontology_search

    store = Store(f"sqlite:///{tmp_path / 'e2e.db'}")
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.set_label_scheme("clinic", ["PROBLEM", "DRUG"])
    app = create_app(store, "clinic", search=ontology_search("icd10cm"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/", store
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


def test_accept_reject_and_add_a_code_in_the_browser(served, missing_service):
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} missing (Debian's chromium package)")
    from playwright.sync_api import expect, sync_playwright

    url, store = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(url)
            # the annotator name is required before anything else
            page.fill("#annotator", "e2e_coder")
            page.click("#start")
            expect(page.get_by_test_id("code-E11.9")).to_be_visible()
            expect(page.get_by_test_id("note")).to_contain_text("type 2 diabetes")

            page.get_by_test_id("code-E11.9").locator("[data-act=accepted]").click()
            expect(page.get_by_test_id("decision-E11.9")).to_have_text("accepted")
            page.get_by_test_id("code-R07.9").locator("[data-act=rejected]").click()
            expect(page.get_by_test_id("decision-R07.9")).to_have_text("rejected")

            page.keyboard.press("/")
            page.keyboard.type("essential hypertension")
            page.get_by_test_id("result-I10").locator("button").click()
            expect(page.get_by_test_id("decision-I10")).to_have_text("accepted")
            if os.environ.get("CLINLABEL_SCREENSHOT"):
                page.locator("[data-span='1']").first.click()  # show the span tools too
                page.screenshot(path=os.environ["CLINLABEL_SCREENSHOT"])
                page.locator("[data-span='1']").first.click()

            # fix a span's boundary: "type 2 diabetes" -> "diabetes" (start two words right)
            page.locator("[data-span='1']").first.click()
            page.keyboard.press("Alt+ArrowRight")
            page.keyboard.press("Alt+ArrowRight")
            expect(page.locator("#span-current")).to_have_text('"diabetes"')

            page.keyboard.press("a")  # accept the note: the next one loads
            expect(page.get_by_test_id("progress")).to_have_text("1 / 3")
            expect(page.get_by_test_id("note")).to_contain_text("metformin")
            answered = store.annotations("clinic")

            page.keyboard.press("u")  # undo brings the note back
            expect(page.get_by_test_id("progress")).to_have_text("0 / 3")
            expect(page.get_by_test_id("note")).to_contain_text("type 2 diabetes")
        finally:
            browser.close()

    eid = store.example_ids("clinic")[0]
    codes = {c["code"]: c["decision"] for c in store.codes(eid, "e2e_coder")}
    assert codes == {"E11.9": "accepted", "R07.9": "rejected", "I10": "accepted"}
    (ann,) = answered
    assert ann["annotator"] == "e2e_coder" and ann["answer"] == "accept" and ann["example_id"] == eid
    assert {c["code"]: c["decision"] for c in ann["codes"]} == codes
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in ann["spans"]] == [
        (15, 25, "PROBLEM", "chest pain"), (41, 49, "PROBLEM", "diabetes")]
    assert store.annotations("clinic") == []  # undone (kept in the table as retracted)
    assert store.annotations("clinic", include_retracted=True)[0]["retracted"] is True
    log = [(r["actor"], r["action"], r["target"]) for r in store.audit("clinic", example_id=eid) if r["actor"] == "e2e_coder"]
    assert log[:4] == [("e2e_coder", "code_accept", "ICD-10-CM:E11.9"), ("e2e_coder", "code_reject", "ICD-10-CM:R07.9"),
                       ("e2e_coder", "code_add", "ICD-10-CM:I10"), ("e2e_coder", "code_accept", "ICD-10-CM:I10")]
    assert [a for _, a, _ in log[-2:]] == ["answer", "undo"]
