/* bpmnlint in the modeler (vendor/bpmnlint, window.BpmnLint): the packed configuration of the rules
   that fit casepath's engine, and casepath's own rule. The server refuses the same diagrams when
   deploying (engine/bpmn/graph_checks.py, engine/bpmn/gateway_checks.py); the linter only shows
   them while the team lead draws. Messages go through bpmn-js's `translate` (danish.js). */
(function () {
  "use strict";

  function isConditionalGateway(node) {
    return node.$instanceOf && (node.$instanceOf("bpmn:ExclusiveGateway") || node.$instanceOf("bpmn:InclusiveGateway"));
  }

  /* An exclusive or inclusive gateway whose outgoing flows all carry a condition and which has no
     default: a case whose conditions are all false gets stuck (engine/bpmn/gateway_checks.py). */
  function gatewayNeedsDefault() {
    function check(node, reporter) {
      if (!isConditionalGateway(node)) { return; }
      var outgoing = node.outgoing || [];
      if (!outgoing.length || node["default"]) { return; }
      if (outgoing.every(function (flow) { return !!flow.conditionExpression; })) {
        reporter.report(node.id, "Gateway has no default flow and every outgoing flow has a condition");
      }
    }
    return { check: check };
  }

  // What the engine refuses is an error; what is only unusual is a warning. Not `fake-join`: a task
  // with a loop back to it (Børnesamtale → "Prøv igen") is an ordinary merge for the engine.
  var RULES = {
    "start-event-required": "error",
    "no-disconnected": "error",
    "no-implicit-split": "error",
    "conditional-flows": "error",
    "no-complex-gateway": "error",
    "event-based-gateway": "error",
    "single-event-definition": "error",
    "end-event-required": "warn",
    "no-duplicate-sequence-flows": "warn",
    "superfluous-gateway": "warn",
    "casepath/gateway-needs-default": "error"
  };

  function packedConfig() {
    var rules = { "bpmnlint": window.BpmnLint.rules, "bpmnlint-plugin-casepath": { "gateway-needs-default": gatewayNeedsDefault } };
    return {
      config: { rules: RULES },
      resolver: {
        resolveRule: function (pkg, name) { return (rules[pkg] || {})[name]; },
        resolveConfig: function () { return null; }
      }
    };
  }

  window.CasepathLint = {
    available: function () { return !!window.BpmnLint; },
    module: function () { return window.BpmnLint.lintModule; },
    config: packedConfig
  };
})();
