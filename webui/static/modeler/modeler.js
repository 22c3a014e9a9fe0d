/* The modeler page: bpmn-js Modeler + properties panel (Camunda 7), saving drafts, checking and
   deploying through the server's validator, problems shown on the diagram and in a list. */
(function () {
  "use strict";
  var C = window.Casepath;

  function byId(id) { return document.getElementById(id); }

  /* The whole diagram, or, when that would be too small to read, its left part at 80 %. */
  function fitReadable(canvas) {
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= 0.6) { return; }
    var box = canvas.viewbox();
    canvas.viewbox({ x: box.inner.x - 90, y: box.inner.y - 30, width: box.outer.width / 0.8,
      height: box.outer.height / 0.8 });
  }

  /* The shape of an element id; a process is shown by its pool (participant). */
  function shapeFor(registry, id) {
    var element = registry.get(id);
    if (element && !element.parent && element.type === "bpmn:Process") { element = null; }
    return element || registry.filter(function (e) {
      var ref = e.type === "bpmn:Participant" && e.businessObject.processRef;
      return ref && ref.id === id;
    })[0] || null;
  }

  function start(root, camunda) {
    var config = C.config(root), m = config.messages, status = byId("modeler-status");
    var modules = [
      window.BpmnJSPropertiesPanel.BpmnPropertiesPanelModule,
      window.BpmnJSPropertiesPanel.BpmnPropertiesProviderModule,
      window.BpmnJSPropertiesPanel.CamundaPlatformPropertiesProviderModule,
      window.CasepathPanel.module
    ];
    var overrides = {};
    overrides[window.CasepathDanish.DUE_DATE_HELP] = C.format(m.desc_due, {
      rules: (config.rules || []).map(function (r) { return r.key; }).join(", ")
    });
    modules.push(window.CasepathDanish.module(config.locale, overrides));
    var linting = window.CasepathLint && window.CasepathLint.available();
    if (linting) { modules.push(window.CasepathLint.module()); }
    var modeler = new window.BpmnJS({
      linting: linting ? { bpmnlint: window.CasepathLint.config(), active: true } : undefined,
      container: byId("canvas"),
      propertiesPanel: {
        parent: byId("properties"),
        description: window.CasepathPanel.descriptions(config, function () { return modeler.get("elementRegistry"); }),
        tooltip: window.BpmnJSPropertiesPanel.CamundaPlatformTooltipProvider
      },
      additionalModules: modules,
      moddleExtensions: { camunda: camunda }
    });
    window.casepathModeler = modeler;  // for the browser tests and the console
    // The properties panel's own widgets (list and section toggles) do not use `translate`.
    if (window.CasepathFormDanish) { window.CasepathFormDanish.install(byId("properties"), config.locale, true); }
    var dirty = false, busy = false, overlayIds = [], marked = [];

    function setDirty(value) {
      dirty = value;
      root.setAttribute("data-dirty", value ? "true" : "false");
    }

    function clearProblems() {
      var canvas = modeler.get("canvas"), overlays = modeler.get("overlays");
      overlayIds.forEach(function (id) { overlays.remove(id); });
      marked.forEach(function (id) { canvas.removeMarker(id, "cp-problem"); });
      overlayIds = [];
      marked = [];
      byId("problems").textContent = "";
    }

    function select(element) {
      modeler.get("canvas").scrollToElement(element);
      modeler.get("selection").select(element);
    }

    function showProblems(problems) {
      clearProblems();
      var registry = modeler.get("elementRegistry"), canvas = modeler.get("canvas"), overlays = modeler.get("overlays");
      var list = byId("problems");
      byId("problems-empty").hidden = problems.length > 0;
      byId("problems-empty").textContent = m.no_problems;
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        var label = problem.element_id ? (problem.element_name ? problem.element_name + " (" + problem.element_id + ")"
          : problem.element_id) + ": " : "";
        var element = problem.element_id ? shapeFor(registry, problem.element_id) : null;
        if (element) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "link-button";
          button.textContent = label + problem.message;
          button.addEventListener("click", function () { select(element); });
          item.appendChild(button);
          if (marked.indexOf(element.id) === -1) {
            canvas.addMarker(element.id, "cp-problem");
            marked.push(element.id);
            var badge = document.createElement("span");
            badge.className = "cp-problem-badge";
            badge.textContent = "!";
            badge.title = m.problem_marker;
            overlayIds.push(overlays.add(element.id, "cp-problem", { position: { top: -10, right: 10 }, html: badge }));
          }
        } else {
          item.textContent = label + problem.message;
        }
        list.appendChild(item);
      });
      root.setAttribute("data-problems", String(problems.length));
    }

    /* The diagram as XML; null when bpmn-js cannot write this file (foreign namespaces) and nothing
       was changed: the server then uses the saved draft as it was imported. */
    function xml() {
      return modeler.saveXML({ format: true }).then(function (result) { return result.xml; }, function (error) {
        if (dirty) { throw new Error(C.format(m.export_failed, { error: String(error && error.message || error) })); }
        return null;
      });
    }

    function run(action) {
      if (busy) { return Promise.resolve(); }
      busy = true;
      root.setAttribute("data-busy", "true");
      return action().then(function (value) {
        busy = false;
        root.setAttribute("data-busy", "false");
        return value;
      }, function (error) {
        busy = false;
        root.setAttribute("data-busy", "false");
        C.setStatus(status, C.format(m.failed, { error: String(error && error.message || error) }), "error");
      });
    }

    function save() {
      C.setStatus(status, m.saving);
      return xml().then(function (text) {
        return text === null ? { ok: true, data: {} } : C.request(config.save, "PUT", { xml: text });
      }).then(function (answer) {
        if (answer.ok) { setDirty(false); }
        C.setStatus(status, answer.ok ? m.saved : (answer.data.error || m.save_failed), answer.ok ? "success" : "error");
        return answer.ok;
      });
    }

    function check() {
      C.setStatus(status, m.checking);
      return xml().then(function (text) { return C.request(config.check, "POST", { xml: text }); }).then(function (answer) {
        var problems = answer.data.problems || [];
        if (!answer.ok) { C.setStatus(status, answer.data.error || m.save_failed, "error"); return; }
        showProblems(problems);
        C.setStatus(status, problems.length ? C.format(m.problems, { n: problems.length }) : m.no_problems,
          problems.length ? "error" : "success");
      });
    }

    var dialogs = window.CasepathDeploy.install(root, config, {
      xml: xml,
      run: run,
      status: function (text, kind) { C.setStatus(status, text, kind); },
      deployed: function (answer) {
        setDirty(false);
        showProblems([]);
        C.setStatus(status, answer.data.message, "success");
        root.setAttribute("data-deployed", JSON.stringify(answer.data.versions || []));
      },
      refused: function (problems) {
        showProblems(problems);  // the draft was not touched: the changes are still only on this page
        C.setStatus(status, C.format(m.deploy_failed, { n: problems.length }), "error");
      }
    });

    function openForm(href) {
      (dirty ? run(save) : Promise.resolve(true)).then(function () { window.location.assign(href); });
    }

    function renderForms() {
      var tasks = {};
      // User tasks and the start event (its form is the data a case opens with).
      modeler.get("elementRegistry").filter(function (e) {
        return window.CasepathPanel.is(e, "bpmn:UserTask") || window.CasepathPanel.is(e, "bpmn:StartEvent");
      })
        .forEach(function (e) {
          var key = e.businessObject.get("camunda:formKey");
          if (key) { (tasks[key] = tasks[key] || []).push(e.businessObject.name || e.id); }
        });
      var list = byId("form-list"), keys = Object.keys(tasks).sort();
      list.textContent = "";
      keys.forEach(function (key) {
        var item = document.createElement("li"), link = document.createElement("a");
        link.href = config.form.replace("FORM_KEY", encodeURIComponent(key));
        link.textContent = key;
        link.addEventListener("click", function (event) { event.preventDefault(); openForm(link.href); });
        item.appendChild(link);
        item.appendChild(document.createTextNode(" – " + C.format(m.form_tasks, { tasks: tasks[key].join(", ") })));
        list.appendChild(item);
      });
      if (!keys.length) {
        var empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = m.no_forms;
        list.appendChild(empty);
      }
    }

    var actions = { save: save, check: check, deploy: dialogs.open, discard: dialogs.discard };
    root.querySelector(".modeler-toolbar").addEventListener("click", function (event) {
      var action = actions[event.target.getAttribute("data-action")];
      if (action) { run(action); }
    });
    modeler.on("linting.completed", function (event) {
      var count = 0;
      Object.keys(event.issues || {}).forEach(function (id) { count += event.issues[id].length; });
      root.setAttribute("data-lint-issues", String(count));
      root.setAttribute("data-lint-elements", Object.keys(event.issues || {}).sort().join(" "));
    });
    modeler.on("commandStack.changed", function () { setDirty(true); C.setStatus(status, m.unsaved); renderForms(); });
    window.CasepathHelper.install(modeler, config, openForm);

    C.setStatus(status, m.loading);
    C.request(config.workspace).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      return modeler.importXML(answer.data.xml);
    }).then(function (result) {
      fitReadable(modeler.get("canvas"));
      renderForms();
      setDirty(false);
      var warnings = (result && result.warnings) || [];
      C.setStatus(status, warnings.length ? C.format(m.loaded_warnings, { n: warnings.length }) : m.loaded);
      return modeler.saveXML().then(function () {
        root.setAttribute("data-loaded", "true");
      }, function (error) {
        C.setStatus(status, C.format(m.export_broken, { error: String(error && error.message || error) }), "error");
        root.setAttribute("data-loaded", "true");
      });
    }).catch(function (error) {
      C.setStatus(status, C.format(m.load_failed, { error: String(error && error.message || error) }), "error");
      root.setAttribute("data-loaded", "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = byId("modeler");
    if (!root || typeof window.BpmnJS !== "function" || !window.BpmnJSPropertiesPanel) { return; }
    fetch(root.getAttribute("data-camunda"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (camunda) { start(root, camunda); });
  });
})();
