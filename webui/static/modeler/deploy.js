/* Deploying is a decision: "Udrul ny version …" opens a dialog with the changes against the running
   version, the open cases on older versions and the problems that would refuse it; a comment and a
   confirmation are required. "Kassér kladde" asks before it posts the discard form. */
(function () {
  "use strict";
  var C = window.Casepath;

  function byId(id) { return document.getElementById(id); }

  function changeList(title, items, kind) {
    var section = document.createElement("div");
    section.className = "deploy-changes__group deploy-changes__group--" + kind;
    var heading = document.createElement("h3");
    heading.textContent = title + " (" + items.length + ")";
    section.appendChild(heading);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = (item.name || item.element_id) + (item.name ? " (" + item.element_id + ")" : "") +
        (item.details && item.details.length ? ": " + item.details.join(", ") : "");
      list.appendChild(entry);
    });
    section.appendChild(list);
    return section;
  }

  function renderSummary(data, m) {
    byId("deploy-running").textContent = data.running ? C.format(m.summary_running, { n: data.running }) : m.summary_first;
    var box = byId("deploy-changes");
    box.textContent = "";
    var none = data.running && !data.added.length && !data.removed.length && !data.changed.length && !data.forms.length;
    if (none) {
      var p = document.createElement("p");
      p.className = "deploy-changes__none";
      p.textContent = m.summary_none;
      box.appendChild(p);
    }
    [["added", m.added], ["removed", m.removed], ["changed", m.changed]].forEach(function (pair) {
      if (data[pair[0]].length) { box.appendChild(changeList(pair[1], data[pair[0]], pair[0])); }
    });
    if (data.forms.length) {
      var forms = document.createElement("p");
      forms.textContent = C.format(m.summary_forms, { forms: data.forms.join(", ") });
      box.appendChild(forms);
    }
    byId("deploy-open").textContent = C.format(m.summary_open, { n: data.open_cases });
    var problems = byId("deploy-problems");
    problems.textContent = "";
    (data.problems || []).forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = (problem.element_name || problem.element_id ? (problem.element_name || problem.element_id) + ": " : "") +
        problem.message;
      problems.appendChild(item);
    });
    var blocked = none || (data.problems || []).length > 0;
    document.querySelector('[data-dialog="deploy-confirm"]').disabled = blocked;
    byId("deploy-dialog").setAttribute("data-ready", blocked ? "blocked" : "true");
  }

  function showError(id, text) {
    var element = byId(id);
    element.textContent = text || "";
    element.hidden = !text;
  }

  /* api: {xml() → Promise<string|null>, run(fn), deployed(answer), refused(problems), status(text, kind)} */
  function install(root, config, api) {
    var m = config.messages, dialog = byId("deploy-dialog"), discard = byId("discard-dialog");

    function open() {
      showError("deploy-comment-error", "");
      showError("deploy-confirm-error", "");
      byId("deploy-confirm").checked = false;
      byId("deploy-changes").textContent = m.summary_loading;
      byId("deploy-problems").textContent = "";
      dialog.setAttribute("data-ready", "false");
      dialog.showModal();
      return api.xml().then(function (text) {
        return C.request(config.summary, "POST", { xml: text });
      }).then(function (answer) {
        if (!answer.ok) { byId("deploy-changes").textContent = answer.data.error || m.save_failed; return; }
        renderSummary(answer.data, m);
      });
    }

    function confirm() {
      var comment = byId("deploy-comment").value.trim();
      showError("deploy-comment-error", comment ? "" : m.comment_missing);
      showError("deploy-confirm-error", byId("deploy-confirm").checked ? "" : m.confirm_missing);
      if (!comment) { byId("deploy-comment").focus(); return Promise.resolve(); }
      if (!byId("deploy-confirm").checked) { byId("deploy-confirm").focus(); return Promise.resolve(); }
      dialog.close();
      api.status(m.deploying);
      return api.xml().then(function (text) {
        return C.request(config.deploy, "POST", { xml: text, comment: comment });
      }).then(function (answer) {
        if (answer.ok) {
          byId("deploy-comment").value = "";
          api.deployed(answer);
        } else if (answer.data.problems) {
          api.refused(answer.data.problems);
        } else {
          api.status(answer.data.error || m.save_failed, "error");
        }
      });
    }

    [dialog, discard].forEach(function (box) {
      box.addEventListener("click", function (event) {
        var action = event.target.getAttribute("data-dialog");
        if (action === "close") { box.close(); }
        if (action === "deploy-confirm") { api.run(confirm); }
        if (action === "discard-confirm") { byId("discard-form").submit(); }
      });
    });
    return { open: open, discard: function () { discard.showModal(); return Promise.resolve(); } };
  }

  window.CasepathDeploy = { install: install };
})();
