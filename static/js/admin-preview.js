// Rows that the admin adds to an inline formset are new DOM: let htmx wire their previews.
document.addEventListener("formset:added", function (event) {
  if (window.htmx) { window.htmx.process(event.target); }
  window.setTimeout(nameAutocompletes, 0); // after Django's own handler makes the select2
});

// Django's autocomplete boxes (select2) name themselves after the selected option, so an
// empty one has no accessible name: give each the label of the <select> it stands for.
function nameAutocompletes() {
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    var box = select.nextElementSibling;
    if (!box || !box.classList.contains("select2")) { return; }
    var label = select.getAttribute("aria-label");
    if (!label && select.id) {
      var tag = document.querySelector("label[for='" + select.id + "']");
      label = tag ? tag.textContent.replace(/:\s*$/, "").trim() : "";
    }
    if (!label) { return; }
    box.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (el) {
      el.setAttribute("aria-label", label);
    });
  });
}
window.addEventListener("load", nameAutocompletes); // after jQuery's ready handlers

// After a refused save the errors sit next to their fields, some far down the page: bring
// the first into view and put the cursor in its field.
document.addEventListener("DOMContentLoaded", function () {
  var note = document.querySelector("#content-main .errornote");
  if (!note) { return; }
  var first = document.querySelector(
    "#content-main .errors, #content-main .errorlist:not(.nonfield)"
  );
  if (!first) { return; }
  first.scrollIntoView({ block: "center" });
  var field = first.querySelector("input:not([type=hidden]), textarea, select") ||
    (first.closest(".form-row, tr") || first).querySelector("input:not([type=hidden]), textarea, select");
  if (field) { field.focus({ preventScroll: true }); }
});
