// Mock exam screen: a countdown from the server's deadline, autosave status and retries
// (choose-N: choose.js). The server enforces all of it.
(function () {
  "use strict";
  var offsetMs = 0; // server clock minus this browser's clock
  var warned = {};

  function key(box, mark) { return "timer:" + box.dataset.resumeUrl + ":" + mark; }
  function announced(box, mark) {
    if (warned[mark]) { return true; }
    try { return window.sessionStorage.getItem(key(box, mark)) === "1"; } catch (e) { return false; }
  }
  function remember(box, mark) {
    warned[mark] = true;
    try { window.sessionStorage.setItem(key(box, mark), "1"); } catch (e) { /* private mode */ }
  }

  function timer() { return document.getElementById("exam-timer"); }

  function sync() {
    var box = timer();
    if (!box) { return; }
    var serverNow = Date.parse(box.dataset.serverNow);
    if (!isNaN(serverNow)) { offsetMs = serverNow - Date.now(); }
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  // Computed from the deadline on every tick, so a throttled background tab stays right.
  function tick() {
    var box = timer();
    if (!box) { return; }
    var deadline = Date.parse(box.dataset.deadline);
    var left = Math.max(0, Math.round((deadline - (Date.now() + offsetMs)) / 1000));
    var value = box.querySelector(".timer-value");
    if (value) { value.textContent = format(left); }
    box.classList.toggle("timer-low", left <= Number(box.dataset.lowSeconds || 300));
    // Spoken once per attempt each, from a live region outside the box (the box is replaced
    // on autosave); remembered across the attempt's pages, so moving to another question
    // does not repeat it. When several marks passed unheard, only the latest is said.
    var spoken = document.getElementById("timer-announcement");
    [[60, "1 minute left."], [300, "5 minutes left."], [600, "10 minutes left."]].some(function (pair) {
      if (left > pair[0] || left === 0) { return false; }
      if (!announced(box, pair[0])) {
        [600, 300, 60].forEach(function (mark) { if (mark >= pair[0]) { remember(box, mark); } });
        if (spoken) { spoken.textContent = pair[1]; }
      }
      return true;
    });
    if (left === 0 && !warned.end) {
      warned.end = true;
      if (spoken) { spoken.textContent = "Time is up. Your saved answers are being scored."; }
      window.setTimeout(function () { window.location.assign(box.dataset.resumeUrl); }, 1500);
    }
  }

  function form() { return document.getElementById("exam-form"); }

  function status(text, state) {
    var box = document.getElementById("save-status");
    if (box) { box.textContent = text; box.dataset.state = state; }
  }

  var retries = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target === form()) { status("Saving…", "saving"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target === form() && event.detail.successful) { retries = 0; }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.target !== form()) { return; }
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500) {
      status("Not saved: " + (xhr.responseText || "the server refused this answer."), "error");
    } else { retry(); }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (event.target === form()) { retry(); }
  });
  function retry() {
    retries += 1;
    var wait = Math.min(30, Math.pow(2, retries));
    status("Not saved: no connection. Retrying in " + wait + " s…", "error");
    window.setTimeout(function () { if (window.htmx && form()) { window.htmx.trigger(form(), "change"); } }, wait * 1000);
  }

  document.addEventListener("htmx:afterSettle", sync);
  document.addEventListener("htmx:oobAfterSwap", sync);
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    tick();
    window.setInterval(tick, 1000);
  });
})();
