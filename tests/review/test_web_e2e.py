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


def _serve(app):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    return f"http://127.0.0.1:{port}/", server, thread


@pytest.fixture
def served(tmp_path, data_dir):
    from review.jsonl import read_jsonl
    from review.store import Store
    from review.web import create_app, ontology_search

    store = Store(f"sqlite:///{tmp_path / 'e2e.db'}")
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.set_label_scheme("clinic", ["PROBLEM", "DRUG"])
    url, server, thread = _serve(create_app(store, "clinic", search=ontology_search("icd10cm")))
    yield url, store
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


ATTR = 'x" autofocus onfocus="window.__xss=1" data-x="'
TAG = "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>"


def _hostile_tasks():
    """Payloads in every field the page shows: note text, labels, meta, codes, statuses, evidence."""
    text = "Pain " + TAG + " and fever."
    end = len(text)
    return [{
        "text": text,
        "meta": {"id": "evil" + ATTR, "specialty": TAG, ATTR: "v"},
        "spans": [{"start": 0, "end": 4, "label": "PROBLEM" + ATTR, "negated": True},
                  {"start": end - 6, "end": end - 1, "label": TAG}],
        "codes": [{"code": "R52" + ATTR, "system": "ICD-10-CM" + TAG, "description": TAG,
                   "status": "confirmed" + ATTR, "score": 0.5,
                   "evidence": [{"start": 0, "end": 4, "text": TAG}]},
                  {"code": "R50.9", "system": "ICD-10-CM", "description": "Fever", "decision": ATTR}],
    }]


def test_planted_payloads_never_run(tmp_path, missing_service):
    """Payloads planted through an imported file and through the API stay text: no script runs,
    no element carries a handler attribute, and the page still works."""
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} missing (Debian's chromium package)")
    from playwright.sync_api import expect, sync_playwright

    from review.store import Store
    from review.web import create_app

    store = Store(f"sqlite:///{tmp_path / 'xss.db'}")
    store.add_tasks("clinic", _hostile_tasks())
    store.set_label_scheme("clinic", ["PROBLEM", "PROBLEM" + ATTR])
    eid = store.example_ids("clinic")[0]
    # stored around the API's checks, as an older version or a hostile import could have done
    store.add_code(eid, "I10" + ATTR, "mallory", description=TAG)

    def search(q, limit):
        return [{"code": "I10" + ATTR, "system": "ICD-10-CM", "description": TAG}][:limit]

    url, server, thread = _serve(create_app(store, "clinic", search=search,
                                            code_check=lambda system, code: None))
    dialogs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                page = browser.new_page()
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(url)
                page.fill("#annotator", "victim")
                page.click("#start")
                expect(page.get_by_test_id("note")).to_contain_text("<img src=x")
                page.keyboard.press("/")
                page.keyboard.type("anything")
                expect(page.get_by_test_id("results")).to_contain_text("<img src=x")
                page.get_by_test_id("results").locator("button").first.click()  # the API refuses it
                expect(page.get_by_test_id("status")).to_contain_text("not an ICD-10-CM code")
                page.locator("#note .seg").first.hover()
                page.wait_for_timeout(300)
                ran = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
                handlers = page.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(
                    (el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on') ||
                    a.name === 'autofocus' || (a.name === 'src' && a.value !== '/static/app.js'))
                    .map((a) => el.tagName + ' ' + a.name))""")
                injected = page.evaluate("() => document.querySelectorAll('main img, main script').length")
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert ran is None, "a planted script ran"
    assert handlers == [], handlers
    assert injected == 0 and dialogs == []
    assert {c["code"] for c in store.codes(eid, "victim")} == {"R52" + ATTR, "R50.9", "I10" + ATTR}
    store.close()
