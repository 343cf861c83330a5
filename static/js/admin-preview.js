// Rows that the admin adds to an inline formset are new DOM: let htmx wire their previews.
document.addEventListener("formset:added", function (event) {
  if (window.htmx) { window.htmx.process(event.target); }
});
