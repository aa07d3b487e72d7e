"""End to end: the review page in headless Chromium (Debian's package, driven by Playwright).

Needs /usr/bin/chromium (``scripts/ci_services.sh`` installs it).  Set CLINLABEL_SCREENSHOT=PATH to
save a screenshot of the page (docs/images/review.png is made this way).
"""

from __future__ import annotations

import os
import re
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


def _login(page, url, token, name):
    page.goto(url)
    page.fill("#token", token)
    page.click("#login-button")
    expect = _expect()
    expect(page.get_by_test_id("who")).to_contain_text(name)


def _expect():
    from playwright.sync_api import expect

    return expect


def _select(page, needle):
    """Select ``needle`` in the note as a reviewer dragging the mouse over it would."""
    page.locator("#note").focus()
    assert page.evaluate("""(needle) => {
        for (const seg of document.querySelectorAll('#note .seg')) {
            const t = seg.firstChild; if (!t) continue;
            const i = t.textContent.indexOf(needle); if (i < 0) continue;
            const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + needle.length);
            const s = getSelection(); s.removeAllRanges(); s.addRange(r); return true;
        }
        return false; }""", needle)


def test_two_annotators_and_an_adjudicator_make_gold_in_the_browser(sqlite_url, data_dir, tmp_path, missing_service):
    """ann1 and ann2 label spans, assertions and codes on every note; judge adjudicates the note
    they disagree on, taking one version per row; gold comes out with the decided assertions."""
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} missing (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    from clinlabel.cli import main
    from review.jsonl import read_jsonl
    from review.store import Store
    from review.web import create_app
    from web_client import fake_check, fake_search

    store = Store(sqlite_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.set_label_scheme("clinic", ["PROBLEM", "DRUG"])
    tokens = {"ann1": store.add_user("ann1", "annotator"), "ann2": store.add_user("ann2", "annotator"),
              "judge": store.add_user("judge", "adjudicator")}
    store.assign("clinic", ["ann1", "ann2"], overlap=1.0, adjudicators=["judge"])
    n1, n2, n3 = store.example_ids("clinic")
    url, server, thread = _serve(create_app(store, "clinic", search=fake_search, code_check=fake_check))
    expect = _expect()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                # --- ann1 -----------------------------------------------------------------------
                page = browser.new_context(viewport={"width": 1280, "height": 760}).new_page()
                _login(page, url, tokens["ann1"], "ann1")
                expect(page.get_by_test_id("note")).to_contain_text("type 2 diabetes")
                expect(page.get_by_test_id("progress")).to_have_text("0 / 3")
                page.get_by_test_id("code-E11.9").locator("[data-act=accepted]").click()
                expect(page.get_by_test_id("decision-E11.9")).to_have_text("accepted")
                page.keyboard.press("/")
                page.keyboard.type("hypertension")
                page.get_by_test_id("result-I10").locator("button").click()
                expect(page.get_by_test_id("decision-I10")).to_have_text("accepted")
                # correct a span: "type 2 diabetes" -> "diabetes", and mark it historical
                page.locator("[data-span='1']").first.click()
                page.keyboard.press("Alt+ArrowRight")
                page.keyboard.press("Alt+ArrowRight")
                expect(page.locator("#span-current")).to_have_text('"diabetes"')
                page.get_by_test_id("flag-historical").click()
                expect(page.get_by_test_id("flag-historical")).to_have_attribute("aria-pressed", "true")
                # choosing the label for new spans leaves the selected span alone
                page.select_option("#new-label", "DRUG")
                expect(page.locator("#relabel")).to_have_value("PROBLEM")
                expect(page.locator("#note .tag").nth(1)).to_have_text("PROBLEM his")
                if os.environ.get("CLINLABEL_SCREENSHOT"):
                    page.screenshot(path=os.environ["CLINLABEL_SCREENSHOT"])
                page.locator("#note").focus()
                page.keyboard.press("a")
                expect(page.get_by_test_id("note")).to_contain_text("metformin")
                page.keyboard.press("a")
                expect(page.get_by_test_id("note")).to_contain_text("No known drug allergies")
                # a new span from a selection, negated with the keyboard
                page.select_option("#new-label", "PROBLEM")
                _select(page, "drug allergies")
                page.keyboard.press("s")
                expect(page.locator("#span-current")).to_have_text('"drug allergies"')
                page.keyboard.press("1")
                expect(page.get_by_test_id("flag-negated")).to_have_attribute("aria-pressed", "true")
                page.keyboard.press("a")
                expect(page.get_by_test_id("progress")).to_have_text("3 / 3")
                # the queue lists every note with its status and opens an earlier one
                page.keyboard.press("q")
                expect(page.get_by_test_id("queue")).to_contain_text("accept")
                page.get_by_test_id("queue-n1").click()
                expect(page.locator("#note-meta")).to_contain_text("your answer: accept")
                page.context.close()

                # --- ann2 -----------------------------------------------------------------------
                page = browser.new_context().new_page()
                _login(page, url, tokens["ann2"], "ann2")
                expect(page.get_by_test_id("note")).to_contain_text("chest pain")
                page.locator("[data-span='0']").first.click()
                page.keyboard.press("5")  # uncertain
                expect(page.get_by_test_id("flag-uncertain")).to_have_attribute("aria-pressed", "true")
                page.keyboard.press("a")
                expect(page.get_by_test_id("note")).to_contain_text("metformin")
                page.keyboard.press("a")
                expect(page.get_by_test_id("note")).to_contain_text("No known drug allergies")
                page.select_option("#new-label", "PROBLEM")
                _select(page, "drug allergies")
                page.keyboard.press("s")
                page.keyboard.press("1")
                page.keyboard.press("a")
                expect(page.get_by_test_id("progress")).to_have_text("3 / 3")
                page.context.close()

                # --- judge ----------------------------------------------------------------------
                page = browser.new_context().new_page()
                _login(page, url, tokens["judge"], "judge")
                page.get_by_test_id("mode-adjudicate").click()
                expect(page.get_by_test_id("progress")).to_have_text("0 / 1")
                compare = page.get_by_test_id("compare")
                expect(compare).to_be_visible()
                expect(compare.locator("tr.diff")).to_have_count(2)
                expect(page.get_by_test_id("row-1")).to_contain_text("PROBLEM his")  # ann1's "diabetes"
                page.get_by_test_id("take-0-ann1").click()  # chest pain as ann1 left it (negated)
                page.get_by_test_id("take-1-ann2").click()  # "type 2 diabetes", not historical
                page.get_by_test_id("code-E11.9").locator("[data-act=accepted]").click()
                expect(page.get_by_test_id("decision-E11.9")).to_have_text("accepted")
                page.locator("#note").focus()
                page.keyboard.press("a")
                expect(page.get_by_test_id("progress")).to_have_text("1 / 1")
                expect(page.get_by_test_id("note")).to_contain_text("No open disagreements")
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    gold = tmp_path / "gold.jsonl"
    assert main(["review", "gold", "--db", sqlite_url, "--dataset", "clinic", "-o", str(gold)]) == 0
    records = {r["meta"]["id"]: r for _, r in read_jsonl(gold)}
    assert set(records) == {"n1", "n2", "n3"}
    flags = ("negated", "historical", "hypothetical", "family", "uncertain")
    got = {k: [(s["start"], s["end"], s["label"], [f for f in flags if s[f]]) for s in r["spans"]] for k, r in records.items()}
    assert got["n1"] == [(15, 25, "PROBLEM", ["negated"]), (34, 49, "PROBLEM", [])]
    assert got["n3"] == [(9, 23, "PROBLEM", ["negated"])]
    assert records["n1"]["meta"]["review"] == {"rule": "manual", "decided_by": "judge", "annotators": ["ann1", "ann2"]}
    assert records["n3"]["meta"]["review"]["rule"] == "unanimous"
    assert [c["code"] for c in records["n1"]["codes"] if c["decision"] == "accepted"] == ["E11.9"]
    ann1 = {a["example_id"]: a for a in store.annotations("clinic") if a["annotator"] == "ann1"}
    assert [(s["start"], s["end"], s["historical"]) for s in ann1[n1]["spans"]] == [(15, 25, False), (41, 49, True)]
    assert {c["code"]: c["decision"] for c in ann1[n1]["codes"]}["I10"] == "accepted"
    actors = {(r["actor"], r["action"]) for r in store.audit("clinic")}
    assert {("ann1", "answer"), ("ann2", "answer"), ("judge", "adjudicate")} <= actors
    assert store.verify_audit().ok
    store.close()


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


def test_planted_payloads_never_run(sqlite_url, missing_service):
    """Payloads planted through an imported file and through the API stay text: no script runs,
    no element carries a handler attribute, and the page still works."""
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} missing (Debian's chromium package)")
    from playwright.sync_api import expect, sync_playwright

    from review.store import Store
    from review.web import create_app

    store = Store(sqlite_url)
    store.add_tasks("clinic", _hostile_tasks())
    store.set_label_scheme("clinic", ["PROBLEM", "PROBLEM" + ATTR])
    eid = store.example_ids("clinic")[0]
    # stored around the API's checks, as an older version or a hostile import could have done
    store.add_code(eid, "I10" + ATTR, "mallory", description=TAG)
    store.answer(eid, "mallory", "accept", spans=[{"start": 0, "end": 4, "label": "PROBLEM" + ATTR, "negated": ATTR}])
    store.answer(eid, "eve", "accept", spans=[])
    token = store.add_user("victim", "admin")  # annotates the whole dataset and adjudicates

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
                _login(page, url, token, "victim")
                expect(page.get_by_test_id("note")).to_contain_text("<img src=x")
                page.keyboard.press("q")  # the queue shows the planted note id
                expect(page.get_by_test_id("queue")).to_contain_text("evil")
                page.keyboard.press("/")
                page.keyboard.type("anything")
                expect(page.get_by_test_id("results")).to_contain_text("<img src=x")
                page.get_by_test_id("results").locator("button").first.click()  # the API refuses it
                expect(page.get_by_test_id("status")).to_contain_text(re.compile("not an ICD-10-CM code|at most 40"))
                page.locator("#note .seg").first.hover()
                page.get_by_test_id("mode-adjudicate").click()  # the side-by-side table shows planted labels
                expect(page.get_by_test_id("compare")).to_contain_text('autofocus onfocus="window.__xss=1"')
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


def test_a_slow_answer_from_the_previous_mode_does_not_replace_the_current_note(sqlite_url, data_dir, missing_service):
    """The adjudicator switches to adjudicate before the annotate queue's answer arrives: the late
    answer ("nothing left") must not cover the disagreement (the race CI once hit)."""
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} missing (Debian's chromium package)")
    from playwright.sync_api import expect, sync_playwright

    from review.jsonl import read_jsonl
    from review.store import Store
    from review.web import create_app

    store = Store(sqlite_url)
    store.add_tasks("clinic", [r for _, r in read_jsonl(data_dir / "tasks.jsonl")])
    store.set_label_scheme("clinic", ["PROBLEM", "DRUG"])
    judge = store.add_user("judge", "adjudicator")
    store.add_user("ann1", "annotator")
    store.add_user("ann2", "annotator")
    store.assign("clinic", ["ann1", "ann2"], overlap=1.0, adjudicators=["judge"])
    eid = store.example_ids("clinic")[0]
    store.answer(eid, "ann1", "accept", spans=[])
    store.answer(eid, "ann2", "reject", spans=[])
    url, server, thread = _serve(create_app(store, "clinic"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                page = browser.new_context().new_page()
                held = []
                page.route(re.compile(r".*/api/next.*"), lambda route: held.append(route))
                page.goto(url)
                page.fill("#token", judge)
                page.click("#login-button")
                expect(page.get_by_test_id("who")).to_contain_text("judge")
                deadline = time.time() + 10
                while not held and time.time() < deadline:
                    page.wait_for_timeout(50)
                assert held, "the annotate queue was never asked for"
                page.get_by_test_id("mode-adjudicate").click()
                expect(page.get_by_test_id("compare")).to_be_visible()
                held[0].continue_()  # the annotate answer arrives late
                page.wait_for_timeout(500)
                expect(page.get_by_test_id("compare")).to_be_visible()
                expect(page.get_by_test_id("progress")).to_have_text("0 / 1")
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
