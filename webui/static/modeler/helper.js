/* The "Valgt element" box beside the modeler: the group a lane or user task goes to, the task's
   form, its action card (camunda:properties → action_card, multi-line) and a deadline rule helper
   that writes deadline("rule", field) into a timer or a user task's camunda:dueDate. Every change
   goes through bpmn-js modeling, so it can be undone like any other edit. */
(function () {
  "use strict";
  var P = window.CasepathPanel;

  function byId(id) { return document.getElementById(id); }

  function extensionValue(bo, type) {
    var ext = bo.get("extensionElements");
    return ext ? (ext.get("values") || []).filter(function (v) { return v.$instanceOf(type); })[0] : null;
  }

  function actionCard(bo) {
    var props = extensionValue(bo, "camunda:Properties");
    var prop = props ? (props.get("values") || []).filter(function (p) { return p.name === "action_card"; })[0] : null;
    return prop ? prop.value || "" : "";
  }

  function setActionCard(modeler, element, text) {
    var modeling = modeler.get("modeling"), moddle = modeler.get("moddle");
    var bo = element.businessObject;
    var ext = bo.get("extensionElements");
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      ext.$parent = bo;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    var props = extensionValue(bo, "camunda:Properties");
    if (!props) {
      props = moddle.create("camunda:Properties", { values: [] });
      props.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([props]) });
    }
    var prop = props.get("values").filter(function (p) { return p.name === "action_card"; })[0];
    if (prop) {
      modeling.updateModdleProperties(element, prop, { value: text });
    } else {
      prop = moddle.create("camunda:Property", { name: "action_card", value: text });
      prop.$parent = props;
      modeling.updateModdleProperties(element, props, { values: props.get("values").concat([prop]) });
    }
  }

  function timerDefinition(bo) {
    return (bo.get("eventDefinitions") || []).filter(function (d) { return d.$instanceOf("bpmn:TimerEventDefinition"); })[0];
  }

  function deadlineValue(element) {
    var bo = element.businessObject;
    if (P.is(element, "bpmn:UserTask")) { return bo.get("camunda:dueDate") || ""; }
    var timer = timerDefinition(bo);
    var expr = timer && (timer.get("timeDate") || timer.get("timeDuration") || timer.get("timeCycle"));
    return expr ? expr.get("body") || "" : "";
  }

  function setDeadline(modeler, element, value) {
    var modeling = modeler.get("modeling");
    if (P.is(element, "bpmn:UserTask")) {
      modeling.updateProperties(element, { "camunda:dueDate": value });
      return;
    }
    var timer = timerDefinition(element.businessObject);
    var expr = modeler.get("moddle").create("bpmn:FormalExpression", { body: value });
    expr.$parent = timer;
    modeling.updateModdleProperties(element, timer, { timeDate: expr, timeDuration: undefined, timeCycle: undefined });
  }

  /* Preselect the rule and the field of a deadline("rule", field) already on the element. */
  function showRule(value) {
    var found = /^\s*deadline\(\s*["']([\w-]+)["']\s*,\s*([A-Za-z][\w]*)\s*\)\s*$/.exec(value || "");
    if (!found || document.activeElement === byId("helper-rule") || document.activeElement === byId("helper-start")) {
      return;
    }
    var start = byId("helper-start");
    if (!start.querySelector('option[value="' + found[2] + '"]')) {
      var option = document.createElement("option");
      option.value = option.textContent = found[2];
      start.appendChild(option);
    }
    if (byId("helper-rule").querySelector('option[value="' + found[1] + '"]')) { byId("helper-rule").value = found[1]; }
    start.value = found[2];
  }

  function groupText(element, registry, config) {
    var m = config.messages, format = window.Casepath.format;
    var bo = element.businessObject;
    if (P.is(element, "bpmn:Lane")) {
      var mapped = P.laneGroup(bo.name, config.lanes);
      return format(mapped.mapped ? m.group_mapped : m.group_slug, { group: mapped.group || "–", lane: bo.name || "" });
    }
    if (!P.is(element, "bpmn:UserTask")) { return ""; }
    var candidates = String(bo.get("camunda:candidateGroups") || "").split(",").map(function (s) { return s.trim(); })
      .filter(Boolean);
    if (candidates.length) { return format(m.group_candidate, { group: candidates[0] }); }
    var lane = P.laneOf(element, registry);
    if (!lane) { return m.group_none; }
    var found = P.laneGroup(lane.businessObject.name, config.lanes);
    return format(found.mapped ? m.group_mapped : m.group_slug, { group: found.group, lane: lane.businessObject.name });
  }

  function install(modeler, config, openForm) {
    var m = config.messages, format = window.Casepath.format;
    var registry = modeler.get("elementRegistry");
    var current = null;

    function render() {
      var element = current && registry.get(current.id);
      byId("helper-empty").hidden = !!element;
      byId("helper-body").hidden = !element;
      if (!element) { return; }
      var bo = element.businessObject;
      var userTask = P.is(element, "bpmn:UserTask");
      var timer = !!(bo.get && bo.$instanceOf("bpmn:Event") && timerDefinition(bo));
      byId("helper-name").textContent = bo.name || bo.id;
      var type = bo.$type.replace("bpmn:", "").replace(/([a-z])([A-Z])/g, "$1 $2");  // "Boundary Event"
      byId("helper-kind").textContent = "(" + modeler.get("translate")(type) + ", " + bo.id + ")";
      byId("helper-group").textContent = groupText(element, registry, config);
      var lane = P.is(element, "bpmn:Lane") && !!(bo.name || "").trim();
      if (!lane || byId("helper-lane").hidden) { byId("helper-lane-status").textContent = ""; }
      byId("helper-lane").hidden = !lane;
      if (lane && document.activeElement !== byId("helper-lane-group")) {
        byId("helper-lane-group").value = P.laneGroup(bo.name, config.lanes).group;
        byId("helper-lane-owner").checked = (config.owner_lanes || []).indexOf((bo.name || "").trim()) >= 0;
      }
      var formKey = userTask || P.is(element, "bpmn:StartEvent") ? bo.get("camunda:formKey") : "";
      byId("helper-form").hidden = !formKey;
      if (formKey) {
        var link = byId("helper-form-link");
        link.textContent = formKey;
        link.setAttribute("href", config.form.replace("FORM_KEY", encodeURIComponent(formKey)));
      }
      byId("helper-card").hidden = !userTask;
      if (userTask && document.activeElement !== byId("helper-card-text")) {
        byId("helper-card-text").value = actionCard(bo);
      }
      byId("helper-deadline").hidden = !(userTask || timer);
      if (userTask || timer) {
        var value = deadlineValue(element);
        byId("helper-deadline-current").textContent = value ? format(m.deadline_current, { value: value }) : m.deadline_none;
        showRule(value);
      }
    }

    modeler.on("selection.changed", function (event) {
      current = event.newSelection.length === 1 ? event.newSelection[0] : null;
      render();
    });
    modeler.on("elements.changed", function () { render(); });
    byId("helper-form-link").addEventListener("click", function (event) {
      event.preventDefault();
      openForm(event.currentTarget.getAttribute("href"));
    });
    document.querySelector('[data-action="card"]').addEventListener("click", function () {
      if (current) { setActionCard(modeler, current, byId("helper-card-text").value.trim()); }
    });
    document.querySelector('[data-action="lane-group"]').addEventListener("click", function () {
      var element = current && registry.get(current.id);
      if (!element || !P.is(element, "bpmn:Lane")) { return; }
      var lane = element.businessObject.name.trim(), group = byId("helper-lane-group").value;
      var toOwner = byId("helper-lane-owner").checked;
      window.Casepath.request(config.lane_group, "POST", { lane: lane, group: group, to_owner: toOwner }).then(function (result) {
        if (result.ok) {
          config.lanes = result.data.lanes;
          config.owner_lanes = result.data.owner_lanes;
          render();
          byId("helper-lane-status").textContent = format(m.lane_group_saved, { lane: lane, group: group });
        } else {
          byId("helper-lane-status").textContent = format(m.lane_group_failed,
            { error: (result.data && result.data.error) || result.status });
        }
      });
    });
    document.querySelector('[data-action="rule"]').addEventListener("click", function () {
      var start = byId("helper-start").value;
      if (!current || !/^[A-Za-z][A-Za-z0-9_]*$/.test(start)) { byId("helper-start").focus(); return; }
      setDeadline(modeler, current, 'deadline("' + byId("helper-rule").value + '", ' + start + ")");
    });
  }

  window.CasepathHelper = { install: install, actionCard: actionCard };
})();
