// clinlabel review page: plain JavaScript, no external files (works offline).
"use strict";
(function () {
  const $ = (sel) => document.querySelector(sel);
  const COLORS = ["#2f6fde", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e", "#a16207", "#be185d"];
  const state = { annotator: "", session: "", info: null, ex: null, spans: [], selected: -1, focus: 0,
                  hotCode: null, results: [] };

  async function api(method, path, body) {
    const opts = { method, headers: { "Content-Type": "application/json" } };
    if (body !== undefined) opts.body = JSON.stringify(body);
    const res = await fetch(path, opts);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) { throw new Error(data.error || ("HTTP " + res.status)); }
    return data;
  }
  const who = () => ({ annotator: state.annotator, session_id: state.session });
  function say(msg, bad) { const s = $("#status"); s.textContent = msg; s.style.color = bad ? "var(--bad)" : ""; }
  function labelColor(label) {
    const labels = (state.info && state.info.labels) || [];
    let i = labels.indexOf(label); if (i < 0) i = labels.length + label.length;
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
    if (p.bg) node.style.background = p.bg;
    children.forEach((c) => { if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  const SAFE_CLASS = /^[a-z]+$/;  // decisions and statuses end up in class names: plain words only

  // ---- login -------------------------------------------------------------------------------
  function login() {
    $("#login").hidden = false;
    $("#annotator").value = localStorage.getItem("clinlabel.annotator") || "";
    $("#annotator").focus();
  }
  $("#login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const name = $("#annotator").value.trim();
    if (!name) return;
    localStorage.setItem("clinlabel.annotator", name);
    start(name);
  });
  $("#switch-user").addEventListener("click", login);

  async function start(name) {
    state.annotator = name;
    state.session = (state.info ? state.info.dataset : "review") + "-" + name + "-" + new Date().toISOString().slice(0, 10);
    $("#login").hidden = true;
    $("#who").textContent = name;
    await loadNext();
  }

  // ---- loading -----------------------------------------------------------------------------
  async function loadNext(after) {
    const q = "/api/next?annotator=" + encodeURIComponent(state.annotator) + (after !== undefined ? "&after=" + after : "");
    show(await api("GET", q));
  }
  async function loadExample(id) {
    show(await api("GET", "/api/example/" + id + "?annotator=" + encodeURIComponent(state.annotator)));
  }
  async function refreshCodes() {
    const data = await api("GET", "/api/example/" + state.ex.id + "/codes?annotator=" + encodeURIComponent(state.annotator));
    state.ex.codes = data.codes; renderCodes(); renderNote();
  }
  function show(data) {
    const p = data.progress || { done: 0, total: 0 };
    $("#progress-text").textContent = p.done + " / " + p.total;
    $("#progress-bar").style.width = (p.total ? (100 * p.done / p.total) : 0) + "%";
    state.ex = data.example; state.selected = -1; state.focus = 0;
    if (!state.ex) {
      $("#note").replaceChildren(el("div", { cls: "done", text: "Nothing left to review in this dataset. Thank you!" }));
      $("#codes").replaceChildren(); $("#note-meta").textContent = ""; $("#others").hidden = true;
      return;
    }
    const base = state.ex.current ? state.ex.current.spans : state.ex.spans;
    state.spans = base.map((s) => Object.assign({}, s));
    const m = state.ex.meta || {};
    $("#note-meta").textContent = "note " + (state.ex.note_id || state.ex.id) +
      Object.keys(m).filter((k) => k !== "id" && typeof m[k] !== "object").map((k) => " · " + k + ": " + m[k]).join("") +
      (state.ex.current ? " · your answer: " + state.ex.current.answer : "") +
      " · uncertainty " + (state.ex.uncertainty || 0).toFixed(2);
    renderNote(); renderCodes(); renderOthers();
  }

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
        const flags = ["negated", "historical", "family", "hypothetical", "uncertain"].filter((f) => s[f]).map((f) => f.slice(0, 3));
        parts.push(el("span", { cls: "tag", bg: labelColor(s.label),
                                text: String(s.label) + (flags.length ? " " + flags.join(",") : "") }));
      }
    }
    $("#note").replaceChildren(...parts);
    const edit = $("#span-edit");
    if (state.selected >= 0) {
      const s = state.spans[state.selected];
      edit.hidden = false; $("#span-current").textContent = '"' + text.slice(s.start, s.end) + '"';
      $("#label-select").value = s.label;
    } else { edit.hidden = true; }
  }
  $("#note").addEventListener("click", (e) => {
    const seg = e.target.closest(".seg"); if (!seg || window.getSelection().toString()) return;
    const si = seg.dataset.span === undefined ? -1 : parseInt(seg.dataset.span, 10);
    state.selected = si === state.selected ? -1 : si; renderNote();
  });
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
    s[which] = v; s.text = state.ex.text.slice(s.start, s.end); delete s.token_start; delete s.token_end;
    s.edited = true; renderNote();
  }
  document.querySelectorAll("[data-move]").forEach((b) => b.addEventListener("click", () => {
    const [w, d] = b.dataset.move.split(":"); moveSpan(w, parseInt(d, 10));
  }));
  $("#delete-span").addEventListener("click", deleteSpan);
  function deleteSpan() { if (state.selected < 0) return; state.spans.splice(state.selected, 1); state.selected = -1; renderNote(); }
  $("#label-select").addEventListener("change", () => {
    if (state.selected < 0) return;
    state.spans[state.selected].label = $("#label-select").value; state.spans[state.selected].edited = true; renderNote();
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
    const label = $("#label-select").value;
    state.spans.push({ start: off[0], end: off[1], label, text: state.ex.text.slice(off[0], off[1]), source: "annotator" });
    state.spans.sort((x, y) => x.start - y.start); window.getSelection().removeAllRanges();
    state.selected = state.spans.findIndex((s) => s.start === off[0] && s.end === off[1]); renderNote();
  }
  $("#add-span").addEventListener("click", addSpan);

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
        const hits = (await api("GET", "/api/search?limit=1&q=" + encodeURIComponent(code))).results;
        const desc = hits.length && hits[0].code === code ? hits[0].description : "";
        await api("POST", "/api/code/" + c.id + "/edit", Object.assign(who(), { code, description: desc }));
        say(c.code + " replaced by " + code);
      } else {
        await api("POST", "/api/code/" + c.id, Object.assign(who(), { decision: act }));
        say(c.code + " " + act);
      }
      await refreshCodes();
    } catch (err) { say(err.message, true); }
  }
  let searchTimer = null;
  $("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 150); });
  $("#search-form").addEventListener("submit", async (e) => {
    e.preventDefault(); await runSearch(); if (state.results.length) addCode(state.results[0]);
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
      await api("POST", "/api/example/" + state.ex.id + "/code",
                Object.assign(who(), { code: r.code, system: r.system || "ICD-10-CM", description: r.description || "" }));
      say(r.code + " added"); $("#search").value = ""; $("#results").replaceChildren(); state.results = [];
      await refreshCodes();
    } catch (err) { say(err.message, true); }
  }

  // ---- answers -----------------------------------------------------------------------------
  async function answer(ans) {
    if (!state.ex) return;
    try {
      const id = state.ex.id;
      await api("POST", "/api/example/" + id + "/answer", Object.assign(who(), { answer: ans, spans: state.spans }));
      say("saved: " + ans + " (note " + (state.ex.note_id || id) + ")");
      await loadNext(state.info.mode === "adjudicate" ? undefined : id);
    } catch (err) { say(err.message, true); }
  }
  document.querySelectorAll("[data-answer]").forEach((b) => b.addEventListener("click", () => answer(b.dataset.answer)));
  async function undo() {
    try {
      const r = await api("POST", "/api/undo", who());
      if (r.example_id == null) { say("nothing to undo"); return; }
      say("undone"); await loadExample(r.example_id);
    } catch (err) { say(err.message, true); }
  }
  $("#undo").addEventListener("click", undo);

  function renderOthers() {
    const box = $("#others");
    if (!state.ex.others) { box.hidden = true; return; }
    box.hidden = false; box.replaceChildren(el("h3", { text: "Annotators" }));
    Object.entries(state.ex.others).forEach(([name, o]) => {
      const spans = o.spans.map((s) => (s.text || state.ex.text.slice(s.start, s.end)) + " [" + s.label + "]").join(", ") || "no spans";
      const codes = o.codes.filter((c) => c.decision === "accepted").map((c) => c.code).join(", ") || "none";
      const d = el("div", { cls: "other" }, el("b", { text: name }), " " + o.answer + ": " + spans + " · codes: " + codes);
      const b = document.createElement("button"); b.type = "button"; b.textContent = "use these spans";
      b.addEventListener("click", () => { state.spans = o.spans.map((s) => Object.assign({}, s)); state.selected = -1; renderNote(); });
      d.appendChild(b); box.appendChild(d);
    });
  }

  // ---- keyboard ----------------------------------------------------------------------------
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (!$("#login").hidden || !state.ex) return;
    const codes = state.ex.codes || [];
    if (state.selected >= 0 && (e.key === "ArrowLeft" || e.key === "ArrowRight") && (e.altKey || e.shiftKey)) {
      e.preventDefault(); moveSpan(e.altKey ? "start" : "end", e.key === "ArrowLeft" ? -1 : 1); return;
    }
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

  // ---- boot --------------------------------------------------------------------------------
  (async function boot() {
    state.info = await api("GET", "/api/info");
    $("#dataset").textContent = state.info.dataset;
    $("#mode").textContent = state.info.mode + (state.info.sort !== "input" ? " · most " + state.info.sort + " first" : "");
    const sel = $("#label-select");
    state.info.labels.forEach((l) => { const o = document.createElement("option"); o.value = o.textContent = l; sel.appendChild(o); });
    const saved = localStorage.getItem("clinlabel.annotator");
    if (saved) { start(saved); } else { login(); }
  })().catch((err) => say(err.message, true));
})();
