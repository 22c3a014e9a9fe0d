/* casepath additions to the bpmn-js properties panel (Camunda 7 provider):
   - hides the Camunda engine groups and fields casepath does not read or refuses (listeners,
     connectors, jobs, assignee, priority, ...) and
     moves the groups it reads (form, user assignment, camunda:properties, timer) to the top;
   - help texts under the fields the engine reads: a lane's group, formKey, candidateGroups,
     dueDate and timers (with the deadline rule keys). */
(function () {
  "use strict";
  var HIDDEN = [
    "CamundaPlatform__AsynchronousContinuations", "CamundaPlatform__JobExecution", "CamundaPlatform__ExternalTask",
    "CamundaPlatform__ConnectorInput", "CamundaPlatform__ConnectorOutput", "CamundaPlatform__Input",
    "CamundaPlatform__Output", "CamundaPlatform__ExecutionListener", "CamundaPlatform__TaskListener",
    "CamundaPlatform__FieldInjection", "CamundaPlatform__HistoryCleanup", "CamundaPlatform__Tasklist",
    "CamundaPlatform__CandidateStarter", "CamundaPlatform__ProcessVariables", "CamundaPlatform__Implementation",
    "CamundaPlatform__InMappingPropagation", "CamundaPlatform__OutMappingPropagation", "CamundaPlatform__InMapping",
    "CamundaPlatform__OutMapping", "CamundaPlatform__BusinessKey", "CamundaPlatform__StartInitiator"
  ];
  // Camunda engine settings of a user task that casepath does not read.
  var HIDDEN_ENTRIES = ["assignee", "candidateUsers", "followUpDate", "priority"];
  var FIRST = ["general", "CamundaPlatform__Form", "CamundaPlatform__UserAssignment",
    "CamundaPlatform__ExtensionProperties", "timer"];

  function laneSlug(name) {
    return String(name || "").replace(/[æÆ]/g, "ae").replace(/[øØ]/g, "oe").replace(/[åÅ]/g, "aa")
      .normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  }

  function is(element, type) {
    var bo = element && (element.businessObject || element);
    return !!(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  /* The lane's group: {group, mapped} (mapped = found in lane_groups, else the name's slug). */
  function laneGroup(name, lanes) {
    var trimmed = String(name || "").replace(/\s+/g, " ").trim();
    if (Object.prototype.hasOwnProperty.call(lanes, trimmed)) { return { group: lanes[trimmed], mapped: true }; }
    return { group: laneSlug(trimmed), mapped: false };
  }

  /* The innermost lane holding a flow node, or null. */
  function laneOf(element, registry) {
    var bo = element.businessObject;
    var found = null;
    registry.filter(function (e) { return is(e, "bpmn:Lane"); }).forEach(function (lane) {
      var refs = lane.businessObject.get("flowNodeRef") || [];
      if (refs.indexOf(bo) !== -1) { found = lane; }
    });
    return found;
  }

  function ruleList(rules) {
    return rules.map(function (r) { return r.key; }).join(", ");
  }

  function descriptions(config, getRegistry) {
    var m = config.messages || {}, format = window.Casepath.format;
    return {
      name: function (element) {
        if (!is(element, "bpmn:Lane")) { return undefined; }
        var found = laneGroup(element.businessObject.name, config.lanes || {});
        var text = format(found.mapped ? m.group_mapped : m.group_slug,
          { group: found.group || "–", lane: element.businessObject.name || "" });
        if (found.group && (config.groups || []).indexOf(found.group) === -1) {
          text += " " + format(m.group_unknown, { group: found.group });
        }
        return text;
      },
      processId: function () { return m.desc_process_id; },
      formKey: function () { return m.desc_form_key; },
      candidateGroups: function (element) {
        var lane = laneOf(element, getRegistry());
        var group = lane ? laneGroup(lane.businessObject.name, config.lanes || {}).group : "–";
        return format(m.desc_candidate, { group: group, groups: (config.groups || []).join(", ") });
      },
      dueDate: function () { return format(m.desc_due, { rules: ruleList(config.rules || []) }); },
      timerEventDefinitionValue: function () { return format(m.desc_timer, { rules: ruleList(config.rules || []) }); }
    };
  }

  function CasepathPropertiesProvider(propertiesPanel) {
    propertiesPanel.registerProvider(200, this);
  }
  CasepathPropertiesProvider.$inject = ["propertiesPanel"];
  CasepathPropertiesProvider.prototype.getGroups = function () {
    return function (groups) {
      var kept = groups.filter(function (group) { return HIDDEN.indexOf(group.id) === -1; });
      kept.forEach(function (group) {
        if (group.entries) {
          group.entries = group.entries.filter(function (entry) { return HIDDEN_ENTRIES.indexOf(entry.id) === -1; });
        }
      });
      var first = FIRST.map(function (id) {
        return kept.filter(function (group) { return group.id === id; })[0];
      }).filter(Boolean);
      return first.concat(kept.filter(function (group) { return first.indexOf(group) === -1; }));
    };
  };

  window.CasepathPanel = {
    module: { __init__: ["casepathPropertiesProvider"], casepathPropertiesProvider: ["type", CasepathPropertiesProvider] },
    descriptions: descriptions,
    laneGroup: laneGroup,
    laneOf: laneOf,
    is: is
  };
})();
