// Practice screen behaviour: keyboard shortcuts and focus after swaps (choose-N: choose.js).
// Everything here is an enhancement: the page works with plain form posts without it.
(function () {
  "use strict";

  function answerForm() { return document.getElementById("answer-form"); }

  function isTyping(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable) ||
      (tag === "INPUT" && !/^(radio|checkbox|submit|button)$/.test(target.type));
  }

  function toggleChoice(selector) {
    var form = answerForm();
    var input = form && form.querySelector("input[name=choice]" + selector);
    if (!input || input.disabled) { return false; }
    if (input.type === "radio") { input.checked = true; } else { input.checked = !input.checked; }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
    return true;
  }

  function clickFirst(selector) {
    var element = document.querySelector(selector);
    if (element && !element.disabled) { element.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) { return; }
    if (!document.getElementById("practice")) { return; }
    var key = event.key;
    var handled = false;
    if (/^[1-9]$/.test(key)) {
      handled = toggleChoice("[data-key='" + key + "']");
    } else if (/^[a-eA-E]$/.test(key)) {
      handled = toggleChoice("[data-letter='" + key.toUpperCase() + "']");
    } else if (key === "Enter") {
      var form = answerForm();
      var submit = form && form.querySelector(".submit-answer");
      var onControl = event.target.closest && event.target.closest("a, button");
      if (submit && !submit.disabled && !onControl) { form.requestSubmit(submit); handled = true; }
    } else if (key === "n" || key === "N" || key === "ArrowRight") {
      handled = clickFirst(".next-question");
    } else if (key === "f" || key === "F") {
      handled = clickFirst(".flag-button");
    }
    if (handled) { event.preventDefault(); }
  });

  // After htmx swaps a new question or the feedback in, move focus where a reader expects it.
  function settle() {
    var target = document.querySelector("#practice [data-focus]") || document.getElementById("practice-title");
    if (target) { target.focus({ preventScroll: false }); }
    var title = document.getElementById("practice-title");
    if (title) { document.title = title.textContent.trim() + " · Exam Prep"; }
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && (event.target.id === "practice" || event.target.closest("#practice"))) { settle(); }
  });
  // An answer that went by a plain post (a key pressed before htmx took over the new form)
  // comes back as a page at #feedback: the verdict gets the focus there too.
  // (After the load: the browser's own move to the fragment would otherwise undo it.)
  window.addEventListener("load", function () {
    if (window.location.hash === "#feedback") { window.setTimeout(settle, 0); }
  });
})();
