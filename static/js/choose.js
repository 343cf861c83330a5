// "Choose N" questions, the same on every screen (practice, review, mock exams): never more
// than N ticks, and a visible message, announced to screen readers, when the count is wrong.
// The server enforces the count; this only tells the learner sooner. Forms opt in with
// data-choose="N"; data-choose-mode="submit" also stops a submit with the wrong count
// (practice and review), while an exam saves a partial choice as it is made.
(function () {
  "use strict";

  function chooseOf(form) { return parseInt(form.dataset.choose || "1", 10); }

  function ticked(form) {
    var boxes = form.querySelectorAll("input[type=checkbox][name=choice]");
    return Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
  }

  function say(form, text, isError) {
    var box = form.querySelector(".choose-message");
    if (!box) { return; }
    box.textContent = text;
    box.classList.toggle("form-error", Boolean(isError));
  }

  // Capture phase: runs before htmx's own listeners, so a refused tick is never autosaved
  // and a refused submit is never sent.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input && input.form;
    if (!form || input.type !== "checkbox" || !form.dataset.choose) { return; }
    var choose = chooseOf(form);
    var count = ticked(form);
    if (count > choose) {
      input.checked = false;
      event.stopImmediatePropagation();
      say(form, "You can choose only " + choose + " answers. Untick one to change your choice.", true);
      return;
    }
    say(form, count === choose ? "" : count + " of " + choose + " chosen.", false);
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || form.dataset.chooseMode !== "submit") { return; }
    // Only the button that submits the answer is held to the count (moving on is not).
    var submitter = event.submitter;
    if (submitter && submitter.name === "go" && submitter.value !== "check") { return; }
    var choose = chooseOf(form);
    if (choose < 2) { return; }
    var count = ticked(form);
    if (count !== choose) {
      event.preventDefault();
      event.stopImmediatePropagation();
      say(form, "Choose " + choose + " answers; you chose " + count + ".", true);
      var first = form.querySelector("input[name=choice]");
      if (first) { first.focus(); }
    }
  }, true);
})();
