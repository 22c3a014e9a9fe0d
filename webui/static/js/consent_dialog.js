/* A sharing task's missing consent, registered without leaving the task: a modal <dialog> (focus
   moves in and back, Escape closes it) posts the consent to data-url, then the task form's consent
   choices are replaced in place and the new consent chosen, so nothing typed is lost. The draft is
   saved first (js/drafts.js), in case the session has ended meanwhile. */
(function () {
  "use strict";
  var CONSENT_FIELD = "disclosure_consent_id";

  function token(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function flushDraft() {
    return window.casepathDrafts ? window.casepathDrafts.flush() : Promise.resolve();
  }

  function announce(text) {
    var line = document.querySelector("#draft-status [data-draft-saved]");
    if (line) { line.textContent = text; }
  }

  function setChoices(select, choices, chosen) {
    var placeholder = select.querySelector("option[value='']");
    select.textContent = "";
    if (placeholder) { select.appendChild(placeholder); }
    choices.forEach(function (choice) {
      var option = document.createElement("option");
      option.value = choice.value;
      option.textContent = choice.label;
      select.appendChild(option);
    });
    select.value = chosen;
    select.dispatchEvent(new Event("change", { bubbles: true }));  // the draft keeps the choice
  }

  function labelOf(dialog, input) {
    // A choice group is named by its legend, a single field by its label; "(skal udfyldes)" left out.
    if (!input) { return ""; }
    var group = input.closest("fieldset");
    var label = group ? group.querySelector("legend") : dialog.querySelector("label[for='" + input.id + "']");
    if (!label) { return ""; }
    var copy = label.cloneNode(true);
    copy.querySelectorAll(".required").forEach(function (e) { e.remove(); });
    return copy.textContent.trim();
  }

  function showErrors(dialog, details, fallback) {
    var summary = dialog.querySelector("[data-consent-errors]");
    var list = summary.querySelector("ul");
    list.textContent = "";
    dialog.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    (details.length ? details : [{ message: fallback }]).forEach(function (detail) {
      var item = document.createElement("li");
      var input = detail.field ? dialog.querySelector("[name='" + detail.field + "']") : null;
      if (input) { input.setAttribute("aria-invalid", "true"); }
      var name = labelOf(dialog, input);
      item.textContent = (name ? name + " – " : "") + detail.message;
      list.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
  }

  function post(dialog, form) {
    var fallback = dialog.getAttribute("data-failed");
    return flushDraft().then(function () {
      return fetch(dialog.getAttribute("data-url"), {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: { "Accept": "application/json", "X-CSRFToken": token(form) }
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok) {
          setChoices(document.getElementById("f-" + CONSENT_FIELD), json.choices, json.consent);
          form.reset();
          dialog.querySelector("[data-consent-errors]").hidden = true;
          dialog.close();
          announce(dialog.getAttribute("data-done"));
          return;
        }
        var signedOut = response.status === 401 || response.status === 400;
        var error = json.error || {};
        showErrors(dialog, signedOut ? [] : error.details || [], signedOut ? dialog.getAttribute("data-signed-out") : fallback);
      });
    }).catch(function () { showErrors(dialog, [], fallback); });
  }

  function place(opener) {
    // Beside the form's consent field, where the caseworker finds it missing.
    var field = document.getElementById("f-" + CONSENT_FIELD);
    var container = field ? field.closest(".field") : null;
    if (container) { container.appendChild(opener); }
    opener.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("consent-dialog");
    var opener = document.getElementById("consent-opener");
    if (!dialog || !opener || typeof dialog.showModal !== "function") { return; }
    var button = opener.querySelector("[data-consent-open]");
    place(opener);
    button.addEventListener("click", function () {
      dialog.showModal();
      var first = dialog.querySelector("input:not([type=hidden]), select, textarea, button");
      if (first) { first.focus(); }
    });
    dialog.addEventListener("close", function () { button.focus(); });  // focus goes back where it was
    dialog.querySelectorAll("[data-consent-close]").forEach(function (close) {
      close.addEventListener("click", function () { dialog.close(); });
    });
    var form = dialog.querySelector("[data-consent-form]");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        post(dialog, form);
      });
    }
    var claim = dialog.querySelector("[data-consent-claim]");
    if (claim) {
      claim.addEventListener("submit", function (event) {
        event.preventDefault();  // the draft first: the page reloads with it once the task is taken
        flushDraft().then(function () { claim.submit(); }, function () { claim.submit(); });
      });
    }
  });
})();
