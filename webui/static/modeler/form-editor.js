/* The form editor page: @bpmn-io/form-js editor (with its properties panel) and a preview with the
   form-js viewer. Saving puts the form into the process's draft; the server answers with the
   problems deploying would report. */
(function () {
  "use strict";
  var C = window.Casepath;

  function byId(id) { return document.getElementById(id); }

  function showProblems(problems) {
    var list = byId("form-problems");
    list.textContent = "";
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    byId("form-problems-section").hidden = problems.length === 0;
  }

  function start(root) {
    var m = JSON.parse(root.getAttribute("data-messages") || "{}"), status = byId("form-status");
    if (window.CasepathFormDanish) { window.CasepathFormDanish.install(root, root.getAttribute("data-locale")); }
    var editor = new window.FormEditor.FormEditor({
      container: byId("form-canvas"),
      propertiesPanel: { parent: byId("form-properties") }
    });
    window.casepathFormEditor = editor;  // for the browser tests and the console
    var preview = null;

    function renderPreview() {
      var body = byId("form-preview-body");
      if (preview) { preview.destroy(); }
      body.textContent = "";
      preview = new window.FormViewer.Form({ container: body });
      return preview.importSchema(editor.saveSchema());
    }

    /* form-js keeps the last valid value when an entry is invalid (a key like "2 x"), so saving now
       would store something other than what the panel shows: say so instead of "saved". */
    function panelErrors() {
      return Array.prototype.map.call(byId("form-properties").querySelectorAll(".bio-properties-panel-error"),
        function (error) { return error.textContent.trim(); }).filter(Boolean);
    }

    function save() {
      var errors = panelErrors();
      if (errors.length) {
        C.setStatus(status, C.format(m.panel_errors, { errors: errors.join(" ") }), "error");
        root.setAttribute("data-saved", "false");
        return Promise.resolve();
      }
      C.setStatus(status, m.saving);
      return C.request(root.getAttribute("data-src"), "PUT", { schema: editor.saveSchema() }).then(function (answer) {
        if (!answer.ok) { C.setStatus(status, answer.data.error || m.save_failed, "error"); return; }
        showProblems(answer.data.problems || []);
        C.setStatus(status, answer.data.message, (answer.data.problems || []).length ? "error" : "success");
        root.setAttribute("data-saved", "true");
      });
    }

    root.querySelector(".modeler-toolbar").addEventListener("click", function (event) {
      var action = event.target.getAttribute("data-action");
      if (action === "save") { save(); }
      if (action === "preview") {
        var section = byId("form-preview"), open = section.hidden;
        section.hidden = !open;
        event.target.setAttribute("aria-expanded", open ? "true" : "false");
        if (open) { renderPreview(); }
      }
    });
    editor.on("changed", function () {
      root.setAttribute("data-saved", "false");
      C.setStatus(status, m.unsaved);
      if (!byId("form-preview").hidden) { renderPreview(); }
    });

    C.request(root.getAttribute("data-src")).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      showProblems(answer.data.problems || []);
      return editor.importSchema(answer.data.schema);
    }).then(function () {
      C.setStatus(status, m.loaded);
      root.setAttribute("data-loaded", "true");
    }).catch(function () {
      C.setStatus(status, m.load_failed, "error");
      root.setAttribute("data-loaded", "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = byId("form-editor");
    if (root && window.FormEditor && window.FormViewer) { start(root); }
  });
})();
