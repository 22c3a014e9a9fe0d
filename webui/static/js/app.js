/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to an error summary so screen readers announce it and keyboard users start there.
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
    // Ask before irreversible actions (e.g. withdrawing a consent).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
