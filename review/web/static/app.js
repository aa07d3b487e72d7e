// clinlabel review page: plain JavaScript, no external files (works offline).
"use strict";
(function () {
  const $ = (sel) => document.querySelector(sel);
  const COLORS = ["#2f6fde", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e", "#a16207", "#be185d"];
  const ASSERTIONS = ["negated", "historical", "hypothetical", "family", "uncertain"];
  const state = { me: null, csrf: null, mode: "annotate", info: null, ex: null, spans: [], selected: -1, focus: 0,
                  hotCode: null, results: [], queue: [] };

  class AuthError extends Error {}
  async function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
    const opts = { method, headers, credentials: "same-origin" };
    if (body !== undefined) opts.body = JSON.stringify(body);
    const res = await fetch(path, opts);
    const data = await res.json().catch(() => ({}));
    if (res.status === 401 && path.startsWith("/api/")) { showLogin(); throw new AuthError(data.error || "log in first"); }
    if (!res.ok) { throw new Error(data.error || ("HTTP " + res.status)); }
    return data;
  }
  function say(msg, bad) { const s = $("#status"); s.textContent = msg; s.style.color = bad ? "var(--bad)" : ""; }
  function fail(err) { if (!(err instanceof AuthError)) say(err.message, true); }
  function labelColor(label) {
    const labels = (state.info && state.info.labels) || [];
    let i = labels.indexOf(label); if (i < 0) i = labels.length + String(label).length;
    return COLORS[i % COLORS.length];
  }
  // Every element is built through the DOM API: text goes in as text nodes, attributes through
  // properties.  No HTML string is ever parsed, so nothing in a note, label, code or meta value
  // can become markup or a handler (see docs/review.md, "What is protected").
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.cls) node.className = p.cls;
    if (p.text !== undefined) node.textContent = String(p.text);
    if (p.title) node.title = String(p.title);
    if (p.type) node.type = p.type;
    if (p.testid) node.setAttribute("data-testid", String(p.testid));
    if (p.data) Object.entries(p.data).forEach(([k, v]) => { node.dataset[k] = String(v); });
    if (p.pressed !== undefined) node.setAttribute("aria-pressed", p.pressed ? "true" : "false");
    if (p.bg) node.style.background = p.bg;
    children.forEach((c) => { if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  const SAFE_CLASS = /^[a-z]+$/;  // decisions and statuses end up in class names: plain words only
  const flagsOf = (s) => ASSERTIONS.filter((f) => s[f]).map((f) => f.slice(0, 3));
  const spanLabel = (s) => String(s.label) + (flagsOf(s).length ? " " + flagsOf(s).join(",") : "");

  // ---- login -------------------------------------------------------------------------------
  function showLogin() {
    state.me = null; state.csrf = null;
    $("#login").hidden = false; $("#logout").hidden = true; $("#who").textContent = "";
    $("#token").value = ""; $("#token").focus();
  }
  $("#login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const token = $("#token").value.trim(); if (!token) return;
    $("#login-status").textContent = "";
    try {
      await api("POST", "/auth/login", { token });
      $("#token").value = "";
      await boot();
    } catch (err) { $("#login-status").textContent = err.message; }
  });
  $("#logout").addEventListener("click", async () => {
    try { await api("POST", "/auth/logout", {}); } catch (err) { /* logged out anyway */ }
    state.ex = null; showEmpty(""); showLogin();
  });

  // ---- boot --------------------------------------------------------------------------------
  async function boot() {
    let me;
    try { me = await api("GET", "/api/me"); } catch (err) { if (!(err instanceof AuthError)) say(err.message, true); return; }
    state.me = me; state.csrf = me.csrf;
    $("#login").hidden = true; $("#logout").hidden = false;
    $("#who").textContent = me.user + " (" + me.role + ")";
    if (!me.member) { showEmpty("You (" + me.user + ") are not assigned to dataset " + me.dataset + ". Ask an admin."); return; }
    state.info = await api("GET", "/api/info");
    $("#dataset").textContent = state.info.dataset;
    [$("#new-label"), $("#relabel")].forEach((sel) => {
      sel.replaceChildren(...state.info.labels.map((l) => { const o = el("option", { text: l }); o.value = l; return o; }));
    });
    $("#mode-switch").hidden = state.info.modes.length < 2;
    await setMode(state.info.mode);
  }
  async function setMode(mode) {
    state.mode = mode;
    $("#mode").textContent = mode + (state.info.sort !== "input" ? " · least certain first" : "");
    document.querySelectorAll("[data-mode]").forEach((b) => b.setAttribute("aria-pressed", b.dataset.mode === mode ? "true" : "false"));
    $("#undo").hidden = mode === "adjudicate"; $("[data-answer=ignore]").hidden = mode === "adjudicate";
    await loadNext();
  }
  document.querySelectorAll("[data-mode]").forEach((b) => b.addEventListener("click", () => setMode(b.dataset.mode).catch(fail)));

  // ---- loading -----------------------------------------------------------------------------
  const base = () => (state.mode === "adjudicate" ? "/api/adjudicate" : "/api");
  // a note request answered after a newer one was sent (a quick mode switch, a second click) is
  // stale: showing it would put the old mode's note (or "nothing left") over the current one
  let loadSeq = 0;
  async function loadLatest(path) {
    const mine = ++loadSeq;
    const data = await api("GET", path);
    if (mine === loadSeq) show(data);
  }
  async function loadNext(after) {
    await loadLatest(base() + "/next" + (after !== undefined ? "?after=" + after : ""));
  }
  async function loadExample(id) {
    await loadLatest(base() + "/example/" + id);
  }
  async function refreshCodes() {
    const data = await api("GET", "/api/example/" + state.ex.id + "/codes");
    state.ex.codes = data.codes; renderCodes(); renderNote();
  }
  async function refreshQueue() {
    if ($("#queue-pane").hidden) return;
    const data = await api("GET", base() + "/queue");
    state.queue = data.items; renderQueue();
  }
  function showEmpty(message) {
    state.ex = null;
    $("#note").replaceChildren(el("div", { cls: "done", text: message }));
    $("#codes").replaceChildren(); $("#note-meta").textContent = ""; $("#compare").hidden = true; $("#span-edit").hidden = true;
  }
  function show(data) {
    const p = data.progress || { done: 0, total: 0 };
    $("#progress-text").textContent = p.done + " / " + p.total;
    $("#progress-bar").style.width = (p.total ? (100 * p.done / p.total) : 0) + "%";
    state.ex = data.example; state.selected = -1; state.focus = 0;
    if (!state.ex) {
      showEmpty(state.mode === "adjudicate" ? "No open disagreements. Thank you!" : "Nothing left in your queue. Thank you!");
      refreshQueue().catch(fail); return;
    }
    const start = state.mode === "adjudicate" ? state.ex.proposal : (state.ex.current ? state.ex.current.spans : state.ex.spans);
    state.spans = (start || []).map((s) => Object.assign({}, s));
    const m = state.ex.meta || {};
    $("#note-meta").textContent = "note " + (state.ex.note_id || state.ex.id) +
      Object.keys(m).filter((k) => k !== "id" && typeof m[k] !== "object").map((k) => " · " + k + ": " + m[k]).join("") +
      (state.ex.current ? " · your answer: " + state.ex.current.answer : "") +
      (state.ex.decision ? " · decided: " + state.ex.decision.answer + " by " + state.ex.decision.decided_by : "") +
      " · uncertainty " + Number(state.ex.uncertainty || 0).toFixed(2);
    renderNote(); renderCodes(); renderCompare(); refreshQueue().catch(fail);
  }

  // ---- queue -------------------------------------------------------------------------------
  function renderQueue() {
    const ol = $("#queue");
    ol.replaceChildren(...state.queue.map((item) => {
      const status = SAFE_CLASS.test(String(item.status)) ? item.status : "unknown";
      const b = el("button", { type: "button", cls: "item" + (state.ex && state.ex.id === item.id ? " current" : ""),
                               testid: "queue-" + (item.note_id || item.id) },
        el("span", { text: "note " + (item.note_id || item.id) }), el("span", { cls: "status " + status, text: status }));
      b.addEventListener("click", () => loadExample(item.id).catch(fail));
      return el("li", {}, b);
    }));
  }
  function toggleQueue() { $("#queue-pane").hidden = !$("#queue-pane").hidden; refreshQueue().catch(fail); }
  $("#queue-toggle").addEventListener("click", toggleQueue);

  // ---- note and spans ----------------------------------------------------------------------
  function renderNote() {
    const ex = state.ex; if (!ex) return;
    const text = ex.text;
    const cuts = new Set([0, text.length]);
    state.spans.forEach((s) => { cuts.add(s.start); cuts.add(s.end); });
    const hot = (ex.codes || []).find((c) => c.id === state.hotCode);
    const evidence = [];
    (ex.codes || []).forEach((c) => (c.evidence || []).forEach((ev) => {
      if (typeof ev.start === "number") { evidence.push([ev.start, ev.end, c.id]); cuts.add(ev.start); cuts.add(ev.end); }
    }));
    const points = Array.from(cuts).filter((x) => x >= 0 && x <= text.length).sort((a, b) => a - b);
    const parts = [];
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k], b = points[k + 1];
      const si = state.spans.findIndex((s) => s.start <= a && b <= s.end);
      const evs = evidence.filter((e) => e[0] <= a && b <= e[1]);
      const cls = ["seg"];
      if (si >= 0) { cls.push("span"); if (si === state.selected) cls.push("selected"); }
      if (evs.length) cls.push("evidence");
      if (hot && evs.some((e) => e[2] === hot.id)) cls.push("hot");
      const data = { start: a, end: b };
      if (si >= 0) data.span = si;
      parts.push(el("span", { cls: cls.join(" "), data, text: text.slice(a, b),
                              bg: si >= 0 ? labelColor(state.spans[si].label) + "22" : "" }));
      if (si >= 0 && state.spans[si].end === b) {
        const s = state.spans[si];
        parts.push(el("span", { cls: "tag", bg: labelColor(s.label), text: spanLabel(s) }));
      }
    }
    $("#note").replaceChildren(...parts);
    const edit = $("#span-edit");
    if (state.selected >= 0) {
      const s = state.spans[state.selected];
      edit.hidden = false; $("#span-current").textContent = '"' + text.slice(s.start, s.end) + '"';
      $("#relabel").value = s.label;
      $("#assertions").replaceChildren(...ASSERTIONS.map((f, i) => {
        const b = el("button", { type: "button", cls: "flag", text: f, title: f + " on / off (" + (i + 1) + ")",
                                 pressed: !!s[f], testid: "flag-" + f, data: { flag: f } });
        b.addEventListener("click", () => toggleFlag(f));
        return b;
      }));
    } else { edit.hidden = true; }
  }
  $("#note").addEventListener("click", (e) => {
    const seg = e.target.closest(".seg"); if (!seg || window.getSelection().toString()) return;
    const si = seg.dataset.span === undefined ? -1 : parseInt(seg.dataset.span, 10);
    state.selected = si === state.selected ? -1 : si; renderNote();
  });
  function toggleFlag(f) {
    if (state.selected < 0) return;
    const s = state.spans[state.selected]; s[f] = !s[f]; renderNote();
  }
  function wordBounds(text) {
    const starts = [], ends = []; const re = /\w+|[^\w\s]/g; let m;
    while ((m = re.exec(text))) { starts.push(m.index); ends.push(m.index + m[0].length); }
    return { starts, ends };
  }
  function moveSpan(which, dir) {
    if (state.selected < 0) return;
    const s = state.spans[state.selected]; const wb = wordBounds(state.ex.text);
    const list = which === "start" ? wb.starts : wb.ends;
    let i = list.indexOf(s[which]);
    if (i < 0) i = list.findIndex((x) => x >= s[which]);
    const j = Math.max(0, Math.min(list.length - 1, i + dir)); const v = list[j];
    if (which === "start" && v >= s.end) return; if (which === "end" && v <= s.start) return;
    s[which] = v; s.text = state.ex.text.slice(s.start, s.end); renderNote();
  }
  document.querySelectorAll("[data-move]").forEach((b) => b.addEventListener("click", () => {
    const [w, d] = b.dataset.move.split(":"); moveSpan(w, parseInt(d, 10));
  }));
  $("#delete-span").addEventListener("click", deleteSpan);
  function deleteSpan() { if (state.selected < 0) return; state.spans.splice(state.selected, 1); state.selected = -1; renderNote(); }
  // Relabelling is its own control: the label chosen for new spans never touches the selected one.
  $("#relabel").addEventListener("change", () => {
    if (state.selected < 0) return;
    state.spans[state.selected].label = $("#relabel").value; renderNote();
  });
  function selectionOffsets() {
    const sel = window.getSelection(); if (!sel.rangeCount || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    const off = (node, o) => { const seg = (node.nodeType === 3 ? node.parentElement : node).closest(".seg");
                               return seg ? parseInt(seg.dataset.start, 10) + (node.nodeType === 3 ? o : 0) : null; };
    let a = off(r.startContainer, r.startOffset), b = off(r.endContainer, r.endOffset);
    if (a === null || b === null) return null; if (a > b) [a, b] = [b, a];
    const wb = wordBounds(state.ex.text); // snap to whole words
    const st = wb.starts.filter((x) => x <= a).pop(); const en = wb.ends.find((x) => x >= b);
    return [st === undefined ? a : st, en === undefined ? b : en];
  }
  function addSpan() {
    const off = selectionOffsets(); if (!off || off[0] >= off[1]) { say("select some text in the note first", true); return; }
    const label = $("#new-label").value;
    if (!label) { say("this dataset has no labels", true); return; }
    if (state.spans.some((s) => s.start === off[0] && s.end === off[1] && s.label === label)) { say("that span is already there", true); return; }
    const span = { start: off[0], end: off[1], label, text: state.ex.text.slice(off[0], off[1]) };
    ASSERTIONS.forEach((f) => { span[f] = false; });
    state.spans.push(span);
    state.spans.sort((x, y) => x.start - y.start || x.end - y.end); window.getSelection().removeAllRanges();
    state.selected = state.spans.indexOf(span); renderNote();
  }
  $("#add-span").addEventListener("click", addSpan);

  // ---- adjudication: the annotators side by side -------------------------------------------
  function renderCompare() {
    const box = $("#compare");
    if (state.mode !== "adjudicate" || !state.ex || !state.ex.versions) { box.hidden = true; return; }
    const names = Object.keys(state.ex.versions);
    box.hidden = false;
    const head = el("tr", {}, el("th", { text: "text" }),
      ...names.map((n) => el("th", { text: n + " · " + state.ex.versions[n].answer })));
    const rows = state.ex.rows.map((row, ri) => {
      const tr = el("tr", { cls: row.same ? "same" : "diff", testid: "row-" + ri });
      tr.appendChild(el("td", { cls: "range", text: state.ex.text.slice(row.start, row.end) + (row.same ? "" : " ≠") }));
      names.forEach((n) => {
        const spans = row.versions[n] || [];
        const take = el("button", { type: "button", text: spans.length ? "take" : "take none",
                                    testid: "take-" + ri + "-" + n, title: "use " + n + "'s version here" });
        take.addEventListener("click", () => takeVersion(row, spans));
        tr.appendChild(el("td", { cls: "version" }, el("span", { text: spans.map(spanLabel).join("; ") || "—" }), " ", take));
      });
      return tr;
    });
    const codes = el("tr", {}, el("td", { cls: "range", text: "accepted codes" }),
      ...names.map((n) => el("td", { text: state.ex.versions[n].codes.join(", ") || "none" })));
    box.replaceChildren(el("h3", { text: "Annotators (≠ marks a difference; take one version per row)" }),
                        el("table", { cls: "compare" }, el("thead", {}, head), el("tbody", {}, ...rows, codes)));
  }
  function takeVersion(row, spans) {
    state.spans = state.spans.filter((s) => s.end <= row.start || s.start >= row.end)
      .concat(spans.map((s) => Object.assign({}, s)));
    state.spans.sort((x, y) => x.start - y.start || x.end - y.end); state.selected = -1; renderNote();
  }

  // ---- codes -------------------------------------------------------------------------------
  function renderCodes() {
    const ul = $("#codes"); ul.replaceChildren();
    (state.ex.codes || []).forEach((c, i) => {
      const decision = SAFE_CLASS.test(String(c.decision)) ? c.decision : "unknown";
      const actions = el("span", { cls: "actions" },
        el("button", { type: "button", data: { act: "accepted" }, title: "accept (y)", text: "✓" }),
        el("button", { type: "button", data: { act: "rejected" }, title: "reject (n)", text: "✗" }),
        el("button", { type: "button", data: { act: "edit" }, title: "replace by another code", text: "✎" }));
      const meta = el("div", { cls: "meta" },
        el("span", { cls: "status " + decision, testid: "decision-" + c.code, text: c.decision }),
        c.status ? el("span", { cls: "clinical", title: "clinical status from the code suggester", text: c.status }) : null,
        c.score != null ? el("span", { text: "score " + Number(c.score).toFixed(2) }) : null,
        el("span", { text: String(c.system) + (c.origin === "added" ? " · added by " + (c.added_by || "") : "") }),
        actions);
      const li = el("li", { cls: "code" + (i === state.focus ? " focus" : ""), testid: "code-" + c.code,
                            data: { decision: c.decision } },
        el("span", { cls: "id", text: c.code }), el("span", { cls: "desc", text: c.description || "" }), meta);
      li.addEventListener("mouseenter", () => { state.hotCode = c.id; renderNote(); });
      li.addEventListener("mouseleave", () => { state.hotCode = null; renderNote(); });
      li.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => codeAction(c, b.dataset.act)));
      ul.appendChild(li);
    });
  }
  async function codeAction(c, act) {
    try {
      if (act === "edit") {
        const code = prompt("Replace " + c.code + " by which code?", c.code); if (!code || code === c.code) return;
        await api("POST", "/api/code/" + c.id + "/edit", { code });
        say(c.code + " replaced by " + code);
      } else {
        await api("POST", "/api/code/" + c.id, { decision: act });
        say(c.code + " " + act);
      }
      await refreshCodes();
    } catch (err) { fail(err); }
  }
  let searchTimer = null;
  $("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch().catch(fail), 150); });
  $("#search-form").addEventListener("submit", async (e) => {
    e.preventDefault(); await runSearch().catch(fail); if (state.results.length) addCode(state.results[0]);
  });
  async function runSearch() {
    const q = $("#search").value.trim(); const ul = $("#results");
    if (!q) { ul.replaceChildren(); state.results = []; return; }
    state.results = (await api("GET", "/api/search?limit=8&q=" + encodeURIComponent(q))).results;
    ul.replaceChildren();
    state.results.forEach((r) => {
      const b = el("button", { type: "button", text: "add" }); b.addEventListener("click", () => addCode(r));
      ul.appendChild(el("li", { testid: "result-" + r.code }, el("span", { cls: "id", text: r.code }),
                        el("span", { text: r.description }), b));
    });
  }
  async function addCode(r) {
    try {
      await api("POST", "/api/example/" + state.ex.id + "/code", { code: r.code, system: r.system || "ICD-10-CM" });
      say(r.code + " added"); $("#search").value = ""; $("#results").replaceChildren(); state.results = [];
      await refreshCodes();
    } catch (err) { fail(err); }
  }

  // ---- answers -----------------------------------------------------------------------------
  const payload = (s) => { const o = { start: s.start, end: s.end, label: s.label }; ASSERTIONS.forEach((f) => { o[f] = !!s[f]; }); return o; };
  async function answer(ans) {
    if (!state.ex) return;
    if (state.mode === "adjudicate" && ans === "ignore") return;
    try {
      const id = state.ex.id;
      await api("POST", base() + "/example/" + id + (state.mode === "adjudicate" ? "" : "/answer"),
                { answer: ans, spans: state.spans.map(payload) });
      say((state.mode === "adjudicate" ? "decided: " : "saved: ") + ans + " (note " + (state.ex.note_id || id) + ")");
      await loadNext(id);
    } catch (err) { fail(err); }
  }
  document.querySelectorAll("[data-answer]").forEach((b) => b.addEventListener("click", () => answer(b.dataset.answer)));
  async function undo() {
    if (state.mode === "adjudicate") return;
    try {
      const r = await api("POST", "/api/undo", {});
      if (r.example_id == null) { say("nothing to undo"); return; }
      say("undone"); await loadExample(r.example_id);
    } catch (err) { fail(err); }
  }
  $("#undo").addEventListener("click", undo);

  // ---- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (!$("#login").hidden || !state.me) return;
    if (e.ctrlKey || e.metaKey) return;
    if (e.key === "q") { toggleQueue(); return; }
    if (!state.ex) return;
    const codes = state.ex.codes || [];
    if (state.selected >= 0 && (e.key === "ArrowLeft" || e.key === "ArrowRight") && (e.altKey || e.shiftKey)) {
      e.preventDefault(); moveSpan(e.altKey ? "start" : "end", e.key === "ArrowLeft" ? -1 : 1); return;
    }
    if (state.selected >= 0 && /^[1-5]$/.test(e.key)) { toggleFlag(ASSERTIONS[parseInt(e.key, 10) - 1]); return; }
    switch (e.key) {
      case "a": answer("accept"); break;
      case "x": answer("reject"); break;
      case "i": answer("ignore"); break;
      case "u": undo(); break;
      case "s": addSpan(); break;
      case "/": e.preventDefault(); $("#search").focus(); break;
      case "j": state.focus = Math.min(codes.length - 1, state.focus + 1); renderCodes(); break;
      case "k": state.focus = Math.max(0, state.focus - 1); renderCodes(); break;
      case "y": if (codes[state.focus]) codeAction(codes[state.focus], "accepted"); break;
      case "n": if (codes[state.focus]) codeAction(codes[state.focus], "rejected"); break;
      case "Delete": case "Backspace": if (state.selected >= 0) { e.preventDefault(); deleteSpan(); } break;
      default: return;
    }
  });

  boot().catch(fail);
})();
