// The practice page: checks each answer by the one grading rule (QuizgenGrade, grade.js), names a
// misconception in the drill's words, and opens a part's worked steps when it is answered right or given
// up.  Answers live only as salted hashes and sealed values (quizgen/render/practice.py says how); this
// script finds what an answer's lookup keys open, then judges with the value in hand.  Progress is kept
// in localStorage under the sheet's code.
(() => {
  "use strict";
  const G = QuizgenGrade;
  const root = document.getElementById("practice");
  const data = JSON.parse(document.getElementById("practice-data").textContent);
  const T = data.text;
  const STORE = "quizgen-practice:" + data.code;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const subtle = window.crypto && window.crypto.subtle;
  const parts = new Map(data.parts.map((p) => [p.id, p]));
  const $ = (attr, id) => root.querySelector(`[${attr}="${id}"]`);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // A sentence as HTML: the translated text escaped, each {name} filled with HTML (escape plain values).
  const fill = (s, o) => esc(s).replace(/\{(\w+)\}/g, (m, k) => (k in o ? String(o[k]) : m));

  // --- bytes, hashes and seals (the same derivations as quizgen.render.practice.Sealer) -------------
  const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const toB64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const salt = fromB64(data.salt);
  const secret = fromB64(data.secret);

  function concat(...chunks) {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  const sha256 = async (bytes) => new Uint8Array(await subtle.digest("SHA-256", bytes));
  const hash = (label, text) => sha256(concat(salt, encoder.encode(label + "\0" + text)));
  async function unseal(keyBytes, sealed) {
    const raw = fromB64(sealed);
    const key = await subtle.importKey("raw", keyBytes, "AES-GCM", false, ["decrypt"]);
    return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: raw.slice(0, 12) }, key, raw.slice(12)));
  }
  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return decoder.decode(await new Response(stream).arrayBuffer());
  }

  // What an answer's lookup keys open: the right value, a coarse rounding of it, known wrong values.
  async function lookup(id, value) {
    const found = { right: null, coarse: false, cut: null, wrongs: [] };
    for (const key of G.answerKeys(value)) {
      const full = id + "|" + key;
      const filed = data.lookup[toB64((await hash("id", full)).slice(0, 12))];
      if (!filed) continue;
      const keyBytes = await hash("key", full);
      for (const sealed of filed) {
        const payload = JSON.parse(decoder.decode(await unseal(keyBytes, sealed)));
        if (payload.r) found.right = payload;
        else if (payload.t) found.cut = payload.x;
        else if (payload.c) found.coarse = true;
        else found.wrongs.push(payload);
      }
    }
    return found;
  }

  // --- saved progress ----------------------------------------------------------------------------
  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE) || "null");
      if (saved && saved.v === 1 && saved.parts) return saved;
    } catch (e) {
      /* unreadable: start afresh */
    }
    return { v: 1, parts: {} };
  }
  const state = load();
  const save = () => {
    try {
      localStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) {
      /* storage off or full: the page still works, without memory */
    }
  };
  const partState = (id) => (state.parts[id] = state.parts[id] || { st: "open", tries: 0, lines: [] });

  // --- what the student sees ----------------------------------------------------------------------
  // Feedback lines are [class, HTML]: sentences made by fill(), hints and reasons as the sheets render them.
  function show(id, lines) {
    $("data-feedback", id).innerHTML = lines.map(([cls, html]) => `<p class="${cls}">${html}</p>`).join("");
  }

  function settle(id) {
    const ps = partState(id);
    const closed = ps.st !== "open";
    const input = $("data-part", id);
    input.disabled = closed;
    $("data-check", id).disabled = closed;
    const giveUp = $("data-give-up", id);
    giveUp.hidden = ps.st === "right" || ps.st === "gave" || ps.opened;
    if (ps.st === "missed") {
      giveUp.textContent = T.show_steps;
      giveUp.classList.add("offered");
    }
    if (ps.answer !== undefined) input.value = ps.answer;
    for (const button of root.querySelectorAll(`[data-choice="${id}"]`)) {
      button.disabled = closed;
      button.classList.toggle("picked", (ps.answer || "").toUpperCase() === button.dataset.letter);
    }
    $("data-qpart", id).className = "qpart" + (closed ? " " + ps.st : "");
    show(id, ps.lines);
  }

  const fmtMarks = (m) => String(Math.round(m * 100) / 100);
  function score() {
    let got = 0;
    let total = 0;
    let done = 0;
    for (const p of data.parts) {
      const ps = partState(p.id);
      total += p.marks;
      if (ps.st === "right") got += p.marks;
      if (ps.st !== "open") done += 1;
    }
    root.querySelector("[data-score]").innerHTML = fill(T.score, { got: fmtMarks(got), total: fmtMarks(total) });
    root.querySelector("[data-done]").innerHTML = fill(T.done, { done, parts: data.parts.length });
  }

  // An answer or a give-up is kept, shown on its part, and counted in the score.
  function record(id) {
    save();
    settle(id);
    score();
  }

  async function openSolution(id, keyBytes) {
    const box = $("data-solution", id);
    box.innerHTML = await inflate(await unseal(keyBytes, parts.get(id).blob));
    box.hidden = false;
  }

  // --- checking an answer (the drill's ask_part, one answer at a time) ------------------------------
  function choiceValue(text) {
    return text.includes(",") ? G.parseExact(text) : G.readNumber(text);
  }

  async function check(id) {
    const p = parts.get(id);
    const ps = partState(id);
    if (ps.st !== "open") return;
    if (!subtle || typeof DecompressionStream === "undefined") {
      show(id, [["bad", esc(T.no_crypto)]]);
      return;
    }
    const text = G.strip($("data-part", id).value); // as the drill strips a line (Python's str.strip)
    let value;
    if (p.choices && text.length === 1 && "ABCD".includes(text.toUpperCase())) {
      const chosen = p.choices[text.toUpperCase()];
      value = chosen === undefined ? null : choiceValue(chosen);
    } else {
      value = G.readAnswer(text, p.rank);
    }
    // An answer the rule cannot judge costs nothing: say why, above what was said before.
    const aside = (line) => show(id, [["bad", line], ...ps.lines]);
    if (value === null) {
      const letters = p.choices ? Object.keys(p.choices) : [];
      const range = letters.length ? fill(T.letters, { first: letters[0], last: letters[letters.length - 1] }) : "";
      aside(fill(p.rank > 1 ? T.unreadable_shape : T.unreadable_number, { letters: range }));
      return;
    }
    const pre = G.precheck(value, p.rank, Boolean(p.choices));
    if (pre === "whole-shape") {
      aside(fill(T.whole_shape, { example: data.shapes[p.rank] }));
      return;
    }
    if (pre === "one-number") {
      aside(esc(T.one_number));
      return;
    }
    const found = await lookup(id, value);
    const x = found.right ? G.parseExact(found.right.x) : null;
    const verdict = x === null ? "wrong" : G.judgeValue(value, x);
    ps.answer = text;
    if (verdict !== "wrong") {
      const line =
        verdict === "rounded"
          ? fill(T.right_rounded, {
              rounded: fill(G.figures(value) === 1 ? T.figures_1 : T.figures_n, { n: G.figures(value) }),
              v: esc(G.fmtValue(x)),
            })
          : fill(T.right, { v: esc(G.fmtValue(x)) });
      Object.assign(ps, { st: "right", lines: [["good", "✓ " + line]] });
      const keyBytes = await hash("part", id + "\0" + found.right.x);
      ps.key = toB64(keyBytes);
      record(id);
      await openSolution(id, keyBytes);
      return;
    }
    // the right value cut off instead of rounded is said before any misconception (drill: truncated)
    const whole = x !== null ? x : found.cut !== null ? G.parseExact(found.cut) : null;
    const cut = whole !== null && G.truncated(value, whole);
    const named = cut
      ? undefined
      : found.wrongs
          .filter((w) => G.judgeValue(value, G.parseExact(w.x)) !== "wrong")
          .sort((a, b) => a.o[0] - b.o[0] || a.o[1] - b.o[1] || a.o[2] - b.o[2])[0];
    const why = named ? named.w : "";
    const spelling = !why && !cut && x !== null ? G.roundedInFull(value, x) : null;
    let message;
    if (cut) message = fill(T.truncated, { v: esc(text) });
    else if (!why && found.coarse) message = fill(T.coarse, { v: esc(text) });
    else if (spelling) message = fill(T.in_full, { v: esc(text), r: esc(spelling) });
    else if (why) message = fill(T.why, { shown: esc(G.show(value, text)), why }); // why: HTML, as sealed
    else if (!Array.isArray(value) && value.unit !== null && value.value.n === 0n) message = fill(T.zero, { v: esc(text) });
    else message = fill(T.not_right, { v: esc(G.show(value, text)) });
    ps.tries += 1;
    const lines = [["bad", "✗ " + message]];
    if (ps.tries === 1) {
      // the hint is about the working: not for a right value written too coarsely or out in full
      const notation = cut || (!why && (found.coarse || spelling));
      if (p.hint && !notation) lines.push(["hint", esc(T.hint) + p.hint]); // the hint: HTML, as the page holds it
      lines.push(["", esc(T.one_more)]);
    } else {
      lines.push(["", esc(T.twice)]);
      ps.st = "missed";
    }
    ps.lines = lines;
    record(id);
    if (ps.st === "open") $("data-part", id).select();
  }

  // "Show solution": the part's key, unsealed from the page secret; only this part's.
  async function giveUp(id) {
    const ps = partState(id);
    if (!subtle || typeof DecompressionStream === "undefined") {
      show(id, [["bad", esc(T.no_crypto)]]);
      return;
    }
    const keyBytes = await unseal(await sha256(concat(secret, encoder.encode("give up\0" + id))), parts.get(id).lock);
    if (ps.st === "open") {
      ps.st = "gave";
      ps.lines = [["bad", esc(T.given_up)]];
    } else {
      ps.lines = ps.lines.filter(([, html]) => html !== esc(T.twice)); // the steps it offered are open
    }
    ps.opened = true;
    ps.key = toB64(keyBytes);
    record(id);
    await openSolution(id, keyBytes);
  }

  // --- wiring ---------------------------------------------------------------------------------------
  let busy = Promise.resolve();
  const queue = (job) => (busy = busy.then(job, job)); // one check at a time, in order
  for (const p of data.parts) {
    const input = $("data-part", p.id);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        queue(() => check(p.id));
      }
    });
    $("data-check", p.id).addEventListener("click", () => queue(() => check(p.id)));
    $("data-give-up", p.id).addEventListener("click", () => queue(() => giveUp(p.id)));
    for (const button of root.querySelectorAll(`[data-choice="${p.id}"]`)) {
      button.addEventListener("click", () => {
        if (input.disabled) return;
        input.value = button.dataset.letter;
        queue(() => check(p.id));
      });
    }
    settle(p.id);
  }
  root.querySelector("[data-restart]").addEventListener("click", () => {
    if (!window.confirm(T.confirm_restart)) return;
    try {
      localStorage.removeItem(STORE);
    } catch (e) {
      /* nothing saved */
    }
    location.reload();
  });
  score();
  root.dataset.ready = "1";
  if (window.performance && performance.mark) performance.mark("quizgen-ready");
  // The question side's figures, inflated once the page is ready to use.
  if (typeof DecompressionStream !== "undefined") {
    for (const [n, packed] of Object.entries(data.figures)) {
      const box = root.querySelector(`[data-figure="${n}"]`);
      if (box) inflate(fromB64(packed)).then((svg) => (box.innerHTML = svg));
    }
  }
  // Reopen what was opened before a reload, after the page is ready to use.
  for (const p of data.parts) {
    const ps = partState(p.id);
    if (ps.key && (ps.st === "right" || ps.opened)) queue(() => openSolution(p.id, fromB64(ps.key)));
  }
})();
